#pragma once
// Trained float network -> numerics::quant_model (docs/export.md). Walks the network_spec:
//   conv [batchnorm] [dropout] [maxpool] neuron   -> one conv neuron layer (BatchNorm folded
//                                                    with eval statistics; a max-pool between
//                                                    conv and neuron pools the currents)
//   linear [dropout] neuron                       -> one linear neuron layer
//   maxpool after a neuron                        -> spike max-pool (spatial OR)
//   flatten                                       -> flatten (also inserted before a linear
//                                                    that reads a [C,H,W] tensor)
//   dropout                                       -> nothing (identity in eval)
// Anything else (avgpool, Synaptic/Alpha neurons, graded spikes, a conv without a neuron,
// BatchNorm not right after a conv, ...) is bad_input naming the layer.
#include <cstddef>
#include <string>
#include <vector>

#include "snncosim/export/settings.h"
#include "snncosim/numerics/quant_model.h"

namespace snncosim::nn {
class network;
}

namespace snncosim::export_ {

// Which float layer's output each quant layer's spikes correspond to (for comparisons):
// float_layer[i] is an index into network.layers() / spec.layers, or network_input.
inline constexpr std::size_t network_input = static_cast<std::size_t>(-1);
struct layer_mapping {
  std::vector<std::size_t> float_layer;
};

struct export_result {
  numerics::quant_model model;
  layer_mapping mapping;
};

// The network must be configured (learnt neuron parameters live in the configured layers).
export_result export_network(nn::network& net, const quantization_settings& settings,
                             const numerics::provenance& origin = {});

}  // namespace snncosim::export_
