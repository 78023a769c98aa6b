// `snncosim report RESULTS_DIR`: summary.csv, points.json (per-point metrics), PNG plots made
// with gnuplot, report.md and report.html for a sweep folder or one run folder.
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "command.h"
#include "snncosim/experiments/report_folder.h"

namespace snncosim::cli {

namespace ex = experiments;

void add_report_command(CLI::App& root, global_options& global) {
  auto* cmd = root.add_subcommand("report", "Tables, plots and an HTML/Markdown report of a sweep or run folder (docs/experiments.md)");
  auto opt = std::make_shared<ex::report_request>();
  cmd->add_option("results", opt->dir, "Sweep folder (with sweep.json) or run folder (with metrics.json)")->required();
  cmd->add_option("--out", opt->out, "Report folder (default: RESULTS/report)");
  cmd->add_flag("--no-plots", opt->no_plots, "Write the tables and the report without running gnuplot");
  cmd->add_option("--baseline-neuron", opt->baseline.neuron_model, "Baseline neuron model of the selection")
      ->capture_default_str();
  cmd->add_option("--baseline-surrogate", opt->baseline.surrogate, "Baseline surrogate")->capture_default_str();
  cmd->add_option("--baseline-slope", opt->baseline.slope, "Baseline surrogate slope (0: any)")->capture_default_str();
  cmd->callback([&global, opt] {
    const ex::report_outcome r = ex::write_report_folder(*opt);
    if (global.json) {
      std::cout << nlohmann::json{{"folder", r.out.string()}, {"points", r.points}, {"plots", r.plots},
                                  {"selection", r.selection_doc}, {"claims", r.claims_doc}}
                       .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
                << "\n";
    } else {
      std::cout << fmt::format("{} points; wrote {}/report.html, report.md, summary.csv, points.json, selection.json, "
                               "aggregate.csv, aggregate.json, claims.json and {} plots\n",
                               r.points, r.out.string(), r.plots.size());
    }
  });
}

}  // namespace snncosim::cli
