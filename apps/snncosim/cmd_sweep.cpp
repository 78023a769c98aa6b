// `snncosim sweep EXPERIMENT.yaml`: every point of the experiment's `sweep:` grid through
// `snncosim run`, locally in parallel or under mpirun (experiments/sweep_run.h).
#include <iostream>

#include "command.h"
#include "snncosim/common/json_text.h"
#include "snncosim/experiments/sweep_run.h"

namespace snncosim::cli {

namespace ex = experiments;

void add_sweep_command(CLI::App& root, global_options& global) {
  auto* cmd = root.add_subcommand(
      "sweep", "Run every point of the experiment's sweep: grid, locally in parallel or under mpirun (docs/experiments.md)");
  auto opt = std::make_shared<ex::sweep_request>();
  cmd->add_option("experiment", opt->experiment, "Experiment YAML with a sweep: section")->required();
  cmd->add_option("--set", opt->sets, "Override a key of every point, e.g. --set training.epochs=2");
  cmd->add_option("--out", opt->out, "Sweep folder (default: <output_dir>/<name>)");
  cmd->add_option("--workers", opt->workers, "Points run at the same time on this machine (per MPI rank)")
      ->check(CLI::Range(1, 256));
  cmd->add_flag("--dry-run", opt->dry_run, "List the points and their folders, run nothing");
  cmd->callback([&global, opt] {
    const ex::sweep_plan plan = ex::make_sweep_plan(*opt);
    if (opt->dry_run) {
      std::cout << ex::dry_run_text(plan);
      return;
    }
    const ex::sweep_outcome o = ex::run_sweep(*opt, plan, ex::rank_from_environment());
    std::cout << (global.json ? json_text(o.result) + "\n" : o.text);
    ex::check_sweep_outcome(o);
  });
}

}  // namespace snncosim::cli
