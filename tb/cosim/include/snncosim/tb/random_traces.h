#pragma once
// Seeded random input spike trains that `snncosim cosim --random-traces K` drives both models
// with (docs/rtl.md §5): trace k of a run uses seed + k, so a campaign can split a seed range.
#include <cstdint>
#include <string>
#include <vector>

#include "snncosim/sc_models/accelerator.h"

namespace snncosim::tb {

// "mixed": per step a density from {empty, 3 %, 25 %, 90 %}, so runs see empty steps, bursts
// that fill the router FIFOs and saturating accumulators. "burst_then_silent": 1-2 dense steps
// (90 %) then 1-3 empty ones, repeated, so a producer's router still holds packets of a dense
// step after the step ended and the next steps add none (docs/rtl.md §5.1). Throws bad_input
// for another pattern.
std::vector<sc_models::sample_input> random_traces(const std::string& pattern, std::uint64_t seed, int count,
                                                   std::size_t inputs_per_step, int steps);

}  // namespace snncosim::tb
