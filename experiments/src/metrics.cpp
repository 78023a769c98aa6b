#include "snncosim/experiments/metrics.h"

#include <algorithm>
#include <vector>

namespace snncosim::experiments {

using nlohmann::json;

std::string layer_name(const nlohmann::json& layer) {
  return layer.is_object() ? layer.value("name", std::string()) : std::string();
}

double sparsity(double spikes_per_sample, std::int64_t neurons, int time_steps) {
  const double slots = static_cast<double>(neurons) * std::max(1, time_steps);
  if (slots <= 0) return 0.0;
  return std::clamp(1.0 - spikes_per_sample / slots, 0.0, 1.0);
}

namespace {

double num(const json& j, const char* key, double fallback = 0.0) {
  return j.is_object() && j.contains(key) && j[key].is_number() ? j[key].get<double>() : fallback;
}

struct layer_sum {
  double cycles = 0, synaptic_ops = 0, reads = 0, writes = 0, input_spikes = 0, output_spikes = 0;
  std::map<std::string, double> phases;
  std::map<std::string, std::pair<double, double>> memories;  // reads, writes
};

}  // namespace

json assemble_metrics(const metrics_inputs& in) {
  json m;
  const int T = std::max(1, in.time_steps);
  m["time_steps"] = T;

  m["accuracy"] = {{"float", num(in.exported, "float_accuracy")},
                   {"integer", num(in.exported, "integer_accuracy")},
                   {"prediction_agreement", num(in.exported, "prediction_agreement")},
                   {"eval_samples", num(in.exported, "samples")},
                   {"train_best", num(in.train, "best_accuracy")},
                   {"train_best_epoch", num(in.train, "best_epoch")}};

  json training = json::object();
  if (in.train.contains("epochs") && in.train["epochs"].is_array() && !in.train["epochs"].empty()) {
    const json& last = in.train["epochs"].back();
    training["epochs"] = in.train["epochs"].size();
    training["spikes_per_sample"] = num(last, "spikes_per_sample");
    training["firing_rates"] = last.value("firing_rates", json::object());
    training["test_accuracy"] = num(last, "test_accuracy");
    training["train_loss"] = num(last, "train_loss");
  }
  m["training"] = training;

  // Per layer: spikes from the integer export over the compared test set, cycles and
  // traffic averaged over the simulated samples.
  std::vector<std::string> order;
  std::map<std::string, json> layers;
  if (in.exported.contains("layers"))
    for (const auto& l : in.exported["layers"]) {
      const std::string name = l.value("name", "");
      if (in.spike_moving_layers.count(name)) continue;
      order.push_back(name);
      const double spikes = num(l, "integer_spikes_per_sample");
      json e = {{"name", name},
                {"spikes_per_sample", spikes},
                {"float_spikes_per_sample", num(l, "float_spikes_per_sample")}};
      if (auto it = in.neurons.find(name); it != in.neurons.end()) {
        e["neurons"] = it->second;
        e["sparsity"] = sparsity(spikes, it->second, T);
      }
      layers[name] = e;
    }

  const bool simulated = in.simulate.is_object() && in.simulate.contains("summary");
  m["simulated"] = simulated;
  if (simulated) {
    const json& s = in.simulate["summary"];
    const double mhz = num(in.simulate, "clock_mhz", 1.0);
    const json& samples = in.simulate["samples"];
    const double n = std::max<double>(1.0, static_cast<double>(samples.size()));
    std::map<std::string, layer_sum> sums;
    std::vector<std::string> engine_order;
    for (const auto& smp : samples)
      for (const auto& l : smp["layers"]) {
        const std::string name = l.value("name", "");
        if (!sums.count(name)) engine_order.push_back(name);
        layer_sum& ls = sums[name];
        ls.cycles += num(l, "cycles");
        ls.synaptic_ops += num(l, "synaptic_ops");
        ls.input_spikes += num(l, "input_spikes");
        ls.output_spikes += num(l, "output_spikes");
        // Named copies: a range-for over items() of a temporary would outlive the temporary.
        const json phases = l.value("phases", json::object());
        const json memories = l.value("memories", json::object());
        for (const auto& [ph, v] : phases.items()) ls.phases[ph] += v.get<double>();
        for (const auto& [mem, v] : memories.items()) {
          ls.memories[mem].first += num(v, "reads");
          ls.memories[mem].second += num(v, "writes");
          ls.reads += num(v, "reads");
          ls.writes += num(v, "writes");
        }
      }
    json total_phases = json::object();
    json by_memory = json::object();
    double reads = 0, writes = 0;
    for (const auto& name : engine_order) {
      if (in.spike_moving_layers.count(name)) continue;
      const layer_sum& ls = sums[name];
      if (!layers.count(name)) {
        order.push_back(name);
        layers[name] = {{"name", name}};
      }
      json& e = layers[name];
      e["cycles"] = ls.cycles / n;
      e["latency_us"] = ls.cycles / n / mhz;
      e["synaptic_ops"] = ls.synaptic_ops / n;
      e["hw_input_spikes_per_sample"] = ls.input_spikes / n;
      e["hw_output_spikes_per_sample"] = ls.output_spikes / n;
      json ph = json::object();
      for (const auto& [k, v] : ls.phases) {
        ph[k] = v / n;
        total_phases[k] = total_phases.value(k, 0.0) + v / n;
      }
      e["phases"] = ph;
      e["memory_reads"] = ls.reads / n;
      e["memory_writes"] = ls.writes / n;
      for (const auto& [mem, rw] : ls.memories)
        by_memory[name + "." + mem] = {{"reads", rw.first / n}, {"writes", rw.second / n}};
      reads += ls.reads / n;
      writes += ls.writes / n;
    }
    m["latency"] = {{"cycles", num(s, "mean_latency_cycles")},
                    {"us", num(s, "mean_latency_us")},
                    {"phases", total_phases},
                    {"pipeline_mode", in.simulate.value("pipeline_mode", "")},
                    {"clock_mhz", mhz}};
    m["throughput"] = s.value("throughput", json::object());
    m["memory_traffic"] = {{"reads_per_sample", reads}, {"writes_per_sample", writes}, {"by_memory", by_memory}};
    m["energy_uj"] = num(s, "mean_energy_uj");
    m["synaptic_ops_per_sample"] = num(s, "synaptic_ops") / n;
    m["spikes_match"] = s.value("spikes_match", false);
    m["simulated_samples"] = samples.size();
  }
  json arr = json::array();
  for (const auto& name : order) arr.push_back(layers[name]);
  m["layers"] = arr;
  double total_spikes = 0;
  for (const auto& l : arr) total_spikes += num(l, "spikes_per_sample");
  m["spikes_per_sample"] = total_spikes;
  if (in.cosim.is_object()) m["cosim"] = in.cosim;
  return m;
}

}  // namespace snncosim::experiments
