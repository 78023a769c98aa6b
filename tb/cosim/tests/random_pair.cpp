// A seeded random (model, hardware) pair for the random-network co-simulation campaign
// (scripts/cosim-random-campaign, docs/rtl.md §5). Usage: tb_cosim_random_pair SEED OUT_DIR
//
// Draws from SEED a network of 2-9 neuron layers inside what the generated RTL supports
// (docs/rtl.md §2, §4): convs (kernel 1-5, stride 1-2, padding 0-2, optional 2x2 current
// pooling), spike max-pools with kernel == stride == 2 between neuron layers (sometimes two
// in a row, which the link folds into one 4x4 pool; sometimes in front of the first layer),
// flatten, fc layers; seeded random weights with per-layer activity (dense, normal or
// sparse firing), neuron variants (reset subtract/zero/none, with or without reset delay,
// Lapicque) and sometimes narrow datapaths that saturate. Then random hardware: both
// pipeline modes, per layer 1..channels cores, encoder 8/16/32 bits, FIFO depth 1-8 (mostly
// 1-2), drain rate 1-4 (mostly 1), memory latencies 1-4, weight port 8-64 bits x 1-2 ports.
// A share of the pairs is a "queue" profile aimed at routers still holding packets after the
// producer's step ended: dense-firing producers behind a depth-1/2, rate-1 FIFO feeding a fast
// consumer (one core per channel, latencies 1).
//
// Writes OUT_DIR/model.h5, OUT_DIR/hardware.yaml and prints one summary line:
//   seed=S attempts=A neuron_layers=N mode=M profile=P layers=conv,pool,conv,flatten,fc
// Every pair passes numerics::validate and sc_models::resolve_hardware (what `snncosim
// simulate` checks); a draw that fails either is redrawn from the same stream.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "snncosim/common/config.h"
#include "snncosim/numerics/model_file.h"
#include "snncosim/numerics/quant_model.h"
#include "snncosim/sc_models/hardware_config.h"
#include "snncosim/testing/models.h"

namespace {

namespace nx = snncosim::numerics;
namespace st = snncosim::testing;

struct draw {
  std::mt19937_64& rng;
  int between(int lo, int hi) { return lo + static_cast<int>(rng() % static_cast<std::uint64_t>(hi - lo + 1)); }
  double real(double lo, double hi) { return lo + (hi - lo) * (st::uniform(rng) + 1.0) * 0.5; }
  bool chance(double p) { return real(0.0, 1.0) < p; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(between(0, static_cast<int>(v.size()) - 1))];
  }
};

struct pair_draw {
  nx::quant_model model;
  std::string hardware_yaml;
  std::string mode;
  std::string profile;
  std::string kinds;
  int neuron_layers = 0;
};

// One neuron layer's firing tendency: weight offset and float threshold.
struct activity {
  float weight_bias;
  double threshold;
};

activity draw_activity(draw& d, bool dense_bias) {
  const double r = d.real(0.0, 1.0);
  if (dense_bias || r < 0.3) return {static_cast<float>(d.real(0.3, 0.6)), d.real(0.2, 0.6)};  // dense
  if (r < 0.55) return {static_cast<float>(d.real(-0.3, 0.0)), d.real(1.5, 3.0)};              // sparse
  return {static_cast<float>(d.real(0.0, 0.2)), d.real(0.5, 1.5)};                            // normal
}

nx::float_neuron draw_neuron(draw& d, double threshold) {
  nx::float_neuron n = st::leaky(d.real(0.5, 1.0), threshold);
  const double r = d.real(0.0, 1.0);
  n.reset = r < 0.6 ? nx::float_reset::subtract : (r < 0.9 ? nx::float_reset::zero : nx::float_reset::none);
  if (d.chance(0.1)) {
    n.model = nx::neuron_model::lapicque;  // beta only: R = 1 (snnTorch); always delays its reset
    n.reset_delay = true;
  } else {
    n.reset_delay = !d.chance(0.2);
  }
  return n;
}

nx::datapath_widths draw_widths(draw& d, std::int64_t fan_in) {
  nx::datapath_widths w;  // defaults: 8-bit weights, 24-bit accumulator, 32-bit membrane
  if (!d.chance(0.3)) return w;
  w.weight_bits = d.pick(std::vector<int>{4, 8, 16});
  const int lossless = nx::lossless_acc_bits(w.weight_bits, fan_in);
  // Half of these saturate the accumulator on dense input, half cannot.
  w.acc_bits = d.chance(0.5) ? std::min(32, lossless + d.between(0, 4)) : std::max(w.weight_bits + 2, lossless - d.between(1, 6));
  w.acc_bits = std::min(w.acc_bits, 32);
  w.mem_bits = d.between(std::min(32, w.acc_bits), 32);
  if (d.chance(0.3)) w.mem_bits = d.between(std::max(8, w.acc_bits - 6), std::max(8, w.acc_bits));
  w.frac_bits = d.between(8, 20);
  w.mem_frac_bits = d.between(4, 12);
  return w;
}

