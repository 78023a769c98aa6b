// NIR graph -> float network (nir_import.h). The rules are stated in docs/interop.md.
#include "snncosim/interop/nir_import.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "snncosim/common/error.h"

namespace snncosim::interop {
namespace {

using numerics::layer_kind;
using numerics::tensor_shape;

// A synaptic layer read from the graph and not yet closed by its neuron. Weights in double
// while pools and gains are folded in.
struct synapse {
  std::string name;
  layer_kind kind = layer_kind::conv;
  int kernel = 1, stride = 1, padding = 0, out_channels = 0;
  std::vector<double> weights;  // conv [O][I][K][K], linear [O][I]
  std::vector<double> bias;     // [O]
  tensor_shape in_shape, out_shape;
};

// A pool of spikes (after a neuron) waiting to be folded into the next synapse.
struct spike_pool {
  std::string name;
  int size = 1;            // kernel = stride
  bool average = false;
  tensor_shape unpooled;   // the spikes' real shape
  tensor_shape pooled;     // the shape the next node sees
};

class lowering {
 public:
  lowering(const nir_graph& g, const import_options& o, std::string what) : m_g(g), m_opt(o), m_what(std::move(what)) {}

  float_model run() {
    if (!(m_opt.time_step > 0) || !std::isfinite(m_opt.time_step))
      throw bad_input(fmt::format("{}: the time step must be > 0, got {}", m_what, m_opt.time_step));
    const auto chain = find_chain();
    m_model.input = input_shape(chain.front());
    m_shape = m_model.input;
    for (std::size_t i = 1; i + 1 < chain.size(); ++i) visit(chain[i]);
    finish(chain.back());
    return std::move(m_model);
  }

 private:
  const nir_graph& m_g;
  const import_options& m_opt;
  std::string m_what;
  float_model m_model;
  tensor_shape m_shape;             // shape of the tensor flowing at the current point
  std::optional<synapse> m_syn;     // open synaptic layer
  std::optional<spike_pool> m_pool; // pending pool of spikes
  bool m_pool_flattened = false;    // a Flatten came after the pending pool
  std::vector<std::string> m_folded;  // "pool into layer", for the provenance notes

  [[noreturn]] void fail(const std::string& node, const std::string& problem) const {
    const auto it = m_g.nodes.find(node);
    const std::string type = it == m_g.nodes.end() ? std::string("?") : it->second.type;
    throw bad_input(fmt::format("{}: node '{}' ({}): {}", m_what, node, type, problem));
  }
  [[noreturn]] void fail_graph(const std::string& problem) const {
    throw bad_input(fmt::format("{}: {}", m_what, problem));
  }

  // ---- graph structure ---------------------------------------------------------------

  std::vector<std::string> find_chain() const {
    std::map<std::string, std::vector<std::string>> out, in;
    for (const auto& [a, b] : m_g.edges) {
      if (!m_g.nodes.count(a)) fail_graph(fmt::format("edge '{}' -> '{}': no node named '{}'", a, b, a));
      if (!m_g.nodes.count(b)) fail_graph(fmt::format("edge '{}' -> '{}': no node named '{}'", a, b, b));
      out[a].push_back(b);
      in[b].push_back(a);
    }
    check_acyclic(out);
    for (const auto& [name, node] : m_g.nodes)
      if (node.type == "NIRGraph")
        fail(name, "a nested NIRGraph (subgraph; snnTorch and others write recurrent layers this way) "
                   "is not supported: the accelerator runs feed-forward chains");
    std::vector<std::string> inputs, outputs;
    for (const auto& [name, node] : m_g.nodes) {
      if (node.type == "Input") inputs.push_back(name);
      if (node.type == "Output") outputs.push_back(name);
    }
    if (inputs.size() != 1) fail_graph(fmt::format("{} Input nodes ({}); exactly one is supported", inputs.size(), fmt::join(inputs, ", ")));
    if (outputs.size() != 1) fail_graph(fmt::format("{} Output nodes ({}); exactly one is supported", outputs.size(), fmt::join(outputs, ", ")));
    std::vector<std::string> chain{inputs[0]};
    std::set<std::string> seen{inputs[0]};
    for (;;) {
      const auto& cur = chain.back();
      if (in[cur].size() > 1)
        fail(cur, fmt::format("{} incoming edges (from {}): only a chain without branches or merges maps to the "
                              "accelerator", in[cur].size(), fmt::join(in[cur], ", ")));
      if (cur == outputs[0]) break;
      const auto& next = out[cur];
      if (next.empty()) fail(cur, "no outgoing edge: the chain from the Input does not reach the Output");
      if (next.size() > 1)
        fail(cur, fmt::format("{} outgoing edges (to {}): only a chain without branches maps to the accelerator",
                              next.size(), fmt::join(next, ", ")));
      chain.push_back(next[0]);
      seen.insert(next[0]);
    }
    for (const auto& [name, node] : m_g.nodes)
      if (!seen.count(name)) fail(name, "not on the chain from the Input to the Output");
    return chain;
  }

