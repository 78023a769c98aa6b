// Whole-network tests: a BPTT gradient check of conv -> Leaky -> linear -> Leaky over
// several time steps against a hand-written double-precision BPTT, the study networks from
// YAML, a tiny training run that must learn, and bit-exact resume after an interruption.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "snncosim/common/config.h"
#include "snncosim/common/error.h"
#include "snncosim/nn/benchmark.h"
#include "snncosim/nn/conv2d.h"
#include "snncosim/nn/linear.h"
#include "snncosim/nn/network.h"
#include "snncosim/nn/trainer.h"
#include "test_util.h"

using namespace snncosim::nn;
using namespace snncosim::nn::test;
namespace snn = snncosim::snn;

namespace {

snn::neuron_config leaky(float beta) {
  snn::neuron_config n;
  n.model = "leaky";
  n.beta = beta;
  n.threshold = 1.0f;
  n.surrogate.name = "fast_sigmoid";
  n.surrogate.params = {{"slope", 25.0}};
  return n;
}

layer_spec make(layer_type t, int ch = 0, int k = 3, int pad = 0) {
  layer_spec l;
  l.type = t;
  l.channels = ch;
  l.kernel = k;
  l.padding = pad;
  return l;
}

// snnTorch Leaky (subtract reset, reset_delay) over [T][M] currents in double.
struct leaky_ref {
  double beta = 0.9, theta = 1.0, slope = 25.0;
  std::vector<double> mem;  // [T][M]
  std::vector<double> forward(const std::vector<double>& x, std::size_t steps) {
    const std::size_t m = x.size() / steps;
    mem.assign(x.size(), 0.0);
    std::vector<double> s(x.size());
    for (std::size_t t = 0; t < steps; ++t)
      for (std::size_t i = 0; i < m; ++i) {
        const double prev = t ? mem[(t - 1) * m + i] : 0.0;
        const double r = prev - theta > 0 ? 1.0 : 0.0;
        const double u = beta * prev + x[t * m + i] - r * theta;
        mem[t * m + i] = u;
        s[t * m + i] = u - theta > 0 ? 1.0 : 0.0;
      }
    return s;
  }
  std::vector<double> backward(const std::vector<double>& ds, std::size_t steps) const {
    const std::size_t m = ds.size() / steps;
    std::vector<double> dx(ds.size()), carry(m, 0.0);
    for (std::size_t t = steps; t-- > 0;)
      for (std::size_t i = 0; i < m; ++i) {
        const double u = mem[t * m + i] - theta;
        const double f = 1.0 / std::pow(slope * std::abs(u) + 1.0, 2);
        const double dm = ds[t * m + i] * f + beta * carry[i];
        dx[t * m + i] = dm;
        carry[i] = dm;
      }
    return dx;
  }
};

}  // namespace

