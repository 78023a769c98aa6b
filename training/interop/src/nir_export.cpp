// quant_model (float record) -> NIR graph (nir_export.h).
#include "snncosim/interop/nir_export.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "snncosim/common/error.h"
#include "snncosim/interop/nir_import.h"

namespace snncosim::interop {
namespace {

using numerics::layer_kind;
using numerics::tensor_shape;

nir_array ints(std::vector<double> v) { return nir_array::vector(std::move(v)); }

nir_array filled(const tensor_shape& s, bool flat, double value) {
  nir_array a;
  a.values.assign(static_cast<std::size_t>(s.size()), value);
  a.shape = flat ? std::vector<std::int64_t>{s.size()} : std::vector<std::int64_t>{s.channels, s.height, s.width};
  return a;
}

nir_array shape_of(const tensor_shape& s, bool flat) {
  return flat ? ints({static_cast<double>(s.size())})
              : ints({static_cast<double>(s.channels), static_cast<double>(s.height), static_cast<double>(s.width)});
}

[[noreturn]] void fail(const std::string& what, const numerics::quant_layer& l, const std::string& problem) {
  throw bad_input(fmt::format("{}: layer '{}' ({}): {}", what, l.name, numerics::to_string(l.kind), problem));
}

nir_array tensor(const std::vector<float>& v, std::vector<std::int64_t> shape) {
  return {std::vector<double>(v.begin(), v.end()), std::move(shape)};
}

}  // namespace

nir_graph to_nir(const numerics::quant_model& model, double time_step, const std::string& what) {
  if (!(time_step > 0)) throw bad_input(fmt::format("{}: the NIR time step must be > 0, got {}", what, time_step));
  const auto shapes = numerics::validate(model, what);
  nir_graph g;
  g.version = nir_writer_version;
  const bool input_flat = model.input.height == 1 && model.input.width == 1;
  nir_node input{"Input", {{"shape", shape_of(model.input, input_flat)}}, {}, {}, {}};
  g.nodes["input"] = input;
  std::string prev = "input";
  auto link = [&](const std::string& name, nir_node node) {
    if (g.nodes.count(name)) throw bad_input(fmt::format("{}: two layers named '{}'", what, name));
    g.nodes[name] = std::move(node);
    g.edges.emplace_back(prev, name);
    prev = name;
  };
  tensor_shape in = model.input;
  bool flat = input_flat;
  for (std::size_t li = 0; li < model.layers.size(); ++li) {
    const auto& l = model.layers[li];
    const tensor_shape out = shapes[li];
    switch (l.kind) {
      case layer_kind::maxpool:
        fail(what, l, "NIR has no max-pool node (only SumPool2d and AvgPool2d, which are not equal on spikes)");
      case layer_kind::flatten: {
        nir_node f{"Flatten", {}, {}, {}, {}};
        f.params["start_dim"] = nir_array::scalar(0);
        f.params["end_dim"] = nir_array::scalar(-1);
        f.params["input_type"] = shape_of(in, flat);
        link(l.name, std::move(f));
        flat = true;
        break;
      }
      case layer_kind::conv:
      case layer_kind::linear: {
        if (l.current_pool_kernel > 0)
          fail(what, l, "a max-pool between the conv and its neuron has no NIR node (NIR pools by sum or average only)");
        if (l.float_weights.size() != l.weights.size())
          fail(what, l, "the model file holds no float weights (float_weights) to export");
        const auto& n = l.source_neuron;
        if (n.model != numerics::neuron_model::leaky)
          fail(what, l, "Lapicque neurons are not exported to NIR (only Leaky)");
        nir_node syn;
        std::vector<float> bias = l.float_bias;
        if (bias.empty()) bias.assign(static_cast<std::size_t>(l.out_channels), 0.0F);
        syn.params["bias"] = tensor(bias, {l.out_channels});
        if (l.kind == layer_kind::conv) {
          syn.type = "Conv2d";
          syn.params["weight"] = tensor(l.float_weights, {l.out_channels, in.channels, l.kernel, l.kernel});
          syn.params["stride"] = ints({static_cast<double>(l.stride), static_cast<double>(l.stride)});
          syn.params["padding"] = ints({static_cast<double>(l.padding), static_cast<double>(l.padding)});
          syn.params["dilation"] = ints({1, 1});
          syn.params["groups"] = nir_array::scalar(1);
          syn.params["input_shape"] = ints({static_cast<double>(in.height), static_cast<double>(in.width)});
        } else {
          syn.type = "Affine";
          syn.params["weight"] = tensor(l.float_weights, {l.out_channels, static_cast<std::int64_t>(in.size())});
        }
        link(l.name, std::move(syn));
        const bool out_flat = l.kind == layer_kind::linear;
        const double beta = std::clamp(n.beta, 0.0, 1.0);  // snnTorch clamps in every step
        nir_node neuron;
        if (beta >= 1.0) {
          neuron.type = "IF";
          neuron.params["r"] = filled(out, out_flat, 1.0);
        } else {
          const double tau = time_step / (1.0 - beta);
          neuron.type = "LIF";
          neuron.params["tau"] = filled(out, out_flat, tau);
          neuron.params["r"] = filled(out, out_flat, tau / time_step);
          neuron.params["v_leak"] = filled(out, out_flat, 0.0);
        }
        neuron.params["v_threshold"] = filled(out, out_flat, n.threshold);
        neuron.params["v_reset"] = filled(out, out_flat, 0.0);
        neuron.metadata[meta_reset] = numerics::to_string(n.reset);
        neuron.metadata_numbers[meta_reset_delay] = n.reset_delay ? 1 : 0;
        link(l.name + ".lif", std::move(neuron));
        flat = out_flat;
        break;
      }
    }
    in = out;
  }
  link("output", nir_node{"Output", {{"shape", shape_of(in, flat)}}, {}, {}, {}});
  return g;
}

}  // namespace snncosim::interop
