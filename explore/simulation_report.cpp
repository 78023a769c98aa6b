#include "snncosim/explore/simulation.h"

#include <fmt/format.h>

namespace snncosim::explore {

spike_check compare_spikes(const numerics::inference_result& got, const numerics::inference_result& expected,
                           const std::string& against) {
  spike_check c;
  c.against = against;
  if (got.layers.size() != expected.layers.size()) {
    c.match = false;
    c.first_difference = fmt::format("{} layers simulated, {} in the {}", got.layers.size(), expected.layers.size(), against);
    return c;
  }
  for (std::size_t l = 0; l < got.layers.size(); ++l) {
    const auto& g = got.layers[l];
    const auto& e = expected.layers[l];
    if (g.spikes.size() != e.spikes.size()) {
      c.match = false;
      c.first_difference = fmt::format("layer {}: {} values simulated, {} in the {}", e.name, g.spikes.size(),
                                       e.spikes.size(), against);
      return c;
    }
    for (std::size_t i = 0; i < g.spikes.size(); ++i) {
      if ((g.spikes[i] != 0) == (e.spikes[i] != 0)) continue;
      const auto per_step = static_cast<std::size_t>(e.shape.size());
      const std::size_t t = i / per_step;
      const std::size_t r = i % per_step;
      const auto hw = static_cast<std::size_t>(e.shape.height * e.shape.width);
      c.match = false;
      c.first_difference = fmt::format("layer {} step {} neuron (c {}, y {}, x {}): {} says {}, TLM model says {}",
                                       e.name, t, r / hw, (r % hw) / static_cast<std::size_t>(e.shape.width),
                                       r % static_cast<std::size_t>(e.shape.width), against, int{e.spikes[i] != 0},
                                       int{g.spikes[i] != 0});
      return c;
    }
  }
  return c;
}

namespace {

nlohmann::json step_json(const sc_models::step_cycles& s, std::size_t t) {
  return {{"step", t},
          {"begin", s.begin},
          {"end", s.end},
          {"compress", s.compress},
          {"accumulate", s.accumulate},
          {"activate", s.activate},
          {"stall", s.stall},
          {"idle", s.idle},
          {"buffer_wait", s.buffer_wait},
          {"input_spikes", s.input_spikes},
          {"output_spikes", s.output_spikes}};
}

nlohmann::json layer_json(const sc_models::layer_result& l) {
  nlohmann::json steps = nlohmann::json::array();
  for (std::size_t t = 0; t < l.steps.size(); ++t) steps.push_back(step_json(l.steps[t], t));
  nlohmann::json mem = nlohmann::json::object();
  for (const auto& m : l.memories)
    mem[m.memory] = {{"kind", sc_models::to_string(m.kind)}, {"reads", m.reads}, {"writes", m.writes}};
  const double mean_occ =
      l.router.num_packets == 0 ? 0.0
                                : static_cast<double>(l.router.occupancy_sum) / static_cast<double>(l.router.num_packets);
  return {{"name", l.name},
          {"neuron_cores", l.neuron_cores},
          {"passes", l.passes},
          {"start_cycle", l.start},
          {"end_cycle", l.end},
          {"drain_end_cycle", l.drain_end},
          {"cycles", l.end - l.start},
          {"phases", {{"compress", l.compress}, {"accumulate", l.accumulate}, {"activate", l.activate},
                      {"stall", l.stall}, {"idle", l.idle}}},
          {"synaptic_ops", l.synaptic_ops},
          {"input_spikes", l.input_spikes},
          {"output_spikes", l.output_spikes},
          {"memories", mem},
          {"router", {{"packets", l.router.num_packets}, {"writes", l.router.num_writes},
                      {"stall_cycles", l.router.stall_cycles}, {"max_occupancy", l.router.max_occupancy},
                      {"mean_occupancy", mean_occ}}},
          {"steps", steps}};
}

}  // namespace

nlohmann::json simulation_json(const sc_models::simulation_result& r, const std::vector<spike_check>& checks,
                               const std::vector<std::int64_t>& sample_indices, const report_context& ctx) {
  const double mhz = r.hardware.clock_mhz;
  nlohmann::json samples = nlohmann::json::array();
  double latency_sum = 0;
  double energy_sum = 0;
  bool all_match = true;
  for (std::size_t i = 0; i < r.samples.size(); ++i) {
    const auto& s = r.samples[i];
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& l : s.layers) layers.push_back(layer_json(l));
    nlohmann::json spikes = nlohmann::json::object();
    for (const auto& rec : s.spikes.layers) spikes[rec.name] = rec.counts;
    nlohmann::json entry = {{"sample_index", i < sample_indices.size() ? sample_indices[i] : static_cast<std::int64_t>(i)},
                            {"num_steps", s.spikes.num_steps},
                            {"latency_cycles", s.latency_cycles},
                            {"latency_us", static_cast<double>(s.latency_cycles) / mhz},
                            {"energy_uj", s.energy_pj * 1e-6},
                            {"spike_counts", spikes},
                            {"layers", layers}};
    if (i < checks.size()) {
      entry["spikes_match"] = checks[i].match;
      entry["checked_against"] = checks[i].against;
      if (!checks[i].match) entry["first_difference"] = checks[i].first_difference;
      all_match = all_match && checks[i].match;
    }
    samples.push_back(entry);
    latency_sum += static_cast<double>(s.latency_cycles);
    energy_sum += s.energy_pj;
  }
  const double n = std::max<double>(1, static_cast<double>(r.samples.size()));
  const double mean_latency = latency_sum / n;
  nlohmann::json summary = {
      {"samples", r.samples.size()},
      {"spikes_match", all_match},
      {"mean_latency_cycles", mean_latency},
      {"mean_latency_us", mean_latency / mhz},
      {"mean_energy_uj", energy_sum / n * 1e-6},
      {"throughput",
       {{"samples_per_s", mean_latency > 0 ? mhz * 1e6 / mean_latency : 0.0},
        {"steady_state_cycles_per_step", r.cycles_per_step_steady},
        {"steady_state_steps_per_s", r.cycles_per_step_steady > 0 ? mhz * 1e6 / r.cycles_per_step_steady : 0.0}}},
      {"synaptic_ops", r.synaptic_ops},
      {"simulated_cycles", r.total_cycles},
      {"wall_seconds", r.wall_seconds},
      {"synaptic_events_per_s", r.wall_seconds > 0 ? static_cast<double>(r.synaptic_ops) / r.wall_seconds : 0.0},
      {"simulated_cycles_per_s", r.wall_seconds > 0 ? static_cast<double>(r.total_cycles) / r.wall_seconds : 0.0}};
  return {{"model", ctx.model},
          {"traces", ctx.traces},
          {"hardware", {{"file", ctx.hardware}, {"name", r.hardware.name}}},
          {"platform", {{"file", ctx.platform}, {"name", r.hardware.platform_name}}},
          {"pipeline_mode", sc_models::to_string(r.hardware.mode)},
          {"clock_mhz", mhz},
          {"summary", summary},
          {"samples", samples}};
}

