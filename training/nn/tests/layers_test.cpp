// Every layer: forward against a naive double-precision kernel, backward against central
// finite differences of that kernel (loss = sum(R * dst) with a random R).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cstdlib>
#include <thread>

#include "snncosim/nn/batch_norm2d.h"
#include "snncosim/nn/benchmark.h"
#include "snncosim/nn/conv2d.h"
#include "snncosim/nn/dropout.h"
#include "snncosim/nn/flatten.h"
#include "snncosim/nn/linear.h"
#include "snncosim/nn/pool2d.h"
#include "test_util.h"

using namespace snncosim::nn;
using namespace snncosim::nn::test;
using tag = dnnl::memory::format_tag;

namespace {

constexpr double tol = 2e-5;

struct dims4 {
  int n, c, h, w;
  std::size_t size() const { return static_cast<std::size_t>(n) * c * h * w; }
  std::size_t at(int a, int b, int y, int x) const {
    return ((static_cast<std::size_t>(a) * c + b) * h + y) * w + x;
  }
};

std::vector<double> naive_conv(const std::vector<double>& x, dims4 in, const std::vector<double>& w,
                               const std::vector<double>& b, int oc, int k, int s, int p, dims4& out) {
  out = {in.n, oc, (in.h + 2 * p - k) / s + 1, (in.w + 2 * p - k) / s + 1};
  std::vector<double> y(out.size());
  for (int n = 0; n < in.n; ++n)
    for (int o = 0; o < oc; ++o)
      for (int oy = 0; oy < out.h; ++oy)
        for (int ox = 0; ox < out.w; ++ox) {
          double acc = b.empty() ? 0.0 : b[static_cast<std::size_t>(o)];
          for (int i = 0; i < in.c; ++i)
            for (int ky = 0; ky < k; ++ky)
              for (int kx = 0; kx < k; ++kx) {
                const int iy = oy * s - p + ky, ix = ox * s - p + kx;
                if (iy < 0 || ix < 0 || iy >= in.h || ix >= in.w) continue;
                acc += x[in.at(n, i, iy, ix)] *
                       w[((static_cast<std::size_t>(o) * in.c + i) * k + ky) * k + kx];
              }
          y[out.at(n, o, oy, ox)] = acc;
        }
  return y;
}

std::vector<double> naive_pool(const std::vector<double>& x, dims4 in, bool is_max, int k, int s, int p,
                               dims4& out) {
  out = {in.n, in.c, (in.h + 2 * p - k) / s + 1, (in.w + 2 * p - k) / s + 1};
  std::vector<double> y(out.size());
  for (int n = 0; n < in.n; ++n)
    for (int c = 0; c < in.c; ++c)
      for (int oy = 0; oy < out.h; ++oy)
        for (int ox = 0; ox < out.w; ++ox) {
          double acc = is_max ? -1e300 : 0.0;
          for (int ky = 0; ky < k; ++ky)
            for (int kx = 0; kx < k; ++kx) {
              const int iy = oy * s - p + ky, ix = ox * s - p + kx;
              if (iy < 0 || ix < 0 || iy >= in.h || ix >= in.w) continue;
              const double v = x[in.at(n, c, iy, ix)];
              acc = is_max ? std::max(acc, v) : acc + v;
            }
          y[out.at(n, c, oy, ox)] = is_max ? acc : acc / (k * k);
        }
  return y;
}

// Binary spikes at about `density` (the event-driven path's input).
std::vector<float> spike_vector(std::size_t n, std::uint64_t seed, double density) {
  snncosim::rng gen(seed);
  std::vector<float> v(n);
  for (auto& x : v) x = gen.uniform() < density ? 1.0f : 0.0f;
  return v;
}

void check_conv(conv2d_options o, dims4 in, tag src_tag, event_mode mode = event_mode::never,
                double spike_density = 0, std::string* implementation = nullptr) {
  CAPTURE(o.kernel);
  CAPTURE(o.stride);
  CAPTURE(o.padding);
  CAPTURE(static_cast<int>(mode));
  engine_context ctx;
  conv2d layer(o, 7);
  layer.set_event_mode(mode);
  const auto x = spike_density > 0 ? spike_vector(in.size(), 1, spike_density) : random_vector(in.size(), 1);
  auto src = make_memory(ctx, md_of({in.n, in.c, in.h, in.w}, src_tag), x);
  const auto dst_md = layer.configure(ctx, src.get_desc(), {1, in.n});
  if (implementation != nullptr) *implementation = layer.implementation();
  const auto& dst = layer.forward(ctx, src, true);
  CHECK(layer.last_forward_event_driven() == (mode == event_mode::always));
  dims4 out{};
  const auto w = to_double({layer.weights().begin(), layer.weights().end()}), b = to_double({layer.bias().begin(), layer.bias().end()});
  const auto ref = naive_conv(to_double(x), in, w, b, o.out_channels, o.kernel, o.stride, o.padding, out);
  CHECK(relative_error(read_plain(ctx, dst), ref) < tol);

  const auto r = random_vector(out.size(), 2);
  auto diff_dst = make_memory(ctx, dst_md, r);
  const auto& diff_src = layer.backward(ctx, diff_dst, true);
  auto loss_x = [&](const std::vector<double>& xv) {
    dims4 od{};
    return dot(naive_conv(xv, in, w, b, o.out_channels, o.kernel, o.stride, o.padding, od), r);
  };
  auto loss_w = [&](const std::vector<double>& wv) {
    dims4 od{};
    return dot(naive_conv(to_double(x), in, wv, b, o.out_channels, o.kernel, o.stride, o.padding, od), r);
  };
  auto loss_b = [&](const std::vector<double>& bv) {
    dims4 od{};
    return dot(naive_conv(to_double(x), in, w, bv, o.out_channels, o.kernel, o.stride, o.padding, od), r);
  };
  CHECK(relative_error(read_plain(ctx, diff_src), finite_difference(loss_x, to_double(x))) < tol);
  const auto params = layer.parameters();
  std::vector<float> dw(params[0].grad, params[0].grad + params[0].size);
  CHECK(relative_error(dw, finite_difference(loss_w, w)) < tol);
  if (o.bias) {
    std::vector<float> db(params[1].grad, params[1].grad + params[1].size);
    CHECK(relative_error(db, finite_difference(loss_b, b)) < tol);
  }
}

}  // namespace

