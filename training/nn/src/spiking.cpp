#include "snncosim/nn/spiking.h"

#include <algorithm>

#include "snncosim/snn/loss.h"

namespace snncosim::nn {

using dnnl::memory;

dnnl::memory::desc spiking::configure(engine_context& ctx, const memory::desc& src, batch_geometry geometry) {
  m_geometry = geometry;
  m_step_elems = row_bytes(src) / sizeof(float) * static_cast<std::size_t>(geometry.batch);
  m_neurons_per_sample = logical_elements(src) / static_cast<std::size_t>(geometry.rows());
  // Keep learned scalars when a new shape rebuilds the neurons.
  if (m_neurons) {
    m_config.beta = m_neurons->beta();
    m_config.threshold = m_neurons->threshold();
    m_config.alpha = m_neurons->alpha();
    m_config.graded_spikes_factor = m_neurons->graded_spikes_factor();
  }
  m_neurons = std::make_unique<snn::neuron_layer>(m_config, m_step_elems,
                                                  static_cast<std::size_t>(geometry.time_steps));
  m_dst = memory(src, ctx.engine);
  m_diff_src = memory(src, ctx.engine);
  // The regulariser's gradient and the recorded membrane are T x neurons each: allocated by
  // the first forward that needs them (a VGG9 layer's is 168 MB), released by a new shape.
  m_reg_diff = {};
  m_mem = {};
  return src;
}

const memory& spiking::forward(engine_context&, const memory& src, bool training) {
  const float* x = static_cast<const float*>(src.get_data_handle());
  float* spk = static_cast<float*>(m_dst.get_data_handle());
  m_neurons->reset_state();
  const auto steps = static_cast<std::size_t>(m_geometry.time_steps);
  if (m_record_membrane && m_mem.empty()) m_mem.assign(steps * m_step_elems, 0.0f);
  if (m_regularizer > 0 && m_reg_diff.empty()) m_reg_diff.assign(steps * m_step_elems, 0.0f);
  std::size_t count = 0;
  for (std::size_t t = 0; t < steps; ++t) {
    const std::size_t off = t * m_step_elems;
    float* mem = m_record_membrane ? m_mem.data() + off : nullptr;
    count += training ? m_neurons->forward(t, x + off, spk + off, mem)
                      : m_neurons->forward_inference(x + off, spk + off, mem);
  }
  m_last_spikes = static_cast<double>(count);
  m_last_reg_loss = 0;
  if (m_regularizer > 0) {
    std::fill(m_reg_diff.begin(), m_reg_diff.end(), 0.0f);
    const snn::spike_shape shape{steps, static_cast<std::size_t>(m_geometry.batch),
                                 m_step_elems / static_cast<std::size_t>(m_geometry.batch)};
    m_last_reg_loss = snn::spike_count_regularizer(spk, shape, m_regularizer,
                                                   snn::regularizer_reduction::per_sample, m_reg_diff.data());
  }
  return m_dst;
}

const memory& spiking::backward(engine_context&, const memory& diff_dst, bool) {
  const float* dspk = static_cast<const float*>(diff_dst.get_data_handle());
  float* dx = static_cast<float*>(m_diff_src.get_data_handle());
  if (m_regularizer > 0 && !m_reg_diff.empty()) {
    for (std::size_t i = 0; i < m_reg_diff.size(); ++i) m_reg_diff[i] += dspk[i];
    dspk = m_reg_diff.data();
  }
  m_neurons->zero_grad();
  for (auto t = static_cast<std::size_t>(m_geometry.time_steps); t-- > 0;) {
    const std::size_t off = t * m_step_elems;
    m_neurons->backward(t, dspk + off, m_d_mem != nullptr ? m_d_mem + off : nullptr, dx + off);
  }
  return m_diff_src;
}

std::vector<parameter> spiking::parameters() {
  std::vector<parameter> out;
  if (!m_neurons) return out;  // learnable scalars exist once configured
  for (const auto& p : m_neurons->parameters()) out.push_back({p.name, p.value, p.grad, 1});
  return out;
}

void spiking::reseed(std::uint64_t key) {
  if (m_neurons) m_neurons->spike_surrogate().reseed(key);
}

}  // namespace snncosim::nn
