#pragma once
// Results of a run or sweep as tables, plots (gnuplot scripts) and a Markdown/HTML report
// (docs/experiments.md §4). Pure text generation; the `report` command writes the files and
// runs gnuplot.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace snncosim::experiments {

struct point_record {
  std::string id;                               // folder name under points/ (or the run folder)
  std::string label;                            // "key=value, ..." of the sweep axes
  std::map<std::string, std::string> settings;  // axis key -> value
  std::string neuron_model;                     // network.neuron.model
  std::string surrogate;                        // network.neuron.surrogate.name
  double slope = 0;                             // surrogate slope (0 when it has none)
  std::string dataset;
  long long seed = -1;                          // experiment seed (-1: unknown)
  int num_classes = 0;                          // network.num_classes (0: unknown)
  nlohmann::json metrics;                       // metrics.json
  double accuracy() const;                      // integer (deployed) accuracy
  double float_accuracy() const;
  double latency_cycles() const;
  double latency_us() const;
  double energy_uj() const;
  double spikes_per_sample() const;
  double sparsity() const;                      // over all spiking layers
  std::vector<double> training_rates() const;   // per-layer firing rates at the end of training
};

struct baseline_spec {
  std::string neuron_model = "leaky";
  std::string surrogate = "fast_sigmoid";
  double slope = 25;
};

struct selection {
  std::vector<std::size_t> front;  // Pareto points, latency ascending
  long baseline = -1;              // index of the baseline point, -1 if none matched
  std::string baseline_note;
  nlohmann::json predictor;        // coefficients, held-out errors
};

selection select_points(const std::vector<point_record>& points, const baseline_spec& baseline);
std::string summary_csv(const std::vector<point_record>& points);
// Names of the neuron layers over all points, in first-seen order.
std::vector<std::string> layer_names(const std::vector<point_record>& points);
nlohmann::json points_json(const std::vector<point_record>& points, const selection& sel);

// One gnuplot plot: a data file and a script that writes `png` (paths relative to the
// report folder, where gnuplot runs).
struct plot_job {
  std::string name;  // e.g. "accuracy_vs_latency"
  std::string title;
  std::string data;  // content of <name>.dat
  std::string script;  // content of <name>.gp
};
std::vector<plot_job> plot_jobs(const std::vector<point_record>& points, const selection& sel);

// Report text; `plots` are the PNG files that were made (missing ones are left out).
std::string report_markdown(const std::string& title, const std::vector<point_record>& points, const selection& sel,
                            const std::vector<plot_job>& plots, const std::vector<std::string>& made);
// A self-contained HTML page from the Markdown subset report_markdown writes.
std::string markdown_to_html(const std::string& title, const std::string& markdown);

}  // namespace snncosim::experiments
