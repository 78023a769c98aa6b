#pragma once
// Where the trainer gets its mini-batches: frames [T][B][C][H][W] (time-major, the layout
// of the network input) and class labels. Implemented by the built-in synthetic data and by
// an adapter over snncosim_data's frame_loader.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace snncosim::nn {

struct batch_view {
  const float* frames = nullptr;  // [T][B][C][H][W]
  const std::int32_t* labels = nullptr;
  int batch = 0;  // samples in this batch (the last one may be short)
};

class batch_source {
 public:
  virtual ~batch_source() = default;
  virtual std::size_t size() const = 0;  // samples
  virtual int time_steps() const = 0;
  virtual int channels() const = 0;
  virtual int height() const = 0;
  virtual int width() const = 0;
  virtual int num_classes() const = 0;
  virtual std::string description() const = 0;
  // Deterministic order per (seed, epoch); batch b of that order; the view stays valid
  // until the next call.
  virtual void set_epoch(int epoch) = 0;
  virtual std::size_t num_batches(int batch_size) const { return (size() + static_cast<std::size_t>(batch_size) - 1) / static_cast<std::size_t>(batch_size); }
  virtual batch_view batch(std::size_t index, int batch_size) = 0;
};

// Synthetic event frames generated in memory (no files): each class is a moving oriented
// bar pattern on a sensor of channels x height x width, drawn as binary spikes with a given
// background density. Deterministic per seed. Used until real datasets are available and by
// the benchmark (which needs only the density).
struct synthetic_options {
  std::size_t samples = 1024;
  int time_steps = 20;
  int channels = 2, height = 34, width = 34;
  int num_classes = 10;
  double density = 0.05;      // background spike probability per pixel and step
  double signal = 0.5;        // spike probability on the class pattern
  std::uint64_t seed = 1;
  bool shuffle = true;
};

class synthetic_source final : public batch_source {
 public:
  explicit synthetic_source(synthetic_options options);
  std::size_t size() const override { return m_options.samples; }
  int time_steps() const override { return m_options.time_steps; }
  int channels() const override { return m_options.channels; }
  int height() const override { return m_options.height; }
  int width() const override { return m_options.width; }
  int num_classes() const override { return m_options.num_classes; }
  std::string description() const override;
  void set_epoch(int epoch) override;
  batch_view batch(std::size_t index, int batch_size) override;
  // One sample's frames [T][C][H][W] (exposed for tests).
  void sample(std::size_t index, float* frames, std::int32_t& label) const;

 private:
  synthetic_options m_options;
  std::vector<std::size_t> m_order;
  std::vector<float> m_frames, m_sample;
  std::vector<std::int32_t> m_labels;
};

}  // namespace snncosim::nn
