#pragma once
// Built-in surrogate table; internal to the snn library.
#include <string>
#include <vector>

#include "snncosim/snn/surrogate.h"

namespace snncosim::snn::detail {

struct builtin_surrogate {
  std::string name;
  param_map defaults;
  std::string formula;
  std::string origin;
  bool stochastic;
  surrogate_factory factory;
};

std::vector<builtin_surrogate> builtin_surrogates();

}  // namespace snncosim::snn::detail
