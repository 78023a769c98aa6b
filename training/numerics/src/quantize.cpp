// Weight/bias quantization and BatchNorm folding; docs/numerics.md §3.
#include "snncosim/numerics/quantize.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "snncosim/common/error.h"
#include "snncosim/numerics/neuron.h"

namespace snncosim::numerics {
namespace {

std::size_t group_size(std::size_t n, int out_channels) {
  if (out_channels < 1 || n % static_cast<std::size_t>(out_channels) != 0)
    throw bad_input(fmt::format("{} weights do not split into {} output channels", n, out_channels));
  return n / static_cast<std::size_t>(out_channels);
}

double scale_of(const std::vector<double>& scale, std::size_t channel) {
  return scale.size() == 1 ? scale[0] : scale[channel];
}

void check_scales(const std::vector<double>& scale, int out_channels) {
  if (scale.size() != 1 && scale.size() != static_cast<std::size_t>(out_channels))
    throw bad_input(fmt::format("{} scales for {} output channels (expected 1 or {})", scale.size(),
                                out_channels, out_channels));
  for (double s : scale)
    if (!(s > 0) || !std::isfinite(s)) throw bad_input(fmt::format("scale {} must be finite and > 0", s));
}

}  // namespace

std::int32_t weight_qmax(int bits) {
  if (bits != 4 && bits != 8 && bits != 16) throw bad_input(fmt::format("weight bits must be 4, 8 or 16, got {}", bits));
  return static_cast<std::int32_t>(max_of_bits(bits));
}

std::vector<double> calibrate_scale(const std::vector<float>& weights, int out_channels, int bits,
                                    scale_granularity g) {
  const double qmax = weight_qmax(bits);
  const std::size_t per = group_size(weights.size(), out_channels);
  const std::size_t groups = g == scale_granularity::per_tensor ? 1 : static_cast<std::size_t>(out_channels);
  const std::size_t len = g == scale_granularity::per_tensor ? weights.size() : per;
  std::vector<double> scale(groups);
  for (std::size_t gi = 0; gi < groups; ++gi) {
    double m = 0;
    for (std::size_t k = 0; k < len; ++k) {
      const double v = weights[gi * len + k];
      if (!std::isfinite(v)) throw bad_input(fmt::format("weight {} is not finite", gi * len + k));
      m = std::max(m, std::fabs(v));
    }
    scale[gi] = m > 0 ? m / qmax : 1.0;
  }
  return scale;
}

quantized_weights quantize_weights(const std::vector<float>& weights, int out_channels, int bits,
                                   const std::vector<double>& scale) {
  const std::int64_t qmax = weight_qmax(bits);
  const std::size_t per = group_size(weights.size(), out_channels);
  check_scales(scale, out_channels);
  quantized_weights q;
  q.scale = scale;
  q.values.resize(weights.size());
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double v = static_cast<double>(weights[i]) / scale_of(scale, i / per);
    const double clamped = std::clamp(v, -static_cast<double>(qmax) - 1.0, static_cast<double>(qmax) + 1.0);
    q.values[i] = static_cast<std::int32_t>(std::clamp(round_half_even(clamped), -qmax, qmax));
  }
  return q;
}

quantized_weights quantize_weights(const std::vector<float>& weights, int out_channels, int bits,
                                   scale_granularity g) {
  return quantize_weights(weights, out_channels, bits, calibrate_scale(weights, out_channels, bits, g));
}

std::vector<std::int32_t> quantize_bias(const std::vector<float>& bias, const std::vector<double>& scale,
                                        int acc_bits) {
  check_scales(scale, static_cast<int>(bias.size()));
  const double lim = std::ldexp(1.0, acc_bits);
  std::vector<std::int32_t> q(bias.size());
  for (std::size_t o = 0; o < bias.size(); ++o) {
    const double v = std::clamp(static_cast<double>(bias[o]) / scale_of(scale, o), -lim, lim);
    q[o] = static_cast<std::int32_t>(saturate(round_half_even(v), acc_bits));
  }
  return q;
}

std::vector<float> dequantize_weights(const quantized_weights& q, int out_channels) {
  const std::size_t per = group_size(q.values.size(), out_channels);
  std::vector<float> w(q.values.size());
  for (std::size_t i = 0; i < w.size(); ++i)
    w[i] = static_cast<float>(q.values[i] * scale_of(q.scale, i / per));
  return w;
}

folded_layer fold_batch_norm(const std::vector<float>& weights, const std::vector<float>& bias,
                             const std::vector<float>& gamma, const std::vector<float>& beta,
                             const std::vector<float>& running_mean, const std::vector<float>& running_var,
                             double eps) {
  const std::size_t oc = gamma.size();
  if (beta.size() != oc || running_mean.size() != oc || running_var.size() != oc || (!bias.empty() && bias.size() != oc))
    throw bad_input("fold_batch_norm: gamma, beta, mean, var (and bias) must have one entry per channel");
  const std::size_t per = group_size(weights.size(), static_cast<int>(oc));
  folded_layer f;
  f.weights.reserve(weights.size());
  f.bias.reserve(oc);
  for (std::size_t o = 0; o < oc; ++o) {
    const double var = running_var[o];
    if (!(var + eps > 0)) throw bad_input(fmt::format("fold_batch_norm: var + eps <= 0 in channel {}", o));
    const double k = static_cast<double>(gamma[o]) / std::sqrt(var + eps);
    for (std::size_t j = 0; j < per; ++j) f.weights.push_back(static_cast<float>(weights[o * per + j] * k));
    const double b = bias.empty() ? 0.0 : bias[o];
    f.bias.push_back(static_cast<float>((b - running_mean[o]) * k + beta[o]));
  }
  return f;
}

}  // namespace snncosim::numerics
