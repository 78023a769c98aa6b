#pragma once
// Membrane memory of one layer engine (docs/hardware.md §3.2): banked per neuron core, each
// bank holding the accumulators (full-resolution conv output, reset every step) and the
// membrane potentials of the output channels its core owns. Stored channel-innermost
// (word index position * out_channels + channel); bank k holds channels c with c % cores == k.
#include "snncosim/sc_models/word_memory.h"

namespace snncosim::sc_models {

class membrane_memory : public word_memory {
 public:
  membrane_memory(const sc_core::sc_module_name& name, const memory_config& cfg, std::size_t accumulator_words,
                  std::size_t membrane_words, sc_core::sc_time clock_period);

  std::int32_t* accumulators() { return data(); }
  std::int32_t* membranes() { return data() + m_acc_words; }
  std::size_t accumulator_words() const { return m_acc_words; }
  std::size_t membrane_words() const { return size_words() - m_acc_words; }
  // m_{-1} = 0 and empty accumulators: the state before a new sample.
  void clear();

 private:
  std::size_t m_acc_words;
};

}  // namespace snncosim::sc_models
