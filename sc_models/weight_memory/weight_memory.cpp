#include "snncosim/sc_models/weight_memory.h"

namespace snncosim::sc_models {

namespace {
std::size_t words_of(const numerics::quant_layer& l, int in_channels) {
  const std::size_t taps = l.kind == numerics::layer_kind::conv ? static_cast<std::size_t>(l.kernel * l.kernel) : 1;
  return static_cast<std::size_t>(in_channels) * taps * static_cast<std::size_t>(l.out_channels);
}
}  // namespace

weight_memory::weight_memory(const sc_core::sc_module_name& name, const memory_config& cfg,
                             const numerics::quant_layer& layer, int in_channels, sc_core::sc_time clock_period)
    : word_memory(name, cfg, words_of(layer, in_channels), clock_period),
      m_taps(layer.kind == numerics::layer_kind::conv ? layer.kernel * layer.kernel : 1),
      m_out(layer.out_channels) {
  // Model order is [O][I][taps]; the memory stores [I][taps][O].
  std::int32_t* w = data();
  const auto taps = static_cast<std::size_t>(m_taps);
  const auto in_n = static_cast<std::size_t>(in_channels);
  const auto out_n = static_cast<std::size_t>(m_out);
  for (std::size_t o = 0; o < out_n; ++o)
    for (std::size_t i = 0; i < in_n; ++i)
      for (std::size_t k = 0; k < taps; ++k) w[(i * taps + k) * out_n + o] = layer.weights[(o * in_n + i) * taps + k];
}

int weight_fetch_cycles(const memory_config& m, int active_cores, int weight_bits) {
  const long bits = static_cast<long>(active_cores) * weight_bits;
  const long per_cycle = static_cast<long>(m.width_bits) * m.ports;
  const long c = (bits + per_cycle - 1) / per_cycle;
  return c < 1 ? 1 : static_cast<int>(c);
}

int weight_memory::fetch_cycles(int active_cores, int weight_bits) const {
  return weight_fetch_cycles(config(), active_cores, weight_bits);
}

}  // namespace snncosim::sc_models
