// Export of trained float networks to the integer model: BatchNorm folding against a naive
// conv reference, float-vs-integer spike agreement at 16-bit weights, rejected constructs,
// checkpoint weights, and the written model/trace files read back through numerics.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "snncosim/common/atomic_file.h"
#include "snncosim/common/checkpoint_file.h"
#include "snncosim/common/config.h"
#include "snncosim/common/error.h"
#include "snncosim/common/rng.h"
#include "snncosim/export/checkpoint.h"
#include "snncosim/export/compare.h"
#include "snncosim/export/export_model.h"
#include "snncosim/export/float_trace.h"
#include "snncosim/export/provenance.h"
#include "snncosim/export/settings.h"
#include "snncosim/nn/batch_norm2d.h"
#include "snncosim/nn/batch_source.h"
#include "snncosim/nn/conv2d.h"
#include "snncosim/nn/trainer.h"
#include "snncosim/numerics/model_file.h"
#include "snncosim/numerics/trace_file.h"
#include "test_util.h"

using namespace snncosim;
using namespace snncosim::export_;
using namespace snncosim::export_::test;

namespace {

// Non-trivial eval statistics so that folding changes the weights.
void randomize_batch_norm(nn::network& net, std::uint64_t seed) {
  snncosim::rng gen{seed};
  for (auto& l : net.layers())
    if (auto* b = dynamic_cast<nn::batch_norm2d*>(l.get())) {
      for (auto& v : b->running_mean()) v = static_cast<float>(gen.uniform() * 0.4 - 0.2);
      for (auto& v : b->running_var()) v = static_cast<float>(0.05 + gen.uniform() * 0.5);
      for (auto& v : b->scale()) v = static_cast<float>(0.5 + gen.uniform());
      for (auto& v : b->shift()) v = static_cast<float>(gen.uniform() * 0.4 - 0.1);
    }
}

quantization_settings bits(int b) {
  quantization_settings q;
  q.widths.weight_bits = b;
  q.widths.frac_bits = 16;
  return q;
}

}  // namespace

TEST_CASE("batchnorm folding: conv + BN (eval) equals the folded conv on random data") {
  nn::network_spec s;
  s.in_channels = 3;
  s.in_height = 7;
  s.in_width = 6;
  s.num_classes = 4 * 7 * 6;  // the network output is the neuron layer itself
  s.layers = {make(nn::layer_type::conv, 4, 3, 1), make(nn::layer_type::batchnorm), neuron(leaky(0.9f), true)};
  s.layers[1].eps = 1e-3f;
  nn::network net(s, 3);
  net.configure(2, 3);
  randomize_batch_norm(net, 11);
  const export_result ex = export_network(net, bits(16));
  const numerics::quant_layer& q = ex.model.layers.at(0);
  REQUIRE(q.float_weights.size() == 4u * 3 * 3 * 3);
  REQUIRE(q.float_bias.size() == 4u);

  snncosim::rng gen{5};
  std::vector<float> x(2 * 3 * 3 * 7 * 6);
  for (auto& v : x) v = static_cast<float>(gen.uniform() * 2 - 1);
  const float_activations fa = run_float_layers(net, x.data());
  const std::vector<float>& bn_out = fa.outputs.at(1);  // conv -> BN, plain nchw
  // Naive reference conv with the folded weights (cross-correlation, zero padding 1).
  double worst = 0;
  for (int row = 0; row < 6; ++row)
    for (int o = 0; o < 4; ++o)
      for (int y = 0; y < 7; ++y)
        for (int xx = 0; xx < 6; ++xx) {
          double acc = q.float_bias[static_cast<std::size_t>(o)];
          for (int i = 0; i < 3; ++i)
            for (int ky = 0; ky < 3; ++ky)
              for (int kx = 0; kx < 3; ++kx) {
                const int iy = y - 1 + ky, ix = xx - 1 + kx;
                if (iy < 0 || iy >= 7 || ix < 0 || ix >= 6) continue;
                acc += static_cast<double>(q.float_weights[static_cast<std::size_t>(((o * 3 + i) * 3 + ky) * 3 + kx)]) *
                       x[static_cast<std::size_t>(((row * 3 + i) * 7 + iy) * 6 + ix)];
              }
          const double got = bn_out[static_cast<std::size_t>(((row * 4 + o) * 7 + y) * 6 + xx)];
          worst = std::max(worst, std::abs(got - acc));
        }
  CHECK(worst < 1e-4);
  // And folding really happened: the folded weights are not the conv's own.
  auto& conv = dynamic_cast<nn::conv2d&>(*net.layers()[0]);
  CHECK(q.float_weights[0] != doctest::Approx(conv.weights()[0]));
}

