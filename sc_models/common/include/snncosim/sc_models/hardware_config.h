#pragma once
// The hardware configuration of the accelerator (docs/hardware.md §2): a `hardware` YAML
// document resolved per neuron layer of a quant_model, plus the platform's clock and energy
// coefficients. Every semantic problem (unknown layer in `layers:`, a memory too small for
// its layer) throws snncosim::bad_input naming the YAML location.
#include <cstdint>
#include <string>
#include <vector>

#include "snncosim/common/config.h"
#include "snncosim/numerics/quant_model.h"

namespace snncosim::sc_models {

enum class pipeline_mode { layer_sequential, timestep_pipelined };
const char* to_string(pipeline_mode m);

enum class memory_kind { bram, uram, lutram, offchip };
const char* to_string(memory_kind k);

struct memory_config {
  memory_kind kind = memory_kind::bram;
  int read_latency_cycles = 1;
  int width_bits = 64;  // weight memory only
  int ports = 1;        // weight memory only
  double capacity_kib = 0;
};

// Everything one layer engine needs from the YAML.
struct layer_hw_config {
  std::string layer_name;
  int neuron_cores = 1;
  int penc_width_bits = 32;
  memory_config weight_memory;
  memory_config membrane_memory;  // capacity per neuron core
  int spike_read_latency_cycles = 1;
  int spike_fifo_depth = 16;        // router FIFO behind this layer's neuron cores
  int router_events_per_cycle = 1;  // router drain rate behind this layer
};

struct energy_coefficients {
  double pj_per_synaptic_op = 0;
  double pj_per_bram_access = 0;
  double pj_per_uram_access = 0;
  double pj_per_offchip_byte = 0;
  double static_w = 0;
};

struct hardware_config {
  std::string name;
  pipeline_mode mode = pipeline_mode::layer_sequential;
  double clock_mhz = 200;
  std::vector<layer_hw_config> layers;  // one per neuron layer of the model, in order
  energy_coefficients energy;
  std::string platform_name;
};

// Resolves `hw` (kind hardware) for the neuron layers of `model`; `platform` gives the
// clock when hardware.clock_mhz is 0, and the energy coefficients. Validates capacities.
hardware_config resolve_hardware(const config::document& hw, const config::document& platform,
                                 const numerics::quant_model& model);
// Same without a platform document: clock from hardware.clock_mhz (must be > 0), no energy.
hardware_config resolve_hardware(const config::document& hw, const numerics::quant_model& model);

// Storage each layer needs, in bits (docs/hardware.md §3): weights (`in_size`: input channels
// of a conv, input features of a linear layer), and per neuron core the
// membrane + accumulator words of the output channels it owns.
std::int64_t weight_storage_bits(const numerics::quant_layer& l, std::int64_t in_size);
std::int64_t membrane_storage_bits_per_core(const numerics::quant_layer& l, const numerics::tensor_shape& out,
                                            const numerics::tensor_shape& full, int neuron_cores);

}  // namespace snncosim::sc_models
