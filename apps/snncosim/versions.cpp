#include "versions.h"

#include <H5public.h>
#include <fmt/format.h>
#include <oneapi/dnnl/dnnl.hpp>
#include <spdlog/version.h>
#include <systemc>

#include "snncosim/export/provenance.h"

namespace snncosim::cli {

nlohmann::json library_versions() {
  const dnnl_version_t* d = dnnl_version();
  unsigned h5_major = 0, h5_minor = 0, h5_release = 0;
  H5get_libversion(&h5_major, &h5_minor, &h5_release);
  return {{"tool", export_::tool_version()},
          {"git_sha", export_::build_git_sha()},
          {"onednn", fmt::format("{}.{}.{} ({})", d->major, d->minor, d->patch, d->hash)},
          {"systemc", sc_core::sc_release()},
          {"yaml_cpp", SNNCOSIM_YAML_CPP_VERSION},
          {"hdf5", fmt::format("{}.{}.{}", h5_major, h5_minor, h5_release)},
          {"fmt", FMT_VERSION},
          {"spdlog", fmt::format("{}.{}.{}", SPDLOG_VER_MAJOR, SPDLOG_VER_MINOR, SPDLOG_VER_PATCH)},
          {"nlohmann_json", fmt::format("{}.{}.{}", NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR,
                                        NLOHMANN_JSON_VERSION_PATCH)},
          {"compiler", __VERSION__}};
}

}  // namespace snncosim::cli
