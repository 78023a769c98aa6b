// The TLM implementation of the spike router harness: sc_models/spike_router fed packets by
// b_transport with the core array's timing extension, into a spike memory.
#include <stdexcept>

#include "snncosim/sc_models/spike_memory.h"
#include "snncosim/sc_models/spike_router.h"
#include "snncosim/tb/spike_router_harness.h"
#include "snncosim/testing/initiator.h"

namespace snncosim::tb {

namespace {
const sc_core::sc_time clock_period(10, sc_core::SC_NS);
}  // namespace

spike_router_result tlm_spike_router::run(const spike_router_case& c) {
  const numerics::tensor_shape shape{1, 1, 1};
  sc_models::spike_router router("tlm_spike_router", c.depth, c.rate, {}, nullptr, shape, false);
  testing::initiator cores("tlm_cores");
  cores.out.bind(router.in);
  sc_models::spike_memory sink("tlm_sink", 1, 1, 1, 1, clock_period);
  router.out.bind(sink.in);
  testing::initiator reader("tlm_reader");
  reader.out.bind(sink.read_port);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  tlm::tlm_generic_payload p;
  sc_models::aer_packet pkt;
  auto* timing = new sc_models::packet_timing_extension;
  p.set_extension(timing);
  p.set_command(tlm::TLM_WRITE_COMMAND);
  p.set_data_ptr(reinterpret_cast<unsigned char*>(&pkt));
  p.set_data_length(sizeof(pkt));
  spike_router_result r;
  for (std::size_t k = 0; k < c.nominal.size(); ++k) {
    pkt = {0, static_cast<std::int32_t>(k), 0, 0};
    timing->desired_cycle = c.nominal[k] + r.stall_cycles;
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    cores.out->b_transport(p, delay);
    if (p.get_response_status() != tlm::TLM_OK_RESPONSE) throw std::runtime_error("tlm router refused");
    r.stall_cycles += timing->entered_cycle - timing->desired_cycle;
    r.packets.push_back({timing->entered_cycle, timing->departed_cycle, static_cast<std::uint32_t>(k)});
  }
  return r;
}

}  // namespace snncosim::tb