nx::quant_layer neuron_layer(draw& d, const std::string& name, nx::layer_kind kind, int in_ch, int out_ch, int k,
                             int stride, int pad, std::int64_t fan_in, bool dense_bias) {
  const activity a = draw_activity(d, dense_bias);
  const nx::float_neuron n = draw_neuron(d, a.threshold);
  const auto taps = static_cast<std::size_t>(kind == nx::layer_kind::conv ? k * k : 1);
  const auto nw = static_cast<std::size_t>(out_ch) * static_cast<std::size_t>(in_ch) * taps;
  std::vector<float> weights = st::random_weights(d.rng, nw, a.weight_bias);
  std::vector<float> bias = st::random_weights(d.rng, static_cast<std::size_t>(out_ch));
  for (auto& b : bias) b *= static_cast<float>(d.real(0.0, 0.5));
  const bool per_channel = d.chance(0.7);
  // Narrow widths may not hold the threshold or gain: a few more width draws, then the defaults.
  for (int attempt = 0; attempt < 4; ++attempt) {
    try {
      return nx::make_neuron_layer(name, kind, out_ch, k, stride, pad, weights, bias, n, draw_widths(d, fan_in),
                                   per_channel);
    } catch (const std::exception&) {
    }
  }
  return nx::make_neuron_layer(name, kind, out_ch, k, stride, pad, weights, bias, n, nx::datapath_widths{}, per_channel);
}

// Full-density synaptic operations per step (cost bound: one sample well under a second).
std::int64_t synaptic_ops(const nx::quant_model& m) {
  const auto shapes = nx::validate(m);
  std::int64_t ops = 0;
  nx::tensor_shape in = m.input;
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    const auto& l = m.layers[i];
    if (l.kind == nx::layer_kind::conv)
      ops += in.size() * l.out_channels * l.kernel * l.kernel;
    else if (l.kind == nx::layer_kind::linear)
      ops += in.size() * l.out_channels;
    in = shapes[i];
  }
  return ops;
}

