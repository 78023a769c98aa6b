// `snncosim train EXPERIMENT.yaml`: BPTT training of the experiment's network on its data.
// The run folder <output_dir>/<name>/ holds checkpoint.bin (after every epoch), best.bin,
// metrics.json and config.resolved.yaml; running the same command again resumes.
#include <iostream>
#include <memory>

#include "command.h"
#include "snncosim/common/json_text.h"
#include "snncosim/experiments/train_run.h"

namespace snncosim::cli {

void add_train_command(CLI::App& root, global_options& global) {
  auto* cmd = root.add_subcommand("train", "Train the experiment's spiking network with BPTT (resumes an interrupted run)");
  auto opt = std::make_shared<experiments::train_request>();
  cmd->add_option("experiment", opt->file, "Experiment YAML (schema snncosim.experiment/1)")->required();
  cmd->add_option("--set", opt->sets, "Override a key by dotted path, e.g. --set training.epochs=5");
  cmd->add_option("--run-dir", opt->run_dir, "Run folder (default: <output_dir>/<name>)");
  cmd->add_flag("--fresh", opt->fresh, "Ignore an existing checkpoint and start from epoch 0");
  cmd->callback([&global, opt] {
    opt->progress = !global.json;
    const experiments::train_outcome o = experiments::train_experiment(*opt);
    if (global.json)
      std::cout << json_text(o.json) << "\n";
    else
      std::cout << o.text;
  });
}

}  // namespace snncosim::cli
