// Golden integer inference: a hand-worked network (docs/numerics.md §9) and agreement with a
// naive float reference of snnTorch's semantics on random networks with 16-bit weights.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "snncosim/common/error.h"
#include "snncosim/common/rng.h"
#include "snncosim/numerics/integer_inference.h"
#include "snncosim/numerics/quantize.h"
#include "test_models.h"

using namespace snncosim::numerics;

TEST_CASE("hand network: conv - spike OR-pool - flatten - linear match the hand-worked spikes") {
  const quant_model m = testing::hand_model();
  const auto in = testing::hand_input();
  inference_options opt;
  opt.record_membrane = true;
  const inference_result r = run_integer_inference(m, in, 3, opt);
  REQUIRE(r.layers.size() == 4);
  const spike_record& conv = r.layers[0];
  CHECK(conv.shape == tensor_shape{2, 2, 2});
  // spikes [t][c][y][x]
  const std::vector<std::uint8_t> conv_spikes{1, 0, 0, 0, 0, 0, 0, 0,   // t0: ch0 (0,0)
                                              0, 0, 0, 0, 0, 0, 0, 0,   // t1: none
                                              0, 0, 1, 1, 0, 1, 0, 0};  // t2: ch0 (1,0),(1,1); ch1 (0,1)
  CHECK(conv.spikes == conv_spikes);
  CHECK(conv.counts == std::vector<std::int64_t>{1, 0, 3});
  const std::vector<std::int32_t> conv_mem{5, 3, 2, 1, 1, 1, 3, 0,   // t0
                                           0, 2, 1, 1, 2, 2, 3, 1,   // t1: leak + bias, subtract on (0,0)
                                           0, 3, 4, 5, 2, 4, 3, 3};  // t2
  CHECK(conv.membrane == conv_mem);
  CHECK(r.layers[1].spikes == std::vector<std::uint8_t>{1, 0, 0, 0, 1, 1});  // OR pool [T][2][1][1]
  CHECK(r.layers[2].shape == tensor_shape{2, 1, 1});
  CHECK(r.layers[2].spikes == r.layers[1].spikes);
  CHECK(r.layers[3].membrane == std::vector<std::int32_t>{2, 0, 5});
  CHECK(r.layers[3].spikes == std::vector<std::uint8_t>{0, 0, 1});  // 2 > 2 is false
  CHECK(r.class_counts == std::vector<std::int64_t>{1});
  CHECK(r.predicted_class == 0);
  CHECK(r.input.counts == std::vector<std::int64_t>{2, 0, 3});
}

TEST_CASE("spike max-pool is a spatial OR over each window - stride 2") {
  quant_model m;
  m.input = {1, 4, 4};
  quant_layer pool;
  pool.name = "pool";
  pool.kind = layer_kind::maxpool;
  pool.kernel = 2;
  pool.stride = 2;
  m.layers.push_back(pool);
  const std::vector<std::uint8_t> in{0, 0, 0, 1,  //
                                     0, 0, 0, 0,  //
                                     0, 0, 0, 0,  //
                                     1, 0, 0, 0};
  const auto r = run_integer_inference(m, in, 1);
  CHECK(r.layers[0].spikes == std::vector<std::uint8_t>{0, 1, 1, 0});
}

TEST_CASE("conv with current max-pool takes the largest accumulator of each window") {
  quant_model m;
  m.input = {1, 2, 2};
  quant_layer conv = testing::hand_layer("c", layer_kind::conv, 1, {1}, {-2}, 0, 0);
  conv.kernel = 1;
  conv.current_pool_kernel = 2;
  conv.current_pool_stride = 2;
  conv.weights = {5};
  m.layers.push_back(conv);
  inference_options opt;
  opt.record_membrane = true;
  // one spike at (1,0): accumulators {0,0,5,0} -> max 5, + bias -2 -> membrane 3
  const auto r = run_integer_inference(m, std::vector<std::uint8_t>{0, 0, 1, 0}, 1, opt);
  CHECK(r.layers[0].shape == tensor_shape{1, 1, 1});
  CHECK(r.layers[0].membrane == std::vector<std::int32_t>{3});
  CHECK(r.layers[0].spikes == std::vector<std::uint8_t>{1});
}

