#include "snncosim/experiments/sweep_run.h"

#include <algorithm>
#include <cstdlib>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "snncosim/common/atomic_file.h"
#include "snncosim/common/config.h"
#include "snncosim/common/error.h"
#include "snncosim/common/json_text.h"
#include "snncosim/common/progress.h"
#include "snncosim/experiments/child_process.h"
#include "snncosim/experiments/experiment_checks.h"
#include "snncosim/experiments/point_hash.h"
#include "snncosim/experiments/report.h"
#include "snncosim/experiments/results.h"

namespace snncosim::experiments {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  return std::atoi(v);
}

// Writes summary.csv and points.json when every point is done; returns the number missing.
std::size_t gather_sweep(const fs::path& dir, std::size_t total) {
  const auto records = load_results(dir);
  if (records.size() < total) return total - records.size();
  const selection sel = select_points(records, {});
  write_file_atomic(dir / "summary.csv", summary_csv(records));
  write_file_atomic(dir / "points.json", json_text(points_json(records, sel)) + "\n");
  return 0;
}

}  // namespace

sweep_plan make_sweep_plan(const sweep_request& r) {
  const std::vector<config::override_entry> base = config::parse_overrides(r.sets);
  const config::document doc = config::load(r.experiment, base, "experiment");
  sweep_plan plan;
  plan.dir = !r.out.empty() ? fs::path(r.out)
                            : fs::path(doc.root()["output_dir"].as<std::string>()) / doc.root()["name"].as<std::string>();
  const auto axes = sweep_axes(doc);
  json points = json::array();
  // One line per distinct warning, naming the points it concerns (often all of them).
  std::map<std::string, std::vector<std::size_t>> warnings;
  const auto checked = plan_sweep(r.experiment, base, doc);
  for (const auto& [p, pd] : checked)
    for (const auto& w : hardware_warnings(pd)) warnings[w].push_back(p.index);
  for (const auto& [w, at] : warnings) {
    if (at.size() == checked.size())
      spdlog::warn("all {} sweep points: {}", at.size(), w);
    else
      spdlog::warn("sweep points {}: {}", fmt::join(at, ", "), w);
  }
  for (const auto& [p, pd] : checked) {
    const std::string id = point_hash(pd.root());
    plan.points.push_back({p, id, plan.dir / "points" / id});
    json settings = json::object();
    for (const auto& o : p.overrides) settings[o.path] = o.value;
    points.push_back({{"index", p.index}, {"id", id}, {"label", p.label}, {"settings", settings}});
  }
  json axes_json = json::array();
  for (const auto& a : axes) axes_json.push_back({{"key", a.key}, {"values", a.values}});
  plan.doc = {{"experiment", r.experiment}, {"overrides", r.sets}, {"axes", axes_json}, {"points", points}};
  return plan;
}

std::string dry_run_text(const sweep_plan& plan) {
  std::string out;
  for (const auto& p : plan.points)
    out += fmt::format("{:>4} {} {} {}\n", p.point.index, fs::exists(p.dir / "metrics.json") ? "done" : "todo",
                       p.dir.string(), p.point.label);
  return out;
}

rank_slot rank_from_environment() {
  rank_slot s;
  s.size = std::max(1, env_int("OMPI_COMM_WORLD_SIZE", env_int("PMI_SIZE", 1)));
  s.rank = env_int("OMPI_COMM_WORLD_RANK", env_int("PMI_RANK", 0));
  return s;
}

std::vector<const planned_point*> points_of_rank(const std::vector<planned_point>& points, rank_slot slot) {
  std::vector<const planned_point*> mine;
  for (const auto& p : points)
    if (static_cast<int>(p.point.index % static_cast<std::size_t>(slot.size)) == slot.rank) mine.push_back(&p);
  return mine;
}

pool_result run_point_pool(const std::vector<const planned_point*>& todo, int workers,
                           const std::function<std::vector<std::string>(const planned_point&)>& command,
                           const std::function<void()>& on_end) {
  pool_result r;
  std::map<pid_t, const planned_point*> running;
  auto start_one = [&] {
    const planned_point* p = todo[r.started++];
    fs::create_directories(p->dir);
    spdlog::info("sweep: point {} ({}) -> {}", p->point.index, p->point.label, p->dir.string());
    running[spawn_child(command(*p), "/dev/null", p->dir / "run.log")] = p;
  };
  while (r.started < todo.size() || !running.empty()) {
    // After a bad-input failure (missing data, impossible configuration) the other points
    // would fail the same way: start no more.
    while (!r.bad_input_failure && r.started < todo.size() && running.size() < static_cast<std::size_t>(workers))
      start_one();
    if (running.empty()) break;
    const auto [pid, e] = wait_child(-1);
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const planned_point* p = it->second;
    running.erase(it);
    if (on_end) on_end();
    if (!e.ok()) {
      std::string msg = last_error_line(p->dir / "run.log");
      r.failures.push_back(fmt::format("point {} ({}): {}", p->point.index, p->point.label,
                                       msg.empty() ? fmt::format("exit {}", e.exit_code) : msg));
      if (e.exit_code == exit_bad_input) {
        r.bad_input_failure = true;
        spdlog::debug("sweep: {}", r.failures.back());
      } else {
        spdlog::error("sweep: {}", r.failures.back());
      }
    }
  }
  return r;
}

sweep_outcome run_sweep(const sweep_request& request, const sweep_plan& plan, rank_slot slot) {
  const fs::path& dir = plan.dir;
  const std::vector<const planned_point*> mine = points_of_rank(plan.points, slot);
  std::vector<const planned_point*> todo;
  for (const auto* p : mine)
    if (!fs::exists(p->dir / "metrics.json")) todo.push_back(p);
  write_file_atomic(dir / "sweep.json", json_text(plan.doc) + "\n");
  spdlog::info("sweep: {} points, rank {}/{} takes {}, {} already done, {} worker(s), folder {}", plan.points.size(),
               slot.rank, slot.size, mine.size(), mine.size() - todo.size(), request.workers, dir.string());

  const std::string exe = self_executable().string();
  progress_bar bar("sweep", todo.size(), "points");
  sweep_outcome o;
  o.pool = run_point_pool(
      todo, request.workers,
      [&](const planned_point& p) {
        std::vector<std::string> argv = {exe, "-q", "run", request.experiment, "--out", p.dir.string()};
        for (const auto& s : request.sets) argv.insert(argv.end(), {"--set", s});
        for (const auto& ov : p.point.overrides) argv.insert(argv.end(), {"--set", ov.path + "=" + ov.value});
        return argv;
      },
      [&] { bar.advance(); });
  bar.finish();

  const std::size_t missing = gather_sweep(dir, plan.points.size());
  o.result = {{"folder", dir.string()},  {"points", plan.points.size()},   {"rank", slot.rank}, {"ranks", slot.size},
              {"ran", o.pool.started}, {"failed", o.pool.failures}, {"missing", missing}};
  o.text = fmt::format("{}: {} points, {} run now by rank {}/{}, {} failed, {} not finished{}\n", dir.string(),
                       plan.points.size(), o.pool.started, slot.rank, slot.size, o.pool.failures.size(), missing,
                       missing == 0 ? "; wrote summary.csv and points.json" : "");
  return o;
}

void check_sweep_outcome(const sweep_outcome& o) {
  const auto& f = o.pool.failures;
  if (o.pool.bad_input_failure) throw bad_input(f[0]);
  if (!f.empty()) throw std::runtime_error(fmt::format("{} point(s) failed; first: {}", f.size(), f[0]));
}

}  // namespace snncosim::experiments