TEST_CASE("BPTT through conv - Leaky - linear - Leaky matches a double-precision reference") {
  const int steps = 4, batch = 2, c = 2, h = 5, w = 5, oc = 3, classes = 4;
  network_spec spec;
  spec.in_channels = c;
  spec.in_height = h;
  spec.in_width = w;
  spec.num_classes = classes;
  auto n1 = make(layer_type::neuron);
  n1.neuron = leaky(0.8f);
  auto n2 = n1;
  n2.neuron = leaky(0.6f);
  spec.layers = {make(layer_type::conv, oc, 3, 1), n1, make(layer_type::flatten), make(layer_type::linear, classes), n2};
  network net(spec, 3);
  net.configure(steps, batch);
  auto* conv = dynamic_cast<conv2d*>(net.layers()[0].get());
  auto* fc = dynamic_cast<linear*>(net.layers()[3].get());
  REQUIRE(conv != nullptr);
  REQUIRE(fc != nullptr);
  auto fill = [](std::span<float> dst, std::uint64_t seed, double lo, double hi) {
    const auto v = random_vector(dst.size(), seed, lo, hi);
    std::copy(v.begin(), v.end(), dst.begin());
  };
  fill(conv->weights(), 5, -1.0, 1.0);
  fill(conv->bias(), 6, 0.0, 0.3);
  fill(fc->weights(), 7, -0.4, 0.6);
  fill(fc->bias(), 8, 0.0, 0.2);
  auto input = random_vector(static_cast<std::size_t>(steps * batch * c * h * w), 9, 0.0, 1.0);
  for (auto& v : input) v = v < 0.3f ? 1.0f : 0.0f;  // binary events

  // Reference: rows t*N+n throughout, conv per row, Leaky over time.
  const std::size_t rows = steps * batch, feat = static_cast<std::size_t>(oc * h * w);
  const auto wc = to_double({conv->weights().begin(), conv->weights().end()}), bc = to_double({conv->bias().begin(), conv->bias().end()});
  const auto wf = to_double({fc->weights().begin(), fc->weights().end()}), bf = to_double({fc->bias().begin(), fc->bias().end()});
  std::vector<double> cur1(rows * feat);
  for (std::size_t r = 0; r < rows; ++r)
    for (int o = 0; o < oc; ++o)
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
          double acc = bc[static_cast<std::size_t>(o)];
          for (int i = 0; i < c; ++i)
            for (int ky = 0; ky < 3; ++ky)
              for (int kx = 0; kx < 3; ++kx) {
                const int iy = y - 1 + ky, ix = x - 1 + kx;
                if (iy < 0 || ix < 0 || iy >= h || ix >= w) continue;
                acc += input[((r * c + static_cast<std::size_t>(i)) * h + static_cast<std::size_t>(iy)) * w + static_cast<std::size_t>(ix)] *
                       wc[((static_cast<std::size_t>(o) * c + static_cast<std::size_t>(i)) * 3 + static_cast<std::size_t>(ky)) * 3 + static_cast<std::size_t>(kx)];
              }
          cur1[r * feat + (static_cast<std::size_t>(o) * h + static_cast<std::size_t>(y)) * w + static_cast<std::size_t>(x)] = acc;
        }
  leaky_ref l1, l2;
  l1.beta = 0.8;
  l2.beta = 0.6;
  const auto s1 = l1.forward(cur1, steps);
  std::vector<double> cur2(rows * classes);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t k = 0; k < classes; ++k) {
      double acc = bf[k];
      for (std::size_t f = 0; f < feat; ++f) acc += s1[r * feat + f] * wf[k * feat + f];
      cur2[r * classes + k] = acc;
    }
  const auto s2 = l2.forward(cur2, steps);
  const float* out = net.forward(input.data(), true);
  double spikes1 = 0;
  for (double v : s1) spikes1 += v;
  CHECK(spikes1 > 5);  // the check is only meaningful with activity in both layers
  CHECK(relative_error(std::vector<float>(out, out + s2.size()), s2) == 0.0);

  const auto r = random_vector(s2.size(), 10);
  net.backward(r.data());
  const auto d2 = l2.backward(to_double(r), steps);
  std::vector<double> dwf(wf.size(), 0.0), ds1(s1.size(), 0.0);
  for (std::size_t row = 0; row < rows; ++row)
    for (std::size_t k = 0; k < classes; ++k)
      for (std::size_t f = 0; f < feat; ++f) {
        dwf[k * feat + f] += d2[row * classes + k] * s1[row * feat + f];
        ds1[row * feat + f] += d2[row * classes + k] * wf[k * feat + f];
      }
  const auto d1 = l1.backward(ds1, steps);
  std::vector<double> dwc(wc.size(), 0.0);
  for (std::size_t row = 0; row < rows; ++row)
    for (int o = 0; o < oc; ++o)
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
          const double g = d1[row * feat + (static_cast<std::size_t>(o) * h + static_cast<std::size_t>(y)) * w + static_cast<std::size_t>(x)];
          for (int i = 0; i < c; ++i)
            for (int ky = 0; ky < 3; ++ky)
              for (int kx = 0; kx < 3; ++kx) {
                const int iy = y - 1 + ky, ix = x - 1 + kx;
                if (iy < 0 || ix < 0 || iy >= h || ix >= w) continue;
                dwc[((static_cast<std::size_t>(o) * c + static_cast<std::size_t>(i)) * 3 + static_cast<std::size_t>(ky)) * 3 + static_cast<std::size_t>(kx)] +=
                    g * input[((row * c + static_cast<std::size_t>(i)) * h + static_cast<std::size_t>(iy)) * w + static_cast<std::size_t>(ix)];
              }
        }
  const auto params = net.parameters();
  REQUIRE(params.size() == 4);
  CHECK(params[0].name == "conv0.weight");
  // Float32 sums of up to rows * h * w = 200 terms (after a 4-step recurrence) against double:
  // the summation bound n * 2^-24 is 1.2e-5 of the summed magnitudes, so 1e-4 of the largest
  // gradient leaves room for rounding while any wrong term would be off by O(1).
  CHECK(relative_error(std::vector<float>(params[2].grad, params[2].grad + params[2].size), dwf) < 1e-4);
  CHECK(relative_error(std::vector<float>(params[0].grad, params[0].grad + params[0].size), dwc) < 1e-4);
}

