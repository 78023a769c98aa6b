#pragma once
// Runs the float network (eval mode) layer by layer and keeps every layer's output in plain
// row-major [T][N][C][H][W] order, so spikes can be compared with integer inference.
#include <cstddef>
#include <vector>

namespace snncosim::nn {
class network;
}

namespace snncosim::export_ {

struct float_activations {
  int time_steps = 0;
  int batch = 0;
  // outputs[i]: output of network.layers()[i], [T][N][features] plain (nchw / nc order).
  std::vector<std::vector<float>> outputs;
  std::vector<std::size_t> features;  // per layer, per sample and step
};

// `frames` is [T][N][C][H][W] with N = the configured batch and T = its time steps.
float_activations run_float_layers(nn::network& net, const float* frames);

}  // namespace snncosim::export_
