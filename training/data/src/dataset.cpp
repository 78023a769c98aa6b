#include "snncosim/data/dataset.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include <spdlog/spdlog.h>

#include "snncosim/common/atomic_file.h"
#include "snncosim/common/error.h"
#include "snncosim/common/rng.h"
#include "snncosim/data/aedat.h"
#include "snncosim/data/emulator.h"
#include "snncosim/data/frame_cache.h"

namespace snncosim::data {
namespace fs = std::filesystem;
namespace {

const std::vector<std::string>& cifar_classes() {
  static const std::vector<std::string> names = {"airplane", "automobile", "bird", "cat", "deer",
                                                 "dog", "frog", "horse", "ship", "truck"};
  return names;
}

std::vector<fs::path> sorted_files(const fs::path& dir, const std::string& ext) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ext) out.push_back(e.path());
  }
  // tonic / torchvision sort names lexicographically (cifar10_x_0, _1, _10, _100, ...).
  std::sort(out.begin(), out.end(), [](const fs::path& a, const fs::path& b) {
    return a.filename().string() < b.filename().string();
  });
  return out;
}

fs::path find_split_dir(const fs::path& root, const std::string& split) {
  const std::string cap = split == "train" ? "Train" : "Test";
  if (fs::is_directory(root / cap)) return root / cap;
  if (fs::is_directory(root / split)) return root / split;
  throw bad_input(root.string() + ": no " + cap + "/ folder (N-MNIST layout " + cap + "/<digit>/*.bin)");
}

std::string reader_key(const dataset_kind k, const reader_options& r) {
  std::string s = dataset_kind_name(k);
  s += ";valid_bit=" + std::to_string(r.honour_valid_bit);
  s += ";a2=" + std::to_string(r.aedat2.flip_x) + std::to_string(r.aedat2.flip_y) +
       std::to_string(r.aedat2.on_is_bit0_zero) + std::to_string(r.aedat2.transpose);
  return s;
}

// A sample's identity for the random transforms: its file name (not the folder, so the same
// data elsewhere gets the same crops) and its time range.
std::uint64_t sample_key(const sample_ref& r) {
  std::uint64_t h = 0xCBF29CE484222325ull;
  for (const unsigned char c : r.file.filename().string()) h = (h ^ c) * 0x100000001B3ull;
  return mix_seed(h, static_cast<std::uint64_t>(r.t_begin));
}

}  // namespace

std::string dataset_kind_name(dataset_kind k) {
  switch (k) {
    case dataset_kind::nmnist: return "nmnist";
    case dataset_kind::dvs_gesture: return "gesture";
    case dataset_kind::cifar10_dvs: return "cifar10dvs";
  }
  return "?";
}

dataset_kind parse_dataset_kind(const std::string& name) {
  if (name == "nmnist") return dataset_kind::nmnist;
  if (name == "gesture") return dataset_kind::dvs_gesture;
  if (name == "cifar10dvs") return dataset_kind::cifar10_dvs;
  throw bad_input("unknown dataset kind '" + name + "'; expected nmnist, gesture or cifar10dvs");
}

