#pragma once
// Helpers shared by the data tests: temporary directories and raw byte files.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <unistd.h>
#include <string>
#include <vector>

namespace snncosim::data::test {

inline std::filesystem::path temp_dir(const std::string& tag) {
  const auto base = std::filesystem::temp_directory_path() /
                    ("snncosim_data_" + tag + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(base);
  std::filesystem::create_directories(base);
  return base;
}

inline void write_bytes(const std::filesystem::path& p, const std::string& bytes) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string bytes(std::initializer_list<int> values) {
  std::string s;
  for (int v : values) s.push_back(static_cast<char>(v));
  return s;
}

inline std::string fixture(const std::string& name) {
  return std::string(SNNCOSIM_DATA_FIXTURES) + "/" + name;
}

}  // namespace snncosim::data::test