  // Depth-first search; a back edge closes a cycle, i.e. a recurrent connection.
  void check_acyclic(const std::map<std::string, std::vector<std::string>>& out) const {
    std::map<std::string, int> state;  // 0 new, 1 on the stack, 2 done
    std::vector<std::string> stack;
    std::function<void(const std::string&)> dfs = [&](const std::string& u) {
      state[u] = 1;
      stack.push_back(u);
      if (const auto it = out.find(u); it != out.end())
        for (const auto& v : it->second) {
          if (state[v] == 1) {
            const auto from = std::find(stack.begin(), stack.end(), v);
            std::vector<std::string> cycle(from, stack.end());
            cycle.push_back(v);
            fail_graph(fmt::format("recurrent edge '{}' -> '{}' closes the cycle {}: the accelerator runs feed-forward "
                                   "networks only (no recurrence)", u, v, fmt::join(cycle, " -> ")));
          }
          if (state[v] == 0) dfs(v);
        }
      stack.pop_back();
      state[u] = 2;
    };
    for (const auto& [name, node] : m_g.nodes)
      if (state[name] == 0) dfs(name);
  }

  // ---- parameter helpers ---------------------------------------------------------------

  const nir_array& param(const std::string& node, const std::string& key) const {
    const auto& n = m_g.nodes.at(node);
    const auto it = n.params.find(key);
    if (it == n.params.end()) {
      if (n.text.count(key)) fail(node, fmt::format("'{}' is a string, expected numbers", key));
      fail(node, fmt::format("missing parameter '{}'", key));
    }
    return it->second;
  }

  // An int or an (h, w) pair whose entries must be equal (our kernels are square).
  int square_param(const std::string& node, const std::string& key, std::optional<int> fallback) const {
    const auto& n = m_g.nodes.at(node);
    if (!n.has(key)) {
      if (fallback) return *fallback;
      fail(node, fmt::format("missing parameter '{}'", key));
    }
    const auto& a = n.params.at(key);
    if (a.values.empty() || a.values.size() > 2) fail(node, fmt::format("'{}' must be one or two numbers", key));
    if (a.values.size() == 2 && a.values[0] != a.values[1])
      fail(node, fmt::format("{} ({}, {}) differs between height and width; only square values are supported", key,
                             a.values[0], a.values[1]));
    const double v = a.values[0];
    if (v != std::floor(v) || v < 0 || v > 1e6) fail(node, fmt::format("{} = {} is not a whole number >= 0", key, v));
    return static_cast<int>(v);
  }

