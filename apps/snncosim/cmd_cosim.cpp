// `snncosim cosim`: the TLM accelerator and the Verilated RTL layer engines in one SystemC
// kernel on the same stimulus, with a scoreboard of every spike packet, membrane write-back
// and step end (docs/rtl.md §4).
#include <algorithm>
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "command.h"
#include "snncosim/common/atomic_file.h"
#include "snncosim/common/error.h"
#include "snncosim/explore/inputs.h"
#include "snncosim/tb/cosim.h"
#include "snncosim/tb/random_traces.h"
#include "snncosim/common/json_text.h"

namespace snncosim::cli {

namespace {

struct cosim_args {
  std::string model, traces, hardware, platform, vcd, mode = "auto";
  std::vector<std::string> sets;
  int samples = 0;
  std::uint64_t seed = 1;
  int random_traces = 0;
  int steps = 0;
  std::uint64_t vcd_window = 64;
  std::uint64_t fault_timing = 0;
  std::int32_t fault_datapath = 0;
  std::string rtl_variant = "reference";
  std::string rtl_cache;
  std::string trace_pattern = "mixed";
  std::string rtl_opt;
};

void run_cosim_command(const cosim_args& a, const global_options& global) {
  namespace nx = numerics;
  if (!a.vcd.empty()) check_output_file(a.vcd);  // before a long co-simulation
  const explore::simulation_inputs in = explore::load_simulation_inputs(a.model, a.hardware, a.sets, a.platform);
  const nx::quant_model& model = in.model;
  const sc_models::hardware_config& hw = in.hw;
  if (a.samples < 0 || a.random_traces < 0 || a.steps < 0)
    throw bad_input("--samples, --random-traces and --steps must be >= 0");
  if (a.traces.empty() && a.random_traces == 0) throw bad_input("cosim: give --traces and/or --random-traces K");
  std::vector<sc_models::sample_input> inputs;
  int trace_steps = 0;
  if (!a.traces.empty()) {
    const nx::trace_reader traces(a.traces);
    const std::size_t n = a.samples > 0 ? static_cast<std::size_t>(a.samples) : traces.num_samples();
    explore::trace_samples got = explore::read_trace_samples(traces, a.traces, n, model, a.model);
    inputs = std::move(got.inputs);
    trace_steps = got.last_steps;
  }
  const int steps = a.steps > 0 ? a.steps : (trace_steps > 0 ? trace_steps : 8);
  for (auto& r : tb::random_traces(a.trace_pattern, a.seed, a.random_traces,
                                   static_cast<std::size_t>(model.input.size()), steps))
    inputs.push_back(std::move(r));
  if (inputs.empty()) throw bad_input(fmt::format("{}: no samples", a.traces));

  tb::cosim_options opt;
  opt.mode = tb::parse_cosim_mode(a.mode);
  opt.vcd_path = a.vcd;
  opt.vcd_window = a.vcd_window;
  opt.progress = !global.json;
  opt.faults.departed_delay = a.fault_timing;
  opt.faults.membrane_xor = a.fault_datapath;
  opt.variant = a.rtl_variant;
  if (!a.rtl_cache.empty()) opt.build.cache_dir = a.rtl_cache;
  if (!a.rtl_opt.empty()) opt.build.opt = a.rtl_opt;
  spdlog::info("cosim: {} samples, hardware '{}' ({}), --mode {}", inputs.size(), hw.name,
               sc_models::to_string(hw.mode), tb::to_string(opt.mode));
  const tb::cosim_result r = tb::run_cosim(model, hw, inputs, opt);

  nlohmann::json j;
  j["samples"] = inputs.size();
  j["hardware"] = hw.name;
  j["pipeline_mode"] = sc_models::to_string(hw.mode);
  j["mode"] = tb::to_string(r.mode);
  j["mismatches"] = r.mismatches;
  j["events_compared"] = r.events_compared;
  j["handshake_cycles_compared"] = r.handshake_cycles_compared;
  j["output_spikes_compared"] = r.output_spikes_compared;
  j["queue_held_steps"] = r.queue_held_steps;
  j["tlm_cycles"] = r.tlm_cycles;
  j["rtl_cycles"] = r.rtl_cycles;
  j["tlm_seconds"] = r.tlm_seconds;
  j["rtl_seconds"] = r.rtl_seconds;
  j["tlm_cycles_per_s"] = r.tlm_seconds > 0 ? static_cast<double>(r.tlm_cycles) / r.tlm_seconds : 0.0;
  j["rtl_cycles_per_s"] = r.rtl_seconds > 0 ? static_cast<double>(r.rtl_simulated_cycles) / r.rtl_seconds : 0.0;
  j["peak_rss_mib"] = static_cast<double>(r.peak_rss_kib) / 1024.0;
  if (!r.design_hash.empty())
    j["rtl_build"] = {{"design", r.design_hash},        {"dir", r.build_dir.string()},
                      {"reused", r.build_reused},       {"seconds", r.build_seconds},
                      {"peak_rss_mib", static_cast<double>(r.build_peak_rss_kib) / 1024.0}};
  if (r.first) {
    const auto& d = *r.first;
    j["first_divergence"] = {{"sample", d.sample}, {"layer", d.layer_name}, {"core", d.core},
                             {"neuron", {{"channel", d.channel}, {"y", d.y}, {"x", d.x}}},
                             {"step", d.step}, {"cycle", d.cycle}, {"event", d.event}, {"field", d.field},
                             {"expected", d.expected}, {"actual", d.actual}};
    if (r.vcd_written) j["vcd"] = a.vcd;
  }
  if (global.json) {
    std::cout << json_text(j) << "\n";
  } else {
    std::cout << fmt::format("cosim ({} mode): {} samples, {} events compared, {} mismatches; cycles TLM {} RTL {}\n",
                             tb::to_string(r.mode), inputs.size(), r.events_compared, r.mismatches, r.tlm_cycles,
                             r.rtl_cycles);
    if (r.first) {
      const auto& d = *r.first;
      std::cout << fmt::format(
          "first divergence: sample {} layer {} core {} neuron (c{}, y{}, x{}) step {} cycle {}: {} {} expected {} "
          "actual {}\n",
          d.sample, d.layer_name, d.core, d.channel, d.y, d.x, d.step, d.cycle, d.event, d.field, d.expected, d.actual);
    }
  }
  if (r.mismatches > 0) throw std::runtime_error(fmt::format("cosim: {} mismatches between TLM and RTL", r.mismatches));
}

}  // namespace

void add_cosim_command(CLI::App& root, global_options& global) {
  auto a = std::make_shared<cosim_args>();
  auto* cmd = root.add_subcommand("cosim", "Co-simulate the TLM accelerator and the RTL accelerator (or its engines)");
  cmd->add_option("--model", a->model, "Model file (HDF5)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--traces", a->traces, "Spike-trace file whose input spikes drive both models")
      ->check(CLI::ExistingFile);
  cmd->add_option("--hardware", a->hardware, "Hardware YAML")->required()->check(CLI::ExistingFile);
  cmd->add_option("--platform", a->platform, "Platform YAML (clock)")->check(CLI::ExistingFile);
  cmd->add_option("--set", a->sets, "Override a hardware key, e.g. --set pipeline_mode=timestep_pipelined");
  cmd->add_option("--samples", a->samples, "Use only the first N samples of --traces (0: all)")->check(count_check());
  cmd->add_option("--seed", a->seed, "Seed of the first random trace (trace k uses seed + k)");
  cmd->add_option("--random-traces", a->random_traces, "Add K seeded random traces (bursts, empty steps, dense steps)");
  cmd->add_option("--trace-pattern", a->trace_pattern,
                  "Random traces: mixed (default: per step empty, 3 %, 25 % or 90 %) or burst_then_silent (1-2 "
                  "dense steps, then 1-3 empty ones, repeated: routers still holding packets after a step ended)")
      ->check(CLI::IsMember({"mixed", "burst_then_silent"}));
  cmd->add_option("--steps", a->steps, "Time steps of the random traces (default: the traces' T, else 8)");
  cmd->add_option("--mode", a->mode,
                 "whole: the accelerator RTL generated for this model and hardware (built on demand into the "
                 "cache), spikes and handshakes between engines in RTL; engine: each prebuilt programmable "
                 "engine alone with the TLM's handshakes replayed; auto (default): whole unless the generator "
                 "cannot build the configuration, then engine with a warning")
      ->check(CLI::IsMember({"auto", "whole", "engine"}));
  cmd->add_option("--vcd", a->vcd, "On a mismatch, write the engines' ports around the first divergence");
  cmd->add_option("--vcd-window", a->vcd_window, "Cycles before and after the divergence in --vcd");
  cmd->add_option("--inject-timing-fault", a->fault_timing, "Delay every RTL departure stamp by N cycles (mutation test)");
  cmd->add_option("--inject-datapath-fault", a->fault_datapath, "XOR this into every RTL membrane value (mutation test)");
  cmd->add_option("--rtl-variant", a->rtl_variant,
                  "RTL: reference, or mut_<mutation> of `rtl/mutate/snn-mutate --list`, a mutant the scoreboard "
                  "must catch (whole mode: any mutation, generated into the design; engine mode: mut_timing, "
                  "mut_bit)");
  cmd->add_option("--rtl-cache", a->rtl_cache,
                  "Cache of generated RTL builds (default $SNNCOSIM_RTL_CACHE, else ~/.cache/snncosim/rtl)");
  cmd->add_option("--rtl-opt", a->rtl_opt,
                  "C++ optimisation of a new generated build (default -O2; -O1 builds in about half the time at "
                  "the same speed on small designs, for campaigns; not part of the cache key)")
      ->check(CLI::IsMember({"-O0", "-O1", "-O2", "-O3"}));
  cmd->callback([a, &global] { run_cosim_command(*a, global); });
}

}  // namespace snncosim::cli