TEST_CASE("conv2d forward and backward match the naive kernel and finite differences") {
  check_conv({3, 5, 3, 1, 0, true}, {2, 3, 7, 7}, tag::nchw);
  check_conv({3, 5, 3, 2, 1, true}, {2, 3, 8, 8}, tag::nchw);
  check_conv({2, 12, 5, 1, 0, true}, {3, 2, 9, 9}, tag::nchw);
  // A blocked input layout, as a previous conv would hand over.
  check_conv({16, 8, 3, 1, 1, true}, {2, 16, 5, 5}, tag::nChw16c);
}

// 3x3 stride-1 layers with enough input channels let oneDNN pick Winograd F(4x4, 3x3) where
// it has one (AVX-512) and its heuristic finds it faster (VGG9's sizes, not a test's): its
// transforms round differently, so force it and check it against the naive kernel and finite
// differences like the direct algorithm, with and without padding and bias.
TEST_CASE("conv2d 3x3 by Winograd (where oneDNN has it) matches the naive kernel") {
  const auto isa = dnnl::get_effective_cpu_isa();
  const bool avx512 = isa == dnnl::cpu_isa::avx512_core || isa == dnnl::cpu_isa::avx512_core_vnni ||
                      isa == dnnl::cpu_isa::avx512_core_bf16 || isa == dnnl::cpu_isa::avx512_core_amx;
  std::string impl;
  conv2d_options o{16, 16, 3, 1, 1, true};
  o.algorithm = avx512 ? conv_algorithm::winograd : conv_algorithm::automatic;
  check_conv(o, {3, 16, 4, 4}, tag::nchw, event_mode::never, 0, &impl);
  CAPTURE(impl);
  if (avx512) CHECK(impl.find("wino") != std::string::npos);
  conv2d_options p{16, 20, 3, 1, 0, false};
  p.algorithm = o.algorithm;
  check_conv(p, {2, 16, 6, 6}, tag::nChw16c, event_mode::never, 0.3, &impl);
  if (avx512) CHECK(impl.find("wino") != std::string::npos);
  // Below the input-channel minimum, automatic stays direct.
  o.algorithm = conv_algorithm::automatic;
  o.winograd_min_in_channels = 17;
  check_conv(o, {3, 16, 4, 4}, tag::nchw, event_mode::never, 0, &impl);
  CHECK(impl.find("wino") == std::string::npos);
}

// The built-in Winograd F(4x4, 3x3) (forward, backward-data and weight gradient): against the naive kernel and finite differences at the direct kernel's tolerance,
// on both channel blockings, with padding 0, 1 and 2, output sizes that are not multiples of
// the 4x4 tile, padded channel blocks (20 of 24 lanes) and no bias.
TEST_CASE("conv2d 3x3 by the built-in Winograd matches the naive kernel") {
  std::string impl;
  conv2d_options o{16, 16, 3, 1, 1, true};
  o.algorithm = conv_algorithm::builtin_winograd;
  check_conv(o, {3, 16, 5, 7}, tag::nChw16c, event_mode::never, 0, &impl);
  CHECK(impl == "builtin_wino_4x3, builtin_wino_4x3, builtin_wino_4x3");
  check_conv(o, {2, 16, 9, 6}, tag::nChw8c, event_mode::never, 0, &impl);
  conv2d_options p{12, 20, 3, 1, 0, false};
  p.algorithm = conv_algorithm::builtin_winograd;
  check_conv(p, {2, 12, 10, 7}, tag::nChw8c, event_mode::never, 0.3, &impl);
  conv2d_options q{8, 9, 3, 1, 2, true};
  q.algorithm = conv_algorithm::builtin_winograd;
  check_conv(q, {1, 8, 4, 5}, tag::nChw8c, event_mode::never, 0, &impl);
  // Impossible: a 5x5 kernel.
  conv2d_options bad{8, 8, 5, 1, 2, true};
  bad.algorithm = conv_algorithm::builtin_winograd;
  engine_context ctx;
  conv2d layer(bad, 1);
  CHECK_THROWS_AS(layer.configure(ctx, md_of({1, 8, 8, 8}, tag::nChw8c), {1, 1}), std::invalid_argument);
}

