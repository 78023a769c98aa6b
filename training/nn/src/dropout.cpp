#include "snncosim/nn/dropout.h"

#include "snncosim/common/rng.h"

namespace snncosim::nn {

using dnnl::memory;

memory::desc dropout::configure(engine_context& ctx, const memory::desc& src, batch_geometry) {
  m_dst = memory(src, ctx.engine);
  m_diff_src = memory(src, ctx.engine);
  m_mask.assign(src.get_size() / sizeof(float), 0.0f);
  return src;
}

const memory& dropout::forward(engine_context&, const memory& src, bool training) {
  m_last_training = training && m_p > 0.0f;
  if (!m_last_training) {
    m_src = src;
    return src;
  }
  const float* in = static_cast<const float*>(src.get_data_handle());
  float* out = static_cast<float*>(m_dst.get_data_handle());
  const float keep_scale = m_p < 1.0f ? 1.0f / (1.0f - m_p) : 0.0f;
  rng gen(m_stream_seed);
  const double p = m_p;
  for (std::size_t i = 0; i < m_mask.size(); ++i) {
    m_mask[i] = gen.uniform() < p ? 0.0f : keep_scale;
    out[i] = in[i] * m_mask[i];
  }
  return m_dst;
}

const memory& dropout::backward(engine_context&, const memory& diff_dst, bool) {
  if (!m_last_training) return diff_dst;
  const float* in = static_cast<const float*>(diff_dst.get_data_handle());
  float* out = static_cast<float*>(m_diff_src.get_data_handle());
  for (std::size_t i = 0; i < m_mask.size(); ++i) out[i] = in[i] * m_mask[i];
  return m_diff_src;
}

}  // namespace snncosim::nn
