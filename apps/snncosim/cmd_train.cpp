// `snncosim train EXPERIMENT.yaml`: BPTT training of the experiment's network on its data.
// The run folder <output_dir>/<name>/ holds checkpoint.bin (after every epoch), best.bin,
// metrics.json and config.resolved.yaml; running the same command again resumes.
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "command.h"
#include "snncosim/common/atomic_file.h"
#include "snncosim/common/config.h"
#include "snncosim/experiments/point_hash.h"
#include "snncosim/export/qat.h"
#include "snncosim/nn/benchmark.h"
#include "snncosim/nn/experiment.h"
#include "snncosim/nn/network.h"
#include "json_text.h"

namespace snncosim::cli {

namespace {

// Keys that do not change what training computes: names and places, what `run` does after
// training, the hardware it is simulated on, and threads.
bool result_free(const std::string& key) {
  for (const char* p : {"name", "output_dir", "sweep", "run", "hardware", "platform", "training.threads"}) {
    const std::string prefix = p;
    if (key == prefix || key.rfind(prefix + ".", 0) == 0) return true;
  }
  return false;
}

// key -> value of every leaf of a tree (the lines of its canonical text).
std::map<std::string, std::string> leaves(const YAML::Node& root) {
  std::map<std::string, std::string> out;
  std::istringstream in(experiments::canonical_text(root));
  for (std::string line; std::getline(in, line);) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

// Resuming continues the checkpoint's training, so the configuration it was trained with
// must be the one asked for now, except for more epochs (and the keys above). Quantization
// matters only to quantization-aware training.
void check_resume(const std::filesystem::path& run_dir, const config::document& doc) {
  const auto recorded_file = run_dir / "config.resolved.yaml";
  std::error_code ec;
  if (!std::filesystem::exists(run_dir / "checkpoint.bin", ec) || !std::filesystem::exists(recorded_file, ec)) return;
  const YAML::Node recorded = config::parse_yaml(read_file(recorded_file), recorded_file.string());
  auto before = leaves(recorded);
  auto now = leaves(doc.root());
  const bool qat = before["quantization.qat"] == "true" || now["quantization.qat"] == "true";
  std::vector<std::string> differences;
  std::set<std::string> keys;
  for (const auto& [k, v] : before) keys.insert(k);
  for (const auto& [k, v] : now) keys.insert(k);
  for (const auto& k : keys) {
    if (result_free(k) || (!qat && k.rfind("quantization.", 0) == 0)) continue;
    const auto b = before.find(k), n = now.find(k);
    const std::string was = b == before.end() ? "(absent)" : b->second;
    const std::string is = n == now.end() ? "(absent)" : n->second;
    if (was == is) continue;
    if (k == "training.epochs") {
      try {
        if (std::stoll(is) >= std::stoll(was)) continue;  // more epochs: continue training
      } catch (const std::exception&) {
      }
    }
    differences.push_back(fmt::format("{} {} -> {}", k, was, is));
  }
  if (differences.empty()) return;
  const std::size_t shown = std::min<std::size_t>(differences.size(), 6);
  std::string list;
  for (std::size_t i = 0; i < shown; ++i) list += (i ? ", " : "") + differences[i];
  if (shown < differences.size()) list += fmt::format(" and {} more", differences.size() - shown);
  throw bad_input(fmt::format("{}: the checkpoint in this run folder was trained with another configuration ({}); "
                              "use --fresh to start again there or --run-dir for a new folder",
                              recorded_file.string(), list));
}

}  // namespace

void add_train_command(CLI::App& root, global_options& global) {
  auto* cmd = root.add_subcommand("train", "Train the experiment's spiking network with BPTT (resumes an interrupted run)");
  struct options {
    std::string file;
    std::vector<std::string> sets;
    std::string run_dir;
    bool fresh = false;
  };
  auto opt = std::make_shared<options>();
  cmd->add_option("experiment", opt->file, "Experiment YAML (schema snncosim.experiment/1)")->required();
  cmd->add_option("--set", opt->sets, "Override a key by dotted path, e.g. --set training.epochs=5");
  cmd->add_option("--run-dir", opt->run_dir, "Run folder (default: <output_dir>/<name>)");
  cmd->add_flag("--fresh", opt->fresh, "Ignore an existing checkpoint and start from epoch 0");
  cmd->callback([&global, opt] {
    std::vector<config::override_entry> overrides;
    for (const auto& s : opt->sets) overrides.push_back(config::parse_override(s));
    const config::document doc = config::load(opt->file, overrides, "experiment");
    const std::filesystem::path run_dir =
        !opt->run_dir.empty() ? std::filesystem::path(opt->run_dir)
                              : std::filesystem::path(doc.root()["output_dir"].as<std::string>()) /
                                    doc.root()["name"].as<std::string>();
    if (!opt->fresh) check_resume(run_dir, doc);
    auto setup = nn::make_experiment(doc, run_dir);
    setup.training.resume = !opt->fresh;
    setup.training.progress = !global.json;
    nn::set_threads(setup.threads);
    write_file_atomic(run_dir / "config.resolved.yaml", doc.resolved_yaml());

    nn::network net(setup.network, setup.training.seed);
    net.configure(setup.time_steps, setup.training.batch_size);
    spdlog::info("{}: {} ({} parameters), {} train / {} test samples, T={}, batch {}, {} thread(s), run folder {}",
                 setup.name, setup.network.name, net.parameter_count(), setup.train->size(), setup.test->size(),
                 setup.time_steps, setup.training.batch_size, setup.threads, run_dir.string());
    // quantization.qat: fake-quantized weights in every step (docs/export.md); null when off.
    const auto qat = export_::enable_qat(doc, net, setup.training);
    nn::trainer tr(net, setup.training);
    const auto result = tr.fit(*setup.train, setup.test.get(), [&](const nn::epoch_metrics& m) {
      spdlog::info("epoch {}/{}: lr {:.3g} loss {:.4f} acc {:.2f}% | test loss {:.4f} acc {:.2f}% | {:.0f} spikes/sample | {:.1f} samples/s",
                   m.epoch + 1, setup.training.epochs, m.lr, m.train_loss, 100 * m.train_accuracy, m.test_loss,
                   100 * m.test_accuracy, m.spikes_per_sample, m.train_samples_per_s);
      std::string rates;
      for (const auto& l : m.layers) rates += fmt::format(" {}={:.4f}", l.name, l.firing_rate);
      spdlog::info("  firing rates (spikes/neuron/step):{}", rates);
    });
    if (result.start_epoch >= setup.training.epochs)
      spdlog::info("nothing to do: the checkpoint already has {} epochs (use --fresh to restart)", result.start_epoch);
    if (global.json) {
      nlohmann::json j;
      j["run_dir"] = run_dir.string();
      j["resumed_from_epoch"] = result.start_epoch;
      j["best_epoch"] = result.best_epoch;
      j["best_accuracy"] = result.best_accuracy;
      nlohmann::json epochs = nlohmann::json::array();
      for (const auto& m : result.history) {
        nlohmann::json layers = nlohmann::json::object();
        for (const auto& l : m.layers) layers[l.name] = l.firing_rate;
        epochs.push_back({{"epoch", m.epoch}, {"train_loss", m.train_loss}, {"train_accuracy", m.train_accuracy},
                          {"test_loss", m.test_loss}, {"test_accuracy", m.test_accuracy},
                          {"spikes_per_sample", m.spikes_per_sample}, {"firing_rates", layers}});
      }
      j["epochs"] = epochs;
      std::cout << json_text(j) << "\n";
    } else if (!result.history.empty()) {
      std::cout << fmt::format("best test accuracy {:.2f}% (epoch {}), run folder {}\n", 100 * result.best_accuracy,
                               result.best_epoch + 1, run_dir.string());
    }
  });
}

}  // namespace snncosim::cli
