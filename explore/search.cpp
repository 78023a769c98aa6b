#include "snncosim/explore/search.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <set>

#include <fmt/format.h>

#include "snncosim/common/atomic_file.h"
#include "snncosim/common/error.h"
#include "snncosim/common/rng.h"

namespace snncosim::explore {

namespace sm = sc_models;

objective parse_objective(const std::string& s) {
  if (s == "latency") return objective::latency;
  if (s == "throughput") return objective::throughput;
  if (s == "energy") return objective::energy;
  throw bad_input(fmt::format("--objective: unknown objective '{}'; expected latency, throughput or energy", s));
}

const char* to_string(objective o) {
  switch (o) {
    case objective::latency: return "latency";
    case objective::throughput: return "throughput";
    case objective::energy: return "energy";
  }
  return "?";
}

std::string candidate::key() const {
  std::string k = std::to_string(mode);
  for (const auto& l : layers) k += fmt::format("|{}.{}.{}.{}.{}", l.cores, l.penc, l.weight_kind, l.membrane_kind, l.fifo);
  return k;
}

double search_space::size() const {
  double n = static_cast<double>(modes.size());
  for (const auto& c : cores)
    n *= static_cast<double>(c.size() * penc.size() * weight_kinds.size() * membrane_kinds.size() * fifo.size());
  return n;
}

search_space default_space(const std::vector<engine_shape>& shapes, const platform_info& platform) {
  search_space s;
  s.modes = {sm::pipeline_mode::layer_sequential, sm::pipeline_mode::timestep_pipelined};
  for (const auto& sh : shapes) {
    std::vector<int> c;
    for (int n = 1; n < sh.out_channels; n *= 2) c.push_back(n);
    c.push_back(sh.out_channels);
    s.cores.push_back(c);
  }
  s.penc = {8, 16, 32, 64, 128};
  s.weight_kinds = {sm::memory_kind::bram, sm::memory_kind::offchip};
  s.membrane_kinds = {sm::memory_kind::bram, sm::memory_kind::lutram};
  if (platform.capacity.uram > 0) {
    s.weight_kinds.push_back(sm::memory_kind::uram);
    s.membrane_kinds.push_back(sm::memory_kind::uram);
  }
  s.fifo = {2, 4, 16, 64};
  return s;
}

budget parse_budget(const std::string& text, const platform_info& platform) {
  budget b;
  b.limit = platform.capacity;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find(',', pos);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(pos, end - pos);
    pos = end + 1;
    if (item.empty()) continue;
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos)
      throw bad_input(fmt::format("--budget: '{}' at character {}: expected name=value", item, pos - item.size() - 1));
    const std::string name = item.substr(0, eq);
    std::string value = item.substr(eq + 1);
    const bool percent = !value.empty() && value.back() == '%';
    if (percent) value.pop_back();
    double v = 0;
    try {
      std::size_t used = 0;
      v = std::stod(value, &used);
      if (used != value.size()) throw std::invalid_argument(value);
    } catch (const std::exception&) {
      throw bad_input(fmt::format("--budget: '{}': '{}' is not a number", item, item.substr(eq + 1)));
    }
    if (v < 0) throw bad_input(fmt::format("--budget: '{}': negative budget", item));
    double* slot = nullptr;
    double cap = 0;
    if (name == "lut") slot = &b.limit.lut, cap = platform.capacity.lut;
    else if (name == "ff") slot = &b.limit.ff, cap = platform.capacity.ff;
    else if (name == "bram" || name == "bram36") slot = &b.limit.bram36, cap = platform.capacity.bram36;
    else if (name == "uram") slot = &b.limit.uram, cap = platform.capacity.uram;
    else if (name == "dsp") slot = &b.limit.dsp, cap = platform.capacity.dsp;
    else
      throw bad_input(fmt::format("--budget: unknown resource '{}'; expected lut, ff, bram (bram36), uram or dsp", name));
    *slot = std::min(cap, percent ? cap * v / 100.0 : v);
  }
  return b;
}

searcher::searcher(const workload& w, const sm::hardware_config& base, const platform_info& platform,
                   const search_space& space, const budget& limit, const search_options& opt)
    : m_w(w), m_base(base), m_platform(platform), m_space(space), m_budget(limit), m_opt(opt), m_eval(w) {
  if (m_space.cores.size() != w.engines.size() || base.layers.size() != w.engines.size())
    throw std::invalid_argument("searcher: space, hardware and workload differ in layer count");
  load_state();
}

