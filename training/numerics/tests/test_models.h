#pragma once
// Small hand-made models shared by the numerics tests and the file-writing helper.
#include <cstdint>
#include <vector>

#include "snncosim/numerics/quant_model.h"

namespace snncosim::numerics::testing {

// Integer neuron layer with hand-chosen parameters: widths 8/16/24, Q.16 multipliers,
// gain 1.0 (65536) in every channel, membrane in accumulator units.
inline quant_layer hand_layer(std::string name, layer_kind kind, int out_channels, std::vector<std::int32_t> weights,
                              std::vector<std::int32_t> bias, std::int32_t decay, std::int32_t threshold) {
  quant_layer l;
  l.name = std::move(name);
  l.kind = kind;
  l.out_channels = out_channels;
  l.widths.weight_bits = 8;
  l.widths.acc_bits = 16;
  l.widths.mem_bits = 24;
  l.widths.frac_bits = 16;
  l.widths.mem_frac_bits = 0;
  l.weights = std::move(weights);
  l.bias = std::move(bias);
  l.weight_scale = {0.125};
  l.membrane_scale = 0.125;
  l.gain.assign(static_cast<std::size_t>(out_channels), 65536);
  l.neuron.reset = reset_kind::subtract;
  l.neuron.decay = decay;
  l.neuron.threshold = threshold;
  l.neuron.reset_amount = threshold;
  l.source_neuron.beta = decay / 65536.0;
  l.source_neuron.threshold = threshold * 0.125;
  return l;
}

// docs/numerics.md §9 worked example: input [1,3,3]; conv 2x2 -> 2 channels (decay 0.5,
// threshold 3, bias {0,1}); spike max-pool 2x2 stride 1; flatten; linear 2 -> 1
// (weights {2,3}, decay 0, threshold 2).
inline quant_model hand_model() {
  quant_model m;
  m.input = {1, 3, 3};
  quant_layer conv = hand_layer("conv1", layer_kind::conv, 2, {1, 2, 3, 4, -1, 2, 0, 1}, {0, 1}, 32768, 3);
  conv.kernel = 2;
  m.layers.push_back(conv);
  quant_layer pool;
  pool.name = "pool1";
  pool.kind = layer_kind::maxpool;
  pool.kernel = 2;
  pool.stride = 1;
  m.layers.push_back(pool);
  quant_layer flat;
  flat.name = "flatten";
  flat.kind = layer_kind::flatten;
  m.layers.push_back(flat);
  m.layers.push_back(hand_layer("fc1", layer_kind::linear, 1, {2, 3}, {0}, 0, 2));
  m.num_classes = 1;
  m.origin.config_text = "schema: snncosim.network/1\nname: hand\n";
  m.origin.seed = 18446744073709551557ULL;  // largest 64-bit prime: checks the unsigned seed round trip
  m.origin.git_sha = "0123456789abcdef0123456789abcdef01234567";
  m.origin.created_by = "numerics tests";
  return m;
}

// Input spikes [T=3][1][3][3] of the worked example.
inline std::vector<std::uint8_t> hand_input() {
  return {1, 0, 0, 0, 1, 0, 0, 0, 0,   // t0
          0, 0, 0, 0, 0, 0, 0, 0, 0,   // t1: empty, neurons still activate
          0, 0, 1, 0, 0, 0, 1, 0, 1};  // t2
}

}  // namespace snncosim::numerics::testing
