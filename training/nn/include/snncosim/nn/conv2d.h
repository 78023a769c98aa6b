#pragma once
// 2-D convolution (PyTorch nn.Conv2d semantics, square kernel, symmetric zero padding,
// optional bias). Weights are kept in plain oihw for the optimiser and checkpoints and
// reordered into the primitive's preferred layout once per mini-batch.
#include <cstdint>
#include <optional>
#include <vector>

#include "snncosim/nn/layer.h"

namespace snncosim::nn {

struct conv2d_options {
  int in_channels = 1;
  int out_channels = 1;
  int kernel = 3;
  int stride = 1;
  int padding = 0;
  bool bias = true;
};

class conv2d final : public layer {
 public:
  conv2d(conv2d_options options, std::uint64_t seed);
  std::string kind() const override { return "conv2d"; }
  dnnl::memory::desc configure(engine_context& ctx, const dnnl::memory::desc& src,
                               batch_geometry geometry) override;
  const dnnl::memory& forward(engine_context& ctx, const dnnl::memory& src, bool training) override;
  const dnnl::memory& backward(engine_context& ctx, const dnnl::memory& diff_dst,
                               bool need_diff_src) override;
  std::vector<parameter> parameters() override;

  const conv2d_options& options() const { return m_options; }
  std::vector<float>& weights() { return m_weights; }  // oihw
  std::vector<float>& bias() { return m_bias; }

 private:
  conv2d_options m_options;
  std::vector<float> m_weights, m_bias, m_diff_weights, m_diff_bias;

  dnnl::memory::desc m_src_md;  // as given by the previous layer
  std::optional<dnnl::convolution_forward::primitive_desc> m_fwd_pd;
  std::optional<dnnl::convolution_backward_data::primitive_desc> m_bwd_data_pd;
  std::optional<dnnl::convolution_backward_weights::primitive_desc> m_bwd_weights_pd;
  dnnl::convolution_forward m_fwd;
  dnnl::convolution_backward_data m_bwd_data;
  dnnl::convolution_backward_weights m_bwd_weights;

  dnnl::memory m_user_weights, m_user_bias, m_user_diff_weights, m_user_diff_bias;
  dnnl::memory m_prim_weights, m_prim_diff_weights;  // may alias the user memories
  dnnl::memory m_prim_src, m_prim_diff_src;          // conv layout copies when the src layout differs
  dnnl::memory m_dst, m_diff_src;
  dnnl::memory m_src;  // the src of the last forward
  dnnl::reorder m_reorder_weights, m_reorder_diff_weights, m_reorder_src, m_reorder_diff_src;
  bool m_weights_reordered = false, m_diff_weights_reordered = false, m_src_reordered = false;
};

}  // namespace snncosim::nn
