// Expected values are computed by hand from the definitions (t quantiles from printed
// tables: t(0.975, 1) = 12.706, t(0.975, 2) = 4.303, t(0.975, 4) = 2.776, t(0.975, 9) = 2.262).
#include <cmath>

#include <doctest/doctest.h>

#include "snncosim/experiments/statistics.h"
#include "snncosim/experiments/study.h"

namespace ex = snncosim::experiments;

namespace {

ex::point_record point(const std::string& neuron, const std::string& surrogate, long long seed, double acc, double latency) {
  ex::point_record p;
  p.id = neuron + "_" + surrogate + "_" + std::to_string(seed);
  p.neuron_model = neuron;
  p.surrogate = surrogate;
  p.slope = 25;
  p.seed = seed;
  p.dataset = "builtin_fashion";
  p.settings = {{"seed", std::to_string(seed)}, {"network.neuron.model", neuron}, {"network.neuron.surrogate", surrogate}};
  p.metrics = {{"accuracy", {{"integer", acc}, {"float", acc}}},
               {"latency", {{"cycles", latency}, {"us", latency / 200}}},
               {"energy_uj", 1.0},
               {"time_steps", 4},
               {"spikes_per_sample", 8.0},
               {"training", {{"firing_rates", {{"l1", latency / 1e4}}}}},
               {"layers", {{{"name", "l1"}, {"neurons", 10}, {"spikes_per_sample", 8.0}, {"sparsity", 0.8}}}}};
  return p;
}

const ex::study_group& group(const std::vector<ex::study_group>& gs, const std::string& name) {
  for (const auto& g : gs)
    if (g.name == name) return g;
  FAIL("no group " << name);
  return gs.front();
}

const ex::claim_result& claim(const std::vector<ex::claim_result>& cs, const std::string& id) {
  for (const auto& c : cs)
    if (c.id == id) return c;
  FAIL("no claim " << id);
  return cs.front();
}

}  // namespace

TEST_CASE("statistics: Student t quantiles match the printed tables") {
  CHECK(ex::student_t_quantile(0.975, 1) == doctest::Approx(12.706).epsilon(1e-4));
  CHECK(ex::student_t_quantile(0.975, 2) == doctest::Approx(4.303).epsilon(1e-4));
  CHECK(ex::student_t_quantile(0.975, 4) == doctest::Approx(2.776).epsilon(1e-3));
  CHECK(ex::student_t_quantile(0.975, 9) == doctest::Approx(2.262).epsilon(1e-3));
  CHECK(ex::student_t_quantile(0.95, 4) == doctest::Approx(2.132).epsilon(1e-3));
  CHECK(std::isnan(ex::student_t_quantile(0.975, 0)));
}

TEST_CASE("statistics: mean and 95 % interval - NaNs skipped - one value has no interval") {
  // 1..5: mean 3, s = sqrt(10 / 4) = 1.5811, half width 2.7764 * 1.5811 / sqrt(5) = 1.9632.
  const auto v = ex::mean_interval({1, 2, 3, 4, 5});
  CHECK(v.n == 5);
  CHECK(v.mean == doctest::Approx(3));
  CHECK(v.stddev == doctest::Approx(1.581139));
  CHECK(v.half_width == doctest::Approx(1.963243).epsilon(1e-5));
  CHECK(v.low() == doctest::Approx(3 - 1.963243).epsilon(1e-5));
  // {1, 3}: s = sqrt(2), half width = 12.7062 * sqrt(2) / sqrt(2).
  const auto w = ex::mean_interval({1, std::nan(""), 3});
  CHECK(w.n == 2);
  CHECK(w.half_width == doctest::Approx(12.7062).epsilon(1e-4));
  const auto one = ex::mean_interval({7});
  CHECK(one.n == 1);
  CHECK(one.mean == 7);
  CHECK_FALSE(one.has_interval());
  CHECK(ex::mean_pm(one, 1, 1) == "7.0 (1 seed)");
  CHECK(ex::mean_interval({}).n == 0);
}

