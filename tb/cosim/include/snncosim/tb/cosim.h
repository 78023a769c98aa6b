#pragma once
// Co-simulation of the TLM accelerator and the RTL in one SystemC kernel (docs/rtl.md §4).
// The TLM runs the samples first; then the RTL runs the same samples, in one of two modes:
//  * whole (default): the Verilated accelerator top (rtl/accelerator): only the load port
//    (configuration, weights, the first engine's input spikes) and a start; spikes between
//    engines and the step handshakes are RTL. The handshakes the links make are compared
//    cycle by cycle with the TLM's, and the output spike stream with the TLM's output;
//  * engine: every engine runs as its own Verilated layer engine with the same input spikes
//    (the TLM's record of the layer in front of it) and the TLM's inter-engine handshakes
//    replayed at the same cycles relative to the sample start (for diagnosis).
// In both modes a scoreboard compares every
// router packet (payload, entered and departed cycle), every membrane write-back (value,
// spike, cycle) and every step's activation end, checks for leftovers, and compares the
// final cycle counts.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "snncosim/numerics/integer_inference.h"
#include "snncosim/sc_models/accelerator.h"
#include "snncosim/tb/rtl_build.h"

namespace snncosim::tb {

struct divergence {
  int sample = 0;
  int layer = 0;       // engine index
  std::string layer_name;
  int core = -1;       // neuron core lane (channel % cores), -1 if not per neuron
  int channel = -1, y = -1, x = -1;
  int step = -1;
  std::uint64_t cycle = 0;  // relative to the sample start (the RTL's stamp, else the TLM's)
  std::string event;        // spike, writeback, step_end, leftover, layer_end
  std::string field;
  std::string expected, actual;
};

// Fault injection proving the scoreboard catches faults (the mutation tests).
struct cosim_faults {
  std::uint64_t departed_delay = 0;  // added to every RTL router departure stamp
  std::int32_t membrane_xor = 0;     // XORed into every RTL membrane write-back value
};

// Which prebuilt engine build runs in engine mode: the design, or a mutant built from a copy
// of it with one change (rtl/mutate/snn-mutate) that the scoreboard must catch.
enum class rtl_variant { reference, mut_timing, mut_bit };
// "reference", "mut_timing", "mut_bit"; anything else throws bad_input.
rtl_variant parse_rtl_variant(const std::string& name);
// automatic: whole when the top holds the model and hardware, else engine with a logged
// warning saying why.
enum class cosim_mode { automatic, whole, engine };
// "auto", "whole" or "engine"; bad_input otherwise.
cosim_mode parse_cosim_mode(const std::string& s);
const char* to_string(cosim_mode m);

struct cosim_options {
  // whole: the accelerator generated for the model and hardware (rtl_design.h), built on
  // demand; engine: the prebuilt programmable engines, one by one
  cosim_mode mode = cosim_mode::automatic;
  std::string vcd_path;        // on a divergence: a VCD of the engine ports around it
  std::uint64_t vcd_window = 64;  // cycles before and after the divergence
  bool progress = true;
  cosim_faults faults;
  // "reference", or "mut_<mutation>" of rtl/mutate/snn-mutate: whole mode generates the
  // design with that mutation; engine mode has prebuilt mut_timing and mut_bit engines.
  std::string variant = "reference";
  rtl_build_options build;  // whole mode: where and how the generated design is built
};

struct cosim_result {
  cosim_mode mode = cosim_mode::whole;  // the mode that ran (never automatic)
  std::uint64_t mismatches = 0;
  std::uint64_t events_compared = 0;
  std::uint64_t tlm_cycles = 0;  // sum of the samples' latencies
  std::uint64_t rtl_cycles = 0;
  double tlm_seconds = 0;  // wall time of the TLM run
  double rtl_seconds = 0;  // wall time of the RTL run (without loading the memories)
  std::uint64_t rtl_simulated_cycles = 0;  // clock cycles the RTL ran, loading excluded
  std::uint64_t handshake_cycles_compared = 0;  // whole mode: engines x cycles, both handshakes
  std::uint64_t output_spikes_compared = 0;     // whole mode: the last engine's output stream
  // steps whose delivery to the next engine waited for packets still queued in the router
  // after the producer's activation of that step ended (the links' hard case)
  std::uint64_t queue_held_steps = 0;
  std::optional<divergence> first;
  bool vcd_written = false;
  // whole mode: the generated design and its build
  std::string design_hash;
  std::filesystem::path build_dir;
  bool build_reused = false;
  double build_seconds = 0;
  long build_peak_rss_kib = 0;
  long peak_rss_kib = 0;  // of this process at the end (the co-simulation)
};

cosim_result run_cosim(const numerics::quant_model& model, const sc_models::hardware_config& hw,
                       const std::vector<sc_models::sample_input>& samples, const cosim_options& options = {});

}  // namespace snncosim::tb
