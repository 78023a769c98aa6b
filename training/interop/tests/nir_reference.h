#pragma once
// A naive reference of the NIR node semantics, written for the tests only: walks the graph
// from the Input along its edges and applies each node to dense double tensors, one time
// step at a time, with the continuous-time neurons discretised by the rule of
// docs/interop.md (LIF: forward Euler with step dt, IF: v += r I, reset to v_reset after
// a spike). It shares nothing with the importer: no folding, no layer mapping.
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "snncosim/interop/nir_graph.h"

namespace snncosim::interop::test {

struct ref_tensor {
  std::vector<std::int64_t> shape;  // [C,H,W] or [N]
  std::vector<double> v;
};

class nir_reference {
 public:
  nir_reference(const nir_graph& g, double dt) : m_g(g), m_dt(dt) {
    std::string cur;
    for (const auto& [name, n] : g.nodes)
      if (n.type == "Input") cur = name;
    m_order.push_back(cur);
    for (bool more = true; more;) {
      more = false;
      for (const auto& [a, b] : g.edges)
        if (a == cur) {
          cur = b;
          m_order.push_back(b);
          more = true;
          break;
        }
    }
  }

  // One step: input spikes in, every node's output kept in `outputs`.
  void step(const std::vector<double>& input) {
    ref_tensor x;
    for (const auto& name : m_order) {
      const nir_node& n = m_g.nodes.at(name);
      if (n.type == "Input") {
        x.v = input;
        for (double d : n.params.at("shape").values) x.shape.push_back(static_cast<std::int64_t>(d));
      } else if (n.type == "Conv2d") {
        x = conv(n, x);
      } else if (n.type == "SumPool2d" || n.type == "AvgPool2d") {
        x = pool(n, x, n.type == "AvgPool2d");
      } else if (n.type == "Flatten") {
        x.shape = {static_cast<std::int64_t>(x.v.size())};
      } else if (n.type == "Affine" || n.type == "Linear") {
        x = affine(n, x);
      } else if (n.type == "LIF" || n.type == "IF") {
        x = neuron(name, n, x);
      } else if (n.type != "Output") {
        throw std::logic_error("reference: node type " + n.type);
      }
      outputs[name] = x;
    }
  }

  std::map<std::string, ref_tensor> outputs;

 private:
  const nir_graph& m_g;
  double m_dt;
  std::vector<std::string> m_order;
  std::map<std::string, std::vector<double>> m_v;  // membrane per neuron node

  static double p(const nir_node& n, const std::string& k, std::size_t i = 0) {
    const auto& a = n.params.at(k).values;
    return a.size() == 1 ? a[0] : a[i];
  }

  static ref_tensor conv(const nir_node& n, const ref_tensor& x) {
    const auto& w = n.params.at("weight");
    const auto O = w.shape[0], I = w.shape[1], K = w.shape[2];
    const auto S = static_cast<std::int64_t>(p(n, "stride")), P = static_cast<std::int64_t>(p(n, "padding"));
    const auto H = x.shape[1], W = x.shape[2];
    const auto OH = (H + 2 * P - K) / S + 1, OW = (W + 2 * P - K) / S + 1;
    ref_tensor y{{O, OH, OW}, std::vector<double>(static_cast<std::size_t>(O * OH * OW))};
    for (std::int64_t o = 0; o < O; ++o)
      for (std::int64_t oy = 0; oy < OH; ++oy)
        for (std::int64_t ox = 0; ox < OW; ++ox) {
          double acc = p(n, "bias", static_cast<std::size_t>(o));
          for (std::int64_t i = 0; i < I; ++i)
            for (std::int64_t ky = 0; ky < K; ++ky)
              for (std::int64_t kx = 0; kx < K; ++kx) {
                const auto iy = oy * S - P + ky, ix = ox * S - P + kx;
                if (iy < 0 || ix < 0 || iy >= H || ix >= W) continue;
                acc += w.values[static_cast<std::size_t>(((o * I + i) * K + ky) * K + kx)] *
                       x.v[static_cast<std::size_t>((i * H + iy) * W + ix)];
              }
          y.v[static_cast<std::size_t>((o * OH + oy) * OW + ox)] = acc;
        }
    return y;
  }

  static ref_tensor pool(const nir_node& n, const ref_tensor& x, bool average) {
    const auto k = static_cast<std::int64_t>(p(n, "kernel_size")), s = static_cast<std::int64_t>(p(n, "stride"));
    const auto C = x.shape[0], H = x.shape[1], W = x.shape[2];
    const auto OH = (H - k) / s + 1, OW = (W - k) / s + 1;
    ref_tensor y{{C, OH, OW}, std::vector<double>(static_cast<std::size_t>(C * OH * OW))};
    for (std::int64_t c = 0; c < C; ++c)
      for (std::int64_t oy = 0; oy < OH; ++oy)
        for (std::int64_t ox = 0; ox < OW; ++ox) {
          double acc = 0;
          for (std::int64_t a = 0; a < k; ++a)
            for (std::int64_t b = 0; b < k; ++b) acc += x.v[static_cast<std::size_t>((c * H + oy * s + a) * W + ox * s + b)];
          y.v[static_cast<std::size_t>((c * OH + oy) * OW + ox)] = average ? acc / static_cast<double>(k * k) : acc;
        }
    return y;
  }

  static ref_tensor affine(const nir_node& n, const ref_tensor& x) {
    const auto& w = n.params.at("weight");
    const auto O = w.shape[0], I = w.shape[1];
    ref_tensor y{{O}, std::vector<double>(static_cast<std::size_t>(O))};
    for (std::int64_t o = 0; o < O; ++o) {
      double acc = n.params.count("bias") ? p(n, "bias", static_cast<std::size_t>(o)) : 0.0;
      for (std::int64_t i = 0; i < I; ++i) acc += w.values[static_cast<std::size_t>(o * I + i)] * x.v[static_cast<std::size_t>(i)];
      y.v[static_cast<std::size_t>(o)] = acc;
    }
    return y;
  }

  // LIF: tau dv/dt = (v_leak - v) + r I, Euler: v += dt/tau (v_leak - v + r I).
  // IF: dv/dt = r I with a spike as a unit charge: v += r I. Then z = v > v_th; v = v_reset.
  ref_tensor neuron(const std::string& name, const nir_node& n, const ref_tensor& x) {
    auto& v = m_v[name];
    v.resize(x.v.size(), 0.0);
    ref_tensor z{x.shape, std::vector<double>(x.v.size())};
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (n.type == "LIF") {
        const double a = m_dt / p(n, "tau", i);
        v[i] = v[i] + a * (p(n, "v_leak", i) - v[i] + p(n, "r", i) * x.v[i]);
      } else {
        v[i] = v[i] + p(n, "r", i) * x.v[i];
      }
      z.v[i] = v[i] > p(n, "v_threshold", i) ? 1.0 : 0.0;
      if (z.v[i] != 0) v[i] = p(n, "v_reset", i);
    }
    return z;
  }
};

}  // namespace snncosim::interop::test