TEST_CASE("study: points group per configuration over seeds") {
  ex::study_inputs in;
  for (long long s = 1; s <= 3; ++s) {
    in.points.push_back(point("leaky", "fast_sigmoid", s, 0.6 + 0.1 * static_cast<double>(s), 1000 + 100 * static_cast<double>(s - 1)));
    in.points.push_back(point("leaky", "spike_rate_escape", s, 0.7, 900));
  }
  in.explored["leaky_fast_sigmoid_2"] = {500, 2.5};
  const auto groups = ex::group_by_configuration(in);
  REQUIRE(groups.size() == 2);
  const auto& fs = group(groups, "leaky/fast_sigmoid/25");
  CHECK(fs.seeds == std::vector<long long>{1, 2, 3});
  // accuracy 0.7, 0.8, 0.9: mean 0.8, s = 0.1, half width 4.3027 * 0.1 / sqrt(3) = 0.24841.
  CHECK(fs.stats.at("integer_accuracy").mean == doctest::Approx(0.8));
  CHECK(fs.stats.at("integer_accuracy").half_width == doctest::Approx(0.248414).epsilon(1e-5));
  // firing rate of l1 = 8 spikes / (10 neurons * 4 steps) = 0.2.
  CHECK(fs.stats.at("l1.firing_rate").mean == doctest::Approx(0.2));
  CHECK(fs.stats.at("explored_latency_cycles").n == 1);
  CHECK(fs.stats.at("explored_latency_cycles").mean == 500);
  const std::string csv = ex::aggregate_csv(groups);
  CHECK(csv.find("leaky/fast_sigmoid/25,leaky,fast_sigmoid,25,builtin_fashion,1 2 3,3,") != std::string::npos);
  const auto j = ex::aggregate_json(in, groups);
  CHECK(j["groups"][0]["per_seed"].size() == 3);
  CHECK(j["groups"][0]["per_seed"][1]["metrics"]["integer_accuracy"].get<double>() == doctest::Approx(0.8));
}

TEST_CASE("claims: paired latency change over seeds with its interval") {
  ex::study_inputs in;
  const double fs_lat[] = {1000, 1100, 1200}, sre_lat[] = {900, 1000, 1050};
  for (long long s = 1; s <= 3; ++s) {
    in.points.push_back(point("leaky", "fast_sigmoid", s, 0.8, fs_lat[s - 1]));
    in.points.push_back(point("leaky", "spike_rate_escape", s, 0.8, sre_lat[s - 1]));
  }
  const auto groups = ex::group_by_configuration(in);
  const auto claims = ex::evaluate_claims(in, groups);
  const auto& c = claim(claims, "spike_rate_escape_latency");
  // -10 %, -9.0909 %, -12.5 %: mean -10.5303 %, s = 1.76533 %, half width 4.3027 * s / sqrt(3) = 4.3853 %.
  const auto& d = c.detail[0]["relative_change"];
  CHECK(d["mean"].get<double>() == doctest::Approx(-0.1053030).epsilon(1e-5));
  CHECK(d["ci95_high"].get<double>() == doctest::Approx(-0.1053030 + 0.0438532).epsilon(1e-4));
  CHECK(c.verdict == "supports (direction)");
  CHECK(c.ours.find("[-14.9, -6.1] (n = 3)") != std::string::npos);
  // No lapicque points: said plainly, no number.
  const auto& l = claim(claims, "lapicque_latency");
  CHECK(l.verdict == "cannot be computed");
  CHECK(l.ours.find("no lapicque") != std::string::npos);
}

TEST_CASE("claims: one seed gives no interval and says so") {
  ex::study_inputs in;
  in.points = {point("leaky", "fast_sigmoid", 1, 0.8, 1000), point("leaky", "spike_rate_escape", 1, 0.7, 800),
               point("lapicque", "fast_sigmoid", 1, 0.8, 700)};
  const auto claims = ex::evaluate_claims(in, ex::group_by_configuration(in));
  CHECK(claim(claims, "spike_rate_escape_latency").verdict.rfind("cannot tell: one seed", 0) == 0);
  CHECK(claim(claims, "lapicque_latency").verdict.rfind("cannot tell: one seed", 0) == 0);
  CHECK(claim(claims, "sparsity_aware_selection").verdict.rfind("cannot tell: one seed", 0) == 0);
}

TEST_CASE("claims: sparsity-aware selection is chosen on the other seeds") {
  ex::study_inputs in;
  const double def_acc[] = {0.80, 0.82, 0.84}, def_lat[] = {1000, 1100, 1200};
  const double lap_acc[] = {0.85, 0.86, 0.87}, lap_lat[] = {400, 500, 600};
  for (long long s = 1; s <= 3; ++s) {
    in.points.push_back(point("leaky", "fast_sigmoid", s, def_acc[s - 1], def_lat[s - 1]));
    in.points.push_back(point("lapicque", "fast_sigmoid", s, lap_acc[s - 1], lap_lat[s - 1]));
    in.points.push_back(point("leaky", "spike_rate_escape", s, 0.5, 300));  // fast but worse: never chosen
  }
  const auto claims = ex::evaluate_claims(in, ex::group_by_configuration(in));
  const auto& c = claim(claims, "sparsity_aware_selection");
  REQUIRE(c.detail.size() == 3);
  for (const auto& d : c.detail) CHECK(d["selected"].get<std::string>() == "lapicque/fast_sigmoid/25");
  // Gains 5, 4, 3 pp: mean 4, half width 4.3027 * 1 / sqrt(3) = 2.484 pp. Speedups 2.5, 2.2,
  // 2.0: mean 2.233, s = 0.25166, half width 0.6252 -> [1.61, 2.86]: faster, 2x not shown.
  CHECK(c.ours.find("+4.0 [+1.5, +6.5] (n = 3)") != std::string::npos);
  CHECK(c.ours.find("2.23x [1.61, 2.86]") != std::string::npos);
  CHECK(c.verdict == "accuracy higher; faster but not shown 2x");
}

