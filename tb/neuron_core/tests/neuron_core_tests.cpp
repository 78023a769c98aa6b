// Neuron core tests: the RTL lane's neuron step against hand calculations and the numerics
// (TEST_CASE_TEMPLATE over the numerics and the Verilated step), and the RTL lane against the
// TLM core array on whole layers. Every TEST_CASE is its own ctest process.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>

#include "snncosim/tb/neuron_core_harness.h"
#include "snncosim/testing/models.h"

using namespace snncosim::tb;

namespace {
std::uint64_t raw(std::mt19937_64& g, std::uint64_t n) { return g() % n; }
}  // namespace

namespace {
neuron_vector leaky(std::int32_t acc, std::int32_t mem) {
  neuron_vector v;
  v.params.reset = snncosim::numerics::reset_kind::subtract;
  v.params.reset_delay = true;
  v.params.decay = 32768;  // 0.5 in Q.16
  v.params.threshold = 8;
  v.params.reset_amount = 8;
  v.widths = {8, 24, 32, 16, 8};
  v.gain = 65536;  // 1.0
  v.acc = acc;
  v.mem = mem;
  return v;
}
}  // namespace

TEST_CASE_TEMPLATE("neuron_core/step_hand_calculated_updates", H, numerics_neuron_step, rtl_neuron_step) {
  std::vector<neuron_vector> in;
  std::vector<neuron_output> want;
  // I = (65536*10 + 2^15) >> 16 = 10; D = 0: spike, delayed reset keeps 10.
  in.push_back(leaky(10, 0));
  want.push_back({10, true});
  // r = 10 > 8; D = (32768*10 + 2^15) >> 16 = 5; u = 5 - 8 = -3.
  in.push_back(leaky(0, 10));
  want.push_back({-3, false});
  // acc_bits 8: x = sat(200) = 127; mem_bits 8: v = 127 > 100.
  auto v = leaky(200, 0);
  v.widths.acc_bits = 8;
  v.widths.mem_bits = 8;
  v.params.threshold = 100;
  in.push_back(v);
  want.push_back({127, true});
  // mem_bits 4: I = (-6553600 + 32768) >> 16 = -100 (floor), saturates to -8.
  v = leaky(-100, 0);
  v.widths.mem_bits = 4;
  v.params.threshold = 5;
  in.push_back(v);
  want.push_back({-8, false});
  // zero_all with r: u = 0.
  v = leaky(50, 20);
  v.params.reset = snncosim::numerics::reset_kind::zero_all;
  in.push_back(v);
  want.push_back({0, false});
  // reset_delay = false, subtract: v = 10 spikes, corrected by one reset: 2.
  v = leaky(10, 0);
  v.params.reset_delay = false;
  in.push_back(v);
  want.push_back({2, true});
  // reset_delay = false, zero_decayed: v = 10 spikes, m = v * (1 - 1) = 0.
  v.params.reset = snncosim::numerics::reset_kind::zero_decayed;
  in.push_back(v);
  want.push_back({0, true});
  // frac_bits 0: no rounding; decay 1, gain 3: u = 7 + 3*5 = 22.
  v = leaky(5, 7);
  v.widths.frac_bits = 0;
  v.params.decay = 1;
  v.gain = 3;
  v.params.threshold = 100;
  in.push_back(v);
  want.push_back({22, false});
  CHECK(H::run(in) == want);
}

TEST_CASE("neuron_core/step_rtl_equals_numerics_on_random_vectors") {
  std::mt19937_64 g(42);
  std::vector<neuron_vector> in;
  auto in_range = [&](int bits) {
    const std::int64_t span = std::int64_t{1} << bits;
    return static_cast<std::int32_t>(static_cast<std::int64_t>(g() % static_cast<std::uint64_t>(span)) - span / 2);
  };
  for (int i = 0; i < 20000; ++i) {
    neuron_vector v;
    v.widths.weight_bits = 8;
    v.widths.acc_bits = 8 + static_cast<int>(raw(g, 25));
    v.widths.mem_bits = 2 + static_cast<int>(raw(g, 31));
    v.widths.frac_bits = static_cast<int>(raw(g, 31));
    v.params.reset = static_cast<snncosim::numerics::reset_kind>(raw(g, 4));
    v.params.reset_delay = raw(g, 2) == 0;
    v.params.decay = in_range(static_cast<int>(1 + raw(g, 31)));
    v.gain = in_range(static_cast<int>(1 + raw(g, 31)));
    v.params.threshold = in_range(v.widths.mem_bits);
    v.params.reset_amount = in_range(v.widths.mem_bits);
    v.bias = in_range(v.widths.acc_bits);
    v.acc = in_range(v.widths.acc_bits);
    v.mem = in_range(v.widths.mem_bits);
    in.push_back(v);
  }
  const auto want = numerics_neuron_step::run(in);
  const auto got = rtl_neuron_step::run(in);
  REQUIRE(got.size() == want.size());
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (got[i] == want[i]) continue;
    if (mismatches++ == 0) {
      CAPTURE(i);
      CHECK(got[i].mem == want[i].mem);
      CHECK(got[i].spike == want[i].spike);
    }
  }
  CHECK(mismatches == 0);
}