TEST_CASE("the shipped network YAML files build the study's networks") {
  const std::filesystem::path dir = std::filesystem::path(SNNCOSIM_SOURCE_DIR) / "yaml" / "networks";
  const auto csnn = network_spec_from_yaml(snncosim::config::load(dir / "csnn.yaml", {}, "network"));
  const auto ref = csnn_spec(leaky(0.5f));
  REQUIRE(csnn.layers.size() == ref.layers.size());
  for (std::size_t i = 0; i < ref.layers.size(); ++i) {
    CHECK(csnn.layers[i].type == ref.layers[i].type);
    CHECK(csnn.layers[i].channels == ref.layers[i].channels);
  }
  CHECK(csnn.layers[2].neuron.beta == 0.5f);
  CHECK(csnn.layers[2].neuron.surrogate.name == "fast_sigmoid");

  const auto vgg = network_spec_from_yaml(snncosim::config::load(dir / "vgg9.yaml", {}, "network"));
  const auto vref = vgg9_spec(leaky(0.24f), 0.25, 2, 64, 64, 11, 100, 0.19f);
  REQUIRE(vgg.layers.size() == vref.layers.size());
  std::vector<int> convs;
  for (std::size_t i = 0; i < vref.layers.size(); ++i) {
    CHECK(vgg.layers[i].type == vref.layers[i].type);
    CHECK(vgg.layers[i].channels == vref.layers[i].channels);
    if (vgg.layers[i].type == layer_type::conv) convs.push_back(vgg.layers[i].channels);
  }
  CHECK(convs == std::vector<int>{16, 28, 48, 54, 120, 126, 140});
  CHECK(vgg.layers[2].neuron.threshold == doctest::Approx(0.23f));

  const auto mlp = network_spec_from_yaml(snncosim::config::load(dir / "mlp.yaml", {}, "network"));
  CHECK(mlp.output_neurons() == 300);
}

TEST_CASE("a YAML network whose output does not match the classes is rejected") {
  const std::string text =
      "schema: snncosim.network/1\ninput: {channels: 1, height: 4, width: 4}\nnum_classes: 3\n"
      "layers:\n  - {type: flatten}\n  - {type: linear, features: 5}\n  - {type: neuron}\n";
  CHECK_THROWS_AS(network_spec_from_yaml(snncosim::config::load_text(text, "bad.yaml", {}, "network")), snncosim::bad_input);
}

namespace {
trainer_options small_options(const std::filesystem::path& dir, int epochs) {
  trainer_options o;
  o.epochs = epochs;
  o.batch_size = 16;
  o.seed = 4;
  o.optimizer.lr = 2e-3;
  o.run_dir = dir;
  o.progress = false;
  return o;
}
synthetic_options small_data(std::size_t samples, std::uint64_t seed) {
  synthetic_options d;
  d.samples = samples;
  d.time_steps = 8;
  d.num_classes = 4;
  d.seed = seed;
  return d;
}
}  // namespace

TEST_CASE("the CSNN learns the built-in synthetic data") {
  synthetic_source train(small_data(256, 1)), test(small_data(96, 2));
  network net(csnn_spec(leaky(0.5f), 4, 1), 1);
  net.configure(8, 16);
  trainer tr(net, small_options({}, 3));
  const auto result = tr.fit(train, &test);
  REQUIRE(result.history.size() == 3);
  CHECK(result.history.back().test_accuracy >= 0.9);
  CHECK(result.history.back().train_loss < result.history.front().train_loss);
  CHECK(result.history.back().layers.size() == 3);
  CHECK(result.history.back().layers[0].firing_rate > 0.0);
}

