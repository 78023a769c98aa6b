#pragma once
// Writes that are all-or-nothing: data goes to a temporary file in the target directory,
// is flushed and fsync'ed, then renamed over the target. A crash leaves either the old
// file or the new one, never a partial file.
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace snncosim {

// Writes `content` to `path` atomically; creates parent directories.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

// Calls `fill(temp_path)` to produce the file under a unique temporary name in the same
// directory, then renames it to `path`. If `fill` throws, the temporary is removed.
void produce_file_atomic(const std::filesystem::path& path,
                         const std::function<void(const std::filesystem::path&)>& fill);

// Reads a whole file; throws bad_input naming the file when it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace snncosim
