#include <doctest/doctest.h>

#include <filesystem>
#include <stdexcept>

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
