// `snncosim inspect surrogate|neuron`: show what a surrogate or a neuron configuration does
// before training with it (formulas: docs/neurons.md; tables from snn/inspect.h).
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
#include "snncosim/common/json_text.h"
#include "snncosim/experiments/gnuplot.h"
#include "snncosim/snn/inspect.h"

namespace snncosim::cli {
namespace {

namespace ex = experiments;

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
      std::string text;
      const nlohmann::json all = snn::surrogate_list(global.json ? nullptr : &text);
      std::cout << (global.json ? json_text(all) + "\n" : text);
      return;
    }
    if (o->name.empty()) throw bad_input("inspect surrogate: give a NAME (or --list)");
    const snn::inspection r = snn::inspect_surrogate({o->name, snn::parse_params(o->params), o->seed}, o->at);
    if (!global.json) std::cout << r.text;
    if (!o->png.empty()) ex::draw_png(o->png, r.plot_data, r.plot_commands);
    if (global.json) std::cout << json_text(r.json) << "\n";
  });
}

void add_neuron(CLI::App& inspect, global_options& global) {
  auto* cmd = inspect.add_subcommand("neuron", "Step one neuron through an input sequence (snnTorch semantics)");
  struct opts : snn::neuron_request {
    std::string png;
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
    const snn::inspection r = snn::inspect_neuron(*o);
    if (!global.json) std::cout << r.text;
    if (!o->png.empty()) ex::draw_png(o->png, r.plot_data, r.plot_commands);
    if (global.json) std::cout << json_text(r.json) << "\n";
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
