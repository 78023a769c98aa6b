#pragma once
// The report of a sweep folder or one run folder (`snncosim report`): summary.csv,
// points.json and points/<id>.json, selection.json, gnuplot PNGs, report.md and report.html,
// aggregate.csv/json and claims.json (per-configuration statistics over seeds and the paper's
// claims, docs/experiments.md §5), and the architecture exploration of the folder when there
// is one (docs/explore.md §7).
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "snncosim/experiments/report.h"

namespace snncosim::experiments {

struct report_request {
  std::string dir;  // sweep folder (sweep.json) or run folder (metrics.json)
  std::string out;  // empty: DIR/report
  bool no_plots = false;      // tables and report without running gnuplot
  baseline_spec baseline;
};

struct report_outcome {
  std::filesystem::path out;
  std::size_t points = 0;
  std::vector<std::string> plots;  // PNG files made, relative to `out`
  nlohmann::json selection_doc;    // as written to selection.json
  nlohmann::json claims_doc;       // as written to claims.json
};

// Throws bad_input when the folder has no finished point or the report folder cannot be
// made; checked before anything is written.
report_outcome write_report_folder(const report_request& request);

}  // namespace snncosim::experiments
