#pragma once
// Dataset-level access for training. Typical use by the training engine:
//
//   dataset_options o;  o.root = "data/fashion";  o.split = "train";
//   auto ds = event_dataset::open(o);
//   transform_params tp;                      // e.g. tp.frame = {slice_mode::time_window, 10000}
//   loader_options lo;  lo.batch_size = 32;  lo.seed = 7;  lo.cache_dir = "cache/frames";
//   frame_loader loader(ds, tp, lo);
//   for (int epoch = 0; epoch < E; ++epoch) {
//     loader.set_epoch(epoch);                 // reshuffles deterministically (seed, epoch)
//     for (std::size_t b = 0; b < loader.num_batches(); ++b) {
//       frame_batch batch = loader.batch(b);   // [T, B, P, H, W] float, zero-padded in time
//       ... batch.data, batch.labels, batch.lengths ...
//     }
//   }
//
// Single samples: `loader.get(i)` -> frame_sample{frames [T, P, H, W] counts, label}.
// Events are read per sample (streaming); a dataset is never loaded whole into memory.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "snncosim/data/event.h"
#include "snncosim/data/inspect.h"
#include "snncosim/data/transforms.h"

namespace snncosim::data {

enum class dataset_kind { nmnist, dvs_gesture, cifar10_dvs };
std::string dataset_kind_name(dataset_kind k);
dataset_kind parse_dataset_kind(const std::string& name);  // nmnist | gesture | cifar10dvs

struct sample_ref {
  std::filesystem::path file;
  int label = 0;  // 0-based
  // DVS128-Gesture samples are [t_begin, t_end) cuts of a recording.
  std::int64_t t_begin = INT64_MIN;
  std::int64_t t_end = INT64_MAX;
};

struct dataset_options {
  std::filesystem::path root;
  std::string split = "train";             // train | test
  std::optional<dataset_kind> kind;        // default: detected from the folder layout
  std::string cifar_split = "9:1";         // 9:1 (first 90% of sorted files) | tebn (0-99 test)
  reader_options reader;
};

class event_dataset {
 public:
  // Layouts: N-MNIST  root/{Train,Test}/<digit>/*.bin
  //          Gesture  root/trials_to_{train,test}.txt + <trial>.aedat + <trial>_labels.csv
  //          CIFAR10-DVS root/<class>/*.aedat for the 10 CIFAR class names
  // Throws bad_input naming the path when the layout or a label file is wrong.
  static event_dataset open(const dataset_options& options);

  std::size_t size() const { return m_samples.size(); }
  const sample_ref& ref(std::size_t i) const { return m_samples.at(i); }
  int label(std::size_t i) const { return m_samples.at(i).label; }
  int num_classes() const { return static_cast<int>(m_class_names.size()); }
  const std::vector<std::string>& class_names() const { return m_class_names; }
  sensor_size sensor() const { return m_sensor; }
  dataset_kind kind() const { return m_kind; }
  file_format format() const { return m_format; }
  const reader_options& reader() const { return m_reader; }

  // Events of sample i (throws bad_input for a bad file).
  event_vector events(std::size_t i, read_report* report = nullptr) const;

  // Visits every sample once in index order, reading each file once: the labelled cuts of a
  // DVS128-Gesture recording come from a single pass over it (only that recording's cut
  // events are held). A bad file calls `on_bad(i, message)` for each of its samples when
  // given, else throws.
  void for_each_sample(const std::function<void(std::size_t, const event_vector&)>& fn,
                       const std::function<void(std::size_t, const std::string&)>& on_bad = {}) const;

 private:
  dataset_kind m_kind = dataset_kind::nmnist;
  file_format m_format = file_format::nmnist;
  sensor_size m_sensor;
  reader_options m_reader;
  std::vector<sample_ref> m_samples;
  std::vector<std::string> m_class_names;
};

struct frame_sample {
  frame_tensor frames;  // [T, P, H, W] counts
  int label = 0;
};

struct frame_batch {
  int t = 0, b = 0, p = 0, h = 0, w = 0;
  std::vector<float> data;         // [T, B, P, H, W]; time steps past a sample's length are 0
  std::vector<int> labels;         // b entries
  std::vector<int> lengths;        // T of each sample before padding
  std::vector<std::size_t> indices;  // dataset indices
};
// tonic PadTensors(batch_first=False): pads time with zeros to the longest sample.
frame_batch collate(const std::vector<frame_sample>& samples, const std::vector<std::size_t>& indices = {});

struct loader_options {
  std::size_t batch_size = 32;
  bool shuffle = true;
  std::uint64_t seed = 0;
  std::optional<std::filesystem::path> cache_dir;  // frame cache; none = always decode
  bool skip_bad = false;  // drop samples whose file is bad (counted) instead of throwing
};

class frame_loader {
 public:
  frame_loader(const event_dataset& dataset, transform_params transforms, loader_options options);

  std::size_t size() const { return m_dataset->size(); }
  // Returns nullopt only with skip_bad when the sample's file is bad.
  std::optional<frame_sample> get(std::size_t i);
  void set_epoch(std::uint64_t epoch);
  std::size_t num_batches() const;
  frame_batch batch(std::size_t b);
  const std::vector<std::size_t>& order() const { return m_order; }

  std::uint64_t skipped() const { return m_skipped; }
  const std::vector<std::string>& skipped_messages() const { return m_skip_messages; }
  std::uint64_t cache_hits() const { return m_hits; }
  std::uint64_t cache_misses() const { return m_misses; }
  sensor_size output_sensor() const;

 private:
  const event_dataset* m_dataset;
  transform_params m_transforms;
  loader_options m_options;
  std::vector<std::size_t> m_order;
  std::uint64_t m_skipped = 0, m_hits = 0, m_misses = 0;
  std::vector<std::string> m_skip_messages;
};

// Deterministic permutation of 0..n-1 (Fisher-Yates with our own PRNG).
std::vector<std::size_t> shuffled_indices(std::size_t n, std::uint64_t seed);

}  // namespace snncosim::data
