#include "snncosim/experiments/child_process.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>

#include <fmt/format.h>

extern char** environ;

namespace snncosim::experiments {

std::filesystem::path self_executable() {
  // After a rebuild the link reads "<path> (deleted)": the name stays the file's own.
  std::string p = std::filesystem::read_symlink("/proc/self/exe").string();
  const std::string deleted = " (deleted)";
  if (p.size() > deleted.size() && p.ends_with(deleted)) p.resize(p.size() - deleted.size());
  return p;
}

pid_t spawn_child(const std::vector<std::string>& argv, const std::filesystem::path& stdout_file,
                  const std::filesystem::path& stderr_file) {
  if (argv.empty()) throw std::runtime_error("spawn_child: empty command");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const int flags = O_WRONLY | O_CREAT | O_TRUNC;  // no O_CLOEXEC: these become the child's stdout/stderr
  if (!stdout_file.empty()) posix_spawn_file_actions_addopen(&actions, 1, stdout_file.c_str(), flags, 0644);
  if (!stderr_file.empty()) posix_spawn_file_actions_addopen(&actions, 2, stderr_file.c_str(), flags, 0644);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // Every stage and sweep point is a process with its own SystemC kernel; without this each
  // would print the SystemC banner into the logs, once per child.
  static char quiet_systemc[] = "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1";
  std::vector<char*> env;
  bool has_quiet = false;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    has_quiet = has_quiet || std::strncmp(*e, "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=", 34) == 0;
    env.push_back(*e);
  }
  if (!has_quiet) env.push_back(quiet_systemc);
  env.push_back(nullptr);
  // This executable is started through /proc/self/exe, the running file itself: a sweep
  // whose binary is rebuilt (replaced) under it keeps starting the build it began with
  // instead of failing on the missing file or mixing two builds.
  const std::string path = argv[0] == self_executable().string() ? "/proc/self/exe" : argv[0];
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, path.c_str(), &actions, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error(fmt::format("cannot start {}: {}", argv[0], std::strerror(rc)));
  return pid;
}

std::pair<pid_t, child_exit> wait_child(pid_t pid) {
  int status = 0;
  pid_t got = 0;
  do {
    got = waitpid(pid, &status, 0);
  } while (got < 0 && errno == EINTR);
  if (got < 0) throw std::runtime_error(fmt::format("waitpid: {}", std::strerror(errno)));
  child_exit e;
  if (WIFEXITED(status)) e.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) e.signal = WTERMSIG(status);
  return {got, e};
}

child_exit run_child(const std::vector<std::string>& argv, const std::filesystem::path& stdout_file,
                     const std::filesystem::path& stderr_file) {
  return wait_child(spawn_child(argv, stdout_file, stderr_file)).second;
}

std::string last_error_line(const std::filesystem::path& stderr_file) {
  std::ifstream in(stderr_file);
  std::string line, last;
  while (std::getline(in, line))
    if (line.rfind("error: ", 0) == 0) last = line.substr(7);
  return last;
}

}  // namespace snncosim::experiments
