// Block tests written once over the TLM block and its RTL twin (TEST_CASE_TEMPLATE); every
// instantiation is its own ctest process. Expected values are hand calculations from the
// cycle rules of docs/hardware.md §3 or the spec recurrence computed naively here.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>

#include "snncosim/tb/block_harness.h"

using namespace snncosim::tb;

namespace {

// The closed form of one frame (hardware.md §3.1), addresses ascending.
frame_result expected_frame(const event_control_case& c, std::vector<std::uint32_t> bits) {
  std::sort(bits.begin(), bits.end());
  const auto chunks = static_cast<std::uint64_t>((c.frame_bits + c.chunk_bits - 1) / c.chunk_bits);
  return {bits, static_cast<std::uint64_t>(c.read_latency) + chunks + bits.size()};
}

// The router recurrence (hardware.md §3.4) with the core array's stall rule: packet k wants
// to enter at nominal_k + the stall so far.
router_result expected_router(const router_case& c) {
  router_result r;
  std::vector<std::uint64_t> dep;
  for (std::size_t k = 0; k < c.nominal.size(); ++k) {
    const std::uint64_t desired = c.nominal[k] + r.stall_cycles;
    const auto d = static_cast<std::size_t>(c.depth);
    const auto b = static_cast<std::size_t>(c.rate);
    std::uint64_t e = desired;
    if (k >= d) e = std::max(e, dep[k - d]);
    std::uint64_t out = e + 1;
    if (k >= 1) out = std::max(out, dep[k - 1]);
    if (k >= b) out = std::max(out, dep[k - b] + 1);
    dep.push_back(out);
    r.stall_cycles += e - desired;
    r.packets.push_back({e, out, static_cast<std::uint32_t>(k)});
  }
  return r;
}

std::uint64_t raw(std::mt19937_64& g, std::uint64_t n) { return g() % n; }

}  // namespace

TEST_CASE_TEMPLATE("event_control/worked_example_three_spikes_in_a_4x4_frame", H, tlm_event_control,
                   rtl_event_control) {
  // hardware.md §3.6: 1x4x4 input, B_p = 4, L_spk = 1, 3 spikes: E = 1 + 4 + 3 = 8.
  event_control_case c{4, 16, 1, {{5, 0, 15}}};
  const auto r = H::run(c);
  REQUIRE(r.size() == 1);
  CHECK(r[0].addresses == std::vector<std::uint32_t>{0, 5, 15});
  CHECK(r[0].cycles == 8);
}

TEST_CASE_TEMPLATE("event_control/partial_last_chunk_and_an_empty_frame", H, tlm_event_control, rtl_event_control) {
  // 70 bits in 32-bit chunks: 3 scans; L_spk = 2. Frame 0: 3 spikes -> 2 + 3 + 3 = 8.
  // Frame 1 is empty: 2 + 3 = 5. Frame 2: every bit -> 2 + 3 + 70 = 75.
  std::vector<std::uint32_t> all(70);
  for (std::uint32_t i = 0; i < 70; ++i) all[i] = i;
  event_control_case c{32, 70, 2, {{69, 3, 64}, {}, all}};
  const auto r = H::run(c);
  REQUIRE(r.size() == 3);
  CHECK(r[0] == frame_result{{3, 64, 69}, 8});
  CHECK(r[1] == frame_result{{}, 5});
  CHECK(r[2].cycles == 75);
  CHECK(r[2].addresses == all);
}

TEST_CASE_TEMPLATE("event_control/random_frames_follow_the_closed_form", H, tlm_event_control, rtl_event_control) {
  std::mt19937_64 g(7);
  event_control_case c;
  c.chunk_bits = 4;
  c.frame_bits = 37;
  c.read_latency = 4;
  for (int f = 0; f < 20; ++f) {
    std::set<std::uint32_t> bits;
    const std::uint64_t n = raw(g, 38);
    for (std::uint64_t i = 0; i < n; ++i) bits.insert(static_cast<std::uint32_t>(raw(g, 37)));
    if (f % 5 == 0) bits.clear();  // empty frames
    c.frames.emplace_back(bits.begin(), bits.end());
  }
  const auto r = H::run(c);
  REQUIRE(r.size() == c.frames.size());
  for (std::size_t f = 0; f < r.size(); ++f) {
    CAPTURE(f);
    CHECK(r[f] == expected_frame(c, c.frames[f]));
  }
}

