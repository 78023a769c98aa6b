// The co-simulation (docs/rtl.md §4): the TLM runs the samples first and records its
// cycle-stamped events; then, in the same SystemC kernel, a clock starts and per sample the
// driver loads and starts the RTL, the monitor reads every engine's ports each cycle and the
// scoreboard checks them against the TLM's stamps; the waveform writer keeps the window
// around the first divergence.
#include "snncosim/tb/cosim.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>

#include <sys/resource.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cosim_driver.h"
#include "cosim_plan.h"
#include "cosim_scoreboard.h"
#include "cosim_waveform.h"
#include "engine_models.h"
#include "snncosim/common/error.h"
#include "snncosim/common/progress.h"
#include "snncosim/tb/rtl_build.h"
#include "snncosim/tb/rtl_design.h"

namespace snncosim::tb {

namespace {

using clock_type = std::chrono::steady_clock;

struct rtl_cosim : sc_core::sc_module {
  SC_HAS_PROCESS(rtl_cosim);
  sc_core::sc_signal<bool> clk{"clk"};
  sc_core::sc_event tlm_done;
  sc_core::sc_time half;
  tlm_record m_tlm;
  const cosim_options& m_opt;
  const rtl_design* m_design;  // whole mode
  cosim_result result;
  std::unique_ptr<rtl_driver> m_driver;
  scoreboard m_board;
  std::optional<waveform_window> m_wave;
  std::unique_ptr<progress_bar> m_bar;  // RTL cycles against the TLM's total
  clock_type::time_point m_t0, m_tlm_end;

  rtl_cosim(const sc_core::sc_module_name& n, sc_models::accelerator& acc, const numerics::quant_model& model,
            const sc_models::hardware_config& hw, const std::vector<sc_models::sample_input>& samples,
            const cosim_options& opt, const sc_models::event_log& log, const rtl_design* design, rtl_top_model* whole_top)
      : sc_core::sc_module(n),
        m_tlm{acc, model, hw, samples, log},
        m_opt(opt),
        m_design(design),
        m_board(m_tlm, opt.faults, whole_top != nullptr, result) {
    half = sc_core::sc_time(500.0 / hw.clock_mhz, sc_core::SC_NS);
    int max_steps = 1;
    for (const auto& smp : samples) max_steps = std::max(max_steps, smp.num_steps);
    result.mode = whole_top != nullptr ? cosim_mode::whole : cosim_mode::engine;
    if (whole_top != nullptr) {
      m_driver = make_whole_driver(*whole_top);
      SC_METHOD(posedge);
      sensitive << clk.posedge_event();
      dont_initialize();
    } else {
      m_driver = make_engine_driver(m_tlm, clk, opt.variant, max_steps);
    }
    if (!opt.vcd_path.empty()) {
      std::vector<std::string> names;
      for (const auto& eng : acc.engines()) names.push_back(eng->layer_name());
      m_wave.emplace(std::move(names), opt.vcd_window);
    }
    SC_THREAD(clock_gen);
    SC_THREAD(drive);
    m_t0 = clock_type::now();
  }

  // A generated top is evaluated at both clock edges: inputs after the falling edge (drive),
  // the registers take them at the rising edge.
  void posedge() { m_driver->posedge(); }

  void on_sample(std::size_t index) {
    m_tlm.spike_marks.push_back(m_tlm.log.spikes.size());
    m_tlm.wb_marks.push_back(m_tlm.log.writebacks.size());
    if (index + 1 == m_tlm.samples.size()) tlm_done.notify(sc_core::SC_ZERO_TIME);
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

  void drive() {
    wait(tlm_done);
    m_driver->reset(true);
    negedge();
    negedge();
    m_driver->reset(false);
    if (m_opt.progress) {
      std::uint64_t total = 0;
      for (const auto& r : m_tlm.acc.results()) total += r.latency_cycles;
      m_bar = std::make_unique<progress_bar>("cosim: RTL", total, "cycles");
    }
    for (std::size_t s = 0; s < m_tlm.samples.size(); ++s) {
      const std::vector<engine_plan> plans = make_plans(m_tlm, s, m_design, result.queue_held_steps);
      m_driver->load(plans, [this] { negedge(); });
      run_sample(s, plans);
    }
    if (m_bar) m_bar->finish();
    sc_core::sc_stop();
  }

  void run_sample(std::size_t s, const std::vector<engine_plan>& plans) {
    const std::size_t n = plans.size();
    std::vector<packet> output_stream;  // whole mode: the top's output spikes
    std::vector<engine_obs> obs(n);
    m_board.begin_sample(s, plans);
    const std::uint64_t tlm_latency = m_tlm.acc.results()[s].latency_cycles;
    const std::uint64_t limit = 2 * tlm_latency + 10000;
    const auto t0 = clock_type::now();
    std::uint64_t cycle = 0;
    for (; cycle <= limit; ++cycle) {
      negedge();
      m_driver->cycle_inputs(cycle, plans);
      wait(sc_core::sc_time(half / 4));
      m_driver->output(output_stream);
      bool all_done = true;
      for (std::size_t e = 0; e < n; ++e) {
        m_driver->observe(e, obs[e]);  // the monitor
        if (m_wave)
          m_wave->sample(e, cycle, obs[e],
                         result.first ? std::optional<std::uint64_t>(result.first->cycle) : std::nullopt);
        all_done = m_board.check(e, cycle, obs[e]) && all_done;
      }
      if (all_done) break;
      if (m_bar && (cycle & 0xFFF) == 0xFFF) m_bar->advance(0x1000);
    }
    if (m_bar) m_bar->advance((cycle + 1) & 0xFFF);
    result.rtl_seconds += std::chrono::duration<double>(clock_type::now() - t0).count();
    result.rtl_simulated_cycles += cycle + 1;
    m_board.end_sample(cycle, output_stream);
    result.tlm_cycles += tlm_latency;
    result.rtl_cycles += m_board.rtl_latency();
    if (m_wave && result.first && !result.vcd_written && result.first->sample == static_cast<int>(s)) {
      m_wave->write(m_opt.vcd_path, m_tlm.hw.clock_mhz, result.first->cycle);
      result.vcd_written = true;
    }
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
