// NIR graph -> float network: the lowered network's float inference equals a naive reference
// of the NIR node semantics (nir_reference.h), and unsupported graphs are rejected by name.
#include <doctest/doctest.h>

#include <filesystem>

#include "nir_reference.h"
#include "snncosim/common/error.h"
#include "snncosim/common/rng.h"
#include "snncosim/interop/float_model.h"
#include "snncosim/interop/nir_file.h"
#include "snncosim/interop/nir_import.h"
#include "test_graphs.h"

namespace snncosim::interop {
namespace {

std::vector<std::uint8_t> random_spikes(std::size_t n, double density, unsigned seed) {
  snncosim::rng gen(seed);
  std::vector<std::uint8_t> v(n);
  for (auto& x : v) x = gen.chance(density) ? 1 : 0;
  return v;
}

// Runs both over T steps and compares the spikes of every neuron node.
void check_against_reference(const nir_graph& g, int steps, double density, unsigned seed) {
  const import_options o;
  const float_model m = lower_nir(g, o, "test graph");
  const auto in_size = static_cast<std::size_t>(m.input.size());
  const auto input = random_spikes(in_size * static_cast<std::size_t>(steps), density, seed);
  const float_run run = run_float_model(m, input, steps);
  test::nir_reference ref(g, o.time_step);
  std::int64_t spikes = 0;
  for (int t = 0; t < steps; ++t) {
    std::vector<double> x(in_size);
    for (std::size_t i = 0; i < in_size; ++i) x[i] = input[static_cast<std::size_t>(t) * in_size + i];
    ref.step(x);
    for (std::size_t l = 0; l < m.layers.size(); ++l) {
      const auto& layer = m.layers[l];
      if (layer.kind == numerics::layer_kind::flatten) continue;
      const auto& expect = ref.outputs.at(layer.neuron_name).v;
      const std::size_t n = expect.size();
      REQUIRE(static_cast<std::int64_t>(n) == layer.out_shape.size());
      for (std::size_t j = 0; j < n; ++j) {
        INFO("layer ", layer.name, " step ", t, " neuron ", j);
        CHECK(run.spikes[l][static_cast<std::size_t>(t) * n + j] == static_cast<std::uint8_t>(expect[j]));
        spikes += run.spikes[l][static_cast<std::size_t>(t) * n + j];
      }
    }
  }
  MESSAGE("spikes compared: ", spikes);
  CHECK(spikes > 20);  // the comparison is not of silent layers
}

TEST_CASE("lowering: a conv graph with stride and padding and sum pooling of currents and LIF and IF neurons spikes like the NIR semantics") {
  const nir_graph g = test::conv_graph();
  const float_model m = lower_nir(g, {}, "conv graph");
  REQUIRE(m.layers.size() == 4);  // conv1, conv2 (pool2 folded in), flat, fc
  CHECK(m.layers[0].neuron.beta == doctest::Approx(0.75));
  CHECK(m.layers[0].stride == 2);
  CHECK(m.layers[0].padding == 1);
  // pool 2 after a 3x3 stride-1 conv: one 4x4 conv of stride 2, bias x4.
  CHECK(m.layers[1].kernel == 4);
  CHECK(m.layers[1].stride == 2);
  CHECK(m.layers[1].neuron.beta == 1.0);
  CHECK(m.layers[2].kind == numerics::layer_kind::flatten);
  CHECK(m.layers[3].neuron.beta == doctest::Approx(0.5));
  CHECK(m.layers[3].neuron.reset == numerics::float_reset::zero);
  CHECK_FALSE(m.layers[3].neuron.reset_delay);
  CHECK(m.num_classes == 2);
  for (unsigned seed = 1; seed <= 4; ++seed) check_against_reference(g, 12, 0.3, seed);
}

TEST_CASE("lowering: pools of spikes fold into the next conv and linear layer and gain and v_leak into the weights") {
  const nir_graph g = test::spike_pool_graph();
  const float_model m = lower_nir(g, {}, "spike pool graph");
  REQUIRE(m.layers.size() == 4);
  CHECK(m.layers[1].kernel == 6);   // 3x3 conv on a 2x2-pooled map
  CHECK(m.layers[1].stride == 2);
  CHECK(m.layers[1].padding == 2);
  CHECK(m.layers[1].in_shape == numerics::tensor_shape{4, 8, 8});
  CHECK(m.layers[2].in_shape == numerics::tensor_shape{4, 4, 4});  // the unpooled spikes are flattened
  CHECK(m.layers[3].in_shape == numerics::tensor_shape{64, 1, 1});
  for (unsigned seed = 1; seed <= 4; ++seed) check_against_reference(g, 12, 0.3, seed);
}

TEST_CASE("nir file: what the writer writes the reader reads back unchanged") {
  const nir_graph g = test::spike_pool_graph();
  const auto path = std::filesystem::temp_directory_path() / "snncosim_interop_roundtrip.nir";
  write_nir_file(path, g);
  const nir_graph r = read_nir_file(path);
  std::filesystem::remove(path);
  CHECK(r.version == nir_writer_version);
  CHECK(r.edges == g.edges);
  REQUIRE(r.nodes.size() == g.nodes.size());
  for (const auto& [name, n] : g.nodes) {
    const auto& b = r.nodes.at(name);
    CHECK(b.type == n.type);
    for (const auto& [k, a] : n.params) {
      INFO(name, "/", k);
      CHECK(b.params.at(k).shape == a.shape);
      CHECK(b.params.at(k).values == a.values);  // dyadic weights survive float32 exactly
    }
  }
}

std::string rejection(const nir_graph& g) {
  try {
    lower_nir(g, {}, "g.nir");
  } catch (const bad_input& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST_CASE("lowering: unsupported graphs are rejected naming the node and the reason") {
  {
    nir_graph g = test::conv_graph();
    g.edges.emplace_back("lif3", "fc");  // a recurrent connection
    const auto m = rejection(g);
    CHECK(m.find("recurrent edge 'lif3' -> 'fc'") != std::string::npos);
    CHECK(m.find("feed-forward") != std::string::npos);
  }
  {
    nir_graph g = test::conv_graph();
    g.nodes["side"] = {"IF", {{"r", nir_array::scalar(1)}, {"v_threshold", nir_array::scalar(1)}}, {}, {}, {}};
    g.edges.emplace_back("lif1", "side");
    CHECK(rejection(g).find("node 'lif1' (LIF): 2 outgoing edges") != std::string::npos);
  }
  {
    nir_graph g = test::conv_graph();
    g.nodes["if2"].type = "Delay";
    CHECK(rejection(g).find("node 'if2' (Delay): synaptic delays are not supported") != std::string::npos);
  }
  {
    nir_graph g = test::conv_graph();
    g.nodes["lif1"].type = "CubaLIF";
    CHECK(rejection(g).find("node 'lif1' (CubaLIF): current-based neurons") != std::string::npos);
  }
  {
    nir_graph g = test::conv_graph();
    g.nodes["if2"].type = "Frobnicate";
    CHECK(rejection(g).find("node 'if2' (Frobnicate): unknown or unsupported node type") != std::string::npos);
  }
  {
    nir_graph g = test::conv_graph();
    g.nodes["lif1"].params["v_reset"].values[3] = 0.25;
    CHECK(rejection(g).find("node 'lif1' (LIF): v_reset = 0.25") != std::string::npos);
  }
  {
    nir_graph g = test::conv_graph();
    g.nodes["lif1"].params["tau"].values[5] = 1e-3;
    CHECK(rejection(g).find("node 'lif1' (LIF): per-neuron tau") != std::string::npos);
  }
  {
    nir_graph g = test::conv_graph();
    auto& w = g.nodes["conv1"].params["weight"];
    w.shape = {4, 2, 9, 1};
    CHECK(rejection(g).find("node 'conv1' (Conv2d): kernel 9x1 is not square") != std::string::npos);
  }
  {
    nir_graph g = test::conv_graph();
    g.nodes.erase("lif1");
    g.edges = {{"input", "conv1"}, {"conv1", "conv2"}, {"conv2", "pool2"}, {"pool2", "if2"}, {"if2", "flat"},
               {"flat", "fc"}, {"fc", "lif3"}, {"lif3", "output"}};
    CHECK(rejection(g).find("node 'conv2' (Conv2d): follows 'conv1' without a neuron") != std::string::npos);
  }
  {
    const import_options o{5e-4, 0, 1};  // dt above lif3's tau of 2e-4
    CHECK_THROWS_WITH_AS(lower_nir(test::conv_graph(), o, "g.nir"), doctest::Contains("dt = 0.0005 is larger than tau"),
                         bad_input);
  }
}

}  // namespace
}  // namespace snncosim::interop
