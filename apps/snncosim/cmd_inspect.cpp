// `snncosim inspect surrogate|neuron`: show what a surrogate or a neuron configuration does
// before training with it (formulas: docs/neurons.md).
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "command.h"
#include "snncosim/common/atomic_file.h"
#include "snncosim/common/error.h"
#include "snncosim/snn/neuron.h"
#include "snncosim/snn/surrogate.h"
#include "json_text.h"

namespace snncosim::cli {
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

snn::param_map parse_params(const std::vector<std::string>& items) {
  snn::param_map out;
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

// Runs gnuplot on a script; the PNG appears atomically at `png`.
void plot_png(const std::filesystem::path& png, const std::string& data, const std::string& plot_cmds) {
  produce_file_atomic(png, [&](const std::filesystem::path& tmp) {
    const auto data_path = std::filesystem::path(tmp.string() + ".dat");
    write_file_atomic(data_path, data);
    const std::string script = fmt::format(
        "set terminal pngcairo size 900,600\nset output '{}'\nset grid\nset key outside\nset offsets 0.5, 0.5, 0.1, 0.1\n{}\n",
        tmp.string(), fmt::format(fmt::runtime(plot_cmds), data_path.string()));
    FILE* p = popen("gnuplot 2>&1", "w");
    if (!p) throw std::runtime_error("cannot start gnuplot (install gnuplot-nox)");
    std::fwrite(script.data(), 1, script.size(), p);
    const int rc = pclose(p);
    std::error_code ec;
    std::filesystem::remove(data_path, ec);
    if (rc != 0 || !std::filesystem::exists(tmp))
      throw std::runtime_error(fmt::format("gnuplot failed (status {}) writing {}", rc, png.string()));
  });
}

void add_surrogate(CLI::App& inspect, global_options& global) {
  auto* cmd = inspect.add_subcommand("surrogate", "Forward spike and surrogate gradient of u = mem - threshold");
  struct opts {
    std::string name;
    std::vector<std::string> params;
    std::string at = "-2:2:0.25";
    std::uint64_t seed = 0;
    bool list = false;
    std::string png;
  };
  auto o = std::make_shared<opts>();
  cmd->add_option("name", o->name, "Surrogate name (--list shows all)");
  cmd->add_option("--param", o->params, "Parameter NAME=VALUE (repeatable), e.g. --param slope=25");
  cmd->add_option("--at", o->at, "Points FROM:TO:STEP of u (TO inclusive)")->capture_default_str();
  cmd->add_option("--seed", o->seed, "Seed of stochastic surrogates (sso)")->capture_default_str();
  cmd->add_flag("--list", o->list, "List every surrogate with its defaults and formula");
  cmd->add_option("--png", o->png, "Also plot the gradient to this PNG (needs gnuplot)");
  cmd->callback([o, &global] {
    if (o->list) {
      nlohmann::json all = nlohmann::json::array();
      for (const auto& n : snn::surrogate_names()) {
        const auto& info = snn::surrogate_description(n);
        all.push_back({{"name", n}, {"defaults", params_json(info.defaults)}, {"formula", info.formula},
                       {"origin", info.origin}, {"stochastic", info.stochastic}});
        if (!global.json) {
          std::string defs;
          for (const auto& [k, v] : info.defaults) defs += fmt::format("{}{}={}", defs.empty() ? "" : " ", k, v);
          std::cout << fmt::format("{:28} {:13} {:28} {}\n", n, info.origin, defs, info.formula);
        }
      }
      if (global.json) std::cout << json_text(all) << "\n";
      return;
    }
    if (o->name.empty()) throw bad_input("inspect surrogate: give a NAME (or --list)");
    const snn::surrogate_spec spec{o->name, parse_params(o->params), o->seed};
    auto s = snn::make_surrogate(spec);
    const auto points = parse_range(o->at);
    nlohmann::json pts = nlohmann::json::array();
    std::string data;
    if (!global.json) std::cout << fmt::format("# {} {}\n# u spike grad\n", s->name(), params_json(s->params()).dump());
    for (double u : points) {
      const float uf = static_cast<float>(u);
      const float spike = snn::heaviside_strict(uf);
      const float g = s->grad(uf);
      pts.push_back({{"u", jf(uf)}, {"spike", jf(spike)}, {"grad", jf(g)}});
      data += fmt::format("{} {} {}\n", uf, spike, g);
      if (!global.json) std::cout << fmt::format("{:.6g} {} {:.9g}\n", uf, spike, g);
    }
    if (!o->png.empty())
      plot_png(o->png, data,
               fmt::format("set xlabel 'u = mem - threshold'\nset title '{} surrogate'\n"
                           "plot '{{0}}' using 1:3 with lines lw 2 title 'grad', '{{0}}' using 1:2 with steps title 'spike'",
                           s->name()));
    if (global.json) {
      const auto& info = snn::surrogate_description(o->name);
      nlohmann::json out = {{"surrogate", s->name()}, {"params", params_json(s->params())},
                            {"formula", info.formula}, {"forward", "spike = 1 if u > 0 else 0"},
                            {"points", pts}};
      if (s->stochastic()) out["seed"] = o->seed;
      std::cout << json_text(out) << "\n";
    }
  });
}

void add_neuron(CLI::App& inspect, global_options& global) {
  auto* cmd = inspect.add_subcommand("neuron", "Step one neuron through an input sequence (snnTorch semantics)");
  struct opts {
    std::string type;
    std::string input;
    std::string reset;
    std::string png;
    double beta = NAN, threshold = 1.0, alpha = NAN, r = 0, c = 0, time_step = 1, graded = 1;
    bool reset_delay = true;
  };
  auto o = std::make_shared<opts>();
  cmd->add_option("type", o->type, "leaky | lapicque | synaptic | alpha")->required()
      ->check(CLI::IsMember({"leaky", "lapicque", "synaptic", "alpha"}));
  cmd->add_option("--input", o->input, "Input current per step: x1,x2,... (v*n repeats v n times)")->required();
  cmd->add_option("--beta", o->beta, "Membrane decay (default: snnTorch default of the model; Lapicque 0 = not given)");
  cmd->add_option("--threshold", o->threshold, "Threshold")->capture_default_str();
  cmd->add_option("--reset", o->reset, "subtract | zero | none (default: the model's snnTorch default)");
  cmd->add_option("--reset-delay", o->reset_delay, "true|false (Leaky, Synaptic)")->capture_default_str();
  cmd->add_option("--alpha", o->alpha, "Synaptic decay (synaptic, alpha)");
  cmd->add_option("--R", o->r, "Lapicque resistance (0: not given)");
  cmd->add_option("--C", o->c, "Lapicque capacitance (0: not given)");
  cmd->add_option("--time-step", o->time_step, "Lapicque time step")->capture_default_str();
  cmd->add_option("--graded-spikes-factor", o->graded, "Leaky spike amplitude")->capture_default_str();
  cmd->add_option("--png", o->png, "Also plot mem and spikes to this PNG (needs gnuplot)");
  cmd->callback([o, &global] {
    snn::neuron_config cfg = snn::default_neuron_config(o->type);
    if (!std::isnan(o->beta)) cfg.beta = static_cast<float>(o->beta);
    if (!std::isnan(o->alpha)) cfg.alpha = static_cast<float>(o->alpha);
    if (o->type == "lapicque" && (o->r > 0 || o->c > 0) && std::isnan(o->beta)) cfg.beta = 0.0f;
    cfg.threshold = static_cast<float>(o->threshold);
    if (!o->reset.empty()) cfg.reset = snn::parse_reset_mode(o->reset);
    cfg.reset_delay = o->reset_delay;
    cfg.r = static_cast<float>(o->r);
    cfg.c = static_cast<float>(o->c);
    cfg.time_step = static_cast<float>(o->time_step);
    cfg.graded_spikes_factor = static_cast<float>(o->graded);
    const auto x = parse_inputs(o->input);
    snn::neuron_layer layer(cfg, 1, 1);
    layer.reset_state();
    nlohmann::json steps = nlohmann::json::array();
    std::vector<double> spk, mem;
    std::string data;
    const bool has_syn = o->type == "synaptic" || o->type == "alpha";
    if (!global.json) std::cout << (has_syn ? "# t x spk mem syn\n" : "# t x spk mem\n");
    for (std::size_t t = 0; t < x.size(); ++t) {
      float s = 0, m = 0;
      layer.forward_inference(&x[t], &s, &m);
      spk.push_back(jf(s));
      mem.push_back(jf(m));
      nlohmann::json row = {{"t", t}, {"x", jf(x[t])}, {"spk", jf(s)}, {"mem", jf(m)}};
      if (o->type == "synaptic") row["syn"] = jf(*layer.syn());
      if (o->type == "alpha") {
        row["syn_exc"] = jf(*layer.syn());
        row["syn_inh"] = jf(*layer.syn_inh());
      }
      steps.push_back(row);
      data += fmt::format("{} {} {} {}\n", t, x[t], s, m);
      if (!global.json)
        std::cout << fmt::format("{} {:.6g} {} {:.9g}{}\n", t, x[t], s, m,
                                 has_syn ? fmt::format(" {:.9g}", *layer.syn()) : "");
    }
    if (!o->png.empty())
      plot_png(o->png, data,
               fmt::format("set xlabel 'time step'\nset title '{} (threshold {})'\n"
                           "plot '{{0}}' using 1:4 with linespoints lw 2 title 'mem', "
                           "'{{0}}' using 1:2 with steps title 'input', '{{0}}' using 1:3 with impulses lw 3 title 'spk', "
                           "{} with lines dt 2 title 'threshold'",
                           o->type, cfg.threshold, cfg.threshold));
    if (global.json) {
      nlohmann::json conf = {{"model", cfg.model}, {"beta", jf(cfg.beta)}, {"threshold", jf(cfg.threshold)},
                             {"reset", snn::to_string(cfg.reset)}, {"reset_delay", cfg.reset_delay}};
      nlohmann::json derived = nlohmann::json::object();
      if (o->type == "synaptic" || o->type == "alpha") conf["alpha"] = jf(cfg.alpha);
      if (o->type == "leaky") conf["graded_spikes_factor"] = jf(cfg.graded_spikes_factor);
      if (o->type == "lapicque") {
        conf["R"] = jf(cfg.r);
        conf["C"] = jf(cfg.c);
        conf["time_step"] = jf(cfg.time_step);
        const auto k = snn::derive_lapicque(cfg);
        derived = {{"input_gain", k.input_gain}, {"decay", k.decay}};
      }
      if (o->type == "alpha") derived = {{"tau_alpha", snn::alpha_tau(cfg.alpha, cfg.beta)}};
      std::cout << nlohmann::json({{"neuron", o->type}, {"config", conf}, {"derived", derived},
                                   {"spk", spk}, {"mem", mem}, {"steps", steps}})
                       .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
                << "\n";
    }
  });
}

}  // namespace

void add_inspect_command(CLI::App& root, global_options& global) {
  auto* inspect = root.add_subcommand("inspect", "Show what a surrogate or neuron choice does (docs/neurons.md)");
  inspect->require_subcommand(1);
  add_surrogate(*inspect, global);
  add_neuron(*inspect, global);
}

}  // namespace snncosim::cli
