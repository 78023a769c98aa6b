#include "snncosim/experiments/report.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <set>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <fmt/format.h>

#include "snncosim/experiments/metrics.h"
#include "snncosim/experiments/plot_ticks.h"
#include "snncosim/experiments/selection.h"

namespace snncosim::experiments {

using nlohmann::json;

namespace {

double num(const json& j, std::initializer_list<const char*> path) {
  const json* p = &j;
  for (const char* k : path) {
    if (!p->is_object() || !p->contains(k)) return std::nan("");
    p = &(*p)[k];
  }
  return p->is_number() ? p->get<double>() : std::nan("");
}

std::string fmt_num(double v, int digits = 2) { return std::isnan(v) ? "" : fmt::format("{:.{}f}", v, digits); }
std::string pct(double v) { return std::isnan(v) ? "n/a" : fmt::format("{:.2f}", 100 * v); }

std::string csv_cell(std::string s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// gnuplot strings in single quotes: double a single quote.
std::string gp_quote(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out;
}

std::string short_label(const point_record& p) {
  std::string s = p.neuron_model + "/" + p.surrogate;
  if (p.slope > 0) s += fmt::format("/{:g}", p.slope);
  if (p.label.empty()) return s;
  // Axes other than neuron and surrogate are named too.
  for (const auto& [k, v] : p.settings)
    if (k.find("neuron.model") == std::string::npos && k.find("surrogate") == std::string::npos)
      s += " " + k.substr(k.rfind('.') + 1) + "=" + v;
  return s;
}

double layer_value(const point_record& p, const std::string& layer, const char* key) {
  if (!p.metrics.contains("layers")) return std::nan("");
  for (const auto& l : p.metrics["layers"])
    if (layer_name(l) == layer && l.contains(key) && l[key].is_number()) return l[key].get<double>();
  return std::nan("");
}

std::string plot_header(const std::string& name, const std::string& title) {
  return fmt::format("set terminal pngcairo size 900,560 noenhanced\nset output '{}.png'\nset title '{}'\n"
                     "set grid\nset key outside right top\n",
                     name, gp_quote(title));
}

struct histogram_style {
  std::string name, title;
  std::string histogram;  // gnuplot `set style histogram` argument: rowstacked, clustered gap 1
  std::string ylabel;
  bool simulated_only;    // leave out points without a TLM latency (and shorten the y tics)
};

// One bar group per point, one series per column (missing values are 0): the per-layer
// latency, phase and spike histograms of the report.
plot_job histogram_plot(const histogram_style& st, const std::vector<point_record>& points,
                        const std::vector<std::string>& series,
                        const std::function<double(const point_record&, const std::string&)>& value) {
  plot_job j{st.name, st.title, "# label", ""};
  for (const auto& c : series) j.data += " " + c;
  j.data += "\n";
  const bool stacked = st.histogram == "rowstacked";
  double top = 0;  // the highest bar (stack)
  for (const auto& p : points) {
    if (st.simulated_only && std::isnan(p.latency_cycles())) continue;
    j.data += fmt::format("\"{}\"", short_label(p));
    double stack = 0;
    for (const auto& c : series) {
      const double v = value(p, c);
      j.data += fmt::format(" {}", std::isnan(v) ? 0.0 : v);
      if (!std::isnan(v)) stack = stacked ? stack + v : std::max(stack, v);
    }
    top = std::max(top, stack);
    j.data += "\n";
  }
  j.script = plot_header(j.name, j.title) +
             fmt::format("set style data histograms\nset style histogram {}\nset style fill solid 0.8 border -1\n",
                         st.histogram) +
             (st.simulated_only ? "set boxwidth 0.7\n" : "") +
             fmt::format("set xtics rotate by -35 font ',8'\nset ylabel '{}'\n", gp_quote(st.ylabel)) +
             gnuplot_axis("y", nice_ticks(0, top, 5, 0.05, true)) + "plot ";
  for (std::size_t k = 0; k < series.size(); ++k)
    j.script += fmt::format("{}'{}.dat' using {}{} title '{}'", k ? ", \\\n     " : "", j.name, k + 2,
                            k == 0 ? ":xtic(1)" : "", gp_quote(series[k]));
  j.script += "\n";
  return j;
}

}  // namespace

std::vector<std::string> layer_names(const std::vector<point_record>& points) {
  std::vector<std::string> names;
  for (const auto& p : points)
    if (p.metrics.contains("layers"))
      for (const auto& l : p.metrics["layers"]) {
        const std::string n = layer_name(l);
        if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
      }
  return names;
}

double point_record::accuracy() const { return num(metrics, {"accuracy", "integer"}); }
double point_record::float_accuracy() const { return num(metrics, {"accuracy", "float"}); }
double point_record::latency_cycles() const { return num(metrics, {"latency", "cycles"}); }
double point_record::latency_us() const { return num(metrics, {"latency", "us"}); }
double point_record::energy_uj() const { return num(metrics, {"energy_uj"}); }
double point_record::spikes_per_sample() const { return num(metrics, {"spikes_per_sample"}); }

double point_record::sparsity() const {
  double spikes = 0, slots = 0;
  const double t = num(metrics, {"time_steps"});
  if (!metrics.contains("layers")) return std::nan("");
  for (const auto& l : metrics["layers"])
    if (l.contains("neurons") && l.contains("spikes_per_sample")) {
      spikes += l["spikes_per_sample"].get<double>();
      slots += l["neurons"].get<double>() * (std::isnan(t) ? 1.0 : t);
    }
  return slots > 0 ? 1.0 - spikes / slots : std::nan("");
}

std::vector<double> point_record::training_rates() const {
  std::vector<double> r;
  if (metrics.contains("training") && metrics["training"].contains("firing_rates"))
    for (const auto& [k, v] : metrics["training"]["firing_rates"].items()) r.push_back(v.get<double>());
  return r;
}

selection select_points(const std::vector<point_record>& points, const baseline_spec& baseline) {
  selection sel;
  std::vector<double> acc, lat;
  std::vector<std::size_t> valid;
  for (std::size_t i = 0; i < points.size(); ++i)
    if (!std::isnan(points[i].accuracy()) && !std::isnan(points[i].latency_cycles())) {
      valid.push_back(i);
      acc.push_back(points[i].accuracy());
      lat.push_back(points[i].latency_cycles());
    }
  for (std::size_t k : pareto_front(acc, lat)) sel.front.push_back(valid[k]);

  for (std::size_t i = 0; i < points.size() && sel.baseline < 0; ++i) {
    const auto& p = points[i];
    if (p.neuron_model == baseline.neuron_model && p.surrogate == baseline.surrogate &&
        (baseline.slope <= 0 || std::abs(p.slope - baseline.slope) < 1e-9))
      sel.baseline = static_cast<long>(i);
  }
  sel.baseline_note = fmt::format("{} neuron, {} surrogate, slope {:g}", baseline.neuron_model, baseline.surrogate,
                                  baseline.slope);
  if (sel.baseline < 0) {
    for (std::size_t i = 0; i < points.size() && sel.baseline < 0; ++i)
      if (points[i].neuron_model == baseline.neuron_model) sel.baseline = static_cast<long>(i);
    if (sel.baseline >= 0)
      sel.baseline_note += fmt::format(" not in the sweep; using the first {} point ({})", baseline.neuron_model,
                                       short_label(points[static_cast<std::size_t>(sel.baseline)]));
  }

  // Latency predictor from training-time firing rates only.
  std::vector<std::vector<double>> x;
  std::vector<double> y;
  std::vector<std::size_t> used;
  std::size_t width = 0;
  for (std::size_t i : valid) {
    auto r = points[i].training_rates();
    if (r.empty()) continue;
    if (width == 0) width = r.size();
    if (r.size() != width) continue;
    x.push_back(r);
    y.push_back(points[i].latency_cycles());
    used.push_back(i);
  }
  std::string features = "per-layer training firing rates";
  if (!x.empty() && x.size() < width + 2) {
    // Too few points for one coefficient per layer: one feature, the mean rate.
    for (auto& row : x) {
      double s = 0;
      for (double v : row) s += v;
      row = {s / static_cast<double>(row.size())};
    }
    features = "mean training firing rate";
  }
  const predictor_evaluation ev = evaluate_predictor(x, y);
  if (!ev.coefficients.empty()) {
    json per_point = json::array();
    for (std::size_t k = 0; k < used.size(); ++k)
      per_point.push_back({{"id", points[used[k]].id}, {"measured_cycles", y[k]}, {"held_out_prediction", ev.held_out[k]}});
    sel.predictor = {{"model", "latency_cycles = c0 + sum_k c_k * x_k (least squares)"},
                     {"features", features},
                     {"coefficients", ev.coefficients},
                     {"points", used.size()},
                     {"leave_one_out_mean_abs_rel_error", ev.mean_abs_rel_error},
                     {"leave_one_out_max_abs_rel_error", ev.max_abs_rel_error},
                     {"leave_one_out_rank_agreement", ev.rank_agreement},
                     {"held_out", per_point}};
  }
  return sel;
}

std::string summary_csv(const std::vector<point_record>& points) {
  std::set<std::string> axes;
  for (const auto& p : points)
    for (const auto& [k, v] : p.settings) axes.insert(k);
  const auto layers = layer_names(points);
  std::string out = "id,label";
  for (const auto& a : axes) out += "," + csv_cell(a);
  out += ",dataset,neuron_model,surrogate,slope,float_accuracy,integer_accuracy,latency_cycles,latency_us,"
         "samples_per_s,energy_uj,spikes_per_sample,sparsity,memory_reads,memory_writes";
  for (const auto& l : layers) out += fmt::format(",{0}_spikes,{0}_sparsity,{0}_cycles", l);
  out += "\n";
  for (const auto& p : points) {
    out += csv_cell(p.id) + "," + csv_cell(p.label);
    for (const auto& a : axes) {
      out += ',';
      out += csv_cell(p.settings.count(a) ? p.settings.at(a) : "");
    }
    out += fmt::format(",{},{},{},{:g},{},{},{},{},{},{},{},{},{},{}", csv_cell(p.dataset), p.neuron_model,
                       csv_cell(p.surrogate), p.slope, fmt_num(p.float_accuracy(), 6), fmt_num(p.accuracy(), 6),
                       fmt_num(p.latency_cycles(), 1), fmt_num(p.latency_us(), 3),
                       fmt_num(num(p.metrics, {"throughput", "samples_per_s"}), 3), fmt_num(p.energy_uj(), 4),
                       fmt_num(p.spikes_per_sample(), 2), fmt_num(p.sparsity(), 6),
                       fmt_num(num(p.metrics, {"memory_traffic", "reads_per_sample"}), 1),
                       fmt_num(num(p.metrics, {"memory_traffic", "writes_per_sample"}), 1));
    for (const auto& l : layers)
      out += fmt::format(",{},{},{}", fmt_num(layer_value(p, l, "spikes_per_sample"), 2),
                         fmt_num(layer_value(p, l, "sparsity"), 6), fmt_num(layer_value(p, l, "cycles"), 1));
    out += "\n";
  }
  return out;
}

json points_json(const std::vector<point_record>& points, const selection& sel) {
  json arr = json::array();
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    arr.push_back({{"id", p.id},
                   {"label", p.label},
                   {"settings", p.settings},
                   {"neuron_model", p.neuron_model},
                   {"surrogate", p.surrogate},
                   {"slope", p.slope},
                   {"dataset", p.dataset},
                   {"pareto", std::find(sel.front.begin(), sel.front.end(), i) != sel.front.end()},
                   {"baseline", static_cast<long>(i) == sel.baseline},
                   {"metrics", p.metrics}});
  }
  return arr;
}

std::vector<plot_job> plot_jobs(const std::vector<point_record>& points, const selection& sel) {
  std::vector<plot_job> jobs;
  const auto layers = layer_names(points);
  bool any_latency = false;
  for (const auto& p : points) any_latency = any_latency || !std::isnan(p.latency_cycles());

  if (any_latency) {
    plot_job j{"accuracy_vs_latency", "Integer accuracy vs latency (Pareto front in red)", "", ""};
    j.data = "# latency_cycles accuracy_pct label\n";
    for (const auto& p : points)
      if (!std::isnan(p.latency_cycles()))
        j.data += fmt::format("{} {} \"{}\"\n", p.latency_cycles(), 100 * p.accuracy(), short_label(p));
    j.data += "\n\n# pareto\n";
    for (std::size_t i : sel.front)
      j.data += fmt::format("{} {} \"{}\"\n", points[i].latency_cycles(), 100 * points[i].accuracy(),
                            short_label(points[i]));
    double lat_lo = INFINITY, lat_hi = -INFINITY;
    for (const auto& p : points)
      if (!std::isnan(p.latency_cycles())) {
        lat_lo = std::min(lat_lo, p.latency_cycles());
        lat_hi = std::max(lat_hi, p.latency_cycles());
      }
    const std::string latency_axis_x = gnuplot_axis("x", nice_ticks(lat_lo, lat_hi, 5, 0.08));
    const std::string latency_axis_y = gnuplot_axis("y", nice_ticks(lat_lo, lat_hi, 5, 0.08));
    j.script = plot_header(j.name, j.title) +
               "set xlabel 'mean latency (cycles per sample)'\nset ylabel 'integer accuracy (%)'\n" + latency_axis_x +
               "set offsets graph 0.08, graph 0.08, graph 0.08, graph 0.08\n"
               "plot 'accuracy_vs_latency.dat' index 0 using 1:2 with points pt 7 ps 1.5 title 'points', \\\n"
               "     '' index 0 using 1:2:3 with labels offset 0,1 font ',8' notitle, \\\n"
               "     '' index 1 using 1:2 with linespoints lw 2 lc rgb 'red' pt 6 ps 2 title 'Pareto front'\n";
    jobs.push_back(j);

    plot_job s{"sparsity_vs_latency", "Activation sparsity vs latency", "", ""};
    s.data = "# sparsity_pct latency_cycles label\n";
    for (const auto& p : points)
      if (!std::isnan(p.latency_cycles()) && !std::isnan(p.sparsity()))
        s.data += fmt::format("{} {} \"{}\"\n", 100 * p.sparsity(), p.latency_cycles(), short_label(p));
    s.script = plot_header(s.name, s.title) +
               "set xlabel 'sparsity (% of neuron-steps without a spike)'\nset ylabel 'mean latency (cycles)'\n" +
               latency_axis_y + "set offsets graph 0.08, graph 0.08, graph 0.08, graph 0.08\n"
               "plot 'sparsity_vs_latency.dat' using 1:2 with points pt 7 ps 1.5 title 'points', \\\n"
               "     '' using 1:2:3 with labels offset 0,1 font ',8' notitle\n";
    jobs.push_back(s);

    std::vector<std::string> engine_layers;
    for (const auto& l : layers) {
      bool has = false;
      for (const auto& p : points) has = has || !std::isnan(layer_value(p, l, "cycles"));
      if (has) engine_layers.push_back(l);
    }
    if (!engine_layers.empty())
      jobs.push_back(histogram_plot({"latency_breakdown", "Latency per layer (cycles per sample)", "rowstacked", "cycles",
                                     true},
                                    points, engine_layers, [](const point_record& p, const std::string& l) {
                                      return layer_value(p, l, "cycles");
                                    }));
    jobs.push_back(histogram_plot(
        {"latency_phases", "Layer cycles by phase, summed over layers (per sample)", "rowstacked", "cycles", true}, points,
        {"compress", "accumulate", "activate", "stall", "idle"},
        [](const point_record& p, const std::string& phase) { return num(p.metrics, {"latency", "phases", phase.c_str()}); }));
  }

  if (!layers.empty())
    jobs.push_back(histogram_plot({"layer_spikes", "Spikes per sample per layer (integer model)", "clustered gap 1",
                                   "spikes per sample", false},
                                  points, layers, [](const point_record& p, const std::string& l) {
                                    return layer_value(p, l, "spikes_per_sample");
                                  }));
  return jobs;
}

namespace {

struct group_stats {
  double acc = 0, lat = 0, spikes = 0;
  int n = 0;
};

// Mean accuracy/latency per value of `key_of`, over points where all other axes agree with
// a partner of the reference value; used for "LIF vs Lapicque" and "surrogate" tables.
std::string comparison_table(const std::vector<point_record>& points, const std::string& what,
                             std::string (*key_of)(const point_record&), std::string (*rest_of)(const point_record&),
                             const std::string& reference) {
  // Pair every point with the reference point that has the same other settings.
  std::map<std::string, std::vector<std::pair<double, double>>> ratios;  // value -> (acc delta, latency ratio)
  std::map<std::string, group_stats> stats;
  for (const auto& p : points) {
    if (std::isnan(p.accuracy())) continue;
    auto& g = stats[key_of(p)];
    g.acc += p.accuracy();
    g.lat += std::isnan(p.latency_cycles()) ? 0.0 : p.latency_cycles();
    g.spikes += std::isnan(p.spikes_per_sample()) ? 0.0 : p.spikes_per_sample();
    g.n += 1;
    if (key_of(p) == reference) continue;
    for (const auto& q : points)
      if (key_of(q) == reference && rest_of(q) == rest_of(p) && !std::isnan(q.accuracy()))
        ratios[key_of(p)].push_back({p.accuracy() - q.accuracy(), p.latency_cycles() / q.latency_cycles()});
  }
  if (stats.size() < 2) return "";
  std::string out = fmt::format("| {} | points | mean integer accuracy (%) | mean latency (cycles) | mean spikes/sample | "
                                "accuracy change vs {} (pp, paired) | latency change vs {} (paired, best / mean) |\n"
                                "|---|---|---|---|---|---|---|\n",
                                what, reference, reference);
  for (const auto& [k, g] : stats) {
    std::string delta = "", ratio = "";
    if (auto it = ratios.find(k); it != ratios.end() && !it->second.empty()) {
      double da = 0, dr = 0, best = 1e300;
      for (const auto& [a, r] : it->second) {
        da += a;
        dr += r;
        best = std::min(best, r);
      }
      const double n = static_cast<double>(it->second.size());
      delta = fmt::format("{:+.2f}", 100 * da / n);
      ratio = std::isnan(dr) ? "n/a" : fmt::format("{:+.1f} % / {:+.1f} %", 100 * (best - 1), 100 * (dr / n - 1));
    } else if (k == reference) {
      delta = "(reference)";
      ratio = "(reference)";
    }
    out += fmt::format("| {} | {} | {:.2f} | {:.0f} | {:.0f} | {} | {} |\n", k, g.n, 100 * g.acc / g.n, g.lat / g.n,
                       g.spikes / g.n, delta, ratio);
  }
  return out;
}

std::string neuron_of(const point_record& p) { return p.neuron_model; }
std::string without_neuron(const point_record& p) {
  std::string s = fmt::format("{}/{:g}/{}", p.surrogate, p.slope, p.dataset);
  for (const auto& [k, v] : p.settings)
    if (k.find("neuron.model") == std::string::npos && k.find("surrogate") == std::string::npos) s += k + "=" + v;
  return s;
}
std::string surrogate_of(const point_record& p) { return p.surrogate; }
std::string without_surrogate(const point_record& p) {
  std::string s = p.neuron_model + "/" + p.dataset;
  for (const auto& [k, v] : p.settings)
    if (k.find("surrogate") == std::string::npos && k.find("neuron.model") == std::string::npos) s += k + "=" + v;
  return s;
}

}  // namespace

std::string report_markdown(const std::string& title, const std::vector<point_record>& points, const selection& sel,
                            const std::vector<plot_job>& plots, const std::vector<std::string>& made) {
  std::string md = fmt::format("# {}\n\n{} point(s). Accuracy is the 8-bit integer model's on the evaluated test "
                               "samples; latency, energy and traffic are means per sample of the TLM simulation.\n\n",
                               title, points.size());
  md += "## Points\n\n| point | dataset | neuron | surrogate | slope | float acc (%) | integer acc (%) | latency (cycles) "
        "| latency (us) | energy (uJ) | spikes/sample | sparsity (%) | Pareto |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    const bool on_front = std::find(sel.front.begin(), sel.front.end(), i) != sel.front.end();
    md += fmt::format("| {} | {} | {} | {} | {:g} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                      p.label.empty() ? p.id : p.label, p.dataset, p.neuron_model, p.surrogate, p.slope,
                      pct(p.float_accuracy()), pct(p.accuracy()), fmt_num(p.latency_cycles(), 0),
                      fmt_num(p.latency_us(), 1), fmt_num(p.energy_uj(), 2), fmt_num(p.spikes_per_sample(), 0),
                      pct(p.sparsity()), on_front ? "yes" : "");
  }
  md += "\n";
  for (const auto& j : plots)
    if (std::find(made.begin(), made.end(), j.name + ".png") != made.end())
      md += fmt::format("![{}]({}.png)\n\n", j.title, j.name);

