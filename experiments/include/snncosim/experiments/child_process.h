#pragma once
// Child processes for the stages of a run and the points of a sweep. SystemC elaborates
// once per process, so every simulation (and every sweep point) runs in its own process.
#include <filesystem>
#include <string>
#include <vector>

#include <sys/types.h>

namespace snncosim::experiments {

// The running executable (/proc/self/exe) by its name, also after the file was replaced;
// spawn_child starts it through /proc/self/exe, so children are the same build.
std::filesystem::path self_executable();

struct child_exit {
  int exit_code = -1;  // exit status, or -1 when killed by a signal
  int signal = 0;      // the signal that killed it, 0 otherwise
  bool ok() const { return exit_code == 0; }
};

// Starts argv[0] with the arguments, stdout and stderr redirected to files (truncated;
// empty path: inherited), in this process's environment plus
// SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 (no SystemC banner per child). Throws
// std::runtime_error when the process cannot start.
pid_t spawn_child(const std::vector<std::string>& argv, const std::filesystem::path& stdout_file,
                  const std::filesystem::path& stderr_file);
// Waits for one child (pid) or any child (pid = -1); returns its pid and exit.
std::pair<pid_t, child_exit> wait_child(pid_t pid);
// spawn_child + wait_child.
child_exit run_child(const std::vector<std::string>& argv, const std::filesystem::path& stdout_file,
                     const std::filesystem::path& stderr_file);

// The last line starting with "error: " in a stderr log, without the prefix; empty if none.
std::string last_error_line(const std::filesystem::path& stderr_file);

}  // namespace snncosim::experiments
