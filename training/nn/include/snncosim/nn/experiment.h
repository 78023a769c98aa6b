#pragma once
// An `experiment` document (yaml/schemas/experiment.yaml) turned into what the trainer
// needs: the network, the trainer options and the data sources.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "snncosim/common/config.h"
#include "snncosim/nn/batch_source.h"
#include "snncosim/nn/network_spec.h"
#include "snncosim/nn/trainer.h"

namespace snncosim::nn {

struct experiment_setup {
  std::string name;
  network_spec network;
  trainer_options training;
  int threads = 1;
  int time_steps = 20;
  std::unique_ptr<batch_source> train, test;
};

// Throws bad_input (file:line: key: problem) for settings the trainer cannot honour, e.g. a
// dataset that is not available in this build.
// Also checks what the trainer would refuse only once training starts: the loss against a
// population code, and a training split smaller than one batch.
experiment_setup make_experiment(const config::document& experiment, const std::filesystem::path& run_dir);

// The checks of make_experiment without creating anything (the built-in data set, made on
// first use, is checked only when it exists): for `run` and `sweep` before they create a
// run folder (require_data), and for `validate`, where a data set that is not on this
// machine is returned as a note instead (the file is fine; the data is elsewhere). Throws
// bad_input like make_experiment.
std::vector<std::string> check_experiment(const config::document& experiment, bool require_data = true);

}  // namespace snncosim::nn
