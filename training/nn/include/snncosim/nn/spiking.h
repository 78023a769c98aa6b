#pragma once
// Adapter from snncosim_snn's neuron_layer (per-time-step loops over contiguous floats) to
// the nn layer interface: the T*N-row activation is cut into T contiguous steps (rows are
// time-major and the batch is the outermost dimension of every layout we use, blocked ones
// included). Padding lanes of blocked layouts are zero, so they never spike (threshold > 0).
#include <cstdint>
#include <memory>
#include <vector>

#include "snncosim/nn/layer.h"
#include "snncosim/snn/neuron.h"

namespace snncosim::nn {

class spiking final : public layer {
 public:
  explicit spiking(snn::neuron_config config) : m_config(std::move(config)) {}
  std::string kind() const override { return "neuron"; }
  dnnl::memory::desc configure(engine_context& ctx, const dnnl::memory::desc& src,
                               batch_geometry geometry) override;
  const dnnl::memory& forward(engine_context& ctx, const dnnl::memory& src, bool training) override;
  const dnnl::memory& backward(engine_context& ctx, const dnnl::memory& diff_dst,
                               bool need_diff_src) override;
  std::vector<parameter> parameters() override;
  dnnl::memory* diff_src_storage() override { return &m_diff_src; }
  double last_spike_count() const override { return m_last_spikes; }
  std::size_t neurons_per_sample() const override { return m_neurons_per_sample; }

  // Spike-count regulariser on this layer (snn::spike_count_regularizer, per sample):
  // adds weight * spikes/B to the loss and its gradient to diff_dst in backward.
  void set_regularizer(double weight) { m_regularizer = weight; }
  double last_regularizer_loss() const { return m_last_reg_loss; }
  // Membrane output (snnTorch's second return value) for membrane losses: when on, forward
  // also writes mem [T][rows of a step] and backward adds the gradient set by
  // set_membrane_gradient (null: none) to the BPTT.
  void set_record_membrane(bool on) { m_record_membrane = on; }
  const float* membrane() const { return m_record_membrane ? m_mem.data() : nullptr; }
  void set_membrane_gradient(const float* d_mem) { m_d_mem = d_mem; }
  // Stochastic surrogates (SSO) draw from a stream reseeded per mini-batch.
  void reseed(std::uint64_t key);

  const snn::neuron_config& config() const { return m_config; }
  snn::neuron_layer* neurons() { return m_neurons.get(); }

 private:
  snn::neuron_config m_config;
  std::unique_ptr<snn::neuron_layer> m_neurons;
  batch_geometry m_geometry;
  std::size_t m_step_elems = 0, m_neurons_per_sample = 0;
  dnnl::memory m_dst, m_diff_src;
  std::vector<float> m_reg_diff;
  bool m_record_membrane = false;
  std::vector<float> m_mem;
  const float* m_d_mem = nullptr;
  double m_last_spikes = 0, m_regularizer = 0, m_last_reg_loss = 0;
};

}  // namespace snncosim::nn