TEST_CASE_TEMPLATE("event_control/random_frames_32_bit_encoder_latency_3", H, tlm_event_control, rtl_event_control) {
  std::mt19937_64 g(11);
  event_control_case c;
  c.chunk_bits = 32;
  c.frame_bits = 300;
  c.read_latency = 3;
  for (int f = 0; f < 20; ++f) {
    std::set<std::uint32_t> bits;
    const std::uint64_t n = raw(g, 4) == 0 ? raw(g, 300) : raw(g, 12);
    for (std::uint64_t i = 0; i < n; ++i) bits.insert(static_cast<std::uint32_t>(raw(g, 300)));
    c.frames.emplace_back(bits.begin(), bits.end());
  }
  const auto r = H::run(c);
  REQUIRE(r.size() == c.frames.size());
  for (std::size_t f = 0; f < r.size(); ++f) {
    CAPTURE(f);
    CHECK(r[f] == expected_frame(c, c.frames[f]));
  }
}

TEST_CASE_TEMPLATE("spike_router/four_spikes_in_one_cycle_depth_two", H, tlm_router, rtl_router) {
  // D = 2, B = 1, four packets want cycle 10: two enter at 10, then one per departure.
  router_case c{2, 1, {10, 10, 10, 10}, 0};
  const auto r = H::run(c);
  CHECK(r.stall_cycles == 2);
  CHECK(r.packets == std::vector<packet_stamp>{{10, 11, 0}, {10, 12, 1}, {11, 13, 2}, {12, 14, 3}});
}

TEST_CASE_TEMPLATE("spike_router/worked_example_depth_one_stalls_three", H, tlm_router, rtl_router) {
  // hardware.md §3.6: 4 spikes in one cycle into D = B = 1 cost 3 stall cycles.
  router_case c{1, 1, {0, 0, 0, 0}, 0};
  const auto r = H::run(c);
  CHECK(r.stall_cycles == 3);
  CHECK(r.packets == std::vector<packet_stamp>{{0, 1, 0}, {1, 2, 1}, {2, 3, 2}, {3, 4, 3}});
}

TEST_CASE_TEMPLATE("spike_router/two_per_cycle_drain", H, tlm_router, rtl_router) {
  // D = 4, B = 2: four packets at 0, four at 1; hand-computed from the recurrence.
  router_case c{4, 2, {0, 0, 0, 0, 1, 1, 1, 1}, 0};
  const auto r = H::run(c);
  CHECK(r.stall_cycles == 1);
  CHECK(r.packets == std::vector<packet_stamp>{
                         {0, 1, 0}, {0, 1, 1}, {0, 2, 2}, {0, 2, 3}, {1, 3, 4}, {1, 3, 5}, {2, 4, 6}, {2, 4, 7}});
}

TEST_CASE_TEMPLATE("spike_router/random_bursts_follow_the_recurrence", H, tlm_router, rtl_router) {
  std::mt19937_64 g(3);
  for (const auto& [depth, rate] : std::vector<std::pair<int, int>>{{3, 1}}) {
    router_case c{depth, rate, {}, 0};
    std::uint64_t t = 0;
    for (int i = 0; i < 400; ++i) {
      t += raw(g, 3) == 0 ? raw(g, 6) : 0;
      const std::uint64_t burst = 1 + raw(g, 4);
      for (std::uint64_t j = 0; j < burst; ++j) c.nominal.push_back(t);
      ++t;
    }
    CHECK(H::run(c) == expected_router(c));
  }
}

TEST_CASE_TEMPLATE("spike_router/random_bursts_deep_fifo_rate_three", H, tlm_router, rtl_router) {
  std::mt19937_64 g(5);
  router_case c{16, 3, {}, 0};
  std::uint64_t t = 0;
  for (int i = 0; i < 400; ++i) {
    t += 1 + raw(g, 2);
    const std::uint64_t burst = raw(g, 5);  // 0..4 lanes
    for (std::uint64_t j = 0; j < burst; ++j) c.nominal.push_back(t);
  }
  CHECK(H::run(c) == expected_router(c));
}

TEST_CASE("spike_router/mutation_one_cycle_late_departure_is_caught") {
  // The fault knob delays every RTL departure stamp by one cycle: the comparison must fail.
  router_case c{2, 1, {10, 10, 10, 10}, 1};
  CHECK(rtl_router::run(c) != expected_router(c));
}

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

TEST_CASE_TEMPLATE("neuron_step/hand_calculated_updates", H, reference_neuron, rtl_neuron) {
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

TEST_CASE("neuron_step/rtl_equals_numerics_on_random_vectors") {
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
  const auto want = reference_neuron::run(in);
  const auto got = rtl_neuron::run(in);
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
