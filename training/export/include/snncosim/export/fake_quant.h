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
// Biases are fake-quantized too: the integer bias is rhe(b / s) in accumulator units, one
// weight LSB, which at 4 bits is as coarse as the weights.
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
    std::vector<float> master, master_bias;
  };
  std::span<float> weights_of(const target& t) const;
  std::span<float> bias_of(const target& t) const;

  quantization_settings m_settings;
  std::vector<target> m_targets;
  bool m_applied = false;
};

// Fake-quantizes weights (and the bias, which the integer layer holds in accumulator units,
// i.e. in units of the weight scale) in place: the function apply() uses. `bias` may be empty.
void fake_quantize(std::span<float> weights, std::span<float> bias, int out_channels,
                   const numerics::datapath_widths& widths, numerics::scale_granularity g);

// Installs apply/restore as the trainer's before_forward/after_backward hooks. The
// quantizer must outlive the trainer's use of the options.
void attach(fake_quantizer& q, nn::trainer_options& options);

}  // namespace snncosim::export_