sm::hardware_config searcher::apply(const candidate& c) const {
  sm::hardware_config hw = m_base;
  hw.mode = m_space.modes.at(static_cast<std::size_t>(c.mode));
  for (std::size_t e = 0; e < c.layers.size(); ++e) {
    const layer_choice& l = c.layers[e];
    sm::layer_hw_config& h = hw.layers[e];
    h.neuron_cores = m_space.cores[e].at(static_cast<std::size_t>(l.cores));
    h.penc_width_bits = m_space.penc.at(static_cast<std::size_t>(l.penc));
    const sm::memory_kind wk = m_space.weight_kinds.at(static_cast<std::size_t>(l.weight_kind));
    // Off-chip weights take the platform's DRAM latency; moving them on chip, one cycle.
    if (wk != h.weight_memory.kind)
      h.weight_memory.read_latency_cycles = wk == sm::memory_kind::offchip ? m_platform.offchip_read_latency_cycles : 1;
    h.weight_memory.kind = wk;
    h.membrane_memory.kind = m_space.membrane_kinds.at(static_cast<std::size_t>(l.membrane_kind));
    h.spike_fifo_depth = m_space.fifo.at(static_cast<std::size_t>(l.fifo));
  }
  return hw;
}

namespace {
template <typename T>
int nearest(const std::vector<T>& v, T x) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (v[i] == x) return static_cast<int>(i);
  return 0;
}
int nearest_int(const std::vector<int>& v, int x) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < v.size(); ++i)
    if (std::abs(v[i] - x) < std::abs(v[best] - x)) best = i;
  return static_cast<int>(best);
}
}  // namespace

candidate searcher::from_hardware(const sm::hardware_config& hw) const {
  candidate c;
  c.mode = nearest(m_space.modes, hw.mode);
  for (std::size_t e = 0; e < hw.layers.size(); ++e) {
    const auto& h = hw.layers[e];
    layer_choice l;
    l.cores = nearest_int(m_space.cores[e], h.neuron_cores);
    l.penc = nearest_int(m_space.penc, h.penc_width_bits);
    l.weight_kind = nearest(m_space.weight_kinds, h.weight_memory.kind);
    l.membrane_kind = nearest(m_space.membrane_kinds, h.membrane_memory.kind);
    l.fifo = nearest_int(m_space.fifo, h.spike_fifo_depth);
    c.layers.push_back(l);
  }
  return c;
}

namespace {

double objective_value(objective o, double latency, double period, double energy_uj) {
  switch (o) {
    case objective::latency: return latency;
    case objective::throughput: return period;
    case objective::energy: return energy_uj;
  }
  return latency;
}

// Feasibility apart from the budget: the per-layer memory capacities of the YAML.
std::string capacity_problem(const std::vector<engine_shape>& shapes, const sm::hardware_config& hw) {
  for (std::size_t e = 0; e < shapes.size(); ++e) {
    const engine_shape& sh = shapes[e];
    const auto& h = hw.layers[e];
    if (static_cast<double>(sh.weight_storage_bits) > h.weight_memory.capacity_kib * 8192.0)
      return fmt::format("{}: weights exceed weight_memory.capacity_kib", sh.name);
    if (sh.layer != nullptr &&
        static_cast<double>(sm::membrane_storage_bits_per_core(*sh.layer, sh.out, sh.full, h.neuron_cores)) >
            h.membrane_memory.capacity_kib * 8192.0)
      return fmt::format("{}: membranes per core exceed membrane_memory.capacity_kib", sh.name);
  }
  return {};
}

std::string over_budget(const resources& u, const resources& b) {
  const std::pair<const char*, std::pair<double, double>> all[] = {{"lut", {u.lut, b.lut}},
                                                                  {"ff", {u.ff, b.ff}},
                                                                  {"bram36", {u.bram36, b.bram36}},
                                                                  {"uram", {u.uram, b.uram}},
                                                                  {"dsp", {u.dsp, b.dsp}}};
  for (const auto& [name, v] : all)
    if (v.first > v.second) return fmt::format("{} {:.0f} > budget {:.0f}", name, v.first, v.second);
  return {};
}

}  // namespace

const scored& searcher::score(const candidate& c) {
  const std::string k = c.key();
  if (auto it = m_cache.find(k); it != m_cache.end()) return it->second;
  scored s;
  s.cand = c;
  s.hw = apply(c);
  s.used = total(estimate_engines(m_w.engines, s.hw, m_opt.steps, m_opt.resources));
  const utilisation u = utilisation_of(s.used, m_platform.capacity);
  s.max_utilisation = std::max({u.lut, u.ff, u.bram36, u.dsp, m_platform.capacity.uram > 0 ? u.uram : 0.0});
  if (auto r = m_resumed.find(k); r != m_resumed.end()) {
    const nlohmann::json& j = r->second;
    s.eval.mean_latency_cycles = j.at(0).get<double>();
    s.eval.mean_period_cycles = j.at(1).get<double>();
    s.eval.mean_energy_uj = j.at(2).get<double>();
    s.eval.latency_us = s.eval.mean_latency_cycles / s.hw.clock_mhz;
    s.eval.samples_per_s = s.eval.mean_period_cycles > 0 ? s.hw.clock_mhz * 1e6 / s.eval.mean_period_cycles : 0;
    ++m_resumed_hits;
  } else {
    s.eval = m_eval.evaluate(s.hw);
    ++m_evaluated;
    ++m_since_save;
  }
  s.why_not = capacity_problem(m_w.engines, s.hw);
  if (s.why_not.empty()) s.why_not = over_budget(s.used, m_budget.limit);
  s.fits = s.why_not.empty();
  s.score = objective_value(m_opt.goal, s.eval.mean_latency_cycles, s.eval.mean_period_cycles, s.eval.mean_energy_uj);
  if (m_since_save >= 2000) save_state();
  return m_cache.emplace(k, std::move(s)).first->second;
}

