#include "snncosim/tb/engine_image.h"

#include <algorithm>

#include <fmt/format.h>

#include "snncosim/common/error.h"
#include "snncosim/sc_models/weight_memory.h"

namespace snncosim::tb {

namespace {
void require(bool ok, const numerics::quant_layer& l, const std::string& what) {
  if (!ok) throw bad_input(fmt::format("layer {}: {} (RTL engine build limits, docs/rtl.md §2)", l.name, what));
}
int fetch_cycles(int active, int weight_bits, const sc_models::memory_config& m) {
  return sc_models::weight_fetch_cycles(m, active, weight_bits);
}
}  // namespace

engine_image make_engine_image(const numerics::quant_layer& l, const sc_models::engine_geometry& geo,
                               const sc_models::layer_hw_config& hw, int steps, const engine_limits& lim) {
  const bool conv = l.kind == numerics::layer_kind::conv;
  const bool pooled = conv && l.current_pool_kernel > 0;
  require(!pooled || l.current_pool_stride == l.current_pool_kernel, l,
          "current pooling with overlapping windows (stride != kernel) is not implemented in the RTL");
  const int n = hw.neuron_cores;
  const int oc = l.out_channels;
  const int passes = (oc + n - 1) / n;
  const int taps = conv ? l.kernel * l.kernel : 1;
  const int rows = conv ? geo.core.in.channels * taps : static_cast<int>(geo.core.in.size());
  const int chunks = (geo.frame_bits + lim.chunk_bits - 1) / lim.chunk_bits;
  const int full_pos = geo.core.full.height * geo.core.full.width;
  const int out_pos = geo.core.out.height * geo.core.out.width;
  require(hw.penc_width_bits == lim.chunk_bits, l, fmt::format("penc_width_bits {} (build: {})", hw.penc_width_bits, lim.chunk_bits));
  require(n >= 1 && n <= lim.lanes, l, fmt::format("{} neuron cores (build: up to {})", n, lim.lanes));
  require(steps >= 1 && steps <= lim.max_steps, l, fmt::format("{} steps", steps));
  require(geo.frame_bits <= lim.max_frame, l, fmt::format("frame of {} bits (build: {})", geo.frame_bits, lim.max_frame));
  require(static_cast<long>(steps) * geo.frames * chunks <= lim.spike_words, l, "input spikes exceed the spike memory");
  require(static_cast<long>(rows) * passes <= lim.weight_words, l, "weights exceed a lane's weight memory");
  require(static_cast<long>(full_pos) * passes <= lim.acc_words, l, "accumulators exceed a lane's memory");
  require(static_cast<long>(out_pos) * passes <= lim.mem_words, l, "membranes exceed a lane's memory");
  require(passes <= lim.chan_words, l, "too many passes for the gain/bias registers");
  require(oc <= lim.max_coordinate + 1 && geo.core.out.height <= lim.max_coordinate + 1 &&
              geo.core.out.width <= lim.max_coordinate + 1,
          l, "output coordinates exceed a byte");
  require(hw.spike_read_latency_cycles >= 1 && hw.spike_read_latency_cycles <= lim.max_latency &&
              hw.weight_memory.read_latency_cycles >= 1 && hw.weight_memory.read_latency_cycles <= lim.max_latency &&
              hw.membrane_memory.read_latency_cycles >= 1 && hw.membrane_memory.read_latency_cycles <= lim.max_latency,
          l, fmt::format("read latencies must be 1..{}", lim.max_latency));
  require(hw.spike_fifo_depth <= lim.fifo_depth && hw.router_events_per_cycle <= lim.max_rate, l,
          "router FIFO depth or rate exceeds the build");
  require(l.widths.weight_bits <= 16, l, "weights wider than 16 bits");

  engine_image im;
  auto& r = im.regs;
  r[0] = conv ? 1 : 0;
  r[1] = static_cast<std::uint32_t>(geo.core.in.width);
  r[2] = static_cast<std::uint32_t>(conv ? l.kernel : 1);
  r[3] = static_cast<std::uint32_t>(conv ? l.padding : 0);
  r[4] = static_cast<std::uint32_t>(conv ? l.stride : 1);
  r[5] = static_cast<std::uint32_t>(geo.core.full.height);
  r[6] = static_cast<std::uint32_t>(geo.core.full.width);
  r[7] = static_cast<std::uint32_t>(geo.core.out.height);
  r[8] = static_cast<std::uint32_t>(geo.core.out.width);
  r[9] = static_cast<std::uint32_t>(oc);
  r[10] = static_cast<std::uint32_t>(n);
  r[11] = static_cast<std::uint32_t>(passes);
  r[12] = static_cast<std::uint32_t>(geo.frames);
  r[13] = static_cast<std::uint32_t>(chunks);
  r[14] = static_cast<std::uint32_t>(steps);
  r[15] = static_cast<std::uint32_t>(hw.spike_read_latency_cycles);
  r[16] = static_cast<std::uint32_t>(hw.weight_memory.read_latency_cycles);
  r[17] = static_cast<std::uint32_t>(hw.membrane_memory.read_latency_cycles);
  r[18] = static_cast<std::uint32_t>(hw.spike_fifo_depth);
  r[19] = static_cast<std::uint32_t>(hw.router_events_per_cycle);
  r[20] = static_cast<std::uint32_t>(l.widths.acc_bits);
  r[21] = static_cast<std::uint32_t>(l.widths.mem_bits);
  r[22] = static_cast<std::uint32_t>(l.widths.frac_bits);
  r[23] = static_cast<std::uint32_t>(l.neuron.reset);
  r[24] = l.neuron.reset_delay ? 1 : 0;
  r[25] = static_cast<std::uint32_t>(l.neuron.decay);
  r[26] = static_cast<std::uint32_t>(l.neuron.threshold);
  r[27] = static_cast<std::uint32_t>(l.neuron.reset_amount);
  r[28] = static_cast<std::uint32_t>(fetch_cycles(std::min(n, oc), l.widths.weight_bits, hw.weight_memory));
  r[29] = static_cast<std::uint32_t>(fetch_cycles(oc - (passes - 1) * n, l.widths.weight_bits, hw.weight_memory));
  r[30] = static_cast<std::uint32_t>(rows);
  r[31] = static_cast<std::uint32_t>(steps);
  r[32] = static_cast<std::uint32_t>(pooled ? l.current_pool_kernel : 0);
  r[33] = static_cast<std::uint32_t>(pooled ? l.current_pool_stride : 0);
  im.chunks = chunks;
  im.slots = steps;
  im.acc_words_used = full_pos * passes;
  im.mem_words_used = out_pos * passes;

  const auto lanes = static_cast<std::size_t>(n);
  im.weights.assign(lanes, std::vector<std::uint32_t>(static_cast<std::size_t>(rows * passes), 0));
  im.gains.assign(lanes, std::vector<std::int32_t>(static_cast<std::size_t>(passes), 0));
  im.biases.assign(lanes, std::vector<std::int32_t>(static_cast<std::size_t>(passes), 0));
  // Model order [O][rows]; lane k of pass p holds channel p*N + k at word p*rows + row.
  for (int c = 0; c < oc; ++c) {
    const auto k = static_cast<std::size_t>(c % n);
    const int p = c / n;
    for (int row = 0; row < rows; ++row) {
      const std::int32_t w = l.weights[static_cast<std::size_t>(c) * static_cast<std::size_t>(rows) + static_cast<std::size_t>(row)];
      im.weights[k][static_cast<std::size_t>(p * rows + row)] = static_cast<std::uint32_t>(w) & 0xFFFFu;
    }
    im.gains[k][static_cast<std::size_t>(p)] = l.gain[static_cast<std::size_t>(c)];
    im.biases[k][static_cast<std::size_t>(p)] = l.bias[static_cast<std::size_t>(c)];
  }
  return im;
}

link_image make_link_image(const numerics::quant_model& model, std::size_t producer_layer, std::size_t consumer_layer,
                           const sc_models::engine_geometry& consumer_geo, int consumer_slots, bool pipelined, int steps,
                           const engine_limits& lim) {
  const auto shapes = numerics::validate(model);
  numerics::tensor_shape pooled = shapes.at(producer_layer);
  int kernel = 1, stride = 1, pools = 0;
  bool flat = false, overlapping = false;
  for (std::size_t i = producer_layer + 1; i < consumer_layer; ++i) {
    const auto& l = model.layers[i];
    if (l.kind == numerics::layer_kind::maxpool) {
      if (flat)
        throw bad_input(fmt::format("layer {}: the RTL spike link maps max-pools in front of a flatten only", l.name));
      ++pools;
      overlapping = overlapping || l.kernel != l.stride;
      // Pools with kernel == stride fold into one (floor(floor(y/k1)/k2) = floor(y/(k1 k2)));
      // a pool of another stride must be the only one.
      if (overlapping && pools > 1)
        throw bad_input(fmt::format("layer {}: the RTL spike link maps one max-pool whose stride differs from its "
                                    "kernel, or several with kernel == stride, not both (kernel {}, stride {})",
                                    l.name, l.kernel, l.stride));
      kernel *= l.kernel;
      stride *= l.stride;
      pooled = shapes[i];
    } else if (l.kind == numerics::layer_kind::flatten) {
      flat = true;
    } else {
      throw bad_input(fmt::format("layer {}: a {} layer between two neuron layers is not a spike link stage", l.name,
                                  numerics::to_string(l.kind)));
    }
  }
  if (kernel > lim.max_coordinate || kernel > 255 || stride > 255)
    throw bad_input(fmt::format("layer {}: combined max-pool kernel {} exceeds the spike link",
                                model.layers[consumer_layer].name, kernel));
  if (stride > kernel)
    throw bad_input(fmt::format("layer {}: a max-pool with stride {} > kernel {} (gaps between windows) is not a spike "
                                "link stage",
                                model.layers[consumer_layer].name, stride, kernel));
  const bool consumer_linear = model.layers[consumer_layer].kind == numerics::layer_kind::linear;
  link_image im;
  im.windows = (kernel + stride - 1) / stride;
  auto& r = im.regs;
  r[0] = pipelined ? 1 : 0;
  r[1] = static_cast<std::uint32_t>(steps);
  r[2] = kernel > 1 ? static_cast<std::uint32_t>(kernel) | (stride != kernel ? static_cast<std::uint32_t>(stride) << 8 : 0u)
                    : 0u;
  r[3] = static_cast<std::uint32_t>(pooled.height);
  r[4] = static_cast<std::uint32_t>(pooled.width);
  r[5] = consumer_linear ? 1 : 0;
  r[6] = static_cast<std::uint32_t>(consumer_geo.frames);
  r[7] = static_cast<std::uint32_t>((consumer_geo.frame_bits + lim.chunk_bits - 1) / lim.chunk_bits);
  r[8] = static_cast<std::uint32_t>(consumer_slots);
  return im;
}

std::vector<std::uint32_t> engine_spike_words(const numerics::spike_record& input, const sc_models::engine_geometry& geo,
                                              int steps, const engine_limits& lim) {
  const int chunks = (geo.frame_bits + lim.chunk_bits - 1) / lim.chunk_bits;
  // A spike word wider than the 32-bit load port is loaded as parts, lowest first.
  const auto parts = static_cast<std::size_t>(spike_word_parts(lim.chunk_bits));
  std::vector<std::uint32_t> words(static_cast<std::size_t>(steps * geo.frames * chunks) * parts, 0);
  const auto per_step = static_cast<std::size_t>(input.shape.size());
  const auto frame_bits = static_cast<std::size_t>(geo.frame_bits);
  const auto chunk = static_cast<std::size_t>(lim.chunk_bits);
  for (int t = 0; t < steps; ++t)
    for (std::size_t i = 0; i < per_step; ++i) {
      if (input.spikes[static_cast<std::size_t>(t) * per_step + i] == 0) continue;
      // [C][H][W] flat index: conv frames are channels of H*W bits, linear has one frame.
      const std::size_t f = i / frame_bits;
      const std::size_t b = i % frame_bits;
      const std::size_t base = (static_cast<std::size_t>(t) * static_cast<std::size_t>(geo.frames) + f) *
                               static_cast<std::size_t>(chunks);
      const std::size_t bit = b % chunk;
      words[(base + b / chunk) * parts + bit / 32] |= 1u << (bit % 32);
    }
  return words;
}

}  // namespace snncosim::tb

