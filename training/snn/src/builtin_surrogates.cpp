// snnTorch 0.9.4 surrogates (surrogate.py) and the SpikingJelly extras, as backward factors
// f'(u) of u = mem - threshold. Formulas follow the code, not the docstrings
// (see docs/neurons.md).
#include <cmath>
#include <numbers>
#include <string>

#include "builtin_surrogates.h"
#include "snncosim/common/error.h"
#include "snncosim/common/rng.h"

namespace snncosim::snn::detail {
namespace {

// One class per formula so the batched loop inlines the formula (vectorisable).
template <class F>
class pointwise_surrogate final : public surrogate {
 public:
  pointwise_surrogate(std::string name, param_map p, F f)
      : surrogate(std::move(name), std::move(p)), m_f(f) {}
  float grad(float u) override { return m_f(u); }
  void grad(const float* u, float* g, std::size_t n) override {
    for (std::size_t i = 0; i < n; ++i) g[i] = m_f(u[i]);
  }

 private:
  F m_f;
};

template <class F>
std::unique_ptr<surrogate> make_pointwise(const std::string& name, const param_map& p, F f) {
  return std::make_unique<pointwise_surrogate<F>>(name, p, f);
}

float par(const param_map& p, const char* key) { return static_cast<float>(p.at(key)); }

// snnTorch SSO: 1 above threshold, (U[0,1) - 0.5 + mean) * variance below. U comes from the
// project's seeded generator, so the stream is the same on every standard library.
class sso_surrogate final : public surrogate {
 public:
  sso_surrogate(const param_map& p, std::uint64_t seed)
      : surrogate("sso", p), m_mean(par(p, "mean")), m_variance(par(p, "variance")), m_rng(seed) {}
  float grad(float u) override {
    const float r = m_rng.uniform_float();
    return u > 0.0f ? 1.0f : (r - 0.5f + m_mean) * m_variance;
  }
  void grad(const float* u, float* g, std::size_t n) override {
    for (std::size_t i = 0; i < n; ++i) g[i] = grad(u[i]);
  }
  bool stochastic() const override { return true; }
  void reseed(std::uint64_t seed) override { m_rng.seed(seed); }

