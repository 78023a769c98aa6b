// `snncosim sweep EXPERIMENT.yaml`: every point of the experiment's `sweep:` grid through
// `snncosim run`, one child process per point, in <output_dir>/<name>/points/<config hash>/.
// Local: --workers N points at a time. Under Open MPI (mpirun -np N snncosim sweep ...)
// rank r takes the points with index % N == r, so each point runs exactly once; whichever
// rank finishes last finds every point done and writes summary.csv and points.json. A
// point is done when its metrics.json exists (written atomically, last), so after a kill -9
// a re-run skips finished points and resumes the rest (training resumes from its checkpoint).
#include <cstdlib>
#include <iostream>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "command.h"
#include "experiment_checks.h"
#include "snncosim/common/atomic_file.h"
#include "snncosim/common/config.h"
#include "snncosim/common/error.h"
#include "snncosim/common/progress.h"
#include "snncosim/experiments/child_process.h"
#include "snncosim/experiments/point_hash.h"
#include "snncosim/experiments/results.h"
#include "snncosim/experiments/sweep_grid.h"
#include "json_text.h"

namespace snncosim::cli {

namespace fs = std::filesystem;
using nlohmann::json;
namespace ex = experiments;

namespace {

struct sweep_options {
  std::string experiment;
  std::vector<std::string> sets;
  std::string out;
  int workers = 1;
  bool dry_run = false;
};

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  return std::atoi(v);
}

struct planned_point {
  ex::sweep_point point;
  std::string id;
  fs::path dir;
};

// Writes summary.csv and points.json when every point is done; returns the number missing.
std::size_t gather_sweep(const fs::path& dir, std::size_t total) {
  const auto records = ex::load_results(dir);
  if (records.size() < total) return total - records.size();
  const ex::selection sel = ex::select_points(records, {});
  write_file_atomic(dir / "summary.csv", ex::summary_csv(records));
  write_file_atomic(dir / "points.json", json_text(ex::points_json(records, sel)) + "\n");
  return 0;
}

}  // namespace

