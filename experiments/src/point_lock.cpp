#include "snncosim/experiments/point_lock.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace snncosim::experiments {

point_lock::point_lock(const std::filesystem::path& dir) : m_file(dir / ".lock") {
  std::filesystem::create_directories(dir);
  const int fd = ::open(m_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return;
  }
  m_fd = fd;
}

bool point_lock::wait() {
  if (m_fd >= 0) return true;
  const int fd = ::open(m_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  int rc = 0;
  do {
    rc = ::flock(fd, LOCK_EX);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    ::close(fd);
    return false;
  }
  m_fd = fd;
  return true;
}

point_lock::~point_lock() {
  if (m_fd >= 0) ::close(m_fd);
}

}  // namespace snncosim::experiments
