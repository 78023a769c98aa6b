#pragma once
// metrics.json of a run, assembled from the JSON the stages print (`train --json`,
// `export --json`, `simulate --json`, `cosim --json`). Pure: no files, no processes.
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

namespace snncosim::experiments {

struct metrics_inputs {
  nlohmann::json train;     // `snncosim --json train`
  nlohmann::json exported;  // `snncosim --json export`
  nlohmann::json simulate;  // `snncosim --json simulate`; null when not simulated
  nlohmann::json cosim;     // `snncosim --json cosim`; null when not run
  std::map<std::string, std::int64_t> neurons;  // neurons per time step of each model layer
  // Flatten and max-pool layers: they only pass on (a subset of) the spikes of the neuron
  // layer before them, so they are left out of layers[] and of every sum over layers.
  std::set<std::string> spike_moving_layers;
  int time_steps = 1;
};

// Keys (docs/experiments.md): accuracy.{float,integer,train_best}, training.{firing_rates,
// spikes_per_sample}, layers[] (neuron layers only) {name, neurons, spikes_per_sample, float_spikes_per_sample,
// sparsity, cycles, latency_us, phases, synaptic_ops, memory_reads, memory_writes},
// latency.{cycles, us, phases}, throughput, memory_traffic, energy_uj, spikes_match.
nlohmann::json assemble_metrics(const metrics_inputs& in);

// The "name" of a layer entry ("" when absent). Out of line: inlined into the report code,
// nlohmann's accessors trip GCC 12's -Wnull-dereference.
std::string layer_name(const nlohmann::json& layer);

// Sparsity of a layer: the fraction of (neuron, step) pairs without a spike.
double sparsity(double spikes_per_sample, std::int64_t neurons, int time_steps);

}  // namespace snncosim::experiments
