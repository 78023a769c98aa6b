// `snncosim estimate`: FPGA resources of a hardware configuration for a model, per layer
// engine, from the analytic resource models and (unless --no-yosys) Yosys synth_xilinx on
// the RTL layer engine (or the skeleton, --yosys-source), against the platform's resources
// (docs/hardware.md §11).
#include <filesystem>
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "command.h"
#include "explore_inputs.h"
#include "snncosim/common/error.h"
#include "snncosim/common/progress.h"
#include "snncosim/explore/yosys.h"

namespace snncosim::cli {

namespace {

struct estimate_args {
  std::string model, hardware, platform, workdir;
  std::vector<std::string> sets;
  int steps = 1;
  bool no_yosys = false;
  std::string yosys_source = "auto";
};

nlohmann::json res_json(const explore::resources& r) {
  return {{"lut", r.lut}, {"ff", r.ff}, {"bram36", r.bram36}, {"uram", r.uram}, {"dsp", r.dsp}};
}

nlohmann::json util_json(const explore::utilisation& u) {
  return {{"used", res_json(u.used)},
          {"available", res_json(u.capacity)},
          {"utilisation", {{"lut", u.lut}, {"ff", u.ff}, {"bram36", u.bram36}, {"uram", u.uram}, {"dsp", u.dsp}}},
          {"fits", u.fits},
          {"first_overflow", u.first_overflow}};
}

void run_estimate(const estimate_args& a, const global_options& global) {
  if (a.steps < 1) throw bad_input(fmt::format("--steps must be >= 1, got {}", a.steps));
  const auto in = load_explore_inputs(a.model, a.hardware, a.platform, a.sets);
  const std::vector<explore::engine_shape> shapes = explore::engine_shapes(in->model);
  const bool yosys = !a.no_yosys;
  if (yosys && !explore::yosys_available())
    throw std::runtime_error("yosys is not installed (scripts/setup installs it); use --no-yosys for the model only");
  const std::filesystem::path work =
      a.workdir.empty() ? std::filesystem::temp_directory_path() / fmt::format("snncosim_estimate_{}", ::getpid())
                        : std::filesystem::path(a.workdir);
  // A temporary work directory goes away however the command ends.
  struct cleanup {
    std::filesystem::path dir;
    ~cleanup() {
      std::error_code ec;
      if (!dir.empty()) std::filesystem::remove_all(dir, ec);
    }
  } const guard{a.workdir.empty() && yosys ? work : std::filesystem::path{}};
  nlohmann::json layers = nlohmann::json::array();
  explore::resources model_total, rtl_model_total, yosys_total;
  progress_bar bar("estimate", shapes.size(), "engines");
  for (std::size_t e = 0; e < shapes.size(); ++e) {
    const explore::engine_params p = explore::engine_parameters(shapes[e], in->hw.layers[e], in->hw.mode, e, a.steps);
    const explore::resources m = explore::estimate_engine(p);
    model_total += m;
    const explore::rtl_engine_params rp =
        explore::rtl_engine_parameters(shapes[e], in->hw.layers[e], in->hw.mode, e, a.steps);
    const explore::resources rm = explore::estimate_rtl_engine(rp);
    rtl_model_total += rm;
    nlohmann::json l = {{"layer", shapes[e].name},
                        {"parameters",
                         {{"neuron_cores", p.n}, {"penc_width_bits", p.penc}, {"spike_chunks", p.sdepth},
                          {"weight_words", p.wdepth}, {"weight_width_bits", p.wwidth},
                          {"accumulator_words_per_core", p.adepth}, {"membrane_words_per_core", p.mdepth},
                          {"fifo_depth", p.fdepth}}},
                        {"model", res_json(m)},
                        {"rtl_parameters",
                         {{"Lanes", rp.lanes}, {"ChunkW", rp.chunk}, {"SpikeWords", rp.spike_words},
                          {"WeightWords", rp.weight_words}, {"AccWords", rp.acc_words}, {"MemWords", rp.mem_words},
                          {"ChanWords", rp.chan_words}, {"MaxFrame", rp.max_frame}, {"FifoDepth", rp.fifo_depth},
                          {"MaxRate", rp.max_rate}, {"MaxLatency", rp.max_latency}}},
                        {"rtl_model", res_json(rm)},
                        {"rtl_synthesis_bounded", explore::rtl_synthesis_bounded(rp)}};
    if (yosys) {
      // auto: the real RTL where its synthesis is bounded (the calibration range), else the skeleton
      const bool use_rtl =
          a.yosys_source == "rtl" || (a.yosys_source == "auto" && explore::rtl_synthesis_bounded(rp));
      spdlog::info("estimate: yosys synth_xilinx -family {} for {} ({})", in->platform.yosys_family, shapes[e].name,
                   use_rtl ? "RTL" : "skeleton");
      const explore::yosys_result y =
          use_rtl ? explore::run_yosys_rtl(rp, in->platform.yosys_family, work / shapes[e].name)
                  : explore::run_yosys(p, in->platform.yosys_family, work / shapes[e].name);
      l["yosys_source"] = use_rtl ? "rtl" : "skeleton";
      l["yosys_top"] = y.top;
      yosys_total += y.used;
      l["yosys"] = res_json(y.used);
      l["yosys_cells"] = y.cells;
      l["yosys_seconds"] = y.seconds;
    }
    layers.push_back(l);
    bar.advance();
  }
  bar.finish();
  const explore::utilisation um = explore::utilisation_of(model_total, in->platform.capacity);
  nlohmann::json j = {{"hardware", a.hardware},
                      {"platform", in->platform.name},
                      {"yosys_family", in->platform.yosys_family},
                      {"pipeline_mode", sc_models::to_string(in->hw.mode)},
                      {"layers", layers},
                      {"model", util_json(um)},
                      {"rtl_model", util_json(explore::utilisation_of(rtl_model_total, in->platform.capacity))},
                      {"yosys_source", a.no_yosys ? "none" : a.yosys_source},
                      {"rtl", explore::engine_rtl_sources().back().string()},
                      {"skeleton", explore::engine_skeleton_sv().string()}};
  bool fits = um.fits;
  if (yosys) {
    const explore::utilisation uy = explore::utilisation_of(yosys_total, in->platform.capacity);
    j["yosys"] = util_json(uy);
    fits = uy.fits;
  }
  j["fits"] = fits;
  if (global.json) {
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::cout << fmt::format("{} on {} ({}):\n", a.hardware, in->platform.name, sc_models::to_string(in->hw.mode));
  std::cout << fmt::format("  {:<12} {:>9} {:>9} {:>7} {:>5} {:>5}{}\n", "layer", "LUT", "FF", "BRAM36", "URAM",
                           "DSP", yosys ? "   (model / yosys)" : "");
  for (const auto& l : layers) {
    auto row = [&](const nlohmann::json& r, const std::string& what) {
      std::cout << fmt::format("  {:<12} {:>9.0f} {:>9.0f} {:>7.1f} {:>5.0f} {:>5.0f}  {}\n",
                               l["layer"].get<std::string>(), r["lut"].get<double>(), r["ff"].get<double>(),
                               r["bram36"].get<double>(), r["uram"].get<double>(), r["dsp"].get<double>(), what);
    };
    row(l["model"], "model");
    row(l["rtl_model"], "rtl model");
    if (yosys) row(l["yosys"], "yosys " + l["yosys_source"].get<std::string>());
  }
  auto util_line = [&](const explore::utilisation& u, const char* what) {
    std::cout << fmt::format("  {}: LUT {:.1f}% FF {:.1f}% BRAM36 {:.1f}% URAM {:.1f}% DSP {:.1f}% -> {}\n", what,
                             100 * u.lut, 100 * u.ff, 100 * u.bram36, 100 * u.uram, 100 * u.dsp,
                             u.fits ? "fits" : "does not fit (" + u.first_overflow + ")");
  };
  util_line(um, "model");
  util_line(explore::utilisation_of(rtl_model_total, in->platform.capacity), "rtl model");
  if (yosys) util_line(explore::utilisation_of(yosys_total, in->platform.capacity), "yosys");
}

}  // namespace

void add_estimate_command(CLI::App& root, global_options& global) {
  auto a = std::make_shared<estimate_args>();
  auto* cmd = root.add_subcommand("estimate", "FPGA resources per layer engine (resource model and Yosys synth_xilinx)");
  cmd->add_option("--model", a->model, "Model file (HDF5): gives the layer engines' shapes")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--hardware", a->hardware, "Hardware YAML (yaml/hardware/)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--platform", a->platform, "Platform YAML (platforms/): resources and family")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--set", a->sets, "Override a hardware key, e.g. --set layers.conv1.neuron_cores=8");
  cmd->add_option("--steps", a->steps, "Time steps a spike memory holds (layer 0 and layer-sequential engines)")
      ->capture_default_str();
  cmd->add_flag("--no-yosys", a->no_yosys, "Only the analytic resource models");
  cmd->add_option("--yosys-source", a->yosys_source,
                  "What Yosys synthesises: rtl (rtl/layer_engine), skeleton (explore/rtl_model, the fallback), "
                  "auto (the RTL where its synthesis is bounded, else the skeleton)")
      ->check(CLI::IsMember({"auto", "rtl", "skeleton"}))
      ->capture_default_str();
  cmd->add_option("--workdir", a->workdir, "Keep Yosys logs and stat files here (default: a temporary directory)");
  cmd->callback([a, &global] { run_estimate(*a, global); });
}

}  // namespace snncosim::cli