  // One value for the whole layer: the array holds 1 value or one per neuron, all equal.
  double uniform(const std::string& node, const std::string& key, std::int64_t neurons, const std::string& why) const {
    const auto& a = param(node, key);
    check_size(node, key, a, neurons);
    const auto [lo, hi] = std::minmax_element(a.values.begin(), a.values.end());
    if (*lo != *hi)
      fail(node, fmt::format("per-neuron {} (from {} to {}) is not representable: {}", key, *lo, *hi, why));
    return *lo;
  }

  // One value per output channel: 1 value, or one per neuron equal within each channel.
  std::vector<double> per_channel(const std::string& node, const std::string& key, const tensor_shape& s) const {
    const auto& a = param(node, key);
    check_size(node, key, a, s.size());
    std::vector<double> v(static_cast<std::size_t>(s.channels));
    const std::int64_t plane = std::int64_t{s.height} * s.width;
    for (int c = 0; c < s.channels; ++c) {
      if (a.values.size() == 1) {
        v[static_cast<std::size_t>(c)] = a.values[0];
        continue;
      }
      const auto first = a.values.begin() + c * plane;
      const auto [lo, hi] = std::minmax_element(first, first + plane);
      if (*lo != *hi)
        fail(node, fmt::format("{} varies within channel {} (from {} to {}): the integer layer has one input gain and "
                               "bias per output channel", key, c, *lo, *hi));
      v[static_cast<std::size_t>(c)] = *lo;
    }
    return v;
  }

  void check_size(const std::string& node, const std::string& key, const nir_array& a, std::int64_t neurons) const {
    if (a.size() != 1 && a.size() != neurons)
      fail(node, fmt::format("'{}' has {} values; the layer has {} neurons", key, a.size(), neurons));
    for (double v : a.values)
      if (!std::isfinite(v)) fail(node, fmt::format("'{}' holds a value that is not finite ({})", key, v));
  }

  // ---- nodes ---------------------------------------------------------------------------

  tensor_shape input_shape(const std::string& node) const {
    const auto& a = param(node, "shape");
    std::vector<double> d = a.values;
    if (d.size() == 4 && d[0] == 1) d.erase(d.begin());  // a batch dimension of 1
    for (double v : d)
      if (v < 1 || v != std::floor(v) || v > 1e9) fail(node, fmt::format("shape entry {} is not a size >= 1", v));
    if (d.size() == 1) return {static_cast<int>(d[0]), 1, 1};
    if (d.size() == 3) return {static_cast<int>(d[0]), static_cast<int>(d[1]), static_cast<int>(d[2])};
    fail(node, fmt::format("input shape [{}] has {} dimensions; expected [N] or [C, H, W]", fmt::join(d, ", "),
                           d.size()));
  }

  void visit(const std::string& node) {
    const std::string& type = m_g.nodes.at(node).type;
    if (type == "Conv2d") return conv(node);
    if (type == "Linear" || type == "Affine") return linear(node, type == "Affine");
    if (type == "SumPool2d" || type == "AvgPool2d") return pool(node, type == "AvgPool2d");
    if (type == "Flatten") return flatten(node);
    if (type == "LIF" || type == "IF") return neuron(node, type == "LIF");
    if (type == "Input") fail(node, "a second Input inside the chain");
    if (type == "Delay") fail(node, "synaptic delays are not supported: the accelerator delivers every spike in the step it is fired");
    if (type == "CubaLIF" || type == "CubaLI")
      fail(node, "current-based neurons (a synaptic current with tau_syn) have no integer specification in numerics "
                 "version 1 (docs/numerics.md §3.8); use LIF or IF neurons");
    if (type == "LI" || type == "I")
      fail(node, "a non-spiking integrator (readout) is not supported: every accelerator layer ends in spiking "
                 "neurons; export the network with a LIF or IF output layer");
    if (type == "Threshold") fail(node, "a bare Threshold (spike without membrane) has no counterpart in the accelerator");
    if (type == "Conv1d") fail(node, "1-d convolutions are not supported (the accelerator's conv layers are 2-d)");
    if (type == "Scale") fail(node, "Scale nodes are not supported; fold the scale into the weights before export");
    fail(node, fmt::format("unknown or unsupported node type '{}'", type));
  }

