#include "snncosim/nn/optimizer.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace snncosim::nn {

optimizer_kind parse_optimizer_kind(const std::string& name) {
  if (name == "adam") return optimizer_kind::adam;
  if (name == "adamw") return optimizer_kind::adamw;
  if (name == "sgd") return optimizer_kind::sgd;
  throw std::invalid_argument("unknown optimizer '" + name + "'; expected adam, adamw or sgd");
}

schedule_kind parse_schedule_kind(const std::string& name) {
  if (name == "constant" || name == "none") return schedule_kind::constant;
  if (name == "cosine") return schedule_kind::cosine;
  if (name == "step") return schedule_kind::step;
  throw std::invalid_argument("unknown schedule '" + name + "'; expected constant, cosine or step");
}

optimizer::optimizer(optimizer_options options, std::vector<parameter> params)
    : m_options(options), m_params(std::move(params)) {
  std::size_t total = 0;
  for (const auto& p : m_params) total += p.size;
  m_m.assign(total, 0.0f);
  if (options.kind != optimizer_kind::sgd) m_v.assign(total, 0.0f);
}

double optimizer::step(double lr) {
  const auto& o = m_options;
  if (o.grad_clip_value > 0) {
    const auto c = static_cast<float>(o.grad_clip_value);
    for (auto& p : m_params)
      for (std::size_t i = 0; i < p.size; ++i) p.grad[i] = std::clamp(p.grad[i], -c, c);
  }
  double sq = 0;
  for (const auto& p : m_params)
    for (std::size_t i = 0; i < p.size; ++i) sq += static_cast<double>(p.grad[i]) * p.grad[i];
  const double norm = std::sqrt(sq);
  float grad_scale = 1.0f;
  if (o.grad_clip_norm > 0) {
    const double coef = o.grad_clip_norm / (norm + 1e-6);  // torch.nn.utils.clip_grad_norm_
    if (coef < 1.0) grad_scale = static_cast<float>(coef);
  }
  ++m_steps;
  const double bc1 = 1.0 - std::pow(o.beta1, static_cast<double>(m_steps));
  const double bc2 = 1.0 - std::pow(o.beta2, static_cast<double>(m_steps));
  const auto flr = static_cast<float>(lr);
  const auto wd = static_cast<float>(o.weight_decay);
  const auto b1 = static_cast<float>(o.beta1), b2 = static_cast<float>(o.beta2);
  const auto step_size = static_cast<float>(lr / bc1);
  const auto sqrt_bc2 = static_cast<float>(std::sqrt(bc2));
  const auto eps = static_cast<float>(o.eps);
  const auto mom = static_cast<float>(o.momentum), damp = static_cast<float>(o.dampening);
  std::size_t offset = 0;
  for (auto& p : m_params) {
    float* m = m_m.data() + offset;
    float* v = m_v.empty() ? nullptr : m_v.data() + offset;
    for (std::size_t i = 0; i < p.size; ++i) {
      float g = p.grad[i] * grad_scale;
      float& w = p.value[i];
      switch (o.kind) {
        case optimizer_kind::adam:
        case optimizer_kind::adamw: {
          if (o.kind == optimizer_kind::adam)
            g += wd * w;
          else
            w *= 1.0f - flr * wd;
          m[i] = b1 * m[i] + (1.0f - b1) * g;
          v[i] = b2 * v[i] + (1.0f - b2) * g * g;
          w -= step_size * m[i] / (std::sqrt(v[i]) / sqrt_bc2 + eps);
          break;
        }
        case optimizer_kind::sgd: {
          g += wd * w;
          if (mom != 0.0f) {
            m[i] = m_steps == 1 ? g : mom * m[i] + (1.0f - damp) * g;
            g = o.nesterov ? g + mom * m[i] : m[i];
          }
          w -= flr * g;
          break;
        }
      }
      if (o.weight_clip > 0) {
        const auto c = static_cast<float>(o.weight_clip);
        w = std::clamp(w, -c, c);
      }
    }
    offset += p.size;
  }
  return norm;
}

double scheduled_lr(const schedule_options& s, double base_lr, int epoch) {
  switch (s.kind) {
    case schedule_kind::constant:
      return base_lr;
    case schedule_kind::cosine:
      return s.eta_min + (base_lr - s.eta_min) *
                             (1.0 + std::cos(std::numbers::pi * epoch / std::max(1, s.t_max))) / 2.0;
    case schedule_kind::step:
      return base_lr * std::pow(s.gamma, epoch / std::max(1, s.step_size));
  }
  return base_lr;
}

}  // namespace snncosim::nn
