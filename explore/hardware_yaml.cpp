#include "snncosim/explore/hardware_yaml.h"

#include <fmt/format.h>

namespace snncosim::explore {

std::string to_yaml(const sc_models::hardware_config& hw, const std::string& comment) {
  std::string y;
  if (!comment.empty()) y += "# " + comment + "\n";
  y += "schema: snncosim.hardware/1\n";
  y += fmt::format("name: {}\npipeline_mode: {}\nclock_mhz: {}\nlayers:\n", hw.name.empty() ? "explored" : hw.name,
                   sc_models::to_string(hw.mode), hw.clock_mhz);
  for (const auto& l : hw.layers) {
    y += fmt::format("  {}:\n", l.layer_name);
    y += fmt::format("    neuron_cores: {}\n    penc_width_bits: {}\n", l.neuron_cores, l.penc_width_bits);
    y += fmt::format(
        "    weight_memory: {{kind: {}, read_latency_cycles: {}, width_bits: {}, ports: {}, capacity_kib: {}}}\n",
        sc_models::to_string(l.weight_memory.kind), l.weight_memory.read_latency_cycles, l.weight_memory.width_bits,
        l.weight_memory.ports, l.weight_memory.capacity_kib);
    y += fmt::format("    membrane_memory: {{kind: {}, read_latency_cycles: {}, capacity_kib: {}}}\n",
                     sc_models::to_string(l.membrane_memory.kind), l.membrane_memory.read_latency_cycles,
                     l.membrane_memory.capacity_kib);
    y += fmt::format("    spike_memory: {{read_latency_cycles: {}}}\n", l.spike_read_latency_cycles);
    y += fmt::format("    spike_fifo_depth: {}\n    router_events_per_cycle: {}\n", l.spike_fifo_depth,
                     l.router_events_per_cycle);
  }
  return y;
}

}  // namespace snncosim::explore
