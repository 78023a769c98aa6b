// `snncosim rtlgen`: the one generator of the layer engine's SV package (maximum sizes),
// from the model and hardware YAML the TLM reads, or the build's own limits (--defaults).
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "command.h"
#include "snncosim/common/atomic_file.h"
#include "snncosim/common/config.h"
#include "snncosim/common/error.h"
#include "snncosim/numerics/model_file.h"
#include "snncosim/tb/engine_image.h"

namespace snncosim::cli {

namespace {

struct rtlgen_args {
  std::string model, hardware, out;
  std::vector<std::string> sets;
  int steps = 20;
  bool defaults = false;
};

void run_rtlgen(const rtlgen_args& a, const global_options& global) {
  const tb::engine_limits build;
  tb::engine_limits lim = build;
  nlohmann::json j;
  if (!a.defaults) {
    if (a.model.empty() || a.hardware.empty()) throw bad_input("rtlgen: give --model and --hardware, or --defaults");
    if (a.steps < 1) throw bad_input(fmt::format("--steps must be >= 1, got {}", a.steps));
    const numerics::quant_model model = numerics::read_model_file(a.model);
    std::vector<config::override_entry> overrides;
    for (const auto& s : a.sets) overrides.push_back(config::parse_override(s));
    const auto doc = config::load(a.hardware, overrides, "hardware");
    const auto hw = sc_models::resolve_hardware(doc, model);
    lim = tb::required_limits(model, hw, a.steps);
    j["fits_build"] = tb::fits(lim, build);
  }
  const std::string text = tb::engine_package_sv(lim);
  if (!a.out.empty()) write_file_atomic(a.out, text);
  if (global.json) {
    j["package"] = text;
    std::cout << j.dump(2) << "\n";
  } else if (a.out.empty()) {
    std::cout << text;
  }
  if (j.contains("fits_build") && !j["fits_build"].get<bool>() && !global.json)
    std::cerr << "rtlgen: this configuration does not fit the engine build (rtl/layer_engine/snn_engine_pkg.sv)\n";
}

}  // namespace

void add_rtlgen_command(CLI::App& root, global_options& global) {
  auto a = std::make_shared<rtlgen_args>();
  auto* cmd = root.add_subcommand("rtlgen", "Generate the layer engine's SV package of maximum sizes");
  cmd->add_option("--model", a->model, "Model file (HDF5)")->check(CLI::ExistingFile);
  cmd->add_option("--hardware", a->hardware, "Hardware YAML")->check(CLI::ExistingFile);
  cmd->add_option("--set", a->sets, "Override a hardware key");
  cmd->add_option("--steps", a->steps, "Time steps the spike memories must hold");
  cmd->add_flag("--defaults", a->defaults, "The limits of the CMake engine build (rtl/layer_engine/snn_engine_pkg.sv)");
  cmd->add_option("--out", a->out, "Write the package here (else stdout)");
  cmd->callback([a, &global] { run_rtlgen(*a, global); });
}

}  // namespace snncosim::cli
