#include "snncosim/nn/dataset_transforms.h"

#include <fmt/format.h>

#include "snncosim/common/error.h"
#include "snncosim/data/emulator.h"

namespace snncosim::nn {
namespace {

[[noreturn]] void fail(const config::document& doc, const std::string& key, const std::string& problem) {
  throw bad_input(fmt::format("{}: {}: {}", doc.where(key), key, problem));
}

// A size is an int (square) or [w, h], as tonic's CenterCrop takes it.
std::pair<int, int> size_of(const config::document& doc, const std::string& key, bool allow_int) {
  const YAML::Node n = doc.at(key);
  auto positive = [&](const YAML::Node& v) {
    long long x = 0;
    try {
      x = v.as<long long>();
    } catch (const YAML::Exception&) {
      fail(doc, key, fmt::format("got '{}'; expected {}[width, height] of whole numbers >= 1",
                                 v.IsScalar() ? v.Scalar() : "a list or map", allow_int ? "a whole number or " : ""));
    }
    if (x < 1 || x > 65535) fail(doc, key, fmt::format("got {}; sizes must be 1 to 65535 pixels", x));
    return static_cast<int>(x);
  };
  if (n.IsScalar() && allow_int) {
    const int v = positive(n);
    return {v, v};
  }
  if (!n.IsSequence() || n.size() != 2)
    fail(doc, key, fmt::format("expected {}[width, height]", allow_int ? "a whole number or " : ""));
  return {positive(n[0]), positive(n[1])};
}

}  // namespace

dataset_transforms parse_dataset_transforms(const config::document& doc, std::uint64_t seed) {
  dataset_transforms out;
  if (!doc.has("dataset.transforms")) return out;
  const YAML::Node list = doc.at("dataset.transforms");
  const int time_steps = doc.get<int>("dataset.time_steps");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = fmt::format("dataset.transforms.{}", i);
    const std::string name = list[i]["name"].as<std::string>();
    if (out.frame) fail(doc, at + ".name", fmt::format("{} after ToFrame; ToFrame must be the last transform", name));
    data::event_step st;
    if (name == "Denoise") {
      st.kind = data::step_kind::denoise;
      st.filter_time = doc.get<std::int64_t>(at + ".filter_time");
    } else if (name == "Downsample") {
      st.kind = data::step_kind::downsample;
      const bool f = doc.has(at + ".spatial_factor"), t = doc.has(at + ".target_size");
      if (f == t) fail(doc, at, "Downsample needs exactly one of spatial_factor and target_size");
      if (f) st.spatial_factor = doc.get<double>(at + ".spatial_factor");
      else st.size = size_of(doc, at + ".target_size", false);
    } else if (name == "CenterCrop") {
      st.kind = data::step_kind::center_crop;
      st.size = size_of(doc, at + ".size", true);
    } else if (name == "RandomCrop") {
      st.kind = data::step_kind::random_crop;
      st.size = size_of(doc, at + ".target_size", false);
      st.seed = data::mix_seed(seed, 0xC409 + i);
    } else {  // ToFrame (the schema allows no other name)
      data::to_frame_params fp;
      int modes = 0;
      for (const auto& [key, mode] : {std::pair{"n_time_bins", data::slice_mode::n_time_bins},
                                      std::pair{"time_window", data::slice_mode::time_window},
                                      std::pair{"event_count", data::slice_mode::event_count}}) {
        if (!doc.has(at + "." + key)) continue;
        ++modes;
        fp.mode = mode;
        fp.value = doc.get<double>(at + "." + key);
      }
      if (modes != 1) fail(doc, at, "ToFrame needs exactly one of n_time_bins, time_window and event_count");
      fp.overlap = doc.get<double>(at + ".overlap");
      fp.include_incomplete = doc.get<bool>(at + ".include_incomplete");
      if (fp.mode == data::slice_mode::n_time_bins) {
        if (fp.value != time_steps)
          fail(doc, at + ".n_time_bins",
               fmt::format("{} bins but dataset.time_steps is {}; the network runs time_steps steps, so they must agree",
                           fp.value, time_steps));
        if (!(fp.overlap < 1)) fail(doc, at + ".overlap", "with n_time_bins the overlap is a fraction and must be < 1");
      } else if (fp.mode == data::slice_mode::time_window) {
        if (!(fp.overlap < fp.value))
          fail(doc, at + ".overlap", fmt::format("{} us is not less than time_window {} us", fp.overlap, fp.value));
      } else {
        if (fp.overlap != static_cast<double>(static_cast<long long>(fp.overlap)) || !(fp.overlap < fp.value))
          fail(doc, at + ".overlap", fmt::format("must be a whole number of events less than event_count {}", fp.value));
      }
      out.frame = fp;
      continue;
    }
    out.steps.push_back(st);
  }
  return out;
}

}  // namespace snncosim::nn
