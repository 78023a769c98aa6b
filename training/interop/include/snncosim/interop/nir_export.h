#pragma once
// Our network -> NIR graph (docs/interop.md). Works from the integer model's float record
// (float_weights, float_bias and the trained float neuron of every neuron layer, which
// `export` fills after BatchNorm folding), so exactly the layers the hardware runs go out:
//   conv   -> Conv2d (stride, padding, input_shape)   linear -> Affine
//   flatten -> Flatten (start_dim 0)
//   Leaky(beta < 1, theta) -> LIF with tau = dt / (1 - beta), r = tau / dt, v_leak = 0,
//                             v_threshold = theta, v_reset = 0  (so beta = 1 - dt/tau and
//                             the input gain r dt / tau = 1 come back on import)
//   Leaky(beta = 1, theta) -> IF with r = 1
// Parameters of neurons are per-neuron arrays of the layer's output shape, as NIR expects.
// snnTorch's reset mode and delay go into node metadata (nir_import.h) because NIR's neurons
// only reset to v_reset. Not representable, bad_input naming the layer: max-pooling (of
// currents or spikes; NIR has no max-pool node), Lapicque neurons, layers without float weights.
#include <string>

#include "snncosim/interop/nir_graph.h"
#include "snncosim/numerics/quant_model.h"

namespace snncosim::interop {

nir_graph to_nir(const numerics::quant_model& model, double time_step, const std::string& what);

}  // namespace snncosim::interop