TEST_CASE("compare_spikes counts equal positions and totals") {
  spike_record a;
  a.name = "a";
  a.shape = {1, 2, 2};
  a.spikes = {1, 0, 0, 1, 0, 0, 0, 0};  // T = 2
  spike_record b = a;
  b.spikes = {1, 1, 0, 1, 0, 0, 0, 1};
  const spike_agreement r = compare_spikes(a, b);
  CHECK(r.positions == 8);
  CHECK(r.equal == 6);
  CHECK(r.spikes_a == 2);
  CHECK(r.spikes_b == 4);
  CHECK(r.fraction() == doctest::Approx(0.75));
  b.shape = {2, 1, 2};
  CHECK_THROWS_AS(compare_spikes(a, b), std::invalid_argument);
}

TEST_CASE("input frames become spikes where the value exceeds the input threshold") {
  const std::vector<float> frames{0.0f, 1.0f, 3.0f, 2.0f, 0.5f};
  CHECK(encode_input(frames, 0.0) == std::vector<std::uint8_t>{0, 1, 1, 1, 1});
  CHECK(encode_input(frames, 2.0) == std::vector<std::uint8_t>{0, 0, 1, 0, 0});
}

TEST_CASE("run_integer_inference rejects input of the wrong size") {
  const quant_model m = testing::hand_model();
  CHECK_THROWS_AS(run_integer_inference(m, std::vector<std::uint8_t>(26, 0), 3), snncosim::bad_input);
}

TEST_CASE("validate names the layer and the problem") {
  auto msg = [](const quant_model& m) {
    try {
      validate(m, "net.h5");
    } catch (const snncosim::bad_input& e) {
      return std::string(e.what());
    }
    return std::string("<valid>");
  };
  quant_model m = testing::hand_model();
  CHECK(msg(m) == "<valid>");
  quant_model no_flatten = m;
  no_flatten.layers.erase(no_flatten.layers.begin() + 1, no_flatten.layers.begin() + 3);
  CHECK(msg(no_flatten) == "net.h5: layer 1 ('fc1', linear): input is [2,2,2]; put a flatten layer before a linear layer");
  quant_model pooled = m;
  pooled.layers.erase(pooled.layers.begin() + 1);  // conv [2,2,2] -> flatten [8] -> linear with 2 inputs
  CHECK(msg(pooled).find("layer 2 ('fc1', linear): 2 integer weights, expected 8") != std::string::npos);
  quant_model classes = m;
  classes.num_classes = 3;
  CHECK(msg(classes).find("num_classes x population_per_class = 3") != std::string::npos);
  quant_model big = m;
  big.layers[0].kernel = 4;
  CHECK(msg(big).find("kernel 4 with padding 0 does not fit the 3x3 input") != std::string::npos);
  quant_model wide = m;
  wide.layers[3].bias[0] = 40000;  // acc_bits 16
  CHECK(msg(wide).find("bias 0 = 40000 does not fit in acc_bits 16") != std::string::npos);
}

TEST_CASE("lossless_acc_bits: no saturation possible at that width") {
  CHECK(lossless_acc_bits(8, 9) == 12);  // 9 * 127 = 1143 <= 2047
  CHECK(lossless_acc_bits(8, 1) == 9);
  CHECK(lossless_acc_bits(4, 15) == 8);  // 15 * 7 = 105 <= 127
  CHECK(lossless_acc_bits(16, 1152) == 27);
  // the bound holds: fan_in * qmax fits
  for (std::int64_t fan : {1, 2, 3, 100, 4096, 100000})
    CHECK(fan * 127 <= max_of_bits(lossless_acc_bits(8, fan)));
}

