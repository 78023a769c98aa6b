// Cycle counts against the closed forms of docs/hardware.md, computed by hand.
#include <doctest/doctest.h>

#include "snncosim/numerics/integer_inference.h"
#include "snncosim/sc_models/accelerator.h"
#include "snncosim/testing/models.h"

using namespace snncosim;
using namespace snncosim::sc_models;
namespace nx = snncosim::numerics;

TEST_CASE("timing/one_conv_layer_three_spikes") {
  // Input 1x4x4, conv 3x3 pad 1 -> 2 channels, one core (P = 2), penc 4 bits (4 chunks).
  std::mt19937_64 rng(1);
  nx::quant_model m;
  m.input = {1, 4, 4};
  m.layers.push_back(testing::conv(rng, "conv1", 1, 2, 3, 1, 1, testing::leaky(0.5, 1.0)));
  const auto doc = testing::hardware(
      "layer_defaults:\n  neuron_cores: 1\n  penc_width_bits: 4\n  weight_memory: {read_latency_cycles: 2}\n"
      "  membrane_memory: {read_latency_cycles: 1}\n  spike_memory: {read_latency_cycles: 1}\n");
  std::vector<std::uint8_t> in(16, 0);
  in[0] = in[5] = in[15] = 1;
  const simulation_result r = simulate(m, resolve_hardware(doc, m), {{in, 1}}, {});
  const auto& l = r.samples.at(0).layers.at(0);
  const auto& st = l.steps.at(0);
  // E = L_spk + ceil(16/4) + s = 1 + 4 + 3
  CHECK(st.compress == 8);
  // A = s * K^2 * R + L_w + L_m, R = P * ceil(1 core * 8 bits / 64) = 2: 3*9*2 + 2 + 1
  CHECK(st.accumulate == 57);
  // V = P * H*W + L_m = 2*16 + 1; one spike per cycle at most: no stall
  CHECK(st.activate == 33);
  CHECK(st.stall == 0);
  CHECK(st.idle == 8);  // cores wait for the first frame's compression
  CHECK(r.samples[0].latency_cycles == 8 + 57 + 33);
  const auto gold = nx::run_integer_inference(m, in, 1);
  CHECK(r.samples[0].spikes.layers[0].spikes == gold.layers[0].spikes);
  // Synaptic ops: taps that land inside the 4x4 output, times 2 channels.
  // Spike (0,0): 4 taps; (1,1): 9 taps; (3,3): 4 taps.
  CHECK(l.synaptic_ops == (4 + 9 + 4) * 2);
}

TEST_CASE("timing/compressor_and_cores_overlap_across_frames_and_steps") {
  // Input 2x4x4, conv 1x1 -> 3 channels, 2 cores (P = 2, R = 2), penc 16 (1 chunk), L_spk 2.
  std::mt19937_64 rng(2);
  nx::quant_model m;
  m.input = {2, 4, 4};
  m.layers.push_back(testing::conv(rng, "conv1", 2, 3, 1, 1, 0, testing::leaky(0.5, 1.0)));
  const auto doc = testing::hardware(
      "layer_defaults:\n  neuron_cores: 2\n  penc_width_bits: 16\n  spike_memory: {read_latency_cycles: 2}\n"
      "  router_events_per_cycle: 2\n");
  std::vector<std::uint8_t> in(2 * 32, 0);
  for (int i : {0, 3, 6, 9, 12}) in[static_cast<std::size_t>(i)] = 1;  // t0 frame0: 5 spikes, frame1 empty
  in[32 + 4] = 1;                                                      // t1 frame0: 1 spike
  in[32 + 16 + 1] = in[32 + 16 + 2] = 1;                               // t1 frame1: 2 spikes
  const simulation_result r = simulate(m, resolve_hardware(doc, m), {{in, 2}}, {});
  const auto& l = r.samples.at(0).layers.at(0);
  // E = 2 + 1 + s; A = 2s + 2; V = 2*16 + 1 = 33.
  // t0: f0 compress [0,8) accumulate [8,20); f1 compress [8,11); activate [20,53)
  // t1: f0 compress [20,24) (buffer 0 busy until 20), accumulate [53,57);
  //     f1 compress [24,29), accumulate [57,63); activate [63,96)
  CHECK(l.steps[0].compress == 11);
  CHECK(l.steps[0].accumulate == 12);
  CHECK(l.steps[0].idle == 8);
  CHECK(l.steps[0].end == 53);
  CHECK(l.steps[1].compress == 9);
  CHECK(l.steps[1].accumulate == 10);
  CHECK(l.steps[1].idle == 0);
  CHECK(l.steps[1].end == 96);
  CHECK(l.stall == 0);
  CHECK(r.samples[0].latency_cycles == 96);
  for (const auto& s : l.steps) CHECK(s.end - s.begin == s.accumulate + s.activate + s.stall + s.idle);
}

