// Neuron forward dynamics against hand calculations from the formulas of docs/neurons.md.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "snncosim/common/error.h"
#include "snncosim/snn/neuron.h"

using namespace snncosim::snn;

namespace {

struct trace {
  std::vector<float> spk, mem;
};

// Run one neuron (n = 1) over the inputs, both through the taped and the inference path,
// and require them to agree.
trace run(const neuron_config& cfg, const std::vector<float>& x) {
  neuron_layer a(cfg, 1, x.size());
  neuron_layer b(cfg, 1, x.size());
  a.reset_state();
  b.reset_state();
  trace tr;
  for (std::size_t t = 0; t < x.size(); ++t) {
    float s = -1, m = -1, s2 = -1, m2 = -1;
    a.forward(t, &x[t], &s, &m);
    b.forward_inference(&x[t], &s2, &m2);
    REQUIRE(s == s2);
    REQUIRE(m == m2);
    REQUIRE(*a.mem() == m);
    tr.spk.push_back(s);
    tr.mem.push_back(m);
  }
  return tr;
}

neuron_config leaky(float beta, reset_mode r = reset_mode::subtract, bool delay = true) {
  neuron_config c = default_neuron_config("leaky");
  c.beta = beta;
  c.reset = r;
  c.reset_delay = delay;
  return c;
}

void check_seq(const std::vector<float>& got, const std::vector<double>& want) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    CHECK_MESSAGE(std::fabs(got[i] - want[i]) <= 1e-6 * std::max(1.0, std::fabs(want[i])),
                  "step " << i << ": " << got[i] << " vs " << want[i]);
}

}  // namespace

TEST_CASE("leaky: mem == threshold gives no spike (strict >)") {
  const trace tr = run(leaky(0.5f), {1.0f, 0.0f});
  check_seq(tr.spk, {0, 0});
  check_seq(tr.mem, {1.0, 0.5});
}

TEST_CASE("leaky subtract: spike from the updated mem - reset next step - returned mem pre-reset") {
  const trace tr = run(leaky(0.9f), {0.6f, 0.6f, 0.6f, 0.0f});
  check_seq(tr.spk, {0, 1, 0, 0});
  const double m1 = 0.9 * 0.6 + 0.6;      // 1.14 > 1: spike, returned as is
  const double m2 = 0.9 * m1 + 0.6 - 1.0;  // reset applied one step later
  check_seq(tr.mem, {0.6, m1, m2, 0.9 * m2});
}

TEST_CASE("leaky zero reset keeps the new input (docstring is wrong)") {
  const trace tr = run(leaky(0.9f, reset_mode::zero), {1.5f, 0.2f, 0.3f});
  check_seq(tr.spk, {1, 0, 0});
  check_seq(tr.mem, {1.5, 0.2, 0.9 * 0.2 + 0.3});
}

TEST_CASE("leaky reset none integrates through spikes") {
  const trace tr = run(leaky(1.0f, reset_mode::none), {0.7f, 0.7f, 0.7f});
  check_seq(tr.spk, {0, 1, 1});
  check_seq(tr.mem, {0.7, 1.4, 2.1});
}

TEST_CASE("leaky reset_delay=false subtract: post-reset mem returned - quirk above 2 theta") {
  const trace a = run(leaky(0.9f, reset_mode::subtract, false), {1.5f, 0.0f});
  check_seq(a.spk, {1, 0});
  check_seq(a.mem, {0.5, 0.45});
  // m0 = 2.5 - 1 = 1.5 stays above θ, so r1 = 1 is subtracted before firing: u1 = 1.5+0.4-1 =
  // 0.9 does not fire and d = 0 - 1 adds θ back: m1 = 1.9.
  const trace b = run(leaky(1.0f, reset_mode::subtract, false), {2.5f, 0.4f, 0.3f});
  check_seq(b.spk, {1, 0, 1});
  check_seq(b.mem, {1.5, 1.9, 1.2});
}

TEST_CASE("leaky reset_delay=false zero: mem zeroed in the spiking step") {
  const trace tr = run(leaky(0.9f, reset_mode::zero, false), {1.5f, 0.2f});
  check_seq(tr.spk, {1, 0});
  check_seq(tr.mem, {0.0, 0.2});
}

TEST_CASE("leaky graded spikes and beta clamp") {
  neuron_config c = leaky(1.3f);  // behaves as 1.0
  c.graded_spikes_factor = 2.5f;
  const trace tr = run(c, {0.6f, 0.6f, 0.0f});
  check_seq(tr.spk, {0, 2.5, 0});
  check_seq(tr.mem, {0.6, 1.2, 0.2});  // reset subtracts θ, not g·θ
}

