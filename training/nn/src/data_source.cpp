#include "snncosim/nn/data_source.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <vector>

#include "snncosim/common/error.h"
#include "snncosim/data/dataset.h"
#include "snncosim/data/emulator.h"

namespace snncosim::nn {
namespace {

// Framed samples are kept in memory (one byte per pixel and step) when the whole split fits
// in this budget, so later epochs skip decoding; larger splits are decoded every epoch.
constexpr std::size_t memory_cache_budget = std::size_t{256} << 20;

std::string where_to_get(const std::string& name, const std::filesystem::path& root) {
  const std::string r = root.string();
  if (name == "nmnist")
    return fmt::format("download Train.zip and Test.zip from https://www.garrickorchard.com/datasets/n-mnist "
                       "and unpack them so that {0}/Train/<digit>/*.bin and {0}/Test/<digit>/*.bin exist", r);
  if (name == "dvs_gesture")
    return fmt::format("download DvsGesture.tar.gz from https://research.ibm.com/interactive/dvsgesture/ and unpack it "
                       "so that {0}/trials_to_train.txt, {0}/trials_to_test.txt and {0}/userNN_*.aedat exist", r);
  if (name == "dvs_cifar10")
    return fmt::format("download CIFAR10-DVS from https://figshare.com/articles/dataset/CIFAR10-DVS_New/4724671 and unpack "
                       "it so that {0}/airplane/*.aedat ... {0}/truck/*.aedat exist", r);
  if (name == "synthetic_gesture") return fmt::format("run `snncosim dataset generate gesture --out {}`", r);
  return fmt::format("run `snncosim dataset generate fashion --quick --out {}`", r);
}

class event_source final : public batch_source {
 public:
  explicit event_source(const event_source_options& o) : m_options(o) {
    if (!std::filesystem::is_directory(o.root))
      throw bad_input(fmt::format("{}: dataset {}: folder '{}' does not exist; {}", o.where, o.dataset,
                                  o.root.string(), where_to_get(o.dataset, o.root)));
    data::dataset_options dopt;
    dopt.root = o.root;
    dopt.split = o.split;
    if (o.dataset == "nmnist" || o.dataset == "builtin_fashion") dopt.kind = data::dataset_kind::nmnist;
    if (o.dataset == "dvs_gesture" || o.dataset == "synthetic_gesture") dopt.kind = data::dataset_kind::dvs_gesture;
    if (o.dataset == "dvs_cifar10") dopt.kind = data::dataset_kind::cifar10_dvs;
    try {
      m_dataset = std::make_unique<data::event_dataset>(data::event_dataset::open(dopt));
    } catch (const bad_input& e) {
      throw bad_input(fmt::format("{}: dataset {}: {}; {}", o.where, o.dataset, e.what(), where_to_get(o.dataset, o.root)));
    }
    if (m_dataset->size() == 0)
      throw bad_input(fmt::format("{}: dataset {}: no {} samples in '{}'; {}", o.where, o.dataset, o.split,
                                  o.root.string(), where_to_get(o.dataset, o.root)));
    data::transform_params tp;
    tp.steps = o.steps;
    if (o.frame) {
      tp.frame = *o.frame;
    } else {
      tp.frame.mode = data::slice_mode::n_time_bins;
      tp.frame.value = o.time_steps;
    }
    tp.binarize = true;
    const auto sensor = m_dataset->sensor();
    const auto s = data::output_sensor(sensor, tp);
    if (s.polarities != o.channels || s.height != o.height || s.width != o.width) {
      if (o.steps.empty())
        throw bad_input(fmt::format("{}: dataset {} has a {}x{}x{} sensor (WxHxP) but the network input is {}x{}x{}; "
                                    "use a network whose input matches the dataset or add dataset.transforms "
                                    "(e.g. Downsample with target_size: [{}, {}])",
                                    o.where, o.dataset, s.width, s.height, s.polarities, o.width, o.height, o.channels,
                                    o.width, o.height));
      throw bad_input(fmt::format("{}: dataset {}: its {}x{}x{} sensor (WxHxP) becomes {}x{}x{} through "
                                  "dataset.transforms but the network input is {}x{}x{}",
                                  o.where, o.dataset, sensor.width, sensor.height, sensor.polarities, s.width, s.height,
                                  s.polarities, o.width, o.height, o.channels));
    }
    if (m_dataset->num_classes() > o.num_classes)
      throw bad_input(fmt::format("{}: dataset {} has {} classes but the network has {} outputs", o.where, o.dataset,
                                  m_dataset->num_classes(), o.num_classes));

    m_transform_text = tp.key();
    data::loader_options lo;
    lo.shuffle = false;
    lo.seed = o.seed;
    m_loader = std::make_unique<data::frame_loader>(*m_dataset, tp, lo);

    // A subset is a fixed seeded draw (the N-MNIST layout is sorted by class, so the first N
    // files would be one class).
    m_subset = data::shuffled_indices(m_dataset->size(), data::mix_seed(o.seed, 0x5AB5E7));
    if (o.max_samples != 0 && o.max_samples < m_subset.size()) m_subset.resize(o.max_samples);
    m_order = m_subset;
    if (m_subset.size() * sample_size() <= memory_cache_budget) m_cache.resize(m_subset.size());
  }

