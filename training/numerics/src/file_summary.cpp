#include "snncosim/numerics/file_summary.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "snncosim/numerics/model_file.h"

namespace snncosim::numerics {

using nlohmann::json;

namespace {

json shape_json(const tensor_shape& s) { return json::array({s.channels, s.height, s.width}); }

}  // namespace

json model_summary(const std::string& path, const quant_model& m) {
  const std::vector<tensor_shape> shapes = validate(m, path);
  json j;
  j["file"] = path;
  j["format"] = model_format_name;
  j["format_version"] = model_format_version;
  j["numerics_version"] = m.numerics_version;
  j["input_shape"] = shape_json(m.input);
  j["input_threshold"] = m.input_threshold;
  j["num_classes"] = m.num_classes;
  j["population_per_class"] = m.population_per_class;
  j["provenance"] = {{"git_sha", m.origin.git_sha},
                     {"seed", m.origin.seed},
                     {"created_by", m.origin.created_by},
                     {"notes", m.origin.notes},
                     {"config_bytes", m.origin.config_text.size()}};
  json layers = json::array();
  std::int64_t total_weights = 0;
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    const quant_layer& l = m.layers[i];
    json lj{{"index", i}, {"name", l.name}, {"kind", to_string(l.kind)}, {"out_shape", shape_json(shapes[i])}};
    if (l.kind == layer_kind::conv || l.kind == layer_kind::maxpool) {
      lj["kernel"] = l.kernel;
      lj["stride"] = l.stride;
    }
    if (l.kind == layer_kind::conv) {
      lj["padding"] = l.padding;
      if (l.current_pool_kernel != 0)
        lj["current_pool"] = {{"kernel", l.current_pool_kernel}, {"stride", l.current_pool_stride}};
    }
    if (l.is_neuron_layer()) {
      total_weights += static_cast<std::int64_t>(l.weights.size());
      double smin = l.weight_scale[0], smax = l.weight_scale[0];
      for (double s : l.weight_scale) smin = std::min(smin, s), smax = std::max(smax, s);
      const double two_f = std::ldexp(1.0, l.widths.frac_bits);
      lj["num_weights"] = l.weights.size();
      lj["widths"] = {{"weight_bits", l.widths.weight_bits}, {"acc_bits", l.widths.acc_bits},
                      {"mem_bits", l.widths.mem_bits},       {"frac_bits", l.widths.frac_bits},
                      {"mem_frac_bits", l.widths.mem_frac_bits}};
      lj["weight_scale"] = {{"granularity", l.weight_scale.size() == 1 ? "per_tensor" : "per_channel"},
                            {"min", smin},
                            {"max", smax}};
      lj["membrane_scale"] = l.membrane_scale;
      lj["neuron"] = {{"reset_kind", to_string(l.neuron.reset)},
                      {"reset_delay", l.neuron.reset_delay},
                      {"decay", l.neuron.decay},
                      {"decay_real", l.neuron.decay / two_f},
                      {"threshold", l.neuron.threshold},
                      {"threshold_real", l.neuron.threshold * l.membrane_scale},
                      {"reset_amount", l.neuron.reset_amount}};
      lj["float_neuron"] = {{"model", to_string(l.source_neuron.model)},
                            {"beta", l.source_neuron.beta},
                            {"threshold", l.source_neuron.threshold},
                            {"reset", to_string(l.source_neuron.reset)},
                            {"reset_delay", l.source_neuron.reset_delay}};
      lj["has_float_weights"] = !l.float_weights.empty();
    }
    layers.push_back(std::move(lj));
  }
  j["layers"] = std::move(layers);
  j["total_weights"] = total_weights;
  return j;
}

json trace_summary(const std::string& path, const trace_reader& t) {
  json j;
  j["file"] = path;
  j["format"] = trace_format_name;
  j["format_version"] = trace_format_version;
  j["source"] = t.meta().source;
  j["model_file"] = t.meta().model_file;
  j["split"] = t.meta().split;
  j["created_by"] = t.meta().created_by;
  j["num_samples"] = t.num_samples();
  json samples = json::array();
  std::vector<std::int64_t> layer_totals;
  std::vector<std::string> layer_names;
  std::int64_t input_total = 0;
  // One sample in memory at a time: traces of many samples can be large.
  for (std::size_t si = 0; si < t.num_samples(); ++si) {
    const trace_sample s = t.read_sample(si);
    json sj{{"sample_index", s.sample_index},
            {"label", s.label},
            {"predicted_class", s.result.predicted_class},
            {"num_steps", s.result.num_steps},
            {"input", {{"total", s.result.input.total()}, {"per_step", s.result.input.counts}}}};
    input_total += s.result.input.total();
    json lj = json::array();
    for (std::size_t i = 0; i < s.result.layers.size(); ++i) {
      const spike_record& r = s.result.layers[i];
      lj.push_back({{"name", r.name},
                    {"shape", shape_json(r.shape)},
                    {"total", r.total()},
                    {"per_step", r.counts},
                    {"has_membrane", !r.membrane.empty()}});
      if (layer_totals.size() <= i) {
        layer_totals.push_back(0);
        layer_names.push_back(r.name);
      }
      layer_totals[i] += r.total();
    }
    sj["layers"] = std::move(lj);
    samples.push_back(std::move(sj));
  }
  json totals = json::array();
  for (std::size_t i = 0; i < layer_totals.size(); ++i)
    totals.push_back({{"name", layer_names[i]}, {"total", layer_totals[i]}});
  j["input_total"] = input_total;
  j["layer_totals"] = std::move(totals);
  j["samples"] = std::move(samples);
  return j;
}

std::string model_summary_text(const json& j) {
  std::string out;
  out += fmt::format("{}: snncosim model v{}, numerics v{}, input {}, {} classes x {}\n",
                           j["file"].get<std::string>(), j["format_version"].get<int>(),
                           j["numerics_version"].get<int>(), j["input_shape"].dump(), j["num_classes"].get<int>(),
                           j["population_per_class"].get<int>());
  out += fmt::format("  git {} seed {}\n", j["provenance"]["git_sha"].get<std::string>(),
                           j["provenance"]["seed"].get<std::uint64_t>());
  for (const auto& l : j["layers"]) {
    std::string extra;
    if (l.contains("neuron"))
      extra = fmt::format("  int{} weights, threshold {} ({:.4g}), decay {:.6g}, reset {}",
                          l["widths"]["weight_bits"].get<int>(), l["neuron"]["threshold"].get<std::int64_t>(),
                          l["neuron"]["threshold_real"].get<double>(), l["neuron"]["decay_real"].get<double>(),
                          l["neuron"]["reset_kind"].get<std::string>());
    out += fmt::format("  {:>3} {:<12} {:<8} -> {}{}\n", l["index"].get<int>(), l["name"].get<std::string>(),
                             l["kind"].get<std::string>(), l["out_shape"].dump(), extra);
  }
  return out;
}

std::string trace_summary_text(const json& j) {
  std::string out;
  out += fmt::format("{}: snncosim trace v{}, source {}, {} samples, {} input spikes\n",
                           j["file"].get<std::string>(), j["format_version"].get<int>(),
                           j["source"].get<std::string>(), j["num_samples"].get<std::size_t>(),
                           j["input_total"].get<std::int64_t>());
  for (const auto& l : j["layer_totals"])
    out += fmt::format("  {:<12} {} spikes\n", l["name"].get<std::string>(), l["total"].get<std::int64_t>());
  return out;
}

}  // namespace snncosim::numerics
