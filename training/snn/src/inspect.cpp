#include "snncosim/snn/inspect.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "snncosim/common/error.h"

namespace snncosim::snn {

namespace {

double parse_number(const std::string& text, const std::string& what) {
  const char* begin = text.c_str();
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(begin, &end);
  if (text.empty() || end != begin + text.size() || errno == ERANGE || !std::isfinite(v))
    throw bad_input(fmt::format("{}: '{}' is not a finite number", what, text));
  return v;
}

// A float as the double with the same shortest decimal form, so JSON shows 0.9, not
// 0.8999999761581421; parsing it back as float gives the identical float.
double jf(float v) {
  if (!std::isfinite(v)) return static_cast<double>(v);
  return std::strtod(fmt::format("{}", v).c_str(), nullptr);
}

nlohmann::json params_json(const snn::param_map& p) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : p) j[k] = v;
  return j;
}

}  // namespace

param_map parse_params(const std::vector<std::string>& items) {
  param_map out;
  for (const auto& item : items) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw bad_input(fmt::format("--param '{}': expected NAME=VALUE", item));
    out[item.substr(0, eq)] = parse_number(item.substr(eq + 1), "--param " + item.substr(0, eq));
  }
  return out;
}

std::vector<double> parse_range(const std::string& spec) {
  const auto a = spec.find(':');
  const auto b = a == std::string::npos ? a : spec.find(':', a + 1);
  if (a == std::string::npos || b == std::string::npos)
    throw bad_input(fmt::format("--at '{}': expected FROM:TO:STEP", spec));
  const double from = parse_number(spec.substr(0, a), "--at FROM");
  const double to = parse_number(spec.substr(a + 1, b - a - 1), "--at TO");
  const double step = parse_number(spec.substr(b + 1), "--at STEP");
  if (!(step > 0) || to < from)
    throw bad_input(fmt::format("--at '{}': need STEP > 0 and TO >= FROM", spec));
  const double count = std::floor((to - from) / step + 1e-9) + 1;
  if (count > 1e6) throw bad_input(fmt::format("--at '{}': more than 1e6 points", spec));
  std::vector<double> out;
  for (long i = 0; i < static_cast<long>(count); ++i) out.push_back(from + static_cast<double>(i) * step);
  return out;
}