  std::size_t size() const override { return m_subset.size(); }
  int time_steps() const override { return m_options.time_steps; }
  int channels() const override { return m_options.channels; }
  int height() const override { return m_options.height; }
  int width() const override { return m_options.width; }
  int num_classes() const override { return m_options.num_classes; }
  std::string description() const override {
    return fmt::format("{} {} ({} of {} samples, '{}', {} time steps, transforms {})", m_options.dataset,
                       m_options.split, m_subset.size(), m_dataset->size(), m_options.root.string(),
                       m_options.time_steps, m_transform_text);
  }
  void set_epoch(int epoch) override {
    m_order = m_subset;
    if (!m_options.shuffle) return;
    const auto perm = data::shuffled_indices(m_subset.size(),
                                             data::mix_seed(m_options.seed, static_cast<std::uint64_t>(epoch) + 1));
    for (std::size_t i = 0; i < perm.size(); ++i) m_order[i] = m_subset[perm[i]];
  }
  batch_view batch(std::size_t index, int batch_size) override {
    const std::size_t begin = index * static_cast<std::size_t>(batch_size);
    const auto b = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(batch_size), m_order.size() - begin));
    const std::size_t per_step = frame_size();
    const auto steps = static_cast<std::size_t>(m_options.time_steps);
    const auto ub = static_cast<std::size_t>(b);
    m_frames.assign(steps * ub * per_step, 0.0f);
    m_labels.resize(ub);
    for (std::size_t i = 0; i < ub; ++i) {
      const std::vector<std::uint8_t>& s = sample(m_order[begin + i], m_labels[i]);
      for (std::size_t t = 0; t < steps; ++t)
        std::transform(s.begin() + static_cast<std::ptrdiff_t>(t * per_step),
                       s.begin() + static_cast<std::ptrdiff_t>((t + 1) * per_step),
                       m_frames.begin() + static_cast<std::ptrdiff_t>((t * ub + i) * per_step),
                       [](std::uint8_t v) { return static_cast<float>(v); });
    }
    return {m_frames.data(), m_labels.data(), b};
  }

 private:
  std::size_t frame_size() const {
    return static_cast<std::size_t>(m_options.channels) * static_cast<std::size_t>(m_options.height) *
           static_cast<std::size_t>(m_options.width);
  }
  std::size_t sample_size() const { return static_cast<std::size_t>(m_options.time_steps) * frame_size(); }

  // Binary frames [T][P][H][W] of dataset sample `i`; ToFrame(n_time_bins) gives T frames, a
  // sample shorter than T bins (tonic: empty frames) is zero-padded.
  const std::vector<std::uint8_t>& sample(std::size_t i, std::int32_t& label) {
    label = m_dataset->label(i);
    std::vector<std::uint8_t>* slot = &m_scratch;
    if (!m_cache.empty()) {
      const auto pos = static_cast<std::size_t>(
          std::lower_bound(sorted_subset().begin(), sorted_subset().end(), i) - sorted_subset().begin());
      slot = &m_cache[pos];
      if (!slot->empty()) return *slot;
    }
    const auto fs = m_loader->get(i);
    slot->assign(sample_size(), 0);
    const auto& f = fs->frames;
    const std::size_t copy_steps = std::min<std::size_t>(static_cast<std::size_t>(f.t), static_cast<std::size_t>(m_options.time_steps));
    for (std::size_t k = 0; k < copy_steps * frame_size(); ++k) (*slot)[k] = f.counts[k] > 0 ? 1 : 0;
    return *slot;
  }
  const std::vector<std::size_t>& sorted_subset() {
    if (m_sorted.size() != m_subset.size()) {
      m_sorted = m_subset;
      std::sort(m_sorted.begin(), m_sorted.end());
    }
    return m_sorted;
  }