event_dataset event_dataset::open(const dataset_options& o) {
  if (!fs::is_directory(o.root)) throw bad_input(o.root.string() + ": dataset folder does not exist");
  if (o.split != "train" && o.split != "test") throw bad_input("dataset split must be train or test, not '" + o.split + "'");
  event_dataset ds;
  ds.m_reader = o.reader;
  dataset_kind kind;
  if (o.kind) kind = *o.kind;
  else if (fs::exists(o.root / "trials_to_train.txt")) kind = dataset_kind::dvs_gesture;
  else if (fs::is_directory(o.root / "Train") || fs::is_directory(o.root / "Test") || fs::is_directory(o.root / "train")) kind = dataset_kind::nmnist;
  else if (fs::is_directory(o.root / "airplane")) kind = dataset_kind::cifar10_dvs;
  else throw bad_input(o.root.string() + ": cannot tell the dataset layout (no Train/, trials_to_train.txt or airplane/); pass --kind");
  ds.m_kind = kind;

  if (kind == dataset_kind::nmnist) {
    ds.m_format = file_format::nmnist;
    ds.m_sensor = o.reader.sensor.value_or(sensor_size{34, 34, 2});
    const fs::path dir = find_split_dir(o.root, o.split);
    std::vector<fs::path> class_dirs;
    for (const auto& e : fs::directory_iterator(dir)) if (e.is_directory()) class_dirs.push_back(e.path());
    std::sort(class_dirs.begin(), class_dirs.end());
    int max_label = -1;
    for (const auto& cd : class_dirs) {
      const std::string n = cd.filename().string();
      // tonic: label = int(last character of the folder path)
      const char last = n.empty() ? '?' : n.back();
      if (last < '0' || last > '9') throw bad_input(cd.string() + ": class folder name must end in a digit");
      const int label = last - '0';
      max_label = std::max(max_label, label);
      for (const auto& f : sorted_files(cd, ".bin")) ds.m_samples.push_back({f, label});
    }
    ds.m_class_names.clear();
    if (fs::exists(o.root / "dataset.json")) {
      // Built-in Fashion set: class names from the generator's description.
      const std::string text = read_file(o.root / "dataset.json");
      static const char* fashion[] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
      if (text.find("Zalando") != std::string::npos) {
        for (auto* n : fashion) ds.m_class_names.emplace_back(n);
      }
    }
    if (ds.m_class_names.empty()) {
      for (int d = 0; d < 10; ++d) ds.m_class_names.push_back(std::to_string(d));
    }
  } else if (kind == dataset_kind::dvs_gesture) {
    ds.m_format = file_format::aedat3;
    ds.m_sensor = o.reader.sensor.value_or(sensor_size{128, 128, 2});
    const fs::path list = o.root / ("trials_to_" + o.split + ".txt");
    std::ifstream in(list);
    if (!in) throw bad_input(list.string() + ": cannot open trial list");
    std::string line;
    int max_label = 0;
    while (std::getline(in, line)) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
      const auto b = line.find_first_not_of(" \t");
      if (b == std::string::npos) continue;
      line = line.substr(b);
      const fs::path aedat = o.root / line;
      const fs::path labels = o.root / (fs::path(line).stem().string() + "_labels.csv");
      for (const auto& row : read_gesture_labels(labels)) {
        ds.m_samples.push_back({aedat, row.label - 1, row.start_us, row.end_us});
        max_label = std::max(max_label, row.label);
      }
    }
    // Class names from gesture_mapping.csv (`action,label`, label 1-based) when present;
    // real set: 11 classes, synthetic set: 8.
    std::vector<std::string> names;
    std::ifstream map(o.root / "gesture_mapping.csv");
    if (map) {
      std::getline(map, line);
      while (std::getline(map, line)) {
        const auto c = line.find(',');
        if (c == std::string::npos) continue;
        std::string n = line.substr(0, c);
        while (!n.empty() && n.back() == ' ') n.pop_back();
        int label = 0;
        try { label = std::stoi(line.substr(c + 1)); } catch (...) { continue; }
        if (label < 1 || label > 64) continue;
        if (names.size() < static_cast<std::size_t>(label)) names.resize(static_cast<std::size_t>(label));
        names[static_cast<std::size_t>(label - 1)] = n;
      }
    }
    if (static_cast<int>(names.size()) < max_label) names.resize(static_cast<std::size_t>(std::max(max_label, 11)));
    for (std::size_t c = 0; c < names.size(); ++c) {
      if (names[c].empty()) names[c] = "class" + std::to_string(c + 1);
    }
    ds.m_class_names = names;
  } else {
    ds.m_format = file_format::aedat2;
    ds.m_sensor = o.reader.sensor.value_or(sensor_size{128, 128, 2});
    ds.m_class_names = cifar_classes();
    if (o.cifar_split != "9:1" && o.cifar_split != "tebn") {
      throw bad_input("CIFAR10-DVS split must be 9:1 or tebn, not '" + o.cifar_split + "'");
    }
    for (int c = 0; c < 10; ++c) {
      const fs::path cd = o.root / cifar_classes()[static_cast<std::size_t>(c)];
      if (!fs::is_directory(cd)) throw bad_input(cd.string() + ": missing CIFAR10-DVS class folder");
      const auto files = sorted_files(cd, ".aedat");
      const std::size_t n_train = static_cast<std::size_t>(std::ceil(0.9 * static_cast<double>(files.size())));
      for (std::size_t i = 0; i < files.size(); ++i) {
        bool is_train;
        if (o.cifar_split == "9:1") {
          is_train = i < n_train;
        } else {
          // TEBN: recordings numbered 0..99 (cifar10_<class>_<i>.aedat) are the test set.
          const std::string stem = files[i].stem().string();
          const auto us = stem.rfind('_');
          long idx = -1;
          try { idx = std::stol(stem.substr(us + 1)); } catch (...) { idx = -1; }
          is_train = !(idx >= 0 && idx < 100);
        }
        if (is_train == (o.split == "train")) ds.m_samples.push_back({files[i], c});
      }
    }
  }
  return ds;
}

