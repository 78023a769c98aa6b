// The RTL side of the co-simulation and the scoreboard (docs/rtl.md §4).
#include "snncosim/tb/cosim.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <tuple>

#include <sys/resource.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine_models.h"
#include "snncosim/common/atomic_file.h"
#include "snncosim/common/error.h"
#include "snncosim/tb/engine_image.h"
#include "snncosim/tb/rtl_build.h"
#include "snncosim/tb/rtl_design.h"

namespace snncosim::tb {

namespace {

using clock_type = std::chrono::steady_clock;
constexpr std::uint32_t tgt_link = 7;    // the accelerator top's load target of a link

enum load_target : std::uint32_t { tgt_cfg = 0, tgt_spike = 1, tgt_weight = 2, tgt_gain = 3, tgt_bias = 4, tgt_acc = 5, tgt_mem = 6 };

struct load_word {
  std::uint32_t target, lane, addr, data;
};

// Stimulus and expectation of one engine for one sample, from the TLM run.
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

// One VCD sample of an engine's ports.
struct port_sample {
  std::uint64_t cycle;
  std::uint32_t in_ready, out_free, busy, step_done, push_count, out_count, wb_valid, wb_spikes;
};

struct rtl_cosim : sc_core::sc_module {
  SC_HAS_PROCESS(rtl_cosim);
  sc_core::sc_signal<bool> clk{"clk"};
  sc_core::sc_event tlm_done;
  sc_core::sc_time half;
  std::vector<std::unique_ptr<engine_ports>> engines;  // engine mode
  rtl_top_model* top = nullptr;                          // whole mode: the generated design
  std::size_t n_eng = 0;
  sc_models::accelerator& m_acc;
  const numerics::quant_model& m_model;
  const sc_models::hardware_config& m_hw;
  const std::vector<sc_models::sample_input>& m_samples;
  const cosim_options& m_opt;
  sc_models::event_log& m_log;
  bool m_whole = false;
  const rtl_design* m_design = nullptr;  // whole mode
  std::vector<std::size_t> m_spike_marks{0}, m_wb_marks{0};  // event log size after each sample
  cosim_result result;
  clock_type::time_point m_t0, m_tlm_end;
  std::vector<std::deque<port_sample>> m_history;
  std::uint64_t m_divergence_cycle = 0;

  rtl_cosim(const sc_core::sc_module_name& n, sc_models::accelerator& acc, const numerics::quant_model& model,
            const sc_models::hardware_config& hw, const std::vector<sc_models::sample_input>& samples,
            const cosim_options& opt, sc_models::event_log& log, const rtl_design* design, rtl_top_model* whole_top)
      : sc_core::sc_module(n), top(whole_top), m_acc(acc), m_model(model), m_hw(hw), m_samples(samples), m_opt(opt),
        m_log(log), m_design(design) {
    half = sc_core::sc_time(500.0 / hw.clock_mhz, sc_core::SC_NS);
    n_eng = acc.engines().size();
    int max_steps = 1;
    for (const auto& smp : samples) max_steps = std::max(max_steps, smp.num_steps);
    m_whole = top != nullptr;
    result.mode = m_whole ? cosim_mode::whole : cosim_mode::engine;
    if (!m_whole) {
      for (std::size_t e = 0; e < n_eng; ++e) {
        engines.push_back(std::make_unique<engine_ports>());
        const auto& eng = *acc.engines()[e];
        const int penc = eng.hw().penc_width_bits;
        (void)make_engine_image(model.layers[layer_index(e)], eng.geometry(), eng.hw(), max_steps,
                                engine_build_limits(penc));
        make_engine_model(*engines.back(), clk, fmt::format("rtl_engine_{}", acc.engines()[e]->layer_name()), penc,
                          parse_rtl_variant(opt.variant));
      }
    } else {
      SC_METHOD(posedge);
      sensitive << clk.posedge_event();
      dont_initialize();
    }
    m_history.resize(n_eng);
    SC_THREAD(clock_gen);
    SC_THREAD(drive);
    m_t0 = clock_type::now();
  }

  // The generated top is evaluated at both clock edges: inputs are set after the falling
  // edge (drive), the registers take them at the rising edge.
  void posedge() { top->eval(true); }

