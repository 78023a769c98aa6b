#pragma once
// The neuron cores of one layer engine (docs/hardware.md §3.5), modelled as one block with
// `neuron_cores` lock-step lanes (never a thread per neuron). Core k owns output channels
// c with c % neuron_cores == k; P = ceil(OC / neuron_cores) passes cover all channels.
//
// accumulate (per compressed frame with s > 0 spikes):
//   A = s * taps * R + L_w + L_m,  taps = K*K (conv) or 1 (linear),
//   R = sum over passes p of ceil(n_p * weight_bits / (width_bits * ports)) (>= 1),
//   n_p = cores active in pass p. One read-modify-write per cycle per core.
// activate (once per time step, also when no spike arrived):
//   V = P * N_pos * q + L_m + stall,  N_pos = output positions per channel (1 for linear),
//   q = current_pool_kernel^2 (1 without current pooling): one neuron per cycle per core.
// The neuron arithmetic is snncosim::numerics (accumulate, neuron_step), never a copy.
#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "snncosim/numerics/quant_model.h"
#include "snncosim/sc_models/membrane_memory.h"
#include "snncosim/sc_models/event_log.h"
#include "snncosim/sc_models/protocol.h"
#include "snncosim/sc_models/weight_memory.h"

namespace snncosim::sc_models {

struct neuron_core_stats {
  std::uint64_t synaptic_ops = 0;       // accumulator read-modify-writes that hit a neuron
  std::uint64_t spike_tap_slots = 0;    // s * taps (cycles issued per pass, valid or not)
  std::uint64_t accumulate_cycles = 0;
  std::uint64_t activate_cycles = 0;    // without stalls
  std::uint64_t stall_cycles = 0;       // router back-pressure during activation
  std::uint64_t neurons_activated = 0;
  std::uint64_t spikes_out = 0;
};

struct core_geometry {
  numerics::tensor_shape in;    // input of the layer
  numerics::tensor_shape full;  // accumulator grid (conv output before current pooling)
  numerics::tensor_shape out;   // neurons
};

class neuron_core : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<neuron_core> in;
  tlm_utils::simple_initiator_socket<neuron_core> weights;
  tlm_utils::simple_initiator_socket<neuron_core> membranes;
  tlm_utils::simple_initiator_socket<neuron_core> spikes_out;

  neuron_core(const sc_core::sc_module_name& name, const numerics::quant_layer& layer, const core_geometry& geometry,
              int neuron_cores, sc_core::sc_time clock_period);

  void attach(weight_memory& w, membrane_memory& m) {
    m_weight_mem = &w;
    m_membrane_mem = &m;
  }
  int passes() const { return m_passes; }
  int cores() const { return m_cores; }
  // R of the header comment.
  std::uint64_t weight_fetch_cycles_per_tap() const { return m_fetch_per_tap; }
  std::uint64_t accumulate_cycles(std::uint64_t spikes) const;
  std::uint64_t activate_cycles_without_stall() const;
  const neuron_core_stats& stats() const { return m_stats; }
  void reset_stats() { m_stats = {}; }
  // Records every membrane write-back of the activate phase (null: off).
  void set_event_log(event_log* log, int layer) {
    m_events = log;
    m_event_layer = layer;
  }

 private:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  void bind_dmi();
  void accumulate(int frame, const std::vector<std::uint32_t>& addresses);
  void activate(core_extension& cmd);

  const numerics::quant_layer& m_layer;
  core_geometry m_geo;
  int m_cores;
  int m_passes;
  int m_taps;
  int m_pool_reads;  // q
  std::uint64_t m_fetch_per_tap = 1;
  sc_core::sc_time m_clock;
  weight_memory* m_weight_mem = nullptr;
  membrane_memory* m_membrane_mem = nullptr;
  std::int32_t* m_acc = nullptr;
  std::int32_t* m_mem = nullptr;
  neuron_core_stats m_stats;
  tlm::tlm_generic_payload m_packet;  // owns its extension
  aer_packet m_packet_data;
  packet_timing_extension* m_packet_timing;
  event_log* m_events = nullptr;
  int m_event_layer = 0;
};

}  // namespace snncosim::sc_models