// Several sgemm chunks of the forward (4) and the weight gradient (2): every pass against
// naive double-precision kernels (the weight gradient and diff_src as their sums), and bit
// for bit the same at 1 and 2 threads, also when configured at 1 and run at 4.
TEST_CASE("conv2d built-in Winograd over many tiles matches naive kernels") {
  const int c = 64, k = 3, p = 1;
  const dims4 in{6, c, 20, 20};
  conv2d_options o{c, c, k, 1, p, true};
  o.algorithm = conv_algorithm::builtin_winograd;
  const auto x = spike_vector(in.size(), 5, 0.3);
  dims4 out{in.n, c, in.h, in.w};
  const auto r = random_vector(out.size(), 6);
  struct result {
    std::vector<float> y, dx, dw, db, w, b;
  };
  // Configured with one thread count, run with another: buffers sized at configure must not
  // be overrun when more threads run.
  auto run = [&](int threads, int configure_threads) {
    set_threads(configure_threads);
    engine_context ctx;
    conv2d layer(o, 3);
    auto src = make_memory(ctx, md_of({in.n, in.c, in.h, in.w}, tag::nChw8c), x);
    const auto dst_md = layer.configure(ctx, src.get_desc(), {1, in.n});
    set_threads(threads);
    result res;
    res.y = read_plain(ctx, layer.forward(ctx, src, true));
    auto diff_dst = make_memory(ctx, dst_md, r);
    res.dx = read_plain(ctx, layer.backward(ctx, diff_dst, true));
    const auto params = layer.parameters();
    res.dw.assign(params[0].grad, params[0].grad + params[0].size);
    res.db.assign(params[1].grad, params[1].grad + params[1].size);
    res.w.assign(layer.weights().begin(), layer.weights().end());
    res.b.assign(layer.bias().begin(), layer.bias().end());
    return res;
  };
  // At 4 threads the forward's chunk buffers outgrow what a 1-thread configure reserved (the
  // weight gradient's buffers, reserved too, are larger than the forward's at 2 threads).
  const auto one = run(1, 1), two = run(2, 2), grown = run(4, 1);
  // Back to what the process started with (ctest sets OMP_NUM_THREADS=1).
  const char* env = std::getenv("OMP_NUM_THREADS");
  set_threads(env != nullptr ? std::atoi(env) : static_cast<int>(std::thread::hardware_concurrency()));
  const auto w = to_double(one.w), b = to_double(one.b);
  CHECK(relative_error(one.y, naive_conv(to_double(x), in, w, b, c, k, 1, p, out)) < tol);
  std::vector<double> dw(w.size()), dx(in.size()), db(static_cast<std::size_t>(c));
  for (int n = 0; n < in.n; ++n)
    for (int oc = 0; oc < c; ++oc)
      for (int oy = 0; oy < out.h; ++oy)
        for (int ox = 0; ox < out.w; ++ox) {
          const double g = r[out.at(n, oc, oy, ox)];
          db[static_cast<std::size_t>(oc)] += g;
          for (int ic = 0; ic < c; ++ic)
            for (int ky = 0; ky < k; ++ky)
              for (int kx = 0; kx < k; ++kx) {
                const int iy = oy - p + ky, ix = ox - p + kx;
                if (iy < 0 || ix < 0 || iy >= in.h || ix >= in.w) continue;
                const std::size_t wi = ((static_cast<std::size_t>(oc) * c + ic) * k + ky) * k + kx;
                dw[wi] += x[in.at(n, ic, iy, ix)] * g;
                dx[in.at(n, ic, iy, ix)] += w[wi] * g;
              }
        }
  CHECK(relative_error(one.dx, dx) < tol);
  CHECK(relative_error(one.dw, dw) < tol);
  CHECK(relative_error(one.db, db) < tol);
  CHECK(one.y == two.y);
  CHECK(one.dx == two.dx);
  CHECK(one.dw == two.dw);
  CHECK(one.db == two.db);
  CHECK(one.y == grown.y);
  CHECK(one.dx == grown.dx);
  CHECK(one.dw == grown.dw);
}

TEST_CASE("event-driven conv2d matches the naive kernel and finite differences") {
  const auto always = event_mode::always;
  // The csnn first layer: 2 input channels, 12 outputs, k5, binary frame at 5 %.
  check_conv({2, 12, 5, 1, 0, true}, {3, 2, 9, 9}, tag::nchw, always, 0.05);
  check_conv({2, 12, 5, 1, 0, true}, {3, 2, 9, 9}, tag::nchw, always, 0.3);
  // Stride, padding, no bias, channels-last and blocked inputs (as spikes from a conv).
  check_conv({3, 5, 3, 2, 1, false}, {2, 3, 8, 8}, tag::nchw, always, 0.2);
  check_conv({3, 5, 3, 2, 1, true}, {2, 3, 9, 9}, tag::nhwc, always, 0.2);
  check_conv({16, 8, 3, 1, 1, true}, {2, 16, 5, 5}, tag::nChw16c, always, 0.2);
  check_conv({12, 16, 3, 1, 0, true}, {2, 12, 6, 6}, tag::nChw8c, always, 0.15);
  // Non-binary values work too (the scatter multiplies by the value).
  check_conv({3, 5, 3, 1, 1, true}, {2, 3, 6, 6}, tag::nchw, always, 0.0);
}

