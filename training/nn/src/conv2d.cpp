#include "snncosim/nn/conv2d.h"

#include <stdexcept>
#include <string>
#include <unordered_map>

#include <spdlog/spdlog.h>

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
  const memory::dims w_dims{o.out_channels, o.in_channels, o.kernel, o.kernel};
  const memory::dims dst_dims{dims[0], o.out_channels, out_h, out_w};
  const memory::dims strides{o.stride, o.stride}, pad{o.padding, o.padding};
  const memory::desc src_any(dims, dt::f32, tag::any), w_any(w_dims, dt::f32, tag::any),
      dst_any(dst_dims, dt::f32, tag::any);
  const memory::desc b_md = o.bias ? memory::desc({o.out_channels}, dt::f32, tag::x) : memory::desc();
  const auto alg = dnnl::algorithm::convolution_direct;
  auto& eng = ctx.engine;

  // Every pass picks its own preferred layouts; edges reorder where they disagree. Fixing
  // the backward layouts to the forward's ones can select oneDNN's reference kernels
  // (e.g. plain src for small IC in forward: 1000x slower backward-weights).
  m_fwd_pd.emplace(dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, alg, src_any, w_any, b_md,
                                                   dst_any, strides, pad, pad),
                   ctx.attr, eng);
  m_bwd_data_pd.emplace(dnnl::convolution_backward_data::desc(alg, src_any, w_any, dst_any, strides, pad, pad), ctx.attr, eng,
                        *m_fwd_pd);
  m_bwd_weights_pd.emplace(
      dnnl::convolution_backward_weights::desc(alg, src_any, w_any, b_md, dst_any, strides, pad, pad), ctx.attr, eng,
      *m_fwd_pd);
  m_fwd = dnnl::convolution_forward(*m_fwd_pd);
  m_bwd_data = dnnl::convolution_backward_data(*m_bwd_data_pd);
  m_bwd_weights = dnnl::convolution_backward_weights(*m_bwd_weights_pd);
  spdlog::debug("conv2d {}->{} k{}: fwd {}, bwd_data {}, bwd_weights {}", o.in_channels, o.out_channels, o.kernel,
                m_fwd_pd->impl_info_str(), m_bwd_data_pd->impl_info_str(), m_bwd_weights_pd->impl_info_str());

  const memory::desc user_w_md(w_dims, dt::f32, tag::oihw);
  m_user_weights = memory(user_w_md, eng, m_weights.data());
  m_user_diff_weights = memory(user_w_md, eng, m_diff_weights.data());
  if (o.bias) {
    m_user_bias = memory(b_md, eng, m_bias.data());
    m_user_diff_bias = memory(b_md, eng, m_diff_bias.data());
  }
  m_w_fwd = detail::edge(eng, user_w_md, m_fwd_pd->weights_desc());
  m_w_bwd = detail::edge(eng, user_w_md, m_bwd_data_pd->weights_desc());
  m_prim_diff_weights = m_bwd_weights_pd->diff_weights_desc() == user_w_md
                            ? m_user_diff_weights
                            : memory(m_bwd_weights_pd->diff_weights_desc(), eng);
  m_dw = detail::edge(eng, m_bwd_weights_pd->diff_weights_desc(), user_w_md, m_diff_weights.data());
  m_src_fwd = detail::edge(eng, src, m_fwd_pd->src_desc());
  m_src_shared = m_bwd_weights_pd->src_desc() == m_fwd_pd->src_desc();
  m_src_bw = detail::edge(eng, src, m_bwd_weights_pd->src_desc());
  m_ddst_bw = detail::edge(eng, m_fwd_pd->dst_desc(), m_bwd_weights_pd->diff_dst_desc());
  m_ddst_bd = detail::edge(eng, m_fwd_pd->dst_desc(), m_bwd_data_pd->diff_dst_desc());
  m_prim_diff_src = m_bwd_data_pd->diff_src_desc() == src ? memory() : memory(m_bwd_data_pd->diff_src_desc(), eng);
  m_dsrc = detail::edge(eng, m_bwd_data_pd->diff_src_desc(), src);
  m_dst = memory(m_fwd_pd->dst_desc(), eng);
  m_diff_src = memory(src, eng);
  m_fwd_scratch = memory(m_fwd_pd->scratchpad_desc(), eng);
  m_bwd_data_scratch = memory(m_bwd_data_pd->scratchpad_desc(), eng);
  m_bwd_weights_scratch = memory(m_bwd_weights_pd->scratchpad_desc(), eng);
  return m_fwd_pd->dst_desc();
}

const memory& conv2d::forward(engine_context& ctx, const memory& src, bool) {
  auto& s = ctx.stream;
  m_src = src;
  m_conv_src = m_src_fwd.run(s, src);
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, m_conv_src},
                                       {DNNL_ARG_WEIGHTS, m_w_fwd.run(s, m_user_weights)},
                                       {DNNL_ARG_DST, m_dst},
                                       {DNNL_ARG_SCRATCHPAD, m_fwd_scratch}};
  if (m_options.bias) args.emplace(DNNL_ARG_BIAS, m_user_bias);
  m_fwd.execute(s, args);
  s.wait();
  return m_dst;
}

const memory& conv2d::backward(engine_context& ctx, const memory& diff_dst, bool need_diff_src) {
  auto& s = ctx.stream;
  const memory bw_src = m_src_shared ? m_conv_src : m_src_bw.run(s, m_src);
  std::unordered_map<int, memory> wargs{{DNNL_ARG_SRC, bw_src},
                                        {DNNL_ARG_DIFF_DST, m_ddst_bw.run(s, diff_dst)},
                                        {DNNL_ARG_DIFF_WEIGHTS, m_prim_diff_weights},
                                        {DNNL_ARG_SCRATCHPAD, m_bwd_weights_scratch}};
  if (m_options.bias) wargs.emplace(DNNL_ARG_DIFF_BIAS, m_user_diff_bias);
  m_bwd_weights.execute(s, wargs);
  m_dw.run_into(s, m_prim_diff_weights, m_user_diff_weights);
  if (need_diff_src) {
    const memory out = m_dsrc.active() ? m_prim_diff_src : m_diff_src;
    m_bwd_data.execute(s, {{DNNL_ARG_DIFF_DST, m_ddst_bd.run(s, diff_dst)},
                           {DNNL_ARG_WEIGHTS, m_w_bwd.run(s, m_user_weights)},
                           {DNNL_ARG_DIFF_SRC, out},
                           {DNNL_ARG_SCRATCHPAD, m_bwd_data_scratch}});
    m_dsrc.run_into(s, m_prim_diff_src, m_diff_src);
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
