#pragma once
// MaxPool2d / AvgPool2d (PyTorch semantics; average pooling counts padding like
// count_include_pad=True). Max pooling keeps the oneDNN workspace of the last forward for
// its backward.
#include <optional>

#include "snncosim/nn/layer.h"

namespace snncosim::nn {

enum class pool_kind { max, average };

struct pool2d_options {
  pool_kind kind = pool_kind::max;
  int kernel = 2;
  int stride = 0;  // 0 = kernel, as in PyTorch
  int padding = 0;
};

class pool2d final : public layer {
 public:
  explicit pool2d(pool2d_options options) : m_options(options) {}
  std::string kind() const override { return m_options.kind == pool_kind::max ? "maxpool2d" : "avgpool2d"; }
  dnnl::memory::desc configure(engine_context& ctx, const dnnl::memory::desc& src,
                               batch_geometry geometry) override;
  const dnnl::memory& forward(engine_context& ctx, const dnnl::memory& src, bool training) override;
  const dnnl::memory& backward(engine_context& ctx, const dnnl::memory& diff_dst,
                               bool need_diff_src) override;
  dnnl::memory* diff_src_storage() override { return &m_diff_src; }

  const pool2d_options& options() const { return m_options; }
  // Where the output lives, for a convolution that pools as it goes (conv2d::fuse_max_pool):
  // while filled_by_previous is set, forward passes that output on and backward passes the
  // gradient back unchanged, the convolution's backward unpooling it.
  dnnl::memory& dst_storage() { return m_dst; }
  void set_filled_by_previous(bool on) { m_filled_by_previous = on; }

 private:
  pool2d_options m_options;
  std::optional<dnnl::pooling_forward::primitive_desc> m_fwd_pd;
  std::optional<dnnl::pooling_backward::primitive_desc> m_bwd_pd;
  dnnl::pooling_forward m_fwd;
  dnnl::pooling_backward m_bwd;
  dnnl::memory m_dst, m_diff_src, m_workspace;
  bool m_filled_by_previous = false;
};

}  // namespace snncosim::nn
