#pragma once
// Summaries of event data for `snncosim dataset stats|frames|preview` (docs/datasets.md).
#include <string>

#include <nlohmann/json.hpp>

#include "snncosim/data/dataset.h"
#include "snncosim/data/transforms.h"

namespace snncosim::data {

struct split_summary {
  nlohmann::json json;
  std::string text;
};

// Events, ON/OFF counts, rates, per-class counts, backwards timestamps and empty samples of
// one split (`split`, of the dataset folder `root`), streamed sample by sample. With
// `skip_bad`, samples whose file is bad are counted and skipped instead of failing.
split_summary summarise_split(const event_dataset& ds, const std::string& split, const std::string& root, bool skip_bad);

// Shape and per-frame event counts (all, OFF, ON) of a frame tensor.
nlohmann::json frames_json(const frame_tensor& f);

}  // namespace snncosim::data
