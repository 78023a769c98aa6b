// The RTL side of the co-simulation and the scoreboard (docs/rtl.md §4).
#include "snncosim/tb/cosim.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <fstream>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "snncosim/common/atomic_file.h"
#include "snncosim/common/error.h"
#include "snncosim/tb/engine_image.h"
#include "engine_models.h"

namespace snncosim::tb {

namespace {

using clock_type = std::chrono::steady_clock;
constexpr int lanes_max = engine_lanes_max;

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
  std::uint32_t in_ready, out_free, busy, step_done, step, push_count, out_count, wb_valid, wb_spikes;
};

std::uint32_t field32(const sc_dt::sc_bv_base& v, int j) {
  return static_cast<std::uint32_t>(v.range(j * 32 + 31, j * 32).to_uint());
}

struct rtl_cosim : sc_core::sc_module {
  SC_HAS_PROCESS(rtl_cosim);
  sc_core::sc_signal<bool> clk{"clk"};
  sc_core::sc_event tlm_done;
  sc_core::sc_time half;
  std::vector<std::unique_ptr<engine_ports>> engines;
  sc_models::accelerator& m_acc;
  const numerics::quant_model& m_model;
  const sc_models::hardware_config& m_hw;
  const std::vector<sc_models::sample_input>& m_samples;
  const cosim_options& m_opt;
  sc_models::event_log& m_log;
  std::vector<std::size_t> m_spike_marks{0}, m_wb_marks{0};  // event log size after each sample
  cosim_result result;
  clock_type::time_point m_t0, m_tlm_end;
  std::vector<std::deque<port_sample>> m_history;
  std::uint64_t m_divergence_cycle = 0;

  rtl_cosim(const sc_core::sc_module_name& n, sc_models::accelerator& acc, const numerics::quant_model& model,
            const sc_models::hardware_config& hw, const std::vector<sc_models::sample_input>& samples,
            const cosim_options& opt, sc_models::event_log& log)
      : sc_core::sc_module(n), m_acc(acc), m_model(model), m_hw(hw), m_samples(samples), m_opt(opt), m_log(log) {
    half = sc_core::sc_time(500.0 / hw.clock_mhz, sc_core::SC_NS);
    for (std::size_t e = 0; e < acc.engines().size(); ++e) {
      engines.push_back(std::make_unique<engine_ports>());
      const auto& eng = *acc.engines()[e];
      const int penc = eng.hw().penc_width_bits;
      // bad_input before anything runs: the layer must fit the engine build
      int max_steps = 1;
      for (const auto& smp : samples) max_steps = std::max(max_steps, smp.num_steps);
      (void)make_engine_image(model.layers[layer_index(e)], eng.geometry(), eng.hw(), max_steps,
                              engine_build_limits(penc));
      make_engine_model(*engines.back(), clk, fmt::format("rtl_engine_{}", acc.engines()[e]->layer_name()), penc,
                        opt.variant);
    }
    m_history.resize(engines.size());
    SC_THREAD(clock_gen);
    SC_THREAD(drive);
    m_t0 = clock_type::now();
  }

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

