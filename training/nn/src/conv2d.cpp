#include "snncosim/nn/conv2d.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include <omp.h>
#include <spdlog/spdlog.h>

#include "event_conv.h"
#include "winograd_conv.h"
#include "transpose.h"
#include "snncosim/nn/pool2d.h"
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

conv2d::~conv2d() = default;

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
  const bool may_winograd = o.algorithm == conv_algorithm::automatic && o.kernel == 3 && o.stride == 1 &&
                            o.in_channels >= o.winograd_min_in_channels;
  if (o.algorithm == conv_algorithm::builtin_winograd && (o.kernel != 3 || o.stride != 1))
    throw std::invalid_argument("conv2d: builtin_winograd needs a 3x3 kernel and stride 1");
  const auto alg = o.algorithm == conv_algorithm::winograd ? dnnl::algorithm::convolution_winograd
                   : may_winograd                          ? dnnl::algorithm::convolution_auto
                                                           : dnnl::algorithm::convolution_direct;
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
  ctx.scratchpad.reserve(m_fwd_pd->scratchpad_desc());
  ctx.scratchpad.reserve(m_bwd_data_pd->scratchpad_desc());
  ctx.scratchpad.reserve(m_bwd_weights_pd->scratchpad_desc());
  m_fused_pool = nullptr;
  configure_events(src);
  configure_builtin_winograd(ctx, src);
  return m_fwd_pd->dst_desc();
}

void conv2d::configure_builtin_winograd(engine_context& ctx, const memory::desc& src) {
  const auto& o = m_options;
  m_wino_geom.reset();
  m_wino_bwd.reset();
  m_wino_forward = m_wino_grad = false;
  const bool forced = o.algorithm == conv_algorithm::builtin_winograd;
  const bool eligible = o.kernel == 3 && o.stride == 1 && o.padding <= 2 &&
                        (forced || (o.algorithm == conv_algorithm::automatic && o.in_channels >= o.winograd_min_in_channels));
  // The kernels read and write one channel blocking: the forward's dst layout (where the
  // layer's output and the gradient arriving for it live); src and diff_src are reordered to
  // it where they differ.
  const auto dst = detail::describe_layout(m_fwd_pd->dst_desc());
  if (!eligible || !dst || (dst->block != 8 && dst->block != 16)) {
    if (forced) throw std::invalid_argument("conv2d: builtin_winograd found no channel-blocked output layout");
    return;
  }
  const auto blocked_src = [&] {
    const auto s = detail::describe_layout(src);
    return s && s->block == dst->block ? src
                                       : memory::desc(src.dims(), dt::f32, dst->block == 8 ? tag::aBcd8b : tag::aBcd16b);
  }();
  const auto blocked = *detail::describe_layout(blocked_src);
  auto geometry = [&](const detail::channel_layout& from, const detail::channel_layout& to, int padding) {
    auto g = std::make_unique<detail::winograd_geometry>(
        detail::winograd_geometry{static_cast<int>(src.data.dims[0]), padding, from, to});
    if (!detail::winograd_supported(*g) || (!forced && g->tiles() < static_cast<std::size_t>(o.builtin_winograd_min_tiles)))
      g.reset();
    return g;
  };
  auto onednn_winograd = [](const char* impl) { return std::string(impl).find("wino") != std::string::npos; };
  // Each pass where oneDNN runs direct (on AVX-512 its Winograd computes the forward and
  // backward-data but leaves wide layers' weight gradients direct).
  m_wino_geom = geometry(blocked, *dst, o.padding);
  if (m_wino_geom) {
    m_wino_forward = forced || !onednn_winograd(m_fwd_pd->impl_info_str());
    m_wino_grad = forced || !onednn_winograd(m_bwd_weights_pd->impl_info_str());
  }
  if (forced || !onednn_winograd(m_bwd_data_pd->impl_info_str())) m_wino_bwd = geometry(*dst, blocked, 2 - o.padding);
  if (forced && (!m_wino_geom || !m_wino_bwd)) throw std::invalid_argument("conv2d: builtin_winograd: unsupported sizes");
  const auto eng = m_user_weights.get_engine();
  m_wino_src = detail::edge(eng, src, blocked_src);
  m_wino_dsrc = detail::edge(eng, blocked_src, src);
  m_wino_dsrc_buffer = m_wino_dsrc.active() ? memory(blocked_src, eng) : memory();
  if (m_wino_forward) m_wino_bias.assign(static_cast<std::size_t>(m_wino_geom->dst.padded_channels()), 0.0f);
  // The transformed weights and the chunk buffers live in the network's shared scratchpad
  // (layers run one at a time): per layer they were 2 x 36 x in x out floats and more, 80 MB
  // for a 512-channel layer.
  m_wino_scratch_floats = std::max(wino_floats(false, omp_get_max_threads()), wino_floats(true, omp_get_max_threads()));
  ctx.scratchpad.reserve(memory::desc({static_cast<memory::dim>(m_wino_scratch_floats)}, dt::f32, tag::x));
  spdlog::debug("conv2d {}->{} k{}: built-in Winograd forward {}, backward-data {}, backward-weights {}", o.in_channels,
                o.out_channels, o.kernel, m_wino_forward, m_wino_bwd != nullptr, m_wino_grad);
}

