#pragma once
// A layer of the training engine. The whole sequence of T time steps of a mini-batch of N
// samples is one oneDNN batch of T*N rows, time-major (row t*N + n): stateless layers
// (conv, pool, linear, batch norm, dropout) therefore run once per mini-batch, and only
// neuron layers loop over time. Activations stay in the layout the primitives prefer
// (format_tag::any); a layer's backward returns diff_src in the same descriptor as the src
// it got in forward, and expects diff_dst in the descriptor of its dst.
#include <cstddef>
#include <string>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "snncosim/nn/engine.h"

namespace snncosim::nn {

// A trainable tensor as the optimiser sees it: values and gradients, plain layout.
struct parameter {
  std::string name;
  float* value = nullptr;
  float* grad = nullptr;
  std::size_t size = 0;
};

// Sizes of one configure() call.
struct batch_geometry {
  int time_steps = 1;
  int batch = 1;
  int rows() const { return time_steps * batch; }
};

class layer {
 public:
  virtual ~layer() = default;
  layer() = default;
  layer(const layer&) = delete;
  layer& operator=(const layer&) = delete;

  virtual std::string kind() const = 0;

  // Creates primitives and buffers for this input descriptor; returns the dst descriptor.
  // Called once per shape: forward/backward then allocate nothing.
  virtual dnnl::memory::desc configure(engine_context& ctx, const dnnl::memory::desc& src,
                                       batch_geometry geometry) = 0;

  // The returned memory is owned by the layer and valid until its next forward.
  virtual const dnnl::memory& forward(engine_context& ctx, const dnnl::memory& src,
                                      bool training) = 0;

  // Computes parameter gradients (overwriting them) and, when need_diff_src, diff_src.
  // Valid only after forward(training=true) on the same batch.
  virtual const dnnl::memory& backward(engine_context& ctx, const dnnl::memory& diff_dst,
                                       bool need_diff_src) = 0;

  virtual std::vector<parameter> parameters() { return {}; }
  // Non-trainable persistent state (e.g. batch-norm running statistics), saved in checkpoints.
  virtual std::vector<parameter> buffers() { return {}; }

  // The buffer backward() writes diff_src into, when the layer owns one (null otherwise). The
  // network may replace it by a shared buffer: a diff is dead once the layer below has
  // consumed it, so two buffers serve the whole chain.
  virtual dnnl::memory* diff_src_storage() { return nullptr; }

  // Spiking layers report spikes of the last forward; others return -1.
  virtual double last_spike_count() const { return -1.0; }
  virtual std::size_t neurons_per_sample() const { return 0; }
};

}  // namespace snncosim::nn
