#pragma once
// Event-driven 2-D convolution for sparse inputs (spike frames, spikes fed from a neuron
// layer): the forward scatters one weight kernel per non-zero input element, the weight
// gradient gathers diff_dst per non-zero input element. Cost is proportional to
// non-zeros x OC x K^2 instead of N x OC x OH x OW x IC x K^2, so it wins below a density
// (docs/training.md, "Event-driven convolution"). Works directly on oneDNN's layouts whose
// channel dimension is plain (nchw), channels-last (nhwc) or blocked (nChw8c, nChw16c).
#include <cstddef>
#include <cstdint>
#include <optional>

#include <oneapi/dnnl/dnnl.hpp>

namespace snncosim::nn::detail {

// Element (n, c, y, x) lives at n*row + (c/block)*block_stride + (y*w + x)*block + c%block.
struct channel_layout {
  std::size_t row = 0;
  std::size_t block_stride = 0;
  int block = 1;
  int blocks = 1;  // ceil(C / block): the padded channel count is blocks * block
  int c = 0, h = 0, w = 0;
  int padded_channels() const { return blocks * block; }
};

// Empty for layouts the event kernels do not handle (the layer then stays dense).
std::optional<channel_layout> describe_layout(const dnnl::memory::desc& md);

struct event_conv_geometry {
  int rows = 0;  // N (the T*N rows of the engine)
  int kernel = 1, stride = 1, padding = 0;
  channel_layout src, dst;
};

// Non-zero elements of src (padding lanes are zero and never count).
std::size_t count_nonzero(const float* src, const channel_layout& l, int rows);

// dst = bias + conv(src, W). wt: weights as [ic][ky][kx][dst.padded_channels()] (padding
// lanes zero); bias: dst.padded_channels() values or null. Every dst element is written,
// padding lanes get 0.
void event_conv_forward(const event_conv_geometry& g, const float* src, const float* wt, const float* bias,
                        float* dst);

// dwt (layout of wt) = sum over non-zero src of src * diff_dst at the covered outputs;
// dbias (padded, may be null) = sum of diff_dst per channel. scratch: at least
// event_conv_scratch_floats(g) floats. The row range is split into a fixed number of
// parts added in a fixed order: the result does not depend on the thread count.
std::size_t event_conv_scratch_floats(const event_conv_geometry& g);
void event_conv_backward_weights(const event_conv_geometry& g, const float* src, const float* diff_dst, float* dwt,
                                 float* dbias, float* scratch);

// The same convolution followed by 2 x 2, stride 2 max pooling, one row at a time: the conv
// row stays in cache (in row_scratch, event_conv_pool_row_floats) instead of a whole batch of
// conv output going to memory and back (csnn's first conv: 37 MB a step, read by the pooling
// and written again as its gradient). Computes exactly what the two layers compute apart.
// pooled_layout: the pooled output's layout if these kernels handle it (same channel
// blocking as the conv output, h and w halved, floored).
std::optional<channel_layout> pooled_layout(const event_conv_geometry& g, const dnnl::memory::desc& pool_dst);
std::size_t event_conv_pool_row_floats(const event_conv_geometry& g, int threads);
// dst (layout p) = max pool of bias + conv(src, W); where: per dst element, the position of
// its maximum in the 2 x 2 window (0-3, row-major), in p's layout with one byte per element.
void event_conv_pool_forward(const event_conv_geometry& g, const channel_layout& p, const float* src, const float* wt,
                             const float* bias, float* dst, std::uint8_t* where, float* row_scratch);
// event_conv_backward_weights with diff_dst = max pooling's backward of diff_pooled.
void event_conv_pool_backward_weights(const event_conv_geometry& g, const channel_layout& p, const float* src,
                                      const float* diff_pooled, const std::uint8_t* where, float* dwt, float* dbias,
                                      float* scratch, float* row_scratch);

}  // namespace snncosim::nn::detail
