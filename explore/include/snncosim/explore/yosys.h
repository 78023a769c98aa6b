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
  double seconds = 0;                 // wall clock of the Yosys process
  double cpu_seconds = 0;             // CPU of the run (user + system of Yosys and its ABC children)
  double yosys_cpu_seconds = 0;       // the Yosys process alone (its log's "CPU: user" line, no ABC)
  int ltp = -1;                       // longest topological path after synth_xilinx, in cells
                                      // (ltp -noff without FD*, RAMB*, URAM*, SRL* cells); -1: not found
  std::string top;                    // module synthesised
};

// The resource skeleton of a layer engine, rtl/layer_engine/snn_layer_engine_skeleton.sv
// (what `--resource-model skeleton` was calibrated on).
std::filesystem::path engine_skeleton_sv();

// Counts Xilinx primitives (cell type -> count, as Yosys `stat` reports them): LUT1-6 + INV +
// LUT RAMs and shift registers (in LUTs), FD* flip-flops, RAMB36 + RAMB18 / 2, URAM288, DSP48.
// The one implementation of the counting: the calibration scripts use it through the
// snncosim_xilinx_cells tool.
resources count_xilinx_cells(const std::map<std::string, long>& cells);
// The LUTs that LUT RAMs and shift registers occupy (part of count_xilinx_cells' lut).
double xilinx_lutram_luts(const std::map<std::string, long>& cells);
// The same for a `stat -json` document; `cells` receives its cell counts.
resources count_xilinx_cells(const nlohmann::json& stat, std::map<std::string, long>* cells = nullptr);

// Synthesises the skeleton with the engine's parameters (`family`: xc7 or xcup) in `workdir`.
// Throws std::runtime_error when yosys fails (its log is kept in workdir).
yosys_result run_yosys(const engine_params& p, const std::string& family, const std::filesystem::path& workdir);

// The RTL design files (rtl/sources.txt, in read order), the file of the programmable layer
// engine's top, and a synthesis of that engine with `p`'s sizes.
std::vector<std::filesystem::path> engine_rtl_sources();
std::filesystem::path engine_rtl_top();
yosys_result run_yosys_rtl(const rtl_engine_params& p, const std::string& family, const std::filesystem::path& workdir);

// Synthesises module `top` of the SystemVerilog `files` (read in order) flattened with
// synth_xilinx -flatten -family `family`, then measures the longest logic path (ltp).
// Throws std::runtime_error when yosys fails (its log is kept in workdir).
yosys_result run_yosys_sources(const std::vector<std::filesystem::path>& files, const std::string& top,
                               const std::string& family, const std::filesystem::path& workdir);

// "Longest topological path in M (length=N)" of an `ltp` report: the largest N, -1 if none.
int parse_ltp_length(const std::string& report);
// "CPU: user Us system Ss" of a Yosys log (its last occurrence): U + S, -1 if none.
double parse_yosys_cpu_seconds(const std::string& log);

bool yosys_available();

}  // namespace snncosim::explore
