#include <doctest/doctest.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include "snncosim/common/atomic_file.h"
#include "snncosim/common/error.h"
#include "test_files.h"

namespace fs = std::filesystem;

TEST_CASE("atomic write creates directories and replaces content") {
  snncosim::test::scratch_dir dir;
  const auto p = dir.path() / "a/b/out.txt";
  snncosim::write_file_atomic(p, "first");
  CHECK(snncosim::read_file(p) == "first");
  snncosim::write_file_atomic(p, "second");
  CHECK(snncosim::read_file(p) == "second");
  int files = 0;
  for (const auto& e : fs::directory_iterator(p.parent_path())) {
    (void)e;
    ++files;
  }
  CHECK(files == 1);  // no temporaries left behind
}

TEST_CASE("a failing producer leaves neither the target nor a temporary") {
  snncosim::test::scratch_dir dir;
  const auto p = dir.path() / "out.bin";
  CHECK_THROWS_AS(snncosim::produce_file_atomic(p,
                                                [](const fs::path& tmp) {
                                                  snncosim::write_file_atomic(tmp, "partial");
                                                  throw std::runtime_error("boom");
                                                }),
                  std::runtime_error);
  CHECK_FALSE(fs::exists(p));
  CHECK(fs::is_empty(dir.path()));
}

TEST_CASE("reading a missing file is bad input naming the file") {
  try {
    snncosim::read_file("/nonexistent/file.txt");
    FAIL("no exception");
  } catch (const snncosim::bad_input& e) {
    CHECK(std::string(e.what()).find("/nonexistent/file.txt: cannot open file") == 0);
  }
}

namespace {
std::string bad_input_of(const fs::path& p) {
  try {
    snncosim::check_output_file(p);
  } catch (const snncosim::bad_input& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("output paths that cannot be written are bad input naming the path and the reason") {
  snncosim::test::scratch_dir dir;
  fs::create_directory(dir.path() / "folder");
  snncosim::write_file_atomic(dir.path() / "file.txt", "x");
  CHECK(bad_input_of(dir.path() / "folder").find("a folder of that name exists") != std::string::npos);
  const std::string under_file = bad_input_of(dir.path() / "file.txt/sub/out.h5");
  CHECK(under_file.find("file.txt is a file, not a folder") != std::string::npos);
  CHECK(bad_input_of(dir.path() / std::string(300, 'a')).find("longer than 255 bytes") != std::string::npos);
  CHECK(bad_input_of("/proc/snncosim_out.h5").find("cannot write output file") != std::string::npos);
  CHECK_THROWS_AS(snncosim::write_file_atomic(dir.path() / "folder", "x"), snncosim::bad_input);
  CHECK_THROWS_AS(snncosim::ensure_output_folder(dir.path() / "file.txt"), snncosim::bad_input);
  // Checking creates nothing: a command that fails later leaves no empty folder.
  CHECK(bad_input_of(dir.path() / "new/deeper/out.h5").empty());
  CHECK_FALSE(fs::exists(dir.path() / "new"));
  CHECK(fs::exists(dir.path() / "file.txt"));
}

TEST_CASE("temporaries of a killed writer are removed by the next write of the same target") {
  snncosim::test::scratch_dir dir;
  // A pid that certainly belongs to no process: a child that has exited and been reaped.
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  const fs::path stale = dir.path() / (".m.h5.tmp." + std::to_string(child) + ".1f2e");
  const fs::path live = dir.path() / (".m.h5.tmp." + std::to_string(::getpid()) + ".77");
  const fs::path other = dir.path() / (".n.h5.tmp." + std::to_string(child) + ".1f2e");
  for (const auto& p : {stale, live, other}) snncosim::write_file_atomic(p, "left over");
  snncosim::write_file_atomic(dir.path() / "m.h5", "new");
  CHECK_FALSE(fs::exists(stale));
  CHECK(fs::exists(live));   // its writer may still be running
  CHECK(fs::exists(other));  // another target's
  CHECK(snncosim::read_file(dir.path() / "m.h5") == "new");
}

TEST_CASE("a relative output path under folders that do not exist yet can be written") {
  snncosim::test::scratch_dir dir;
  const fs::path here = fs::current_path();
  fs::current_path(dir.path());
  CHECK(bad_input_of("new/deeper/out.h5").empty());
  CHECK_FALSE(fs::exists("new"));
  snncosim::write_file_atomic("new/deeper/out.h5", "x");
  CHECK(snncosim::read_file("new/deeper/out.h5") == "x");
  fs::current_path(here);
}
