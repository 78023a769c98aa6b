#pragma once
// Quantization-aware training by weight fake-quantization with a straight-through estimator.
//
// apply(): keeps a float master copy of every conv/linear weight tensor and overwrites the
// weights the layers read with q(w) = clamp(rhe(w / s), -qmax, qmax) * s, s calibrated by
// max-abs over the tensor (or each output channel) of the master weights, recomputed at
// every call. restore(): puts the master weights back. Called before forward and after
// backward, the gradient the optimiser applies to the master is dL/dq evaluated at the
// quantized point, i.e. dq/dw is taken as 1 (the STE; no clipping mask since max-abs
// scales never clip).
//
// BatchNorm: training quantizes the conv weights before BN (the folded weights exported
// later are requantized after folding, so with BN the fake-quant is an approximation).
// Biases stay float in training (export puts them in accumulator units, far finer).
#include <span>
#include <vector>

#include "snncosim/export/settings.h"

namespace snncosim::nn {
class network;
struct trainer_options;
}

namespace snncosim::export_ {

class fake_quantizer {
 public:
  fake_quantizer(nn::network& net, const quantization_settings& settings);
  void apply();    // master <- weights; weights <- q(master)
  void restore();  // weights <- master
  bool applied() const { return m_applied; }
  std::size_t tensors() const { return m_targets.size(); }

 private:
  struct target {
    nn::network* net;
    std::size_t layer;  // index into net->layers(); spans are fetched per call because
                        // configure() may move parameter storage
    int out_channels;
    std::vector<float> master;
  };
  std::span<float> weights_of(const target& t) const;

  quantization_settings m_settings;
  std::vector<target> m_targets;
  bool m_applied = false;
};

// Fake-quantizes weight values in place (the function apply() uses).
void fake_quantize(float* weights, std::size_t size, int out_channels, int bits, numerics::scale_granularity g);

// Installs apply/restore as the trainer's before_forward/after_backward hooks. The
// quantizer must outlive the trainer's use of the options.
void attach(fake_quantizer& q, nn::trainer_options& options);

}  // namespace snncosim::export_
