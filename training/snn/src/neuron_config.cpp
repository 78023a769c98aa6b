// Neuron configuration: parsing, snnTorch defaults, validation and derived coefficients.
#include <cmath>
#include <string>

#include "snncosim/common/error.h"
#include "snncosim/snn/neuron.h"

namespace snncosim::snn {

reset_mode parse_reset_mode(const std::string& s) {
  if (s == "subtract") return reset_mode::subtract;
  if (s == "zero") return reset_mode::zero;
  if (s == "none") return reset_mode::none;
  throw bad_input("reset mode '" + s + "': unknown; valid: subtract, zero, none");
}

neuron_model parse_neuron_model(const std::string& s) {
  if (s == "leaky") return neuron_model::leaky;
  if (s == "lapicque") return neuron_model::lapicque;
  if (s == "synaptic") return neuron_model::synaptic;
  if (s == "alpha") return neuron_model::alpha;
  throw bad_input("neuron model '" + s + "': unknown; valid: leaky, lapicque, synaptic, alpha");
}

const char* to_string(reset_mode m) {
  switch (m) {
    case reset_mode::subtract: return "subtract";
    case reset_mode::zero: return "zero";
    case reset_mode::none: return "none";
  }
  return "?";
}

const char* to_string(neuron_model m) {
  switch (m) {
    case neuron_model::leaky: return "leaky";
    case neuron_model::lapicque: return "lapicque";
    case neuron_model::synaptic: return "synaptic";
    case neuron_model::alpha: return "alpha";
  }
  return "?";
}

neuron_config default_neuron_config(const std::string& model) {
  neuron_config c;
  c.model = model;
  switch (parse_neuron_model(model)) {
    case neuron_model::leaky: break;
    case neuron_model::lapicque: c.beta = 0.9f; break;
    case neuron_model::synaptic: c.alpha = 0.9f; c.beta = 0.8f; break;
    case neuron_model::alpha:
      c.alpha = 0.9f;
      c.beta = 0.8f;
      c.reset = reset_mode::zero;  // snnTorch Alpha's default reset_mechanism
      break;
  }
  return c;
}

namespace {
void fail(const neuron_config& c, const std::string& field, const std::string& why) {
  throw bad_input("neuron '" + c.model + "': " + field + ": " + why);
}
bool given(float v) { return v > 0.0f; }
}  // namespace

void validate(const neuron_config& c) {
  const neuron_model m = parse_neuron_model(c.model);
  if (!std::isfinite(c.threshold)) fail(c, "threshold", "must be finite");
  if (!std::isfinite(c.beta)) fail(c, "beta", "must be finite");
  if (c.graded_spikes_factor != 1.0f && m != neuron_model::leaky)
    fail(c, "graded_spikes_factor", "only Leaky has graded spikes in snnTorch");
  if (c.learn_graded_spikes_factor && m != neuron_model::leaky)
    fail(c, "learn_graded_spikes_factor", "only Leaky has graded spikes in snnTorch");
  if (c.graded_spikes_factor == 0.0f || !std::isfinite(c.graded_spikes_factor))
    fail(c, "graded_spikes_factor", "must be finite and non-zero");
  if (c.learn_alpha && m != neuron_model::synaptic && m != neuron_model::alpha)
    fail(c, "learn_alpha", "only Synaptic and Alpha have alpha");
  switch (m) {
    case neuron_model::leaky: break;
    case neuron_model::synaptic:
      if (!std::isfinite(c.alpha)) fail(c, "alpha", "must be finite");
      break;
    case neuron_model::lapicque: {
      if (!c.reset_delay) fail(c, "reset_delay", "Lapicque has no reset_delay (always delayed)");
      if (c.learn_beta)
        fail(c, "learn_beta",
             "snnTorch's Lapicque cannot learn beta (C is fixed at construction); unsupported");
      if (c.time_step <= 0.0f || !std::isfinite(c.time_step))
        fail(c, "time_step", "must be > 0");
      const bool b = given(c.beta), r = given(c.r), cc = given(c.c);
      if (b && r && cc) fail(c, "beta/R/C", "give beta, beta+R, beta+C or R+C, not all three");
      if (!b && !(r && cc)) fail(c, "beta/R/C", "without beta both R and C are required");
      break;
    }
    case neuron_model::alpha: {
      if (!c.reset_delay) fail(c, "reset_delay", "Alpha has no reset_delay (always delayed)");
      const float a = std::fmin(std::fmax(c.alpha, 0.0f), 1.0f);
      const float b = std::fmin(std::fmax(c.beta, 0.0f), 1.0f);
      if (!(a > b)) fail(c, "alpha", "must be greater than beta (snnTorch _alpha_cases)");
      if (b == 1.0f) fail(c, "beta", "cannot be 1 (tau_alpha divides by ln beta - ln alpha)");
      if (b <= 0.0f) fail(c, "beta", "must be > 0 (tau_alpha takes ln beta)");
      break;
    }
  }
}

lapicque_coefficients derive_lapicque(const neuron_config& c) {
  const double dt = c.time_step;
  double r = c.r, cap = c.c;
  if (given(c.beta)) {
    const double l = std::log(1.0 / static_cast<double>(c.beta));
    if (!given(c.r) && !given(c.c)) {
      r = 1.0;
      cap = dt / (r * l);
    } else if (given(c.r)) {
      cap = dt / (r * l);
    } else {
      r = dt / (cap * l);
    }
  }
  return {r * (1.0 / (r * cap)) * dt, 1.0 - dt / (r * cap)};
}

double alpha_tau(float alpha, float beta) {
  const double a = std::log(std::fmin(std::fmax(static_cast<double>(alpha), 0.0), 1.0));
  const double b = std::log(std::fmin(std::fmax(static_cast<double>(beta), 0.0), 1.0));
  return a / (b - a) + 1.0;
}

}  // namespace snncosim::snn
