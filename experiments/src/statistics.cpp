#include "snncosim/experiments/statistics.h"

#include <cmath>

#include <boost/math/distributions/students_t.hpp>

namespace snncosim::experiments {

double student_t_quantile(double p, double dof) {
  if (!(dof >= 1) || !(p > 0 && p < 1)) return std::nan("");
  return boost::math::quantile(boost::math::students_t_distribution<double>(dof), p);
}

interval mean_interval(const std::vector<double>& values, double level) {
  interval r;
  double sum = 0;
  for (double v : values)
    if (!std::isnan(v)) {
      sum += v;
      ++r.n;
    }
  if (r.n == 0) {
    r.mean = r.stddev = r.half_width = std::nan("");
    return r;
  }
  const double n = static_cast<double>(r.n);
  r.mean = sum / n;
  if (r.n < 2) {
    r.stddev = r.half_width = std::nan("");
    return r;
  }
  double ss = 0;
  for (double v : values)
    if (!std::isnan(v)) ss += (v - r.mean) * (v - r.mean);
  r.stddev = std::sqrt(ss / (n - 1));
  r.half_width = student_t_quantile(1 - (1 - level) / 2, n - 1) * r.stddev / std::sqrt(n);
  return r;
}

}  // namespace snncosim::experiments
