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

// write_file_atomic for a cache that writes many files into one folder: the same, except
// that it does not scan the folder for temporaries of killed writers (that would make filling
// a folder of n entries cost n^2); a leftover temporary there is only wasted space.
void write_cache_file_atomic(const std::filesystem::path& path, std::string_view content);

// Calls `fill(temp_path)` to produce the file under a unique temporary name in the same
// directory, then renames it to `path`. If `fill` throws, the temporary is removed.
void produce_file_atomic(const std::filesystem::path& path,
                         const std::function<void(const std::filesystem::path&)>& fill);

// Creates `dir` (and its parents) for output. Throws bad_input naming the folder and the
// reason (a file where a folder is wanted, no permission, name too long) instead of a raw
// filesystem error.
void ensure_output_folder(const std::filesystem::path& dir);

// Checks, before any work, that `path` can be written: its folder exists or can be created,
// `path` is not a folder, and a file can be created beside it. Throws bad_input otherwise.
void check_output_file(const std::filesystem::path& path);

// Reads a whole file; throws bad_input naming the file when it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace snncosim
