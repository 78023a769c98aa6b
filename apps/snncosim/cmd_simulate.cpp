// `snncosim simulate`: replays spike traces through the SystemC TLM accelerator model
// (docs/hardware.md) and checks its spikes against the golden integer inference.
#include <iostream>
#include <memory>

#include "command.h"
#include "snncosim/common/json_text.h"
#include "snncosim/explore/simulation.h"

namespace snncosim::cli {

void add_simulate_command(CLI::App& root, global_options& global) {
  auto a = std::make_shared<explore::simulation_request>();
  auto* cmd = root.add_subcommand("simulate", "Replay spike traces through the TLM accelerator model");
  cmd->add_option("--model", a->model, "Model file (HDF5, docs/formats.md)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--traces", a->traces, "Spike-trace file; its input spikes drive the model")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--hardware", a->hardware, "Hardware YAML (yaml/hardware/)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--platform", a->platform, "Platform YAML (platforms/): clock and energy coefficients")
      ->check(CLI::ExistingFile);
  cmd->add_option("--set", a->sets, "Override a hardware key, e.g. --set layers.conv1.neuron_cores=8");
  cmd->add_option("--samples", a->samples, "Simulate only the first N samples (0: all)")->check(count_check());
  cmd->add_option("--vcd", a->vcd, "Write block-level signals as VCD");
  cmd->add_option("--log", a->log, "Write the transaction log (one line per compress/accumulate/activate)");
  cmd->callback([a, &global] {
    const explore::simulation_outcome o = explore::simulate_traces(*a);
    std::cout << (global.json ? json_text(o.json) + "\n" : o.text);
    explore::check_spikes(o.checks);
  });
}

}  // namespace snncosim::cli
