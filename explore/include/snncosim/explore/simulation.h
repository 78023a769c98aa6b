#pragma once
// Trace replay through the TLM accelerator model with the spike check against the golden
// integer inference (`snncosim simulate`, whose JSON explore's top-k confirmation reads), and
// its report (JSON and text), shared with `bench simulate`.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "snncosim/numerics/integer_inference.h"
#include "snncosim/sc_models/accelerator.h"

namespace snncosim::explore {

struct spike_check {
  bool match = true;
  std::string against;
  std::string first_difference;  // "layer conv2 step 3 neuron (c, y, x): expected 1, got 0"
};

spike_check compare_spikes(const numerics::inference_result& got, const numerics::inference_result& expected,
                           const std::string& against);

struct report_context {
  std::string model, traces, hardware, platform;
};

nlohmann::json simulation_json(const sc_models::simulation_result& r, const std::vector<spike_check>& checks,
                               const std::vector<std::int64_t>& sample_indices, const report_context& ctx);
std::string simulation_text(const sc_models::simulation_result& r, const std::vector<spike_check>& checks,
                            const report_context& ctx);

struct simulation_request {
  std::string model, traces, hardware, platform;  // platform may be empty
  std::vector<std::string> sets;                  // hardware overrides "key=value"
  int samples = 0;                                // the first N samples (0: all)
  std::string vcd;                                // block-level signals as VCD (empty: none)
  std::string log;                                // transaction log file (empty: none)
};

struct simulation_outcome {
  nlohmann::json json;
  std::string text;
  std::vector<spike_check> checks;  // one per sample
};

// Loads the inputs (bad_input before any output is opened), simulates, checks each sample's
// spikes against the golden model and, when the traces came from it, the recorded spikes.
simulation_outcome simulate_traces(const simulation_request& request);
// The TLM speed benchmark: VGG9 at channel scale 0.25 (SNN-DSE DVS shapes) with seeded random
// weights and input spikes; the spike check against the golden model runs after the timed part.
struct simulate_bench_request {
  int samples = 4;
  int steps = 5;
  double density = 0.05;
  std::string mode = "layer_sequential";
  std::uint64_t seed = 1;
  int neuron_cores = 16;
  double weight_offset = 0.0;  // mean of the uniform [-1, 1) weights, before fan-in scaling
  double weight_gain = 4.0;
  std::string write_files;  // directory: also write the workload as model.h5 + trace.h5
};

struct simulate_bench_outcome {
  nlohmann::json json;
  std::string text;
  std::vector<spike_check> checks;
};

simulate_bench_outcome simulate_bench(const simulate_bench_request& request);

// Throws std::runtime_error (exit 1) naming the first sample whose spikes differ.
void check_spikes(const std::vector<spike_check>& checks);

}  // namespace snncosim::explore