  void open_synapse(const std::string& node) {
    if (m_syn) fail(node, fmt::format("follows '{}' without a neuron in between: each synaptic layer must feed LIF or IF "
                                      "neurons", m_syn->name));
  }

  void conv(const std::string& node) {
    open_synapse(node);
    if (m_pool_flattened) fail(node, "a Conv2d after a Flatten");
    const auto& w = param(node, "weight");
    if (w.shape.size() != 4) fail(node, fmt::format("weight has {} dimensions, expected [C_out, C_in, kH, kW]", w.shape.size()));
    const int o = static_cast<int>(w.shape[0]);
    const int i = static_cast<int>(w.shape[1]);
    if (w.shape[2] != w.shape[3])
      fail(node, fmt::format("kernel {}x{} is not square; only square kernels are supported", w.shape[2], w.shape[3]));
    const int k = static_cast<int>(w.shape[2]);
    const tensor_shape in = m_pool ? m_pool->unpooled : m_shape;
    const tensor_shape pooled = m_shape;
    if (pooled.height == 1 && pooled.width == 1 && pooled.channels != i)
      fail(node, fmt::format("reads a flat vector of {} values; a Conv2d needs a [C, H, W] input", pooled.channels));
    if (i != pooled.channels)
      fail(node, fmt::format("has {} input channels but receives {} ({}x{}x{})", i, pooled.channels, pooled.channels,
                             pooled.height, pooled.width));
    if (m_g.nodes.at(node).has("groups") && param(node, "groups").values.at(0) != 1)
      fail(node, fmt::format("groups = {}; only groups = 1 is supported", param(node, "groups").values.at(0)));
    if (square_param(node, "dilation", 1) != 1) fail(node, "dilation != 1 is not supported");
    const int stride = square_param(node, "stride", 1);
    if (stride < 1) fail(node, "stride must be >= 1");
    int padding = 0;
    const auto& n = m_g.nodes.at(node);
    if (const auto t = n.text.find("padding"); t != n.text.end()) {
      if (t->second == "valid") {
        padding = 0;
      } else if (t->second == "same" && stride == 1 && k % 2 == 1) {
        padding = (k - 1) / 2;
      } else {
        fail(node, fmt::format("padding '{}' with kernel {} and stride {} is not supported (use a number)", t->second, k,
                               stride));
      }
    } else {
      padding = square_param(node, "padding", 0);
    }
    if (n.has("input_shape")) {
      const auto& s = n.params.at("input_shape").values;
      if (s.size() == 2 && (s[0] != pooled.height || s[1] != pooled.width))
        fail(node, fmt::format("input_shape ({}, {}) differs from the incoming {}x{}", s[0], s[1], pooled.height,
                               pooled.width));
    }
    synapse s;
    s.name = node;
    s.kind = layer_kind::conv;
    s.kernel = k;
    s.stride = stride;
    s.padding = padding;
    s.out_channels = o;
    s.weights = w.values;
    s.bias.assign(static_cast<std::size_t>(o), 0.0);
    if (n.has("bias")) {
      const auto& b = param(node, "bias");
      if (b.size() != o && b.size() != 1) fail(node, fmt::format("bias has {} values for {} output channels", b.size(), o));
      for (int c = 0; c < o; ++c) s.bias[static_cast<std::size_t>(c)] = b.values[b.size() == 1 ? 0 : static_cast<std::size_t>(c)];
    }
    const int oh = (pooled.height + 2 * padding - k) / stride + 1;
    const int ow = (pooled.width + 2 * padding - k) / stride + 1;
    if (pooled.height + 2 * padding < k || pooled.width + 2 * padding < k || oh < 1 || ow < 1)
      fail(node, fmt::format("kernel {} larger than the padded {}x{} input", k, pooled.height, pooled.width));
    s.in_shape = in;
    s.out_shape = {o, oh, ow};
    if (m_pool) fold_spike_pool_into_conv(s);
    m_shape = {o, oh, ow};
    m_syn = std::move(s);
  }

