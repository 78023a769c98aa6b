#pragma once
// Reading the results folder of a run or a sweep (docs/experiments.md §3):
//   sweep:  <dir>/sweep.json, <dir>/points/<id>/{config.resolved.yaml, metrics.json, ...}
//   run:    <dir>/{config.resolved.yaml, metrics.json, ...}
#include <filesystem>
#include <vector>

#include "snncosim/experiments/report.h"

namespace snncosim::experiments {

// One record per finished point (metrics.json present), in sweep order. Throws bad_input
// when `dir` is neither a run nor a sweep folder or a file in it is not valid JSON/YAML.
std::vector<point_record> load_results(const std::filesystem::path& dir);
// A record from one finished run folder; `label`/`settings` come from the sweep.
point_record load_point(const std::filesystem::path& run_dir);

}  // namespace snncosim::experiments
