#pragma once
// Per-event cycle stamps of a TLM run, for the lock-step comparison with the RTL (docs/rtl.md
// §4). Recording is off unless simulation_options::events points at a log. The stamps are the
// ones the TLM computes anyway (router recurrence, activation slots); recording them changes
// no timing.
#include <cstdint>
#include <vector>

namespace snncosim::sc_models {

// One spike packet through the router behind engine `layer`, absolute cycles.
struct spike_stamp {
  int layer = 0;
  int step = 0, channel = 0, y = 0, x = 0;
  std::uint64_t desired = 0, entered = 0, departed = 0;
  bool operator==(const spike_stamp&) const = default;
};

// One membrane write-back of the activate phase: the cycle the neuron's slot reaches the
// write stage (its last accumulator read + L_m, plus the stalls before its slot).
struct writeback_stamp {
  int layer = 0;
  int step = 0, channel = 0, y = 0, x = 0;
  std::int32_t mem = 0;
  bool spike = false;
  std::uint64_t cycle = 0;
  bool operator==(const writeback_stamp&) const = default;
};

struct event_log {
  std::vector<spike_stamp> spikes;
  std::vector<writeback_stamp> writebacks;
};

}  // namespace snncosim::sc_models
