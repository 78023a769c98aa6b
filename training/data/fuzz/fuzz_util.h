#pragma once
// libFuzzer harness helper: the readers take file paths (they stream), so each input is
// written to a per-process scratch file first. bad_input is the expected outcome for
// malformed data; anything else (crash, sanitizer report, other exception) is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

namespace snncosim::data::fuzz {

inline std::filesystem::path write_input(const std::uint8_t* data, std::size_t size, const char* ext) {
  const auto p = std::filesystem::temp_directory_path() / ("snncosim_fuzz_" + std::to_string(::getpid()) + ext);
  std::FILE* f = std::fopen(p.c_str(), "wb");
  if (f) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  return p;
}

}  // namespace snncosim::data::fuzz
