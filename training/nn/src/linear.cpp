#include "snncosim/nn/linear.h"

#include <stdexcept>
#include <string>
#include <unordered_map>

#include "event_linear.h"
#include "init.h"

namespace snncosim::nn {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

linear::linear(linear_options options, std::uint64_t seed) : m_options(options) {
  const auto fan_in = static_cast<std::size_t>(options.in_features);
  m_weights.resize(static_cast<std::size_t>(options.out_features) * fan_in);
  m_diff_weights.resize(m_weights.size());
  rng gen(seed);
  detail::init_uniform_fan_in(m_weights, fan_in, gen);
  if (options.bias) {
    m_bias.resize(static_cast<std::size_t>(options.out_features));
    m_diff_bias.resize(m_bias.size());
    detail::init_uniform_fan_in(m_bias, fan_in, gen);
  }
}

memory::desc linear::configure(engine_context& ctx, const memory::desc& src, batch_geometry) {
  const auto& o = m_options;
  const auto dims = src.dims();
  if (dims.size() != 2 && dims.size() != 4)
    throw std::invalid_argument("linear: input must be 2-D or 4-D");
  memory::dim features = 1;
  for (std::size_t i = 1; i < dims.size(); ++i) features *= dims[i];
  if (features != o.in_features)
    throw std::invalid_argument("linear: expected " + std::to_string(o.in_features) +
                                " input features, got " + std::to_string(features));
  memory::dims w_dims{o.out_features};
  for (std::size_t i = 1; i < dims.size(); ++i) w_dims.push_back(dims[i]);
  const memory::desc user_w_md(w_dims, dt::f32, dims.size() == 2 ? tag::oi : tag::oihw);
  const memory::desc w_any(w_dims, dt::f32, tag::any);
  const memory::desc b_md = o.bias ? memory::desc({o.out_features}, dt::f32, tag::x) : memory::desc();
  const memory::desc dst_md({dims[0], o.out_features}, dt::f32, tag::nc);
  auto& eng = ctx.engine;
  dnnl::inner_product_forward::desc fd(dnnl::prop_kind::forward_training, src, w_any, b_md, dst_md);
  m_fwd_pd.emplace(fd, ctx.attr, eng);
  m_fwd = dnnl::inner_product_forward(*m_fwd_pd);
  // Backward-data on the optimiser's plain weights (oneDNN's jit sgemm): no reorder into the
  // forward's blocked layout per step, which the event-driven forward does not make (fc: 2 ms
  // of reorders per training step, +3-5 % training, docs/training.md). Where oneDNN would
  // take a reference kernel for plain weights, the forward's layout.
  m_bwd_data_plain = false;
  try {
    dnnl::inner_product_backward_data::primitive_desc plain(
        dnnl::inner_product_backward_data::desc(src, user_w_md, dst_md), ctx.attr, eng, *m_fwd_pd);
    if (plain.weights_desc() == user_w_md && std::string(plain.impl_info_str()).find("ref") == std::string::npos) {
      m_bwd_data_pd.emplace(plain);
      m_bwd_data_plain = true;
    }
  } catch (const dnnl::error&) {
  }
  if (!m_bwd_data_plain)
    m_bwd_data_pd.emplace(dnnl::inner_product_backward_data::desc(src, m_fwd_pd->weights_desc(), dst_md), ctx.attr,
                          eng, *m_fwd_pd);
  m_bwd_data = dnnl::inner_product_backward_data(*m_bwd_data_pd);
  dnnl::inner_product_backward_weights::desc bwd(src, w_any, b_md, dst_md);
  m_bwd_weights_pd.emplace(bwd, ctx.attr, eng, *m_fwd_pd);
  m_bwd_weights = dnnl::inner_product_backward_weights(*m_bwd_weights_pd);

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
  m_dst = memory(dst_md, eng);
  ctx.scratchpad.reserve(m_fwd_pd->scratchpad_desc());
  ctx.scratchpad.reserve(m_bwd_data_pd->scratchpad_desc());
  ctx.scratchpad.reserve(m_bwd_weights_pd->scratchpad_desc());
  m_diff_src = memory(src, eng);
  m_event_geom.reset();
  if (src == memory::desc({dims[0], o.in_features}, dt::f32, tag::nc) ||
      (dims.size() == 4 && src == memory::desc(dims, dt::f32, tag::nchw))) {
    m_event_geom = std::make_unique<detail::event_linear_geometry>(
        detail::event_linear_geometry{static_cast<int>(dims[0]), o.in_features, o.out_features});
    m_events = std::make_unique<detail::sparse_rows>();
    m_event_wt_current = false;
    m_event_wt.assign(detail::panel_floats(static_cast<std::size_t>(o.in_features), static_cast<std::size_t>(o.out_features)), 0.0f);
  }
  return dst_md;
}

linear::~linear() = default;

const memory& linear::forward(engine_context& ctx, const memory& src, bool training) {
  auto& s = ctx.stream;
  m_src = src;
  m_last_event = false;
  if (m_event_geom && (m_event_mode == event_mode::always ||
                       (m_event_mode == event_mode::automatic && m_options.out_features >= m_options.event_min_outputs))) {
    const auto* x = static_cast<const float*>(src.get_data_handle());
    detail::gather_nonzeros(x, *m_event_geom, *m_events);
    const double density = static_cast<double>(m_events->nonzeros()) /
                           (static_cast<double>(m_event_geom->rows) * m_event_geom->in);
    m_last_event = m_event_mode == event_mode::always ||
                   (density < m_options.event_density_threshold && m_options.out_features >= m_options.event_min_outputs);
  }
  if (m_last_event) {
    const auto in = static_cast<std::size_t>(m_options.in_features);
    // Inference runs forward after forward on the same weights: transpose once (the 4 MB of
    // a 1024 x 1024 layer come from memory, ~0.8 ms a forward). A training forward always
    // transposes: its weights change every step, and code that tunes weights between
    // forwards (rate calibration) writes through pointers it took once.
    if (training || !m_event_wt_current)
      detail::pack_panels_transposed(m_weights.data(), static_cast<std::size_t>(m_options.out_features), in, in,
                                     m_event_wt.data());
    m_event_wt_current = true;
    detail::event_linear_forward(*m_event_geom, *m_events, m_event_wt.data(),
                                 m_options.bias ? m_bias.data() : nullptr, static_cast<float*>(m_dst.get_data_handle()));
    m_prim_weights_stale = m_weights_reordered;
    return m_dst;
  }
  m_prim_weights_stale = false;
  if (m_weights_reordered) m_reorder_weights.execute(s, m_user_weights, m_prim_weights);
  std::unordered_map<int, memory> args{
      {DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, m_prim_weights}, {DNNL_ARG_DST, m_dst}, {DNNL_ARG_SCRATCHPAD, ctx.scratchpad.get(m_fwd_pd->scratchpad_desc(), ctx.engine)}};
  if (m_options.bias) args.emplace(DNNL_ARG_BIAS, m_user_bias);
  m_fwd.execute(s, args);
  s.wait();
  return m_dst;
}

const memory& linear::backward(engine_context& ctx, const memory& diff_dst, bool need_diff_src) {
  auto& s = ctx.stream;
  m_event_wt_current = false;
  if (m_last_event) {
    detail::event_linear_backward_weights(*m_event_geom, *m_events, static_cast<const float*>(diff_dst.get_data_handle()),
                                          m_diff_weights.data(), m_options.bias ? m_diff_bias.data() : nullptr);
  } else {
    std::unordered_map<int, memory> wargs{{DNNL_ARG_SRC, m_src},
                                          {DNNL_ARG_DIFF_DST, diff_dst},
                                          {DNNL_ARG_DIFF_WEIGHTS, m_prim_diff_weights},
                                          {DNNL_ARG_SCRATCHPAD, ctx.scratchpad.get(m_bwd_weights_pd->scratchpad_desc(), ctx.engine)}};
    if (m_options.bias) wargs.emplace(DNNL_ARG_DIFF_BIAS, m_user_diff_bias);
    m_bwd_weights.execute(s, wargs);
    if (m_diff_weights_reordered) m_reorder_diff_weights.execute(s, m_prim_diff_weights, m_user_diff_weights);
  }
  if (need_diff_src && m_prim_weights_stale && !m_bwd_data_plain) {
    m_reorder_weights.execute(s, m_user_weights, m_prim_weights);
    m_prim_weights_stale = false;
  }
  if (need_diff_src)
    m_bwd_data.execute(s, {{DNNL_ARG_DIFF_DST, diff_dst},
                           {DNNL_ARG_WEIGHTS, m_bwd_data_plain ? m_user_weights : m_prim_weights},
                           {DNNL_ARG_DIFF_SRC, m_diff_src},
                           {DNNL_ARG_SCRATCHPAD, ctx.scratchpad.get(m_bwd_data_pd->scratchpad_desc(), ctx.engine)}});
  s.wait();
  return m_diff_src;
}

std::vector<parameter> linear::parameters() {
  m_event_wt_current = false;
  std::vector<parameter> p{{"weight", m_weights.data(), m_diff_weights.data(), m_weights.size()}};
  if (m_options.bias) p.push_back({"bias", m_bias.data(), m_diff_bias.data(), m_bias.size()});
  return p;
}

}  // namespace snncosim::nn
