#pragma once
// The fixed training benchmark workloads (docs/benchmarks.md) and a timer around them. Dense FLOPs count
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
};

struct bench_result {
  double train_samples_per_s = 0, infer_samples_per_s = 0;
  double train_gflops = 0, infer_gflops = 0;
  double spikes_per_sample = 0;
  flop_count flops;
  std::vector<network_layer_time> layers;  // when profiling: per timed training step
};

bench_result run_benchmark(const workload& w, const bench_options& options);

// OpenMP threads used by oneDNN from now on (the Debian oneDNN uses libgomp).
void set_threads(int threads);

}  // namespace snncosim::nn
