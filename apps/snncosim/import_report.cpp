#include "import_report.h"

#include <fmt/format.h>

namespace snncosim::cli {

nlohmann::json import_json(const interop::import_request& q, const interop::import_outcome& o) {
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& l : o.floats.layers) {
    nlohmann::json j{{"name", l.name},
                     {"kind", numerics::to_string(l.kind)},
                     {"in_shape", {l.in_shape.channels, l.in_shape.height, l.in_shape.width}},
                     {"out_shape", {l.out_shape.channels, l.out_shape.height, l.out_shape.width}}};
    if (l.kind != numerics::layer_kind::flatten) {
      j["neuron"] = l.neuron_name;
      j["kernel"] = l.kernel;
      j["stride"] = l.stride;
      j["padding"] = l.padding;
      j["beta"] = l.neuron.beta;
      j["threshold"] = l.neuron.threshold;
      j["reset"] = numerics::to_string(l.neuron.reset);
      j["reset_delay"] = l.neuron.reset_delay;
    }
    layers.push_back(std::move(j));
  }
  nlohmann::json j{{"nir", q.nir.string()},
                   {"time_step", q.lowering.time_step},
                   {"weight_bits", o.settings.widths.weight_bits},
                   {"per_channel", o.settings.per_channel},
                   {"num_classes", o.model.num_classes},
                   {"population_per_class", o.model.population_per_class},
                   {"layers", layers}};
  if (!q.model_out.empty()) j["model"] = q.model_out.string();
  if (!q.traces_out.empty()) j["traces"] = q.traces_out.string();
  if (o.report) {
    const auto& r = *o.report;
    nlohmann::json agreement = nlohmann::json::object();
    for (const auto& l : r.layers) agreement[l.name] = l.agreement;
    j["experiment"] = q.experiment;
    j["samples"] = r.samples;
    j["trace_samples"] = r.traces.size();
    j["float_accuracy"] = r.float_accuracy;
    j["integer_accuracy"] = r.integer_accuracy;
    j["prediction_agreement"] = r.prediction_agreement;
    j["layer_agreement"] = agreement;
  }
  return j;
}

std::string import_text(const interop::import_request& q, const interop::import_outcome& o) {
  std::string out = fmt::format("{}: {} layers, dt = {} s, {}-bit weights {}\n", q.nir.string(), o.floats.layers.size(),
                                q.lowering.time_step, o.settings.widths.weight_bits,
                                o.settings.per_channel ? "per channel" : "per tensor");
  for (const auto& l : o.floats.layers) {
    const auto& s = l.out_shape;
    if (l.kind == numerics::layer_kind::flatten) {
      out += fmt::format("  {:<16} flatten -> {}\n", l.name, s.channels);
      continue;
    }
    out += fmt::format("  {:<16} {} k{} s{} p{} -> {}x{}x{}, {} beta {:.6g} threshold {:.6g} reset {}{}\n", l.name,
                       numerics::to_string(l.kind), l.kernel, l.stride, l.padding, s.channels, s.height, s.width,
                       l.neuron_name, l.neuron.beta, l.neuron.threshold, numerics::to_string(l.neuron.reset),
                       l.neuron.reset_delay ? " (delayed)" : "");
  }
  if (o.report) {
    const auto& r = *o.report;
    const double n = r.samples > 0 ? static_cast<double>(r.samples) : 1.0;
    out += fmt::format("{} test samples: float accuracy {:.2f}%, integer accuracy {:.2f}%, same prediction {:.2f}%\n",
                       r.samples, 100 * r.float_accuracy, 100 * r.integer_accuracy, 100 * r.prediction_agreement);
    for (const auto& l : r.layers)
      out += fmt::format("  {:<16} spike agreement {:.5f}  spikes/sample float {:.1f} / integer {:.1f}\n", l.name,
                         l.agreement, static_cast<double>(l.float_spikes) / n, static_cast<double>(l.integer_spikes) / n);
  }
  if (!q.model_out.empty()) out += fmt::format("wrote {}\n", q.model_out.string());
  if (!q.traces_out.empty())
    out += fmt::format("wrote {} ({} samples)\n", q.traces_out.string(), o.report ? o.report->traces.size() : 0);
  return out;
}

}  // namespace snncosim::cli
