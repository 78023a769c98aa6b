#pragma once
// Drives the RTL side of a co-simulation (docs/rtl.md §4): the generated accelerator (whole
// mode: only its load port, steps and start) or the prebuilt programmable engines (engine
// mode: each with its own load port and the TLM's handshakes replayed). Inputs are set
// after a falling clock edge; outputs of the cycle are read before the next rising edge.
#include <functional>
#include <memory>
#include <vector>

#include <systemc>

#include "cosim_plan.h"
#include "snncosim/tb/rtl_top_model.h"

namespace snncosim::tb {

class rtl_driver {
 public:
  virtual ~rtl_driver() = default;
  virtual void reset(bool active) = 0;
  // Every load word, one per cycle; `negedge` waits for the next falling clock edge.
  virtual void load(const std::vector<engine_plan>& plans, const std::function<void()>& negedge) = 0;
  // The inputs of `cycle` of a sample (start in cycle 0).
  virtual void cycle_inputs(std::uint64_t cycle, const std::vector<engine_plan>& plans) = 0;
  virtual void posedge() {}
  virtual void observe(std::size_t e, engine_obs& o) const = 0;
  virtual void output(std::vector<packet>&) const {}  // whole mode: the output stream
};

std::unique_ptr<rtl_driver> make_whole_driver(rtl_top_model& top);
// Instantiates one prebuilt engine per engine of the TLM, bound to `clk`; bad_input when a
// layer does not fit the prebuilt engines or the variant does not exist.
std::unique_ptr<rtl_driver> make_engine_driver(const tlm_record& tlm, sc_core::sc_signal<bool>& clk,
                                               const std::string& variant, int max_steps);

}  // namespace snncosim::tb
