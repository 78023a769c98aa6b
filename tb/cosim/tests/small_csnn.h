#pragma once
// The co-simulation test network: the quickstart CSNN's shape scaled down (conv, spike
// max-pool, conv with current pooling, flatten, fc) with seeded random weights.
#include <random>

#include "test_support.h"

namespace snncosim::tb::testing {

inline numerics::quant_model small_csnn() {
  namespace nx = snncosim::numerics;
  namespace st = snncosim::sc_models::testing;
  std::mt19937_64 rng(20261127);
  nx::quant_model m;
  m.input = {2, 12, 12};
  const auto n1 = st::leaky(0.9, 1.0);
  m.layers.push_back(st::conv(rng, "conv1", 2, 5, 3, 1, 1, n1));
  m.layers.push_back(st::mover("pool1", nx::layer_kind::maxpool, 2, 2));
  // conv2 pools its currents (max over 2x2 accumulators) instead of a spike max-pool.
  nx::quant_layer c2 = st::conv(rng, "conv2", 5, 6, 3, 1, 0, n1);
  c2.current_pool_kernel = 2;
  c2.current_pool_stride = 2;
  m.layers.push_back(c2);
  m.layers.push_back(st::mover("flatten", nx::layer_kind::flatten));
  m.layers.push_back(st::linear(rng, "fc1", 24, 7, st::leaky(0.8, 0.5)));
  return m;
}

}  // namespace snncosim::tb::testing
