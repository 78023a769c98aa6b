#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "snncosim/common/atomic_file.h"
#include "snncosim/common/error.h"
#include "snncosim/common/progress.h"
#include "snncosim/explore/estimate.h"
#include "snncosim/explore/inputs.h"
#include "snncosim/explore/yosys.h"
#include "snncosim/tb/rtl_design.h"

namespace snncosim::explore {

namespace {

nlohmann::json res_json(const explore::resources& r) {
  return {{"lut", r.lut}, {"ff", r.ff}, {"bram36", r.bram36}, {"uram", r.uram}, {"dsp", r.dsp}};
}

nlohmann::json yosys_json(const explore::yosys_result& y) {
  return {{"resources", res_json(y.used)}, {"cells", y.cells}, {"seconds", y.seconds},
          {"cpu_seconds", y.cpu_seconds}, {"yosys_process_cpu_seconds", y.yosys_cpu_seconds}, {"ltp", y.ltp},
          {"top", y.top}};
}

nlohmann::json util_json(const explore::utilisation& u) {
  return {{"used", res_json(u.used)},
          {"available", res_json(u.capacity)},
          {"utilisation", {{"lut", u.lut}, {"ff", u.ff}, {"bram36", u.bram36}, {"uram", u.uram}, {"dsp", u.dsp}}},
          {"fits", u.fits},
          {"first_overflow", u.first_overflow}};
}

}  // namespace

estimate_outcome estimate_resources(const estimate_request& a) {
  estimate_outcome out;
  if (a.steps < 1) throw bad_input(fmt::format("--steps must be >= 1, got {}", a.steps));
  const auto in = load_explore_inputs(a.model, a.hardware, a.platform, a.sets);
  const std::vector<explore::engine_shape> shapes = explore::engine_shapes(in->model);
  const bool yosys = !a.no_yosys;
  const bool specialised = yosys && a.yosys_source == "specialised";
  if (a.yosys_top && !specialised)
    throw bad_input("--yosys-top synthesises the generated accelerator: it needs --yosys-source specialised");
  for (const auto& name : a.yosys_engines)
    if (std::none_of(shapes.begin(), shapes.end(), [&](const explore::engine_shape& s) { return s.name == name; }))
      throw bad_input(fmt::format("--yosys-engine '{}': the model has no such neuron layer", name));
  if (yosys && !explore::yosys_available())
    throw std::runtime_error("yosys is not installed (scripts/setup installs it); use --no-yosys for the model only");
  // The design generated for this model and hardware: the engines Yosys synthesises.
  std::optional<tb::rtl_design> design;
  if (specialised) {
    design = tb::generate_rtl(in->model, in->hw, a.steps);
    if (design->engines.size() != shapes.size())
      throw std::logic_error("estimate: the generated design and the model disagree on the engines");
  }
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
  explore::resources model_total, rtl_model_total, spec_model_total, yosys_total;
  bool yosys_all = true;  // every engine synthesised (else no Yosys total)
  progress_bar bar("estimate", shapes.size(), "engines");
  for (std::size_t e = 0; e < shapes.size(); ++e) {
    const explore::engine_params p = explore::engine_parameters(shapes[e], in->hw.layers[e], in->hw.mode, e, a.steps);
    const explore::resources m = explore::estimate_engine(p);
    model_total += m;
    const explore::rtl_engine_params rp =
        explore::rtl_engine_parameters(shapes[e], in->hw.layers[e], in->hw.mode, e, a.steps);
    const explore::resources rm = explore::estimate_rtl_engine(rp);
    rtl_model_total += rm;
    const explore::spec_engine_params sp = explore::specialised_engine_parameters(shapes[e], in->hw, e, a.steps);
    const explore::resources sm = explore::estimate_specialised_engine(sp);
    spec_model_total += sm;
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
                        {"rtl_synthesis_bounded", explore::rtl_synthesis_bounded(rp)},
                        {"specialised_parameters",
                         {{"Lanes", sp.lanes}, {"ChunkW", sp.chunk}, {"SpikeWords", sp.spike_words},
                          {"WeightWords", sp.weight_words}, {"AccWords", sp.acc_words}, {"MemWords", sp.mem_words},
                          {"ChanWords", sp.chan_words}, {"MaxFrame", sp.max_frame}, {"FifoDepth", sp.fifo_depth},
                          {"MaxRate", sp.max_rate}, {"MaxLatency", sp.max_latency}, {"SetPorts", sp.set_ports},
                          {"Conv", sp.conv}}},
                        {"specialised_model", res_json(sm)}};
    const bool selected = a.yosys_engines.empty() ||
                          std::find(a.yosys_engines.begin(), a.yosys_engines.end(), shapes[e].name) != a.yosys_engines.end();
    if (yosys && selected) {
      const std::filesystem::path dir = work / shapes[e].name;
      explore::yosys_result y;
      std::string source = a.yosys_source;
      if (specialised) {
        // The engine's parameters exactly as the generated top sets them, in a wrapper of its own.
        const std::string top = fmt::format("snn_engine_{}", e);
        ensure_output_folder(dir);
        const std::filesystem::path wrapper = dir / (top + ".sv");
        std::ofstream(wrapper) << tb::engine_wrapper_sv(*design, e, top);
        std::vector<std::filesystem::path> files = design->sources;
        files.push_back(wrapper);
        spdlog::info("estimate: yosys synth_xilinx -family {} for {} (specialised)", in->platform.yosys_family,
                     shapes[e].name);
        y = explore::run_yosys_sources(files, top, in->platform.yosys_family, dir);
        nlohmann::json gp;
        for (const auto& sv : design->engines[e].params)
          if (sv.name != "FixedCfg") gp[sv.name] = sv.value;
        l["generated_parameters"] = gp;
      } else {
        // auto: the programmable RTL where its synthesis is bounded (the calibration range), else the skeleton
        const bool use_rtl =
            a.yosys_source == "rtl" || (a.yosys_source == "auto" && explore::rtl_synthesis_bounded(rp));
        source = use_rtl ? "rtl" : "skeleton";
        spdlog::info("estimate: yosys synth_xilinx -family {} for {} ({})", in->platform.yosys_family, shapes[e].name,
                     use_rtl ? "programmable RTL" : "skeleton");
        y = use_rtl ? explore::run_yosys_rtl(rp, in->platform.yosys_family, dir)
                    : explore::run_yosys(p, in->platform.yosys_family, dir);
      }
      l["yosys_source"] = source;
      l["yosys_top"] = y.top;
      yosys_total += y.used;
      l["yosys"] = res_json(y.used);
      l["yosys_cells"] = y.cells;
      l["yosys_seconds"] = y.seconds;
      l["yosys_cpu_seconds"] = y.cpu_seconds;  // with ABC
      l["yosys_process_cpu_seconds"] = y.yosys_cpu_seconds;
      l["yosys_ltp"] = y.ltp;
    } else if (yosys) {
      yosys_all = false;
    }
    layers.push_back(l);
    bar.advance();
  }
  bar.finish();
  const explore::utilisation um = explore::utilisation_of(model_total, in->platform.capacity);
  const explore::utilisation us = explore::utilisation_of(spec_model_total, in->platform.capacity);
  nlohmann::json j = {{"hardware", a.hardware},
                      {"platform", in->platform.name},
                      {"yosys_family", in->platform.yosys_family},
                      {"pipeline_mode", sc_models::to_string(in->hw.mode)},
                      {"layers", layers},
                      {"model", util_json(um)},
                      {"rtl_model", util_json(explore::utilisation_of(rtl_model_total, in->platform.capacity))},
                      {"specialised_model", util_json(us)},
                      {"yosys_source", a.no_yosys ? "none" : a.yosys_source},
                      {"rtl", explore::engine_rtl_top().string()},
                      {"skeleton", explore::engine_skeleton_sv().string()}};
  // Fits by Yosys when every engine was synthesised, else by the default (specialised) model.
  bool fits = us.fits;
  std::optional<explore::utilisation> uy;
  if (yosys && yosys_all) {
    uy = explore::utilisation_of(yosys_total, in->platform.capacity);
    j["yosys"] = util_json(*uy);
    fits = uy->fits;
  }
  std::optional<explore::yosys_result> top;
  if (a.yosys_top) {
    const std::filesystem::path dir = work / "top";
    ensure_output_folder(dir);
    const std::filesystem::path top_sv = dir / (design->top_module + ".sv");
    std::ofstream(top_sv) << design->top_sv;
    std::vector<std::filesystem::path> files = design->sources;
    files.push_back(top_sv);
    spdlog::info("estimate: yosys synth_xilinx -family {} for the whole top {}", in->platform.yosys_family,
                 design->top_module);
    top = explore::run_yosys_sources(files, design->top_module, in->platform.yosys_family, dir);
    j["yosys_top_design"] = yosys_json(*top);
    j["yosys_top_design"]["utilisation"] = util_json(explore::utilisation_of(top->used, in->platform.capacity));
    fits = explore::utilisation_of(top->used, in->platform.capacity).fits;
  }
  j["fits"] = fits;
  std::string& text = out.text;
  text += fmt::format("{} on {} ({}):\n", a.hardware, in->platform.name, sc_models::to_string(in->hw.mode));
  text += fmt::format("  {:<12} {:>9} {:>9} {:>7} {:>5} {:>5}  {}\n", "layer", "LUT", "FF", "BRAM36", "URAM",
                           "DSP", yosys ? "source (yosys: longest path in cells, CPU)" : "source");
  for (const auto& l : layers) {
    auto row = [&](const nlohmann::json& r, const std::string& what) {
      text += fmt::format("  {:<12} {:>9.0f} {:>9.0f} {:>7.1f} {:>5.0f} {:>5.0f}  {}\n",
                               l["layer"].get<std::string>(), r["lut"].get<double>(), r["ff"].get<double>(),
                               r["bram36"].get<double>(), r["uram"].get<double>(), r["dsp"].get<double>(), what);
    };
    row(l["specialised_model"], "specialised model");
    row(l["rtl_model"], "rtl model (programmable)");
    row(l["model"], "skeleton model");
    if (l.contains("yosys"))
      row(l["yosys"], fmt::format("yosys {} (ltp {}, {:.0f} s CPU)", l["yosys_source"].get<std::string>(),
                                  l["yosys_ltp"].get<int>(), l["yosys_cpu_seconds"].get<double>()));
  }
  if (top)
    text += fmt::format("  {:<12} {:>9.0f} {:>9.0f} {:>7.1f} {:>5.0f} {:>5.0f}  yosys whole top (ltp {}, {:.0f} s CPU)\n",
                             "top", top->used.lut, top->used.ff, top->used.bram36, top->used.uram, top->used.dsp,
                             top->ltp, top->cpu_seconds);
  auto util_line = [&](const explore::utilisation& u, const char* what) {
    text += fmt::format("  {}: LUT {:.1f}% FF {:.1f}% BRAM36 {:.1f}% URAM {:.1f}% DSP {:.1f}% -> {}\n", what,
                             100 * u.lut, 100 * u.ff, 100 * u.bram36, 100 * u.uram, 100 * u.dsp,
                             u.fits ? "fits" : "does not fit (" + u.first_overflow + ")");
  };
  util_line(us, "specialised model");
  util_line(explore::utilisation_of(rtl_model_total, in->platform.capacity), "rtl model");
  util_line(um, "skeleton model");
  if (uy) util_line(*uy, "yosys engines");
  if (top) util_line(explore::utilisation_of(top->used, in->platform.capacity), "yosys whole top");
  out.json = std::move(j);
  return out;
}

}  // namespace snncosim::explore
