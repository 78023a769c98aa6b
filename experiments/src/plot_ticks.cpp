#include "snncosim/experiments/plot_ticks.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace snncosim::experiments {

namespace {

// The largest power of 1000 not above |top| (1 below 1000), and its suffix.
std::pair<double, const char*> si_scale(double top) {
  static constexpr const char* suffixes[] = {"", "k", "M", "G", "T"};
  const double a = std::abs(top);
  int n = a >= 1000 ? static_cast<int>(std::floor(std::log10(a) / 3)) : 0;
  n = std::clamp(n, 0, 4);
  return {std::pow(1000.0, n), suffixes[n]};
}

}  // namespace

std::string tick_label(double value, double step, double top) {
  const auto [scale, suffix] = si_scale(top);
  // A step of m x 10^e (m = 1, 2, 5) after scaling needs -e decimals to tell ticks apart.
  const double scaled_step = step / scale;
  const int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(scaled_step) + 1e-9)));
  const std::string s = fmt::format("{:.{}f}", value / scale, decimals);
  if (s.find_first_not_of("-0.") == std::string::npos) return "0";  // not "-0.0" or "0M"
  return s + suffix;
}

axis_ticks nice_ticks(double lo, double hi, int target, double pad, bool from_zero) {
  if (lo > hi) std::swap(lo, hi);
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = hi = 0;
  if (from_zero) lo = std::min(lo, 0.0);
  if (hi - lo <= 0) {
    // One value: a range of about 10 % around it (or 1 around 0).
    const double half = lo != 0 ? std::abs(lo) * 0.05 : 0.5;
    hi = lo + half;
    lo = from_zero && lo >= 0 ? 0.0 : lo - half;
  }
  const double width = hi - lo;
  if (!from_zero || lo < 0) lo -= pad * width;
  hi += pad * width;
  const double raw = (hi - lo) / std::max(1, target);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * mag;
  for (double m : {1.0, 2.0, 5.0})
    if (raw <= m * mag * (1 + 1e-9)) {
      step = m * mag;
      break;
    }
  // Whole steps from the first at or below lo to the first at or above hi; values are
  // index x step so no rounding error accumulates.
  const auto first = static_cast<long long>(std::floor(lo / step + 1e-9));
  const auto last = static_cast<long long>(std::ceil(hi / step - 1e-9));
  axis_ticks t;
  t.step = step;
  t.low = static_cast<double>(first) * step;
  t.high = static_cast<double>(last) * step;
  const double top = std::max(std::abs(t.low), std::abs(t.high));
  for (long long k = first; k <= last; ++k) {
    const double v = static_cast<double>(k) * step;
    t.ticks.push_back({v, tick_label(v, step, top)});
  }
  return t;
}

std::string gnuplot_axis(const std::string& axis, const axis_ticks& t) {
  std::string tics;
  for (const auto& k : t.ticks) tics += fmt::format("{}\"{}\" {:.17g}", tics.empty() ? "" : ", ", k.label, k.value);
  return fmt::format("set {0}range [{1:.17g}:{2:.17g}]\nset {0}tics ({3})\n", axis, t.low, t.high, tics);
}

}  // namespace snncosim::experiments
