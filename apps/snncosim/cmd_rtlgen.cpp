// `snncosim rtlgen`: writes the accelerator RTL specialised for a model and hardware (the
// top, the design files and a manifest; docs/rtl.md §6), optionally Verilates it into the
// build cache; or, with --defaults, the package of the prebuilt programmable engines.
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "command.h"
#include "versions.h"
#include "snncosim/common/atomic_file.h"
#include "snncosim/common/error.h"
#include "snncosim/explore/inputs.h"
#include "snncosim/tb/engine_image.h"
#include "snncosim/tb/rtl_build.h"
#include "snncosim/tb/rtl_design.h"
#include "snncosim/common/json_text.h"

namespace snncosim::cli {

namespace {

struct rtlgen_args {
  std::string model, hardware, platform, out, mutation, cache;
  std::vector<std::string> sets;
  int steps = 20;
  bool defaults = false;
  bool build = false;
};

void run_rtlgen(const rtlgen_args& a, const global_options& global) {
  if (a.defaults) {
    const std::string text = tb::engine_package_sv(tb::engine_limits{});
    if (!a.out.empty()) write_file_atomic(a.out, text);
    if (global.json)
      std::cout << json_text(nlohmann::json{{"package", text}}) << "\n";
    else if (a.out.empty())
      std::cout << text;
    return;
  }
  if (a.model.empty() || a.hardware.empty()) throw bad_input("rtlgen: give --model and --hardware (or --defaults)");
  if (a.out.empty() && !a.build) throw bad_input("rtlgen: give --out DIR and/or --build");
  const explore::simulation_inputs in = explore::load_simulation_inputs(a.model, a.hardware, a.sets, a.platform);
  // bad_input here, before anything is written, when the RTL cannot hold the configuration.
  const tb::rtl_design d = tb::generate_rtl(in.model, in.hw, a.steps, a.mutation);
  nlohmann::json j = d.manifest();
  j["versions"] = library_versions();
  if (!a.out.empty()) tb::write_design(d, a.out, {{"versions", j["versions"]}});
  if (a.build) {
    tb::rtl_build_options opt;
    opt.cache_dir = a.cache;
    opt.progress = !global.json;
    const tb::rtl_build b = tb::build_rtl(d, opt);
    j["build"] = {{"dir", b.dir.string()}, {"reused", b.reused}, {"seconds", b.seconds},
                  {"verilate_seconds", b.verilate_seconds}, {"compile_seconds", b.compile_seconds},
                  {"peak_rss_mib", static_cast<double>(b.peak_rss_kib) / 1024.0}};
  }
  if (global.json) {
    std::cout << json_text(j) << "\n";
    return;
  }
  std::cout << fmt::format("design {}: {} engines, {} links, packets of {} bits\n", d.hash, d.engines.size(),
                           d.links.size(), d.packet_bits());
  for (const auto& e : d.engines)
    std::cout << fmt::format("  {}: {} lanes, weights {} x {} words, accumulators {}, membranes {}, spikes {} x {} bits\n",
                             e.layer_name, e.limits.lanes, e.limits.lanes, e.limits.weight_words, e.limits.acc_words,
                             e.limits.mem_words, e.limits.spike_words, e.limits.chunk_bits);
  if (!a.out.empty()) std::cout << fmt::format("wrote {} (files.f lists the sources in order)\n", a.out);
  if (j.contains("build")) std::cout << fmt::format("built {}\n", j["build"]["dir"].get<std::string>());
}

}  // namespace

void add_rtlgen_command(CLI::App& root, global_options& global) {
  auto a = std::make_shared<rtlgen_args>();
  auto* cmd = root.add_subcommand("rtlgen", "Generate the accelerator RTL specialised for a model and hardware");
  cmd->add_option("--model", a->model, "Model file (HDF5)")->check(CLI::ExistingFile);
  cmd->add_option("--hardware", a->hardware, "Hardware YAML")->check(CLI::ExistingFile);
  cmd->add_option("--platform", a->platform, "Platform YAML (clock)")->check(CLI::ExistingFile);
  cmd->add_option("--set", a->sets, "Override a hardware key");
  cmd->add_option("--steps", a->steps, "Time steps per sample the spike memories hold (1..255)");
  cmd->add_option("--out", a->out, "Write the design here: the SV files, files.f and manifest.json");
  cmd->add_flag("--build", a->build, "Also Verilate and compile it into the RTL cache (what cosim uses)");
  cmd->add_option("--rtl-cache", a->cache, "Cache folder (default $SNNCOSIM_RTL_CACHE, else ~/.cache/snncosim/rtl)");
  cmd->add_option("--mutation", a->mutation, "Apply a mutation of rtl/mutate/snn-mutate (mutation tests)");
  cmd->add_flag("--defaults", a->defaults,
                "Print the package of the prebuilt programmable engines (rtl/layer_engine/snn_engine_pkg.sv)");
  cmd->callback([a, &global] { run_rtlgen(*a, global); });
}

}  // namespace snncosim::cli
