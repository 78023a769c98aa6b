#pragma once
// Winograd F(4x4, 3x3) convolution for 3x3, stride-1 layers, for where oneDNN has none
// (oneDNN 2.6 has Winograd only for AVX-512): 36 multiplications per 4x4 output tile and
// channel pair instead of 144. Each tile's 6x6 input patch is transformed (B^T d B), the 36
// transformed planes are multiplied with the transformed weights (G g G^T) by oneDNN's sgemm,
// and the products are transformed back (A^T m A) (Lavin and Gray, "Fast Algorithms for
// Convolutional Neural Networks", 2016). The same kernel computes backward-data: a 3x3
// convolution of diff_dst with the weights rotated by 180 degrees, in and out swapped, padding
// 2 - p. Works directly on oneDNN's channel-blocked layouts (nChw8c, nChw16c).
#include <cstddef>

#include "event_conv.h"

namespace snncosim::nn::detail {

struct winograd_geometry {
  int rows = 0;  // N
  int padding = 0;
  channel_layout src, dst;
  int tiles_h() const { return (dst.h + 3) / 4; }
  int tiles_w() const { return (dst.w + 3) / 4; }
  std::size_t tiles() const { return static_cast<std::size_t>(rows) * tiles_h() * tiles_w(); }
};

// Whether the kernels handle these layouts: src and dst blocked alike by 8 or 16 channels,
// output size that of a 3x3 stride-1 convolution with this padding (0-2).
bool winograd_supported(const winograd_geometry& g);

// u (winograd_weight_floats): the transformed weights, [36][src.c][dst.padded_channels()],
// padding lanes zero. w is oihw with o = dst.c, i = src.c; for backward-data (rotated) w is
// the forward's oihw weights (o = src.c, i = dst.c), rotated and transposed here.
std::size_t winograd_weight_floats(const winograd_geometry& g);
void winograd_weights(const winograd_geometry& g, const float* w, bool rotated, float* u);

// dst = bias + conv(src, w) through u. bias: dst.padded_channels() values or null. Every dst
// element is written (padding lanes 0). scratch: winograd_scratch_floats(g, threads) floats.
// Tiles are cut into fixed chunks, each computed by one thread: the result does not depend on
// the thread count.
std::size_t winograd_scratch_floats(const winograd_geometry& g, int threads);
void winograd_conv(const winograd_geometry& g, const float* src, const float* u, const float* bias, float* dst,
                   float* scratch);

// The weight gradient of winograd_conv's forward, by the adjoint of its transforms:
// dw = G^T [sum over tiles of (B^T d B) . (A dY A^T)] G, the sums over tiles by sgemm.
// dw: oihw (o = dst.c, i = src.c); dbias (dst.c values) may be null. The tiles are summed in
// chunks of a fixed size, in order, the threads splitting each chunk's 36 planes: the result
// does not depend on the thread count. scratch: winograd_weight_grad_scratch_floats(g) floats
// (shared by the threads, so independent of their number).
std::size_t winograd_weight_grad_scratch_floats(const winograd_geometry& g);
void winograd_weight_grad(const winograd_geometry& g, const float* src, const float* diff_dst, float* dw,
                          float* dbias, float* scratch);

}  // namespace snncosim::nn::detail
