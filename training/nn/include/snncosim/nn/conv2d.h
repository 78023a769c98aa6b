#pragma once
// 2-D convolution (PyTorch nn.Conv2d semantics, square kernel, symmetric zero padding,
// optional bias). Weights are kept in plain oihw for the optimiser and checkpoints and
// reordered into the primitive's preferred layout once per mini-batch.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "snncosim/nn/detail/aligned_vector.h"
#include "snncosim/nn/detail/edge.h"
#include "snncosim/nn/layer.h"

namespace snncosim::nn {

class pool2d;

namespace detail {
struct event_conv_geometry;
struct channel_layout;
struct winograd_geometry;
}

// direct: oneDNN's direct convolution. automatic: 3x3 stride-1 layers with at least
// winograd_min_in_channels inputs let oneDNN choose (convolution_auto: Winograd F(4x4, 3x3)
// where it has one and finds it faster, e.g. AVX-512 at VGG9's sizes; about 2x there,
// docs/training.md "Winograd"); where oneDNN has none (AVX2) and the batch has at least
// builtin_winograd_min_tiles output tiles, the forward and backward-data run the project's
// own Winograd F(4x4, 3x3) (src/winograd_conv.h; with the weight gradient where oneDNN's
// Winograd does not compute it); others run direct. winograd: oneDNN's
// Winograd or an error, builtin_winograd: the project's or an error (tests, A/B runs).
enum class conv_algorithm { direct, automatic, winograd, builtin_winograd };

struct conv2d_options {
  int in_channels = 1;
  int out_channels = 1;
  int kernel = 3;
  int stride = 1;
  int padding = 0;
  bool bias = true;
  // Event-driven forward and weight gradient when the input density (non-zero fraction)
  // of a mini-batch is below this (docs/training.md, "Event-driven convolution").
  float event_density_threshold = 0.25f;
  // ... and only when one input element feeds at least this many weights per output
  // channel (in_channels * kernel^2): below it oneDNN's dense kernel is memory-bound and
  // the event path's output fill and scan cost as much (measured, docs/training.md).
  int event_min_taps = 32;
  conv_algorithm algorithm = conv_algorithm::automatic;
  // The 2-channel first layers stay direct: Winograd was 4-5x slower there (VGG9 conv0).
  int winograd_min_in_channels = 8;
  // 4x4 output tiles per mini-batch (N x ceil(OH/4) x ceil(OW/4)) below which automatic does
  // not take the built-in Winograd: one sgemm chunk's worth.
  int builtin_winograd_min_tiles = 64;
};

// automatic: by input density per mini-batch; always / never: for tests and A/B runs.
enum class event_mode { automatic, always, never };

class conv2d final : public layer {
 public:
  conv2d(conv2d_options options, std::uint64_t seed);
  ~conv2d() override;
  std::string kind() const override { return "conv2d"; }
  dnnl::memory::desc configure(engine_context& ctx, const dnnl::memory::desc& src,
                               batch_geometry geometry) override;
  const dnnl::memory& forward(engine_context& ctx, const dnnl::memory& src, bool training) override;
  const dnnl::memory& backward(engine_context& ctx, const dnnl::memory& diff_dst,
                               bool need_diff_src) override;
  std::vector<parameter> parameters() override;
  dnnl::memory* diff_src_storage() override { return &m_diff_src; }

  const conv2d_options& options() const { return m_options; }
  // Views, not vectors: the primitives hold pointers into the storage.
  std::span<float> weights() { return m_weights; }  // oihw
  std::span<float> bias() { return m_bias; }

  void set_event_mode(event_mode mode) { m_event_mode = mode; }
  // Whether the last forward ran event-driven, and the input density it measured.
  bool last_forward_event_driven() const { return m_last_event; }
  // oneDNN's implementation of the dense forward, backward-data and backward-weights passes
  // (e.g. "jit_wino_4x3:avx512_core"), after configure.
  std::string implementation() const;
  double last_input_density() const { return m_last_density; }

