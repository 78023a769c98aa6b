#pragma once
// Architecture search (docs/explore.md): per-layer neuron cores, priority-encoder width,
// memory kinds, router FIFO depth and the pipeline mode, scored by the fast evaluator and
// the resource model under a resource budget. Greedy layer balancing first, then
// exhaustive enumeration when the space is small, else seeded simulated annealing.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "snncosim/explore/evaluator.h"
#include "snncosim/explore/resource_model.h"

namespace snncosim::explore {

enum class objective { latency, throughput, energy };
objective parse_objective(const std::string& s);  // bad_input on unknown names
const char* to_string(objective o);

// Choices of one layer; indices into search_space's value lists.
struct layer_choice {
  int cores = 0, penc = 0, weight_kind = 0, membrane_kind = 0, fifo = 0;
  auto operator<=>(const layer_choice&) const = default;
};
struct candidate {
  int mode = 0;  // index into search_space::modes
  std::vector<layer_choice> layers;
  auto operator<=>(const candidate&) const = default;
  std::string key() const;  // compact, stable text form (state file)
};

struct search_space {
  std::vector<sc_models::pipeline_mode> modes;
  std::vector<std::vector<int>> cores;  // per layer
  std::vector<int> penc;
  std::vector<sc_models::memory_kind> weight_kinds;
  std::vector<sc_models::memory_kind> membrane_kinds;
  std::vector<int> fifo;
  double size() const;  // number of candidates
};

// Default space for a model on a platform: cores = powers of two up to the layer's output
// channels (and the channel count itself), penc 8..128, fifo 2..64, weight memory bram
// (+ uram when the platform has it, + offchip), membranes bram/lutram (+ uram).
search_space default_space(const std::vector<engine_shape>& shapes, const platform_info& platform);

struct budget {
  resources limit;  // absolute; starts as the platform's capacity
};
// "lut=50%,bram36=400,dsp=100" (bram is an alias of bram36); percentages of the platform.
budget parse_budget(const std::string& text, const platform_info& platform);

struct scored {
  candidate cand;
  sc_models::hardware_config hw;
  evaluation eval;
  resources used;
  double max_utilisation = 0;  // of the platform
  bool fits = false;           // budget, platform and memory capacities
  std::string why_not;         // when !fits
  double score = 0;            // objective value, smaller is better
};

struct search_options {
  objective goal = objective::latency;
  std::uint64_t seed = 1;
  int iterations = 3000;             // annealing moves
  double exhaustive_limit = 20000;   // enumerate when the space is at most this big
  int steps = 1;                     // time steps the spike memories hold (resource model)
  resource_model_kind resources = resource_model_kind::specialised;
  std::string state_path;            // resumable cache of scored candidates ("" = none)
  std::function<void(std::size_t done, std::size_t total)> progress;
};

struct search_result {
  scored baseline;
  scored after_greedy;
  std::vector<scored> all_feasible;  // every distinct feasible candidate scored
  std::vector<scored> pareto;        // objective vs max utilisation vs energy
  std::vector<scored> ranked;        // feasible, best first
  bool any_infeasible = false;
  scored closest_infeasible;         // smallest max utilisation among the rejected
  std::string method;                // "exhaustive" or "annealing"
  std::size_t evaluated = 0;         // distinct candidates scored (cache hits excluded)
  std::size_t resumed = 0;           // taken from the state file
  double seconds = 0;
};

class searcher {
 public:
  searcher(const workload& w, const sc_models::hardware_config& base, const platform_info& platform,
           const search_space& space, const budget& limit, const search_options& opt);
  search_result run();
  // Scores one candidate (cached).
  const scored& score(const candidate& c);
  sc_models::hardware_config apply(const candidate& c) const;
  candidate from_hardware(const sc_models::hardware_config& hw) const;  // nearest candidate
  // Re-evaluates a scored candidate with per-step detail (for reports and plots).
  evaluation detail(const candidate& c);
  // Extra entries the caller keeps in the state file (e.g. TLM confirmations).
  nlohmann::json& extra_state() { return m_extra; }
  void save_state();

 private:
  void load_state();
  const workload& m_w;
  sc_models::hardware_config m_base;
  platform_info m_platform;
  search_space m_space;
  budget m_budget;
  search_options m_opt;
  evaluator m_eval;
  std::map<std::string, scored> m_cache;
  std::map<std::string, nlohmann::json> m_resumed;  // key -> saved numbers
  nlohmann::json m_extra = nlohmann::json::object();
  std::size_t m_evaluated = 0, m_resumed_hits = 0, m_since_save = 0;
};

// Non-dominated subset (minimising score, max_utilisation, energy), sorted by score.
std::vector<scored> pareto_front(const std::vector<scored>& all);

}  // namespace snncosim::explore
