// BPTT of neuron_layer against an independent reference: the snnTorch update rules written
// here as a scalar reverse-mode autodiff graph in double precision, unrolled over time.
// The reset signal is a constant node (detached), the spike is a node whose local
// derivative is the surrogate (as torch.autograd sees it). The reference itself is checked
// against central finite differences on smooth paths (reset none, membrane loss only).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <numbers>
#include <string>
#include <vector>

#include <omp.h>

#include "snncosim/common/rng.h"
#include "snncosim/snn/neuron.h"

using namespace snncosim::snn;

namespace {

// ---- minimal scalar reverse-mode autodiff ----
class graph {
 public:
  using id = std::size_t;
  id leaf(double v) { return push(v, {}); }
  double val(id a) const { return m_val[a]; }
  id add(id a, id b) { return push(m_val[a] + m_val[b], {{a, 1.0}, {b, 1.0}}); }
  id sub(id a, id b) { return push(m_val[a] - m_val[b], {{a, 1.0}, {b, -1.0}}); }
  id mul(id a, id b) { return push(m_val[a] * m_val[b], {{a, m_val[b]}, {b, m_val[a]}}); }
  id div(id a, id b) {
    const double vb = m_val[b];
    return push(m_val[a] / vb, {{a, 1.0 / vb}, {b, -m_val[a] / (vb * vb)}});
  }
  id log(id a) { return push(std::log(m_val[a]), {{a, 1.0 / m_val[a]}}); }
  // torch.clamp(x, 0, 1): gradient passes where 0 <= x <= 1 (inclusive).
  id clamp01(id a) {
    const double v = m_val[a];
    return push(std::fmin(std::fmax(v, 0.0), 1.0), {{a, (v >= 0.0 && v <= 1.0) ? 1.0 : 0.0}});
  }
  // Spike: forward H(u) (strict), backward the surrogate derivative.
  id spike(id u, const std::function<double(double)>& fprime) {
    const double v = m_val[u];
    return push(v > 0.0 ? 1.0 : 0.0, {{u, fprime(v)}});
  }
  // Gradients of sum_k w_k * node_k.
  std::vector<double> backward(const std::vector<std::pair<id, double>>& seeds) const {
    std::vector<double> adj(m_val.size(), 0.0);
    for (auto [n, w] : seeds) adj[n] += w;
    for (std::size_t i = m_val.size(); i-- > 0;)
      for (auto [p, d] : m_par[i]) adj[p] += adj[i] * d;
    return adj;
  }

