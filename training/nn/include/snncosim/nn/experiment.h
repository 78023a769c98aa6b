#pragma once
// An `experiment` document (yaml/schemas/experiment.yaml) turned into what the trainer
// needs: the network, the trainer options and the data sources.
#include <filesystem>
#include <memory>
#include <string>

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
experiment_setup make_experiment(const config::document& experiment, const std::filesystem::path& run_dir);

}  // namespace snncosim::nn