// ---------------------------------------------------------------------------------------
// Float reference: snnTorch semantics in double, written independently of the integer code
// (gather-form convolution, docs/neurons.md formulas), fed with the integer model's input
// spikes of each layer so that one divergence does not spread downstream.
namespace {

std::vector<float> random_vec(snncosim::rng& g, std::size_t n, double a) {
  std::vector<float> v(n);
  for (auto& x : v) x = static_cast<float>(g.uniform(-a, a));
  return v;
}

// Real input current x[c][y][x] of a neuron layer at one step from binary input spikes.
std::vector<double> float_current(const quant_layer& l, const tensor_shape& in, const std::uint8_t* s,
                                  const tensor_shape& out) {
  auto wreal = [&](std::size_t idx, int o) {
    const double sc = l.weight_scale.size() == 1 ? l.weight_scale[0] : l.weight_scale[static_cast<std::size_t>(o)];
    return l.weights[idx] * sc;
  };
  auto breal = [&](int o) {
    const double sc = l.weight_scale.size() == 1 ? l.weight_scale[0] : l.weight_scale[static_cast<std::size_t>(o)];
    return l.bias[static_cast<std::size_t>(o)] * sc;
  };
  std::vector<double> x(static_cast<std::size_t>(out.size()), 0.0);
  if (l.kind == layer_kind::linear) {
    for (int o = 0; o < out.channels; ++o) {
      double acc = breal(o);
      for (int i = 0; i < in.channels; ++i)
        if (s[i]) acc += wreal(static_cast<std::size_t>(o) * static_cast<std::size_t>(in.channels) + static_cast<std::size_t>(i), o);
      x[static_cast<std::size_t>(o)] = acc;
    }
    return x;
  }
  const int k = l.kernel;
  const int fh = (in.height + 2 * l.padding - k) / l.stride + 1;
  const int fw = (in.width + 2 * l.padding - k) / l.stride + 1;
  std::vector<double> full(static_cast<std::size_t>(out.channels * fh * fw));
  for (int o = 0; o < out.channels; ++o)
    for (int oy = 0; oy < fh; ++oy)
      for (int ox = 0; ox < fw; ++ox) {
        double acc = breal(o);
        for (int i = 0; i < in.channels; ++i)
          for (int ky = 0; ky < k; ++ky)
            for (int kx = 0; kx < k; ++kx) {
              const int iy = oy * l.stride - l.padding + ky;
              const int ix = ox * l.stride - l.padding + kx;
              if (iy < 0 || ix < 0 || iy >= in.height || ix >= in.width) continue;
              if (s[(i * in.height + iy) * in.width + ix])
                acc += wreal(static_cast<std::size_t>(((o * in.channels + i) * k + ky) * k + kx), o);
            }
        full[static_cast<std::size_t>((o * fh + oy) * fw + ox)] = acc;
      }
  if (l.current_pool_kernel == 0) return full;
  const int pk = l.current_pool_kernel;
  const int ps = l.current_pool_stride;
  for (int o = 0; o < out.channels; ++o)
    for (int y = 0; y < out.height; ++y)
      for (int xx = 0; xx < out.width; ++xx) {
        double mx = -1e300;
        for (int py = 0; py < pk; ++py)
          for (int px = 0; px < pk; ++px)
            mx = std::max(mx, full[static_cast<std::size_t>((o * fh + y * ps + py) * fw + xx * ps + px)]);
        x[static_cast<std::size_t>((o * out.height + y) * out.width + xx)] = mx;
      }
  return x;
}

// snnTorch Leaky / Lapicque step in double with explicit coefficients m = decay*m + gain*x
// (before reset); returns the spike and updates m (the returned mem).
bool float_step(const float_neuron& n, double decay, double gain, double x, double& m) {
  const double th = n.threshold;
  const double r = m > th ? 1.0 : 0.0;
  if (n.model == neuron_model::leaky) {
    double u = 0;
    switch (n.reset) {
      case float_reset::subtract: u = decay * m + gain * x - r * th; break;
      case float_reset::zero: u = decay * (1 - r) * m + gain * x; break;
      case float_reset::none: u = decay * m + gain * x; break;
    }
    const double s = u > th ? 1.0 : 0.0;
    if (n.reset_delay || n.reset == float_reset::none) {
      m = u;
    } else if (n.reset == float_reset::subtract) {
      m = u - (s - r) * th;
    } else {
      m = u - (s - r) * u;
    }
    return s > 0;
  }
  const double base = gain * x + decay * m;
  switch (n.reset) {
    case float_reset::subtract: m = base - r * th; break;
    case float_reset::zero: m = (1 - r) * base; break;
    case float_reset::none: m = base; break;
  }
  return m > th;
}

// Exact snnTorch coefficients (Leaky: clamp(beta), 1; beta-only Lapicque: 1 + ln beta, -ln beta).
std::pair<double, double> exact_coefficients(const float_neuron& n) {
  if (n.model == neuron_model::leaky) return {std::clamp(n.beta, 0.0, 1.0), 1.0};
  const double ln = std::log(1.0 / n.beta);
  return {1.0 - ln, ln};
}

quant_model random_model(std::uint64_t seed, const float_neuron& n, int weight_bits) {
  snncosim::rng g{seed};
  datapath_widths w;
  w.weight_bits = weight_bits;
  w.acc_bits = 32;
  w.mem_bits = 32;
  quant_model m;
  m.input = {2, 10, 10};
  quant_layer c1 = make_neuron_layer("conv1", layer_kind::conv, 6, 3, 1, 1, random_vec(g, 6 * 2 * 9, 0.6),
                                     random_vec(g, 6, 0.1), n, w, true);
  c1.current_pool_kernel = 2;
  c1.current_pool_stride = 2;
  m.layers.push_back(c1);  // [6,5,5]
  m.layers.push_back(make_neuron_layer("conv2", layer_kind::conv, 8, 3, 2, 1, random_vec(g, 8 * 6 * 9, 0.4),
                                       random_vec(g, 8, 0.1), n, w, false));  // [8,3,3]
  quant_layer pool;
  pool.name = "pool";
  pool.kind = layer_kind::maxpool;
  pool.kernel = 2;
  pool.stride = 1;
  m.layers.push_back(pool);  // [8,2,2]
  quant_layer flat;
  flat.name = "flatten";
  flat.kind = layer_kind::flatten;
  m.layers.push_back(flat);  // [32]
  m.layers.push_back(make_neuron_layer("fc", layer_kind::linear, 10, 1, 1, 0, random_vec(g, 10 * 32, 0.5),
                                       random_vec(g, 10, 0.1), n, w, false));
  m.num_classes = 10;
  return m;
}

struct agreement {
  std::int64_t neuron_steps = 0;
  std::int64_t spikes = 0;
  std::int64_t unexplained_mismatches = 0;
  std::int64_t excused_steps = 0;   // steps of neurons after a near-threshold float value
  double max_mem_error = 0;         // over neurons never near the threshold
};

// effective = true: the float reference uses the integer model's rounded coefficients
// (decay / 2^f and the per-channel gain), so only the per-step rounding remains.
agreement compare(const quant_model& m, int steps, std::uint64_t seed, double tol, bool effective) {
  snncosim::rng g{seed ^ 0x5555};
  std::vector<std::uint8_t> in(static_cast<std::size_t>(m.input.size() * steps));
  for (auto& v : in) v = g.uniform() < 0.25 ? 1 : 0;
  inference_options opt;
  opt.record_membrane = true;
  const inference_result r = run_integer_inference(m, in, steps, opt);
  agreement a;
  const spike_record* prev = &r.input;
  for (std::size_t li = 0; li < m.layers.size(); ++li) {
    const quant_layer& l = m.layers[li];
    const spike_record& rec = r.layers[li];
    if (l.is_neuron_layer()) {
      const auto n = static_cast<std::size_t>(rec.shape.size());
      const auto plane = static_cast<std::size_t>(rec.shape.height * rec.shape.width);
      const auto nin = static_cast<std::size_t>(prev->shape.size());
      const double two_f = std::ldexp(1.0, l.widths.frac_bits);
      std::vector<double> mem(n, 0.0);
      std::vector<bool> excused(n, false);
      for (int t = 0; t < steps; ++t) {
        const auto x = float_current(l, prev->shape, prev->spikes.data() + static_cast<std::size_t>(t) * nin, rec.shape);
        for (std::size_t i = 0; i < n; ++i) {
          const std::size_t c = i / plane;
          auto [decay, gain] = exact_coefficients(l.source_neuron);
          if (effective) {
            const double sc = l.weight_scale.size() == 1 ? l.weight_scale[0] : l.weight_scale[c];
            decay = l.neuron.decay / two_f;
            gain = l.gain[c] / two_f * l.membrane_scale / sc;
          }
          const double before = mem[i];
          const bool fs = float_step(l.source_neuron, decay, gain, x[i], mem[i]);
          const bool near = std::fabs(mem[i] - l.source_neuron.threshold) < tol ||
                            std::fabs(before - l.source_neuron.threshold) < tol;
          if (near) excused[i] = true;
          const std::size_t at = static_cast<std::size_t>(t) * n + i;
          const bool is = rec.spikes[at] != 0;
          ++a.neuron_steps;
          a.spikes += is ? 1 : 0;
          if (excused[i]) {
            ++a.excused_steps;
            continue;
          }
          if (fs != is) ++a.unexplained_mismatches;
          a.max_mem_error = std::max(a.max_mem_error, std::fabs(rec.membrane[at] * l.membrane_scale - mem[i]));
        }
      }
    }
    prev = &rec;
  }
  return a;
}

}  // namespace

