#pragma once
// Spike router behind a layer engine (docs/hardware.md §3.6). Takes address-event packets
// (aer_packet in a generic payload write) from the neuron cores into a FIFO of
// `fifo_depth` entries that drains `events_per_cycle` packets per cycle into the next
// engine's spike memory, applying the spike max-pool (spatial OR) and flatten layers that sit
// between the two engines. Timing per packet k (absolute cycles, FIFO order):
//   entered_k = max(desired_k, departed_{k-D})          (back-pressure: wait for a free slot)
//   departed_k = max(entered_k + 1, departed_{k-1}, departed_{k-B} + 1)
// The difference entered - desired is a stall of the whole core array (returned to it in
// the packet_timing_extension).
#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "snncosim/numerics/integer_inference.h"
#include "snncosim/sc_models/event_log.h"
#include "snncosim/sc_models/protocol.h"
#include "snncosim/sc_models/spike_memory.h"

namespace snncosim::sc_models {

struct router_stats {
  std::uint64_t num_packets = 0;
  std::uint64_t num_writes = 0;  // bits newly set in the next spike memory
  std::uint64_t stall_cycles = 0;
  std::uint64_t max_occupancy = 0;
  std::uint64_t occupancy_sum = 0;  // occupancy seen by each entering packet (mean = sum / packets)
};

// One spike-moving layer between two engines.
struct router_stage {
  numerics::layer_kind kind = numerics::layer_kind::maxpool;
  int kernel = 1;
  int stride = 1;
  numerics::tensor_shape in;
  numerics::tensor_shape out;
  numerics::spike_record* record = nullptr;  // where its spikes are recorded (may be null)
};

class spike_router : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<spike_router> in;
  tlm_utils::simple_initiator_socket<spike_router> out;

  // `source_record`: the producing neuron layer's spikes (may be null). `next_is_linear`: the next engine
  // reads one frame of flat features; otherwise one frame per channel.
  spike_router(const sc_core::sc_module_name& name, int fifo_depth, int events_per_cycle,
               std::vector<router_stage> stages, numerics::spike_record* source_record,
               const numerics::tensor_shape& source_shape, bool next_is_linear);

  void attach(spike_memory& next) { m_next = &next; }
  // A new sample: empty FIFO.
  void reset_fifo();
  std::uint64_t last_departure() const { return m_last_departure; }
  const router_stats& stats() const { return m_stats; }
  void reset_stats() { m_stats = {}; }
  // Records every packet with its desired, entered and departed cycle (null: off).
  void set_event_log(event_log* log, int layer) {
    m_events = log;
    m_event_layer = layer;
  }

 private:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  void route(int step, int stage, int c, int y, int x);
  void deliver(int step, int c, int y, int x);

  int m_depth;
  int m_rate;
  std::vector<router_stage> m_stages;
  numerics::spike_record* m_source;
  bool m_next_linear;
  int m_final_width;
  spike_memory* m_next = nullptr;
  std::vector<std::uint64_t> m_departed;  // ring of departure cycles
  std::uint64_t m_count = 0;              // packets since reset
  std::uint64_t m_oldest = 0;             // first packet still in the FIFO
  std::uint64_t m_last_departure = 0;
  router_stats m_stats;
  event_log* m_events = nullptr;
  int m_event_layer = 0;
  tlm::tlm_generic_payload m_write;
  unsigned char m_one = 1;
};

}  // namespace snncosim::sc_models
