// `snncosim simulate`: replays spike traces through the SystemC TLM accelerator model
// (docs/hardware.md) and checks its spikes against the golden integer inference.
#include <algorithm>
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "command.h"
#include "simulate_report.h"
#include "snncosim/common/atomic_file.h"
#include "snncosim/common/config.h"
#include "snncosim/common/error.h"
#include "snncosim/numerics/model_file.h"
#include "snncosim/numerics/trace_file.h"
#include "snncosim/sc_models/accelerator.h"
#include "json_text.h"

namespace snncosim::cli {

namespace {

struct simulate_args {
  std::string model, traces, hardware, platform, vcd, log;
  std::vector<std::string> sets;
  int samples = 0;
};

void run_simulate(const simulate_args& a, const global_options& global) {
  namespace nx = numerics;
  // Output locations are checked first: a bad one must not cost a simulation.
  if (!a.vcd.empty()) check_output_file(a.vcd);
  if (!a.log.empty()) check_output_file(a.log);
  const nx::quant_model model = nx::read_model_file(a.model);
  // Streamed: only the input spikes of the simulated samples stay in memory.
  const nx::trace_reader traces(a.traces);
  std::vector<config::override_entry> overrides;
  for (const auto& s : a.sets) overrides.push_back(config::parse_override(s));
  const config::document hw_doc = config::load(a.hardware, overrides, "hardware");
  sc_models::hardware_config hw;
  if (a.platform.empty()) {
    hw = sc_models::resolve_hardware(hw_doc, model);
  } else {
    hw = sc_models::resolve_hardware(hw_doc, config::load(a.platform, {}, "platform"), model);
  }
  if (a.samples < 0) throw bad_input(fmt::format("--samples must be >= 0, got {}", a.samples));
  std::size_t n = traces.num_samples();
  if (a.samples > 0) n = std::min(n, static_cast<std::size_t>(a.samples));
  if (n == 0) throw bad_input(fmt::format("{}: no samples to simulate", a.traces));
  std::vector<sc_models::sample_input> inputs;
  std::vector<std::int64_t> indices;
  for (std::size_t i = 0; i < n; ++i) {
    const nx::trace_sample sample = traces.read_sample(i);
    const auto& r = sample.result;
    indices.push_back(sample.sample_index);
    // Before any output is opened: a trace of another model must not leave a VCD behind.
    nx::check_trace_matches_model(sample, i, a.traces, model, a.model);
    inputs.push_back({r.input.spikes, r.num_steps});
  }
  sc_models::simulation_options opt;
  opt.vcd_path = a.vcd;
  opt.transaction_log = !a.log.empty();
  spdlog::info("simulate: {} samples, hardware '{}' ({}), {} MHz", n, hw.name, sc_models::to_string(hw.mode),
               hw.clock_mhz);
  // Golden model and, when the traces came from it, the recorded spikes: checked sample by
  // sample during the run, so the simulated spikes need not be kept.
  std::vector<spike_check> checks(n);
  opt.keep_spikes = false;
  opt.on_sample = [&](std::size_t i, const sc_models::sample_result& r) {
    try {
      const nx::inference_result gold = nx::run_integer_inference(model, inputs[i].spikes, inputs[i].num_steps);
      spike_check c = compare_spikes(r.spikes, gold, "integer inference");
      if (c.match && traces.meta().source == "integer") {
        const nx::trace_sample recorded = traces.read_sample(i);
        if (recorded.result.layers.size() == gold.layers.size())
          c = compare_spikes(r.spikes, recorded.result, "trace file");
      }
      checks[i] = c;
    } catch (const std::exception& e) {
      checks[i] = {false, "integer inference", e.what()};
    }
  };
  const sc_models::simulation_result res = sc_models::simulate(model, hw, inputs, opt);
  if (!a.log.empty()) write_file_atomic(a.log, res.transaction_log);

  report_context ctx{a.model, a.traces, hw_doc.file().string(), a.platform};
  const nlohmann::json j = simulation_json(res, checks, indices, ctx);
  if (global.json)
    std::cout << json_text(j) << "\n";
  else
    std::cout << simulation_text(res, checks, ctx);
  for (const auto& c : checks)
    if (!c.match) throw std::runtime_error("simulated spikes differ from the golden model: " + c.first_difference);
}

}  // namespace

void add_simulate_command(CLI::App& root, global_options& global) {
  auto a = std::make_shared<simulate_args>();
  auto* cmd = root.add_subcommand("simulate", "Replay spike traces through the TLM accelerator model");
  cmd->add_option("--model", a->model, "Model file (HDF5, docs/formats.md)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--traces", a->traces, "Spike-trace file; its input spikes drive the model")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--hardware", a->hardware, "Hardware YAML (yaml/hardware/)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--platform", a->platform, "Platform YAML (platforms/): clock and energy coefficients")
      ->check(CLI::ExistingFile);
  cmd->add_option("--set", a->sets, "Override a hardware key, e.g. --set layers.conv1.neuron_cores=8");
  cmd->add_option("--samples", a->samples, "Simulate only the first N samples (0: all)")->check(count_check());
  cmd->add_option("--vcd", a->vcd, "Write block-level signals as VCD");
  cmd->add_option("--log", a->log, "Write the transaction log (one line per compress/accumulate/activate)");
  cmd->callback([a, &global] { run_simulate(*a, global); });
}

}  // namespace snncosim::cli