TEST_CASE("float vs integer: 16-bit weights match snnTorch semantics except near the threshold") {
  struct config {
    std::string name;
    float_neuron n;
  };
  std::vector<config> configs;
  float_neuron n;
  n.model = neuron_model::leaky;
  n.beta = 0.9;
  configs.push_back({"leaky subtract beta 0.9", n});
  n.beta = 0.7;
  n.reset = float_reset::zero;
  configs.push_back({"leaky zero beta 0.7", n});
  n.beta = 0.8;
  n.reset = float_reset::subtract;
  n.reset_delay = false;
  configs.push_back({"leaky subtract reset_delay=false", n});
  n.reset = float_reset::zero;
  configs.push_back({"leaky zero reset_delay=false", n});
  n.reset_delay = true;
  n.model = neuron_model::lapicque;
  n.beta = 0.3;
  n.reset = float_reset::subtract;
  configs.push_back({"lapicque subtract beta 0.3 (negative decay)", n});
  n.beta = 0.6;
  n.reset = float_reset::zero;
  configs.push_back({"lapicque zero beta 0.6", n});
  n.reset = float_reset::none;
  configs.push_back({"lapicque none beta 0.6", n});

  for (std::size_t i = 0; i < configs.size(); ++i) {
    CAPTURE(configs[i].name);
    const quant_model m = random_model(1000 + i, configs[i].n, 16);
    // (1) Against the float update with the integer model's rounded decay and gain: only the
    // per-step product rounding (<= ~1.5 membrane LSB = ~1e-7 here) separates them.
    const agreement e = compare(m, 12, 77 + i, 1e-5, true);
    MESSAGE(configs[i].name << " [rounded coefficients]: " << e.neuron_steps << " neuron-steps, " << e.spikes
                            << " spikes, " << e.excused_steps << " excused, max membrane error " << e.max_mem_error);
    CHECK(e.unexplained_mismatches == 0);
    CHECK(e.spikes > 100);                        // the comparison is not vacuous
    CHECK(e.excused_steps * 100 < e.neuron_steps);
    CHECK(e.max_mem_error < 2e-6);
    // (2) Against exact snnTorch coefficients: the decay rounded to Q.16 (error <= 2^-17)
    // adds up to |m| * 2^-17 per step; mismatches only within 2e-3 of the threshold.
    const agreement x = compare(m, 12, 77 + i, 2e-3, false);
    MESSAGE(configs[i].name << " [exact snnTorch]: " << x.excused_steps << " excused, max membrane error "
                            << x.max_mem_error);
    CHECK(x.unexplained_mismatches == 0);
    CHECK(x.excused_steps * 20 < x.neuron_steps);
    CHECK(x.max_mem_error < 2e-3);
  }
}

