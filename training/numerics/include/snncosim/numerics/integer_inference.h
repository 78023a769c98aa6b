#pragma once
// The golden model: runs a quant_model over one sample's input spike frames with the
// integer semantics of docs/numerics.md, in plain loops (clarity over speed). The TLM
// model and the RTL must reproduce its spikes bit for bit.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "snncosim/numerics/quant_model.h"

namespace snncosim::numerics {

// Spikes of one layer (or of the input) over all steps: dense bits [T][C][H][W].
struct spike_record {
  std::string name;
  tensor_shape shape;
  std::vector<std::uint8_t> spikes;         // 0/1, [T][C][H][W]
  std::vector<std::int64_t> counts;         // [T] spikes per step
  std::vector<std::int32_t> membrane;       // [T][C][H][W] stored m_t, only when recorded
  std::int64_t total() const;
  bool spike(int t, int c, int y, int x) const {
    return spikes[static_cast<std::size_t>(((std::int64_t{t} * shape.channels + c) * shape.height + y) *
                                               shape.width + x)] != 0;
  }
};

struct inference_result {
  int num_steps = 0;
  spike_record input;
  std::vector<spike_record> layers;  // one per model layer, in order
  // Output-layer spike counts per class (population code, contiguous groups) and the
  // argmax (first maximal index), when the model declares num_classes; else empty / -1.
  std::vector<std::int64_t> class_counts;
  int predicted_class = -1;
};

struct inference_options {
  bool record_membrane = false;  // store m_t of every neuron layer
};

// Per-layer spike agreement of two runs (e.g. float engine vs integer golden model):
// the fraction of (t, c, y, x) positions where both spiked or both stayed silent, and the
// spike totals. Throws std::invalid_argument when shapes or step counts differ.
struct spike_agreement {
  std::int64_t positions = 0;
  std::int64_t equal = 0;
  std::int64_t spikes_a = 0;
  std::int64_t spikes_b = 0;
  double fraction() const { return positions == 0 ? 1.0 : static_cast<double>(equal) / static_cast<double>(positions); }
};
spike_agreement compare_spikes(const spike_record& a, const spike_record& b);

// Input frames [T][C][H][W] (event counts or any real value) -> spikes value > threshold.
std::vector<std::uint8_t> encode_input(std::span<const float> frames, double input_threshold);

// Runs the model. `input_spikes` is [T][C][H][W] with the model's input shape, 0/1.
// Throws bad_input when the sizes do not match.
inference_result run_integer_inference(const quant_model& m, std::span<const std::uint8_t> input_spikes,
                                       int num_steps, const inference_options& options = {});

}  // namespace snncosim::numerics
