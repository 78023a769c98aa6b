// Losses and accuracy against hand calculations (formulas in docs/training.md) and finite differences.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include "snncosim/common/error.h"
#include "snncosim/common/rng.h"
#include "snncosim/snn/loss.h"

using namespace snncosim::snn;

namespace {

// spk[t][b][n] with the first `count` of the population's T*P slots set, t-major.
std::vector<float> spikes_with_counts(const spike_shape& s, std::size_t classes,
                                      const std::vector<std::vector<int>>& counts) {
  std::vector<float> spk(s.size(), 0.0f);
  const std::size_t per = s.outputs / classes;
  for (std::size_t b = 0; b < s.batch; ++b)
    for (std::size_t c = 0; c < classes; ++c) {
      int left = counts[b][c];
      for (std::size_t t = 0; t < s.steps && left > 0; ++t)
        for (std::size_t p = 0; p < per && left > 0; ++p, --left)
          spk[(t * s.batch + b) * s.outputs + c * per + p] = 1.0f;
    }
  return spk;
}

// Central differences of a loss over every element of its input.
void check_fd(const std::function<double(const std::vector<float>&, float*)>& loss,
              std::vector<float> in, float h, double tol) {
  std::vector<float> grad(in.size());
  loss(in, grad.data());
  for (std::size_t k = 0; k < in.size(); ++k) {
    const float v = in[k];
    in[k] = v + h;
    const double lp = loss(in, nullptr);
    in[k] = v - h;
    const double lm = loss(in, nullptr);
    in[k] = v;
    const double fd = (lp - lm) / (2.0 * static_cast<double>(h));
    CHECK_MESSAGE(std::fabs(fd - grad[k]) <= tol * (1.0 + std::fabs(fd)),
                  "element " << k << ": fd " << fd << " vs " << grad[k]);
  }
}

std::vector<float> random_spikes(std::size_t n, std::uint64_t seed) {
  snncosim::rng rng(seed);
  std::vector<float> v(n);
  for (auto& e : v) e = rng.chance(0.25) ? 1.0f : 0.0f;
  return v;
}

}  // namespace

TEST_CASE("mse_count_loss reference example T4 B2 N6 C3 gives L 0.25 and grad 1/12") {
  const spike_shape s{4, 2, 6};
  const mse_count_options o{0.75, 0.25, 3};
  const auto tg = mse_count_targets(s, o);
  CHECK(tg.on == 6);
  CHECK(tg.off == 2);
  const std::int32_t y[] = {0, 2};
  const auto spk = spikes_with_counts(s, 3, {{5, 3, 1}, {3, 1, 7}});
  std::vector<float> d(s.size());
  CHECK(mse_count_loss(spk.data(), s, y, o, d.data()) == doctest::Approx(0.25).epsilon(1e-12));
  const double g = 1.0 / 12.0;
  const double want[2][3] = {{-g, g, -g}, {g, -g, g}};
  for (std::size_t t = 0; t < 4; ++t)
    for (std::size_t b = 0; b < 2; ++b)
      for (std::size_t n = 0; n < 6; ++n)
        CHECK(d[(t * 2 + b) * 6 + n] == doctest::Approx(want[b][n / 2]).epsilon(1e-6));
}

TEST_CASE("mse_count_loss targets truncate like python int - int(100*0.57) is 56") {
  CHECK(mse_count_targets({100, 1, 10}, {0.57, 0.0, 0}).on == 56);
  CHECK(mse_count_targets({25, 1, 40}, {0.57, 0.0, 10}).on == 56);  // 56.99999999999999
  CHECK(mse_count_targets({20, 1, 10}, {1.0, 0.0, 0}).on == 20);
  CHECK(mse_count_targets({20, 1, 10}, {1.0, 0.0, 0}).off == 0);
  CHECK(mse_count_targets({20, 1, 300}, {0.8, 0.2, 10}).on == 480);
}

TEST_CASE("mse_count_loss non-population - each neuron its own class") {
  const spike_shape s{2, 1, 3};
  const std::int32_t y[] = {1};
  const std::vector<float> spk = {1, 1, 0, 0, 1, 0};  // counts 1, 2, 0
  // targets on = 2, off = 0: diffs 1, 0, 0 -> L = (1/3)/2
  CHECK(mse_count_loss(spk.data(), s, y, {}, nullptr) == doctest::Approx(1.0 / 6.0));
}

TEST_CASE("mse_count_loss gradient matches finite differences") {
  const spike_shape s{3, 2, 8};
  const std::int32_t y[] = {1, 3};
  for (std::size_t classes : {std::size_t{0}, std::size_t{4}}) {
    const mse_count_options o{0.8, 0.2, classes};
    check_fd([&](const std::vector<float>& in,
                 float* d) { return mse_count_loss(in.data(), s, y, o, d); },
             random_spikes(s.size(), 3), 0.25f, 1e-6);
  }
}

