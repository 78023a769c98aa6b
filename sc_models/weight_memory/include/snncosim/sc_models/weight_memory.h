#pragma once
// Weight memory of one layer engine (docs/hardware.md §3.1): BRAM, URAM or off-chip, with
// its read latency, port width and ports from the YAML. Physical layout: one row per
// (input channel, kernel tap) holding the weights of all output channels, so that the
// neuron cores, which own output channels, read their weights of one tap together:
// word index (in * taps + tap) * out_channels + oc.
#include "snncosim/numerics/quant_model.h"
#include "snncosim/sc_models/word_memory.h"

namespace snncosim::sc_models {

// Cycles per tap to fetch the weights of `active_cores` cores through a port of `m`: the one
// definition the TLM, the explore evaluator and the RTL image (register 28/29) share.
int weight_fetch_cycles(const memory_config& m, int active_cores, int weight_bits);

class weight_memory : public word_memory {
 public:
  // `in_channels`: input channels (conv) or input features (linear).
  weight_memory(const sc_core::sc_module_name& name, const memory_config& cfg, const numerics::quant_layer& layer,
                int in_channels, sc_core::sc_time clock_period);

  int taps() const { return m_taps; }
  int out_channels() const { return m_out; }
  // Row of tap `tap` of input `in`: out_channels() consecutive weights.
  const std::int32_t* row(int input, int tap) const {
    return data() + (static_cast<std::size_t>(input) * static_cast<std::size_t>(m_taps) + static_cast<std::size_t>(tap)) *
                        static_cast<std::size_t>(m_out);
  }
  // Cycles per tap to fetch the row slice of `active_cores` cores, given width and ports.
  int fetch_cycles(int active_cores, int weight_bits) const;

 private:
  int m_taps;
  int m_out;
};

}  // namespace snncosim::sc_models
