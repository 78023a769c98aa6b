#pragma once
// The HDF5 model file (docs/formats.md §2): topology, integer and float weights, scales,
// neuron parameters, numerics version and provenance. Written atomically.
#include <filesystem>

#include "snncosim/numerics/quant_model.h"

namespace snncosim::numerics {

inline constexpr int model_format_version = 1;
inline constexpr const char* model_format_name = "snncosim.model";

// Validates the model, then writes it via a temporary file and rename.
void write_model_file(const std::filesystem::path& path, const quant_model& m);

// Reads and validates a model file. bad_input (naming the file and the HDF5 object) for a
// missing or corrupt/truncated file, another format, a newer format or numerics version,
// a missing group/dataset/attribute, or an inconsistent model.
quant_model read_model_file(const std::filesystem::path& path);

}  // namespace snncosim::numerics
