#include "snncosim/experiments/selection.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace snncosim::experiments {

std::vector<std::size_t> pareto_front(const std::vector<double>& accuracy, const std::vector<double>& latency) {
  std::vector<std::size_t> front;
  const std::size_t n = std::min(accuracy.size(), latency.size());
  for (std::size_t i = 0; i < n; ++i) {
    bool dominated = false;
    for (std::size_t j = 0; j < n && !dominated; ++j) {
      if (j == i) continue;
      const bool no_worse = accuracy[j] >= accuracy[i] && latency[j] <= latency[i];
      const bool better = accuracy[j] > accuracy[i] || latency[j] < latency[i];
      dominated = no_worse && better;
    }
    if (!dominated) front.push_back(i);
  }
  std::stable_sort(front.begin(), front.end(), [&](std::size_t a, std::size_t b) { return latency[a] < latency[b]; });
  return front;
}

std::vector<double> least_squares(const std::vector<std::vector<double>>& x, const std::vector<double>& y) {
  const std::size_t k = (x.empty() ? 0 : x[0].size()) + 1;
  // Normal equations A c = b with A = X^T X, X with a leading column of ones.
  std::vector<std::vector<double>> a(k, std::vector<double>(k + 1, 0.0));
  for (std::size_t r = 0; r < x.size(); ++r) {
    std::vector<double> row(k, 1.0);
    for (std::size_t c = 1; c < k; ++c) row[c] = x[r][c - 1];
    for (std::size_t i = 0; i < k; ++i) {
      for (std::size_t j = 0; j < k; ++j) a[i][j] += row[i] * row[j];
      a[i][k] += row[i] * y[r];
    }
  }
  double scale = 0;
  for (std::size_t i = 0; i < k; ++i) scale = std::max(scale, std::abs(a[i][i]));
  for (std::size_t i = 1; i < k; ++i) a[i][i] += 1e-12 * std::max(scale, 1.0);
  for (std::size_t col = 0; col < k; ++col) {
    std::size_t pivot = col;
    for (std::size_t r = col + 1; r < k; ++r)
      if (std::abs(a[r][col]) > std::abs(a[pivot][col])) pivot = r;
    std::swap(a[col], a[pivot]);
    if (a[col][col] == 0) continue;
    for (std::size_t r = 0; r < k; ++r) {
      if (r == col) continue;
      const double f = a[r][col] / a[col][col];
      for (std::size_t c = col; c <= k; ++c) a[r][c] -= f * a[col][c];
    }
  }
  std::vector<double> coef(k, 0.0);
  for (std::size_t i = 0; i < k; ++i) coef[i] = a[i][i] == 0 ? 0.0 : a[i][k] / a[i][i];
  return coef;
}

double predict(const std::vector<double>& coef, const std::vector<double>& features) {
  double v = coef.empty() ? 0.0 : coef[0];
  for (std::size_t i = 0; i + 1 < coef.size() && i < features.size(); ++i) v += coef[i + 1] * features[i];
  return v;
}

predictor_evaluation evaluate_predictor(const std::vector<std::vector<double>>& x, const std::vector<double>& y) {
  predictor_evaluation ev;
  const std::size_t features = x.empty() ? 0 : x[0].size();
  if (x.size() != y.size() || x.size() < features + 2) return ev;
  ev.coefficients = least_squares(x, y);
  for (std::size_t i = 0; i < x.size(); ++i) {
    std::vector<std::vector<double>> xs;
    std::vector<double> ys;
    for (std::size_t j = 0; j < x.size(); ++j)
      if (j != i) {
        xs.push_back(x[j]);
        ys.push_back(y[j]);
      }
    ev.held_out.push_back(predict(least_squares(xs, ys), x[i]));
  }
  double sum = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double rel = y[i] != 0 ? std::abs(ev.held_out[i] - y[i]) / std::abs(y[i]) : 0.0;
    sum += rel;
    ev.max_abs_rel_error = std::max(ev.max_abs_rel_error, rel);
  }
  ev.mean_abs_rel_error = sum / static_cast<double>(y.size());
  std::size_t pairs = 0, same = 0;
  for (std::size_t i = 0; i < y.size(); ++i)
    for (std::size_t j = i + 1; j < y.size(); ++j) {
      ++pairs;
      if ((ev.held_out[i] - ev.held_out[j]) * (y[i] - y[j]) > 0 || (y[i] == y[j] && ev.held_out[i] == ev.held_out[j]))
        ++same;
    }
  ev.rank_agreement = pairs ? static_cast<double>(same) / static_cast<double>(pairs) : 1.0;
  return ev;
}

}  // namespace snncosim::experiments
