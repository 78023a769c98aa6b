// Spike router tests written once over the TLM block and its RTL twin (TEST_CASE_TEMPLATE);
// every instantiation is its own ctest process. Expected values are hand calculations from
// the router recurrence of docs/hardware.md §3.4 or the recurrence computed naively here.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <utility>

#include "snncosim/tb/spike_router_harness.h"

using namespace snncosim::tb;

namespace {

// The router recurrence (hardware.md §3.4) with the core array's stall rule: packet k wants
// to enter at nominal_k + the stall so far.
spike_router_result expected_router(const spike_router_case& c) {
  spike_router_result r;
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

TEST_CASE_TEMPLATE("spike_router/four_spikes_in_one_cycle_depth_two", H, tlm_spike_router, rtl_spike_router) {
  // D = 2, B = 1, four packets want cycle 10: two enter at 10, then one per departure.
  spike_router_case c{2, 1, {10, 10, 10, 10}, 0};
  const auto r = H::run(c);
  CHECK(r.stall_cycles == 2);
  CHECK(r.packets == std::vector<packet_stamp>{{10, 11, 0}, {10, 12, 1}, {11, 13, 2}, {12, 14, 3}});
}

TEST_CASE_TEMPLATE("spike_router/worked_example_depth_one_stalls_three", H, tlm_spike_router, rtl_spike_router) {
  // hardware.md §3.6: 4 spikes in one cycle into D = B = 1 cost 3 stall cycles.
  spike_router_case c{1, 1, {0, 0, 0, 0}, 0};
  const auto r = H::run(c);
  CHECK(r.stall_cycles == 3);
  CHECK(r.packets == std::vector<packet_stamp>{{0, 1, 0}, {1, 2, 1}, {2, 3, 2}, {3, 4, 3}});
}

TEST_CASE_TEMPLATE("spike_router/two_per_cycle_drain", H, tlm_spike_router, rtl_spike_router) {
  // D = 4, B = 2: four packets at 0, four at 1; hand-computed from the recurrence.
  spike_router_case c{4, 2, {0, 0, 0, 0, 1, 1, 1, 1}, 0};
  const auto r = H::run(c);
  CHECK(r.stall_cycles == 1);
  CHECK(r.packets == std::vector<packet_stamp>{
                         {0, 1, 0}, {0, 1, 1}, {0, 2, 2}, {0, 2, 3}, {1, 3, 4}, {1, 3, 5}, {2, 4, 6}, {2, 4, 7}});
}

TEST_CASE_TEMPLATE("spike_router/random_bursts_follow_the_recurrence", H, tlm_spike_router, rtl_spike_router) {
  std::mt19937_64 g(3);
  for (const auto& [depth, rate] : std::vector<std::pair<int, int>>{{3, 1}}) {
    spike_router_case c{depth, rate, {}, 0};
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

TEST_CASE_TEMPLATE("spike_router/random_bursts_deep_fifo_rate_three", H, tlm_spike_router, rtl_spike_router) {
  std::mt19937_64 g(5);
  spike_router_case c{16, 3, {}, 0};
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
  spike_router_case c{2, 1, {10, 10, 10, 10}, 1};
  CHECK(rtl_spike_router::run(c) != expected_router(c));
}
