#include "snncosim/export/trained_model.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "snncosim/common/error.h"
#include "snncosim/export/checkpoint.h"
#include "snncosim/export/fake_quant.h"
#include "snncosim/export/provenance.h"
#include "snncosim/nn/benchmark.h"

namespace snncosim::export_ {

trained_model_comparison compare_trained_model(const trained_model_options& opt) {
  const config::document doc = config::load(opt.experiment, config::parse_overrides(opt.sets), "experiment");
  trained_model_comparison out;
  out.settings = quantization_from_yaml(doc);
  const std::filesystem::path run_dir =
      std::filesystem::path(doc.root()["output_dir"].as<std::string>()) / doc.root()["name"].as<std::string>();
  out.checkpoint = opt.checkpoint;
  if (out.checkpoint.empty()) {
    out.checkpoint = run_dir / "best.bin";
    if (!std::filesystem::exists(out.checkpoint)) out.checkpoint = run_dir / "checkpoint.bin";
    if (!std::filesystem::exists(out.checkpoint))
      throw bad_input(fmt::format("{}: no checkpoint in {} (run `snncosim train {}` first or pass --checkpoint)",
                                  opt.experiment, run_dir.string(), opt.experiment));
  }
  auto setup = nn::make_experiment(doc, std::filesystem::path{});
  nn::set_threads(setup.threads);
  if (!setup.test) throw bad_input(opt.experiment + ": the experiment has no test split to compare on");

  nn::network net(setup.network, setup.training.seed);
  compare_options co;
  co.batch = std::min(setup.training.batch_size, 64);
  co.samples = opt.eval_samples;
  co.trace_samples = opt.trace_samples;
  co.record_membranes = opt.membranes;
  co.progress = opt.progress;
  net.configure(setup.time_steps, co.batch);
  load_checkpoint_weights(net, out.checkpoint);
  const auto& s = out.settings;
  out.exported = export_network(
      net, s,
      make_provenance(doc.resolved_yaml(), setup.training.seed,
                               fmt::format("checkpoint {}; weights {} bits {}; qat {}", out.checkpoint.string(),
                                           s.widths.weight_bits, s.per_channel ? "per channel" : "per tensor",
                                           s.qat ? "on" : "off")));
  spdlog::info("{}: exported {} layers from {}", setup.name, out.exported.model.layers.size(),
               out.checkpoint.string());
  out.report = compare_float_integer(net, out.exported, *setup.test, co);
  // Under QAT the network training optimised is the fake-quantized one: compare it too.
  if (s.qat) {
    fake_quantizer fq(net, s);
    fq.apply();
    auto fco = co;
    fco.trace_samples = 0;
    out.fake_quant_report = compare_float_integer(net, out.exported, *setup.test, fco);
    fq.restore();
  }
  return out;
}

nlohmann::json comparison_json(const trained_model_options& opt, const trained_model_comparison& c) {
  const auto& r = c.report;
  nlohmann::json layers = nlohmann::json::object();
  nlohmann::json details = nlohmann::json::array();
  const double n = r.samples > 0 ? static_cast<double>(r.samples) : 1.0;
  for (const auto& l : r.layers) {
    layers[l.name] = l.agreement;
    details.push_back({{"name", l.name},
                       {"agreement", l.agreement},
                       {"float_spikes", l.float_spikes},
                       {"integer_spikes", l.integer_spikes},
                       {"float_spikes_per_sample", static_cast<double>(l.float_spikes) / n},
                       {"integer_spikes_per_sample", static_cast<double>(l.integer_spikes) / n},
                       {"bits", l.bits}});
  }
  nlohmann::json j{{"experiment", opt.experiment},
                   {"checkpoint", c.checkpoint.string()},
                   {"samples", r.samples},
                   {"float_accuracy", r.float_accuracy},
                   {"integer_accuracy", r.integer_accuracy},
                   {"prediction_agreement", r.prediction_agreement},
                   {"layer_agreement", layers},
                   {"layers", details},
                   {"weight_bits", c.settings.widths.weight_bits},
                   {"per_channel", c.settings.per_channel},
                   {"qat", c.settings.qat}};
  if (c.fake_quant_report) {
    nlohmann::json fl = nlohmann::json::object();
    for (const auto& l : c.fake_quant_report->layers) fl[l.name] = l.agreement;
    j["fake_quant_float_accuracy"] = c.fake_quant_report->float_accuracy;
    j["fake_quant_layer_agreement"] = fl;
  }
  return j;
}

std::string comparison_text(const trained_model_comparison& c) {
  const auto& r = c.report;
  const double n = r.samples > 0 ? static_cast<double>(r.samples) : 1.0;
  std::string out = fmt::format(
      "{} test samples: float accuracy {:.2f}%, integer accuracy {:.2f}% ({}-bit weights), same prediction {:.2f}%\n",
      r.samples, 100 * r.float_accuracy, 100 * r.integer_accuracy, c.settings.widths.weight_bits,
      100 * r.prediction_agreement);
  for (const auto& l : r.layers) {
    out += fmt::format("  {:<16} spike agreement {:.5f}  spikes/sample float {:.1f} / integer {:.1f}\n", l.name,
                       l.agreement, static_cast<double>(l.float_spikes) / n,
                       static_cast<double>(l.integer_spikes) / n);
  }
  if (c.fake_quant_report) {
    out += fmt::format("QAT: fake-quantized float accuracy {:.2f}%\n", 100 * c.fake_quant_report->float_accuracy);
    for (const auto& l : c.fake_quant_report->layers)
      out += fmt::format("  {:<16} spike agreement {:.5f} with the fake-quantized float network\n", l.name,
                         l.agreement);
  }
  return out;
}

}  // namespace snncosim::export_
