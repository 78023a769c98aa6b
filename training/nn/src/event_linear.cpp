#include "event_linear.h"

#include <omp.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>
#include <vector>

#if defined(__AVX__)
#include <immintrin.h>
#endif

namespace snncosim::nn::detail {

namespace {

// One SIMD register of floats at the width this file is compiled for (-march=native when
// SNNCOSIM_NATIVE_KERNELS is on; GCC splits wider vectors otherwise).
#if defined(__AVX512F__)
constexpr std::size_t lanes = 16;
#elif defined(__AVX__)
constexpr std::size_t lanes = 8;
#else
constexpr std::size_t lanes = 4;
#endif
typedef float vec __attribute__((vector_size(lanes * sizeof(float))));

inline vec load(const float* p) {
  vec v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store(float* p, vec v) { std::memcpy(p, &v, sizeof v); }

// Accumulators per column block (64 columns: 4 AVX-512 or 8 AVX2 registers, 32 with SSE), and
// the rows of a tile: 32 KiB of m, the size of L1 (Zen 4 and Zen 3 alike), measured best among
// 16-32 KiB tiles and 32-128-column blocks on Zen 4, with both vector widths.
constexpr int block_registers = lanes >= 8 ? static_cast<int>(64 / lanes) : 8;
constexpr std::size_t block_columns = static_cast<std::size_t>(block_registers) * lanes;
constexpr std::size_t tile_bytes = 32768;
constexpr std::size_t l1_tile_rows = tile_bytes / (block_columns * sizeof(float));
// Below about 24 entries per group and tile, the per-tile cost of the sums (loading and
// storing them) outweighs L1 hits: sparser inputs take taller tiles (nn_event_linear_bench
// 640 1024 1024 at 10 % density: 2.46 ms with 12 as the bound, 128-row tiles; 2.22 with 24).
constexpr double min_entries_per_tile = 24.0;

// d[0, n*lanes) = init + sum over k, in order, of value[k] * m[index[k] * ld + (0, n*lanes)],
// with the sums in registers: one load per row and register instead of a load and a store of d
// per row (the cost of adding whole rows). value == nullptr means every value is 1: plain adds,
// whose 3-cycle latency stays under the 4 cycles an entry's loads take, where a multiply-add's
// 4 cycles made every entry wait on the one before.
template <int n>
inline void sum_rows(float* d, const float* init, const float* m, std::size_t ld,
                     const std::uint32_t* index, const float* value, std::size_t count) {
  vec acc[n];
  for (int j = 0; j < n; ++j) acc[j] = init != nullptr ? load(init + j * lanes) : vec{};
  if (value == nullptr) {
    for (std::size_t k = 0; k < count; ++k) {
      const float* row = m + static_cast<std::size_t>(index[k]) * ld;
      for (int j = 0; j < n; ++j) acc[j] += load(row + j * lanes);
    }
  } else {
    for (std::size_t k = 0; k < count; ++k) {
      const float* row = m + static_cast<std::size_t>(index[k]) * ld;
      const vec v = vec{} + value[k];
      for (int j = 0; j < n; ++j) acc[j] += v * load(row + j * lanes);
    }
  }
  for (int j = 0; j < n; ++j) store(d + j * lanes, acc[j]);
}

// One column panel's sums for groups [g0, g1): tile after tile, every group adds its entries in
// the tile. n is a template parameter so that the sum is inlined into this loop (a call per
// group and tile, through a switch on n, cost about a tenth of fc's forward). With out_t, the
// last tile's sums, which are final, go transposed to out_t[column][group] instead of to out,
// eight groups at a time through registers (the weight gradient: a separate transpose of the
// whole result read it back from memory).
template <int n>
void sum_panel(std::size_t g0, std::size_t g1, std::size_t tiles, const std::uint32_t* bounds, const std::uint32_t* index,
               const float* value, const float* panel, std::size_t first, std::size_t width, const float* init,
               float* out, float* out_t, std::size_t ldt) {
  constexpr std::size_t ld = static_cast<std::size_t>(n) * lanes;
  const std::size_t summed_into_out = out_t != nullptr ? tiles - 1 : tiles;
  for (std::size_t t = 0; t < summed_into_out; ++t)
    for (std::size_t g = g0; g < g1; ++g) {
      const std::uint32_t* b = bounds + g * (tiles + 1) + t;
      float* d = out + g * width + first;
      const float* from = t > 0 ? d : init != nullptr ? init + first : nullptr;
      if (t > 0 && b[1] == b[0]) continue;
      sum_rows<n>(d, from, panel, ld, index + b[0], value != nullptr ? value + b[0] : nullptr, b[1] - b[0]);
    }
  if (out_t == nullptr) return;
  const std::size_t t = tiles - 1;
  alignas(64) float final_sums[8 * ld];
  for (std::size_t g8 = g0; g8 < g1; g8 += 8) {
    const std::size_t count = std::min<std::size_t>(8, g1 - g8);
    for (std::size_t j = 0; j < count; ++j) {
      const std::size_t g = g8 + j;
      const std::uint32_t* b = bounds + g * (tiles + 1) + t;
      const float* from = t > 0 ? out + g * width + first : init != nullptr ? init + first : nullptr;
      sum_rows<n>(final_sums + j * ld, from, panel, ld, index + b[0], value != nullptr ? value + b[0] : nullptr,
                  b[1] - b[0]);
    }
    if (count == 8 && ld % 8 == 0) {
      for (std::size_t c = 0; c < ld; c += 8) transpose_8x8(final_sums + c, ld, out_t + (first + c) * ldt + g8, ldt);
    } else {
      for (std::size_t j = 0; j < count; ++j)
        for (std::size_t c = 0; c < ld; ++c) out_t[(first + c) * ldt + g8 + j] = final_sums[j * ld + c];
    }
  }
}

// The same sum for widths below one register.
inline void sum_rows_scalar(float* d, const float* init, const float* m, std::size_t ld, std::size_t width,
                            const std::uint32_t* index, const float* value, std::size_t count) {
  for (std::size_t o = 0; o < width; ++o) d[o] = init != nullptr ? init[o] : 0.0f;
  for (std::size_t k = 0; k < count; ++k) {
    const float* row = m + static_cast<std::size_t>(index[k]) * ld;
    const float v = value != nullptr ? value[k] : 1.0f;
    for (std::size_t o = 0; o < width; ++o) d[o] += v * row[o];
  }
}

// The column blocks of a width-wide matrix, one panel each: blocks of block_columns; a last,
// partial block is a full-width block ending at the last column (its overlap with the block
// before computes the same sums in the same order, so it rewrites them bit for bit), or, if the
// matrix is narrower than that, whole registers and then one register ending at the last
// column. Below one register: a single scalar panel (registers == 0).
struct column_block {
  std::size_t first;  // first column
  int registers;
  std::size_t columns(std::size_t width) const { return registers > 0 ? static_cast<std::size_t>(registers) * lanes : width; }
};

std::vector<column_block> column_blocks(std::size_t width) {
  if (width < lanes) return {{0, 0}};
  std::vector<column_block> blocks;
  for (std::size_t c0 = 0; c0 < width; c0 += block_columns) {
    const std::size_t cols = std::min(block_columns, width - c0);
    const auto n = static_cast<int>((cols + lanes - 1) / lanes);
    if (static_cast<std::size_t>(n) * lanes <= width) {
      blocks.push_back({std::min(c0, width - static_cast<std::size_t>(n) * lanes), n});
    } else {
      blocks.push_back({c0, n - 1});
      blocks.push_back({width - lanes, 1});
    }
  }
  return blocks;
}

// For every group g of a CSR list (start[g], start[g+1]), whose entries are sorted by index:
// out[g][:] = init + sum over the group's entries (index, value), in order, of
// value * m[index][:] (value == nullptr: all ones), m given as panels (pack_panels). The work
// is cut into tiles, l1_tile_rows rows of one panel: 32 KiB in one piece, which stays in L1
// while every group adds its entries that fall in the tile (the partial sums go through out, a
// float store and load being exact). A tile of a row-major m, even with a padded stride,
// spread its rows over L1's sets unevenly enough to lose lines: a loop of row adds from such a
// tile ran at 36 G adds/s, from a contiguous one at 45 (Zen 4). Sparse inputs take taller
// tiles. The order of each sum is the entries' order whatever the tiling and thread count.
// With out_t, the sums end transposed in out_t ([width][groups], row stride groups); out then
// holds partial sums only.
void sum_groups(std::size_t groups, const std::uint32_t* start, const std::uint32_t* index, const float* value,
                const float* panels, std::size_t rows, std::size_t width, const float* init, float* out,
                float* out_t, std::vector<std::uint32_t>& bounds) {
  std::size_t rows_per_tile = l1_tile_rows;
  const double density = static_cast<double>(start[groups] - start[0]) / (static_cast<double>(groups) * static_cast<double>(rows) + 1.0);
  while (rows_per_tile < rows && static_cast<double>(rows_per_tile) * density < min_entries_per_tile) rows_per_tile *= 2;
  const std::size_t tiles = (rows + rows_per_tile - 1) / rows_per_tile;
  const auto blocks = column_blocks(width);
  // bounds[g * (tiles + 1) + t]: the first entry of group g in tile t or later; each thread
  // finds those of its own groups.
  bounds.resize(groups * (tiles + 1));
#pragma omp parallel
  {
    const auto threads = static_cast<std::size_t>(omp_get_num_threads());
    const auto th = static_cast<std::size_t>(omp_get_thread_num());
    const std::size_t g0 = groups * th / threads, g1 = groups * (th + 1) / threads;
    if (width < lanes) {
      for (std::size_t g = g0; g < g1; ++g) {
        sum_rows_scalar(out + g * width, init, panels, width, width, index + start[g],
                        value != nullptr ? value + start[g] : nullptr, start[g + 1] - start[g]);
        if (out_t != nullptr)
          for (std::size_t c = 0; c < width; ++c) out_t[c * groups + g] = out[g * width + c];
      }
    } else {
      for (std::size_t g = g0; g < g1; ++g) {
        std::uint32_t* b = bounds.data() + g * (tiles + 1);
        std::uint32_t k = start[g];
        const std::uint32_t end = start[g + 1];
        for (std::size_t t = 0; t < tiles; ++t) {
          b[t] = k;
          const auto limit = static_cast<std::uint32_t>(std::min(rows, (t + 1) * rows_per_tile));
          while (k < end && index[k] < limit) ++k;
        }
        b[tiles] = end;
      }
      const float* panel = panels;
      for (const auto& block : blocks) {
        const auto sum = [&]<int n>() {
          sum_panel<n>(g0, g1, tiles, bounds.data(), index, value, panel, block.first, width, init, out, out_t,
                       groups);
        };
        [&]<int... r>(std::integer_sequence<int, r...>) {
          ((block.registers == r + 1 ? sum.template operator()<r + 1>() : void()), ...);
        }(std::make_integer_sequence<int, block_registers>{});
        panel += rows * block.columns(width);
      }
    }
  }
}

#if defined(__AVX2__) && !defined(__AVX512F__)
// packed_positions()[m]: the positions of the set bits of m, ascending, then zeros.
const std::array<std::array<std::uint32_t, 8>, 256>& packed_positions() {
  static constexpr auto table = [] {
    std::array<std::array<std::uint32_t, 8>, 256> t{};
    for (unsigned m = 0; m < 256; ++m) {
      unsigned n = 0;
      for (unsigned b = 0; b < 8; ++b)
        if ((m >> b) & 1u) t[m][n++] = b;
    }
    return t;
  }();
  return table;
}
#endif

}  // namespace

void gather_nonzeros(const float* src, const event_linear_geometry& g, sparse_rows& out) {
  const auto in = static_cast<std::size_t>(g.in);
  const auto rows = static_cast<std::size_t>(g.rows);
  out.offsets.assign(rows + 1, 0);
#pragma omp parallel for schedule(static)
  for (long r = 0; r < static_cast<long>(rows); ++r) {
    const float* s = src + static_cast<std::size_t>(r) * in;
    std::uint32_t n = 0;
#pragma omp simd reduction(+ : n)
    for (std::size_t i = 0; i < in; ++i) n += s[i] != 0.0f ? 1u : 0u;
    out.offsets[static_cast<std::size_t>(r) + 1] = n;
  }
  for (std::size_t r = 0; r < rows; ++r) out.offsets[r + 1] += out.offsets[r];
  out.index.resize(out.offsets.back());
  out.value.resize(out.offsets.back());
#pragma omp parallel for schedule(static)
  for (long r = 0; r < static_cast<long>(rows); ++r) {
    const float* s = src + static_cast<std::size_t>(r) * in;
    std::size_t k = out.offsets[static_cast<std::size_t>(r)];
    std::uint32_t* index = out.index.data();
    float* value = out.value.data();
    const std::size_t end = out.offsets[static_cast<std::size_t>(r) + 1];
    std::size_t i = 0;
#if defined(__AVX512F__)
    // Compress in registers and store whole registers (a compressing store to memory is
    // microcoded on some cores); the next store overwrites what lies past the non-zeros. A
    // store must not reach the next row's entries (another thread's), so the last up to 16
    // non-zeros of a row are left to the loop below.
    const __m512i step = _mm512_set1_epi32(16);
    __m512i at = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    for (; i + 16 <= in && k + 16 <= end; i += 16) {
      const __m512 x = _mm512_loadu_ps(s + i);
      const __mmask16 nz = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_NEQ_UQ);
      _mm512_storeu_si512(index + k, _mm512_maskz_compress_epi32(nz, at));
      _mm512_storeu_ps(value + k, _mm512_maskz_compress_ps(nz, x));
      k += static_cast<std::size_t>(__builtin_popcount(nz));
      at = _mm512_add_epi32(at, step);
    }
#elif defined(__AVX2__)
    // AVX2 has no compress: a table gives, per 8-bit mask, the positions of its set bits
    // packed to the front, and one permute moves the non-zeros there (the branch-free scalar
    // loop below took 5 % of an fc training step with AVX2 kernels).
    const auto& packed = packed_positions();
    for (; i + 8 <= in && k + 8 <= end; i += 8) {
      const __m256 x = _mm256_loadu_ps(s + i);
      const auto nz = static_cast<unsigned>(_mm256_movemask_ps(_mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_NEQ_UQ)));
      const __m256i where = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(packed[nz].data()));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(index + k),
                          _mm256_add_epi32(where, _mm256_set1_epi32(static_cast<int>(i))));
      _mm256_storeu_ps(value + k, _mm256_permutevar8x32_ps(x, where));
      k += static_cast<std::size_t>(__builtin_popcount(nz));
    }
