#pragma once
// Sparsity-aware selection: the accuracy/latency Pareto front of a sweep, and a linear
// latency predictor from training-time firing rates (docs/experiments.md §4).
#include <cstddef>
#include <vector>

namespace snncosim::experiments {

// Indices of the points no other point dominates (higher-or-equal accuracy and lower-or-
// equal latency, one of them strictly), sorted by latency ascending.
std::vector<std::size_t> pareto_front(const std::vector<double>& accuracy, const std::vector<double>& latency);

// Ordinary least squares y ~ c0 + sum_k c_k x_k (normal equations, Gaussian elimination
// with partial pivoting and a tiny ridge so collinear features stay solvable).
// Rows of x are points; all rows have the same length. Returns {c0, c1, ...}.
std::vector<double> least_squares(const std::vector<std::vector<double>>& x, const std::vector<double>& y);
double predict(const std::vector<double>& coef, const std::vector<double>& features);

struct predictor_evaluation {
  std::vector<double> coefficients;   // fitted on all points
  std::vector<double> held_out;       // leave-one-out prediction of each point
  double mean_abs_rel_error = 0;      // |held_out - y| / y, mean over points
  double max_abs_rel_error = 0;
  double rank_agreement = 0;          // fraction of point pairs ordered the same by held_out and y
};
// Leave-one-out evaluation; needs at least features + 2 points (else empty result).
predictor_evaluation evaluate_predictor(const std::vector<std::vector<double>>& x, const std::vector<double>& y);

}  // namespace snncosim::experiments
