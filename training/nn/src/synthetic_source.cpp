#include "snncosim/nn/batch_source.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "snncosim/common/rng.h"

namespace snncosim::nn {

synthetic_source::synthetic_source(synthetic_options options) : m_options(options) {
  m_order.resize(options.samples);
  for (std::size_t i = 0; i < m_order.size(); ++i) m_order[i] = i;
}

std::string synthetic_source::description() const {
  return "synthetic bars " + std::to_string(m_options.samples) + " samples, " + std::to_string(m_options.num_classes) +
         " classes, " + std::to_string(m_options.channels) + "x" + std::to_string(m_options.height) + "x" +
         std::to_string(m_options.width) + ", T=" + std::to_string(m_options.time_steps);
}

void synthetic_source::set_epoch(int epoch) {
  for (std::size_t i = 0; i < m_order.size(); ++i) m_order[i] = i;
  if (!m_options.shuffle) return;
  // Fisher-Yates with our own mapping from PRNG bits: identical on every standard library.
  rng gen(m_options.seed * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(epoch) + 1);
  for (std::size_t i = m_order.size(); i > 1; --i) std::swap(m_order[i - 1], m_order[gen.below(i)]);
}

void synthetic_source::sample(std::size_t index, float* frames, std::int32_t& label) const {
  const auto& o = m_options;
  rng gen((o.seed + 0x1234567ull) * 0xD1B54A32D192ED03ull + index);
  label = static_cast<std::int32_t>(index % static_cast<std::size_t>(o.num_classes));
  const double angle = std::numbers::pi * label / o.num_classes;
  const double nx = std::cos(angle), ny = std::sin(angle);
  const double cx = (o.width - 1) / 2.0 + gen.uniform(-3, 3), cy = (o.height - 1) / 2.0 + gen.uniform(-3, 3);
  const double travel = 0.3 * std::min(o.width, o.height);
  const double phase = gen.uniform(-0.2, 0.2);
  const std::size_t plane = static_cast<std::size_t>(o.height) * static_cast<std::size_t>(o.width);
  for (int t = 0; t < o.time_steps; ++t) {
    const double pos = travel * ((t + 0.5) / o.time_steps - 0.5 + phase);
    for (int c = 0; c < o.channels; ++c) {
      // Channel 0 fires on the bar, channel 1 just behind it (an OFF edge).
      const double shift = c == 0 ? 0.0 : -1.5;
      float* out = frames + (static_cast<std::size_t>(t) * static_cast<std::size_t>(o.channels) + static_cast<std::size_t>(c)) * plane;
      for (int y = 0; y < o.height; ++y)
        for (int x = 0; x < o.width; ++x) {
          const double d = (x - cx) * nx + (y - cy) * ny - pos - shift;
          const double p = std::abs(d) < 1.0 ? o.signal : o.density;
          out[static_cast<std::size_t>(y) * static_cast<std::size_t>(o.width) + static_cast<std::size_t>(x)] =
              gen.uniform() < p ? 1.0f : 0.0f;
        }
    }
  }
}

batch_view synthetic_source::batch(std::size_t index, int batch_size) {
  const auto& o = m_options;
  const std::size_t begin = index * static_cast<std::size_t>(batch_size);
  const auto b = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(batch_size), o.samples - begin));
  const std::size_t per_step = static_cast<std::size_t>(o.channels) * static_cast<std::size_t>(o.height) * static_cast<std::size_t>(o.width);
  const auto steps = static_cast<std::size_t>(o.time_steps);
  m_frames.resize(steps * static_cast<std::size_t>(b) * per_step);
  m_sample.resize(steps * per_step);
  m_labels.resize(static_cast<std::size_t>(b));
  for (int i = 0; i < b; ++i) {
    const auto ui = static_cast<std::size_t>(i);
    sample(m_order[begin + ui], m_sample.data(), m_labels[ui]);
    for (std::size_t t = 0; t < steps; ++t)
      std::copy_n(m_sample.data() + t * per_step, per_step,
                  m_frames.data() + (t * static_cast<std::size_t>(b) + ui) * per_step);
  }
  return {m_frames.data(), m_labels.data(), b};
}

}  // namespace snncosim::nn