event_vector event_dataset::events(std::size_t i, read_report* report) const {
  const sample_ref& r = m_samples.at(i);
  if (m_kind == dataset_kind::dvs_gesture) {
    aedat3_options ao{m_sensor, m_reader.honour_valid_bit};
    return read_aedat3_range(r.file, r.t_begin, r.t_end, ao, report);
  }
  reader_options ro = m_reader;
  ro.sensor = m_sensor;
  return read_all_events(r.file, m_format, ro, report);
}

void event_dataset::for_each_sample(const std::function<void(std::size_t, const event_vector&)>& fn,
                                    const std::function<void(std::size_t, const std::string&)>& on_bad) const {
  std::size_t i = 0;
  while (i < m_samples.size()) {
    // Samples of one recording are consecutive (one trial's CSV rows).
    std::size_t j = i + 1;
    if (m_kind == dataset_kind::dvs_gesture) {
      while (j < m_samples.size() && m_samples[j].file == m_samples[i].file) ++j;
    }
    std::vector<event_vector> cuts(j - i);
    try {
      if (j - i == 1) {
        cuts[0] = events(i);
      } else {
        aedat3_options ao{m_sensor, m_reader.honour_valid_bit};
        read_aedat3(m_samples[i].file, [&](std::span<const event> chunk) {
          for (const event& e : chunk) {
            for (std::size_t k = i; k < j; ++k) {
              if (e.t >= m_samples[k].t_begin && e.t < m_samples[k].t_end) cuts[k - i].push_back(e);
            }
          }
        }, ao);
      }
    } catch (const bad_input& e) {
      if (!on_bad) throw;
      for (std::size_t k = i; k < j; ++k) on_bad(k, e.what());
      i = j;
      continue;
    }
    for (std::size_t k = i; k < j; ++k) fn(k, cuts[k - i]);
    i = j;
  }
}

std::vector<std::size_t> shuffled_indices(std::size_t n, std::uint64_t seed) {
  std::vector<std::size_t> idx(n);
  for (std::size_t i = 0; i < n; ++i) idx[i] = i;
  rng r(seed ^ 0xD1B54A32D192ED03ull);
  for (std::size_t i = n; i > 1; --i) std::swap(idx[i - 1], idx[r.below(i)]);
  return idx;
}

