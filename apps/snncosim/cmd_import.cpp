// `snncosim import NETWORK.nir --out MODEL.h5`: a network trained in another framework (a NIR
// graph) -> the integer model file our accelerator models run; with --experiment, the
// float-vs-integer comparison on its test split and the integer spike traces (docs/interop.md).
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "command.h"
#include "import_report.h"
#include "snncosim/common/json_text.h"
#include "snncosim/common/atomic_file.h"
#include "snncosim/common/error.h"

namespace snncosim::cli {

// The options `import` and `infer --nir` share: how the graph is lowered and quantized.
void add_nir_lowering_options(CLI::App* cmd, interop::import_request& q, std::optional<int>& bits, bool& per_channel) {
  cmd->add_option("--dt", q.lowering.time_step,
                  "Time step in seconds for discretising LIF neurons: beta = 1 - dt/tau (default 1e-4, as snnTorch)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--weight-bits", bits, "Weight bits, 4, 8 or 16 (default: the experiment's, else 8)")
      ->check(CLI::IsMember({4, 8, 16}));
  cmd->add_flag("--per-channel", per_channel, "One weight scale per output channel instead of per tensor");
  cmd->add_option("--num-classes", q.lowering.num_classes,
                  "Classes of the output layer (default: the data's, else one per output neuron)")
      ->check(CLI::Range(0, 1000000));
  cmd->add_option("--population", q.lowering.population_per_class,
                  "Output neurons per class (default: outputs / classes)")
      ->check(CLI::Range(1, 1000000));
}

void add_import_command(CLI::App& root, global_options& global) {
  auto* cmd = root.add_subcommand(
      "import", "Import a NIR graph (a network trained in another framework) as an integer model file");
  struct options {
    interop::import_request q;
    std::string nir, out, traces;
    std::optional<int> bits;
    bool per_channel = false;
  };
  auto opt = std::make_shared<options>();
  cmd->add_option("network", opt->nir, "NIR graph (HDF5, written by nir.write or `snncosim export --nir`)")->required();
  cmd->add_option("--out", opt->out, "Model file to write (HDF5, docs/formats.md)")->required();
  cmd->add_option("--traces", opt->traces, "Spike-trace file of the first --samples test samples (needs --experiment)");
  cmd->add_option("--experiment", opt->q.experiment,
                  "Experiment YAML: its test split runs the imported network; its quantization section sets the widths");
  cmd->add_option("--set", opt->q.sets, "Override a key of the experiment, e.g. --set quantization.weight_bits=4");
  cmd->add_option("--samples", opt->q.trace_samples, "Test samples whose integer spikes go into --traces")
      ->check(count_check());
  cmd->add_option("--eval-samples", opt->q.eval_samples, "Test samples compared float vs integer (0: all)")
      ->check(count_check());
  add_nir_lowering_options(cmd, opt->q, opt->bits, opt->per_channel);
  cmd->callback([&global, opt] {
    check_output_file(opt->out);
    if (!opt->traces.empty()) {
      check_output_file(opt->traces);
      std::error_code ec;
      if (std::filesystem::weakly_canonical(std::filesystem::absolute(opt->out), ec) ==
          std::filesystem::weakly_canonical(std::filesystem::absolute(opt->traces), ec))
        throw bad_input(fmt::format("--out and --traces name the same file ({}); give two file names", opt->out));
    }
    auto& q = opt->q;
    q.nir = opt->nir;
    q.model_out = opt->out;
    q.traces_out = opt->traces;
    q.weight_bits = opt->bits;
    if (opt->per_channel) q.per_channel = true;
    q.progress = !global.json;
    const auto outcome = interop::run_import(q);
    if (global.json) {
      std::cout << json_text(import_json(q, outcome)) << "\n";
    } else {
      std::cout << import_text(q, outcome);
    }
  });
}

}  // namespace snncosim::cli