  engine_plan plan(std::size_t s, std::size_t e) {
    const auto& eng = *m_acc.engines()[e];
    const auto& res = m_acc_results()[s];
    const std::uint64_t start = res.start_cycle;
    const auto steps = m_samples[s].num_steps;
    const auto li = layer_index(e);
    const auto& layer = m_model.layers[li];
    engine_plan p;
    p.steps = steps;
    const engine_limits lim = engine_build_limits(eng.hw().penc_width_bits);
    const engine_image im = make_engine_image(layer, eng.geometry(), eng.hw(), steps, lim);
    for (std::uint32_t i = 0; i < im.regs.size(); ++i) p.loads.push_back({tgt_cfg, 0, i, im.regs[i]});
    const numerics::spike_record& in = li == 0 ? res.spikes.input : res.spikes.layers[li - 1];
    const auto words = engine_spike_words(in, eng.geometry(), steps, lim);
    for (std::size_t i = 0; i < words.size(); ++i)
      if (words[i] != 0 || s > 0) p.loads.push_back({tgt_spike, 0, static_cast<std::uint32_t>(i), words[i]});
    for (std::size_t k = 0; k < im.weights.size(); ++k) {
      const auto lane = static_cast<std::uint32_t>(k);
      for (std::size_t i = 0; i < im.weights[k].size(); ++i)
        p.loads.push_back({tgt_weight, lane, static_cast<std::uint32_t>(i), im.weights[k][i]});
      for (std::size_t i = 0; i < im.gains[k].size(); ++i) {
        p.loads.push_back({tgt_gain, lane, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(im.gains[k][i])});
        p.loads.push_back({tgt_bias, lane, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(im.biases[k][i])});
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

  void drive() {
    wait(tlm_done);
    const std::size_t n_eng = engines.size();
    m_delivered.assign(n_eng, {});
    for (auto& e : engines) e->rst_n.write(false);
    negedge();
    negedge();
    for (auto& e : engines) e->rst_n.write(true);
    const bool pipelined = m_hw.mode == sc_models::pipeline_mode::timestep_pipelined;
    for (std::size_t s = 0; s < m_samples.size(); ++s) {
      std::vector<engine_plan> plans;
      for (std::size_t e = 0; e < n_eng; ++e) plans.push_back(plan(s, e));
      // Handshakes: engine e's input is ready per the TLM's delivery of engine e-1; its
      // output buffer (pipelined) frees per the TLM's step ends of engine e+1.
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
      // Load every engine through its own load port, in parallel.
      std::size_t longest = 0;
      for (auto& p : plans) longest = std::max(longest, p.loads.size());
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
      run_sample(s, plans);
    }
    sc_core::sc_stop();
  }

  void run_sample(std::size_t s, std::vector<engine_plan>& plans) {
    const std::size_t n_eng = engines.size();
    std::vector<std::size_t> spike_i(n_eng, 0), wb_i(n_eng, 0), step_i(n_eng, 0);
    std::vector<std::vector<std::uint64_t>> entered(n_eng);  // RTL entry cycle per packet, in FIFO order
    std::vector<std::deque<std::pair<std::uint32_t, std::uint64_t>>> in_fifo(n_eng);
    std::vector<std::uint64_t> rtl_end(n_eng, 0);
    std::vector<bool> done(n_eng, false);
    std::uint64_t tlm_latency = m_acc_results()[s].latency_cycles;
    const std::uint64_t limit = 2 * tlm_latency + 10000;
    const auto t0 = clock_type::now();
    std::uint64_t cycle = 0;
    for (; cycle <= limit; ++cycle) {
      negedge();
      bool all_done = true;
      for (std::size_t e = 0; e < n_eng; ++e) {
        auto& port = *engines[e];
        auto& p = plans[e];
        port.load_valid.write(false);
        port.start.write(cycle == 0);
        std::uint32_t ready = 0, free = 0;
        for (int t = 0; t < p.steps; ++t) {
          if (p.input_ready[static_cast<std::size_t>(t)] <= cycle) ready = static_cast<std::uint32_t>(t + 1);
          if (p.output_free[static_cast<std::size_t>(t)] <= cycle) free = static_cast<std::uint32_t>(t + 1);
        }
        // The TLM sets input_ready per step in order, so counting the prefix is exact.
        port.in_ready.write(ready);
        port.out_free.write(free);
      }
      wait(sc_core::sc_time(half / 4));
      for (std::size_t e = 0; e < n_eng; ++e) {
        auto& port = *engines[e];
        auto& p = plans[e];
        const std::string& lname = m_acc.engines()[e]->layer_name();
        const int cores = m_acc.engines()[e]->hw().neuron_cores;
        if (m_opt.vcd_path.size() > 0) sample_ports(e, cycle);
        // packets entering the router
        const std::uint32_t pushes = port.push_count.read();
        if (pushes > 0) {
          const auto& pdata = port.push_data.read();
          for (std::uint32_t j = 0; j < pushes; ++j) in_fifo[e].emplace_back(field32(pdata, static_cast<int>(j)), cycle);
        }
        // packets leaving: compare with the TLM's next packet
        const std::uint32_t pops = port.out_count.read();
        const auto& odata = port.out_data.read();
        for (std::uint32_t j = 0; j < pops; ++j) {
          const std::uint32_t d = field32(odata, static_cast<int>(j));
          const std::uint64_t ent = in_fifo[e].empty() ? 0 : in_fifo[e].front().second;
          if (!in_fifo[e].empty()) in_fifo[e].pop_front();
          const int st = static_cast<int>(d >> 24), ch = static_cast<int>((d >> 16) & 0xFF),
                    yy = static_cast<int>((d >> 8) & 0xFF), xx = static_cast<int>(d & 0xFF);
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
        if (port.wb_valid.read()) {
          const std::uint32_t lanes = port.wb_lanes.read();
          const std::uint32_t spikes = port.wb_spikes.read();
          const auto& mem = port.wb_mem.read();
          const std::uint32_t pass = port.wb_pass.read();
          const std::uint32_t pos = port.wb_pos.read();
          for (int k = 0; k < lanes_max; ++k) {
            if ((lanes >> k & 1u) == 0) continue;
            const int ch = static_cast<int>(pass) * cores + k;
            const auto value = static_cast<std::int32_t>(field32(mem, k)) ^ m_opt.faults.membrane_xor;
            const bool spike = (spikes >> k & 1u) != 0;
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
            if (x.channel != ch || want_pos != static_cast<int>(pos))
              diff("neuron", fmt::format("c{} pos{}", x.channel, want_pos), fmt::format("c{} pos{}", ch, pos));
            else if (x.mem != value) diff("membrane", std::to_string(x.mem), std::to_string(value));
            else if (x.spike != spike) diff("spike", std::to_string(x.spike), std::to_string(spike));
            else if (x.cycle != cycle) diff("cycle", std::to_string(x.cycle), std::to_string(cycle));
          }
        }
        // step ends
        if (port.step_done.read()) {
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
        if (!done[e] && rtl_end[e] != 0 && in_fifo[e].empty() && !port.busy.read()) done[e] = true;
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
      if (rtl_end[e] != p.layer_end) {
        ++result.events_compared;
        report({static_cast<int>(s), static_cast<int>(e), lname, -1, -1, -1, -1, -1, rtl_end[e], "layer_end",
                "end_cycle", std::to_string(p.layer_end), std::to_string(rtl_end[e])});
      } else {
        ++result.events_compared;
      }
    }
    result.tlm_cycles += tlm_latency;
    result.rtl_cycles += rtl_end.empty() ? 0 : rtl_end.back();
    if (!m_opt.vcd_path.empty() && result.first && !result.vcd_written && result.first->sample == static_cast<int>(s))
      write_vcd();
  }

  void sample_ports(std::size_t e, std::uint64_t cycle) {
    auto& port = *engines[e];
    auto& h = m_history[e];
    h.push_back({cycle, port.in_ready.read(), port.out_free.read(), port.busy.read(), port.step_done.read(),
                 port.step.read(), port.push_count.read(), port.out_count.read(), port.wb_valid.read(),
                 port.wb_spikes.read()});
    // keep a window big enough for both sides of the first divergence
    const std::uint64_t keep = 2 * m_opt.vcd_window + 2;
    while (h.size() > keep && (!result.first || h.front().cycle + m_opt.vcd_window < m_divergence_cycle)) h.pop_front();
    while (result.first && !h.empty() && h.back().cycle > m_divergence_cycle + m_opt.vcd_window) h.pop_back();
  }

  // Hand-written VCD of the engines' ports in the window around the first divergence.
  void write_vcd() {
    std::string out = "$timescale 1ns $end\n$scope module cosim $end\n";
    const char* names[] = {"in_steps_ready", "out_steps_free", "busy", "step_done", "step", "push_count",
                           "out_count", "wb_valid", "wb_spikes", "divergence"};
    const int widths[] = {8, 8, 1, 1, 8, 3, 3, 1, 4, 1};
    auto id = [](std::size_t e, int i) { return fmt::format("{}{}", static_cast<char>('!' + i), e); };
    for (std::size_t e = 0; e < engines.size(); ++e) {
      out += fmt::format("$scope module {} $end\n", m_acc.engines()[e]->layer_name());
      for (int i = 0; i < 10; ++i) out += fmt::format("$var wire {} {} {} $end\n", widths[i], id(e, i), names[i]);
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
    for (std::size_t e = 0; e < engines.size(); ++e)
      for (const auto& ps : m_history[e]) {
        const std::uint32_t v[] = {ps.in_ready, ps.out_free, ps.busy, ps.step_done, ps.step, ps.push_count,
                                   ps.out_count, ps.wb_valid, ps.wb_spikes, ps.cycle == m_divergence_cycle ? 1u : 0u};
        auto& s = at[ps.cycle];
        for (int i = 0; i < 10; ++i) s += bits(v[i], widths[i]) + (widths[i] == 1 ? "" : " ") + id(e, i) + "\n";
      }
    for (const auto& [c, s] : at) out += fmt::format("#{}\n{}", static_cast<std::uint64_t>(static_cast<double>(c) * period_ns), s);
    write_file_atomic(m_opt.vcd_path, out);
    result.vcd_written = true;
  }
};

}  // namespace

cosim_result run_cosim(const numerics::quant_model& model, const sc_models::hardware_config& hw,
                       const std::vector<sc_models::sample_input>& samples, const cosim_options& options) {
  if (samples.empty()) throw bad_input("cosim: no samples");
  sc_models::event_log log;
  std::unique_ptr<rtl_cosim> rtl;
  sc_models::simulation_options so;
  so.events = &log;
  so.progress = options.progress;
  so.on_elaborated = [&](sc_models::accelerator& acc) {
    rtl = std::make_unique<rtl_cosim>("rtl_cosim", acc, model, hw, samples, options, log);
  };
  so.on_sample = [&](std::size_t index, const sc_models::sample_result&) { rtl->on_sample(index); };
  (void)sc_models::simulate(model, hw, samples, so);
  cosim_result r = rtl->result;
  r.tlm_seconds = std::chrono::duration<double>(rtl->m_tlm_end - rtl->m_t0).count();
  return r;
}

}  // namespace snncosim::tb
