#pragma once
// Transaction harness of the spike router (docs/rtl.md §3): the TLM block of
// sc_models/spike_router and its Verilated RTL twin rtl/spike_router/snn_spike_router behind
// one static `run`, for tests written once as TEST_CASE_TEMPLATE over both. A `run`
// elaborates a SystemC hierarchy, so call it once per process.
#include <cstdint>
#include <vector>

namespace snncosim::tb {

// Packets of the activation with the core array's stall rule.
struct spike_router_case {
  int depth = 16;  // 1..16 in the RTL build
  int rate = 1;    // 1..4
  // nominal (stall-free) cycle of each packet, non-decreasing; at most 4 per cycle (lanes)
  std::vector<std::uint64_t> nominal;
  // fault injection for the mutation tests: add this to the RTL's departure stamps
  std::uint64_t departed_offset = 0;
};
struct packet_stamp {
  std::uint64_t entered = 0;
  std::uint64_t departed = 0;
  std::uint32_t payload = 0;
  bool operator==(const packet_stamp&) const = default;
};
struct spike_router_result {
  std::vector<packet_stamp> packets;  // in departure order
  std::uint64_t stall_cycles = 0;
  bool operator==(const spike_router_result&) const = default;
};
struct tlm_spike_router {
  static constexpr const char* name = "tlm";
  static spike_router_result run(const spike_router_case& c);
};
struct rtl_spike_router {
  static constexpr const char* name = "rtl";
  static spike_router_result run(const spike_router_case& c);
};

}  // namespace snncosim::tb
