#include "snncosim/experiments/point_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace snncosim::experiments {

point_lock::point_lock(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const int fd = ::open((dir / ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return;
  }
  m_fd = fd;
}

point_lock::~point_lock() {
  if (m_fd >= 0) ::close(m_fd);
}

}  // namespace snncosim::experiments