TEST_CASE("a run killed after an epoch resumes to the same weights as an uninterrupted run") {
  const auto base = std::filesystem::temp_directory_path() / "snncosim_nn_resume_test";
  std::filesystem::remove_all(base);
  auto spec = mlp_spec(leaky(0.9f), 2 * 34 * 34, {32}, 4, 2);
  spec.in_channels = 2;
  spec.in_height = spec.in_width = 34;
  spec.layers.insert(spec.layers.begin() + 3, make(layer_type::dropout));
  std::vector<float> straight;
  {
    synthetic_source train(small_data(64, 3));
    network net(spec, 9);
    net.configure(8, 16);
    trainer tr(net, small_options(base / "a", 3));
    tr.fit(train, nullptr);
    for (const auto& p : net.parameters()) straight.insert(straight.end(), p.value, p.value + p.size);
  }
  {
    synthetic_source train(small_data(64, 3));
    network net(spec, 9);
    net.configure(8, 16);
    trainer tr(net, small_options(base / "b", 1));  // "killed" after one epoch
    tr.fit(train, nullptr);
  }
  std::vector<float> resumed;
  {
    synthetic_source train(small_data(64, 3));
    network net(spec, 9);
    net.configure(8, 16);
    trainer tr(net, small_options(base / "b", 3));
    const auto result = tr.fit(train, nullptr);
    CHECK(result.start_epoch == 1);
    CHECK(result.history.size() == 3);
    for (const auto& p : net.parameters()) resumed.insert(resumed.end(), p.value, p.value + p.size);
  }
  CHECK(resumed == straight);
  CHECK(std::filesystem::exists(base / "b" / "best.bin"));
  CHECK(std::filesystem::exists(base / "b" / "metrics.json"));
  std::filesystem::remove_all(base);
}

TEST_CASE("mse_membrane_loss in the trainer: loss and BPTT gradient match a double-precision reference") {
  const int steps = 5, batch = 3, in = 6, classes = 4;
  network_spec spec;
  spec.in_channels = in;
  spec.in_height = spec.in_width = 1;
  spec.num_classes = classes;
  auto n = make(layer_type::neuron);
  n.neuron = leaky(0.6f);
  spec.layers = {make(layer_type::linear, classes), n};
  network net(spec, 3);
  net.configure(steps, batch);
  trainer_options to;
  to.batch_size = batch;
  to.progress = false;
  to.loss.kind = loss_kind::mse_membrane;
  to.loss.on_target = 1.5;
  to.loss.off_target = 0.25;
  trainer tr(net, to);
  auto* fc = dynamic_cast<linear*>(net.layers()[0].get());
  REQUIRE(fc != nullptr);
  const auto wv = random_vector(fc->weights().size(), 21, -0.5, 1.5), bv = random_vector(fc->bias().size(), 22, 0.0, 0.3);
  std::copy(wv.begin(), wv.end(), fc->weights().begin());
  std::copy(bv.begin(), bv.end(), fc->bias().begin());
  const auto input = random_vector(static_cast<std::size_t>(steps * batch * in), 23, 0.0, 1.0);
  const std::int32_t labels[batch] = {0, 2, 3};

  const float* out = net.forward(input.data(), true);
  const float* mem = net.output_membrane();
  REQUIRE(mem != nullptr);
  const std::size_t rows = steps * batch, total = rows * classes;
  std::vector<float> d_spk(total, 1.0f), d_mem(total, 0.0f);
  const double l = tr.loss(out, mem, labels, batch, d_spk.data(), d_mem.data());
  net.backward(d_spk.data(), d_mem.data());

  // Reference: current = W x + b, Leaky (subtract reset, detached), mem as snnTorch returns it.
  const auto w = to_double(wv), b = to_double(bv);
  std::vector<double> cur(total);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t k = 0; k < classes; ++k) {
      double acc = b[k];
      for (std::size_t f = 0; f < in; ++f) acc += w[k * in + f] * input[r * in + f];
      cur[r * classes + k] = acc;
    }
  leaky_ref ref;
  ref.beta = 0.6;
  const auto spk = ref.forward(cur, steps);
  double spikes = 0;
  for (double v : spk) spikes += v;
  CHECK(spikes > 3);  // resets must happen for the check to cover them
  CHECK(relative_error(std::vector<float>(mem, mem + total), ref.mem) < 1e-6);
  double ref_loss = 0;
  std::vector<double> g(total);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t k = 0; k < classes; ++k) {
      const double target = static_cast<std::size_t>(labels[r % batch]) == k ? 1.5 : 0.25;
      const double diff = ref.mem[r * classes + k] - target;
      ref_loss += diff * diff / static_cast<double>(total);
      g[r * classes + k] = 2 * diff / static_cast<double>(total);
    }
  CHECK(l == doctest::Approx(ref_loss).epsilon(1e-6));
  CHECK(std::all_of(d_spk.begin(), d_spk.end(), [](float v) { return v == 0.0f; }));
  // BPTT: resets are detached, so dL/dmem_t = dL/dmem_t(loss) + beta dL/dmem_{t+1}.
  std::vector<double> dx(total), dw(w.size(), 0.0);
  const std::size_t step = batch * classes;
  for (std::size_t t = steps; t-- > 0;)
    for (std::size_t i = 0; i < step; ++i)
      dx[t * step + i] = g[t * step + i] + (t + 1 < steps ? ref.beta * dx[(t + 1) * step + i] : 0.0);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t k = 0; k < classes; ++k)
      for (std::size_t f = 0; f < in; ++f) dw[k * in + f] += dx[r * classes + k] * input[r * in + f];
  const auto params = net.parameters();
  CHECK(relative_error(std::vector<float>(params[0].grad, params[0].grad + params[0].size), dw) < 1e-5);
}

