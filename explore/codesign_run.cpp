// The three forms of `snncosim explore` (docs/explore.md): one model directly; an experiment's
// run folder (trained by `snncosim run` first when it is missing); and the co-design view, the
// same search for every trained point of a sweep, resumable per point, written as codesign.*.
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include "snncosim/common/atomic_file.h"
#include "snncosim/common/config.h"
#include "snncosim/common/error.h"
#include "snncosim/common/json_text.h"
#include "snncosim/common/progress.h"
#include "snncosim/experiments/child_process.h"
#include "snncosim/experiments/codesign.h"
#include "snncosim/experiments/gnuplot.h"
#include "snncosim/experiments/point_hash.h"
#include "snncosim/experiments/results.h"
#include "snncosim/experiments/sweep_grid.h"
#include "snncosim/explore/explore_run.h"

namespace snncosim::explore {

namespace fs = std::filesystem;
using nlohmann::json;
namespace ex = experiments;

namespace {

// Runs `snncosim <verb> EXPERIMENT --out DIR` (run or sweep) in a child process; its bad
// input (exit 2, e.g. missing data) becomes ours with the child's one-line message.
void run_stage_child(const std::string& verb, const std::string& experiment, const fs::path& dir) {
  spdlog::info("explore: {} is not trained yet; running `snncosim {} {} --out {}` first", dir.string(), verb,
               experiment, dir.string());
  const fs::path log = fs::temp_directory_path() / fmt::format("snncosim_explore_{}_{}.log", verb, ::getpid());
  const ex::child_exit e =
      ex::run_child({ex::self_executable().string(), "-q", verb, experiment, "--out", dir.string()}, "/dev/null", log);
  std::string msg = ex::last_error_line(log);
  fs::remove(log);
  if (e.ok()) return;
  if (msg.empty()) msg = e.signal ? fmt::format("killed by signal {}", e.signal) : fmt::format("exit {}", e.exit_code);
  if (e.exit_code == exit_bad_input) throw bad_input(msg);
  throw std::runtime_error(fmt::format("snncosim {} {} failed: {}", verb, experiment, msg));
}

bool run_folder_done(const fs::path& dir, const std::string& hash) {
  const fs::path h = dir / "config.hash";
  return fs::exists(h) && read_file(h) == hash + "\n" && fs::exists(dir / "metrics.json") &&
         fs::exists(dir / "model.h5") && fs::exists(dir / "traces.h5");
}

// A document of the run's resolved configuration as a stand-alone file (hardware, platform),
// for runs that were not simulated and so have no hardware.yaml / platform.yaml.
fs::path standalone_file(const fs::path& run_dir, const std::string& kind, const fs::path& out_dir) {
  const fs::path given = run_dir / (kind + ".yaml");
  if (fs::exists(given)) return given;
  const fs::path cfg = run_dir / "config.resolved.yaml";
  // Checked parse: the copy below would expand any aliases of a hand-edited file.
  const YAML::Node root = config::parse_yaml(read_file(cfg), cfg.string());
  if (!root[kind] || !root[kind].IsMap())
    throw bad_input(fmt::format("{}: the experiment has no `{}:` section; give --{}", cfg.string(), kind, kind));
  YAML::Node doc = YAML::Clone(root[kind]);
  if (!doc["schema"]) doc["schema"] = fmt::format("snncosim.{}/{}", kind, config::schema_version(kind));
  YAML::Emitter em;
  em << doc;
  const fs::path out = out_dir / ("start_" + kind + ".yaml");
  ensure_output_folder(out_dir);
  write_file_atomic(out, std::string(em.c_str()) + "\n");
  return out;
}

// Model, traces, start hardware and platform of a finished run folder.
explore_args args_for_run(const explore_args& base, const fs::path& run_dir, const fs::path& out_dir) {
  explore_args a = base;
  a.model = (run_dir / "model.h5").string();
  a.traces = (run_dir / "traces.h5").string();
  a.hardware = standalone_file(run_dir, "hardware", out_dir).string();
  if (a.platform.empty()) a.platform = standalone_file(run_dir, "platform", out_dir).string();
  a.out = out_dir.string();
  const fs::path hash = run_dir / "config.hash";
  a.identity = fs::exists(hash) ? read_file(hash) : std::string{};
  return a;
}

json yaml_to_json(const YAML::Node& n) {
  if (n.IsMap()) {
    json j = json::object();
    for (const auto& kv : n) j[kv.first.as<std::string>()] = yaml_to_json(kv.second);
    return j;
  }
  if (n.IsSequence()) {
    json j = json::array();
    for (const auto& v : n) j.push_back(yaml_to_json(v));
    return j;
  }
  if (!n.IsScalar()) return nullptr;
  try {
    return n.as<double>();
  } catch (const YAML::Exception&) {
    return n.as<std::string>();
  }
}

std::vector<ex::codesign_pair> read_feasible(const fs::path& csv, const std::string& point, double accuracy) {
  std::vector<ex::codesign_pair> out;
  const std::string text = read_file(csv);
  std::size_t pos = text.find('\n');  // header
  std::size_t line_no = 1;
  while (pos != std::string::npos && pos + 1 < text.size()) {
    const std::size_t end = text.find('\n', pos + 1);
    const std::string line = text.substr(pos + 1, end == std::string::npos ? std::string::npos : end - pos - 1);
    pos = end;
    ++line_no;
    std::vector<std::string> f;
    std::size_t s = 0;
    for (std::size_t c = line.find(','); ; c = line.find(',', s)) {
      f.push_back(line.substr(s, c == std::string::npos ? std::string::npos : c - s));
      if (c == std::string::npos) break;
      s = c + 1;
    }
    if (f.size() != 6) throw bad_input(fmt::format("{}:{}: expected 6 fields, got {}", csv.string(), line_no, f.size()));
    ex::codesign_pair p;
    p.point = point;
    p.key = f[0];
    p.config = f[5];
    p.accuracy = accuracy;
    try {
      p.score = std::stod(f[1]);
      p.latency_cycles = std::stod(f[2]);
      p.energy_uj = std::stod(f[3]);
      p.max_utilisation = std::stod(f[4]);
    } catch (const std::exception&) {
      throw bad_input(fmt::format("{}:{}: not a number", csv.string(), line_no));
    }
    out.push_back(std::move(p));
  }
  return out;
}

json layer_values(const json& best, const char* key) {
  json a = json::array();
  for (const auto& l : best["layers"]) a.push_back(l[key]);
  return a;
}

json codesign_row(std::size_t index, const ex::point_record& rec, const fs::path& run_dir, const fs::path& out_dir,
                  const json& e, bool reused) {
  const json& b = e["best"];
  const json& cap = e["platform_resources"];
  const auto frac = [&](const char* r) {
    const double c = cap.value(r, 0.0);
    return c > 0 ? b["resources"].value(r, 0.0) / c : 0.0;
  };
  json surrogate_params = json::object();
  try {
    const fs::path cfg = run_dir / "config.resolved.yaml";
    const YAML::Node root = config::parse_yaml(read_file(cfg), cfg.string());
    const YAML::Node p = root["network"]["neuron"]["surrogate"]["params"];
    if (p) surrogate_params = yaml_to_json(p);
  } catch (const YAML::Exception&) {
  } catch (const bad_input&) {
    // Best effort: the row is complete without the surrogate parameters.
  }
  json row = {{"index", index},
              {"id", rec.id},
              {"label", rec.label},
              {"settings", rec.settings},
              {"neuron_model", rec.neuron_model},
              {"surrogate", rec.surrogate},
              {"surrogate_params", surrogate_params},
              {"accuracy_float", rec.float_accuracy()},
              {"accuracy_integer", rec.accuracy()},
              // spikes per neuron and step over all spiking layers (integer model)
              {"firing_rate", 1.0 - rec.sparsity()},
              {"start_latency_cycles", e["baseline"]["mean_latency_cycles"]},
              {"start_max_utilisation", e["baseline"]["max_utilisation"]},
              {"start_fits", e["baseline"]["fits"]},
              {"best",
               {{"pipeline_mode", b["pipeline_mode"]},
                {"layers", layer_values(b, "layer")},
                {"neuron_cores", layer_values(b, "neuron_cores")},
                {"penc_width_bits", layer_values(b, "penc_width_bits")},
                {"weight_memory", layer_values(b, "weight_memory")},
                {"membrane_memory", layer_values(b, "membrane_memory")},
                {"spike_fifo_depth", layer_values(b, "spike_fifo_depth")},
                {"latency_cycles", b["mean_latency_cycles"]},
                {"latency_us", b["mean_latency_us"]},
                {"energy_uj", b["mean_energy_uj"]},
                {"score", b["score"]},
                {"lut_utilisation", frac("lut")},
                {"bram_utilisation", frac("bram36")},
                {"max_utilisation", b["max_utilisation"]},
                {"key", b["key"]}}},
              {"method", e["method"]},
              {"feasible", e.value("feasible", 0)},
              {"explore_dir", out_dir.string()},
              {"reused", reused}};
  for (const auto& c : e["confirmed"])
    if (c.value("rank", 0) == 1 && c.contains("tlm_latency_cycles")) {
      row["tlm_latency_cycles"] = c["tlm_latency_cycles"];
      row["tlm_agrees"] = c.value("agree_exactly", false);
    }
  return row;
}

// The co-design view over the finished points of a sweep folder.
json run_codesign(const explore_request& cmd, const fs::path& dir, const std::string& make_hint) {
  if (!fs::exists(dir / "sweep.json"))
    throw bad_input(fmt::format("{}: not a sweep folder (no sweep.json); {}", dir.string(), make_hint));
  const json sweep = json::parse(read_file(dir / "sweep.json"));
  const auto records = ex::load_results(dir);
  const std::size_t total = sweep.at("points").size();
  if (records.size() < total)
    throw bad_input(fmt::format("{}: {} of {} points are not trained yet; {}", dir.string(), total - records.size(),
                                total, make_hint));
  const fs::path out = cmd.args.out.empty() ? dir / "explore" : fs::path(cmd.args.out);
  ensure_output_folder(out / "points");
  explore_args base = cmd.args;
  if (!cmd.top_k_given) base.top_k = 1;  // each point's best is confirmed by the TLM
  json rows = json::array();
  std::vector<ex::codesign_pair> pairs;
  std::size_t reused_points = 0;
  progress_bar bar("codesign", records.size(), "points");
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& rec = records[i];
    const fs::path run_dir = dir / "points" / rec.id;
    const fs::path pout = out / "points" / rec.id;
    explore_args a = args_for_run(base, run_dir, pout);
    a.cosim = false;  // the jointly best only, below
    a.progress = false;
    a.state.clear();
    bar.set_postfix(rec.label);
    json e;
    bool reused = false;
    if (fs::exists(pout / "explore.json")) {
      const json old = json::parse(read_file(pout / "explore.json"), nullptr, false);
      if (!old.is_discarded() && old.value("signature", json()) == explore_signature(a) &&
          fs::exists(pout / "feasible.csv")) {
        e = old;
        reused = true;
        ++reused_points;
        spdlog::info("codesign: point {} ({}) was explored with these options; reusing {}", i, rec.label,
                     (pout / "explore.json").string());
      } else {
        fs::remove(pout / "explore.json");
      }
    }
    if (!reused) {
      spdlog::info("codesign: point {} ({}): exploring", i, rec.label);
      try {
        e = explore_model(a);
      } catch (const bad_input& err) {
        throw bad_input(fmt::format("point {} ({}, {}): {}", i, rec.label, rec.id, err.what()));
      }
      check_explore_confirmation(e);
    }
    rows.push_back(codesign_row(i, rec, run_dir, pout, e, reused));
    const auto got = read_feasible(pout / "feasible.csv", rec.id, rec.accuracy());
    pairs.insert(pairs.end(), got.begin(), got.end());
    bar.advance();
  }
  bar.finish();