// An event conv2d with its max pooling fused and the same pair unfused, from one seed.
struct conv_pool_pair {
  engine_context ctx;
  conv2d fused, plain;
  pool2d fused_pool{{pool_kind::max, 2, 2, 0}}, plain_pool{{pool_kind::max, 2, 2, 0}};
  memory::desc pool_md;
  explicit conv_pool_pair(const conv2d_options& o) : fused(o, 7), plain(o, 7) {
    for (auto* c : {&fused, &plain}) c->set_event_mode(event_mode::always);
  }
  void configure(const memory& src, int rows) {
    const auto conv_md = fused.configure(ctx, src.get_desc(), {1, rows});
    plain.configure(ctx, src.get_desc(), {1, rows});
    pool_md = fused_pool.configure(ctx, conv_md, {1, rows});
    plain_pool.configure(ctx, conv_md, {1, rows});
    REQUIRE(fused.fuse_max_pool(fused_pool));
  }
  std::vector<float> forward_fused(const memory& src) {
    return read_plain(ctx, fused_pool.forward(ctx, fused.forward(ctx, src, true), true));
  }
  std::vector<float> forward_plain(const memory& src) {
    return read_plain(ctx, plain_pool.forward(ctx, plain.forward(ctx, src, true), true));
  }
  void backward(const memory& diff) {
    fused.backward(ctx, fused_pool.backward(ctx, diff, true), false);
    plain.backward(ctx, plain_pool.backward(ctx, diff, true), false);
  }
};

// The event path with its max pooling fused (conv2d::fuse_max_pool) computes bit for bit what
// the event conv followed by oneDNN's max pooling computes (both checked elsewhere against
// naive kernels and finite differences): the pooled output, and after a backward of the same
// pooled gradient the weight and bias gradients. Odd sizes drop the last conv row and column.
// Sparse frames make many windows tie, but with random weights only between elements whose
// gradients land alike (the next test makes the tie rule matter).
TEST_CASE("event conv2d with fused max pooling matches conv then max pooling exactly") {
  for (const int size : {12, 13})
    for (const double density : {0.05, 0.3}) {
      CAPTURE(size);
      CAPTURE(density);
      const dims4 in{3, 2, size, size};
      conv_pool_pair pair({2, 12, 5, 1, 0, true});
      auto& [ctx, fused, plain, fused_pool, plain_pool, pool_md] = pair;
      auto x = spike_vector(in.size(), 3, density);
      for (std::size_t i = 0; i < x.size(); i += 9) x[i] *= 0.75f;
      auto src = make_memory(ctx, md_of({in.n, in.c, in.h, in.w}, tag::nchw), x);
      pair.configure(src, in.n);
      const auto got = pair.forward_fused(src);
      CHECK(fused.last_forward_pooled());
      const auto want = pair.forward_plain(src);
      CHECK(got == want);
      // And against the formula, in double: max over each 2 x 2 window of bias + conv.
      const int oh = size - 4, ph = oh / 2;
      const auto w = fused.weights();
      const auto b = fused.bias();
      double worst = 0;
      for (int n = 0; n < in.n; ++n)
        for (int oc = 0; oc < 12; ++oc)
          for (int py = 0; py < ph; ++py)
            for (int px = 0; px < ph; ++px) {
              double m = -1e300;
              for (int dy = 0; dy < 2; ++dy)
                for (int dx = 0; dx < 2; ++dx) {
                  double acc = b[static_cast<std::size_t>(oc)];
                  for (int ic = 0; ic < 2; ++ic)
                    for (int ky = 0; ky < 5; ++ky)
                      for (int kx = 0; kx < 5; ++kx)
                        acc += static_cast<double>(
                                   x[((static_cast<std::size_t>(n) * 2 + ic) * size + 2 * py + dy + ky) * size + 2 * px + dx + kx]) *
                               w[((static_cast<std::size_t>(oc) * 2 + ic) * 5 + ky) * 5 + kx];
                  m = std::max(m, acc);
                }
              const auto at = ((static_cast<std::size_t>(n) * 12 + oc) * ph + py) * ph + px;
              worst = std::max(worst, std::abs(got[at] - m));
            }
      CHECK(worst < 1e-5);
      const auto r = random_vector(static_cast<std::size_t>(in.n) * 12 * ph * ph, 4);
      auto diff = make_memory(ctx, pool_md, r);
      pair.backward(diff);
      const auto pf = fused.parameters(), pp = plain.parameters();
      for (std::size_t k = 0; k < pf.size(); ++k) {
        CAPTURE(k);
        CHECK(std::vector<float>(pf[k].grad, pf[k].grad + pf[k].size) ==
              std::vector<float>(pp[k].grad, pp[k].grad + pp[k].size));
      }
      // Dense convolution: the pooling layer pools again.
      fused.set_event_mode(event_mode::never);
      plain.set_event_mode(event_mode::never);
      const auto dense = pair.forward_fused(src);
      CHECK_FALSE(fused.last_forward_pooled());
      CHECK(relative_error(dense, want) < tol);
      // A fused layer computes no diff_src.
      fused.set_event_mode(event_mode::always);
      fused_pool.forward(ctx, fused.forward(ctx, src, true), true);
      CHECK_THROWS_AS(fused.backward(ctx, fused_pool.backward(ctx, diff, true), true), std::logic_error);
    }
}