 private:
  float m_mean;
  float m_variance;
  rng m_rng;
};

// k·σ(ku)(1-σ(ku)) written as k·e/(1+e)² with e = exp(-k|u|) (the function is even), so it
// never overflows; for u >= 0 it is snnTorch's own evaluation order.
inline float stable_sigmoid_grad(float k, float u) {
  const float e = std::exp(-k * std::fabs(u));
  return k * e / ((e + 1.0f) * (e + 1.0f));
}

void require(bool ok, const std::string& name, const std::string& what) {
  if (!ok) throw bad_input("surrogate '" + name + "': " + what);
}

}  // namespace

std::vector<builtin_surrogate> builtin_surrogates() {
  constexpr float pi = std::numbers::pi_v<float>;
  std::vector<builtin_surrogate> v;
  auto add = [&v](std::string name, param_map defaults, std::string formula, std::string origin,
                  surrogate_factory f) {
    v.push_back({std::move(name), std::move(defaults), std::move(formula), std::move(origin),
                 false, std::move(f)});
  };

  // ---- snnTorch ----
  add("atan", {{"alpha", 2.0}}, "(alpha/2) / (1 + (pi/2*alpha*u)^2)", "snntorch",
      [pi](const param_map& p, std::uint64_t) {
        const float a = par(p, "alpha");
        return make_pointwise("atan", p, [a, pi](float u) {
          const float z = pi / 2.0f * a * u;
          return a / 2.0f / (1.0f + z * z);
        });
      });
  add("sigmoid", {{"slope", 25.0}, {"legacy_overflow", 0.0}},
      "slope*exp(-slope*u)/(exp(-slope*u)+1)^2 = slope*s(1-s); legacy_overflow=1 reproduces the "
      "0.9.4 float32 overflow (0 below u~-1.78, NaN below u~-3.42)",
      "snntorch", [](const param_map& p, std::uint64_t) -> std::unique_ptr<surrogate> {
        const float k = par(p, "slope");
        if (p.at("legacy_overflow") != 0.0) {
          return make_pointwise("sigmoid", p, [k](float u) {
            const float e = std::exp(-k * u);
            return k * e / ((e + 1.0f) * (e + 1.0f));
          });
        }
        return make_pointwise("sigmoid", p, [k](float u) { return stable_sigmoid_grad(k, u); });
      });
  add("fast_sigmoid", {{"slope", 25.0}}, "1 / (slope*|u| + 1)^2", "snntorch",
      [](const param_map& p, std::uint64_t) {
        const float k = par(p, "slope");
        return make_pointwise("fast_sigmoid", p, [k](float u) {
          const float d = k * std::fabs(u) + 1.0f;
          return 1.0f / (d * d);
        });
      });
  add("spike_rate_escape", {{"beta", 1.0}, {"slope", 25.0}},
      "slope * exp(-beta*|u - 1|)  (peak slope at u = 1, i.e. mem = threshold + 1)", "snntorch",
      [](const param_map& p, std::uint64_t) {
        const float b = par(p, "beta");
        const float k = par(p, "slope");
        return make_pointwise("spike_rate_escape", p,
                              [b, k](float u) { return k * std::exp(-b * std::fabs(u - 1.0f)); });
      });
  add("triangular", {{"threshold", 1.0}}, "+threshold if u < 0, -threshold if u >= 0", "snntorch",
      [](const param_map& p, std::uint64_t) {
        const float th = par(p, "threshold");
        return make_pointwise("triangular", p, [th](float u) { return u < 0.0f ? th : -th; });
      });
  add("straight_through_estimator", {}, "1", "snntorch", [](const param_map& p, std::uint64_t) {
    return make_pointwise("straight_through_estimator", p, [](float) { return 1.0f; });
  });
  add("heaviside", {}, "H(u) = 1 if u > 0 else 0 (the spike itself)", "snntorch",
      [](const param_map& p, std::uint64_t) {
        return make_pointwise("heaviside", p, [](float u) { return heaviside_strict(u); });
      });
  add("disabled", {}, "0 (snnTorch surrogate_disable=True: no gradient through the spike)",
      "snntorch", [](const param_map& p, std::uint64_t) {
        return make_pointwise("disabled", p, [](float) { return 0.0f; });
      });
  add("sfs", {{"slope", 25.0}, {"B", 1.0}}, "1/(slope*|u|+1)^2 if u > B else 0", "snntorch",
      [](const param_map& p, std::uint64_t) {
        const float k = par(p, "slope");
        const float b = par(p, "B");
        return make_pointwise("sfs", p, [k, b](float u) {
          const float d = k * std::fabs(u) + 1.0f;
          return u > b ? 1.0f / (d * d) : 0.0f;
        });
      });
  v.push_back({"sso", {{"mean", 0.0}, {"variance", 0.2}},
               "1 if u > 0 else (U[0,1) - 0.5 + mean) * variance  (stochastic, seeded)", "snntorch",
               true, [](const param_map& p, std::uint64_t seed) -> std::unique_ptr<surrogate> {
                 return std::make_unique<sso_surrogate>(p, seed);
               }});
  add("lso", {{"slope", 0.1}}, "1 if u > 0 else slope  (intended semantics; 0.9.4 raises)",
      "snntorch", [](const param_map& p, std::uint64_t) {
        const float k = par(p, "slope");
        return make_pointwise("lso", p, [k](float u) { return u > 0.0f ? 1.0f : k; });
      });

  // ---- SpikingJelly extras (backward only; the forward stays snnTorch's strict u > 0) ----
  add("piecewise_quadratic", {{"alpha", 1.0}}, "alpha - alpha^2*|u| if |u| <= 1/alpha else 0",
      "spikingjelly", [](const param_map& p, std::uint64_t) {
        const float a = par(p, "alpha");
        require(a > 0.0f, "piecewise_quadratic", "alpha must be > 0");
        return make_pointwise("piecewise_quadratic", p, [a](float u) {
          const float au = std::fabs(u);
          return au <= 1.0f / a ? a - a * a * au : 0.0f;
        });
      });
  add("piecewise_exp", {{"alpha", 1.0}}, "(alpha/2) * exp(-alpha*|u|)", "spikingjelly",
      [](const param_map& p, std::uint64_t) {
        const float a = par(p, "alpha");
        return make_pointwise("piecewise_exp", p,
                              [a](float u) { return a / 2.0f * std::exp(-a * std::fabs(u)); });
      });
  add("soft_sign", {{"alpha", 2.0}}, "alpha / (2 (1 + alpha*|u|)^2)", "spikingjelly",
      [](const param_map& p, std::uint64_t) {
        const float a = par(p, "alpha");
        return make_pointwise("soft_sign", p, [a](float u) {
          const float d = 1.0f + a * std::fabs(u);
          return a / (2.0f * d * d);
        });
      });
  add("super_spike", {{"alpha", 1.0}}, "alpha / (|u| + 1)^2", "spikingjelly",
      [](const param_map& p, std::uint64_t) {
        const float a = par(p, "alpha");
        return make_pointwise("super_spike", p, [a](float u) {
          const float d = std::fabs(u) + 1.0f;
          return a / (d * d);
        });
      });
  add("nonzero_sign_log_abs", {{"alpha", 1.0}}, "1 / (1/alpha + |u|)", "spikingjelly",
      [](const param_map& p, std::uint64_t) {
        const float a = par(p, "alpha");
        require(a > 0.0f, "nonzero_sign_log_abs", "alpha must be > 0");
        return make_pointwise("nonzero_sign_log_abs", p,
                              [a](float u) { return 1.0f / (1.0f / a + std::fabs(u)); });
      });
  add("erf", {{"alpha", 2.0}}, "(alpha/sqrt(pi)) * exp(-alpha^2 u^2)", "spikingjelly",
      [](const param_map& p, std::uint64_t) {
        const float a = par(p, "alpha");
        const float c = a / std::sqrt(std::numbers::pi_v<float>);
        return make_pointwise("erf", p, [a, c](float u) { return c * std::exp(-a * a * u * u); });
      });
  add("piecewise_leaky_relu", {{"w", 1.0}, {"c", 0.01}}, "1/(2w) if |u| < w else c",
      "spikingjelly", [](const param_map& p, std::uint64_t) {
        const float w = par(p, "w");
        const float c = par(p, "c");
        require(w > 0.0f, "piecewise_leaky_relu", "w must be > 0");
        return make_pointwise("piecewise_leaky_relu", p, [w, c](float u) {
          return std::fabs(u) < w ? 1.0f / (2.0f * w) : c;
        });
      });
  add("squarewave_fourier_series", {{"n", 2.0}, {"T", 8.0}},
      "(4/T) * sum_{i=1}^{n-1} cos((2i-1) * 2 pi u / T)", "spikingjelly",
      [pi](const param_map& p, std::uint64_t) {
        const double nd = p.at("n");
        const float period = par(p, "T");
        require(nd >= 1.0 && nd == std::floor(nd) && nd <= 1000.0, "squarewave_fourier_series",
                "n must be an integer in [1, 1000]");
        require(period > 0.0f, "squarewave_fourier_series", "T must be > 0");
        const int n = static_cast<int>(nd);
        return make_pointwise("squarewave_fourier_series", p, [n, period, pi](float u) {
          const float w = 2.0f * pi / period;
          float s = 0.0f;
          for (int i = 1; i < n; ++i) s += std::cos(static_cast<float>(2 * i - 1) * w * u);
          return 4.0f / period * s;
        });
      });
  add("s2nn", {{"alpha", 4.0}, {"beta", 1.0}},
      "alpha*s(alpha u)(1-s(alpha u)) if u < 0 else beta/(u+1)", "spikingjelly",
      [](const param_map& p, std::uint64_t) {
        const float a = par(p, "alpha");
        const float b = par(p, "beta");
        return make_pointwise("s2nn", p, [a, b](float u) {
          return u < 0.0f ? stable_sigmoid_grad(a, u) : b / (u + 1.0f);
        });
      });
  add("q_pseudo_spike", {{"alpha", 2.0}}, "(1 + 2|u|/(alpha-1))^(-alpha)", "spikingjelly",
      [](const param_map& p, std::uint64_t) {
        const float a = par(p, "alpha");
        require(a > 1.0f, "q_pseudo_spike", "alpha must be > 1");
        return make_pointwise("q_pseudo_spike", p, [a](float u) {
          return std::pow(1.0f + 2.0f * std::fabs(u) / (a - 1.0f), -a);
        });
      });
  add("leaky_k_relu", {{"leak", 0.0}, {"k", 1.0}}, "k if u >= 0 else leak", "spikingjelly",
      [](const param_map& p, std::uint64_t) {
        const float leak = par(p, "leak");
        const float k = par(p, "k");
        return make_pointwise("leaky_k_relu", p,
                              [leak, k](float u) { return u >= 0.0f ? k : leak; });
      });
  add("fake_numerical_gradient", {{"alpha", 0.3}}, "min(1/|u|, alpha), alpha at u = 0",
      "spikingjelly", [](const param_map& p, std::uint64_t) {
        const float a = par(p, "alpha");
        return make_pointwise("fake_numerical_gradient", p, [a](float u) {
          const float au = std::fabs(u);
          return au == 0.0f ? a : std::fmin(1.0f / au, a);
        });
      });
  add("log_tailed_relu", {{"alpha", 0.0}}, "alpha if u <= 0, 1 if 0 < u <= 1, 1/u if u > 1",
      "spikingjelly", [](const param_map& p, std::uint64_t) {
        const float a = par(p, "alpha");
        return make_pointwise("log_tailed_relu", p, [a](float u) {
          return u <= 0.0f ? a : (u <= 1.0f ? 1.0f : 1.0f / u);
        });
      });
  add("rect", {{"alpha", 1.0}}, "alpha if |u| < 1/(2 alpha) else 0", "spikingjelly",
      [](const param_map& p, std::uint64_t) {
        const float a = par(p, "alpha");
        require(a > 0.0f, "rect", "alpha must be > 0");
        return make_pointwise("rect", p,
                              [a](float u) { return std::fabs(u) < 0.5f / a ? a : 0.0f; });
      });
  return v;
}

}  // namespace snncosim::snn::detail