TEST_CASE("lapicque beta-only derivation: decay 1 + ln b - gain -ln b - independent of dt") {
  neuron_config c = default_neuron_config("lapicque");
  c.beta = 0.8f;
  auto k = derive_lapicque(c);
  CHECK(k.decay == doctest::Approx(0.776856).epsilon(1e-6));
  CHECK(k.input_gain == doctest::Approx(0.223144).epsilon(1e-6));
  c.time_step = 0.25f;
  auto k2 = derive_lapicque(c);
  CHECK(k2.decay == doctest::Approx(k.decay));
  CHECK(k2.input_gain == doctest::Approx(k.input_gain));
  c.beta = 0.9f;
  CHECK(derive_lapicque(c).decay == doctest::Approx(0.894639).epsilon(1e-6));
  c.beta = 0.3f;
  CHECK(derive_lapicque(c).decay == doctest::Approx(-0.203973).epsilon(1e-5));
  CHECK(derive_lapicque(c).decay < 0.0);  // b < 1/e oscillates
}

TEST_CASE("lapicque R/C variants") {
  neuron_config c = default_neuron_config("lapicque");
  c.beta = 0.0f;
  c.r = 2.0f;
  c.c = 0.5f;
  c.time_step = 0.1f;
  auto k = derive_lapicque(c);  // gain dt/C, decay 1 - dt/(RC)
  CHECK(k.input_gain == doctest::Approx(0.2));
  CHECK(k.decay == doctest::Approx(0.9));
  c.beta = 0.8f;
  c.c = 0.0f;  // beta + R: gain R ln(1/b)
  k = derive_lapicque(c);
  CHECK(k.input_gain == doctest::Approx(2.0 * std::log(1.0 / 0.8)));
  CHECK(k.decay == doctest::Approx(1.0 + std::log(0.8)));
  c.r = 0.0f;
  c.c = 0.5f;
  c.time_step = 1.0f;  // beta + C: gain dt/C
  k = derive_lapicque(c);
  CHECK(k.input_gain == doctest::Approx(2.0));
  CHECK(k.decay == doctest::Approx(1.0 + std::log(0.8)));
  c.beta = 0.0f;
  c.r = 0.0f;
  CHECK_THROWS_AS(validate(c), snncosim::bad_input);  // only C
  c.beta = 0.8f;
  c.r = 1.0f;
  CHECK_THROWS_AS(validate(c), snncosim::bad_input);  // all three
}

TEST_CASE("lapicque forward is not leaky - zero reset zeroes the input too") {
  neuron_config c = default_neuron_config("lapicque");
  c.beta = 0.8f;
  const double g = -std::log(0.8), d = 1.0 + std::log(0.8);
  const trace a = run(c, {3.0f, 3.0f, 3.0f, 0.0f});
  const double m0 = g * 3, m1 = g * 3 + d * m0;
  REQUIRE(m1 > 1.0);                        // 1.1895: spikes at step 1
  const double m2 = g * 3 + d * m1 - 1.0;  // 0.5935: reset subtracts at step 2
  check_seq(a.mem, {m0, m1, m2, d * m2});
  check_seq(a.spk, {0, 1, 0, 0});
  c.reset = reset_mode::zero;
  const trace b = run(c, {6.0f, 2.0f});
  CHECK(b.spk[0] == 1.0f);   // 6 * 0.223 = 1.339
  CHECK(b.mem[1] == 0.0f);   // (1 - r) * (whole new value)
}

TEST_CASE("synaptic: syn and mem - subtract and zero reset") {
  neuron_config c = default_neuron_config("synaptic");
  c.alpha = 0.5f;
  c.beta = 0.8f;
  const trace a = run(c, {1.0f, 0.0f, 0.0f});
  check_seq(a.spk, {0, 1, 0});
  check_seq(a.mem, {1.0, 0.8 + 0.5, 0.8 * 1.3 + 0.25 - 1.0});
  c.reset = reset_mode::zero;
  const trace b = run(c, {1.0f, 0.0f, 0.0f});
  check_seq(b.mem, {1.0, 1.3, 0.0});
}

