// `snncosim infer EXPERIMENT.yaml --integer`: accuracy and spike statistics of the trained
// network in float and in the integer (hardware) numerics, with the per-layer spike
// agreement; writes nothing (`export` writes the files).
#include <iostream>

#include "command.h"
#include "import_report.h"
#include "snncosim/common/error.h"
#include "snncosim/export/trained_model.h"
#include "snncosim/common/json_text.h"

namespace snncosim::cli {

void add_infer_command(CLI::App& root, global_options& global) {
  auto* cmd = root.add_subcommand(
      "infer", "Accuracy and spikes per layer of a trained network, float beside integer numerics (--integer)");
  struct options {
    export_::trained_model_options trained;
    bool integer = false;
    std::string nir;  // an imported network instead of the experiment's checkpoint
    interop::import_request import;
    std::optional<int> bits;
    bool per_channel = false;
  };
  auto opt = std::make_shared<options>();
  cmd->add_option("experiment", opt->trained.experiment, "Experiment YAML (schema snncosim.experiment/1)")->required();
  cmd->add_flag("--integer", opt->integer,
                "Run the integer inference (docs/numerics.md) beside the float network and compare them");
  cmd->add_option("--set", opt->trained.sets, "Override a key by dotted path, e.g. --set quantization.weight_bits=4");
  cmd->add_option("--checkpoint", opt->trained.checkpoint,
                  "Training checkpoint (default: <output_dir>/<name>/best.bin, else checkpoint.bin)");
  cmd->add_option("--samples", opt->trained.eval_samples, "Test samples to run (0: the whole split)")->check(count_check());
  auto* nir = cmd->add_option("--nir", opt->nir,
                              "Run this NIR graph (docs/interop.md) on the experiment's test split instead of its checkpoint");
  nir->excludes("--checkpoint");
  add_nir_lowering_options(cmd, opt->import, opt->bits, opt->per_channel);
  cmd->callback([&global, opt] {
    if (!opt->integer) {
      throw bad_input("infer: only the float-vs-integer comparison exists; pass --integer "
                      "(float-only evaluation is part of `snncosim train`)");
    }
    opt->trained.progress = !global.json;
    if (!opt->nir.empty()) {
      auto& q = opt->import;
      q.nir = opt->nir;
      q.experiment = opt->trained.experiment;
      q.sets = opt->trained.sets;
      q.eval_samples = opt->trained.eval_samples;
      q.weight_bits = opt->bits;
      if (opt->per_channel) q.per_channel = true;
      q.progress = !global.json;
      const auto outcome = interop::run_import(q);
      std::cout << (global.json ? json_text(import_json(q, outcome)) + "\n" : import_text(q, outcome));
      return;
    }
    const auto c = export_::compare_trained_model(opt->trained);
    if (global.json) {
      std::cout << json_text(export_::comparison_json(opt->trained, c)) << "\n";
    } else {
      std::cout << export_::comparison_text(c);
    }
  });
}

}  // namespace snncosim::cli