pair_draw draw_pair(std::mt19937_64& rng) {
  draw d{rng};
  pair_draw p;
  auto& m = p.model;
  const bool queue_profile = d.chance(0.35);
  p.profile = queue_profile ? "queue" : "random";
  const int n_neuron = d.between(2, 9);
  // Convs first, then 0-3 fc layers; 10 % fc only (flatten in front of the first layer).
  const int n_fc = d.chance(0.1) ? n_neuron : d.between(0, std::min(3, n_neuron - 1));
  const int n_conv = n_neuron - n_fc;
  m.input.channels = d.between(1, 3);
  m.input.height = d.between(6, 16);
  m.input.width = d.chance(0.7) ? m.input.height : d.between(6, 16);
  m.num_classes = 0;
  std::vector<std::string> kinds;
  nx::tensor_shape s = m.input;
  int pools = 0;
  auto add_pool = [&] {
    m.layers.push_back(st::mover(fmt::format("pool{}", ++pools), nx::layer_kind::maxpool, 2, 2));
    s.height /= 2;
    s.width /= 2;
    kinds.push_back("pool");
  };
  if (n_conv > 0 && s.height >= 12 && s.width >= 12 && d.chance(0.1)) add_pool();  // a pool in front of layer 1
  for (int c = 0; c < n_conv; ++c) {
    const int pad = d.between(0, 2);
    const int k = d.between(1, std::min(5, std::min(s.height, s.width) + 2 * pad));
    const int stride = d.chance(0.65) ? 1 : 2;
    const int oh = (s.height + 2 * pad - k) / stride + 1, ow = (s.width + 2 * pad - k) / stride + 1;
    if (oh < 1 || ow < 1) throw std::runtime_error("redraw: conv output empty");
    const int oc = d.between(2, 12);
    // Queue profile: producers fire densely.
    nx::quant_layer l = neuron_layer(d, fmt::format("conv{}", c + 1), nx::layer_kind::conv, s.channels, oc, k, stride,
                                     pad, std::int64_t{s.channels} * k * k, queue_profile && d.chance(0.7));
    std::string kind = "conv";
    int h = oh, w = ow;
    if (oh >= 2 && ow >= 2 && d.chance(0.25)) {
      l.current_pool_kernel = 2;
      l.current_pool_stride = 2;
      h /= 2;
      w /= 2;
      kind = "conv+cpool";
    }
    m.layers.push_back(l);
    kinds.push_back(kind);
    s = {oc, h, w};
    const bool last_conv = c + 1 == n_conv;
    // Spike max-pools between neuron layers (also in front of the flatten), none after the last layer.
    if (!(last_conv && n_fc == 0) && s.height >= 2 && s.width >= 2 && d.chance(0.3)) {
      add_pool();
      if (s.height >= 2 && s.width >= 2 && d.chance(0.15)) add_pool();  // folded into one 4x4 link pool
    }
  }
  if (n_fc > 0) {
    m.layers.push_back(st::mover("flatten", nx::layer_kind::flatten));
    kinds.push_back("flatten");
    std::int64_t in_n = s.size();
    for (int f = 0; f < n_fc; ++f) {
      const int out = d.between(3, 20);
      m.layers.push_back(neuron_layer(d, fmt::format("fc{}", f + 1), nx::layer_kind::linear, static_cast<int>(in_n), out,
                                      1, 1, 0, in_n, queue_profile && d.chance(0.7)));
      kinds.push_back("fc");
      in_n = out;
    }
  }
  const auto shapes = nx::validate(m, "random pair");
  if (synaptic_ops(m) > 300000) throw std::runtime_error("redraw: too large");
  p.neuron_layers = n_neuron;
  for (const auto& k : kinds) p.kinds += (p.kinds.empty() ? "" : ",") + k;

  // Hardware.
  p.mode = d.chance(0.5) ? "timestep_pipelined" : "layer_sequential";
  std::ostringstream y;
  y << "schema: snncosim.hardware/1\nname: random\nclock_mhz: 0\npipeline_mode: " << p.mode << "\n";
  y << "layer_defaults:\n  neuron_cores: 1\n  penc_width_bits: 32\n";
  y << "layers:\n";
  std::vector<const nx::quant_layer*> neurons;
  for (const auto& l : m.layers)
    if (l.is_neuron_layer()) neurons.push_back(&l);
  for (std::size_t e = 0; e < neurons.size(); ++e) {
    const auto& l = *neurons[e];
    const bool producer = e + 1 < neurons.size();
    // Queue profile: a slow narrow FIFO behind producers, fast (one core per channel,
    // latency 1) consumers; alternate so every engine but the first is a fast consumer of a
    // slow router where it can be.
    const bool slow_router = queue_profile && producer;
    const bool fast = queue_profile && e > 0;
    const int cores = fast && d.chance(0.7) ? l.out_channels : d.between(1, l.out_channels);
    const int penc = d.pick(std::vector<int>{8, 16, 32});
    int depth = d.chance(0.6) ? d.between(1, 2) : d.between(1, 8);
    int rate = d.chance(0.6) ? 1 : d.between(1, 4);
    if (slow_router) {
      depth = d.between(1, 2);
      rate = 1;
    }
    const int wl = fast ? 1 : d.between(1, 4), ml = fast ? 1 : d.between(1, 4), sl = fast ? 1 : d.between(1, 4);
    const int wwidth = d.pick(std::vector<int>{8, 16, 24, 32, 48, 64});
    const int ports = d.chance(0.7) ? 1 : 2;
    y << "  " << l.name << ":\n";
    y << "    neuron_cores: " << cores << "\n    penc_width_bits: " << penc << "\n";
    y << "    weight_memory: {read_latency_cycles: " << wl << ", width_bits: " << wwidth << ", ports: " << ports << "}\n";
    y << "    membrane_memory: {read_latency_cycles: " << ml << "}\n";
    y << "    spike_memory: {read_latency_cycles: " << sl << "}\n";
    y << "    spike_fifo_depth: " << depth << "\n    router_events_per_cycle: " << rate << "\n";
  }
  p.hardware_yaml = y.str();
  // What `snncosim simulate` checks on the pair (platform clock: any positive value here).
  const auto doc = snncosim::config::load_text(p.hardware_yaml, "hardware.yaml", {}, "hardware");
  (void)snncosim::sc_models::resolve_hardware(doc, m);
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s SEED OUT_DIR\n", argv[0]);
    return 2;
  }
  try {
    const std::uint64_t seed = std::stoull(argv[1]);
    const std::filesystem::path out = argv[2];
    std::filesystem::create_directories(out);
    std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + 20261207);
    std::string last_error;
    for (int attempt = 1; attempt <= 1000; ++attempt) {
      pair_draw p;
      try {
        p = draw_pair(rng);
      } catch (const std::exception& e) {
        last_error = e.what();
        if (std::getenv("RANDOM_PAIR_DEBUG") != nullptr) std::fprintf(stderr, "redraw: %s\n", e.what());
        continue;  // redraw from the same stream
      }
      nx::write_model_file(out / "model.h5", p.model);
      std::ofstream(out / "hardware.yaml") << p.hardware_yaml;
      std::printf("seed=%llu attempts=%d neuron_layers=%d mode=%s profile=%s layers=%s\n",
                  static_cast<unsigned long long>(seed), attempt, p.neuron_layers, p.mode.c_str(), p.profile.c_str(),
                  p.kinds.c_str());
      return 0;
    }
    std::fprintf(stderr, "error: no valid draw in 1000 attempts (last: %s)\n", last_error.c_str());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
