// The search of `snncosim explore` for one trained model: fast evaluator + resource model,
// greedy balancing, then exhaustive or simulated annealing; Pareto front; the top-k
// confirmed by the TLM in child processes (`snncosim simulate`, one SystemC elaboration each).
#include "snncosim/explore/explore_run.h"

#include <cstdio>
#include <memory>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "snncosim/explore/inputs.h"
#include "snncosim/explore/plots.h"
#include "snncosim/common/atomic_file.h"
#include "snncosim/common/error.h"
#include "snncosim/common/progress.h"
#include "snncosim/experiments/child_process.h"
#include "snncosim/explore/hardware_yaml.h"
#include "snncosim/explore/search.h"
#include "snncosim/common/json_text.h"

namespace snncosim::explore {

namespace {

nlohmann::json scored_json(const explore::scored& s) {
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& l : s.hw.layers)
    layers.push_back({{"layer", l.layer_name},
                      {"neuron_cores", l.neuron_cores},
                      {"penc_width_bits", l.penc_width_bits},
                      {"weight_memory", sc_models::to_string(l.weight_memory.kind)},
                      {"membrane_memory", sc_models::to_string(l.membrane_memory.kind)},
                      {"spike_fifo_depth", l.spike_fifo_depth}});
  return {{"pipeline_mode", sc_models::to_string(s.hw.mode)},
          {"layers", layers},
          {"mean_latency_cycles", s.eval.mean_latency_cycles},
          {"mean_latency_us", s.eval.latency_us},
          {"samples_per_s", s.eval.samples_per_s},
          {"mean_energy_uj", s.eval.mean_energy_uj},
          {"resources", {{"lut", s.used.lut}, {"ff", s.used.ff}, {"bram36", s.used.bram36}, {"uram", s.used.uram},
                         {"dsp", s.used.dsp}}},
          {"max_utilisation", s.max_utilisation},
          {"fits", s.fits},
          {"score", s.score},
          {"key", s.cand.key()},
          {"config", configuration_words(s.hw)}};
}

struct child_output {
  int status = -1;  // exit status; -1 when it could not start or was killed
  std::string out;
};

// `snncosim -q --json ARGS` of this executable: its stdout; its stderr goes to ours.
child_output run_self_json(const std::vector<std::string>& args) {
  namespace ex = experiments;
  child_output r;
  const std::filesystem::path out =
      std::filesystem::temp_directory_path() / fmt::format("snncosim_explore_child_{}.json", ::getpid());
  std::vector<std::string> argv = {ex::self_executable().string(), "-q", "--json"};
  argv.insert(argv.end(), args.begin(), args.end());
  try {
    r.status = ex::run_child(argv, out, {}).exit_code;
    r.out = read_file(out);
  } catch (const std::exception&) {
    // Not started, or no output file: reported as the exit status.
  }
  std::error_code ec;
  std::filesystem::remove(out, ec);
  return r;
}

// Every feasible candidate scored, for the co-design view's joint Pareto front.
void write_feasible_csv(const std::filesystem::path& path, const std::vector<explore::scored>& all) {
  std::string csv = "key,score,mean_latency_cycles,mean_energy_uj,max_utilisation,config\n";
  for (const auto& s : all)
    csv += fmt::format("{},{},{},{},{},{}\n", s.cand.key(), s.score, s.eval.mean_latency_cycles, s.eval.mean_energy_uj,
                       s.max_utilisation, configuration_words(s.hw));
  write_file_atomic(path, csv);
}

}  // namespace

std::string configuration_words(const sc_models::hardware_config& hw) {
  std::string s = sc_models::to_string(hw.mode);
  for (const auto& l : hw.layers)
    s += fmt::format("; {} c{} p{} w:{} m:{} f{}", l.layer_name, l.neuron_cores, l.penc_width_bits,
                     sc_models::to_string(l.weight_memory.kind), sc_models::to_string(l.membrane_memory.kind),
                     l.spike_fifo_depth);
  return s;
}

nlohmann::json explore_signature(const explore_args& a) {
  // format: the files of an explore folder (2: feasible.csv has the configuration in words).
  return {{"format", 2}, {"objective", a.objective}, {"budget", a.budget},     {"seed", a.seed},
          {"top_k", a.no_confirm ? 0 : a.top_k},                {"samples", a.samples},
          {"iterations", a.iterations}, {"steps", a.steps},     {"exhaustive_limit", a.exhaustive_limit},
          {"penc", a.penc},             {"fifo", a.fifo},       {"max_cores", a.max_cores}, {"resource_model", a.resource_model},
          {"sets", a.sets},             {"platform", a.platform}, {"hardware", a.hardware},
          {"identity", a.identity}};
}

