#pragma once
// Means and Student-t confidence intervals over repeated runs (seeds) of one configuration.
#include <cstddef>
#include <vector>

namespace snncosim::experiments {

// The p-quantile of Student's t distribution with `dof` degrees of freedom (Boost.Math),
// e.g. t(0.975, 4) = 2.776. NaN for dof < 1.
double student_t_quantile(double p, double dof);

struct interval {
  std::size_t n = 0;     // values (NaN values are left out)
  double mean = 0;       // NaN when n = 0
  double stddev = 0;     // sample standard deviation (n - 1); NaN when n < 2
  double half_width = 0; // t(1 - (1 - level) / 2, n - 1) * stddev / sqrt(n); NaN when n < 2
  double low() const { return mean - half_width; }
  double high() const { return mean + half_width; }
  bool has_interval() const { return n >= 2; }
};

// Mean and two-sided `level` confidence interval of the mean of `values` (NaNs skipped).
interval mean_interval(const std::vector<double>& values, double level = 0.95);

}  // namespace snncosim::experiments
