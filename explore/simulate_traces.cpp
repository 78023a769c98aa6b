#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "snncosim/common/atomic_file.h"
#include "snncosim/common/error.h"
#include "snncosim/explore/inputs.h"
#include "snncosim/explore/simulation.h"

namespace snncosim::explore {

simulation_outcome simulate_traces(const simulation_request& a) {
  namespace nx = numerics;
  // Output locations are checked first: a bad one must not cost a simulation.
  if (!a.vcd.empty()) check_output_file(a.vcd);
  if (!a.log.empty()) check_output_file(a.log);
  const simulation_inputs in = load_simulation_inputs(a.model, a.hardware, a.sets, a.platform);
  const nx::quant_model& model = in.model;
  const sc_models::hardware_config& hw = in.hw;
  // Streamed: only the input spikes of the simulated samples stay in memory.
  const nx::trace_reader traces(a.traces);
  if (a.samples < 0) throw bad_input(fmt::format("--samples must be >= 0, got {}", a.samples));
  std::size_t n = traces.num_samples();
  if (a.samples > 0) n = std::min(n, static_cast<std::size_t>(a.samples));
  if (n == 0) throw bad_input(fmt::format("{}: no samples to simulate", a.traces));
  // Checked before any output is opened: a trace of another model must not leave a VCD behind.
  const trace_samples samples = read_trace_samples(traces, a.traces, n, model, a.model);
  const std::vector<sc_models::sample_input>& inputs = samples.inputs;
  sc_models::simulation_options opt;
  opt.vcd_path = a.vcd;
  opt.transaction_log = !a.log.empty();
  spdlog::info("simulate: {} samples, hardware '{}' ({}), {} MHz", n, hw.name, sc_models::to_string(hw.mode),
               hw.clock_mhz);
  // Golden model and, when the traces came from it, the recorded spikes: checked sample by
  // sample during the run, so the simulated spikes need not be kept.
  simulation_outcome out;
  std::vector<spike_check>& checks = out.checks;
  checks.resize(n);
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

  const report_context ctx{a.model, a.traces, in.hardware_doc.file().string(), a.platform};
  out.json = simulation_json(res, checks, samples.indices, ctx);
  out.text = simulation_text(res, checks, ctx);
  return out;
}

void check_spikes(const std::vector<spike_check>& checks) {
  for (const auto& c : checks)
    if (!c.match) throw std::runtime_error("simulated spikes differ from the golden model: " + c.first_difference);
}

}  // namespace snncosim::explore