std::size_t conv2d::wino_floats(bool gradient, int threads) const {
  std::size_t n = 0;
  if (gradient) {
    if (m_wino_grad) n = detail::winograd_weight_grad_scratch_floats(*m_wino_geom);
  } else {
    if (m_wino_forward)
      n = detail::winograd_weight_floats(*m_wino_geom) + detail::winograd_scratch_floats(*m_wino_geom, threads);
    if (m_wino_bwd)
      n = std::max(n, detail::winograd_weight_floats(*m_wino_bwd) + detail::winograd_scratch_floats(*m_wino_bwd, threads));
  }
  return n;
}

float* conv2d::wino_buffer(engine_context& ctx, bool gradient) {
  // More threads than at configure (set_threads) need more chunk buffers than reserved.
  const std::size_t need = wino_floats(gradient, omp_get_max_threads());
  if (need > m_wino_scratch_floats) {
    m_wino_own.resize(need);
    return m_wino_own.data();
  }
  const memory::desc md({static_cast<memory::dim>(m_wino_scratch_floats)}, dt::f32, tag::x);
  return static_cast<float*>(ctx.scratchpad.get(md, ctx.engine).get_data_handle());
}

void conv2d::run_builtin_winograd(engine_context& ctx, const detail::winograd_geometry& g, const memory& src,
                                  const memory& dst, bool backward_data) {
  float* u = wino_buffer(ctx, false);
  detail::winograd_weights(g, m_weights.data(), backward_data, u);
  const bool bias = m_options.bias && !backward_data;
  if (bias) std::copy(m_bias.begin(), m_bias.end(), m_wino_bias.begin());
  detail::winograd_conv(g, static_cast<const float*>(src.get_data_handle()), u, bias ? m_wino_bias.data() : nullptr,
                        static_cast<float*>(dst.get_data_handle()), u + detail::winograd_weight_floats(g));
}

std::string conv2d::implementation() const {
  if (!m_fwd_pd) return "";
  const std::string builtin = "builtin_wino_4x3";
  return (m_wino_forward ? builtin : std::string(m_fwd_pd->impl_info_str())) + ", " +
         (m_wino_bwd ? builtin : std::string(m_bwd_data_pd->impl_info_str())) + ", " +
         (m_wino_grad ? builtin : std::string(m_bwd_weights_pd->impl_info_str()));
}

void conv2d::configure_events(const memory::desc& src) {
  const auto& o = m_options;
  const auto src_layout = detail::describe_layout(src);
  const auto dst_layout = detail::describe_layout(m_fwd_pd->dst_desc());
  m_event_ok = src_layout.has_value() && dst_layout.has_value();
  m_src_elements = logical_elements(src);
  if (!m_event_ok) {
    spdlog::debug("conv2d {}->{} k{}: layouts not supported by the event-driven path", o.in_channels,
                  o.out_channels, o.kernel);
    return;
  }
  detail::event_conv_geometry g;
  g.rows = static_cast<int>(src.data.dims[0]);
  g.kernel = o.kernel;
  g.stride = o.stride;
  g.padding = o.padding;
  g.src = *src_layout;
  g.dst = *dst_layout;
  m_event_geom = std::make_unique<detail::event_conv_geometry>(g);
  const auto ocp = static_cast<std::size_t>(g.dst.padded_channels());
  const auto taps = static_cast<std::size_t>(o.in_channels * o.kernel * o.kernel);
  m_event_w.assign(taps * ocp, 0.0f);
  m_event_dw.assign(taps * ocp, 0.0f);
  m_event_b.assign(ocp, 0.0f);
  m_event_db.assign(ocp, 0.0f);
  m_event_scratch.assign(detail::event_conv_scratch_floats(g), 0.0f);
}