 private:
  id push(double v, std::vector<std::pair<id, double>> par) {
    m_val.push_back(v);
    m_par.push_back(std::move(par));
    return m_val.size() - 1;
  }
  std::vector<double> m_val;
  std::vector<std::vector<std::pair<id, double>>> m_par;
};

struct case_spec {
  neuron_config cfg;
  std::function<double(double)> fprime;  // the surrogate derivative, written independently
};

struct reference_result {
  std::vector<double> spk, mem;   // [t][i]
  std::vector<double> dx;         // [t][i]
  double dbeta = 0, dth = 0, dalpha = 0, dg = 0;
};

// Unrolled snnTorch graph for n elements over T steps (docs/neurons.md).
reference_result reference(const case_spec& cs, std::size_t n, std::size_t steps,
                           const std::vector<double>& x, const std::vector<double>& wspk,
                           const std::vector<double>& wmem) {
  const neuron_config& c = cs.cfg;
  graph g;
  const auto beta = g.leaf(c.beta), th = g.leaf(c.threshold), alpha = g.leaf(c.alpha),
             gf = g.leaf(c.graded_spikes_factor);
  const auto zero = g.leaf(0.0), one = g.leaf(1.0);
  std::vector<graph::id> xs(x.size());
  for (std::size_t k = 0; k < x.size(); ++k) xs[k] = g.leaf(x[k]);
  std::vector<graph::id> mem(n, zero), syn(n, zero), inh(n, zero);
  std::vector<std::pair<graph::id, double>> seeds;
  reference_result out;
  const auto fire = [&](graph::id u) { return g.spike(g.sub(u, th), cs.fprime); };
  const std::string model = c.model;
  for (std::size_t t = 0; t < steps; ++t)
    for (std::size_t i = 0; i < n; ++i) {
      const auto xi = xs[t * n + i];
      const auto r = g.leaf(g.val(mem[i]) - g.val(th) > 0.0 ? 1.0 : 0.0);  // detached
      graph::id m{}, s{};
      if (model == "leaky" || model == "synaptic") {
        const auto b = g.clamp01(beta);
        graph::id in = xi;
        if (model == "synaptic") {
          syn[i] = g.add(g.mul(g.clamp01(alpha), syn[i]), xi);
          in = syn[i];
        }
        graph::id u{};
        if (c.reset == reset_mode::subtract) u = g.sub(g.add(g.mul(b, mem[i]), in), g.mul(r, th));
        else if (c.reset == reset_mode::none) u = g.add(g.mul(b, mem[i]), in);
        else if (model == "leaky") u = g.add(g.mul(b, g.mul(g.sub(one, r), mem[i])), in);
        else u = g.mul(g.sub(one, r), g.add(g.mul(b, mem[i]), in));
        const auto h = fire(u);
        s = model == "leaky" ? g.mul(gf, h) : h;
        m = u;
        if (!c.reset_delay && c.reset != reset_mode::none) {
          const auto d = g.sub(model == "leaky" ? g.div(s, gf) : s, r);
          m = c.reset == reset_mode::subtract ? g.sub(u, g.mul(d, th)) : g.sub(u, g.mul(d, u));
        }
      } else if (model == "lapicque") {
        const auto k = derive_lapicque(c);
        const auto base = g.add(g.mul(g.leaf(k.input_gain), xi), g.mul(g.leaf(k.decay), mem[i]));
        if (c.reset == reset_mode::subtract) m = g.sub(base, g.mul(r, th));
        else if (c.reset == reset_mode::zero) m = g.mul(g.sub(one, r), base);
        else m = base;
        s = fire(m);
      } else {  // alpha
        const auto a = g.clamp01(alpha), b = g.clamp01(beta);
        const auto la = g.log(a), lb = g.log(b);
        const auto tau = g.add(g.div(la, g.sub(lb, la)), one);
        const auto e = g.add(g.mul(a, syn[i]), xi);
        const auto ii = g.sub(g.mul(b, inh[i]), xi);
        const auto mp = g.mul(tau, g.add(e, ii));
        if (c.reset == reset_mode::zero) {
          const auto keep = g.sub(one, r);
          syn[i] = g.mul(keep, e);
          inh[i] = g.mul(keep, ii);
          m = g.mul(keep, mp);
        } else if (c.reset == reset_mode::subtract) {
          const auto old_inh = inh[i];
          syn[i] = g.sub(e, g.mul(th, r));
          inh[i] = g.mul(g.sub(one, r), ii);
          m = g.add(mp, g.mul(old_inh, r));
        } else {
          syn[i] = e;
          inh[i] = ii;
          m = mp;
        }
        s = fire(m);
      }
      mem[i] = m;
      out.spk.push_back(g.val(s));
      out.mem.push_back(g.val(m));
      seeds.push_back({s, wspk[t * n + i]});
      if (!wmem.empty()) seeds.push_back({m, wmem[t * n + i]});
    }
  const auto adj = g.backward(seeds);
  for (auto id : xs) out.dx.push_back(adj[id]);
  out.dbeta = adj[beta];
  out.dth = adj[th];
  out.dalpha = adj[alpha];
  out.dg = adj[gf];
  return out;
}

struct layer_result {
  std::vector<float> spk, mem, dx;
  float dbeta, dth, dalpha, dg;
};

layer_result run_layer(const neuron_config& cfg, std::size_t n, std::size_t steps,
                       const std::vector<double>& x, const std::vector<double>& wspk,
                       const std::vector<double>& wmem) {
  neuron_layer layer(cfg, n, steps);
  layer_result out;
  out.spk.resize(n * steps);
  out.mem.resize(n * steps);
  out.dx.resize(n * steps);
  std::vector<float> xf(x.begin(), x.end()), ws(wspk.begin(), wspk.end()),
      wm(wmem.begin(), wmem.end());
  // Run twice to check that reset_state/zero_grad really restart.
  for (int rep = 0; rep < 2; ++rep) {
    layer.reset_state();
    layer.zero_grad();
    for (std::size_t t = 0; t < steps; ++t)
      layer.forward(t, xf.data() + t * n, out.spk.data() + t * n, out.mem.data() + t * n);
    for (std::size_t t = steps; t-- > 0;)
      layer.backward(t, ws.data() + t * n, wm.empty() ? nullptr : wm.data() + t * n,
                     out.dx.data() + t * n);
  }
  out.dbeta = layer.d_beta();
  out.dth = layer.d_threshold();
  out.dalpha = layer.d_alpha();
  out.dg = layer.d_graded_spikes_factor();
  return out;
}

std::vector<double> uniform(snncosim::rng& rng, std::size_t n, double lo, double hi) {
  std::vector<double> v(n);
  for (auto& e : v) e = rng.uniform(lo, hi);
  return v;
}

bool close(double got, double want, double rel = 2e-4, double abs = 2e-5) {
  return std::fabs(got - want) <= abs + rel * std::fabs(want);
}

int g_spikes_seen = 0;

void compare(const case_spec& cs, std::uint64_t seed, bool mem_loss) {
  const std::size_t n = 12, steps = 9;
  snncosim::rng rng(seed);
  const auto x = uniform(rng, n * steps, -0.4, 1.3);
  const auto ws = uniform(rng, n * steps, -1.0, 1.0);
  const auto wm = mem_loss ? uniform(rng, n * steps, -1.0, 1.0) : std::vector<double>{};
  const auto ref = reference(cs, n, steps, x, ws, wm);
  const auto got = run_layer(cs.cfg, n, steps, x, ws, wm);
  INFO("model " << cs.cfg.model << " reset " << to_string(cs.cfg.reset) << " delay "
                << cs.cfg.reset_delay << " seed " << seed << " mem_loss " << mem_loss);
  for (std::size_t k = 0; k < n * steps; ++k) {
    REQUIRE(got.spk[k] == ref.spk[k]);
    REQUIRE(close(got.mem[k], ref.mem[k], 1e-5, 1e-5));
    g_spikes_seen += ref.spk[k] != 0.0 ? 1 : 0;
  }
  for (std::size_t k = 0; k < n * steps; ++k)
    CHECK_MESSAGE(close(got.dx[k], ref.dx[k]), "dx[" << k << "] " << got.dx[k] << " vs " << ref.dx[k]);
  CHECK_MESSAGE(close(got.dth, ref.dth, 2e-4, 1e-4), "dth " << got.dth << " vs " << ref.dth);
  if (cs.cfg.model != "lapicque")
    CHECK_MESSAGE(close(got.dbeta, ref.dbeta, 2e-4, 1e-4), "dbeta " << got.dbeta << " vs " << ref.dbeta);
  if (cs.cfg.model == "synaptic" || cs.cfg.model == "alpha")
    CHECK_MESSAGE(close(got.dalpha, ref.dalpha, 2e-4, 1e-4),
                  "dalpha " << got.dalpha << " vs " << ref.dalpha);
  if (cs.cfg.model == "leaky")
    CHECK_MESSAGE(close(got.dg, ref.dg, 2e-4, 1e-4), "dg " << got.dg << " vs " << ref.dg);
}

double fast_sigmoid(double u) { return 1.0 / std::pow(5.0 * std::fabs(u) + 1.0, 2); }
double atan2_(double u) {
  const double z = std::numbers::pi / 2 * 2.0 * u;
  return 1.0 / (1.0 + z * z);
}

case_spec make(const std::string& model, reset_mode r, bool delay, bool use_atan) {
  case_spec cs;
  cs.cfg = default_neuron_config(model);
  cs.cfg.reset = r;
  cs.cfg.reset_delay = delay;
  cs.cfg.threshold = 0.9f;
  cs.cfg.learn_threshold = true;
  cs.cfg.learn_beta = model != "lapicque";
  cs.cfg.learn_alpha = model == "synaptic" || model == "alpha";
  cs.cfg.learn_graded_spikes_factor = model == "leaky";
  if (model == "leaky") {
    cs.cfg.beta = 0.8f;
    cs.cfg.graded_spikes_factor = 1.5f;
  }
  if (model == "synaptic") {
    cs.cfg.alpha = 0.6f;
    cs.cfg.beta = 0.7f;
  }
  if (model == "lapicque") cs.cfg.beta = 0.7f;
  if (model == "alpha") {
    cs.cfg.alpha = 0.85f;
    cs.cfg.beta = 0.6f;
    cs.cfg.threshold = 0.5f;
  }
  if (use_atan) {
    cs.cfg.surrogate = {"atan", {}, 0};
    cs.fprime = atan2_;
  } else {
    cs.cfg.surrogate = {"fast_sigmoid", {{"slope", 5.0}}, 0};
    cs.fprime = fast_sigmoid;
  }
  return cs;
}

const reset_mode all_resets[] = {reset_mode::subtract, reset_mode::zero, reset_mode::none};

}  // namespace

