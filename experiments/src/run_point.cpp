#include "snncosim/experiments/run_point.h"

#include <chrono>
#include <ctime>
#include <fstream>
#include <memory>
#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include "snncosim/common/atomic_file.h"
#include "snncosim/common/config.h"
#include "snncosim/common/error.h"
#include "snncosim/common/progress.h"
#include "snncosim/experiments/child_process.h"
#include "snncosim/experiments/metrics.h"
#include "snncosim/experiments/point_hash.h"
#include "snncosim/experiments/point_lock.h"
#include "snncosim/nn/experiment.h"
#include "snncosim/numerics/model_file.h"
#include "snncosim/experiments/experiment_checks.h"
#include "snncosim/common/json_text.h"

namespace snncosim::experiments {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Files of a run folder that depend on the configuration; removed when it changes.
const char* const stage_files[] = {"metrics.json", "train.json", "export.json", "simulate.json", "cosim.json",
                                   "train",        "model.h5",   "traces.h5",   "manifest.json"};

std::string yaml_text(const YAML::Node& node) {
  YAML::Emitter e;
  e << node;
  return std::string(e.c_str()) + "\n";
}

// A referenced document inlined into the experiment, as a stand-alone file for a stage
// that takes it by path (simulate --hardware/--platform).
std::string standalone(const YAML::Node& node, const std::string& kind) {
  YAML::Node copy = YAML::Clone(node);
  if (!copy["schema"]) copy["schema"] = fmt::format("snncosim.{}/{}", kind, config::schema_version(kind));
  return yaml_text(copy);
}

struct stage {
  std::string name;                // train, export, simulate, cosim
  std::vector<std::string> args;   // after the executable
};

// Runs a stage unless its JSON exists; the JSON is renamed into place only on success, so a
// kill leaves no half-written stage result. Returns the parsed JSON.
json run_stage(const fs::path& dir, const stage& s, bool tolerate_failure = false) {
  const fs::path out = dir / (s.name + ".json");
  if (fs::exists(out)) {
    spdlog::info("run: {} already done ({})", s.name, out.string());
    return json::parse(read_file(out));
  }
  fs::create_directories(dir / "logs");
  // stdout of the stage goes to the log folder and becomes <stage>.json only on success.
  const fs::path part = dir / "logs" / (s.name + ".stdout");
  const fs::path log = dir / "logs" / (s.name + ".log");
  std::vector<std::string> argv = {self_executable().string(), "--json"};
  argv.insert(argv.end(), s.args.begin(), s.args.end());
  spdlog::info("run: {}", s.name);
  spdlog::debug("run: {}", fmt::join(argv, " "));
  const auto t0 = std::chrono::steady_clock::now();
  const child_exit e = run_child(argv, part, log);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!e.ok()) {
    std::string msg = last_error_line(log);
    if (msg.empty()) msg = e.signal ? fmt::format("killed by signal {}", e.signal) : "no error message";
    if (tolerate_failure) {
      json partial = json::object();
      try {
        partial = json::parse(read_file(part));
      } catch (const std::exception&) {
      }
      fs::remove(part);
      return {{"ok", false}, {"error", msg}, {"log", log.string()}, {"output", partial}, {"seconds", secs}};
    }
    fs::remove(part);
    if (e.exit_code == exit_bad_input) throw bad_input(msg);
    throw std::runtime_error(fmt::format("{} stage failed (exit {}, log {}): {}", s.name, e.exit_code, log.string(), msg));
  }
  json j = json::parse(read_file(part));
  j["stage_seconds"] = secs;
  write_file_atomic(out, json_text(j) + "\n");
  fs::remove(part);
  return j;
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

std::unique_ptr<point_lock> take_point_lock(const fs::path& dir) {
  auto lock = std::make_unique<point_lock>(dir);
  if (!lock->locked()) {
    // Another process (a second sweep, a stray run) has this point: wait for it, then
    // reuse what it finished.
    spdlog::info("run: {}: another process is running this point; waiting for it", dir.string());
    if (!lock->wait()) throw std::runtime_error(fmt::format("{}: cannot lock {}", dir.string(), (dir / ".lock").string()));
  }
  return lock;
}

point_state prepare_point_folder(const fs::path& dir, const std::string& hash, bool force) {
  // Same configuration done before: reuse. Another configuration: start the folder afresh.
  const fs::path hash_file = dir / "config.hash";
  const bool same_config = fs::exists(hash_file) && read_file(hash_file) == hash + "\n";
  if (!same_config || force) {
    for (const char* f : stage_files) fs::remove_all(dir / f);
    return point_state::fresh;
  }
  return fs::exists(dir / "metrics.json") ? point_state::reuse : point_state::resume;
}

namespace {

run_outcome run_in_folder(const run_options& opt, const config::document& doc, const fs::path& folder) {
  const YAML::Node& root = doc.root();
  run_outcome r;
  r.dir = folder;
  const std::string hash = point_hash(root);

  const std::unique_ptr<point_lock> lock = take_point_lock(r.dir);
  if (prepare_point_folder(r.dir, hash, opt.force) == point_state::reuse) {
    r.reused = true;
    r.metrics = json::parse(read_file(r.dir / "metrics.json"));
    spdlog::info("run: {} holds the results of this configuration (hash {}); reusing them (--force runs again)",
                 r.dir.string(), hash);
    return r;
  }

  YAML::Node resolved = YAML::Clone(root);
  resolved.remove("sweep");
  const fs::path cfg = r.dir / "config.resolved.yaml";
  write_file_atomic(cfg, "# Resolved by `snncosim run` from " + opt.experiment + "\n" + yaml_text(resolved));
  write_file_atomic(r.dir / "config.hash", hash + "\n");

  std::vector<std::string> command = {"snncosim", "run", opt.experiment};
  for (const auto& s : opt.sets) {
    command.push_back("--set");
    command.push_back(s);
  }
  if (!opt.out.empty()) {
    command.push_back("--out");
    command.push_back(opt.out);
  }
  json manifest = {{"config_hash", hash},
                   {"experiment", opt.experiment},
                   {"overrides", opt.sets},
                   {"seed", root["seed"].as<std::uint64_t>()},
                   {"command", command},
                   {"started_utc", utc_now()},
                   {"versions", opt.versions}};
  write_file_atomic(r.dir / "manifest.json", json_text(manifest) + "\n");
  {
    // One line per execution (not per reuse): tests check that a sweep ran each point once.
    std::ofstream history(r.dir / "history.log", std::ios::app);
    history << utc_now() << " pid " << ::getpid() << " hash " << hash << "\n";
  }

  const std::string dir = r.dir.string();
  const int trace_samples = root["run"]["trace_samples"].as<int>();
  const int eval_samples = root["run"]["eval_samples"].as<int>();
  const bool can_simulate = root["run"]["simulate"].as<bool>() && root["hardware"] && root["platform"];
  const int cosim_samples = root["run"]["cosim_samples"].as<int>();

  progress_bar bar(fmt::format("run {}", root["name"].as<std::string>()), 4, "stages");
  bar.set_postfix("train");
  metrics_inputs in;
  in.time_steps = root["dataset"]["time_steps"].as<int>();
  // The trainer's own folder (checkpoints, its per-epoch metrics.json) is train/, so its
  // files never look like this run's results.
  const fs::path train_dir = r.dir / "train";
  // Stages load the user's file with the same overrides (the same configuration as
  // config.resolved.yaml), so their error messages name the user's file and line.
  std::vector<std::string> source = {opt.experiment};
  for (const auto& s : opt.sets) source.insert(source.end(), {"--set", s});
  std::vector<std::string> train_args = {"train"};
  train_args.insert(train_args.end(), source.begin(), source.end());
  train_args.insert(train_args.end(), {"--run-dir", train_dir.string()});
  in.train = run_stage(r.dir, {"train", train_args});
  bar.advance();
  bar.set_postfix("export");
  const fs::path checkpoint = fs::exists(train_dir / "best.bin") ? train_dir / "best.bin" : train_dir / "checkpoint.bin";
  std::vector<std::string> export_args = {"export"};
  export_args.insert(export_args.end(), source.begin(), source.end());
  export_args.insert(export_args.end(), {"--checkpoint", checkpoint.string(), "--model", dir + "/model.h5", "--traces",
                                         dir + "/traces.h5", "--samples", std::to_string(trace_samples),
                                         "--eval-samples", std::to_string(eval_samples)});
  in.exported = run_stage(r.dir, {"export", export_args});
  bar.advance();

  // Neurons per step of each layer, for sparsity; which layers have no neurons of their own.
  const numerics::quant_model model = numerics::read_model_file(r.dir / "model.h5");
  const auto shapes = numerics::validate(model, (r.dir / "model.h5").string());
  for (std::size_t i = 0; i < model.layers.size() && i < shapes.size(); ++i) {
    in.neurons[model.layers[i].name] = static_cast<std::int64_t>(shapes[i].size());
    if (!model.layers[i].is_neuron_layer()) in.spike_moving_layers.insert(model.layers[i].name);
  }

  json cosim_status = {{"available", false}};
  if (can_simulate) {
    bar.set_postfix("simulate");
    write_file_atomic(r.dir / "hardware.yaml", standalone(resolved["hardware"], "hardware"));
    write_file_atomic(r.dir / "platform.yaml", standalone(resolved["platform"], "platform"));
    const std::vector<std::string> files = {"--model",    dir + "/model.h5",      "--traces",   dir + "/traces.h5",
                                            "--hardware", dir + "/hardware.yaml", "--platform", dir + "/platform.yaml"};
    std::vector<std::string> sim = {"simulate"};
    sim.insert(sim.end(), files.begin(), files.end());
    in.simulate = run_stage(r.dir, {"simulate", sim});
    bar.advance();
    if (cosim_samples > 0 && opt.cosim_available) {
      bar.set_postfix("cosim");
      std::vector<std::string> co = {"cosim"};
      co.insert(co.end(), files.begin(), files.end());
      co.insert(co.end(), {"--samples", std::to_string(cosim_samples)});
      in.cosim = run_stage(r.dir, {"cosim", co}, true);
      // Success means exit 0, which `cosim` gives only without TLM/RTL mismatches.
      cosim_status = {{"available", true}, {"samples", cosim_samples}, {"ok", in.cosim.value("ok", true)}};
      if (in.cosim.contains("events_compared")) cosim_status["events_compared"] = in.cosim["events_compared"];
      if (in.cosim.contains("error")) cosim_status["error"] = in.cosim["error"];
    } else {
      cosim_status["note"] = cosim_samples > 0 ? "this build has no `snncosim cosim` command; not co-simulated"
                                               : "run.cosim_samples is 0";
    }
    bar.advance();
  } else {
    cosim_status["note"] = "not simulated";
    spdlog::info("run: no simulation (run.simulate is false or the experiment has no hardware/platform)");
    bar.advance(2);
  }
  bar.finish();

  r.metrics = assemble_metrics(in);
  r.metrics["cosim_status"] = cosim_status;
  r.metrics["config_hash"] = hash;
  r.metrics["name"] = root["name"].as<std::string>();
  r.metrics["finished_utc"] = utc_now();
  write_file_atomic(r.dir / "metrics.json", json_text(r.metrics) + "\n");
  return r;
}

}  // namespace

run_outcome run_point(const run_options& opt) {
  const config::document doc = config::load(opt.experiment, config::parse_overrides(opt.sets), "experiment");
  const YAML::Node& root = doc.root();
  const fs::path dir = !opt.out.empty() ? fs::path(opt.out)
                                        : fs::path(root["output_dir"].as<std::string>()) / root["name"].as<std::string>();
  // What the train stage would refuse (data, network, loss, batch size) is refused here,
  // before a run folder exists.
  nn::check_experiment(doc);
  for (const auto& w : hardware_warnings(doc)) spdlog::warn("{}", w);
  std::error_code ec;
  const bool existed = fs::exists(dir, ec);
  try {
    return run_in_folder(opt, doc, dir);
  } catch (const bad_input&) {
    // Bad input leaves nothing behind: a folder this invocation made goes, unless a stage
    // finished in it (a trained network is worth keeping for a fixed hardware file); an
    // existing one (a sweep's point folder, earlier results) is left alone.
    if (!existed && !fs::exists(dir / "train.json", ec)) fs::remove_all(dir, ec);
    throw;
  }
}

std::string run_summary_text(const run_outcome& r) {
  const json& m = r.metrics;
  std::string out = fmt::format("{}{}\n", r.dir.string(), r.reused ? " (reused: same configuration)" : "");
  out += fmt::format("  accuracy: float {:.2f}%, integer {:.2f}% ({} test samples)\n",
                     100 * m["accuracy"].value("float", 0.0), 100 * m["accuracy"].value("integer", 0.0),
                     m["accuracy"].value("eval_samples", 0.0));
  for (const auto& l : m["layers"])
    out += fmt::format("  {:<10} {:>10.1f} spikes/sample  sparsity {:6.2f}%  {}\n", l.value("name", ""),
                       l.value("spikes_per_sample", 0.0), 100 * l.value("sparsity", 0.0),
                       l.contains("cycles") ? fmt::format("{:>10.0f} cycles", l["cycles"].get<double>()) : std::string());
  if (m.value("simulated", false))
    out += fmt::format("  latency {:.0f} cycles ({:.1f} us), {:.1f} samples/s, {:.2f} uJ/sample, spikes match: {}\n",
                       m["latency"].value("cycles", 0.0), m["latency"].value("us", 0.0),
                       m["throughput"].value("samples_per_s", 0.0), m.value("energy_uj", 0.0),
                       m.value("spikes_match", false) ? "yes" : "NO");
  out += fmt::format("  cosim: {}\n", m["cosim_status"].value("available", false)
                                          ? (m["cosim_status"].value("ok", false) ? "ok" : "failed")
                                          : m["cosim_status"].value("note", "no"));
  return out;
}

}  // namespace snncosim::experiments
