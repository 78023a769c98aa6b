// `snncosim run EXPERIMENT.yaml`: the whole pipeline of one experiment point, each stage in
// a child process of this executable (SystemC elaborates once per process): train ->
// export -> simulate -> cosim (when this build has it). The run folder holds the resolved
// configuration, manifest.json, each stage's JSON and log, and metrics.json, written last:
// its presence (with the same config hash) means the point is done and is reused.
#include <chrono>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "command.h"
#include "snncosim/experiments/run_point.h"
#include "versions.h"
#include "snncosim/common/json_text.h"

namespace snncosim::cli {

void add_run_command(CLI::App& root, global_options& global) {
  auto* cmd = root.add_subcommand(
      "run", "Run one experiment end to end: train, export, simulate, cosim; results in a run folder (docs/experiments.md)");
  auto opt = std::make_shared<experiments::run_options>();
  cmd->add_option("experiment", opt->experiment, "Experiment YAML (schema snncosim.experiment/1)")->required();
  cmd->add_option("--set", opt->sets, "Override a key by dotted path, e.g. --set training.epochs=5");
  cmd->add_option("--out", opt->out, "Run folder (default: <output_dir>/<name>)");
  cmd->add_flag("--force", opt->force, "Run again even when the folder holds the results of this configuration");
  cmd->callback([&global, &root, opt] {
    // cosim is built by another part of the project; use it only when this build has it.
    opt->cosim_available = !root.get_subcommands([](CLI::App* a) { return a->get_name() == "cosim"; }).empty();
    opt->progress = !global.json && global.verbosity >= 0;
    opt->versions = library_versions();
    const experiments::run_outcome r = experiments::run_point(*opt);
    if (global.json) {
      std::cout << json_text(r.metrics) << "\n";
      return;
    }
    std::cout << experiments::run_summary_text(r);
  });
}

}  // namespace snncosim::cli
