#pragma once
// FPGA resources of the accelerator (docs/hardware.md §11): an analytic model per layer
// engine (LUT, FF, BRAM36, URAM, DSP as functions of the engine's parameters), calibrated
// against Yosys synth_xilinx on the engine skeleton rtl/layer_engine/snn_layer_engine_skeleton.sv.
#include <string>
#include <vector>

#include "snncosim/common/config.h"
#include "snncosim/explore/workload.h"
#include "snncosim/sc_models/hardware_config.h"

namespace snncosim::explore {

struct resources {
  double lut = 0, ff = 0, bram36 = 0, uram = 0, dsp = 0;
  resources& operator+=(const resources& o) {
    lut += o.lut;
    ff += o.ff;
    bram36 += o.bram36;
    uram += o.uram;
    dsp += o.dsp;
    return *this;
  }
};

struct platform_info {
  std::string name;
  std::string family;      // platform YAML `family`
  std::string yosys_family;  // synth_xilinx -family: xc7 or xcup
  resources capacity;
  int offchip_read_latency_cycles = 50;  // offchip_memory.read_latency_cycles
};
platform_info read_platform(const config::document& platform);

// The parameters of one engine as the RTL (and the skeleton) take them.
struct engine_params {
  int n = 1, penc = 32, sdepth = 64, wbits = 8, wwidth = 64, wdepth = 256, acc = 16, mem = 16;
  int adepth = 64, mdepth = 64, fdepth = 16, ebits = 24;
  sc_models::memory_kind weight_kind = sc_models::memory_kind::bram;
  sc_models::memory_kind membrane_kind = sc_models::memory_kind::bram;
};
// `steps`: time steps a spike memory holds (layer 0 and layer-sequential engines hold all T).
engine_params engine_parameters(const engine_shape& sh, const sc_models::layer_hw_config& hw,
                                sc_models::pipeline_mode mode, std::size_t engine_index, int steps);

// Linear coefficients of the logic (calibrated, docs/hardware.md §11).
struct logic_coefficients {
  double lut0, lut_lane, lut_lane_bit, lut_penc, lut_port_bit;  // logic LUTs: 1, N, N * acc_bits, penc, weight port bits
  double ff0, ff_lane, ff_fabric_bit, ff_penc;    // FFs: 1, N, lane-memory bits in LUT RAM, penc bits
};
const logic_coefficients& calibrated_coefficients();

// Block RAM tiles (36 Kb) for a depth x width memory, best aspect ratio (RAMB36 as
// 512x72 .. 32Kx1, a half tile when a RAMB18 suffices).
double bram36_tiles(long depth, long width);
// LUTs of a distributed RAM (64 x 1 per LUT6, one read port).
double lutram_luts(long depth, long width);
// UltraRAM blocks (4K x 72).
double uram_blocks(long depth, long width);

resources estimate_engine(const engine_params& p, const logic_coefficients& k = calibrated_coefficients());
// Which model prices a candidate: `specialised` (default) = the RTL engine specialised to
// the layer at elaboration (Fixed = 1, what `snncosim rtlgen` generates; calibrated on Yosys
// runs of the generated engines), `rtl` = the run-time-programmable RTL engine (every size
// and constant a register, so it carries dividers and wide multipliers; calibrated on Yosys
// runs of rtl/layer_engine), `skeleton` = the pre-RTL estimate
// (rtl/layer_engine/snn_layer_engine_skeleton.sv).
enum class resource_model_kind { specialised, rtl, skeleton };
resource_model_kind parse_resource_model(const std::string& name);  // bad_input otherwise
const char* to_string(resource_model_kind k);
std::vector<resources> estimate_engines(const std::vector<engine_shape>& shapes, const sc_models::hardware_config& hw,
                                        int steps, resource_model_kind kind = resource_model_kind::specialised);
resources total(const std::vector<resources>& r);

// The size parameters of the RTL layer engine (rtl/layer_engine/snn_layer_engine.sv) one
// engine needs, derived as `snncosim rtlgen` does (word counts rounded up to powers of two;
// spike memory for `steps` slots as engine_parameters). The datapath widths are fixed in the
// RTL: 16-bit weights, 32-bit accumulators and membranes.
struct rtl_engine_params {
  int lanes = 1, chunk = 32, spike_words = 64, weight_words = 64, acc_words = 64, mem_words = 64;
  int chan_words = 4, max_frame = 64, fifo_depth = 4, max_rate = 1, max_latency = 2;
};
rtl_engine_params rtl_engine_parameters(const engine_shape& sh, const sc_models::layer_hw_config& hw,
                                        sc_models::pipeline_mode mode, std::size_t engine_index, int steps);
// The resource model of the RTL engine, calibrated against Yosys synth_xilinx -family xcup of
// the RTL (explore/rtl_model/calibrate_rtl.sh, docs/hardware.md §11).
resources estimate_rtl_engine(const rtl_engine_params& p);
// Whether Yosys synthesises the RTL engine in bounded time (about 2 minutes of CPU on this
// machine): the calibration range.
bool rtl_synthesis_bounded(const rtl_engine_params& p);
// The largest error of estimate_rtl_engine on the calibration set: LUT and FF as fractions
// of Yosys' count, BRAM36 and DSP in absolute units (docs/hardware.md §11).
const resources& rtl_model_error();

// The sizes of one engine of the specialised design, exactly as tb::generate_rtl sets its
// parameters (`limits`: no rounding to powers of two except MaxFrame), plus what the Fixed
// configuration decides about the datapath.
struct spec_engine_params {
  int lanes = 1, chunk = 32, spike_words = 2, weight_words = 2, acc_words = 2, mem_words = 2;
  int chan_words = 2, max_frame = 2, fifo_depth = 4, max_rate = 1, max_latency = 1;
  int set_ports = 0;  // bit-set ports of the spike memory: the producer's router rate (0: engine 0)
  bool conv = true;
};
spec_engine_params specialised_engine_parameters(const engine_shape& sh, const sc_models::hardware_config& hw,
                                                 std::size_t engine_index, int steps);
// The resource model of the specialised engine, calibrated against Yosys synth_xilinx
// -flatten -family xcup of generated engines (explore/rtl_model/calibrate_specialised.sh,
// docs/hardware.md §11.2).
resources estimate_specialised_engine(const spec_engine_params& p);
// Its largest error inside the calibration range (leave-one-out): LUT and FF as fractions
// of Yosys' count, BRAM36 and DSP in absolute units.
const resources& specialised_model_error();

struct utilisation {
  resources used, capacity;
  double lut = 0, ff = 0, bram36 = 0, uram = 0, dsp = 0;  // fractions
  bool fits = true;
  std::string first_overflow;  // name of the first resource over capacity
};
utilisation utilisation_of(const resources& used, const resources& capacity);

}  // namespace snncosim::explore
