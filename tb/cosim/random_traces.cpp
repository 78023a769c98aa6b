#include "snncosim/tb/random_traces.h"

#include <random>

#include "snncosim/common/error.h"

namespace snncosim::tb {

namespace {

// std::mt19937_64's bits are fixed by the standard and mapped here by hand (no std::
// distribution), so the traces are the same with every standard library.
std::vector<std::uint8_t> mixed_trace(std::mt19937_64& rng, std::size_t per_step, int steps) {
  std::vector<std::uint8_t> s(per_step * static_cast<std::size_t>(steps), 0);
  for (int t = 0; t < steps; ++t) {
    const std::uint64_t kind = rng() % 4;
    // densities in 1/256: 0, 8 (3 %), 64 (25 %), 230 (90 %)
    const std::uint64_t level = kind == 0 ? 0 : (kind == 1 ? 8 : (kind == 2 ? 64 : 230));
    for (std::size_t i = 0; i < per_step; ++i)
      s[static_cast<std::size_t>(t) * per_step + i] = (rng() >> 56) < level ? 1 : 0;
  }
  return s;
}

std::vector<std::uint8_t> burst_then_silent_trace(std::mt19937_64& rng, std::size_t per_step, int steps) {
  std::vector<std::uint8_t> s(per_step * static_cast<std::size_t>(steps), 0);
  int t = 0;
  while (t < steps) {
    const int burst = 1 + static_cast<int>(rng() % 2), silent = 1 + static_cast<int>(rng() % 3);
    for (int b = 0; b < burst && t < steps; ++b, ++t)
      for (std::size_t i = 0; i < per_step; ++i)
        s[static_cast<std::size_t>(t) * per_step + i] = (rng() >> 56) < 230 ? 1 : 0;
    t += silent;
  }
  return s;
}

}  // namespace

std::vector<sc_models::sample_input> random_traces(const std::string& pattern, std::uint64_t seed, int count,
                                                   std::size_t inputs_per_step, int steps) {
  if (pattern != "mixed" && pattern != "burst_then_silent")
    throw bad_input("random traces: unknown pattern '" + pattern + "'; expected mixed or burst_then_silent");
  std::vector<sc_models::sample_input> out;
  for (int k = 0; k < count; ++k) {
    std::mt19937_64 rng(seed + static_cast<std::uint64_t>(k));
    out.push_back({pattern == "burst_then_silent" ? burst_then_silent_trace(rng, inputs_per_step, steps)
                                                  : mixed_trace(rng, inputs_per_step, steps),
                   steps});
  }
  return out;
}

}  // namespace snncosim::tb
