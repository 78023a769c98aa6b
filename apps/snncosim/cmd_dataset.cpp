// `snncosim dataset generate|stats|preview|inspect|frames`: event datasets (docs/datasets.md).
#include <cmath>
#include <functional>
#include <cstdio>
#include <iostream>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "command.h"
#include "dataset_options.h"
#include "snncosim/common/atomic_file.h"
#include "snncosim/common/error.h"
#include "snncosim/common/progress.h"
#include "snncosim/data/dataset.h"
#include "snncosim/data/emulator.h"
#include "snncosim/data/png.h"
#include "snncosim/data/summary.h"
#include "snncosim/common/json_text.h"

namespace snncosim::cli {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

void print(const global_options& g, const json& j, const std::string& text) {
  if (g.json) std::cout << json_text(j) << "\n";
  else std::cout << text;
}

void add_generate(CLI::App* parent, global_options& global) {
  auto* gen = parent->add_subcommand("generate", "Make the built-in event datasets");
  gen->require_subcommand(1);

  struct fashion_args {
    std::string out, source;
    std::size_t train = 60000, test = 10000;
    std::uint64_t seed = 1;
    bool quick = false;
    data::emulator_params prm;
  };
  auto fa = std::make_shared<fashion_args>();
  auto* f = gen->add_subcommand("fashion", "Fashion-MNIST -> N-MNIST-style emulated saccade camera (34x34 .bin)");
  f->add_option("--out", fa->out, "Output folder (Train/<label>/*.bin, Test/...)")->required();
  f->add_option("--train", fa->train, "Number of training images (first N)")->capture_default_str();
  f->add_option("--test", fa->test, "Number of test images (first N)")->capture_default_str();
  f->add_flag("--quick", fa->quick, "Quick-demo subset: 1000 train + 200 test");
  f->add_option("--seed", fa->seed, "Seed (camera mismatch, jitter, noise)")->capture_default_str();
  f->add_option("--source", fa->source, "Folder with the Fashion-MNIST IDX files (default: Debian's)");
  f->add_option("--threshold", fa->prm.threshold, "Mean log-intensity contrast threshold")->capture_default_str();
  f->add_option("--threshold-sigma", fa->prm.threshold_sigma, "Per-pixel threshold mismatch (std)")->capture_default_str();
  f->add_option("--refractory-us", fa->prm.refractory_us, "Refractory period per pixel")->capture_default_str();
  f->add_option("--noise-hz", fa->prm.noise_hz, "Background events per pixel per second")->capture_default_str();
  f->callback([&global, fa] {
    data::fashion_generate_options o;
    o.out_dir = fa->out;
    o.source_dir = fa->source;
    o.train_count = fa->quick ? 1000 : fa->train;
    o.test_count = fa->quick ? 200 : fa->test;
    o.seed = fa->seed;
    o.params = fa->prm;
    const auto s = data::generate_fashion_nmnist(o);
    json j = {{"out", fa->out}, {"train_samples", s.train_samples}, {"test_samples", s.test_samples},
              {"events", s.events}, {"seconds", s.seconds}};
    print(global, j, fmt::format("wrote {} train + {} test samples ({} events) to {} in {:.2f} s\n",
                                 s.train_samples, s.test_samples, s.events, fa->out, s.seconds));
  });

  auto ga = std::make_shared<data::gesture_generate_options>();
  auto gout = std::make_shared<std::string>();
  auto* g = gen->add_subcommand("gesture", "Synthetic moving-shape gestures, 8 classes, 128x128, AEDAT 3.1 + label CSVs");
  g->add_option("--out", *gout, "Output folder")->required();
  g->add_option("--train-trials", ga->train_trials, "Training recordings (8 gestures each)")->capture_default_str();
  g->add_option("--test-trials", ga->test_trials, "Test recordings")->capture_default_str();
  g->add_option("--seed", ga->seed, "Seed")->capture_default_str();
  g->add_option("--gesture-us", ga->gesture_us, "Base gesture duration in us")->capture_default_str();
  g->callback([&global, ga, gout] {
    ga->out_dir = *gout;
    const auto s = data::generate_gestures(*ga);
    json j = {{"out", *gout}, {"train_samples", s.train_samples}, {"test_samples", s.test_samples},
              {"events", s.events}, {"seconds", s.seconds}};
    print(global, j, fmt::format("wrote {} train + {} test gestures ({} events) to {} in {:.2f} s\n",
                                 s.train_samples, s.test_samples, s.events, *gout, s.seconds));
  });
}

struct dataset_cli {
  std::string root, split = "train", kind, cifar_split = "9:1";
  bool skip_bad = false;
  reader_cli reader;
  void add(CLI::App* cmd, bool with_split_all) {
    cmd->add_option("root", root, "Dataset folder")->required();
    cmd->add_option("--split", split, "train or test" + std::string(with_split_all ? " or all" : ""))
        ->capture_default_str();
    cmd->add_option("--kind", kind, "nmnist | gesture | cifar10dvs (default: detected)");
    cmd->add_option("--cifar-split", cifar_split, "CIFAR10-DVS split: 9:1 or tebn")->capture_default_str();
    cmd->add_flag("--skip-bad", skip_bad, "Skip and count samples whose file is bad instead of failing");
    reader.add(cmd);
  }
  data::event_dataset open(const std::string& s) const {
    data::dataset_options o;
    o.root = root;
    o.split = s;
    if (!kind.empty()) o.kind = data::parse_dataset_kind(kind);
    o.cifar_split = cifar_split;
    o.reader = reader.options();
    return data::event_dataset::open(o);
  }
};

void add_stats(CLI::App* parent, global_options& global) {
  auto a = std::make_shared<dataset_cli>();
  auto* cmd = parent->add_subcommand("stats", "Events, rates and per-class counts of a dataset split");
  a->add(cmd, true);
  cmd->callback([&global, a] {
    json out = json::object();
    std::string text;
    const std::vector<std::string> splits =
        a->split == "all" ? std::vector<std::string>{"train", "test"} : std::vector<std::string>{a->split};
    for (const auto& s : splits) {
      const data::split_summary sum = data::summarise_split(a->open(s), s, a->root, a->skip_bad);
      out[s] = sum.json;
      text += sum.text;
    }
    print(global, out, text);
  });
}

void add_inspect(CLI::App* parent, global_options& global) {
  auto file = std::make_shared<std::string>();
  auto r = std::make_shared<reader_cli>();
  auto* cmd = parent->add_subcommand("inspect", "Summary of one event file (streamed)");
  cmd->add_option("file", *file, "Event file (.bin N-MNIST, .aedat AEDAT 2.0/3.1)")->required();
  r->add(cmd);
  cmd->callback([&global, file, r] {
    const auto fmt_ = r->format_for(*file);
    const auto s = data::inspect_file(*file, fmt_, r->options());
    json j = {{"file", *file}, {"format", data::format_name(fmt_)}, {"events", s.events},
              {"on_events", s.on_events}, {"off_events", s.off_events}, {"t_first_us", s.t_first_us},
              {"t_last_us", s.t_last_us}, {"t_min_us", s.t_min_us}, {"t_max_us", s.t_max_us},
              {"x_max", s.x_max}, {"y_max", s.y_max}, {"width", s.sensor.width}, {"height", s.sensor.height},
              {"bytes", s.report.bytes}, {"backwards_timestamps", s.report.backwards_timestamps},
              {"overflow_records", s.report.overflow_records}, {"special_events", s.report.special_events},
              {"invalid_events", s.report.invalid_events}, {"packets", s.report.packets},
              {"skipped_packets", s.report.skipped_packets}};
    print(global, j,
          fmt::format("{} ({}, {}x{}): {} events (ON {}, OFF {}), t {}..{} us, x_max {}, y_max {}, "
                      "backwards timestamps {}\n",
                      *file, data::format_name(fmt_), s.sensor.width, s.sensor.height, s.events, s.on_events,
                      s.off_events, s.t_first_us, s.t_last_us, s.x_max, s.y_max, s.report.backwards_timestamps));
  });
}

void add_frames(CLI::App* parent, global_options& global) {
  struct args {
    std::string file;
    reader_cli reader;
    transform_cli tf;
    std::optional<std::int64_t> t_begin, t_end;
  };
  auto a = std::make_shared<args>();
  auto* cmd = parent->add_subcommand("frames", "Frame one event file with tonic's ToFrame rules");
  cmd->add_option("file", a->file, "Event file")->required();
  a->reader.add(cmd);
  a->tf.add(cmd);
  cmd->add_option("--t-begin", a->t_begin, "Keep events with t >= this (us) before framing");
  cmd->add_option("--t-end", a->t_end, "Keep events with t < this (us) before framing");
  cmd->callback([&global, a] {
    const auto fmt_ = a->reader.format_for(a->file);
    const auto params = a->tf.params();
    auto ro = a->reader.options();
    data::event_vector ev;
    const std::int64_t lo = a->t_begin.value_or(INT64_MIN), hi = a->t_end.value_or(INT64_MAX);
    data::read_events(a->file, fmt_, [&](std::span<const data::event> c) {
      for (const auto& e : c) if (e.t >= lo && e.t < hi) ev.push_back(e);
    }, ro);
    const auto f = data::apply_transforms(ev, data::default_sensor(fmt_), params);
    json j = data::frames_json(f);
    j["file"] = a->file;
    j["events"] = ev.size();
    j["transform"] = params.key();
    std::string text = fmt::format("{}: {} events -> shape [{}, {}, {}, {}], {} events in frames\nper_frame:",
                                   a->file, ev.size(), f.t, f.p, f.h, f.w, j["events_in_frames"].get<std::uint64_t>());
    for (const auto& v : j["per_frame"]) text += " " + std::to_string(v.get<std::uint64_t>());
    print(global, j, text + "\n");
  });
}

void add_preview(CLI::App* parent, global_options& global) {
  struct args {
    std::string input, out, split = "train", kind;
    std::size_t sample = 0;
    int max_frames = 8, scale = 4;
    reader_cli reader;
    transform_cli tf;
  };
  auto a = std::make_shared<args>();
  auto* cmd = parent->add_subcommand("preview", "PNG of the frames of an event file or of a dataset sample");
  cmd->add_option("input", a->input, "Event file, or a dataset folder (then --sample picks the sample)")->required();
  cmd->add_option("--out,-o", a->out, "PNG file to write")->required();
  cmd->add_option("--sample", a->sample, "Sample index in the dataset split")->capture_default_str();
  cmd->add_option("--split", a->split, "train or test")->capture_default_str();
  cmd->add_option("--kind", a->kind, "Dataset kind (default: detected)");
  cmd->add_option("--max-frames", a->max_frames, "Frames shown side by side")->capture_default_str();
  cmd->add_option("--scale", a->scale, "Pixel magnification")->capture_default_str()->check(CLI::Range(1, 32));
  a->reader.add(cmd);
  a->tf.add(cmd);
  cmd->callback([&global, a] {
    // Default framing for a preview: 8 equal time bins.
    const auto params = a->tf.params(data::to_frame_params{data::slice_mode::n_time_bins, 8, 0, false});
    data::frame_tensor f;
    int label = -1;
    std::string label_name;
    if (fs::is_directory(a->input)) {
      data::dataset_options o;
      o.root = a->input;
      o.split = a->split;
      if (!a->kind.empty()) o.kind = data::parse_dataset_kind(a->kind);
      o.reader = a->reader.options();
      const auto ds = data::event_dataset::open(o);
      if (a->sample >= ds.size()) {
        throw bad_input(a->input + ": --sample " + std::to_string(a->sample) + " but the " + a->split +
                        " split has " + std::to_string(ds.size()) + " samples");
      }
      f = data::apply_transforms(ds.events(a->sample), ds.sensor(), params);
      label = ds.label(a->sample);
      label_name = ds.class_names()[static_cast<std::size_t>(label)];
    } else {
      const auto fmt_ = a->reader.format_for(a->input);
      f = data::apply_transforms(data::read_all_events(a->input, fmt_, a->reader.options()),
                                 data::default_sensor(fmt_), params);
    }
    int w = 0, h = 0;
    const auto rgb = data::render_frames(f, a->max_frames, a->scale, &w, &h);
    write_file_atomic(a->out, data::encode_png(w, h, rgb));
    json j = data::frames_json(f);
    j["png"] = a->out;
    j["png_size"] = {w, h};
    j["label"] = label;
    j["label_name"] = label_name;
    print(global, j, fmt::format("wrote {} ({}x{} px, {} of {} frames{})\n", a->out, w, h, std::min(f.t, a->max_frames), f.t,
                                 label >= 0 ? ", label " + std::to_string(label) + " " + label_name : ""));
  });
}

}  // namespace

void add_dataset_command(CLI::App& root, global_options& global) {
  auto* cmd = root.add_subcommand("dataset", "Event datasets: generate, stats, preview, inspect, frames");
  cmd->require_subcommand(1);
  add_generate(cmd, global);
  add_stats(cmd, global);
  add_preview(cmd, global);
  add_inspect(cmd, global);
  add_frames(cmd, global);
}

}  // namespace snncosim::cli
