// The reference implementation of the neuron step harness: numerics::neuron_step.
#include "snncosim/numerics/neuron.h"
#include "snncosim/tb/neuron_core_harness.h"

namespace snncosim::tb {

std::vector<neuron_output> numerics_neuron_step::run(const std::vector<neuron_vector>& v) {
  std::vector<neuron_output> out;
  out.reserve(v.size());
  for (const auto& n : v) {
    const numerics::step_result r = numerics::neuron_step(n.params, n.widths, n.gain, n.bias, n.acc, n.mem);
    out.push_back({r.mem, r.spike});
  }
  return out;
}

}  // namespace snncosim::tb
