#pragma once
// What the testbench loads into one RTL layer engine (rtl/layer_engine, register map in
// docs/rtl.md §2): the 32 configuration registers and the per-lane memory images, derived
// from the same quant_layer, geometry and resolved hardware YAML the TLM engine uses.
// Registers 32/33: current pooling kernel (0: none) and stride.
#include <array>
#include <string>
#include <cstdint>
#include <vector>

#include "snncosim/numerics/integer_inference.h"
#include "snncosim/sc_models/hardware_config.h"
#include "snncosim/sc_models/layer_engine.h"

namespace snncosim::tb {

// Maximum sizes of the Verilated engine build (parameters of rtl/CMakeLists.txt).
struct engine_limits {
  int chunk_bits = 32;
  int spike_words = 4096;
  int max_latency = 4;
  int lanes = 4;
  int weight_words = 16384;
  int acc_words = 16384;
  int mem_words = 16384;
  int chan_words = 64;
  int max_frame = 2048;
  int fifo_depth = 16;
  int max_rate = 4;
  int max_steps = 255;
  int max_coordinate = 255;  // channel, y, x of a packet are bytes
};

// The limits of the Verilated engine build for a priority-encoder width: 32 (the package
// defaults), 16 or 8 (builds with 2x / 4x the spike words); bad_input for other widths.
engine_limits engine_build_limits(int penc_width_bits);

// The limits a model needs on a hardware configuration (the maximum over its engines), and
// the SV package text of a set of limits: the one generator of rtl/layer_engine/
// snn_engine_pkg.sv (`snncosim rtlgen`). Fields that are not sizes keep the build's values.
engine_limits required_limits(const numerics::quant_model& model, const sc_models::hardware_config& hw, int steps);
std::string engine_package_sv(const engine_limits& lim);
// Parses the localparams of a package written by engine_package_sv (bad_input otherwise).
engine_limits parse_engine_package(const std::string& text, const std::string& file);
// Every field of `need` fits `have`.
bool fits(const engine_limits& need, const engine_limits& have);

struct engine_image {
  std::array<std::uint32_t, 34> regs{};
  std::vector<std::vector<std::uint32_t>> weights;  // per lane, 16-bit two's complement in the low half
  std::vector<std::vector<std::int32_t>> gains;     // per lane, per pass
  std::vector<std::vector<std::int32_t>> biases;
  int acc_words_used = 0;  // per lane
  int mem_words_used = 0;
  int chunks = 0;
  int slots = 0;
};

// Throws bad_input naming the layer when it does not fit the RTL build (or uses current
// pooling with overlapping windows, which the RTL does not implement).
engine_image make_engine_image(const numerics::quant_layer& layer, const sc_models::engine_geometry& geo,
                               const sc_models::layer_hw_config& hw, int steps, const engine_limits& lim = {});

// 32-bit load words per spike word: 1 up to 32-bit encoders, chunk/32 above.
inline int spike_word_parts(int chunk_bits) { return chunk_bits > 32 ? chunk_bits / 32 : 1; }

// Input spike words of the engine for all steps (slot = step): frame f of step t starts at
// word (t * frames + f) * chunks; bit b of a frame is bit b % chunk of word b / chunk. Words
// wider than 32 bits are spike_word_parts() load words each, lowest part first.
// `input` is the record of the layer in front of the engine ([T][C][H][W]).
std::vector<std::uint32_t> engine_spike_words(const numerics::spike_record& input, const sc_models::engine_geometry& geo,
                                              int steps, const engine_limits& lim = {});

// Registers of the spike link behind a producer engine (rtl/spike_link, docs/rtl.md §2):
// 0 pipelined, 1 steps, 2 pool kernel (0: none) | stride << 8 (0: = kernel), 3/4 pooled
// height/width, 5 flatten (the consumer is linear), 6 consumer frames, 7 consumer chunks per
// frame, 8 consumer slots. The layers between the two neuron layers must be spike max-pools
// with kernel == stride (several combine into one) or a single max-pool of any stride, and
// at most one flatten after them; bad_input otherwise.
struct link_image {
  std::array<std::uint32_t, 9> regs{};
  int windows = 1;  // pooling windows holding one spike, per axis: ceil(kernel / stride)
};
link_image make_link_image(const numerics::quant_model& model, std::size_t producer_layer, std::size_t consumer_layer,
                           const sc_models::engine_geometry& consumer_geo, int consumer_slots, bool pipelined, int steps,
                           const engine_limits& lim = {});

}  // namespace snncosim::tb