TEST_CASE("claims: best surrogate and the latency predictors on held-out seeds and configurations") {
  ex::study_inputs in;
  // Latency follows the training firing rate exactly (rate = latency / 1e4), accuracy does not.
  const double acc[] = {0.7, 0.9, 0.8};
  const char* sur[] = {"fast_sigmoid", "atan", "sigmoid"};
  for (int k = 0; k < 3; ++k)
    for (long long s = 1; s <= 3; ++s)
      in.points.push_back(point("leaky", sur[k], s, acc[k] + 0.01 * static_cast<double>(s),
                                1000 + 300 * k + 37 * static_cast<double>(s * s)));
  const auto claims = ex::evaluate_claims(in, ex::group_by_configuration(in));
  const auto& b = claim(claims, "best_surrogate_accuracy");
  // atan leads fast_sigmoid by exactly 20 pp on every seed: interval of width 0, above 0.
  CHECK(b.verdict == "leaky: contradicts");
  CHECK(b.ours.find("atan best") != std::string::npos);
  const auto& p = claim(claims, "latency_predictor");
  CHECK(p.detail["held-out seeds"]["firing_rate_error"]["mean"].get<double>() == doctest::Approx(0).epsilon(1e-6));
  CHECK(p.detail["held-out configurations"]["firing_rate_error"]["mean"].get<double>() ==
        doctest::Approx(0).epsilon(1e-6));
  CHECK(p.detail["held-out seeds"]["accuracy_error"]["mean"].get<double>() > 0.01);
  CHECK(p.verdict == "supports");
}

TEST_CASE("claims: configurations that did not learn are left out of the latency claims, selection and predictor") {
  ex::study_inputs in;
  // lapicque/sigmoid sits at chance (10 classes: 10 %, below 10 % + 90 % / 4 = 32.5 %) and is
  // by far the fastest.
  for (long long s = 1; s <= 3; ++s) {
    const double d = static_cast<double>(s);
    in.points.push_back(point("leaky", "fast_sigmoid", s, 0.80, 1000 + 10 * d));
    in.points.push_back(point("leaky", "sigmoid", s, 0.79, 1100 + 20 * d));
    in.points.push_back(point("lapicque", "fast_sigmoid", s, 0.81, 900 + 15 * d));
    in.points.push_back(point("lapicque", "sigmoid", s, 0.10, 200 + d));
  }
  for (auto& p : in.points) p.num_classes = 10;
  const auto groups = ex::group_by_configuration(in);
  CHECK_FALSE(group(groups, "lapicque/sigmoid/25").learned);
  CHECK(group(groups, "lapicque/fast_sigmoid/25").learned);
  // The bound itself: 32.5 % learned, 32.4 % not.
  ex::study_inputs edge;
  edge.points = {point("leaky", "atan", 1, 0.325, 1000), point("leaky", "sigmoid", 1, 0.324, 1000)};
  for (auto& p : edge.points) p.num_classes = 10;
  const auto edge_groups = ex::group_by_configuration(edge);
  CHECK(group(edge_groups, "leaky/atan/25").learned);
  CHECK_FALSE(group(edge_groups, "leaky/sigmoid/25").learned);
  const auto claims = ex::evaluate_claims(in, groups);
  const auto& l = claim(claims, "lapicque_latency");
  // Only the fast_sigmoid pair: 900+15s vs 1000+10s -> -10.0 %, -9.8 %, -9.6 % (mean -9.8 %).
  REQUIRE(l.detail.size() == 1);
  CHECK(l.detail[0]["configuration"].get<std::string>() == "lapicque/fast_sigmoid/25");
  CHECK(l.ours.find("best lapicque/fast_sigmoid/25") != std::string::npos);
  CHECK(l.ours.find("Left out (did not learn): lapicque/sigmoid/25") != std::string::npos);
  // The selection never picks the dead configuration although it is faster and, on accuracy,
  // compared with the default only through the learned ones.
  for (const auto& d : claim(claims, "sparsity_aware_selection").detail)
    CHECK(d["selected"].get<std::string>() != "lapicque/sigmoid/25");
  const auto& p = claim(claims, "latency_predictor");
  CHECK(p.detail["held-out seeds"]["accuracy_error"]["n"].get<int>() == 9);  // 3 learned configurations x 3 seeds
  // Without the class count nothing is left out.
  for (auto& pt : in.points) pt.num_classes = 0;
  CHECK(group(ex::group_by_configuration(in), "lapicque/sigmoid/25").learned);
}
