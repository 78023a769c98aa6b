#include "snncosim/nn/conv2d.h"

#include <stdexcept>
#include <string>
#include <unordered_map>

#include "init.h"

namespace snncosim::nn {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

conv2d::conv2d(conv2d_options options, std::uint64_t seed) : m_options(options) {
  const auto fan_in = static_cast<std::size_t>(options.in_channels * options.kernel * options.kernel);
  m_weights.resize(static_cast<std::size_t>(options.out_channels) * fan_in);
  m_diff_weights.resize(m_weights.size());
  rng gen(seed);
  detail::init_uniform_fan_in(m_weights, fan_in, gen);
  if (options.bias) {
    m_bias.resize(static_cast<std::size_t>(options.out_channels));
    m_diff_bias.resize(m_bias.size());
    detail::init_uniform_fan_in(m_bias, fan_in, gen);
  }
}

memory::desc conv2d::configure(engine_context& ctx, const memory::desc& src, batch_geometry) {
  const auto& o = m_options;
  const auto dims = src.dims();
  if (dims.size() != 4 || dims[1] != o.in_channels)
    throw std::invalid_argument("conv2d: input must be (N, " + std::to_string(o.in_channels) + ", H, W)");
  const memory::dim out_h = (dims[2] + 2 * o.padding - o.kernel) / o.stride + 1;
  const memory::dim out_w = (dims[3] + 2 * o.padding - o.kernel) / o.stride + 1;
  if (out_h <= 0 || out_w <= 0) throw std::invalid_argument("conv2d: kernel larger than padded input");
  m_src_md = src;
  const memory::dims w_dims{o.out_channels, o.in_channels, o.kernel, o.kernel};
  const memory::dims dst_dims{dims[0], o.out_channels, out_h, out_w};
  const memory::dims strides{o.stride, o.stride}, pad{o.padding, o.padding};
  const memory::desc src_any(dims, dt::f32, tag::any), w_any(w_dims, dt::f32, tag::any),
      dst_any(dst_dims, dt::f32, tag::any);
  const memory::desc b_md = o.bias ? memory::desc({o.out_channels}, dt::f32, tag::x) : memory::desc();

  auto& eng = ctx.engine;
  dnnl::convolution_forward::desc fwd_desc(dnnl::prop_kind::forward_training,
                                           dnnl::algorithm::convolution_direct, src_any, w_any,
                                           b_md, dst_any, strides, pad, pad);
  m_fwd_pd.emplace(fwd_desc, eng);
  m_fwd = dnnl::convolution_forward(*m_fwd_pd);
  // Backward descriptors reuse the forward's chosen layouts so no reorder sits between them.
  dnnl::convolution_backward_data::desc bd_desc(dnnl::algorithm::convolution_direct,
                                                m_fwd_pd->src_desc(), m_fwd_pd->weights_desc(),
                                                m_fwd_pd->dst_desc(), strides, pad, pad);
  m_bwd_data_pd.emplace(bd_desc, eng, *m_fwd_pd);
  m_bwd_data = dnnl::convolution_backward_data(*m_bwd_data_pd);
  dnnl::convolution_backward_weights::desc bw_desc(dnnl::algorithm::convolution_direct,
                                                   m_fwd_pd->src_desc(), w_any, b_md,
                                                   m_fwd_pd->dst_desc(), strides, pad, pad);
  m_bwd_weights_pd.emplace(bw_desc, eng, *m_fwd_pd);
  m_bwd_weights = dnnl::convolution_backward_weights(*m_bwd_weights_pd);

  const memory::desc user_w_md(w_dims, dt::f32, tag::oihw);
  m_user_weights = memory(user_w_md, eng, m_weights.data());
  m_user_diff_weights = memory(user_w_md, eng, m_diff_weights.data());
  if (o.bias) {
    m_user_bias = memory(b_md, eng, m_bias.data());
    m_user_diff_bias = memory(b_md, eng, m_diff_bias.data());
  }
  m_weights_reordered = m_fwd_pd->weights_desc() != user_w_md;
  m_prim_weights = m_weights_reordered ? memory(m_fwd_pd->weights_desc(), eng) : m_user_weights;
  if (m_weights_reordered) m_reorder_weights = dnnl::reorder(m_user_weights, m_prim_weights);
  m_diff_weights_reordered = m_bwd_weights_pd->diff_weights_desc() != user_w_md;
  m_prim_diff_weights = m_diff_weights_reordered ? memory(m_bwd_weights_pd->diff_weights_desc(), eng)
                                                 : m_user_diff_weights;
  if (m_diff_weights_reordered)
    m_reorder_diff_weights = dnnl::reorder(m_prim_diff_weights, m_user_diff_weights);

  m_src_reordered = m_fwd_pd->src_desc() != src;
  if (m_src_reordered) {
    m_prim_src = memory(m_fwd_pd->src_desc(), eng);
    m_prim_diff_src = memory(m_fwd_pd->src_desc(), eng);
    m_reorder_src = dnnl::reorder(dnnl::reorder::primitive_desc(eng, src, eng, m_fwd_pd->src_desc()));
    m_reorder_diff_src = dnnl::reorder(dnnl::reorder::primitive_desc(eng, m_fwd_pd->src_desc(), eng, src));
  }
  m_dst = memory(m_fwd_pd->dst_desc(), eng);
  m_diff_src = memory(src, eng);
  return m_fwd_pd->dst_desc();
}

const memory& conv2d::forward(engine_context& ctx, const memory& src, bool) {
  auto& s = ctx.stream;
  m_src = src;
  if (m_weights_reordered) m_reorder_weights.execute(s, m_user_weights, m_prim_weights);
  memory conv_src = src;
  if (m_src_reordered) {
    m_reorder_src.execute(s, const_cast<memory&>(src), m_prim_src);
    conv_src = m_prim_src;
  }
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, conv_src},
                                       {DNNL_ARG_WEIGHTS, m_prim_weights},
                                       {DNNL_ARG_DST, m_dst}};
  if (m_options.bias) args.emplace(DNNL_ARG_BIAS, m_user_bias);
  m_fwd.execute(s, args);
  s.wait();
  return m_dst;
}

