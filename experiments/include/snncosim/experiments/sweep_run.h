#pragma once
// `snncosim sweep`: every point of an experiment's `sweep:` grid through `snncosim run`, one
// child process per point, in <output_dir>/<name>/points/<config hash>/. Locally `workers`
// points at a time; under Open MPI (mpirun -np N) rank r takes the points with
// index % N == r, so each point runs exactly once, and whichever rank finishes last finds
// every point done and writes summary.csv and points.json. A point is done when its
// metrics.json exists (written atomically, last), so after a kill -9 a re-run skips finished
// points and resumes the rest (training resumes from its checkpoint).
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "snncosim/experiments/sweep_grid.h"

namespace snncosim::experiments {

struct sweep_request {
  std::string experiment;
  std::vector<std::string> sets;  // --set of every point
  std::string out;                // sweep folder; empty: <output_dir>/<name>
  int workers = 1;                // points at a time on this machine (per MPI rank)
  bool dry_run = false;
};

struct planned_point {
  sweep_point point;
  std::string id;  // config hash: the folder name under points/
  std::filesystem::path dir;
};

struct sweep_plan {
  std::filesystem::path dir;
  std::vector<planned_point> points;
  nlohmann::json doc;  // sweep.json: experiment, overrides, axes, points
};

// Loads and checks every point as `run` would (data, network, hardware) before anything runs
// or any folder is made: a bad value fails at once, named at its line in the sweep. Logs one
// warning per distinct hardware warning, naming the points it concerns.
sweep_plan make_sweep_plan(const sweep_request& request);

// "index done|todo folder label", one line per point (--dry-run).
std::string dry_run_text(const sweep_plan& plan);

struct rank_slot {
  int rank = 0;
  int size = 1;
};
// This process's MPI rank from Open MPI's (OMPI_COMM_WORLD_*) or PMI's (PMI_*) environment;
// rank 0 of 1 without either.
rank_slot rank_from_environment();

// The points of `slot.rank`: those whose grid index % slot.size == slot.rank, in plan order.
std::vector<const planned_point*> points_of_rank(const std::vector<planned_point>& points, rank_slot slot);

struct pool_result {
  std::size_t started = 0;
  std::vector<std::string> failures;  // "point I (LABEL): message", in the order they ended
  bool bad_input_failure = false;     // a point exited 2: no more points were started after it
};

// Runs one child process per point, at most `workers` at once: `command(p)` is its argv
// (stdout discarded, stderr to p.dir/run.log). After a point exits 2 (bad input: missing
// data, an impossible configuration) the others would fail the same way, so no more start.
// `on_end` is called as each point ends (a progress bar).
pool_result run_point_pool(const std::vector<const planned_point*>& todo, int workers,
                           const std::function<std::vector<std::string>(const planned_point&)>& command,
                           const std::function<void()>& on_end = {});

struct sweep_outcome {
  nlohmann::json result;  // folder, points, rank, ranks, ran, failed, missing
  std::string text;       // the one-line summary
  pool_result pool;
};

// Writes sweep.json, runs this rank's unfinished points (`snncosim -q run ... --out DIR`) and,
// when every point is done, summary.csv and points.json.
sweep_outcome run_sweep(const sweep_request& request, const sweep_plan& plan, rank_slot slot);
// Throws after the outcome was printed: bad_input when a point had bad input, else
// std::runtime_error when any point failed.
void check_sweep_outcome(const sweep_outcome& outcome);

}  // namespace snncosim::experiments
