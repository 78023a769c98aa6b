// Lock-step co-simulation of the TLM accelerator and the RTL layer engines on a small
// conv-pool-conv-flatten-fc network (the quickstart's shape, scaled down) with seeded
// random traces. One ctest process per case (one SystemC elaboration each).
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "snncosim/common/error.h"
#include "snncosim/tb/cosim.h"
#include "snncosim/tb/engine_image.h"
#include "small_csnn.h"
#include "test_support.h"

using namespace snncosim;
using namespace snncosim::sc_models;
namespace nx = snncosim::numerics;

namespace {

tb::cosim_result run(const std::string& hw_yaml, std::uint64_t seed, int samples, const tb::cosim_options& opt = {}) {
  const nx::quant_model m = tb::testing::small_csnn();
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
    "layers:\n  conv1: {neuron_cores: 3, router_events_per_cycle: 2, penc_width_bits: 8}\n"
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

// The 16-bit priority-encoder build (Vsnn_layer_engine_c16) on every engine.
TEST_CASE("cosim/penc_16_random_traces_match") {
  const char* hw =
      "pipeline_mode: timestep_pipelined\n"
      "layer_defaults: {neuron_cores: 2, penc_width_bits: 16, spike_fifo_depth: 2}\n"
      "layers:\n  conv2: {neuron_cores: 3, weight_memory: {read_latency_cycles: 2}}\n";
  const auto r = run(hw, 5, 4);
  report(r);
  CHECK(r.mismatches == 0);
  CHECK(r.events_compared > 300);
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

// The mutants are Verilated builds of a copy of the engine with one change each
// (rtl/mutate/snn-mutate); the reference build of the same run has 0 mismatches.
TEST_CASE("cosim/mutant_one_extra_drain_cycle_is_caught_as_a_cycle") {
  tb::cosim_options o;
  o.variant = tb::rtl_variant::mut_timing;
  const auto r = run(sequential_hw, 1, 2, o);
  report(r);
  REQUIRE(r.first.has_value());
  CHECK(r.mismatches > 0);
  // one extra cycle per non-empty input frame (conv1 has two) moves the first write-back
  // late; no value changes
  CHECK(r.first->event == "writeback");
  CHECK(r.first->field == "cycle");
  CHECK(std::stoull(r.first->actual) > std::stoull(r.first->expected));
  CHECK(std::stoull(r.first->actual) <= std::stoull(r.first->expected) + 2);
  CHECK(r.rtl_cycles > r.tlm_cycles);
}

TEST_CASE("cosim/mutant_one_accumulator_bit_is_caught_as_a_value") {
  tb::cosim_options o;
  o.variant = tb::rtl_variant::mut_bit;
  const auto r = run(sequential_hw, 1, 2, o);
  report(r);
  REQUIRE(r.first.has_value());
  CHECK(r.mismatches > 0);
  CHECK(r.first->event == "writeback");
  CHECK(r.first->field == "membrane");
  CHECK(r.first->layer == 0);
  CHECK(r.first->step == 0);
  CHECK(r.tlm_cycles == r.rtl_cycles);  // a value change, no timing change
}

TEST_CASE("cosim/reference_build_of_the_mutation_runs_matches") {
  const auto r = run(sequential_hw, 1, 2);
  report(r);
  CHECK(r.mismatches == 0);
  CHECK(r.tlm_cycles == r.rtl_cycles);
}

TEST_CASE("cosim/mutants_exist_for_32_bit_encoders_only") {
  tb::cosim_options o;
  o.variant = tb::rtl_variant::mut_bit;
  CHECK_THROWS_AS(run(pipelined_hw, 2, 1, o), bad_input);  // conv1 has an 8-bit encoder
  CHECK_THROWS_AS(tb::parse_rtl_variant("mut_nothing"), bad_input);
  CHECK(tb::parse_rtl_variant("mut_timing") == tb::rtl_variant::mut_timing);
}

TEST_CASE("cosim/engine_package_agrees_with_the_testbench_limits") {
  // The SV package the engine is built with and the limits make_engine_image enforces.
  std::ifstream f(std::string(SNNCOSIM_SOURCE_DIR) + "/rtl/layer_engine/snn_engine_pkg.sv");
  REQUIRE(f.good());
  std::string text, line;
  while (std::getline(f, line)) text += line + "\n";
  const tb::engine_limits pkg = tb::parse_engine_package(text, "snn_engine_pkg.sv");
  const tb::engine_limits build;
  CHECK(tb::engine_package_sv(pkg) == tb::engine_package_sv(build));
  // The test network fits the build; 5 neuron cores would not.
  const nx::quant_model m = tb::testing::small_csnn();
  const hardware_config hw = resolve_hardware(testing::hardware(sequential_hw), m);
  CHECK(tb::fits(tb::required_limits(m, hw, 4), build));
  const hardware_config wide = resolve_hardware(testing::hardware("layer_defaults: {neuron_cores: 5}\n"), m);
  CHECK_FALSE(tb::fits(tb::required_limits(m, wide, 4), build));
}
