// What `snncosim run` does with a point folder before any stage runs: reuse finished
// results, resume unfinished stages, or start afresh; and the wait for another process's lock.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>
#include <unistd.h>

#include "temp_dir.h"
#include "snncosim/experiments/run_point.h"

namespace ex = snncosim::experiments;
namespace fs = std::filesystem;

namespace {

using snncosim::experiments::testing::temp_dir;

void put(const fs::path& f, const std::string& text) { std::ofstream(f) << text; }

}  // namespace

TEST_CASE("run point: an empty folder starts afresh") {
  const fs::path d = temp_dir("run_point_empty");
  CHECK(ex::prepare_point_folder(d, "abc", false) == ex::point_state::fresh);
  fs::remove_all(d);
}

TEST_CASE("run point: the same configuration with metrics.json is reused unless forced") {
  const fs::path d = temp_dir("run_point_reuse");
  put(d / "config.hash", "abc\n");
  put(d / "metrics.json", "{}");
  put(d / "history.log", "one run\n");
  CHECK(ex::prepare_point_folder(d, "abc", false) == ex::point_state::reuse);
  CHECK(fs::exists(d / "metrics.json"));
  // --force: the stage results go, the execution history stays.
  CHECK(ex::prepare_point_folder(d, "abc", true) == ex::point_state::fresh);
  CHECK_FALSE(fs::exists(d / "metrics.json"));
  CHECK(fs::exists(d / "history.log"));
  fs::remove_all(d);
}

TEST_CASE("run point: the same configuration without metrics.json resumes with its finished stages") {
  const fs::path d = temp_dir("run_point_resume");
  put(d / "config.hash", "abc\n");
  put(d / "train.json", "{}");
  fs::create_directories(d / "train");
  CHECK(ex::prepare_point_folder(d, "abc", false) == ex::point_state::resume);
  CHECK(fs::exists(d / "train.json"));
  CHECK(fs::exists(d / "train"));
  fs::remove_all(d);
}

TEST_CASE("run point: another configuration removes every stage file of the old one") {
  const fs::path d = temp_dir("run_point_other");
  put(d / "config.hash", "old\n");
  for (const char* f : {"metrics.json", "train.json", "export.json", "simulate.json", "cosim.json", "model.h5",
                        "traces.h5", "manifest.json"})
    put(d / f, "x");
  fs::create_directories(d / "train");
  put(d / "notes.txt", "the user's");
  CHECK(ex::prepare_point_folder(d, "new", false) == ex::point_state::fresh);
  for (const char* f : {"metrics.json", "train.json", "export.json", "simulate.json", "cosim.json", "model.h5",
                        "traces.h5", "manifest.json", "train"})
    CHECK_MESSAGE(!fs::exists(d / f), f);
  CHECK(fs::exists(d / "notes.txt"));
  // A hash file must match to the byte, newline included.
  put(d / "config.hash", "new");
  put(d / "metrics.json", "{}");
  CHECK(ex::prepare_point_folder(d, "new", false) == ex::point_state::fresh);
  fs::remove_all(d);
}

TEST_CASE("run point: a point locked by another holder is waited for and then taken") {
  const fs::path d = temp_dir("run_point_lock");
  auto holder = std::make_unique<ex::point_lock>(d);
  REQUIRE(holder->locked());
  std::atomic<bool> taken{false};
  std::thread waiter([&] {
    const auto lock = ex::take_point_lock(d);
    taken = lock->locked();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK_FALSE(taken.load());
  holder.reset();  // the other process ends
  waiter.join();
  CHECK(taken.load());
  // Free: taken at once.
  CHECK(ex::take_point_lock(d)->locked());
  fs::remove_all(d);
}
