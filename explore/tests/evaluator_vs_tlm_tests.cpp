// The fast evaluator against the cycle-accurate TLM (sc_models::simulate) on random small
// networks and random hardware configurations: every layer's start/end/drain, every
// step's phases and the sample latency must be equal (the evaluator claims exactness).
#include <doctest/doctest.h>

#include "snncosim/explore/evaluator.h"
#include "snncosim/numerics/integer_inference.h"
#include "snncosim/sc_models/accelerator.h"
#include "snncosim/testing/models.h"

using namespace snncosim;
namespace nx = snncosim::numerics;
namespace sm = snncosim::sc_models;

namespace {

int pick(std::mt19937_64& rng, std::initializer_list<int> values) {
  const auto i = static_cast<std::size_t>(rng() % values.size());
  return *(values.begin() + static_cast<std::ptrdiff_t>(i));
}

// conv (maybe current-pooled) -> [maxpool] -> conv -> flatten -> fc -> fc, random sizes.
nx::quant_model random_net(std::mt19937_64& rng) {
  nx::quant_model m;
  const int c0 = pick(rng, {1, 2, 3});
  const int hw = pick(rng, {6, 8, 10});
  m.input = {c0, hw, hw};
  const auto n1 = snncosim::testing::leaky(0.9, 0.6);
  const int c1 = pick(rng, {3, 5, 8});
  m.layers.push_back(snncosim::testing::conv(rng, "conv1", c0, c1, 3, 1, 1, n1, 0.3f));
  int side = hw;
  if (rng() % 2 == 0) {
    m.layers.push_back(snncosim::testing::mover("pool1", nx::layer_kind::maxpool, 2, 2));
    side /= 2;
  }
  const int c2 = pick(rng, {4, 6, 7});
  nx::quant_layer conv2 = snncosim::testing::conv(rng, "conv2", c1, c2, 3, 1, 1, n1, 0.2f);
  if (rng() % 2 == 0) {
    conv2.current_pool_kernel = 2;
    conv2.current_pool_stride = 2;
    side /= 2;
  }
  m.layers.push_back(conv2);
  m.layers.push_back(snncosim::testing::mover("flatten", nx::layer_kind::flatten));
  const int f1 = pick(rng, {7, 10, 16});
  m.layers.push_back(snncosim::testing::linear(rng, "fc1", c2 * side * side, f1, snncosim::testing::leaky(0.8, 0.5), 0.2f));
  m.layers.push_back(snncosim::testing::linear(rng, "fc2", f1, 4, snncosim::testing::leaky(0.8, 0.5), 0.2f));
  return m;
}

sm::hardware_config random_hw(std::mt19937_64& rng, const nx::quant_model& m, sm::pipeline_mode mode) {
  sm::hardware_config hw;
  hw.name = "random";
  hw.mode = mode;
  hw.clock_mhz = 100;
  hw.energy = {1.5, 12.0, 3.0, 60.0, 0.9};
  for (const auto& l : m.layers) {
    if (!l.is_neuron_layer()) continue;
    sm::layer_hw_config c;
    c.layer_name = l.name;
    c.neuron_cores = pick(rng, {1, 2, 3, 4, 8});
    c.penc_width_bits = pick(rng, {4, 8, 16, 32});
    c.weight_memory.kind = rng() % 4 == 0 ? sm::memory_kind::offchip : sm::memory_kind::bram;
    c.weight_memory.read_latency_cycles = pick(rng, {1, 2, 5});
    c.weight_memory.width_bits = pick(rng, {8, 16, 64});
    c.weight_memory.ports = pick(rng, {1, 2});
    c.weight_memory.capacity_kib = 4096;
    c.membrane_memory.kind = rng() % 3 == 0 ? sm::memory_kind::uram : sm::memory_kind::bram;
    c.membrane_memory.read_latency_cycles = pick(rng, {1, 2});
    c.membrane_memory.capacity_kib = 1024;
    c.spike_read_latency_cycles = pick(rng, {1, 3});
    c.spike_fifo_depth = pick(rng, {1, 2, 4, 16});
    c.router_events_per_cycle = pick(rng, {1, 2});
    hw.layers.push_back(c);
  }
  return hw;
}

void compare_with_tlm(std::uint64_t seed, sm::pipeline_mode mode) {
  std::mt19937_64 rng(seed);
  const nx::quant_model m = random_net(rng);
  const sm::hardware_config hw = random_hw(rng, m, mode);
  std::vector<sm::sample_input> samples;
  std::vector<std::vector<std::uint8_t>> inputs;
  std::vector<int> steps;
  for (int s = 0; s < 6; ++s) {
    const int T = 1 + static_cast<int>(rng() % 5);
    const double density = s == 0 ? 0.0 : 0.1 * static_cast<double>(s);  // sample 0: silent input
    auto spikes = snncosim::testing::random_spikes(rng, static_cast<std::size_t>(m.input.size() * T), density);
    samples.push_back({spikes, T});
    inputs.push_back(spikes);
    steps.push_back(T);
  }
  const explore::workload w = explore::make_workload(m, inputs, steps);
  explore::evaluator ev(w);
  const explore::evaluation fast = ev.evaluate(hw, {true, true});
  sm::simulation_options opt;
  opt.progress = false;
  opt.keep_spikes = false;
  const sm::simulation_result tlm = sm::simulate(m, hw, samples, opt);
  REQUIRE(tlm.samples.size() == fast.samples.size());
  std::uint64_t stalls = 0, packets = 0;
  for (std::size_t s = 0; s < samples.size(); ++s) {
    const auto& a = tlm.samples[s];
    const auto& b = fast.samples[s];
    INFO("sample " << s);
    CHECK(a.latency_cycles == b.latency_cycles);
    CHECK(a.energy_pj == doctest::Approx(b.energy_pj).epsilon(1e-9));
    REQUIRE(a.layers.size() == b.layers.size());
    std::uint64_t period = 0;
    for (std::size_t l = 0; l < a.layers.size(); ++l) {
      const auto& x = a.layers[l];
      const auto& y = b.layers[l];
      INFO("layer " << x.name);
      CHECK(x.start == y.start);
      CHECK(x.end == y.end);
      CHECK(x.drain_end == y.drain_end);
      CHECK(x.synaptic_ops == y.synaptic_ops);
      CHECK(x.router.num_packets == y.packets);
      CHECK(x.router.stall_cycles == y.stall);
      period = std::max({period, x.end, x.drain_end});
      REQUIRE(x.steps.size() == y.steps.size());
      for (std::size_t t = 0; t < x.steps.size(); ++t) {
        INFO("step " << t);
        const auto& p = x.steps[t];
        const auto& q = y.steps[t];
        CHECK(p.begin == q.begin);
        CHECK(p.end == q.end);
        CHECK(p.compress == q.compress);
        CHECK(p.accumulate == q.accumulate);
        CHECK(p.activate == q.activate);
        CHECK(p.stall == q.stall);
        CHECK(p.idle == q.idle);
        CHECK(p.buffer_wait == q.buffer_wait);
        CHECK(p.input_spikes == q.input_spikes);
        CHECK(p.output_spikes == q.output_spikes);
      }
      stalls += x.stall;
      packets += x.router.num_packets;
    }
    CHECK(period == b.period_cycles);
  }
  // Meaningful only with traffic.
  CHECK(packets > 0);
  MESSAGE("seed " << seed << ": packets " << packets << ", router stall cycles " << stalls);
}

}  // namespace

#define EVAL_CASE(seed)                                                                               \
  TEST_CASE("evaluator_vs_tlm/sequential_seed_" #seed) { compare_with_tlm(seed, sm::pipeline_mode::layer_sequential); } \
  TEST_CASE("evaluator_vs_tlm/pipelined_seed_" #seed) { compare_with_tlm(seed, sm::pipeline_mode::timestep_pipelined); }

EVAL_CASE(1)
EVAL_CASE(2)
EVAL_CASE(3)
EVAL_CASE(4)
EVAL_CASE(5)
EVAL_CASE(6)
EVAL_CASE(7)
EVAL_CASE(8)
