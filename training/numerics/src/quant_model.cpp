// Shape inference, consistency checks and float -> integer construction of quant_model layers.
#include "snncosim/numerics/quant_model.h"

#include <cmath>

#include <fmt/format.h>

#include "snncosim/common/error.h"
#include "snncosim/numerics/quantize.h"

namespace snncosim::numerics {

const char* to_string(layer_kind k) {
  switch (k) {
    case layer_kind::conv: return "conv";
    case layer_kind::linear: return "linear";
    case layer_kind::maxpool: return "maxpool";
    case layer_kind::flatten: return "flatten";
  }
  return "?";
}

layer_kind parse_layer_kind(const std::string& s) {
  if (s == "conv") return layer_kind::conv;
  if (s == "linear") return layer_kind::linear;
  if (s == "maxpool") return layer_kind::maxpool;
  if (s == "flatten") return layer_kind::flatten;
  throw bad_input(fmt::format("unknown layer kind '{}' (expected conv, linear, maxpool, flatten)", s));
}

namespace {

int window_out(int in, int kernel, int stride, int padding) {
  const int span = in + 2 * padding - kernel;
  return span < 0 ? 0 : span / stride + 1;
}

void check_neuron_layer(const quant_layer& l, std::int64_t fan_in, const std::string& where) {
  auto fail = [&](const std::string& msg) { throw bad_input(fmt::format("{}: {}", where, msg)); };
  try {
    validate(l.widths);
  } catch (const bad_input& e) {
    fail(e.what());
  }
  const auto oc = static_cast<std::size_t>(l.out_channels);
  const auto n_weights = static_cast<std::size_t>(fan_in) * oc;
  if (l.weights.size() != n_weights)
    fail(fmt::format("{} integer weights, expected {} (out_channels {} x fan-in {})", l.weights.size(), n_weights,
                     l.out_channels, fan_in));
  if (l.bias.size() != oc) fail(fmt::format("{} bias values, expected {}", l.bias.size(), oc));
  if (l.gain.size() != oc) fail(fmt::format("{} gain values, expected {}", l.gain.size(), oc));
  if (l.weight_scale.size() != 1 && l.weight_scale.size() != oc)
    fail(fmt::format("{} weight scales, expected 1 or {}", l.weight_scale.size(), oc));
  if (!l.float_weights.empty() && l.float_weights.size() != n_weights)
    fail(fmt::format("{} float weights, expected {}", l.float_weights.size(), n_weights));
  if (!l.float_bias.empty() && l.float_bias.size() != oc)
    fail(fmt::format("{} float bias values, expected {}", l.float_bias.size(), oc));
  if (!(l.membrane_scale > 0) || !std::isfinite(l.membrane_scale)) fail("membrane_scale must be finite and > 0");
  const std::int64_t qmax = max_of_bits(l.widths.weight_bits);
  for (std::size_t i = 0; i < l.weights.size(); ++i)
    if (l.weights[i] > qmax || l.weights[i] < -qmax)
      fail(fmt::format("weight {} = {} is outside the {}-bit range +-{}", i, l.weights[i], l.widths.weight_bits, qmax));
  for (std::size_t o = 0; o < oc; ++o)
    if (l.bias[o] != saturate(l.bias[o], l.widths.acc_bits))
      fail(fmt::format("bias {} = {} does not fit in acc_bits {}", o, l.bias[o], l.widths.acc_bits));
  for (std::size_t o = 0; o < oc; ++o)
    if (l.gain[o] < -max_of_bits(32)) fail(fmt::format("gain {} = -2^31 is not allowed", o));
  if (l.neuron.decay < -max_of_bits(32)) fail("decay = -2^31 is not allowed");
  const int mb = l.widths.mem_bits;
  if (l.neuron.threshold != saturate(l.neuron.threshold, mb) || l.neuron.reset_amount != saturate(l.neuron.reset_amount, mb))
    fail(fmt::format("threshold {} or reset amount {} does not fit in mem_bits {}", l.neuron.threshold,
                     l.neuron.reset_amount, mb));
}

}  // namespace

std::vector<tensor_shape> validate(const quant_model& m, const std::string& what) {
  if (m.input.channels < 1 || m.input.height < 1 || m.input.width < 1)
    throw bad_input(fmt::format("{}: input shape [{},{},{}] must be positive", what, m.input.channels,
                                m.input.height, m.input.width));
  if (m.layers.empty()) throw bad_input(fmt::format("{}: the model has no layers", what));
  if (m.population_per_class < 1 || m.num_classes < 0)
    throw bad_input(fmt::format("{}: num_classes must be >= 0 and population_per_class >= 1", what));
  std::vector<tensor_shape> shapes;
  tensor_shape in = m.input;
  for (std::size_t li = 0; li < m.layers.size(); ++li) {
    const quant_layer& l = m.layers[li];
    const std::string where = fmt::format("{}: layer {} ('{}', {})", what, li, l.name, to_string(l.kind));
    auto fail = [&](const std::string& msg) { throw bad_input(fmt::format("{}: {}", where, msg)); };
    tensor_shape out;
    switch (l.kind) {
      case layer_kind::conv: {
        if (l.kernel < 1 || l.stride < 1 || l.padding < 0) fail("kernel and stride must be >= 1, padding >= 0");
        if (l.out_channels < 1) fail("out_channels must be >= 1");
        out = {l.out_channels, window_out(in.height, l.kernel, l.stride, l.padding),
               window_out(in.width, l.kernel, l.stride, l.padding)};
        if (out.height < 1 || out.width < 1)
          fail(fmt::format("kernel {} with padding {} does not fit the {}x{} input", l.kernel, l.padding, in.height,
                           in.width));
        if (l.current_pool_kernel != 0) {
          if (l.current_pool_kernel < 1 || l.current_pool_stride < 1) fail("current pool kernel and stride must be >= 1");
          out.height = window_out(out.height, l.current_pool_kernel, l.current_pool_stride, 0);
          out.width = window_out(out.width, l.current_pool_kernel, l.current_pool_stride, 0);
          if (out.height < 1 || out.width < 1) fail("current pool window larger than the conv output");
        }
        check_neuron_layer(l, std::int64_t{in.channels} * l.kernel * l.kernel, where);
        break;
      }
      case layer_kind::linear:
        if (in.height != 1 || in.width != 1)
          fail(fmt::format("input is [{},{},{}]; put a flatten layer before a linear layer", in.channels, in.height,
                           in.width));
        if (l.out_channels < 1) fail("out_channels must be >= 1");
        out = {l.out_channels, 1, 1};
        check_neuron_layer(l, in.channels, where);
        break;
      case layer_kind::maxpool:
        if (l.kernel < 1 || l.stride < 1) fail("kernel and stride must be >= 1");
        out = {in.channels, window_out(in.height, l.kernel, l.stride, 0), window_out(in.width, l.kernel, l.stride, 0)};
        if (out.height < 1 || out.width < 1) fail("pool window larger than the input");
        break;
      case layer_kind::flatten: {
        const std::int64_t n = in.size();
        if (n > 2147483647) fail("flattened size does not fit in int");
        out = {static_cast<int>(n), 1, 1};
        break;
      }
    }
    shapes.push_back(out);
    in = out;
  }
  if (m.num_classes > 0) {
    const std::int64_t need = std::int64_t{m.num_classes} * m.population_per_class;
    if (shapes.back().size() != need)
      throw bad_input(fmt::format("{}: the last layer has {} outputs, num_classes x population_per_class = {}", what,
                                  shapes.back().size(), need));
  }
  return shapes;
}

int lossless_acc_bits(int weight_bits, std::int64_t fan_in) {
  int bits = 0;
  while ((std::int64_t{1} << bits) < fan_in + 1) ++bits;
  return weight_bits + bits;
}

quant_layer make_neuron_layer(std::string name, layer_kind kind, int out_channels, int kernel, int stride,
                              int padding, const std::vector<float>& weights, const std::vector<float>& bias,
                              const float_neuron& neuron, const datapath_widths& widths, bool per_channel_scale) {
  validate(widths);
  if (kind != layer_kind::conv && kind != layer_kind::linear)
    throw bad_input("make_neuron_layer: only conv and linear layers have neurons");
  quant_layer l;
  l.name = std::move(name);
  l.kind = kind;
  l.out_channels = out_channels;
  l.kernel = kind == layer_kind::conv ? kernel : 1;
  l.stride = kind == layer_kind::conv ? stride : 1;
  l.padding = kind == layer_kind::conv ? padding : 0;
  l.widths = widths;
  const quantized_weights q =
      quantize_weights(weights, out_channels, widths.weight_bits,
                       per_channel_scale ? scale_granularity::per_channel : scale_granularity::per_tensor);
  l.weights = q.values;
  l.weight_scale = q.scale;
  if (!bias.empty() && bias.size() != static_cast<std::size_t>(out_channels))
    throw bad_input(fmt::format("make_neuron_layer '{}': {} bias values for {} channels", l.name, bias.size(), out_channels));
  l.bias = bias.empty() ? std::vector<std::int32_t>(static_cast<std::size_t>(out_channels), 0)
                        : quantize_bias(bias, q.scale, widths.acc_bits);
  const integer_neuron in = convert_neuron(neuron, widths, q.scale, out_channels);
  l.gain = in.gain;
  l.membrane_scale = in.membrane_scale;
  l.neuron = in.params;
  l.source_neuron = neuron;
  l.float_weights = weights;
  l.float_bias = bias;
  return l;
}

}  // namespace snncosim::numerics
