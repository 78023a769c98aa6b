#pragma once
// Fast evaluator: the cycle recurrences of docs/hardware.md §3-4 replayed over a cached
// workload, event by event (every router packet), without SystemC. It reproduces the
// TLM's cycle counts exactly (tests/evaluator_vs_tlm_tests.cpp).
#include <cstdint>
#include <string>
#include <vector>

#include "snncosim/explore/workload.h"
#include "snncosim/sc_models/hardware_config.h"

namespace snncosim::explore {

struct step_timing {
  std::uint64_t begin = 0, end = 0;
  std::uint64_t compress = 0, accumulate = 0, activate = 0, stall = 0, idle = 0, buffer_wait = 0;
  std::uint64_t input_spikes = 0, output_spikes = 0;
};

struct layer_timing {
  std::uint64_t start = 0, end = 0, drain_end = 0;
  std::uint64_t compress = 0, accumulate = 0, activate = 0, stall = 0, idle = 0;
  std::uint64_t synaptic_ops = 0;
  std::uint64_t packets = 0;
  std::uint64_t weight_reads = 0, membrane_accesses = 0, spike_accesses = 0;
  std::vector<step_timing> steps;  // only with evaluate_options::detail
};

struct sample_timing {
  std::uint64_t latency_cycles = 0;  // last activation of the last layer written
  std::uint64_t period_cycles = 0;   // until every engine and router is done (next sample's start)
  double energy_pj = 0;
  std::vector<layer_timing> layers;
};

struct evaluation {
  double mean_latency_cycles = 0;
  double mean_period_cycles = 0;
  double mean_energy_uj = 0;
  double latency_us = 0;
  double samples_per_s = 0;  // clock / mean period (samples run back to back)
  // Mean per-layer busy span (end - start) over the samples: the layer balance.
  std::vector<double> layer_span_cycles;
  // Mean cycles the layer's cores are busy (accumulate + activate + stall): the balance
  // measure, since spans overlap in the pipelined mode.
  std::vector<double> layer_busy_cycles;
  std::vector<sample_timing> samples;  // only with evaluate_options::keep_samples
};

struct evaluate_options {
  bool detail = false;        // per-step records
  bool keep_samples = false;  // per-sample records
};

// Scores one configuration. `hw.layers` must match `w.engines`. Not thread-safe (scratch
// buffers are reused between calls).
class evaluator {
 public:
  explicit evaluator(const workload& w) : m_w(w) {}
  evaluation evaluate(const sc_models::hardware_config& hw, const evaluate_options& opt = {});
  sample_timing evaluate_sample(const sc_models::hardware_config& hw, std::size_t sample, bool detail);

 private:
  const workload& m_w;
  // Scratch of the per-pass packet ordering, reused between calls.
  std::vector<std::uint32_t> m_order;
  std::vector<std::uint32_t> m_bucket;
};

}  // namespace snncosim::explore