TEST_CASE("ce_rate_loss hand value and gradient") {
  const spike_shape s{1, 1, 2};
  const std::int32_t y[] = {0};
  const std::vector<float> spk = {1, 0};
  CHECK(ce_rate_loss(spk.data(), s, y, nullptr) == doctest::Approx(0.31326168751822286));
  const spike_shape s2{3, 2, 5};
  const std::int32_t y2[] = {4, 0};
  check_fd([&](const std::vector<float>& in,
               float* d) { return ce_rate_loss(in.data(), s2, y2, d); },
           random_spikes(s2.size(), 4), 1e-2f, 1e-4);
}

TEST_CASE("ce_count_loss is not divided by T and pools populations") {
  const spike_shape s{2, 1, 2};
  const std::int32_t y[] = {0};
  const std::vector<float> spk = {1, 0, 1, 0};  // counts 2, 0
  CHECK(ce_count_loss(spk.data(), s, y, 0, nullptr) == doctest::Approx(0.1269280110429726));
  const spike_shape sp{2, 1, 4};
  const std::vector<float> pop = {1, 0, 0, 0, 0, 1, 0, 0};  // class 0 count 2, class 1 count 0
  CHECK(ce_count_loss(pop.data(), sp, y, 2, nullptr) == doctest::Approx(0.1269280110429726));
  const spike_shape s3{3, 2, 6};
  const std::int32_t y3[] = {2, 1};
  check_fd([&](const std::vector<float>& in,
               float* d) { return ce_count_loss(in.data(), s3, y3, 3, d); },
           random_spikes(s3.size(), 5), 1e-2f, 1e-4);
}

TEST_CASE("mse_membrane_loss hand value - gradient - negative off_target clamps to 0") {
  const spike_shape s{2, 1, 2};
  const std::int32_t y[] = {0};
  const std::vector<float> mem = {0.5f, 0.5f, 1.0f, 0.0f};
  CHECK(mse_membrane_loss(mem.data(), s, y, 1.0, 0.0, nullptr) == doctest::Approx(0.125));
  // targets_convert = clamp(onehot * on, min = off): off = -1 gives 0 for the others.
  CHECK(mse_membrane_loss(mem.data(), s, y, 1.0, -1.0, nullptr) == doctest::Approx(0.125));
  CHECK(mse_membrane_loss(mem.data(), s, y, 1.0, 0.5, nullptr) == doctest::Approx((0.25 + 0.25) / 2 / 2));
  const spike_shape s2{3, 2, 4};
  const std::int32_t y2[] = {3, 1};
  snncosim::rng rng(9);
  std::vector<float> m2(s2.size());
  for (auto& v : m2) v = static_cast<float>(rng.uniform(-0.5, 1.5));
  check_fd([&](const std::vector<float>& in,
               float* d) { return mse_membrane_loss(in.data(), s2, y2, 1.0, 0.0, d); },
           m2, 0.25f, 1e-6);
}

TEST_CASE("accuracy_rate - first index wins ties - population code") {
  const spike_shape s{1, 2, 3};
  const std::vector<float> spk = {1, 1, 0, 0, 1, 1};
  const std::int32_t y_first[] = {0, 1};
  CHECK(accuracy_rate(spk.data(), s, y_first, 0) == 1.0);
  const std::int32_t y_second[] = {1, 2};
  CHECK(accuracy_rate(spk.data(), s, y_second, 0) == 0.0);
  const spike_shape sp{2, 1, 6};
  const auto pop = spikes_with_counts(sp, 3, {{1, 4, 2}});
  const std::int32_t y[] = {1};
  CHECK(accuracy_rate(pop.data(), sp, y, 3) == 1.0);
  std::int32_t pred[1];
  predict_classes(pop.data(), sp, 3, pred);
  CHECK(pred[0] == 1);
}

TEST_CASE("spike_count_regularizer value and accumulated gradient") {
  const spike_shape s{2, 2, 3};
  std::vector<float> spk(12, 0.0f);
  spk[0] = spk[5] = spk[7] = 1.0f;
  std::vector<float> d(12, 0.5f);
  CHECK(spike_count_regularizer(spk.data(), s, 0.1, regularizer_reduction::per_sample, d.data()) ==
        doctest::Approx(0.1 * 3 / 2));
  CHECK(d[3] == doctest::Approx(0.5 + 0.05));
  CHECK(spike_count_regularizer(spk.data(), s, 2.0, regularizer_reduction::mean_rate, nullptr) ==
        doctest::Approx(2.0 * 3 / 12));
}

TEST_CASE("bad population code or target is bad_input") {
  const spike_shape s{1, 1, 5};
  const std::vector<float> spk(5, 0.0f);
  const std::int32_t y[] = {0};
  CHECK_THROWS_AS(mse_count_loss(spk.data(), s, y, {1.0, 0.0, 2}, nullptr), snncosim::bad_input);
  const std::int32_t bad[] = {7};
  CHECK_THROWS_AS(ce_count_loss(spk.data(), s, bad, 0, nullptr), snncosim::bad_input);
  CHECK_THROWS_AS(mse_count_loss(spk.data(), s, y, {0.2, 1.5, 0}, nullptr), snncosim::bad_input);
}
