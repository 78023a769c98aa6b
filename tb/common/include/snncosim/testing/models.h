#pragma once
// Small models, inputs and hardware documents for the tests of every tree (sc_models,
// tb, explore): seeded random layers, spike trains and inline hardware documents.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "snncosim/common/config.h"
#include "snncosim/numerics/quant_model.h"

namespace snncosim::testing {

// Uniform in [-1, 1) from raw PRNG bits (portable, unlike std::uniform_real_distribution).
inline float uniform(std::mt19937_64& rng) {
  return static_cast<float>(static_cast<double>(rng() >> 11) * 0x1.0p-53 * 2.0 - 1.0);
}

inline std::vector<float> random_weights(std::mt19937_64& rng, std::size_t n, float bias = 0.f) {
  std::vector<float> w(n);
  for (auto& v : w) v = uniform(rng) + bias;
  return w;
}

inline numerics::float_neuron leaky(double beta, double threshold) {
  numerics::float_neuron n;
  n.model = numerics::neuron_model::leaky;
  n.beta = beta;
  n.threshold = threshold;
  return n;
}

inline numerics::quant_layer conv(std::mt19937_64& rng, const std::string& name, int in_ch, int out_ch, int k,
                                  int stride, int pad, const numerics::float_neuron& n, float weight_bias = 0.1f) {
  return numerics::make_neuron_layer(name, numerics::layer_kind::conv, out_ch, k, stride, pad,
                                     random_weights(rng, static_cast<std::size_t>(out_ch * in_ch * k * k), weight_bias),
                                     random_weights(rng, static_cast<std::size_t>(out_ch)), n, {}, true);
}

inline numerics::quant_layer linear(std::mt19937_64& rng, const std::string& name, int in_n, int out_n,
                                    const numerics::float_neuron& n, float weight_bias = 0.1f) {
  return numerics::make_neuron_layer(name, numerics::layer_kind::linear, out_n, 1, 1, 0,
                                     random_weights(rng, static_cast<std::size_t>(out_n * in_n), weight_bias),
                                     random_weights(rng, static_cast<std::size_t>(out_n)), n, {}, false);
}

inline numerics::quant_layer mover(const std::string& name, numerics::layer_kind kind, int kernel = 1, int stride = 1) {
  numerics::quant_layer l;
  l.name = name;
  l.kind = kind;
  l.kernel = kernel;
  l.stride = stride;
  return l;
}

inline std::vector<std::uint8_t> random_spikes(std::mt19937_64& rng, std::size_t n, double density) {
  std::vector<std::uint8_t> s(n);
  const auto cut = static_cast<std::uint64_t>(density * 18446744073709551615.0);
  for (auto& v : s) v = rng() < cut ? 1 : 0;
  return s;
}

inline config::document hardware(const std::string& body) {
  return config::load_text("schema: snncosim.hardware/1\nclock_mhz: 100\n" + body, "test_hw.yaml", {}, "hardware");
}

}  // namespace snncosim::testing
