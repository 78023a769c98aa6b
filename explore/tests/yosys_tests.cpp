// The Yosys flow end to end on the smallest calibration configuration: run_yosys must
// reproduce the counts calibrate.sh recorded with its own (Python) cell counting.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

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
