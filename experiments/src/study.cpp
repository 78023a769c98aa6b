#include "snncosim/experiments/study.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "snncosim/experiments/metrics.h"
#include "snncosim/experiments/plot_ticks.h"

namespace snncosim::experiments {

using nlohmann::json;

namespace {

bool is_seed_axis(const std::string& key) { return key == "seed"; }
bool is_neuron_axis(const std::string& key) { return key.find("neuron.model") != std::string::npos; }
bool is_surrogate_axis(const std::string& key) { return key.find("surrogate") != std::string::npos; }

// The axes other than seed, neuron model and surrogate, and the dataset.
std::string rest_of(const point_record& p) {
  std::string s = p.dataset;
  for (const auto& [k, v] : p.settings)
    if (!is_seed_axis(k) && !is_neuron_axis(k) && !is_surrogate_axis(k)) s += " " + k.substr(k.rfind('.') + 1) + "=" + v;
  return s;
}

std::string group_name(const point_record& p) {
  std::string s = p.neuron_model + "/" + p.surrogate;
  if (p.slope > 0) s += fmt::format("/{:g}", p.slope);
  for (const auto& [k, v] : p.settings)
    if (!is_seed_axis(k) && !is_neuron_axis(k) && !is_surrogate_axis(k)) s += " " + k.substr(k.rfind('.') + 1) + "=" + v;
  return s;
}

double num_at(const json& j, const char* a, const char* b) {
  if (!j.is_object() || !j.contains(a)) return std::nan("");
  const json& x = j[a];
  if (b == nullptr) return x.is_number() ? x.get<double>() : std::nan("");
  if (!x.is_object() || !x.contains(b) || !x[b].is_number()) return std::nan("");
  return x[b].get<double>();
}

std::string fmt_or_empty(double v, int digits) { return std::isnan(v) ? "" : fmt::format("{:.{}f}", v, digits); }

std::string gp_quote(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out;
}

std::string plot_header(const std::string& name, const std::string& title) {
  return fmt::format("set terminal pngcairo size 900,560 noenhanced\nset output '{}.png'\nset title '{}'\n"
                     "set grid\nset key outside right top\n",
                     name, gp_quote(title));
}

// Bars of the group means with their 95 % intervals as error bars, one series per metric.
plot_job error_bar_plot(const std::string& name, const std::string& title, const std::string& ylabel,
                        const std::vector<study_group>& groups, const std::vector<std::string>& keys,
                        const std::vector<std::string>& titles, double scale) {
  plot_job j{name, title, "# group", ""};
  for (const auto& k : keys) j.data += " " + k + "_mean " + k + "_ci95";
  j.data += "\n";
  double top = 0;
  for (const auto& g : groups) {
    j.data += fmt::format("\"{}\"", g.name);
    for (const auto& k : keys) {
      const auto it = g.stats.find(k);
      const double m = it == g.stats.end() || std::isnan(it->second.mean) ? 0.0 : scale * it->second.mean;
      const double h = it == g.stats.end() || std::isnan(it->second.half_width) ? 0.0 : scale * it->second.half_width;
      j.data += fmt::format(" {} {}", m, h);
      top = std::max(top, m + h);
    }
    j.data += "\n";
  }
  j.script = plot_header(name, title) +
             "set style data histograms\nset style histogram errorbars gap 1 lw 1\nset style fill solid 0.7 border -1\n"
             "set bars front\nset xtics rotate by -35 font ',8'\n" +
             fmt::format("set ylabel '{}'\n", gp_quote(ylabel)) + gnuplot_axis("y", nice_ticks(0, top, 5, 0.05, true)) +
             "plot ";
  for (std::size_t k = 0; k < keys.size(); ++k)
    j.script += fmt::format("{}'{}.dat' using {}:{}{} title '{}'", k ? ", \\\n     " : "", name, 2 + 2 * k, 3 + 2 * k,
                            k == 0 ? ":xtic(1)" : "", gp_quote(titles[k]));
  j.script += "\n";
  return j;
}

}  // namespace

std::string mean_pm(const interval& v, double scale, int digits) {
  if (v.n == 0 || std::isnan(v.mean)) return "n/a";
  if (!v.has_interval()) return fmt::format("{:.{}f} (1 seed)", scale * v.mean, digits);
  return fmt::format("{:.{}f} ± {:.{}f}", scale * v.mean, digits, scale * v.half_width, digits);
}

std::vector<study_group> group_by_configuration(const study_inputs& in) {
  std::vector<study_group> groups;
  const auto layers = layer_names(in.points);
  for (std::size_t i = 0; i < in.points.size(); ++i) {
    const point_record& p = in.points[i];
    const std::string name = group_name(p);
    auto it = std::find_if(groups.begin(), groups.end(), [&](const study_group& g) { return g.name == name && g.rest == rest_of(p); });
    if (it == groups.end()) {
      study_group g;
      g.name = name;
      g.neuron_model = p.neuron_model;
      g.surrogate = p.surrogate;
      g.slope = p.slope;
      g.rest = rest_of(p);
      groups.push_back(g);
      it = groups.end() - 1;
    }
    study_group& g = *it;
    g.points.push_back(i);
    g.seeds.push_back(p.seed);
    auto add = [&](const std::string& k, double v) { g.values[k].push_back(v); };
    add("float_accuracy", p.float_accuracy());
    add("integer_accuracy", p.accuracy());
    add("latency_cycles", p.latency_cycles());
    add("latency_us", p.latency_us());
    add("energy_uj", p.energy_uj());
    add("spikes_per_sample", p.spikes_per_sample());
    add("sparsity", p.sparsity());
    const auto ex = in.explored.find(p.id);
    add("explored_latency_cycles", ex == in.explored.end() ? std::nan("") : ex->second.cycles);
    add("explored_latency_us", ex == in.explored.end() ? std::nan("") : ex->second.us);
    const double t = num_at(p.metrics, "time_steps", nullptr);
    for (const auto& ln : layers) {
      double rate = std::nan(""), sp = std::nan("");
      if (p.metrics.contains("layers"))
        for (const auto& l : p.metrics["layers"])
          if (layer_name(l) == ln) {
            const double spikes = num_at(l, "spikes_per_sample", nullptr), neurons = num_at(l, "neurons", nullptr);
            if (!std::isnan(spikes) && neurons > 0 && t > 0) rate = spikes / (neurons * t);
            sp = num_at(l, "sparsity", nullptr);
            if (std::isnan(sp) && !std::isnan(rate)) sp = 1 - rate;
          }
      add(ln + ".firing_rate", rate);
      add(ln + ".sparsity", sp);
    }
  }
  for (auto& g : groups) {
    for (const auto& [k, v] : g.values) g.stats[k] = mean_interval(v);
    int classes = 0;
    for (const std::size_t i : g.points) classes = std::max(classes, in.points[i].num_classes);
    const double acc = g.stats.at("integer_accuracy").mean;
    const double chance = classes > 0 ? 1.0 / classes : 0.0;
    g.learned = classes <= 0 || std::isnan(acc) || acc >= chance + (1.0 - chance) / 4.0;
  }
  return groups;
}

std::vector<std::string> metric_keys(const std::vector<study_group>& groups) {
  std::vector<std::string> keys = {"float_accuracy", "integer_accuracy", "latency_cycles", "latency_us",
                                   "energy_uj", "spikes_per_sample", "sparsity", "explored_latency_cycles",
                                   "explored_latency_us"};
  for (const auto& g : groups)
    for (const auto& [k, v] : g.values)
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  return keys;
}

std::string aggregate_csv(const std::vector<study_group>& groups) {
  const auto keys = metric_keys(groups);
  std::string out = "group,neuron_model,surrogate,slope,other,seeds,n";
  for (const auto& k : keys) out += fmt::format(",{0}_mean,{0}_ci95_low,{0}_ci95_high,{0}_stddev,{0}_n", k);
  out += "\n";
  auto cell = [](const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string o = "\"";
    for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
    return o + "\"";
  };
  for (const auto& g : groups) {
    std::string seeds;
    for (long long s : g.seeds) seeds += fmt::format("{}{}", seeds.empty() ? "" : " ", s);
    out += fmt::format("{},{},{},{:g},{},{},{}", cell(g.name), g.neuron_model, cell(g.surrogate), g.slope, cell(g.rest),
                       seeds, g.points.size());
    for (const auto& k : keys) {
      const auto it = g.stats.find(k);
      const interval v = it == g.stats.end() ? interval{} : it->second;
      const bool ci = v.has_interval();
      out += fmt::format(",{},{},{},{},{}", v.n ? fmt_or_empty(v.mean, 8) : "", ci ? fmt_or_empty(v.low(), 8) : "",
                         ci ? fmt_or_empty(v.high(), 8) : "", ci ? fmt_or_empty(v.stddev, 8) : "", v.n);
    }
    out += "\n";
  }
  return out;
}

json aggregate_json(const study_inputs& in, const std::vector<study_group>& groups) {
  json arr = json::array();
  auto number = [](double v) { return std::isnan(v) ? json() : json(v); };
  for (const auto& g : groups) {
    json per_seed = json::array();
    for (std::size_t k = 0; k < g.points.size(); ++k) {
      json m = json::object();
      for (const auto& [key, vals] : g.values) m[key] = number(vals[k]);
      per_seed.push_back({{"id", in.points[g.points[k]].id}, {"seed", g.seeds[k]}, {"metrics", m}});
    }
    json stats = json::object();
    for (const auto& [key, v] : g.stats)
      stats[key] = {{"n", v.n},
                    {"mean", number(v.mean)},
                    {"stddev", number(v.stddev)},
                    {"ci95_half_width", number(v.half_width)},
                    {"ci95_low", v.has_interval() ? number(v.low()) : json()},
                    {"ci95_high", v.has_interval() ? number(v.high()) : json()}};
    arr.push_back({{"group", g.name},
                   {"neuron_model", g.neuron_model},
                   {"surrogate", g.surrogate},
                   {"slope", g.slope},
                   {"other", g.rest},
                   {"seeds", g.seeds},
                   {"learned", g.learned},
                   {"per_seed", per_seed},
                   {"stats", stats}});
  }
  return {{"interval", "95 % two-sided Student t interval of the mean over seeds: mean ± t(0.975, n-1) s / sqrt(n)"},
          {"budget", in.budget},
          {"groups", arr}};
}

std::vector<plot_job> study_plots(const std::vector<study_group>& groups) {
  std::vector<plot_job> jobs;
  if (groups.empty()) return jobs;
  jobs.push_back(error_bar_plot("study_accuracy", "Accuracy per configuration: mean and 95 % interval over seeds",
                                "accuracy (%)", groups, {"float_accuracy", "integer_accuracy"}, {"float", "integer"}, 100));
  bool latency = false, explored = false;
  for (const auto& g : groups) {
    latency = latency || g.stats.at("latency_cycles").n > 0;
    explored = explored || g.stats.at("explored_latency_cycles").n > 0;
  }
  if (latency) {
    std::vector<std::string> keys = {"latency_cycles"}, titles = {"default accelerator"};
    if (explored) {
      keys.push_back("explored_latency_cycles");
      titles.push_back("explored best hardware");
    }
    jobs.push_back(error_bar_plot("study_latency", "Latency per configuration: mean and 95 % interval over seeds",
                                  "cycles per sample", groups, keys, titles, 1));
    plot_job j{"study_accuracy_vs_latency", "Integer accuracy vs latency, 95 % intervals over seeds", "", ""};
    j.data = "# latency_cycles latency_ci95 accuracy_pct accuracy_ci95_pct group\n";
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& g : groups) {
      const interval& l = g.stats.at("latency_cycles");
      const interval& a = g.stats.at("integer_accuracy");
      if (l.n == 0 || a.n == 0) continue;
      const double lh = l.has_interval() ? l.half_width : 0, ah = a.has_interval() ? a.half_width : 0;
      j.data += fmt::format("{} {} {} {} \"{}\"\n", l.mean, lh, 100 * a.mean, 100 * ah, g.name);
      lo = std::min(lo, l.mean - lh);
      hi = std::max(hi, l.mean + lh);
    }
    j.script = plot_header(j.name, j.title) +
               "set xlabel 'mean latency (cycles per sample)'\nset ylabel 'integer accuracy (%)'\n" +
               gnuplot_axis("x", nice_ticks(lo, hi, 5, 0.08)) +
               "set offsets graph 0.08, graph 0.08, graph 0.08, graph 0.08\n"
               "plot 'study_accuracy_vs_latency.dat' using 1:3:2:4 with xyerrorbars pt 7 ps 1.2 title 'configurations', \\\n"
               "     '' using 1:3:5 with labels offset 0,1 font ',8' notitle\n";
    jobs.push_back(j);
  }
  return jobs;
}

