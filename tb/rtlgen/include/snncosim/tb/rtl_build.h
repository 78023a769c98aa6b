#pragma once
// Builds a generated design (rtl_design.h) on demand: writes its sources, Verilates the top
// (--cc), compiles it with a generated binding into a shared object (ccache underneath) in
// a cache folder keyed by the design's hash, and loads it. A second request for the same
// design reuses the cached build. A failed build leaves nothing in the cache and reports
// the first error of its log.
#include <filesystem>
#include <memory>
#include <string>

#include "snncosim/tb/rtl_design.h"
#include "snncosim/tb/rtl_top_model.h"

namespace snncosim::tb {

struct rtl_build_options {
  std::filesystem::path cache_dir;  // empty: $SNNCOSIM_RTL_CACHE, else $XDG_CACHE_HOME/snncosim/rtl, else ~/.cache/...
  bool progress = true;             // log each stage with its time
  int jobs = 2;
  std::string opt = "-O2";          // C++ optimisation of the Verilated model
};

struct rtl_build {
  std::filesystem::path dir;  // the cache entry
  bool reused = false;
  double seconds = 0;        // wall time of this call (0-ish when reused)
  double verilate_seconds = 0, compile_seconds = 0;
  long peak_rss_kib = 0;     // largest process of the build (Verilator or a compiler)
  // Loads the shared object and creates the model; bad_input if it does not match the ABI.
  std::unique_ptr<rtl_top_model> create() const;
};

std::filesystem::path default_rtl_cache();

// bad_input naming the stage and the first error line when Verilator or the compiler fails.
rtl_build build_rtl(const rtl_design& design, const rtl_build_options& options = {});

// The C++ binding of the design's top to rtl_top_model (compiled into the shared object).
std::string binding_cpp(const rtl_design& design, const std::string& prefix);

}  // namespace snncosim::tb