  md += "## Neuron models (LIF vs Lapicque)\n\n";
  const std::string nt = comparison_table(points, "neuron", neuron_of, without_neuron, "leaky");
  md += nt.empty() ? "Only one neuron model in these points.\n\n" : nt + "\n";
  md += "## Surrogates\n\n";
  const std::string st = comparison_table(points, "surrogate", surrogate_of, without_surrogate, "fast_sigmoid");
  md += st.empty() ? "Only one surrogate in these points.\n\n" : st + "\n";

  md += "## Sparsity-aware selection\n\n";
  md += fmt::format("Baseline: {}.\n\n", sel.baseline_note);
  if (sel.baseline >= 0 && !sel.front.empty()) {
    const auto& b = points[static_cast<std::size_t>(sel.baseline)];
    md += "| Pareto point | integer acc (%) | latency (cycles) | accuracy change vs baseline (pp) | latency ratio "
          "baseline / point |\n|---|---|---|---|---|\n";
    for (std::size_t i : sel.front) {
      const auto& p = points[i];
      md += fmt::format("| {} | {} | {} | {:+.2f} | {:.2f}x |\n", short_label(p), pct(p.accuracy()),
                        fmt_num(p.latency_cycles(), 0), 100 * (p.accuracy() - b.accuracy()),
                        b.latency_cycles() / p.latency_cycles());
    }
    md += "\n";
  } else {
    md += "No baseline point or no simulated points: no comparison.\n\n";
  }
  if (!sel.predictor.is_null()) {
    md += fmt::format(
        "Latency predictor from training-time statistics ({}; {} points): leave-one-out mean absolute error "
        "{:.2f} %, max {:.2f} %, pairs ranked like the simulation {:.0f} %.\n\n",
        sel.predictor["features"].get<std::string>(), sel.predictor["points"].get<std::size_t>(),
        100 * sel.predictor["leave_one_out_mean_abs_rel_error"].get<double>(),
        100 * sel.predictor["leave_one_out_max_abs_rel_error"].get<double>(),
        100 * sel.predictor["leave_one_out_rank_agreement"].get<double>());
  } else {
    md += "Latency predictor: too few simulated points (needs features + 2).\n\n";
  }
  md += "## The study's published figures\n\n"
        "\"Surrogates, Spikes, and Sparsity\" (Aliyev, Lopez, Adegbija, 2026), as summarised in the design notes: "
        "Spike Rate Escape cuts latency by up to 12.2 % on DVS128-Gesture at a small accuracy cost; Lapicque "
        "instead of LIF cuts latency by up to 28 %; sparsity-aware selection beats the default baseline by 9.1 % "
        "accuracy and more than 2x latency; accuracy alone is a poor predictor of latency. Their per-configuration "
        "tables are not available here, so only these headline numbers can be set beside ours (tables above: "
        "\"latency change\" columns and the selection table).\n";
  return md;
}

