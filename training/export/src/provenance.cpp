#include "snncosim/export/provenance.h"

#include "snncosim_export_build_info.h"

namespace snncosim::export_ {

std::string build_git_sha() { return SNNCOSIM_EXPORT_GIT_SHA; }
std::string tool_version() { return std::string("snncosim ") + SNNCOSIM_EXPORT_VERSION; }

numerics::provenance make_provenance(std::string config_text, std::uint64_t seed, std::string notes) {
  numerics::provenance p;
  p.config_text = std::move(config_text);
  p.seed = seed;
  p.git_sha = build_git_sha();
  p.created_by = tool_version();
  p.notes = std::move(notes);
  return p;
}

}  // namespace snncosim::export_
