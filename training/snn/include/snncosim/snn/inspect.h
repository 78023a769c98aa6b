#pragma once
// What a surrogate or a neuron configuration does, before training with it (`snncosim
// inspect surrogate|neuron`, formulas in docs/neurons.md): tables as text and JSON, and the
// data and gnuplot commands of a plot.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "snncosim/snn/neuron.h"
#include "snncosim/snn/surrogate.h"

namespace snncosim::snn {

// "NAME=VALUE" items of --param; throws bad_input for a missing '=' or a value that is not a
// finite number.
param_map parse_params(const std::vector<std::string>& items);
// "FROM:TO:STEP" (TO inclusive, at most 1e6 points).
std::vector<double> parse_range(const std::string& spec);
// "0.5,0.5,1.2" with an optional repetition "0.3*10" (1 to 1e6 values).
std::vector<float> parse_inputs(const std::string& list);

struct inspection {
  nlohmann::json json;
  std::string text;           // the table as printed without --json
  std::string plot_data;      // gnuplot data lines
  std::string plot_commands;  // gnuplot commands; {0} stands for the data file
};

// Every surrogate with its defaults and formula; with `text`, also one line each.
nlohmann::json surrogate_list(std::string* text);
// Forward spike and surrogate gradient at the points of `at` (FROM:TO:STEP).
inspection inspect_surrogate(const surrogate_spec& spec, const std::string& at);

struct neuron_request {
  std::string type;   // leaky, lapicque, synaptic, alpha
  std::string input;  // parse_inputs
  std::string reset;  // empty: the model's snnTorch default
  double beta = NAN, threshold = 1.0, alpha = NAN, r = 0, c = 0, time_step = 1, graded = 1;
  bool reset_delay = true;
};
// One neuron stepped through the input sequence (snnTorch semantics).
inspection inspect_neuron(const neuron_request& request);

}  // namespace snncosim::snn
