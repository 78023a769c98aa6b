#include <doctest/doctest.h>

#include "snncosim/experiments/selection.h"

namespace ex = snncosim::experiments;

TEST_CASE("pareto: dominated points drop out, front sorted by latency") {
  //            0     1     2     3     4
  const std::vector<double> acc = {0.80, 0.85, 0.70, 0.85, 0.90};
  const std::vector<double> lat = {100, 150, 120, 200, 300};
  // 2 is dominated by 0 (lower accuracy, more latency); 3 by 1 (same accuracy, more latency).
  CHECK(ex::pareto_front(acc, lat) == std::vector<std::size_t>{0, 1, 4});
}

TEST_CASE("pareto: identical points are both on the front") {
  CHECK(ex::pareto_front({0.5, 0.5}, {10, 10}) == std::vector<std::size_t>{0, 1});
}

TEST_CASE("least squares: exact plane is recovered") {
  // y = 3 + 2 x1 - 0.5 x2
  const std::vector<std::vector<double>> x = {{0, 0}, {1, 0}, {0, 2}, {3, 1}, {2, 5}};
  std::vector<double> y;
  for (const auto& r : x) y.push_back(3 + 2 * r[0] - 0.5 * r[1]);
  const auto c = ex::least_squares(x, y);
  REQUIRE(c.size() == 3);
  CHECK(c[0] == doctest::Approx(3));
  CHECK(c[1] == doctest::Approx(2));
  CHECK(c[2] == doctest::Approx(-0.5));
}

TEST_CASE("least squares: noisy line matches the hand-computed fit") {
  // x = 0,1,2,3; y = 1,3,4,8: slope = Sxy/Sxx = (sum (x-1.5)(y-4)) / 5 = (6+1+0+6)/5... computed:
  // x-mean = -1.5,-0.5,0.5,1.5; y-mean = -3,-1,0,4 -> Sxy = 4.5+0.5+0+6 = 11, Sxx = 5 -> 2.2; c0 = 4 - 2.2*1.5 = 0.7
  const auto c = ex::least_squares({{0}, {1}, {2}, {3}}, {1, 3, 4, 8});
  CHECK(c[0] == doctest::Approx(0.7));
  CHECK(c[1] == doctest::Approx(2.2));
}

TEST_CASE("predictor: leave-one-out on a noisy line") {
  const std::vector<std::vector<double>> x = {{0}, {1}, {2}, {3}};
  const std::vector<double> y = {1, 3, 4, 8};
  const auto ev = ex::evaluate_predictor(x, y);
  REQUIRE(ev.held_out.size() == 4);
  // Without point 0: fit through (1,3),(2,4),(3,8): slope 2.5, c0 = 5 - 5 = 0 -> predicts 0 at x = 0.
  CHECK(ev.held_out[0] == doctest::Approx(0.0));
  // Without point 3: (0,1),(1,3),(2,4): slope 1.5, c0 = 8/3 - 1.5 = 1.1667 -> 5.6667 at x = 3.
  CHECK(ev.held_out[3] == doctest::Approx(1.5 * 3 + 8.0 / 3 - 1.5));
  CHECK(ev.max_abs_rel_error == doctest::Approx(1.0));
}

TEST_CASE("predictor: too few points gives no result") {
  CHECK(ex::evaluate_predictor({{1, 2}, {3, 4}, {5, 6}}, {1, 2, 3}).coefficients.empty());
}
