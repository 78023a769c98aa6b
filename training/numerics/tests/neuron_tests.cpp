// Integer neuron of numerics v1 against hand calculations (docs/numerics.md §2-4).
#include <doctest/doctest.h>

#include <cmath>

#include "snncosim/common/error.h"
#include "snncosim/numerics/neuron.h"

using namespace snncosim::numerics;

TEST_CASE("round_half_even: ties go to the even integer - others to the nearest") {
  CHECK(round_half_even(2.5) == 2);
  CHECK(round_half_even(3.5) == 4);
  CHECK(round_half_even(-2.5) == -2);
  CHECK(round_half_even(-3.5) == -4);
  CHECK(round_half_even(0.5) == 0);
  CHECK(round_half_even(-0.5) == 0);
  CHECK(round_half_even(2.4999999) == 2);
  CHECK(round_half_even(-2.5000001) == -3);
  CHECK(round_half_even(7.0) == 7);
  CHECK_THROWS(round_half_even(std::nan("")));
}

TEST_CASE("mul_round_shift: add half an LSB then arithmetic shift (ties towards +inf)") {
  // 0.5 * 5 = 2.5 -> 3; 0.5 * -5 = -2.5 -> -2; 0.5 * -7 = -3.5 -> -3; 0.25 * -6 = -1.5 -> -1
  CHECK(mul_round_shift(32768, 5, 16) == 3);
  CHECK(mul_round_shift(32768, -5, 16) == -2);
  CHECK(mul_round_shift(32768, -7, 16) == -3);
  CHECK(mul_round_shift(16384, -6, 16) == -1);
  // not a tie: 0.75 * -3 = -2.25 -> -2, 0.75 * 3 = 2.25 -> 2, -0.75*3 = -2.25 -> -2
  CHECK(mul_round_shift(49152, -3, 16) == -2);
  CHECK(mul_round_shift(49152, 3, 16) == 2);
  CHECK(mul_round_shift(-49152, 3, 16) == -2);
  CHECK(mul_round_shift(3, 7, 0) == 21);
  // extreme operands stay inside int64
  CHECK(mul_round_shift(2147483647, -2147483647, 30) == -4294967292LL);
}

TEST_CASE("saturate and accumulate clamp at both ends") {
  CHECK(saturate(127, 8) == 127);
  CHECK(saturate(128, 8) == 127);
  CHECK(saturate(-128, 8) == -128);
  CHECK(saturate(-129, 8) == -128);
  CHECK(accumulate(120, 7, 8) == 127);
  CHECK(accumulate(120, 8, 8) == 127);
  CHECK(accumulate(-120, -9, 8) == -128);
  CHECK(accumulate(-128, 100, 8) == -28);  // saturation is not sticky
  CHECK(accumulate(2147483647, 1, 32) == 2147483647);
}

namespace {
datapath_widths small_widths() {
  datapath_widths w;
  w.weight_bits = 8;
  w.acc_bits = 12;  // [-2048, 2047]
  w.mem_bits = 10;  // [-512, 511]
  w.frac_bits = 4;  // Q.4: 16 = 1.0
  w.mem_frac_bits = 0;
  return w;
}
}  // namespace

TEST_CASE("neuron_step: leaky subtract - delayed reset uses the previous membrane") {
  const datapath_widths w = small_widths();
  neuron_params p;
  p.reset = reset_kind::subtract;
  p.decay = 8;  // 0.5
  p.threshold = 20;
  p.reset_amount = 20;
  // step 0: m=0, acc 25 + bias 0 -> x=25, I = 25 (gain 16 = 1.0) -> 25 > 20: spike
  auto r0 = neuron_step(p, w, 16, 0, 25, 0);
  CHECK(r0.mem == 25);
  CHECK(r0.spike);
  // step 1: r = 25 > 20 -> subtract 20; D = 0.5*25 = 12.5 -> 13; acc 10 -> u = 13 + 10 - 20 = 3
  auto r1 = neuron_step(p, w, 16, 0, 10, r0.mem);
  CHECK(r1.mem == 3);
  CHECK_FALSE(r1.spike);
  // mem == threshold does not fire (strict)
  auto r2 = neuron_step(p, w, 16, 0, 20, 0);
  CHECK(r2.mem == 20);
  CHECK_FALSE(r2.spike);
  // bias is added in accumulator units before the gain: gain 24 = 1.5, acc 5, bias 3 -> 12
  auto r3 = neuron_step(p, w, 24, 3, 5, 0);
  CHECK(r3.mem == 12);
  // gain product rounding: 1.5 * 3 = 4.5 -> 5 (tie up); 1.5 * -3 = -4.5 -> -4
  CHECK(neuron_step(p, w, 24, 0, 3, 0).mem == 5);
  CHECK(neuron_step(p, w, 24, 0, -3, 0).mem == -4);
}

