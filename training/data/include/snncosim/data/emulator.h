#pragma once
// Built-in event data made from images (event-formats.md §7.4): an N-MNIST-style emulated
// camera looks at a 28x28 image through a 34x34 window while making three 100 ms
// micro-saccades (0,0)->(3.5,7)->(7,0)->(0,0) px. Each pixel compares the log intensity
// log(I/255 + eps) with its reference and emits ON/OFF events whenever the change reaches
// its own threshold (per-pixel mismatch, ESIM-style linear interpolation of the crossing
// time), with a refractory period and Poisson background noise.
// Everything is a pure function of (seed, sample id): same seed -> same bytes.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "snncosim/data/event.h"

namespace snncosim::data {

struct emulator_params {
  double threshold = 0.45;        // mean contrast threshold (log units)
  double threshold_sigma = 0.03;  // per-pixel mismatch (fixed per camera = per seed)
  double eps = 0.1;               // log(I/255 + eps)
  std::int64_t refractory_us = 1000;
  double noise_hz = 0.2;          // background events per pixel per second
  std::int64_t step_us = 1000;    // rendering step
  std::int64_t saccade_us = 100000;
};

// Deterministic 64-bit mixing (splitmix64) used for all seeds in this component.
std::uint64_t mix_seed(std::uint64_t a, std::uint64_t b);

// Events of one 28x28 image (row-major, 0..255), sorted by t, on a 34x34 sensor.
event_vector emulate_saccades(const std::uint8_t* image28, std::uint64_t camera_seed,
                              std::uint64_t sample_seed, const emulator_params& params = {});

struct fashion_generate_options {
  std::filesystem::path source_dir;  // default: Debian's dataset-fashion-mnist
  std::filesystem::path out_dir;
  std::size_t train_count = 60000;   // first N images of each split
  std::size_t test_count = 10000;
  std::uint64_t seed = 1;
  emulator_params params;
};
struct generate_summary {
  std::size_t train_samples = 0, test_samples = 0;
  std::uint64_t events = 0;
  double seconds = 0;
};
// Writes out_dir/Train/<label>/<index:05>.bin and out_dir/Test/... (N-MNIST layout, so the
// N-MNIST reader and dataset loader serve both) plus out_dir/dataset.json describing it.
// Written into a staging folder renamed over out_dir at the end (out_dir is replaced).
generate_summary generate_fashion_nmnist(const fashion_generate_options& options);

// Synthetic DVS128-Gesture-like recordings: a bright disc moving on a 128x128 sensor.
// Classes (0-based): 0 right, 1 left, 2 up, 3 down, 4 clockwise circle,
// 5 counter-clockwise circle, 6 expanding, 7 shrinking.
constexpr int gesture_synth_classes = 8;
struct gesture_generate_options {
  std::filesystem::path out_dir;
  int train_trials = 6;  // each trial holds every class once, in random order
  int test_trials = 2;
  std::uint64_t seed = 1;
  std::int64_t gesture_us = 1000000;
  double noise_hz = 0.05;
  std::int64_t start_us = 5000000;  // clock value of the first gesture
};
// Writes userNN_synthetic.aedat (AEDAT 3.1), userNN_synthetic_labels.csv,
// trials_to_train.txt, trials_to_test.txt and gesture_mapping.csv.
generate_summary generate_gestures(const gesture_generate_options& options);
std::string gesture_synth_class_name(int label);

}  // namespace snncosim::data
