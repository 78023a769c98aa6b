#include "snncosim/sc_models/word_memory.h"

#include <cstring>

namespace snncosim::sc_models {

word_memory::word_memory(const sc_core::sc_module_name& name, const memory_config& cfg, std::size_t words,
                         sc_core::sc_time clock_period)
    : sc_core::sc_module(name), in("in"), m_config(cfg), m_clock(clock_period), m_data(words, 0) {
  in.register_b_transport(this, &word_memory::b_transport);
  in.register_transport_dbg(this, &word_memory::transport_dbg);
  in.register_get_direct_mem_ptr(this, &word_memory::get_direct_mem_ptr);
}

bool word_memory::access(tlm::tlm_generic_payload& p) {
  const std::uint64_t addr = p.get_address();
  const unsigned len = p.get_data_length();
  if (addr % 4 != 0 || len % 4 != 0 || addr + len > m_data.size() * 4) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return false;
  }
  auto* bytes = reinterpret_cast<unsigned char*>(m_data.data()) + addr;
  if (p.is_read())
    std::memcpy(p.get_data_ptr(), bytes, len);
  else if (p.is_write())
    std::memcpy(bytes, p.get_data_ptr(), len);
  p.set_response_status(tlm::TLM_OK_RESPONSE);
  return true;
}

void word_memory::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  if (!access(p)) return;
  const std::uint64_t words = p.get_data_length() / 4;
  if (p.is_read()) {
    // Pipelined reads: the first word after the latency, then one per cycle.
    delay += m_clock * static_cast<double>(m_config.read_latency_cycles + words - 1);
    m_stats.num_reads += words;
  } else if (p.is_write()) {
    delay += m_clock * static_cast<double>(words);
    m_stats.num_writes += words;
  }
  p.set_dmi_allowed(true);
}

unsigned int word_memory::transport_dbg(tlm::tlm_generic_payload& p) {
  return access(p) ? p.get_data_length() : 0;
}

bool word_memory::get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
  dmi.set_dmi_ptr(reinterpret_cast<unsigned char*>(m_data.data()));
  dmi.set_start_address(0);
  dmi.set_end_address(m_data.size() * 4 - 1);
  dmi.allow_read_write();
  dmi.set_read_latency(m_clock * static_cast<double>(m_config.read_latency_cycles));
  dmi.set_write_latency(m_clock);
  return true;
}

}  // namespace snncosim::sc_models