TEST_CASE("float vs integer: a wrong index convention would be caught (flipped kernel disagrees)") {
  float_neuron n;
  n.beta = 0.9;
  quant_model m = random_model(5, n, 16);
  // Flip conv2's kernels by 180 degrees: the float reference (which reads the same weights
  // with the documented convention) must then disagree with the unflipped integer run.
  const quant_model good = m;
  quant_layer& c = m.layers[1];
  const int k = c.kernel;
  const std::size_t taps = static_cast<std::size_t>(k * k);
  for (std::size_t base = 0; base < c.weights.size(); base += taps)
    std::reverse(c.weights.begin() + static_cast<std::ptrdiff_t>(base),
                 c.weights.begin() + static_cast<std::ptrdiff_t>(base + taps));
  CHECK(compare(good, 12, 9, 1e-5, true).unexplained_mismatches == 0);
  // Same float reference, integer run on flipped weights vs float on flipped: still agree...
  CHECK(compare(m, 12, 9, 1e-5, true).unexplained_mismatches == 0);
  // ...but the spikes differ from the unflipped model's, so the indexing matters.
  snncosim::rng g{9 ^ 0x5555};
  std::vector<std::uint8_t> in(static_cast<std::size_t>(m.input.size() * 12));
  for (auto& v : in) v = g.uniform() < 0.25 ? 1 : 0;
  CHECK(run_integer_inference(good, in, 12).layers[1].spikes != run_integer_inference(m, in, 12).layers[1].spikes);
}
