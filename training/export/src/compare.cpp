#include "snncosim/export/compare.h"

#include <algorithm>
#include <stdexcept>

#include "snncosim/common/progress.h"
#include "snncosim/export/float_trace.h"
#include "snncosim/nn/batch_source.h"
#include "snncosim/nn/network.h"
#include "snncosim/numerics/integer_inference.h"

namespace snncosim::export_ {

int prediction_tally::predict(const std::vector<std::int64_t>& counts) {
  if (counts.empty()) return -1;
  return static_cast<int>(std::max_element(counts.begin(), counts.end()) - counts.begin());
}

void prediction_tally::add(int float_class, int integer_class, std::int32_t label) {
  m_float_correct += float_class == label;
  m_integer_correct += integer_class == label;
  m_same += float_class == integer_class;
}

void prediction_tally::finish(comparison_report& r) const {
  for (auto& a : r.layers) a.agreement = a.bits > 0 ? a.agreement / static_cast<double>(a.bits) : 1.0;
  if (r.samples == 0) return;
  const auto n = static_cast<double>(r.samples);
  r.float_accuracy = static_cast<double>(m_float_correct) / n;
  r.integer_accuracy = static_cast<double>(m_integer_correct) / n;
  r.prediction_agreement = static_cast<double>(m_same) / n;
}

comparison_report compare_float_integer(nn::network& net, const export_result& exported, nn::batch_source& data,
                                        const compare_options& options) {
  const numerics::quant_model& model = exported.model;
  const auto& mapping = exported.mapping.float_layer;
  if (mapping.size() != model.layers.size()) throw std::logic_error("export mapping does not match the model");
  const int steps = data.time_steps();
  const int batch = std::max(1, options.batch);
  net.configure(steps, batch);
  const auto T = static_cast<std::size_t>(steps);
  const auto B = static_cast<std::size_t>(batch);
  const auto per_step = static_cast<std::size_t>(model.input.size());
  if (static_cast<std::size_t>(data.channels()) * static_cast<std::size_t>(data.height()) *
          static_cast<std::size_t>(data.width()) != per_step)
    throw std::invalid_argument("data frames do not match the network input");
  const std::size_t total = options.samples == 0 ? data.size() : std::min(options.samples, data.size());
  const auto classes = static_cast<std::size_t>(model.num_classes);
  const auto population = static_cast<std::size_t>(std::max(1, model.population_per_class));

  comparison_report r;
  r.layers.resize(model.layers.size());
  for (std::size_t k = 0; k < model.layers.size(); ++k) r.layers[k].name = model.layers[k].name;
  std::vector<float> input(T * B * per_step);
  std::vector<std::uint8_t> sample_spikes(T * per_step);
  prediction_tally tally;

  data.set_epoch(0);
  progress_bar bar("float vs integer", total, "sample");
  if (!options.progress) bar.finish();
  for (std::size_t b = 0; r.samples < total; ++b) {
    const nn::batch_view v = data.batch(b, batch);
    const std::size_t nb = std::min(static_cast<std::size_t>(v.batch), total - r.samples);
    if (nb == 0) break;
    // Binary input spikes for both sides (docs/numerics.md §7); a short batch is zero-padded.
    std::fill(input.begin(), input.end(), 0.0f);
    const auto vb = static_cast<std::size_t>(v.batch);
    for (std::size_t t = 0; t < T; ++t)
      for (std::size_t n = 0; n < nb; ++n)
        for (std::size_t e = 0; e < per_step; ++e)
          input[(t * B + n) * per_step + e] = v.frames[(t * vb + n) * per_step + e] > model.input_threshold ? 1.0f : 0.0f;
    const float_activations fa = run_float_layers(net, input.data());

    for (std::size_t n = 0; n < nb; ++n) {
      for (std::size_t t = 0; t < T; ++t)
        for (std::size_t e = 0; e < per_step; ++e)
          sample_spikes[t * per_step + e] = input[(t * B + n) * per_step + e] != 0.0f ? 1 : 0;
      // Membranes only for the samples that are kept: they cost 4 bytes per neuron and step.
      numerics::inference_options io;
      io.record_membrane = options.record_membranes && r.traces.size() < options.trace_samples;
      numerics::inference_result res = numerics::run_integer_inference(model, sample_spikes, steps, io);

      for (std::size_t k = 0; k < model.layers.size(); ++k) {
        const numerics::spike_record& rec = res.layers[k];
        const auto features = static_cast<std::size_t>(rec.shape.size());
        const float* f = nullptr;
        std::size_t float_features = per_step;
        if (mapping[k] == network_input) {
          f = input.data();
        } else {
          f = fa.outputs[mapping[k]].data();
          float_features = fa.features[mapping[k]];
        }
        if (float_features != features)
          throw std::logic_error("layer '" + rec.name + "': float and integer sizes differ");
        layer_agreement& a = r.layers[k];
        for (std::size_t t = 0; t < T; ++t)
          for (std::size_t e = 0; e < features; ++e) {
            const bool fs = f[(t * B + n) * features + e] > 0.5f;
            const bool is = rec.spikes[t * features + e] != 0;
            a.float_spikes += fs;
            a.integer_spikes += is;
            a.agreement += fs == is;  // equal-bit count; divided below
          }
        a.bits += static_cast<std::int64_t>(T * features);
      }

      const std::int32_t label = v.labels[n];
      if (classes > 0) {
        const float* out = fa.outputs.back().data();
        const std::size_t outputs = fa.features.back();
        std::vector<std::int64_t> counts(classes, 0);
        for (std::size_t t = 0; t < T; ++t)
          for (std::size_t o = 0; o < std::min(outputs, classes * population); ++o)
            counts[o / population] += out[(t * B + n) * outputs + o] > 0.5f ? 1 : 0;
        tally.add(prediction_tally::predict(counts), res.predicted_class, label);
      }
      if (r.traces.size() < options.trace_samples)
        r.traces.push_back({static_cast<std::int64_t>(r.samples), label, std::move(res)});
      ++r.samples;
      bar.advance();
    }
  }
  bar.finish();
  tally.finish(r);
  return r;
}

}  // namespace snncosim::export_
