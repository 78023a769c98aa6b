// The TLM implementations of the block harnesses: sc_models blocks driven by b_transport.
#include <memory>

#include <tlm_utils/simple_initiator_socket.h>

#include "snncosim/sc_models/event_control.h"
#include "snncosim/sc_models/spike_memory.h"
#include "snncosim/sc_models/spike_router.h"
#include "snncosim/tb/block_harness.h"

namespace snncosim::tb {

namespace {
struct initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<initiator> out;
  explicit initiator(const sc_core::sc_module_name& n) : sc_core::sc_module(n), out("out") {}
};
const sc_core::sc_time clock_period(10, sc_core::SC_NS);
}  // namespace

std::vector<frame_result> tlm_event_control::run(const event_control_case& c) {
  const int frames = static_cast<int>(c.frames.size());
  sc_models::spike_memory mem("tlm_spikes", 1, frames, c.frame_bits, c.read_latency, clock_period);
  sc_models::event_control ec("tlm_event_control", c.chunk_bits, clock_period);
  initiator host("tlm_host");
  initiator writer("tlm_writer");  // the router's place; frames are set directly
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

router_result tlm_router::run(const router_case& c) {
  const numerics::tensor_shape shape{1, 1, 1};
  sc_models::spike_router router("tlm_router", c.depth, c.rate, {}, nullptr, shape, false);
  initiator cores("tlm_cores");
  cores.out.bind(router.in);
  sc_models::spike_memory sink("tlm_sink", 1, 1, 1, 1, clock_period);
  router.out.bind(sink.in);
  initiator reader("tlm_reader");
  reader.out.bind(sink.read_port);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  tlm::tlm_generic_payload p;
  sc_models::aer_packet pkt;
  auto* timing = new sc_models::packet_timing_extension;
  p.set_extension(timing);
  p.set_command(tlm::TLM_WRITE_COMMAND);
  p.set_data_ptr(reinterpret_cast<unsigned char*>(&pkt));
  p.set_data_length(sizeof(pkt));
  router_result r;
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

std::vector<neuron_output> reference_neuron::run(const std::vector<neuron_vector>& v) {
  std::vector<neuron_output> out;
  out.reserve(v.size());
  for (const auto& n : v) {
    const numerics::step_result r = numerics::neuron_step(n.params, n.widths, n.gain, n.bias, n.acc, n.mem);
    out.push_back({r.mem, r.spike});
  }
  return out;
}

}  // namespace snncosim::tb
