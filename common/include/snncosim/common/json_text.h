#pragma once
// JSON text for stdout and result files. File names may hold any byte (a path with 0xFF is
// valid on Linux), and nlohmann throws on invalid UTF-8 unless told to replace it.
#include <string>

#include <nlohmann/json.hpp>

namespace snncosim {

inline std::string json_text(const nlohmann::json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace snncosim
