// Whole-network spike equivalence with the golden integer inference (numerics), both
// pipeline configurations, with back-pressure, several cores per layer and current pooling.
#include <doctest/doctest.h>

#include "snncosim/numerics/integer_inference.h"
#include "snncosim/sc_models/accelerator.h"
#include "snncosim/testing/models.h"

using namespace snncosim;
using namespace snncosim::sc_models;
namespace nx = snncosim::numerics;

namespace {

nx::quant_model small_net() {
  std::mt19937_64 rng(20261127);
  nx::quant_model m;
  m.input = {2, 8, 8};
  const auto n1 = testing::leaky(0.9, 1.0);
  m.layers.push_back(testing::conv(rng, "conv1", 2, 5, 3, 1, 1, n1));
  m.layers.push_back(testing::mover("pool1", nx::layer_kind::maxpool, 2, 2));
  nx::quant_layer c2 = testing::conv(rng, "conv2", 5, 6, 3, 1, 1, n1);
  c2.current_pool_kernel = 2;
  c2.current_pool_stride = 2;
  m.layers.push_back(c2);
  m.layers.push_back(testing::mover("flatten", nx::layer_kind::flatten));
  m.layers.push_back(testing::linear(rng, "fc1", 24, 10, testing::leaky(0.8, 0.5)));
  m.layers.push_back(testing::linear(rng, "fc2", 10, 4, testing::leaky(0.8, 0.5)));
  return m;
}

void check_equivalence(const std::string& mode) {
  const nx::quant_model m = small_net();
  const auto doc = testing::hardware("pipeline_mode: " + mode +
                                     "\nlayer_defaults: {neuron_cores: 2, penc_width_bits: 8, spike_fifo_depth: 2}\n"
                                     "layers:\n  fc1: {neuron_cores: 3}\n  conv2: {neuron_cores: 4}\n");
  const hardware_config hw = resolve_hardware(doc, m);
  std::mt19937_64 rng(7);
  std::vector<sample_input> samples;
  for (int s = 0; s < 20; ++s) {
    const int steps = 3 + s % 4;
    samples.push_back({testing::random_spikes(rng, static_cast<std::size_t>(m.input.size() * steps), 0.3), steps});
  }
  const simulation_result r = simulate(m, hw, samples, {});
  REQUIRE(r.samples.size() == samples.size());
  std::vector<std::int64_t> totals(m.layers.size(), 0);
  std::uint64_t stalls = 0;
  for (std::size_t s = 0; s < samples.size(); ++s) {
    const nx::inference_result gold = nx::run_integer_inference(m, samples[s].spikes, samples[s].num_steps);
    const auto& got = r.samples[s].spikes;
    REQUIRE(got.layers.size() == gold.layers.size());
    CHECK(got.input.spikes == gold.input.spikes);
    for (std::size_t l = 0; l < gold.layers.size(); ++l) {
      INFO("sample " << s << " layer " << gold.layers[l].name);
      CHECK(got.layers[l].spikes == gold.layers[l].spikes);
      CHECK(got.layers[l].counts == gold.layers[l].counts);
      totals[l] += gold.layers[l].total();
    }
    for (const auto& l : r.samples[s].layers) stalls += l.stall;
  }
  // The test only means something if every layer spiked and the router pushed back.
  for (std::size_t l = 0; l < totals.size(); ++l) {
    INFO("layer " << m.layers[l].name);
    CHECK(totals[l] > 0);
  }
  CHECK(stalls > 0);
}

}  // namespace

TEST_CASE("equivalence/layer_sequential_matches_integer_inference") { check_equivalence("layer_sequential"); }

TEST_CASE("equivalence/timestep_pipelined_matches_integer_inference") { check_equivalence("timestep_pipelined"); }