TEST_CASE("16-bit export: integer inference agrees with float inference on spike bits") {
  const nn::network_spec s = small_spec(0.9f);
  nn::network net(s, 21);
  net.configure(10, 8);
  randomize_batch_norm(net, 4);
  const export_result ex = export_network(net, bits(16));
  // conv(+BN,+neuron), maxpool, conv(+current pool), flatten, linear, linear
  REQUIRE(ex.model.layers.size() == 6u);
  CHECK(ex.model.layers[2].current_pool_kernel == 2);
  CHECK(ex.model.layers[1].kind == numerics::layer_kind::maxpool);
  auto data = make_data(s, 48, 10, 9);
  compare_options o;
  o.batch = 8;
  o.progress = false;
  o.trace_samples = 2;
  const comparison_report r = compare_float_integer(net, ex, data, o);
  CHECK(r.samples == 48u);
  CHECK(r.traces.size() == 2u);
  for (const auto& l : r.layers) {
    MESSAGE(l.name << ": agreement " << l.agreement << ", float spikes " << l.float_spikes << ", integer spikes "
                   << l.integer_spikes << " of " << l.bits);
    // A wrong weight index or flatten order scrambles most spikes; active layers are needed
    // for that to show.
    CHECK(l.float_spikes > l.bits / 50);
    CHECK(l.agreement > 0.99);
  }
  MESSAGE("float accuracy " << r.float_accuracy << ", integer accuracy " << r.integer_accuracy
                            << ", same prediction " << r.prediction_agreement);
  CHECK(r.prediction_agreement > 0.9);

  // Negative control: the same model with the first linear layer reading its input in
  // H,W,C instead of C,H,W order (a flatten-order bug) must fail the threshold above.
  export_result wrong = ex;
  numerics::quant_layer& fc = wrong.model.layers[4];
  const numerics::tensor_shape in = {8, 2, 2};  // conv4 output after its current pool
  REQUIRE(static_cast<std::int64_t>(fc.weights.size()) == fc.out_channels * in.size());
  std::vector<std::int32_t> permuted(fc.weights.size());
  for (int oc = 0; oc < fc.out_channels; ++oc)
    for (int c = 0; c < in.channels; ++c)
      for (int y = 0; y < in.height; ++y)
        for (int x = 0; x < in.width; ++x) {
          const auto chw = static_cast<std::size_t>((c * in.height + y) * in.width + x);
          const auto hwc = static_cast<std::size_t>((y * in.width + x) * in.channels + c);
          permuted[static_cast<std::size_t>(oc) * 32 + hwc] = fc.weights[static_cast<std::size_t>(oc) * 32 + chw];
        }
  fc.weights = permuted;
  data.set_epoch(0);
  const comparison_report bad = compare_float_integer(net, wrong, data, o);
  MESSAGE("flatten-order bug: " << bad.layers[4].name << " agreement " << bad.layers[4].agreement);
  CHECK(bad.layers[4].agreement < 0.99);
}

TEST_CASE("export inserts the flatten that nn::linear does implicitly") {
  nn::network_spec s;
  s.in_channels = 2;
  s.in_height = s.in_width = 6;
  s.num_classes = 3;
  s.layers = {make(nn::layer_type::conv, 4, 3, 0), neuron(leaky(0.8f, 0.3f)), make(nn::layer_type::linear, 3),
              neuron(leaky(0.8f, 0.3f), true)};
  nn::network net(s, 2);
  net.configure(6, 4);
  const export_result ex = export_network(net, bits(16));
  REQUIRE(ex.model.layers.size() == 3u);
  CHECK(ex.model.layers[1].kind == numerics::layer_kind::flatten);
  auto data = make_data(s, 8, 6, 3);
  compare_options o;
  o.batch = 4;
  o.progress = false;
  const auto r = compare_float_integer(net, ex, data, o);
  for (const auto& l : r.layers) CHECK(l.agreement > 0.99);
}

