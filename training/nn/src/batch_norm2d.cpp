#include "snncosim/nn/batch_norm2d.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <stdexcept>
#include <unordered_map>

namespace snncosim::nn {

using dnnl::memory;
using flags = dnnl::normalization_flags;

namespace {
char* byte_ptr(const memory& m) { return static_cast<char*>(m.get_data_handle()); }
}  // namespace

batch_norm2d::batch_norm2d(batch_norm2d_options options) : m_options(options) {
  const auto c = static_cast<std::size_t>(options.channels);
  m_scale.assign(c, 1.0f);
  m_shift.assign(c, 0.0f);
  m_diff_scale.assign(c, 0.0f);
  m_diff_shift.assign(c, 0.0f);
  m_step_diff_scale.assign(c, 0.0f);
  m_step_diff_shift.assign(c, 0.0f);
  m_running_mean.assign(c, 0.0f);
  m_running_var.assign(c, 1.0f);
}

memory::desc batch_norm2d::configure(engine_context& ctx, const memory::desc& src, batch_geometry geometry) {
  const auto dims = src.dims();
  if (dims.size() != 4 || dims[1] != m_options.channels)
    throw std::invalid_argument("batchnorm2d: input must be (N, " + std::to_string(m_options.channels) + ", H, W)");
  if (dims[0] != geometry.rows()) throw std::invalid_argument("batchnorm2d: rows != T*N");
  m_geometry = geometry;
  auto& eng = ctx.engine;
  const memory::desc step_md = src.submemory_desc({geometry.batch, dims[1], dims[2], dims[3]}, {0, 0, 0, 0});
  m_row_bytes = row_bytes(src);
  m_count = static_cast<double>(geometry.batch) * static_cast<double>(dims[2] * dims[3]);
  const auto eps = m_options.epsilon;
  dnnl::batch_normalization_forward::desc td(dnnl::prop_kind::forward_training, step_md, eps,
                                             flags::use_scale | flags::use_shift);
  m_train_pd.emplace(td, ctx.attr, eng);
  m_train = dnnl::batch_normalization_forward(*m_train_pd);
  dnnl::batch_normalization_forward::desc id(dnnl::prop_kind::forward_inference, src, eps,
                                             flags::use_scale | flags::use_shift | flags::use_global_stats);
  m_infer_pd.emplace(id, ctx.attr, eng);
  m_infer = dnnl::batch_normalization_forward(*m_infer_pd);
  dnnl::batch_normalization_backward::desc bd(dnnl::prop_kind::backward, step_md, step_md, eps,
                                              flags::use_scale | flags::use_shift);
  // oneDNN 2.6 insists on DNNL_ARG_SHIFT in the backward call although it does not read it.
  m_bwd_pd.emplace(bd, ctx.attr, eng, *m_train_pd);
  m_bwd = dnnl::batch_normalization_backward(*m_bwd_pd);

  const memory::desc c_md({m_options.channels}, memory::data_type::f32, memory::format_tag::x);
  const auto c = static_cast<std::size_t>(m_options.channels);
  m_mean.assign(static_cast<std::size_t>(geometry.time_steps) * c, 0.0f);
  m_var.assign(m_mean.size(), 0.0f);
  m_scale_mem = memory(c_md, eng, m_scale.data());
  m_shift_mem = memory(c_md, eng, m_shift.data());
  m_diff_scale_mem = memory(c_md, eng, m_step_diff_scale.data());
  m_diff_shift_mem = memory(c_md, eng, m_step_diff_shift.data());
  m_mean_mem = memory(c_md, eng, m_mean.data());
  m_var_mem = memory(c_md, eng, m_var.data());
  m_running_mean_mem = memory(c_md, eng, m_running_mean.data());
  m_running_var_mem = memory(c_md, eng, m_running_var.data());
  m_dst = memory(src, eng);
  ctx.scratchpad.reserve(m_train_pd->scratchpad_desc());
  ctx.scratchpad.reserve(m_infer_pd->scratchpad_desc());
  ctx.scratchpad.reserve(m_bwd_pd->scratchpad_desc());
  m_diff_src = memory(src, eng);
  m_src_step = memory(step_md, eng, nullptr);
  m_dst_step = memory(step_md, eng, nullptr);
  m_diff_dst_step = memory(step_md, eng, nullptr);
  m_diff_src_step = memory(step_md, eng, nullptr);
  return src;
}

const memory& batch_norm2d::forward(engine_context& ctx, const memory& src, bool training) {
  auto& s = ctx.stream;
  m_src = src;
  if (!training) {
    m_infer.execute(s, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, m_dst}, {DNNL_ARG_SCALE, m_scale_mem},
                        {DNNL_ARG_SHIFT, m_shift_mem}, {DNNL_ARG_MEAN, m_running_mean_mem},
                        {DNNL_ARG_VARIANCE, m_running_var_mem}, {DNNL_ARG_SCRATCHPAD, ctx.scratchpad.get(m_infer_pd->scratchpad_desc(), ctx.engine)}});
    s.wait();
    return m_dst;
  }
  const auto c = static_cast<std::size_t>(m_options.channels);
  const std::size_t step_bytes = m_row_bytes * static_cast<std::size_t>(m_geometry.batch);
  const float m = m_options.momentum;
  const double unbias = m_count > 1 ? m_count / (m_count - 1) : 1.0;
  for (int t = 0; t < m_geometry.time_steps; ++t) {
    const auto ut = static_cast<std::size_t>(t);
    m_src_step.set_data_handle(byte_ptr(src) + ut * step_bytes);
    m_dst_step.set_data_handle(byte_ptr(m_dst) + ut * step_bytes);
    m_mean_mem.set_data_handle(m_mean.data() + ut * c);
    m_var_mem.set_data_handle(m_var.data() + ut * c);
    m_train.execute(s, {{DNNL_ARG_SRC, m_src_step}, {DNNL_ARG_DST, m_dst_step},
                        {DNNL_ARG_SCALE, m_scale_mem}, {DNNL_ARG_SHIFT, m_shift_mem},
                        {DNNL_ARG_MEAN, m_mean_mem}, {DNNL_ARG_VARIANCE, m_var_mem},
                        {DNNL_ARG_SCRATCHPAD, ctx.scratchpad.get(m_train_pd->scratchpad_desc(), ctx.engine)}});
    s.wait();
    for (std::size_t k = 0; k < c; ++k) {
      m_running_mean[k] = (1 - m) * m_running_mean[k] + m * m_mean[ut * c + k];
      m_running_var[k] = static_cast<float>((1 - m) * m_running_var[k] + m * m_var[ut * c + k] * unbias);
    }
  }
  return m_dst;
}

