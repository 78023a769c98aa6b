#pragma once
// Transaction harnesses of single accelerator blocks (docs/rtl.md §3). Each block has one
// case and one result type and two implementations with the same static `run`: the TLM
// block of sc_models and its Verilated RTL twin. Tests are written once as
// TEST_CASE_TEMPLATE over both. A `run` elaborates a SystemC hierarchy, so call it once per
// process (every TEST_CASE is its own ctest process).
#include <cstdint>
#include <string>
#include <vector>

#include "snncosim/numerics/neuron.h"

namespace snncosim::tb {

// ---- event control: compress frames one after the other ----
struct event_control_case {
  int chunk_bits = 32;   // penc_width_bits; the RTL is built for 4 and 32
  int frame_bits = 64;
  int read_latency = 1;  // L_spk, 1..4
  std::vector<std::vector<std::uint32_t>> frames;  // set bit positions of each frame
};
struct frame_result {
  std::vector<std::uint32_t> addresses;  // in the order the unit emits them
  std::uint64_t cycles = 0;              // busy cycles E of the frame
  bool operator==(const frame_result&) const = default;
};
struct tlm_event_control {
  static constexpr const char* name = "tlm";
  static std::vector<frame_result> run(const event_control_case& c);
};
struct rtl_event_control {
  static constexpr const char* name = "rtl";
  static std::vector<frame_result> run(const event_control_case& c);
};

// ---- spike router: packets of the activation with the core array's stall rule ----
struct router_case {
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
struct router_result {
  std::vector<packet_stamp> packets;  // in departure order
  std::uint64_t stall_cycles = 0;
  bool operator==(const router_result&) const = default;
};
struct tlm_router {
  static constexpr const char* name = "tlm";
  static router_result run(const router_case& c);
};
struct rtl_router {
  static constexpr const char* name = "rtl";
  static router_result run(const router_case& c);
};

// ---- neuron step: the activate datapath of a lane ----
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
struct reference_neuron {
  static constexpr const char* name = "numerics";
  static std::vector<neuron_output> run(const std::vector<neuron_vector>& v);
};
struct rtl_neuron {
  static constexpr const char* name = "rtl";
  static std::vector<neuron_output> run(const std::vector<neuron_vector>& v);
};

}  // namespace snncosim::tb
