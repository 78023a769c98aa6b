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
  // The norm needs a pass of its own only where it scales the update; otherwise it is summed
  // in the update loop (a step is bound by memory traffic: one read of every gradient less).
  double sq = 0;
  float grad_scale = 1.0f;
  const bool norm_first = o.grad_clip_norm > 0;
  if (norm_first) {
    // Eight running sums in a fixed pattern, added in a fixed order: the same norm, and so
    // the same clipping, whatever vector width this file is compiled for.
    double part[8] = {};
    for (const auto& p : m_params) {
      const float* g = p.grad;
      std::size_t i = 0;
      for (; i + 8 <= p.size; i += 8)
        for (int j = 0; j < 8; ++j) part[j] += static_cast<double>(g[i + j]) * g[i + j];
      for (int j = 0; i < p.size; ++i, ++j) part[j] += static_cast<double>(g[i]) * g[i];
    }
    sq = ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
    const double coef = o.grad_clip_norm / (std::sqrt(sq) + 1e-6);  // torch.nn.utils.clip_grad_norm_
    if (coef < 1.0) grad_scale = static_cast<float>(coef);
  }
  double update_sq = 0;
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
  const bool adam = o.kind == optimizer_kind::adam, adamw = o.kind == optimizer_kind::adamw;
  const bool momentum = mom != 0.0f, first = m_steps == 1, nesterov = o.nesterov;
  const float clip = static_cast<float>(o.weight_clip);
  std::size_t offset = 0;
  // Element-wise updates, threads splitting the elements. They vectorise (this file is built
  // with -fno-math-errno: with errno, std::sqrt kept the loop scalar, 8 ms for fc's 2.2 M
  // weights; 1.1 ms vectorised) and, built with -ffp-contract=off, do per element the same
  // operations in the same order at any vector width, so the results are those of the
  // scalar loop.
  for (auto& p : m_params) {
    float* __restrict w = p.value;
    const float* __restrict gr = p.grad;
    float* __restrict m = m_m.data() + offset;
    float* __restrict v = m_v.empty() ? nullptr : m_v.data() + offset;
    const auto n = static_cast<std::ptrdiff_t>(p.size);
    if (adam || adamw) {
      const float decay_in_grad = adam ? wd : 0.0f;
      const float decay_factor = adamw ? 1.0f - flr * wd : 1.0f;
#pragma omp parallel for simd schedule(static) reduction(+ : update_sq) if (n >= 65536)
      for (std::ptrdiff_t i = 0; i < n; ++i) {
        update_sq += static_cast<double>(gr[i]) * gr[i];
        const float wi = w[i];
        const float g = gr[i] * grad_scale + decay_in_grad * wi;
        const float mi = b1 * m[i] + (1.0f - b1) * g;
        const float vi = b2 * v[i] + (1.0f - b2) * g * g;
        m[i] = mi;
        v[i] = vi;
        w[i] = wi * decay_factor - step_size * mi / (std::sqrt(vi) / sqrt_bc2 + eps);
      }
    } else {
#pragma omp parallel for simd schedule(static) reduction(+ : update_sq) if (n >= 65536)
      for (std::ptrdiff_t i = 0; i < n; ++i) {
        update_sq += static_cast<double>(gr[i]) * gr[i];
        float g = gr[i] * grad_scale + wd * w[i];
        if (momentum) {
          m[i] = first ? g : mom * m[i] + (1.0f - damp) * g;
          g = nesterov ? g + mom * m[i] : m[i];
        }
        w[i] -= flr * g;
      }
    }
    if (clip > 0)
      for (std::ptrdiff_t i = 0; i < n; ++i) w[i] = std::clamp(w[i], -clip, clip);
    offset += p.size;
  }
  return std::sqrt(norm_first ? sq : update_sq);
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
