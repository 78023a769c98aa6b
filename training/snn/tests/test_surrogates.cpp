// Surrogates against the formulas of docs/neurons.md, evaluated here in double.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <string>

#include "snncosim/common/error.h"
#include "snncosim/snn/surrogate.h"

using namespace snncosim::snn;

namespace {
constexpr double pi = std::numbers::pi;

float g_at(const std::string& name, float u, param_map p = {}) {
  return make_surrogate({name, std::move(p), 0})->grad(u);
}

void check_close(double got, double want, double rel = 2e-6, double abs = 1e-30) {
  CHECK(std::fabs(got - want) <= std::max(abs, rel * std::fabs(want)));
}

std::string message_of(const surrogate_spec& s) {
  try {
    make_surrogate(s);
  } catch (const snncosim::bad_input& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("forward is strict: u == 0 gives no spike") {
  CHECK(heaviside_strict(0.0f) == 0.0f);
  CHECK(heaviside_strict(-0.0f) == 0.0f);
  CHECK(heaviside_strict(1e-30f) == 1.0f);
}

TEST_CASE("atan follows the code - not the docstring - peak alpha/2") {
  check_close(g_at("atan", 0.0f), 1.0);
  check_close(g_at("atan", 0.0f, {{"alpha", 3.0}}), 1.5);
  for (double u : {-1.0, -0.3, 0.25, 0.5, 2.0}) {
    const double z = pi / 2 * 2.0 * u;
    check_close(g_at("atan", static_cast<float>(u)), 1.0 / (1.0 + z * z), 1e-6);
  }
  // The docstring's 1/pi * 1/(1+(pi u alpha/2)^2) would give 1/pi at 0.
  CHECK(std::fabs(g_at("atan", 0.0f) - 1.0 / pi) > 0.5);
}

TEST_CASE("sigmoid: peak slope/4 - stable form - legacy overflow reproduced on request") {
  check_close(g_at("sigmoid", 0.0f), 6.25);
  const double e = std::exp(-50.0);
  check_close(g_at("sigmoid", 2.0f), 25.0 * e / ((1 + e) * (1 + e)), 1e-5);
  check_close(g_at("sigmoid", -2.0f), 25.0 * e / ((1 + e) * (1 + e)), 1e-5);  // even function
  check_close(g_at("sigmoid", 0.1f), 25 * std::exp(-2.5) / std::pow(std::exp(-2.5) + 1, 2), 1e-6);
  CHECK(g_at("sigmoid", -2.0f, {{"legacy_overflow", 1.0}}) == 0.0f);
  CHECK(std::isnan(g_at("sigmoid", -4.0f, {{"legacy_overflow", 1.0}})));
  CHECK(g_at("sigmoid", 2.0f, {{"legacy_overflow", 1.0}}) > 0.0f);
  CHECK(std::isfinite(g_at("sigmoid", -40.0f)));
}

TEST_CASE("fast_sigmoid: peak 1 at u=0 - rational decay") {
  check_close(g_at("fast_sigmoid", 0.0f), 1.0);
  check_close(g_at("fast_sigmoid", 0.1f), 1.0 / (3.5 * 3.5), 1e-6);
  check_close(g_at("fast_sigmoid", -0.1f), 1.0 / (3.5 * 3.5), 1e-6);
  check_close(g_at("fast_sigmoid", 0.1f, {{"slope", 10.0}}), 0.25, 1e-6);
}

TEST_CASE("spike_rate_escape peaks at u=1 with height slope - 25/e at u=0") {
  check_close(g_at("spike_rate_escape", 0.0f), 9.19699, 1e-5);
  check_close(g_at("spike_rate_escape", 0.0f), 25.0 * std::exp(-1.0), 1e-6);
  check_close(g_at("spike_rate_escape", 1.0f), 25.0);
  check_close(g_at("spike_rate_escape", 2.5f, {{"beta", 2.0}, {"slope", 4.0}}),
              4.0 * std::exp(-3.0), 1e-6);
}

TEST_CASE("triangular is a sign-flipped constant with the flip at u >= 0") {
  CHECK(g_at("triangular", -0.5f) == 1.0f);
  CHECK(g_at("triangular", 0.0f) == -1.0f);
  CHECK(heaviside_strict(0.0f) == 0.0f);
  CHECK(g_at("triangular", 0.5f) == -1.0f);
  CHECK(g_at("triangular", -3.0f, {{"threshold", 2.0}}) == 2.0f);
}

TEST_CASE("straight_through_estimator - heaviside - sfs - lso") {
  CHECK(g_at("straight_through_estimator", -7.0f) == 1.0f);
  CHECK(g_at("disabled", 0.1f) == 0.0f);  // surrogate_disable=True
  CHECK(g_at("disabled", -0.1f) == 0.0f);
  CHECK(g_at("heaviside", 0.0f) == 0.0f);
  CHECK(g_at("heaviside", 0.01f) == 1.0f);
  CHECK(g_at("sfs", 0.5f) == 0.0f);
  CHECK(g_at("sfs", 1.0f) == 0.0f);  // u > B strictly
  check_close(g_at("sfs", 1.5f), 1.0 / (38.5 * 38.5), 1e-6);
  check_close(g_at("SFS", 0.5f, {{"B", 0.0}}), 1.0 / (13.5 * 13.5), 1e-6);  // case-insensitive
  check_close(g_at("lso", 0.0f), 0.1, 1e-7);
  CHECK(g_at("lso", 0.2f) == 1.0f);
  check_close(g_at("lso", -1.0f, {{"slope", 0.3}}), 0.3, 1e-7);
}

TEST_CASE("sso is stochastic - seeded and bounded") {
  auto a = make_surrogate({"sso", {}, 42});
  auto b = make_surrogate({"sso", {}, 42});
  auto c = make_surrogate({"sso", {}, 43});
  CHECK(a->stochastic());
  CHECK(a->grad(0.5f) == 1.0f);  // draws like torch.rand_like: one number per element
  CHECK(b->grad(0.5f) == 1.0f);
  CHECK(c->grad(0.5f) == 1.0f);
  bool differs = false;
  double sum = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const float ga = a->grad(-0.1f);
    REQUIRE(ga == b->grad(-0.1f));
    differs = differs || ga != c->grad(-0.1f);
    REQUIRE(ga >= -0.5f * 0.2f);
    REQUIRE(ga < 0.5f * 0.2f);
    sum += ga;
  }
  CHECK(differs);
  CHECK(std::fabs(sum / n) < 0.005);  // mean (0 + mean) * variance = 0
  auto d = make_surrogate({"sso", {{"mean", 0.5}, {"variance", 1.0}}, 7});
  for (int i = 0; i < 100; ++i) {
    const float g = d->grad(0.0f);
    REQUIRE(g >= 0.0f);
    REQUIRE(g < 1.0f);
  }
  a->reseed(42);
  b->reseed(42);
  CHECK(a->grad(-1.0f) == b->grad(-1.0f));
}

TEST_CASE("SpikingJelly extras match their formulas") {
  check_close(g_at("piecewise_quadratic", 0.5f), 0.5);
  CHECK(g_at("piecewise_quadratic", 1.5f) == 0.0f);
  check_close(g_at("piecewise_quadratic", 0.1f, {{"alpha", 2.0}}), 2.0 - 4.0 * 0.1, 1e-6);
  check_close(g_at("piecewise_exp", -1.0f), 0.5 * std::exp(-1.0), 1e-6);
  check_close(g_at("soft_sign", 0.0f), 1.0);
  check_close(g_at("soft_sign", 1.0f), 2.0 / (2.0 * 9.0), 1e-6);
  check_close(g_at("super_spike", 1.0f), 0.25);
  check_close(g_at("nonzero_sign_log_abs", 1.0f), 0.5);
  check_close(g_at("erf", 0.0f), 2.0 / std::sqrt(pi), 1e-6);
  check_close(g_at("erf", 0.5f), 2.0 / std::sqrt(pi) * std::exp(-1.0), 1e-6);
  check_close(g_at("piecewise_leaky_relu", 0.5f), 0.5);
  check_close(g_at("piecewise_leaky_relu", 1.0f), 0.01, 1e-6);
  check_close(g_at("squarewave_fourier_series", 0.0f), 0.5);
  CHECK(std::fabs(g_at("squarewave_fourier_series", 2.0f)) < 1e-7);
  check_close(g_at("squarewave_fourier_series", 0.5f, {{"n", 3.0}}),
              0.5 * (std::cos(pi / 8) + std::cos(3 * pi / 8)), 1e-5);
  const double s = 1.0 / (1.0 + std::exp(4.0));
  check_close(g_at("s2nn", -1.0f), 4.0 * s * (1 - s), 1e-5);
  check_close(g_at("s2nn", 0.0f), 1.0);
  check_close(g_at("s2nn", 3.0f), 0.25);
  check_close(g_at("q_pseudo_spike", 0.5f), 0.25, 1e-6);
  CHECK(g_at("leaky_k_relu", 0.0f) == 1.0f);
  CHECK(g_at("leaky_k_relu", -1.0f, {{"leak", 0.1}}) == doctest::Approx(0.1));
  check_close(g_at("fake_numerical_gradient", 0.0f), 0.3, 1e-7);
  check_close(g_at("fake_numerical_gradient", 10.0f), 0.1, 1e-6);
  check_close(g_at("fake_numerical_gradient", -1.0f), 0.3, 1e-7);
  CHECK(g_at("log_tailed_relu", 0.0f) == 0.0f);
  CHECK(g_at("log_tailed_relu", 0.5f) == 1.0f);
  check_close(g_at("log_tailed_relu", 4.0f), 0.25);
  CHECK(g_at("rect", 0.4f) == 1.0f);
  CHECK(g_at("rect", 0.5f) == 0.0f);
}

TEST_CASE("batched grad equals the pointwise grad for every built-in") {
  const float u[] = {-2.0f, -0.7f, -0.1f, 0.0f, 0.05f, 0.4f, 1.0f, 3.0f};
  for (const auto& name : surrogate_names()) {
    if (surrogate_description(name).stochastic || surrogate_description(name).origin == "user")
      continue;
    auto s = make_surrogate({name, {}, 0});
    float g[8];
    s->grad(u, g, 8);
    for (int i = 0; i < 8; ++i) {
      const float want = s->grad(u[i]);
      CHECK_MESSAGE((g[i] == want || (std::isnan(g[i]) && std::isnan(want))), name);
    }
  }
}

TEST_CASE("unknown surrogate or parameter is bad_input naming it and listing valid ones") {
  const std::string m1 = message_of({"fast_sigmod", {}, 0});
  CHECK(m1.find("fast_sigmod") != std::string::npos);
  CHECK(m1.find("fast_sigmoid") != std::string::npos);
  CHECK(m1.find("spike_rate_escape") != std::string::npos);
  const std::string m2 = message_of({"atan", {{"slope", 3.0}}, 0});
  CHECK(m2.find("slope") != std::string::npos);
  CHECK(m2.find("alpha") != std::string::npos);
  CHECK_THROWS_AS(make_surrogate({"q_pseudo_spike", {{"alpha", 1.0}}, 0}), snncosim::bad_input);
}

TEST_CASE("user-registered surrogate") {
  register_surrogate("box_test", param_map{{"width", 0.5}},
                     surrogate_function([](float u, const param_map& p) {
                       return std::fabs(u) < p.at("width") ? 1.0f : 0.0f;
                     }),
                     "1 if |u| < width");
  CHECK(g_at("box_test", 0.3f) == 1.0f);
  CHECK(g_at("box_test", 0.3f, {{"width", 0.2}}) == 0.0f);
  CHECK(surrogate_description("box_test").origin == "user");
  CHECK_THROWS_AS(register_surrogate("box_test", param_map{},
                                     surrogate_function([](float, const param_map&) { return 0.0f; })),
                  std::invalid_argument);
  CHECK_THROWS_AS(make_surrogate({"box_test", {{"alpha", 1.0}}, 0}), snncosim::bad_input);
}