TEST_CASE("timing/router_back_pressure_stalls_the_cores") {
  // Linear 4 -> 4 on 4 cores: all four neurons spike in the same activation cycle into a FIFO
  // of depth 1 draining 1 event per cycle: the n-th spike waits n-1 cycles (stall 0+1+1+1).
  std::mt19937_64 rng(3);
  nx::quant_model m;
  m.input = {4, 1, 1};
  m.layers.push_back(testing::linear(rng, "fc", 4, 4, testing::leaky(0.0, 0.01), 5.0f));
  const auto doc = testing::hardware("layer_defaults: {neuron_cores: 4, spike_fifo_depth: 1, router_events_per_cycle: 1}\n");
  const std::vector<std::uint8_t> in = {1, 1, 1, 1};
  const simulation_result r = simulate(m, resolve_hardware(doc, m), {{in, 1}}, {});
  const auto& l = r.samples.at(0).layers.at(0);
  REQUIRE(l.output_spikes == 4);
  CHECK(l.steps[0].compress == 1 + 1 + 4);
  CHECK(l.steps[0].accumulate == 4 * 1 * 1 + 1 + 1);
  CHECK(l.steps[0].activate == 1 * 1 + 1);
  CHECK(l.steps[0].stall == 3);
  CHECK(r.samples[0].latency_cycles == 6 + 6 + 2 + 3);
  CHECK(l.router.max_occupancy == 1);
  CHECK(l.drain_end == 17);
}

namespace {
// fc1 4 -> 2 (2 cores), fc2 2 -> 2 (1 core): every neuron spikes every step.
nx::quant_model two_fc() {
  std::mt19937_64 rng(4);
  nx::quant_model m;
  m.input = {4, 1, 1};
  m.layers.push_back(testing::linear(rng, "fc1", 4, 2, testing::leaky(0.0, 0.01), 5.0f));
  m.layers.push_back(testing::linear(rng, "fc2", 2, 2, testing::leaky(0.0, 0.01), 5.0f));
  return m;
}
const char* two_fc_hw = "layer_defaults: {router_events_per_cycle: 4}\nlayers:\n  fc1: {neuron_cores: 2}\n";
}  // namespace

TEST_CASE("timing/two_layers_timestep_pipelined") {
  const nx::quant_model m = two_fc();
  const auto doc = testing::hardware(std::string("pipeline_mode: timestep_pipelined\n") + two_fc_hw);
  const std::vector<std::uint8_t> in(12, 1);
  const simulation_result r = simulate(m, resolve_hardware(doc, m), {{in, 3}}, {});
  const auto& s = r.samples.at(0);
  REQUIRE(s.spikes.layers[0].total() == 6);
  REQUIRE(s.spikes.layers[1].total() == 6);
  // fc1: E = 6, A = 6, V = 2. Ends of steps 14, 22, 30 (see docs/hardware.md §5 example).
  CHECK(s.layers[0].steps[0].end == 14);
  CHECK(s.layers[0].steps[1].end == 22);
  CHECK(s.layers[0].steps[2].end == 30);
  // fc2: E = 4, A = 2*2 + 2 = 6, V = 2 + 1 = 3; inputs delivered at 14, 22, 30.
  CHECK(s.layers[1].start == 14);
  CHECK(s.layers[1].steps[0].end == 27);
  CHECK(s.layers[1].steps[1].end == 36);
  CHECK(s.layers[1].steps[2].end == 45);
  CHECK(s.latency_cycles == 45);
}

TEST_CASE("timing/two_layers_layer_sequential") {
  const nx::quant_model m = two_fc();
  const auto doc = testing::hardware(std::string("pipeline_mode: layer_sequential\n") + two_fc_hw);
  const std::vector<std::uint8_t> in(12, 1);
  const simulation_result r = simulate(m, resolve_hardware(doc, m), {{in, 3}}, {});
  const auto& s = r.samples.at(0);
  CHECK(s.layers[0].end == 30);
  CHECK(s.layers[1].start == 30);
  CHECK(s.layers[1].steps[0].end == 43);
  CHECK(s.layers[1].steps[1].end == 52);
  CHECK(s.layers[1].steps[2].end == 61);
  CHECK(s.latency_cycles == 61);
}

TEST_CASE("timing/silent_last_step_still_waits_for_queued_spikes") {
  // fc1 4 -> 4 on 4 cores fires all four neurons in step 0 into a FIFO of depth 4 draining 1
  // event per cycle; step 1 has no input and fires nothing (threshold 2 > |bias| < 1), and its
  // activation (P * N_pos + L_m = 2 cycles) ends before the queue has drained. In the
  // layer-sequential mode fc2 may start only when the last spike is in its memory.
  std::mt19937_64 rng(5);
  nx::quant_model m;
  m.input = {4, 1, 1};
  m.layers.push_back(testing::linear(rng, "fc1", 4, 4, testing::leaky(0.0, 2.0), 5.0f));
  m.layers.push_back(testing::linear(rng, "fc2", 4, 2, testing::leaky(0.0, 2.0), 5.0f));
  const auto doc = testing::hardware(
      "pipeline_mode: layer_sequential\nlayer_defaults: {spike_fifo_depth: 4, router_events_per_cycle: 1}\n"
      "layers:\n  fc1: {neuron_cores: 4}\n");
  const std::vector<std::uint8_t> in = {1, 1, 1, 1, 0, 0, 0, 0};
  event_log log;
  simulation_options opt;
  opt.events = &log;
  const simulation_result r = simulate(m, resolve_hardware(doc, m), {{in, 2}}, opt);
  const auto& s = r.samples.at(0);
  REQUIRE(s.layers[0].steps.at(0).output_spikes == 4);
  REQUIRE(s.layers[0].steps.at(1).output_spikes == 0);
  std::uint64_t last_departure = 0;
  for (const auto& p : log.spikes)
    if (p.layer == 0) last_departure = std::max(last_departure, p.departed - s.start_cycle);
  // The corner is reached: the queue drains after fc1's last activation ended ...
  REQUIRE(last_departure > s.layers[0].end);
  // ... and fc2 waits for it (it started at fc1's end before the fix).
  CHECK(s.layers[1].start == last_departure);
  CHECK(s.layers[0].drain_end == last_departure);
}