#endif
    // Branch-free: every element is written, the count moves only past non-zeros (spikes at
    // 5-50 % density make a branch unpredictable); it stops at the row's last non-zero.
    for (; i < in && k < end; ++i) {
      index[k] = static_cast<std::uint32_t>(i);
      value[k] = s[i];
      k += s[i] != 0.0f ? 1u : 0u;
    }
  }
  // A branch-free pass (a vectorised count) is cheaper than a test per non-zero above.
  const float* v = out.value.data();
  const std::size_t n = out.value.size();
  std::size_t ones = 0;
#pragma omp simd reduction(+ : ones)
  for (std::size_t k = 0; k < n; ++k) ones += v[k] == 1.0f ? 1u : 0u;
  out.binary = ones == n;
}

const char* kernel_isa() {
#if defined(__AVX512F__)
  return "avx512";
#elif defined(__AVX2__)
  return "avx2";
#else
  return "sse2";
#endif
}

std::size_t panel_floats(std::size_t rows, std::size_t width) {
  std::size_t n = 0;
  for (const auto& block : column_blocks(width)) n += rows * block.columns(width);
  return n;
}

namespace {
// fill(k, block, ld, panel) for every column block of a rows x width matrix kept as panels,
// threads taking whole panels.
template <class F>
void for_each_panel(std::size_t rows, std::size_t width, float* panels, F fill) {
  const auto blocks = column_blocks(width);
  std::vector<std::size_t> offset(blocks.size() + 1, 0);
  for (std::size_t k = 0; k < blocks.size(); ++k) offset[k + 1] = offset[k] + rows * blocks[k].columns(width);
#pragma omp parallel for schedule(static)
  for (long k = 0; k < static_cast<long>(blocks.size()); ++k) {
    const auto i = static_cast<std::size_t>(k);
    fill(i, blocks, blocks[i].columns(width), panels + offset[i]);
  }
}
}  // namespace

