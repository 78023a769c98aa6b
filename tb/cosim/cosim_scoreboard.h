#pragma once
// The scoreboard of a co-simulation (docs/rtl.md §4): compares what the RTL does in every
// cycle with the TLM's cycle-stamped events of the same sample: every router packet
// (payload, entered and departed cycle), every membrane write-back (neuron, value, spike,
// cycle), every step end, both handshakes of every engine (whole mode), then leftovers,
// layer end cycles and the output stream. Mismatches go to the result; the first one is kept.
#include <cstdint>
#include <deque>
#include <vector>

#include "cosim_plan.h"
#include "snncosim/tb/cosim.h"
#include "snncosim/tb/rtl_top_model.h"

namespace snncosim::tb {

class scoreboard {
 public:
  scoreboard(const tlm_record& tlm, const cosim_faults& faults, bool whole, cosim_result& result);
  void begin_sample(std::size_t s, const std::vector<engine_plan>& plans);
  // Engine e's ports in `cycle` (relative to the sample start); true once it has finished.
  bool check(std::size_t e, std::uint64_t cycle, const engine_obs& o);
  // `cycle`: the last cycle simulated; `output`: the top's output stream (whole mode).
  void end_sample(std::uint64_t cycle, std::vector<packet>& output);
  std::uint64_t rtl_latency() const { return m_rtl_end.empty() ? 0 : m_rtl_end.back(); }

 private:
  void report(divergence d);
  void compare_output(std::vector<packet>& got);

  const tlm_record& m_tlm;
  cosim_faults m_faults;
  bool m_whole;
  cosim_result& m_result;
  std::size_t m_sample = 0;
  const std::vector<engine_plan>* m_plans = nullptr;
  std::vector<std::size_t> m_spike_i, m_wb_i, m_step_i;
  std::vector<std::deque<std::pair<packet, std::uint64_t>>> m_in_fifo;  // RTL router entries
  std::vector<std::uint64_t> m_rtl_end;
  std::vector<bool> m_done;
};

}  // namespace snncosim::tb
