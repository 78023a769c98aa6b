#pragma once
// The assembled accelerator (docs/hardware.md §3-5): one layer engine per neuron layer of a
// quant_model, a spike router behind each, configured from a resolved hardware_config. A
// host thread preloads each sample's input spikes, starts the engines and collects spikes,
// cycles and statistics. A SystemC kernel elaborates once per process, so simulate() runs
// all samples in one sc_start and may be called once per process.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "snncosim/numerics/integer_inference.h"
#include "snncosim/sc_models/event_log.h"
#include "snncosim/sc_models/hardware_config.h"
#include "snncosim/sc_models/layer_engine.h"
#include "snncosim/sc_models/spike_router.h"

namespace snncosim::sc_models {

class accelerator;

struct sample_input {
  std::vector<std::uint8_t> spikes;  // [T][C][H][W] of the model input, 0/1
  int num_steps = 0;
};

struct memory_access_counts {
  std::string memory;  // weight_memory, membrane_memory, spike_memory
  memory_kind kind = memory_kind::bram;
  std::uint64_t reads = 0;
  std::uint64_t writes = 0;
  std::uint64_t word_bits = 0;
};

struct layer_result {
  std::string name;
  int neuron_cores = 1;
  int passes = 1;
  std::uint64_t start = 0;      // cycles from the sample start
  std::uint64_t end = 0;        // last activation written
  std::uint64_t drain_end = 0;  // last output spike delivered
  std::vector<step_cycles> steps;  // begin/end relative to the sample start
  std::uint64_t compress = 0, accumulate = 0, activate = 0, stall = 0, idle = 0;
  std::uint64_t synaptic_ops = 0;
  std::uint64_t input_spikes = 0;
  std::uint64_t output_spikes = 0;
  std::vector<memory_access_counts> memories;
  router_stats router;
};

struct sample_result {
  std::uint64_t start_cycle = 0;      // absolute
  std::uint64_t latency_cycles = 0;   // until the last activation of the last layer is written
  numerics::inference_result spikes;  // same layout as run_integer_inference's result
  std::vector<layer_result> layers;
  double energy_pj = 0;
};

struct simulation_options {
  std::string vcd_path;        // block-level signals (sc_trace), empty: none
  bool transaction_log = false;
  bool progress = true;
  // Called after each sample, inside the simulation (must not throw). Lets a caller check
  // the spikes and drop them (`keep_spikes = false`: per-step counts stay) so long runs do
  // not keep every sample's spikes in memory.
  std::function<void(std::size_t index, const sample_result&)> on_sample;
  bool keep_spikes = true;
  // Per-event cycle stamps of every router packet and membrane write-back (null: off).
  event_log* events = nullptr;
  // Called after the accelerator is built and before sc_start: lets a caller add modules to
  // the same kernel (the RTL co-simulation).
  std::function<void(accelerator&)> on_elaborated;
};

struct simulation_result {
  hardware_config hardware;
  std::vector<sample_result> samples;
  std::string transaction_log;
  std::uint64_t total_cycles = 0;        // all samples back to back
  std::uint64_t synaptic_ops = 0;
  double wall_seconds = 0;  // elaboration + simulation, without on_sample callbacks
  // Steady-state initiation interval of the time-step pipeline: the slowest layer's mean
  // cycles per step (pipelined), or the whole latency / T (sequential).
  double cycles_per_step_steady = 0;
};

class accelerator : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(accelerator);
  tlm_utils::simple_initiator_socket<accelerator> host;           // input preload
  tlm_utils::simple_initiator_socket<accelerator> output_reader;  // result spikes

  accelerator(const sc_core::sc_module_name& name, const numerics::quant_model& model, const hardware_config& hw,
               int max_steps, const simulation_options& options);
  ~accelerator() override;

  void set_samples(const std::vector<sample_input>* samples) { m_samples = samples; }
  std::vector<sample_result>& results() { return m_results; }
  std::string& log() { return m_log; }
  const std::vector<std::unique_ptr<layer_engine>>& engines() const { return m_engines; }
  void trace(sc_core::sc_trace_file* f) const;
  double callback_seconds() const { return m_callback_seconds; }

 private:
  void run();
  void collect(sample_result& r, std::uint64_t start);

  const numerics::quant_model& m_model;
  hardware_config m_hw;
  simulation_options m_options;
  sc_core::sc_time m_clock;
  std::vector<numerics::tensor_shape> m_shapes;
  std::vector<int> m_neuron_layer_index;  // model index of each engine's layer
  std::vector<std::unique_ptr<layer_engine>> m_engines;
  std::vector<std::unique_ptr<spike_router>> m_routers;
  std::unique_ptr<spike_router> m_loader;  // host -> first engine (input preload, untimed)
  std::unique_ptr<spike_memory> m_output;  // behind the last router
  numerics::inference_result m_records;    // spikes of the running sample
  const std::vector<sample_input>* m_samples = nullptr;
  std::vector<sample_result> m_results;
  std::string m_log;
  double m_callback_seconds = 0;
  tlm::tlm_generic_payload m_packet;
  aer_packet m_packet_data;
  packet_timing_extension* m_packet_timing;
};

// Elaborates the accelerator, runs every sample, returns the results. Throws bad_input for
// impossible configurations. One call per process (SystemC cannot re-elaborate).
simulation_result simulate(const numerics::quant_model& model, const hardware_config& hw,
                           const std::vector<sample_input>& samples, const simulation_options& options = {});

// Energy of one sample from the platform coefficients (docs/hardware.md §6).
double sample_energy_pj(const sample_result& s, const hardware_config& hw);

}  // namespace snncosim::sc_models
