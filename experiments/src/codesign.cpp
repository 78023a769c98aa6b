#include "snncosim/experiments/codesign.h"

#include <algorithm>
#include <limits>
#include <tuple>
#include <map>

#include <fmt/format.h>

namespace snncosim::experiments {

using nlohmann::json;

bool dominates(const codesign_pair& a, const codesign_pair& b) {
  const bool no_worse = a.accuracy >= b.accuracy && a.score <= b.score && a.max_utilisation <= b.max_utilisation;
  const bool better = a.accuracy > b.accuracy || a.score < b.score || a.max_utilisation < b.max_utilisation;
  return no_worse && better;
}

std::vector<std::size_t> joint_pareto(const std::vector<codesign_pair>& pairs) {
  // Within one point accuracy is constant, so a pair on the joint front is on its point's
  // (score, utilisation) front; those fronts are small, the pairs are not.
  std::map<std::string, std::vector<std::size_t>> by_point;
  for (std::size_t i = 0; i < pairs.size(); ++i) by_point[pairs[i].point].push_back(i);
  std::vector<std::size_t> local;
  for (auto& [point, idx] : by_point) {
    std::sort(idx.begin(), idx.end(), [&](std::size_t x, std::size_t y) {
      const auto& a = pairs[x];
      const auto& b = pairs[y];
      if (a.score != b.score) return a.score < b.score;
      if (a.accuracy != b.accuracy) return a.accuracy > b.accuracy;
      return a.max_utilisation < b.max_utilisation;
    });
    // Sweep by score: a pair survives when no pair with a smaller score has a utilisation
    // at most its own, and it has the smallest utilisation of its score group.
    double best_before = std::numeric_limits<double>::infinity();
    for (std::size_t g = 0; g < idx.size();) {
      std::size_t e = g;
      while (e < idx.size() && pairs[idx[e]].score == pairs[idx[g]].score &&
             pairs[idx[e]].accuracy == pairs[idx[g]].accuracy)
        ++e;
      const double group_min = pairs[idx[g]].max_utilisation;
      for (std::size_t k = g; k < e; ++k)
        if (pairs[idx[k]].max_utilisation == group_min && !(best_before <= group_min)) local.push_back(idx[k]);
      best_before = std::min(best_before, group_min);
      g = e;
    }
  }
  std::vector<std::size_t> front;
  for (const std::size_t i : local) {
    bool dominated = false;
    for (const std::size_t j : local)
      if (j != i && dominates(pairs[j], pairs[i])) {
        dominated = true;
        break;
      }
    if (!dominated) front.push_back(i);
  }
  std::sort(front.begin(), front.end(), [&](std::size_t x, std::size_t y) {
    if (pairs[x].score != pairs[y].score) return pairs[x].score < pairs[y].score;
    if (pairs[x].accuracy != pairs[y].accuracy) return pairs[x].accuracy > pairs[y].accuracy;
    return x < y;
  });
  return front;
}

namespace {

json pair_json(const codesign_pair& p, const json& rows) {
  json j = {{"point", p.point},       {"key", p.key},       {"config", p.config},       {"accuracy_integer", p.accuracy},
            {"score", p.score},       {"latency_cycles", p.latency_cycles}, {"energy_uj", p.energy_uj},
            {"max_utilisation", p.max_utilisation}};
  for (const auto& r : rows)
    if (r.value("id", "") == p.point) {
      j["label"] = r.value("label", "");
      j["short_label"] = r.value("neuron_model", "") + "/" + r.value("surrogate", "");
    }
  return j;
}

std::string join_ints(const json& a) {
  std::string s;
  for (const auto& v : a) {
    if (!s.empty()) s += '/';
    s += std::to_string(v.get<long>());
  }
  return s;
}

std::string join_strings(const json& a) {
  std::string s;
  for (const auto& v : a) {
    if (!s.empty()) s += '/';
    s += v.get<std::string>();
  }
  return s;
}

// The configuration in words, else the key (whose '|' would split a Markdown table cell).
std::string key_cell(const json& p) {
  std::string k = p.value("config", "");
  if (k.empty()) k = p.value("key", "");
  std::replace(k.begin(), k.end(), '|', '/');
  return k;
}

std::string point_cell(const json& p) { return p.value("short_label", p.value("label", p.value("point", ""))); }

std::string pct(const json& v) { return v.is_number() ? fmt::format("{:.1f}", 100 * v.get<double>()) : "-"; }
std::string cycles(const json& v) { return v.is_number() ? fmt::format("{:.0f}", v.get<double>()) : "-"; }

std::string surrogate_text(const json& r) {
  std::string s = r.value("surrogate", "");
  if (r.contains("surrogate_params") && r["surrogate_params"].is_object() && !r["surrogate_params"].empty()) {
    std::string p;
    for (const auto& [k, v] : r["surrogate_params"].items()) {
      if (!p.empty()) p += ", ";
      p += k + "=" + v.dump();
    }
    s += " (" + p + ")";
  }
  return s;
}

}  // namespace

json codesign_document(const json& header, const json& rows, const std::vector<codesign_pair>& pairs) {
  json doc = header;
  doc["rows"] = rows;
  doc["pairs"] = pairs.size();
  const auto front = joint_pareto(pairs);
  json jf = json::array();
  for (const std::size_t i : front) jf.push_back(pair_json(pairs[i], rows));
  doc["joint_front"] = jf;
  json best = json::object();
  if (!front.empty()) {
    // The extremes of the front, one per objective, ties broken by the other two.
    auto pick = [&](auto less) { return *std::min_element(front.begin(), front.end(), [&](std::size_t x, std::size_t y) { return less(pairs[x], pairs[y]); }); };
    const auto key3 = [](double a, double b, double c) { return std::tuple(a, b, c); };
    best["accuracy"] = pair_json(pairs[pick([&](const codesign_pair& a, const codesign_pair& b) {
                                   return key3(-a.accuracy, a.score, a.max_utilisation) <
                                          key3(-b.accuracy, b.score, b.max_utilisation);
                                 })],
                                 rows);
    best["objective"] = pair_json(pairs[pick([&](const codesign_pair& a, const codesign_pair& b) {
                                    return key3(a.score, -a.accuracy, a.max_utilisation) <
                                           key3(b.score, -b.accuracy, b.max_utilisation);
                                  })],
                                  rows);
    best["utilisation"] = pair_json(pairs[pick([&](const codesign_pair& a, const codesign_pair& b) {
                                      return key3(a.max_utilisation, -a.accuracy, a.score) <
                                             key3(b.max_utilisation, -b.accuracy, b.score);
                                    })],
                                    rows);
  }
  doc["jointly_best"] = best;
  return doc;
}

std::string codesign_csv(const json& doc) {
  std::string csv =
      "index,id,neuron_model,surrogate,surrogate_params,float_accuracy,integer_accuracy,firing_rate,"
      "start_latency_cycles,start_max_utilisation,best_pipeline_mode,best_neuron_cores,best_penc_width_bits,"
      "best_weight_memory,best_membrane_memory,best_spike_fifo_depth,best_latency_cycles,best_energy_uj,"
      "best_lut_utilisation,best_bram_utilisation,best_max_utilisation,best_score,tlm_latency_cycles,label\n";
  const auto q = [](std::string s) {
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  };
  const auto num = [](const json& v) { return v.is_number() ? fmt::format("{}", v.get<double>()) : std::string(); };
  for (const auto& r : doc["rows"]) {
    const json& b = r["best"];
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", r.value("index", 0),
                       r.value("id", ""), r.value("neuron_model", ""), r.value("surrogate", ""),
                       q(r.value("surrogate_params", json::object()).dump()), num(r["accuracy_float"]),
                       num(r["accuracy_integer"]), num(r["firing_rate"]), num(r["start_latency_cycles"]),
                       num(r["start_max_utilisation"]), b.value("pipeline_mode", ""), join_ints(b["neuron_cores"]),
                       join_ints(b["penc_width_bits"]), join_strings(b["weight_memory"]),
                       join_strings(b["membrane_memory"]), join_ints(b["spike_fifo_depth"]), num(b["latency_cycles"]),
                       num(b["energy_uj"]), num(b["lut_utilisation"]), num(b["bram_utilisation"]),
                       num(b["max_utilisation"]), num(b["score"]), num(r.value("tlm_latency_cycles", json())),
                       q(r.value("label", "")));
  }
  return csv;
}

