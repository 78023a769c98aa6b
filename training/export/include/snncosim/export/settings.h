#pragma once
// The `quantization:` section of an experiment (yaml/schemas/experiment.yaml): the integer
// datapath the network is exported to, and whether training fake-quantizes its weights.
#include "snncosim/numerics/neuron.h"
#include "snncosim/numerics/quantize.h"

namespace snncosim::config {
class document;
}

namespace snncosim::export_ {

struct quantization_settings {
  numerics::datapath_widths widths;  // weight_bits, acc_bits, mem_bits, frac_bits, mem_frac_bits
  bool per_channel = false;
  double input_threshold = 0.0;
  bool qat = false;

  numerics::scale_granularity granularity() const {
    return per_channel ? numerics::scale_granularity::per_channel : numerics::scale_granularity::per_tensor;
  }
};

// From a validated experiment document. bad_input (file:line) for weight_bits not in {4,8,16}.
quantization_settings quantization_from_yaml(const config::document& experiment);

}  // namespace snncosim::export_
