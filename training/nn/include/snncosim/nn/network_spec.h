#pragma once
// A network description as plain data: the input shape, the classes and the layer sequence.
// The YAML `network` schema (yaml/schemas/network.yaml) is converted into it by
// network_spec_from_yaml; the study's networks also have C++ builders.
#include <cstdint>
#include <string>
#include <vector>

#include "snncosim/snn/neuron.h"

namespace YAML {
class Node;
}
namespace snncosim::config {
class document;
}

namespace snncosim::nn {

enum class layer_type { conv, linear, maxpool, avgpool, batchnorm, dropout, flatten, neuron };
const char* to_string(layer_type t);

struct layer_spec {
  layer_type type = layer_type::linear;
  std::string name;        // unique; default type + index
  int channels = 0;        // conv: output channels (already scaled); linear: output features
  int kernel = 3;          // conv, pools
  int stride = 1;          // conv; pools: 0 = kernel
  int padding = 0;         // conv
  bool bias = true;        // conv, linear
  float eps = 1e-5f;       // batchnorm
  float momentum = 0.1f;   // batchnorm
  float p = 0.5f;          // dropout
  snn::neuron_config neuron;  // neuron
  bool output = false;     // neuron: the population output layer
};

struct network_spec {
  std::string name = "network";
  int in_channels = 2, in_height = 1, in_width = 1;
  int num_classes = 10;
  int population_per_class = 1;
  std::vector<layer_spec> layers;

  int output_neurons() const { return num_classes * population_per_class; }
};

// Checks shapes layer by layer (throws std::invalid_argument naming the layer) and fills
// missing names. Returns the number of features of the network output.
int validate(network_spec& spec);

// The study's networks.
// CSNN: 2x34x34 -> conv 12 k5 -> maxpool 2 -> neuron -> conv 32 k5 -> maxpool 2 -> neuron
//        -> flatten -> linear 800->10*pop -> neuron.
network_spec csnn_spec(const snn::neuron_config& neuron, int num_classes = 10, int population = 1);
// VGG9 family (SNN-DSE Net.py / hardware chain): conv3x3 (pad 1) 64-112 | pool 2 | 192-216 |
// pool 2 | 480-504-560 | pool 4, each conv scaled and followed by BatchNorm and a neuron; the
// max-pools act on spikes (the hardware ORs them); then flatten, dropout, FC 1064, neuron,
// dropout, FC num_classes*population, neuron.
network_spec vgg9_spec(const snn::neuron_config& neuron, double channel_scale, int in_channels, int height,
                       int width, int num_classes, int population, float dropout_p, bool batch_norm = true);
// MLP: flatten -> (linear h, neuron)* -> linear out, neuron.
network_spec mlp_spec(const snn::neuron_config& neuron, int in_features, const std::vector<int>& hidden,
                      int num_classes, int population);

// From a validated `network` document (yaml/schemas/network.yaml). Conv channels are
// multiplied by channel_scale (rounded, at least 1); the output linear layer must have
// num_classes * population_per_class features. Errors: bad_input with file:line.
// prefix: "" for a network document, "network." for the network inlined in an experiment.
network_spec network_spec_from_yaml(const config::document& doc, const std::string& prefix = "");

}  // namespace snncosim::nn