namespace snncosim::tb {

namespace {
struct limit_field {
  const char* sv_name;
  int engine_limits::*member;
};
constexpr limit_field limit_fields[] = {
    {"ChunkW", &engine_limits::chunk_bits},      {"SpikeWords", &engine_limits::spike_words},
    {"MaxLatency", &engine_limits::max_latency}, {"Lanes", &engine_limits::lanes},
    {"WeightWords", &engine_limits::weight_words}, {"AccWords", &engine_limits::acc_words},
    {"MemWords", &engine_limits::mem_words},     {"ChanWords", &engine_limits::chan_words},
    {"MaxFrame", &engine_limits::max_frame},     {"FifoDepth", &engine_limits::fifo_depth},
    {"MaxRate", &engine_limits::max_rate},
};
int pow2_at_least(long v) {
  int p = 1;
  while (p < v) p *= 2;
  return p;
}
}  // namespace

engine_limits engine_build_limits(int penc_width_bits) {
  engine_limits lim;
  if (penc_width_bits == 32) return lim;
  if (penc_width_bits == 8 || penc_width_bits == 16) {
    lim.chunk_bits = penc_width_bits;
    lim.spike_words = 4096 * 32 / penc_width_bits;
    return lim;
  }
  throw bad_input(fmt::format("penc_width_bits {}: the RTL engine is built for 8, 16 and 32 only (docs/rtl.md §2)",
                              penc_width_bits));
}

engine_limits required_limits(const numerics::quant_model& model, const sc_models::hardware_config& hw, int steps) {
  const auto shapes = numerics::validate(model);
  engine_limits need;
  need.spike_words = need.weight_words = need.acc_words = need.mem_words = need.chan_words = need.max_frame = 1;
  need.lanes = need.fifo_depth = need.max_rate = need.max_latency = 1;
  std::size_t e = 0;
  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    const auto& l = model.layers[i];
    if (!l.is_neuron_layer()) continue;
    const auto& h = hw.layers.at(e++);
    const numerics::tensor_shape in = i == 0 ? model.input : shapes[i - 1];
    const bool conv = l.kind == numerics::layer_kind::conv;
    const int frames = conv ? in.channels : 1;
    const int frame_bits = conv ? in.height * in.width : static_cast<int>(in.size());
    const int passes = (l.out_channels + h.neuron_cores - 1) / h.neuron_cores;
    const int rows = conv ? in.channels * l.kernel * l.kernel : static_cast<int>(in.size());
    const long out_pos = static_cast<long>(shapes[i].height) * shapes[i].width;
    need.chunk_bits = h.penc_width_bits;
    const long chunks = (frame_bits + need.chunk_bits - 1) / need.chunk_bits;
    need.lanes = std::max(need.lanes, h.neuron_cores);
    need.max_latency = std::max({need.max_latency, h.spike_read_latency_cycles, h.weight_memory.read_latency_cycles,
                                 h.membrane_memory.read_latency_cycles});
    need.fifo_depth = std::max(need.fifo_depth, h.spike_fifo_depth);
    need.max_rate = std::max(need.max_rate, h.router_events_per_cycle);
    need.spike_words = std::max(need.spike_words, pow2_at_least(static_cast<long>(steps) * frames * chunks));
    need.weight_words = std::max(need.weight_words, pow2_at_least(static_cast<long>(rows) * passes));
    need.acc_words = std::max(need.acc_words, pow2_at_least(out_pos * passes));
    need.mem_words = std::max(need.mem_words, pow2_at_least(out_pos * passes));
    need.chan_words = std::max(need.chan_words, pow2_at_least(passes));
    need.max_frame = std::max(need.max_frame, pow2_at_least(frame_bits));
  }
  return need;
}

