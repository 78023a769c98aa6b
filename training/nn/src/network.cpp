#include "snncosim/nn/network.h"

#include <algorithm>
#include <chrono>
#include <utility>
#include <stdexcept>

#include "snncosim/nn/batch_norm2d.h"
#include "snncosim/nn/conv2d.h"
#include "snncosim/nn/dropout.h"
#include "snncosim/nn/flatten.h"
#include "snncosim/nn/linear.h"
#include "snncosim/nn/pool2d.h"
#include "snncosim/nn/spiking.h"

namespace snncosim::nn {

using dnnl::memory;

network::network(network_spec spec, std::uint64_t seed) : m_spec(std::move(spec)) {
  validate(m_spec);
  int c = m_spec.in_channels, h = m_spec.in_height, w = m_spec.in_width;
  std::uint64_t layer_seed = seed * 1000003ull + 17;
  for (const auto& l : m_spec.layers) {
    layer_seed = layer_seed * 6364136223846793005ull + 1442695040888963407ull;
    switch (l.type) {
      case layer_type::conv:
        m_layers.push_back(std::make_unique<conv2d>(conv2d_options{c, l.channels, l.kernel, l.stride, l.padding, l.bias}, layer_seed));
        h = (h + 2 * l.padding - l.kernel) / l.stride + 1;
        w = (w + 2 * l.padding - l.kernel) / l.stride + 1;
        c = l.channels;
        break;
      case layer_type::linear:
        m_layers.push_back(std::make_unique<linear>(linear_options{c * h * w, l.channels, l.bias}, layer_seed));
        c = l.channels;
        h = w = 1;
        break;
      case layer_type::maxpool:
      case layer_type::avgpool: {
        const int s = l.stride > 0 ? l.stride : l.kernel;
        m_layers.push_back(std::make_unique<pool2d>(pool2d_options{
            l.type == layer_type::maxpool ? pool_kind::max : pool_kind::average, l.kernel, s, 0}));
        h = (h - l.kernel) / s + 1;
        w = (w - l.kernel) / s + 1;
        break;
      }
      case layer_type::batchnorm:
        m_layers.push_back(std::make_unique<batch_norm2d>(batch_norm2d_options{c, l.eps, l.momentum}));
        break;
      case layer_type::dropout:
        m_layers.push_back(std::make_unique<dropout>(l.p, layer_seed));
        break;
      case layer_type::flatten:
        m_layers.push_back(std::make_unique<flatten>());
        c = c * h * w;
        h = w = 1;
        break;
      case layer_type::neuron: {
        auto cfg = l.neuron;
        cfg.surrogate.seed = layer_seed;
        m_layers.push_back(std::make_unique<spiking>(cfg));
        break;
      }
    }
  }
}

network::~network() = default;

void network::configure(int time_steps, int batch) {
  m_geometry = {time_steps, batch};
  const memory::dims in_dims{m_geometry.rows(), m_spec.in_channels, m_spec.in_height, m_spec.in_width};
  memory::desc md(in_dims, memory::data_type::f32, memory::format_tag::nchw);
  m_input = memory(md, m_ctx.engine, nullptr);
  for (auto& l : m_layers) md = l->configure(m_ctx, md, m_geometry);
  m_d_output = memory(md, m_ctx.engine, nullptr);
  // Below the first layer with parameters nothing needs a gradient: that layer computes no
  // diff_src (its input is data, or a parameter-free reshaping of it such as the fc
  // workload's flatten) and the layers under it are not run backward at all. Found once
  // here (neuron layers' learnable scalars exist once configured), not per backward.
  m_first_trainable = 0;
  while (m_first_trainable + 1 < m_layers.size() && m_layers[m_first_trainable]->parameters().empty())
    ++m_first_trainable;
  // A max pooling right after the first trainable convolution runs inside its event path
  // (conv2d::fuse_max_pool): that conv computes no diff_src, which fusing needs.
  if (m_first_trainable + 1 < m_layers.size()) {
    auto* c = dynamic_cast<conv2d*>(m_layers[m_first_trainable].get());
    auto* p = dynamic_cast<pool2d*>(m_layers[m_first_trainable + 1].get());
    if (c != nullptr && p != nullptr) c->fuse_max_pool(*p);
  }
  share_diff_buffers();
}

void network::share_diff_buffers() {
  // Walking down, each owning layer writes into the buffer the diff it reads is not in;
  // layers without their own buffer pass the diff through where it lies. The first layer
  // never computes diff_src and keeps its (untouched, so never resident) buffer.
  std::vector<std::pair<memory*, int>> owners;
  std::size_t bytes[2] = {0, 0};
  int current = 1;  // the output gradient is the caller's buffer: start with buffer 0
  for (std::size_t i = m_layers.size(); i-- > 1;) {
    memory* m = m_layers[i]->diff_src_storage();
    if (m == nullptr) continue;
    current = 1 - current;
    owners.emplace_back(m, current);
    bytes[current] = std::max(bytes[current], m->get_desc().get_size());
  }
  for (int b = 0; b < 2; ++b)
    m_diff_arena[b] = bytes[b] == 0 ? memory()
                                     : memory(memory::desc({static_cast<memory::dim>(bytes[b])}, memory::data_type::u8,
                                                           memory::format_tag::x),
                                              m_ctx.engine);
  for (auto& [m, b] : owners) *m = memory(m->get_desc(), m_ctx.engine, m_diff_arena[b].get_data_handle());
}

std::size_t network::input_elements() const {
  return static_cast<std::size_t>(m_geometry.rows()) * static_cast<std::size_t>(m_spec.in_channels) *
         static_cast<std::size_t>(m_spec.in_height) * static_cast<std::size_t>(m_spec.in_width);
}

std::size_t network::output_elements() const {
  return static_cast<std::size_t>(m_geometry.rows()) * static_cast<std::size_t>(m_spec.output_neurons());
}

const float* network::forward(const float* input, bool training) {
  m_input.set_data_handle(const_cast<float*>(input));
  const memory* x = &m_input;
  if (m_profiling) {
    for (std::size_t i = 0; i < m_layers.size(); ++i) {
      const auto start = std::chrono::steady_clock::now();
      x = &m_layers[i]->forward(m_ctx, *x, training);
      m_profile[i].forward_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
  } else {
    for (auto& l : m_layers) x = &l->forward(m_ctx, *x, training);
  }
  m_output = x;
  return static_cast<const float*>(x->get_data_handle());
}

void network::record_output_membrane(bool on) {
  auto* s = m_layers.empty() ? nullptr : dynamic_cast<spiking*>(m_layers.back().get());
  if (s == nullptr) throw std::logic_error("network: the output layer is not a neuron layer");
  s->set_record_membrane(on);
}

const float* network::output_membrane() const {
  const auto* s = m_layers.empty() ? nullptr : dynamic_cast<const spiking*>(m_layers.back().get());
  return s != nullptr ? s->membrane() : nullptr;
}

void network::backward(const float* d_output, const float* d_membrane) {
  if (auto* s = m_layers.empty() ? nullptr : dynamic_cast<spiking*>(m_layers.back().get()))
    s->set_membrane_gradient(d_membrane);
  m_d_output.set_data_handle(const_cast<float*>(d_output));
  const memory* d = &m_d_output;
  const std::size_t first = m_first_trainable;
  for (std::size_t i = m_layers.size(); i-- > first;) {
    const auto start = std::chrono::steady_clock::now();
    d = &m_layers[i]->backward(m_ctx, *d, i > first);
    if (m_profiling)
      m_profile[i].backward_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
}

void network::set_profiling(bool on) {
  m_profiling = on;
  m_profile.clear();
  for (std::size_t i = 0; i < m_layers.size(); ++i) m_profile.push_back({m_spec.layers[i].name, m_layers[i]->kind(), 0, 0});
}

void network::set_event_mode(event_mode mode) {
  for (auto& l : m_layers) {
    if (auto* c = dynamic_cast<conv2d*>(l.get())) c->set_event_mode(mode);
    if (auto* f = dynamic_cast<linear*>(l.get())) f->set_event_mode(mode);
  }
}

void network::reseed(std::uint64_t key) {
  for (auto& l : m_layers) {
    if (auto* d = dynamic_cast<dropout*>(l.get())) d->reseed(key);
    if (auto* s = dynamic_cast<spiking*>(l.get())) s->reseed(key);
  }
}

void network::set_spike_regularizer(double weight) {
  for (std::size_t i = 0; i < m_layers.size(); ++i)
    if (auto* s = dynamic_cast<spiking*>(m_layers[i].get())) s->set_regularizer(m_spec.layers[i].output ? 0.0 : weight);
}

double network::last_regularizer_loss() const {
  double total = 0;
  for (const auto& l : m_layers)
    if (const auto* s = dynamic_cast<const spiking*>(l.get())) total += s->last_regularizer_loss();
  return total;
}

std::vector<parameter> network::parameters() {
  std::vector<parameter> out;
  for (std::size_t i = 0; i < m_layers.size(); ++i)
    for (auto p : m_layers[i]->parameters()) {
      p.name = m_spec.layers[i].name + "." + p.name;
      out.push_back(p);
    }
  return out;
}

std::vector<parameter> network::buffers() {
  std::vector<parameter> out;
  for (std::size_t i = 0; i < m_layers.size(); ++i)
    for (auto p : m_layers[i]->buffers()) {
      p.name = m_spec.layers[i].name + "." + p.name;
      out.push_back(p);
    }
  return out;
}

std::size_t network::parameter_count() {
  std::size_t n = 0;
  for (const auto& p : parameters()) n += p.size;
  return n;
}

std::vector<layer_activity> network::activity() const {
  std::vector<layer_activity> out;
  for (std::size_t i = 0; i < m_layers.size(); ++i)
    if (m_layers[i]->last_spike_count() >= 0)
      out.push_back({m_spec.layers[i].name, m_layers[i]->last_spike_count(), m_layers[i]->neurons_per_sample()});
  return out;
}

}  // namespace snncosim::nn
