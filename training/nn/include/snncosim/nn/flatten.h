#pragma once
// Flatten (N, C, H, W) -> (N, C*H*W) in torch order. Blocked layouts are reordered to plain
// nchw (the only copy in the network that is not a primitive's own output); a plain input
// is passed through as a reshaped view.
#include "snncosim/nn/layer.h"

namespace snncosim::nn {

class flatten final : public layer {
 public:
  std::string kind() const override { return "flatten"; }
  dnnl::memory::desc configure(engine_context& ctx, const dnnl::memory::desc& src,
                               batch_geometry geometry) override;
  const dnnl::memory& forward(engine_context& ctx, const dnnl::memory& src, bool training) override;
  const dnnl::memory& backward(engine_context& ctx, const dnnl::memory& diff_dst,
                               bool need_diff_src) override;
  dnnl::memory* diff_src_storage() override { return m_copy ? &m_diff_src : nullptr; }

 private:
  dnnl::memory::desc m_src_md, m_plain_md, m_flat_md;
  bool m_copy = false;
  dnnl::memory m_plain, m_dst, m_diff_plain, m_diff_src, m_diff_view;
  dnnl::reorder m_to_plain, m_from_plain;
};

}  // namespace snncosim::nn
