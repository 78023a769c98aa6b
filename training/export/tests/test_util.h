#pragma once
// Small networks and deterministic data shared by the export tests.
#include <cstdint>
#include <vector>

#include "snncosim/nn/network.h"
#include "snncosim/nn/network_spec.h"
#include "snncosim/nn/batch_source.h"

namespace snncosim::export_::test {

inline snn::neuron_config leaky(float beta, float threshold = 1.0f) {
  snn::neuron_config n;
  n.model = "leaky";
  n.beta = beta;
  n.threshold = threshold;
  return n;
}

inline nn::layer_spec make(nn::layer_type t, int ch = 0, int k = 3, int pad = 0, int stride = 1) {
  nn::layer_spec l;
  l.type = t;
  l.channels = ch;
  l.kernel = k;
  l.padding = pad;
  l.stride = stride;
  return l;
}

inline nn::layer_spec neuron(const snn::neuron_config& cfg, bool output = false) {
  nn::layer_spec l = make(nn::layer_type::neuron);
  l.neuron = cfg;
  l.output = output;
  return l;
}

// 2x12x12 -> conv 6 k3 p1 -> BN -> Leaky -> maxpool 2 (spike OR) -> conv 8 k3 -> maxpool 2
// (current pool) -> Lapicque -> flatten -> dropout -> linear 16 -> Leaky -> linear 4x2 -> Leaky.
inline nn::network_spec small_spec(float beta = 0.9f) {
  nn::network_spec s;
  s.name = "small";
  s.in_channels = 2;
  s.in_height = s.in_width = 12;
  s.num_classes = 4;
  s.population_per_class = 2;
  snn::neuron_config lap;
  lap.model = "lapicque";
  lap.beta = 0.5f;  // decay 1 + ln 0.5 = 0.307, input gain ln 2
  lap.threshold = 0.2f;
  lap.reset = snn::reset_mode::zero;
  s.layers = {make(nn::layer_type::conv, 6, 3, 1), make(nn::layer_type::batchnorm), neuron(leaky(beta, 0.5f)),
              make(nn::layer_type::maxpool, 0, 2, 0, 0), make(nn::layer_type::conv, 8, 3, 0),
              make(nn::layer_type::maxpool, 0, 2, 0, 0), neuron(lap), make(nn::layer_type::flatten),
              make(nn::layer_type::dropout), make(nn::layer_type::linear, 16), neuron(leaky(beta, 0.6f)),
              make(nn::layer_type::linear, 8), neuron(leaky(beta, 0.5f), true)};
  return s;
}

// Deterministic synthetic frames shaped for `s` (density 0.1, signal 0.6, no shuffling).
inline nn::synthetic_source make_data(const nn::network_spec& s, std::size_t samples, int steps,
                                      std::uint64_t seed) {
  nn::synthetic_options o;
  o.samples = samples;
  o.time_steps = steps;
  o.channels = s.in_channels;
  o.height = s.in_height;
  o.width = s.in_width;
  o.num_classes = s.num_classes;
  o.density = 0.1;
  o.signal = 0.6;
  o.seed = seed;
  o.shuffle = false;
  return nn::synthetic_source(o);
}

}  // namespace snncosim::export_::test
