#include "snncosim/sc_models/membrane_memory.h"

#include <algorithm>

namespace snncosim::sc_models {

membrane_memory::membrane_memory(const sc_core::sc_module_name& name, const memory_config& cfg,
                                 std::size_t accumulator_words, std::size_t membrane_words,
                                 sc_core::sc_time clock_period)
    : word_memory(name, cfg, accumulator_words + membrane_words, clock_period), m_acc_words(accumulator_words) {}

void membrane_memory::clear() { std::fill(data(), data() + size_words(), 0); }

}  // namespace snncosim::sc_models