void pack_panels(const float* a, std::size_t rows, std::size_t width, std::size_t lda, float* panels,
                 float* column_sums) {
  // Threads take whole panels, so that each column is summed by one thread, in row order.
  for_each_panel(rows, width, panels, [&](std::size_t k, const std::vector<column_block>& blocks, std::size_t ld,
                                          float* panel) {
    const auto& block = blocks[k];
    alignas(64) float sums[block_columns] = {};
    for (std::size_t r = 0; r < rows; ++r) {
      const float* from = a + r * lda + block.first;
      float* to = panel + r * ld;
#pragma omp simd
      for (std::size_t c = 0; c < ld; ++c) {
        to[c] = from[c];
        sums[c] += from[c];
      }
    }
    if (column_sums == nullptr) return;
    // A panel overlapping the one before leaves the shared columns to it (the same sums).
    const std::size_t done = k > 0 ? blocks[k - 1].first + blocks[k - 1].columns(width) : 0;
    for (std::size_t c = 0; c < ld; ++c)
      if (block.first + c >= done) column_sums[block.first + c] = sums[c];
  });
}

// Eight rows of a at a time, each read from start to end: eight sequential streams the
// prefetchers follow, where 64 x 64 tiles interleaved 64 rows 256 bytes at a time (fc's
// training forwards, whose weights the optimiser has just moved out of cache).
void pack_panels_transposed(const float* a, std::size_t width, std::size_t rows, std::size_t lda, float* panels) {
  for_each_panel(rows, width, panels, [&](std::size_t k, const std::vector<column_block>& blocks, std::size_t ld,
                                          float* panel) {
    const auto& block = blocks[k];
    std::size_t c = 0;
    for (; c + 8 <= ld; c += 8) {
      const float* src = a + (block.first + c) * lda;
      std::size_t r = 0;
      for (; r + 8 <= rows; r += 8) transpose_8x8(src + r, lda, panel + r * ld + c, ld);
      for (; r < rows; ++r)
        for (std::size_t j = 0; j < 8; ++j) panel[r * ld + c + j] = src[j * lda + r];
    }
    for (; c < ld; ++c)
      for (std::size_t r = 0; r < rows; ++r) panel[r * ld + c] = a[(block.first + c) * lda + r];
  });
}