  const json header = {{"sweep_dir", dir.string()},       {"objective", cmd.args.objective},
                       {"budget", cmd.args.budget},       {"platform", rows.empty() ? json() : json(cmd.args.platform)},
                       {"points", records.size()},        {"reused_points", reused_points},
                       {"options", explore_signature(base)}};
  json doc = ex::codesign_document(header, rows, pairs);
  if (!rows.empty()) {
    // Platform name as the search saw it.
    const json e0 = json::parse(read_file(fs::path(rows[0]["explore_dir"].get<std::string>()) / "explore.json"));
    doc["platform"] = e0.value("platform", "");
  }
  if (cmd.args.cosim && doc["jointly_best"].contains("objective")) {
    // The jointly best for the objective is its point's best (same score order, ties by
    // utilisation), whose hardware is the point's best.yaml.
    const std::string id = doc["jointly_best"]["objective"]["point"].get<std::string>();
    const fs::path run_dir = dir / "points" / id;
    const explore_args a = args_for_run(cmd.args, run_dir, out / "points" / id);
    json c = cosim_configuration(a.model, a.traces, (out / "points" / id / "best.yaml").string(), a.platform, a.samples);
    c["point"] = id;
    doc["rtl_cosim"] = c;
  }
  write_file_atomic(out / "codesign.csv", ex::codesign_csv(doc));
  write_file_atomic(out / "codesign.md", "# snncosim co-design: " + dir.filename().string() + "\n\n" +
                                             ex::codesign_markdown(doc, "##"));
  const ex::plot_job plot = ex::codesign_plot(doc);
  write_file_atomic(out / "codesign.dat", plot.data);
  write_file_atomic(out / "codesign.gp", fmt::format("cd '{}'\n", fs::absolute(out).string()) + plot.script);
  const fs::path gnuplot = ex::find_gnuplot();
  doc["plot"] = nullptr;
  if (!gnuplot.empty()) {
    if (ex::run_gnuplot(gnuplot, out, "codesign"))
      doc["plot"] = (out / "codesign.png").string();
    else
      spdlog::warn("codesign: gnuplot failed (see {})", (out / "codesign.gnuplot.log").string());
  } else {
    spdlog::warn("codesign: gnuplot not found; no codesign.png");
  }
  // Last: the whole view at once.
  write_file_atomic(out / "codesign.json", json_text(doc) + "\n");
  doc["out"] = out.string();
  return doc;
}

std::string codesign_text(const json& doc) {
  std::string s = fmt::format("co-design over {} points ({} reused), objective {}, {} feasible pairs\n",
                              doc["rows"].size(), doc.value("reused_points", 0), doc.value("objective", ""),
                              doc.value("pairs", 0));
  s += fmt::format("{:>3} {:<10} {:<20} {:>7} {:>12} {:>12} {:>8}  {}\n", "#", "neuron", "surrogate", "int acc",
                   "start cyc", "best cyc", "max util", "cores per layer, mode");
  for (const auto& r : doc["rows"]) {
    std::string cores;
    for (const auto& c : r["best"]["neuron_cores"]) {
      if (!cores.empty()) cores += '/';
      cores += std::to_string(c.get<int>());
    }
    s += fmt::format("{:>3} {:<10} {:<20} {:>6.1f}% {:>12.0f} {:>12.0f} {:>7.1f}%  {} {}\n", r["index"].get<int>(),
                     r.value("neuron_model", ""), r.value("surrogate", ""), 100 * r.value("accuracy_integer", 0.0),
                     r.value("start_latency_cycles", 0.0), r["best"].value("latency_cycles", 0.0),
                     100 * r["best"].value("max_utilisation", 0.0), cores, r["best"].value("pipeline_mode", ""));
  }
  s += fmt::format("joint Pareto front: {} pairs\n", doc["joint_front"].size());
  for (const auto& [k, p] : doc["jointly_best"].items())
    s += fmt::format("  best {:<11}: {} ({:.1f}%, {:.0f} cycles, {:.1f}% util) {}\n", k, p.value("short_label", ""),
                     100 * p.value("accuracy_integer", 0.0), p.value("latency_cycles", 0.0),
                     100 * p.value("max_utilisation", 0.0), p.value("config", ""));
  if (doc.contains("rtl_cosim")) {
    const json& c = doc["rtl_cosim"];
    s += c.contains("mismatches")
             ? fmt::format("RTL co-simulation of the jointly best (point {}): {} mismatches over {} events, TLM {} / "
                           "RTL {} cycles\n",
                           c.value("point", ""), c["mismatches"].dump(), c.value("events_compared", json()).dump(),
                           c.value("tlm_cycles", json()).dump(), c.value("rtl_cycles", json()).dump())
             : fmt::format("RTL co-simulation of the jointly best did not run (exit {})\n", c.value("exit_status", -1));
  }
  s += fmt::format("wrote {}/codesign.json, codesign.csv, codesign.md{}\n", doc.value("out", ""),
                   doc["plot"].is_null() ? "" : ", codesign.png");
  return s;
}

}  // namespace

