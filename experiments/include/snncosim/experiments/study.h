#pragma once
// Repeated runs of a sweep (a `seed` axis) grouped per configuration: the mean and 95 %
// Student-t interval of every metric, the per-seed values beside them, plots with error
// bars, and the paper's claims as computed comparisons (docs/experiments.md §5). Pure data
// and text; `snncosim report` writes the files.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "snncosim/experiments/report.h"
#include "snncosim/experiments/statistics.h"

namespace snncosim::experiments {

// Latency of a point on the best hardware `snncosim explore` found for it.
struct explored_latency {
  double cycles = 0, us = 0;
};

struct study_inputs {
  std::vector<point_record> points;
  std::map<std::string, explored_latency> explored;  // point id -> best hardware latency
  std::string budget;                                // explore's --budget ("" = whole platform)
  baseline_spec baseline;                            // the default configuration
};

// One configuration: every axis but the seed.
struct study_group {
  std::string name;  // e.g. "leaky/fast_sigmoid/25"
  std::string neuron_model, surrogate, rest;  // rest: the other axes and the dataset
  double slope = 0;
  std::vector<std::size_t> points;  // indices into study_inputs::points
  std::vector<long long> seeds;     // seed of each of those points
  // Mean integer accuracy at least a quarter of the way from chance (1 / the network's
  // classes) to 100 % (32.5 % for 10 classes, 62.5 % for 2). A network that
  // did not learn fires little or saturates, and its latency says nothing about the
  // surrogate or neuron model: such configurations are left out of the latency claims, the
  // selection and the predictor (and listed).
  bool learned = true;
  // Metric -> value of each point (NaN when a point lacks it); and their interval.
  std::map<std::string, std::vector<double>> values;
  std::map<std::string, interval> stats;
};

// Metric keys of every group: float_accuracy, integer_accuracy, latency_cycles, latency_us,
// energy_uj, spikes_per_sample, sparsity, explored_latency_cycles, explored_latency_us and
// per neuron layer "<layer>.firing_rate" and "<layer>.sparsity" (integer model).
std::vector<study_group> group_by_configuration(const study_inputs& in);
// The metric columns in table order (layers in network order).
std::vector<std::string> metric_keys(const std::vector<study_group>& groups);

std::string aggregate_csv(const std::vector<study_group>& groups);
nlohmann::json aggregate_json(const study_inputs& in, const std::vector<study_group>& groups);
std::vector<plot_job> study_plots(const std::vector<study_group>& groups);

// One of the paper's claims against our data.
struct claim_result {
  std::string id;       // e.g. "spike_rate_escape_latency"
  std::string title;    // what is compared
  std::string paper;    // the paper's figure
  std::string ours;     // our number with its interval and seeds, or why none
  std::string verdict;  // supports | contradicts | within noise | cannot be computed (+ a short reason)
  nlohmann::json detail;
};
std::vector<claim_result> evaluate_claims(const study_inputs& in, const std::vector<study_group>& groups);
nlohmann::json claims_json(const std::vector<claim_result>& claims);

// Markdown sections: per-configuration means and intervals, per-layer rates, the claims.
std::string study_markdown(const study_inputs& in, const std::vector<study_group>& groups,
                           const std::vector<claim_result>& claims, const std::vector<plot_job>& plots,
                           const std::vector<std::string>& made);

// "12.3 ± 1.4" (half width), or "12.3 (1 seed)" when there is no interval.
std::string mean_pm(const interval& v, double scale, int digits);

}  // namespace snncosim::experiments
