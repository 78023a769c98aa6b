// `snncosim estimate`: FPGA resources of a hardware configuration for a model, per layer
// engine, from the analytic resource models and (unless --no-yosys) Yosys synth_xilinx on
// the layer engines specialised to the model (tb::generate_rtl, Fixed = 1; or the
// programmable RTL engine or the skeleton, --yosys-source), against the platform's resources
// (docs/hardware.md §11). --yosys-top also synthesises the whole generated accelerator.
#include <iostream>
#include <memory>

#include "command.h"
#include "snncosim/common/json_text.h"
#include "snncosim/explore/estimate.h"

namespace snncosim::cli {

void add_estimate_command(CLI::App& root, global_options& global) {
  auto a = std::make_shared<explore::estimate_request>();
  auto* cmd = root.add_subcommand("estimate", "FPGA resources per layer engine (resource model and Yosys synth_xilinx)");
  cmd->add_option("--model", a->model, "Model file (HDF5): gives the layer engines' shapes")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--hardware", a->hardware, "Hardware YAML (yaml/hardware/)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--platform", a->platform, "Platform YAML (platforms/): resources and family")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--set", a->sets, "Override a hardware key, e.g. --set layers.conv1.neuron_cores=8");
  cmd->add_option("--steps", a->steps, "Time steps a spike memory holds (layer 0 and layer-sequential engines)")
      ->capture_default_str();
  cmd->add_flag("--no-yosys", a->no_yosys, "Only the analytic resource models");
  cmd->add_option("--yosys-source", a->yosys_source,
                  "What Yosys synthesises per engine: specialised (default: the engine generated for this model "
                  "and hardware, tb::generate_rtl with Fixed = 1, as `snncosim rtlgen` builds it), rtl (the "
                  "run-time-programmable overlay rtl/layer_engine), skeleton (explore/rtl_model), auto (rtl where "
                  "its synthesis is bounded, else skeleton)")
      ->check(CLI::IsMember({"specialised", "rtl", "skeleton", "auto"}))
      ->capture_default_str();
  cmd->add_flag("--yosys-top", a->yosys_top,
                "Also synthesise the whole generated accelerator (snn_accelerator_gen: engines and spike links); "
                "may take long on big designs");
  cmd->add_option("--yosys-engine", a->yosys_engines,
                  "Synthesise only these engines (layer names, repeatable; default: all)");
  cmd->add_option("--workdir", a->workdir, "Keep Yosys logs and stat files here (default: a temporary directory)");
  cmd->callback([a, &global] {
    const explore::estimate_outcome o = explore::estimate_resources(*a);
    std::cout << (global.json ? json_text(o.json) + "\n" : o.text);
  });
}

}  // namespace snncosim::cli
