#include "snncosim/nn/benchmark.h"

#include <chrono>
#include <vector>

#include <omp.h>

#include "snncosim/common/error.h"
#include "snncosim/common/rng.h"
#include "snncosim/nn/network.h"
#include "snncosim/nn/optimizer.h"
#include "snncosim/snn/loss.h"

namespace snncosim::nn {

void set_threads(int threads) { omp_set_num_threads(threads < 1 ? 1 : threads); }

namespace {
snn::neuron_config leaky(float beta, float threshold) {
  snn::neuron_config n;
  n.model = "leaky";
  n.beta = beta;
  n.threshold = threshold;
  n.surrogate.name = "fast_sigmoid";
  n.surrogate.params = {{"slope", 25.0}};
  return n;
}
}  // namespace

workload make_workload(const std::string& name) {
  workload w;
  w.name = name;
  if (name == "csnn") {
    w.spec = csnn_spec(leaky(0.5f, 1.0f), 10, 1);
  } else if (name == "fc") {
    w.spec = mlp_spec(leaky(0.9f, 1.0f), 784, {1024, 1024}, 10, 30);
    w.spec.in_channels = 1;
    w.spec.in_height = w.spec.in_width = 28;
  } else if (name == "vgg9") {
    w.spec = vgg9_spec(leaky(0.24f, 0.23f), 0.25, 2, 64, 64, 11, 100, 0.19f);
    w.time_steps = 5;
  } else {
    throw bad_input("--workload: unknown workload '" + name + "'; expected csnn, fc or vgg9");
  }
  return w;
}

flop_count dense_flops(const network_spec& spec, int time_steps) {
  flop_count f;
  int c = spec.in_channels, h = spec.in_height, w = spec.in_width;
  bool first = true;
  for (const auto& l : spec.layers) {
    double macs = 0;
    switch (l.type) {
      case layer_type::conv:
        h = (h + 2 * l.padding - l.kernel) / l.stride + 1;
        w = (w + 2 * l.padding - l.kernel) / l.stride + 1;
        macs = static_cast<double>(l.channels) * h * w * c * l.kernel * l.kernel;
        c = l.channels;
        break;
      case layer_type::linear:
        macs = static_cast<double>(c) * h * w * l.channels;
        c = l.channels;
        h = w = 1;
        break;
      case layer_type::maxpool:
      case layer_type::avgpool: {
        const int s = l.stride > 0 ? l.stride : l.kernel;
        h = (h - l.kernel) / s + 1;
        w = (w - l.kernel) / s + 1;
        break;
      }
      case layer_type::flatten:
        c = c * h * w;
        h = w = 1;
        break;
      default:
        break;
    }
    if (macs > 0) {
      f.forward += 2 * macs * time_steps;
      f.train += 2 * macs * time_steps * (first ? 2 : 3);
      first = false;
    }
  }
  return f;
}

bench_result run_benchmark(const workload& w, const bench_options& o) {
  set_threads(o.threads);
  network net(w.spec, o.seed);
  net.configure(w.time_steps, w.batch);
  net.set_event_mode(o.events);
  std::vector<float> input(net.input_elements());
  rng gen(o.seed + 99);
  for (auto& v : input) v = gen.uniform() < w.input_density ? 1.0f : 0.0f;
  std::vector<std::int32_t> labels(static_cast<std::size_t>(w.batch));
  for (auto& l : labels) l = static_cast<std::int32_t>(gen.below(static_cast<std::uint64_t>(w.spec.num_classes)));
  std::vector<float> d_out(net.output_elements());
  optimizer opt({optimizer_kind::adam, 1e-3}, net.parameters());
  const snn::spike_shape shape{static_cast<std::size_t>(w.time_steps), static_cast<std::size_t>(w.batch),
                               static_cast<std::size_t>(w.spec.output_neurons())};
  snn::mse_count_options lo;
  lo.correct_rate = 0.8;
  lo.incorrect_rate = 0.2;
  lo.num_classes = w.spec.population_per_class > 1 ? static_cast<std::size_t>(w.spec.num_classes) : 0;
  double spikes = 0;
  auto train_step = [&] {
    const float* out = net.forward(input.data(), true);
    snn::mse_count_loss(out, shape, labels.data(), lo, d_out.data());
    net.backward(d_out.data());
    opt.step();
    spikes = 0;
    for (const auto& a : net.activity()) spikes += a.spikes;
  };
  auto infer_step = [&] {
    const float* out = net.forward(input.data(), false);
    snn::accuracy_rate(out, shape, labels.data(), lo.num_classes);
  };
  using clock = std::chrono::steady_clock;
  auto time_it = [&](const auto& step) {
    for (int i = 0; i < o.warmup; ++i) step();
    const auto start = clock::now();
    for (int i = 0; i < o.iterations; ++i) step();
    return std::chrono::duration<double>(clock::now() - start).count();
  };
  bench_result r;
  r.flops = dense_flops(w.spec, w.time_steps);
  const double samples = static_cast<double>(o.iterations) * w.batch;
  for (int i = 0; i < o.warmup; ++i) train_step();
  net.set_profiling(o.profile);
  r.train_samples_per_s = samples / time_it(train_step);
  if (o.profile) {
    r.layers = net.profile();
    for (auto& l : r.layers) {
      l.forward_s /= o.iterations + o.warmup;
      l.backward_s /= o.iterations + o.warmup;
    }
    net.set_profiling(false);
  }
  r.spikes_per_sample = spikes / w.batch;
  r.infer_samples_per_s = samples / time_it(infer_step);
  r.train_gflops = r.train_samples_per_s * r.flops.train * 1e-9;
  r.infer_gflops = r.infer_samples_per_s * r.flops.forward * 1e-9;
  return r;
}

}  // namespace snncosim::nn