// With all weights equal, a conv output is bias + (weight x events reaching it), so many
// windows hold equal maxima reached through different taps: which element gets the gradient
// changes the weight gradient. The fused path must pick the one oneDNN's pooling picks.
TEST_CASE("fused max pooling sends a tied window's gradient where oneDNN's pooling does") {
  const dims4 in{4, 2, 12, 12};
  conv_pool_pair pair({2, 12, 5, 1, 0, true});
  auto& [ctx, fused, plain, fused_pool, plain_pool, pool_md] = pair;
  for (auto* c : {&fused, &plain}) {
    for (auto& w : c->weights()) w = 0.125f;
    for (auto& b : c->bias()) b = 0.0f;
  }
  auto src = make_memory(ctx, md_of({in.n, in.c, in.h, in.w}, tag::nchw), spike_vector(in.size(), 5, 0.1));
  pair.configure(src, in.n);
  CHECK(pair.forward_fused(src) == pair.forward_plain(src));
  auto diff = make_memory(ctx, pool_md, random_vector(static_cast<std::size_t>(in.n) * 12 * 4 * 4, 6));
  pair.backward(diff);
  const auto pf = fused.parameters(), pp = plain.parameters();
  CHECK(std::vector<float>(pf[0].grad, pf[0].grad + pf[0].size) == std::vector<float>(pp[0].grad, pp[0].grad + pp[0].size));
}

TEST_CASE("conv2d chooses the event-driven path by input density") {
  engine_context ctx;
  conv2d_options o{2, 12, 5, 1, 0, true};
  o.event_density_threshold = 0.1f;
  o.event_min_taps = 0;
  conv2d layer(o, 7);
  const dims4 in{4, 2, 12, 12};
  const auto sparse = spike_vector(in.size(), 3, 0.05), dense = spike_vector(in.size(), 4, 0.5);
  auto src = make_memory(ctx, md_of({in.n, in.c, in.h, in.w}, tag::nchw), sparse);
  layer.configure(ctx, src.get_desc(), {1, in.n});
  layer.forward(ctx, src, true);
  CHECK(layer.last_forward_event_driven());
  CHECK(layer.last_input_density() < 0.1);
  auto src2 = make_memory(ctx, src.get_desc(), dense);
  layer.forward(ctx, src2, true);
  CHECK_FALSE(layer.last_forward_event_driven());
  CHECK(layer.last_input_density() > 0.4);
  // 2 x 3 x 3 = 18 taps per output channel: below the default minimum (32), always dense;
  // 2 x 5 x 5 = 50 taps at the default density threshold goes event-driven.
  conv2d small(conv2d_options{2, 12, 3, 1, 0, true}, 7);
  small.configure(ctx, src.get_desc(), {1, in.n});
  small.forward(ctx, src, true);
  CHECK_FALSE(small.last_forward_event_driven());
  conv2d wide(conv2d_options{2, 12, 5, 1, 0, true}, 7);
  wide.configure(ctx, src.get_desc(), {1, in.n});
  wide.forward(ctx, src, true);
  CHECK(wide.last_forward_event_driven());
}

// Dense real inputs and sparse spikes (some scaled, as dropout hands them over), through the
// oneDNN path and the event-driven path, in plain 2-D and 4-D layouts.
TEST_CASE("linear forward and backward from 2-D and 4-D inputs - dense and event-driven") {
  for (const bool four_d : {false, true})
    for (const auto mode : {event_mode::never, event_mode::always})
      for (const bool spikes : {false, true}) {
    CAPTURE(four_d);
    CAPTURE(static_cast<int>(mode));
    CAPTURE(spikes);
    // Output widths: under one register, one partial register block, and whole column blocks
    // plus a partial one (the event-driven forward works in column blocks of 64-128).
    for (const int out_f : {5, 37, 300}) {
    CAPTURE(out_f);
    engine_context ctx;
    const int n = 7, c = 2, h = 3, w = 6, in_f = c * h * w;
    linear layer({in_f, out_f, true}, 3);
    layer.set_event_mode(mode);
    auto x = spikes ? spike_vector(static_cast<std::size_t>(n * in_f), 4, 0.2)
                    : random_vector(static_cast<std::size_t>(n * in_f), 4);
    if (spikes)
      for (std::size_t i = 0; i < x.size(); i += 5) x[i] *= 1.25f;
    const auto md = four_d ? md_of({n, c, h, w}, tag::nchw) : md_of({n, in_f}, tag::nc);
    auto src = make_memory(ctx, md, x);
    const auto dst_md = layer.configure(ctx, md, {1, n});
    const auto wv = to_double({layer.weights().begin(), layer.weights().end()}), bv = to_double({layer.bias().begin(), layer.bias().end()});
    auto naive = [&](const std::vector<double>& xs, const std::vector<double>& ws, const std::vector<double>& bs) {
      std::vector<double> y(static_cast<std::size_t>(n * out_f));
      for (int i = 0; i < n; ++i)
        for (int o = 0; o < out_f; ++o) {
          double acc = bs[static_cast<std::size_t>(o)];
          for (int f = 0; f < in_f; ++f)
            acc += xs[static_cast<std::size_t>(i * in_f + f)] * ws[static_cast<std::size_t>(o * in_f + f)];
          y[static_cast<std::size_t>(i * out_f + o)] = acc;
        }
      return y;
    };
    CHECK(relative_error(read_plain(ctx, layer.forward(ctx, src, true)), naive(to_double(x), wv, bv)) < tol);
    CHECK(layer.last_forward_event_driven() == (mode == event_mode::always));
    const auto r = random_vector(static_cast<std::size_t>(n * out_f), 5);
    auto diff_dst = make_memory(ctx, dst_md, r);
    const auto dx = read_plain(ctx, layer.backward(ctx, diff_dst, true));
    const auto p = layer.parameters();
    CHECK(relative_error(dx, finite_difference([&](const auto& v) { return dot(naive(v, wv, bv), r); }, to_double(x))) < tol);
    CHECK(relative_error(std::vector<float>(p[0].grad, p[0].grad + p[0].size),
                         finite_difference([&](const auto& v) { return dot(naive(to_double(x), v, bv), r); }, wv)) < tol);
    CHECK(relative_error(std::vector<float>(p[1].grad, p[1].grad + p[1].size),
                         finite_difference([&](const auto& v) { return dot(naive(to_double(x), wv, v), r); }, bv)) < tol);
    }
  }
}

