#pragma once
// Spiking neuron layers with snnTorch 0.9.4 semantics (Leaky, Lapicque, Synaptic, Alpha),
// unrolled over time steps with BPTT. Plain loops over contiguous float buffers of n
// elements (batch * features flattened); no oneDNN. All state and the BPTT tape are
// allocated in the constructor: forward/backward never allocate.
//
// Training use, per batch:
//   layer.reset_state();                       // mem = syn = 0, like snnTorch's init_leaky()
//   for t in 0..T-1:  layer.forward(t, x_t, spk_t, mem_t_or_null);
//   layer.zero_grad();                         // parameter gradients (not per batch if you accumulate)
//   for t in T-1..0:  layer.backward(t, d_spk_t, d_mem_t_or_null, d_x_t);
//   layer.d_beta(), layer.d_threshold() ...    // summed over elements and time
// Inference: reset_state(); forward_inference(x_t, spk_t, mem_t_or_null) per step (no tape).
// Large layers run on the OpenMP threads; results are identical for any thread count.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "snncosim/snn/surrogate.h"

namespace snncosim::snn {

enum class reset_mode { subtract, zero, none };
enum class neuron_model { leaky, lapicque, synaptic, alpha };

reset_mode parse_reset_mode(const std::string& s);        // bad_input lists valid values
neuron_model parse_neuron_model(const std::string& s);    // bad_input lists valid values
const char* to_string(reset_mode m);
const char* to_string(neuron_model m);

struct neuron_config {
  std::string model = "leaky";        // leaky | lapicque | synaptic | alpha
  float beta = 0.9f;                  // snnTorch requires it (Lapicque: <= 0 means "not given")
  float threshold = 1.0f;
  reset_mode reset = reset_mode::subtract;  // snnTorch's Alpha defaults to zero: see default_neuron_config
  bool reset_delay = true;            // Leaky, Synaptic only (Lapicque/Alpha always delay)
  float alpha = 0.0f;                 // Synaptic and Alpha synaptic decay
  float r = 0.0f;                     // Lapicque R; <= 0 means "not given"
  float c = 0.0f;                     // Lapicque C; <= 0 means "not given"
  float time_step = 1.0f;             // Lapicque time step
  float graded_spikes_factor = 1.0f;  // Leaky only (others fix it to 1 as snnTorch does)
  bool learn_beta = false;            // Leaky, Synaptic, Alpha
  bool learn_threshold = false;       // all models
  bool learn_alpha = false;           // Synaptic, Alpha
  bool learn_graded_spikes_factor = false;  // Leaky
  surrogate_spec surrogate;           // default atan(alpha=2), snnTorch's default
};

// snnTorch's constructor defaults for a model (Alpha: reset zero, alpha 0.9, beta 0.8).
neuron_config default_neuron_config(const std::string& model);

// Throws bad_input naming the field when the configuration is impossible in snnTorch
// (e.g. Alpha with alpha <= beta, Lapicque without beta and without both R and C,
// learn_beta on Lapicque, reset_delay=false on Lapicque/Alpha, graded spikes off Leaky).
void validate(const neuron_config& cfg);

// Lapicque's effective update m = input_gain * x + decay * m_prev (before reset).
struct lapicque_coefficients {
  double input_gain;  // Δt / C  (beta only: -ln beta)
  double decay;       // 1 - Δt / (R C)  (beta only: 1 + ln beta)
};
lapicque_coefficients derive_lapicque(const neuron_config& cfg);

// Alpha's membrane gain tau_alpha = ln α̂ / (ln β̂ - ln α̂) + 1 (snnTorch code, not docstring).
double alpha_tau(float alpha, float beta);

// A named scalar parameter for the optimizer: value and its accumulated gradient.
struct scalar_parameter {
  std::string name;  // "beta", "threshold", "alpha", "graded_spikes_factor"
  float* value;
  float* grad;
};

class neuron_layer {
 public:
  // n: elements per step (capacity); max_steps: the longest sequence forward() may record.
  neuron_layer(const neuron_config& cfg, std::size_t n, std::size_t max_steps);
  ~neuron_layer();
  neuron_layer(neuron_layer&&) noexcept;
  neuron_layer& operator=(neuron_layer&&) noexcept;
  neuron_layer(const neuron_layer&) = delete;
  neuron_layer& operator=(const neuron_layer&) = delete;

  std::size_t capacity() const;
  std::size_t size() const;           // active elements (<= capacity), e.g. a short last batch
  void set_size(std::size_t n);       // no allocation, resets the state; throws std::invalid_argument if > capacity
  std::size_t max_steps() const;
  const neuron_config& config() const;

  // Zero the state (mem, syn, ...) and forget the tape. Call at the start of each sample batch.
  void reset_state();

  // Step t (must be 0, 1, 2, ... after reset_state). Writes spk[size()] (g * H(mem - θ)) and,
  // if mem_out is not null, the returned membrane (snnTorch's second output). Returns the
  // number of non-zero spikes written.
  std::size_t forward(std::size_t t, const float* x, float* spk, float* mem_out);
  // Same dynamics without recording; usable for any number of steps.
  std::size_t forward_inference(const float* x, float* spk, float* mem_out);

  // Called for t = T-1 down to 0 after T forward() steps. d_spk: dL/dspk_t (required);
  // d_mem: dL/dmem_t of the returned membrane (nullable); writes d_x = dL/dx_t.
  // Accumulates the gradients of the learnable parameters.
  void backward(std::size_t t, const float* d_spk, const float* d_mem, float* d_x);

  // Parameter gradients are accumulated only when a learn_* flag is set (the reductions
  // would otherwise slow the common case); then every one of them is accumulated.
  void zero_grad();  // zero the parameter gradients
  float d_beta() const;
  float d_threshold() const;
  float d_alpha() const;
  float d_graded_spikes_factor() const;
  // Learnable parameters only (what cfg.learn_* enabled).
  std::vector<scalar_parameter> parameters();

  float beta() const;
  float threshold() const;
  float alpha() const;
  float graded_spikes_factor() const;
  void set_beta(float v);
  void set_threshold(float v);
  void set_alpha(float v);
  void set_graded_spikes_factor(float v);

  // Current state after the last forward step.
  const float* mem() const;
  const float* syn() const;      // Synaptic: syn; Alpha: excitatory current; else null
  const float* syn_inh() const;  // Alpha: inhibitory current; else null

  surrogate& spike_surrogate();

  class impl;

 private:
  std::unique_ptr<impl> m_impl;
};

}  // namespace snncosim::snn
