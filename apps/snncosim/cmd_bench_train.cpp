// `snncosim bench train --workload csnn|fc|vgg9 --threads N [--activity init|trained]`:
// training and inference throughput of the reference workloads.
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "command.h"
#include "snncosim/common/machine.h"
#include "snncosim/nn/benchmark.h"
#include "snncosim/common/json_text.h"

namespace snncosim::cli {

void add_bench_train_command(CLI::App& bench, global_options& global) {
  auto* cmd = bench.add_subcommand("train", "Training/inference samples per second of a reference workload");
  struct options {
    std::string workload = "csnn";
    int threads = 1;
    int iterations = 10;
    int warmup = 2;
    bool profile = false;
    std::string events = "auto";
    std::string activity = "init";
  };
  auto opt = std::make_shared<options>();
  cmd->add_option("--workload", opt->workload, "csnn, fc or vgg9 (docs/benchmarks.md)")
      ->check(CLI::IsMember({"csnn", "fc", "vgg9"}));
  cmd->add_option("--threads", opt->threads, "OpenMP threads for oneDNN")->check(CLI::Range(1, 256));
  cmd->add_option("--iterations", opt->iterations, "Timed mini-batches per phase")->check(CLI::Range(1, 100000));
  cmd->add_option("--warmup", opt->warmup, "Untimed mini-batches first")->check(CLI::Range(0, 1000));
  cmd->add_flag("--profile", opt->profile, "Also report wall time per layer of a training step and of an inference forward");
  cmd->add_option("--events", opt->events,
                  "Event-driven convolutions: auto (by input density), always or never (A/B comparisons)")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  cmd->add_option("--activity", opt->activity,
                  "init: weights as initialised; trained: weights scaled until every neuron layer fires at the "
                  "rate of a trained network")
      ->check(CLI::IsMember({"init", "trained"}));
  cmd->callback([&global, opt] {
    const auto w = nn::make_workload(opt->workload);
    const double load_before = load_average();
    nn::bench_options bo{opt->threads, opt->iterations, opt->warmup, 1, opt->profile};
    bo.events = opt->events == "always"  ? nn::event_mode::always
                : opt->events == "never" ? nn::event_mode::never
                                         : nn::event_mode::automatic;
    bo.trained_activity = opt->activity == "trained";
    const auto r = nn::run_benchmark(w, bo);
    const double load_after = load_average();
    if (global.json) {
      nlohmann::json j{{"workload", w.name},
                       {"threads", opt->threads},
                       {"batch", w.batch},
                       {"time_steps", w.time_steps},
                       {"input_density", w.input_density},
                       {"iterations", opt->iterations},
                       {"events", opt->events},
                       {"train_samples_per_s", r.train_samples_per_s},
                       {"infer_samples_per_s", r.infer_samples_per_s},
                       {"train_gflops", r.train_gflops},
                       {"infer_gflops", r.infer_gflops},
                       {"dense_gflop_per_sample_train", r.flops.train * 1e-9},
                       {"dense_gflop_per_sample_infer", r.flops.forward * 1e-9},
                       {"activity", opt->activity},
                       {"spikes_per_sample", r.spikes_per_sample},
                       {"kernel_isa", r.kernel_isa},
                       {"onednn_isa", r.onednn_isa},
                       {"load_average_before", load_before},
                       {"load_average_after", load_after}};
      nlohmann::json rates = nlohmann::json::array();
      for (const auto& l : r.rates) {
        nlohmann::json e{{"name", l.name}, {"train_rate", l.train_rate}, {"infer_rate", l.infer_rate}};
        if (l.target >= 0) e["target_rate"] = l.target, e["gain"] = l.gain;
        rates.push_back(e);
      }
      j["neuron_layers"] = rates;
      if (opt->profile) {
        nlohmann::json layers = nlohmann::json::array();
        for (std::size_t i = 0; i < r.layers.size(); ++i) {
          const auto& l = r.layers[i];
          layers.push_back({{"name", l.name}, {"kind", l.kind}, {"forward_ms", 1e3 * l.forward_s}, {"backward_ms", 1e3 * l.backward_s},
                            {"infer_forward_ms", 1e3 * r.infer_layers.at(i).forward_s}});
        }
        j["train_step_layers"] = layers;
      }
      std::cout << json_text(j) << "\n";
      return;
    }
    std::cout << fmt::format("workload {} (T={}, batch {}, {} activity), {} thread(s), load average {:.2f} -> {:.2f}\n",
                             w.name, w.time_steps, w.batch, opt->activity, opt->threads, load_before, load_after);
    std::cout << fmt::format("  instruction sets: event kernels {}, oneDNN {}\n", r.kernel_isa, r.onednn_isa);
    // No peer figures here: a ratio counts only when both sides ran in the same session
    // (scripts/bench-peers runs snnTorch alternately with this command).
    std::cout << fmt::format("  train {:9.1f} samples/s  {:6.1f} GFLOP/s dense\n", r.train_samples_per_s,
                             r.train_gflops);
    std::cout << fmt::format("  infer {:9.1f} samples/s  {:6.1f} GFLOP/s dense\n", r.infer_samples_per_s,
                             r.infer_gflops);
    for (const auto& l : r.rates)
      std::cout << fmt::format("  {:<12} firing rate train {:.3f} infer {:.3f}{}\n", l.name, l.train_rate,
                               l.infer_rate,
                               l.target >= 0 ? fmt::format("  (target {:.3f}, weight gain {:.3g})", l.target, l.gain)
                                             : std::string());
    for (std::size_t i = 0; i < r.layers.size(); ++i) {
      const auto& l = r.layers[i];
      std::cout << fmt::format("  {:<12} {:<12} fwd {:8.2f} ms  bwd {:8.2f} ms  infer {:8.2f} ms\n", l.name, l.kind,
                               1e3 * l.forward_s, 1e3 * l.backward_s, 1e3 * r.infer_layers.at(i).forward_s);
    }
  });
}

}  // namespace snncosim::cli
