#pragma once
// A network built from a network_spec: the layers, their parameters, and forward/backward
// over one mini-batch of T time steps. Input and output are plain time-major buffers:
// input [T][N][C][H][W], output spikes [T][N][outputs].
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "snncosim/nn/conv2d.h"
#include "snncosim/nn/engine.h"
#include "snncosim/nn/layer.h"
#include "snncosim/nn/network_spec.h"

namespace snncosim::nn {

struct layer_activity {
  std::string name;
  double spikes = 0;        // spikes in the last forward
  std::size_t neurons = 0;  // per sample and time step
};

class network {
 public:
  network(network_spec spec, std::uint64_t seed);
  ~network();
  network(const network&) = delete;
  network& operator=(const network&) = delete;

  // Builds primitives and buffers for this geometry (call again only for a new geometry;
  // parameters keep their values, but parameter pointers change).
  void configure(int time_steps, int batch);
  const batch_geometry& geometry() const { return m_geometry; }

  // input points at [T][N][C][H][W] floats and must stay valid until backward().
  const float* forward(const float* input, bool training);
  // d_output: dL/d(output spikes) [T][N][outputs]; d_membrane (nullable, needs
  // record_output_membrane): dL/d(output membrane), same shape.
  void backward(const float* d_output, const float* d_membrane = nullptr);

  // The output neuron layer's membrane [T][N][outputs] of the last forward (membrane
  // losses). Throws std::logic_error if the last layer is not a neuron layer.
  void record_output_membrane(bool on);
  const float* output_membrane() const;  // null unless recording

  // Event-driven convolution choice of every conv layer (default automatic).
  void set_event_mode(event_mode mode);

  // Makes every stochastic part (dropout masks, SSO surrogates) depend only on key.
  void reseed(std::uint64_t key);
  // Spike-count regulariser weight on every hidden neuron layer.
  void set_spike_regularizer(double weight);
  double last_regularizer_loss() const;

  std::vector<parameter> parameters();  // trainable, in layer order, names "layer.param"
  std::vector<parameter> buffers();     // persistent non-trainable state
  std::vector<layer_activity> activity() const;  // per neuron layer, last forward

  // Wall time per layer, accumulated while profiling is on (forward and backward).
  struct layer_time {
    std::string name, kind;
    double forward_s = 0, backward_s = 0;
  };
  void set_profiling(bool on);
  std::vector<layer_time> profile() const { return m_profile; }

  const network_spec& spec() const { return m_spec; }
  std::size_t input_elements() const;   // T*N*C*H*W
  std::size_t output_elements() const;  // T*N*outputs
  std::size_t parameter_count();
  engine_context& context() { return m_ctx; }
  std::vector<std::unique_ptr<layer>>& layers() { return m_layers; }

 private:
  network_spec m_spec;
  engine_context m_ctx;
  std::vector<std::unique_ptr<layer>> m_layers;
  batch_geometry m_geometry;
  dnnl::memory m_input;
  dnnl::memory m_d_output;
  dnnl::memory m_diff_arena[2];  // the layers' diff_src buffers, alternating down the chain
  std::size_t m_first_trainable = 0;  // backward runs down to this layer only
  void share_diff_buffers();
  const dnnl::memory* m_output = nullptr;
  bool m_profiling = false;
  std::vector<layer_time> m_profile;
};

}  // namespace snncosim::nn
