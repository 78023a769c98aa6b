#pragma once
// Reporting of TLM simulation results (JSON and text), shared by `simulate` and
// `bench simulate`.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "snncosim/numerics/integer_inference.h"
#include "snncosim/sc_models/accelerator.h"

namespace snncosim::cli {

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

}  // namespace snncosim::cli