TEST_CASE("reference autodiff agrees with central finite differences on a smooth path") {
  // reset none + membrane loss only: L is polynomial in x and beta, so FD is exact up to rounding.
  for (const char* model : {"leaky", "synaptic", "alpha"}) {
    case_spec cs = make(model, reset_mode::none, true, false);
    const std::size_t n = 3, steps = 6;
    snncosim::rng rng(11);
    const auto x = uniform(rng, n * steps, -0.4, 1.3);
    const std::vector<double> ws(n * steps, 0.0);
    const auto wm = uniform(rng, n * steps, -1.0, 1.0);
    const auto ref = reference(cs, n, steps, x, ws, wm);
    const auto loss = [&](const std::vector<double>& xx, const neuron_config& c) {
      case_spec c2 = cs;
      c2.cfg = c;
      const auto r = reference(c2, n, steps, xx, ws, wm);
      double l = 0;
      for (std::size_t k = 0; k < r.mem.size(); ++k) l += wm[k] * r.mem[k];
      return l;
    };
    const double h = 1e-5;
    for (std::size_t k = 0; k < x.size(); k += 4) {
      auto xp = x, xm = x;
      xp[k] += h;
      xm[k] -= h;
      CHECK(close((loss(xp, cs.cfg) - loss(xm, cs.cfg)) / (2 * h), ref.dx[k], 1e-6, 1e-8));
    }
    neuron_config cp = cs.cfg, cm = cs.cfg;
    cp.beta += static_cast<float>(1.0 / 1024);
    cm.beta -= static_cast<float>(1.0 / 1024);
    // beta enters polynomially; a wider step keeps float->double conversion exact.
    CHECK(close((loss(x, cp) - loss(x, cm)) / (2.0 / 1024), ref.dbeta, 1e-3, 1e-6));
  }
}

