#pragma once
// Runs Yosys synth_xilinx on one layer engine and counts its cells as resources.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "snncosim/explore/resource_model.h"

namespace snncosim::explore {

struct yosys_result {
  resources used;
  std::map<std::string, long> cells;  // cell type -> count
  double seconds = 0;
  std::string top;                    // module synthesised
};

// The SV file and top module used for an engine: rtl/layer_engine/layer_engine.sv when the
// RTL exists in the source tree, else the skeleton explore/rtl_model/layer_engine_est.sv.
std::filesystem::path engine_skeleton_sv();

// Counts Xilinx primitives of a `stat -json` document: LUT1-6 + INV + LUT RAMs (in LUTs),
// FD* flip-flops, RAMB36 + RAMB18 / 2, URAM288, DSP48.
resources count_xilinx_cells(const nlohmann::json& stat, std::map<std::string, long>* cells = nullptr);

// Synthesises the skeleton with the engine's parameters (`family`: xc7 or xcup) in `workdir`.
// Throws std::runtime_error when yosys fails (its log is kept in workdir).
yosys_result run_yosys(const engine_params& p, const std::string& family, const std::filesystem::path& workdir);

// The RTL layer engine's sources (rtl/, in read order) and a synthesis of it with `p`'s sizes.
std::vector<std::filesystem::path> engine_rtl_sources();
yosys_result run_yosys_rtl(const rtl_engine_params& p, const std::string& family, const std::filesystem::path& workdir);

bool yosys_available();

}  // namespace snncosim::explore
