#include "snncosim/data/summary.h"

#include <cstdint>
#include <functional>

#include <fmt/format.h>

#include "snncosim/common/progress.h"

namespace snncosim::data {

using nlohmann::json;

split_summary summarise_split(const event_dataset& ds, const std::string& s, const std::string& root, bool skip_bad) {
  std::vector<std::uint64_t> per_class(static_cast<std::size_t>(ds.num_classes()), 0);
  std::uint64_t events = 0, on = 0, backwards = 0, skipped = 0, empty = 0;
  double duration_sum = 0;
  std::vector<std::string> skipped_messages;
  progress_bar bar("stats " + s, ds.size(), "samples");
  auto visit = [&](std::size_t i, const event_vector& ev) {
    bar.advance();
    if (static_cast<std::size_t>(ds.label(i)) < per_class.size()) ++per_class[static_cast<std::size_t>(ds.label(i))];
    events += ev.size();
    std::int64_t prev = INT64_MIN;
    for (const auto& e : ev) {
      on += e.p;
      backwards += e.t < prev ? 1 : 0;
      prev = e.t;
    }
    if (ev.empty()) ++empty;
    else duration_sum += static_cast<double>(ev.back().t - ev.front().t);
  };
  std::function<void(std::size_t, const std::string&)> on_bad;
  if (skip_bad) {
    on_bad = [&](std::size_t, const std::string& message) {
      bar.advance();
      ++skipped;
      skipped_messages.push_back(message);
    };
  }
  ds.for_each_sample(visit, on_bad);
  bar.finish();
  const double n = static_cast<double>(ds.size() - skipped);
  const double mean_dur_us = n > 0 ? duration_sum / n : 0;
  const double mean_events = n > 0 ? static_cast<double>(events) / n : 0;
  json counts = json::object();
  for (std::size_t c = 0; c < per_class.size(); ++c) counts[ds.class_names()[c]] = per_class[c];
  json j = {{"kind", dataset_kind_name(ds.kind())},
            {"format", format_name(ds.format())},
            {"sensor", {ds.sensor().width, ds.sensor().height, ds.sensor().polarities}},
            {"samples", ds.size() - skipped},
            {"classes", ds.num_classes()},
            {"per_class", counts},
            {"events", events},
            {"on_events", on},
            {"off_events", events - on},
            {"events_per_sample", mean_events},
            {"mean_duration_us", mean_dur_us},
            {"event_rate_per_s", mean_dur_us > 0 ? mean_events / (mean_dur_us * 1e-6) : 0.0},
            {"backwards_timestamps", backwards},
            {"empty_samples", empty},
            {"skipped", skipped},
            {"skipped_messages", skipped_messages}};
  split_summary out;
  out.json = j;
  std::string& text = out.text;
  text += fmt::format("{} split of {} ({} {}x{}): {} samples, {} classes\n", s, root,
                      dataset_kind_name(ds.kind()), ds.sensor().width, ds.sensor().height,
                      ds.size() - skipped, ds.num_classes());
  text += fmt::format("  events {} (ON {}, OFF {}), {:.0f} per sample, mean duration {:.1f} ms, {:.0f} events/s\n",
                      events, on, events - on, mean_events, mean_dur_us / 1000,
                      mean_dur_us > 0 ? mean_events / (mean_dur_us * 1e-6) : 0.0);
  text += fmt::format("  backwards timestamps {}, empty samples {}, skipped bad files {}\n", backwards, empty, skipped);
  for (const auto& m : skipped_messages) text += "    skipped: " + m + "\n";
  text += "  per class:";
  for (std::size_t c = 0; c < per_class.size(); ++c) text += fmt::format(" {}={}", ds.class_names()[c], per_class[c]);
  text += "\n";
  return out;
}

json frames_json(const frame_tensor& f) {
  json per_frame = json::array(), on = json::array(), off = json::array();
  std::uint64_t total = 0;
  for (int t = 0; t < f.t; ++t) {
    std::uint64_t pc[2] = {0, 0};
    for (int p = 0; p < f.p; ++p) {
      const std::size_t b = f.index(t, p, 0, 0);
      for (std::size_t k = 0; k < static_cast<std::size_t>(f.h) * f.w; ++k) pc[p > 0 ? 1 : 0] += f.counts[b + k];
    }
    per_frame.push_back(pc[0] + pc[1]);
    off.push_back(pc[0]);
    on.push_back(pc[1]);
    total += pc[0] + pc[1];
  }
  return {{"shape", {f.t, f.p, f.h, f.w}}, {"per_frame", per_frame}, {"per_frame_off", off},
          {"per_frame_on", on}, {"events_in_frames", total}};
}

}  // namespace snncosim::data
