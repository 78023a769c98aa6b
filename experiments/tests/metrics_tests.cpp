#include <doctest/doctest.h>

#include "snncosim/experiments/metrics.h"
#include "snncosim/experiments/report.h"

namespace ex = snncosim::experiments;
using nlohmann::json;

namespace {

// Stage outputs in the shape `train/export/simulate --json` print, with hand-picked numbers.
ex::metrics_inputs sample_inputs() {
  ex::metrics_inputs in;
  in.time_steps = 4;
  in.neurons = {{"conv1", 50}, {"fc1", 10}};
  in.train = json::parse(R"({"best_accuracy": 0.75, "best_epoch": 2,
    "epochs": [{"epoch": 0, "spikes_per_sample": 90, "firing_rates": {"conv1": 0.4, "fc1": 0.1}, "test_accuracy": 0.5},
               {"epoch": 1, "spikes_per_sample": 80, "firing_rates": {"conv1": 0.3, "fc1": 0.2}, "test_accuracy": 0.7}]})");
  in.exported = json::parse(R"({"float_accuracy": 0.7, "integer_accuracy": 0.65, "samples": 20,
    "layers": [{"name": "conv1", "integer_spikes_per_sample": 40, "float_spikes_per_sample": 41},
               {"name": "fc1", "integer_spikes_per_sample": 8, "float_spikes_per_sample": 8}]})");
  const json layer_a1 = {{"name", "conv1"}, {"cycles", 100}, {"synaptic_ops", 10}, {"input_spikes", 5},
                         {"output_spikes", 40}, {"phases", {{"compress", 10}, {"accumulate", 60}}},
                         {"memories", {{"weights", {{"reads", 7}, {"writes", 0}}}}}};
  json layer_a2 = layer_a1;
  layer_a2["cycles"] = 300;
  layer_a2["phases"]["accumulate"] = 100;
  layer_a2["memories"]["weights"]["reads"] = 9;
  const json fc = {{"name", "fc1"}, {"cycles", 50}, {"synaptic_ops", 2}, {"phases", {{"compress", 1}}},
                   {"memories", {{"membranes", {{"reads", 3}, {"writes", 2}}}}}};
  in.simulate = {{"clock_mhz", 100.0},
                 {"pipeline_mode", "layer_sequential"},
                 {"summary", {{"mean_latency_cycles", 250.0}, {"mean_latency_us", 2.5}, {"mean_energy_uj", 0.5},
                              {"spikes_match", true}, {"synaptic_ops", 24},
                              {"throughput", {{"samples_per_s", 400000.0}}}}},
                 {"samples", {{{"layers", {layer_a1, fc}}}, {{"layers", {layer_a2, fc}}}}}};
  return in;
}

}  // namespace

TEST_CASE("metrics: sparsity is the fraction of silent neuron-steps") {
  CHECK(ex::sparsity(40, 50, 4) == doctest::Approx(0.8));
  CHECK(ex::sparsity(0, 10, 3) == doctest::Approx(1.0));
  CHECK(ex::sparsity(500, 10, 3) == doctest::Approx(0.0));  // clamped
}

TEST_CASE("metrics: accuracies, last-epoch firing rates, per-layer spikes and sparsity") {
  const json m = ex::assemble_metrics(sample_inputs());
  CHECK(m["accuracy"]["float"].get<double>() == doctest::Approx(0.7));
  CHECK(m["accuracy"]["integer"].get<double>() == doctest::Approx(0.65));
  CHECK(m["accuracy"]["train_best"].get<double>() == doctest::Approx(0.75));
  CHECK(m["training"]["firing_rates"]["conv1"].get<double>() == doctest::Approx(0.3));
  CHECK(m["training"]["spikes_per_sample"].get<double>() == doctest::Approx(80));
  REQUIRE(m["layers"].size() == 2);
  CHECK(m["layers"][0]["name"] == "conv1");
  CHECK(m["layers"][0]["sparsity"].get<double>() == doctest::Approx(1 - 40.0 / 200));
  CHECK(m["layers"][1]["sparsity"].get<double>() == doctest::Approx(1 - 8.0 / 40));
  CHECK(m["spikes_per_sample"].get<double>() == doctest::Approx(48));
}

