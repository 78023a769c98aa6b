// The joint Pareto front of the co-design view against a brute-force dominance check, with
// many ties (few distinct values), and the jointly best picks by hand.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <set>

#include "snncosim/common/rng.h"
#include "snncosim/experiments/codesign.h"

namespace ex = snncosim::experiments;

namespace {

}  // namespace

TEST_CASE("codesign/joint_front_equals_brute_force") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    snncosim::rng s{seed};
    std::vector<ex::codesign_pair> pairs;
    const int points = 1 + static_cast<int>(s.below(4));
    for (int p = 0; p < points; ++p) {
      const double acc = static_cast<double>(s.below(3)) / 4;  // ties across points
      const int n = 1 + static_cast<int>(s.below(40));
      for (int i = 0; i < n; ++i) {
        ex::codesign_pair c;
        c.point = std::to_string(p);
        c.key = std::to_string(i);
        c.accuracy = acc;
        c.score = static_cast<double>(s.below(6));  // few values: many ties and duplicates
        c.max_utilisation = static_cast<double>(s.below(5)) / 10;
        pairs.push_back(c);
      }
    }
    std::set<std::size_t> expect;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      bool dominated = false;
      for (std::size_t j = 0; j < pairs.size(); ++j) {
        const auto& a = pairs[j];
        const auto& b = pairs[i];
        dominated = dominated || (a.accuracy >= b.accuracy && a.score <= b.score && a.max_utilisation <= b.max_utilisation &&
                                  (a.accuracy > b.accuracy || a.score < b.score || a.max_utilisation < b.max_utilisation));
      }
      if (!dominated) expect.insert(i);
    }
    const auto front = ex::joint_pareto(pairs);
    CHECK(std::set<std::size_t>(front.begin(), front.end()) == expect);
    CHECK(front.size() == expect.size());
    CHECK(std::is_sorted(front.begin(), front.end(),
                         [&](std::size_t x, std::size_t y) { return pairs[x].score < pairs[y].score; }));
  }
}

TEST_CASE("codesign/jointly_best_are_the_extremes") {
  // acc, score, util: A is most accurate, B fastest, C smallest, D dominated by B.
  const std::vector<ex::codesign_pair> pairs = {{"a", "A", "", 0.9, 300, 300, 1, 0.5},
                                                {"b", "B", "", 0.7, 100, 100, 1, 0.4},
                                                {"c", "C", "", 0.6, 500, 500, 1, 0.1},
                                                {"b", "D", "", 0.7, 100, 100, 1, 0.45}};
  const auto doc = ex::codesign_document({{"objective", "latency"}}, nlohmann::json::array(), pairs);
  CHECK(doc["joint_front"].size() == 3);
  CHECK(doc["jointly_best"]["accuracy"]["key"] == "A");
  CHECK(doc["jointly_best"]["objective"]["key"] == "B");
  CHECK(doc["jointly_best"]["utilisation"]["key"] == "C");
  CHECK(doc["pairs"] == 4);
}
