#include "snncosim/sc_models/spike_router.h"

#include <algorithm>

namespace snncosim::sc_models {

spike_router::spike_router(const sc_core::sc_module_name& name, int fifo_depth, int events_per_cycle,
                           std::vector<router_stage> stages, numerics::spike_record* source_record,
                           const numerics::tensor_shape& source_shape, bool next_is_linear)
    : sc_core::sc_module(name),
      in("in"),
      out("out"),
      m_depth(fifo_depth),
      m_rate(events_per_cycle),
      m_stages(std::move(stages)),
      m_source(source_record),
      m_next_linear(next_is_linear),
      m_final_width(m_stages.empty() ? source_shape.width : m_stages.back().out.width),
      m_departed(static_cast<std::size_t>(std::max(fifo_depth, events_per_cycle)) + 1, 0) {
  in.register_b_transport(this, &spike_router::b_transport);
  m_write.set_command(tlm::TLM_WRITE_COMMAND);
  m_write.set_data_ptr(&m_one);
  m_write.set_data_length(1);
  m_write.set_streaming_width(1);
}

void spike_router::reset_fifo() {
  m_count = 0;
  m_oldest = 0;
  m_last_departure = 0;
}

void spike_router::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& /*delay*/) {
  auto* timing = p.get_extension<packet_timing_extension>();
  if (timing == nullptr || p.get_data_length() != sizeof(aer_packet) || !p.is_write()) {
    p.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  const auto& pkt = *reinterpret_cast<const aer_packet*>(p.get_data_ptr());
  const std::size_t ring = m_departed.size();
  const std::uint64_t k = m_count;
  auto dep = [&](std::uint64_t j) { return m_departed[j % ring]; };
  std::uint64_t entered = timing->desired_cycle;
  if (k >= static_cast<std::uint64_t>(m_depth)) entered = std::max(entered, dep(k - static_cast<std::uint64_t>(m_depth)));
  std::uint64_t departed = entered + 1;
  if (k >= 1) departed = std::max(departed, dep(k - 1));
  if (k >= static_cast<std::uint64_t>(m_rate)) departed = std::max(departed, dep(k - static_cast<std::uint64_t>(m_rate)) + 1);
  while (m_oldest < k && dep(m_oldest) <= entered) ++m_oldest;
  const std::uint64_t occupancy = k - m_oldest + 1;
  m_departed[k % ring] = departed;
  ++m_count;
  m_last_departure = departed;
  timing->entered_cycle = entered;
  timing->departed_cycle = departed;
  if (m_events != nullptr)
    m_events->spikes.push_back({m_event_layer, pkt.step, pkt.channel, pkt.y, pkt.x, timing->desired_cycle, entered, departed});
  m_stats.num_packets += 1;
  m_stats.stall_cycles += entered - timing->desired_cycle;
  m_stats.max_occupancy = std::max(m_stats.max_occupancy, occupancy);
  m_stats.occupancy_sum += occupancy;
  route(pkt.step, -1, pkt.channel, pkt.y, pkt.x);
  p.set_response_status(tlm::TLM_OK_RESPONSE);
}

namespace {
// Sets the bit of record `r` at (t, c, y, x); false if it was already set.
bool mark(numerics::spike_record* r, int t, int c, int y, int x) {
  if (r == nullptr) return true;
  const auto& s = r->shape;
  const std::size_t i = static_cast<std::size_t>(((std::int64_t{t} * s.channels + c) * s.height + y) * s.width + x);
  if (r->spikes[i] != 0) return false;
  r->spikes[i] = 1;
  r->counts[static_cast<std::size_t>(t)] += 1;
  return true;
}
}  // namespace

// Stage -1 is the source layer itself; each later stage maps the spike onward.
void spike_router::route(int step, int stage, int c, int y, int x) {
  if (stage == -1) {
    if (!mark(m_source, step, c, y, x)) return;
  }
  const int next = stage + 1;
  if (next == static_cast<int>(m_stages.size())) {
    deliver(step, c, y, x);
    return;
  }
  const router_stage& st = m_stages[static_cast<std::size_t>(next)];
  if (st.kind == numerics::layer_kind::flatten) {
    const int f = (c * st.in.height + y) * st.in.width + x;
    if (mark(st.record, step, f, 0, 0)) route(step, next, f, 0, 0);
    return;
  }
  // Spike max-pool: every window containing (y, x) gets the spike (spatial OR).
  const int oy_lo = std::max(0, (y - st.kernel + st.stride) / st.stride);
  const int ox_lo = std::max(0, (x - st.kernel + st.stride) / st.stride);
  for (int oy = oy_lo; oy <= y / st.stride && oy < st.out.height; ++oy) {
    if (y >= oy * st.stride + st.kernel) continue;
    for (int ox = ox_lo; ox <= x / st.stride && ox < st.out.width; ++ox) {
      if (x >= ox * st.stride + st.kernel) continue;
      if (mark(st.record, step, c, oy, ox)) route(step, next, c, oy, ox);
    }
  }
}

void spike_router::deliver(int step, int c, int y, int x) {
  if (m_next == nullptr) return;
  const int slot = step % m_next->slots();
  const int frame = m_next_linear ? 0 : c;
  const std::uint64_t pos = m_next_linear ? static_cast<std::uint64_t>(c)
                                          : static_cast<std::uint64_t>(y) * static_cast<std::uint64_t>(m_final_width) +
                                                static_cast<std::uint64_t>(x);
  m_write.set_address(m_next->slot_frame_base(slot, frame) + pos);
  m_write.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time zero = sc_core::SC_ZERO_TIME;
  out->b_transport(m_write, zero);
  if (m_write.get_response_status() != tlm::TLM_OK_RESPONSE)
    throw std::runtime_error(std::string(name()) + ": spike memory refused a write");
  ++m_stats.num_writes;
}

}  // namespace snncosim::sc_models
