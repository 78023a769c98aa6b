#include "snncosim/sc_models/spike_memory.h"

#include <algorithm>

namespace snncosim::sc_models {

spike_memory::spike_memory(const sc_core::sc_module_name& name, int slots, int frames, int frame_bits,
                           int read_latency_cycles, sc_core::sc_time clock_period)
    : sc_core::sc_module(name),
      in("in"),
      read_port("read_port"),
      m_slots(slots),
      m_frames(frames),
      m_frame_bits(frame_bits),
      m_read_latency(read_latency_cycles),
      m_frame_words((static_cast<std::size_t>(frame_bits) + 63) / 64),
      m_clock(clock_period),
      m_bits(static_cast<std::size_t>(slots) * static_cast<std::size_t>(frames) * m_frame_words, 0) {
  in.register_b_transport(this, &spike_memory::b_transport);
  in.register_get_direct_mem_ptr(this, &spike_memory::get_direct_mem_ptr);
  read_port.register_b_transport(this, &spike_memory::b_transport);
  read_port.register_get_direct_mem_ptr(this, &spike_memory::get_direct_mem_ptr);
}

void spike_memory::clear() { std::fill(m_bits.begin(), m_bits.end(), 0); }

void spike_memory::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  const std::uint64_t bit = p.get_address();
  if (bit >= m_bits.size() * 64 || p.get_data_length() != 1) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  std::uint64_t& word = m_bits[bit / 64];
  const std::uint64_t mask = std::uint64_t{1} << (bit % 64);
  if (p.is_write()) {
    if (*p.get_data_ptr() != 0)
      word |= mask;
    else
      word &= ~mask;
    ++m_stats.num_writes;
    delay += m_clock;
  } else if (p.is_read()) {
    *p.get_data_ptr() = (word & mask) != 0 ? 1 : 0;
    ++m_stats.num_reads;
    delay += m_clock * static_cast<double>(m_read_latency);
  }
  p.set_response_status(tlm::TLM_OK_RESPONSE);
}

bool spike_memory::get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
  dmi.set_dmi_ptr(reinterpret_cast<unsigned char*>(m_bits.data()));
  dmi.set_start_address(0);
  dmi.set_end_address(m_bits.size() * 8 - 1);  // DMI addresses are bytes
  dmi.allow_read_write();
  dmi.set_read_latency(m_clock * static_cast<double>(m_read_latency));
  dmi.set_write_latency(m_clock);
  return true;
}

}  // namespace snncosim::sc_models
