#include <doctest/doctest.h>

#include <cmath>
#include <set>
#include <string>

#include "snncosim/experiments/plot_ticks.h"

namespace ex = snncosim::experiments;

namespace {

// A label read back: the number times its SI suffix.
double label_value(const std::string& s) {
  std::size_t used = 0;
  const double v = std::stod(s, &used);
  const std::string suffix = s.substr(used);
  if (suffix == "k") return v * 1e3;
  if (suffix == "M") return v * 1e6;
  if (suffix == "G") return v * 1e9;
  if (suffix == "T") return v * 1e12;
  REQUIRE(suffix.empty());
  return v;
}

bool is_nice(double step) {
  const double m = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
  return std::abs(m - 1) < 1e-6 || std::abs(m - 2) < 1e-6 || std::abs(m - 5) < 1e-6;
}

// What every axis must satisfy: nice step, range covering the data, distinct labels, each
// label equal to its tick to within half a step, ticks a step apart.
void check_axis(double lo, double hi, int target) {
  CAPTURE(lo);
  CAPTURE(hi);
  const ex::axis_ticks t = ex::nice_ticks(lo, hi, target);
  REQUIRE(t.ticks.size() >= 2);
  CHECK(is_nice(t.step));
  CHECK(t.low <= std::min(lo, hi));
  CHECK(t.high >= std::max(lo, hi));
  CHECK(t.ticks.size() <= static_cast<std::size_t>(2 * target + 2));
  std::set<std::string> labels;
  for (std::size_t i = 0; i < t.ticks.size(); ++i) {
    CAPTURE(t.ticks[i].label);
    labels.insert(t.ticks[i].label);
    CHECK(std::abs(label_value(t.ticks[i].label) - t.ticks[i].value) <= t.step / 2);
    if (i > 0) CHECK(t.ticks[i].value - t.ticks[i - 1].value == doctest::Approx(t.step));
  }
  CHECK(labels.size() == t.ticks.size());
}

}  // namespace

TEST_CASE("plot ticks: a narrow latency range gets two decimals (4.40M 4.42M ...)") {
  // By hand: (4.48M - 4.40M) / 4 = 20k per interval, a nice step (2 x 10^4).
  const ex::axis_ticks t = ex::nice_ticks(4.40e6, 4.48e6, 4);
  CHECK(t.step == doctest::Approx(2e4));
  REQUIRE(t.ticks.size() == 5);
  CHECK(t.ticks[0].label == "4.40M");
  CHECK(t.ticks[1].label == "4.42M");
  CHECK(t.ticks[2].label == "4.44M");
  CHECK(t.ticks[3].label == "4.46M");
  CHECK(t.ticks[4].label == "4.48M");
}

TEST_CASE("plot ticks: a wide range from zero uses whole steps (0 2M 4M ...)") {
  const ex::axis_ticks t = ex::nice_ticks(0, 9.3e6, 5, 0.0, true);
  // 9.3M / 5 = 1.86M -> 2M steps up to 10M.
  CHECK(t.step == doctest::Approx(2e6));
  REQUIRE(t.ticks.size() == 6);
  CHECK(t.ticks.front().label == "0");
  CHECK(t.ticks[1].label == "2M");
  CHECK(t.ticks.back().label == "10M");
}

TEST_CASE("plot ticks: labels are distinct and equal their values on narrow and wide ranges") {
  check_axis(4.4e6, 4.47e6, 5);
  check_axis(4412345, 4412399, 5);
  check_axis(0, 1e7, 5);
  check_axis(92.31, 92.35, 5);
  check_axis(0.001, 0.0012, 4);
  check_axis(-3, 7, 5);
  check_axis(999.5, 1000.5, 5);
  check_axis(12, 1.2e9, 6);
  check_axis(5e5, 5e5, 5);  // one value
}

TEST_CASE("plot ticks: padding widens the range and zero never reads -0") {
  const ex::axis_ticks t = ex::nice_ticks(10, 20, 5, 0.08);
  CHECK(t.low <= 10 - 0.8);
  CHECK(t.high >= 20 + 0.8);
  CHECK(ex::tick_label(-1e-12, 0.5, 10) == "0");
  const std::string gp = ex::gnuplot_axis("y", ex::nice_ticks(0, 1, 2));
  CHECK(gp.find("set yrange [0:1]") != std::string::npos);
  CHECK(gp.find("set ytics (\"0\" 0, \"0.5\" 0.5, \"1.0\" 1)") != std::string::npos);
}
