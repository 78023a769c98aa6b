#include "snncosim/experiments/sweep_grid.h"

#include <fmt/format.h>

#include "snncosim/common/error.h"

namespace snncosim::experiments {

std::string flow_text(const YAML::Node& node) {
  YAML::Emitter e;
  e.SetMapFormat(YAML::Flow);
  e.SetSeqFormat(YAML::Flow);
  e << node;
  return e.c_str();
}

std::vector<sweep_axis> sweep_axes(const config::document& doc) {
  std::vector<sweep_axis> axes;
  const YAML::Node sweep = doc.root()["sweep"];
  if (!sweep || !sweep.IsMap()) return axes;
  for (const auto& entry : sweep) {
    sweep_axis a;
    a.key = entry.first.as<std::string>();
    for (const auto& v : entry.second) a.values.push_back(flow_text(v));
    axes.push_back(std::move(a));
  }
  // In doubles: the product of a few long axes overflows 64 bits.
  double points = 1;
  for (const auto& a : axes) points *= static_cast<double>(a.values.size());
  double bytes = 0;
  for (const auto& a : axes) {
    double axis_bytes = 0;
    for (const auto& v : a.values) axis_bytes += static_cast<double>(v.size() + a.key.size() + 1);
    // Each value of this axis is in points / (its count) points.
    bytes += axis_bytes * (points / static_cast<double>(a.values.size()));
  }
  if (points > static_cast<double>(max_sweep_points)) {
    throw bad_input(fmt::format("{}: sweep: the grid has {:.0f} points, more than the limit of {}; sweep fewer values",
                                doc.where("sweep"), points, max_sweep_points));
  }
  if (bytes > static_cast<double>(max_sweep_override_bytes)) {
    throw bad_input(fmt::format("{}: sweep: the points carry {:.0f} bytes of values in all, more than the limit of {}; "
                                "sweep shorter values",
                                doc.where("sweep"), bytes, max_sweep_override_bytes));
  }
  return axes;
}

std::vector<sweep_point> expand_grid(const std::vector<sweep_axis>& axes) {
  std::size_t total = 1;
  for (const auto& a : axes) total *= a.values.size();
  std::vector<sweep_point> points;
  points.reserve(total);
  for (std::size_t i = 0; i < total; ++i) {
    sweep_point p;
    p.index = i;
    // Mixed-radix digits of i, last axis least significant.
    std::size_t rest = i;
    std::vector<std::size_t> digit(axes.size());
    for (std::size_t k = axes.size(); k-- > 0;) {
      digit[k] = rest % axes[k].values.size();
      rest /= axes[k].values.size();
    }
    for (std::size_t k = 0; k < axes.size(); ++k) {
      p.overrides.push_back({axes[k].key, axes[k].values[digit[k]]});
      if (!p.label.empty()) p.label += ", ";
      p.label += axes[k].key + "=" + axes[k].values[digit[k]];
    }
    points.push_back(std::move(p));
  }
  return points;
}

}  // namespace snncosim::experiments
