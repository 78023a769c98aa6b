#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "snncosim/common/rng.h"

using snncosim::rng;

TEST_CASE("rng: the bits are splitmix64 - reference outputs of splitmix64.c by S. Vigna for seed 1234567") {
  rng g(1234567);
  CHECK(g() == 6457827717110365317ull);
  CHECK(g() == 3203168211198807973ull);
  CHECK(g() == 9817491932198370423ull);
  CHECK(g() == 4593380528125082431ull);
  CHECK(g() == 16408922859458223821ull);
}

TEST_CASE("rng: same seed same numbers and seed() restarts the stream") {
  rng a(42), b(42), c(43);
  std::vector<double> xa, xb, xc;
  for (int i = 0; i < 100; ++i) {
    xa.push_back(a.normal());
    xb.push_back(b.normal());
    xc.push_back(c.normal());
  }
  CHECK(xa == xb);
  CHECK(xa != xc);
  a.seed(42);
  CHECK(a.normal() == xa[0]);
}

TEST_CASE("rng: ranges and moments of the distributions") {
  rng g(7);
  const int n = 200000;
  std::vector<int> seen(10, 0);
  double u_sum = 0, n_sum = 0, n_sq = 0, e_sum = 0, hits = 0;
  for (int i = 0; i < n; ++i) {
    const double u = g.uniform(-2.0, 3.0);
    REQUIRE(u >= -2.0);
    REQUIRE(u < 3.0);
    u_sum += u;
    const float f = g.uniform_float();
    REQUIRE(f >= 0.0f);
    REQUIRE(f < 1.0f);
    const auto k = g.below(10);
    REQUIRE(k < 10);
    ++seen[k];
    const auto b = g.between(-3, 3);
    REQUIRE(b >= -3);
    REQUIRE(b <= 3);
    const double x = g.normal(1.0, 2.0);
    n_sum += x;
    n_sq += (x - 1.0) * (x - 1.0);
    e_sum += g.exponential(4.0);
    hits += g.chance(0.25) ? 1 : 0;
  }
  // Means within 5 standard errors: uniform sd 5/sqrt(12), normal sd 2, exponential sd 1/4.
  const double se = 5.0 / std::sqrt(static_cast<double>(n));
  CHECK(std::abs(u_sum / n - 0.5) < se * 5 / std::sqrt(12.0));
  CHECK(std::abs(n_sum / n - 1.0) < se * 2);
  CHECK(std::abs(n_sq / n - 4.0) < 0.05);
  CHECK(std::abs(e_sum / n - 0.25) < se * 0.25);
  CHECK(std::abs(hits / n - 0.25) < se * std::sqrt(0.25 * 0.75));
  for (int c : seen) CHECK(std::abs(c - n / 10) < 5 * std::sqrt(n * 0.1 * 0.9));
  CHECK(g.below(0) == 0);
  CHECK(g.below(1) == 0);
}
