#include "snncosim/experiments/train_run.h"

#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "snncosim/common/atomic_file.h"
#include "snncosim/common/config.h"
#include "snncosim/common/error.h"
#include "snncosim/experiments/point_hash.h"
#include "snncosim/export/qat.h"
#include "snncosim/nn/benchmark.h"
#include "snncosim/nn/experiment.h"
#include "snncosim/nn/network.h"

namespace snncosim::experiments {

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
  std::istringstream in(canonical_text(root));
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

train_outcome train_experiment(const train_request& r) {
  const config::document doc = config::load(r.file, config::parse_overrides(r.sets), "experiment");
  const std::filesystem::path run_dir =
      !r.run_dir.empty() ? std::filesystem::path(r.run_dir)
                            : std::filesystem::path(doc.root()["output_dir"].as<std::string>()) /
                                  doc.root()["name"].as<std::string>();
  if (!r.fresh) check_resume(run_dir, doc);
  auto setup = nn::make_experiment(doc, run_dir);
  setup.training.resume = !r.fresh;
  setup.training.progress = r.progress;
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
  train_outcome out;
  {
    nlohmann::json& j = out.json;
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
  }
  if (!result.history.empty()) {
    out.text = fmt::format("best test accuracy {:.2f}% (epoch {}), run folder {}\n", 100 * result.best_accuracy,
                             result.best_epoch + 1, run_dir.string());
  }
  return out;
}

}  // namespace snncosim::experiments
