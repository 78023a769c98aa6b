#include "cosim_plan.h"

#include <algorithm>
#include <stdexcept>

namespace snncosim::tb {

std::size_t tlm_record::layer_index(std::size_t e) const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < model.layers.size(); ++i)
    if (model.layers[i].is_neuron_layer() && n++ == e) return i;
  throw std::logic_error("engine without a layer");
}

std::uint32_t steps_at(const std::vector<std::uint64_t>& at, std::uint64_t cycle) {
  std::uint32_t n = 0;
  for (std::size_t t = 0; t < at.size(); ++t)
    if (at[t] <= cycle) n = static_cast<std::uint32_t>(t + 1);
  return n;
}

namespace {

// One engine's loads and expected events; `delivered` receives the TLM's delivery cycle of
// each of its steps to the next engine.
engine_plan plan_engine(const tlm_record& tlm, std::size_t s, std::size_t e, const rtl_design* design,
                        std::vector<std::uint64_t>& delivered) {
  const bool whole = design != nullptr;
  const auto& eng = *tlm.acc.engines()[e];
  const auto& res = tlm.acc.results()[s];
  const std::uint64_t start = res.start_cycle;
  const auto steps = tlm.samples[s].num_steps;
  const auto li = tlm.layer_index(e);
  engine_plan p;
  p.steps = steps;
  // Whole mode: the generated design's image (its configuration is built in; the TLM's
  // slots, 2 behind a pipelined link, as the link writes them).
  const engine_limits lim = whole ? design->engines[e].limits : engine_build_limits(eng.hw().penc_width_bits);
  const engine_image im =
      whole ? design->engines[e].image : make_engine_image(tlm.model.layers[li], eng.geometry(), eng.hw(), steps, lim);
  const int slots = whole ? design->engines[e].slots : steps;
  if (!whole)
    for (std::uint32_t i = 0; i < im.regs.size(); ++i) p.loads.push_back({tgt_cfg, 0, i, im.regs[i]});
  const int parts = spike_word_parts(lim.chunk_bits);  // a wide word is written with its last part
  if (!whole || e == 0) {
    const numerics::spike_record& in = li == 0 ? res.spikes.input : res.spikes.layers[li - 1];
    const auto words = engine_spike_words(in, eng.geometry(), steps, lim);
    for (std::size_t i = 0; i < words.size(); ++i)
      if (words[i] != 0 || s > 0 || parts > 1) p.loads.push_back({tgt_spike, 0, static_cast<std::uint32_t>(i), words[i]});
  } else if (s == 0) {
    // Linked spike memories start empty; every later sample leaves them empty (clear on read).
    const int words = slots * eng.geometry().frames * im.chunks * parts;
    for (int i = 0; i < words; ++i) p.loads.push_back({tgt_spike, 0, static_cast<std::uint32_t>(i), 0});
  }
  // The generated engine has no lanes beyond the layer's channels (their images are empty).
  const std::size_t lanes = whole ? static_cast<std::size_t>(lim.lanes) : im.weights.size();
  for (std::size_t k = 0; k < lanes; ++k) {
    const auto lane = static_cast<std::uint32_t>(k);
    if (!whole || s == 0) {  // the top keeps its weights between samples
      for (std::size_t i = 0; i < im.weights[k].size(); ++i)
        p.loads.push_back({tgt_weight, lane, static_cast<std::uint32_t>(i), im.weights[k][i]});
      for (std::size_t i = 0; i < im.gains[k].size(); ++i) {
        p.loads.push_back({tgt_gain, lane, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(im.gains[k][i])});
        p.loads.push_back({tgt_bias, lane, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(im.biases[k][i])});
      }
    }
    for (int i = 0; i < im.acc_words_used; ++i) p.loads.push_back({tgt_acc, lane, static_cast<std::uint32_t>(i), 0});
    for (int i = 0; i < im.mem_words_used; ++i) p.loads.push_back({tgt_mem, lane, static_cast<std::uint32_t>(i), 0});
  }
  // Events of the TLM run, relative to the sample start.
  const auto& lr = res.layers[e];
  delivered.assign(static_cast<std::size_t>(steps), 0);
  for (int t = 0; t < steps; ++t) delivered[static_cast<std::size_t>(t)] = lr.steps[static_cast<std::size_t>(t)].end;
  for (std::size_t i = tlm.spike_marks[s]; i < tlm.spike_marks[s + 1]; ++i) {
    auto st = tlm.log.spikes[i];
    if (static_cast<std::size_t>(st.layer) != e) continue;
    st.desired -= start;
    st.entered -= start;
    st.departed -= start;
    for (int t = st.step; t < steps; ++t)
      delivered[static_cast<std::size_t>(t)] = std::max(delivered[static_cast<std::size_t>(t)], st.departed);
    p.spikes.push_back(st);
  }
  for (std::size_t i = tlm.wb_marks[s]; i < tlm.wb_marks[s + 1]; ++i) {
    auto wb = tlm.log.writebacks[i];
    if (static_cast<std::size_t>(wb.layer) != e) continue;
    wb.cycle -= start;
    p.writebacks.push_back(wb);
  }
  for (int t = 0; t < steps; ++t) p.step_end.push_back(lr.steps[static_cast<std::size_t>(t)].end);
  p.layer_end = lr.end;
  return p;
}

}  // namespace

std::vector<engine_plan> make_plans(const tlm_record& tlm, std::size_t s, const rtl_design* design,
                                    std::uint64_t& queue_held) {
  const std::size_t n = tlm.engines();
  const bool pipelined = tlm.hw.mode == sc_models::pipeline_mode::timestep_pipelined;
  std::vector<engine_plan> plans;
  std::vector<std::vector<std::uint64_t>> delivered(n);
  for (std::size_t e = 0; e < n; ++e) {
    plans.push_back(plan_engine(tlm, s, e, design, delivered[e]));
    // The links' hard case: a step whose delivery waited for packets still queued in the
    // router after the producer ended it (campaign coverage).
    const auto& ends = plans.back().step_end;
    if (e + 1 < n)
      for (std::size_t t = 0; t < ends.size(); ++t)
        if (delivered[e][t] > ends[t]) ++queue_held;
  }
  // Handshakes: engine e's input is ready per the TLM's delivery of engine e-1; its output
  // buffer (pipelined) frees per the TLM's step ends of engine e+1. Replayed in engine mode,
  // the expectation for the links' handshakes in whole mode.
  for (std::size_t e = 0; e < n; ++e) {
    auto& p = plans[e];
    const auto steps = static_cast<std::size_t>(p.steps);
    p.input_ready.assign(steps, 0);
    p.output_free.assign(steps, 0);
    if (e > 0)
      for (std::size_t t = 0; t < steps; ++t) p.input_ready[t] = pipelined ? delivered[e - 1][t] : delivered[e - 1][steps - 1];
    if (pipelined && e + 1 < n)
      for (std::size_t t = 2; t < steps; ++t) p.output_free[t] = plans[e + 1].step_end[t - 2];
  }
  return plans;
}

}  // namespace snncosim::tb
