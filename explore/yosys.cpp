#include "snncosim/explore/yosys.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <sys/resource.h>

#include <fmt/format.h>

#include "snncosim/tb/rtl_design.h"

namespace snncosim::explore {

std::filesystem::path engine_skeleton_sv() { return SNNCOSIM_ENGINE_SKELETON; }

bool yosys_available() { return std::system("yosys -V > /dev/null 2>&1") == 0; }

namespace {
// LUTs per LUT-RAM / shift-register primitive (UG574).
const std::map<std::string, double>& lutram_luts_per_cell() {
  static const std::map<std::string, double> lutram = {
      {"RAM32M16", 8}, {"RAM64M8", 8}, {"RAM32M", 4}, {"RAM64M", 4}, {"RAM32X1D", 2}, {"RAM64X1D", 2},
      {"RAM128X1D", 4}, {"RAM256X1D", 8}, {"RAM32X1S", 1}, {"RAM64X1S", 1}, {"RAM128X1S", 2}, {"RAM256X1S", 4},
      {"RAM512X1S", 8}, {"SRL16E", 1}, {"SRLC32E", 1}, {"SRLC16E", 1}};
  return lutram;
}
}  // namespace

double xilinx_lutram_luts(const std::map<std::string, long>& cells) {
  double luts = 0;
  for (const auto& [t, n] : cells)
    if (auto l = lutram_luts_per_cell().find(t); l != lutram_luts_per_cell().end()) luts += static_cast<double>(n) * l->second;
  return luts;
}

resources count_xilinx_cells(const std::map<std::string, long>& cells) {
  resources r;
  r.lut = xilinx_lutram_luts(cells);
  for (const auto& [t, n] : cells) {
    const auto d = static_cast<double>(n);
    if (t.rfind("LUT", 0) == 0 || t == "INV")
      r.lut += d;
    else if (t.rfind("FD", 0) == 0)
      r.ff += d;
    else if (t.rfind("RAMB36", 0) == 0)
      r.bram36 += d;
    else if (t.rfind("RAMB18", 0) == 0)
      r.bram36 += d / 2.0;
    else if (t.rfind("URAM", 0) == 0)
      r.uram += d;
    else if (t.rfind("DSP", 0) == 0)
      r.dsp += d;
  }
  return r;
}

resources count_xilinx_cells(const nlohmann::json& stat, std::map<std::string, long>* cells) {
  const auto counts = stat.at("design").at("num_cells_by_type").get<std::map<std::string, long>>();
  if (cells != nullptr) *cells = counts;
  return count_xilinx_cells(counts);
}

int parse_ltp_length(const std::string& report) {
  static const std::regex re(R"(Longest topological path in \S+ \(length=(\d+)\))");
  int best = -1;
  for (auto it = std::sregex_iterator(report.begin(), report.end(), re); it != std::sregex_iterator(); ++it)
    best = std::max(best, std::stoi((*it)[1].str()));
  return best;
}

double parse_yosys_cpu_seconds(const std::string& log) {
  static const std::regex re(R"(CPU: user ([0-9.]+)s system ([0-9.]+)s)");
  double cpu = -1;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), re); it != std::sregex_iterator(); ++it)
    cpu = std::stod((*it)[1].str()) + std::stod((*it)[2].str());
  return cpu;
}

