#pragma once
// The waveform writer of a co-simulation (docs/rtl.md §4, `--vcd`): keeps a sliding window
// of every engine's ports and writes a VCD (GTKWave) of the cycles around the first
// divergence, with a `divergence` marker.
#include <cstdint>
#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "snncosim/tb/rtl_top_model.h"

namespace snncosim::tb {

class waveform_window {
 public:
  waveform_window(std::vector<std::string> engine_names, std::uint64_t window);
  // The ports of engine e in `cycle`; `divergence`: the first divergence's cycle, once known.
  void sample(std::size_t e, std::uint64_t cycle, const engine_obs& o, std::optional<std::uint64_t> divergence);
  void write(const std::filesystem::path& path, double clock_mhz, std::uint64_t divergence) const;

 private:
  struct port_sample {
    std::uint64_t cycle;
    std::uint32_t in_ready, out_free, busy, step_done, push_count, out_count, wb_valid, wb_spikes;
  };
  std::vector<std::string> m_names;
  std::uint64_t m_window;
  std::vector<std::deque<port_sample>> m_history;
};

}  // namespace snncosim::tb