void event_linear_forward(const event_linear_geometry& g, sparse_rows& src, const float* wt,
                          const float* bias, float* dst) {
  const auto out = static_cast<std::size_t>(g.out);
  sum_groups(static_cast<std::size_t>(g.rows), src.offsets.data(), src.index.data(),
             src.binary ? nullptr : src.value.data(), wt, static_cast<std::size_t>(g.in), out, bias, dst, nullptr,
             src.tile_bounds);
}

void event_linear_backward_weights(const event_linear_geometry& g, sparse_rows& src,
                                   const float* diff_dst, float* dw, float* dbias) {
  const auto out = static_cast<std::size_t>(g.out);
  const auto in = static_cast<std::size_t>(g.in);
  const auto rows = static_cast<std::size_t>(g.rows);
  // The same non-zeros grouped by input (a counting sort keeps each group in row order), so
  // every weight-gradient row is one sum of diff_dst rows, owned by one thread.
  auto& start = src.by_input_start;
  auto& row = src.by_input_row;
  auto& value = src.by_input_value;
  auto& fill = src.by_input_fill;
  start.assign(in + 1, 0);
  row.resize(src.nonzeros());
  value.resize(src.nonzeros());
  for (const auto i : src.index) ++start[i + 1];
  for (std::size_t i = 0; i < in; ++i) start[i + 1] += start[i];
  fill.assign(start.begin(), start.end() - 1);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::uint32_t k = src.offsets[r]; k < src.offsets[r + 1]; ++k) {
      const auto at = fill[src.index[k]]++;
      row[at] = static_cast<std::uint32_t>(r);
      if (!src.binary) value[at] = src.value[k];
    }
  // diff_dst as panels (see sum_groups), and the bias gradient (its column sums) on the way.
  auto& packed = src.packed_diff_dst;
  packed.resize(panel_floats(rows, out));
  pack_panels(diff_dst, rows, out, out, packed.data(), dbias);
  src.partial_dwt.resize(in * out);
  sum_groups(in, start.data(), row.data(), src.binary ? nullptr : value.data(), packed.data(), rows, out, nullptr,
             src.partial_dwt.data(), dw, src.tile_bounds);
}

}  // namespace snncosim::nn::detail
