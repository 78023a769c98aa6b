#pragma once
// Everything about a network's activity that the accelerator's timing depends on
// (docs/hardware.md §5: only spike counts and positions), extracted once from the golden
// integer inference so that many hardware configurations can be scored without SystemC.
#include <cstdint>
#include <string>
#include <vector>

#include "snncosim/numerics/integer_inference.h"
#include "snncosim/numerics/quant_model.h"

namespace snncosim::explore {

// Static shape of one layer engine (one conv or linear layer).
struct engine_shape {
  std::string name;
  numerics::layer_kind kind = numerics::layer_kind::conv;
  int frames = 1;          // input frames per step (conv: input channels, linear: 1)
  int frame_bits = 0;      // bits per frame
  int taps = 1;            // K*K (conv) or 1
  int out_channels = 0;
  int positions = 1;       // output positions per channel
  int pool_reads = 1;      // q = max(1, current_pool_kernel^2)
  int weight_bits = 8;
  std::int64_t weight_storage_bits = 0;
  numerics::tensor_shape out;   // output shape (after current pooling)
  numerics::tensor_shape full;  // accumulator shape (before current pooling)
  const numerics::quant_layer* layer = nullptr;
};

// One sample's activity per engine.
struct engine_activity {
  std::vector<std::uint32_t> frame_spikes;  // [t * frames + f]
  std::vector<std::uint64_t> valid_taps;    // [t]: valid (spike, tap) pairs of the step
  // [t]: output spikes of the step as pos * out_channels + c, ascending (position, then channel)
  std::vector<std::vector<std::uint32_t>> out_spikes;
  std::uint64_t input_spikes = 0;
};

struct sample_activity {
  int steps = 0;
  std::vector<engine_activity> engines;
};

struct workload {
  std::vector<engine_shape> engines;
  std::vector<sample_activity> samples;
};

// Engine shapes of a model (its conv and linear layers in order). The model must outlive
// the result (engine_shape::layer points into it).
std::vector<engine_shape> engine_shapes(const numerics::quant_model& model);

// Activity of one sample from its golden-model run.
sample_activity extract_activity(const numerics::quant_model& model, const std::vector<engine_shape>& shapes,
                                 const numerics::inference_result& run);

// Runs the golden model over every sample (input spikes [T][C][H][W], T per sample).
workload make_workload(const numerics::quant_model& model, const std::vector<std::vector<std::uint8_t>>& inputs,
                       const std::vector<int>& steps);

}  // namespace snncosim::explore