nlohmann::json cosim_configuration(const std::string& model, const std::string& traces, const std::string& hardware,
                                   const std::string& platform, int samples) {
  std::vector<std::string> args = {"cosim", "--model", model, "--traces", traces, "--hardware", hardware, "--platform", platform};
  if (samples > 0) args.insert(args.end(), {"--samples", std::to_string(samples)});
  const child_output r = run_self_json(args);
  const nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  nlohmann::json rtl_cosim = {{"exit_status", r.status}};
  if (!j.is_discarded() && j.is_object())
    for (const char* key : {"mismatches", "events_compared", "tlm_cycles", "rtl_cycles"})
      if (j.contains(key)) rtl_cosim[key] = j[key];
  if (r.status != 0 && !rtl_cosim.contains("mismatches"))
    spdlog::warn("explore: RTL co-simulation did not run (exit {}); see `snncosim cosim`", r.status);
  return rtl_cosim;
}

nlohmann::json explore_model(const explore_args& a) {
  if (a.top_k < 0) throw bad_input(fmt::format("--top-k must be >= 0, got {}", a.top_k));
  if (a.iterations < 1) throw bad_input(fmt::format("--iterations must be >= 1, got {}", a.iterations));
  const auto in = load_explore_inputs(a.model, a.hardware, a.platform, a.sets);
  const explore::workload w = load_workload(in->model, a.traces, a.samples);
  int max_steps = 1;
  for (const auto& s : w.samples) max_steps = std::max(max_steps, s.steps);

  explore::search_options opt;
  opt.goal = explore::parse_objective(a.objective);
  opt.seed = a.seed;
  opt.iterations = a.iterations;
  opt.exhaustive_limit = a.exhaustive_limit;
  opt.steps = a.steps > 0 ? a.steps : max_steps;
  opt.resources = explore::parse_resource_model(a.resource_model);
  std::filesystem::path out_dir = a.out;
  if (!out_dir.empty()) ensure_output_folder(out_dir);
  opt.state_path = !a.state.empty() ? a.state : (out_dir.empty() ? std::string{} : (out_dir / "state.json").string());
  const explore::budget limit = explore::parse_budget(a.budget, in->platform);
  explore::search_space space = explore::default_space(w.engines, in->platform);
  // Restrictions, e.g. to what the RTL is built for (docs/rtl.md §2: penc 8, 16 or 32, 4 lanes, FIFO 16).
  for (const int v : a.penc)
    if (v < 1) throw bad_input(fmt::format("--penc: {} is not a positive width", v));
  for (const int v : a.fifo)
    if (v < 1) throw bad_input(fmt::format("--fifo: {} is not a positive depth", v));
  if (a.max_cores < 0) throw bad_input(fmt::format("--max-cores must be >= 0, got {}", a.max_cores));
  if (!a.penc.empty()) space.penc = a.penc;
  if (!a.fifo.empty()) space.fifo = a.fifo;
  if (a.max_cores > 0)
    for (auto& c : space.cores) {
      std::erase_if(c, [&](int n) { return n > a.max_cores; });
      if (c.empty()) c.push_back(1);
    }

  std::unique_ptr<progress_bar> bar;
  std::size_t bar_done = 0;
  if (a.progress)
    opt.progress = [&](std::size_t done, std::size_t total) {
      if (!bar) bar = std::make_unique<progress_bar>("explore", total, "configs");
      if (done > bar_done) bar->advance(done - bar_done);
      bar_done = done;
    };
  explore::searcher search(w, in->hw, in->platform, space, limit, opt);
  explore::search_result res = search.run();
  if (bar) bar->finish();
  if (res.ranked.empty()) {
    const auto& c = res.closest_infeasible;
    throw bad_input(fmt::format(
        "--budget '{}': no configuration fits on {} ({} candidates tried); the smallest needs LUT {:.0f}, FF {:.0f}, "
        "BRAM36 {:.1f}, URAM {:.0f}, DSP {:.0f} ({})",
        a.budget, in->platform.name, res.evaluated + res.resumed, c.used.lut, c.used.ff, c.used.bram36, c.used.uram,
        c.used.dsp, c.why_not));
  }
  const double configs_per_min = res.seconds > 0 ? static_cast<double>(res.evaluated) / res.seconds * 60.0 : 0;
  spdlog::info("explore: {} ({} scored, {} resumed) in {:.1f} s, {:.0f} configurations/min", res.method, res.evaluated,
               res.resumed, res.seconds, configs_per_min);

  // Confirmation of the top-k by the full TLM, one child process each.
  nlohmann::json confirmed = nlohmann::json::array();
  nlohmann::json& done = search.extra_state()["confirmed"];
  if (!done.is_object()) done = nlohmann::json::object();
  const std::size_t k = std::min(static_cast<std::size_t>(a.top_k), res.ranked.size());
  const std::filesystem::path yaml_dir =
      out_dir.empty() ? std::filesystem::temp_directory_path() / fmt::format("snncosim_explore_{}", ::getpid()) : out_dir;
  if (!a.no_confirm && k > 0) {
    ensure_output_folder(yaml_dir);
    std::unique_ptr<progress_bar> cbar;
    if (a.progress) cbar = std::make_unique<progress_bar>("confirm (TLM)", k, "configs");
    for (std::size_t i = 0; i < k; ++i) {
      const explore::scored& s = res.ranked[i];
      const std::string key = s.cand.key();
      nlohmann::json c = {{"rank", i + 1}, {"key", key}, {"evaluator_latency_cycles", s.eval.mean_latency_cycles},
                          {"evaluator_energy_uj", s.eval.mean_energy_uj}};
      if (done.contains(key)) {
        c.update(done[key]);
      } else {
        const std::filesystem::path y = yaml_dir / fmt::format("top{}.yaml", i + 1);
        write_file_atomic(y, explore::to_yaml(s.hw, fmt::format("snncosim explore: rank {} ({})", i + 1, a.objective)));
        std::vector<std::string> args = {"simulate",   "--model",  a.model,     "--traces", a.traces,
                                         "--hardware", y.string(), "--platform", a.platform};
        if (a.samples > 0) args.insert(args.end(), {"--samples", std::to_string(a.samples)});
        const child_output r = run_self_json(args);
        nlohmann::json got;
        if (r.status == 0) {
          const nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
          if (!j.is_discarded() && j.contains("summary")) {
            got["tlm_latency_cycles"] = j["summary"]["mean_latency_cycles"];
            got["tlm_energy_uj"] = j["summary"]["mean_energy_uj"];
          }
        }
        if (!got.contains("tlm_latency_cycles")) got["tlm_error"] = fmt::format("simulate exited {}", r.status);
        done[key] = got;
        c.update(got);
        if (out_dir.empty()) std::filesystem::remove(y);
        search.save_state();
      }
      if (c.contains("tlm_latency_cycles")) {
        const double tlm = c["tlm_latency_cycles"].get<double>();
        c["agree_exactly"] = tlm == s.eval.mean_latency_cycles;
        c["relative_difference"] = tlm > 0 ? (s.eval.mean_latency_cycles - tlm) / tlm : 0.0;
      }
      confirmed.push_back(c);
      if (cbar) cbar->advance();
    }
    if (cbar) cbar->finish();
    if (out_dir.empty()) std::filesystem::remove_all(yaml_dir);
  }

  // RTL co-simulation of the winner (`snncosim cosim`, when this build has it).
  nlohmann::json rtl_cosim;
  if (a.cosim) {
    ensure_output_folder(yaml_dir);
    const std::filesystem::path y = yaml_dir / "cosim_best.yaml";
    write_file_atomic(y, explore::to_yaml(res.ranked.front().hw, "snncosim explore: best, for cosim"));
    rtl_cosim = cosim_configuration(a.model, a.traces, y.string(), a.platform, a.samples);
    if (out_dir.empty()) std::filesystem::remove_all(yaml_dir);
  }

  nlohmann::json pareto = nlohmann::json::array();
  for (const auto& s : res.pareto) pareto.push_back(scored_json(s));
  nlohmann::json top = nlohmann::json::array();
  for (std::size_t i = 0; i < std::min<std::size_t>(std::max<std::size_t>(k, 1), res.ranked.size()); ++i)
    top.push_back(scored_json(res.ranked[i]));
  const explore::evaluation before = search.detail(res.baseline.cand);
  const explore::evaluation after = search.detail(res.ranked.front().cand);
  nlohmann::json balance = nlohmann::json::array();
  for (std::size_t e = 0; e < w.engines.size(); ++e)
    balance.push_back({{"layer", w.engines[e].name},
                       {"baseline_busy_cycles", before.layer_busy_cycles[e]},
                       {"best_busy_cycles", after.layer_busy_cycles[e]},
                       {"baseline_span_cycles", before.layer_span_cycles[e]},
                       {"best_span_cycles", after.layer_span_cycles[e]}});
  const auto& cap = in->platform.capacity;
  nlohmann::json j = {{"objective", a.objective},
                      {"resource_model", a.resource_model},
                      {"platform", in->platform.name},
                      {"platform_resources",
                       {{"lut", cap.lut}, {"ff", cap.ff}, {"bram36", cap.bram36}, {"uram", cap.uram}, {"dsp", cap.dsp}}},
                      {"method", res.method},
                      {"space_size", space.size()},
                      {"evaluated", res.evaluated},
                      {"resumed", res.resumed},
                      {"seconds", res.seconds},
                      {"configs_per_minute", configs_per_min},
                      {"samples", w.samples.size()},
                      {"feasible", res.all_feasible.size()},
                      {"baseline", scored_json(res.baseline)},
                      {"greedy", scored_json(res.after_greedy)},
                      {"best", scored_json(res.ranked.front())},
                      {"top", top},
                      {"pareto", pareto},
                      {"balance", balance},
                      {"confirmed", confirmed},
                      {"signature", explore_signature(a)}};
  if (a.cosim) j["rtl_cosim"] = rtl_cosim;
  if (!out_dir.empty()) {
    write_file_atomic(out_dir / "best.yaml", explore::to_yaml(res.ranked.front().hw, "snncosim explore: best (" + a.objective + ")"));
    write_pareto_csv(out_dir / "pareto.csv", res.pareto);
    write_feasible_csv(out_dir / "feasible.csv", res.all_feasible);
    j["plots"] = write_plots(out_dir, res, balance);
    // Last: its presence marks the search of this model as finished (co-design resume).
    write_file_atomic(out_dir / "explore.json", json_text(j));
  }
  return j;
}

