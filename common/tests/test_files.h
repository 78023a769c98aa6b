#pragma once
// A scratch directory per test case, removed at the end.
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace snncosim::test {

class scratch_dir {
 public:
  scratch_dir() {
    std::mt19937_64 rng(std::random_device{}());
    m_path = std::filesystem::temp_directory_path() / ("snncosim-test-" + std::to_string(rng()));
    std::filesystem::create_directories(m_path);
  }
  ~scratch_dir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;

  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    const auto p = m_path / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

 private:
  std::filesystem::path m_path;
};

}  // namespace snncosim::test
