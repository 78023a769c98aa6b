#pragma once
// Dropout (inverted, PyTorch semantics): in training each element is zeroed with probability
// p and the survivors scaled by 1/(1-p); a fresh mask for every element of every time step
// (nn.Dropout applied inside the time loop). The mask stream is seeded per mini-batch by
// reseed(), so a resumed run draws exactly the masks of an uninterrupted one.
#include <cstdint>
#include <vector>

#include "snncosim/nn/layer.h"

namespace snncosim::nn {

class dropout final : public layer {
 public:
  dropout(float p, std::uint64_t seed) : m_p(p), m_seed(seed), m_stream_seed(seed) {}
  std::string kind() const override { return "dropout"; }
  dnnl::memory::desc configure(engine_context& ctx, const dnnl::memory::desc& src,
                               batch_geometry geometry) override;
  const dnnl::memory& forward(engine_context& ctx, const dnnl::memory& src, bool training) override;
  const dnnl::memory& backward(engine_context& ctx, const dnnl::memory& diff_dst,
                               bool need_diff_src) override;
  dnnl::memory* diff_src_storage() override { return &m_diff_src; }
  // Sets the mask stream for the next forward from the layer seed and a mini-batch key.
  void reseed(std::uint64_t key) { m_stream_seed = m_seed ^ (key * 0x9E3779B97F4A7C15ull); }
  float p() const { return m_p; }

 private:
  float m_p;
  std::uint64_t m_seed, m_stream_seed;
  std::vector<float> m_mask;
  dnnl::memory m_src, m_dst, m_diff_src;
  bool m_last_training = false;
};

}  // namespace snncosim::nn
