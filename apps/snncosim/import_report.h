#pragma once
// Text and JSON of an imported NIR network (`import`, `infer --nir`): its layers and, with
// data, the float-vs-integer comparison over the test split.
#include <string>

#include <nlohmann/json.hpp>

#include "snncosim/interop/import_run.h"

namespace snncosim::cli {

nlohmann::json import_json(const interop::import_request& request, const interop::import_outcome& outcome);
std::string import_text(const interop::import_request& request, const interop::import_outcome& outcome);

}  // namespace snncosim::cli
