#include "snncosim/tb/rtl_design.h"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <unistd.h>
#include <sstream>

#include <fmt/format.h>

#include "snncosim/common/atomic_file.h"
#include "snncosim/common/error.h"

namespace snncosim::tb {

namespace {

int bits_for(long v) {  // bits to hold 0..v
  int b = 1;
  while ((1L << b) <= v) ++b;
  return b;
}
int clog2(long v) {  // SystemVerilog $clog2
  int b = 0;
  while ((1L << b) < v) ++b;
  return b;
}
long pow2_at_least(long v) {
  long p = 1;
  while (p < v) p *= 2;
  return p;
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw bad_input(fmt::format("{}: cannot read the RTL source", p.string()));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// FNV-1a, 64 bits, twice with different offsets: a 128-bit cache key (not a security hash).
std::string content_hash(const std::vector<std::pair<std::string, std::string>>& files) {
  std::uint64_t a = 0xcbf29ce484222325ull, b = 0x84222325cbf29ce4ull;
  auto mix = [&](const std::string& s) {
    for (unsigned char c : s) {
      a = (a ^ c) * 0x100000001b3ull;
      b = (b ^ c) * 0x100000001b3ull;
    }
    a = (a ^ 0xFF) * 0x100000001b3ull;
    b = (b ^ 0xFE) * 0x100000001b3ull;
  };
  for (const auto& [name, text] : files) {
    mix(name);
    mix(text);
  }
  return fmt::format("{:016x}{:016x}", a, b);
}

// "    .Name(value)" lines of a parameter override list.
std::string param_list(const std::vector<sv_param>& params) {
  std::string s;
  for (std::size_t k = 0; k < params.size(); ++k)
    s += fmt::format("{}    .{}({})", k == 0 ? "" : ",\n", params[k].name, params[k].value);
  return s;
}

// Registers as one SystemVerilog literal, register i at bits [i*w +: w].
template <std::size_t N>
std::string packed_literal(const std::array<std::uint32_t, N>& regs, int w) {
  std::string s = fmt::format("{}'h", N * static_cast<std::size_t>(w));
  for (std::size_t i = N; i-- > 0;) s += fmt::format("{:0{}x}", regs[i] & (w == 32 ? 0xFFFFFFFFu : ((1u << w) - 1)), w / 4);
  return s;
}

// The mutated copy of `file`, or nothing when the mutation's anchor is not in it
// (rtl/mutate/snn-mutate exits 2 then).
std::optional<std::string> mutated_copy(const std::string& mutation, const std::filesystem::path& file) {
  const auto tmp = std::filesystem::temp_directory_path() /
                   fmt::format("snncosim-mutant-{}-{}", ::getpid(), file.filename().string());
  const std::string cmd = fmt::format("python3 '{}' '{}' '{}' '{}' > /dev/null 2>&1",
                                      (rtl_source_dir() / "mutate/snn-mutate").string(), mutation, file.string(),
                                      tmp.string());
  if (std::system(cmd.c_str()) != 0) return std::nullopt;
  std::string text = read_text(tmp);
  std::filesystem::remove(tmp);
  return text;
}

// The design files, with the mutation (if any) applied to the one file holding its anchor.
std::vector<std::pair<std::filesystem::path, std::string>> design_files(const std::string& mutation) {
  std::vector<std::pair<std::filesystem::path, std::string>> out;
  int mutated = 0;
  for (const auto& f : rtl_sources()) {
    std::optional<std::string> m = mutation.empty() ? std::nullopt : mutated_copy(mutation, f);
    if (m) ++mutated;
    out.emplace_back(f, m ? *m : read_text(f));
  }
  if (!mutation.empty() && mutated != 1)
    throw bad_input(fmt::format("rtl mutation '{}': its anchor is in {} files of rtl/sources.txt, expected one "
                                "(rtl/mutate/snn-mutate --list)",
                                mutation, mutated));
  return out;
}

}  // namespace

std::filesystem::path rtl_source_dir() {
  // An override for trying RTL outside this checkout (e.g. a branch in another worktree).
  if (const char* p = std::getenv("SNNCOSIM_RTL_DIR"); p != nullptr && *p != '\0') return p;
  return SNNCOSIM_RTL_DIR;
}

std::vector<std::filesystem::path> rtl_sources() {
  const auto dir = rtl_source_dir();
  std::ifstream in(dir / "sources.txt");
  if (!in) throw bad_input(fmt::format("{}: cannot read the RTL file list", (dir / "sources.txt").string()));
  std::vector<std::filesystem::path> out;
  std::string line;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    out.push_back(dir / line.substr(first, line.find_last_not_of(" \t\r") + 1 - first));
  }
  return out;
}

nlohmann::json rtl_design::manifest() const {
  nlohmann::json j;
  j["schema"] = "snncosim.rtl_design/1";
  j["hash"] = hash;
  j["top"] = top_module;
  j["steps"] = steps;
  j["mutation"] = mutation;
  j["packet"] = {{"step_bits", 8}, {"channel_bits", chan_bits}, {"coordinate_bits", coord_bits}};
  for (const auto& e : engines) {
    nlohmann::json p;
    for (const auto& sp : e.params)
      if (sp.name != "FixedCfg") p[sp.name] = sp.value;
    p["FixedCfg"] = e.image.regs;
    j["engines"].push_back({{"layer", e.layer_name}, {"parameters", p}});
  }
  for (const auto& l : links) j["links"].push_back({{"registers", l.image.regs}});
  for (const auto& s : sources) j["sources"].push_back(s.filename().string());
  return j;
}

rtl_design generate_rtl(const numerics::quant_model& model, const sc_models::hardware_config& hw, int steps,
                        const std::string& mutation) {
  if (steps < 1 || steps > 255) throw bad_input(fmt::format("rtlgen: {} time steps (the RTL counts steps in 8 bits: 1..255)", steps));
  const auto shapes = numerics::validate(model);
  rtl_design d;
  d.steps = steps;
  d.mutation = mutation;
  std::vector<std::size_t> neuron;
  for (std::size_t i = 0; i < model.layers.size(); ++i)
    if (model.layers[i].is_neuron_layer()) neuron.push_back(i);
  if (neuron.empty()) throw bad_input("rtlgen: the model has no neuron layer");
  if (neuron.size() != hw.layers.size())
    throw bad_input(fmt::format("rtlgen: hardware '{}' describes {} layer engines, the model has {} neuron layers", hw.name,
                                hw.layers.size(), neuron.size()));
  if (neuron.size() > 255) throw bad_input("rtlgen: more than 255 neuron layers (the load port selects engines in 8 bits)");

  // Generous bounds: make_engine_image checks the layer against them; the instance sizes
  // below are then exact.
  engine_limits open;
  open.lanes = 65535;
  open.spike_words = open.weight_words = open.acc_words = open.mem_words = INT_MAX;
  open.chan_words = 65535;
  open.max_frame = 65535;
  open.fifo_depth = 65535;
  open.max_rate = 64;
  open.max_latency = 256;  // off-chip weights: a delay line of this many stages
  open.max_coordinate = 65535;

  long max_channel = 1, max_coord = 1;
  for (std::size_t e = 0; e < neuron.size(); ++e) {
    const std::size_t i = neuron[e];
    const auto& l = model.layers[i];
    const auto& h = hw.layers[e];
    generated_engine g;
    g.layer_index = i;
    g.layer_name = l.name;
    g.geometry = sc_models::engine_geometry_of(model, shapes, i);
    g.hw = h;
    g.slots = std::min(steps, sc_models::input_slots(e, hw.mode, steps));
    if (h.penc_width_bits < 2 || h.penc_width_bits > 1024 || (h.penc_width_bits & (h.penc_width_bits - 1)) != 0)
      throw bad_input(fmt::format("layer {}: penc_width_bits {} (the RTL priority encoder takes powers of two 2..1024)",
                                  l.name, h.penc_width_bits));
    if (h.router_events_per_cycle < 1 || h.router_events_per_cycle > open.max_rate)
      throw bad_input(fmt::format("layer {}: router_events_per_cycle {} (the RTL router drains 1..{} per cycle)", l.name,
                                  h.router_events_per_cycle, open.max_rate));
    engine_limits lim = open;
    lim.chunk_bits = h.penc_width_bits;
    g.image = make_engine_image(l, g.geometry, h, steps, lim);
    g.image.regs[31] = static_cast<std::uint32_t>(g.slots);
    // More cores than channels: one pass whose surplus cores never hold a neuron. The
    // engine is built with a lane per channel, so its lane count is the channel count.
    if (h.neuron_cores > l.out_channels) g.image.regs[10] = static_cast<std::uint32_t>(l.out_channels);
    const int n = h.neuron_cores, oc = l.out_channels;
    const long passes = (oc + n - 1) / n;
    const long rows = g.image.regs[30];
    const long full_pos = static_cast<long>(g.geometry.core.full.height) * g.geometry.core.full.width;
    const long out_pos = static_cast<long>(g.geometry.core.out.height) * g.geometry.core.out.width;
    auto& s = g.limits;
    s.chunk_bits = h.penc_width_bits;
    s.lanes = std::min(n, oc);  // lanes beyond the channels would never hold a neuron
    s.spike_words = static_cast<int>(std::max(2L, static_cast<long>(g.slots) * g.geometry.frames * g.image.chunks));
    s.weight_words = static_cast<int>(std::max(2L, rows * passes));
    s.acc_words = static_cast<int>(std::max(2L, full_pos * passes));
    s.mem_words = static_cast<int>(std::max(2L, out_pos * passes));
    s.chan_words = static_cast<int>(std::max(2L, passes));
    // The address lists are indexed {buffer, position}: a power of two per buffer.
    s.max_frame = static_cast<int>(std::max(2L, pow2_at_least(g.geometry.frame_bits)));
    s.fifo_depth = h.spike_fifo_depth;
    s.max_rate = h.router_events_per_cycle;
    s.max_latency = std::max({1, h.spike_read_latency_cycles, h.weight_memory.read_latency_cycles,
                              h.membrane_memory.read_latency_cycles});
    for (long words : {static_cast<long>(s.spike_words), static_cast<long>(s.weight_words), static_cast<long>(s.acc_words),
                       static_cast<long>(s.mem_words)})
      if (words > (1L << 30))
        throw bad_input(fmt::format("layer {}: a memory of {} words per lane (the load port addresses 2^30)", l.name, words));
    if (g.geometry.frame_bits > 65535)
      throw bad_input(fmt::format("layer {}: a frame of {} bits (the address lists hold 16-bit positions)", l.name,
                                  g.geometry.frame_bits));
    max_channel = std::max(max_channel, static_cast<long>(oc - 1));
    max_coord = std::max({max_coord, static_cast<long>(g.geometry.core.out.height - 1),
                          static_cast<long>(g.geometry.core.out.width - 1)});
    d.engines.push_back(std::move(g));
  }
  d.chan_bits = bits_for(max_channel);
  d.coord_bits = bits_for(max_coord);
  if (d.chan_bits > 16 || d.coord_bits > 16)
    throw bad_input("rtlgen: more than 65536 channels or positions per row (packets carry 16-bit fields)");

  const bool pipelined = hw.mode == sc_models::pipeline_mode::timestep_pipelined;
  for (std::size_t e = 0; e + 1 < d.engines.size(); ++e) {
    const auto& next = d.engines[e + 1];
    engine_limits lim = open;
    lim.chunk_bits = next.hw.penc_width_bits;
    generated_link k;
    k.image = make_link_image(model, neuron[e], neuron[e + 1], next.geometry, next.slots, pipelined, steps, lim);
    k.params = {{"ChunkW", std::to_string(next.limits.chunk_bits)},
                {"SpikeWords", std::to_string(next.limits.spike_words)},
                {"MaxRate", std::to_string(d.engines[e].limits.max_rate)},
                {"MaxWin", std::to_string(k.image.windows)},
                {"Fixed", "1'b1"},
                {"FixedCfg", packed_literal(k.image.regs, 16)},
                {"ChanW", std::to_string(d.chan_bits)},
                {"CoordW", std::to_string(d.coord_bits)}};
    // One bit-set port per departure and window holding it (overlapping pools: several).
    d.engines[e + 1].set_ports = d.engines[e].limits.max_rate * k.image.windows * k.image.windows;
    d.links.push_back(std::move(k));
  }
  for (auto& g : d.engines) {
    const auto& s = g.limits;
    g.params = {{"ChunkW", std::to_string(s.chunk_bits)},       {"SpikeWords", std::to_string(s.spike_words)},
                {"MaxLatency", std::to_string(s.max_latency)},  {"Lanes", std::to_string(s.lanes)},
                {"WeightWords", std::to_string(s.weight_words)}, {"AccWords", std::to_string(s.acc_words)},
                {"MemWords", std::to_string(s.mem_words)},      {"ChanWords", std::to_string(s.chan_words)},
                {"MaxFrame", std::to_string(s.max_frame)},      {"FifoDepth", std::to_string(s.fifo_depth)},
                {"MaxRate", std::to_string(s.max_rate)},        {"SetPorts", std::to_string(g.set_ports)},
                {"Fixed", "1'b1"},                              {"FixedCfg", packed_literal(g.image.regs, 32)},
                {"ChanW", std::to_string(d.chan_bits)},         {"CoordW", std::to_string(d.coord_bits)}};
  }

  // Sources, with the mutated copy in place of its file.
  std::vector<std::pair<std::string, std::string>> files;
  for (auto& [path, text] : design_files(mutation)) {
    d.sources.push_back(path);
    d.source_texts.push_back(text);
    files.emplace_back(path.filename().string(), std::move(text));
  }

  // ---- the top
  const int pkt = d.packet_bits();
  const std::size_t n_eng = d.engines.size();
  std::string ports, body;
  for (std::size_t e = 0; e < n_eng; ++e) {
    const auto& s = d.engines[e].limits;
    const int cnt_w = clog2(s.max_rate + 1), lane_w = clog2(s.lanes + 1);
    ports += fmt::format(
        ",\n  // engine {e}: {name}\n"
        "  output logic [7:0] e{e}_in_ready_o,\n  output logic [7:0] e{e}_out_free_o,\n"
        "  output logic e{e}_busy_o,\n  output logic e{e}_step_done_o,\n"
        "  output logic [{cw}:0] e{e}_out_count_o,\n  output logic [{od}:0] e{e}_out_data_o,\n"
        "  output logic [{lw}:0] e{e}_push_count_o,\n  output logic [{pd}:0] e{e}_push_data_o,\n"
        "  output logic e{e}_wb_valid_o,\n  output logic [{l}:0] e{e}_wb_lanes_o,\n"
        "  output logic [{l}:0] e{e}_wb_spikes_o,\n  output logic [{wm}:0] e{e}_wb_mem_o,\n"
        "  output logic [15:0] e{e}_wb_pass_o,\n  output logic [15:0] e{e}_wb_pos_o",
        fmt::arg("e", e), fmt::arg("name", d.engines[e].layer_name), fmt::arg("cw", cnt_w - 1),
        fmt::arg("od", s.max_rate * pkt - 1), fmt::arg("lw", lane_w - 1), fmt::arg("pd", s.lanes * pkt - 1),
        fmt::arg("l", s.lanes - 1), fmt::arg("wm", s.lanes * 32 - 1));
  }
  for (std::size_t e = 0; e < n_eng; ++e) {
    const auto& g = d.engines[e];
    const auto& s = g.limits;
    const int sets = std::max(1, g.set_ports), aw = clog2(s.spike_words), bw = clog2(s.chunk_bits);
    const int lane_w = clog2(s.lanes + 1);
    const std::string params = param_list(g.params);
    body += fmt::format(
        "\n  // ---- engine {e}: layer {name}\n"
        "  logic            e{e}_next_valid;\n  logic [7:0]      e{e}_next_step;\n"
        "  logic [{sv}:0]   e{e}_set_valid;\n  logic [{sa}:0]   e{e}_set_addr;\n  logic [{sb}:0]   e{e}_set_bit;\n"
        "  // Waiver: the step under activation is observed through step_done.\n"
        "  /* verilator lint_off UNUSEDSIGNAL */\n  logic [7:0]      e{e}_step;\n  /* verilator lint_on UNUSEDSIGNAL */\n"
        "  snn_layer_engine #(\n{params}\n  ) u_e{e} (\n"
        "    .clk_i,\n    .rst_ni,\n"
        "    .load_valid_i     (load_valid_i && load_engine_i == 8'd{e} && load_target_i != 3'd7),\n"
        "    .load_target_i,\n    .load_lane_i      ({lane_w}'(load_lane_i)),\n    .load_addr_i,\n    .load_data_i,\n"
        "    .start_i,\n    .steps_i,\n    .set_valid_i      (e{e}_set_valid),\n    .set_addr_i       (e{e}_set_addr),\n"
        "    .set_bit_i        (e{e}_set_bit),\n"
        "    .in_steps_ready_i (e{e}_in_ready_o),\n    .out_steps_free_i (e{e}_out_free_o),\n"
        "    .busy_o           (e{e}_busy_o),\n    .step_done_o      (e{e}_step_done_o),\n    .step_o           (e{e}_step),\n"
        "    .out_count_o      (e{e}_out_count_o),\n    .out_data_o       (e{e}_out_data_o),\n"
        "    .next_valid_o     (e{e}_next_valid),\n    .next_step_o      (e{e}_next_step),\n"
        "    .push_count_o     (e{e}_push_count_o),\n    .push_data_o      (e{e}_push_data_o),\n"
        "    .wb_valid_o       (e{e}_wb_valid_o),\n    .wb_lanes_o       (e{e}_wb_lanes_o),\n"
        "    .wb_spikes_o      (e{e}_wb_spikes_o),\n    .wb_mem_o         (e{e}_wb_mem_o),\n"
        "    .wb_pass_o        (e{e}_wb_pass_o),\n    .wb_pos_o         (e{e}_wb_pos_o)\n  );\n",
        fmt::arg("e", e), fmt::arg("name", g.layer_name), fmt::arg("sv", sets - 1), fmt::arg("sa", sets * aw - 1),
        fmt::arg("sb", sets * bw - 1), fmt::arg("params", params), fmt::arg("lane_w", lane_w));
    if (e == 0)
      body += "  // The first engine's input is preloaded whole: every step ready, no set ports.\n"
              "  assign e0_in_ready_o = 8'hFF;\n  assign e0_set_valid = '0;\n  assign e0_set_addr = '0;\n"
              "  assign e0_set_bit = '0;\n";
    if (e + 1 == n_eng)
      body += fmt::format("  // The output stream is never back-pressured.\n  assign e{}_out_free_o = 8'hFF;\n", e);
  }
  for (std::size_t e = 0; e + 1 < n_eng; ++e) {
    const auto& k = d.links[e];
    const std::string params = param_list(k.params);
    body += fmt::format(
        "\n  // ---- spike link {e} -> {n}\n"
        "  snn_spike_link #(\n{params}\n  ) u_link{e} (\n"
        "    .clk_i,\n    .rst_ni,\n    .cfg_we_i              (1'b0),\n    .cfg_addr_i            (4'd0),\n"
        "    .cfg_data_i            (16'd0),\n    .start_i,\n    .steps_i,\n"
        "    .prod_count_i          (e{e}_out_count_o),\n    .prod_data_i           (e{e}_out_data_o),\n"
        "    .prod_next_valid_i     (e{e}_next_valid),\n    .prod_next_step_i      (e{e}_next_step),\n"
        "    .prod_step_done_i      (e{e}_step_done_o),\n    .prod_out_steps_free_o (e{e}_out_free_o),\n"
        "    .cons_step_done_i      (e{n}_step_done_o),\n    .cons_in_steps_ready_o (e{n}_in_ready_o),\n"
        "    .set_valid_o           (e{n}_set_valid),\n    .set_addr_o            (e{n}_set_addr),\n"
        "    .set_bit_o             (e{n}_set_bit)\n  );\n",
        fmt::arg("e", e), fmt::arg("n", e + 1), fmt::arg("params", params));
  }
  const std::size_t last = n_eng - 1;
  const auto& ls = d.engines[last].limits;
  std::string busy;
  for (std::size_t e = 0; e < n_eng; ++e) busy += fmt::format("{}e{}_busy_o", e == 0 ? "" : " | ", e);
  // The last engine's next_valid/next_step feed no link.
  std::string unused = fmt::format("  // Waiver: the last engine's queue head feeds no link.\n"
                                   "  /* verilator lint_off UNUSEDSIGNAL */\n  logic e{0}_tail_unused;\n"
                                   "  assign e{0}_tail_unused = e{0}_next_valid ^ ^e{0}_next_step;\n"
                                   "  /* verilator lint_on UNUSEDSIGNAL */\n",
                                   last);
  d.top_sv = fmt::format(
      "// Generated by `snncosim rtlgen` (tb/rtlgen/rtl_design.cpp) for one model and hardware\n"
      "// configuration: {n} layer engines and {nl} spike links, every size and constant fixed at\n"
      "// elaboration. Do not edit; regenerate. Load port: load_engine_i selects the engine,\n"
      "// load_target_i 1-6 its memories (docs/rtl.md §2); there are no configuration registers.\n"
      "module {top} (\n"
      "  input  logic        clk_i,\n  input  logic        rst_ni,\n"
      "  input  logic        load_valid_i,\n  input  logic [7:0]  load_engine_i,\n"
      "  input  logic [2:0]  load_target_i,\n"
      "  // Waiver: one lane field for every engine; narrower engines use its low bits.\n"
      "  /* verilator lint_off UNUSEDSIGNAL */\n  input  logic [15:0] load_lane_i,\n"
      "  /* verilator lint_on UNUSEDSIGNAL */\n"
      "  input  logic [31:0] load_addr_i,\n  input  logic [31:0] load_data_i,\n"
      "  input  logic        start_i,\n"
      "  input  logic [7:0]  steps_i,       // time steps of the sample (up to the built {steps})\n"
      "  output logic        busy_o,\n"
      "  // output spike stream: the last engine's router departures\n"
      "  output logic [{ocw}:0] out_count_o,\n  output logic [{odw}:0] out_data_o{ports}\n);\n{body}\n{unused}"
      "  assign out_count_o = e{last}_out_count_o;\n  assign out_data_o  = e{last}_out_data_o;\n"
      "  assign busy_o      = {busy};\nendmodule\n",
      fmt::arg("n", n_eng), fmt::arg("nl", n_eng - 1), fmt::arg("top", d.top_module), fmt::arg("steps", steps),
      fmt::arg("ocw", clog2(ls.max_rate + 1) - 1), fmt::arg("odw", ls.max_rate * pkt - 1), fmt::arg("ports", ports),
      fmt::arg("body", body), fmt::arg("unused", unused), fmt::arg("last", last), fmt::arg("busy", busy));
  files.emplace_back(d.top_module + ".sv", d.top_sv);
  files.emplace_back("mutation", mutation);
  d.hash = content_hash(files);
  return d;
}

std::string engine_wrapper_sv(const rtl_design& d, std::size_t e, const std::string& name) {
  const auto& g = d.engines.at(e);
  const std::string params = param_list(g.params);
  const auto& s = g.limits;
  const int pkt = d.packet_bits(), sets = std::max(1, g.set_ports);
  const int aw = clog2(s.spike_words), bw = clog2(s.chunk_bits), lane_w = clog2(s.lanes + 1), cnt_w = clog2(s.max_rate + 1);
  return fmt::format(
      "// Generated by `snncosim rtlgen`: engine {e} (layer {layer}) of design {hash} on its own.\n"
      "module {name} (\n  input logic clk_i,\n  input logic rst_ni,\n  input logic load_valid_i,\n"
      "  input logic [2:0] load_target_i,\n  input logic [{lw}:0] load_lane_i,\n  input logic [31:0] load_addr_i,\n"
      "  input logic [31:0] load_data_i,\n  input logic start_i,\n  input logic [7:0] steps_i,\n  input logic [{sv}:0] set_valid_i,\n"
      "  input logic [{sa}:0] set_addr_i,\n  input logic [{sb}:0] set_bit_i,\n  input logic [7:0] in_steps_ready_i,\n"
      "  input logic [7:0] out_steps_free_i,\n  output logic busy_o,\n  output logic step_done_o,\n"
      "  output logic [7:0] step_o,\n  output logic [{cw}:0] out_count_o,\n  output logic [{od}:0] out_data_o,\n"
      "  output logic next_valid_o,\n  output logic [7:0] next_step_o,\n  output logic [{lw}:0] push_count_o,\n"
      "  output logic [{pd}:0] push_data_o,\n  output logic wb_valid_o,\n  output logic [{l}:0] wb_lanes_o,\n"
      "  output logic [{l}:0] wb_spikes_o,\n  output logic [{wm}:0] wb_mem_o,\n  output logic [15:0] wb_pass_o,\n"
      "  output logic [15:0] wb_pos_o\n);\n  snn_layer_engine #(\n{params}\n  ) u_engine (.*);\nendmodule\n",
      fmt::arg("e", e), fmt::arg("layer", g.layer_name), fmt::arg("hash", d.hash), fmt::arg("name", name),
      fmt::arg("lw", lane_w - 1), fmt::arg("sv", sets - 1), fmt::arg("sa", sets * aw - 1), fmt::arg("sb", sets * bw - 1),
      fmt::arg("cw", cnt_w - 1), fmt::arg("od", s.max_rate * pkt - 1), fmt::arg("pd", s.lanes * pkt - 1),
      fmt::arg("l", s.lanes - 1), fmt::arg("wm", s.lanes * 32 - 1), fmt::arg("params", params));
}

void write_design(const rtl_design& d, const std::filesystem::path& dir, const nlohmann::json& provenance) {
  ensure_output_folder(dir);
  std::string list;
  // The texts the hash was taken of: no second read of rtl/, no second mutation run.
  for (std::size_t i = 0; i < d.sources.size(); ++i) {
    write_file_atomic((dir / d.sources[i].filename()).string(), d.source_texts[i]);
    list += d.sources[i].filename().string() + "\n";
  }
  write_file_atomic((dir / (d.top_module + ".sv")).string(), d.top_sv);
  list += d.top_module + ".sv\n";
  write_file_atomic((dir / "files.f").string(), list);
  nlohmann::json m = d.manifest();
  if (provenance.is_object()) m.update(provenance);
  write_file_atomic((dir / "manifest.json").string(), m.dump(2) + "\n");
}

}  // namespace snncosim::tb
