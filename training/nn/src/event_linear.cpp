#include "event_linear.h"

#include <algorithm>

#include <omp.h>

namespace snncosim::nn::detail {

void gather_nonzeros(const float* src, const event_linear_geometry& g, sparse_rows& out) {
  const auto in = static_cast<std::size_t>(g.in);
  out.offsets.assign(static_cast<std::size_t>(g.rows) + 1, 0);
#pragma omp parallel for schedule(static)
  for (int r = 0; r < g.rows; ++r) {
    const float* s = src + static_cast<std::size_t>(r) * in;
    std::uint32_t n = 0;
    for (std::size_t i = 0; i < in; ++i) n += s[i] != 0.0f ? 1u : 0u;
    out.offsets[static_cast<std::size_t>(r) + 1] = n;
  }
  for (std::size_t r = 0; r < static_cast<std::size_t>(g.rows); ++r) out.offsets[r + 1] += out.offsets[r];
  out.index.resize(out.offsets.back());
  out.value.resize(out.offsets.back());
#pragma omp parallel for schedule(static)
  for (int r = 0; r < g.rows; ++r) {
    const float* s = src + static_cast<std::size_t>(r) * in;
    std::size_t k = out.offsets[static_cast<std::size_t>(r)];
    for (std::size_t i = 0; i < in; ++i)
      if (s[i] != 0.0f) {
        out.index[k] = static_cast<std::uint32_t>(i);
        out.value[k++] = s[i];
      }
  }
}

void transpose(const float* w, int out, int in, float* wt) {
  // 16x16 tiles, written row by row: both tiles stay in L1 (measured 5x faster than reading
  // rows in the inner loop).
  constexpr int tile = 16;
  const auto so = static_cast<std::size_t>(out), si = static_cast<std::size_t>(in);
#pragma omp parallel for schedule(static) collapse(2)
  for (int i0 = 0; i0 < in; i0 += tile)
    for (int o0 = 0; o0 < out; o0 += tile) {
      const int o1 = std::min(out, o0 + tile), i1 = std::min(in, i0 + tile);
      for (int i = i0; i < i1; ++i)
        for (int o = o0; o < o1; ++o)
          wt[static_cast<std::size_t>(i) * so + static_cast<std::size_t>(o)] =
              w[static_cast<std::size_t>(o) * si + static_cast<std::size_t>(i)];
    }
}

void event_linear_forward(const event_linear_geometry& g, const sparse_rows& src, const float* wt, const float* bias,
                          float* dst) {
  const auto out = static_cast<std::size_t>(g.out);
#pragma omp parallel for schedule(static)
  for (int r = 0; r < g.rows; ++r) {
    float* d = dst + static_cast<std::size_t>(r) * out;
    if (bias != nullptr)
      std::copy_n(bias, out, d);
    else
      std::fill_n(d, out, 0.0f);
    for (std::uint32_t k = src.offsets[static_cast<std::size_t>(r)]; k < src.offsets[static_cast<std::size_t>(r) + 1];
         ++k) {
      const float* w = wt + static_cast<std::size_t>(src.index[k]) * out;
      const float v = src.value[k];
      if (v == 1.0f) {
#pragma omp simd
        for (std::size_t o = 0; o < out; ++o) d[o] += w[o];
      } else {
#pragma omp simd
        for (std::size_t o = 0; o < out; ++o) d[o] += v * w[o];
      }
    }
  }
}

void event_linear_backward_weights(const event_linear_geometry& g, const sparse_rows& src, const float* diff_dst,
                                   float* dwt, float* dbias) {
  const auto out = static_cast<std::size_t>(g.out);
  std::fill_n(dwt, static_cast<std::size_t>(g.in) * out, 0.0f);
  // Column slices of 64 floats: each thread owns whole slices, so no two threads add into the
  // same element and each element's sum runs in row order.
  constexpr std::size_t slice = 64;
  const auto slices = static_cast<long>((out + slice - 1) / slice);
#pragma omp parallel for schedule(static)
  for (long c = 0; c < slices; ++c) {
    const std::size_t o0 = static_cast<std::size_t>(c) * slice, o1 = std::min(out, o0 + slice);
    for (std::size_t r = 0; r < static_cast<std::size_t>(g.rows); ++r) {
      const float* dd = diff_dst + r * out;
      for (std::uint32_t k = src.offsets[r]; k < src.offsets[r + 1]; ++k) {
        float* w = dwt + static_cast<std::size_t>(src.index[k]) * out;
        const float v = src.value[k];
        if (v == 1.0f) {
#pragma omp simd
          for (std::size_t o = o0; o < o1; ++o) w[o] += dd[o];
        } else {
#pragma omp simd
          for (std::size_t o = o0; o < o1; ++o) w[o] += v * dd[o];
        }
      }
      if (dbias != nullptr) {
        // Bias sums ride along in the same row order.
        if (r == 0) std::fill(dbias + o0, dbias + o1, 0.0f);
#pragma omp simd
        for (std::size_t o = o0; o < o1; ++o) dbias[o] += dd[o];
      }
    }
  }
}

}  // namespace snncosim::nn::detail