explore_outcome run_explore(const explore_request& cmd) {
  json j;
  bool codesign = false;
  if (!cmd.input.empty() || !cmd.sweep_dir.empty()) {
    if (!cmd.input.empty() && !cmd.sweep_dir.empty())
      throw bad_input("explore: give an experiment YAML or --sweep-dir, not both");
    if (!cmd.args.model.empty() || !cmd.args.traces.empty() || !cmd.args.hardware.empty())
      throw bad_input("explore: --model/--traces/--hardware are for direct use; with an experiment or --sweep-dir they "
                      "come from its run folders");
  }
  // An --out that cannot be written must fail before the search, not after it.
  if (!cmd.args.out.empty()) check_output_file(fs::path(cmd.args.out) / "explore.json");
  if (!cmd.sweep_dir.empty()) {
    codesign = true;
    j = run_codesign(cmd, cmd.sweep_dir, "run `snncosim sweep EXPERIMENT.yaml --out " + cmd.sweep_dir + "` first");
  } else if (!cmd.input.empty()) {
    const config::document doc = config::load(cmd.input, {}, "experiment");
    const YAML::Node& root = doc.root();
    const fs::path dir = !cmd.results.empty() ? fs::path(cmd.results)
                                              : fs::path(root["output_dir"].as<std::string>()) / root["name"].as<std::string>();
    if (!ex::sweep_axes(doc).empty()) {
      codesign = true;
      // Done when every point of the experiment's grid (its config hash, as `sweep` names
      // the folders) has metrics.json; else `sweep`, which skips finished points, trains
      // the missing ones and rewrites sweep.json.
      bool all_done = fs::exists(dir / "sweep.json");
      for (const auto& p : ex::expand_grid(ex::sweep_axes(doc))) {
        if (!all_done) break;
        const config::document pd = config::load(cmd.input, p.overrides, "experiment");
        all_done = fs::exists(dir / "points" / ex::point_hash(pd.root()) / "metrics.json");
      }
      if (!all_done) run_stage_child("sweep", cmd.input, dir);
      j = run_codesign(cmd, dir, "run `snncosim sweep " + cmd.input + "` first");
    } else {
      if (!run_folder_done(dir, ex::point_hash(root))) run_stage_child("run", cmd.input, dir);
      explore_args a = args_for_run(cmd.args, dir, cmd.args.out.empty() ? dir / "explore" : fs::path(cmd.args.out));
      j = explore_model(a);
      j["run_dir"] = dir.string();
      j["out"] = a.out;
    }
  } else {
    for (const auto& [name, v] : {std::pair{"--model", &cmd.args.model}, std::pair{"--traces", &cmd.args.traces},
                                  std::pair{"--hardware", &cmd.args.hardware}, std::pair{"--platform", &cmd.args.platform}})
      if (v->empty())
        throw bad_input(fmt::format("explore: {} is required without an experiment YAML or --sweep-dir", name));
    j = explore_model(cmd.args);
  }
  return {j, codesign};
}

std::string explore_outcome_text(const explore_outcome& o) {
  return o.codesign ? codesign_text(o.result) : explore_text(o.result);
}

void check_explore_outcome(const explore_outcome& o) {
  const json& j = o.result;
  if (o.codesign) {
    if (j.contains("rtl_cosim") && j["rtl_cosim"].contains("mismatches") && j["rtl_cosim"]["mismatches"].get<long>() > 0)
      throw std::runtime_error(fmt::format("RTL co-simulation of the jointly best: {} mismatches",
                                           j["rtl_cosim"]["mismatches"].get<long>()));
  } else {
    check_explore_confirmation(j);
  }
}

}  // namespace snncosim::explore
