#pragma once
// Error classes that map to the documented exit codes: bad_input -> 2, anything else -> 1.
#include <stdexcept>
#include <string>

namespace snncosim {

// Bad user input: a malformed file, an unknown key, an impossible configuration.
// The message must already name the file and the place (line:column or byte offset).
class bad_input : public std::runtime_error {
 public:
  explicit bad_input(const std::string& what) : std::runtime_error(what) {}
};

enum exit_code : int { exit_ok = 0, exit_runtime_failure = 1, exit_bad_input = 2 };

}  // namespace snncosim