TEST_CASE("unsupported constructs are rejected naming the layer") {
  auto rejects = [](nn::network_spec s, const std::string& needle) {
    nn::network net(s, 1);
    net.configure(2, 1);
    try {
      (void)export_network(net, quantization_settings{});
      FAIL("export accepted " << needle);
    } catch (const bad_input& e) {
      const std::string msg = e.what();
      INFO(msg);
      CHECK(msg.find(needle) != std::string::npos);
    }
  };
  nn::network_spec base;
  base.in_channels = 2;
  base.in_height = base.in_width = 8;
  base.num_classes = 2;
  {
    auto s = base;
    s.layers = {make(nn::layer_type::conv, 4, 3), neuron(leaky(0.9f)), make(nn::layer_type::avgpool, 0, 2),
                make(nn::layer_type::flatten), make(nn::layer_type::linear, 2), neuron(leaky(0.9f), true)};
    s.layers[2].name = "pool_avg";
    rejects(s, "pool_avg");
  }
  {
    auto s = base;
    snn::neuron_config syn = snn::default_neuron_config("synaptic");
    syn.alpha = 0.5f;
    s.layers = {make(nn::layer_type::flatten), make(nn::layer_type::linear, 2), neuron(syn, true)};
    s.layers[2].name = "syn_neuron";
    rejects(s, "syn_neuron");
  }
  {
    auto s = base;
    s.layers = {make(nn::layer_type::conv, 4, 3), make(nn::layer_type::conv, 4, 3), neuron(leaky(0.9f)),
                make(nn::layer_type::flatten), make(nn::layer_type::linear, 2), neuron(leaky(0.9f), true)};
    s.layers[0].name = "conv_alone";
    rejects(s, "conv_alone");
  }
}

