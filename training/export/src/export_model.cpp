#include "snncosim/export/export_model.h"

#include <limits>
#include <string>

#include "snncosim/common/error.h"
#include "snncosim/nn/batch_norm2d.h"
#include "snncosim/nn/conv2d.h"
#include "snncosim/nn/linear.h"
#include "snncosim/nn/network.h"
#include "snncosim/nn/spiking.h"
#include "snncosim/numerics/quantize.h"

namespace snncosim::export_ {

namespace {

using nn::layer_type;

std::string describe(const nn::layer_spec& l) { return "layer '" + l.name + "' (" + nn::to_string(l.type) + ")"; }

[[noreturn]] void unsupported(const nn::layer_spec& l, const std::string& why) {
  throw bad_input("export: " + describe(l) + ": " + why);
}

numerics::float_neuron to_float_neuron(const nn::layer_spec& spec, nn::spiking& s) {
  const snn::neuron_config& cfg = s.config();
  numerics::float_neuron n;
  if (cfg.model == "leaky")
    n.model = numerics::neuron_model::leaky;
  else if (cfg.model == "lapicque")
    n.model = numerics::neuron_model::lapicque;
  else
    unsupported(spec, "neuron model '" + cfg.model + "' has no integer specification (Leaky and Lapicque do)");
  // Learnt values live in the configured neuron layer; the config holds the initial ones.
  const snn::neuron_layer* live = s.neurons();
  const double graded = live != nullptr ? live->graded_spikes_factor() : cfg.graded_spikes_factor;
  if (graded != 1.0) unsupported(spec, "graded spikes (factor " + std::to_string(graded) + ") are not binary spikes");
  n.beta = live != nullptr ? live->beta() : cfg.beta;
  n.threshold = live != nullptr ? live->threshold() : cfg.threshold;
  switch (cfg.reset) {
    case snn::reset_mode::subtract: n.reset = numerics::float_reset::subtract; break;
    case snn::reset_mode::zero: n.reset = numerics::float_reset::zero; break;
    case snn::reset_mode::none: n.reset = numerics::float_reset::none; break;
  }
  n.reset_delay = cfg.reset_delay;
  n.r = cfg.r;
  n.c = cfg.c;
  n.time_step = cfg.time_step;
  return n;
}

int window_out(int size, int kernel, int stride, int padding) { return (size + 2 * padding - kernel) / stride + 1; }

}  // namespace

export_result export_network(nn::network& net, const quantization_settings& settings,
                             const numerics::provenance& origin) {
  const nn::network_spec& spec = net.spec();
  auto& layers = net.layers();
  export_result r;
  numerics::quant_model& m = r.model;
  m.input = {spec.in_channels, spec.in_height, spec.in_width};
  m.input_threshold = settings.input_threshold;
  m.num_classes = spec.num_classes;
  m.population_per_class = spec.population_per_class;
  m.origin = origin;
  numerics::tensor_shape shape = m.input;

  auto emit = [&](numerics::quant_layer l, std::size_t float_layer) {
    m.layers.push_back(std::move(l));
    r.mapping.float_layer.push_back(float_layer);
  };

  const std::size_t n = spec.layers.size();
  for (std::size_t i = 0; i < n;) {
    const nn::layer_spec& ls = spec.layers[i];
    switch (ls.type) {
      case layer_type::dropout:  // identity in eval
        ++i;
        break;
      case layer_type::flatten: {
        numerics::quant_layer q;
        q.name = ls.name;
        q.kind = numerics::layer_kind::flatten;
        emit(std::move(q), i);
        shape = {static_cast<int>(shape.size()), 1, 1};
        ++i;
        break;
      }
      case layer_type::maxpool: {  // after a neuron: pools spikes (a spatial OR)
        numerics::quant_layer q;
        q.name = ls.name;
        q.kind = numerics::layer_kind::maxpool;
        q.kernel = ls.kernel;
        q.stride = ls.stride > 0 ? ls.stride : ls.kernel;
        shape = {shape.channels, window_out(shape.height, q.kernel, q.stride, 0),
                 window_out(shape.width, q.kernel, q.stride, 0)};
        emit(std::move(q), i);
        ++i;
        break;
      }
      case layer_type::avgpool:
        unsupported(ls, "average pooling of spikes is not binary; version 1 of the integer spec has max-pool only");
      case layer_type::batchnorm:
        unsupported(ls, "BatchNorm can only be exported directly after a conv (it is folded into it)");
      case layer_type::neuron:
        unsupported(ls, "a neuron layer must follow a conv or linear layer (optionally via BatchNorm, "
                        "dropout or a max-pool)");
      case layer_type::conv:
      case layer_type::linear: {
        const bool conv = ls.type == layer_type::conv;
        std::size_t bn = n, pool = n, neuron = n;
        for (std::size_t j = i + 1; j < n && neuron == n; ++j) {
          const nn::layer_spec& next = spec.layers[j];
          if (next.type == layer_type::dropout) continue;
          if (next.type == layer_type::batchnorm && conv && bn == n && pool == n)
            bn = j;
          else if (next.type == layer_type::maxpool && conv && pool == n)
            pool = j;
          else if (next.type == layer_type::neuron)
            neuron = j;
          else
            unsupported(ls, "must be followed by a neuron layer (optionally via BatchNorm, dropout and one "
                            "max-pool for a conv), found " + describe(next));
        }
        if (neuron == n) unsupported(ls, "is not followed by a neuron layer");

        std::vector<float> weights, bias;
        int out = 0;
        if (conv) {
          auto& c = dynamic_cast<nn::conv2d&>(*layers[i]);
          weights.assign(c.weights().begin(), c.weights().end());
          if (ls.bias) bias.assign(c.bias().begin(), c.bias().end());
          out = c.options().out_channels;
        } else {
          auto& f = dynamic_cast<nn::linear&>(*layers[i]);
          weights.assign(f.weights().begin(), f.weights().end());
          if (ls.bias) bias.assign(f.bias().begin(), f.bias().end());
          out = f.options().out_features;
          if (shape.height != 1 || shape.width != 1) {
            // nn::linear flattens a [C,H,W] input itself (torch.flatten order); the integer
            // model makes that explicit. Its spikes are the previous layer's output.
            numerics::quant_layer q;
            q.name = ls.name + ".flatten";
            q.kind = numerics::layer_kind::flatten;
            emit(std::move(q), i == 0 ? network_input : i - 1);
            shape = {static_cast<int>(shape.size()), 1, 1};
          }
        }
        if (bn != n) {
          auto& b = dynamic_cast<nn::batch_norm2d&>(*layers[bn]);
          const auto folded = numerics::fold_batch_norm(weights, bias, b.scale(), b.shift(), b.running_mean(),
                                                        b.running_var(), spec.layers[bn].eps);
          weights = folded.weights;
          bias = folded.bias;
        }
        const auto neuron_params = to_float_neuron(spec.layers[neuron], dynamic_cast<nn::spiking&>(*layers[neuron]));
        numerics::quant_layer q;
        try {
          q = numerics::make_neuron_layer(ls.name, conv ? numerics::layer_kind::conv : numerics::layer_kind::linear,
                                          out, ls.kernel, ls.stride, ls.padding, weights, bias, neuron_params,
                                          settings.widths, settings.per_channel);
        } catch (const bad_input& e) {
          unsupported(ls, e.what());
        }
        if (conv) {
          shape = {out, window_out(shape.height, ls.kernel, ls.stride, ls.padding),
                   window_out(shape.width, ls.kernel, ls.stride, ls.padding)};
          if (pool != n) {
            const nn::layer_spec& p = spec.layers[pool];
            q.current_pool_kernel = p.kernel;
            q.current_pool_stride = p.stride > 0 ? p.stride : p.kernel;
            shape = {out, window_out(shape.height, q.current_pool_kernel, q.current_pool_stride, 0),
                     window_out(shape.width, q.current_pool_kernel, q.current_pool_stride, 0)};
          }
        } else {
          shape = {out, 1, 1};
        }
        emit(std::move(q), neuron);
        i = neuron + 1;
        break;
      }
    }
  }
  if (m.layers.empty() || !m.layers.back().is_neuron_layer())
    throw bad_input("export: network '" + spec.name + "' must end with a conv/linear + neuron layer");
  numerics::validate(m, "export of network '" + spec.name + "'");
  return r;
}

}  // namespace snncosim::export_