TEST_CASE("leaky BPTT equals the unrolled reference for every reset mode and reset_delay") {
  for (bool delay : {true, false})
    for (auto r : all_resets)
      for (bool use_atan : {false, true})
        for (std::uint64_t seed : {1u, 2u}) {
          compare(make("leaky", r, delay, use_atan), seed, false);
          compare(make("leaky", r, delay, use_atan), seed + 10, true);
        }
}

TEST_CASE("synaptic BPTT equals the unrolled reference") {
  for (bool delay : {true, false})
    for (auto r : all_resets)
      for (std::uint64_t seed : {3u, 4u}) {
        compare(make("synaptic", r, delay, false), seed, false);
        compare(make("synaptic", r, delay, true), seed + 10, true);
      }
}

TEST_CASE("lapicque BPTT equals the unrolled reference") {
  for (auto r : all_resets)
    for (std::uint64_t seed : {5u, 6u}) {
      compare(make("lapicque", r, true, false), seed, false);
      case_spec rc = make("lapicque", r, true, true);
      rc.cfg.beta = 0.0f;
      rc.cfg.r = 2.0f;
      rc.cfg.c = 0.8f;
      rc.cfg.time_step = 0.5f;
      compare(rc, seed + 10, true);
    }
}

TEST_CASE("alpha BPTT equals the unrolled reference") {
  for (auto r : all_resets)
    for (std::uint64_t seed : {7u, 8u}) {
      compare(make("alpha", r, true, false), seed, false);
      compare(make("alpha", r, true, true), seed + 10, true);
    }
}

TEST_CASE("the BPTT cases actually spike") {
  g_spikes_seen = 0;
  compare(make("leaky", reset_mode::subtract, true, false), 1, false);
  compare(make("alpha", reset_mode::subtract, true, false), 7, false);
  CHECK(g_spikes_seen > 20);
}

TEST_CASE("beta clamp - beta above 1 gets no gradient - exactly 1 still does") {
  case_spec cs = make("leaky", reset_mode::subtract, true, false);
  cs.cfg.beta = 1.3f;
  compare(cs, 21, true);
  const auto got = run_layer(cs.cfg, 12, 9, std::vector<double>(108, 0.3), std::vector<double>(108, 1.0),
                             std::vector<double>(108, 1.0));
  CHECK(got.dbeta == 0.0f);
  cs.cfg.beta = 1.0f;
  const auto at1 = run_layer(cs.cfg, 12, 9, std::vector<double>(108, 0.3), std::vector<double>(108, 1.0),
                             std::vector<double>(108, 1.0));
  CHECK(at1.dbeta != 0.0f);
}