namespace {
std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// `synth`: extra synth_xilinx options. The RTL is flattened: Yosys 0.23 writes invalid
// `stat -json` for a hierarchy (calibrate_rtl.sh flattens too).
yosys_result run_script(const std::string& script_body, const std::string& top, const std::string& family,
                        const std::string& synth, const std::filesystem::path& workdir) {
  std::filesystem::create_directories(workdir);
  const std::filesystem::path json = workdir / "stat.json";
  const std::filesystem::path log = workdir / "yosys.log";
  const std::filesystem::path ltp = workdir / "ltp.txt";
  std::filesystem::remove(json);
  std::filesystem::remove(ltp);
  // The timing proxy: the longest path of logic cells, flip-flops and block/ultra RAMs and
  // shift registers cut (ltp -noff alone does not know the Xilinx flip-flops).
  const std::string script = fmt::format(
      "{}; synth_xilinx {}-family {} -noiopad -noclkbuf -top {}; tee -q -o {} stat -json; "
      "tee -q -o {} ltp -noff t:FD* t:RAMB* %u t:URAM* %u t:SRL* %u %n",
      script_body, synth, family, top, json.string(), ltp.string());
  const std::string cmd = fmt::format("yosys -q -l '{}' -p '{}' > /dev/null 2>&1", log.string(), script);
  // CPU of the whole process tree (the shell, Yosys and its ABC children): the log's own
  // "CPU: user" line counts the Yosys process only, without ABC.
  auto children_cpu = [] {
    rusage ru{};
    ::getrusage(RUSAGE_CHILDREN, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           1e-6 * static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
  };
  const double cpu0 = children_cpu();
  const auto t0 = std::chrono::steady_clock::now();
  const int rc = std::system(cmd.c_str());
  yosys_result out;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out.cpu_seconds = children_cpu() - cpu0;
  out.top = top;
  if (rc != 0 || !std::filesystem::exists(json))
    throw std::runtime_error(fmt::format("yosys failed (exit {}); log: {}", rc, log.string()));
  std::ifstream in(json);
  const nlohmann::json stat = nlohmann::json::parse(in);
  out.used = count_xilinx_cells(stat, &out.cells);
  out.ltp = parse_ltp_length(slurp(ltp));
  out.yosys_cpu_seconds = parse_yosys_cpu_seconds(slurp(log));
  return out;
}
}  // namespace

yosys_result run_yosys_sources(const std::vector<std::filesystem::path>& files, const std::string& top,
                               const std::string& family, const std::filesystem::path& workdir) {
  std::string list;
  for (const auto& f : files) {
    list += ' ';
    list += f.string();
  }
  return run_script("read_verilog -sv" + list, top, family, "-flatten ", workdir);
}

std::vector<std::filesystem::path> engine_rtl_sources() {
  // rtl/sources.txt, read by the generator's one reader; the modules the engine does not
  // instantiate cost nothing.
  return tb::rtl_sources();
}

std::filesystem::path engine_rtl_top() { return std::filesystem::path(SNNCOSIM_RTL_DIR) / "layer_engine/snn_layer_engine.sv"; }

yosys_result run_yosys_rtl(const rtl_engine_params& p, const std::string& family, const std::filesystem::path& workdir) {
  std::string files;
  for (const auto& f : engine_rtl_sources()) {
    files += ' ';
    files += f.string();
  }
  const std::string body = fmt::format(
      "read_verilog -sv{}; chparam -set Lanes {} -set ChunkW {} -set SpikeWords {} -set WeightWords {} "
      "-set AccWords {} -set MemWords {} -set ChanWords {} -set MaxFrame {} -set FifoDepth {} -set MaxRate {} "
      "-set MaxLatency {} snn_layer_engine",
      files, p.lanes, p.chunk, p.spike_words, p.weight_words, p.acc_words, p.mem_words, p.chan_words, p.max_frame,
      p.fifo_depth, p.max_rate, p.max_latency);
  return run_script(body, "snn_layer_engine", family, "-flatten ", workdir);
}

yosys_result run_yosys(const engine_params& p, const std::string& family, const std::filesystem::path& workdir) {
  // Off-chip weights have no on-chip memory: a two-word stand-in keeps the datapath.
  const int wdepth = p.weight_kind == sc_models::memory_kind::offchip ? 2 : p.wdepth;
  const std::string body = fmt::format(
      "read_verilog -sv {}; chparam -set N {} -set PENC {} -set SDEPTH {} -set WBITS {} -set WWIDTH {} -set WDEPTH {} "
      "-set ACC {} -set MEM {} -set ADEPTH {} -set MDEPTH {} -set FDEPTH {} -set EBITS {} snn_layer_engine_skeleton",
      engine_skeleton_sv().string(), p.n, p.penc, p.sdepth, p.wbits, p.wwidth, wdepth, p.acc, p.mem, p.adepth,
      p.mdepth, p.fdepth, p.ebits);
  return run_script(body, "snn_layer_engine_skeleton", family, "", workdir);
}

}  // namespace snncosim::explore
