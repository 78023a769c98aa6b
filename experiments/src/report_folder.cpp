#include "snncosim/experiments/report_folder.h"

#include <cmath>
#include <functional>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "snncosim/common/atomic_file.h"
#include "snncosim/common/error.h"
#include "snncosim/common/json_text.h"
#include "snncosim/experiments/codesign.h"
#include "snncosim/experiments/gnuplot.h"
#include "snncosim/experiments/report.h"
#include "snncosim/experiments/results.h"
#include "snncosim/experiments/study.h"

namespace snncosim::experiments {

namespace fs = std::filesystem;

namespace {

// The architecture exploration of the folder (docs/explore.md §7), when there is one: the
// co-design table and plot from explore/codesign.json, and every explored point's Pareto
// and balance plots copied in as explore_<id>_{pareto,balance}.png.
std::string explore_section(const fs::path& dir, const fs::path& out, const std::vector<point_record>& records,
                            const std::function<bool(const plot_job&)>& draw, std::vector<std::string>& made) {
  std::string md;
  const fs::path cd = dir / "explore" / "codesign.json";
  if (fs::exists(cd)) {
    const nlohmann::json doc = nlohmann::json::parse(read_file(cd), nullptr, false);
    if (doc.is_discarded() || !doc.contains("rows"))
      throw bad_input(fmt::format("{}: not a codesign document", cd.string()));
    md += codesign_markdown(doc, "##");
    const plot_job plot = codesign_plot(doc);
    if (draw(plot)) md += fmt::format("![{}]({}.png)\n\n", plot.title, plot.name);
  }
  std::string plots;
  for (const auto& r : records) {
    // A sweep's points are explored under explore/points/<id>, a single run under explore/.
    const fs::path e = fs::exists(dir / "explore" / "points" / r.id) ? dir / "explore" / "points" / r.id : dir / "explore";
    if (!fs::exists(e / "explore.json")) continue;
    const std::string label = r.label.empty() ? r.id : r.label;
    plots += fmt::format("Point {} ({}/{}):\n\n", r.id, r.neuron_model, r.surrogate);
    for (const char* kind : {"pareto", "balance"}) {
      const fs::path png = e / (std::string(kind) + ".png");
      if (!fs::exists(png)) continue;
      const std::string name = fmt::format("explore_{}_{}.png", r.id, kind);
      fs::copy_file(png, out / name, fs::copy_options::overwrite_existing);
      made.push_back(name);
      plots += fmt::format("![{}: {}]({})\n\n", label,
                           std::string(kind) == "pareto" ? "explored configurations and Pareto front"
                                                         : "per-layer busy cycles, start vs best",
                           name);
    }
  }
  if (!plots.empty()) md += "## Architecture exploration per point\n\n" + plots;
  return md;
}

// Best-hardware latency per point from explore/codesign.json (the co-design view), if any.
void read_explored(const fs::path& dir, study_inputs& in) {
  const fs::path cd = dir / "explore" / "codesign.json";
  if (!fs::exists(cd)) return;
  const nlohmann::json doc = nlohmann::json::parse(read_file(cd), nullptr, false);
  if (doc.is_discarded() || !doc.contains("rows")) return;  // explore_section refuses it
  if (doc.contains("budget") && doc["budget"].is_string()) in.budget = doc["budget"].get<std::string>();
  for (const auto& row : doc["rows"]) {
    if (!row.is_object() || !row.contains("id") || !row["id"].is_string() || !row.contains("best")) continue;
    const auto& b = row["best"];
    if (!b.is_object() || !b.contains("latency_cycles") || !b["latency_cycles"].is_number()) continue;
    in.explored[row["id"].get<std::string>()] = {b["latency_cycles"].get<double>(),
                                                 b.contains("latency_us") && b["latency_us"].is_number()
                                                     ? b["latency_us"].get<double>()
                                                     : std::nan("")};
  }
}

}  // namespace

report_outcome write_report_folder(const report_request& r) {
  const fs::path dir = r.dir;
  const fs::path out = r.out.empty() ? dir / "report" : fs::path(r.out);
  const auto records = load_results(dir);
  if (records.empty()) throw bad_input(fmt::format("{}: no finished points yet (no metrics.json)", dir.string()));
  const selection sel = select_points(records, r.baseline);
  // Checked before anything is written: a report folder that cannot be made leaves no
  // partial report behind.
  std::error_code ec;
  if (fs::exists(out, ec) && !fs::is_directory(out, ec))
    throw bad_input(fmt::format("{}: the report folder is a file (--out must name a folder)", out.string()));
  for (const char* name : {"summary.csv", "points.json", "selection.json", "aggregate.csv", "aggregate.json",
                           "claims.json", "report.md", "report.html", "points"})
    if (fs::is_directory(out / name, ec) != (std::string(name) == "points") && fs::exists(out / name, ec))
      throw bad_input(fmt::format("{}: is a {} and cannot be replaced", (out / name).string(),
                                  std::string(name) == "points" ? "file" : "folder"));
  fs::create_directories(out, ec);
  if (ec) throw bad_input(fmt::format("{}: cannot create the report folder: {}", out.string(), ec.message()));
  write_file_atomic(out / "summary.csv", summary_csv(records));
  const auto pj = points_json(records, sel);
  write_file_atomic(out / "points.json", json_text(pj) + "\n");
  fs::create_directories(out / "points");
  for (const auto& p : pj) write_file_atomic(out / "points" / (p["id"].get<std::string>() + ".json"), json_text(p) + "\n");
  nlohmann::json selection_doc = {{"baseline", sel.baseline >= 0 ? pj[static_cast<std::size_t>(sel.baseline)]["id"] : nlohmann::json()},
                              {"baseline_rule", sel.baseline_note},
                              {"pareto", nlohmann::json::array()},
                              {"predictor", sel.predictor}};
  for (std::size_t i : sel.front) selection_doc["pareto"].push_back(pj[i]["id"]);
  write_file_atomic(out / "selection.json", json_text(selection_doc) + "\n");

  // Seeds: per-configuration intervals and the paper's claims (docs/experiments.md §5).
  study_inputs study{records, {}, "", r.baseline};
  read_explored(dir, study);
  const auto groups = group_by_configuration(study);
  const auto claims = evaluate_claims(study, groups);
  write_file_atomic(out / "aggregate.csv", aggregate_csv(groups));
  write_file_atomic(out / "aggregate.json", json_text(aggregate_json(study, groups)) + "\n");
  const nlohmann::json claims_doc = claims_json(claims);
  write_file_atomic(out / "claims.json", json_text(claims_doc) + "\n");

  const auto jobs = plot_jobs(records, sel);
  std::vector<std::string> made;
  const fs::path gnuplot = find_gnuplot();
  if (!r.no_plots && gnuplot.empty()) spdlog::warn("report: gnuplot not found (scripts/setup installs gnuplot-nox); no plots");
  // A failed plot leaves no PNG behind (gnuplot may have started writing it).
  auto draw = [&](const plot_job& j) {
    write_file_atomic(out / (j.name + ".dat"), j.data);
    const std::string script = fmt::format("cd '{}'\n", fs::absolute(out).string()) + j.script;
    write_file_atomic(out / (j.name + ".gp"), script);
    if (r.no_plots || gnuplot.empty()) return false;
    if (run_gnuplot(gnuplot, out, j.name)) {
      made.push_back(j.name + ".png");
      return true;
    }
    spdlog::warn("report: gnuplot failed for {} (see {})", j.name, (out / (j.name + ".gnuplot.log")).string());
    return false;
  };
  for (const auto& j : jobs) draw(j);
  const std::string title = fmt::format("snncosim report: {}", fs::absolute(dir).lexically_normal().filename().string());
  std::string md = report_markdown(title, records, sel, jobs, made);
  const auto study_jobs = study_plots(groups);
  for (const auto& j : study_jobs) draw(j);
  md += study_markdown(study, groups, claims, study_jobs, made);
  md += explore_section(dir, out, records, draw, made);
  write_file_atomic(out / "report.md", md);
  write_file_atomic(out / "report.html", markdown_to_html(title, md));
  return {out, records.size(), made, selection_doc, claims_doc};
}

}  // namespace snncosim::experiments