const memory& batch_norm2d::backward(engine_context& ctx, const memory& diff_dst, bool) {
  auto& s = ctx.stream;
  const auto c = static_cast<std::size_t>(m_options.channels);
  const std::size_t step_bytes = m_row_bytes * static_cast<std::size_t>(m_geometry.batch);
  std::fill(m_diff_scale.begin(), m_diff_scale.end(), 0.0f);
  std::fill(m_diff_shift.begin(), m_diff_shift.end(), 0.0f);
  for (int t = 0; t < m_geometry.time_steps; ++t) {
    const auto ut = static_cast<std::size_t>(t);
    m_src_step.set_data_handle(byte_ptr(m_src) + ut * step_bytes);
    m_diff_dst_step.set_data_handle(byte_ptr(diff_dst) + ut * step_bytes);
    m_diff_src_step.set_data_handle(byte_ptr(m_diff_src) + ut * step_bytes);
    m_mean_mem.set_data_handle(m_mean.data() + ut * c);
    m_var_mem.set_data_handle(m_var.data() + ut * c);
    m_bwd.execute(s, {{DNNL_ARG_SRC, m_src_step}, {DNNL_ARG_DIFF_DST, m_diff_dst_step},
                      {DNNL_ARG_MEAN, m_mean_mem}, {DNNL_ARG_VARIANCE, m_var_mem},
                      {DNNL_ARG_SCALE, m_scale_mem}, {DNNL_ARG_SHIFT, m_shift_mem},
                      {DNNL_ARG_DIFF_SRC, m_diff_src_step},
                      {DNNL_ARG_DIFF_SCALE, m_diff_scale_mem}, {DNNL_ARG_DIFF_SHIFT, m_diff_shift_mem},
                      {DNNL_ARG_SCRATCHPAD, ctx.scratchpad.get(m_bwd_pd->scratchpad_desc(), ctx.engine)}});
    s.wait();
    for (std::size_t k = 0; k < c; ++k) {
      m_diff_scale[k] += m_step_diff_scale[k];
      m_diff_shift[k] += m_step_diff_shift[k];
    }
  }
  return m_diff_src;
}

std::vector<parameter> batch_norm2d::parameters() {
  return {{"weight", m_scale.data(), m_diff_scale.data(), m_scale.size()},
          {"bias", m_shift.data(), m_diff_shift.data(), m_shift.size()}};
}

std::vector<parameter> batch_norm2d::buffers() {
  return {{"running_mean", m_running_mean.data(), nullptr, m_running_mean.size()},
          {"running_var", m_running_var.data(), nullptr, m_running_var.size()}};
}

}  // namespace snncosim::nn
