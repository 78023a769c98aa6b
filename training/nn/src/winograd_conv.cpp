#include "winograd_conv.h"

#include <algorithm>

#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#include "block_vectors.h"

namespace snncosim::nn::detail {

namespace {

constexpr int alpha = 6;  // input tile size: 4 outputs + 3 - 1
constexpr int planes = alpha * alpha;

// Tiles per chunk: the transformed inputs and products of one chunk (36 x tiles x channels
// each) stay in L2 while sgemm multiplies them.
std::size_t chunk_tiles(const winograd_geometry& g) {
  const auto per_tile = static_cast<std::size_t>(planes) * (g.src.padded_channels() + g.dst.padded_channels());
  const std::size_t fit = (768u * 1024u / sizeof(float)) / per_tile;
  return std::clamp<std::size_t>(fit / 8 * 8, 16, 96);
}

// G (6 x 3) of F(4, 3).
constexpr double gm[alpha][3] = {{1.0 / 4, 0, 0},          {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                                 {-1.0 / 6, 1.0 / 6, -1.0 / 6}, {1.0 / 24, 1.0 / 12, 1.0 / 6},
                                 {1.0 / 24, -1.0 / 12, 1.0 / 6}, {0, 0, 1}};

// r = B^T d for one column of a tile (Lavin and Gray's F(4, 3) input transform).
template <typename V>
inline void input_1d(const V* d, std::size_t s, V* r, std::size_t rs) {
  const V d0 = d[0], d1 = d[s], d2 = d[2 * s], d3 = d[3 * s], d4 = d[4 * s], d5 = d[5 * s];
  r[0] = 4.0f * d0 - 5.0f * d2 + d4;
  r[rs] = -4.0f * (d1 + d2) + d3 + d4;
  r[2 * rs] = 4.0f * (d1 - d2) - d3 + d4;
  r[3 * rs] = 2.0f * (d3 - d1) - d2 + d4;
  r[4 * rs] = 2.0f * (d1 - d3) - d2 + d4;
  r[5 * rs] = 4.0f * d1 - 5.0f * d3 + d5;
}

// y = A^T m for one column of a tile (F(4, 3) output transform).
template <typename V>
inline void output_1d(const V* m, std::size_t s, V* y, std::size_t ys) {
  const V m0 = m[0], m1 = m[s], m2 = m[2 * s], m3 = m[3 * s], m4 = m[4 * s], m5 = m[5 * s];
  const V a = m1 + m2, b = m1 - m2, c = m3 + m4, d = m3 - m4;
  y[0] = m0 + a + c;
  y[ys] = b + 2.0f * d;
  y[2 * ys] = a + 4.0f * c;
  y[3 * ys] = b + 8.0f * d + m5;
}

// Tile t (row-major over rows, tile rows, tile columns): its row, the output position of its
// top-left element and how many of its 4 x 4 outputs lie inside the output.
struct tile_position {
  int n, y, x, rows, cols;
};
inline tile_position tile_at(const winograd_geometry& g, std::size_t t) {
  const auto tw = static_cast<std::size_t>(g.tiles_w()), th = static_cast<std::size_t>(g.tiles_h());
  const int y = static_cast<int>(t / tw % th) * 4, x = static_cast<int>(t % tw) * 4;
  return {static_cast<int>(t / (th * tw)), y, x, std::min(4, g.dst.h - y), std::min(4, g.dst.w - x)};
}

// The transformed inputs and products of a chunk are [tile][plane][channel]: one tile's 36
// planes are one contiguous run (the transforms write and read whole lines), sgemm takes each
// plane with a leading dimension of 36 rows.
template <int B>
void transform_inputs(const winograd_geometry& g, const float* src, std::size_t t0, std::size_t t1, float* v) {
  using V = typename block_vectors<B>::floats;
  const auto& s = g.src;
  const int h = s.h, w = s.w;
  const std::size_t ld = static_cast<std::size_t>(s.padded_channels());
  for (std::size_t t = t0; t < t1; ++t) {
    const auto tile = tile_at(g, t);
    const int n = tile.n, y0 = tile.y - g.padding, x0 = tile.x - g.padding;
    const bool inside = y0 >= 0 && x0 >= 0 && y0 + alpha <= h && x0 + alpha <= w;
    float* out = v + (t - t0) * planes * ld;
    for (int b = 0; b < s.blocks; ++b) {
      const float* base = src + static_cast<std::size_t>(n) * s.row + static_cast<std::size_t>(b) * s.block_stride +
                          (static_cast<std::ptrdiff_t>(y0) * w + x0) * B;
      V r[planes];
      for (int j = 0; j < alpha; ++j) {  // columns: r = B^T d
        V d[alpha];
        for (int i = 0; i < alpha; ++i)
          d[i] = inside || (y0 + i >= 0 && x0 + j >= 0 && y0 + i < h && x0 + j < w)
                     ? load_block<V>(base + (static_cast<std::ptrdiff_t>(i) * w + j) * B)
                     : V{};
        input_1d(d, 1, r + j, alpha);
      }
      for (int i = 0; i < alpha; ++i) {  // rows: r B
        V e[alpha];
        input_1d(r + i * alpha, 1, e, 1);
        for (int j = 0; j < alpha; ++j) store_block(out + static_cast<std::size_t>(i * alpha + j) * ld + b * B, e[j]);
      }
    }
  }
}

template <int B>
void transform_outputs(const winograd_geometry& g, const float* m, const float* bias, std::size_t t0, std::size_t t1,
                       float* dst) {
  using V = typename block_vectors<B>::floats;
  const auto& o = g.dst;
  const std::size_t ld = static_cast<std::size_t>(o.padded_channels());
  for (std::size_t t = t0; t < t1; ++t) {
    const auto [n, oy0, ox0, rows, cols] = tile_at(g, t);
    const float* in = m + (t - t0) * planes * ld;
    for (int b = 0; b < o.blocks; ++b) {
      V c[alpha * 4];
      for (int j = 0; j < alpha; ++j) {  // columns: c = A^T m
        V x[alpha];
        for (int i = 0; i < alpha; ++i) x[i] = load_block<V>(in + static_cast<std::size_t>(i * alpha + j) * ld + b * B);
        output_1d(x, 1, c + j, alpha);
      }
      const V add = bias != nullptr ? load_block<V>(bias + static_cast<std::size_t>(b) * B) : V{};
      float* base = dst + static_cast<std::size_t>(n) * o.row + static_cast<std::size_t>(b) * o.block_stride +
                    (static_cast<std::size_t>(oy0) * o.w + ox0) * B;
      for (int i = 0; i < rows; ++i) {  // rows: c A
        V y[4];
        output_1d(c + i * alpha, 1, y, 1);
        for (int j = 0; j < cols; ++j) store_block(base + (static_cast<std::size_t>(i) * o.w + j) * B, y[j] + add);
      }
    }
  }
}

template <int B>
void run(const winograd_geometry& g, const float* src, const float* u, const float* bias, float* dst,
         float* scratch) {
  const std::size_t tiles = g.tiles(), chunk = chunk_tiles(g);
  const std::size_t chunks = (tiles + chunk - 1) / chunk;
  const auto ldv = static_cast<std::size_t>(g.src.padded_channels());
  const auto ldm = static_cast<std::size_t>(g.dst.padded_channels());
  const std::size_t per_thread = static_cast<std::size_t>(planes) * chunk * (ldv + ldm);
#pragma omp parallel
  {
    float* v = scratch + static_cast<std::size_t>(omp_get_thread_num()) * per_thread;
    float* m = v + static_cast<std::size_t>(planes) * chunk * ldv;
#pragma omp for schedule(static)
    for (std::size_t c = 0; c < chunks; ++c) {
      const std::size_t t0 = c * chunk, t1 = std::min(tiles, t0 + chunk);
      transform_inputs<B>(g, src, t0, t1, v);
      // Inside a parallel region oneDNN's sgemm runs on the calling thread alone.
      for (int k = 0; k < planes; ++k)
        dnnl_sgemm('N', 'N', static_cast<dnnl_dim_t>(t1 - t0), static_cast<dnnl_dim_t>(ldm), g.src.c, 1.0f,
                   v + static_cast<std::size_t>(k) * ldv, static_cast<dnnl_dim_t>(planes * ldv),
                   u + static_cast<std::size_t>(k) * static_cast<std::size_t>(g.src.c) * ldm,
                   static_cast<dnnl_dim_t>(ldm), 0.0f, m + static_cast<std::size_t>(k) * ldm,
                   static_cast<dnnl_dim_t>(planes * ldm));
      transform_outputs<B>(g, m, bias, t0, t1, dst);
    }
  }
}

// x = A y for one column of a 4x4 diff_dst tile: the adjoint of output_1d.
template <typename V>
inline void diff_1d(const V* y, std::size_t s, V* x, std::size_t xs) {
  const V y0 = y[0], y1 = y[s], y2 = y[2 * s], y3 = y[3 * s];
  const V a = y0 + y2, b = y1 + y3, c = y0 + 4.0f * y2, d = 2.0f * y1 + 8.0f * y3;
  x[0] = y0;
  x[xs] = a + b;
  x[2 * xs] = a - b;
  x[3 * xs] = c + d;
  x[4 * xs] = c - d;
  x[5 * xs] = y3;
}

// A dY A^T of each tile of diff_dst (outside the output: zero), [tile][plane][channel].
template <int B>
void transform_diffs(const winograd_geometry& g, const float* diff_dst, std::size_t t0, std::size_t t1, float* d) {
  using V = typename block_vectors<B>::floats;
  const auto& o = g.dst;
  const std::size_t ld = static_cast<std::size_t>(o.padded_channels());
  for (std::size_t t = t0; t < t1; ++t) {
    const auto [n, oy0, ox0, rows, cols] = tile_at(g, t);
    float* out = d + (t - t0) * planes * ld;
    for (int b = 0; b < o.blocks; ++b) {
      const float* base = diff_dst + static_cast<std::size_t>(n) * o.row + static_cast<std::size_t>(b) * o.block_stride +
                          (static_cast<std::size_t>(oy0) * o.w + ox0) * B;
      V c[4 * alpha];
      for (int j = 0; j < 4; ++j) {  // columns: c = A y
        V y[4];
        for (int i = 0; i < 4; ++i)
          y[i] = i < rows && j < cols ? load_block<V>(base + (static_cast<std::size_t>(i) * o.w + j) * B) : V{};
        diff_1d(y, 1, c + j, 4);
      }
      for (int i = 0; i < alpha; ++i) {  // rows: c A^T
        V x[alpha];
        diff_1d(c + i * 4, 1, x, 1);
        for (int j = 0; j < alpha; ++j) store_block(out + static_cast<std::size_t>(i * alpha + j) * ld + b * B, x[j]);
      }
    }
  }
}

// Tiles per chunk of the weight gradient: sgemm's inner dimension, so larger than the
// forward's (each call reads and writes the 36 x ins x outs sums); fixed by the geometry, not
// the thread count.
std::size_t grad_chunk_tiles(const winograd_geometry& g) {
  const auto per_tile = static_cast<std::size_t>(planes) * (g.src.padded_channels() + g.dst.padded_channels());
  const std::size_t fit = (2u * 1024u * 1024u / sizeof(float)) / per_tile;
  return std::clamp<std::size_t>(fit / 8 * 8, 32, 256);
}

template <int B>
void weight_grad(const winograd_geometry& g, const float* src, const float* diff_dst, float* dw, float* dbias,
                 float* scratch) {
  const std::size_t tiles = g.tiles(), chunk = grad_chunk_tiles(g);
  const std::size_t chunks = (tiles + chunk - 1) / chunk;
  const auto ldv = static_cast<std::size_t>(g.src.padded_channels());
  const auto ldm = static_cast<std::size_t>(g.dst.padded_channels());
  const auto ins = static_cast<std::size_t>(g.src.c);
  float* du = scratch;  // [36][ins][ldm]
  float* v = du + static_cast<std::size_t>(planes) * ins * ldm;
  float* d = v + static_cast<std::size_t>(planes) * chunk * ldv;
  const int outs = g.dst.c;
  // All threads transform a chunk, then split its 36 planes: every plane's sum runs over the
  // chunks in order whatever the thread count.
#pragma omp parallel
  {
    const auto threads = static_cast<std::size_t>(omp_get_num_threads());
    const auto th = static_cast<std::size_t>(omp_get_thread_num());
    for (std::size_t c = 0; c < chunks; ++c) {
      const std::size_t t0 = c * chunk, t1 = std::min(tiles, t0 + chunk);
      const std::size_t ta = t0 + (t1 - t0) * th / threads, tb = t0 + (t1 - t0) * (th + 1) / threads;
      transform_inputs<B>(g, src, ta, tb, v + (ta - t0) * planes * ldv);
      transform_diffs<B>(g, diff_dst, ta, tb, d + (ta - t0) * planes * ldm);
#pragma omp barrier
#pragma omp for schedule(static)
      for (int k = 0; k < planes; ++k)  // du[k] (ins x ldm) += V[k]^T D[k]
        dnnl_sgemm('T', 'N', static_cast<dnnl_dim_t>(ins), static_cast<dnnl_dim_t>(ldm),
                   static_cast<dnnl_dim_t>(t1 - t0), 1.0f, v + static_cast<std::size_t>(k) * ldv,
                   static_cast<dnnl_dim_t>(planes * ldv), d + static_cast<std::size_t>(k) * ldm,
                   static_cast<dnnl_dim_t>(planes * ldm), c == 0 ? 0.0f : 1.0f,
                   du + static_cast<std::size_t>(k) * ins * ldm, static_cast<dnnl_dim_t>(ldm));
    }
    // dw[o][i] = G^T du G.
#pragma omp for schedule(static)
    for (std::size_t i = 0; i < ins; ++i)
      for (int o = 0; o < outs; ++o) {
        double u[planes];
        for (int k = 0; k < planes; ++k) u[k] = du[(static_cast<std::size_t>(k) * ins + i) * ldm + static_cast<std::size_t>(o)];
        double gu[3][alpha];  // G^T u
        for (int a = 0; a < 3; ++a)
          for (int b = 0; b < alpha; ++b) {
            double acc = 0.0;
            for (int k = 0; k < alpha; ++k) acc += gm[k][a] * u[k * alpha + b];
            gu[a][b] = acc;
          }
        for (int a = 0; a < 3; ++a)
          for (int b = 0; b < 3; ++b) {
            double acc = 0.0;
            for (int k = 0; k < alpha; ++k) acc += gu[a][k] * gm[k][b];
            dw[((static_cast<std::size_t>(o) * ins + i) * 3 + static_cast<std::size_t>(a)) * 3 + static_cast<std::size_t>(b)] =
                static_cast<float>(acc);
          }
      }
    if (dbias != nullptr) {
      // Per channel block, all lanes at once, over rows and positions in order (one pass
      // over diff_dst; a pass per channel read every line once per lane).
      using V = typename block_vectors<B>::floats;
      const auto& l = g.dst;
      const std::size_t hw = static_cast<std::size_t>(l.h) * static_cast<std::size_t>(l.w);
#pragma omp for schedule(static)
      for (int b = 0; b < l.blocks; ++b) {
        V sum{};
        for (int n = 0; n < g.rows; ++n) {
          const float* p = diff_dst + static_cast<std::size_t>(n) * l.row + static_cast<std::size_t>(b) * l.block_stride;
          for (std::size_t q = 0; q < hw; ++q) sum += load_block<V>(p + q * B);
        }
        float lanes[B];
        store_block(lanes, sum);
        for (int j = 0; j < B && b * B + j < outs; ++j) dbias[b * B + j] = lanes[j];
      }
    }
  }
}

}  // namespace

bool winograd_supported(const winograd_geometry& g) {
  return g.rows > 0 && g.padding >= 0 && g.padding <= 2 && (g.src.block == 8 || g.src.block == 16) &&
         g.dst.block == g.src.block && g.dst.h == g.src.h + 2 * g.padding - 2 &&
         g.dst.w == g.src.w + 2 * g.padding - 2 && g.dst.h > 0 && g.dst.w > 0;
}

std::size_t winograd_weight_floats(const winograd_geometry& g) {
  return static_cast<std::size_t>(planes) * static_cast<std::size_t>(g.src.c) *
         static_cast<std::size_t>(g.dst.padded_channels());
}

void winograd_weights(const winograd_geometry& g, const float* w, bool rotated, float* u) {
  const int ins = g.src.c, outs = g.dst.c;
  const auto ld = static_cast<std::size_t>(g.dst.padded_channels());
  const std::size_t plane = static_cast<std::size_t>(ins) * ld;
  // The products in double, rounded once.
#pragma omp parallel for schedule(static)
  for (int i = 0; i < ins; ++i) {
    for (std::size_t k = 0; k < static_cast<std::size_t>(planes); ++k)
      std::fill_n(u + k * plane + static_cast<std::size_t>(i) * ld + outs, ld - static_cast<std::size_t>(outs), 0.0f);
    for (int o = 0; o < outs; ++o) {
      double k3[3][3];
      for (int ky = 0; ky < 3; ++ky)
        for (int kx = 0; kx < 3; ++kx)
          k3[ky][kx] = rotated ? w[((static_cast<std::size_t>(i) * outs + o) * 3 + (2 - ky)) * 3 + (2 - kx)]
                               : w[((static_cast<std::size_t>(o) * ins + i) * 3 + ky) * 3 + kx];
      double gk[alpha][3];
      for (int a = 0; a < alpha; ++a)
        for (int kx = 0; kx < 3; ++kx) gk[a][kx] = gm[a][0] * k3[0][kx] + gm[a][1] * k3[1][kx] + gm[a][2] * k3[2][kx];
      for (int a = 0; a < alpha; ++a)
        for (int b = 0; b < alpha; ++b)
          u[static_cast<std::size_t>(a * alpha + b) * plane + static_cast<std::size_t>(i) * ld + o] =
              static_cast<float>(gk[a][0] * gm[b][0] + gk[a][1] * gm[b][1] + gk[a][2] * gm[b][2]);
    }
  }
}

std::size_t winograd_scratch_floats(const winograd_geometry& g, int threads) {
  return static_cast<std::size_t>(threads) * planes * chunk_tiles(g) *
         static_cast<std::size_t>(g.src.padded_channels() + g.dst.padded_channels());
}

void winograd_conv(const winograd_geometry& g, const float* src, const float* u, const float* bias, float* dst,
                   float* scratch) {
  if (g.src.block == 16)
    run<16>(g, src, u, bias, dst, scratch);
  else
    run<8>(g, src, u, bias, dst, scratch);
}

std::size_t winograd_weight_grad_scratch_floats(const winograd_geometry& g) {
  return static_cast<std::size_t>(planes) *
         (static_cast<std::size_t>(g.src.c) * static_cast<std::size_t>(g.dst.padded_channels()) +
          grad_chunk_tiles(g) * static_cast<std::size_t>(g.src.padded_channels() + g.dst.padded_channels()));
}

void winograd_weight_grad(const winograd_geometry& g, const float* src, const float* diff_dst, float* dw,
                          float* dbias, float* scratch) {
  if (g.src.block == 16)
    weight_grad<16>(g, src, diff_dst, dw, dbias, scratch);
  else
    weight_grad<8>(g, src, diff_dst, dw, dbias, scratch);
}

}  // namespace snncosim::nn::detail