bool conv2d::choose_events(const memory& src) {
  m_last_density = 1.0;
  if (!m_event_ok || m_event_mode == event_mode::never) return false;
  if (m_event_mode == event_mode::always) return true;
  if (m_options.in_channels * m_options.kernel * m_options.kernel < m_options.event_min_taps) return false;
  const auto nnz = detail::count_nonzero(static_cast<const float*>(src.get_data_handle()), m_event_geom->src,
                                         m_event_geom->rows);
  m_last_density = static_cast<double>(nnz) / static_cast<double>(m_src_elements);
  return m_last_density < m_options.event_density_threshold;
}

void conv2d::forward_events(const memory& src) {
  const auto& o = m_options;
  const auto& g = *m_event_geom;
  const auto ocp = static_cast<std::size_t>(g.dst.padded_channels());
  const auto taps = static_cast<std::size_t>(o.in_channels * o.kernel * o.kernel);
  // oihw -> [i][ky][kx][o]: the out-channel lanes of one tap are what one event adds.
  detail::transpose(m_weights.data(), o.out_channels, static_cast<int>(taps), taps, m_event_w.data(), ocp);
  if (o.bias) std::copy(m_bias.begin(), m_bias.end(), m_event_b.begin());
  if (m_fused_pool != nullptr) {
    m_pool_rows.resize(detail::event_conv_pool_row_floats(g, omp_get_max_threads()));
    detail::event_conv_pool_forward(g, *m_pool_layout, static_cast<const float*>(src.get_data_handle()),
                                    m_event_w.data(), o.bias ? m_event_b.data() : nullptr,
                                    static_cast<float*>(m_fused_pool->dst_storage().get_data_handle()),
                                    m_pool_where.data(), m_pool_rows.data());
    return;
  }
  detail::event_conv_forward(g, static_cast<const float*>(src.get_data_handle()), m_event_w.data(),
                             o.bias ? m_event_b.data() : nullptr, static_cast<float*>(m_dst.get_data_handle()));
}

bool conv2d::fuse_max_pool(pool2d& next) {
  m_fused_pool = nullptr;
  const auto& p = next.options();
  if (!m_event_ok || p.kind != pool_kind::max || p.kernel != 2 || (p.stride != 0 && p.stride != 2) || p.padding != 0)
    return false;
  const auto layout = detail::pooled_layout(*m_event_geom, next.dst_storage().get_desc());
  if (!layout) return false;
  m_pool_layout = std::make_unique<detail::channel_layout>(*layout);
  m_pool_where.assign(static_cast<std::size_t>(m_event_geom->rows) * layout->row, 0);
  m_fused_pool = &next;
  return true;
}

void conv2d::backward_weights_events(const memory& diff_dst) {
  const auto& o = m_options;
  const auto& g = *m_event_geom;
  if (m_fused_pool != nullptr)  // diff_dst is the pooled layer's gradient, passed through
    detail::event_conv_pool_backward_weights(g, *m_pool_layout, static_cast<const float*>(m_src.get_data_handle()),
                                             static_cast<const float*>(diff_dst.get_data_handle()), m_pool_where.data(),
                                             m_event_dw.data(), m_event_db.data(), m_event_scratch.data(),
                                             m_pool_rows.data());
  else
    detail::event_conv_backward_weights(g, static_cast<const float*>(m_src.get_data_handle()),
                                        static_cast<const float*>(diff_dst.get_data_handle()), m_event_dw.data(),
                                        m_event_db.data(), m_event_scratch.data());
  const auto ocp = static_cast<std::size_t>(g.dst.padded_channels());
  const auto taps = static_cast<std::size_t>(o.in_channels * o.kernel * o.kernel);
  detail::transpose(m_event_dw.data(), static_cast<int>(taps), o.out_channels, ocp, m_diff_weights.data(), taps);
  if (o.bias) std::copy_n(m_event_db.begin(), m_diff_bias.size(), m_diff_bias.begin());
}

