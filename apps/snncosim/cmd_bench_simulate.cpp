// `snncosim bench simulate`: speed of the TLM accelerator model on the study's VGG9 (channel
// scale 0.25, SNN-DSE DVS shapes) with seeded random weights and input spikes. Measures
// simulated synaptic events/s and simulated cycles/s; the spike check against the golden
// integer inference runs after the timed part.
#include <iostream>
#include <memory>

#include "command.h"
#include "snncosim/common/json_text.h"
#include "snncosim/explore/simulation.h"

namespace snncosim::cli {

void add_bench_simulate_command(CLI::App& bench, global_options& global) {
  auto a = std::make_shared<explore::simulate_bench_request>();
  auto* cmd = bench.add_subcommand("simulate", "Speed of the TLM accelerator model on VGG9 (scale 0.25)");
  cmd->add_option("--samples", a->samples, "Samples simulated back to back")->check(count_check());
  cmd->add_option("--steps", a->steps, "Time steps per sample");
  cmd->add_option("--density", a->density, "Input spike density");
  cmd->add_option("--mode", a->mode, "Pipeline configuration")
      ->check(CLI::IsMember({"layer_sequential", "timestep_pipelined"}));
  cmd->add_option("--neuron-cores", a->neuron_cores, "Neuron cores per layer");
  cmd->add_option("--seed", a->seed, "Seed of weights and inputs");
  cmd->add_option("--weight-offset", a->weight_offset, "Mean of the random weights (sets the spike activity)");
  cmd->add_option("--weight-gain", a->weight_gain, "Weight scale times sqrt(fan-in)");
  cmd->add_option("--write-files", a->write_files,
                  "Also write the workload into this directory (vgg9_quarter.h5, vgg9_quarter_traces.h5)");
  cmd->callback([a, &global] {
    const explore::simulate_bench_outcome o = explore::simulate_bench(*a);
    std::cout << (global.json ? json_text(o.json) + "\n" : o.text);
    explore::check_spikes(o.checks);
  });
}

}  // namespace snncosim::cli
