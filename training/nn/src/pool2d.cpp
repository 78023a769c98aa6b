#include "snncosim/nn/pool2d.h"

#include <stdexcept>
#include <unordered_map>

namespace snncosim::nn {

using dnnl::memory;

memory::desc pool2d::configure(engine_context& ctx, const memory::desc& src, batch_geometry) {
  const auto& o = m_options;
  const auto dims = src.dims();
  if (dims.size() != 4) throw std::invalid_argument("pool2d: input must be 4-D");
  const int stride = o.stride > 0 ? o.stride : o.kernel;
  const memory::dim out_h = (dims[2] + 2 * o.padding - o.kernel) / stride + 1;
  const memory::dim out_w = (dims[3] + 2 * o.padding - o.kernel) / stride + 1;
  if (out_h <= 0 || out_w <= 0) throw std::invalid_argument("pool2d: kernel larger than input");
  const memory::desc dst_any({dims[0], dims[1], out_h, out_w}, memory::data_type::f32,
                             memory::format_tag::any);
  const auto alg = o.kind == pool_kind::max ? dnnl::algorithm::pooling_max
                                            : dnnl::algorithm::pooling_avg_include_padding;
  const memory::dims k{o.kernel, o.kernel}, s{stride, stride}, p{o.padding, o.padding};
  dnnl::pooling_forward::desc fd(dnnl::prop_kind::forward_training, alg, src, dst_any, s, k, p, p);
  m_fwd_pd.emplace(fd, ctx.attr, ctx.engine);
  m_fwd = dnnl::pooling_forward(*m_fwd_pd);
  dnnl::pooling_backward::desc bd(alg, src, m_fwd_pd->dst_desc(), s, k, p, p);
  m_bwd_pd.emplace(bd, ctx.attr, ctx.engine, *m_fwd_pd);
  m_bwd = dnnl::pooling_backward(*m_bwd_pd);
  m_dst = memory(m_fwd_pd->dst_desc(), ctx.engine);
  m_filled_by_previous = false;
  m_diff_src = memory(src, ctx.engine);
  ctx.scratchpad.reserve(m_fwd_pd->scratchpad_desc());
  ctx.scratchpad.reserve(m_bwd_pd->scratchpad_desc());
  if (o.kind == pool_kind::max) m_workspace = memory(m_fwd_pd->workspace_desc(), ctx.engine);
  return m_fwd_pd->dst_desc();
}

const memory& pool2d::forward(engine_context& ctx, const memory& src, bool) {
  if (m_filled_by_previous) return m_dst;
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, m_dst}, {DNNL_ARG_SCRATCHPAD, ctx.scratchpad.get(m_fwd_pd->scratchpad_desc(), ctx.engine)}};
  if (m_options.kind == pool_kind::max) args.emplace(DNNL_ARG_WORKSPACE, m_workspace);
  m_fwd.execute(ctx.stream, args);
  ctx.stream.wait();
  return m_dst;
}

const memory& pool2d::backward(engine_context& ctx, const memory& diff_dst, bool need_diff_src) {
  if (m_filled_by_previous) return diff_dst;
  if (!need_diff_src) return m_diff_src;
  std::unordered_map<int, memory> args{
      {DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_DIFF_SRC, m_diff_src}, {DNNL_ARG_SCRATCHPAD, ctx.scratchpad.get(m_bwd_pd->scratchpad_desc(), ctx.engine)}};
  if (m_options.kind == pool_kind::max) args.emplace(DNNL_ARG_WORKSPACE, m_workspace);
  m_bwd.execute(ctx.stream, args);
  ctx.stream.wait();
  return m_diff_src;
}

}  // namespace snncosim::nn
