#pragma once
// One layer engine (docs/hardware.md §3.7): input spike memory, event control unit, neuron
// cores, weight and membrane memories, driven by one SC_THREAD that walks the time steps of a
// sample. Each (step, frame) is one compress transaction and, when the frame has spikes, one
// accumulate transaction; each step ends with one activate transaction. The thread composes
// the annotated cycles with the double-buffered address list between compressor and cores:
//   compress start  c_g = max(ec_free, buffer_free[g % 2], input_ready(t))
//   compress end    e_g = c_g + E_g                       (ec_free = e_g)
//   accumulate      a_g = max(e_g, core_free) .. + A_g    (core_free, buffer_free[g % 2])
//   activate start  max(core_free, ec_free, output_buffer_free(t)), end + V + stall
// and synchronises with its neighbours only at step boundaries (one wait per step).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "snncosim/sc_models/event_control.h"
#include "snncosim/sc_models/hardware_config.h"
#include "snncosim/sc_models/membrane_memory.h"
#include "snncosim/sc_models/neuron_core.h"
#include "snncosim/sc_models/spike_memory.h"
#include "snncosim/sc_models/spike_router.h"
#include "snncosim/sc_models/weight_memory.h"

namespace snncosim::sc_models {

// Cycles of one layer in one time step. Phases are busy cycles of their unit; the cores'
// timeline of the step satisfies end - begin = accumulate + activate + stall + idle.
struct step_cycles {
  std::uint64_t begin = 0;  // cores free for this step (previous step's end, or layer start)
  std::uint64_t end = 0;    // last activation written
  std::uint64_t compress = 0;
  std::uint64_t accumulate = 0;
  std::uint64_t activate = 0;
  std::uint64_t stall = 0;         // router back-pressure during activation
  std::uint64_t idle = 0;          // cores waiting: for compressed events, input spikes, or the output buffer
  std::uint64_t buffer_wait = 0;   // part of idle: next engine still reading the output buffer (pipelined)
  std::uint64_t input_spikes = 0;
  std::uint64_t output_spikes = 0;
};

struct engine_geometry {
  core_geometry core;
  int frames = 1;      // per step: input channels (conv) or 1 (linear)
  int frame_bits = 1;  // H*W (conv) or input features (linear)
};

// The geometry of the engine of neuron layer `i` (`shapes` from numerics::validate): the one
// definition the TLM accelerator, the explore evaluator and the RTL generator share.
engine_geometry engine_geometry_of(const numerics::quant_model& model, const std::vector<numerics::tensor_shape>& shapes,
                                   std::size_t i);
// Slots of engine `e`'s input spike memory: every step, except two behind a time-step
// pipelined link (the first engine's input is preloaded whole).
int input_slots(std::size_t e, pipeline_mode mode, int max_steps);

class layer_engine : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(layer_engine);
  tlm_utils::simple_initiator_socket<layer_engine> ec_out;
  tlm_utils::simple_initiator_socket<layer_engine> core_out;

  spike_memory input;
  event_control ec;
  weight_memory weights;
  membrane_memory membranes;
  neuron_core cores;

  layer_engine(const sc_core::sc_module_name& name, int index, const numerics::quant_layer& layer,
               const engine_geometry& geometry, const layer_hw_config& hw, pipeline_mode mode, int input_slots,
               sc_core::sc_time clock_period);

  // Wiring done by the accelerator.
  void connect(layer_engine* previous, layer_engine* next, spike_router* router) {
    m_prev = previous;
    m_next = next;
    m_router = router;
  }
  void set_log(std::string* log) { m_log = log; }

  // Sample control: start at `start_cycle`, run `steps` steps.
  void start_sample(std::uint64_t start_cycle, int steps);
  sc_core::sc_event& progress() { return m_progress; }
  int steps_done() const { return m_steps_done; }
  bool sample_done() const { return m_sample_done; }
  std::uint64_t done_cycle(int t) const { return m_steps[static_cast<std::size_t>(t)].end; }
  std::uint64_t delivered_cycle(int t) const { return m_delivered[static_cast<std::size_t>(t)]; }
  std::uint64_t layer_start() const { return m_layer_start; }
  std::uint64_t layer_end() const { return m_layer_end; }
  std::uint64_t drain_end() const { return m_drain_end; }
  const std::vector<step_cycles>& steps() const { return m_steps; }
  const layer_hw_config& hw() const { return m_hw; }
  const engine_geometry& geometry() const { return m_geo; }
  const std::string& layer_name() const { return m_layer_name; }

  // VCD-traceable block-level signals.
  sc_core::sc_signal<int> sig_step;        // step being activated, -1 idle
  sc_core::sc_signal<bool> sig_activating;
  sc_core::sc_signal<int> sig_spikes_out;  // spikes of the last activated step

 private:
  void run();
  void run_step(int t, std::vector<std::uint32_t>& addresses);
  std::uint64_t wait_input(int t);
  std::uint64_t wait_output_buffer(int t);
  void advance_to(std::uint64_t cycle);
  std::uint64_t now_cycle() const;
  std::uint64_t to_cycles(const sc_core::sc_time& t) const;

  int m_index;
  std::string m_layer_name;
  engine_geometry m_geo;
  layer_hw_config m_hw;
  pipeline_mode m_mode;
  sc_core::sc_time m_clock;
  layer_engine* m_prev = nullptr;
  layer_engine* m_next = nullptr;
  spike_router* m_router = nullptr;
  std::string* m_log = nullptr;

  sc_core::sc_event m_start;
  sc_core::sc_event m_progress;
  std::uint64_t m_sample_start = 0;
  int m_num_steps = 0;
  int m_steps_done = 0;
  bool m_sample_done = false;

  // Timeline state (absolute cycles).
  std::uint64_t m_ec_free = 0;
  std::uint64_t m_core_free = 0;
  std::uint64_t m_buffer_free[2] = {0, 0};
  std::uint64_t m_frame_counter = 0;
  std::uint64_t m_layer_start = 0;
  std::uint64_t m_layer_end = 0;
  std::uint64_t m_drain_end = 0;
  std::vector<step_cycles> m_steps;
  std::vector<std::uint64_t> m_delivered;

  // The payload owns its extensions (a payload without memory manager frees them).
  tlm::tlm_generic_payload m_cmd;
  compress_extension* m_compress;
  core_extension* m_core;
};

}  // namespace snncosim::sc_models
