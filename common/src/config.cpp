#include "snncosim/common/config.h"
// Placeholder while the configuration layer is written (next commit).
namespace snncosim::config {
override_entry parse_override(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos) throw bad_input("--set " + text + ": expected key=value");
  return {text.substr(0, eq), text.substr(eq + 1)};
}
}  // namespace snncosim::config
