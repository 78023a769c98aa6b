#pragma once
// One architecture search for one trained model (docs/explore.md): shared by the direct
// form of `snncosim explore` (--model/--traces/--hardware), the experiment form (a run
// folder) and the co-design view (every point of a sweep).
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "snncosim/sc_models/hardware_config.h"

namespace snncosim::explore {

struct explore_args {
  std::string model, traces, hardware, platform, objective = "latency", budget, out, state;
  std::vector<std::string> sets;
  std::uint64_t seed = 1;
  int top_k = 3, samples = 0, iterations = 3000, steps = 0;
  double exhaustive_limit = 20000;
  bool no_confirm = false;
  bool cosim = false;
  std::vector<int> penc, fifo;
  int max_cores = 0;
  std::string resource_model = "specialised";
  bool progress = true;
  // What the model files are (e.g. the run's config hash): part of the signature.
  std::string identity;
};

// The search options that decide the result (not the files): a finished explore.json with
// the same signature (and the same model) is reused by the co-design view.
nlohmann::json explore_signature(const explore_args& a);

// Searches, confirms the top-k by TLM child processes, co-simulates the best with --cosim and,
// with `out`, writes explore.json, pareto.csv, feasible.csv, best.yaml, plots, state.json.
// Throws bad_input when nothing fits the budget (one message with the smallest need).
nlohmann::json explore_model(const explore_args& a);

// `snncosim cosim` of a hardware YAML in a child process: exit_status and, when it ran,
// mismatches, events_compared, tlm_cycles, rtl_cycles.
nlohmann::json cosim_configuration(const std::string& model, const std::string& traces, const std::string& hardware,
                                   const std::string& platform, int samples);

// "timestep_pipelined; conv1 c4 p32 w:bram m:bram f16; ..." (no commas: a CSV field).
std::string configuration_words(const sc_models::hardware_config& hw);

// The human-readable summary of explore_model's JSON.
std::string explore_text(const nlohmann::json& j);
// Throws when the TLM confirmation or the RTL co-simulation in `j` failed.
void check_explore_confirmation(const nlohmann::json& j);

// What `snncosim explore` was given: the search options and which of its three forms.
struct explore_request {
  explore_args args;
  std::string input;         // experiment YAML: its run folder, or the co-design view of its sweep
  std::string sweep_dir;     // co-design view over this sweep folder
  std::string results;       // with `input`: its run or sweep folder instead of <output_dir>/<name>
  bool top_k_given = false;  // else the co-design view confirms each point's best only
};

struct explore_outcome {
  nlohmann::json result;  // explore_model's JSON, or the co-design document
  bool codesign = false;
};

// Runs the form the request names; trains a missing run or sweep first (a child process).
// Throws bad_input for a request that mixes the forms or lacks an input.
explore_outcome run_explore(const explore_request& request);
// The human-readable summary of either form.
std::string explore_outcome_text(const explore_outcome& o);
// Throws (exit 1) when a confirmation or co-simulation in the outcome failed; called after
// the outcome was printed.
void check_explore_outcome(const explore_outcome& o);

}  // namespace snncosim::explore
