#pragma once
// BatchNorm2d with snnTorch semantics: the network applies nn.BatchNorm2d inside its time
// loop, so in training every time step is normalised with the statistics of its own N
// samples and the running statistics are updated T times per mini-batch (momentum 0.1,
// unbiased running variance). In evaluation the running statistics are used, and the whole
// T*N batch goes through one primitive call.
#include <optional>
#include <vector>

#include "snncosim/nn/layer.h"

namespace snncosim::nn {

struct batch_norm2d_options {
  int channels = 1;
  float epsilon = 1e-5f;
  float momentum = 0.1f;
};

class batch_norm2d final : public layer {
 public:
  explicit batch_norm2d(batch_norm2d_options options);
  std::string kind() const override { return "batchnorm2d"; }
  dnnl::memory::desc configure(engine_context& ctx, const dnnl::memory::desc& src,
                               batch_geometry geometry) override;
  const dnnl::memory& forward(engine_context& ctx, const dnnl::memory& src, bool training) override;
  const dnnl::memory& backward(engine_context& ctx, const dnnl::memory& diff_dst,
                               bool need_diff_src) override;
  std::vector<parameter> parameters() override;
  dnnl::memory* diff_src_storage() override { return &m_diff_src; }
  std::vector<parameter> buffers() override;

  std::vector<float>& running_mean() { return m_running_mean; }
  std::vector<float>& running_var() { return m_running_var; }
  std::vector<float>& scale() { return m_scale; }
  std::vector<float>& shift() { return m_shift; }

 private:
  batch_norm2d_options m_options;
  batch_geometry m_geometry;
  std::vector<float> m_scale, m_shift, m_diff_scale, m_diff_shift, m_running_mean, m_running_var;
  std::vector<float> m_step_diff_scale, m_step_diff_shift;
  std::vector<float> m_mean, m_var;  // per time step, T x C
  std::size_t m_row_bytes = 0;
  double m_count = 1;  // N*H*W per statistic

  std::optional<dnnl::batch_normalization_forward::primitive_desc> m_train_pd, m_infer_pd;
  std::optional<dnnl::batch_normalization_backward::primitive_desc> m_bwd_pd;
  dnnl::batch_normalization_forward m_train, m_infer;
  dnnl::batch_normalization_backward m_bwd;
  // Slice memories (one time step) whose handles move along the full buffers.
  dnnl::memory m_src_step, m_dst_step, m_diff_dst_step, m_diff_src_step;
  dnnl::memory m_scale_mem, m_shift_mem, m_diff_scale_mem, m_diff_shift_mem, m_mean_mem, m_var_mem;
  dnnl::memory m_running_mean_mem, m_running_var_mem;
  dnnl::memory m_dst, m_diff_src;
  dnnl::memory m_src;
};

}  // namespace snncosim::nn
