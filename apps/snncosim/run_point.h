#pragma once
// One experiment point end to end (used by `snncosim run`; `sweep` runs `run` per point).
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace snncosim::cli {

struct run_options {
  std::string experiment;
  std::vector<std::string> sets;
  std::string out;
  bool force = false;
  bool progress = true;
  bool cosim_available = false;  // this build registers `snncosim cosim`
};

struct run_outcome {
  std::filesystem::path dir;
  bool reused = false;
  nlohmann::json metrics;
};

// Throws bad_input for bad configuration or missing data (the stage's one-line message),
// std::runtime_error when a stage fails or another process holds the point.
run_outcome run_point(const run_options& opt);
std::string run_summary_text(const run_outcome& r);

}  // namespace snncosim::cli