evaluation searcher::detail(const candidate& c) { return m_eval.evaluate(apply(c), {true, false}); }

void searcher::load_state() {
  if (m_opt.state_path.empty() || !std::filesystem::exists(m_opt.state_path)) return;
  std::ifstream in(m_opt.state_path);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    throw bad_input(fmt::format("{}: not a readable explore state file: {}", m_opt.state_path, e.what()));
  }
  if (j.contains("scored"))
    for (auto it = j["scored"].begin(); it != j["scored"].end(); ++it) m_resumed[it.key()] = it.value();
  if (j.contains("extra")) m_extra = j["extra"];
}

void searcher::save_state() {
  m_since_save = 0;
  if (m_opt.state_path.empty()) return;
  nlohmann::json j;
  j["schema"] = "snncosim.explore_state/1";
  nlohmann::json sc = nlohmann::json::object();
  for (const auto& [k, v] : m_resumed) sc[k] = v;
  for (const auto& [k, s] : m_cache)
    sc[k] = {s.eval.mean_latency_cycles, s.eval.mean_period_cycles, s.eval.mean_energy_uj};
  j["scored"] = std::move(sc);
  j["extra"] = m_extra;
  write_file_atomic(m_opt.state_path, j.dump());
}

namespace {

bool better(const scored& a, const scored& b) {
  if (a.fits != b.fits) return a.fits;
  if (a.score != b.score) return a.score < b.score;
  return a.max_utilisation < b.max_utilisation;
}

}  // namespace

std::vector<scored> pareto_front(const std::vector<scored>& all) {
  std::vector<scored> front;
  for (const auto& a : all) {
    bool dominated = false;
    for (const auto& b : all) {
      const bool le = b.score <= a.score && b.max_utilisation <= a.max_utilisation &&
                      b.eval.mean_energy_uj <= a.eval.mean_energy_uj;
      const bool lt = b.score < a.score || b.max_utilisation < a.max_utilisation ||
                      b.eval.mean_energy_uj < a.eval.mean_energy_uj;
      if (le && lt) {
        dominated = true;
        break;
      }
    }
    if (!dominated) front.push_back(a);
  }
  std::sort(front.begin(), front.end(), [](const scored& x, const scored& y) { return x.score < y.score; });
  // Equal points (same numbers, different keys) collapse to the first.
  front.erase(std::unique(front.begin(), front.end(),
                          [](const scored& x, const scored& y) {
                            return x.score == y.score && x.max_utilisation == y.max_utilisation &&
                                   x.eval.mean_energy_uj == y.eval.mean_energy_uj;
                          }),
              front.end());
  return front;
}

