#pragma once
// Fully connected layer (PyTorch nn.Linear). A 4-D input (N, C, H, W) in any layout is
// consumed directly, flattened in C, H, W order like torch.flatten, so no Flatten copy is
// needed in front of it. Weights are plain (out, in) row-major for the optimiser.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "snncosim/nn/conv2d.h"
#include "snncosim/nn/detail/aligned_vector.h"
#include "snncosim/nn/layer.h"

namespace snncosim::nn {

struct linear_options {
  int in_features = 1;
  int out_features = 1;
  bool bias = true;
  // Event-driven forward and weight gradient below this input density (plain 2-D inputs
  // only; crossover estimate in docs/training.md).
  float event_density_threshold = 0.45f;
  // An event adds one row of out_features weights; below this the per-event overhead costs
  // more than oneDNN's dense product (a 10-class output layer stays dense).
  int event_min_outputs = 64;
};

namespace detail {
struct event_linear_geometry;
struct sparse_rows;
}  // namespace detail

class linear final : public layer {
 public:
  linear(linear_options options, std::uint64_t seed);
  std::string kind() const override { return "linear"; }
  dnnl::memory::desc configure(engine_context& ctx, const dnnl::memory::desc& src,
                               batch_geometry geometry) override;
  const dnnl::memory& forward(engine_context& ctx, const dnnl::memory& src, bool training) override;
  const dnnl::memory& backward(engine_context& ctx, const dnnl::memory& diff_dst,
                               bool need_diff_src) override;
  std::vector<parameter> parameters() override;
  dnnl::memory* diff_src_storage() override { return &m_diff_src; }
  ~linear() override;

  void set_event_mode(event_mode mode) { m_event_mode = mode; }
  bool last_forward_event_driven() const { return m_last_event; }
  const linear_options& options() const { return m_options; }
  // Views, not vectors: the primitives hold pointers into the storage. An inference forward
  // (training false) on the event-driven path reuses the transposed copy of the weights the
  // forward before made, unless a backward (an optimiser step follows) or a call of weights()
  // or parameters() (the caller may write through what it gets) came in between: between
  // inference forwards, write weights through a view taken after the last forward, not
  // through one kept across forwards. Training forwards always read the weights afresh.
  std::span<float> weights() {
    m_event_wt_current = false;
    return m_weights;
  }
  std::span<float> bias() { return m_bias; }

 private:
  linear_options m_options;
  std::vector<float> m_weights, m_bias, m_diff_weights, m_diff_bias;
  std::optional<dnnl::inner_product_forward::primitive_desc> m_fwd_pd;
  std::optional<dnnl::inner_product_backward_data::primitive_desc> m_bwd_data_pd;
  std::optional<dnnl::inner_product_backward_weights::primitive_desc> m_bwd_weights_pd;
  dnnl::inner_product_forward m_fwd;
  dnnl::inner_product_backward_data m_bwd_data;
  dnnl::inner_product_backward_weights m_bwd_weights;
  dnnl::memory m_user_weights, m_user_bias, m_user_diff_weights, m_user_diff_bias;
  dnnl::memory m_prim_weights, m_prim_diff_weights;
  dnnl::reorder m_reorder_weights, m_reorder_diff_weights;
  bool m_weights_reordered = false, m_diff_weights_reordered = false;
  dnnl::memory m_src, m_dst, m_diff_src;
  // Event-driven path (detail::event_linear): weights transposed to [in][out], as column panels.
  event_mode m_event_mode = event_mode::automatic;
  std::unique_ptr<detail::event_linear_geometry> m_event_geom;  // null: src layout not plain
  std::unique_ptr<detail::sparse_rows> m_events;
  detail::aligned_vector<float> m_event_wt;
  bool m_last_event = false;
  bool m_event_wt_current = false;     // m_event_wt holds the present weights transposed
  bool m_prim_weights_stale = false;  // the event forward skipped the forward's weight reorder
  bool m_bwd_data_plain = false;       // backward-data reads the plain (out, in) weights
};

}  // namespace snncosim::nn
