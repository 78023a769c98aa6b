#pragma once
// The co-simulation test network: the quickstart CSNN's shape scaled down (conv, spike
// max-pool, conv with current pooling, flatten, fc) with seeded random weights. Also the
// model file of the RTL CLI tests (tb_cosim_write_model) and the Yosys tests' network.
#include <random>

#include "snncosim/testing/models.h"

namespace snncosim::testing {

inline numerics::quant_model small_csnn() {
  namespace nx = snncosim::numerics;
  std::mt19937_64 rng(20261127);
  nx::quant_model m;
  m.input = {2, 12, 12};
  const auto n1 = leaky(0.9, 1.0);
  m.layers.push_back(conv(rng, "conv1", 2, 5, 3, 1, 1, n1));
  m.layers.push_back(mover("pool1", nx::layer_kind::maxpool, 2, 2));
  // conv2 pools its currents (max over 2x2 accumulators) instead of a spike max-pool.
  nx::quant_layer c2 = conv(rng, "conv2", 5, 6, 3, 1, 0, n1);
  c2.current_pool_kernel = 2;
  c2.current_pool_stride = 2;
  m.layers.push_back(c2);
  m.layers.push_back(mover("flatten", nx::layer_kind::flatten));
  m.layers.push_back(linear(rng, "fc1", 24, 7, leaky(0.8, 0.5)));
  return m;
}

}  // namespace snncosim::testing
