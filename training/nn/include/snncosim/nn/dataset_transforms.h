#pragma once
// The experiment's `dataset.transforms:` list (tonic's names and semantics,
// docs/configuration.md) turned into event steps and a ToFrame setting.
#include <optional>
#include <vector>

#include "snncosim/common/config.h"
#include "snncosim/data/transforms.h"

namespace snncosim::nn {

struct dataset_transforms {
  std::vector<data::event_step> steps;         // Denoise, Downsample, CenterCrop, RandomCrop in order
  std::optional<data::to_frame_params> frame;  // ToFrame, when the list has one (it must be last)
};

// Throws bad_input naming file:line and the key for a bad entry (two slicing modes, a crop
// of size 0, ToFrame not last, n_time_bins other than dataset.time_steps, ...). `seed` is
// the experiment seed, from which RandomCrop draws.
dataset_transforms parse_dataset_transforms(const config::document& doc, std::uint64_t seed);

}  // namespace snncosim::nn