  // conv(pool_s(x)) with kernel = stride = s and no remainder: the pooled map's pixel (y, x)
  // is the sum of the s x s block at (s y, s x), so the conv on the pooled map is a conv on x
  // with kernel K s, stride S s, padding P s, and weight W[ky / s][kx / s] at (ky, kx).
  void fold_spike_pool_into_conv(synapse& s) {
    const int f = m_pool->size;
    if (m_pool->unpooled.height % f != 0 || m_pool->unpooled.width % f != 0)
      fail(m_pool->name, fmt::format("pooling spikes of a {}x{} map with window {} leaves a remainder; folded into the "
                                     "next Conv2d that is not exact", m_pool->unpooled.height, m_pool->unpooled.width, f));
    const double scale = m_pool->average ? 1.0 / (f * f) : 1.0;
    const int k = s.kernel, k2 = k * f;
    const int i_ch = m_pool->unpooled.channels;
    std::vector<double> w(static_cast<std::size_t>(s.out_channels) * i_ch * k2 * k2);
    for (int o = 0; o < s.out_channels; ++o)
      for (int i = 0; i < i_ch; ++i)
        for (int y = 0; y < k2; ++y)
          for (int x = 0; x < k2; ++x)
            w[((static_cast<std::size_t>(o) * i_ch + i) * k2 + y) * k2 + x] =
                scale * s.weights[((static_cast<std::size_t>(o) * i_ch + i) * k + y / f) * k + x / f];
    s.weights = std::move(w);
    s.kernel = k2;
    s.stride *= f;
    s.padding *= f;
    s.in_shape = m_pool->unpooled;
    m_folded.push_back(m_pool->name + " into " + s.name);
    m_pool.reset();
  }

  void linear(const std::string& node, bool affine) {
    open_synapse(node);
    const auto& w = param(node, "weight");
    if (w.shape.size() != 2) fail(node, fmt::format("weight has {} dimensions, expected [out, in]", w.shape.size()));
    const int o = static_cast<int>(w.shape[0]);
    const int i = static_cast<int>(w.shape[1]);
    // The spikes the hardware layer reads: before a pending pool, flattened in C,H,W order.
    const tensor_shape pooled = m_shape;
    if (pooled.size() != i)
      fail(node, fmt::format("has {} inputs but receives {} values ({}x{}x{})", i, pooled.size(), pooled.channels,
                             pooled.height, pooled.width));
    if (pooled.height != 1 || pooled.width != 1 || (m_pool && !m_pool_flattened)) {
      // A [C,H,W] tensor straight into a linear layer: flatten it first (C,H,W order), as
      // snnTorch's own linear layers do.
      add_flatten(node + ".flatten", m_pool ? m_pool->unpooled : pooled);
      if (m_pool) m_pool_flattened = true;
    }
    synapse s;
    s.name = node;
    s.kind = layer_kind::linear;
    s.out_channels = o;
    s.weights = w.values;
    s.bias.assign(static_cast<std::size_t>(o), 0.0);
    if (affine) {
      const auto& b = param(node, "bias");
      if (b.size() != o && b.size() != 1) fail(node, fmt::format("bias has {} values for {} outputs", b.size(), o));
      for (int c = 0; c < o; ++c) s.bias[static_cast<std::size_t>(c)] = b.values[b.size() == 1 ? 0 : static_cast<std::size_t>(c)];
    }
    s.in_shape = {i, 1, 1};
    s.out_shape = {o, 1, 1};
    if (m_pool) {
      // Each unpooled spike (c, y, x) inside a full window counts for pooled feature
      // (c, y / f, x / f); spikes in the remainder rows/columns reach no window.
      const auto u = m_pool->unpooled;
      const auto p = m_pool->pooled;
      const int f = m_pool->size;
      const double scale = m_pool->average ? 1.0 / (f * f) : 1.0;
      const std::int64_t n_in = u.size();
      std::vector<double> w2(static_cast<std::size_t>(o * n_in), 0.0);
      for (int oo = 0; oo < o; ++oo)
        for (int c = 0; c < u.channels; ++c)
          for (int y = 0; y < u.height; ++y)
            for (int x = 0; x < u.width; ++x) {
              if (y / f >= p.height || x / f >= p.width) continue;
              const std::int64_t src = (std::int64_t{c} * p.height + y / f) * p.width + x / f;
              const std::int64_t dst = (std::int64_t{c} * u.height + y) * u.width + x;
              w2[static_cast<std::size_t>(oo * n_in + dst)] = scale * s.weights[static_cast<std::size_t>(oo * i + src)];
            }
      s.weights = std::move(w2);
      s.in_shape = {static_cast<int>(n_in), 1, 1};
      m_folded.push_back(m_pool->name + " into " + s.name);
      m_pool.reset();
      m_pool_flattened = false;
    }
    m_shape = s.out_shape;
    m_syn = std::move(s);
  }

