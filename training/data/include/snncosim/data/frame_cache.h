#pragma once
// On-disk cache of framed samples so later epochs skip decoding.
// Key = format version + absolute file path + file size + mtime (ns) + sample time range +
// reader options + transform parameters; the full key text is stored in the entry and
// compared on load, so a hash collision or a stale/corrupt entry is a miss, never wrong data.
// Entries are written with write_file_atomic (unique temporary + rename): two processes
// filling the same entry both write identical bytes and the last rename wins.
#include <filesystem>
#include <optional>
#include <string>

#include "snncosim/data/transforms.h"

namespace snncosim::data {

constexpr int frame_cache_version = 2;

class frame_cache {
 public:
  explicit frame_cache(std::filesystem::path dir) : m_dir(std::move(dir)) {}
  // Builds the key text for `file`; throws bad_input if the file cannot be stat'ed.
  static std::string make_key(const std::filesystem::path& file, std::int64_t t_begin,
                              std::int64_t t_end, const std::string& reader_key,
                              const std::string& transform_key);
  std::filesystem::path entry_path(const std::string& key) const;
  std::optional<frame_tensor> load(const std::string& key, int* label = nullptr) const;
  void store(const std::string& key, const frame_tensor& frames, int label) const;

 private:
  std::filesystem::path m_dir;
};

}  // namespace snncosim::data
