#pragma once
// `snncosim import` as one library call: NIR file -> float network -> integer model file,
// and, given an experiment's data, the float-vs-integer comparison of the imported network
// over the test split and the integer spike traces of the first samples (docs/interop.md).
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "snncosim/export/compare.h"
#include "snncosim/export/settings.h"
#include "snncosim/interop/float_model.h"
#include "snncosim/interop/nir_import.h"

namespace snncosim::nn {
class batch_source;
}

namespace snncosim::interop {

struct import_request {
  std::filesystem::path nir;
  std::filesystem::path model_out;   // empty: no model file (`infer --nir` only compares)
  std::filesystem::path traces_out;  // empty: no trace file (needs `experiment`)
  std::string experiment;            // optional: its dataset (test split) and quantization section
  std::vector<std::string> sets;     // overrides of the experiment, e.g. quantization.weight_bits=4
  import_options lowering;
  std::optional<int> weight_bits;    // override of the quantization section (or the defaults)
  std::optional<bool> per_channel;
  std::size_t trace_samples = 8;     // samples written to traces_out
  std::size_t eval_samples = 0;      // samples compared (0: the whole test split)
  bool progress = true;
};

struct import_outcome {
  float_model floats;
  numerics::quant_model model;
  export_::quantization_settings settings;
  std::optional<export_::comparison_report> report;  // with an experiment
};

// Writes model_out (and traces_out) atomically after everything else has succeeded.
// bad_input for an unsupported graph (nir_import.h), an unreadable file, data whose shape
// differs from the graph's input, or traces_out without an experiment.
import_outcome run_import(const import_request& request);

struct evaluation_options {
  std::size_t samples = 0;        // 0: all
  std::size_t trace_samples = 0;  // integer results kept for a trace file
  bool progress = true;
};

// Float (run_float_model) vs integer (numerics golden model) over `data`, both on the same
// binary input spikes (frame value > model.input_threshold): accuracies, per-layer spike
// agreement, and the integer results of the first trace_samples samples.
export_::comparison_report evaluate_import(const float_model& floats, const numerics::quant_model& model,
                                           nn::batch_source& data, const evaluation_options& options);

}  // namespace snncosim::interop
