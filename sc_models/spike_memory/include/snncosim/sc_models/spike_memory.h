#pragma once
// Input spike memory of a layer engine (docs/hardware.md §3.3): `slots` buffers of one time
// step each (2 = double buffering in the time-step pipeline, T in the layer-sequential
// configuration), each holding `frames` bit frames of `frame_bits` bits (conv: one frame per
// input channel of H*W bits; linear: one frame of all input features). The router writes
// single bits through the target socket (generic payload write, address = bit address
// slot_frame_base(slot, frame) + position, one data byte: 1 sets, 0 clears); the event
// control unit reads whole frames through DMI (64-bit words, clear-on-read).
#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "snncosim/sc_models/word_memory.h"

namespace snncosim::sc_models {

class spike_memory : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<spike_memory> in;         // router writes
  tlm_utils::simple_target_socket<spike_memory> read_port;  // event control (DMI)

  spike_memory(const sc_core::sc_module_name& name, int slots, int frames, int frame_bits, int read_latency_cycles,
               sc_core::sc_time clock_period);

  int slots() const { return m_slots; }
  int frames() const { return m_frames; }
  int frame_bits() const { return m_frame_bits; }
  int read_latency_cycles() const { return m_read_latency; }
  std::size_t frame_words() const { return m_frame_words; }
  std::uint64_t slot_frame_base(int slot, int frame) const {
    return (static_cast<std::uint64_t>(slot) * static_cast<std::uint64_t>(m_frames) + static_cast<std::uint64_t>(frame)) *
           m_frame_words * 64;
  }
  std::uint64_t* frame(int slot, int f) { return m_bits.data() + slot_frame_base(slot, f) / 64; }
  void set(int slot, int f, int position) {
    frame(slot, f)[static_cast<std::size_t>(position) / 64] |= std::uint64_t{1} << (position % 64);
    ++m_stats.num_writes;
  }
  void clear();
  const memory_stats& stats() const { return m_stats; }
  void count(std::uint64_t reads, std::uint64_t writes) {
    m_stats.num_reads += reads;
    m_stats.num_writes += writes;
  }
  void reset_stats() { m_stats = {}; }

 private:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi);

  int m_slots, m_frames, m_frame_bits, m_read_latency;
  std::size_t m_frame_words;
  sc_core::sc_time m_clock;
  std::vector<std::uint64_t> m_bits;
  memory_stats m_stats;
};

}  // namespace snncosim::sc_models