frame_batch collate(const std::vector<frame_sample>& samples, const std::vector<std::size_t>& indices) {
  frame_batch b;
  b.b = static_cast<int>(samples.size());
  b.indices = indices;
  if (samples.empty()) return b;
  b.p = samples[0].frames.p;
  b.h = samples[0].frames.h;
  b.w = samples[0].frames.w;
  for (const auto& s : samples) {
    if (s.frames.p != b.p || s.frames.h != b.h || s.frames.w != b.w) {
      throw std::invalid_argument("collate: samples have different [P, H, W]");
    }
    b.t = std::max(b.t, s.frames.t);
  }
  const std::size_t fs_ = static_cast<std::size_t>(b.p) * b.h * b.w;
  b.data.assign(static_cast<std::size_t>(b.t) * b.b * fs_, 0.0f);
  for (int j = 0; j < b.b; ++j) {
    const auto& f = samples[static_cast<std::size_t>(j)].frames;
    for (int t = 0; t < f.t; ++t) {
      const std::uint16_t* src = f.counts.data() + static_cast<std::size_t>(t) * fs_;
      float* dst = b.data.data() + (static_cast<std::size_t>(t) * b.b + j) * fs_;
      for (std::size_t k = 0; k < fs_; ++k) dst[k] = static_cast<float>(src[k]);
    }
    b.labels.push_back(samples[static_cast<std::size_t>(j)].label);
    b.lengths.push_back(f.t);
  }
  return b;
}

frame_loader::frame_loader(const event_dataset& dataset, transform_params transforms, loader_options options)
    : m_dataset(&dataset), m_transforms(std::move(transforms)), m_options(std::move(options)) {
  if (m_options.batch_size == 0) throw bad_input("batch size must be >= 1");
  set_epoch(0);
}

sensor_size frame_loader::output_sensor() const {
  return data::output_sensor(m_dataset->sensor(), m_transforms);
}

void frame_loader::set_epoch(std::uint64_t epoch) {
  if (m_options.shuffle) {
    m_order = shuffled_indices(m_dataset->size(), m_options.seed * 0x9E3779B97F4A7C15ull + epoch);
  } else {
    m_order.resize(m_dataset->size());
    for (std::size_t i = 0; i < m_order.size(); ++i) m_order[i] = i;
  }
}

std::size_t frame_loader::num_batches() const {
  return (m_order.size() + m_options.batch_size - 1) / m_options.batch_size;
}

std::optional<frame_sample> frame_loader::get(std::size_t i) {
  const sample_ref& r = m_dataset->ref(i);
  try {
    std::optional<frame_cache> cache;
    std::string key;
    if (m_options.cache_dir) {
      cache.emplace(*m_options.cache_dir);
      key = frame_cache::make_key(r.file, r.t_begin, r.t_end, reader_key(m_dataset->kind(), m_dataset->reader()),
                                  m_transforms.key());
      int label = 0;
      if (auto f = cache->load(key, &label)) {
        ++m_hits;
        return frame_sample{std::move(*f), r.label};
      }
      ++m_misses;
    }
    const event_vector ev = m_dataset->events(i);
    frame_sample s{apply_transforms(ev, m_dataset->sensor(), m_transforms, sample_key(r)), r.label};
    if (cache) cache->store(key, s.frames, s.label);
    return s;
  } catch (const bad_input& e) {
    if (!m_options.skip_bad) throw;
    ++m_skipped;
    m_skip_messages.emplace_back(e.what());
    spdlog::warn("skipping bad sample {}: {}", i, e.what());
    return std::nullopt;
  }
}

frame_batch frame_loader::batch(std::size_t b) {
  const std::size_t begin = b * m_options.batch_size;
  const std::size_t end = std::min(m_order.size(), begin + m_options.batch_size);
  std::vector<frame_sample> samples;
  std::vector<std::size_t> idx;
  for (std::size_t k = begin; k < end; ++k) {
    if (auto s = get(m_order[k])) {
      samples.push_back(std::move(*s));
      idx.push_back(m_order[k]);
    }
  }
  return collate(samples, idx);
}

}  // namespace snncosim::data
