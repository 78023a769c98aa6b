#pragma once
// Stimulus and expectation of every engine for one sample, derived from the TLM run
// (docs/rtl.md §4): what the driver loads and replays, what the scoreboard expects.
#include <cstdint>
#include <vector>

#include "snncosim/numerics/integer_inference.h"
#include "snncosim/sc_models/accelerator.h"
#include "snncosim/sc_models/event_log.h"
#include "snncosim/tb/rtl_design.h"

namespace snncosim::tb {

enum load_target : std::uint32_t {
  tgt_cfg = 0, tgt_spike = 1, tgt_weight = 2, tgt_gain = 3, tgt_bias = 4, tgt_acc = 5, tgt_mem = 6
};

struct load_word {
  std::uint32_t target, lane, addr, data;
};

struct engine_plan {
  std::vector<load_word> loads;
  int steps = 0;
  std::vector<std::uint64_t> input_ready;  // per step, relative cycle
  std::vector<std::uint64_t> output_free;  // per step, relative cycle
  std::vector<sc_models::spike_stamp> spikes;          // relative cycles
  std::vector<sc_models::writeback_stamp> writebacks;  // relative cycles
  std::vector<std::uint64_t> step_end;
  std::uint64_t layer_end = 0;
};

// The TLM run the plans come from: the elaborated accelerator (its results after the run)
// and the event log, cut per sample by the marks.
struct tlm_record {
  sc_models::accelerator& acc;
  const numerics::quant_model& model;
  const sc_models::hardware_config& hw;
  const std::vector<sc_models::sample_input>& samples;
  const sc_models::event_log& log;
  std::vector<std::size_t> spike_marks{0}, wb_marks{0};  // log sizes after each sample

  std::size_t engines() const { return acc.engines().size(); }
  std::size_t layer_index(std::size_t e) const;  // the model layer of engine e
};

// Plans of every engine for sample s. `design`: the generated design (whole mode), null for
// the prebuilt engines (engine mode: configuration registers loaded, handshakes replayed).
// Adds to `queue_held` the steps whose delivery waited for packets still queued in the router.
std::vector<engine_plan> make_plans(const tlm_record& tlm, std::size_t s, const rtl_design* design,
                                    std::uint64_t& queue_held);

// Steps released by `cycle` when step t is released at at[t] (in step order).
std::uint32_t steps_at(const std::vector<std::uint64_t>& at, std::uint64_t cycle);

}  // namespace snncosim::tb