// "0.5,0.5,1.2" with an optional repetition "0.3*10".
std::vector<float> parse_inputs(const std::string& list) {
  std::vector<float> out;
  std::size_t pos = 0;
  while (pos <= list.size()) {
    const auto comma = list.find(',', pos);
    const std::string item = list.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    const auto star = item.find('*');
    const double v = parse_number(item.substr(0, star), "--input");
    long rep = 1;
    if (star != std::string::npos) {
      const double r = parse_number(item.substr(star + 1), "--input repetition");
      if (r < 1 || r != std::floor(r) || r > 1e6)
        throw bad_input(fmt::format("--input '{}': repetition must be an integer in [1, 1e6]", item));
      rep = static_cast<long>(r);
    }
    for (long i = 0; i < rep; ++i) out.push_back(static_cast<float>(v));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  if (out.empty() || out.size() > 1000000) throw bad_input("--input: give 1 to 1e6 values");
  return out;
}

nlohmann::json surrogate_list(std::string* text) {
  nlohmann::json all = nlohmann::json::array();
  for (const auto& n : surrogate_names()) {
    const auto& info = surrogate_description(n);
    all.push_back({{"name", n}, {"defaults", params_json(info.defaults)}, {"formula", info.formula},
                   {"origin", info.origin}, {"stochastic", info.stochastic}});
    if (text != nullptr) {
      std::string defs;
      for (const auto& [k, v] : info.defaults) defs += fmt::format("{}{}={}", defs.empty() ? "" : " ", k, v);
      *text += fmt::format("{:28} {:13} {:28} {}\n", n, info.origin, defs, info.formula);
    }
  }
  return all;
}

inspection inspect_surrogate(const surrogate_spec& spec, const std::string& at) {
  auto s = make_surrogate(spec);
  const auto points = parse_range(at);
  inspection r;
  nlohmann::json pts = nlohmann::json::array();
  r.text = fmt::format("# {} {}\n# u spike grad\n", s->name(), params_json(s->params()).dump());
  for (double u : points) {
    const float uf = static_cast<float>(u);
    const float spike = heaviside_strict(uf);
    const float g = s->grad(uf);
    pts.push_back({{"u", jf(uf)}, {"spike", jf(spike)}, {"grad", jf(g)}});
    r.plot_data += fmt::format("{} {} {}\n", uf, spike, g);
    r.text += fmt::format("{:.6g} {} {:.9g}\n", uf, spike, g);
  }
  r.plot_commands = fmt::format("set xlabel 'u = mem - threshold'\nset title '{} surrogate'\n"
                                "plot '{{0}}' using 1:3 with lines lw 2 title 'grad', '{{0}}' using 1:2 with steps title 'spike'",
                                s->name());
  const auto& info = surrogate_description(spec.name);
  r.json = {{"surrogate", s->name()}, {"params", params_json(s->params())},
            {"formula", info.formula}, {"forward", "spike = 1 if u > 0 else 0"},
            {"points", pts}};
  if (s->stochastic()) r.json["seed"] = spec.seed;
  return r;
}

inspection inspect_neuron(const neuron_request& o) {
  neuron_config cfg = default_neuron_config(o.type);
  if (!std::isnan(o.beta)) cfg.beta = static_cast<float>(o.beta);
  if (!std::isnan(o.alpha)) cfg.alpha = static_cast<float>(o.alpha);
  if (o.type == "lapicque" && (o.r > 0 || o.c > 0) && std::isnan(o.beta)) cfg.beta = 0.0f;
  cfg.threshold = static_cast<float>(o.threshold);
  if (!o.reset.empty()) cfg.reset = parse_reset_mode(o.reset);
  cfg.reset_delay = o.reset_delay;
  cfg.r = static_cast<float>(o.r);
  cfg.c = static_cast<float>(o.c);
  cfg.time_step = static_cast<float>(o.time_step);
  cfg.graded_spikes_factor = static_cast<float>(o.graded);
  const auto x = parse_inputs(o.input);
  neuron_layer layer(cfg, 1, 1);
  layer.reset_state();
  inspection r;
  nlohmann::json steps = nlohmann::json::array();
  std::vector<double> spk, mem;
  const bool has_syn = o.type == "synaptic" || o.type == "alpha";
  r.text = has_syn ? "# t x spk mem syn\n" : "# t x spk mem\n";
  for (std::size_t t = 0; t < x.size(); ++t) {
    float s = 0, m = 0;
    layer.forward_inference(&x[t], &s, &m);
    spk.push_back(jf(s));
    mem.push_back(jf(m));
    nlohmann::json row = {{"t", t}, {"x", jf(x[t])}, {"spk", jf(s)}, {"mem", jf(m)}};
    if (o.type == "synaptic") row["syn"] = jf(*layer.syn());
    if (o.type == "alpha") {
      row["syn_exc"] = jf(*layer.syn());
      row["syn_inh"] = jf(*layer.syn_inh());
    }
    steps.push_back(row);
    r.plot_data += fmt::format("{} {} {} {}\n", t, x[t], s, m);
    r.text += fmt::format("{} {:.6g} {} {:.9g}{}\n", t, x[t], s, m, has_syn ? fmt::format(" {:.9g}", *layer.syn()) : "");
  }
  r.plot_commands = fmt::format("set xlabel 'time step'\nset title '{} (threshold {})'\n"
                                "plot '{{0}}' using 1:4 with linespoints lw 2 title 'mem', "
                                "'{{0}}' using 1:2 with steps title 'input', '{{0}}' using 1:3 with impulses lw 3 title 'spk', "
                                "{} with lines dt 2 title 'threshold'",
                                o.type, cfg.threshold, cfg.threshold);
  nlohmann::json conf = {{"model", cfg.model}, {"beta", jf(cfg.beta)}, {"threshold", jf(cfg.threshold)},
                         {"reset", to_string(cfg.reset)}, {"reset_delay", cfg.reset_delay}};
  nlohmann::json derived = nlohmann::json::object();
  if (o.type == "synaptic" || o.type == "alpha") conf["alpha"] = jf(cfg.alpha);
  if (o.type == "leaky") conf["graded_spikes_factor"] = jf(cfg.graded_spikes_factor);
  if (o.type == "lapicque") {
    conf["R"] = jf(cfg.r);
    conf["C"] = jf(cfg.c);
    conf["time_step"] = jf(cfg.time_step);
    const auto k = derive_lapicque(cfg);
    derived = {{"input_gain", k.input_gain}, {"decay", k.decay}};
  }
  if (o.type == "alpha") derived = {{"tau_alpha", alpha_tau(cfg.alpha, cfg.beta)}};
  r.json = {{"neuron", o.type}, {"config", conf}, {"derived", derived}, {"spk", spk}, {"mem", mem}, {"steps", steps}};
  return r;
}

}  // namespace snncosim::snn