TEST_CASE("neuron_step: saturation of x (acc+bias) and of the membrane at both ends") {
  const datapath_widths w = small_widths();
  neuron_params p;
  p.reset = reset_kind::none;
  p.decay = 16;  // 1.0
  p.threshold = 100;
  // acc + bias = 2047 + 10 saturates to 2047 (acc_bits 12); membrane saturates to 511
  auto r = neuron_step(p, w, 16, 10, 2047, 0);
  CHECK(r.mem == 511);
  CHECK(r.spike);
  // negative end: -2048 + -10 -> -2048 -> membrane -512
  auto n = neuron_step(p, w, 16, -10, -2048, 0);
  CHECK(n.mem == -512);
  CHECK_FALSE(n.spike);
  // D + I overflows before saturation: 1.0*500 + 100 = 600 -> 511
  CHECK(neuron_step(p, w, 16, 0, 100, 500).mem == 511);
  CHECK(neuron_step(p, w, 16, 0, -100, -500).mem == -512);
}

TEST_CASE("neuron_step: zero resets (Leaky keeps the input - Lapicque zeroes all) and none") {
  const datapath_widths w = small_widths();
  neuron_params p;
  p.decay = 8;
  p.threshold = 20;
  p.reset_amount = 20;
  p.reset = reset_kind::zero_decayed;
  CHECK(neuron_step(p, w, 16, 0, 7, 30).mem == 7);        // r=1: old mem dropped, input kept
  CHECK(neuron_step(p, w, 16, 0, 7, 10).mem == 5 + 7);    // r=0: 0.5*10 + 7
  p.reset = reset_kind::zero_all;
  CHECK(neuron_step(p, w, 16, 0, 7, 30).mem == 0);        // r=1: everything zeroed
  CHECK(neuron_step(p, w, 16, 0, 7, 10).mem == 12);
  p.reset = reset_kind::none;
  CHECK(neuron_step(p, w, 16, 0, 7, 30).mem == 15 + 7);
}

TEST_CASE("neuron_step: reset_delay=false corrects in the same step (snnTorch Leaky)") {
  const datapath_widths w = small_widths();
  neuron_params p;
  p.reset = reset_kind::subtract;
  p.reset_delay = false;
  p.decay = 16;
  p.threshold = 20;
  p.reset_amount = 20;
  // m=0, x=25: u = 25, s = 1, r = 0 -> m = 25 - 20 = 5
  auto a = neuron_step(p, w, 16, 0, 25, 0);
  CHECK(a.spike);
  CHECK(a.mem == 5);
  // mem_prev 45 (> 20): r = 1, u = 45 + 0 - 20 = 25, s = 1, correction 0 -> 25
  auto b = neuron_step(p, w, 16, 0, 0, 45);
  CHECK(b.spike);
  CHECK(b.mem == 25);
  // mem_prev 30: u = 30 - 20 + 5 = 15, s = 0, r = 1 -> m = 15 + 20 = 35
  auto c = neuron_step(p, w, 16, 0, 5, 30);
  CHECK_FALSE(c.spike);
  CHECK(c.mem == 35);
  // zero: mem_prev 0, x 25: u = 25, s=1, r=0 -> 25*(1-1+0) = 0
  p.reset = reset_kind::zero_decayed;
  CHECK(neuron_step(p, w, 16, 0, 25, 0).mem == 0);
  // r=1, s=0: u*(1-0+1) = 2u; mem_prev 30 -> u = 0 + 5 = 5 -> 10
  CHECK(neuron_step(p, w, 16, 0, 5, 30).mem == 10);
}

TEST_CASE("neuron_step: negative decay (Lapicque beta < 1/e) makes the membrane oscillate") {
  const datapath_widths w = small_widths();
  neuron_params p;
  p.reset = reset_kind::none;
  p.decay = -3;  // -0.1875
  p.threshold = 500;
  // 100 -> D = -18.75 -> -19 (floor(-18.75+0.5) = -19) ; then -19 -> 3.5625 -> 4; then 4 -> -0.75 -> -1
  auto a = neuron_step(p, w, 16, 0, 0, 100);
  CHECK(a.mem == -19);
  auto b = neuron_step(p, w, 16, 0, 0, a.mem);
  CHECK(b.mem == 4);
  auto c = neuron_step(p, w, 16, 0, 0, b.mem);
  CHECK(c.mem == -1);
}

