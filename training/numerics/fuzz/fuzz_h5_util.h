#pragma once
// libFuzzer harness helper for the HDF5 readers: they take a path (the HDF5 library opens the
// file itself), so each input is written to a file in a per-process scratch folder first.
// bad_input is the expected outcome for damaged data; anything else (crash, hang, sanitizer
// report, another exception) is a finding.
#include <hdf5.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

namespace snncosim::numerics::fuzz {

// The folder is removed when the fuzzer exits normally (-max_total_time, -runs); after a
// crash it stays, with the input that crashed.
class scratch_folder {
 public:
  scratch_folder()
      : m_path(std::filesystem::temp_directory_path() / ("snncosim_fuzz_h5_" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(m_path);
  }
  ~scratch_folder() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  scratch_folder(const scratch_folder&) = delete;
  scratch_folder& operator=(const scratch_folder&) = delete;
  const std::filesystem::path& path() const { return m_path; }

 private:
  std::filesystem::path m_path;
};

inline std::filesystem::path write_input(const std::uint8_t* data, std::size_t size, const char* name) {
  static const scratch_folder dir;
  const auto p = dir.path() / name;
  std::FILE* f = std::fopen(p.c_str(), "wb");
  if (f) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  return p;
}

// Every file, group, dataset and attribute the reader opened must be closed again, on
// success and on error alike: one still open is a handle leak in our code (libhdf5's own
// losses are suppressed, lsan.supp). Datatypes are not counted: the HDF5 C++ library that
// HDF5::HDF5 links holds about 125 predefined-type copies for the whole run.
inline void check_all_closed() {
  if (H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_FILE | H5F_OBJ_GROUP | H5F_OBJ_DATASET | H5F_OBJ_ATTR) != 0)
    __builtin_trap();
}

}  // namespace snncosim::numerics::fuzz
