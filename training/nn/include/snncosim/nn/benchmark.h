#pragma once
// The training benchmark workloads and a timer around them. Dense FLOPs count
// 2 per multiply-add of conv/linear layers; a training step counts forward, backward-data
// (except the first layer, which is skipped) and backward-weights.
#include <cstdint>
#include <string>

#include <vector>

#include "snncosim/nn/conv2d.h"
#include "snncosim/nn/network.h"
#include "snncosim/nn/network_spec.h"

namespace snncosim::nn {

using network_layer_time = network::layer_time;

struct workload {
  std::string name;
  network_spec spec;
  int time_steps = 20;
  int batch = 32;
  double input_density = 0.05;
  // Firing rate (spikes per neuron and time step) of each neuron layer, in order, in a
  // trained network of this shape: the "trained activity" variant scales weights until the
  // layers fire at these rates (docs/benchmarks.md says where each figure comes from).
  std::vector<double> trained_rates;
};

workload make_workload(const std::string& name);  // csnn | fc | vgg9; bad_input otherwise

struct flop_count {
  double forward = 0;         // per sample (all time steps)
  double train = 0;           // per sample: fwd + bwd_data (not first layer) + bwd_weights
};
flop_count dense_flops(const network_spec& spec, int time_steps);

struct bench_options {
  int threads = 1;
  int iterations = 10;  // timed mini-batches per phase
  int warmup = 2;
  std::uint64_t seed = 1;
  bool profile = false;  // per-layer wall time of the timed training steps
  event_mode events = event_mode::automatic;  // event-driven convolutions (A/B runs)
  bool trained_activity = false;  // calibrate weight gains to workload::trained_rates first
};

// One neuron layer's firing rate (spikes per neuron and time step) in the timed passes.
struct bench_layer_rate {
  std::string name;
  double target = -1;  // trained_rates entry, or -1 at initialisation activity
  double gain = 1;     // factor applied to the weights (or batch-norm scale) feeding it
  double train_rate = 0, infer_rate = 0;
};

struct bench_result {
  double train_samples_per_s = 0, infer_samples_per_s = 0;
  double train_gflops = 0, infer_gflops = 0;
  double spikes_per_sample = 0;
  // Instruction sets in use: the event kernels' (compile time) and oneDNN's (run time,
  // capped by ONEDNN_MAX_CPU_ISA).
  std::string kernel_isa, onednn_isa;
  flop_count flops;
  std::vector<network_layer_time> layers;  // when profiling: per timed training step
  std::vector<network_layer_time> infer_layers;  // when profiling: per inference forward
  std::vector<bench_layer_rate> rates;
};

// Scales, layer by layer in order, the weights (or batch-norm scale) feeding each neuron
// layer until it fires at rates[i] on input (training-mode forward passes); returns the gains.
std::vector<double> calibrate_rates(network& net, const float* input, const std::vector<double>& rates);

bench_result run_benchmark(const workload& w, const bench_options& options);

// OpenMP threads used by oneDNN from now on (the Debian oneDNN uses libgomp).
void set_threads(int threads);

}  // namespace snncosim::nn
