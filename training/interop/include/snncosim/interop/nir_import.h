#pragma once
// NIR graph -> the float network our accelerator runs (docs/interop.md). Accepts a
// feed-forward chain
//   Input -> { (Conv2d | Linear | Affine) [SumPool2d | AvgPool2d] (LIF | IF) [Flatten] [SumPool2d | AvgPool2d] }+ -> Output
// and lowers each synapse + neuron pair to one neuron layer:
//   * LIF  tau dv/dt = (v_leak - v) + r I  ->  forward Euler with step dt:
//          v_t = (1 - dt/tau) v_{t-1} + (dt/tau) (r I_t + v_leak), i.e. snnTorch Leaky with
//          beta = 1 - dt/tau, the input gain r dt/tau and the leak (dt/tau) v_leak folded into
//          the synapse's weights and bias (exact in real arithmetic);
//   * IF   dv/dt = r I  ->  v_t = v_{t-1} + r I_t (a spike is a unit charge; Leaky beta = 1);
//   * both: spike when v > v_threshold, then v = v_reset (must be 0): Leaky reset "zero"
//          with reset_delay = false;
//   * a pool between synapse and neuron sums (or averages) the currents: folded into one
//     conv with a larger kernel and stride; a pool of spikes before the next synapse is
//     folded into that synapse when the windows tile the map exactly (kernel = stride).
// Everything else is bad_input naming the file, the node and the reason: cycles (recurrent
// edges), branches, nested subgraphs, delays, CubaLIF/LI/I/Threshold/Conv1d/Scale nodes,
// non-square kernels, dilation or groups, per-neuron tau or threshold, v_reset != 0.
#include <string>

#include "snncosim/interop/float_model.h"
#include "snncosim/interop/nir_graph.h"

namespace snncosim::interop {

struct import_options {
  double time_step = 1e-4;       // dt of the Euler step, seconds (snnTorch's NIR importer uses 1e-4)
  int num_classes = 0;           // 0: output size / population_per_class
  int population_per_class = 0;  // 0: output size / num_classes (1 when num_classes is 0)
};

// `what` names the graph in messages (the file name).
float_model lower_nir(const nir_graph& graph, const import_options& options, const std::string& what);

// Sets num_classes and population_per_class of a lowered model from the output size (the
// rules of import_options); bad_input when the outputs are not classes x population.
void assign_classes(float_model& m, int num_classes, int population_per_class, const std::string& what);

// Metadata keys our exporter writes into neuron nodes so a round trip keeps what NIR cannot
// say (snnTorch's reset mode and delay); other tools ignore metadata.
inline constexpr const char* meta_reset = "snncosim_reset";            // "subtract" | "zero" | "none"
inline constexpr const char* meta_reset_delay = "snncosim_reset_delay";  // 0 or 1

}  // namespace snncosim::interop
