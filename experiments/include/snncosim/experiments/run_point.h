#pragma once
// One experiment point end to end (`snncosim run`; `sweep` runs `run` per point): each stage
// (train, export, simulate, cosim) in a child process of this executable, in a run folder
// that holds the resolved configuration, manifest.json, each stage's JSON and log, and
// metrics.json, written last: its presence (with the same config hash) means the point is done.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "snncosim/experiments/point_lock.h"

namespace snncosim::experiments {

struct run_options {
  std::string experiment;
  std::vector<std::string> sets;
  std::string out;
  bool force = false;
  bool progress = true;
  bool cosim_available = false;  // this build registers `snncosim cosim`
  nlohmann::json versions;       // of the tool and its libraries, for manifest.json
};

struct run_outcome {
  std::filesystem::path dir;
  bool reused = false;
  nlohmann::json metrics;
};

// What a run does with its folder, given the configuration's hash: `reuse` when config.hash
// matches and metrics.json exists (the point is done); `resume` when config.hash matches and
// stages are missing (finished stages are kept); `fresh` when there is no config.hash, another
// one, or `force`: the stage files of an earlier run are removed first.
enum class point_state { fresh, resume, reuse };
point_state prepare_point_folder(const std::filesystem::path& dir, const std::string& hash, bool force);

// The point's lock (point_lock.h); when another process holds it, waits until that process
// ends. Throws std::runtime_error when the lock cannot be taken at all.
std::unique_ptr<point_lock> take_point_lock(const std::filesystem::path& dir);

// Throws bad_input for bad configuration or missing data (the stage's one-line message),
// std::runtime_error when a stage fails or another process holds the point.
run_outcome run_point(const run_options& opt);
std::string run_summary_text(const run_outcome& r);

}  // namespace snncosim::experiments