  void pool(const std::string& node, bool average) {
    const int k = square_param(node, "kernel_size", std::nullopt);
    const int s = square_param(node, "stride", k);
    if (square_param(node, "padding", 0) != 0) fail(node, "padding != 0 is not supported");
    if (k < 1 || s < 1) fail(node, "kernel_size and stride must be >= 1");
    if (m_shape.height == 1 && m_shape.width == 1 && m_shape.channels > 1 && !m_syn)
      fail(node, "pooling a flat vector");
    const int ph = m_shape.height >= k ? (m_shape.height - k) / s + 1 : 0;
    const int pw = m_shape.width >= k ? (m_shape.width - k) / s + 1 : 0;
    if (ph < 1 || pw < 1) fail(node, fmt::format("window {} larger than the {}x{} input", k, m_shape.height, m_shape.width));
    if (m_syn) {
      if (m_syn->kind != layer_kind::conv) fail(node, "pooling after a Linear/Affine layer");
      fold_current_pool(node, k, s, average);
      m_shape = {m_shape.channels, ph, pw};
      m_syn->out_shape = m_shape;
      return;
    }
    if (m_pool) fail(node, fmt::format("two pools of spikes in a row ('{}' and '{}')", m_pool->name, node));
    if (k != s)
      fail(node, fmt::format("a pool of spikes with kernel {} != stride {} sums overlapping windows; only kernel = stride "
                             "folds exactly into the next layer (or put the pool before the neuron)", k, s));
    m_pool = spike_pool{node, k, average, m_shape, {m_shape.channels, ph, pw}};
    m_shape = m_pool->pooled;
  }

  // pool_k,s(conv_K,S,P(x)): pooled output (y, x) sums conv outputs (s y + a) for a < k,
  // i.e. inputs at (s y + a) S - P + j. With m = a S + j this is one conv of kernel
  // K' = (k - 1) S + K, stride s S, padding P, weights W'[m] = sum over a S + j = m of W[j],
  // and bias k^2 b. The valid outputs are the same (both need (s y + k - 1) S + K <= H + 2P).
  void fold_current_pool(const std::string& node, int k, int s, bool average) {
    auto& syn = *m_syn;
    const int K = syn.kernel, S = syn.stride;
    const int K2 = (k - 1) * S + K;
    const double scale = average ? 1.0 / (k * k) : 1.0;
    const int i_ch = syn.in_shape.channels;
    std::vector<double> w(static_cast<std::size_t>(syn.out_channels) * i_ch * K2 * K2, 0.0);
    for (int o = 0; o < syn.out_channels; ++o)
      for (int i = 0; i < i_ch; ++i)
        for (int ay = 0; ay < k; ++ay)
          for (int ax = 0; ax < k; ++ax)
            for (int jy = 0; jy < K; ++jy)
              for (int jx = 0; jx < K; ++jx)
                w[((static_cast<std::size_t>(o) * i_ch + i) * K2 + ay * S + jy) * K2 + ax * S + jx] +=
                    scale * syn.weights[((static_cast<std::size_t>(o) * i_ch + i) * K + jy) * K + jx];
    syn.weights = std::move(w);
    for (auto& b : syn.bias) b *= scale * k * k;
    syn.kernel = K2;
    syn.stride = s * S;
    m_folded.push_back(node + " into " + syn.name);
  }