  // Lets the event-driven path compute the max pooling that follows this layer (2 x 2,
  // stride 2, no padding) row by row with the convolution (detail::event_conv_pool_forward),
  // the pooling layer passing its result on. Only for a layer whose backward computes no
  // diff_src (the network's first trainable layer). After configure; a configure undoes it.
  // Returns whether the layouts allow it.
  bool fuse_max_pool(pool2d& next);
  // Whether the last forward also pooled.
  bool last_forward_pooled() const { return m_last_event && m_fused_pool != nullptr; }

 private:
  void configure_events(const dnnl::memory::desc& src);
  bool choose_events(const dnnl::memory& src);
  void forward_events(const dnnl::memory& src);
  void backward_weights_events(const dnnl::memory& diff_dst);
  void configure_builtin_winograd(engine_context& ctx, const dnnl::memory::desc& src);
  // The built-in Winograd of g (forward or backward-data) from src into dst.
  void run_builtin_winograd(engine_context& ctx, const detail::winograd_geometry& g, const dnnl::memory& src,
                            const dnnl::memory& dst, bool backward_data);
  // Floats the built-in passes need (transformed weights and chunk buffers) with this many
  // threads: the forward and backward-data, or the weight gradient; and where they live.
  std::size_t wino_floats(bool gradient, int threads) const;
  float* wino_buffer(engine_context& ctx, bool gradient);

  conv2d_options m_options;
  std::vector<float> m_weights, m_bias, m_diff_weights, m_diff_bias;

  std::optional<dnnl::convolution_forward::primitive_desc> m_fwd_pd;
  std::optional<dnnl::convolution_backward_data::primitive_desc> m_bwd_data_pd;
  std::optional<dnnl::convolution_backward_weights::primitive_desc> m_bwd_weights_pd;
  dnnl::convolution_forward m_fwd;
  dnnl::convolution_backward_data m_bwd_data;
  dnnl::convolution_backward_weights m_bwd_weights;

  dnnl::memory m_user_weights, m_user_bias, m_user_diff_weights, m_user_diff_bias;
  dnnl::memory m_prim_diff_weights, m_prim_diff_src;
  detail::edge m_w_fwd, m_w_bwd, m_dw, m_src_fwd, m_src_bw, m_ddst_bw, m_ddst_bd, m_dsrc;
  bool m_src_shared = false;  // backward-weights reads the forward's src copy
  dnnl::memory m_dst, m_diff_src;
  dnnl::memory m_src, m_conv_src;  // the src of the last forward, as given and as convolved

  // Event-driven path (detail::event_conv): weights as [ic][ky][kx][padded oc].
  event_mode m_event_mode = event_mode::automatic;
  bool m_event_ok = false;  // src and dst layouts are ones the event kernels handle
  std::unique_ptr<detail::event_conv_geometry> m_event_geom;
  detail::aligned_vector<float> m_event_w, m_event_b, m_event_dw, m_event_db, m_event_scratch;
  std::size_t m_src_elements = 0;
  bool m_last_event = false;
  double m_last_density = 1.0;
  // Max pooling fused into the event path (fuse_max_pool).
  pool2d* m_fused_pool = nullptr;
  std::unique_ptr<detail::channel_layout> m_pool_layout;
  std::vector<std::uint8_t> m_pool_where;
  detail::aligned_vector<float> m_pool_rows;
  // Built-in Winograd (detail::winograd_conv) for the forward and backward-data passes: null
  // where oneDNN's kernels run.
  std::unique_ptr<detail::winograd_geometry> m_wino_geom, m_wino_bwd;  // forward, backward-data
  bool m_wino_forward = false, m_wino_grad = false;  // the forward, the weight gradient
  detail::edge m_wino_src, m_wino_dsrc;  // src into the kernels' blocking, diff_src back
  dnnl::memory m_wino_in, m_wino_dsrc_buffer;  // the last forward's src in that blocking
  detail::aligned_vector<float> m_wino_bias, m_wino_own;  // m_wino_own: beyond the reservation
  std::size_t m_wino_scratch_floats = 0;                  // reserved in the shared scratchpad
};

}  // namespace snncosim::nn
