// Lock-step co-simulation of the TLM accelerator and the RTL (the accelerator top in whole
// mode, the engines with replayed handshakes in engine mode) on a small
// conv-pool-conv-flatten-fc network (the quickstart's shape, scaled down) with seeded
// random traces. One ctest process per case (one SystemC elaboration each).
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <fstream>
#include <string>

#include "snncosim/common/error.h"
#include "snncosim/tb/cosim.h"
#include "snncosim/tb/engine_image.h"
#include "snncosim/tb/random_traces.h"
#include "snncosim/testing/small_csnn.h"
#include "snncosim/testing/models.h"

using namespace snncosim;
using namespace snncosim::sc_models;
namespace nx = snncosim::numerics;

namespace {

tb::cosim_result run(const std::string& hw_yaml, std::uint64_t seed, int samples, const tb::cosim_options& opt = {}) {
  const nx::quant_model m = testing::small_csnn();
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
tb::cosim_options engine_mode() {
  tb::cosim_options o;
  o.mode = tb::cosim_mode::engine;
  return o;
}

// Whole mode: every cycle of every engine compares both handshakes, and the output stream
// carries spikes.
void check_whole(const tb::cosim_result& r) {
  CHECK(r.mode == tb::cosim_mode::whole);
  CHECK(r.mismatches == 0);
  CHECK(r.events_compared > 500);
  CHECK(r.tlm_cycles == r.rtl_cycles);
  CHECK(r.handshake_cycles_compared >= 2 * r.rtl_cycles);  // every engine, every cycle (>= 2 engines)
  CHECK(r.output_spikes_compared > 0);
}

// Uniform encoder width (the top has one ChunkW); 1-4 cores, narrow FIFOs, two drain rates.
const char* whole_pipelined_hw =
    "pipeline_mode: timestep_pipelined\n"
    "layer_defaults: {neuron_cores: 1, penc_width_bits: 32, spike_fifo_depth: 1}\n"
    "layers:\n  conv1: {neuron_cores: 3, router_events_per_cycle: 2}\n"
    "  fc1: {neuron_cores: 4, spike_fifo_depth: 4}\n";
const char* whole_c8_hw =
    "pipeline_mode: timestep_pipelined\n"
    "layer_defaults: {neuron_cores: 2, penc_width_bits: 8, spike_fifo_depth: 3, router_events_per_cycle: 4}\n"
    "layers:\n  conv2: {neuron_cores: 4, membrane_memory: {read_latency_cycles: 2}}\n";

const char* pipelined_hw =
    "pipeline_mode: timestep_pipelined\n"
    "layer_defaults: {neuron_cores: 1, penc_width_bits: 32, spike_fifo_depth: 1}\n"
    "layers:\n  conv1: {neuron_cores: 3, router_events_per_cycle: 2, penc_width_bits: 8}\n"
    "  fc1: {neuron_cores: 4, spike_fifo_depth: 4}\n";

}  // namespace

TEST_CASE("cosim/engine_mode_layer_sequential_random_traces_match") {
  const auto r = run(sequential_hw, 1, 6, engine_mode());
  report(r);
  CHECK(r.mismatches == 0);
  CHECK(r.events_compared > 500);
  CHECK(r.tlm_cycles == r.rtl_cycles);
}

TEST_CASE("cosim/timestep_pipelined_random_traces_match") {
  const auto r = run(pipelined_hw, 2, 6, engine_mode());  // mixed encoder widths: engine mode only
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
  tb::cosim_options o2 = engine_mode();
  o2.variant = "mut_timing";
  const auto r = run(sequential_hw, 1, 2, o2);
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
  tb::cosim_options o2 = engine_mode();
  o2.variant = "mut_bit";
  const auto r = run(sequential_hw, 1, 2, o2);
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
  o = engine_mode();
  o.variant = "mut_bit";
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
  const nx::quant_model m = testing::small_csnn();
  const hardware_config hw = resolve_hardware(testing::hardware(sequential_hw), m);
  CHECK(tb::fits(tb::required_limits(m, hw, 4), build));
  const hardware_config wide = resolve_hardware(testing::hardware("layer_defaults: {neuron_cores: 5}\n"), m);
  CHECK_FALSE(tb::fits(tb::required_limits(m, wide, 4), build));
}

TEST_CASE("cosim/whole_layer_sequential_random_traces_match") {
  const auto r = run(sequential_hw, 3, 8);
  report(r);
  check_whole(r);
}

TEST_CASE("cosim/whole_timestep_pipelined_random_traces_match") {
  const auto r = run(whole_pipelined_hw, 4, 8);
  report(r);
  check_whole(r);
}

TEST_CASE("cosim/whole_encoder8_pipelined_random_traces_match") {
  const auto r = run(whole_c8_hw, 5, 8);
  report(r);
  check_whole(r);
}

TEST_CASE("cosim/whole_one_core_everywhere_long_samples_match") {
  // T up to 10 through two slots per linked spike memory: slots are reused many times.
  const nx::quant_model m = testing::small_csnn();
  const hardware_config hw = resolve_hardware(
      testing::hardware("pipeline_mode: timestep_pipelined\nlayer_defaults: {neuron_cores: 1, spike_fifo_depth: 2}\n"), m);
  std::mt19937_64 rng(6);
  std::vector<sample_input> in;
  for (int s = 0; s < 3; ++s) {
    const int steps = 6 + 2 * s;
    std::vector<std::uint8_t> x;
    for (int t = 0; t < steps; ++t) {  // empty, sparse and burst steps
      const double d = t % 3 == 0 ? 0.0 : (t % 3 == 1 ? 0.05 : 0.9);
      const auto step = testing::random_spikes(rng, static_cast<std::size_t>(m.input.size()), d);
      x.insert(x.end(), step.begin(), step.end());
    }
    in.push_back({x, steps});
  }
  tb::cosim_options o;
  o.progress = false;
  const auto r = tb::run_cosim(m, hw, in, o);
  report(r);
  check_whole(r);
}

TEST_CASE("cosim/whole_mixed_encoder_widths_match") {
  // The generated design has an encoder width per engine (8 bits at conv1, 32 elsewhere).
  tb::cosim_options o;
  o.mode = tb::cosim_mode::whole;
  const auto r = run(pipelined_hw, 2, 6, o);
  report(r);
  check_whole(r);
}

TEST_CASE("cosim/auto_mode_runs_whole_when_the_generator_builds_it") {
  const auto r = run(pipelined_hw, 2, 6);
  report(r);
  CHECK(r.mode == tb::cosim_mode::whole);
  CHECK(r.mismatches == 0);
  CHECK(!r.design_hash.empty());
}

TEST_CASE("cosim/whole_two_neuron_layers_match") {
  nx::quant_model m = testing::small_csnn();
  m.layers.erase(m.layers.begin() + 1, m.layers.begin() + 3);  // conv1, flatten, fc1
  std::mt19937_64 wrng(8);
  m.layers.back() = testing::linear(wrng, "fc1", 5 * 12 * 12, 7, testing::leaky(0.8, 0.5));
  const hardware_config hw = resolve_hardware(testing::hardware("layer_defaults: {neuron_cores: 2}\n"), m);
  std::mt19937_64 rng(9);
  std::vector<sample_input> in;
  for (int s = 0; s < 4; ++s)
    in.push_back({testing::random_spikes(rng, static_cast<std::size_t>(m.input.size() * 3), 0.2), 3});
  tb::cosim_options o;
  o.progress = false;
  o.mode = tb::cosim_mode::whole;
  const auto r = tb::run_cosim(m, hw, in, o);
  report(r);
  CHECK(r.mismatches == 0);
  CHECK(r.tlm_cycles == r.rtl_cycles);
  CHECK(r.events_compared > 100);
  CHECK(r.handshake_cycles_compared >= 2 * r.rtl_cycles);
}

namespace {
// conv (2 -> 4 channels, 10x10) -> spike max-pool (kernel k, stride s) -> conv (-> 5) ->
// flatten -> fc 6: a link whose pooling windows overlap when s < k.
nx::quant_model overlapping_pool_csnn(int k, int s) {
  std::mt19937_64 rng(77);
  nx::quant_model m;
  m.input = {2, 10, 10};
  const auto n = testing::leaky(0.9, 1.0);
  m.layers.push_back(testing::conv(rng, "conv1", 2, 4, 3, 1, 1, n));
  m.layers.push_back(testing::mover("pool1", nx::layer_kind::maxpool, k, s));
  m.layers.push_back(testing::conv(rng, "conv2", 4, 5, 3, 1, 1, n));
  m.layers.push_back(testing::mover("flatten", nx::layer_kind::flatten));
  const int side = (10 - k) / s + 1;
  m.layers.push_back(testing::linear(rng, "fc1", 5 * side * side, 6, testing::leaky(0.8, 0.5)));
  return m;
}
}  // namespace

TEST_CASE("cosim/link_image_maps_pool_and_flatten") {
  // small CSNN: conv1 (5x12x12) -> max-pool 2 -> conv2 (frames 5 of 6x6 = 36 bits, 2 words
  // of 32); conv2 (pooled currents, 6x2x2) -> flatten -> fc1 (one frame of 24 bits).
  const nx::quant_model m = testing::small_csnn();
  sc_models::engine_geometry g2;
  g2.frames = 5;
  g2.frame_bits = 36;
  const auto a = tb::make_link_image(m, 0, 2, g2, 2, true, 4);
  CHECK(a.regs == std::array<std::uint32_t, 9>{1, 4, 2, 6, 6, 0, 5, 2, 2});
  sc_models::engine_geometry g3;
  g3.frames = 1;
  g3.frame_bits = 24;
  const auto b = tb::make_link_image(m, 2, 4, g3, 5, false, 5);
  CHECK(b.regs == std::array<std::uint32_t, 9>{0, 5, 0, 2, 2, 1, 1, 1, 5});
  // an overlapping spike pool (kernel 3, stride 2): register 2 = kernel | stride << 8, a
  // spike lies in up to 2 x 2 windows; a pool with gaps between windows is not a link stage
  const nx::quant_model ov = overlapping_pool_csnn(3, 2);
  sc_models::engine_geometry g4;
  g4.frames = 4;
  g4.frame_bits = 16;
  const auto c = tb::make_link_image(ov, 0, 2, g4, 2, true, 4);
  CHECK(c.regs == std::array<std::uint32_t, 9>{1, 4, 3 | 2 << 8, 4, 4, 0, 4, 1, 2});
  CHECK(c.windows == 2);
  CHECK_THROWS_AS(tb::make_link_image(overlapping_pool_csnn(2, 3), 0, 2, g4, 2, true, 4), snncosim::bad_input);
}

namespace {
// fc1 fires all four neurons in step 0 into a deep, slow FIFO; step 1 is silent and its
// short activation ends before the queue drained (sc_models timing/silent_last_step_*).
tb::cosim_result run_silent_last_step(tb::cosim_options o) {
  std::mt19937_64 rng(5);
  nx::quant_model m;
  m.input = {4, 1, 1};
  m.layers.push_back(testing::linear(rng, "fc1", 4, 4, testing::leaky(0.0, 2.0), 5.0f));
  m.layers.push_back(testing::linear(rng, "fc2", 4, 2, testing::leaky(0.0, 2.0), 5.0f));
  m.layers.push_back(testing::linear(rng, "fc3", 2, 2, testing::leaky(0.0, 2.0), 5.0f));
  const hardware_config hw = resolve_hardware(
      testing::hardware("pipeline_mode: layer_sequential\n"
                        "layer_defaults: {spike_fifo_depth: 4, router_events_per_cycle: 1}\n"
                        "layers:\n  fc1: {neuron_cores: 4}\n"),
      m);
  o.mode = tb::cosim_mode::whole;
  o.progress = false;
  const std::vector<sample_input> in = {{{1, 1, 1, 1, 0, 0, 0, 0}, 2}, {{1, 0, 1, 1, 0, 0, 0, 0}, 2}};
  return tb::run_cosim(m, hw, in, o);
}
}  // namespace

TEST_CASE("cosim/whole_silent_last_step_waits_for_queued_spikes") {
  // The RTL link waits for the queue; the TLM must release fc2 at the same cycle.
  const auto r = run_silent_last_step({});
  report(r);
  CHECK(r.mode == tb::cosim_mode::whole);
  CHECK(r.mismatches == 0);
  CHECK(r.handshake_cycles_compared > 0);
  CHECK(r.tlm_cycles == r.rtl_cycles);
}

TEST_CASE("cosim/link_mutant_is_caught_in_whole_mode") {
  // The mutated top (rtl/mutate/snn-mutate link): a link releases a step as soon as the
  // producer ended it, ignoring its packets still queued in the router. The scoreboard must
  // see it first as the consumer's in_steps_ready handshake, one or more cycles early.
  tb::cosim_options o;
  o.variant = "mut_link";
  const auto r = run_silent_last_step(o);
  report(r);
  CHECK(r.mode == tb::cosim_mode::whole);
  CHECK(r.mismatches > 0);
  REQUIRE(r.first.has_value());
  CHECK(r.first->event == "handshake");
  CHECK(r.first->field == "in_steps_ready");
  CHECK(std::stoull(r.first->actual) > std::stoull(r.first->expected));
}

TEST_CASE("cosim/link_mutant_is_a_top_build_only") {
  tb::cosim_options o;
  o.mode = tb::cosim_mode::engine;
  o.variant = "mut_link";
  CHECK_THROWS_AS(run(whole_pipelined_hw, 4, 1, o), bad_input);
}

// More neuron cores than a layer has channels (fc1 has 7, conv1 5): the generated engine has
// one lane per channel and a single pass.
TEST_CASE("cosim/whole_more_cores_than_channels_match") {
  const char* hw =
      "pipeline_mode: timestep_pipelined\n"
      "layer_defaults: {neuron_cores: 8, spike_fifo_depth: 2}\n";
  tb::cosim_options o;
  o.mode = tb::cosim_mode::whole;
  const auto r = run(hw, 11, 6, o);
  report(r);
  check_whole(r);
}

namespace {
// A mutation of a feature only the generated (Fixed = 1) design has: the reference design
// of the same run matches (whole_layer_sequential_* with seed 3, whole_timestep_pipelined_*
// with seed 4); the mutant must not.
tb::cosim_result run_generated_mutant(const std::string& mutation, const char* hw, std::uint64_t seed) {
  tb::cosim_options o;
  o.mode = tb::cosim_mode::whole;
  o.variant = "mut_" + mutation;
  return run(hw, seed, 6, o);  // samples of 2, 3 and 4 steps
}
}  // namespace

TEST_CASE("cosim/generated_mutant_slot_counter_is_caught") {
  // two slots per linked memory (pipelined): steps 2 and 3 reuse them
  const auto r = run_generated_mutant("fixed_counter", whole_pipelined_hw, 4);
  report(r);
  REQUIRE(r.first.has_value());
  CHECK(r.mismatches > 0);
}

TEST_CASE("cosim/generated_mutant_ignoring_the_steps_port_is_caught") {
  const auto r = run_generated_mutant("steps_port", sequential_hw, 3);
  report(r);
  REQUIRE(r.first.has_value());
  CHECK(r.mismatches > 0);
}

TEST_CASE("cosim/generated_mutant_constant_divider_is_caught") {
  const auto r = run_generated_mutant("const_div", sequential_hw, 3);
  report(r);
  REQUIRE(r.first.has_value());
  // a spike of row y read as row y-1: a wrong accumulator, seen as a membrane value
  CHECK(r.first->field == "membrane");
}

// Encoders wider than the 32-bit load port: the first engine's spike words are loaded in
// parts (snn_load_widen); found by `explore --cosim`, whose winner had 128-bit encoders.
TEST_CASE("cosim/whole_wide_encoders_match") {
  const char* hw =
      "pipeline_mode: timestep_pipelined\n"
      "layer_defaults: {neuron_cores: 2, penc_width_bits: 128, spike_fifo_depth: 4}\n"
      "layers:\n  conv2: {penc_width_bits: 64}\n";
  tb::cosim_options o;
  o.mode = tb::cosim_mode::whole;
  const auto r = run(hw, 12, 6, o);
  report(r);
  check_whole(r);
}

// Off-chip weights: a read latency of 40 cycles is a 40-stage delay line in the generated
// engine (the programmable engines stop at 4).
TEST_CASE("cosim/whole_offchip_weight_latency_matches") {
  const char* hw =
      "pipeline_mode: timestep_pipelined\n"
      "layer_defaults: {neuron_cores: 2, spike_fifo_depth: 2}\n"
      "layers:\n  conv2: {weight_memory: {kind: offchip, read_latency_cycles: 40}}\n";
  tb::cosim_options o;
  o.mode = tb::cosim_mode::whole;
  const auto r = run(hw, 13, 6, o);
  report(r);
  check_whole(r);
}

// Overlapping spike max-pool between two engines (kernel 3, stride 2): one departure sets
// up to four bits of the next engine's spike memory in its cycle.
TEST_CASE("cosim/whole_overlapping_spike_pool_matches") {
  const nx::quant_model m = overlapping_pool_csnn(3, 2);
  const hardware_config hw = resolve_hardware(
      testing::hardware("pipeline_mode: timestep_pipelined\n"
                        "layer_defaults: {neuron_cores: 2, spike_fifo_depth: 2, router_events_per_cycle: 2}\n"),
      m);
  std::mt19937_64 rng(14);
  std::vector<sample_input> in;
  for (int s = 0; s < 5; ++s) {
    const int steps = 2 + s % 3;
    in.push_back({testing::random_spikes(rng, static_cast<std::size_t>(m.input.size() * steps), 0.1 + 0.1 * (s % 3)),
                  steps});
  }
  tb::cosim_options o;
  o.progress = false;
  o.mode = tb::cosim_mode::whole;
  const auto r = tb::run_cosim(m, hw, in, o);
  report(r);
  check_whole(r);
}

TEST_CASE("random_traces: seeded - per-step densities of the two patterns - trace k is seed + k") {
  const std::size_t n = 4096;
  const int steps = 40;
  auto density = [&](const sample_input& s, int t) {
    std::size_t on = 0;
    for (std::size_t i = 0; i < n; ++i) on += s.spikes[static_cast<std::size_t>(t) * n + i];
    return static_cast<double>(on) / static_cast<double>(n);
  };
  const auto a = tb::random_traces("mixed", 7, 3, n, steps), b = tb::random_traces("mixed", 7, 3, n, steps);
  REQUIRE(a.size() == 3);
  CHECK(a[2].spikes == b[2].spikes);
  CHECK(a[1].spikes == tb::random_traces("mixed", 8, 1, n, steps)[0].spikes);
  CHECK(a[0].spikes != a[1].spikes);
  // mixed: every step is empty or near 8/256, 64/256 or 230/256, and all four kinds occur.
  std::array<int, 4> kinds{};
  for (int t = 0; t < steps; ++t) {
    const double d = density(a[0], t);
    int kind = -1;
    for (int k = 0; k < 4; ++k)
      if (std::abs(d - std::array<double, 4>{0.0, 8 / 256.0, 64 / 256.0, 230 / 256.0}[k]) < 0.03) kind = k;
    CAPTURE(t);
    CAPTURE(d);
    REQUIRE(kind >= 0);
    ++kinds[static_cast<std::size_t>(kind)];
  }
  for (int c : kinds) CHECK(c > 0);
  // burst_then_silent: runs of 1-2 dense (about 90 %) steps, each followed by 1-3 empty ones.
  const auto s = tb::random_traces("burst_then_silent", 3, 1, n, steps)[0];
  int t = 0, bursts = 0;
  while (t < steps) {
    int dense = 0, silent = 0;
    while (t < steps && density(s, t) > 0.85) ++dense, ++t;
    while (t < steps && density(s, t) == 0.0) ++silent, ++t;
    CAPTURE(t);
    REQUIRE(dense >= 1);
    CHECK(dense <= 2);
    if (t < steps) CHECK((silent >= 1 && silent <= 3));
    ++bursts;
  }
  CHECK(bursts > 5);
  CHECK_THROWS_AS(tb::random_traces("dense", 1, 1, n, steps), bad_input);
}
