#pragma once
// Shared by `explore` and `estimate`: the model, hardware, platform and (for explore) the
// workload of a trace file.
#include <memory>
#include <string>
#include <vector>

#include "snncosim/common/config.h"
#include "snncosim/explore/resource_model.h"
#include "snncosim/explore/workload.h"
#include "snncosim/numerics/quant_model.h"
#include "snncosim/sc_models/hardware_config.h"

namespace snncosim::cli {

struct explore_inputs {
  numerics::quant_model model;
  sc_models::hardware_config hw;
  explore::platform_info platform;
  std::string hardware_file;
};

// Reads model, hardware (with --set overrides) and platform.
std::unique_ptr<explore_inputs> load_explore_inputs(const std::string& model, const std::string& hardware,
                                                    const std::string& platform,
                                                    const std::vector<std::string>& sets);

// The first `samples` samples (0: all) of a trace file as a workload: recorded spikes when
// the file came from the integer golden model, else the golden model is run.
explore::workload load_workload(const numerics::quant_model& model, const std::string& traces, int samples);

}  // namespace snncosim::cli
