#pragma once
// Optimisers with PyTorch's update rules (torch.optim.Adam, AdamW, SGD), learning-rate
// schedules (CosineAnnealingLR closed form, StepLR) and clipping (clip_grad_norm_,
// clip_grad_value_, and a weight clamp after each step). The optimiser sees only
// parameter (value, grad) pairs, never layer types.
#include <cstdint>
#include <string>
#include <vector>

#include "snncosim/nn/layer.h"

namespace snncosim::nn {

enum class optimizer_kind { adam, adamw, sgd };
optimizer_kind parse_optimizer_kind(const std::string& name);  // throws std::invalid_argument

struct optimizer_options {
  optimizer_kind kind = optimizer_kind::adam;
  double lr = 1e-3;
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;  // adam, adamw
  double weight_decay = 0.0;  // adam/sgd: L2 added to the gradient; adamw: decoupled
  double momentum = 0.0, dampening = 0.0;  // sgd
  bool nesterov = false;                   // sgd
  double grad_clip_norm = 0.0;   // > 0: scale all gradients so their global L2 norm <= this
  double grad_clip_value = 0.0;  // > 0: clamp each gradient to [-v, v] (applied first)
  double weight_clip = 0.0;      // > 0: clamp each weight to [-w, w] after the step
};

class optimizer {
 public:
  optimizer(optimizer_options options, std::vector<parameter> params);

  // One update with learning rate lr (from the schedule). Returns the gradient norm
  // before clipping.
  double step(double lr);
  double step() { return step(m_options.lr); }

  const optimizer_options& options() const { return m_options; }
  std::int64_t steps() const { return m_steps; }

  // Optimiser state for checkpoints: the step count and one flat buffer per moment.
  std::vector<float>& first_moment() { return m_m; }
  std::vector<float>& second_moment() { return m_v; }
  void set_steps(std::int64_t steps) { m_steps = steps; }

 private:
  optimizer_options m_options;
  std::vector<parameter> m_params;
  std::vector<float> m_m, m_v;  // concatenated over parameters
  std::int64_t m_steps = 0;
};

enum class schedule_kind { constant, cosine, step };
schedule_kind parse_schedule_kind(const std::string& name);  // throws std::invalid_argument

struct schedule_options {
  schedule_kind kind = schedule_kind::constant;
  int t_max = 1;          // cosine: period in epochs
  double eta_min = 0.0;   // cosine: floor
  int step_size = 1;      // step: epochs between decays
  double gamma = 0.1;     // step: decay factor
};

// Learning rate for a (0-based) epoch.
double scheduled_lr(const schedule_options& schedule, double base_lr, int epoch);

}  // namespace snncosim::nn
