// Simulated cycles against an independent evaluation of the docs/hardware.md formulas on
// seeded random traces: frame spike counts come from the golden integer inference, the
// schedule from the recurrence of §3.5 (no FIFO queueing: D and B exceed the core count).
#include <doctest/doctest.h>

#include <algorithm>

#include "snncosim/numerics/integer_inference.h"
#include "snncosim/sc_models/accelerator.h"
#include "snncosim/testing/models.h"

using namespace snncosim;
using namespace snncosim::sc_models;
namespace nx = snncosim::numerics;

namespace {

using u64 = std::uint64_t;

struct ref_layer {
  // inputs
  std::vector<std::vector<u64>> frames;  // [t][frame] spike counts
  int frame_bits = 0, taps = 1, passes = 1, positions = 1, q = 1;
  u64 fetch = 1;
  int penc = 32, l_spk = 1, l_w = 1, l_m = 1;
  std::vector<u64> last_spike_read;  // [t] read cycle of the last spiking neuron + 1, 0 if none
  // state
  u64 ec_free = 0, core_free = 0, buf[2] = {0, 0}, g = 0;
  std::vector<u64> end, delivered;
};

ref_layer describe(const nx::quant_model& m, const std::vector<nx::tensor_shape>& shapes, std::size_t i,
                   const layer_hw_config& hw, const nx::inference_result& gold) {
  const auto& l = m.layers[i];
  const nx::tensor_shape in = i == 0 ? m.input : shapes[i - 1];
  const nx::spike_record& in_rec = i == 0 ? gold.input : gold.layers[i - 1];
  const nx::spike_record& out_rec = gold.layers[i];
  ref_layer r;
  const int T = gold.num_steps;
  const bool conv = l.kind == nx::layer_kind::conv;
  r.frame_bits = conv ? in.height * in.width : static_cast<int>(in.size());
  r.taps = conv ? l.kernel * l.kernel : 1;
  r.passes = (l.out_channels + hw.neuron_cores - 1) / hw.neuron_cores;
  r.positions = shapes[i].height * shapes[i].width;
  r.q = conv && l.current_pool_kernel > 0 ? l.current_pool_kernel * l.current_pool_kernel : 1;
  r.fetch = 0;
  for (int p = 0; p < r.passes; ++p) {
    const long n = std::min(hw.neuron_cores, l.out_channels - p * hw.neuron_cores);
    const long per = static_cast<long>(hw.weight_memory.width_bits) * hw.weight_memory.ports;
    r.fetch += static_cast<u64>(std::max(1L, (n * l.widths.weight_bits + per - 1) / per));
  }
  r.penc = hw.penc_width_bits;
  r.l_spk = hw.spike_read_latency_cycles;
  r.l_w = hw.weight_memory.read_latency_cycles;
  r.l_m = hw.membrane_memory.read_latency_cycles;
  for (int t = 0; t < T; ++t) {
    std::vector<u64> f(conv ? static_cast<std::size_t>(in.channels) : 1, 0);
    for (int c = 0; c < in.channels; ++c)
      for (int y = 0; y < in.height; ++y)
        for (int x = 0; x < in.width; ++x)
          if (in_rec.spike(t, c, y, x)) f[conv ? static_cast<std::size_t>(c) : 0] += 1;
    r.frames.push_back(f);
    u64 last = 0;
    const nx::tensor_shape& os = shapes[i];
    for (int c = 0; c < os.channels; ++c)
      for (int y = 0; y < os.height; ++y)
        for (int x = 0; x < os.width; ++x)
          if (out_rec.spike(t, c, y, x)) {
            const u64 p = static_cast<u64>(c / hw.neuron_cores);
            const u64 read = p * static_cast<u64>(r.positions * r.q) + static_cast<u64>((y * os.width + x) * r.q + r.q - 1);
            last = std::max(last, read + 1);
          }
    r.last_spike_read.push_back(last);
  }
  r.end.assign(static_cast<std::size_t>(T), 0);
  r.delivered.assign(static_cast<std::size_t>(T), 0);
  return r;
}

void run_step(ref_layer& r, int t, u64 ready, u64 out_free) {
  if (t == 0) r.ec_free = r.core_free = r.buf[0] = r.buf[1] = ready;
  for (const u64 s : r.frames[static_cast<std::size_t>(t)]) {
    u64& b = r.buf[r.g++ % 2];
    const u64 c = std::max({r.ec_free, b, ready});
    const u64 e = c + static_cast<u64>(r.l_spk) + static_cast<u64>((r.frame_bits + r.penc - 1) / r.penc) + s;
    r.ec_free = e;
    if (s == 0) {
      b = e;
      continue;
    }
    const u64 a = std::max(e, r.core_free);
    r.core_free = a + s * static_cast<u64>(r.taps) * r.fetch + static_cast<u64>(r.l_w + r.l_m);
    b = r.core_free;
  }
  const u64 start = std::max({r.core_free, r.ec_free, out_free});
  const u64 v = static_cast<u64>(r.passes * r.positions * r.q + r.l_m);
  r.core_free = start + v;
  r.end[static_cast<std::size_t>(t)] = r.core_free;
  const u64 last = r.last_spike_read[static_cast<std::size_t>(t)];
  r.delivered[static_cast<std::size_t>(t)] =
      last == 0 ? r.core_free : std::max(r.core_free, start + last - 1 + static_cast<u64>(r.l_m) + 1);
}

void check_closed_form(const std::string& mode, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  nx::quant_model m;
  m.input = {2, 10, 10};
  m.layers.push_back(testing::conv(rng, "conv1", 2, 6, 3, 1, 1, testing::leaky(0.9, 1.0)));
  m.layers.push_back(testing::mover("pool1", nx::layer_kind::maxpool, 2, 2));
  nx::quant_layer c2 = testing::conv(rng, "conv2", 6, 5, 3, 1, 0, testing::leaky(0.9, 1.0));
  c2.current_pool_kernel = 3;
  c2.current_pool_stride = 1;
  m.layers.push_back(c2);
  m.layers.push_back(testing::mover("flatten", nx::layer_kind::flatten));
  m.layers.push_back(testing::linear(rng, "fc1", 5, 7, testing::leaky(0.8, 0.5)));
  const auto doc = testing::hardware(
      "pipeline_mode: " + mode +
      "\nlayer_defaults: {neuron_cores: 2, penc_width_bits: 7, spike_fifo_depth: 64, router_events_per_cycle: 64,"
      " spike_memory: {read_latency_cycles: 2}, weight_memory: {read_latency_cycles: 3, width_bits: 8},"
      " membrane_memory: {read_latency_cycles: 2}}\nlayers:\n  conv2: {neuron_cores: 3}\n  fc1: {neuron_cores: 4}\n");
  const hardware_config hw = resolve_hardware(doc, m);
  std::vector<sample_input> samples;
  for (int s = 0; s < 6; ++s)
    samples.push_back({testing::random_spikes(rng, static_cast<std::size_t>(m.input.size() * (2 + s)), 0.25), 2 + s});
  const simulation_result r = simulate(m, hw, samples, {});
  const auto shapes = nx::validate(m);
  const std::vector<std::size_t> engines = {0, 2, 4};
  for (std::size_t s = 0; s < samples.size(); ++s) {
    const auto gold = nx::run_integer_inference(m, samples[s].spikes, samples[s].num_steps);
    std::vector<ref_layer> ref;
    for (std::size_t e = 0; e < engines.size(); ++e) ref.push_back(describe(m, shapes, engines[e], hw.layers[e], gold));
    const int T = samples[s].num_steps;
    auto step = [&](std::size_t e, int t) {
      u64 ready = 0;
      if (e > 0) ready = mode == "layer_sequential" ? ref[e - 1].delivered.back() : ref[e - 1].delivered[static_cast<std::size_t>(t)];
      u64 out_free = 0;
      if (mode == "timestep_pipelined" && e + 1 < ref.size() && t >= 2) out_free = ref[e + 1].end[static_cast<std::size_t>(t - 2)];
      run_step(ref[e], t, ready, out_free);
    };
    if (mode == "layer_sequential") {
      for (std::size_t e = 0; e < ref.size(); ++e)
        for (int t = 0; t < T; ++t) step(e, t);
    } else {
      for (int t = 0; t < T; ++t)
        for (std::size_t e = 0; e < ref.size(); ++e) step(e, t);
    }
    const auto& got = r.samples[s];
    const u64 base = got.start_cycle;
    for (std::size_t e = 0; e < ref.size(); ++e)
      for (int t = 0; t < T; ++t) {
        INFO("sample " << s << " layer " << e << " step " << t);
        CHECK(got.layers[e].steps[static_cast<std::size_t>(t)].end == ref[e].end[static_cast<std::size_t>(t)]);
        CHECK(got.layers[e].stall == 0);
      }
    CHECK(got.latency_cycles == ref.back().end.back());
    (void)base;
  }
}

}  // namespace

TEST_CASE("closed_form/layer_sequential_random_traces") { check_closed_form("layer_sequential", 11); }
TEST_CASE("closed_form/timestep_pipelined_random_traces") { check_closed_form("timestep_pipelined", 12); }
