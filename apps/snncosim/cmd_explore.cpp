// `snncosim explore`: searches hardware configurations for trained models on a platform
// (docs/explore.md). Three inputs:
//   --model/--traces/--hardware    one model, directly;
//   EXPERIMENT.yaml (no sweep:)    the experiment's run folder (trained by `snncosim run`
//                                  first when it is missing), its hardware as the start;
//   SWEEP.yaml or --sweep-dir DIR  the co-design view: the same search for every trained
//                                  point of the sweep, resumable per point, codesign.*.
#include <iostream>
#include <memory>

#include "command.h"
#include "snncosim/common/json_text.h"
#include "snncosim/explore/explore_run.h"

namespace snncosim::cli {

void add_explore_command(CLI::App& root, global_options& global) {
  auto c = std::make_shared<explore::explore_request>();
  explore::explore_args* a = &c->args;
  auto* cmd = root.add_subcommand("explore", "Search hardware configurations: latency/throughput/energy vs FPGA resources; "
                                             "per experiment or across a sweep (co-design)");
  cmd->add_option("experiment", c->input,
                  "Experiment YAML: one run (trained first when missing) or a sweep (co-design view over its points)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--sweep-dir", c->sweep_dir, "Co-design view over the trained points of this sweep folder")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--results", c->results, "With an experiment: its run or sweep folder (default <output_dir>/<name>)");
  cmd->add_option("--model", a->model, "Model file (HDF5), direct use")->check(CLI::ExistingFile);
  cmd->add_option("--traces", a->traces, "Spike-trace file (its input spikes drive the evaluation), direct use")
      ->check(CLI::ExistingFile);
  cmd->add_option("--hardware", a->hardware, "Starting hardware YAML (memory latencies, widths, capacities), direct use")
      ->check(CLI::ExistingFile);
  cmd->add_option("--platform", a->platform, "Platform YAML: clock, resources, energy (default: the experiment's)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--set", a->sets, "Override a hardware key of the start point");
  cmd->add_option("--objective", a->objective, "latency | throughput | energy")->capture_default_str();
  cmd->add_option("--budget", a->budget, "Resource budget, e.g. lut=50%,bram=400 (default: the whole platform)");
  cmd->add_option("--seed", a->seed, "Seed of the annealing")->capture_default_str();
  cmd->add_option("--top-k", a->top_k, "Confirm the best K by full TLM simulation (per point in the co-design view)")
      ->capture_default_str();
  cmd->add_option("--samples", a->samples, "Use the first N samples of the traces (0: all)")->check(count_check())->capture_default_str();
  cmd->add_option("--iterations", a->iterations, "Annealing moves when the space is too big to enumerate")
      ->capture_default_str();
  cmd->add_option("--exhaustive-limit", a->exhaustive_limit, "Enumerate when the space has at most this many candidates")
      ->capture_default_str();
  cmd->add_option("--steps", a->steps, "Time steps the spike memories hold (resource model; 0: the traces' T)");
  cmd->add_option("--resource-model", a->resource_model,
                  "Price candidates as the RTL engine specialised to the layer (specialised, the default: what "
                  "`snncosim rtlgen` generates, calibrated on Yosys runs of generated engines), as the "
                  "run-time-programmable RTL engine (rtl, calibrated on Yosys runs of rtl/layer_engine) or as the "
                  "pre-RTL skeleton (skeleton)")
      ->check(CLI::IsMember({"specialised", "rtl", "skeleton"}))
      ->capture_default_str();
  cmd->add_option("--out", a->out,
                  "Write explore.json, pareto.csv, best.yaml, plots, state.json (co-design: codesign.* and points/) "
                  "here (default with an experiment: <run or sweep folder>/explore)");
  cmd->add_option("--state", a->state, "Resumable state file (default: OUT/state.json)");
  cmd->add_flag("--no-confirm", a->no_confirm, "Skip the TLM confirmation of the top-k");
  cmd->add_option("--penc", a->penc, "Priority-encoder widths to search (default 8,16,32,64,128)")->delimiter(',');
  cmd->add_option("--fifo", a->fifo, "Router FIFO depths to search (default 2,4,16,64)")->delimiter(',');
  cmd->add_option("--max-cores", a->max_cores, "At most this many neuron cores per layer (0: the layer's channels)");
  cmd->add_flag("--cosim", a->cosim,
                "Also co-simulate the best (co-design: the jointly best) configuration against the RTL (`snncosim cosim`)");
  cmd->callback([c, cmd, &global] {
    c->args.progress = true;
    c->top_k_given = cmd->count("--top-k") > 0;
    const explore::explore_outcome o = explore::run_explore(*c);
    std::cout << (global.json ? json_text(o.result) + "\n" : explore::explore_outcome_text(o));
    explore::check_explore_outcome(o);
  });
}

}  // namespace snncosim::cli
