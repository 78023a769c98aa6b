#pragma once
// Event control unit (docs/hardware.md §3.4): compresses one (step, channel) spike frame into
// its list of set-bit addresses with a priority encoder of `penc_width_bits` bits. Cost of
// one frame: read latency + one cycle per chunk scan + one cycle per spike,
//   E = L_spk + ceil(frame_bits / penc_width_bits) + s.
// Command: generic payload with a compress_extension on `in`; frames are read from the input
// spike memory through DMI on `spikes` (clear-on-read).
#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "snncosim/sc_models/protocol.h"
#include "snncosim/sc_models/spike_memory.h"

namespace snncosim::sc_models {

struct event_control_stats {
  std::uint64_t num_frames = 0;
  std::uint64_t num_chunk_scans = 0;
  std::uint64_t num_spikes = 0;
  std::uint64_t busy_cycles = 0;
};

class event_control : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<event_control> in;
  tlm_utils::simple_initiator_socket<event_control> spikes;

  event_control(const sc_core::sc_module_name& name, int penc_width_bits, sc_core::sc_time clock_period);

  // Closed form of one frame's cost.
  static std::uint64_t frame_cycles(int read_latency, int frame_bits, int penc_width_bits, std::uint64_t spikes) {
    const auto chunks = static_cast<std::uint64_t>((frame_bits + penc_width_bits - 1) / penc_width_bits);
    return static_cast<std::uint64_t>(read_latency) + chunks + spikes;
  }
  // Binds the spike memory whose geometry the unit needs (the DMI pointer is fetched lazily).
  void attach(spike_memory& memory) { m_memory = &memory; }
  const event_control_stats& stats() const { return m_stats; }
  void reset_stats() { m_stats = {}; }
  int penc_width_bits() const { return m_penc_width; }

 private:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);

  int m_penc_width;
  sc_core::sc_time m_clock;
  spike_memory* m_memory = nullptr;
  std::uint64_t* m_dmi = nullptr;
  event_control_stats m_stats;
};

}  // namespace snncosim::sc_models