TEST_CASE("alpha: tau from the code - zero reset default - subtract uses pre-reset currents") {
  const neuron_config c = default_neuron_config("alpha");
  CHECK(c.reset == reset_mode::zero);
  const double tau = std::log(0.9) / (std::log(0.8) - std::log(0.9)) + 1.0;
  CHECK(alpha_tau(0.9f, 0.8f) == doctest::Approx(tau));
  const trace a = run(c, {5.0f, 0.0f, 0.0f, 0.0f});
  // E: 5, 4.5, 4.05 ; I: -5, -4, -3.2 ; m = tau (E + I)
  const double m1 = tau * 0.5, m2 = tau * 0.85;
  REQUIRE(m1 < 1.0);
  REQUIRE(m2 > 1.0);
  check_seq(a.spk, {0, 0, 1, 0});
  check_seq(a.mem, {0.0, m1, m2, 0.0});  // zero: E, I and m all zeroed after the spike
  neuron_config s = c;
  s.reset = reset_mode::subtract;
  const trace b = run(s, {5.0f, 0.0f, 0.0f, 0.0f});
  // step 3, r = 1: E3 = 0.9*4.05 - 1, I3 = 0, m3 = tau(3.645 - 2.56) + I2 (pre-reset currents)
  check_seq(b.mem, {0.0, m1, m2, tau * (3.645 - 2.56) + (-3.2)});
  neuron_config bad = c;
  bad.alpha = 0.7f;
  bad.beta = 0.8f;
  CHECK_THROWS_AS(validate(bad), snncosim::bad_input);
}

TEST_CASE("invalid configurations are bad_input naming the field") {
  neuron_config c = default_neuron_config("lapicque");
  c.learn_beta = true;
  try {
    validate(c);
    FAIL("expected bad_input");
  } catch (const snncosim::bad_input& e) {
    CHECK(std::string(e.what()).find("learn_beta") != std::string::npos);
  }
  CHECK_THROWS_AS(parse_neuron_model("lif"), snncosim::bad_input);
  CHECK_THROWS_AS(parse_reset_mode("hard"), snncosim::bad_input);
  neuron_config s = default_neuron_config("synaptic");
  s.graded_spikes_factor = 2.0f;
  CHECK_THROWS_AS(validate(s), snncosim::bad_input);
  neuron_config l = default_neuron_config("leaky");
  l.surrogate.name = "nope";
  CHECK_THROWS_AS(neuron_layer(l, 4, 4), snncosim::bad_input);
}

TEST_CASE("layer of n elements - independent elements - set_size - step order") {
  neuron_config c = leaky(0.9f);
  neuron_layer layer(c, 3, 2);
  const float x0[] = {0.5f, 1.5f, -1.0f}, x1[] = {0.6f, 0.0f, 2.5f};
  float s[3], m[3];
  CHECK(layer.forward(0, x0, s, m) == 1);  // the number of spikes
  CHECK(s[1] == 1.0f);
  CHECK(s[0] == 0.0f);
  CHECK(layer.forward(1, x1, s, m) == 2);  // 1.05 and 1.6 cross 1, 0.35 does not
  CHECK(m[0] == doctest::Approx(0.45 + 0.6));
  CHECK(m[1] == doctest::Approx(1.35 - 1.0));
  CHECK(m[2] == doctest::Approx(-0.9 + 2.5));
  CHECK_THROWS(layer.forward(2, x1, s, m));  // beyond max_steps
  layer.reset_state();
  CHECK_THROWS(layer.forward(1, x1, s, m));  // out of order
  layer.set_size(2);
  layer.forward(0, x0, s, m);
  CHECK(layer.size() == 2);
  CHECK_THROWS(layer.set_size(4));
}

// The spike count forward returns is summed over chunks, in parallel for large layers.
TEST_CASE("forward returns the number of spikes - large layer - graded spikes") {
  neuron_config c = leaky(0.9f);
  c.graded_spikes_factor = 2.5f;
  const std::size_t n = 20000;  // more than 8 chunks of 1024: the chunks run in parallel
  neuron_layer a(c, n, 3), b(c, n, 3);
  std::vector<float> x(n), s(n), s2(n);
  for (std::size_t t = 0; t < 3; ++t) {
    for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<float>((i * 7919 + t * 104729) % 1000) / 500.0f;
    const std::size_t spikes = a.forward(t, x.data(), s.data(), nullptr);
    const std::size_t spikes2 = b.forward_inference(x.data(), s2.data(), nullptr);
    std::size_t expected = 0;
    for (std::size_t i = 0; i < n; ++i) expected += s[i] == 2.5f ? 1 : 0;
    CHECK(expected > n / 4);
    CHECK(spikes == expected);
    CHECK(spikes2 == expected);
  }
}