  void on_sample(std::size_t index) {
    m_spike_marks.push_back(m_log.spikes.size());
    m_wb_marks.push_back(m_log.writebacks.size());
    if (index + 1 == m_samples.size()) tlm_done.notify(sc_core::SC_ZERO_TIME);
  }

  // The clock starts after the TLM finished, so the TLM runs without clock events.
  void clock_gen() {
    wait(tlm_done);
    m_tlm_end = clock_type::now();
    for (;;) {
      clk.write(true);
      wait(half);
      clk.write(false);
      wait(half);
    }
  }
  void negedge() { wait(clk.negedge_event()); }

  void observe(std::size_t e, engine_obs& o) const {
    if (m_whole)
      top->observe(static_cast<int>(e), o);
    else
      engines[e]->observe(o);
  }

  engine_plan plan(std::size_t s, std::size_t e) {
    const auto& eng = *m_acc.engines()[e];
    const auto& res = m_acc_results()[s];
    const std::uint64_t start = res.start_cycle;
    const auto steps = m_samples[s].num_steps;
    const auto li = layer_index(e);
    const auto& layer = m_model.layers[li];
    engine_plan p;
    p.steps = steps;
    // Whole mode: the generated design's image (its configuration is built in; the TLM's
    // slots, 2 behind a pipelined link, as the link writes them).
    engine_limits lim = m_whole ? m_design->engines[e].limits : engine_build_limits(eng.hw().penc_width_bits);
    engine_image im = m_whole ? m_design->engines[e].image : make_engine_image(layer, eng.geometry(), eng.hw(), steps, lim);
    const int slots = m_whole ? m_design->engines[e].slots : steps;
    if (!m_whole)
      for (std::uint32_t i = 0; i < im.regs.size(); ++i) p.loads.push_back({tgt_cfg, 0, i, im.regs[i]});
    if (!m_whole || e == 0) {
      const numerics::spike_record& in = li == 0 ? res.spikes.input : res.spikes.layers[li - 1];
      const auto words = engine_spike_words(in, eng.geometry(), steps, lim);
      const int parts = spike_word_parts(lim.chunk_bits);  // a word is written with its last part
      for (std::size_t i = 0; i < words.size(); ++i)
        if (words[i] != 0 || s > 0 || parts > 1) p.loads.push_back({tgt_spike, 0, static_cast<std::uint32_t>(i), words[i]});
    } else if (s == 0) {
      // Linked spike memories start empty; every later sample leaves them empty (clear on read).
      const int words = slots * eng.geometry().frames * im.chunks * spike_word_parts(lim.chunk_bits);
      for (int i = 0; i < words; ++i) p.loads.push_back({tgt_spike, 0, static_cast<std::uint32_t>(i), 0});
    }
    // The generated engine has no lanes beyond the layer's channels (their images are empty).
    const std::size_t lanes = m_whole ? static_cast<std::size_t>(lim.lanes) : im.weights.size();
    for (std::size_t k = 0; k < lanes; ++k) {
      const auto lane = static_cast<std::uint32_t>(k);
      if (!m_whole || s == 0) {  // the top keeps its weights between samples
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
    // Handshakes of the TLM run, relative to the sample start.
    const auto& lr = res.layers[e];
    std::vector<std::uint64_t> delivered(static_cast<std::size_t>(steps), 0);
    for (int t = 0; t < steps; ++t) delivered[static_cast<std::size_t>(t)] = lr.steps[static_cast<std::size_t>(t)].end;
    for (std::size_t i = m_spike_marks[s]; i < m_spike_marks[s + 1]; ++i) {
      auto st = m_log.spikes[i];
      if (static_cast<std::size_t>(st.layer) != e) continue;
      st.desired -= start;
      st.entered -= start;
      st.departed -= start;
      for (int t = st.step; t < steps; ++t)
        delivered[static_cast<std::size_t>(t)] = std::max(delivered[static_cast<std::size_t>(t)], st.departed);
      p.spikes.push_back(st);
    }
    for (std::size_t i = m_wb_marks[s]; i < m_wb_marks[s + 1]; ++i) {
      auto wb = m_log.writebacks[i];
      if (static_cast<std::size_t>(wb.layer) != e) continue;
      wb.cycle -= start;
      p.writebacks.push_back(wb);
    }
    m_delivered[e] = delivered;
    // The hard case of the links: a step whose delivery waited for packets still queued in
    // the router after the producer ended it (campaign coverage).
    if (e + 1 < n_eng)
      for (int t = 0; t < steps; ++t)
        if (delivered[static_cast<std::size_t>(t)] > lr.steps[static_cast<std::size_t>(t)].end) ++result.queue_held_steps;
    for (int t = 0; t < steps; ++t) p.step_end.push_back(lr.steps[static_cast<std::size_t>(t)].end);
    p.layer_end = lr.end;
    return p;
  }

  std::size_t layer_index(std::size_t e) const {
    std::size_t n = 0;
    for (std::size_t i = 0; i < m_model.layers.size(); ++i)
      if (m_model.layers[i].is_neuron_layer() && n++ == e) return i;
    throw std::logic_error("engine without a layer");
  }
  const std::vector<sc_models::sample_result>& m_acc_results() { return m_acc.results(); }

  std::vector<std::vector<std::uint64_t>> m_delivered;

  void report(divergence d) {
    ++result.mismatches;
    if (!result.first) {
      result.first = std::move(d);
      m_divergence_cycle = result.first->cycle;
    }
  }

  void set_reset(bool active) {
    if (m_whole) {
      top->set_reset(active);
      top->eval(false);
    }
    for (auto& e : engines) e->rst_n.write(!active);
  }

  void drive() {
    wait(tlm_done);
    m_delivered.assign(n_eng, {});
    set_reset(true);
    negedge();
    negedge();
    set_reset(false);
    const bool pipelined = m_hw.mode == sc_models::pipeline_mode::timestep_pipelined;
    for (std::size_t s = 0; s < m_samples.size(); ++s) {
      std::vector<engine_plan> plans;
      for (std::size_t e = 0; e < n_eng; ++e) plans.push_back(plan(s, e));
      // Handshakes: engine e's input is ready per the TLM's delivery of engine e-1; its
      // output buffer (pipelined) frees per the TLM's step ends of engine e+1. Replayed in
      // engine mode, the expectation for the links' handshakes in whole mode.
      for (std::size_t e = 0; e < n_eng; ++e) {
        auto& p = plans[e];
        const auto steps = static_cast<std::size_t>(p.steps);
        p.input_ready.assign(steps, 0);
        p.output_free.assign(steps, 0);
        if (e > 0) {
          for (std::size_t t = 0; t < steps; ++t)
            p.input_ready[t] = pipelined ? m_delivered[e - 1][t] : m_delivered[e - 1][steps - 1];
        }
        if (pipelined && e + 1 < n_eng)
          for (std::size_t t = 2; t < steps; ++t) p.output_free[t] = plans[e + 1].step_end[t - 2];
      }
      if (m_whole)
        load_top(plans);
      else
        load_engines(plans);
      run_sample(s, plans);
    }
    sc_core::sc_stop();
  }

  // Every engine through its own load port, in parallel.
  void load_engines(const std::vector<engine_plan>& plans) {
    std::size_t longest = 0;
    for (const auto& p : plans) longest = std::max(longest, p.loads.size());
    for (std::size_t i = 0; i < longest; ++i) {
      negedge();
      for (std::size_t e = 0; e < n_eng; ++e) {
        auto& port = *engines[e];
        if (i < plans[e].loads.size()) {
          const auto& w = plans[e].loads[i];
          port.load_valid.write(true);
          port.load_target.write(w.target);
          port.load_lane.write(w.lane);
          port.load_addr.write(w.addr);
          port.load_data.write(w.data);
        } else {
          port.load_valid.write(false);
        }
      }
    }
  }

  // The top's one load port, engine by engine.
  void load_top(const std::vector<engine_plan>& plans) {
    for (std::size_t e = 0; e < n_eng; ++e)
      for (const auto& w : plans[e].loads) {
        negedge();
        top->set_load(true, static_cast<std::uint32_t>(e), w.target, w.lane, w.addr, w.data);
        top->eval(false);
      }
  }

  static std::uint32_t steps_at(const std::vector<std::uint64_t>& at, std::uint64_t cycle) {
    std::uint32_t n = 0;
    for (std::size_t t = 0; t < at.size(); ++t)
      if (at[t] <= cycle) n = static_cast<std::uint32_t>(t + 1);
    return n;
  }

  void run_sample(std::size_t s, std::vector<engine_plan>& plans) {
    std::vector<std::size_t> spike_i(n_eng, 0), wb_i(n_eng, 0), step_i(n_eng, 0);
    std::vector<std::deque<std::pair<packet, std::uint64_t>>> in_fifo(n_eng);
    std::vector<std::uint64_t> rtl_end(n_eng, 0);
    std::vector<bool> done(n_eng, false);
    std::vector<packet> output_stream;  // whole mode: the top's output spikes
    std::vector<engine_obs> obs(n_eng);
    std::uint64_t tlm_latency = m_acc_results()[s].latency_cycles;
    const std::uint64_t limit = 2 * tlm_latency + 10000;
    const auto t0 = clock_type::now();
    std::uint64_t cycle = 0;
    for (; cycle <= limit; ++cycle) {
      negedge();
      if (m_whole) {
        top->set_load(false, 0, 0, 0, 0, 0);
        top->set_steps(static_cast<std::uint32_t>(m_samples[s].num_steps));
        top->set_start(cycle == 0);
        top->eval(false);
      } else {
        for (std::size_t e = 0; e < n_eng; ++e) {
          auto& port = *engines[e];
          auto& p = plans[e];
          port.load_valid.write(false);
          port.start.write(cycle == 0);
          // The TLM sets input_ready per step in order, so counting the prefix is exact.
          port.in_ready.write(steps_at(p.input_ready, cycle));
          port.out_free.write(steps_at(p.output_free, cycle));
        }
      }
      wait(sc_core::sc_time(half / 4));
      bool all_done = true;
      if (m_whole) top->output(output_stream);
      for (std::size_t e = 0; e < n_eng; ++e) {
        engine_obs& port = obs[e];
        observe(e, port);
        auto& p = plans[e];
        const std::string& lname = m_acc.engines()[e]->layer_name();
        const int cores = m_acc.engines()[e]->hw().neuron_cores;
        if (m_opt.vcd_path.size() > 0) sample_ports(e, cycle, port);
        if (m_whole) {
          // The links' handshakes against the TLM's, every cycle (the ends of the chain are
          // constant: "all steps").
          const auto steps = static_cast<std::uint32_t>(p.steps);
          const std::uint32_t want_ready = steps_at(p.input_ready, cycle), want_free = steps_at(p.output_free, cycle);
          const std::uint32_t got_ready = std::min(port.in_ready, steps), got_free = std::min(port.out_free, steps);
          result.handshake_cycles_compared += 1;
          if (got_ready != want_ready)
            report({static_cast<int>(s), static_cast<int>(e), lname, -1, -1, -1, -1, -1, cycle, "handshake",
                    "in_steps_ready", std::to_string(want_ready), std::to_string(got_ready)});
          if (got_free != want_free)
            report({static_cast<int>(s), static_cast<int>(e), lname, -1, -1, -1, -1, -1, cycle, "handshake",
                    "out_steps_free", std::to_string(want_free), std::to_string(got_free)});
        }
        // packets entering the router
        for (const packet& d : port.push) in_fifo[e].emplace_back(d, cycle);
        // packets leaving: compare with the TLM's next packet
        for (const packet& d : port.out) {
          const std::uint64_t ent = in_fifo[e].empty() ? 0 : in_fifo[e].front().second;
          if (!in_fifo[e].empty()) in_fifo[e].pop_front();
          const int st = static_cast<int>(d.step), ch = static_cast<int>(d.channel), yy = static_cast<int>(d.y),
                    xx = static_cast<int>(d.x);
          const std::uint64_t dep = cycle + m_opt.faults.departed_delay;
          ++result.events_compared;
          if (spike_i[e] >= p.spikes.size()) {
            report({static_cast<int>(s), static_cast<int>(e), lname, ch % cores, ch, yy, xx, st, dep, "spike", "extra packet",
                    "none", fmt::format("({},{},{},{})", st, ch, yy, xx)});
            continue;
          }
          const auto& x = p.spikes[spike_i[e]++];
          auto diff = [&](const char* f, std::uint64_t want, std::uint64_t got) {
            report({static_cast<int>(s), static_cast<int>(e), lname, x.channel % cores, x.channel, x.y, x.x, x.step, dep,
                    "spike", f, std::to_string(want), std::to_string(got)});
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
          for (std::size_t kk = 0; kk < port.wb_lanes.size(); ++kk) {
            if (port.wb_lanes[kk] == 0) continue;
            const int k = static_cast<int>(kk);
            const int ch = static_cast<int>(port.wb_pass) * cores + k;
            const auto value = port.wb_mem[kk] ^ m_opt.faults.membrane_xor;
            const bool spike = port.wb_spikes[kk] != 0;
            ++result.events_compared;
            if (wb_i[e] >= p.writebacks.size()) {
              report({static_cast<int>(s), static_cast<int>(e), lname, k, ch, -1, -1, -1, cycle, "writeback",
                      "extra write-back", "none", std::to_string(value)});
              continue;
            }
            const auto& x = p.writebacks[wb_i[e]++];
            const auto& geo = m_acc.engines()[e]->geometry();
            const int want_pos = x.y * geo.core.out.width + x.x;
            auto diff = [&](const char* f, const std::string& want, const std::string& got) {
              report({static_cast<int>(s), static_cast<int>(e), lname, k, x.channel, x.y, x.x, x.step, cycle, "writeback",
                      f, want, got});
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
          const std::size_t t = step_i[e]++;
          ++result.events_compared;
          if (t >= p.step_end.size())
            report({static_cast<int>(s), static_cast<int>(e), lname, -1, -1, -1, -1, static_cast<int>(t), end, "step_end",
                    "extra step", "none", std::to_string(end)});
          else if (p.step_end[t] != end)
            report({static_cast<int>(s), static_cast<int>(e), lname, -1, -1, -1, -1, static_cast<int>(t), end, "step_end",
                    "end_cycle", std::to_string(p.step_end[t]), std::to_string(end)});
          if (step_i[e] == static_cast<std::size_t>(p.steps)) rtl_end[e] = end;
        }
        if (!done[e] && rtl_end[e] != 0 && in_fifo[e].empty() && !port.busy) done[e] = true;
        all_done = all_done && done[e];
      }
      if (all_done) break;
    }
    result.rtl_seconds += std::chrono::duration<double>(clock_type::now() - t0).count();
    result.rtl_simulated_cycles += cycle + 1;
    // Leftovers: every expected event must have been seen.
    for (std::size_t e = 0; e < n_eng; ++e) {
      const auto& p = plans[e];
      const std::string& lname = m_acc.engines()[e]->layer_name();
      if (!done[e])
        report({static_cast<int>(s), static_cast<int>(e), lname, -1, -1, -1, -1, -1, cycle, "layer_end", "finished",
                "yes", "no (cycle limit)"});
      if (spike_i[e] < p.spikes.size()) {
        const auto& x = p.spikes[spike_i[e]];
        report({static_cast<int>(s), static_cast<int>(e), lname, -1, x.channel, x.y, x.x, x.step, x.departed, "leftover",
                "spike", fmt::format("{} more packets", p.spikes.size() - spike_i[e]), "none"});
      }
      if (wb_i[e] < p.writebacks.size()) {
        const auto& x = p.writebacks[wb_i[e]];
        report({static_cast<int>(s), static_cast<int>(e), lname, -1, x.channel, x.y, x.x, x.step, x.cycle, "leftover",
                "writeback", fmt::format("{} more write-backs", p.writebacks.size() - wb_i[e]), "none"});
      }
      ++result.events_compared;
      if (rtl_end[e] != p.layer_end)
        report({static_cast<int>(s), static_cast<int>(e), lname, -1, -1, -1, -1, -1, rtl_end[e], "layer_end",
                "end_cycle", std::to_string(p.layer_end), std::to_string(rtl_end[e])});
    }
    if (m_whole) compare_output(s, output_stream);
    result.tlm_cycles += tlm_latency;
    result.rtl_cycles += rtl_end.empty() ? 0 : rtl_end.back();
    if (!m_opt.vcd_path.empty() && result.first && !result.vcd_written && result.first->sample == static_cast<int>(s))
      write_vcd();
  }

  // The top's output stream against the TLM's record of the last neuron layer: the same
  // spikes, in step order (the stream is the last router's departures, which the
  // scoreboard also checks packet by packet against the TLM's; this is the end-to-end view).
  void compare_output(std::size_t s, std::vector<packet>& got) {
    const numerics::spike_record& r = m_acc_results()[s].spikes.layers[layer_index(n_eng - 1)];
    const auto& sh = r.shape;
    std::vector<packet> want;
    for (int t = 0; t < m_samples[s].num_steps; ++t)
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
    result.output_spikes_compared += want.size();
    const std::string& lname = m_acc.engines()[n_eng - 1]->layer_name();
    auto show = [](const packet& d) { return fmt::format("({},{},{},{})", d.step, d.channel, d.y, d.x); };
    for (std::size_t i = 0; i < std::max(want.size(), got.size()); ++i) {
      const bool have_w = i < want.size(), have_g = i < got.size();
      if (have_w && have_g && want[i] == got[i]) continue;
      const packet d = have_w ? want[i] : got[i];
      report({static_cast<int>(s), static_cast<int>(n_eng - 1), lname, -1, static_cast<int>(d.channel),
              static_cast<int>(d.y), static_cast<int>(d.x), static_cast<int>(d.step), 0, "output",
              "spike (t,c,y,x)", have_w ? show(want[i]) : "none", have_g ? show(got[i]) : "none"});
      break;
    }
  }

  void sample_ports(std::size_t e, std::uint64_t cycle, const engine_obs& port) {
    auto& h = m_history[e];
    std::uint32_t spikes = 0;
    if (port.wb_valid)
      for (auto v : port.wb_spikes) spikes += v;
    h.push_back({cycle, port.in_ready, port.out_free, port.busy ? 1u : 0u, port.step_done ? 1u : 0u,
                 static_cast<std::uint32_t>(port.push.size()), static_cast<std::uint32_t>(port.out.size()),
                 port.wb_valid ? 1u : 0u, spikes});
    // keep a window big enough for both sides of the first divergence
    const std::uint64_t keep = 2 * m_opt.vcd_window + 2;
    while (h.size() > keep && (!result.first || h.front().cycle + m_opt.vcd_window < m_divergence_cycle)) h.pop_front();
    while (result.first && !h.empty() && h.back().cycle > m_divergence_cycle + m_opt.vcd_window) h.pop_back();
  }

  // Hand-written VCD of the engines' ports in the window around the first divergence.
  void write_vcd() {
    std::string out = "$timescale 1ns $end\n$scope module cosim $end\n";
    const char* names[] = {"in_steps_ready", "out_steps_free", "busy", "step_done", "push_count",
                           "out_count", "wb_valid", "wb_spikes", "divergence"};
    constexpr int n_sig = 9;
    const int widths[] = {8, 8, 1, 1, 16, 8, 1, 16, 1};
    auto id = [](std::size_t e, int i) { return fmt::format("{}{}", static_cast<char>('!' + i), e); };
    for (std::size_t e = 0; e < n_eng; ++e) {
      out += fmt::format("$scope module {} $end\n", m_acc.engines()[e]->layer_name());
      for (int i = 0; i < n_sig; ++i) out += fmt::format("$var wire {} {} {} $end\n", widths[i], id(e, i), names[i]);
      out += "$upscope $end\n";
    }
    out += "$upscope $end\n$enddefinitions $end\n";
    const double period_ns = 1000.0 / m_hw.clock_mhz;
    auto bits = [](std::uint32_t v, int w) {
      if (w == 1) return std::string(v ? "1" : "0");
      std::string s = "b";
      for (int i = w - 1; i >= 0; --i) s += (v >> i & 1u) ? '1' : '0';
      return s;
    };
    std::map<std::uint64_t, std::string> at;
    for (std::size_t e = 0; e < n_eng; ++e)
      for (const auto& ps : m_history[e]) {
        const std::uint32_t v[] = {ps.in_ready, ps.out_free, ps.busy, ps.step_done, ps.push_count,
                                   ps.out_count, ps.wb_valid, ps.wb_spikes, ps.cycle == m_divergence_cycle ? 1u : 0u};
        auto& s = at[ps.cycle];
        for (int i = 0; i < n_sig; ++i) s += bits(v[i], widths[i]) + (widths[i] == 1 ? "" : " ") + id(e, i) + "\n";
      }
    for (const auto& [c, s] : at) out += fmt::format("#{}\n{}", static_cast<std::uint64_t>(static_cast<double>(c) * period_ns), s);
    write_file_atomic(m_opt.vcd_path, out);
    result.vcd_written = true;
  }
};

}  // namespace

cosim_mode parse_cosim_mode(const std::string& s) {
  if (s == "auto") return cosim_mode::automatic;
  if (s == "whole") return cosim_mode::whole;
  if (s == "engine") return cosim_mode::engine;
  throw bad_input(fmt::format("cosim: --mode '{}': expected auto, whole or engine", s));
}

const char* to_string(cosim_mode m) {
  switch (m) {
    case cosim_mode::automatic: return "auto";
    case cosim_mode::whole: return "whole";
    case cosim_mode::engine: return "engine";
  }
  return "?";
}

cosim_result run_cosim(const numerics::quant_model& model, const sc_models::hardware_config& hw,
                       const std::vector<sc_models::sample_input>& samples, const cosim_options& options) {
  if (samples.empty()) throw bad_input("cosim: no samples");
  int max_steps = 1;
  for (const auto& smp : samples) max_steps = std::max(max_steps, smp.num_steps);
  const bool variant_ok = options.variant == "reference" || options.variant.rfind("mut_", 0) == 0;
  if (!variant_ok) throw bad_input(fmt::format("--rtl-variant '{}': expected reference or mut_<mutation>", options.variant));
  // Whole mode: generate (bad_input before anything is built when the RTL cannot hold the
  // configuration) and build the design for exactly this model and hardware.
  std::optional<rtl_design> design;
  std::unique_ptr<rtl_top_model> whole_top;
  cosim_result build_info;
  if (options.mode != cosim_mode::engine) {
    try {
      design = generate_rtl(model, hw, max_steps, options.variant == "reference" ? "" : options.variant.substr(4));
    } catch (const bad_input& e) {
      if (options.mode == cosim_mode::whole) throw;
      spdlog::warn("cosim: {}; running the engines one by one with the TLM's handshakes (--mode engine)", e.what());
    }
    if (design) {
      const rtl_build b = build_rtl(*design, options.build);
      whole_top = b.create();
      build_info.design_hash = design->hash;
      build_info.build_dir = b.dir;
      build_info.build_reused = b.reused;
      build_info.build_seconds = b.seconds;
      build_info.build_peak_rss_kib = b.peak_rss_kib;
    }
  }
  if (!whole_top) (void)parse_rtl_variant(options.variant);  // engine mode: a prebuilt variant
  sc_models::event_log log;
  std::unique_ptr<rtl_cosim> rtl;
  sc_models::simulation_options so;
  so.events = &log;
  so.progress = options.progress;
  so.on_elaborated = [&](sc_models::accelerator& acc) {
    rtl = std::make_unique<rtl_cosim>("rtl_cosim", acc, model, hw, samples, options, log,
                                      design ? &*design : nullptr, whole_top.get());
  };
  so.on_sample = [&](std::size_t index, const sc_models::sample_result&) { rtl->on_sample(index); };
  (void)sc_models::simulate(model, hw, samples, so);
  cosim_result r = rtl->result;
  r.tlm_seconds = std::chrono::duration<double>(rtl->m_tlm_end - rtl->m_t0).count();
  r.design_hash = build_info.design_hash;
  r.build_dir = build_info.build_dir;
  r.build_reused = build_info.build_reused;
  r.build_seconds = build_info.build_seconds;
  r.build_peak_rss_kib = build_info.build_peak_rss_kib;
  rusage ru{};
  if (::getrusage(RUSAGE_SELF, &ru) == 0) r.peak_rss_kib = ru.ru_maxrss;
  return r;
}

}  // namespace snncosim::tb
