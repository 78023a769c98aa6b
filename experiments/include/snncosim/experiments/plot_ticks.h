#pragma once
// Axis ticks for the report's gnuplot plots. gnuplot's own "%.1s%c" labels repeat on a
// narrow range (4.4M 4.4M 4.4M ...); these use nice steps and as many decimals as the step
// needs, so every label is distinct and reads as the value under it.
#include <string>
#include <vector>

namespace snncosim::experiments {

struct axis_tick {
  double value = 0;
  std::string label;  // e.g. "4.42M", "500k", "0.25"
};

struct axis_ticks {
  double low = 0, high = 0;  // the axis range: the first and last tick
  double step = 0;           // 1, 2 or 5 x 10^k
  std::vector<axis_tick> ticks;
};

// Ticks covering [lo, hi] (either order) with about `target` intervals. The range is the
// data range plus `pad` of its width on each side (a single value gets a range around it),
// rounded out to whole steps; with `from_zero` it starts at 0 (bar charts).
axis_ticks nice_ticks(double lo, double hi, int target = 5, double pad = 0.0, bool from_zero = false);

// A tick label: the value scaled by an SI suffix (k, M, G, T) chosen from the largest
// magnitude `top` on the axis, with the decimals `step` needs after that scaling.
std::string tick_label(double value, double step, double top);

// gnuplot commands setting the range and the labelled tics of `axis` ("x" or "y").
std::string gnuplot_axis(const std::string& axis, const axis_ticks& t);

}  // namespace snncosim::experiments