std::string codesign_markdown(const json& doc, const std::string& h) {
  const std::string objective = doc.value("objective", "latency");
  std::string md = fmt::format("{} Co-design: best hardware per training point\n\n", h);
  md += fmt::format("Objective {} on {}, budget {}; {} feasible (point, configuration) pairs. Start: the "
                    "experiment's hardware YAML. TLM: the best configuration re-simulated by the TLM.\n\n",
                    objective, doc.value("platform", "?"), doc.value("budget", "").empty() ? "platform" : doc.value("budget", ""),
                    doc.value("pairs", 0));
  md += "| # | neuron | surrogate | float acc % | int acc % | firing rate | start cycles | best cycles | TLM cycles | "
        "speed-up | mode | cores | penc | LUT % | BRAM % | energy uJ |\n";
  md += "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : doc["rows"]) {
    const json& b = r["best"];
    const double start = r.value("start_latency_cycles", 0.0), best = b.value("latency_cycles", 0.0);
    md += fmt::format("| {} | {} | {} | {} | {} | {:.4f} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.4f} |\n",
                      r.value("index", 0), r.value("neuron_model", ""), surrogate_text(r), pct(r["accuracy_float"]),
                      pct(r["accuracy_integer"]), r.value("firing_rate", 0.0), cycles(r["start_latency_cycles"]),
                      cycles(b["latency_cycles"]), cycles(r.value("tlm_latency_cycles", json())),
                      best > 0 ? fmt::format("{:.2f}x", start / best) : "-", b.value("pipeline_mode", ""),
                      join_ints(b["neuron_cores"]), join_ints(b["penc_width_bits"]), pct(b["lut_utilisation"]),
                      pct(b["bram_utilisation"]), b.value("energy_uj", 0.0));
  }
  md += "\n";
  const json& jb = doc["jointly_best"];
  if (!jb.empty()) {
    md += fmt::format("{} Jointly best (hyperparameters, hardware) under the budget\n\n", h);
    md += "| best in | point | int acc % | objective | latency cycles | max util % | configuration |\n|---|---|---|---|---|---|---|\n";
    for (const char* k : {"accuracy", "objective", "utilisation"}) {
      if (!jb.contains(k)) continue;
      const json& p = jb[k];
      md += fmt::format("| {} | {} | {} | {:.6g} | {} | {} | {} |\n", std::string(k) == "objective" ? objective : k,
                        point_cell(p), pct(p["accuracy_integer"]), p.value("score", 0.0),
                        cycles(p["latency_cycles"]), pct(p["max_utilisation"]), key_cell(p));
    }
    md += "\n";
  }
  if (doc.contains("rtl_cosim") && doc["rtl_cosim"].is_object()) {
    const json& c = doc["rtl_cosim"];
    md += c.contains("mismatches")
              ? fmt::format("RTL co-simulation of the jointly best ({}): {} mismatches over {} events.\n\n", objective,
                            c["mismatches"].dump(), c.value("events_compared", json()).dump())
              : fmt::format("RTL co-simulation of the jointly best did not run (exit {}).\n\n", c.value("exit_status", -1));
  }
  md += fmt::format("{} Joint Pareto front (accuracy up, {} down, max utilisation down): {} pairs\n\n", h, objective,
                    doc["joint_front"].size());
  md += "| point | int acc % | objective | latency cycles | energy uJ | max util % | configuration |\n|---|---|---|---|---|---|---|\n";
  // The whole front is in codesign.json (configurations with equal numbers, e.g. differing
  // only in a FIFO depth that never fills, are all there); a report lists the distinct
  // numbers, the first configuration of each.
  constexpr std::size_t listed = 30;
  std::size_t distinct = 0;
  const json& front = doc["joint_front"];
  for (std::size_t i = 0; i < front.size();) {
    const json& p = front[i];
    std::size_t same = i + 1;
    while (same < front.size() && front[same].value("point", "") == p.value("point", "") &&
           front[same]["score"] == p["score"] && front[same]["max_utilisation"] == p["max_utilisation"])
      ++same;
    if (distinct++ < listed)
      md += fmt::format("| {} | {} | {:.6g} | {} | {:.4f} | {} | {}{} |\n", point_cell(p), pct(p["accuracy_integer"]),
                        p.value("score", 0.0), cycles(p["latency_cycles"]), p.value("energy_uj", 0.0),
                        pct(p["max_utilisation"]), key_cell(p),
                        same - i > 1 ? fmt::format(" (+{} equal)", same - i - 1) : std::string());
    i = same;
  }
  if (distinct > listed) md += fmt::format("\n({} more in codesign.json)\n", distinct - listed);
  md += "\n";
  return md;
}

