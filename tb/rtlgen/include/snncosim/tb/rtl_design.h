#pragma once
// The accelerator RTL specialised for one model and hardware configuration (docs/rtl.md §6):
// one snn_layer_engine per neuron layer and one snn_spike_link between every pair, every
// size, count, latency and neuron constant an elaboration-time parameter. The parameters
// come from the same engine image and link image the programmable RTL is loaded with
// (engine_image.h), so there is one register map for both.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "snncosim/numerics/integer_inference.h"
#include "snncosim/sc_models/hardware_config.h"
#include "snncosim/sc_models/layer_engine.h"
#include "snncosim/tb/engine_image.h"

namespace snncosim::tb {

// One SV parameter assignment: name and SystemVerilog literal.
struct sv_param {
  std::string name;
  std::string value;
};

struct generated_engine {
  std::size_t layer_index = 0;  // in the model
  std::string layer_name;
  sc_models::engine_geometry geometry;
  sc_models::layer_hw_config hw;
  int slots = 1;           // input spike memory slots
  engine_limits limits;    // exact sizes of this instance
  engine_image image;      // registers (the Fixed configuration) and memory images
  int set_ports = 0;       // bit-set ports of its spike memory (the producer's router rate), 0: loaded
  std::vector<sv_param> params;  // of snn_layer_engine
};

struct generated_link {
  link_image image;
  std::vector<sv_param> params;  // of snn_spike_link
};

// Which design the generator writes: the reference, or a copy with one mutation of
// rtl/mutate/snn-mutate (the mutation test of the generated features).
struct rtl_design {
  std::vector<generated_engine> engines;
  std::vector<generated_link> links;  // links[e] sits between engines e and e+1
  int steps = 1;
  int chan_bits = 8, coord_bits = 8;  // packet {step[7:0], channel, y, x}
  std::string mutation;               // empty: the reference design
  std::string top_module = "snn_accelerator_gen";
  std::string top_sv;                 // the generated top
  std::vector<std::filesystem::path> sources;  // design files of rtl/ in order (rtl/sources.txt)
  std::vector<std::string> source_texts;       // their texts as hashed (the mutated one mutated)
  std::string hash;                   // of the sources' contents, the top and the mutation
  int packet_bits() const { return 8 + chan_bits + 2 * coord_bits; }
  nlohmann::json manifest() const;
};

// The design for `model` on `hw` with `steps` time steps per sample. Throws bad_input naming
// the layer and the reason when the RTL cannot build it (a layer kind or link stage it lacks,
// a size beyond its ranges) before anything is written or built.
rtl_design generate_rtl(const numerics::quant_model& model, const sc_models::hardware_config& hw, int steps,
                        const std::string& mutation = {});

// A top module `name` holding just engine `e` of the design (for per-engine synthesis).
std::string engine_wrapper_sv(const rtl_design& d, std::size_t e, const std::string& name);

// The RTL source folder and its ordered file list (rtl/sources.txt).
std::filesystem::path rtl_source_dir();
std::vector<std::filesystem::path> rtl_sources();

// Writes the design to `dir`: the sources (the mutated copy where mutated), the top,
// files.f (Verilator/Yosys file list, in order) and manifest.json (with `provenance`, e.g.
// tool versions, merged in; not part of the hash). Atomic per file.
void write_design(const rtl_design& d, const std::filesystem::path& dir, const nlohmann::json& provenance = {});

}  // namespace snncosim::tb