// The event kernels cut the weights (forward) and diff_dst (weight gradient) into tiles of 128
// rows (256 with SSE only) of column panels: 604 inputs and 600 rows make every sum cross
// several tiles, and rows with no entry in some tiles; 5, 37 and 300 outputs give a scalar
// panel, whole and partial registers, and a last panel overlapping the one before. The weight
// gradient is written transposed eight inputs at a time: 604 leaves four over. Against the
// products in double.
TEST_CASE("event-driven linear over many tiles matches the products in double") {
  // Spikes (all ones: the kernels add rows) and scaled spikes (they multiply-add them).
  for (const bool binary : {true, false})
  for (const int out_f : {5, 37, 300}) {
    CAPTURE(binary);
    CAPTURE(out_f);
    engine_context ctx;
    const int n = 600, in_f = 604;
    linear layer({in_f, out_f, true}, 5);
    layer.set_event_mode(event_mode::always);
    auto x = spike_vector(static_cast<std::size_t>(n * in_f), 6, 0.2);
    if (!binary)
      for (std::size_t i = 0; i < x.size(); i += 7) x[i] *= 0.5f;
    // Rows 100-199 fire only in inputs 0-49: most tiles hold none of their entries.
    for (int r = 100; r < 200; ++r)
      for (int i = 50; i < in_f; ++i) x[static_cast<std::size_t>(r * in_f + i)] = 0.0f;
    const auto md = md_of({n, in_f}, tag::nc);
    auto src = make_memory(ctx, md, x);
    const auto dst_md = layer.configure(ctx, md, {1, n});
    const auto w = layer.weights();
    const auto b = layer.bias();
    std::vector<double> y(static_cast<std::size_t>(n * out_f));
    for (int r = 0; r < n; ++r)
      for (int o = 0; o < out_f; ++o) {
        double acc = b[static_cast<std::size_t>(o)];
        for (int i = 0; i < in_f; ++i)
          acc += static_cast<double>(x[static_cast<std::size_t>(r * in_f + i)]) * w[static_cast<std::size_t>(o * in_f + i)];
        y[static_cast<std::size_t>(r * out_f + o)] = acc;
      }
    CHECK(relative_error(read_plain(ctx, layer.forward(ctx, src, true)), y) < tol);
    REQUIRE(layer.last_forward_event_driven());
    const auto d = random_vector(static_cast<std::size_t>(n * out_f), 8);
    auto diff_dst = make_memory(ctx, dst_md, d);
    layer.backward(ctx, diff_dst, false);
    std::vector<double> dw(static_cast<std::size_t>(out_f * in_f), 0.0), db(static_cast<std::size_t>(out_f), 0.0);
    for (int r = 0; r < n; ++r)
      for (int o = 0; o < out_f; ++o) {
        const double g = d[static_cast<std::size_t>(r * out_f + o)];
        db[static_cast<std::size_t>(o)] += g;
        for (int i = 0; i < in_f; ++i)
          dw[static_cast<std::size_t>(o * in_f + i)] += g * x[static_cast<std::size_t>(r * in_f + i)];
      }
    const auto p = layer.parameters();
    CHECK(relative_error(std::vector<float>(p[0].grad, p[0].grad + p[0].size), dw) < tol);
    CHECK(relative_error(std::vector<float>(p[1].grad, p[1].grad + p[1].size), db) < tol);
  }
}

