// `snncosim export EXPERIMENT.yaml`: the trained network (a checkpoint of the experiment's
// run folder) -> integer model file, float-vs-integer comparison over the test split, and
// the integer spike traces of the first N test samples (docs/export.md).
#include <filesystem>
#include <iostream>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "command.h"
#include "snncosim/common/config.h"
#include "snncosim/common/error.h"
#include "snncosim/export/checkpoint.h"
#include "snncosim/export/compare.h"
#include "snncosim/export/export_model.h"
#include "snncosim/export/fake_quant.h"
#include "snncosim/export/provenance.h"
#include "snncosim/export/settings.h"
#include "snncosim/nn/benchmark.h"
#include "snncosim/nn/experiment.h"
#include "snncosim/nn/network.h"
#include "snncosim/numerics/model_file.h"
#include "snncosim/numerics/trace_file.h"

namespace snncosim::cli {

void add_export_command(CLI::App& root, global_options& global) {
  auto* cmd = root.add_subcommand(
      "export", "Export a trained network to the integer model and spike-trace files; report float vs integer");
  struct options {
    std::string file;
    std::vector<std::string> sets;
    std::string checkpoint;
    std::string model;
    std::string traces;
    std::size_t samples = 8;
    std::size_t eval_samples = 0;
  };
  auto opt = std::make_shared<options>();
  cmd->add_option("experiment", opt->file, "Experiment YAML (schema snncosim.experiment/1)")->required();
  cmd->add_option("--set", opt->sets, "Override a key by dotted path, e.g. --set quantization.weight_bits=4");
  cmd->add_option("--checkpoint", opt->checkpoint,
                  "Training checkpoint (default: <output_dir>/<name>/best.bin, else checkpoint.bin)");
  cmd->add_option("--model", opt->model, "Model file to write (HDF5, docs/formats.md)")->required();
  cmd->add_option("--traces", opt->traces, "Spike-trace file to write (HDF5, docs/formats.md)")->required();
  cmd->add_option("--samples", opt->samples, "Test samples whose integer spikes go into the trace file")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1000000}));
  cmd->add_option("--eval-samples", opt->eval_samples, "Test samples compared float vs integer (0: the whole split)");
  cmd->callback([&global, opt] {
    std::vector<config::override_entry> overrides;
    for (const auto& s : opt->sets) overrides.push_back(config::parse_override(s));
    const config::document doc = config::load(opt->file, overrides, "experiment");
    const auto settings = export_::quantization_from_yaml(doc);
    const std::filesystem::path run_dir = std::filesystem::path(doc.root()["output_dir"].as<std::string>()) /
                                          doc.root()["name"].as<std::string>();
    std::filesystem::path checkpoint = opt->checkpoint;
    if (checkpoint.empty()) {
      checkpoint = run_dir / "best.bin";
      if (!std::filesystem::exists(checkpoint)) checkpoint = run_dir / "checkpoint.bin";
      if (!std::filesystem::exists(checkpoint))
        throw bad_input(fmt::format("{}: no checkpoint in {} (run `snncosim train {}` first or pass --checkpoint)",
                                    opt->file, run_dir.string(), opt->file));
    }
    auto setup = nn::make_experiment(doc, std::filesystem::path{});
    nn::set_threads(setup.threads);
    if (!setup.test) throw bad_input(opt->file + ": the experiment has no test split to compare on");

    nn::network net(setup.network, setup.training.seed);
    export_::compare_options co;
    co.batch = std::min(setup.training.batch_size, 64);
    co.samples = opt->eval_samples;
    co.trace_samples = opt->samples;
    co.progress = !global.json;
    net.configure(setup.time_steps, co.batch);
    export_::load_checkpoint_weights(net, checkpoint);
    const auto exported = export_::export_network(
        net, settings,
        export_::make_provenance(doc.resolved_yaml(), setup.training.seed,
                                 fmt::format("checkpoint {}; weights {} bits {}; qat {}", checkpoint.string(),
                                             settings.widths.weight_bits, settings.per_channel ? "per channel" : "per tensor",
                                             settings.qat ? "on" : "off")));
    spdlog::info("{}: exported {} layers from {}", setup.name, exported.model.layers.size(), checkpoint.string());
    const auto report = export_::compare_float_integer(net, exported, *setup.test, co);
    // Under QAT the network training optimised is the fake-quantized one: compare it too.
    std::optional<export_::comparison_report> fake_report;
    if (settings.qat) {
      export_::fake_quantizer fq(net, settings);
      fq.apply();
      auto fco = co;
      fco.trace_samples = 0;
      fake_report = export_::compare_float_integer(net, exported, *setup.test, fco);
      fq.restore();
    }

    numerics::write_model_file(opt->model, exported.model);
    numerics::trace_metadata meta;
    meta.source = "integer";
    meta.model_file = opt->model;
    meta.split = "test";
    meta.created_by = export_::tool_version();
    numerics::write_trace_file(opt->traces, meta, report.traces);

    if (global.json) {
      nlohmann::json layers = nlohmann::json::object();
      nlohmann::json details = nlohmann::json::array();
      for (const auto& l : report.layers) {
        layers[l.name] = l.agreement;
        details.push_back({{"name", l.name}, {"agreement", l.agreement}, {"float_spikes", l.float_spikes},
                           {"integer_spikes", l.integer_spikes}, {"bits", l.bits}});
      }
      nlohmann::json j{{"experiment", opt->file},
                       {"checkpoint", checkpoint.string()},
                       {"samples", report.samples},
                       {"float_accuracy", report.float_accuracy},
                       {"integer_accuracy", report.integer_accuracy},
                       {"prediction_agreement", report.prediction_agreement},
                       {"layer_agreement", layers},
                       {"layers", details},
                       {"weight_bits", settings.widths.weight_bits},
                       {"per_channel", settings.per_channel},
                       {"qat", settings.qat},
                       {"model", opt->model},
                       {"traces", opt->traces},
                       {"trace_samples", report.traces.size()}};
      if (fake_report) {
        nlohmann::json fl = nlohmann::json::object();
        for (const auto& l : fake_report->layers) fl[l.name] = l.agreement;
        j["fake_quant_float_accuracy"] = fake_report->float_accuracy;
        j["fake_quant_layer_agreement"] = fl;
      }
      std::cout << j.dump(2) << "\n";
    } else {
      std::cout << fmt::format("{} test samples: float accuracy {:.2f}%, integer accuracy {:.2f}% ({}-bit weights), "
                               "same prediction {:.2f}%\n",
                               report.samples, 100 * report.float_accuracy, 100 * report.integer_accuracy,
                               settings.widths.weight_bits, 100 * report.prediction_agreement);
      for (const auto& l : report.layers)
        std::cout << fmt::format("  {:<16} spike agreement {:.5f}  (float {} / integer {} spikes)\n", l.name,
                                 l.agreement, l.float_spikes, l.integer_spikes);
      if (fake_report) {
        std::cout << fmt::format("QAT: fake-quantized float accuracy {:.2f}%\n", 100 * fake_report->float_accuracy);
        for (const auto& l : fake_report->layers)
          std::cout << fmt::format("  {:<16} spike agreement {:.5f} with the fake-quantized float network\n", l.name,
                                   l.agreement);
      }
      std::cout << fmt::format("wrote {} and {} ({} samples)\n", opt->model, opt->traces, report.traces.size());
    }
  });
}

}  // namespace snncosim::cli
