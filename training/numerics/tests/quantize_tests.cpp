// Weight/bias quantization and BatchNorm folding against hand calculations (docs/numerics.md §3).
#include <doctest/doctest.h>

#include <cmath>

#include "snncosim/common/error.h"
#include "snncosim/numerics/quantize.h"

using namespace snncosim::numerics;

TEST_CASE("weight_qmax: symmetric ranges of 4 - 8 and 16 bits") {
  CHECK(weight_qmax(4) == 7);
  CHECK(weight_qmax(8) == 127);
  CHECK(weight_qmax(16) == 32767);
  CHECK_THROWS_AS(weight_qmax(12), snncosim::bad_input);
}

TEST_CASE("calibrate_scale: max-abs per tensor and per channel - all-zero gets 1") {
  const std::vector<float> w{0.5f, -1.75f, 0.25f, 0.0f, 0.0f, 0.0f};
  auto t = calibrate_scale(w, 2, 4, scale_granularity::per_tensor);
  REQUIRE(t.size() == 1);
  CHECK(t[0] == doctest::Approx(1.75 / 7));
  auto c = calibrate_scale(w, 2, 4, scale_granularity::per_channel);
  REQUIRE(c.size() == 2);
  CHECK(c[0] == doctest::Approx(0.25));
  CHECK(c[1] == 1.0);
}

TEST_CASE("quantize_weights: round half to even on ties - clamp to +-qmax") {
  // scale 1: ties 2.5 -> 2, 3.5 -> 4, -2.5 -> -2, -0.5 -> 0; 9 -> 7 (4 bit clamp), -8 -> -7
  const std::vector<float> w{2.5f, 3.5f, -2.5f, -0.5f, 9.0f, -8.0f, 1.49f, -1.51f};
  auto q = quantize_weights(w, 1, 4, std::vector<double>{1.0});
  CHECK(q.values == std::vector<std::int32_t>{2, 4, -2, 0, 7, -7, 1, -2});
  // 8 bit: the max-abs weight maps exactly to +-127
  const std::vector<float> w8{0.5f, -1.0f, 0.25f, 0.0f};
  auto q8 = quantize_weights(w8, 2, 8, scale_granularity::per_tensor);
  CHECK(q8.values == std::vector<std::int32_t>{64, -127, 32, 0});  // 63.5 -> 64 (even), 31.75 -> 32
  auto d = dequantize_weights(q8, 2);
  CHECK(d[1] == doctest::Approx(-1.0));
  CHECK(d[0] == doctest::Approx(64.0 / 127));
}

TEST_CASE("quantize_weights: 16 bit per channel") {
  const std::vector<float> w{1.0f, -0.5f, 0.25f, -0.5f};
  auto q = quantize_weights(w, 2, 16, scale_granularity::per_channel);
  // channel 0: scale 1/32767, -16383.5 -> -16384; channel 1: scale 0.5/32767, 16383.5 -> 16384
  CHECK(q.values == std::vector<std::int32_t>{32767, -16384, 16384, -32767});
  CHECK(q.scale[1] == doctest::Approx(0.5 / 32767));
}

TEST_CASE("quantize_bias: accumulator units - ties to even - saturation at acc_bits") {
  const std::vector<float> b{0.375f, -0.125f, 100.0f, -100.0f};
  // scale 0.25: 1.5 -> 2, -0.5 -> 0, 400 -> 127 (8-bit accumulator), -400 -> -128
  auto q = quantize_bias(b, {0.25}, 8);
  CHECK(q == std::vector<std::int32_t>{2, 0, 127, -128});
}

TEST_CASE("fold_batch_norm: folds gamma/sqrt(var+eps) into weights and bias") {
  const std::vector<float> w{1.0f, 2.0f, -1.0f, 0.5f};
  const std::vector<float> b{0.5f, -1.0f};
  auto f = fold_batch_norm(w, b, {2.0f, 1.0f}, {0.1f, -0.2f}, {0.25f, 1.0f}, {3.0f, 0.25f}, 1.0);
  // channel 0: k = 2 / 2 = 1; channel 1: k = 1 / sqrt(1.25)
  const double k1 = 1.0 / std::sqrt(1.25);
  CHECK(f.weights[0] == doctest::Approx(1.0));
  CHECK(f.weights[1] == doctest::Approx(2.0));
  CHECK(f.weights[2] == doctest::Approx(-k1));
  CHECK(f.weights[3] == doctest::Approx(0.5 * k1));
  CHECK(f.bias[0] == doctest::Approx((0.5 - 0.25) * 1 + 0.1));
  CHECK(f.bias[1] == doctest::Approx((-1.0 - 1.0) * k1 - 0.2));
  // without a conv bias
  auto g = fold_batch_norm(w, {}, {2.0f, 1.0f}, {0.1f, -0.2f}, {0.25f, 1.0f}, {3.0f, 0.25f}, 1.0);
  CHECK(g.bias[0] == doctest::Approx(-0.25 + 0.1));
}