TEST_CASE("shared diff buffers give the gradients of a chain where every diff has its own buffer") {
  // A small VGG9 (conv, batch norm, max-pool, flatten, dropout, linear and neuron layers) and
  // an MLP whose flatten comes first (the network skips its backward and the first linear's
  // diff_src; the chain below runs both).
  auto mlp = mlp_spec(leaky(0.9f), 2 * 6 * 6, {40, 30}, 3, 2);
  mlp.in_channels = 2;
  mlp.in_height = mlp.in_width = 6;
  for (const auto& spec : {vgg9_spec(leaky(0.5f), 0.125, 2, 16, 16, 3, 2, 0.2f), mlp}) {
    CAPTURE(spec.layers.size());
    const int steps = 3, batch = 2;
    network shared(spec, 11), chained(spec, 11);
    for (auto* net : {&shared, &chained}) {
      net->configure(steps, batch);
      net->reseed(5);
    }
    auto input = random_vector(shared.input_elements(), 12, 0.0, 1.0);
    for (auto& v : input) v = v < 0.3f ? 1.0f : 0.0f;
    const auto d_out = random_vector(shared.output_elements(), 13);

    shared.forward(input.data(), true);
    shared.backward(d_out.data());

    chained.forward(input.data(), true);
    auto& ctx = chained.context();
    auto& layers = chained.layers();
    dnnl::memory d(layers.back()->diff_src_storage()->get_desc(), ctx.engine, const_cast<float*>(d_out.data()));
    for (std::size_t i = layers.size(); i-- > 0;) {
      const auto& out = layers[i]->backward(ctx, d, i > 0);
      if (i == 0) break;
      dnnl::memory copy(out.get_desc(), ctx.engine);  // a buffer no other layer writes
      std::memcpy(copy.get_data_handle(), out.get_data_handle(), out.get_desc().get_size());
      d = copy;
    }
    const auto a = shared.parameters(), b = chained.parameters();
    REQUIRE(a.size() == b.size());
    std::size_t nonzero = 0;
    for (std::size_t p = 0; p < a.size(); ++p) {
      CAPTURE(a[p].name);
      for (std::size_t i = 0; i < a[p].size; ++i) nonzero += a[p].grad[i] != 0.0f ? 1 : 0;
      CHECK(std::equal(a[p].grad, a[p].grad + a[p].size, b[p].grad));
    }
    CHECK(nonzero > 100);  // gradients reach the layers
  }
}

TEST_CASE("calibrate_rates scales the weights feeding each neuron layer to the requested firing rates") {
  // The trained-activity benchmark: csnn (conv, max-pool, Leaky) and a VGG9 (batch norm
  // between conv and neuron: its scale is the knob).
  for (const bool vgg : {false, true}) {
    CAPTURE(vgg);
    const auto spec = vgg ? vgg9_spec(leaky(0.5f), 0.125, 2, 16, 16, 3, 2, 0.0f) : csnn_spec(leaky(0.5f), 10, 1);
    network net(spec, 21);
    net.configure(6, 4);
    auto input = random_vector(net.input_elements(), 22, 0.0, 1.0);
    for (auto& v : input) v = v < 0.05f ? 1.0f : 0.0f;
    const std::size_t layers = net.activity().size();
    std::vector<double> targets;
    for (std::size_t k = 0; k < layers; ++k) targets.push_back(0.05 + 0.25 * static_cast<double>(k) / layers);
    const auto gains = calibrate_rates(net, input.data(), targets);
    REQUIRE(gains.size() == layers);
    net.forward(input.data(), true);
    const auto act = net.activity();
    for (std::size_t k = 0; k < layers; ++k) {
      CAPTURE(act[k].name);
      const double rate = act[k].spikes / (static_cast<double>(act[k].neurons) * 6 * 4);
      CHECK(rate == doctest::Approx(targets[k]).epsilon(0.1));
      CHECK(gains[k] != 1.0);
    }
    CHECK_THROWS_AS(calibrate_rates(net, input.data(), {0.1}), snncosim::bad_input);
  }
}
