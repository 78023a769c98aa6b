#include "snncosim/explore/inputs.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "snncosim/common/error.h"
#include "snncosim/numerics/integer_inference.h"
#include "snncosim/numerics/model_file.h"

namespace snncosim::explore {

simulation_inputs load_simulation_inputs(const std::string& model, const std::string& hardware,
                                         const std::vector<std::string>& sets, const std::string& platform) {
  simulation_inputs in;
  in.model = numerics::read_model_file(model);
  in.hardware_doc = config::load(hardware, config::parse_overrides(sets), "hardware");
  if (platform.empty()) {
    in.hw = sc_models::resolve_hardware(in.hardware_doc, in.model);
  } else {
    in.platform_doc = config::load(platform, {}, "platform");
    in.hw = sc_models::resolve_hardware(in.hardware_doc, *in.platform_doc, in.model);
  }
  return in;
}

trace_samples read_trace_samples(const numerics::trace_reader& reader, const std::string& traces, std::size_t count,
                                 const numerics::quant_model& model, const std::string& model_name) {
  trace_samples out;
  const std::size_t n = std::min(count, reader.num_samples());
  for (std::size_t i = 0; i < n; ++i) {
    const numerics::trace_sample sample = reader.read_sample(i);
    numerics::check_trace_matches_model(sample, i, traces, model, model_name);
    out.indices.push_back(sample.sample_index);
    out.inputs.push_back({sample.result.input.spikes, sample.result.num_steps});
    out.last_steps = sample.result.num_steps;
  }
  return out;
}

std::unique_ptr<explore_inputs> load_explore_inputs(const std::string& model, const std::string& hardware,
                                                    const std::string& platform,
                                                    const std::vector<std::string>& sets) {
  // Every caller has a platform (a required option, or the run folder's platform.yaml).
  if (platform.empty()) throw bad_input("the resource model needs a platform YAML (--platform)");
  simulation_inputs s = load_simulation_inputs(model, hardware, sets, platform);
  auto in = std::make_unique<explore_inputs>();
  in->model = std::move(s.model);
  in->hw = std::move(s.hw);
  in->platform = read_platform(*s.platform_doc);
  in->hardware_file = hardware;
  return in;
}

workload load_workload(const numerics::quant_model& model, const std::string& traces, int samples) {
  if (samples < 0) throw bad_input(fmt::format("--samples must be >= 0, got {}", samples));
  const numerics::trace_reader reader(traces);
  std::size_t n = reader.num_samples();
  if (samples > 0) n = std::min(n, static_cast<std::size_t>(samples));
  if (n == 0) throw bad_input(fmt::format("{}: no samples", traces));
  workload w;
  w.engines = engine_shapes(model);
  const bool recorded = reader.meta().source == "integer";
  for (std::size_t i = 0; i < n; ++i) {
    numerics::trace_sample s = reader.read_sample(i);
    numerics::check_trace_matches_model(s, i, traces, model, "the model");
    if (!recorded)
      s.result = numerics::run_integer_inference(model, s.result.input.spikes, s.result.num_steps);
    w.samples.push_back(extract_activity(model, w.engines, s.result));
  }
  spdlog::info("explore: workload of {} samples from {} ({})", n, traces,
               recorded ? "recorded integer spikes" : "golden model run");
  return w;
}

}  // namespace snncosim::explore
