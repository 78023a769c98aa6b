#pragma once
// An on-chip memory of 32-bit words behind a TLM-2.0 target socket: b_transport for single
// timed accesses (read latency from the configuration, writes take one cycle), untimed debug
// transport, and DMI for the neuron cores' bulk accesses. DMI bypasses the target, so DMI
// users report the accesses they made with count(); the statistics therefore cover both.
#include <cstdint>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "snncosim/sc_models/hardware_config.h"

namespace snncosim::sc_models {

struct memory_stats {
  std::uint64_t num_reads = 0;
  std::uint64_t num_writes = 0;
};

class word_memory : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<word_memory> in;

  word_memory(const sc_core::sc_module_name& name, const memory_config& cfg, std::size_t words,
              sc_core::sc_time clock_period);

  const memory_config& config() const { return m_config; }
  std::size_t size_words() const { return m_data.size(); }
  std::int32_t* data() { return m_data.data(); }
  const std::int32_t* data() const { return m_data.data(); }
  const memory_stats& stats() const { return m_stats; }
  void count(std::uint64_t reads, std::uint64_t writes) {
    m_stats.num_reads += reads;
    m_stats.num_writes += writes;
  }
  void reset_stats() { m_stats = {}; }

 private:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& p);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi);
  bool access(tlm::tlm_generic_payload& p);

  memory_config m_config;
  sc_core::sc_time m_clock;
  std::vector<std::int32_t> m_data;
  memory_stats m_stats;
};

}  // namespace snncosim::sc_models
