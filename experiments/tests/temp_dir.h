#pragma once
// A fresh, empty scratch folder per test and process (ctest runs test cases in parallel).
#include <filesystem>
#include <string>

#include <unistd.h>

namespace snncosim::experiments::testing {

inline std::filesystem::path temp_dir(const std::string& name) {
  const std::filesystem::path d =
      std::filesystem::temp_directory_path() / ("snncosim_experiments_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

}  // namespace snncosim::experiments::testing
