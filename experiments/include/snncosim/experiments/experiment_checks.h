#pragma once
// The checks `train`, `run` and `sweep` make after schema validation, in one place so that
// `validate` makes them too: the experiment (network shapes, data set, loss, batch size;
// nn::check_experiment), every point of its sweep, and the hardware against the network.
#include <string>
#include <vector>

#include "snncosim/common/config.h"
#include "snncosim/experiments/sweep_grid.h"

namespace snncosim::experiments {

struct checked_point {
  sweep_point point;
  config::document doc;  // the experiment with the point's overrides
};

// Loads every point of the sweep of `file` (with the `base` overrides), checking each as
// `run` would. A bad sweep value is named at its line in the sweep (each value is tried
// alone first); a bad combination names the point. Throws bad_input. With `notes`, a data
// set missing on this machine is noted there (validate) instead of refused (sweep).
std::vector<checked_point> plan_sweep(const std::string& file, const std::vector<config::override_entry>& base,
                                      const config::document& doc, std::vector<std::string>* notes = nullptr);

// Hardware against the network it is meant to run: returns one warning per layer whose
// neuron_cores exceed its output channels (the hardware uses min(cores, channels) lanes,
// docs/hardware.md §11). Throws bad_input for a hardware.layers entry that names no layer.
std::vector<std::string> hardware_warnings(const config::document& experiment);

}  // namespace snncosim::experiments
