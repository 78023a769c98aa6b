#pragma once
// Transaction harness of the event control unit (docs/rtl.md §3): one case and one result
// type, two implementations with the same static `run`, the TLM block of
// sc_models/event_control (with its spike memory) and its Verilated RTL twin
// rtl/event_control/snn_event_control_unit. Tests are written once as TEST_CASE_TEMPLATE
// over both. A `run` elaborates a SystemC hierarchy, so call it once per process (every
// TEST_CASE is its own ctest process).
#include <cstdint>
#include <vector>

namespace snncosim::tb {

// Compress frames one after the other.
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

}  // namespace snncosim::tb
