#include "snncosim/sc_models/event_control.h"

#include <bit>

namespace snncosim::sc_models {

event_control::event_control(const sc_core::sc_module_name& name, int penc_width_bits, sc_core::sc_time clock_period)
    : sc_core::sc_module(name), in("in"), spikes("spikes"), m_penc_width(penc_width_bits), m_clock(clock_period) {
  in.register_b_transport(this, &event_control::b_transport);
}

void event_control::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  auto* cmd = p.get_extension<compress_extension>();
  if (cmd == nullptr || m_memory == nullptr || cmd->addresses == nullptr) {
    p.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  if (m_dmi == nullptr) {
    tlm::tlm_generic_payload q;
    tlm::tlm_dmi dmi;
    q.set_command(tlm::TLM_READ_COMMAND);
    q.set_address(0);
    if (!spikes->get_direct_mem_ptr(q, dmi)) {
      p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
      return;
    }
    m_dmi = reinterpret_cast<std::uint64_t*>(dmi.get_dmi_ptr());
  }
  // The priority encoder yields set bits lowest first, chunk after chunk: ascending order.
  std::uint64_t* words = m_dmi + m_memory->slot_frame_base(cmd->slot, cmd->frame) / 64;
  auto& out = *cmd->addresses;
  out.clear();
  const std::size_t n_words = m_memory->frame_words();
  for (std::size_t w = 0; w < n_words; ++w) {
    std::uint64_t bits = words[w];
    while (bits != 0) {
      out.push_back(static_cast<std::uint32_t>(w * 64 + static_cast<std::size_t>(std::countr_zero(bits))));
      bits &= bits - 1;
    }
    words[w] = 0;
  }
  const int frame_bits = m_memory->frame_bits();
  const std::uint64_t chunks = static_cast<std::uint64_t>((frame_bits + m_penc_width - 1) / m_penc_width);
  const std::uint64_t cycles = frame_cycles(m_memory->read_latency_cycles(), frame_bits, m_penc_width, out.size());
  m_memory->count(chunks, 0);
  m_stats.num_frames += 1;
  m_stats.num_chunk_scans += chunks;
  m_stats.num_spikes += out.size();
  m_stats.busy_cycles += cycles;
  delay += m_clock * static_cast<double>(cycles);
  p.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace snncosim::sc_models
