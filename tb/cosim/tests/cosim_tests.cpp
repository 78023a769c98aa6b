// Lock-step co-simulation of the TLM accelerator and the RTL layer engines on a small
// conv-pool-conv-flatten-fc network (the quickstart's shape, scaled down) with seeded
// random traces. One ctest process per case (one SystemC elaboration each).
#include <doctest/doctest.h>

#include "snncosim/tb/cosim.h"
#include "test_support.h"

using namespace snncosim;
using namespace snncosim::sc_models;
namespace nx = snncosim::numerics;

namespace {

nx::quant_model small_csnn() {
  std::mt19937_64 rng(20261127);
  nx::quant_model m;
  m.input = {2, 12, 12};
  const auto n1 = testing::leaky(0.9, 1.0);
  m.layers.push_back(testing::conv(rng, "conv1", 2, 5, 3, 1, 1, n1));
  m.layers.push_back(testing::mover("pool1", nx::layer_kind::maxpool, 2, 2));
  m.layers.push_back(testing::conv(rng, "conv2", 5, 6, 3, 1, 0, n1));
  m.layers.push_back(testing::mover("pool2", nx::layer_kind::maxpool, 2, 2));
  m.layers.push_back(testing::mover("flatten", nx::layer_kind::flatten));
  m.layers.push_back(testing::linear(rng, "fc1", 24, 7, testing::leaky(0.8, 0.5)));
  return m;
}

tb::cosim_result run(const std::string& hw_yaml, std::uint64_t seed, int samples, const tb::cosim_options& opt = {}) {
  const nx::quant_model m = small_csnn();
  const hardware_config hw = resolve_hardware(testing::hardware(hw_yaml), m);
  std::mt19937_64 rng(seed);
  std::vector<sample_input> in;
  for (int s = 0; s < samples; ++s) {
    const int steps = 2 + s % 3;
    const double density = s % 4 == 3 ? 0.0 : 0.15 + 0.2 * (s % 2);  // empty samples too
    in.push_back({testing::random_spikes(rng, static_cast<std::size_t>(m.input.size() * steps), density), steps});
  }
  tb::cosim_options o = opt;
  o.progress = false;
  return tb::run_cosim(m, hw, in, o);
}

void report(const tb::cosim_result& r) {
  MESSAGE("events " << r.events_compared << " mismatches " << r.mismatches << " cycles tlm " << r.tlm_cycles << " rtl "
                    << r.rtl_cycles);
  if (!r.first) return;
  const auto& d = *r.first;
  MESSAGE("first divergence: sample " << d.sample << " layer " << d.layer_name << " core " << d.core << " neuron c"
                                       << d.channel << " y" << d.y << " x" << d.x << " step " << d.step << " cycle "
                                       << d.cycle << " " << d.event << "." << d.field << " expected " << d.expected
                                       << " actual " << d.actual);
}

const char* sequential_hw =
    "pipeline_mode: layer_sequential\n"
    "layer_defaults: {neuron_cores: 2, penc_width_bits: 32, spike_fifo_depth: 2}\n"
    "layers:\n  conv2: {neuron_cores: 4, weight_memory: {read_latency_cycles: 2, width_bits: 16}}\n"
    "  fc1: {neuron_cores: 3, membrane_memory: {read_latency_cycles: 3}}\n";
const char* pipelined_hw =
    "pipeline_mode: timestep_pipelined\n"
    "layer_defaults: {neuron_cores: 1, penc_width_bits: 32, spike_fifo_depth: 1}\n"
    "layers:\n  conv1: {neuron_cores: 3, router_events_per_cycle: 2}\n"
    "  fc1: {neuron_cores: 4, spike_fifo_depth: 4}\n";

}  // namespace

TEST_CASE("cosim/layer_sequential_random_traces_match") {
  const auto r = run(sequential_hw, 1, 6);
  report(r);
  CHECK(r.mismatches == 0);
  CHECK(r.events_compared > 500);
  CHECK(r.tlm_cycles == r.rtl_cycles);
}

TEST_CASE("cosim/timestep_pipelined_random_traces_match") {
  const auto r = run(pipelined_hw, 2, 6);
  report(r);
  CHECK(r.mismatches == 0);
  CHECK(r.events_compared > 500);
  CHECK(r.tlm_cycles == r.rtl_cycles);
}

TEST_CASE("cosim/mutation_one_cycle_late_departure_is_caught") {
  tb::cosim_options o;
  o.faults.departed_delay = 1;
  const auto r = run(sequential_hw, 1, 2, o);
  REQUIRE(r.first.has_value());
  CHECK(r.first->event == "spike");
  CHECK(r.first->field == "departed_cycle");
  CHECK(std::stoull(r.first->actual) == std::stoull(r.first->expected) + 1);
}

TEST_CASE("cosim/mutation_one_membrane_bit_is_caught") {
  tb::cosim_options o;
  o.faults.membrane_xor = 1;
  const auto r = run(sequential_hw, 1, 2, o);
  REQUIRE(r.first.has_value());
  CHECK(r.first->event == "writeback");
  CHECK(r.first->field == "membrane");
  CHECK(r.first->layer == 0);
  CHECK(r.first->step == 0);
}