std::string explore_text(const nlohmann::json& j) {
  const auto& b = j.at("best");
  const auto& base = j.at("baseline");
  std::string out = fmt::format("{}: {} over {} candidates ({} scored, {:.0f}/min)\n", j.value("objective", ""),
                                j.value("method", ""), j.value("space_size", 0.0), j.value("evaluated", 0),
                                j.value("configs_per_minute", 0.0));
  out += fmt::format("baseline: {:.0f} cycles, {:.3f} uJ, max utilisation {:.1f}%\n",
                     base.value("mean_latency_cycles", 0.0), base.value("mean_energy_uj", 0.0),
                     100 * base.value("max_utilisation", 0.0));
  out += fmt::format("best:     {:.0f} cycles, {:.3f} uJ, max utilisation {:.1f}% ({})\n",
                     b.value("mean_latency_cycles", 0.0), b.value("mean_energy_uj", 0.0),
                     100 * b.value("max_utilisation", 0.0), b.value("pipeline_mode", ""));
  for (const auto& l : b.at("layers"))
    out += fmt::format("  {:<10} cores {:>4} penc {:>4} weights {:<7} membranes {:<7} fifo {}\n", l.value("layer", ""),
                       l.value("neuron_cores", 0), l.value("penc_width_bits", 0), l.value("weight_memory", ""),
                       l.value("membrane_memory", ""), l.value("spike_fifo_depth", 0));
  out += fmt::format("pareto front: {} configurations\n", j.at("pareto").size());
  for (const auto& c : j.at("confirmed"))
    out += fmt::format("  rank {}: evaluator {:.1f} cycles, TLM {}\n", c.value("rank", 0),
                       c.value("evaluator_latency_cycles", 0.0),
                       c.contains("tlm_latency_cycles") ? fmt::format("{:.1f}", c.value("tlm_latency_cycles", 0.0))
                                                        : c.value("tlm_error", std::string("?")));
  return out;
}

void check_explore_confirmation(const nlohmann::json& j) {
  if (j.contains("rtl_cosim") && j["rtl_cosim"].contains("mismatches") &&
      j["rtl_cosim"]["mismatches"].get<std::int64_t>() > 0)
    throw std::runtime_error(fmt::format("RTL co-simulation of the best configuration: {} mismatches",
                                         j["rtl_cosim"]["mismatches"].get<std::int64_t>()));
  for (const auto& c : j["confirmed"])
    if (c.contains("tlm_error")) throw std::runtime_error("TLM confirmation failed: " + c["tlm_error"].get<std::string>());
}

}  // namespace snncosim::explore
