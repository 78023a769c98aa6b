#pragma once
// PyTorch's default initialisation of conv/linear layers: kaiming_uniform(a=sqrt(5)) for
// weights and U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for biases; both reduce to that bound.
#include <cmath>
#include <cstdint>
#include <vector>

#include "snncosim/common/rng.h"

namespace snncosim::nn::detail {

inline void init_uniform_fan_in(std::vector<float>& values, std::size_t fan_in, rng& gen) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  for (auto& v : values) v = static_cast<float>(gen.uniform(-bound, bound));
}

}  // namespace snncosim::nn::detail
