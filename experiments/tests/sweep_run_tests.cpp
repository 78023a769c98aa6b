// The sweep scheduler without the command line: which points an MPI rank takes, and the
// worker pool of child processes (here /bin/sh stand-ins for `snncosim run`).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <unistd.h>

#include "temp_dir.h"
#include "snncosim/experiments/sweep_run.h"

namespace ex = snncosim::experiments;
namespace fs = std::filesystem;

namespace {

using snncosim::experiments::testing::temp_dir;

std::vector<ex::planned_point> points(std::size_t n, const fs::path& dir) {
  std::vector<ex::planned_point> out;
  for (std::size_t i = 0; i < n; ++i) {
    ex::planned_point p;
    p.point.index = i;
    // Appended, not "p" + to_string: GCC 12 warns falsely (-Wrestrict) on that form.
    p.point.label = "p";
    p.point.label += std::to_string(i);
    p.id = "id";
    p.id += std::to_string(i);
    p.dir = dir / p.id;
    out.push_back(p);
  }
  return out;
}

std::vector<std::size_t> indices(const std::vector<const ex::planned_point*>& ps) {
  std::vector<std::size_t> out;
  for (const auto* p : ps) out.push_back(p->point.index);
  return out;
}

}  // namespace

TEST_CASE("sweep: rank r of N takes the points with index % N == r and each point exactly once") {
  const auto all = points(7, "/nonexistent");
  CHECK(indices(ex::points_of_rank(all, {0, 1})) == std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6});
  CHECK(indices(ex::points_of_rank(all, {0, 3})) == std::vector<std::size_t>{0, 3, 6});
  CHECK(indices(ex::points_of_rank(all, {1, 3})) == std::vector<std::size_t>{1, 4});
  CHECK(indices(ex::points_of_rank(all, {2, 3})) == std::vector<std::size_t>{2, 5});
  // More ranks than points: the extra ranks get nothing.
  CHECK(indices(ex::points_of_rank(all, {8, 9})).empty());
  CHECK(indices(ex::points_of_rank(all, {6, 9})) == std::vector<std::size_t>{6});
}

TEST_CASE("sweep: the rank comes from Open MPI's environment or else PMI's or else is rank 0 of 1") {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "PMI_SIZE", "PMI_RANK"}) ::unsetenv(v);
  ex::rank_slot s = ex::rank_from_environment();
  CHECK(s.rank == 0);
  CHECK(s.size == 1);
  ::setenv("PMI_SIZE", "4", 1);
  ::setenv("PMI_RANK", "3", 1);
  s = ex::rank_from_environment();
  CHECK(s.rank == 3);
  CHECK(s.size == 4);
  ::setenv("OMPI_COMM_WORLD_SIZE", "2", 1);
  ::setenv("OMPI_COMM_WORLD_RANK", "1", 1);
  s = ex::rank_from_environment();
  CHECK(s.rank == 1);
  CHECK(s.size == 2);
  ::setenv("OMPI_COMM_WORLD_SIZE", "0", 1);  // never fewer than one rank
  CHECK(ex::rank_from_environment().size == 1);
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "PMI_SIZE", "PMI_RANK"}) ::unsetenv(v);
}

TEST_CASE("sweep: the worker pool runs every point and at most `workers` at once") {
  const fs::path d = temp_dir("sweep_pool");
  const auto all = points(5, d);
  std::vector<const ex::planned_point*> todo;
  for (const auto& p : all) todo.push_back(&p);
  const fs::path log = d / "events.log";
  int ended = 0;
  const ex::pool_result r = ex::run_point_pool(
      todo, 2,
      [&](const ex::planned_point& p) {
        // Appends of a few bytes are atomic: "+" when a point starts, "-" when it ends.
        return std::vector<std::string>{"/bin/sh", "-c",
                                        "echo + >>'" + log.string() + "'; sleep 0.2; touch '" + (p.dir / "ran").string() +
                                            "'; echo - >>'" + log.string() + "'"};
      },
      [&] { ++ended; });
  CHECK(r.started == 5);
  CHECK(ended == 5);
  CHECK(r.failures.empty());
  CHECK_FALSE(r.bad_input_failure);
  for (const auto& p : all) CHECK(fs::exists(p.dir / "ran"));
  std::ifstream in(log);
  std::string line;
  int running = 0, most = 0, lines = 0;
  while (std::getline(in, line)) {
    running += line == "+" ? 1 : -1;
    most = std::max(most, running);
    ++lines;
  }
  CHECK(lines == 10);
  CHECK(running == 0);
  CHECK(most <= 2);
  fs::remove_all(d);
}

TEST_CASE("sweep: after a point with bad input (exit 2) the pool starts no more points") {
  const fs::path d = temp_dir("sweep_bad");
  const auto all = points(4, d);
  std::vector<const ex::planned_point*> todo;
  for (const auto& p : all) todo.push_back(&p);
  const ex::pool_result r = ex::run_point_pool(todo, 1, [](const ex::planned_point& p) {
    if (p.point.index == 1)
      return std::vector<std::string>{"/bin/sh", "-c", "echo 'error: data set missing' >&2; exit 2"};
    return std::vector<std::string>{"/bin/sh", "-c", "exit 0"};
  });
  CHECK(r.started == 2);
  CHECK(r.bad_input_failure);
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0] == "point 1 (p1): data set missing");
  CHECK(fs::exists(all[1].dir / "run.log"));
  CHECK_FALSE(fs::exists(all[2].dir));
  fs::remove_all(d);
}

TEST_CASE("sweep: a runtime failure is recorded and the other points still run") {
  const fs::path d = temp_dir("sweep_fail");
  const auto all = points(3, d);
  std::vector<const ex::planned_point*> todo;
  for (const auto& p : all) todo.push_back(&p);
  const ex::pool_result r = ex::run_point_pool(todo, 1, [](const ex::planned_point& p) {
    return std::vector<std::string>{"/bin/sh", "-c", p.point.index == 0 ? "exit 1" : "exit 0"};
  });
  CHECK(r.started == 3);
  CHECK_FALSE(r.bad_input_failure);
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0] == "point 0 (p0): exit 1");  // no "error:" line: the exit status
  ex::sweep_outcome o;
  o.pool = r;
  CHECK_THROWS_WITH_AS(ex::check_sweep_outcome(o), "1 point(s) failed; first: point 0 (p0): exit 1", std::runtime_error);
  fs::remove_all(d);
}