TEST_CASE("convert_neuron: leaky with a power-of-two scale is exact") {
  float_neuron n;
  n.model = neuron_model::leaky;
  n.beta = 0.5;
  n.threshold = 1.0;
  datapath_widths w;  // f = 16, k = 8
  const integer_neuron in = convert_neuron(n, w, {1.0 / 128}, 3);
  CHECK(in.membrane_scale == 1.0 / 32768);
  CHECK(in.params.decay == 32768);
  CHECK(in.gain == std::vector<std::int32_t>{16777216, 16777216, 16777216});
  CHECK(in.params.threshold == 32768);
  CHECK(in.params.reset_amount == 32768);
  CHECK(in.params.reset == reset_kind::subtract);
  // beta clamps to [0, 1]
  n.beta = 1.7;
  CHECK(convert_neuron(n, w, {1.0 / 128}, 1).params.decay == 65536);
  n.reset = float_reset::zero;
  CHECK(convert_neuron(n, w, {1.0 / 128}, 1).params.reset == reset_kind::zero_decayed);
}

TEST_CASE("convert_neuron: lapicque beta=0.3 gives a negative decay and gain -ln(beta)") {
  float_neuron n;
  n.model = neuron_model::lapicque;
  n.beta = 0.3;
  n.threshold = 1.0;
  n.reset = float_reset::zero;
  datapath_widths w;
  const integer_neuron in = convert_neuron(n, w, {1.0 / 128}, 1);
  // (1 + ln 0.3) * 2^16 = -13367.56 -> -13368 ; -ln 0.3 * 2^24 = 20199311.80 -> 20199312
  CHECK(in.params.decay == -13368);
  CHECK(in.gain[0] == 20199312);
  CHECK(in.params.reset == reset_kind::zero_all);
  CHECK(in.params.reset_delay);
  // one step: m_prev 1000, acc 10 -> D = -204, I = 3082, m = 2878
  auto r = neuron_step(in.params, w, in.gain[0], 0, 10, 1000);
  CHECK(r.mem == -204 + 3082);
}

TEST_CASE("convert_neuron: threshold rounds down so that m > threshold matches the real comparison") {
  float_neuron n;
  n.threshold = 1.3;  // 1.3 / 2^-10 = 1331.2 -> 1331 ; reset_amount rounds to nearest 1331
  datapath_widths w;
  w.mem_frac_bits = 0;
  const integer_neuron in = convert_neuron(n, w, {1.0 / 1024}, 1);
  CHECK(in.params.threshold == 1331);
  // m = 1331 represents 1.2998 < 1.3 (no spike), 1332 represents 1.30078 > 1.3 (spike)
  CHECK_FALSE(1331 > in.params.threshold);
  CHECK(1332 > in.params.threshold);
  n.threshold = 1.3 + 0.6 / 1024;  // 1331.8 -> threshold 1331, reset 1332
  const integer_neuron in2 = convert_neuron(n, w, {1.0 / 1024}, 1);
  CHECK(in2.params.threshold == 1331);
  CHECK(in2.params.reset_amount == 1332);
}

TEST_CASE("convert_neuron: per-channel scales give per-channel gains") {
  float_neuron n;
  datapath_widths w;
  w.frac_bits = 16;
  w.mem_frac_bits = 4;
  // membrane LSB = max scale / 16 = 0.25/16; channel scale 0.125 -> gain 0.5 * 16 * 2^16
  const integer_neuron in = convert_neuron(n, w, {0.25, 0.125}, 2);
  CHECK(in.gain[0] == 16 * 65536);
  CHECK(in.gain[1] == 8 * 65536);
}

TEST_CASE("convert_neuron: values that do not fit are rejected with bad_input") {
  float_neuron n;
  n.threshold = 1000.0;
  datapath_widths w;
  w.mem_bits = 16;
  CHECK_THROWS_AS(convert_neuron(n, w, {1.0 / 128}, 1), snncosim::bad_input);  // 1000*32768 > 32767
  float_neuron lap;
  lap.model = neuron_model::lapicque;
  lap.beta = -1;  // not given, and no R and C
  CHECK_THROWS_AS(convert_neuron(lap, datapath_widths{}, {1.0}, 1), snncosim::bad_input);
  datapath_widths bad;
  bad.weight_bits = 5;
  CHECK_THROWS_AS(validate(bad), snncosim::bad_input);
}

TEST_CASE("derive_coefficients: snnTorch's Lapicque cases") {
  float_neuron n;
  n.model = neuron_model::lapicque;
  n.beta = 0.8;
  auto c = derive_coefficients(n);
  CHECK(c.decay == doctest::Approx(0.776856).epsilon(1e-6));
  CHECK(c.input_gain == doctest::Approx(0.223144).epsilon(1e-5));
  n.beta = 0;
  n.r = 2;
  n.c = 4;
  n.time_step = 1;
  c = derive_coefficients(n);
  CHECK(c.decay == doctest::Approx(1 - 1.0 / 8));
  CHECK(c.input_gain == doctest::Approx(0.25));
  n.beta = 0.8;
  n.c = 0;  // beta and R: gain R * ln(1/beta)
  c = derive_coefficients(n);
  CHECK(c.input_gain == doctest::Approx(2 * 0.223144).epsilon(1e-5));
  CHECK(c.decay == doctest::Approx(0.776856).epsilon(1e-6));
}
