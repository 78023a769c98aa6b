#pragma once
// Float (oneDNN, eval mode) vs integer (numerics golden model) inference over a data split:
// accuracies, per-layer spike agreement, and integer spike traces of the first samples.
// Both sides see the same binary input spikes: frame value > input_threshold (the float
// network gets them as 0/1 floats), docs/numerics.md §7.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "snncosim/export/export_model.h"
#include "snncosim/numerics/trace_file.h"

namespace snncosim::nn {
class batch_source;
}

namespace snncosim::export_ {

struct layer_agreement {
  std::string name;
  double agreement = 0;          // equal spike bits / all bits (neurons x steps x samples)
  std::int64_t float_spikes = 0;
  std::int64_t integer_spikes = 0;
  std::int64_t bits = 0;
};

struct comparison_report {
  std::size_t samples = 0;
  double float_accuracy = 0;
  double integer_accuracy = 0;
  double prediction_agreement = 0;  // same predicted class
  std::vector<layer_agreement> layers;  // one per quant layer
  std::vector<numerics::trace_sample> traces;  // integer results of the first trace_samples
};

// Class tallies of a float-vs-integer comparison, shared by `export` and `import` (interop).
class prediction_tally {
 public:
  // Population-coded output spike counts -> class: the first maximal count (docs/export.md);
  // -1 without classes.
  static int predict(const std::vector<std::int64_t>& counts);
  void add(int float_class, int integer_class, std::int32_t label);
  // Accuracies and agreements of `r` (layers' agreement = equal bits / bits).
  void finish(comparison_report& r) const;

 private:
  std::size_t m_float_correct = 0;
  std::size_t m_integer_correct = 0;
  std::size_t m_same = 0;
};

struct compare_options {
  std::size_t samples = 0;        // 0: the whole split
  std::size_t trace_samples = 0;  // integer results kept for the trace file
  bool record_membranes = false;  // the kept results also hold every neuron layer's m_t per step
  int batch = 16;                 // float mini-batch
  bool progress = true;
};

// Configures `net` for (data.time_steps(), batch): parameters keep their values.
comparison_report compare_float_integer(nn::network& net, const export_result& exported, nn::batch_source& data,
                                        const compare_options& options);

}  // namespace snncosim::export_