std::string study_markdown(const study_inputs& in, const std::vector<study_group>& groups,
                           const std::vector<claim_result>& claims, const std::vector<plot_job>& plots,
                           const std::vector<std::string>& made) {
  std::size_t max_n = 0;
  for (const auto& g : groups) max_n = std::max(max_n, g.points.size());
  bool explored = false;
  for (const auto& g : groups) explored = explored || g.stats.at("explored_latency_cycles").n > 0;
  std::string md = "## Configurations over seeds\n\n";
  md += fmt::format(
      "{} configuration(s), up to {} seed(s) each. Each cell is the mean over seeds ± the half width of its 95 % "
      "Student-t interval (t(0.975, n-1) s / sqrt(n)); per-seed values are in aggregate.json and summary.csv.{}\n\n",
      groups.size(), max_n, max_n < 2 ? " With one seed per configuration there are no intervals." : "");
  md += "| configuration | seeds | float acc (%) | integer acc (%) | latency (k cycles) | latency (us) | energy (uJ) | "
        "sparsity (%) |";
  if (explored) md += " explored latency (k cycles) |";
  md += "\n|---|---|---|---|---|---|---|---|";
  if (explored) md += "---|";
  md += "\n";
  for (const auto& g : groups) {
    std::string seeds;
    for (long long s : g.seeds) seeds += fmt::format("{}{}", seeds.empty() ? "" : ",", s);
    md += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |", g.name, seeds, mean_pm(g.stats.at("float_accuracy"), 100, 2),
                      mean_pm(g.stats.at("integer_accuracy"), 100, 2), mean_pm(g.stats.at("latency_cycles"), 1e-3, 1),
                      mean_pm(g.stats.at("latency_us"), 1, 1), mean_pm(g.stats.at("energy_uj"), 1, 2),
                      mean_pm(g.stats.at("sparsity"), 100, 2));
    if (explored) md += fmt::format(" {} |", mean_pm(g.stats.at("explored_latency_cycles"), 1e-3, 1));
    md += "\n";
  }
  md += "\n";
  if (explored)
    md += fmt::format("Explored latency: each point on the best hardware `snncosim explore` found for it under the budget "
                      "{} (explore/codesign.json).\n\n",
                      in.budget.empty() ? "of the whole platform" : "'" + in.budget + "'");
  const auto layers = layer_names(in.points);
  if (!layers.empty()) {
    md += "Firing rate per layer (integer model; spikes per neuron and time step, mean ± 95 % interval; sparsity = 1 - "
          "rate):\n\n| configuration |";
    for (const auto& l : layers) md += fmt::format(" {} |", l);
    md += "\n|---|";
    for (std::size_t k = 0; k < layers.size(); ++k) md += "---|";
    md += "\n";
    for (const auto& g : groups) {
      md += "| " + g.name + " |";
      for (const auto& l : layers) md += fmt::format(" {} |", mean_pm(g.stats.at(l + ".firing_rate"), 1, 4));
      md += "\n";
    }
    md += "\n";
  }
  for (const auto& j : plots)
    if (std::find(made.begin(), made.end(), j.name + ".png") != made.end())
      md += fmt::format("![{}]({}.png)\n\n", j.title, j.name);

  md += "## The paper's claims, computed\n\n"
        "\"Surrogates, Spikes, and Sparsity\" (Aliyev, Lopez, Adegbija, 2026) against these points. Intervals are 95 % "
        "Student-t intervals over seeds of paired per-seed differences (same seed, same other settings); a claim is "
        "supported when the whole interval lies on the paper's side, contradicted when it lies on the other side, and "
        "within noise otherwise. Configurations that did not learn (mean integer accuracy less than a quarter "
        "of the way from chance, 1 / the network's classes, to 100 %) are left out of the latency claims, the selection and the predictor: their latency says "
        "nothing about the surrogate or neuron model.\n\n"
        "| claim | paper | ours | verdict |\n|---|---|---|---|\n";
  for (const auto& c : claims) md += fmt::format("| {} | {} | {} | {} |\n", c.title, c.paper, c.ours, c.verdict);
  md += "\n";
  return md;
}

}  // namespace snncosim::experiments
