#pragma once
// FPGA resources of a hardware configuration for a model, per layer engine (`snncosim
// estimate`): the analytic resource models (specialised, programmable RTL, skeleton) and,
// unless no_yosys, Yosys synth_xilinx on the engines generated for the model and hardware
// (or the programmable RTL engine or the skeleton), against the platform's resources.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace snncosim::explore {

struct estimate_request {
  std::string model, hardware, platform;
  std::string workdir;            // Yosys logs and stat files (empty: a temporary folder, removed)
  std::vector<std::string> sets;  // hardware overrides "key=value"
  int steps = 1;                  // time steps a spike memory holds
  bool no_yosys = false;
  bool yosys_top = false;                  // also the whole generated accelerator
  std::vector<std::string> yosys_engines;  // empty: every engine
  std::string yosys_source = "specialised";  // specialised, rtl, skeleton or auto
};

struct estimate_outcome {
  nlohmann::json json;
  std::string text;
};

// Throws bad_input for a request that names no layer of the model or asks --yosys-top without
// the specialised source; std::runtime_error when Yosys is needed but not installed.
estimate_outcome estimate_resources(const estimate_request& request);

}  // namespace snncosim::explore
