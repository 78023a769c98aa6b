#pragma once
// BPTT trainer: epochs over a batch_source, evaluation, best checkpoint, resume after an
// interruption (a checkpoint is written atomically after every epoch; a new run with the same
// run folder continues from it), per-layer firing rates every epoch, progress bar.
// Deterministic per seed for a fixed thread count (docs/training.md).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "snncosim/nn/batch_source.h"
#include "snncosim/nn/network.h"
#include "snncosim/nn/optimizer.h"

namespace snncosim::nn {

enum class loss_kind { mse_count, ce_rate, ce_count, mse_membrane };
loss_kind parse_loss_kind(const std::string& name);  // throws std::invalid_argument

struct loss_options {
  loss_kind kind = loss_kind::mse_count;
  double correct_rate = 0.8, incorrect_rate = 0.2;  // mse_count
  double on_target = 1.0, off_target = 0.0;         // mse_membrane (snnTorch defaults)
};

struct trainer_options {
  int epochs = 1;
  int batch_size = 32;
  std::uint64_t seed = 0;
  optimizer_options optimizer;
  schedule_options schedule;
  loss_options loss;
  double spike_regularizer = 0.0;
  std::filesystem::path run_dir;  // empty: no checkpoints or metrics files
  bool resume = true;             // continue from run_dir/checkpoint.bin when present
  bool progress = true;
  // Training-step hooks (e.g. QAT weight fake-quantization, snncosim_export): called right
  // before each training forward and right after its backward, before the optimiser step.
  std::function<void()> before_forward, after_backward;
};

struct layer_rate {
  std::string name;
  double firing_rate = 0;  // spikes per neuron per time step
  double spikes_per_sample = 0;
};

struct epoch_metrics {
  int epoch = 0;  // 0-based
  double lr = 0;
  double train_loss = 0, train_accuracy = 0;
  double test_loss = 0, test_accuracy = 0;
  bool has_test = false;
  double spikes_per_sample = 0;  // all neuron layers, training forward passes
  std::vector<layer_rate> layers;
  double seconds = 0;
  double train_samples_per_s = 0;
};

struct fit_result {
  std::vector<epoch_metrics> history;
  int start_epoch = 0;  // > 0 when resumed
  int best_epoch = -1;
  double best_accuracy = 0;
};

struct eval_result {
  double loss = 0, accuracy = 0, spikes_per_sample = 0;
  std::size_t samples = 0;
};

class trainer {
 public:
  trainer(network& net, trainer_options options);

  // Runs epochs [start, options.epochs); start comes from the checkpoint when resuming.
  fit_result fit(batch_source& train, batch_source* test,
                 const std::function<void(const epoch_metrics&)>& on_epoch = {});
  epoch_metrics train_epoch(batch_source& train, int epoch);
  eval_result evaluate(batch_source& data);

  // Loss of the output spikes [T][N][outputs] of the last forward; writes dL/dspk. The
  // membrane loss reads membrane (same shape) instead, writes dL/dmem into d_membrane and
  // zeroes d_spikes.
  double loss(const float* spikes, const float* membrane, const std::int32_t* labels, int batch, float* d_spikes,
              float* d_membrane) const;

  void save_checkpoint(const std::filesystem::path& file, int completed_epochs, const fit_result& state);
  // Returns the number of completed epochs and restores the history; throws bad_input when
  // the file does not belong to this network.
  int load_checkpoint(const std::filesystem::path& file, fit_result& state);

  optimizer& opt() { return m_optimizer; }

 private:
  network& m_net;
  trainer_options m_options;
  optimizer m_optimizer;
  std::vector<float> m_d_output, m_d_membrane, m_padded_frames, m_compact_spikes, m_compact_membrane;
};

}  // namespace snncosim::nn
