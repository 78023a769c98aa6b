#pragma once
// The float network a NIR graph lowers to (nir_import.h): the same layer vocabulary as the
// integer model (conv/linear neuron layers with square kernels, flatten), with float weights
// and snnTorch neurons, before quantization. run_float_model is its reference inference in
// double precision, used to check the lowering against the NIR semantics.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "snncosim/export/settings.h"
#include "snncosim/numerics/quant_model.h"

namespace snncosim::interop {

struct float_layer {
  std::string name;  // NIR node name of the synapse (conv/linear), or of the flatten
  numerics::layer_kind kind = numerics::layer_kind::conv;  // conv, linear or flatten
  int kernel = 1;
  int stride = 1;
  int padding = 0;
  int out_channels = 0;
  std::vector<float> weights;  // conv [O][I][K][K], linear [O][I]; NIR gain and pooling folded in
  std::vector<float> bias;     // [O]; NIR bias, gain and leak folded in
  numerics::float_neuron neuron;
  numerics::tensor_shape in_shape, out_shape;
  std::string neuron_name;     // NIR node name of the neuron
};

struct float_model {
  numerics::tensor_shape input;
  std::vector<float_layer> layers;
  int num_classes = 0;
  int population_per_class = 1;
  std::string notes;  // what the lowering did (time step, folded nodes), for provenance
};

// Spikes of every layer over T steps, dense [T][size] per layer; membranes (after reset) of
// the neuron layers when asked.
struct float_run {
  std::vector<std::vector<std::uint8_t>> spikes;
  std::vector<std::vector<double>> membranes;
};

// Runs the model on input spikes [T][C][H][W] (0/1) with snnTorch Leaky/Lapicque semantics
// (docs/neurons.md) in double precision.
float_run run_float_model(const float_model& m, std::span<const std::uint8_t> input, int num_steps);

// Quantizes like `snncosim export`: numerics::make_neuron_layer per neuron layer (max-abs
// scales, per tensor or per channel), flatten layers as they are. Validates the result.
numerics::quant_model quantize_float_model(const float_model& m, const export_::quantization_settings& settings,
                                           const numerics::provenance& origin);

}  // namespace snncosim::interop
