#pragma once
// Options shared by `snncosim dataset ...` and `snncosim bench dataset`: reader settings
// and the tonic-style transform pipeline.
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "snncosim/data/inspect.h"
#include "snncosim/data/transforms.h"

namespace snncosim::cli {

struct transform_cli {
  std::optional<double> time_window, event_count, n_time_bins, n_event_bins;
  double overlap = 0;
  bool include_incomplete = false;
  std::optional<std::int64_t> denoise;
  std::optional<double> downsample;
  std::string crop;
  bool binarize = false;
  // Adds --time-window ... --binarize to `cmd`.
  void add(CLI::App* cmd);
  // Exactly one slicing option unless `fallback` is given (used when none is set).
  data::transform_params params(const std::optional<data::to_frame_params>& fallback = std::nullopt) const;
};

struct reader_cli {
  std::string format;        // empty: from the extension
  std::string aedat2_map = "jaer-topleft";
  bool ignore_valid_bit = false;
  void add(CLI::App* cmd);
  data::reader_options options() const;
  data::file_format format_for(const std::string& file) const;
};

}  // namespace snncosim::cli
