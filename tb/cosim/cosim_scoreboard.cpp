#include "cosim_scoreboard.h"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

namespace snncosim::tb {

scoreboard::scoreboard(const tlm_record& tlm, const cosim_faults& faults, bool whole, cosim_result& result)
    : m_tlm(tlm), m_faults(faults), m_whole(whole), m_result(result) {}

void scoreboard::report(divergence d) {
  ++m_result.mismatches;
  if (!m_result.first) m_result.first = std::move(d);
}

void scoreboard::begin_sample(std::size_t s, const std::vector<engine_plan>& plans) {
  const std::size_t n = plans.size();
  m_sample = s;
  m_plans = &plans;
  m_spike_i.assign(n, 0);
  m_wb_i.assign(n, 0);
  m_step_i.assign(n, 0);
  m_in_fifo.assign(n, {});
  m_rtl_end.assign(n, 0);
  m_done.assign(n, false);
}

bool scoreboard::check(std::size_t e, std::uint64_t cycle, const engine_obs& port) {
  const auto& p = (*m_plans)[e];
  const int s = static_cast<int>(m_sample), ei = static_cast<int>(e);
  const std::string& lname = m_tlm.acc.engines()[e]->layer_name();
  const int cores = m_tlm.acc.engines()[e]->hw().neuron_cores;
  if (m_whole) {
    // The links' handshakes against the TLM's, every cycle (the ends of the chain are
    // constant: "all steps").
    const auto steps = static_cast<std::uint32_t>(p.steps);
    const std::uint32_t want_ready = steps_at(p.input_ready, cycle), want_free = steps_at(p.output_free, cycle);
    const std::uint32_t got_ready = std::min(port.in_ready, steps), got_free = std::min(port.out_free, steps);
    m_result.handshake_cycles_compared += 1;
    if (got_ready != want_ready)
      report({s, ei, lname, -1, -1, -1, -1, -1, cycle, "handshake", "in_steps_ready", std::to_string(want_ready),
              std::to_string(got_ready)});
    if (got_free != want_free)
      report({s, ei, lname, -1, -1, -1, -1, -1, cycle, "handshake", "out_steps_free", std::to_string(want_free),
              std::to_string(got_free)});
  }
  auto& fifo = m_in_fifo[e];
  // packets entering the router
  for (const packet& d : port.push) fifo.emplace_back(d, cycle);
  // packets leaving: compare with the TLM's next packet
  for (const packet& d : port.out) {
    const std::uint64_t ent = fifo.empty() ? 0 : fifo.front().second;
    if (!fifo.empty()) fifo.pop_front();
    const int st = static_cast<int>(d.step), ch = static_cast<int>(d.channel), yy = static_cast<int>(d.y),
              xx = static_cast<int>(d.x);
    const std::uint64_t dep = cycle + m_faults.departed_delay;
    ++m_result.events_compared;
    if (m_spike_i[e] >= p.spikes.size()) {
      report({s, ei, lname, ch % cores, ch, yy, xx, st, dep, "spike", "extra packet", "none",
              fmt::format("({},{},{},{})", st, ch, yy, xx)});
      continue;
    }
    const auto& x = p.spikes[m_spike_i[e]++];
    auto diff = [&](const char* f, std::uint64_t want, std::uint64_t got) {
      report({s, ei, lname, x.channel % cores, x.channel, x.y, x.x, x.step, dep, "spike", f, std::to_string(want),
              std::to_string(got)});
    };
    if (x.step != st) diff("step", static_cast<std::uint64_t>(x.step), static_cast<std::uint64_t>(st));
    else if (x.channel != ch) diff("channel", static_cast<std::uint64_t>(x.channel), static_cast<std::uint64_t>(ch));
    else if (x.y != yy) diff("y", static_cast<std::uint64_t>(x.y), static_cast<std::uint64_t>(yy));
    else if (x.x != xx) diff("x", static_cast<std::uint64_t>(x.x), static_cast<std::uint64_t>(xx));
    else if (x.entered != ent) diff("entered_cycle", x.entered, ent);
    else if (x.departed != dep) diff("departed_cycle", x.departed, dep);
  }
  // membrane write-backs
  if (port.wb_valid) {
    const auto& geo = m_tlm.acc.engines()[e]->geometry();
    for (std::size_t kk = 0; kk < port.wb_lanes.size(); ++kk) {
      if (port.wb_lanes[kk] == 0) continue;
      const int k = static_cast<int>(kk);
      const int ch = static_cast<int>(port.wb_pass) * cores + k;
      const auto value = port.wb_mem[kk] ^ m_faults.membrane_xor;
      const bool spike = port.wb_spikes[kk] != 0;
      ++m_result.events_compared;
      if (m_wb_i[e] >= p.writebacks.size()) {
        report({s, ei, lname, k, ch, -1, -1, -1, cycle, "writeback", "extra write-back", "none", std::to_string(value)});
        continue;
      }
      const auto& x = p.writebacks[m_wb_i[e]++];
      const int want_pos = x.y * geo.core.out.width + x.x;
      auto diff = [&](const char* f, const std::string& want, const std::string& got) {
        report({s, ei, lname, k, x.channel, x.y, x.x, x.step, cycle, "writeback", f, want, got});
      };
      if (x.channel != ch || want_pos != static_cast<int>(port.wb_pos))
        diff("neuron", fmt::format("c{} pos{}", x.channel, want_pos), fmt::format("c{} pos{}", ch, port.wb_pos));
      else if (x.mem != value) diff("membrane", std::to_string(x.mem), std::to_string(value));
      else if (x.spike != spike) diff("spike", std::to_string(x.spike), std::to_string(spike));
      else if (x.cycle != cycle) diff("cycle", std::to_string(x.cycle), std::to_string(cycle));
    }
  }
  // step ends
  if (port.step_done) {
    const std::uint64_t end = cycle + 1;
    const std::size_t t = m_step_i[e]++;
    ++m_result.events_compared;
    if (t >= p.step_end.size())
      report({s, ei, lname, -1, -1, -1, -1, static_cast<int>(t), end, "step_end", "extra step", "none",
              std::to_string(end)});
    else if (p.step_end[t] != end)
      report({s, ei, lname, -1, -1, -1, -1, static_cast<int>(t), end, "step_end", "end_cycle",
              std::to_string(p.step_end[t]), std::to_string(end)});
    if (m_step_i[e] == static_cast<std::size_t>(p.steps)) m_rtl_end[e] = end;
  }
  if (!m_done[e] && m_rtl_end[e] != 0 && fifo.empty() && !port.busy) m_done[e] = true;
  return m_done[e];
}

void scoreboard::end_sample(std::uint64_t cycle, std::vector<packet>& output) {
  const int s = static_cast<int>(m_sample);
  // Leftovers: every expected event must have been seen.
  for (std::size_t e = 0; e < m_plans->size(); ++e) {
    const auto& p = (*m_plans)[e];
    const int ei = static_cast<int>(e);
    const std::string& lname = m_tlm.acc.engines()[e]->layer_name();
    if (!m_done[e])
      report({s, ei, lname, -1, -1, -1, -1, -1, cycle, "layer_end", "finished", "yes", "no (cycle limit)"});
    if (m_spike_i[e] < p.spikes.size()) {
      const auto& x = p.spikes[m_spike_i[e]];
      report({s, ei, lname, -1, x.channel, x.y, x.x, x.step, x.departed, "leftover", "spike",
              fmt::format("{} more packets", p.spikes.size() - m_spike_i[e]), "none"});
    }
    if (m_wb_i[e] < p.writebacks.size()) {
      const auto& x = p.writebacks[m_wb_i[e]];
      report({s, ei, lname, -1, x.channel, x.y, x.x, x.step, x.cycle, "leftover", "writeback",
              fmt::format("{} more write-backs", p.writebacks.size() - m_wb_i[e]), "none"});
    }
    ++m_result.events_compared;
    if (m_rtl_end[e] != p.layer_end)
      report({s, ei, lname, -1, -1, -1, -1, -1, m_rtl_end[e], "layer_end", "end_cycle", std::to_string(p.layer_end),
              std::to_string(m_rtl_end[e])});
  }
  if (m_whole) compare_output(output);
}

// The top's output stream against the TLM's record of the last neuron layer: the same
// spikes, in step order (the stream is the last router's departures, which the scoreboard
// also checks packet by packet against the TLM's; this is the end-to-end view).
void scoreboard::compare_output(std::vector<packet>& got) {
  const std::size_t last = m_plans->size() - 1;
  const numerics::spike_record& r = m_tlm.acc.results()[m_sample].spikes.layers[m_tlm.layer_index(last)];
  const auto& sh = r.shape;
  std::vector<packet> want;
  for (int t = 0; t < m_tlm.samples[m_sample].num_steps; ++t)
    for (int c = 0; c < sh.channels; ++c)
      for (int y = 0; y < sh.height; ++y)
        for (int x = 0; x < sh.width; ++x) {
          const auto i = static_cast<std::size_t>(((std::int64_t{t} * sh.channels + c) * sh.height + y) * sh.width + x);
          if (r.spikes[i] != 0)
            want.push_back({static_cast<std::uint32_t>(t), static_cast<std::uint32_t>(c), static_cast<std::uint32_t>(y),
                            static_cast<std::uint32_t>(x)});
        }
  auto key = [](const packet& p) { return std::tie(p.step, p.channel, p.y, p.x); };
  std::sort(got.begin(), got.end(), [&](const packet& a, const packet& b) { return key(a) < key(b); });
  m_result.output_spikes_compared += want.size();
  const std::string& lname = m_tlm.acc.engines()[last]->layer_name();
  auto show = [](const packet& d) { return fmt::format("({},{},{},{})", d.step, d.channel, d.y, d.x); };
  for (std::size_t i = 0; i < std::max(want.size(), got.size()); ++i) {
    const bool have_w = i < want.size(), have_g = i < got.size();
    if (have_w && have_g && want[i] == got[i]) continue;
    const packet d = have_w ? want[i] : got[i];
    report({static_cast<int>(m_sample), static_cast<int>(last), lname, -1, static_cast<int>(d.channel),
            static_cast<int>(d.y), static_cast<int>(d.x), static_cast<int>(d.step), 0, "output", "spike (t,c,y,x)",
            have_w ? show(want[i]) : "none", have_g ? show(got[i]) : "none"});
    break;
  }
}

}  // namespace snncosim::tb
