#pragma once
// The co-simulation test network: the quickstart CSNN's shape scaled down (conv, max-pool,
// conv, max-pool, flatten, fc) with seeded random weights.
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
  m.layers.push_back(st::conv(rng, "conv2", 5, 6, 3, 1, 0, n1));
  m.layers.push_back(st::mover("pool2", nx::layer_kind::maxpool, 2, 2));
  m.layers.push_back(st::mover("flatten", nx::layer_kind::flatten));
  m.layers.push_back(st::linear(rng, "fc1", 24, 7, st::leaky(0.8, 0.5)));
  return m;
}

}  // namespace snncosim::tb::testing