  event_source_options m_options;
  std::string m_transform_text;
  std::unique_ptr<data::event_dataset> m_dataset;
  std::unique_ptr<data::frame_loader> m_loader;
  std::vector<std::size_t> m_subset, m_order, m_sorted;
  std::vector<std::vector<std::uint8_t>> m_cache;
  std::vector<std::uint8_t> m_scratch;
  std::vector<float> m_frames;
  std::vector<std::int32_t> m_labels;
};

}  // namespace

std::unique_ptr<batch_source> make_event_source(const event_source_options& options) {
  return std::make_unique<event_source>(options);
}

std::filesystem::path ensure_builtin_fashion(const std::filesystem::path& default_dir, std::uint64_t seed,
                                             std::size_t train_count, std::size_t test_count) {
  if (std::filesystem::exists(default_dir)) return default_dir;
  spdlog::info("dataset builtin_fashion: '{}' does not exist; generating {} train + {} test samples (seed {}) "
               "from Fashion-MNIST, a few seconds",
               default_dir.string(), train_count, test_count, seed);
  data::fashion_generate_options g;
  // Made under a name of this process and renamed into place only if no other process (a
  // sweep worker) got there first: the generator replaces its out_dir, which would pull the
  // files from under a worker already training on them.
  g.out_dir = default_dir.string() + fmt::format(".gen.{}", ::getpid());
  g.train_count = train_count;
  g.test_count = test_count;
  g.seed = seed;
  if (!default_dir.parent_path().empty()) std::filesystem::create_directories(default_dir.parent_path());
  const auto summary = data::generate_fashion_nmnist(g);
  std::error_code ec;
  std::filesystem::rename(g.out_dir, default_dir, ec);
  if (ec) {
    std::filesystem::remove_all(g.out_dir, ec);
    if (!std::filesystem::exists(default_dir))
      throw bad_input(fmt::format("{}: cannot create the built-in Fashion event set", default_dir.string()));
  }
  spdlog::info("dataset builtin_fashion: wrote {} train + {} test samples ({} events) in {:.1f} s", summary.train_samples,
               summary.test_samples, summary.events, summary.seconds);
  return default_dir;
}

std::filesystem::path ensure_synthetic_gesture(const std::filesystem::path& default_dir, int train_trials,
                                               int test_trials, std::uint64_t seed) {
  namespace fs = std::filesystem;
  if (fs::exists(default_dir)) return default_dir;
  spdlog::info("dataset synthetic_gesture: '{}' does not exist; generating {} train + {} test recordings of 8 gestures "
               "(seed {})",
               default_dir.string(), train_trials, test_trials, seed);
  data::gesture_generate_options g;
  g.train_trials = train_trials;
  g.test_trials = test_trials;
  g.seed = seed;
  g.out_dir = default_dir.string() + fmt::format(".staging.{}", ::getpid());
  fs::create_directories(g.out_dir);
  const auto summary = data::generate_gestures(g);
  std::error_code ec;
  fs::rename(g.out_dir, default_dir, ec);
  if (ec) {
    // Another process (a sweep worker) finished the same set first: keep its copy.
    fs::remove_all(g.out_dir, ec);
    if (!fs::exists(default_dir)) throw bad_input(fmt::format("{}: cannot create the synthetic gesture set", default_dir.string()));
  }
  spdlog::info("dataset synthetic_gesture: wrote {} train + {} test samples ({} events) in {:.1f} s",
               summary.train_samples, summary.test_samples, summary.events, summary.seconds);
  return default_dir;
}

}  // namespace snncosim::nn
