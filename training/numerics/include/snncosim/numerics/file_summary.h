#pragma once
// Summaries of the model and spike-trace files (`snncosim inspect model|trace`,
// docs/formats.md): JSON, and the human-readable lines of the same.
#include <string>

#include <nlohmann/json.hpp>

#include "snncosim/numerics/quant_model.h"
#include "snncosim/numerics/trace_file.h"

namespace snncosim::numerics {

// Header, provenance and per-layer shapes, widths and neuron constants; throws bad_input
// for a model that does not validate (named by `path`).
nlohmann::json model_summary(const std::string& path, const quant_model& m);
// Metadata and per-sample, per-layer spike counts, reading one sample at a time.
nlohmann::json trace_summary(const std::string& path, const trace_reader& t);
std::string model_summary_text(const nlohmann::json& summary);
std::string trace_summary_text(const nlohmann::json& summary);

}  // namespace snncosim::numerics