TEST_CASE("metrics: hardware figures are means over the simulated samples") {
  const json m = ex::assemble_metrics(sample_inputs());
  CHECK(m["simulated"] == true);
  CHECK(m["layers"][0]["cycles"].get<double>() == doctest::Approx(200));   // (100 + 300) / 2
  CHECK(m["layers"][0]["latency_us"].get<double>() == doctest::Approx(2.0));  // 200 cycles at 100 MHz
  CHECK(m["layers"][0]["phases"]["accumulate"].get<double>() == doctest::Approx(80));
  CHECK(m["layers"][0]["memory_reads"].get<double>() == doctest::Approx(8));
  CHECK(m["latency"]["phases"]["compress"].get<double>() == doctest::Approx(11));
  CHECK(m["latency"]["cycles"].get<double>() == doctest::Approx(250));
  CHECK(m["memory_traffic"]["reads_per_sample"].get<double>() == doctest::Approx(11));
  CHECK(m["memory_traffic"]["writes_per_sample"].get<double>() == doctest::Approx(2));
  CHECK(m["synaptic_ops_per_sample"].get<double>() == doctest::Approx(12));
  CHECK(m["energy_uj"].get<double>() == doctest::Approx(0.5));
  CHECK(m["throughput"]["samples_per_s"].get<double>() == doctest::Approx(400000));
}

TEST_CASE("metrics: without a simulation there are no hardware keys") {
  auto in = sample_inputs();
  in.simulate = nullptr;
  const json m = ex::assemble_metrics(in);
  CHECK(m["simulated"] == false);
  CHECK_FALSE(m.contains("latency"));
  CHECK(m["layers"].size() == 2);
}

TEST_CASE("metrics: flatten and max-pool layers are not neuron layers and are not counted") {
  // conv1 (50 neurons) -> pool2 -> flatten3 -> fc4 (10 neurons), T = 4. The pool and flatten
  // pass on conv1's spikes (pooled), so by hand the sample's spikes are conv1 + fc4 = 40 + 8.
  ex::metrics_inputs in;
  in.time_steps = 4;
  in.neurons = {{"conv1", 50}, {"pool2", 20}, {"flatten3", 20}, {"fc4", 10}};
  in.spike_moving_layers = {"pool2", "flatten3"};
  in.exported = json::parse(R"({"layers": [
    {"name": "conv1", "integer_spikes_per_sample": 40, "float_spikes_per_sample": 41},
    {"name": "pool2", "integer_spikes_per_sample": 12, "float_spikes_per_sample": 12},
    {"name": "flatten3", "integer_spikes_per_sample": 12, "float_spikes_per_sample": 12},
    {"name": "fc4", "integer_spikes_per_sample": 8, "float_spikes_per_sample": 8}]})");
  // A simulation that reports an entry for the pool too must not bring it back.
  in.simulate = {{"clock_mhz", 100.0},
                 {"summary", {{"mean_latency_cycles", 30.0}}},
                 {"samples", {{{"layers", {{{"name", "conv1"}, {"cycles", 20}, {"memories", {{"w", {{"reads", 4}}}}}},
                                           {{"name", "pool2"}, {"cycles", 5}, {"memories", {{"w", {{"reads", 100}}}}}},
                                           {{"name", "fc4"}, {"cycles", 10}, {"memories", {{"w", {{"reads", 1}}}}}}}}}}}};
  const json m = ex::assemble_metrics(in);
  REQUIRE(m["layers"].size() == 2);
  CHECK(m["layers"][0]["name"] == "conv1");
  CHECK(m["layers"][1]["name"] == "fc4");
  CHECK(m["spikes_per_sample"].get<double>() == doctest::Approx(48));
  CHECK(m["memory_traffic"]["reads_per_sample"].get<double>() == doctest::Approx(5));  // 4 + 1
  CHECK_FALSE(m["memory_traffic"]["by_memory"].contains("pool2.w"));
}

TEST_CASE("metrics: the report's sparsity and the co-design firing rate count each neuron layer once") {
  ex::metrics_inputs in;
  in.time_steps = 4;
  in.neurons = {{"conv1", 50}, {"flatten2", 50}, {"fc3", 10}};
  in.spike_moving_layers = {"flatten2"};
  in.exported = json::parse(R"({"layers": [{"name": "conv1", "integer_spikes_per_sample": 40},
    {"name": "flatten2", "integer_spikes_per_sample": 40}, {"name": "fc3", "integer_spikes_per_sample": 8}]})");
  ex::point_record p;
  p.metrics = ex::assemble_metrics(in);
  // By hand: (40 + 8) spikes over (50 + 10) neurons x 4 steps = 48 / 240 = 0.2 firing rate.
  CHECK(p.spikes_per_sample() == doctest::Approx(48));
  CHECK(1.0 - p.sparsity() == doctest::Approx(0.2));
}