namespace {

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

// The report's markdown as GitHub renders it: cmark-gfm with its table extension. Raw HTML
// stays omitted (cmark's safe default); text is escaped by the renderer.
std::string render_gfm(const std::string& markdown) {
  cmark_gfm_core_extensions_ensure_registered();
  std::unique_ptr<cmark_parser, decltype(&cmark_parser_free)> parser(cmark_parser_new(CMARK_OPT_DEFAULT),
                                                                      &cmark_parser_free);
  cmark_parser_attach_syntax_extension(parser.get(), cmark_find_syntax_extension("table"));
  cmark_parser_feed(parser.get(), markdown.data(), markdown.size());
  std::unique_ptr<cmark_node, decltype(&cmark_node_free)> doc(cmark_parser_finish(parser.get()), &cmark_node_free);
  char* html = cmark_render_html(doc.get(), CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(parser.get()));
  std::string out(html);
  cmark_get_default_mem_allocator()->free(html);
  return out;
}

}  // namespace

std::string markdown_to_html(const std::string& title, const std::string& markdown) {
  return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + html_escape(title) +
         "</title>\n<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}"
         "table{border-collapse:collapse;font-size:90%}td,th{border:1px solid #999;padding:2px 6px}"
         "th{background:#eee}img{max-width:100%}</style></head><body>\n" +
         render_gfm(markdown) + "</body></html>\n";
}

}  // namespace snncosim::experiments