  void add_flatten(const std::string& name, const tensor_shape& in) {
    float_layer f;
    f.name = name;
    f.kind = layer_kind::flatten;
    f.in_shape = in;
    f.out_shape = {static_cast<int>(in.size()), 1, 1};
    m_model.layers.push_back(std::move(f));
  }

  void flatten(const std::string& node) {
    if (m_syn) fail(node, fmt::format("a Flatten between '{}' and its neuron", m_syn->name));
    if (m_pool) {
      // The hardware flattens the unpooled spikes; the pool is folded into the next linear layer.
      add_flatten(node, m_pool->unpooled);
      m_pool_flattened = true;
      m_shape = {static_cast<int>(m_shape.size()), 1, 1};
      return;
    }
    if (m_shape.height == 1 && m_shape.width == 1) return;  // already flat: nothing to do
    add_flatten(node, m_shape);
    m_shape = {static_cast<int>(m_shape.size()), 1, 1};
  }

  void neuron(const std::string& node, bool leaky) {
    if (!m_syn) fail(node, "no synaptic layer (Conv2d, Linear or Affine) before this neuron");
    synapse s = std::move(*m_syn);
    m_syn.reset();
    const tensor_shape os = s.out_shape;
    const std::int64_t n = os.size();
    const auto& nd = m_g.nodes.at(node);
    // Shapes: a neuron node's parameters have one value per neuron (or one for all).
    const double threshold = uniform(node, "v_threshold", n, "the integer layer has one threshold");
    if (nd.has("v_reset")) {
      const auto& r = param(node, "v_reset");
      check_size(node, "v_reset", r, n);
      for (double v : r.values)
        if (v != 0) fail(node, fmt::format("v_reset = {}: the integer neuron resets to 0 (or subtracts the threshold)", v));
    }
    const std::vector<double> r = per_channel(node, "r", os);
    double decay = 1.0;
    double dt_over_tau = 0.0;
    std::vector<double> leak(static_cast<std::size_t>(os.channels), 0.0);
    if (leaky) {
      const double tau = uniform(node, "tau", n, "the integer layer has one decay");
      if (!(tau > 0)) fail(node, fmt::format("tau = {} must be > 0", tau));
      dt_over_tau = m_opt.time_step / tau;
      if (dt_over_tau > 1)
        fail(node, fmt::format("dt = {} is larger than tau = {}: the Euler step 1 - dt/tau would be negative; pass a "
                               "smaller --dt", m_opt.time_step, tau));
      decay = 1.0 - dt_over_tau;
      if (nd.has("v_leak")) leak = per_channel(node, "v_leak", os);
    }
    // Fold the input gain (LIF: r dt / tau, IF: r) and the leak into weights and bias.
    const std::size_t per_out = s.weights.size() / static_cast<std::size_t>(s.out_channels);
    for (int c = 0; c < s.out_channels; ++c) {
      double gain = leaky ? r[static_cast<std::size_t>(c)] * dt_over_tau : r[static_cast<std::size_t>(c)];
      // snnTorch and our exporter write r = tau / dt, so the gain is 1 up to rounding: keep
      // the weights bit-exact then.
      if (std::abs(gain - 1.0) < 1e-9) gain = 1.0;
      for (std::size_t j = 0; j < per_out; ++j) s.weights[static_cast<std::size_t>(c) * per_out + j] *= gain;
      auto& b = s.bias[static_cast<std::size_t>(c)];
      b = gain * b + dt_over_tau * leak[static_cast<std::size_t>(c)];
    }
    float_layer l;
    l.name = s.name;
    l.neuron_name = node;
    l.kind = s.kind;
    l.kernel = s.kernel;
    l.stride = s.stride;
    l.padding = s.padding;
    l.out_channels = s.out_channels;
    l.weights.assign(s.weights.begin(), s.weights.end());
    l.bias.assign(s.bias.begin(), s.bias.end());
    l.in_shape = s.in_shape;
    l.out_shape = os;
    l.neuron.model = numerics::neuron_model::leaky;
    l.neuron.beta = decay;
    l.neuron.threshold = threshold;
    l.neuron.reset = numerics::float_reset::zero;
    l.neuron.reset_delay = false;
    if (const auto it = nd.metadata.find(meta_reset); it != nd.metadata.end()) {
      try {
        l.neuron.reset = numerics::parse_float_reset(it->second);
      } catch (const bad_input& e) {
        fail(node, fmt::format("metadata {}: {}", meta_reset, e.what()));
      }
    }
    if (const auto it = nd.metadata_numbers.find(meta_reset_delay); it != nd.metadata_numbers.end())
      l.neuron.reset_delay = it->second != 0;
    m_model.layers.push_back(std::move(l));
    m_shape = os;
  }

