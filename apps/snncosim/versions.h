#pragma once
// Versions of the tool and the libraries it was built with, for run manifests.
#include <nlohmann/json.hpp>

namespace snncosim::cli {

nlohmann::json library_versions();

}  // namespace snncosim::cli
