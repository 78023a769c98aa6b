// Reference float inference of a lowered NIR graph, and its quantization (float_model.h).
#include "snncosim/interop/float_model.h"

#include <fmt/format.h>

#include "snncosim/common/error.h"

namespace snncosim::interop {
namespace {

using numerics::layer_kind;

// Synaptic currents of one step: conv (PyTorch cross-correlation, zero padding) or linear,
// plus the bias.
std::vector<double> currents(const float_layer& l, const std::uint8_t* in) {
  const auto& is = l.in_shape;
  const auto& os = l.out_shape;
  std::vector<double> out(static_cast<std::size_t>(os.size()), 0.0);
  if (l.kind == layer_kind::linear) {
    const auto n_in = static_cast<std::size_t>(is.size());
    for (std::size_t o = 0; o < out.size(); ++o) {
      double acc = l.bias.empty() ? 0.0 : l.bias[o];
      for (std::size_t i = 0; i < n_in; ++i)
        if (in[i] != 0) acc += l.weights[o * n_in + i];
      out[o] = acc;
    }
    return out;
  }
  const int k = l.kernel;
  for (int o = 0; o < os.channels; ++o)
    for (int oy = 0; oy < os.height; ++oy)
      for (int ox = 0; ox < os.width; ++ox) {
        double acc = l.bias.empty() ? 0.0 : l.bias[static_cast<std::size_t>(o)];
        for (int i = 0; i < is.channels; ++i)
          for (int ky = 0; ky < k; ++ky)
            for (int kx = 0; kx < k; ++kx) {
              const int y = oy * l.stride - l.padding + ky;
              const int x = ox * l.stride - l.padding + kx;
              if (y < 0 || x < 0 || y >= is.height || x >= is.width) continue;
              if (in[(static_cast<std::size_t>(i) * is.height + y) * is.width + x] == 0) continue;
              acc += l.weights[((static_cast<std::size_t>(o) * is.channels + i) * k + ky) * k + kx];
            }
        out[(static_cast<std::size_t>(o) * os.height + oy) * os.width + ox] = acc;
      }
  return out;
}

}  // namespace

float_run run_float_model(const float_model& m, std::span<const std::uint8_t> input, int num_steps) {
  const auto in_size = static_cast<std::size_t>(m.input.size());
  if (input.size() != in_size * static_cast<std::size_t>(num_steps))
    throw bad_input(fmt::format("float inference: {} input values for {} steps of {}", input.size(), num_steps, in_size));
  float_run run;
  std::vector<std::vector<double>> mem(m.layers.size());
  for (std::size_t l = 0; l < m.layers.size(); ++l) {
    const auto n = static_cast<std::size_t>(m.layers[l].out_shape.size());
    run.spikes.emplace_back(n * static_cast<std::size_t>(num_steps), 0);
    run.membranes.emplace_back(n * static_cast<std::size_t>(num_steps), 0.0);
    mem[l].assign(n, 0.0);
  }
  for (int t = 0; t < num_steps; ++t) {
    const std::uint8_t* in = input.data() + static_cast<std::size_t>(t) * in_size;
    for (std::size_t li = 0; li < m.layers.size(); ++li) {
      const auto& l = m.layers[li];
      const auto n = static_cast<std::size_t>(l.out_shape.size());
      std::uint8_t* out = run.spikes[li].data() + static_cast<std::size_t>(t) * n;
      if (l.kind == layer_kind::flatten) {
        std::copy(in, in + n, out);
        in = out;
        continue;
      }
      const auto x = currents(l, in);
      const auto c = numerics::derive_coefficients(l.neuron);
      const double th = l.neuron.threshold;
      const bool lapicque = l.neuron.model == numerics::neuron_model::lapicque;
      const bool delay = lapicque || l.neuron.reset_delay;
      for (std::size_t j = 0; j < n; ++j) {
        const double prev = mem[li][j];
        const double r = prev > th ? 1.0 : 0.0;
        const double base = c.decay * prev + c.input_gain * x[j];
        double u = base;
        switch (l.neuron.reset) {
          case numerics::float_reset::subtract: u = base - r * th; break;
          case numerics::float_reset::zero:
            // snnTorch Leaky zeroes only the old membrane, Lapicque the whole new value.
            u = lapicque ? (1.0 - r) * base : c.decay * (1.0 - r) * prev + c.input_gain * x[j];
            break;
          case numerics::float_reset::none: break;
        }
        const double s = u > th ? 1.0 : 0.0;
        double next = u;
        if (!delay) {
          const double d = s - r;
          if (l.neuron.reset == numerics::float_reset::subtract) next = u - d * th;
          if (l.neuron.reset == numerics::float_reset::zero) next = u - d * u;
        }
        mem[li][j] = next;
        out[j] = static_cast<std::uint8_t>(s);
        run.membranes[li][static_cast<std::size_t>(t) * n + j] = next;
      }
      in = out;
    }
  }
  return run;
}

numerics::quant_model quantize_float_model(const float_model& m, const export_::quantization_settings& settings,
                                           const numerics::provenance& origin) {
  numerics::quant_model q;
  q.input = m.input;
  q.input_threshold = settings.input_threshold;
  q.num_classes = m.num_classes;
  q.population_per_class = m.population_per_class;
  q.origin = origin;
  for (const auto& l : m.layers) {
    if (l.kind == layer_kind::flatten) {
      numerics::quant_layer f;
      f.name = l.name;
      f.kind = layer_kind::flatten;
      q.layers.push_back(std::move(f));
      continue;
    }
    q.layers.push_back(numerics::make_neuron_layer(l.name, l.kind, l.out_channels, l.kernel, l.stride, l.padding,
                                                   l.weights, l.bias, l.neuron, settings.widths, settings.per_channel));
  }
  numerics::validate(q, "imported model");
  return q;
}

}  // namespace snncosim::interop