  void finish(const std::string& output) {
    if (m_syn) fail(m_syn->name, "feeds the Output without a neuron: every accelerator layer ends in spiking neurons");
    if (m_pool) fail(m_pool->name, "a pool of spikes right before the Output is not supported");
    bool any = false;
    for (const auto& l : m_model.layers) any = any || l.kind != layer_kind::flatten;
    if (!any) fail_graph("the graph has no synaptic layer with neurons; nothing to run");
    const std::int64_t outputs = m_shape.size();
    if (const auto& on = m_g.nodes.at(output); on.has("shape")) {
      std::int64_t declared = 1;
      for (double v : on.params.at("shape").values) declared *= static_cast<std::int64_t>(v);
      if (declared != outputs)
        fail(output, fmt::format("declares {} outputs but the last layer has {}", declared, outputs));
    }
    assign_classes(m_model, m_opt.num_classes, m_opt.population_per_class, m_what);
    m_model.notes = fmt::format("imported from NIR {}; dt = {} s; LIF: beta = 1 - dt/tau, gain r dt/tau folded into "
                                "the weights{}{}", m_what, m_opt.time_step, m_folded.empty() ? "" : "; pools folded: ",
                                fmt::join(m_folded, ", "));
  }
};

}  // namespace

void assign_classes(float_model& m, int num_classes, int population_per_class, const std::string& what) {
  const std::int64_t outputs = m.layers.empty() ? 0 : m.layers.back().out_shape.size();
  int pop = population_per_class;
  if (pop < 0) throw bad_input(fmt::format("{}: population_per_class must be >= 1", what));
  if (pop == 0) pop = num_classes > 0 && outputs % num_classes == 0 ? static_cast<int>(outputs / num_classes) : 1;
  const int classes = num_classes > 0 ? num_classes : static_cast<int>(outputs / pop);
  if (std::int64_t{classes} * pop != outputs)
    throw bad_input(fmt::format("{}: the last layer's {} outputs are not {} classes x {} neurons per class", what,
                                outputs, classes, pop));
  m.num_classes = classes;
  m.population_per_class = pop;
}

float_model lower_nir(const nir_graph& graph, const import_options& options, const std::string& what) {
  return lowering(graph, options, what).run();
}

}  // namespace snncosim::interop
