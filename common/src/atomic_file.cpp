#include "snncosim/common/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <climits>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "snncosim/common/error.h"

namespace snncosim {
namespace fs = std::filesystem;

namespace {

fs::path temp_sibling(const fs::path& path) {
  // pid + a random suffix: two processes (or threads) filling the same target never share
  // a temporary.
  std::random_device rd;
  std::ostringstream name;
  name << "." << path.filename().string() << ".tmp." << ::getpid() << "." << std::hex << rd();
  return path.parent_path() / name.str();
}

// A process killed while filling a target leaves `.<name>.tmp.<pid>.<hex>` behind; the next
// write of the same target removes those whose process is gone.
void remove_stale_temporaries(const fs::path& path) {
  std::string prefix(1, '.');
  prefix.append(path.filename().string()).append(".tmp.");
  const fs::path parent = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::error_code ec;
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string rest = name.substr(prefix.size());
    char* stop = nullptr;
    const long pid = std::strtol(rest.c_str(), &stop, 10);
    if (pid <= 0 || stop == rest.c_str() || *stop != '.') continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    std::error_code ignored;
    fs::remove(it->path(), ignored);
  }
}

std::string reason(const std::error_code& ec) {
  if (ec == std::errc::not_a_directory) return "a file is in the way where a folder is needed";
  return ec.message();
}

void fsync_path(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

void ensure_output_folder(const fs::path& dir) {
  if (dir.empty()) return;
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return;
  if (fs::exists(dir, ec)) {
    throw bad_input(dir.string() + ": cannot create output folder: a file of that name exists");
  }
  fs::create_directories(dir, ec);
  if (ec) throw bad_input(dir.string() + ": cannot create output folder: " + reason(ec));
}

void check_output_file(const fs::path& path) {
  if (path.empty()) throw bad_input("an output file name is empty");
  const std::string shown = path.string().size() > 120 ? path.string().substr(0, 120) + "..." : path.string();
  for (const auto& part : path) {
    if (part.string().size() > NAME_MAX) {
      throw bad_input(shown + ": cannot write output file: a name in it is longer than " +
                      std::to_string(NAME_MAX) + " bytes");
    }
  }
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    throw bad_input(shown + ": cannot write output file: a folder of that name exists");
  }
  // Nothing is created here: the folders are made when the file is written, so a command
  // that fails later leaves no empty folder behind.
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  while (!fs::exists(dir, ec)) {
    const fs::path up = dir.parent_path();
    if (up == dir) break;
    dir = up.empty() ? fs::path(".") : up;
  }
  if (!fs::is_directory(dir, ec)) {
    throw bad_input(shown + ": cannot write output file: " + dir.string() + " is a file, not a folder");
  }
  if (dir != (path.parent_path().empty() ? fs::path(".") : path.parent_path())) {
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
      throw bad_input(shown + ": cannot write output file: cannot create a folder in " + dir.string() + ": " +
                      std::strerror(errno));
    }
    return;
  }
  const fs::path tmp = temp_sibling(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) throw bad_input(shown + ": cannot write output file: " + std::strerror(errno));
  ::close(fd);
  fs::remove(tmp, ec);
}

namespace {

// `scan_for_stale`: look for temporaries of killed writers of the same target. The scan
// reads the whole folder, so writers of many files into one folder (caches) skip it.
void produce(const fs::path& path, const std::function<void(const fs::path&)>& fill, bool scan_for_stale) {
  const fs::path parent = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::error_code ec;
  const bool had_folder = fs::is_directory(parent, ec);
  check_output_file(path);  // before any folder is made
  if (!had_folder) {
    ensure_output_folder(parent);
    check_output_file(path);  // now a probe file in the new folder itself
  }
  if (scan_for_stale) remove_stale_temporaries(path);
  const fs::path tmp = temp_sibling(parent / path.filename());
  try {
    fill(tmp);
    fsync_path(tmp);
    fs::rename(tmp, path, ec);
    if (ec) throw bad_input(path.string() + ": cannot replace output file: " + reason(ec));
  } catch (...) {
    fs::remove(tmp, ec);
    throw;
  }
  fsync_path(parent);
}

void write_bytes(const fs::path& path, std::string_view content, bool scan_for_stale) {
  produce(
      path,
      [&](const fs::path& tmp) {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        out.flush();
        if (!out) {
          throw std::runtime_error(path.string() + ": write failed: " + std::strerror(errno));
        }
      },
      scan_for_stale);
}

}  // namespace

void produce_file_atomic(const fs::path& path, const std::function<void(const fs::path&)>& fill) {
  produce(path, fill, true);
}

void write_file_atomic(const fs::path& path, std::string_view content) { write_bytes(path, content, true); }

void write_cache_file_atomic(const fs::path& path, std::string_view content) { write_bytes(path, content, false); }

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw bad_input(path.string() + ": cannot open file: " + std::strerror(errno));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace snncosim
