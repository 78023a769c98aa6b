#pragma once
// An exclusive lock on a point's folder (flock on <dir>/.lock). The kernel releases it when
// the holder dies, also by kill -9, so a re-run never waits for a dead process and two live
// processes (local workers, MPI ranks, a second sweep) never run the same point at once.
#include <filesystem>

namespace snncosim::experiments {

class point_lock {
 public:
  // Tries to take the lock without waiting; creates the folder. locked() says if it worked.
  explicit point_lock(const std::filesystem::path& dir);
  ~point_lock();
  point_lock(const point_lock&) = delete;
  point_lock& operator=(const point_lock&) = delete;
  bool locked() const { return m_fd >= 0; }
  // Blocks until the holder releases the lock (or dies); true when it was taken.
  bool wait();

 private:
  std::filesystem::path m_file;
  int m_fd = -1;
};

}  // namespace snncosim::experiments
