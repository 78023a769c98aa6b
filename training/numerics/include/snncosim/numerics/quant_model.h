#pragma once
// The quantized model: what the hardware runs (docs/numerics.md §6-8, docs/formats.md).
// An ordered list of layers over one sample's [C,H,W] spike frames. Conv and linear layers
// are "neuron layers": synapses plus the integer neurons fed by them (one hardware layer
// engine each). Max-pool and flatten only move spikes.
#include <cstdint>
#include <string>
#include <vector>

#include "snncosim/numerics/neuron.h"

namespace snncosim::numerics {

struct tensor_shape {
  int channels = 0;
  int height = 1;
  int width = 1;
  std::int64_t size() const { return std::int64_t{channels} * height * width; }
  bool operator==(const tensor_shape&) const = default;
};

enum class layer_kind { conv, linear, maxpool, flatten };
const char* to_string(layer_kind k);
layer_kind parse_layer_kind(const std::string& s);  // bad_input on unknown names

struct quant_layer {
  std::string name;
  layer_kind kind = layer_kind::conv;

  // conv: square kernel, stride, symmetric zero padding. maxpool: kernel and stride.
  int kernel = 1;
  int stride = 1;
  int padding = 0;
  // conv only: max-pool of the input currents before the neurons (float nets that put
  // MaxPool2d between Conv2d and the neuron); 0 = none. docs/numerics.md §6.3.
  int current_pool_kernel = 0;
  int current_pool_stride = 0;

  int out_channels = 0;  // conv: output channels; linear: output features

  // Neuron layers (conv, linear) only.
  datapath_widths widths;
  std::vector<std::int32_t> weights;  // conv [O][I][K][K], linear [O][I], row-major
  std::vector<std::int32_t> bias;     // [O], accumulator units (zeros when the layer has none)
  std::vector<double> weight_scale;   // 1 (per tensor) or O entries
  std::vector<std::int32_t> gain;     // [O], Q.frac_bits
  double membrane_scale = 1.0;        // real value of one membrane LSB
  neuron_params neuron;
  float_neuron source_neuron;         // the float neuron the integers were derived from
  std::vector<float> float_weights;   // optional: the trained float weights (after BN folding)
  std::vector<float> float_bias;      // optional

  bool is_neuron_layer() const { return kind == layer_kind::conv || kind == layer_kind::linear; }
};

struct provenance {
  std::string config_text;  // the experiment/network YAML as used
  std::uint64_t seed = 0;
  std::string git_sha;
  std::string created_by;   // tool and version
  std::string notes;
};

struct quant_model {
  tensor_shape input;
  double input_threshold = 0.0;  // input spike = frame value > input_threshold (§7)
  int num_classes = 0;           // 0: unknown
  int population_per_class = 1;
  std::vector<quant_layer> layers;
  provenance origin;
  int numerics_version = snncosim::numerics::numerics_version;
};

// Output shape of each layer, in order (docs/numerics.md §6). Throws bad_input naming the
// layer when the model is inconsistent (sizes of weights/bias/gain/scale, kernel larger
// than the padded input, widths out of range, weights outside the weight_bits range, bias
// outside acc_bits, linear after a non-flat tensor, ...). `what` prefixes messages (file name).
std::vector<tensor_shape> validate(const quant_model& m, const std::string& what = "model");

// Accumulator width at which no sequence of `fan_in` weights of `weight_bits` bits can
// saturate: weight_bits + ceil(log2(fan_in + 1)) (docs/numerics.md §5). With at least this
// acc_bits the order of the accumulate phase does not matter.
int lossless_acc_bits(int weight_bits, std::int64_t fan_in);

// Builds the integer part of a conv/linear layer from float weights and a float neuron:
// calibrates max-abs scales (per tensor or per channel), quantizes weights and bias, and
// converts the neuron. Keeps the float weights in the layer for provenance.
quant_layer make_neuron_layer(std::string name, layer_kind kind, int out_channels, int kernel, int stride,
                              int padding, const std::vector<float>& weights, const std::vector<float>& bias,
                              const float_neuron& neuron, const datapath_widths& widths,
                              bool per_channel_scale);

}  // namespace snncosim::numerics