search_result searcher::run() {
  const auto t0 = std::chrono::steady_clock::now();
  search_result res;
  const candidate start = from_hardware(m_base);
  res.baseline = score(start);
  const std::size_t n_layers = start.layers.size();

  // Greedy balancing: repeatedly take the single-layer move (one more step of cores, or
  // any other single option change) that improves the objective most while fitting.
  candidate cur = start;
  scored cur_s = res.baseline;
  auto neighbours = [&](const candidate& c) {
    std::vector<candidate> out;
    candidate m = c;
    m.mode = 1 - c.mode;
    if (m_space.modes.size() > 1) out.push_back(m);
    for (std::size_t e = 0; e < n_layers; ++e) {
      auto vary = [&](int layer_choice::*field, std::size_t count) {
        for (int d : {-1, 1}) {
          candidate x = c;
          const int v = x.layers[e].*field + d;
          if (v < 0 || v >= static_cast<int>(count)) continue;
          x.layers[e].*field = v;
          out.push_back(x);
        }
      };
      vary(&layer_choice::cores, m_space.cores[e].size());
      vary(&layer_choice::penc, m_space.penc.size());
      vary(&layer_choice::weight_kind, m_space.weight_kinds.size());
      vary(&layer_choice::membrane_kind, m_space.membrane_kinds.size());
      vary(&layer_choice::fifo, m_space.fifo.size());
    }
    return out;
  };
  // Repair: an infeasible start walks to the neighbour that shrinks its largest budget
  // overrun most, until it fits (or nothing shrinks it).
  auto overrun = [&](const scored& s) {
    if (!s.why_not.empty() && s.why_not.find("capacity") != std::string::npos) return 1e30;
    const resources& u = s.used;
    const resources& b = m_budget.limit;
    auto r = [](double used, double limit) { return limit > 0 ? used / limit : (used > 0 ? 1e30 : 0.0); };
    return std::max({r(u.lut, b.lut), r(u.ff, b.ff), r(u.bram36, b.bram36), r(u.uram, b.uram), r(u.dsp, b.dsp)});
  };
  for (int round = 0; round < 1000 && !cur_s.fits; ++round) {
    const scored* best = nullptr;
    for (const candidate& n : neighbours(cur)) {
      const scored& s = score(n);
      if (best == nullptr || (s.fits && !best->fits) || (s.fits == best->fits && overrun(s) < overrun(*best)))
        best = &s;
    }
    if (best == nullptr || (!best->fits && overrun(*best) >= overrun(cur_s))) break;
    cur = best->cand;
    cur_s = *best;
  }
  for (int round = 0; round < 1000; ++round) {
    const scored* best = nullptr;
    for (const candidate& n : neighbours(cur)) {
      const scored& s = score(n);
      if (!s.fits) continue;
      if (best == nullptr || better(s, *best)) best = &s;
    }
    if (best == nullptr || !(better(*best, cur_s))) break;
    cur = best->cand;
    cur_s = *best;
  }
  res.after_greedy = cur_s;

  const double space = m_space.size();
  if (space <= m_opt.exhaustive_limit) {
    res.method = "exhaustive";
    const auto total_n = static_cast<std::size_t>(space);
    candidate c;
    c.mode = 0;
    c.layers.assign(n_layers, layer_choice{});
    for (std::size_t i = 0; i < total_n; ++i) {
      score(c);
      if (m_opt.progress && i % 256 == 0) m_opt.progress(i, total_n);
      // Odometer increment over (mode, per layer: cores, penc, weight, membrane, fifo).
      bool carry = true;
      for (std::size_t e = 0; e < n_layers && carry; ++e) {
        layer_choice& l = c.layers[e];
        const std::pair<int*, std::size_t> digits[] = {{&l.cores, m_space.cores[e].size()},
                                                       {&l.penc, m_space.penc.size()},
                                                       {&l.weight_kind, m_space.weight_kinds.size()},
                                                       {&l.membrane_kind, m_space.membrane_kinds.size()},
                                                       {&l.fifo, m_space.fifo.size()}};
        for (const auto& [d, count] : digits) {
          if (!carry) break;
          if (++*d < static_cast<int>(count)) carry = false;
          else *d = 0;
        }
      }
      if (carry) ++c.mode;
    }
    if (m_opt.progress) m_opt.progress(total_n, total_n);
  } else {
    res.method = "annealing";
    rng gen(m_opt.seed);
    candidate x = cur;
    scored xs = cur_s;
    const double t_start = 0.2, t_end = 0.002;  // relative objective change accepted with p = 1/e
    const int iters = std::max(1, m_opt.iterations);
    for (int i = 0; i < iters; ++i) {
      const double temp = t_start * std::pow(t_end / t_start, static_cast<double>(i) / iters);
      std::vector<candidate> nb = neighbours(x);
      const candidate& y = nb[static_cast<std::size_t>(gen.below(nb.size()))];
      const scored& ys = score(y);
      if (!ys.fits) continue;
      const double delta = (ys.score - xs.score) / std::max(1e-12, xs.score);
      if (delta <= 0 || gen.uniform() < std::exp(-delta / temp)) {
        x = y;
        xs = ys;
      }
      if (m_opt.progress && i % 64 == 0) m_opt.progress(static_cast<std::size_t>(i), static_cast<std::size_t>(iters));
    }
    if (m_opt.progress) m_opt.progress(static_cast<std::size_t>(iters), static_cast<std::size_t>(iters));
  }

  for (const auto& [k, s] : m_cache) {
    if (s.fits) {
      res.all_feasible.push_back(s);
    } else if (!res.any_infeasible || s.max_utilisation < res.closest_infeasible.max_utilisation) {
      res.any_infeasible = true;
      res.closest_infeasible = s;
    }
  }
  res.ranked = res.all_feasible;
  std::sort(res.ranked.begin(), res.ranked.end(), better);
  res.pareto = pareto_front(res.all_feasible);
  res.evaluated = m_evaluated;
  res.resumed = m_resumed_hits;
  save_state();
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace snncosim::explore