// The event forward keeps its transposed weights between forwards: a write through weights()
// or parameters(), or a backward with an optimiser step after it, must reach the next forward.
TEST_CASE("event-driven linear forward sees weights written between forwards") {
  engine_context ctx;
  const int n = 4, in_f = 40, out_f = 70;
  linear layer({in_f, out_f, false}, 9);
  layer.set_event_mode(event_mode::always);
  const auto md = md_of({n, in_f}, tag::nc);
  const auto x = spike_vector(static_cast<std::size_t>(n * in_f), 10, 0.3);
  auto src = make_memory(ctx, md, x);
  const auto dst_md = layer.configure(ctx, md, {1, n});
  const auto p = layer.parameters();
  // Read through the pointer taken once: weights() would itself mark the copy stale.
  auto expect = [&] {
    const float* w = p[0].value;
    std::vector<double> y(static_cast<std::size_t>(n * out_f), 0.0);
    for (int r = 0; r < n; ++r)
      for (int o = 0; o < out_f; ++o)
        for (int i = 0; i < in_f; ++i)
          y[static_cast<std::size_t>(r * out_f + o)] +=
              static_cast<double>(x[static_cast<std::size_t>(r * in_f + i)]) * w[static_cast<std::size_t>(o * in_f + i)];
    return y;
  };
  const auto first = read_plain(ctx, layer.forward(ctx, src, false));
  CHECK(relative_error(first, expect()) < tol);
  CHECK(relative_error(read_plain(ctx, layer.forward(ctx, src, false)), first) == 0.0);
  for (auto& w : layer.weights()) w *= 2.0f;
  CHECK(relative_error(read_plain(ctx, layer.forward(ctx, src, false)), expect()) < tol);
  const auto q = layer.parameters();
  for (std::size_t i = 0; i < q[0].size; ++i) q[0].value[i] = -q[0].value[i];
  CHECK(relative_error(read_plain(ctx, layer.forward(ctx, src, true)), expect()) < tol);
  // A training step: backward, then the optimiser writes through the pointers it got once.
  auto diff_dst = make_memory(ctx, dst_md, random_vector(static_cast<std::size_t>(n * out_f), 11));
  layer.backward(ctx, diff_dst, false);
  for (std::size_t i = 0; i < p[0].size; ++i) p[0].value[i] -= 0.5f * p[0].grad[i];
  CHECK(relative_error(read_plain(ctx, layer.forward(ctx, src, false)), expect()) < tol);
}

TEST_CASE("linear chooses the event-driven path by input density") {
  engine_context ctx;
  const int n = 16, in_f = 64, out_f = 8;
  linear_options o{in_f, out_f, true};
  o.event_density_threshold = 0.1f;
  o.event_min_outputs = 0;
  linear layer(o, 3);
  const auto md = md_of({n, in_f}, tag::nc);
  layer.configure(ctx, md, {1, n});
  const auto sparse = spike_vector(static_cast<std::size_t>(n * in_f), 8, 0.03);
  auto sparse_src = make_memory(ctx, md, sparse);
  layer.forward(ctx, sparse_src, false);
  CHECK(layer.last_forward_event_driven());
  const auto dense = spike_vector(static_cast<std::size_t>(n * in_f), 9, 0.5);
  auto dense_src = make_memory(ctx, md, dense);
  layer.forward(ctx, dense_src, false);
  CHECK_FALSE(layer.last_forward_event_driven());
  layer.set_event_mode(event_mode::never);
  layer.forward(ctx, sparse_src, false);
  CHECK_FALSE(layer.last_forward_event_driven());
  // A narrow output layer stays on oneDNN however sparse its input.
  linear narrow({in_f, out_f, true}, 3);
  narrow.configure(ctx, md, {1, n});
  narrow.forward(ctx, sparse_src, false);
  CHECK_FALSE(narrow.last_forward_event_driven());
}

TEST_CASE("max and average pooling forward and backward - plain and blocked layouts") {
  for (const bool is_max : {true, false})
    for (const auto t : {tag::nchw, tag::nChw16c})
      for (const auto& [k, s, p] : {std::tuple{2, 2, 0}, std::tuple{3, 2, 1}}) {
        CAPTURE(is_max);
        CAPTURE(k);
        engine_context ctx;
        const dims4 in{2, 3, 6, 6};
        pool2d layer({is_max ? pool_kind::max : pool_kind::average, k, s, p});
        const auto x = random_vector(in.size(), 11);
        auto src = make_memory(ctx, md_of({in.n, in.c, in.h, in.w}, t), x);
        const auto dst_md = layer.configure(ctx, src.get_desc(), {1, in.n});
        dims4 out{};
        const auto ref = naive_pool(to_double(x), in, is_max, k, s, p, out);
        CHECK(relative_error(read_plain(ctx, layer.forward(ctx, src, true)), ref) < tol);
        const auto r = random_vector(out.size(), 12);
        auto diff_dst = make_memory(ctx, dst_md, r);
        const auto dx = read_plain(ctx, layer.backward(ctx, diff_dst, true));
        auto loss = [&](const std::vector<double>& v) {
          dims4 od{};
          return dot(naive_pool(v, in, is_max, k, s, p, od), r);
        };
        CHECK(relative_error(dx, finite_difference(loss, to_double(x), 1e-7)) < 1e-4);
      }
}

