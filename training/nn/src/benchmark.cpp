#include "snncosim/nn/benchmark.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

#include <omp.h>

#include "snncosim/common/error.h"
#include "snncosim/common/rng.h"
#include "snncosim/nn/network.h"
#include "snncosim/nn/optimizer.h"
#include "snncosim/snn/loss.h"
#include "event_linear.h"

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
  // Trained rates (spikes per neuron and time step): csnn from the quickstart's trained CSNN
  // (runs/quickstart/metrics.json, 1 - sparsity of conv1, conv2, fc1); fc from the same MLP
  // trained on the built-in Fashion events (yaml/experiments/train_mlp_fashion.yaml, last
  // epoch, 81 % test accuracy); vgg9 from the trained VGG9 of yaml/experiments/vgg9_bars.yaml.
  if (name == "csnn") {
    w.spec = csnn_spec(leaky(0.5f, 1.0f), 10, 1);
    w.trained_rates = {0.079, 0.116, 0.258};
  } else if (name == "fc") {
    w.spec = mlp_spec(leaky(0.9f, 1.0f), 784, {1024, 1024}, 10, 30);
    w.spec.in_channels = 1;
    w.spec.in_height = w.spec.in_width = 28;
    w.trained_rates = {0.211, 0.291, 0.258};
  } else if (name == "vgg9") {
    w.spec = vgg9_spec(leaky(0.24f, 0.23f), 0.25, 2, 64, 64, 11, 100, 0.19f);
    w.time_steps = 5;
    w.trained_rates = {0.251, 0.343, 0.346, 0.382, 0.398, 0.367, 0.368, 0.513, 0.242};
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

namespace {
double rate_of(const layer_activity& a, const batch_geometry& g) {
  return a.spikes / (static_cast<double>(a.neurons) * g.rows());
}

// The parameter whose scale sets the input current of the neuron layer at spec index `at`:
// the nearest weight before it (a batch norm's scale where one normalises the conv output).
parameter feeding_weight(network& net, std::size_t at) {
  parameter found;
  const auto& layers = net.spec().layers;
  const auto params = net.parameters();
  for (std::size_t i = 0; i < at && i < layers.size(); ++i)
    for (const auto& p : params)
      if (p.name == layers[i].name + ".weight") found = p;
  return found;
}
}  // namespace

std::vector<double> calibrate_rates(network& net, const float* input, const std::vector<double>& rates) {
  const auto neuron_layers = net.activity();
  if (rates.size() != neuron_layers.size())
    throw bad_input("calibrate_rates: " + std::to_string(rates.size()) + " rates for " +
                    std::to_string(neuron_layers.size()) + " neuron layers");
  std::vector<double> gains(rates.size(), 1.0);
  const auto& spec_layers = net.spec().layers;
  for (std::size_t k = 0; k < rates.size(); ++k) {
    std::size_t at = 0;
    while (at < spec_layers.size() && spec_layers[at].name != neuron_layers[k].name) ++at;
    parameter w = feeding_weight(net, at);
    if (w.value == nullptr) throw bad_input("calibrate_rates: no weight feeds " + neuron_layers[k].name);
    double gain = 1.0;
    auto rate_at = [&](double g) {
      const float f = static_cast<float>(g / gain);
      for (std::size_t i = 0; i < w.size; ++i) w.value[i] *= f;
      gain = g;
      net.forward(input, true);
      return rate_of(net.activity()[k], net.geometry());
    };
    // Bracket the target between two gains a factor 2 apart, then bisect in log space.
    double lo = 1.0, hi = 1.0, r = rate_at(1.0);
    const double target = rates[k];
    if (r < target)
      for (int i = 0; i < 40 && r < target; ++i) lo = hi, r = rate_at(hi *= 2.0);
    else
      for (int i = 0; i < 40 && r > target; ++i) hi = lo, r = rate_at(lo *= 0.5);
    for (int i = 0; i < 14 && std::abs(r - target) > 0.01 * target; ++i) {
      const double mid = std::sqrt(lo * hi);
      r = rate_at(mid);
      (r < target ? lo : hi) = mid;
    }
    gains[k] = gain;
  }
  return gains;
}

namespace {

std::string onednn_isa_name(dnnl::cpu_isa isa) {
  using i = dnnl::cpu_isa;
  switch (isa) {
    case i::sse41: return "sse41";
    case i::avx: return "avx";
    case i::avx2: return "avx2";
    case i::avx2_vnni: return "avx2_vnni";
    case i::avx512_core: return "avx512_core";
    case i::avx512_core_vnni: return "avx512_core_vnni";
    case i::avx512_core_bf16: return "avx512_core_bf16";
    case i::avx512_core_amx: return "avx512_core_amx";
    default: return "other";
  }
}

}  // namespace

bench_result run_benchmark(const workload& w, const bench_options& o) {
  set_threads(o.threads);
  network net(w.spec, o.seed);
  net.set_event_mode(o.events);
  rng gen(o.seed + 99);
  const std::size_t per_step =
      static_cast<std::size_t>(w.spec.in_channels) * w.spec.in_height * w.spec.in_width * w.batch;
  std::vector<float> input(per_step * static_cast<std::size_t>(w.time_steps));
  for (auto& v : input) v = gen.uniform() < w.input_density ? 1.0f : 0.0f;
  std::vector<double> gains;
  if (o.trained_activity) {
    // Large networks calibrate on the first 8 samples of every time step (input is
    // time-major): the gains hardly depend on the batch, and it keeps vgg9's calibration to
    // seconds.
    const bool large = dense_flops(w.spec, w.time_steps).forward * w.batch > 1e10;
    const int cal_batch = large ? std::min(w.batch, 8) : w.batch;
    const std::size_t per_sample = per_step / static_cast<std::size_t>(w.batch);
    std::vector<float> cal(per_sample * cal_batch * static_cast<std::size_t>(w.time_steps));
    for (int t = 0; t < w.time_steps; ++t)
      std::copy_n(input.begin() + static_cast<std::ptrdiff_t>(t * per_step), per_sample * cal_batch,
                  cal.begin() + static_cast<std::ptrdiff_t>(t * per_sample * cal_batch));
    net.configure(w.time_steps, cal_batch);
    gains = calibrate_rates(net, cal.data(), w.trained_rates);
  }
  net.configure(w.time_steps, w.batch);
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
  bench_result r;
  for (const auto& a : net.activity()) r.rates.push_back({a.name});
  for (std::size_t k = 0; k < gains.size(); ++k) r.rates[k].target = w.trained_rates[k], r.rates[k].gain = gains[k];
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
  // Rates of the passes being timed (the optimiser moves the weights a little as it runs).
  auto record_rates = [&](double bench_layer_rate::*field) {
    const auto act = net.activity();
    for (std::size_t k = 0; k < act.size(); ++k) r.rates[k].*field = rate_of(act[k], net.geometry());
  };
  using clock = std::chrono::steady_clock;
  auto time_it = [&](const auto& step) {
    for (int i = 0; i < o.warmup; ++i) step();
    const auto start = clock::now();
    for (int i = 0; i < o.iterations; ++i) step();
    return std::chrono::duration<double>(clock::now() - start).count();
  };
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
  record_rates(&bench_layer_rate::train_rate);
  net.set_profiling(o.profile);
  r.infer_samples_per_s = samples / time_it(infer_step);
  if (o.profile) {
    r.infer_layers = net.profile();
    for (auto& l : r.infer_layers) l.forward_s /= o.iterations + o.warmup;
    net.set_profiling(false);
  }
  record_rates(&bench_layer_rate::infer_rate);
  r.train_gflops = r.train_samples_per_s * r.flops.train * 1e-9;
  r.infer_gflops = r.infer_samples_per_s * r.flops.forward * 1e-9;
  r.kernel_isa = detail::kernel_isa();
  r.onednn_isa = onednn_isa_name(dnnl::get_effective_cpu_isa());
  return r;
}

}  // namespace snncosim::nn
