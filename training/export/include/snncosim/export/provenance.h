#pragma once
// Provenance recorded in exported model files.
#include <cstdint>
#include <string>

#include "snncosim/numerics/quant_model.h"

namespace snncosim::export_ {

// `git rev-parse HEAD` of the source tree at build time (regenerated on every build),
// "unknown" when the tree was not a git checkout.
std::string build_git_sha();
std::string tool_version();  // "snncosim <version>"

numerics::provenance make_provenance(std::string config_text, std::uint64_t seed, std::string notes = {});

}  // namespace snncosim::export_
