// The speed benchmark of the TLM accelerator model (`snncosim bench simulate`, docs/benchmarks.md).
#include <sys/resource.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include <fmt/format.h>

#include "snncosim/common/config.h"
#include "snncosim/common/error.h"
#include "snncosim/common/machine.h"
#include "snncosim/explore/simulation.h"
#include "snncosim/numerics/integer_inference.h"
#include "snncosim/numerics/model_file.h"
#include "snncosim/numerics/trace_file.h"

namespace snncosim::explore {

namespace {

namespace nx = numerics;


float uniform(std::mt19937_64& rng) {
  return static_cast<float>(static_cast<double>(rng() >> 11) * 0x1.0p-53 * 2.0 - 1.0);
}

nx::quant_layer bench_layer(std::mt19937_64& rng, const std::string& name, nx::layer_kind kind, int in, int out,
                            int kernel, const simulate_bench_request& a) {
  const int taps = kind == nx::layer_kind::conv ? kernel * kernel : 1;
  const auto n = static_cast<std::size_t>(in) * static_cast<std::size_t>(out) * static_cast<std::size_t>(taps);
  // Scaled so that a few percent of the inputs drive a neuron over threshold.
  const auto scale = static_cast<float>(a.weight_gain / std::sqrt(static_cast<double>(in * taps)));
  std::vector<float> w(n);
  for (auto& v : w) v = (uniform(rng) + static_cast<float>(a.weight_offset)) * scale;
  std::vector<float> b(static_cast<std::size_t>(out), 0.0f);
  nx::float_neuron neuron;
  neuron.beta = 0.5;
  neuron.threshold = 1.0;
  return nx::make_neuron_layer(name, kind, out, kernel, 1, kind == nx::layer_kind::conv ? 1 : 0, w, b, neuron, {}, true);
}

nx::quant_layer mover(const std::string& name, nx::layer_kind kind, int k) {
  nx::quant_layer l;
  l.name = name;
  l.kind = kind;
  l.kernel = k;
  l.stride = k;
  return l;
}

// VGG9 at channel scale 0.25 as in the SNN-DSE DVS design (reference/snn-dse-architecture.md §1).
nx::quant_model vgg9_quarter(const simulate_bench_request& a) {
  std::mt19937_64 rng(a.seed);
  nx::quant_model m;
  m.input = {2, 64, 64};
  using k = nx::layer_kind;
  m.layers.push_back(bench_layer(rng, "conv1_1", k::conv, 2, 64, 3, a));
  m.layers.push_back(bench_layer(rng, "conv1_2", k::conv, 64, 28, 3, a));
  m.layers.push_back(mover("pool1", k::maxpool, 2));
  m.layers.push_back(bench_layer(rng, "conv2_1", k::conv, 28, 48, 3, a));
  m.layers.push_back(bench_layer(rng, "conv2_2", k::conv, 48, 54, 3, a));
  m.layers.push_back(mover("pool2", k::maxpool, 2));
  m.layers.push_back(bench_layer(rng, "conv3_1", k::conv, 54, 120, 3, a));
  m.layers.push_back(bench_layer(rng, "conv3_2", k::conv, 120, 126, 3, a));
  m.layers.push_back(bench_layer(rng, "conv3_3", k::conv, 126, 140, 3, a));
  m.layers.push_back(mover("pool3", k::maxpool, 4));
  m.layers.push_back(mover("flatten", k::flatten, 1));
  m.layers.push_back(bench_layer(rng, "fc1", k::linear, 140 * 16, 1064, 1, a));
  m.layers.push_back(bench_layer(rng, "fc2", k::linear, 1064, 1100, 1, a));
  m.num_classes = 11;
  m.population_per_class = 100;
  return m;
}

}  // namespace

simulate_bench_outcome simulate_bench(const simulate_bench_request& a) {
  if (a.samples < 1 || a.steps < 1 || !(a.density >= 0 && a.density <= 1))
    throw bad_input("bench simulate: --samples and --steps must be >= 1 and --density in [0, 1]");
  const nx::quant_model model = vgg9_quarter(a);
  const auto doc = config::load_text(fmt::format("schema: snncosim.hardware/1\nname: bench\nclock_mhz: 200\n"
                                                 "pipeline_mode: {}\nlayer_defaults: {{neuron_cores: {}}}\n",
                                                 a.mode, a.neuron_cores),
                                     "bench_hardware.yaml", {}, "hardware");
  const sc_models::hardware_config hw = sc_models::resolve_hardware(doc, model);
  std::mt19937_64 rng(a.seed + 1);
  const auto cut = static_cast<std::uint64_t>(a.density * 18446744073709551615.0);
  std::vector<sc_models::sample_input> inputs;
  for (int s = 0; s < a.samples; ++s) {
    sc_models::sample_input in;
    in.num_steps = a.steps;
    in.spikes.resize(static_cast<std::size_t>(model.input.size() * a.steps));
    for (auto& v : in.spikes) v = rng() < cut ? 1 : 0;
    inputs.push_back(std::move(in));
  }
  if (!a.write_files.empty()) {
    // The workload as files, for `snncosim simulate` (traces from the golden model).
    const std::filesystem::path dir = a.write_files;
    nx::write_model_file(dir / "vgg9_quarter.h5", model);
    std::vector<nx::trace_sample> samples;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      nx::trace_sample t;
      t.sample_index = static_cast<std::int64_t>(i);
      t.result = nx::run_integer_inference(model, inputs[i].spikes, inputs[i].num_steps);
      samples.push_back(std::move(t));
    }
    nx::write_trace_file(dir / "vgg9_quarter_traces.h5", {"integer", "vgg9_quarter.h5", "synthetic", "snncosim bench simulate"},
                         samples);
  }
  const double load_before = load_average();
  const sc_models::simulation_result res = sc_models::simulate(model, hw, inputs, {});
  const double load_after = load_average();
  std::vector<spike_check> checks;
  for (std::size_t i = 0; i < inputs.size(); ++i)
    checks.push_back(compare_spikes(res.samples[i].spikes,
                                    nx::run_integer_inference(model, inputs[i].spikes, inputs[i].num_steps),
                                    "integer inference"));
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const nlohmann::json full = simulation_json(res, checks, {}, {"vgg9_quarter (synthetic)", "random", "bench", ""});
  nlohmann::json j = {{"workload", {{"model", "VGG9 channel scale 0.25, input 2x64x64, random weights"},
                                    {"samples", a.samples}, {"steps", a.steps}, {"input_density", a.density},
                                    {"seed", a.seed}, {"neuron_cores", a.neuron_cores},
                                    {"weight_offset", a.weight_offset}, {"weight_gain", a.weight_gain}, {"pipeline_mode", a.mode}}},
                      {"synaptic_events_per_s", full["summary"]["synaptic_events_per_s"]},
                      {"simulated_cycles_per_s", full["summary"]["simulated_cycles_per_s"]},
                      {"synaptic_ops", res.synaptic_ops},
                      {"simulated_cycles", res.total_cycles},
                      {"wall_seconds", res.wall_seconds},
                      {"peak_rss_mib", static_cast<double>(ru.ru_maxrss) / 1024.0},
                      {"load_average_1min", {{"before", load_before}, {"after", load_after}}},
                      {"spikes_match", full["summary"]["spikes_match"]},
                      {"mean_latency_cycles", full["summary"]["mean_latency_cycles"]}};
  nlohmann::json layer_spikes = nlohmann::json::object();
  for (const auto& l : res.samples[0].layers) layer_spikes[l.name] = {{"in", l.input_spikes}, {"out", l.output_spikes}};
  j["sample0_spikes"] = layer_spikes;
  simulate_bench_outcome out;
  out.text = fmt::format("TLM simulate bench: {:.3g} synaptic events/s, {:.3g} simulated cycles/s, {:.2f} s, peak "
                             "{:.0f} MiB, spikes {}\n",
                             j["synaptic_events_per_s"].get<double>(), j["simulated_cycles_per_s"].get<double>(),
                             res.wall_seconds, j["peak_rss_mib"].get<double>(),
                             j["spikes_match"].get<bool>() ? "match" : "DIFFER");
  out.json = std::move(j);
  out.checks = std::move(checks);
  return out;
}


}  // namespace snncosim::explore
