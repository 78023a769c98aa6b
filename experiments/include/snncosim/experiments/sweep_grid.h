#pragma once
// The `sweep:` section of an experiment: dotted keys mapped to lists of values. The grid is
// their Cartesian product; the last key varies fastest, keys in the order of the file.
#include <string>
#include <vector>

#include "snncosim/common/config.h"

namespace snncosim::experiments {

struct sweep_axis {
  std::string key;                  // dotted experiment key, e.g. "network.neuron.model"
  std::vector<std::string> values;  // each value as YAML flow text, usable as a --set value
};

struct sweep_point {
  std::size_t index = 0;
  std::vector<config::override_entry> overrides;  // one per axis
  std::string label;                              // "key=value, key=value"
};

// Limits of a grid: every point is loaded (validated) before anything runs, each with its
// overrides as text, so both the points and the override text they all carry are bounded.
inline constexpr std::size_t max_sweep_points = 10000;
inline constexpr std::size_t max_sweep_override_bytes = std::size_t{16} << 20;

// Axes of doc.root()["sweep"]; empty when there is no sweep. Throws bad_input (at the
// sweep: key) when the grid has more than max_sweep_points points or its points carry more
// than max_sweep_override_bytes of override text in all.
std::vector<sweep_axis> sweep_axes(const config::document& doc);
// Cartesian product; one point without overrides when `axes` is empty.
std::vector<sweep_point> expand_grid(const std::vector<sweep_axis>& axes);
// A YAML node as one line of flow YAML ("fast_sigmoid", "[1, 2]", "{slope: 25}").
std::string flow_text(const YAML::Node& node);

}  // namespace snncosim::experiments
