#pragma once
// A batch_source over snncosim_data's event datasets: events are framed with tonic's
// ToFrame(n_time_bins = time_steps) and binarized (a pixel that saw any event in a bin is a
// spike), so the float network and the integer model see the same binary input spikes.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "snncosim/data/transforms.h"
#include "snncosim/nn/batch_source.h"

namespace snncosim::nn {

struct event_source_options {
  std::string dataset;             // experiment dataset.name (e.g. builtin_fashion, nmnist)
  std::filesystem::path root;      // dataset folder
  std::string split = "train";     // train | test
  std::size_t max_samples = 0;     // 0: all; else a fixed seeded subset of this many
  int time_steps = 20;
  std::uint64_t seed = 1;
  bool shuffle = true;
  // Network input geometry; a dataset with another sensor is a bad_input.
  int channels = 2, height = 34, width = 34, num_classes = 10;
  std::string where;  // "file:line" of the dataset key, for messages
  // dataset.transforms: event steps before framing, and ToFrame (default: n_time_bins =
  // time_steps). Frames past time_steps are dropped, missing ones are zero.
  std::vector<data::event_step> steps;
  std::optional<data::to_frame_params> frame;
};

// Opens the dataset (throws bad_input naming the folder when it is missing or malformed).
std::unique_ptr<batch_source> make_event_source(const event_source_options& options);

// builtin_fashion with no root: `default_dir` is generated (the first train_count and
// test_count images, deterministic by `seed`; the quick subset is 1000 + 200) when it does
// not exist yet. Returns the folder.
std::filesystem::path ensure_builtin_fashion(const std::filesystem::path& default_dir, std::uint64_t seed,
                                             std::size_t train_count = 1000, std::size_t test_count = 200);

// synthetic_gesture with no root: `default_dir` is generated (train_trials + test_trials
// recordings of the 8 gestures each, deterministic by `seed`) when it does not exist yet.
// Written into a staging folder renamed into place, so concurrent sweep workers never see
// a half-written set. Returns the folder.
std::filesystem::path ensure_synthetic_gesture(const std::filesystem::path& default_dir, int train_trials,
                                               int test_trials, std::uint64_t seed);

}  // namespace snncosim::nn
