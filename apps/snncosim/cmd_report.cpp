// `snncosim report RESULTS_DIR`: summary.csv, points.json (per-point metrics), PNG plots made
// with gnuplot, report.md and report.html for a sweep folder or one run folder.
#include <cmath>
#include <functional>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "command.h"
#include "snncosim/common/atomic_file.h"
#include "snncosim/common/error.h"
#include "snncosim/experiments/child_process.h"
#include "snncosim/experiments/codesign.h"
#include "snncosim/experiments/results.h"
#include "snncosim/experiments/study.h"
#include "json_text.h"

namespace snncosim::cli {

namespace fs = std::filesystem;
namespace ex = experiments;

namespace {

struct report_options {
  std::string dir;
  std::string out;
  bool no_plots = false;
  ex::baseline_spec baseline;
};

fs::path find_gnuplot() {
  for (const char* p : {"/usr/bin/gnuplot", "/usr/local/bin/gnuplot"})
    if (fs::exists(p)) return p;
  return {};
}

// The architecture exploration of the folder (docs/explore.md §7), when there is one: the
// co-design table and plot from explore/codesign.json, and every explored point's Pareto
// and balance plots copied in as explore_<id>_{pareto,balance}.png.
std::string explore_section(const fs::path& dir, const fs::path& out, const std::vector<ex::point_record>& records,
                            const std::function<bool(const ex::plot_job&)>& draw, std::vector<std::string>& made) {
  std::string md;
  const fs::path cd = dir / "explore" / "codesign.json";
  if (fs::exists(cd)) {
    const nlohmann::json doc = nlohmann::json::parse(read_file(cd), nullptr, false);
    if (doc.is_discarded() || !doc.contains("rows"))
      throw bad_input(fmt::format("{}: not a codesign document", cd.string()));
    md += ex::codesign_markdown(doc, "##");
    const ex::plot_job plot = ex::codesign_plot(doc);
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
void read_explored(const fs::path& dir, ex::study_inputs& in) {
  const fs::path cd = dir / "explore" / "codesign.json";
  if (!fs::exists(cd)) return;
  const nlohmann::json doc = nlohmann::json::parse(read_file(cd), nullptr, false);
  if (doc.is_discarded() || !doc.contains("rows")) return;  // explore_section refuses it
  if (doc.contains("budget") && doc["budget"].is_string()) in.budget = doc["budget"].get<std::string>();
  for (const auto& r : doc["rows"]) {
    if (!r.is_object() || !r.contains("id") || !r["id"].is_string() || !r.contains("best")) continue;
    const auto& b = r["best"];
    if (!b.is_object() || !b.contains("latency_cycles") || !b["latency_cycles"].is_number()) continue;
    in.explored[r["id"].get<std::string>()] = {b["latency_cycles"].get<double>(),
                                               b.contains("latency_us") && b["latency_us"].is_number()
                                                   ? b["latency_us"].get<double>()
                                                   : std::nan("")};
  }
}

}  // namespace

void add_report_command(CLI::App& root, global_options& global) {
  auto* cmd = root.add_subcommand("report", "Tables, plots and an HTML/Markdown report of a sweep or run folder (docs/experiments.md)");
  auto opt = std::make_shared<report_options>();
  cmd->add_option("results", opt->dir, "Sweep folder (with sweep.json) or run folder (with metrics.json)")->required();
  cmd->add_option("--out", opt->out, "Report folder (default: RESULTS/report)");
  cmd->add_flag("--no-plots", opt->no_plots, "Write the tables and the report without running gnuplot");
  cmd->add_option("--baseline-neuron", opt->baseline.neuron_model, "Baseline neuron model of the selection")
      ->capture_default_str();
  cmd->add_option("--baseline-surrogate", opt->baseline.surrogate, "Baseline surrogate")->capture_default_str();
  cmd->add_option("--baseline-slope", opt->baseline.slope, "Baseline surrogate slope (0: any)")->capture_default_str();
  cmd->callback([&global, opt] {
    const fs::path dir = opt->dir;
    const fs::path out = opt->out.empty() ? dir / "report" : fs::path(opt->out);
    const auto records = ex::load_results(dir);
    if (records.empty()) throw bad_input(fmt::format("{}: no finished points yet (no metrics.json)", dir.string()));
    const ex::selection sel = ex::select_points(records, opt->baseline);
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
    write_file_atomic(out / "summary.csv", ex::summary_csv(records));
    const auto pj = ex::points_json(records, sel);
    write_file_atomic(out / "points.json", json_text(pj) + "\n");
    fs::create_directories(out / "points");
    for (const auto& p : pj) write_file_atomic(out / "points" / (p["id"].get<std::string>() + ".json"), json_text(p) + "\n");
    nlohmann::json selection = {{"baseline", sel.baseline >= 0 ? pj[static_cast<std::size_t>(sel.baseline)]["id"] : nlohmann::json()},
                                {"baseline_rule", sel.baseline_note},
                                {"pareto", nlohmann::json::array()},
                                {"predictor", sel.predictor}};
    for (std::size_t i : sel.front) selection["pareto"].push_back(pj[i]["id"]);
    write_file_atomic(out / "selection.json", json_text(selection) + "\n");

    // Seeds: per-configuration intervals and the paper's claims (docs/experiments.md §5).
    ex::study_inputs study{records, {}, "", opt->baseline};
    read_explored(dir, study);
    const auto groups = ex::group_by_configuration(study);
    const auto claims = ex::evaluate_claims(study, groups);
    write_file_atomic(out / "aggregate.csv", ex::aggregate_csv(groups));
    write_file_atomic(out / "aggregate.json", json_text(ex::aggregate_json(study, groups)) + "\n");
    write_file_atomic(out / "claims.json", json_text(ex::claims_json(claims)) + "\n");

    const auto jobs = ex::plot_jobs(records, sel);
    std::vector<std::string> made;
    const fs::path gnuplot = find_gnuplot();
    if (!opt->no_plots && gnuplot.empty()) spdlog::warn("report: gnuplot not found (scripts/setup installs gnuplot-nox); no plots");
    // A failed plot leaves no PNG behind (gnuplot may have started writing it).
    auto draw = [&](const ex::plot_job& j) {
      write_file_atomic(out / (j.name + ".dat"), j.data);
      const std::string script = fmt::format("cd '{}'\n", fs::absolute(out).string()) + j.script;
      write_file_atomic(out / (j.name + ".gp"), script);
      if (opt->no_plots || gnuplot.empty()) return false;
      const fs::path log = out / (j.name + ".gnuplot.log");
      const auto e = ex::run_child({gnuplot.string(), (out / (j.name + ".gp")).string()}, "/dev/null", log);
      if (e.ok() && fs::exists(out / (j.name + ".png"))) {
        made.push_back(j.name + ".png");
        fs::remove(log);
        return true;
      }
      fs::remove(out / (j.name + ".png"));
      spdlog::warn("report: gnuplot failed for {} (see {})", j.name, log.string());
      return false;
    };
    for (const auto& j : jobs) draw(j);
    const std::string title = fmt::format("snncosim report: {}", fs::absolute(dir).lexically_normal().filename().string());
    std::string md = ex::report_markdown(title, records, sel, jobs, made);
    const auto study_jobs = ex::study_plots(groups);
    for (const auto& j : study_jobs) draw(j);
    md += ex::study_markdown(study, groups, claims, study_jobs, made);
    md += explore_section(dir, out, records, draw, made);
    write_file_atomic(out / "report.md", md);
    write_file_atomic(out / "report.html", ex::markdown_to_html(title, md));
    if (global.json) {
      std::cout << nlohmann::json{{"folder", out.string()}, {"points", records.size()}, {"plots", made},
                                  {"selection", selection}, {"claims", ex::claims_json(claims)}}
                       .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
                << "\n";
    } else {
      std::cout << fmt::format("{} points; wrote {}/report.html, report.md, summary.csv, points.json, selection.json, aggregate.csv, "
                               "aggregate.json, claims.json and {} plots\n",
                               records.size(), out.string(), made.size());
    }
  });
}

}  // namespace snncosim::cli
