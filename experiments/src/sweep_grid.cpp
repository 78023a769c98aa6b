#include "snncosim/experiments/sweep_grid.h"

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