namespace {

// The spikes of `steps` steps: `frames` frames of `bits` positions, each set with `density`.
std::vector<std::vector<std::vector<std::uint32_t>>> random_steps(std::mt19937_64& g, int steps, int frames, int bits,
                                                                  double density) {
  std::vector<std::vector<std::vector<std::uint32_t>>> out(static_cast<std::size_t>(steps));
  for (auto& step : out) {
    step.resize(static_cast<std::size_t>(frames));
    for (auto& frame : step) {
      const auto set = snncosim::testing::random_spikes(g, static_cast<std::size_t>(bits), density);
      for (std::size_t i = 0; i < set.size(); ++i)
        if (set[i] != 0) frame.push_back(static_cast<std::uint32_t>(i));
    }
  }
  return out;
}

// Every neuron of every step came back from both, equal, and the run was not trivial.
void check_lane_equals_core(const neuron_core_case& c, std::size_t neurons) {
  const std::vector<lane_check> r = rtl_lane_against_tlm_core::run(c);
  REQUIRE(r.size() == neurons * c.spikes.size());
  std::size_t mismatches = 0, spikes = 0, nonzero = 0;
  for (const lane_check& n : r) {
    spikes += n.tlm.spike ? 1 : 0;
    nonzero += n.tlm.mem != 0 ? 1 : 0;
    if (n.tlm == n.rtl) continue;
    if (mismatches++ == 0) {
      CAPTURE(n.step);
      CAPTURE(n.channel);
      CAPTURE(n.y);
      CAPTURE(n.x);
      CHECK(n.rtl.mem == n.tlm.mem);
      CHECK(n.rtl.spike == n.tlm.spike);
    }
  }
  CHECK(mismatches == 0);
  CHECK(spikes > 0);
  CHECK(spikes < r.size());
  CHECK(nonzero > 0);
}

}  // namespace

TEST_CASE("neuron_core/rtl_lane_equals_tlm_core_conv") {
  // 2x6x6 input, 3x3 conv to 5 channels on 3 cores (2 passes), subtractive reset.
  std::mt19937_64 g(19);
  neuron_core_case c;
  c.input = {2, 6, 6};
  c.layer = snncosim::testing::conv(g, "conv1", 2, 5, 3, 1, 1, snncosim::testing::leaky(0.9, 1.0));
  c.cores = 3;
  c.spikes = random_steps(g, 6, 2, 36, 0.3);
  check_lane_equals_core(c, 5 * 6 * 6);
}

TEST_CASE("neuron_core/rtl_lane_equals_tlm_core_strided_conv_narrow_widths") {
  // Stride 2 without padding, narrow accumulator and membrane: saturation on both.
  std::mt19937_64 g(23);
  neuron_core_case c;
  c.input = {3, 7, 7};
  c.layer = snncosim::testing::conv(g, "conv1", 3, 4, 3, 2, 0, snncosim::testing::leaky(0.5, 0.5), 0.4f);
  c.layer.widths.acc_bits = 10;
  c.layer.widths.mem_bits = 9;
  c.layer.neuron.threshold = 60;  // within the 9-bit membrane
  c.layer.neuron.reset_amount = 60;
  c.cores = 4;
  c.spikes = random_steps(g, 5, 3, 49, 0.5);
  check_lane_equals_core(c, 4 * 3 * 3);
}

namespace {
// A 40 -> 7 linear layer on 2 cores over 8 steps with the given reset.
void check_linear(snncosim::numerics::reset_kind kind, bool reset_delay) {
  std::mt19937_64 g(29);
  neuron_core_case c;
  c.input = {40, 1, 1};
  c.layer = snncosim::testing::linear(g, "fc1", 40, 7, snncosim::testing::leaky(0.8, 0.5));
  c.layer.neuron.reset = kind;
  c.layer.neuron.reset_delay = reset_delay;
  c.cores = 2;
  c.spikes = random_steps(g, 8, 1, 40, 0.25);
  check_lane_equals_core(c, 7);
}
}  // namespace

// One reset kind per process (one elaboration each); the two delay settings alternate.
TEST_CASE("neuron_core/rtl_lane_equals_tlm_core_linear_no_reset") {
  check_linear(snncosim::numerics::reset_kind::none, true);
}
TEST_CASE("neuron_core/rtl_lane_equals_tlm_core_linear_subtract_same_step") {
  check_linear(snncosim::numerics::reset_kind::subtract, false);
}
TEST_CASE("neuron_core/rtl_lane_equals_tlm_core_linear_zero_decayed") {
  check_linear(snncosim::numerics::reset_kind::zero_decayed, true);
}
TEST_CASE("neuron_core/rtl_lane_equals_tlm_core_linear_zero_all_same_step") {
  check_linear(snncosim::numerics::reset_kind::zero_all, false);
}
