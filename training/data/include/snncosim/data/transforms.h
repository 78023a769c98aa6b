#pragma once
// Event transforms with tonic's exact semantics (event-formats.md §4; tonic 1.0-1.6).
// Events are taken in stored order; nothing here sorts or reorders them.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "snncosim/data/event.h"

namespace snncosim::data {

// Dense event-count frames, layout [T, P, H, W] (row-major), like tonic's ToFrame output.
struct frame_tensor {
  int t = 0, p = 0, h = 0, w = 0;
  std::vector<std::uint16_t> counts;  // saturates at 65535
  std::size_t index(int ti, int pi, int yi, int xi) const {
    return ((static_cast<std::size_t>(ti) * p + pi) * h + yi) * w + xi;
  }
  std::size_t frame_size() const { return static_cast<std::size_t>(p) * h * w; }
};

enum class slice_mode { time_window, event_count, n_time_bins, n_event_bins };

// Exactly one mode, as in tonic's ToFrame(time_window=, event_count=, n_time_bins=, n_event_bins=).
struct to_frame_params {
  slice_mode mode = slice_mode::time_window;
  double value = 1000;   // window in us, event count, or bin count
  double overlap = 0;    // us (time_window), events (event_count), fraction < 1 (bins)
  bool include_incomplete = false;  // time_window and event_count only
};

// [start, end) event index ranges, clipped to the event count (numpy slicing semantics).
using slice_list = std::vector<std::pair<std::size_t, std::size_t>>;
// Throws bad_input for impossible parameters (stride <= 0, overlap >= 1 for bins, ...).
slice_list slice_events(std::span<const event> events, const to_frame_params& params);
// Frames for events on `sensor`; empty input gives 1 (or B) all-zero frames like tonic.
frame_tensor to_frame(std::span<const event> events, const sensor_size& sensor,
                      const to_frame_params& params);

// tonic Denoise(filter_time): keeps an event when a 4-neighbour pixel had an event within
// filter_time before it (memory starts at filter_time, grid sized by the sample's max x/y).
event_vector denoise(std::span<const event> events, std::int64_t filter_time);
// tonic Downsample(spatial_factor): x = trunc(x * f), y = trunc(y * f); keeps every event.
event_vector downsample(std::span<const event> events, double spatial_factor);
// Sensor size after downsampling: large enough for every mapped coordinate.
sensor_size downsampled_sensor(const sensor_size& s, double spatial_factor);
// tonic CenterCrop(sensor_size, (w, h)).
event_vector center_crop(std::span<const event> events, const sensor_size& sensor, int crop_w,
                         int crop_h);
// tonic RandomCrop(sensor_size, target_size): offsets int(u * (W - w)), int(u * (H - h)) for
// u uniform in [0, 1) (so never the last offset, as in tonic); here u comes from a seeded
// generator instead of numpy's global state. Throws bad_input when the crop is larger than
// the sensor (tonic asserts).
event_vector random_crop(std::span<const event> events, const sensor_size& sensor, int crop_w, int crop_h,
                         std::uint64_t seed);
// tonic Downsample with separate factors (target_size / sensor_size[:2] gives sx, sy).
event_vector downsample_xy(std::span<const event> events, double sx, double sy);
void binarize(frame_tensor& frames);

// One event transform of an ordered list (the experiment's dataset.transforms), applied
// before ToFrame. Each step sees the sensor size the previous one left.
enum class step_kind { denoise, downsample, center_crop, random_crop };
struct event_step {
  step_kind kind = step_kind::denoise;
  std::int64_t filter_time = 0;                 // denoise (us)
  std::optional<double> spatial_factor;         // downsample by a factor
  std::optional<std::pair<int, int>> size;      // downsample target_size, crop size (w, h)
  std::uint64_t seed = 0;                       // random_crop
  std::string key() const;
};
// Applies `step` to events on `sensor` (updated to the output sensor). `sample_key` picks
// a random crop's offset: the same sample always gets the same crop.
event_vector apply_step(std::span<const event> events, sensor_size& sensor, const event_step& step,
                        std::uint64_t sample_key);
// Sensor size after `step` on `in`.
sensor_size step_output_sensor(const sensor_size& in, const event_step& step);

// A whole pipeline as used by `snncosim dataset frames` and the loader:
// denoise -> downsample -> crop -> ToFrame -> binarize (each optional).
struct transform_params {
  std::optional<std::int64_t> denoise_us;
  std::optional<double> downsample;
  std::optional<std::pair<int, int>> crop;  // (w, h)
  std::vector<event_step> steps;  // applied in order after denoise/downsample/crop above
  to_frame_params frame;
  bool binarize = false;
  // Canonical text used in cache keys and reports.
  std::string key() const;
};
sensor_size output_sensor(const sensor_size& in, const transform_params& params);
// Applies everything but ToFrame; `sensor` is updated to the output sensor.
// `sample_key` identifies the sample for the random steps (RandomCrop).
event_vector apply_event_transforms(std::span<const event> events, sensor_size& sensor,
                                    const transform_params& params, std::uint64_t sample_key = 0);
frame_tensor apply_transforms(std::span<const event> events, const sensor_size& sensor,
                              const transform_params& params, std::uint64_t sample_key = 0);

}  // namespace snncosim::data
