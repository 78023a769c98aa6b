// Event control tests written once over the TLM block and its RTL twin (TEST_CASE_TEMPLATE);
// every instantiation is its own ctest process. Expected values are hand calculations from
// the cycle rules of docs/hardware.md §3.1 or its closed form computed naively here.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>

#include "snncosim/tb/event_control_harness.h"

using namespace snncosim::tb;

namespace {

// The closed form of one frame (hardware.md §3.1), addresses ascending.
frame_result expected_frame(const event_control_case& c, std::vector<std::uint32_t> bits) {
  std::sort(bits.begin(), bits.end());
  const auto chunks = static_cast<std::uint64_t>((c.frame_bits + c.chunk_bits - 1) / c.chunk_bits);
  return {bits, static_cast<std::uint64_t>(c.read_latency) + chunks + bits.size()};
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
