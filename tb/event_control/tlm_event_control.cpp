// The TLM implementation of the event control harness: sc_models/event_control and its
// spike memory driven by b_transport.
#include <memory>
#include <stdexcept>

#include "snncosim/sc_models/event_control.h"
#include "snncosim/sc_models/spike_memory.h"
#include "snncosim/tb/event_control_harness.h"
#include "snncosim/testing/initiator.h"

namespace snncosim::tb {

namespace {
const sc_core::sc_time clock_period(10, sc_core::SC_NS);
}  // namespace

std::vector<frame_result> tlm_event_control::run(const event_control_case& c) {
  const int frames = static_cast<int>(c.frames.size());
  sc_models::spike_memory mem("tlm_spikes", 1, frames, c.frame_bits, c.read_latency, clock_period);
  sc_models::event_control ec("tlm_event_control", c.chunk_bits, clock_period);
  testing::initiator host("tlm_host");
  testing::initiator writer("tlm_writer");  // the router's place; frames are set directly
  host.out.bind(ec.in);
  writer.out.bind(mem.in);
  ec.spikes.bind(mem.read_port);
  ec.attach(mem);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  for (int f = 0; f < frames; ++f)
    for (const std::uint32_t b : c.frames[static_cast<std::size_t>(f)]) mem.set(0, f, static_cast<int>(b));
  std::vector<frame_result> out;
  for (int f = 0; f < frames; ++f) {
    frame_result r;
    tlm::tlm_generic_payload cmd;
    auto* ext = new sc_models::compress_extension;
    ext->frame = f;
    ext->addresses = &r.addresses;
    cmd.set_extension(ext);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    host.out->b_transport(cmd, delay);
    if (cmd.get_response_status() != tlm::TLM_OK_RESPONSE) throw std::runtime_error("tlm event control refused");
    r.cycles = static_cast<std::uint64_t>(delay / clock_period);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace snncosim::tb
