#include "snncosim/export/fake_quant.h"

#include <algorithm>

#include "snncosim/nn/conv2d.h"
#include "snncosim/nn/linear.h"
#include "snncosim/nn/network.h"
#include "snncosim/nn/trainer.h"

namespace snncosim::export_ {

void fake_quantize(std::span<float> weights, std::span<float> bias, int out_channels,
                   const numerics::datapath_widths& widths, numerics::scale_granularity g) {
  // The same calibration and rounding as export (numerics::make_neuron_layer), so an
  // exported layer without BatchNorm holds exactly the weights and bias training saw.
  const std::vector<float> w(weights.begin(), weights.end());
  const auto q = numerics::quantize_weights(w, out_channels, widths.weight_bits, g);
  const auto back = numerics::dequantize_weights(q, out_channels);
  std::copy(back.begin(), back.end(), weights.begin());
  if (bias.empty()) return;
  const std::vector<float> b(bias.begin(), bias.end());
  const auto bq = numerics::quantize_bias(b, q.scale, widths.acc_bits);
  for (std::size_t o = 0; o < bias.size(); ++o)
    bias[o] = static_cast<float>(bq[o] * q.scale[q.scale.size() == 1 ? 0 : o]);
}

fake_quantizer::fake_quantizer(nn::network& net, const quantization_settings& settings) : m_settings(settings) {
  auto& layers = net.layers();
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (auto* c = dynamic_cast<nn::conv2d*>(layers[i].get()))
      m_targets.push_back({&net, i, c->options().out_channels, {}, {}});
    else if (auto* f = dynamic_cast<nn::linear*>(layers[i].get()))
      m_targets.push_back({&net, i, f->options().out_features, {}, {}});
  }
}

std::span<float> fake_quantizer::weights_of(const target& t) const {
  nn::layer* l = t.net->layers()[t.layer].get();
  if (auto* c = dynamic_cast<nn::conv2d*>(l)) return c->weights();
  return static_cast<nn::linear*>(l)->weights();
}

std::span<float> fake_quantizer::bias_of(const target& t) const {
  nn::layer* l = t.net->layers()[t.layer].get();
  if (auto* c = dynamic_cast<nn::conv2d*>(l)) return c->bias();
  return static_cast<nn::linear*>(l)->bias();
}

void fake_quantizer::apply() {
  if (m_applied) return;
  for (auto& t : m_targets) {
    const auto w = weights_of(t);
    const auto b = bias_of(t);
    t.master.assign(w.begin(), w.end());
    t.master_bias.assign(b.begin(), b.end());
    fake_quantize(w, b, t.out_channels, m_settings.widths, m_settings.granularity());
  }
  m_applied = true;
}

void fake_quantizer::restore() {
  if (!m_applied) return;
  for (auto& t : m_targets) {
    std::copy(t.master.begin(), t.master.end(), weights_of(t).begin());
    std::copy(t.master_bias.begin(), t.master_bias.end(), bias_of(t).begin());
  }
  m_applied = false;
}

void attach(fake_quantizer& q, nn::trainer_options& options) {
  options.before_forward = [&q] { q.apply(); };
  options.after_backward = [&q] { q.restore(); };
}

}  // namespace snncosim::export_
