#include "dataset_options.h"

#include "snncosim/common/error.h"

namespace snncosim::cli {

void transform_cli::add(CLI::App* cmd) {
  auto* g = cmd->add_option_group("framing", "tonic ToFrame: give exactly one of these");
  auto* a = g->add_option("--time-window", time_window, "Frame length in us (tonic time_window)");
  auto* b = g->add_option("--event-count", event_count, "Events per frame (tonic event_count)");
  auto* c = g->add_option("--n-time-bins", n_time_bins, "Number of equal time bins (tonic n_time_bins)");
  auto* d = g->add_option("--n-event-bins", n_event_bins, "Number of equal event bins (tonic n_event_bins)");
  a->excludes(b)->excludes(c)->excludes(d);
  b->excludes(c)->excludes(d);
  c->excludes(d);
  cmd->add_option("--overlap", overlap,
                  "Overlap: us for --time-window, events for --event-count, fraction < 1 for bins");
  cmd->add_flag("--include-incomplete", include_incomplete, "Keep the last incomplete frame (time window / event count)");
  cmd->add_option("--denoise", denoise, "tonic Denoise filter_time in us (applied first)");
  cmd->add_option("--downsample", downsample, "tonic Downsample spatial_factor, e.g. 0.25");
  cmd->add_option("--crop", crop, "tonic CenterCrop to WxH (after downsampling), e.g. 28x28");
  cmd->add_flag("--binarize", binarize, "Clip frame counts to 0/1");
}

data::transform_params transform_cli::params(const std::optional<data::to_frame_params>& fallback) const {
  data::transform_params p;
  p.denoise_us = denoise;
  p.downsample = downsample;
  p.binarize = binarize;
  if (!crop.empty()) {
    int w = 0, h = 0;
    char x = 0;
    char extra = 0;
    if (std::sscanf(crop.c_str(), "%d%c%d%c", &w, &x, &h, &extra) != 3 || (x != 'x' && x != 'X') || w <= 0 || h <= 0) {
      throw bad_input("--crop: expected WxH with positive integers, got '" + crop + "'");
    }
    p.crop = std::make_pair(w, h);
  }
  const int n = (time_window ? 1 : 0) + (event_count ? 1 : 0) + (n_time_bins ? 1 : 0) + (n_event_bins ? 1 : 0);
  if (n == 0) {
    if (!fallback) throw bad_input("give one of --time-window, --event-count, --n-time-bins, --n-event-bins");
    p.frame = *fallback;
  } else if (time_window) {
    p.frame = {data::slice_mode::time_window, *time_window, overlap, include_incomplete};
  } else if (event_count) {
    p.frame = {data::slice_mode::event_count, *event_count, overlap, include_incomplete};
  } else if (n_time_bins) {
    p.frame = {data::slice_mode::n_time_bins, *n_time_bins, overlap, false};
  } else {
    p.frame = {data::slice_mode::n_event_bins, *n_event_bins, overlap, false};
  }
  if (fallback && n == 0) {
    p.frame.overlap = overlap;
    p.frame.include_incomplete = include_incomplete;
  }
  return p;
}

void reader_cli::add(CLI::App* cmd) {
  cmd->add_option("--format", format, "Event file format (default: from the extension)")
      ->check(CLI::IsMember({"nmnist", "aedat2", "aedat3"}));
  cmd->add_option("--aedat2-map", aedat2_map,
                  "AEDAT 2.0 DVS128 address mapping: jaer-topleft (x=127-rx, y=127-ry, ON=bit0 0), "
                  "jaer (lower-left origin), spikingjelly, tonic")
      ->check(CLI::IsMember({"jaer-topleft", "jaer", "spikingjelly", "tonic"}))
      ->capture_default_str();
  cmd->add_flag("--ignore-valid-bit", ignore_valid_bit, "AEDAT 3.1: keep events whose valid bit is clear (as tonic does)");
}

data::reader_options reader_cli::options() const {
  data::reader_options o;
  o.honour_valid_bit = !ignore_valid_bit;
  if (aedat2_map == "jaer") o.aedat2 = {true, false, true, false};
  else if (aedat2_map == "spikingjelly") o.aedat2 = {true, true, true, true};
  else if (aedat2_map == "tonic") o.aedat2 = {false, false, false, true};
  else o.aedat2 = {true, true, true, false};
  return o;
}

data::file_format reader_cli::format_for(const std::string& file) const {
  return format.empty() ? data::format_from_file(file) : data::parse_format(format, file);
}

}  // namespace snncosim::cli