std::string simulation_text(const sc_models::simulation_result& r, const std::vector<spike_check>& checks,
                            const report_context& ctx) {
  std::string out = fmt::format("hardware {} ({}), {} MHz, model {}\n", r.hardware.name,
                                sc_models::to_string(r.hardware.mode), r.hardware.clock_mhz, ctx.model);
  for (std::size_t i = 0; i < r.samples.size(); ++i) {
    const auto& s = r.samples[i];
    out += fmt::format("sample {}: T={} latency {} cycles ({:.2f} us), energy {:.3f} uJ, spikes {}\n", i,
                       s.spikes.num_steps, s.latency_cycles, static_cast<double>(s.latency_cycles) / r.hardware.clock_mhz,
                       s.energy_pj * 1e-6,
                       i < checks.size() ? (checks[i].match ? "match " + checks[i].against : "DIFFER: " + checks[i].first_difference)
                                         : std::string("unchecked"));
    if (i == 0) {
      out += fmt::format("  {:<12} {:>6} {:>10} {:>10} {:>10} {:>10} {:>8} {:>8} {:>10}\n", "layer", "cores", "cycles",
                         "compress", "accumulate", "activate", "stall", "idle", "syn_ops");
      for (const auto& l : s.layers)
        out += fmt::format("  {:<12} {:>6} {:>10} {:>10} {:>10} {:>10} {:>8} {:>8} {:>10}\n", l.name, l.neuron_cores,
                           l.end - l.start, l.compress, l.accumulate, l.activate, l.stall, l.idle, l.synaptic_ops);
    }
  }
  out += fmt::format("simulated {} synaptic ops, {} cycles in {:.3f} s: {:.3g} synaptic events/s\n", r.synaptic_ops,
                     r.total_cycles, r.wall_seconds,
                     r.wall_seconds > 0 ? static_cast<double>(r.synaptic_ops) / r.wall_seconds : 0.0);
  return out;
}

}  // namespace snncosim::explore
