// snncosim_xilinx_cells FILE: the resource counts of Xilinx primitives, for the calibration
// scripts of explore/rtl_model. FILE is a Yosys `stat -json` document or a plain JSON object of
// cell type -> count. Prints one CSV row: lut,ff,bram36,uram,dsp,lutram_luts.
// Exit 2 with one `error:` line on unreadable input.
#include <cstdio>
#include <fstream>
#include <map>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "snncosim/explore/yosys.h"

int main(int argc, char** argv) {
  namespace ex = snncosim::explore;
  if (argc != 2) {
    std::fputs("error: usage: snncosim_xilinx_cells STAT_JSON\n", stderr);
    return 2;
  }
  const std::string file = argv[1];
  std::map<std::string, long> cells;
  try {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot open");
    const nlohmann::json j = nlohmann::json::parse(in);
    cells = j.contains("design") ? j.at("design").at("num_cells_by_type").get<std::map<std::string, long>>()
                                 : j.get<std::map<std::string, long>>();
  } catch (const std::exception& e) {
    std::fputs(fmt::format("error: {}: not a Yosys stat -json document or cell-count object: {}\n", file, e.what()).c_str(),
               stderr);
    return 2;
  }
  const ex::resources r = ex::count_xilinx_cells(cells);
  std::fputs(fmt::format("{},{},{},{},{},{}\n", r.lut, r.ff, r.bram36, r.uram, r.dsp, ex::xilinx_lutram_luts(cells)).c_str(),
             stdout);
  return 0;
}
