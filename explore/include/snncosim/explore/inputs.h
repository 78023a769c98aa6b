#pragma once
// What simulate, cosim, rtlgen, explore and estimate load before they start: the model, the
// hardware (with --set overrides) resolved for it, optionally on a platform, and the first N
// samples of a trace file, each checked against the model.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "snncosim/common/config.h"
#include "snncosim/explore/resource_model.h"
#include "snncosim/explore/workload.h"
#include "snncosim/numerics/quant_model.h"
#include "snncosim/numerics/trace_file.h"
#include "snncosim/sc_models/accelerator.h"
#include "snncosim/sc_models/hardware_config.h"

namespace snncosim::explore {

struct simulation_inputs {
  numerics::quant_model model;
  config::document hardware_doc;                // with the overrides applied
  std::optional<config::document> platform_doc;  // when a platform was given
  sc_models::hardware_config hw;                 // resolved for the model (and platform)
};

// Reads the model, the hardware with `sets` ("key=value") applied and, unless `platform` is
// empty, the platform; resolves the hardware for the model. Throws bad_input naming the file.
simulation_inputs load_simulation_inputs(const std::string& model, const std::string& hardware,
                                         const std::vector<std::string>& sets, const std::string& platform);

struct trace_samples {
  std::vector<sc_models::sample_input> inputs;
  std::vector<std::int64_t> indices;  // each sample's index in its data set
  int last_steps = 0;                 // time steps of the last sample read (0: none read)
};

// The first `count` samples of a trace file (at most its size), each checked against the
// model (`model_name` in messages) before any is simulated.
trace_samples read_trace_samples(const numerics::trace_reader& reader, const std::string& traces, std::size_t count,
                                 const numerics::quant_model& model, const std::string& model_name);

struct explore_inputs {
  numerics::quant_model model;
  sc_models::hardware_config hw;
  platform_info platform;
  std::string hardware_file;
};

// Reads model, hardware (with --set overrides) and platform (required).
std::unique_ptr<explore_inputs> load_explore_inputs(const std::string& model, const std::string& hardware,
                                                    const std::string& platform,
                                                    const std::vector<std::string>& sets);

// The first `samples` samples (0: all) of a trace file as a workload: recorded spikes when
// the file came from the integer golden model, else the golden model is run.
workload load_workload(const numerics::quant_model& model, const std::string& traces, int samples);

}  // namespace snncosim::explore
