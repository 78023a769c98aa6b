// Quantization-aware training: the fake-quantized weights are exactly the exported integer
// weights times their scale, fake-quantized float inference agrees better with 4-bit
// integer inference than plain float inference does, and the trainer hooks leave the float
// master weights in place between steps.
#include <doctest/doctest.h>

#include <cmath>

#include "snncosim/export/compare.h"
#include "snncosim/export/export_model.h"
#include "snncosim/export/fake_quant.h"
#include "snncosim/nn/batch_source.h"
#include "snncosim/nn/conv2d.h"
#include "snncosim/nn/linear.h"
#include "snncosim/nn/trainer.h"
#include "test_util.h"

using namespace snncosim;
using namespace snncosim::export_;
using namespace snncosim::export_::test;

namespace {

nn::network_spec plain_spec() {  // no BatchNorm: fake-quant equals export exactly
  nn::network_spec s = small_spec(0.9f);
  s.layers.erase(s.layers.begin() + 1);
  return s;
}

nn::synthetic_source data_for(const nn::network_spec& s, std::size_t samples, int steps) {
  return make_data(s, samples, steps, 17);
}

std::vector<std::span<float>> bias_tensors(nn::network& net) {
  std::vector<std::span<float>> out;
  for (auto& l : net.layers()) {
    if (auto* c = dynamic_cast<nn::conv2d*>(l.get())) out.push_back(c->bias());
    if (auto* f = dynamic_cast<nn::linear*>(l.get())) out.push_back(f->bias());
  }
  return out;
}

std::vector<std::span<float>> weight_tensors(nn::network& net) {
  std::vector<std::span<float>> out;
  for (auto& l : net.layers()) {
    if (auto* c = dynamic_cast<nn::conv2d*>(l.get())) out.push_back(c->weights());
    if (auto* f = dynamic_cast<nn::linear*>(l.get())) out.push_back(f->weights());
  }
  return out;
}

}  // namespace

TEST_CASE("fake-quantized weights equal the exported integer weights times their scale") {
  for (const bool per_channel : {false, true}) {
    nn::network net(plain_spec(), 4);
    net.configure(4, 2);
    quantization_settings q;
    q.widths.weight_bits = 4;
    q.per_channel = per_channel;
    const export_result ex = export_network(net, q);
    fake_quantizer fq(net, q);
    REQUIRE(fq.tensors() == 4u);
    const auto before = weight_tensors(net);
    std::vector<std::vector<float>> masters;
    for (auto w : before) masters.emplace_back(w.begin(), w.end());
    fq.apply();
    const auto w = weight_tensors(net);
    std::size_t t = 0;
    for (const auto& l : ex.model.layers) {
      if (!l.is_neuron_layer()) continue;
      const std::size_t per_out = l.weights.size() / static_cast<std::size_t>(l.out_channels);
      for (std::size_t i = 0; i < l.weights.size(); ++i) {
        const double s = l.weight_scale.size() == 1 ? l.weight_scale[0] : l.weight_scale[i / per_out];
        REQUIRE(std::abs(l.weights[i]) <= 7);
        CHECK(w[t][i] == static_cast<float>(l.weights[i] * s));
      }
      const auto b = bias_tensors(net)[t];
      for (std::size_t o = 0; o < b.size(); ++o) {
        const double s = l.weight_scale.size() == 1 ? l.weight_scale[0] : l.weight_scale[o];
        CHECK(b[o] == static_cast<float>(l.bias[o] * s));
      }
      ++t;
    }
    fq.restore();
    for (std::size_t k = 0; k < masters.size(); ++k)
      CHECK(std::equal(masters[k].begin(), masters[k].end(), weight_tensors(net)[k].begin()));
  }
}

TEST_CASE("4-bit: fake-quantized float inference agrees better with integer inference") {
  nn::network net(plain_spec(), 31);
  net.configure(10, 8);
  quantization_settings q;
  q.widths.weight_bits = 4;
  const export_result ex = export_network(net, q);
  auto data = data_for(net.spec(), 32, 10);
  compare_options o;
  o.batch = 8;
  o.progress = false;
  const auto plain = compare_float_integer(net, ex, data, o);
  fake_quantizer fq(net, q);
  fq.apply();
  const auto faked = compare_float_integer(net, ex, data, o);
  fq.restore();
  double plain_bad = 0, faked_bad = 0;
  for (std::size_t k = 0; k < plain.layers.size(); ++k) {
    MESSAGE(plain.layers[k].name << ": float " << plain.layers[k].agreement << ", fake-quant float "
                                 << faked.layers[k].agreement);
    plain_bad += (1 - plain.layers[k].agreement);
    faked_bad += (1 - faked.layers[k].agreement);
    CHECK(faked.layers[k].agreement >= plain.layers[k].agreement);
    CHECK(faked.layers[k].agreement > 0.99);
  }
  CHECK(faked_bad < plain_bad);
}

TEST_CASE("QAT hooks: every training step runs at the quantized point - the master stays float") {
  const nn::network_spec s = plain_spec();
  nn::network net(s, 5);
  net.configure(4, 4);
  quantization_settings q;
  q.widths.weight_bits = 4;
  fake_quantizer fq(net, q);
  nn::trainer_options to;
  to.epochs = 1;
  to.batch_size = 4;
  to.progress = false;
  attach(fq, to);
  int forwards = 0, backwards = 0;
  bool quantized_in_forward = true;
  const auto apply = to.before_forward;
  const auto restore = to.after_backward;
  to.before_forward = [&] {
    apply();
    ++forwards;
    // At most 2^4 - 1 distinct values per (per-tensor) weight tensor.
    for (auto w : weight_tensors(net)) {
      std::vector<float> v(w.begin(), w.end());
      std::sort(v.begin(), v.end());
      quantized_in_forward = quantized_in_forward && std::unique(v.begin(), v.end()) - v.begin() <= 15;
    }
  };
  to.after_backward = [&] {
    restore();
    ++backwards;
  };
  nn::trainer tr(net, to);
  auto train = data_for(s, 12, 4);
  tr.train_epoch(train, 0);
  CHECK(forwards == 3);
  CHECK(backwards == 3);
  CHECK(quantized_in_forward);
  CHECK_FALSE(fq.applied());
  // The master weights are float again (far more distinct values than a 4-bit grid).
  auto w = weight_tensors(net)[0];
  std::vector<float> v(w.begin(), w.end());
  std::sort(v.begin(), v.end());
  CHECK(std::unique(v.begin(), v.end()) - v.begin() > 15);
}
