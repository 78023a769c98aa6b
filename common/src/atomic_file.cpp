#include "snncosim/common/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

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

void fsync_path(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

void produce_file_atomic(const fs::path& path, const std::function<void(const fs::path&)>& fill) {
  const fs::path parent = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) {
    throw std::runtime_error(path.string() + ": cannot create directory " + parent.string() +
                             ": " + ec.message());
  }
  const fs::path tmp = temp_sibling(parent / path.filename());
  try {
    fill(tmp);
    fsync_path(tmp);
    fs::rename(tmp, path);
  } catch (...) {
    fs::remove(tmp, ec);
    throw;
  }
  fsync_path(parent);
}

void write_file_atomic(const fs::path& path, std::string_view content) {
  produce_file_atomic(path, [&](const fs::path& tmp) {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      throw std::runtime_error(path.string() + ": write failed: " + std::strerror(errno));
    }
  });
}

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
