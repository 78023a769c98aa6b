#include "event_conv.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include <omp.h>

#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "block_vectors.h"

namespace snncosim::nn::detail {

using dnnl::memory;

std::optional<channel_layout> describe_layout(const memory::desc& md) {
  const auto& d = md.data;
  if (d.ndims != 4 || d.data_type != dnnl_f32 || d.format_kind != dnnl_blocked) return std::nullopt;
  const auto& b = d.format_desc.blocking;
  channel_layout l;
  l.c = static_cast<int>(d.dims[1]);
  l.h = static_cast<int>(d.dims[2]);
  l.w = static_cast<int>(d.dims[3]);
  if (d.dims[0] <= 0 || l.c <= 0) return std::nullopt;
  const auto hw = static_cast<dnnl_dim_t>(l.h) * l.w;
  l.row = static_cast<std::size_t>(b.strides[0]);
  if (b.inner_nblks == 0) {
    if (b.strides[3] == 1 && b.strides[2] == l.w && b.strides[1] == hw) {  // nchw
      l.block = 1;
      l.blocks = l.c;
      l.block_stride = static_cast<std::size_t>(hw);
    } else if (b.strides[1] == 1 && b.strides[3] == l.c && b.strides[2] == l.c * l.w) {  // nhwc
      l.block = l.c;
      l.blocks = 1;
      l.block_stride = static_cast<std::size_t>(hw) * static_cast<std::size_t>(l.c);
    } else {
      return std::nullopt;
    }
  } else if (b.inner_nblks == 1 && b.inner_idxs[0] == 1) {  // nChw<B>c
    l.block = static_cast<int>(b.inner_blks[0]);
    l.blocks = (l.c + l.block - 1) / l.block;
    if (b.strides[3] != l.block || b.strides[2] != l.block * l.w || b.strides[1] != hw * l.block) return std::nullopt;
    l.block_stride = static_cast<std::size_t>(b.strides[1]);
  } else {
    return std::nullopt;
  }
  if (l.row < static_cast<std::size_t>(l.blocks) * l.block_stride) return std::nullopt;
  return l;
}

std::size_t count_nonzero(const float* src, const channel_layout& l, int rows) {
  const std::size_t per_row = static_cast<std::size_t>(l.blocks) * l.block_stride;
  std::size_t total = 0;
#pragma omp parallel for schedule(static) reduction(+ : total)
  for (int n = 0; n < rows; ++n) {
    const float* s = src + static_cast<std::size_t>(n) * l.row;
    std::size_t count = 0;
    for (std::size_t i = 0; i < per_row; ++i) count += s[i] != 0.0f ? 1u : 0u;
    total += count;
  }
  return total;
}

namespace {

// Bit i set where p[i] != 0 (NaN included), for the first n <= 16 elements.
inline std::uint32_t nonzero_mask16(const float* p, int n) {
#if defined(__AVX512F__)
  const auto take = static_cast<__mmask16>((1u << n) - 1u);
  return _mm512_cmp_ps_mask(_mm512_maskz_loadu_ps(take, p), _mm512_setzero_ps(), _CMP_NEQ_UQ);
#elif defined(__AVX2__)
  const __m256i at = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i lo = _mm256_cmpgt_epi32(_mm256_set1_epi32(n), at);
  const __m256i hi = _mm256_cmpgt_epi32(_mm256_set1_epi32(n - 8), at);
  const __m256 zero = _mm256_setzero_ps();
  const auto m0 = static_cast<std::uint32_t>(_mm256_movemask_ps(_mm256_cmp_ps(_mm256_maskload_ps(p, lo), zero, _CMP_NEQ_UQ)));
  const auto m1 = static_cast<std::uint32_t>(
      _mm256_movemask_ps(_mm256_cmp_ps(_mm256_maskload_ps(p + 8, hi), zero, _CMP_NEQ_UQ)));
  return (m0 & 0xffu) | ((m1 & 0xffu) << 8);
#else
  std::uint32_t m = 0;
  for (int i = 0; i < n; ++i) m |= (p[i] != 0.0f ? 1u : 0u) << i;
  return m;
#endif
}

// Calls f(c, y, x, v) for every non-zero element of one src row, in layout order. Each
// pixel row (w * block contiguous floats) is tested 16 elements at a time and only the set
// bits visited: a branch per element mispredicted at every spike (~15 % of a csnn step).
template <class F>
inline void for_each_event(const float* s, const channel_layout& l, F&& f) {
  const int span = l.w * l.block;
  const bool pow2 = (l.block & (l.block - 1)) == 0;
  const int shift = __builtin_ctz(static_cast<unsigned>(l.block));
  for (int cb = 0; cb < l.blocks; ++cb) {
    const float* plane = s + static_cast<std::size_t>(cb) * l.block_stride;
    for (int y = 0; y < l.h; ++y) {
      const float* p = plane + static_cast<std::size_t>(y) * static_cast<std::size_t>(span);
      for (int e0 = 0; e0 < span; e0 += 16) {
        std::uint32_t m = nonzero_mask16(p + e0, std::min(16, span - e0));
        while (m != 0) {
          const int e = e0 + __builtin_ctz(m);
          m &= m - 1;
          const int x = pow2 ? e >> shift : e / l.block;
          const int j = e - x * l.block;
          f(cb * l.block + j, y, x, p[e]);
        }
      }
    }
  }
}

// Calls f(ky, kx, oy, ox) for every output that input (y, x) reaches. Stride 1 (the
// common case) computes the tap range directly: an integer division per tap costs more
// than the 16-lane update it guards.
template <class F>
inline void for_each_tap(const event_conv_geometry& g, int y, int x, F&& f) {
  const int k = g.kernel, s = g.stride, p = g.padding;
  if (s == 1) {
    const int ky_lo = std::max(0, y + p - (g.dst.h - 1)), ky_hi = std::min(k - 1, y + p);
    const int kx_lo = std::max(0, x + p - (g.dst.w - 1)), kx_hi = std::min(k - 1, x + p);
    for (int ky = ky_lo; ky <= ky_hi; ++ky)
      for (int kx = kx_lo; kx <= kx_hi; ++kx) f(ky, kx, y + p - ky, x + p - kx);
    return;
  }
  for (int ky = 0; ky < k; ++ky) {
    const int ny = y + p - ky;
    if (ny < 0) break;
    if (ny % s != 0) continue;
    const int oy = ny / s;
    if (oy >= g.dst.h) continue;
    for (int kx = 0; kx < k; ++kx) {
      const int nx = x + p - kx;
      if (nx < 0) break;
      if (nx % s != 0) continue;
      const int ox = nx / s;
      if (ox >= g.dst.w) continue;
      f(ky, kx, oy, ox);
    }
  }
}

// Per output block of B lanes: q[j] += v * w[j]. B known at compile time vectorises.
template <int B>
inline void axpy_blocks(float v, const float* w, float* q, int blocks, std::size_t block_stride, int runtime_block) {
  const int b = B > 0 ? B : runtime_block;
  for (int ob = 0; ob < blocks; ++ob) {
    float* qq = q + static_cast<std::size_t>(ob) * block_stride;
    const float* ww = w + ob * b;
#pragma omp simd
    for (int j = 0; j < b; ++j) qq[j] += v * ww[j];
  }
}

// One row of the output: bias, then one weight kernel added per event of the src row.
template <int B>
void forward_row(const event_conv_geometry& g, const float* src_row, const float* wt, const float* bias, float* out) {
  const channel_layout& d = g.dst;
  const int ocp = d.padded_channels(), k = g.kernel;
  const int ohw = d.h * d.w;
  const int b = B > 0 ? B : d.block;
  for (int ob = 0; ob < d.blocks; ++ob) {
    float lanes[B > 0 ? B : 1];
    float* q = out + static_cast<std::size_t>(ob) * d.block_stride;
    if constexpr (B > 0) {
      for (int j = 0; j < B; ++j) lanes[j] = bias != nullptr ? bias[ob * B + j] : 0.0f;
      for (int pix = 0; pix < ohw; ++pix, q += B)
#pragma omp simd
        for (int j = 0; j < B; ++j) q[j] = lanes[j];
    } else {
      for (int pix = 0; pix < ohw; ++pix, q += b)
        for (int j = 0; j < b; ++j) q[j] = bias != nullptr ? bias[ob * b + j] : 0.0f;
    }
  }
  for_each_event(src_row, g.src, [&](int c, int y, int x, float v) {
    for_each_tap(g, y, x, [&](int ky, int kx, int oy, int ox) {
      const float* w = wt + (static_cast<std::size_t>(c * k + ky) * k + kx) * static_cast<std::size_t>(ocp);
      axpy_blocks<B>(v, w, out + static_cast<std::size_t>(oy * d.w + ox) * b, d.blocks, d.block_stride, b);
    });
  });
}

template <int B>
void forward_rows(const event_conv_geometry& g, const float* src, const float* wt, const float* bias, float* dst) {
#pragma omp parallel for schedule(static)
  for (int n = 0; n < g.rows; ++n)
    forward_row<B>(g, src + static_cast<std::size_t>(n) * g.src.row, wt, bias, dst + static_cast<std::size_t>(n) * g.dst.row);
}

// 2 x 2, stride 2 max pooling of one conv output row (layout g.dst) into one row of p (same
// channel blocking), with the window position (0-3, row-major) of each maximum. The first
// maximum in the window wins, as in oneDNN's max pooling (it takes a later value only if it
// is greater), so the gradient lands on the same element.
template <int B>
void max_pool_row(const channel_layout& d, const channel_layout& p, const float* in, float* out, std::uint8_t* where) {
  const int b = B > 0 ? B : d.block;
  for (int ob = 0; ob < d.blocks; ++ob) {
    const float* q = in + static_cast<std::size_t>(ob) * d.block_stride;
    float* o = out + static_cast<std::size_t>(ob) * p.block_stride;
    std::uint8_t* wh = where + static_cast<std::size_t>(ob) * p.block_stride;
    for (int py = 0; py < p.h; ++py)
      for (int px = 0; px < p.w; ++px) {
        const float* q00 = q + (static_cast<std::size_t>(2 * py) * d.w + 2 * px) * b;
        const float* q01 = q00 + b;
        const float* q10 = q00 + static_cast<std::size_t>(d.w) * b;
        const float* q11 = q10 + b;
        const std::size_t at = (static_cast<std::size_t>(py) * p.w + px) * b;
        if constexpr (B > 0) {
          // Whole blocks as vectors with selects (branches per lane kept 8-lane blocks scalar:
          // a third of a csnn step with AVX2 kernels).
          using fv = typename block_vectors<B>::floats;
          using iv = typename block_vectors<B>::ints;
          fv m = load_block<fv>(q00);
          const fv v1 = load_block<fv>(q01), v2 = load_block<fv>(q10), v3 = load_block<fv>(q11);
          iv w = iv{};
          iv gt = v1 > m;
          w = gt ? iv{} + 1 : w;
          m = gt ? v1 : m;
          gt = v2 > m;
          w = gt ? iv{} + 2 : w;
          m = gt ? v2 : m;
          gt = v3 > m;
          w = gt ? iv{} + 3 : w;
          m = gt ? v3 : m;
          store_block(o + at, m);
          for (int j = 0; j < B; ++j) wh[at + static_cast<std::size_t>(j)] = static_cast<std::uint8_t>(w[j]);
        } else {
          for (int j = 0; j < b; ++j) {
            float m = q00[j];
            std::uint8_t w = 0;
            if (q01[j] > m) m = q01[j], w = 1;
            if (q10[j] > m) m = q10[j], w = 2;
            if (q11[j] > m) m = q11[j], w = 3;
            o[at + j] = m;
            wh[at + j] = w;
          }
        }
      }
  }
}

template <int B>
void forward_pool_rows(const event_conv_geometry& g, const channel_layout& p, const float* src, const float* wt,
                       const float* bias, float* dst, std::uint8_t* where, float* row_scratch) {
#pragma omp parallel
  {
    float* row = row_scratch + static_cast<std::size_t>(omp_get_thread_num()) * g.dst.row;
#pragma omp for schedule(static)
    for (int n = 0; n < g.rows; ++n) {
      forward_row<B>(g, src + static_cast<std::size_t>(n) * g.src.row, wt, bias, row);
      max_pool_row<B>(g.dst, p, row, dst + static_cast<std::size_t>(n) * p.row, where + static_cast<std::size_t>(n) * p.row);
    }
  }
}

// The conv output gradient of one row from the pooled one: each pooled gradient at its
// window's maximum, zero elsewhere (what max pooling's backward writes).
template <int B>
void unpool_row(const channel_layout& d, const channel_layout& p, const float* diff, const std::uint8_t* where, float* out) {
  const int b = B > 0 ? B : d.block;
  std::fill(out, out + static_cast<std::size_t>(d.blocks) * d.block_stride, 0.0f);
  for (int ob = 0; ob < d.blocks; ++ob) {
    float* q = out + static_cast<std::size_t>(ob) * d.block_stride;
    const float* dd = diff + static_cast<std::size_t>(ob) * p.block_stride;
    const std::uint8_t* wh = where + static_cast<std::size_t>(ob) * p.block_stride;
    for (int py = 0; py < p.h; ++py)
      for (int px = 0; px < p.w; ++px) {
        const std::size_t at = (static_cast<std::size_t>(py) * p.w + px) * b;
        for (int j = 0; j < b; ++j) {
          const int w = wh[at + j];
          q[(static_cast<std::size_t>(2 * py + (w >> 1)) * d.w + 2 * px + (w & 1)) * b + j] = dd[at + j];
        }
      }
  }
}

// acc[w] += v * diff_dst block lanes (gather; the mirror of axpy_blocks).
template <int B>
inline void gather_blocks(float v, const float* q, float* acc, int blocks, std::size_t block_stride, int runtime_block) {
  const int b = B > 0 ? B : runtime_block;
  for (int ob = 0; ob < blocks; ++ob) {
    const float* qq = q + static_cast<std::size_t>(ob) * block_stride;
    float* aa = acc + ob * b;
#pragma omp simd
    for (int j = 0; j < b; ++j) aa[j] += v * qq[j];
  }
}

constexpr int k_parts = 8;

std::size_t weight_floats(const event_conv_geometry& g) {
  return static_cast<std::size_t>(g.src.c) * static_cast<std::size_t>(g.kernel * g.kernel) *
         static_cast<std::size_t>(g.dst.padded_channels());
}

// row_diff(n, thread) gives the diff_dst row n (the thread's own buffer where it builds one).
template <int B, class RowDiff>
void backward_weights_rows(const event_conv_geometry& g, const float* src, RowDiff&& row_diff, float* dwt,
                           float* dbias, float* scratch) {
  const channel_layout& d = g.dst;
  const int ocp = d.padded_channels(), k = g.kernel;
  const int ohw = d.h * d.w;
  const int b = B > 0 ? B : d.block;
  const std::size_t wn = weight_floats(g);
  const std::size_t part_floats = wn + static_cast<std::size_t>(ocp);
  const int parts = std::min(k_parts, g.rows);
#pragma omp parallel for schedule(static)
  for (int p = 0; p < parts; ++p) {
    float* acc = scratch + static_cast<std::size_t>(p) * part_floats;
    float* bacc = acc + wn;
    std::fill(acc, acc + part_floats, 0.0f);
    const int lo = g.rows * p / parts, hi = g.rows * (p + 1) / parts;
    for (int n = lo; n < hi; ++n) {
      const float* dd = row_diff(n, omp_get_thread_num());
      for (int ob = 0; ob < d.blocks; ++ob) {
        const float* q = dd + static_cast<std::size_t>(ob) * d.block_stride;
        float* ba = bacc + ob * b;
        for (int pix = 0; pix < ohw; ++pix, q += b)
#pragma omp simd
          for (int j = 0; j < b; ++j) ba[j] += q[j];
      }
      for_each_event(src + static_cast<std::size_t>(n) * g.src.row, g.src, [&](int c, int y, int x, float v) {
        for_each_tap(g, y, x, [&](int ky, int kx, int oy, int ox) {
          float* a = acc + (static_cast<std::size_t>(c * k + ky) * k + kx) * static_cast<std::size_t>(ocp);
          gather_blocks<B>(v, dd + static_cast<std::size_t>(oy * d.w + ox) * b, a, d.blocks, d.block_stride, b);
        });
      });
    }
  }
  // Parts are added in index order for every element: independent of the thread count.
  const auto total = static_cast<std::ptrdiff_t>(part_floats);
#pragma omp parallel for schedule(static)
  for (std::ptrdiff_t i = 0; i < total; ++i) {
    float s = 0.0f;
    for (int p = 0; p < parts; ++p) s += scratch[static_cast<std::size_t>(p) * part_floats + static_cast<std::size_t>(i)];
    if (static_cast<std::size_t>(i) < wn)
      dwt[i] = s;
    else if (dbias != nullptr)
      dbias[static_cast<std::size_t>(i) - wn] = s;
  }
}

// Calls f(std::integral_constant<int, B>{}) with B the channel block the kernels are
// specialised for (16, 8; 0: any block, read at run time).
template <class F>
void with_block(int block, F&& f) {
  switch (block) {
    case 16: return f(std::integral_constant<int, 16>{});
    case 8: return f(std::integral_constant<int, 8>{});
    default: return f(std::integral_constant<int, 0>{});
  }
}

}  // namespace

void event_conv_forward(const event_conv_geometry& g, const float* src, const float* wt, const float* bias,
                        float* dst) {
  with_block(g.dst.block, [&](auto b) { forward_rows<decltype(b)::value>(g, src, wt, bias, dst); });
}

std::size_t event_conv_scratch_floats(const event_conv_geometry& g) {
  return static_cast<std::size_t>(k_parts) * (weight_floats(g) + static_cast<std::size_t>(g.dst.padded_channels()));
}

void event_conv_backward_weights(const event_conv_geometry& g, const float* src, const float* diff_dst, float* dwt,
                                 float* dbias, float* scratch) {
  const auto rows = [&](int n, int) { return diff_dst + static_cast<std::size_t>(n) * g.dst.row; };
  with_block(g.dst.block, [&](auto b) { backward_weights_rows<decltype(b)::value>(g, src, rows, dwt, dbias, scratch); });
}

std::optional<channel_layout> pooled_layout(const event_conv_geometry& g, const dnnl::memory::desc& pool_dst) {
  auto p = describe_layout(pool_dst);
  if (!p || p->block != g.dst.block || p->blocks != g.dst.blocks || p->h != g.dst.h / 2 || p->w != g.dst.w / 2 ||
      p->c != g.dst.c || p->h < 1 || p->w < 1)
    return std::nullopt;
  return p;
}

std::size_t event_conv_pool_row_floats(const event_conv_geometry& g, int threads) {
  return static_cast<std::size_t>(threads) * g.dst.row;
}

void event_conv_pool_forward(const event_conv_geometry& g, const channel_layout& p, const float* src, const float* wt,
                             const float* bias, float* dst, std::uint8_t* where, float* row_scratch) {
  with_block(g.dst.block, [&](auto b) { forward_pool_rows<decltype(b)::value>(g, p, src, wt, bias, dst, where, row_scratch); });
}

void event_conv_pool_backward_weights(const event_conv_geometry& g, const channel_layout& p, const float* src,
                                      const float* diff_pooled, const std::uint8_t* where, float* dwt, float* dbias,
                                      float* scratch, float* row_scratch) {
  with_block(g.dst.block, [&](auto b) {
    const auto rows = [&](int n, int thread) {
      float* row = row_scratch + static_cast<std::size_t>(thread) * g.dst.row;
      unpool_row<decltype(b)::value>(g.dst, p, diff_pooled + static_cast<std::size_t>(n) * p.row,
                      where + static_cast<std::size_t>(n) * p.row, row);
      return static_cast<const float*>(row);
    };
    backward_weights_rows<decltype(b)::value>(g, src, rows, dwt, dbias, scratch);
  });
}

}  // namespace snncosim::nn::detail