std::string engine_package_sv(const engine_limits& lim) {
  std::string s =
      "// Generated by `snncosim rtlgen` (tb/cosim/engine_image.cpp): maximum sizes of the\n"
      "// layer engine build. Do not edit; regenerate and check `ctest -R rtl/package`.\n"
      "package snn_engine_pkg;\n";
  for (const auto& f : limit_fields) s += fmt::format("  localparam int unsigned {} = {};\n", f.sv_name, lim.*(f.member));
  s += "endpackage\n";
  return s;
}

engine_limits parse_engine_package(const std::string& text, const std::string& file) {
  engine_limits lim;
  for (const auto& f : limit_fields) {
    const std::string key = fmt::format("localparam int unsigned {} = ", f.sv_name);
    const auto at = text.find(key);
    if (at == std::string::npos) throw bad_input(fmt::format("{}: no localparam {}", file, f.sv_name));
    lim.*(f.member) = std::stoi(text.substr(at + key.size()));
  }
  return lim;
}

bool fits(const engine_limits& need, const engine_limits& have) {
  for (const auto& f : limit_fields) {
    if (f.member == &engine_limits::chunk_bits) {
      if (need.chunk_bits != have.chunk_bits) return false;
    } else if (need.*(f.member) > have.*(f.member)) {
      return false;
    }
  }
  return true;
}

}  // namespace snncosim::tb
