#include "cosim_waveform.h"

#include <map>

#include <fmt/format.h>

#include "snncosim/common/atomic_file.h"

namespace snncosim::tb {

waveform_window::waveform_window(std::vector<std::string> engine_names, std::uint64_t window)
    : m_names(std::move(engine_names)), m_window(window), m_history(m_names.size()) {}

void waveform_window::sample(std::size_t e, std::uint64_t cycle, const engine_obs& port,
                             std::optional<std::uint64_t> divergence) {
  auto& h = m_history[e];
  std::uint32_t spikes = 0;
  if (port.wb_valid)
    for (auto v : port.wb_spikes) spikes += v;
  h.push_back({cycle, port.in_ready, port.out_free, port.busy ? 1u : 0u, port.step_done ? 1u : 0u,
               static_cast<std::uint32_t>(port.push.size()), static_cast<std::uint32_t>(port.out.size()),
               port.wb_valid ? 1u : 0u, spikes});
  // keep a window big enough for both sides of the first divergence
  const std::uint64_t keep = 2 * m_window + 2;
  while (h.size() > keep && (!divergence || h.front().cycle + m_window < *divergence)) h.pop_front();
  while (divergence && !h.empty() && h.back().cycle > *divergence + m_window) h.pop_back();
}

// Hand-written VCD of the engines' ports in the window around the first divergence.
void waveform_window::write(const std::filesystem::path& path, double clock_mhz, std::uint64_t divergence) const {
  std::string out = "$timescale 1ns $end\n$scope module cosim $end\n";
  const char* names[] = {"in_steps_ready", "out_steps_free", "busy", "step_done", "push_count",
                         "out_count", "wb_valid", "wb_spikes", "divergence"};
  constexpr int n_sig = 9;
  const int widths[] = {8, 8, 1, 1, 16, 8, 1, 16, 1};
  auto id = [](std::size_t e, int i) { return fmt::format("{}{}", static_cast<char>('!' + i), e); };
  for (std::size_t e = 0; e < m_names.size(); ++e) {
    out += fmt::format("$scope module {} $end\n", m_names[e]);
    for (int i = 0; i < n_sig; ++i) out += fmt::format("$var wire {} {} {} $end\n", widths[i], id(e, i), names[i]);
    out += "$upscope $end\n";
  }
  out += "$upscope $end\n$enddefinitions $end\n";
  const double period_ns = 1000.0 / clock_mhz;
  auto bits = [](std::uint32_t v, int w) {
    if (w == 1) return std::string(v ? "1" : "0");
    std::string s = "b";
    for (int i = w - 1; i >= 0; --i) s += (v >> i & 1u) ? '1' : '0';
    return s;
  };
  std::map<std::uint64_t, std::string> at;
  for (std::size_t e = 0; e < m_names.size(); ++e)
    for (const auto& ps : m_history[e]) {
      const std::uint32_t v[] = {ps.in_ready, ps.out_free, ps.busy, ps.step_done, ps.push_count,
                                 ps.out_count, ps.wb_valid, ps.wb_spikes, ps.cycle == divergence ? 1u : 0u};
      auto& s = at[ps.cycle];
      for (int i = 0; i < n_sig; ++i) s += bits(v[i], widths[i]) + (widths[i] == 1 ? "" : " ") + id(e, i) + "\n";
    }
  for (const auto& [c, s] : at) out += fmt::format("#{}\n{}", static_cast<std::uint64_t>(static_cast<double>(c) * period_ns), s);
  write_file_atomic(path, out);
}

}  // namespace snncosim::tb
