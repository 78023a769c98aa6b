#pragma once
// Harnesses of the neuron core (docs/rtl.md §3). The RTL lane's activate datapath
// (rtl/neuron_core/snn_neuron_step, Verilated) runs against the numerics on vectors, and
// against the TLM core array (sc_models/neuron_core) on a layer: the TLM core accumulates
// and activates the steps, and every neuron it activates also goes through the Verilated
// lane with the same inputs. A `run` elaborates a SystemC hierarchy, so call it once per
// process.
#include <cstdint>
#include <vector>

#include "snncosim/numerics/neuron.h"
#include "snncosim/numerics/quant_model.h"

namespace snncosim::tb {

// ---- one neuron step: the activate datapath of a lane, against the numerics ----
struct neuron_vector {
  numerics::neuron_params params;
  numerics::datapath_widths widths;
  std::int32_t gain = 0, bias = 0, acc = 0, mem = 0;
};
struct neuron_output {
  std::int32_t mem = 0;
  bool spike = false;
  bool operator==(const neuron_output&) const = default;
};
struct numerics_neuron_step {
  static constexpr const char* name = "numerics";
  static std::vector<neuron_output> run(const std::vector<neuron_vector>& v);
};
struct rtl_neuron_step {
  static constexpr const char* name = "rtl";
  static std::vector<neuron_output> run(const std::vector<neuron_vector>& v);
};

// ---- the RTL lane against the TLM core array ----
struct neuron_core_case {
  numerics::quant_layer layer;   // conv (without current pooling) or linear
  numerics::tensor_shape input;  // the layer's input
  int cores = 1;                 // neuron_cores of the TLM core array
  // spikes[step][frame]: the set input positions of each frame (conv: one frame per input
  // channel, positions y * width + x; linear: one frame of input indices)
  std::vector<std::vector<std::vector<std::uint32_t>>> spikes;
};
// One neuron of one step, as the TLM core wrote it back and as the RTL lane computed it.
struct lane_check {
  int step = 0, channel = 0, y = 0, x = 0;
  neuron_output tlm, rtl;
};
// The TLM core runs the steps (accumulate every frame, activate); each neuron it activates
// goes through the Verilated lane with the core's accumulator, the channel's gain and bias
// and the membrane the lane itself computed for that neuron in the previous step (0 first).
struct rtl_lane_against_tlm_core {
  static std::vector<lane_check> run(const neuron_core_case& c);
};

}  // namespace snncosim::tb
