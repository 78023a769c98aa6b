#pragma once
// NIR graphs written from C++ for the interop tests and the CLI fixtures: a small builder over
// nir_graph, deterministic dyadic weights (sums stay exact in float), and the graphs.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "snncosim/interop/nir_graph.h"

namespace snncosim::interop::test {

// Deterministic weights: multiples of 1/32 in [lo, hi] from a small LCG.
inline std::vector<double> dyadic(std::size_t n, std::uint32_t seed, double lo, double hi) {
  std::vector<double> v(n);
  std::uint32_t s = seed * 2654435761U + 1U;
  for (auto& x : v) {
    s = s * 1664525U + 1013904223U;
    const double u = static_cast<double>(s >> 8) / static_cast<double>(1U << 24);
    x = std::floor((lo + u * (hi - lo)) * 32.0) / 32.0;
  }
  return v;
}

class graph_builder {
 public:
  // Input of shape [C, H, W] (or [N] when flat).
  explicit graph_builder(std::vector<std::int64_t> shape) {
    add("input", {"Input", {{"shape", ints(shape)}}, {}, {}, {}});
    m_shape = std::move(shape);
  }
  graph_builder& conv(const std::string& name, int out, int k, int stride, int padding, std::uint32_t seed,
                      double lo = -0.25, double hi = 0.5) {
    const auto c = m_shape[0], h = m_shape[1], w = m_shape[2];
    nir_node n{"Conv2d", {}, {}, {}, {}};
    n.params["weight"] = {dyadic(static_cast<std::size_t>(out * c * k * k), seed, lo, hi), {out, c, k, k}};
    n.params["bias"] = {dyadic(static_cast<std::size_t>(out), seed + 99, -0.125, 0.25), {out}};
    n.params["stride"] = ints({stride, stride});
    n.params["padding"] = ints({padding, padding});
    n.params["dilation"] = ints({1, 1});
    n.params["groups"] = nir_array::scalar(1);
    n.params["input_shape"] = ints({h, w});
    add(name, std::move(n));
    m_shape = {out, (h + 2 * padding - k) / stride + 1, (w + 2 * padding - k) / stride + 1};
    return *this;
  }
  graph_builder& pool(const std::string& name, int k, bool average = false) {
    nir_node n{average ? "AvgPool2d" : "SumPool2d", {}, {}, {}, {}};
    n.params["kernel_size"] = ints({k, k});
    n.params["stride"] = ints({k, k});
    n.params["padding"] = ints({0, 0});
    add(name, std::move(n));
    m_shape = {m_shape[0], (m_shape[1] - k) / k + 1, (m_shape[2] - k) / k + 1};
    return *this;
  }
  graph_builder& flatten(const std::string& name) {
    nir_node n{"Flatten", {}, {}, {}, {}};
    n.params["start_dim"] = nir_array::scalar(0);
    n.params["end_dim"] = nir_array::scalar(-1);
    n.params["input_type"] = ints(m_shape);
    add(name, std::move(n));
    m_shape = {size()};
    return *this;
  }
  graph_builder& affine(const std::string& name, int out, std::uint32_t seed, double lo = -0.25, double hi = 0.5) {
    const auto in = size();
    nir_node n{"Affine", {}, {}, {}, {}};
    n.params["weight"] = {dyadic(static_cast<std::size_t>(out * in), seed, lo, hi), {out, in}};
    n.params["bias"] = {dyadic(static_cast<std::size_t>(out), seed + 7, -0.125, 0.25), {out}};
    add(name, std::move(n));
    m_shape = {out};
    return *this;
  }
  // tau, r and v_threshold per neuron (uniform), as Python exporters write them.
  graph_builder& lif(const std::string& name, double tau, double r, double threshold, double v_leak = 0.0) {
    nir_node n{"LIF", {}, {}, {}, {}};
    n.params["tau"] = filled(tau);
    n.params["r"] = filled(r);
    n.params["v_leak"] = filled(v_leak);
    n.params["v_threshold"] = filled(threshold);
    n.params["v_reset"] = filled(0.0);
    add(name, std::move(n));
    return *this;
  }
  graph_builder& if_neuron(const std::string& name, double r, double threshold) {
    nir_node n{"IF", {}, {}, {}, {}};
    n.params["r"] = filled(r);
    n.params["v_threshold"] = filled(threshold);
    n.params["v_reset"] = filled(0.0);
    add(name, std::move(n));
    return *this;
  }
  graph_builder& node(const std::string& name, nir_node n) {
    add(name, std::move(n));
    return *this;
  }
  nir_graph done() {
    add("output", {"Output", {{"shape", ints(m_shape)}}, {}, {}, {}});
    return std::move(m_g);
  }
  std::int64_t size() const {
    std::int64_t n = 1;
    for (auto d : m_shape) n *= d;
    return n;
  }
  nir_array filled(double v) const { return {std::vector<double>(static_cast<std::size_t>(size()), v), m_shape}; }

 private:
  nir_graph m_g;
  std::vector<std::int64_t> m_shape;
  std::string m_last;

  static nir_array ints(std::vector<std::int64_t> v) {
    nir_array a;
    for (auto x : v) a.values.push_back(static_cast<double>(x));
    a.shape = {static_cast<std::int64_t>(v.size())};
    return a;
  }
  void add(const std::string& name, nir_node n) {
    m_g.nodes[name] = std::move(n);
    if (!m_last.empty()) m_g.edges.emplace_back(m_last, name);
    m_last = name;
  }
};

// 2x8x8 -> conv 4 k3 s2 p1 -> LIF -> conv 4 k3 s1 p1 -> SumPool 2 (currents) -> IF -> Flatten
// -> Affine 16 -> 2 -> LIF. dt = 1e-4 with r = tau/dt (snnTorch's convention): beta 0.75, 0.5.
inline nir_graph conv_graph() {
  return graph_builder({2, 8, 8})
      .conv("conv1", 4, 3, 2, 1, 1, -0.125, 0.5)
      .lif("lif1", 4e-4, 4.0, 0.9)
      .conv("conv2", 4, 3, 1, 1, 2, -0.125, 0.375)
      .pool("pool2", 2)
      .if_neuron("if2", 1.0, 1.1)
      .flatten("flat")
      .affine("fc", 2, 3, -0.125, 0.5)
      .lif("lif3", 2e-4, 2.0, 0.7)
      .done();
}

// Pools of spikes folded into the next layer: 2x8x8 -> conv 4 k3 p1 -> LIF -> SumPool 2 ->
// conv 4 k3 p1 -> IF -> AvgPool 2 -> Flatten -> Affine 16 -> 3 -> LIF (gain r dt/tau != 1, v_leak).
// Thresholds are irrational-looking: with beta = 4/5 a membrane of dyadic inputs can hit a
// decimal threshold exactly, and then a last-bit rounding difference decides the spike.
inline nir_graph spike_pool_graph() {
  return graph_builder({2, 8, 8})
      .conv("conv1", 4, 3, 1, 1, 11, -0.125, 0.5)
      .lif("lif1", 5e-4, 5.0, 0.6180339887)
      .pool("spool1", 2)
      .conv("conv2", 4, 3, 1, 1, 12, -0.25, 0.375)
      .if_neuron("if2", 0.75, 0.8)
      .pool("apool2", 2, true)
      .flatten("flat")
      .affine("fc", 3, 13, -0.25, 1.0)
      .lif("lif3", 1e-3, 7.5, 0.4472135955, 0.5)
      .done();
}

}  // namespace snncosim::interop::test