const memory& conv2d::forward(engine_context& ctx, const memory& src, bool) {
  auto& s = ctx.stream;
  m_src = src;
  m_last_event = choose_events(src);
  if (m_fused_pool != nullptr) m_fused_pool->set_filled_by_previous(m_last_event);
  if (m_last_event) {
    forward_events(src);
    return m_dst;
  }
  if (m_wino_forward || m_wino_grad) m_wino_in = m_wino_src.run(s, src);
  if (m_wino_forward) {
    // oneDNN's backward-weights reads m_conv_src when it shares the forward's layout
    if (m_src_shared && !m_wino_grad) m_conv_src = m_src_fwd.run(s, src);
    s.wait();
    run_builtin_winograd(ctx, *m_wino_geom, m_wino_in, m_dst, false);
    return m_dst;
  }
  m_conv_src = m_src_fwd.run(s, src);
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, m_conv_src},
                                       {DNNL_ARG_WEIGHTS, m_w_fwd.run(s, m_user_weights)},
                                       {DNNL_ARG_DST, m_dst},
                                       {DNNL_ARG_SCRATCHPAD, ctx.scratchpad.get(m_fwd_pd->scratchpad_desc(), ctx.engine)}};
  if (m_options.bias) args.emplace(DNNL_ARG_BIAS, m_user_bias);
  m_fwd.execute(s, args);
  s.wait();
  return m_dst;
}

const memory& conv2d::backward(engine_context& ctx, const memory& diff_dst, bool need_diff_src) {
  auto& s = ctx.stream;
  if (need_diff_src && last_forward_pooled())
    throw std::logic_error("conv2d: diff_src asked of a layer whose max pooling is fused (fuse_max_pool)");
  if (m_last_event) {
    backward_weights_events(diff_dst);
  } else if (m_wino_grad) {
    s.wait();
    detail::winograd_weight_grad(*m_wino_geom, static_cast<const float*>(m_wino_in.get_data_handle()),
                                 static_cast<const float*>(diff_dst.get_data_handle()), m_diff_weights.data(),
                                 m_options.bias ? m_diff_bias.data() : nullptr, wino_buffer(ctx, true));
  } else {
    const memory bw_src = m_src_shared ? m_conv_src : m_src_bw.run(s, m_src);
    std::unordered_map<int, memory> wargs{{DNNL_ARG_SRC, bw_src},
                                          {DNNL_ARG_DIFF_DST, m_ddst_bw.run(s, diff_dst)},
                                          {DNNL_ARG_DIFF_WEIGHTS, m_prim_diff_weights},
                                          {DNNL_ARG_SCRATCHPAD, ctx.scratchpad.get(m_bwd_weights_pd->scratchpad_desc(), ctx.engine)}};
    if (m_options.bias) wargs.emplace(DNNL_ARG_DIFF_BIAS, m_user_diff_bias);
    m_bwd_weights.execute(s, wargs);
    m_dw.run_into(s, m_prim_diff_weights, m_user_diff_weights);
  }
  if (need_diff_src) {
    const memory out = m_dsrc.active() ? m_prim_diff_src : m_diff_src;
    if (m_wino_bwd) {
      const memory to = m_wino_dsrc.active() ? m_wino_dsrc_buffer : m_diff_src;
      run_builtin_winograd(ctx, *m_wino_bwd, diff_dst, to, true);
      m_wino_dsrc.run_into(s, to, m_diff_src);
    } else {
      m_bwd_data.execute(s, {{DNNL_ARG_DIFF_DST, m_ddst_bd.run(s, diff_dst)},
                             {DNNL_ARG_WEIGHTS, m_w_bwd.run(s, m_user_weights)},
                             {DNNL_ARG_DIFF_SRC, out},
                             {DNNL_ARG_SCRATCHPAD, ctx.scratchpad.get(m_bwd_data_pd->scratchpad_desc(), ctx.engine)}});
      m_dsrc.run_into(s, m_prim_diff_src, m_diff_src);
    }
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
