// Integer neuron of numerics version 1; the rules are in docs/numerics.md §2-4.
#include "snncosim/numerics/neuron.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "snncosim/common/error.h"

namespace snncosim::numerics {

std::int64_t round_half_even(double v) {
  // 2^62: far above any width we allow, and exactly representable in double.
  if (!std::isfinite(v) || std::fabs(v) >= 4611686018427387904.0) {
    throw std::out_of_range(fmt::format("round_half_even: {} is not a representable integer", v));
  }
  const double fl = std::floor(v);
  const double diff = v - fl;  // exact: v and fl are within one binade of each other
  auto r = static_cast<std::int64_t>(fl);
  if (diff > 0.5 || (diff == 0.5 && (r % 2 != 0))) ++r;
  return r;
}

const char* to_string(neuron_model m) { return m == neuron_model::leaky ? "leaky" : "lapicque"; }

const char* to_string(float_reset r) {
  switch (r) {
    case float_reset::subtract: return "subtract";
    case float_reset::zero: return "zero";
    case float_reset::none: return "none";
  }
  return "?";
}

const char* to_string(reset_kind k) {
  switch (k) {
    case reset_kind::none: return "none";
    case reset_kind::subtract: return "subtract";
    case reset_kind::zero_decayed: return "zero_decayed";
    case reset_kind::zero_all: return "zero_all";
  }
  return "?";
}

neuron_model parse_neuron_model(const std::string& s) {
  if (s == "leaky") return neuron_model::leaky;
  if (s == "lapicque") return neuron_model::lapicque;
  throw bad_input(fmt::format("unknown neuron model '{}' (integer numerics support: leaky, lapicque)", s));
}

float_reset parse_float_reset(const std::string& s) {
  if (s == "subtract") return float_reset::subtract;
  if (s == "zero") return float_reset::zero;
  if (s == "none") return float_reset::none;
  throw bad_input(fmt::format("unknown reset mechanism '{}' (expected subtract, zero or none)", s));
}

reset_kind parse_reset_kind(const std::string& s) {
  if (s == "none") return reset_kind::none;
  if (s == "subtract") return reset_kind::subtract;
  if (s == "zero_decayed") return reset_kind::zero_decayed;
  if (s == "zero_all") return reset_kind::zero_all;
  throw bad_input(fmt::format("unknown reset kind '{}' (expected none, subtract, zero_decayed, zero_all)", s));
}

float_coefficients derive_coefficients(const float_neuron& n) {
  if (n.model == neuron_model::leaky) return {std::clamp(n.beta, 0.0, 1.0), 1.0};
  // snnTorch Lapicque (_lapicque_cases): R = 1 when only beta is given; the Euler form
  // m = (1 - dt/(RC)) m + (dt/C) x. No clamp on beta.
  const bool has_beta = n.beta > 0;
  const bool has_r = n.r > 0;
  const bool has_c = n.c > 0;
  const double dt = n.time_step;
  if (!(dt > 0)) throw bad_input(fmt::format("lapicque: time_step must be > 0, got {}", dt));
  double r = 0;
  double c = 0;
  if (has_beta && !has_r && !has_c) {
    r = 1.0;
    c = dt / (r * std::log(1.0 / n.beta));
  } else if (has_beta && has_r && !has_c) {
    r = n.r;
    c = dt / (r * std::log(1.0 / n.beta));
  } else if (has_beta && has_c && !has_r) {
    c = n.c;
    r = dt / (c * std::log(1.0 / n.beta));
  } else if (!has_beta && has_r && has_c) {
    r = n.r;
    c = n.c;
  } else {
    throw bad_input(
        "lapicque: give beta alone, beta with one of R or C, or R and C without beta "
        "(snnTorch _lapicque_cases)");
  }
  // beta == 1 gives C = inf: no input and no leak, as in snnTorch.
  const double input_gain = std::isinf(c) ? 0.0 : dt / c;
  const double decay = std::isinf(c) || std::isinf(r) ? 1.0 : 1.0 - dt / (r * c);
  return {decay, input_gain};
}

void validate(const datapath_widths& w) {
  if (w.weight_bits != 4 && w.weight_bits != 8 && w.weight_bits != 16)
    throw bad_input(fmt::format("weight_bits must be 4, 8 or 16, got {}", w.weight_bits));
  if (w.acc_bits < w.weight_bits || w.acc_bits > 32)
    throw bad_input(fmt::format("acc_bits must be in [weight_bits={}, 32], got {}", w.weight_bits, w.acc_bits));
  if (w.mem_bits < 2 || w.mem_bits > 32)
    throw bad_input(fmt::format("mem_bits must be in [2, 32], got {}", w.mem_bits));
  if (w.frac_bits < 0 || w.frac_bits > 30)
    throw bad_input(fmt::format("frac_bits must be in [0, 30], got {}", w.frac_bits));
  if (w.mem_frac_bits < 0 || w.mem_frac_bits > 24)
    throw bad_input(fmt::format("mem_frac_bits must be in [0, 24], got {}", w.mem_frac_bits));
}

step_result neuron_step(const neuron_params& p, const datapath_widths& w, std::int32_t gain,
                        std::int32_t bias, std::int32_t acc, std::int32_t mem_prev) {
  const bool r = mem_prev > p.threshold;
  const std::int64_t x = saturate(std::int64_t{acc} + bias, w.acc_bits);
  const std::int64_t d = mul_round_shift(p.decay, mem_prev, w.frac_bits);
  const std::int64_t i = mul_round_shift(gain, x, w.frac_bits);
  std::int64_t u = 0;
  switch (p.reset) {
    case reset_kind::none: u = d + i; break;
    case reset_kind::subtract: u = d + i - (r ? p.reset_amount : 0); break;
    case reset_kind::zero_decayed: u = (r ? 0 : d) + i; break;
    case reset_kind::zero_all: u = r ? 0 : d + i; break;
  }
  const std::int64_t v = saturate(u, w.mem_bits);
  const bool s = v > p.threshold;
  std::int64_t m = v;
  if (!p.reset_delay) {
    const int correction = (s ? 1 : 0) - (r ? 1 : 0);
    switch (p.reset) {
      case reset_kind::none: break;
      case reset_kind::subtract: m = saturate(v - correction * std::int64_t{p.reset_amount}, w.mem_bits); break;
      case reset_kind::zero_decayed:
      case reset_kind::zero_all: m = saturate(v * (1 - correction), w.mem_bits); break;
    }
  }
  return {static_cast<std::int32_t>(m), s};
}

namespace {

std::int32_t fit_int32(double v, const char* what, std::int64_t lo, std::int64_t hi, bool floor_it = false) {
  if (!std::isfinite(v) || v > 4.0e18 || v < -4.0e18)
    throw bad_input(fmt::format("{} = {} is not finite or far out of range", what, v));
  const std::int64_t q = floor_it ? static_cast<std::int64_t>(std::floor(v)) : round_half_even(v);
  if (q < lo || q > hi)
    throw bad_input(fmt::format("{} = {} does not fit in [{}, {}]; change the widths (docs/numerics.md §3)",
                                what, q, lo, hi));
  return static_cast<std::int32_t>(q);
}

}  // namespace

integer_neuron convert_neuron(const float_neuron& n, const datapath_widths& w,
                              const std::vector<double>& weight_scale, int out_channels) {
  validate(w);
  if (out_channels < 1) throw bad_input("convert_neuron: out_channels must be >= 1");
  if (weight_scale.size() != 1 && weight_scale.size() != static_cast<std::size_t>(out_channels))
    throw bad_input(fmt::format("convert_neuron: {} weight scales for {} channels", weight_scale.size(), out_channels));
  double s_max = 0;
  for (double s : weight_scale) {
    if (!(s > 0) || !std::isfinite(s)) throw bad_input(fmt::format("weight scale {} must be finite and > 0", s));
    s_max = std::max(s_max, s);
  }
  if (n.model == neuron_model::lapicque && !n.reset_delay)
    throw bad_input("lapicque has no reset_delay=false (snnTorch always delays its reset)");
  const float_coefficients cf = derive_coefficients(n);
  const double two_f = std::ldexp(1.0, w.frac_bits);
  const std::int64_t mult_hi = max_of_bits(32);
  const std::int64_t mult_lo = -mult_hi;  // symmetric: -2^31 is never produced

  integer_neuron out;
  out.membrane_scale = std::ldexp(s_max, -w.mem_frac_bits);
  out.params.decay = fit_int32(cf.decay * two_f, "decay multiplier", mult_lo, mult_hi);
  out.gain.resize(static_cast<std::size_t>(out_channels));
  for (int c = 0; c < out_channels; ++c) {
    const double s = weight_scale.size() == 1 ? weight_scale[0] : weight_scale[static_cast<std::size_t>(c)];
    out.gain[static_cast<std::size_t>(c)] =
        fit_int32(cf.input_gain * (s / out.membrane_scale) * two_f, "input gain multiplier", mult_lo, mult_hi);
  }
  const double theta = n.threshold / out.membrane_scale;
  out.params.threshold = fit_int32(theta, "threshold", min_of_bits(w.mem_bits), max_of_bits(w.mem_bits), true);
  out.params.reset_amount = fit_int32(theta, "reset amount", min_of_bits(w.mem_bits), max_of_bits(w.mem_bits));
  switch (n.reset) {
    case float_reset::none: out.params.reset = reset_kind::none; break;
    case float_reset::subtract: out.params.reset = reset_kind::subtract; break;
    case float_reset::zero:
      out.params.reset = n.model == neuron_model::leaky ? reset_kind::zero_decayed : reset_kind::zero_all;
      break;
  }
  out.params.reset_delay = n.model == neuron_model::lapicque ? true : n.reset_delay;
  return out;
}

}  // namespace snncosim::numerics