const memory& conv2d::backward(engine_context& ctx, const memory& diff_dst, bool need_diff_src) {
  auto& s = ctx.stream;
  const memory conv_src = m_src_reordered ? m_prim_src : m_src;
  std::unordered_map<int, memory> wargs{{DNNL_ARG_SRC, conv_src},
                                        {DNNL_ARG_DIFF_DST, diff_dst},
                                        {DNNL_ARG_DIFF_WEIGHTS, m_prim_diff_weights}};
  if (m_options.bias) wargs.emplace(DNNL_ARG_DIFF_BIAS, m_user_diff_bias);
  m_bwd_weights.execute(s, wargs);
  if (m_diff_weights_reordered) m_reorder_diff_weights.execute(s, m_prim_diff_weights, m_user_diff_weights);
  if (need_diff_src) {
    const memory out = m_src_reordered ? m_prim_diff_src : m_diff_src;
    m_bwd_data.execute(s, {{DNNL_ARG_DIFF_DST, diff_dst},
                           {DNNL_ARG_WEIGHTS, m_prim_weights},
                           {DNNL_ARG_DIFF_SRC, out}});
    if (m_src_reordered) m_reorder_diff_src.execute(s, m_prim_diff_src, m_diff_src);
  }
  s.wait();
  return m_diff_src;
}

std::vector<parameter> conv2d::parameters() {
  std::vector<parameter> p{{"weight", m_weights.data(), m_diff_weights.data(), m_weights.size()}};
  if (m_options.bias) p.push_back({"bias", m_bias.data(), m_diff_bias.data(), m_bias.size()});
  return p;
}

}  // namespace snncosim::nn
