// The Yosys flow end to end on the smallest calibration configuration: run_yosys must
// reproduce the counts calibrate.sh recorded with its own (Python) cell counting.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <unistd.h>

#include "snncosim/explore/yosys.h"

namespace ex = snncosim::explore;

TEST_CASE("explore_yosys/tiny_engine_matches_the_calibration_record") {
  if (!ex::yosys_available()) {
    MESSAGE("yosys not installed: skipped");
    return;
  }
  ex::engine_params p;  // last row of calibration_xcup.csv
  p.n = 1, p.penc = 8, p.sdepth = 80, p.wbits = 8, p.wwidth = 16, p.wdepth = 64, p.acc = 12, p.mem = 12;
  p.adepth = 64, p.mdepth = 64, p.fdepth = 2, p.ebits = 12;
  const auto dir = std::filesystem::temp_directory_path() / ("snncosim_yosys_test_" + std::to_string(::getpid()));
  const ex::yosys_result r = ex::run_yosys(p, "xcup", dir);
  std::filesystem::remove_all(dir);
  CHECK(r.used.lut == 262);
  CHECK(r.used.ff == 94);
  CHECK(r.used.bram36 == 0);
  CHECK(r.used.dsp == 1);
}

// The real RTL engine (rtl/layer_engine) at the smallest calibration size through Yosys: the
// RTL resource model must hold its stated error (docs/hardware.md §11) on a fresh synthesis.
TEST_CASE("explore_yosys/rtl_engine_within_the_stated_error_of_the_model") {
  if (!ex::yosys_available()) {
    MESSAGE("yosys not installed: skipped");
    return;
  }
  ex::rtl_engine_params p;  // first row of calibration_rtl_xcup.csv
  p.lanes = 1, p.chunk = 8, p.spike_words = 64, p.weight_words = 64, p.acc_words = 64, p.mem_words = 64;
  p.chan_words = 4, p.max_frame = 64, p.fifo_depth = 4, p.max_rate = 1, p.max_latency = 2;
  REQUIRE(ex::rtl_synthesis_bounded(p));
  const auto dir = std::filesystem::temp_directory_path() / ("snncosim_yosys_rtl_" + std::to_string(::getpid()));
  const ex::yosys_result r = ex::run_yosys_rtl(p, "xcup", dir);
  std::filesystem::remove_all(dir);
  const ex::resources m = ex::estimate_rtl_engine(p);
  MESSAGE("yosys LUT " << r.used.lut << " FF " << r.used.ff << " BRAM36 " << r.used.bram36 << " DSP " << r.used.dsp
                       << " in " << r.seconds << " s; model LUT " << m.lut << " FF " << m.ff << " BRAM36 " << m.bram36
                       << " DSP " << m.dsp);
  CHECK(r.top == "snn_layer_engine");
  CHECK(std::abs(m.lut - r.used.lut) <= ex::rtl_model_error().lut * r.used.lut);
  CHECK(std::abs(m.ff - r.used.ff) <= ex::rtl_model_error().ff * r.used.ff);
  CHECK(std::abs(m.bram36 - r.used.bram36) <= ex::rtl_model_error().bram36);
  CHECK(std::abs(m.dsp - r.used.dsp) <= ex::rtl_model_error().dsp);
}
