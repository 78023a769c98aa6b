#pragma once
// What `export` and `infer` share: an experiment's trained checkpoint loaded into its
// network, exported to the integer model, and compared float vs integer on the test split.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "snncosim/common/config.h"
#include "snncosim/export/compare.h"
#include "snncosim/export/export_model.h"
#include "snncosim/export/settings.h"
#include "snncosim/nn/experiment.h"
#include "snncosim/nn/network.h"

namespace snncosim::export_ {

struct trained_model_options {
  std::string experiment;
  std::vector<std::string> sets;
  std::string checkpoint;         // empty: <output_dir>/<name>/best.bin, else checkpoint.bin
  std::size_t eval_samples = 0;   // 0: the whole test split
  std::size_t trace_samples = 0;  // integer results kept for a trace file
  bool membranes = false;         // kept results with per-step membranes (export --membranes)
  bool progress = true;
};

struct trained_model_comparison {
  std::filesystem::path checkpoint;
  quantization_settings settings;
  export_result exported;
  comparison_report report;
  std::optional<comparison_report> fake_quant_report;  // QAT: vs the fake-quantized net
};

trained_model_comparison compare_trained_model(const trained_model_options& options);

// JSON of the comparison shared by `export --json` and `infer --json`.
nlohmann::json comparison_json(const trained_model_options& options, const trained_model_comparison& c);
// Human-readable lines of the same.
std::string comparison_text(const trained_model_comparison& c);

}  // namespace snncosim::export_
