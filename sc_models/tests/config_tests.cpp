// Impossible hardware configurations are rejected with the YAML location in the message.
#include <doctest/doctest.h>

#include <string>

#include "snncosim/common/error.h"
#include "snncosim/sc_models/accelerator.h"
#include "snncosim/testing/models.h"

using namespace snncosim;
using namespace snncosim::sc_models;
namespace nx = snncosim::numerics;

namespace {
nx::quant_model net() {
  std::mt19937_64 rng(5);
  nx::quant_model m;
  m.input = {2, 8, 8};
  m.layers.push_back(testing::conv(rng, "conv1", 2, 8, 3, 1, 1, testing::leaky(0.5, 1.0)));
  m.layers.push_back(testing::mover("flatten", nx::layer_kind::flatten));
  m.layers.push_back(testing::linear(rng, "fc1", 512, 10, testing::leaky(0.5, 1.0)));
  return m;
}

std::string rejection(const std::string& yaml) {
  try {
    (void)resolve_hardware(testing::hardware(yaml), net());
  } catch (const bad_input& e) {
    return e.what();
  }
  return "accepted";
}
}  // namespace

TEST_CASE("config/unknown_layer_name_is_rejected") {
  const std::string msg = rejection("layers:\n  conv9: {neuron_cores: 2}\n");
  CHECK(msg.find("test_hw.yaml:4:") != std::string::npos);
  CHECK(msg.find("conv9") != std::string::npos);
  CHECK(msg.find("conv1, fc1") != std::string::npos);
}

TEST_CASE("config/mover_layer_name_is_rejected") {
  CHECK(rejection("layers:\n  flatten: {neuron_cores: 2}\n").find("flatten") != std::string::npos);
}

TEST_CASE("config/weight_memory_too_small") {
  // fc1 holds 512 * 10 weights of 8 bits = 5 KiB.
  const std::string msg = rejection("layers:\n  fc1:\n    weight_memory: {capacity_kib: 4}\n");
  CHECK(msg.find("test_hw.yaml:5:") != std::string::npos);
  CHECK(msg.find("fc1") != std::string::npos);
  CHECK(msg.find("weight memory") != std::string::npos);
  CHECK(rejection("layers:\n  fc1:\n    weight_memory: {capacity_kib: 5}\n") == "accepted");
}

TEST_CASE("config/membrane_memory_too_small") {
  // conv1 on one core: 8 channels * 64 positions * (24 + 32) bits = 3.5 KiB.
  const std::string msg = rejection("layer_defaults:\n  membrane_memory: {capacity_kib: 3}\n");
  CHECK(msg.find("test_hw.yaml:4:") != std::string::npos);
  CHECK(msg.find("conv1") != std::string::npos);
  // Two cores hold half each.
  CHECK(rejection("layer_defaults:\n  neuron_cores: 2\n  membrane_memory: {capacity_kib: 3}\n") == "accepted");
}

TEST_CASE("config/zero_cores_fifo_and_unknown_kind_are_rejected_by_the_schema") {
  CHECK_THROWS_AS(testing::hardware("layer_defaults: {neuron_cores: 0}\n"), bad_input);
  CHECK_THROWS_AS(testing::hardware("layer_defaults: {spike_fifo_depth: 0}\n"), bad_input);
  CHECK_THROWS_AS(testing::hardware("layer_defaults:\n  weight_memory: {kind: flash}\n"), bad_input);
}

TEST_CASE("config/clock_from_platform_or_rejected") {
  const auto hw = resolve_hardware(
      config::load_text("schema: snncosim.hardware/1\n", "hw.yaml", {}, "hardware"), net());
  CHECK(hw.clock_mhz == 0);
  CHECK_THROWS_AS(simulate(net(), hw, {{std::vector<std::uint8_t>(128, 0), 1}}, {}), bad_input);
  const auto platform = config::load(SNNCOSIM_SOURCE_DIR "/platforms/zcu102.yaml", {}, "platform");
  const auto hw2 = resolve_hardware(config::load_text("schema: snncosim.hardware/1\n", "hw.yaml", {}, "hardware"),
                                    platform, net());
  CHECK(hw2.clock_mhz == 200);
  CHECK(hw2.energy.pj_per_bram_access == 12.0);
}