TEST_CASE("parameters() lists exactly the learnable ones") {
  neuron_config c = default_neuron_config("leaky");
  c.learn_beta = true;
  c.learn_threshold = true;
  neuron_layer l(c, 4, 2);
  const auto p = l.parameters();
  REQUIRE(p.size() == 2);
  CHECK(p[0].name == "beta");
  CHECK(p[1].name == "threshold");
  *p[0].value = 0.5f;
  CHECK(l.beta() == 0.5f);
  neuron_layer plain(default_neuron_config("leaky"), 4, 2);
  CHECK(plain.parameters().empty());
}

TEST_CASE("dx is the same with and without learnable parameters") {
  for (const char* model : {"leaky", "synaptic", "lapicque", "alpha"})
    for (auto r : all_resets) {
      case_spec cs = make(model, r, true, false);
      snncosim::rng rng(31);
      const auto x = uniform(rng, 108, -0.4, 1.3);
      const auto ws = uniform(rng, 108, -1.0, 1.0);
      const auto wm = uniform(rng, 108, -1.0, 1.0);
      const auto with = run_layer(cs.cfg, 12, 9, x, ws, wm);
      cs.cfg.learn_beta = cs.cfg.learn_threshold = cs.cfg.learn_alpha = false;
      cs.cfg.learn_graded_spikes_factor = false;
      const auto without = run_layer(cs.cfg, 12, 9, x, ws, wm);
      CHECK(with.dx == without.dx);
      CHECK(without.dth == 0.0f);
    }
}

namespace {
struct big_result {
  std::vector<float> spk, dx;
  float dth, dbeta;
};
big_result run_big(std::size_t n, std::size_t steps, const std::vector<float>& x,
                   const std::vector<float>& ds, int threads) {
  omp_set_num_threads(threads);
  case_spec cs = make("leaky", reset_mode::subtract, false, false);
  neuron_layer layer(cs.cfg, n, steps);
  big_result r{std::vector<float>(n * steps), std::vector<float>(n * steps), 0, 0};
  layer.reset_state();
  for (std::size_t t = 0; t < steps; ++t) layer.forward(t, &x[t * n], &r.spk[t * n], nullptr);
  for (std::size_t t = steps; t-- > 0;) layer.backward(t, &ds[t * n], nullptr, &r.dx[t * n]);
  r.dth = layer.d_threshold();
  r.dbeta = layer.d_beta();
  return r;
}
}  // namespace

TEST_CASE("large layers - chunk boundaries and thread count change nothing") {
  const std::size_t n = 8 * 1024 * 2 + 37, steps = 4;
  snncosim::rng rng(77);
  const auto xd = uniform(rng, n * steps, -0.4, 1.3);
  const auto dd = uniform(rng, n * steps, -1.0, 1.0);
  const std::vector<float> x(xd.begin(), xd.end()), ds(dd.begin(), dd.end());
  const int saved = omp_get_max_threads();
  const auto one = run_big(n, steps, x, ds, 1);
  const auto two = run_big(n, steps, x, ds, 2);
  omp_set_num_threads(saved);
  CHECK(one.spk == two.spk);
  CHECK(one.dx == two.dx);
  CHECK(one.dth == two.dth);
  CHECK(one.dbeta == two.dbeta);
  // Every element equals the same element run alone (spot checks across chunk edges).
  case_spec cs = make("leaky", reset_mode::subtract, false, false);
  for (std::size_t i : {std::size_t{0}, std::size_t{1023}, std::size_t{1024}, std::size_t{8191},
                        std::size_t{8192}, n - 1}) {
    neuron_layer single(cs.cfg, 1, steps);
    single.reset_state();
    float s = 0, d = 0;
    for (std::size_t t = 0; t < steps; ++t) {
      single.forward(t, &x[t * n + i], &s, nullptr);
      REQUIRE(s == one.spk[t * n + i]);
    }
    for (std::size_t t = steps; t-- > 0;) {
      single.backward(t, &ds[t * n + i], nullptr, &d);
      REQUIRE(d == one.dx[t * n + i]);
    }
  }
}
