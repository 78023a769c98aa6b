#pragma once
// Writes a resolved hardware configuration back as a hardware YAML document (every layer
// spelled out under `layers:`), so a search result can be simulated with `snncosim simulate`.
#include <string>

#include "snncosim/sc_models/hardware_config.h"

namespace snncosim::explore {

std::string to_yaml(const sc_models::hardware_config& hw, const std::string& comment = "");

}  // namespace snncosim::explore
