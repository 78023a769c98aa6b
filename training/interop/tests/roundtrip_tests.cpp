// Ours -> NIR -> ours gives the same integer model; real NIR files written by Norse and
// Rockpool import with the parameters they hold; the recurrent Braille network is refused.
#include <doctest/doctest.h>

#include <filesystem>

#include "snncosim/common/error.h"
#include "snncosim/interop/float_model.h"
#include "snncosim/interop/nir_export.h"
#include "snncosim/interop/nir_file.h"
#include "snncosim/interop/nir_import.h"
#include "test_graphs.h"

namespace snncosim::interop {
namespace {

using numerics::layer_kind;

numerics::float_neuron leaky(double beta, double threshold, numerics::float_reset reset, bool delay) {
  numerics::float_neuron n;
  n.beta = beta;
  n.threshold = threshold;
  n.reset = reset;
  n.reset_delay = delay;
  return n;
}

std::vector<float> weights(std::size_t n, std::uint32_t seed) {
  const auto d = test::dyadic(n, seed, -0.4, 0.6);
  std::vector<float> v(d.begin(), d.end());
  for (std::size_t i = 0; i < v.size(); ++i) v[i] += static_cast<float>(i % 7) * 0.0137F;  // not only dyadic
  return v;
}

// What `export` produces for a strided CSNN: conv (Leaky subtract, delayed reset) -> conv
// (beta 1, zero reset, immediate) -> flatten -> linear (reset none).
numerics::quant_model our_model(const export_::quantization_settings& s) {
  numerics::quant_model m;
  m.input = {2, 9, 9};
  m.num_classes = 3;
  m.population_per_class = 2;
  m.layers.push_back(numerics::make_neuron_layer("conv1", layer_kind::conv, 4, 3, 2, 1, weights(4 * 2 * 9, 1),
                                                 {0.1F, -0.05F, 0.0F, 0.2F},
                                                 leaky(0.9, 1.0, numerics::float_reset::subtract, true), s.widths,
                                                 s.per_channel));
  m.layers.push_back(numerics::make_neuron_layer("conv2", layer_kind::conv, 5, 3, 1, 0, weights(5 * 4 * 9, 2), {},
                                                 leaky(1.0, 0.75, numerics::float_reset::zero, false), s.widths,
                                                 s.per_channel));
  numerics::quant_layer flat;
  flat.name = "flat";
  flat.kind = layer_kind::flatten;
  m.layers.push_back(flat);
  m.layers.push_back(numerics::make_neuron_layer("fc1", layer_kind::linear, 6, 1, 1, 0, weights(6 * 5 * 9, 3),
                                                 {0.01F, 0.02F, 0.03F, -0.01F, 0.0F, 0.05F},
                                                 leaky(0.5, 0.5, numerics::float_reset::none, true), s.widths,
                                                 s.per_channel));
  numerics::validate(m);
  return m;
}

void check_same(const numerics::quant_model& a, const numerics::quant_model& b) {
  CHECK(a.input == b.input);
  CHECK(a.num_classes == b.num_classes);
  CHECK(a.population_per_class == b.population_per_class);
  REQUIRE(a.layers.size() == b.layers.size());
  for (std::size_t i = 0; i < a.layers.size(); ++i) {
    const auto& x = a.layers[i];
    const auto& y = b.layers[i];
    INFO("layer ", x.name);
    CHECK(x.name == y.name);
    CHECK(x.kind == y.kind);
    CHECK(x.kernel == y.kernel);
    CHECK(x.stride == y.stride);
    CHECK(x.padding == y.padding);
    CHECK(x.out_channels == y.out_channels);
    CHECK(x.weights == y.weights);
    CHECK(x.bias == y.bias);
    CHECK(x.gain == y.gain);
    CHECK(x.weight_scale == y.weight_scale);
    CHECK(x.membrane_scale == y.membrane_scale);
    CHECK(x.neuron.reset == y.neuron.reset);
    CHECK(x.neuron.reset_delay == y.neuron.reset_delay);
    CHECK(x.neuron.decay == y.neuron.decay);
    CHECK(x.neuron.threshold == y.neuron.threshold);
    CHECK(x.neuron.reset_amount == y.neuron.reset_amount);
    CHECK(x.float_weights == y.float_weights);
  }
}

TEST_CASE("round trip: our model -> NIR file -> import gives the same integer model") {
  for (const int bits : {4, 8, 16})
    for (const bool per_channel : {false, true}) {
      CAPTURE(bits);
      CAPTURE(per_channel);
      export_::quantization_settings s;
      s.widths.weight_bits = bits;
      s.per_channel = per_channel;
      const auto ours = our_model(s);
      const auto path = std::filesystem::temp_directory_path() / "snncosim_interop_ours.nir";
      write_nir_file(path, to_nir(ours, 1e-4, "ours"));
      const nir_graph g = read_nir_file(path);
      std::filesystem::remove(path);
      CHECK(g.nodes.at("conv1.lif").type == "LIF");
      CHECK(g.nodes.at("conv1.lif").params.at("tau").values[0] == doctest::Approx(1e-3));
      CHECK(g.nodes.at("conv2.lif").type == "IF");
      CHECK(g.nodes.at("conv1.lif").params.at("tau").shape == std::vector<std::int64_t>{4, 5, 5});
      import_options o;
      o.num_classes = 3;
      o.population_per_class = 2;
      const auto back = quantize_float_model(lower_nir(g, o, "ours.nir"), s, {});
      check_same(ours, back);
    }
}

TEST_CASE("export to NIR: max-pooling and Lapicque are refused by name") {
  export_::quantization_settings s;
  auto m = our_model(s);
  m.layers[0].current_pool_kernel = 1;  // a 1x1 pool keeps the shapes valid
  m.layers[0].current_pool_stride = 1;
  CHECK_THROWS_WITH_AS(to_nir(m, 1e-4, "m.h5"), doctest::Contains("layer 'conv1' (conv): a max-pool between the conv"),
                       bad_input);
  m = our_model(s);
  m.layers[1].source_neuron.model = numerics::neuron_model::lapicque;
  CHECK_THROWS_WITH_AS(to_nir(m, 1e-4, "m.h5"), doctest::Contains("layer 'conv2' (conv): Lapicque"), bad_input);
}

// Real files exported by other tools live in a folder beside the checkout (../shared), which a
// fresh machine lacks; the tests skip then.
std::filesystem::path real_nir(const std::string& name) {
  return std::filesystem::path(SNNCOSIM_SOURCE_DIR) / "../shared/fixtures/real/nir" / name;
}
bool have_real_files() {
  if (std::filesystem::exists(real_nir("lif_norse.nir"))) return true;
  MESSAGE("SKIPPED: the real NIR files (../shared/fixtures/real/nir beside the source tree) are not here");
  return false;
}

TEST_CASE("real NIR files: Norse and Rockpool LIF layers import with their parameters") {
  if (!have_real_files()) return;
  {
    // Norse: Affine w = 1, b = 0; LIF tau = 2.5 ms, r = 1, v_threshold = 0.1 (h5dump).
    const nir_graph g = read_nir_file(real_nir("lif_norse.nir"));
    CHECK(g.version == "0.1.1");
    CHECK(g.nodes.at("1").params.at("tau").values[0] == doctest::Approx(0.0025));
    const auto m = lower_nir(g, {}, "lif_norse.nir");
    REQUIRE(m.layers.size() == 1);
    CHECK(m.layers[0].kind == layer_kind::linear);
    CHECK(m.layers[0].neuron.beta == doctest::Approx(1 - 1e-4 / 0.0025));  // 0.96
    CHECK(m.layers[0].neuron.threshold == doctest::Approx(0.1));
    CHECK(m.layers[0].weights[0] == doctest::Approx(0.04));  // w r dt / tau = 1 * 1 * 0.04
    CHECK(m.layers[0].bias[0] == 0.0F);
  }
  {
    // Rockpool: Linear w = 0.04 (no bias); LIF r = 24.019737, tau = 2.5 ms, v_threshold = 0.1.
    const nir_graph g = read_nir_file(real_nir("lif_rockpool.nir"));
    const auto& lif = g.nodes.at("1_LIFNeuronTorch");
    CHECK(lif.params.at("r").values[0] == doctest::Approx(24.019737));
    const auto m = lower_nir(g, {}, "lif_rockpool.nir");
    REQUIRE(m.layers.size() == 1);
    CHECK(m.layers[0].neuron.beta == doctest::Approx(0.96));
    CHECK(m.layers[0].neuron.threshold == doctest::Approx(0.1));
    CHECK(m.layers[0].weights[0] == doctest::Approx(0.04 * 24.019737 * 0.04).epsilon(1e-6));
    CHECK(m.num_classes == 1);
  }
  {
    // Two LIF neurons in series: lif1 has v_leak = 1.2 -> a constant input (dt/tau) v_leak.
    const auto m = lower_nir(read_nir_file(real_nir("two_lif_neurons.nir")), {}, "two_lif_neurons.nir");
    REQUIRE(m.layers.size() == 2);
    CHECK(m.layers[0].bias[0] == doctest::Approx(0.01 * 1.2));
    CHECK(m.layers[0].neuron.beta == doctest::Approx(0.99));
    CHECK(m.layers[1].neuron.threshold == doctest::Approx(20.0));
  }
}

TEST_CASE("real NIR files: the recurrent Braille network is refused naming the recurrent edge") {
  if (!have_real_files()) return;
  const nir_graph g = read_nir_file(real_nir("braille_noDelay_bias_zero.nir"));
  CHECK(g.nodes.at("lif1.lif").type == "CubaLIF");
  CHECK_THROWS_WITH_AS(lower_nir(g, {}, "braille.nir"),
                       doctest::Contains("recurrent edge 'lif1.w_rec' -> 'lif1.lif' closes the cycle lif1.lif -> "
                                         "lif1.w_rec -> lif1.lif"),
                       bad_input);
}

}  // namespace
}  // namespace snncosim::interop
