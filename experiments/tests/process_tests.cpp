#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "snncosim/experiments/child_process.h"
#include "snncosim/experiments/point_lock.h"
#include "temp_dir.h"

namespace ex = snncosim::experiments;
namespace fs = std::filesystem;

namespace {

using snncosim::experiments::testing::temp_dir;

}  // namespace

TEST_CASE("process: exit code, stdout and stderr files, last error line") {
  const fs::path d = temp_dir("spawn");
  const auto e = ex::run_child({"/bin/sh", "-c", "echo out; echo 'error: first' >&2; echo 'error: second' >&2; exit 2"},
                               d / "out.txt", d / "err.txt");
  CHECK(e.exit_code == 2);
  CHECK_FALSE(e.ok());
  std::ifstream out(d / "out.txt");
  std::string line;
  std::getline(out, line);
  CHECK(line == "out");
  CHECK(ex::last_error_line(d / "err.txt") == "second");
  fs::remove_all(d);
}

TEST_CASE("process: children run without the SystemC banner") {
  const fs::path d = temp_dir("env");
  // ctest sets the variable for every test; unset, so only spawn_child can put it back.
  ::unsetenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE");
  const auto e = ex::run_child({"/bin/sh", "-c", "echo \"[$SYSTEMC_DISABLE_COPYRIGHT_MESSAGE] $HOME\""}, d / "out.txt", "");
  CHECK(e.ok());
  std::ifstream out(d / "out.txt");
  std::string line;
  std::getline(out, line);
  const char* home = std::getenv("HOME");
  CHECK(line == std::string("[1] ") + (home ? home : ""));  // the rest of the environment is passed on
  fs::remove_all(d);
}

TEST_CASE("process: a killed child reports its signal") {
  const auto e = ex::run_child({"/bin/sh", "-c", "kill -9 $$"}, "/dev/null", "/dev/null");
  CHECK(e.exit_code == -1);
  CHECK(e.signal == SIGKILL);
}

TEST_CASE("process: a missing executable is an error") {
  CHECK_THROWS(ex::run_child({"/nonexistent/program"}, "", ""));
}

TEST_CASE("lock: exclusive while held, free again when the holder is killed, waiters get it") {
  const fs::path d = temp_dir("lock");
  {
    const ex::point_lock a(d);
    CHECK(a.locked());
    const ex::point_lock b(d);
    CHECK_FALSE(b.locked());
  }
  CHECK(ex::point_lock(d).locked());
  // A holder in another process, killed with SIGKILL: the kernel drops its lock.
  const pid_t pid = ::fork();
  if (pid == 0) {
    const ex::point_lock held(d);
    ::pause();
    ::_exit(0);
  }
  bool seen_held = false;
  for (int i = 0; i < 200 && !seen_held; ++i) {
    seen_held = !ex::point_lock(d).locked();
    if (!seen_held) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(seen_held);
  // A waiter blocks until the holder dies.
  ex::point_lock waiter(d);
  CHECK_FALSE(waiter.locked());
  std::thread killer([pid] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ::kill(pid, SIGKILL);
  });
  CHECK(waiter.wait());
  CHECK(waiter.locked());
  killer.join();
  int status = 0;
  ::waitpid(pid, &status, 0);
  CHECK_FALSE(ex::point_lock(d).locked());
  fs::remove_all(d);
}

// Run in a copy of this test binary (SNNCOSIM_TEST_DELETE_SELF set by the case below): the
// copy deletes its own file, as a rebuild replaces the binary under a running sweep, and must
// still start itself by name.
TEST_CASE("process: a deleted executable still starts itself (inner)") {
  if (std::getenv("SNNCOSIM_TEST_DELETE_SELF") == nullptr) return;
  const fs::path self = ex::self_executable();
  REQUIRE(fs::remove(self));
  CHECK(ex::self_executable() == self);  // no " (deleted)" suffix
  const auto e = ex::run_child({ex::self_executable().string(), "--no-run=true"}, "/dev/null", "/dev/null");
  CHECK(e.exit_code == 0);
}

TEST_CASE("process: a deleted executable still starts itself") {
  const fs::path d = temp_dir("self");
  const fs::path copy = d / "experiments_tests_copy";
  fs::copy_file(ex::self_executable(), copy);
  fs::permissions(copy, fs::perms::owner_all);
  const std::string cmd = "SNNCOSIM_TEST_DELETE_SELF=1 '" + copy.string() +
                          "' '-tc=process: a deleted executable still starts itself (inner)' > '" + (d / "log").string() +
                          "' 2>&1";
  const int status = std::system(cmd.c_str());
  std::ifstream log(d / "log");
  std::stringstream text_stream;
  text_stream << log.rdbuf();
  const std::string text = text_stream.str();
  INFO(text);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(text.find("1 passed") != std::string::npos);
  CHECK_FALSE(fs::exists(copy));
  fs::remove_all(d);
}
