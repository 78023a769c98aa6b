#include "explore_inputs.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "snncosim/common/error.h"
#include "snncosim/numerics/integer_inference.h"
#include "snncosim/numerics/model_file.h"
#include "snncosim/numerics/trace_file.h"

namespace snncosim::cli {

std::unique_ptr<explore_inputs> load_explore_inputs(const std::string& model, const std::string& hardware,
                                                    const std::string& platform,
                                                    const std::vector<std::string>& sets) {
  auto in = std::make_unique<explore_inputs>();
  in->model = numerics::read_model_file(model);
  std::vector<config::override_entry> overrides;
  for (const auto& s : sets) overrides.push_back(config::parse_override(s));
  const config::document hw_doc = config::load(hardware, overrides, "hardware");
  const config::document pf = config::load(platform, {}, "platform");
  in->hw = sc_models::resolve_hardware(hw_doc, pf, in->model);
  in->platform = explore::read_platform(pf);
  in->hardware_file = hardware;
  return in;
}

explore::workload load_workload(const numerics::quant_model& model, const std::string& traces, int samples) {
  if (samples < 0) throw bad_input(fmt::format("--samples must be >= 0, got {}", samples));
  const numerics::trace_reader reader(traces);
  std::size_t n = reader.num_samples();
  if (samples > 0) n = std::min(n, static_cast<std::size_t>(samples));
  if (n == 0) throw bad_input(fmt::format("{}: no samples", traces));
  explore::workload w;
  w.engines = explore::engine_shapes(model);
  const bool recorded = reader.meta().source == "integer";
  for (std::size_t i = 0; i < n; ++i) {
    numerics::trace_sample s = reader.read_sample(i);
    numerics::check_trace_matches_model(s, i, traces, model, "the model");
    if (!recorded)
      s.result = numerics::run_integer_inference(model, s.result.input.spikes, s.result.num_steps);
    w.samples.push_back(explore::extract_activity(model, w.engines, s.result));
  }
  spdlog::info("explore: workload of {} samples from {} ({})", n, traces,
               recorded ? "recorded integer spikes" : "golden model run");
  return w;
}

}  // namespace snncosim::cli
