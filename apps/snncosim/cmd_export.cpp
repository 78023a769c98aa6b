// `snncosim export EXPERIMENT.yaml`: the trained network (a checkpoint of the experiment's
// run folder) -> integer model file, float-vs-integer comparison over the test split, and
// the integer spike traces of the first N test samples (docs/export.md).
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "command.h"
#include "snncosim/common/atomic_file.h"
#include "snncosim/common/error.h"
#include "snncosim/export/provenance.h"
#include "snncosim/interop/nir_export.h"
#include "snncosim/interop/nir_file.h"
#include "snncosim/numerics/model_file.h"
#include "snncosim/numerics/trace_file.h"
#include "snncosim/export/trained_model.h"
#include "snncosim/common/json_text.h"

namespace snncosim::cli {

void add_export_command(CLI::App& root, global_options& global) {
  auto* cmd = root.add_subcommand(
      "export", "Export a trained network to the integer model and spike-trace files; report float vs integer");
  struct options {
    export_::trained_model_options trained;
    std::string model;
    std::string traces;
    std::string nir;
    double nir_dt = 1e-4;
  };
  auto opt = std::make_shared<options>();
  opt->trained.trace_samples = 8;
  cmd->add_option("experiment", opt->trained.experiment, "Experiment YAML (schema snncosim.experiment/1)")->required();
  cmd->add_option("--set", opt->trained.sets, "Override a key by dotted path, e.g. --set quantization.weight_bits=4");
  cmd->add_option("--checkpoint", opt->trained.checkpoint,
                  "Training checkpoint (default: <output_dir>/<name>/best.bin, else checkpoint.bin)");
  cmd->add_option("--model", opt->model, "Model file to write (HDF5, docs/formats.md)")->required();
  cmd->add_option("--traces", opt->traces, "Spike-trace file to write (HDF5, docs/formats.md)")->required();
  cmd->add_option("--samples", opt->trained.trace_samples, "Test samples whose integer spikes go into the trace file")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1000000}));
  cmd->add_flag("--membranes", opt->trained.membranes,
               "Also record the integer membrane m_t of every conv/linear neuron after every step in the trace "
               "file (docs/formats.md §3; 4 bytes per neuron and step)");
  cmd->add_option("--eval-samples", opt->trained.eval_samples,
                  "Test samples compared float vs integer (0: the whole split)")
      ->check(count_check());
  cmd->add_option("--nir", opt->nir,
                  "Also write the network as a NIR graph (docs/interop.md) for other frameworks and nir.read");
  cmd->add_option("--nir-dt", opt->nir_dt, "Time step in seconds the NIR graph's tau refers to: tau = dt / (1 - beta)")
      ->check(CLI::PositiveNumber);
  cmd->callback([&global, opt] {
    // Both outputs are checked before the (long) evaluation; one file cannot be both.
    check_output_file(opt->model);
    check_output_file(opt->traces);
    std::error_code ec;
    if (std::filesystem::weakly_canonical(std::filesystem::absolute(opt->model), ec) ==
        std::filesystem::weakly_canonical(std::filesystem::absolute(opt->traces), ec)) {
      throw bad_input(fmt::format("--model and --traces name the same file ({}); give two file names", opt->model));
    }
    if (!opt->nir.empty()) check_output_file(opt->nir);
    opt->trained.progress = !global.json;
    const auto c = export_::compare_trained_model(opt->trained);
    // Converted before any file is written: a network NIR cannot express leaves nothing behind.
    std::optional<interop::nir_graph> graph;
    if (!opt->nir.empty()) graph = interop::to_nir(c.exported.model, opt->nir_dt, opt->trained.experiment);
    numerics::write_model_file(opt->model, c.exported.model);
    numerics::trace_metadata meta;
    meta.source = "integer";
    meta.model_file = opt->model;
    meta.split = "test";
    meta.created_by = export_::tool_version();
    numerics::write_trace_file(opt->traces, meta, c.report.traces);
    if (graph) interop::write_nir_file(opt->nir, *graph);
    if (global.json) {
      auto j = export_::comparison_json(opt->trained, c);
      j["model"] = opt->model;
      j["traces"] = opt->traces;
      j["trace_samples"] = c.report.traces.size();
      if (graph) j["nir"] = opt->nir;
      std::cout << json_text(j) << "\n";
    } else {
      std::cout << export_::comparison_text(c)
                << fmt::format("wrote {} and {} ({} samples)\n", opt->model, opt->traces, c.report.traces.size());
      if (graph) std::cout << fmt::format("wrote {} (NIR, dt = {} s)\n", opt->nir, opt->nir_dt);
    }
  });
}

}  // namespace snncosim::cli