TEST_CASE("batchnorm2d normalises each time step with its own statistics") {
  for (const auto t : {tag::nchw, tag::nChw16c}) {
    engine_context ctx;
    const int steps = 2, batch = 3;
    const dims4 in{steps * batch, 4, 3, 3};
    batch_norm2d layer({4, 1e-5f, 0.1f});
    auto p = layer.parameters();
    for (std::size_t i = 0; i < 4; ++i) {
      p[0].value[i] = 0.5f + 0.25f * static_cast<float>(i);
      p[1].value[i] = -0.1f * static_cast<float>(i);
    }
    const auto x = random_vector(in.size(), 21, -2, 3);
    auto src = make_memory(ctx, md_of({in.n, in.c, in.h, in.w}, t), x);
    const auto dst_md = layer.configure(ctx, src.get_desc(), {steps, batch});
    const auto g = to_double(std::vector<float>(p[0].value, p[0].value + 4));
    const auto bsh = to_double(std::vector<float>(p[1].value, p[1].value + 4));
    std::vector<double> running_mean(4, 0.0), running_var(4, 1.0);
    auto naive = [&](const std::vector<double>& xs, const std::vector<double>& gs, const std::vector<double>& bs,
                     bool update_running) {
      std::vector<double> y(xs.size());
      for (int ts = 0; ts < steps; ++ts)
        for (int c = 0; c < 4; ++c) {
          double mean = 0, var = 0;
          const double count = batch * 9.0;
          for (int n = ts * batch; n < (ts + 1) * batch; ++n)
            for (int q = 0; q < 9; ++q) mean += xs[in.at(n, c, q / 3, q % 3)];
          mean /= count;
          for (int n = ts * batch; n < (ts + 1) * batch; ++n)
            for (int q = 0; q < 9; ++q) var += std::pow(xs[in.at(n, c, q / 3, q % 3)] - mean, 2);
          var /= count;
          for (int n = ts * batch; n < (ts + 1) * batch; ++n)
            for (int q = 0; q < 9; ++q) {
              const auto i = in.at(n, c, q / 3, q % 3);
              y[i] = (xs[i] - mean) / std::sqrt(var + 1e-5) * gs[static_cast<std::size_t>(c)] + bs[static_cast<std::size_t>(c)];
            }
          if (update_running) {
            const auto uc = static_cast<std::size_t>(c);
            running_mean[uc] = 0.9 * running_mean[uc] + 0.1 * mean;
            running_var[uc] = 0.9 * running_var[uc] + 0.1 * var * count / (count - 1);
          }
        }
      return y;
    };
    CHECK(relative_error(read_plain(ctx, layer.forward(ctx, src, true)), naive(to_double(x), g, bsh, true)) < tol);
    CHECK(relative_error(layer.running_mean(), running_mean) < tol);
    CHECK(relative_error(layer.running_var(), running_var) < tol);

    const auto r = random_vector(in.size(), 22);
    auto diff_dst = make_memory(ctx, dst_md, r);
    const auto dx = read_plain(ctx, layer.backward(ctx, diff_dst, true));
    CHECK(relative_error(dx, finite_difference([&](const auto& v) { return dot(naive(v, g, bsh, false), r); },
                                               to_double(x), 1e-6)) < 1e-4);
    CHECK(relative_error(std::vector<float>(p[0].grad, p[0].grad + 4),
                         finite_difference([&](const auto& v) { return dot(naive(to_double(x), v, bsh, false), r); }, g)) < 1e-4);
    CHECK(relative_error(std::vector<float>(p[1].grad, p[1].grad + 4),
                         finite_difference([&](const auto& v) { return dot(naive(to_double(x), g, v, false), r); }, bsh)) < 1e-4);

    // Evaluation uses the running statistics.
    std::vector<double> want(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      const auto c = (i / 9) % 4;
      want[i] = (x[i] - running_mean[c]) / std::sqrt(running_var[c] + 1e-5) * g[c] + bsh[c];
    }
    CHECK(relative_error(read_plain(ctx, layer.forward(ctx, src, false)), want) < tol);
  }
}

TEST_CASE("dropout zeroes about p of the elements - scales the rest - and replays per seed") {
  engine_context ctx;
  const int n = 4, f = 2500;
  dropout layer(0.25f, 99);
  const auto x = random_vector(static_cast<std::size_t>(n * f), 31, 0.5, 1.5);
  auto src = make_memory(ctx, md_of({n, f}, tag::nc), x);
  layer.configure(ctx, src.get_desc(), {1, n});
  layer.reseed(5);
  const auto y = read_plain(ctx, layer.forward(ctx, src, true));
  std::size_t zeros = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (y[i] == 0.0f) {
      ++zeros;
    } else {
      CHECK(y[i] == doctest::Approx(x[i] / 0.75f).epsilon(1e-6));
    }
  }
  const double frac = static_cast<double>(zeros) / static_cast<double>(y.size());
  CHECK(frac > 0.23);
  CHECK(frac < 0.27);
  const auto ones = std::vector<float>(y.size(), 1.0f);
  auto diff_dst = make_memory(ctx, src.get_desc(), ones);
  const auto dx = read_plain(ctx, layer.backward(ctx, diff_dst, true));
  for (std::size_t i = 0; i < y.size(); i += 97) CHECK(dx[i] == (y[i] == 0.0f ? 0.0f : 1.0f / 0.75f));
  layer.reseed(5);
  CHECK(read_plain(ctx, layer.forward(ctx, src, true)) == y);
  layer.reseed(6);
  CHECK(read_plain(ctx, layer.forward(ctx, src, true)) != y);
  CHECK(read_plain(ctx, layer.forward(ctx, src, false)) == x);
}

TEST_CASE("flatten turns a blocked 4-D tensor into torch.flatten order and back") {
  engine_context ctx;
  const dims4 in{2, 3, 2, 2};
  const auto x = random_vector(in.size(), 41);
  auto src = make_memory(ctx, md_of({in.n, in.c, in.h, in.w}, tag::nChw16c), x);
  flatten layer;
  const auto md = layer.configure(ctx, src.get_desc(), {1, 2});
  CHECK(md.dims() == dnnl::memory::dims{2, 12});
  CHECK(read_plain(ctx, layer.forward(ctx, src, true)) == x);
  const auto r = random_vector(in.size(), 42);
  auto diff_dst = make_memory(ctx, md, r);
  CHECK(read_plain(ctx, layer.backward(ctx, diff_dst, true)) == r);
}
