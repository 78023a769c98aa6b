#pragma once
// The co-design view of `snncosim explore SWEEP.yaml` (docs/explore.md §7): one row per
// trained point of a sweep (its hyperparameters, accuracy and the best hardware the search
// found for it), the joint Pareto front over (accuracy, objective, max utilisation) of all
// feasible (point, configuration) pairs, and the jointly best pairs. Pure data and text;
// the command runs the searches and writes the files.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "snncosim/experiments/report.h"

namespace snncosim::experiments {

// One feasible (point, hardware configuration) pair.
struct codesign_pair {
  std::string point;  // point id
  std::string key;    // configuration key (explore's candidate key)
  std::string config;  // the configuration in words (mode; per layer cores, penc, memories, FIFO)
  double accuracy = 0;  // integer accuracy of the point, maximised
  double score = 0;     // objective value (latency cycles, sample period or energy), minimised
  double latency_cycles = 0;
  double energy_uj = 0;
  double max_utilisation = 0;  // minimised
};

// True when `a` is at least as good as `b` in accuracy, score and max utilisation and
// strictly better in one.
bool dominates(const codesign_pair& a, const codesign_pair& b);

// Indices of the non-dominated pairs, sorted by score (then accuracy descending). Pairs
// with identical numbers are all kept. Cost: a sort per point, then quadratic in the
// points' own fronts only.
std::vector<std::size_t> joint_pareto(const std::vector<codesign_pair>& pairs);

// The codesign document: `rows` as given (one per point, built by the command), the joint
// front and the jointly best pairs ("accuracy", "objective", "utilisation").
nlohmann::json codesign_document(const nlohmann::json& header, const nlohmann::json& rows,
                                 const std::vector<codesign_pair>& pairs);

std::string codesign_csv(const nlohmann::json& doc);
// Markdown section (tables of rows, jointly best and the joint front); `heading` is the
// Markdown heading prefix ("#" or "##").
std::string codesign_markdown(const nlohmann::json& doc, const std::string& heading);
// Best latency per point vs accuracy, the start hardware's latency beside it.
plot_job codesign_plot(const nlohmann::json& doc);

}  // namespace snncosim::experiments