void add_sweep_command(CLI::App& root, global_options& global) {
  auto* cmd = root.add_subcommand(
      "sweep", "Run every point of the experiment's sweep: grid, locally in parallel or under mpirun (docs/experiments.md)");
  auto opt = std::make_shared<sweep_options>();
  cmd->add_option("experiment", opt->experiment, "Experiment YAML with a sweep: section")->required();
  cmd->add_option("--set", opt->sets, "Override a key of every point, e.g. --set training.epochs=2");
  cmd->add_option("--out", opt->out, "Sweep folder (default: <output_dir>/<name>)");
  cmd->add_option("--workers", opt->workers, "Points run at the same time on this machine (per MPI rank)")
      ->check(CLI::Range(1, 256));
  cmd->add_flag("--dry-run", opt->dry_run, "List the points and their folders, run nothing");
  cmd->callback([&global, opt] {
    std::vector<config::override_entry> base;
    for (const auto& s : opt->sets) base.push_back(config::parse_override(s));
    const config::document doc = config::load(opt->experiment, base, "experiment");
    const fs::path dir = !opt->out.empty() ? fs::path(opt->out)
                                           : fs::path(doc.root()["output_dir"].as<std::string>()) /
                                                 doc.root()["name"].as<std::string>();
    const auto axes = ex::sweep_axes(doc);

    // Every point is loaded and checked as `run` would (data, network, hardware) before
    // anything runs or any folder is made: a bad value fails the sweep at once, named at
    // its line in the sweep.
    std::vector<planned_point> plan;
    json points = json::array();
    // One line per distinct warning, naming the points it concerns (often all of them).
    std::map<std::string, std::vector<std::size_t>> warnings;
    const auto checked = plan_sweep(opt->experiment, base, doc);
    for (const auto& [p, pd] : checked)
      for (const auto& w : hardware_warnings(pd)) warnings[w].push_back(p.index);
    for (const auto& [w, at] : warnings) {
      if (at.size() == checked.size())
        spdlog::warn("all {} sweep points: {}", at.size(), w);
      else
        spdlog::warn("sweep points {}: {}", fmt::join(at, ", "), w);
    }
    for (const auto& [p, pd] : checked) {
      const std::string id = ex::point_hash(pd.root());
      plan.push_back({p, id, dir / "points" / id});
      json settings = json::object();
      for (const auto& o : p.overrides) settings[o.path] = o.value;
      points.push_back({{"index", p.index}, {"id", id}, {"label", p.label}, {"settings", settings}});
    }
    json axes_json = json::array();
    for (const auto& a : axes) axes_json.push_back({{"key", a.key}, {"values", a.values}});
    const json sweep_doc = {{"experiment", opt->experiment}, {"overrides", opt->sets}, {"axes", axes_json},
                            {"points", points}};

    const int size = std::max(1, env_int("OMPI_COMM_WORLD_SIZE", env_int("PMI_SIZE", 1)));
    const int rank = env_int("OMPI_COMM_WORLD_RANK", env_int("PMI_RANK", 0));
    std::vector<const planned_point*> mine, todo;
    for (const auto& p : plan)
      if (static_cast<int>(p.point.index % static_cast<std::size_t>(size)) == rank) mine.push_back(&p);
    for (const auto* p : mine)
      if (!fs::exists(p->dir / "metrics.json")) todo.push_back(p);

    if (opt->dry_run) {
      for (const auto& p : plan)
        std::cout << fmt::format("{:>4} {} {} {}\n", p.point.index, fs::exists(p.dir / "metrics.json") ? "done" : "todo",
                                 p.dir.string(), p.point.label);
      return;
    }
    write_file_atomic(dir / "sweep.json", json_text(sweep_doc) + "\n");
    spdlog::info("sweep: {} points, rank {}/{} takes {}, {} already done, {} worker(s), folder {}", plan.size(), rank,
                 size, mine.size(), mine.size() - todo.size(), opt->workers, dir.string());

    const std::string exe = ex::self_executable().string();
    std::map<pid_t, const planned_point*> running;
    std::vector<std::string> failures;
    bool bad_input_failure = false;
    progress_bar bar("sweep", todo.size(), "points");
    std::size_t next = 0;
    auto start_one = [&] {
      const planned_point* p = todo[next++];
      fs::create_directories(p->dir);
      std::vector<std::string> argv = {exe, "-q", "run", opt->experiment, "--out", p->dir.string()};
      for (const auto& s : opt->sets) argv.insert(argv.end(), {"--set", s});
      for (const auto& o : p->point.overrides) argv.insert(argv.end(), {"--set", o.path + "=" + o.value});
      spdlog::info("sweep: point {} ({}) -> {}", p->point.index, p->point.label, p->dir.string());
      running[ex::spawn_child(argv, "/dev/null", p->dir / "run.log")] = p;
    };
    while (next < todo.size() || !running.empty()) {
      // After a bad-input failure (missing data, impossible configuration) the other points
      // would fail the same way: start no more.
      while (!bad_input_failure && next < todo.size() && running.size() < static_cast<std::size_t>(opt->workers))
        start_one();
      if (running.empty()) break;
      const auto [pid, e] = ex::wait_child(-1);
      const auto it = running.find(pid);
      if (it == running.end()) continue;
      const planned_point* p = it->second;
      running.erase(it);
      bar.advance();
      if (!e.ok()) {
        std::string msg = ex::last_error_line(p->dir / "run.log");
        failures.push_back(fmt::format("point {} ({}): {}", p->point.index, p->point.label,
                                       msg.empty() ? fmt::format("exit {}", e.exit_code) : msg));
        if (e.exit_code == exit_bad_input) {
          bad_input_failure = true;
          spdlog::debug("sweep: {}", failures.back());
        } else {
          spdlog::error("sweep: {}", failures.back());
        }
      }
    }
    bar.finish();

    const std::size_t missing = gather_sweep(dir, plan.size());
    json result = {{"folder", dir.string()}, {"points", plan.size()}, {"rank", rank}, {"ranks", size},
                   {"ran", next}, {"failed", failures}, {"missing", missing}};
    if (global.json) {
      std::cout << json_text(result) << "\n";
    } else {
      std::cout << fmt::format("{}: {} points, {} run now by rank {}/{}, {} failed, {} not finished{}\n", dir.string(),
                               plan.size(), next, rank, size, failures.size(), missing,
                               missing == 0 ? "; wrote summary.csv and points.json" : "");
    }
    if (bad_input_failure) throw bad_input(failures[0]);
    if (!failures.empty()) throw std::runtime_error(fmt::format("{} point(s) failed; first: {}", failures.size(), failures[0]));
  });
}

}  // namespace snncosim::cli