plot_job codesign_plot(const json& doc) {
  plot_job j{"codesign", "Co-design: latency per training point (best hardware vs start hardware)", "", ""};
  j.data = "# integer_accuracy_pct best_latency_cycles start_latency_cycles label\n";
  for (const auto& r : doc["rows"]) {
    std::string label = r.value("neuron_model", "") + "/" + r.value("surrogate", "");
    for (char& c : label)
      if (c == '"') c = '\'';
    j.data += fmt::format("{} {} {} \"{}\"\n", 100 * r.value("accuracy_integer", 0.0),
                          r["best"].value("latency_cycles", 0.0), r.value("start_latency_cycles", 0.0), label);
  }
  j.script = fmt::format(
      "set terminal pngcairo size 900,560 noenhanced\nset output 'codesign.png'\nset title '{}'\n"
      "set grid\nset key outside right top\nset xlabel 'integer accuracy (%)'\nset ylabel 'mean latency (cycles)'\n"
      "set logscale y\nset offsets graph 0.08, graph 0.08, graph 0.08, graph 0.08\n"
      "plot 'codesign.dat' using 1:3:(0):($2-$3) with vectors nohead dt 2 lc rgb '#999999' notitle, \\\n"
      "     '' using 1:2 with points pt 7 ps 1.5 lc rgb '#d62728' title 'best hardware', \\\n"
      "     '' using 1:3 with points pt 6 ps 1.5 lc rgb '#1f77b4' title 'start hardware', \\\n"
      "     '' using 1:2:4 with labels offset 0,1 font ',8' notitle\n",
      j.title);
  return j;
}

}  // namespace snncosim::experiments
