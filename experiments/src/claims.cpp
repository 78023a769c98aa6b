// The paper's claims as computed comparisons over seeds (docs/experiments.md §5).
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "snncosim/experiments/selection.h"
#include "snncosim/experiments/study.h"

namespace snncosim::experiments {

using nlohmann::json;

namespace {

const std::string no_interval = "cannot tell: one seed, no interval (add a seed axis, e.g. `seed: [1, 2, 3, 4, 5]`)";

json interval_json(const interval& v) {
  auto number = [](double x) { return std::isnan(x) ? json() : json(x); };
  return {{"n", v.n}, {"mean", number(v.mean)}, {"ci95_low", v.has_interval() ? number(v.low()) : json()},
          {"ci95_high", v.has_interval() ? number(v.high()) : json()}};
}

// "-8.1 % [-12.0, -4.2] (n = 5)" for a value scaled by `scale` with unit `unit`.
std::string shown(const interval& v, double scale, const std::string& unit, int digits = 1) {
  if (v.n == 0) return "n/a";
  if (!v.has_interval()) return fmt::format("{:+.{}f}{} (n = 1, no interval)", scale * v.mean, digits, unit);
  return fmt::format("{:+.{}f}{} [{:+.{}f}, {:+.{}f}] (n = {})", scale * v.mean, digits, unit, scale * v.low(), digits,
                     scale * v.high(), digits, v.n);
}

// Where the interval lies relative to 0, for a claim that the value is negative
// (`expect_negative`) or positive.
std::string verdict_of(const interval& v, bool expect_negative) {
  if (v.n == 0) return "cannot be computed";
  if (!v.has_interval()) return no_interval;
  const bool below = v.high() < 0, above = v.low() > 0;
  if (expect_negative ? below : above) return "supports (direction)";
  if (expect_negative ? above : below) return "contradicts";
  return "within noise";
}

const study_group* find_group(const std::vector<study_group>& groups, const std::string& neuron, const std::string& surrogate,
                              const std::string& rest) {
  for (const auto& g : groups)
    if (g.neuron_model == neuron && g.surrogate == surrogate && g.rest == rest) return &g;
  return nullptr;
}

// Per seed: metric of `a` relative to `b` (a/b - 1 when `ratio`, else a - b), over the seeds
// both have.
std::vector<double> paired(const study_group& a, const study_group& b, const std::string& metric, bool ratio) {
  std::vector<double> out;
  const auto& va = a.values.at(metric);
  const auto& vb = b.values.at(metric);
  for (std::size_t i = 0; i < a.seeds.size(); ++i)
    for (std::size_t j = 0; j < b.seeds.size(); ++j)
      if (a.seeds[i] == b.seeds[j] && !std::isnan(va[i]) && !std::isnan(vb[j]))
        out.push_back(ratio ? va[i] / vb[j] - 1 : va[i] - vb[j]);
  return out;
}

// " Left out (did not learn): a, b." or nothing.
std::string not_learned_note(const std::vector<study_group>& groups) {
  std::string names;
  for (const auto& g : groups)
    if (!g.learned) names += (names.empty() ? "" : ", ") + g.name;
  return names.empty() ? "" : ". Left out (did not learn): " + names;
}

std::set<std::string> rests(const std::vector<study_group>& groups) {
  std::set<std::string> r;
  for (const auto& g : groups) r.insert(g.rest);
  return r;
}

// A latency change of `changed` vs `reference` along one axis (surrogate or neuron model),
// per pair of configurations that differ only there; the headline is the most negative mean.
claim_result latency_claim(const std::vector<study_group>& groups, const std::string& id, const std::string& title,
                           const std::string& paper, const std::string& metric,
                           const std::function<const study_group*(const study_group&)>& partner_of,
                           const std::function<bool(const study_group&)>& is_changed, const std::string& missing) {
  claim_result c{id, title, paper, "", "", json::array()};
  std::optional<std::pair<std::string, interval>> best;
  std::string rows;
  for (const auto& g : groups) {
    if (!is_changed(g) || !g.learned) continue;
    const study_group* ref = partner_of(g);
    if (ref == nullptr || !ref->learned) continue;
    const auto d = paired(g, *ref, metric, true);
    const interval v = mean_interval(d);
    if (v.n == 0) continue;
    c.detail.push_back({{"configuration", g.name}, {"reference", ref->name}, {"relative_change", interval_json(v)},
                        {"per_seed", d}});
    rows += fmt::format("{}{}: {}", rows.empty() ? "" : "; ", g.name, shown(v, 100, " %"));
    if (!best || v.mean < best->second.mean) best = {g.name, v};
  }
  if (!best) {
    c.ours = missing + not_learned_note(groups);
    c.verdict = "cannot be computed";
    return c;
  }
  c.ours = fmt::format("best {}: {}. All: {}{}", best->first, shown(best->second, 100, " %"), rows, not_learned_note(groups));
  c.verdict = verdict_of(best->second, true);
  return c;
}

// Leave-one-out predictions of y from rows x, folds given by `fold` (points of one fold
// are predicted by a fit to the others); NaN when a fold's training set is too small.
std::vector<double> held_out(const std::vector<std::vector<double>>& x, const std::vector<double>& y,
                             const std::vector<std::string>& fold) {
  std::vector<double> pred(y.size(), std::nan(""));
  const std::size_t features = x.empty() ? 0 : x[0].size();
  for (std::size_t i = 0; i < y.size(); ++i) {
    std::vector<std::vector<double>> xs;
    std::vector<double> ys;
    for (std::size_t j = 0; j < y.size(); ++j)
      if (fold[j] != fold[i]) {
        xs.push_back(x[j]);
        ys.push_back(y[j]);
      }
    if (xs.size() >= features + 2) pred[i] = predict(least_squares(xs, ys), x[i]);
  }
  return pred;
}

std::vector<double> abs_rel_errors(const std::vector<double>& pred, const std::vector<double>& y) {
  std::vector<double> e;
  for (std::size_t i = 0; i < y.size(); ++i) e.push_back(std::isnan(pred[i]) || y[i] == 0 ? std::nan("") : std::abs(pred[i] - y[i]) / y[i]);
  return e;
}

claim_result predictor_claim(const study_inputs& in, const std::vector<study_group>& groups) {
  claim_result c{"latency_predictor", "How well accuracy alone predicts latency vs the training firing rates",
                 "accuracy alone is a poor predictor of latency; firing rates predict it", "", "", json::object()};
  std::vector<std::vector<double>> xa, xr;
  std::vector<double> y;
  std::vector<std::string> by_seed, by_config;
  std::size_t width = 0;
  for (const auto& g : groups)
    for (std::size_t k = 0; k < g.points.size() && g.learned; ++k) {
      const point_record& p = in.points[g.points[k]];
      const auto rates = p.training_rates();
      if (std::isnan(p.latency_cycles()) || std::isnan(p.accuracy()) || rates.empty()) continue;
      if (width == 0) width = rates.size();
      if (rates.size() != width) continue;
      xa.push_back({p.accuracy()});
      xr.push_back(rates);
      y.push_back(p.latency_cycles());
      by_seed.push_back(std::to_string(p.seed));
      by_config.push_back(g.name + "|" + g.rest);
    }
  const std::set<std::string> seeds(by_seed.begin(), by_seed.end()), configs(by_config.begin(), by_config.end());
  // One coefficient per layer needs more points than layers in every training fold; the
  // mean rate is the fallback feature.
  std::string features = "per-layer training firing rates";
  if (y.size() < 2 * (width + 2)) {
    for (auto& r : xr) {
      double s = 0;
      for (double v : r) s += v;
      r = {s / static_cast<double>(r.size())};
    }
    features = "mean training firing rate";
  }
  std::string ours;
  bool any = false, rate_better = false, acc_better = false, noise = false;
  for (const auto& [name, fold, count] : {std::tuple{"held-out seeds", &by_seed, seeds.size()},
                                          std::tuple{"held-out configurations", &by_config, configs.size()}}) {
    if (count < 2) {
      ours += fmt::format("{}: cannot be computed ({} {}). ", name, count, count == 1 ? "fold" : "folds");
      continue;
    }
    const auto ea = abs_rel_errors(held_out(xa, y, *fold), y);
    const auto er = abs_rel_errors(held_out(xr, y, *fold), y);
    std::vector<double> diff;
    for (std::size_t i = 0; i < y.size(); ++i) diff.push_back(ea[i] - er[i]);
    const interval ia = mean_interval(ea), ir = mean_interval(er), id = mean_interval(diff);
    if (ia.n == 0 || ir.n == 0) {
      ours += fmt::format("{}: too few points per fold. ", name);
      continue;
    }
    any = true;
    c.detail[name] = {{"folds", count}, {"accuracy_error", interval_json(ia)}, {"firing_rate_error", interval_json(ir)},
                      {"accuracy_minus_firing_rate_error", interval_json(id)}, {"features", features}};
    ours += fmt::format("{} ({} folds, {} points): mean absolute error, accuracy only {:.1f} % [{:.1f}, {:.1f}], firing rates "
                        "{:.1f} % [{:.1f}, {:.1f}]. ",
                        name, count, ia.n, 100 * ia.mean, 100 * ia.low(), 100 * ia.high(), 100 * ir.mean, 100 * ir.low(),
                        100 * ir.high());
    if (id.has_interval() && id.low() > 0) rate_better = true;
    else if (id.has_interval() && id.high() < 0) acc_better = true;
    else noise = true;
  }
  c.ours = ours + fmt::format("Features: {}; intervals over held-out points{}.", features, not_learned_note(groups));
  if (!any) c.verdict = "cannot be computed";
  else if (rate_better && !acc_better) c.verdict = noise ? "supports in part (one evaluation within noise)" : "supports";
  else if (acc_better && !rate_better) c.verdict = "contradicts";
  else c.verdict = "within noise";
  return c;
}

}  // namespace

std::vector<claim_result> evaluate_claims(const study_inputs& in, const std::vector<study_group>& groups) {
  std::vector<claim_result> out;
  bool explored = false;
  for (const auto& g : groups) explored = explored || g.stats.at("explored_latency_cycles").n > 0;
  std::vector<std::pair<std::string, std::string>> hardware = {{"latency_cycles", "default accelerator"}};
  if (explored)
    hardware.push_back({"explored_latency_cycles",
                        "explored best hardware, budget " + (in.budget.empty() ? std::string("whole platform") : in.budget)});

  for (const auto& [metric, hw] : hardware) {
    out.push_back(latency_claim(
        groups, "spike_rate_escape_latency" + std::string(metric == "latency_cycles" ? "" : "_explored"),
        "Spike Rate Escape vs Fast Sigmoid, latency (" + hw + ")", "up to -12.2 % (DVS128-Gesture)", metric,
        [&](const study_group& g) { return find_group(groups, g.neuron_model, "fast_sigmoid", g.rest); },
        [](const study_group& g) { return g.surrogate == "spike_rate_escape"; },
        "no spike_rate_escape and fast_sigmoid points with the same settings and seed"));
    out.push_back(latency_claim(
        groups, "lapicque_latency" + std::string(metric == "latency_cycles" ? "" : "_explored"),
        "Lapicque vs LIF (leaky), latency (" + hw + ")", "up to -28 %", metric,
        [&](const study_group& g) { return find_group(groups, "leaky", g.surrogate, g.rest); },
        [](const study_group& g) { return g.neuron_model == "lapicque"; },
        "no lapicque and leaky points with the same surrogate and seed"));
  }

  {  // Which surrogate gives the best accuracy, per neuron model.
    claim_result c{"best_surrogate_accuracy", "Surrogate with the best integer accuracy", "Fast Sigmoid (DVS-CIFAR10)",
                   "", "", json::array()};
    std::string ours, verdicts;
    std::set<std::string> seen;
    for (const auto& rest : rests(groups))
      for (const auto& g0 : groups) {
        if (g0.rest != rest || !seen.insert(g0.neuron_model + "|" + rest).second) continue;
        const study_group* best = nullptr;
        std::size_t surrogates = 0;
        for (const auto& g : groups)
          if (g.rest == rest && g.neuron_model == g0.neuron_model) {
            ++surrogates;
            if (best == nullptr || g.stats.at("integer_accuracy").mean > best->stats.at("integer_accuracy").mean) best = &g;
          }
        const study_group* fs = find_group(groups, g0.neuron_model, "fast_sigmoid", rest);
        std::string label = g0.neuron_model + (rests(groups).size() > 1 ? " " + rest : "");
        if (surrogates < 2 || fs == nullptr || best == nullptr) {
          ours += fmt::format("{}: cannot be computed ({}). ", label, fs == nullptr ? "no fast_sigmoid points" : "one surrogate");
          verdicts += fmt::format("{}{}: cannot be computed", verdicts.empty() ? "" : "; ", label);
          continue;
        }
        std::string v;
        if (best == fs) {
          v = fs->stats.at("integer_accuracy").has_interval() ? "agrees (fast_sigmoid has the highest mean)" : no_interval;
          ours += fmt::format("{}: fast_sigmoid best at {} %. ", label, mean_pm(fs->stats.at("integer_accuracy"), 100, 1));
          c.detail.push_back({{"neuron_model", g0.neuron_model}, {"best", best->name}});
        } else {
          const interval d = mean_interval(paired(*best, *fs, "integer_accuracy", false));
          ours += fmt::format("{}: {} best at {} %, its lead over fast_sigmoid {} pp. ", label, best->surrogate,
                              mean_pm(best->stats.at("integer_accuracy"), 100, 1), shown(d, 100, ""));
          v = !d.has_interval() ? no_interval : d.low() > 0 ? "contradicts" : "within noise";
          c.detail.push_back({{"neuron_model", g0.neuron_model}, {"best", best->name}, {"lead_over_fast_sigmoid", interval_json(d)}});
        }
        verdicts += fmt::format("{}{}: {}", verdicts.empty() ? "" : "; ", label, v);
      }
    c.ours = ours.empty() ? "no points" : ours;
    c.verdict = verdicts.empty() ? "cannot be computed" : verdicts;
    out.push_back(c);
  }

  {  // Sparsity-aware selection vs the default configuration, selected on held-out seeds.
    claim_result c{"sparsity_aware_selection", "Sparsity-aware selection vs the default (" + in.baseline.neuron_model + "/" +
                                                    in.baseline.surrogate + ")",
                   "+9.1 % accuracy and more than 2x lower latency", "", "", json::array()};
    const study_group* def = nullptr;
    for (const auto& g : groups)
      if (g.neuron_model == in.baseline.neuron_model && g.surrogate == in.baseline.surrogate &&
          (in.baseline.slope <= 0 || std::abs(g.slope - in.baseline.slope) < 1e-9) && def == nullptr)
        def = &g;
    if (def == nullptr || groups.size() < 2) {
      c.ours = def == nullptr ? "no point of the default configuration" : "only one configuration";
      c.verdict = "cannot be computed";
    } else if (def->seeds.size() < 2) {
      c.ours = "one seed: the selection needs other seeds to choose on";
      c.verdict = no_interval;
    } else {
      // For each seed s: choose, on the other seeds' means, the fastest configuration whose
      // mean accuracy is at least the default's; evaluate it on seed s against the default.
      std::vector<double> acc_gain, speedup;
      std::map<std::string, int> chosen;
      for (std::size_t k = 0; k < def->seeds.size(); ++k) {
        const long long s = def->seeds[k];
        auto mean_without = [&](const study_group& g, const std::string& m) {
          std::vector<double> v;
          for (std::size_t i = 0; i < g.seeds.size(); ++i)
            if (g.seeds[i] != s) v.push_back(g.values.at(m)[i]);
          return mean_interval(v).mean;
        };
        const double def_acc = mean_without(*def, "integer_accuracy");
        const study_group* pick = def;
        double pick_lat = mean_without(*def, "latency_cycles");
        for (const auto& g : groups) {
          if (g.rest != def->rest || !g.learned) continue;
          const double a = mean_without(g, "integer_accuracy"), l = mean_without(g, "latency_cycles");
          if (!std::isnan(a) && !std::isnan(l) && a >= def_acc && l < pick_lat) {
            pick = &g;
            pick_lat = l;
          }
        }
        std::optional<std::size_t> at;
        for (std::size_t i = 0; i < pick->seeds.size(); ++i)
          if (pick->seeds[i] == s) at = i;
        if (!at) continue;
        const double da = pick->values.at("integer_accuracy")[*at] - def->values.at("integer_accuracy")[k];
        const double sp = def->values.at("latency_cycles")[k] / pick->values.at("latency_cycles")[*at];
        if (std::isnan(da) || std::isnan(sp)) continue;
        acc_gain.push_back(da);
        speedup.push_back(sp);
        ++chosen[pick->name];
        c.detail.push_back({{"held_out_seed", s}, {"selected", pick->name}, {"accuracy_gain", da}, {"speedup", sp}});
      }
      const interval ia = mean_interval(acc_gain), is = mean_interval(speedup);
      std::string picks;
      for (const auto& [n, k] : chosen) picks += fmt::format("{}{} ({}x)", picks.empty() ? "" : ", ", n, k);
      c.ours = fmt::format("accuracy {} pp, speedup {:.2f}x [{:.2f}, {:.2f}] (n = {}); selected on the other seeds: {}",
                           shown(ia, 100, ""), is.mean, is.has_interval() ? is.low() : is.mean,
                           is.has_interval() ? is.high() : is.mean, is.n, picks);
      if (!ia.has_interval()) c.verdict = no_interval;
      else {
        const std::string a = ia.low() > 0 ? "accuracy higher" : ia.high() < 0 ? "accuracy lower" : "accuracy within noise";
        const std::string l = is.low() > 2 ? "more than 2x faster (supports)"
                              : is.low() > 1 ? "faster but not shown 2x"
                              : is.high() < 1 ? "slower" : "latency within noise";
        c.verdict = a + "; " + l;
      }
    }
    out.push_back(c);
  }
  out.push_back(predictor_claim(in, groups));
  return out;
}

json claims_json(const std::vector<claim_result>& claims) {
  json arr = json::array();
  for (const auto& c : claims)
    arr.push_back({{"id", c.id}, {"title", c.title}, {"paper", c.paper}, {"ours", c.ours}, {"verdict", c.verdict},
                   {"detail", c.detail}});
  return arr;
}

}  // namespace snncosim::experiments
