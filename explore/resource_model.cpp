#include "snncosim/explore/resource_model.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "snncosim/common/error.h"

namespace snncosim::explore {

namespace sm = sc_models;

platform_info read_platform(const config::document& platform) {
  platform_info p;
  p.name = platform.get<std::string>("name");
  p.family = platform.get<std::string>("family");
  p.yosys_family = p.family == "zynq7000" || p.family == "artix7" || p.family == "kintex7" ? "xc7" : "xcup";
  p.capacity.lut = platform.get<double>("resources.lut");
  p.capacity.ff = platform.get<double>("resources.ff");
  p.capacity.bram36 = platform.get<double>("resources.bram36");
  p.capacity.uram = platform.get<double>("resources.uram");
  p.capacity.dsp = platform.get<double>("resources.dsp");
  if (platform.has("offchip_memory.read_latency_cycles"))
    p.offchip_read_latency_cycles = platform.get<int>("offchip_memory.read_latency_cycles");
  return p;
}

namespace {
int clog2(long v) {
  int b = 0;
  while ((1L << b) < v) ++b;
  return b;
}
long ceil_div(long a, long b) { return (a + b - 1) / b; }
}  // namespace

engine_params engine_parameters(const engine_shape& sh, const sm::layer_hw_config& hw, sm::pipeline_mode mode,
                                std::size_t engine_index, int steps) {
  engine_params p;
  const int n = hw.neuron_cores;
  const long passes = ceil_div(sh.out_channels, n);
  p.n = n;
  p.penc = hw.penc_width_bits;
  const int slots = (engine_index == 0 || mode == sm::pipeline_mode::layer_sequential) ? std::max(1, steps) : 2;
  p.sdepth = static_cast<int>(std::max(2L, ceil_div(static_cast<long>(sh.frame_bits), p.penc) * sh.frames * slots));
  p.wbits = sh.weight_bits;
  p.wwidth = hw.weight_memory.width_bits * hw.weight_memory.ports;
  p.wdepth = static_cast<int>(std::max(2L, ceil_div(static_cast<long>(sh.weight_storage_bits), p.wwidth)));
  p.acc = sh.layer != nullptr ? sh.layer->widths.acc_bits : 16;
  p.mem = sh.layer != nullptr ? sh.layer->widths.mem_bits : 16;
  p.adepth = static_cast<int>(std::max(2L, passes * sh.full.height * sh.full.width));
  p.mdepth = static_cast<int>(std::max(2L, passes * sh.positions));
  p.fdepth = std::max(2, hw.spike_fifo_depth);
  p.ebits = std::max(8, clog2(static_cast<long>(sh.out.size())) + 8);
  p.weight_kind = hw.weight_memory.kind;
  p.membrane_kind = hw.membrane_memory.kind;
  return p;
}

namespace {
// at least 2: the RTL's address ports are $clog2(words) bits wide
int pow2_at_least(long v) {
  long p = 2;
  while (p < v) p *= 2;
  return static_cast<int>(p);
}
}  // namespace

rtl_engine_params rtl_engine_parameters(const engine_shape& sh, const sm::layer_hw_config& hw, sm::pipeline_mode mode,
                                        std::size_t engine_index, int steps) {
  rtl_engine_params p;
  const int n = hw.neuron_cores;
  const long passes = ceil_div(sh.out_channels, n);
  const bool conv = sh.kind == numerics::layer_kind::conv;
  const long rows = conv ? static_cast<long>(sh.frames) * sh.taps : sh.frame_bits;
  const int slots = (engine_index == 0 || mode == sm::pipeline_mode::layer_sequential) ? std::max(1, steps) : 2;
  p.lanes = n;
  p.chunk = hw.penc_width_bits;
  p.spike_words = pow2_at_least(ceil_div(sh.frame_bits, p.chunk) * sh.frames * slots);
  p.weight_words = pow2_at_least(rows * passes);
  p.acc_words = pow2_at_least(passes * sh.full.height * sh.full.width);
  p.mem_words = pow2_at_least(passes * sh.positions);
  p.chan_words = pow2_at_least(passes);
  p.max_frame = pow2_at_least(sh.frame_bits);
  p.fifo_depth = hw.spike_fifo_depth;
  p.max_rate = hw.router_events_per_cycle;
  p.max_latency = std::max({1, hw.spike_read_latency_cycles, hw.weight_memory.read_latency_cycles,
                            hw.membrane_memory.read_latency_cycles});
  return p;
}

const logic_coefficients& calibrated_coefficients() {
  // Least-squares fit to Yosys 0.23 synth_xilinx -family xcup on the calibration set of
  // docs/hardware.md §11 (explore/rtl_model/calibrate.sh).
  static const logic_coefficients k{75.54, -63.53, 8.781, 2.494, 1.770, 62.99, 2.366, 0.9315, 0.8551};
  return k;
}

double bram36_tiles(long depth, long width) {
  if (depth <= 0 || width <= 0) return 0;
  // RAMB18 shapes (depth, width); a RAMB36 is two of them.
  static const long d18[] = {512, 1024, 2048, 4096, 8192, 16384};
  static const long w18[] = {36, 18, 9, 4, 2, 1};
  long best = -1;
  for (int i = 0; i < 6; ++i) {
    const long n = ceil_div(depth, d18[i]) * ceil_div(width, w18[i]);
    if (best < 0 || n < best) best = n;
  }
  return static_cast<double>(best) / 2.0;
}

double lutram_luts(long depth, long width) {
  // Yosys maps 64-deep slices to RAM64M8 / RAM32M16; up to 128 deep it spends a quarter
  // more on the bank multiplexers (calibration set).
  const double luts = static_cast<double>(ceil_div(depth, 64) * width);
  return depth <= 128 ? 1.25 * luts : luts;
}

double uram_blocks(long depth, long width) { return static_cast<double>(ceil_div(depth, 4096) * ceil_div(width, 72)); }

namespace {
// A memory on the fabric. `bram` memories that synthesis puts into LUT RAM (Yosys 0.23
// synth_xilinx on the calibration set): up to 128 words, and up to 256 words for the
// read-only-per-step membrane banks (`small_ok`).
void add_memory(resources& r, sm::memory_kind kind, long depth, long width, bool small_ok, double* fabric_bits) {
  switch (kind) {
    case sm::memory_kind::offchip: return;
    case sm::memory_kind::uram: r.uram += uram_blocks(depth, width); return;
    case sm::memory_kind::lutram:
      r.lut += lutram_luts(depth, width);
      if (fabric_bits != nullptr) *fabric_bits += static_cast<double>(width);
      return;
    case sm::memory_kind::bram:
      if (depth <= 128 || (small_ok && depth <= 256)) {
        r.lut += lutram_luts(depth, width);
        if (fabric_bits != nullptr) *fabric_bits += static_cast<double>(width);
      } else {
        r.bram36 += bram36_tiles(depth, width);
      }
      return;
  }
}
}  // namespace

resources estimate_engine(const engine_params& p, const logic_coefficients& k) {
  resources r;
  double fabric_bits = 0;  // lane memory bits read through fabric registers (LUT RAM)
  add_memory(r, sm::memory_kind::bram, p.sdepth, p.penc, false, nullptr);
  add_memory(r, p.weight_kind, p.wdepth, p.wwidth, false, nullptr);
  for (int i = 0; i < p.n; ++i) {
    add_memory(r, p.membrane_kind, p.adepth, p.acc, false, &fabric_bits);
    add_memory(r, p.membrane_kind, p.mdepth, p.mem, true, &fabric_bits);
  }
  r.lut += lutram_luts(p.fdepth, p.ebits);
  r.lut += k.lut0 + k.lut_lane * p.n + k.lut_lane_bit * p.n * p.acc + k.lut_penc * p.penc + k.lut_port_bit * p.wwidth;
  r.ff += k.ff0 + k.ff_lane * p.n + k.ff_fabric_bit * fabric_bits + k.ff_penc * p.penc;
  r.dsp = p.n;  // the leak multiply of each lane
  return r;
}

namespace {
// Least-squares fit to Yosys 0.23 synth_xilinx -flatten -family xcup of the RTL engine on the
// calibration set of docs/hardware.md §11 (explore/rtl_model/calibrate_rtl.sh ->
// calibration_rtl_xcup.csv). Logic LUTs: the memories are counted separately.
struct rtl_coefficients {
  double lut0, lut_lane, lut_chunk, lut_lat, lut_lat_lane;  // 1, Lanes, ChunkW, MaxLatency, MaxLatency * Lanes
  double ff0, ff_lat, ff_lat_lane, ff_fifo;                 // 1, MaxLatency, MaxLatency * Lanes, FifoDepth
};
const rtl_coefficients& rtl_calibrated() {
  static const rtl_coefficients k{7618.3, 3335.7, 17.8, 743.9, 167.2, 404.8, 325.2, 99.4, 12.0};
  return k;
}
// Synchronous-read RAMs (snn_ram_1r1w) of up to this many bits become LUT RAM in Yosys 0.23,
// larger ones block RAM (calibration set).
constexpr long rtl_lutram_max_bits = 2048;

// LUTs of a LUT RAM with one write and one read port as Yosys 0.23 maps the RTL's memories:
// RAM32M16 (32 x 14 bits) up to 32 words, else RAM64M8 (64 x 7 bits), 8 LUTs each.
double rtl_lutram_luts(long depth, long width) {
  if (depth <= 32) return 8.0 * static_cast<double>(ceil_div(width, 14));
  return 8.0 * static_cast<double>(ceil_div(depth, 64) * ceil_div(width, 7));
}

int address_bits(long words) {
  int b = 1;
  while ((1L << b) < words) ++b;
  return b;
}
}  // namespace

resources estimate_rtl_engine(const rtl_engine_params& p) {
  resources r;
  auto sync_ram = [&](long depth, long width, int copies) {
    if (depth * width <= rtl_lutram_max_bits)
      r.lut += copies * rtl_lutram_luts(depth, width);
    else
      r.bram36 += copies * bram36_tiles(depth, width);
  };
  sync_ram(p.spike_words, p.chunk, 1);
  sync_ram(p.weight_words, 16, p.lanes);
  sync_ram(p.acc_words, 32, p.lanes);
  sync_ram(p.mem_words, 32, p.lanes);
  // asynchronous reads: the two address lists and each lane's gains and biases
  r.lut += rtl_lutram_luts(2L * p.max_frame, 16) + 2.0 * p.lanes * rtl_lutram_luts(p.chan_words, 32);
  const rtl_coefficients& k = rtl_calibrated();
  // MaxLatency: the run-time-selected taps of every RAM pipeline and delay line
  r.lut += k.lut0 + k.lut_lane * p.lanes + k.lut_chunk * p.chunk + k.lut_lat * p.max_latency +
           k.lut_lat_lane * p.max_latency * p.lanes;
  r.ff += k.ff0 + k.ff_lat * p.max_latency + k.ff_lat_lane * p.max_latency * p.lanes + k.ff_fifo * p.fifo_depth;
  // 19 per lane: the four 64-bit multiplies of snn_neuron_step split into DSP48E2 tiles; 4
  // for the index arithmetic, plus 4 per address bit above 8 (up to 2; a multiply goes into a
  // DSP only from 9 result bits on). Fitted by hand on the calibration set.
  const int aw = address_bits(std::max({p.spike_words, p.weight_words, p.acc_words}));
  r.dsp += 4.0 + 19.0 * p.lanes + 4.0 * std::clamp(aw - 8, 0, 2);
  return r;
}

bool rtl_synthesis_bounded(const rtl_engine_params& p) {
  // up to the package's sizes (rtl/layer_engine/snn_engine_pkg.sv), where the calibration and
  // the check at the package took at most 160 s of Yosys CPU
  return p.lanes <= 4 && p.chunk <= 32 && p.max_frame <= 2048 && p.spike_words <= 16384 && p.weight_words <= 16384 &&
         p.acc_words <= 16384 && p.mem_words <= 16384 && p.chan_words <= 64 && p.fifo_depth <= 16 && p.max_rate <= 4 &&
         p.max_latency <= 4;
}

const resources& rtl_model_error() {
  static const resources e{0.03, 0.08, 0.5, 0, 2.0};
  return e;
}

spec_engine_params specialised_engine_parameters(const engine_shape& sh, const sm::hardware_config& hw,
                                                 std::size_t engine_index, int steps) {
  // tb::generate_rtl (tb/rtlgen/rtl_design.cpp) sets the engine's parameters so; the yosys
  // test checks the two agree.
  const sm::layer_hw_config& h = hw.layers.at(engine_index);
  spec_engine_params p;
  const int n = h.neuron_cores;
  const long passes = ceil_div(sh.out_channels, n);
  p.conv = sh.kind == numerics::layer_kind::conv;
  const long rows = p.conv ? static_cast<long>(sh.frames) * sh.taps : sh.frame_bits;
  // sc_models::input_slots: every step, except two behind a time-step pipelined link
  const int slots = (engine_index == 0 || hw.mode == sm::pipeline_mode::layer_sequential) ? steps : std::min(2, steps);
  const long chunks = ceil_div(sh.frame_bits, h.penc_width_bits);
  p.lanes = std::min(n, sh.out_channels);
  p.chunk = h.penc_width_bits;
  p.spike_words = static_cast<int>(std::max(2L, static_cast<long>(slots) * sh.frames * chunks));
  p.weight_words = static_cast<int>(std::max(2L, rows * passes));
  p.acc_words = static_cast<int>(std::max(2L, static_cast<long>(sh.full.height) * sh.full.width * passes));
  p.mem_words = static_cast<int>(std::max(2L, static_cast<long>(sh.out.height) * sh.out.width * passes));
  p.chan_words = static_cast<int>(std::max(2L, passes));
  p.max_frame = std::max(2, pow2_at_least(sh.frame_bits));
  p.fifo_depth = h.spike_fifo_depth;
  p.max_rate = h.router_events_per_cycle;
  p.max_latency = std::max({1, h.spike_read_latency_cycles, h.weight_memory.read_latency_cycles,
                            h.membrane_memory.read_latency_cycles});
  p.set_ports = engine_index == 0 ? 0 : hw.layers.at(engine_index - 1).router_events_per_cycle;
  return p;
}

namespace {
// Least-squares fit to Yosys 0.23 synth_xilinx -flatten -family xcup of engines generated by
// tb::generate_rtl (Fixed = 1) on the calibration set of docs/hardware.md §11.2
// (explore/rtl_model/calibrate_specialised.sh -> calibration_spec_xcup.csv, fitted by
// fit_specialised.py). Logic only: the RAMs are priced by rule (spec_memories).
struct spec_term {
  const char* name;
  double (*feature)(const spec_engine_params&);
  double coefficient;
};
double set_bits(const spec_engine_params& p) {
  return p.set_ports > 0 ? static_cast<double>(p.spike_words) * p.chunk : 0.0;
}
double one(const spec_engine_params&) { return 1.0; }
double conv(const spec_engine_params& p) { return p.conv ? 1.0 : 0.0; }
double lanes(const spec_engine_params& p) { return p.lanes; }
double lat_lanes(const spec_engine_params& p) { return static_cast<double>(p.max_latency) * p.lanes; }
// LUT = 1401 + 736 Conv + 2.48 SetBits + 1653 MaxLatency*Lanes + 112.9 Lanes^2 + RAM LUTs
const spec_term spec_lut_terms[] = {
    {"1", one, 1400.94},
    {"Conv", conv, 736.033},
    {"SetBits", set_bits, 2.4817},
    {"MaxLatency*Lanes", lat_lanes, 1653.25},
    {"Lanes*Lanes", [](const spec_engine_params& p) { return static_cast<double>(p.lanes) * p.lanes; }, 112.94}};
// FF = 603 + 37.2 Lanes*Linear + 0.991 SetBits + 3.79 FifoDepth*Lanes + 71.9 MaxLatency*Lanes
const spec_term spec_ff_terms[] = {
    {"1", one, 602.972},
    {"Lanes*Linear", [](const spec_engine_params& p) { return p.conv ? 0.0 : static_cast<double>(p.lanes); }, 37.1838},
    {"SetBits", set_bits, 0.990698},
    {"FifoDepth*Lanes", [](const spec_engine_params& p) { return static_cast<double>(p.fifo_depth) * p.lanes; }, 3.79176},
    {"MaxLatency*Lanes", lat_lanes, 71.8965}};
// DSP = -0.19 + 8.72 Lanes + 5.41 Conv
const spec_term spec_dsp_terms[] = {{"1", one, -0.191083}, {"Lanes", lanes, 8.71975}, {"Conv", conv, 5.40552}};
template <std::size_t N>
double spec_sum(const spec_term (&terms)[N], const spec_engine_params& p) {
  double v = 0;
  for (const auto& t : terms) v += t.coefficient * t.feature(p);
  return v;
}

// A synchronous-read RAM (snn_ram_1r1w) as Yosys 0.23 maps it: LUT RAM or block RAM,
// whichever memory_libmap costs less (techlibs/xilinx: 16 per 64 x 7 LUT-RAM cell scaled by
// the width used, 129 per RAMB18).
void spec_sync_ram(resources& r, long depth, long width, int copies) {
  const double lutram_cost = 16.0 * static_cast<double>(ceil_div(depth, 64)) * static_cast<double>(width) / 7.0;
  const double tiles = bram36_tiles(depth, width);
  if (lutram_cost < 129.0 * 2.0 * tiles)
    r.lut += copies * rtl_lutram_luts(depth, width);
  else
    r.bram36 += copies * tiles;
}
}  // namespace

resources estimate_specialised_engine(const spec_engine_params& p) {
  resources r;
  // Engine 0's spike memory is a 1R1W RAM; behind a spike link it is snn_spike_ram, a
  // register array with bit-set ports (priced by the fitted terms, SetBits).
  if (p.set_ports == 0) spec_sync_ram(r, p.spike_words, p.chunk, 1);
  spec_sync_ram(r, p.weight_words, 16, p.lanes);
  spec_sync_ram(r, p.acc_words, 32, p.lanes);
  spec_sync_ram(r, p.mem_words, 32, p.lanes);
  // asynchronous reads: the two address lists, and each lane's gains and biases (two read
  // sites each, so two copies)
  r.lut += rtl_lutram_luts(2L * p.max_frame, 16) + 4.0 * p.lanes * rtl_lutram_luts(p.chan_words, 32);
  r.lut += spec_sum(spec_lut_terms, p);
  r.ff += spec_sum(spec_ff_terms, p);
  r.dsp += spec_sum(spec_dsp_terms, p);
  return r;
}

const resources& specialised_model_error() {
  // leave-one-out maxima on the calibration set (docs/hardware.md §11.2): LUT 34.5 %, FF
  // 19.9 %, BRAM36 1 tile (13 of 14 exact), DSP 6.6
  static const resources e{0.35, 0.20, 1.0, 0, 7.0};
  return e;
}

resource_model_kind parse_resource_model(const std::string& name) {
  if (name == "specialised" || name == "specialized") return resource_model_kind::specialised;
  if (name == "rtl") return resource_model_kind::rtl;
  if (name == "skeleton") return resource_model_kind::skeleton;
  throw bad_input(fmt::format("--resource-model '{}': expected specialised, rtl or skeleton", name));
}

const char* to_string(resource_model_kind k) {
  switch (k) {
    case resource_model_kind::specialised: return "specialised";
    case resource_model_kind::rtl: return "rtl";
    case resource_model_kind::skeleton: return "skeleton";
  }
  return "?";
}

std::vector<resources> estimate_engines(const std::vector<engine_shape>& shapes, const sm::hardware_config& hw,
                                        int steps, resource_model_kind kind) {
  std::vector<resources> out;
  for (std::size_t e = 0; e < shapes.size(); ++e) {
    switch (kind) {
      case resource_model_kind::specialised:
        out.push_back(estimate_specialised_engine(specialised_engine_parameters(shapes[e], hw, e, steps)));
        break;
      case resource_model_kind::rtl:
        out.push_back(estimate_rtl_engine(rtl_engine_parameters(shapes[e], hw.layers.at(e), hw.mode, e, steps)));
        break;
      case resource_model_kind::skeleton:
        out.push_back(estimate_engine(engine_parameters(shapes[e], hw.layers.at(e), hw.mode, e, steps)));
        break;
    }
  }
  return out;
}

resources total(const std::vector<resources>& r) {
  resources t;
  for (const auto& x : r) t += x;
  return t;
}

utilisation utilisation_of(const resources& used, const resources& cap) {
  utilisation u;
  u.used = used;
  u.capacity = cap;
  auto frac = [](double a, double b) { return b > 0 ? a / b : (a > 0 ? INFINITY : 0.0); };
  u.lut = frac(used.lut, cap.lut);
  u.ff = frac(used.ff, cap.ff);
  u.bram36 = frac(used.bram36, cap.bram36);
  u.uram = frac(used.uram, cap.uram);
  u.dsp = frac(used.dsp, cap.dsp);
  const std::pair<const char*, double> all[] = {
      {"lut", u.lut}, {"ff", u.ff}, {"bram36", u.bram36}, {"uram", u.uram}, {"dsp", u.dsp}};
  for (const auto& [name, f] : all)
    if (f > 1.0 && u.fits) {
      u.fits = false;
      u.first_overflow = name;
    }
  return u;
}

}  // namespace snncosim::explore
