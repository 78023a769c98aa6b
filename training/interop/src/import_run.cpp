// `snncosim import` end to end (import_run.h).
#include "snncosim/interop/import_run.h"

#include <algorithm>

#include <fmt/format.h>

#include "snncosim/common/config.h"
#include "snncosim/common/error.h"
#include "snncosim/common/progress.h"
#include "snncosim/export/provenance.h"
#include "snncosim/interop/nir_file.h"
#include "snncosim/nn/batch_source.h"
#include "snncosim/nn/experiment.h"
#include "snncosim/numerics/integer_inference.h"
#include "snncosim/numerics/model_file.h"
#include "snncosim/numerics/trace_file.h"

namespace snncosim::interop {

export_::comparison_report evaluate_import(const float_model& floats, const numerics::quant_model& model,
                                           nn::batch_source& data, const evaluation_options& options) {
  const numerics::tensor_shape in = model.input;
  if (data.channels() != in.channels || data.height() != in.height || data.width() != in.width)
    throw bad_input(fmt::format("the data's frames are {}x{}x{} but the imported network's input is {}x{}x{}",
                                data.channels(), data.height(), data.width(), in.channels, in.height, in.width));
  export_::comparison_report r;
  for (const auto& l : model.layers) r.layers.push_back({l.name, 0, 0, 0, 0});
  const std::size_t total = options.samples == 0 ? data.size() : std::min(options.samples, data.size());
  const int steps = data.time_steps();
  const auto T = static_cast<std::size_t>(steps);
  const auto per_step = static_cast<std::size_t>(in.size());
  const auto classes = static_cast<std::size_t>(std::max(model.num_classes, 0));
  const auto population = static_cast<std::size_t>(std::max(model.population_per_class, 1));
  export_::prediction_tally tally;
  std::vector<std::uint8_t> spikes(T * per_step);
  data.set_epoch(0);
  progress_bar bar("float vs integer", total, "sample");
  if (!options.progress) bar.finish();
  for (std::size_t s = 0; s < total; ++s) {
    const nn::batch_view v = data.batch(s, 1);
    for (std::size_t e = 0; e < spikes.size(); ++e) spikes[e] = v.frames[e] > model.input_threshold ? 1 : 0;
    numerics::inference_result res = numerics::run_integer_inference(model, spikes, steps);
    const float_run fr = run_float_model(floats, spikes, steps);
    for (std::size_t k = 0; k < model.layers.size(); ++k) {
      const auto& rec = res.layers[k];
      auto& a = r.layers[k];
      for (std::size_t j = 0; j < rec.spikes.size(); ++j) {
        const bool fs = fr.spikes[k][j] != 0;
        const bool is = rec.spikes[j] != 0;
        a.float_spikes += fs;
        a.integer_spikes += is;
        a.agreement += fs == is;
      }
      a.bits += static_cast<std::int64_t>(rec.spikes.size());
    }
    const std::int32_t label = v.labels[0];
    if (classes > 0) {
      const auto& out = fr.spikes.back();
      const std::size_t outputs = out.size() / T;
      std::vector<std::int64_t> counts(classes, 0);
      for (std::size_t t = 0; t < T; ++t)
        for (std::size_t o = 0; o < std::min(outputs, classes * population); ++o)
          counts[o / population] += out[t * outputs + o];
      tally.add(export_::prediction_tally::predict(counts), res.predicted_class, label);
    }
    if (r.traces.size() < options.trace_samples)
      r.traces.push_back({static_cast<std::int64_t>(s), label, std::move(res)});
    ++r.samples;
    bar.advance();
  }
  bar.finish();
  tally.finish(r);
  return r;
}

import_outcome run_import(const import_request& q) {
  if (!q.traces_out.empty() && q.experiment.empty())
    throw bad_input("--traces needs --experiment: the traces come from running the imported network on its test split");
  if (!q.sets.empty() && q.experiment.empty())
    throw bad_input("--set changes the experiment given with --experiment; without one use --weight-bits/--per-channel");
  import_outcome out;
  std::optional<config::document> doc;
  std::unique_ptr<nn::batch_source> data;
  import_options lowering = q.lowering;
  if (!q.experiment.empty()) {
    doc = config::load(q.experiment, config::parse_overrides(q.sets), "experiment");
    out.settings = export_::quantization_from_yaml(*doc);
    auto setup = nn::make_experiment(*doc, std::filesystem::path{});
    if (!setup.test) throw bad_input(q.experiment + ": the experiment has no test split to run the imported network on");
    data = std::move(setup.test);
  }
  if (q.weight_bits) out.settings.widths.weight_bits = *q.weight_bits;
  if (q.per_channel) out.settings.per_channel = *q.per_channel;
  numerics::validate(out.settings.widths);
  if (out.settings.widths.weight_bits != 4 && out.settings.widths.weight_bits != 8 &&
      out.settings.widths.weight_bits != 16)
    throw bad_input(fmt::format("weight bits must be 4, 8 or 16, got {}", out.settings.widths.weight_bits));

  const nir_graph graph = read_nir_file(q.nir);
  // Classes are assigned after the shape check, so data for another network says so first.
  out.floats = lower_nir(graph, {lowering.time_step, 0, 0}, q.nir.string());
  if (data) {
    const numerics::tensor_shape in = out.floats.input;
    if (data->channels() != in.channels || data->height() != in.height || data->width() != in.width)
      throw bad_input(fmt::format("{}: the data's frames are {}x{}x{} but the imported network's input is {}x{}x{}",
                                  q.experiment, data->channels(), data->height(), data->width(), in.channels, in.height,
                                  in.width));
    // The data's classes decide the population code unless the command line said otherwise.
    if (lowering.num_classes == 0 && data->num_classes() > 0) lowering.num_classes = data->num_classes();
  }
  assign_classes(out.floats, lowering.num_classes, lowering.population_per_class, q.nir.string());
  out.model = quantize_float_model(
      out.floats, out.settings,
      export_::make_provenance(doc ? doc->resolved_yaml() : std::string{}, 0,
                               fmt::format("{}; weights {} bits {}", out.floats.notes, out.settings.widths.weight_bits,
                                           out.settings.per_channel ? "per channel" : "per tensor")));
  if (data) {
    evaluation_options eo;
    eo.samples = q.eval_samples;
    eo.trace_samples = q.traces_out.empty() ? 0 : q.trace_samples;
    eo.progress = q.progress;
    out.report = evaluate_import(out.floats, out.model, *data, eo);
  }
  if (!q.model_out.empty()) numerics::write_model_file(q.model_out, out.model);
  if (!q.traces_out.empty()) {
    numerics::trace_metadata meta;
    meta.source = "integer";
    meta.model_file = q.model_out.string();
    meta.split = "test";
    meta.created_by = export_::tool_version();
    numerics::write_trace_file(q.traces_out, meta, out.report->traces);
  }
  return out;
}

}  // namespace snncosim::interop
