#pragma once
// BPTT training of an experiment's network on its data (`snncosim train`, the first stage of
// a run). The run folder holds checkpoint.bin (after every epoch), best.bin, metrics.json and
// config.resolved.yaml; training the same configuration again resumes from the checkpoint.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace snncosim::experiments {

struct train_request {
  std::string file;               // experiment YAML
  std::vector<std::string> sets;  // overrides "key=value"
  std::string run_dir;            // empty: <output_dir>/<name>
  bool fresh = false;             // ignore an existing checkpoint, start from epoch 0
  bool progress = true;
};

struct train_outcome {
  nlohmann::json json;  // run_dir, resumed_from_epoch, best epoch and accuracy, per-epoch metrics
  std::string text;     // one line with the best accuracy; empty when no epoch ran
};

// Throws bad_input when the folder's checkpoint was trained with another configuration
// (more epochs and keys that do not change the training are allowed).
train_outcome train_experiment(const train_request& request);

}  // namespace snncosim::experiments