TEST_CASE("written model and trace files reopen through the numerics readers") {
  const nn::network_spec s = small_spec();
  nn::network net(s, 8);
  net.configure(6, 4);
  randomize_batch_norm(net, 2);
  const export_result ex = export_network(net, bits(8), make_provenance("name: t\n", 77, "test"));
  auto data = make_data(s, 4, 6, 1);
  compare_options o;
  o.batch = 4;
  o.progress = false;
  o.trace_samples = 3;
  const auto r = compare_float_integer(net, ex, data, o);
  const auto dir = std::filesystem::temp_directory_path() / "snncosim_export_files_test";
  std::filesystem::create_directories(dir);
  numerics::write_model_file(dir / "model.h5", ex.model);
  numerics::write_trace_file(dir / "trace.h5", {"integer", "model.h5", "test", tool_version()}, r.traces);

  const numerics::quant_model m = numerics::read_model_file(dir / "model.h5");
  REQUIRE(m.layers.size() == ex.model.layers.size());
  for (std::size_t k = 0; k < m.layers.size(); ++k) {
    CHECK(m.layers[k].name == ex.model.layers[k].name);
    CHECK(m.layers[k].weights == ex.model.layers[k].weights);
    CHECK(m.layers[k].bias == ex.model.layers[k].bias);
    CHECK(m.layers[k].gain == ex.model.layers[k].gain);
  }
  CHECK(m.origin.seed == 77u);
  CHECK(m.origin.config_text == "name: t\n");
  CHECK(m.origin.git_sha.size() >= 7u);
  const numerics::trace_contents t = numerics::read_trace_file(dir / "trace.h5");
  REQUIRE(t.samples.size() == 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(t.samples[i].result.input.spikes == r.traces[i].result.input.spikes);
    REQUIRE(t.samples[i].result.layers.size() == r.traces[i].result.layers.size());
    for (std::size_t k = 0; k < t.samples[i].result.layers.size(); ++k)
      CHECK(t.samples[i].result.layers[k].spikes == r.traces[i].result.layers[k].spikes);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("checkpoint weights load into a fresh network") {
  nn::network_spec s;
  s.in_channels = 2;
  s.in_height = s.in_width = 6;
  s.num_classes = 2;
  s.layers = {make(nn::layer_type::conv, 3, 3), make(nn::layer_type::batchnorm), neuron(leaky(0.9f)),
              make(nn::layer_type::flatten), make(nn::layer_type::linear, 2), neuron(leaky(0.9f), true)};
  const auto dir = std::filesystem::temp_directory_path() / "snncosim_export_ckpt_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  nn::network a(s, 1);
  a.configure(4, 4);
  nn::trainer_options to;
  to.epochs = 1;
  to.batch_size = 4;
  to.run_dir = dir;
  to.progress = false;
  nn::trainer tr(a, to);
  auto train = make_data(s, 8, 4, 5);
  tr.fit(train, nullptr);
  nn::network b(s, 99);
  b.configure(4, 4);
  load_checkpoint_weights(b, dir / "checkpoint.bin");
  const auto pa = a.parameters(), pb = b.parameters();
  REQUIRE(pa.size() == pb.size());
  for (std::size_t i = 0; i < pa.size(); ++i)
    CHECK(std::equal(pa[i].value, pa[i].value + pa[i].size, pb[i].value));
  const auto ba = a.buffers(), bb = b.buffers();
  for (std::size_t i = 0; i < ba.size(); ++i)
    CHECK(std::equal(ba[i].value, ba[i].value + ba[i].size, bb[i].value));
  // A network of another shape is refused with the tensor named.
  auto other = s;
  other.layers[0].channels = 4;
  nn::network c(other, 1);
  c.configure(4, 4);
  CHECK_THROWS_AS(load_checkpoint_weights(c, dir / "checkpoint.bin"), bad_input);
  // One bit flipped in the first byte of the first weight: the checksum catches it, for
  // export and for a resumed training run alike.
  const std::uint64_t first_weight = snncosim::read_checkpoint_file(dir / "checkpoint.bin").data_offset;
  std::string bytes = snncosim::read_file(dir / "checkpoint.bin");
  bytes[first_weight] = static_cast<char>(bytes[first_weight] ^ 0x01);
  snncosim::write_file_atomic(dir / "flipped.bin", bytes);
  std::string msg;
  try {
    load_checkpoint_weights(b, dir / "flipped.bin");
  } catch (const bad_input& e) {
    msg = e.what();
  }
  CHECK(msg == (dir / "flipped.bin").string() + ": checksum mismatch (file corrupt)");
  nn::fit_result state;
  CHECK_THROWS_AS(tr.load_checkpoint(dir / "flipped.bin", state), bad_input);
  CHECK(tr.load_checkpoint(dir / "checkpoint.bin", state) == 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("quantization settings come from the experiment YAML") {
  const std::string net = "network:\n  schema: snncosim.network/1\n  name: n\n  input: {channels: 1, height: 4, width: 4}\n"
                          "  num_classes: 2\n  layers:\n    - {type: flatten}\n    - {type: linear, features: 2}\n"
                          "    - {type: neuron, output: true}\n";
  const auto doc = config::load_text("schema: snncosim.experiment/1\n" + net +
                                         "quantization: {weight_bits: 4, per_channel: true, qat: true, frac_bits: 20}\n",
                                     "exp.yaml");
  const auto q = quantization_from_yaml(doc);
  CHECK(q.widths.weight_bits == 4);
  CHECK(q.per_channel);
  CHECK(q.qat);
  CHECK(q.widths.frac_bits == 20);
  CHECK(q.widths.acc_bits == 24);
  const auto bad = config::load_text("schema: snncosim.experiment/1\n" + net + "quantization: {weight_bits: 5}\n",
                                     "bad.yaml");
  try {
    (void)quantization_from_yaml(bad);
    FAIL("weight_bits 5 accepted");
  } catch (const bad_input& e) {
    CHECK(std::string(e.what()).find("bad.yaml") != std::string::npos);
    CHECK(std::string(e.what()).find("weight_bits") != std::string::npos);
  }
}

TEST_CASE("recorded membranes follow the integer neuron update computed by hand") {
  // 2x1x2 input (4 features) -> linear 4 -> 2 -> Leaky (beta 0.5, threshold 0.3), every
  // weight 0.4 and no bias, 8-bit weights, f = 16, mem_frac_bits = 8 (docs/numerics.md §3):
  //   weight scale = 0.4 / 127, so every weight_q = 127 and bias_q = 0;
  //   membrane_scale = scale / 2^8, so gain_q = rhe(1 * 2^8 * 2^16) = 2^24; decay_q = 0.5 * 2^16.
  // The update of §4 (subtract reset, reset_delay) then reads, with n_t input spikes:
  //   I = mrs(2^24, 127 n_t) = 256 * 127 n_t,  D = mrs(32768, m) = (m + 1) >> 1,
  //   m_t = D + I - (m_{t-1} > threshold_q) * reset_amount_q.
  nn::network_spec s;
  s.in_channels = 2;
  s.in_height = 1;
  s.in_width = 2;
  s.num_classes = 2;
  s.layers = {make(nn::layer_type::linear, 2), neuron(leaky(0.5f, 0.3f), true)};
  nn::network net(s, 1);
  net.configure(8, 4);
  for (const auto& p : net.parameters()) std::fill(p.value, p.value + p.size, p.name.find("bias") != std::string::npos ? 0.0f : 0.4f);
  quantization_settings q;
  q.widths.weight_bits = 8;
  const export_result ex = export_network(net, q);
  const numerics::quant_layer& fc = ex.model.layers.back();
  REQUIRE(fc.kind == numerics::layer_kind::linear);
  REQUIRE(fc.neuron.reset == numerics::reset_kind::subtract);
  REQUIRE(fc.neuron.reset_delay);
  for (const auto w : fc.weights) REQUIRE(w == 127);
  for (const auto b : fc.bias) REQUIRE(b == 0);
  for (const auto g : fc.gain) REQUIRE(g == (1 << 24));
  REQUIRE(fc.neuron.decay == 32768);
  // threshold_q = floor(0.3 / membrane_scale) = floor(0.75 * 127 * 256) = 24384 (+-1 for the
  // float 0.3 and 0.4 the network holds).
  REQUIRE(std::abs(fc.neuron.threshold - 24384) <= 1);

  auto data = make_data(s, 4, 8, 11);
  compare_options o;
  o.batch = 4;
  o.progress = false;
  o.trace_samples = 2;
  o.record_membranes = true;
  const auto r = compare_float_integer(net, ex, data, o);
  REQUIRE(r.traces.size() == 2u);
  int fired = 0;
  for (const auto& tr : r.traces) {
    const auto& res = tr.result;
    const numerics::spike_record& out = res.layers.back();
    REQUIRE(out.membrane.size() == 8u * 2u);
    CHECK(res.layers.front().membrane.empty());  // the inserted flatten has no neurons
    std::int64_t m = 0;
    for (int t = 0; t < 8; ++t) {
      std::int64_t n = 0;
      for (int e = 0; e < 4; ++e) n += res.input.spikes[static_cast<std::size_t>(t * 4 + e)];
      const bool reset = m > fc.neuron.threshold;
      m = ((m + 1) >> 1) + 256 * 127 * n - (reset ? fc.neuron.reset_amount : 0);
      for (int c = 0; c < 2; ++c) {
        CAPTURE(t);
        CHECK(out.membrane[static_cast<std::size_t>(t * 2 + c)] == m);
        CHECK(out.spikes[static_cast<std::size_t>(t * 2 + c)] == (m > fc.neuron.threshold ? 1 : 0));
      }
      fired += m > fc.neuron.threshold ? 1 : 0;
    }
  }
  CHECK(fired > 0);  // the check above covered a reset
  // Without the option the traces carry no membranes (the default export is unchanged).
  o.record_membranes = false;
  for (const auto& tr : compare_float_integer(net, ex, data, o).traces)
    for (const auto& l : tr.result.layers) CHECK(l.membrane.empty());
}
