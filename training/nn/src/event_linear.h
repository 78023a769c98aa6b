#pragma once
// Event-driven fully connected layer for sparse inputs (spikes, spike frames): the forward adds
// one weight column per non-zero input element, the weight gradient adds diff_dst rows per
// non-zero input element. Cost is proportional to non-zeros x outputs instead of
// rows x inputs x outputs, so it wins below a density (docs/training.md, "Event-driven
// layers"). Inputs and outputs are plain row-major [rows][features].
#include <cstddef>
#include <cstdint>
#include <vector>

#include "snncosim/nn/detail/aligned_vector.h"
#include "transpose.h"

namespace snncosim::nn::detail {

struct event_linear_geometry {
  int rows = 0;  // the T*N rows of the engine
  int in = 0, out = 0;
};

// Non-zero positions of every row of src, as one list with per-row offsets (CSR), values kept
// so that non-binary inputs (dropout-scaled spikes, counts) stay exact.
struct sparse_rows {
  std::vector<std::uint32_t> offsets;  // rows + 1
  std::vector<std::uint32_t> index;
  std::vector<float> value;
  // Every non-zero is 1 (spikes): the kernels add rows instead of multiply-adding them (the
  // same bits, since 1 * w is exact) and the sums no longer wait on a multiply-add's latency.
  bool binary = false;
  std::size_t nonzeros() const { return index.size(); }
  // The same non-zeros grouped by input (CSC), built by the weight gradient; kept here so a
  // training step allocates nothing.
  std::vector<std::uint32_t> by_input_start, by_input_row, by_input_fill;
  std::vector<float> by_input_value;
  aligned_vector<float> packed_diff_dst;
  aligned_vector<float> partial_dwt;  // the weight gradient's partial sums, [in][out]
  std::vector<std::uint32_t> tile_bounds;  // where each group's entries cross a tile boundary
};
void gather_nonzeros(const float* src, const event_linear_geometry& g, sparse_rows& out);

// The widest vector instructions the event kernels were compiled for: avx512, avx2 or sse2.
const char* kernel_isa();

// The kernels add rows of a matrix m (the forward: the transposed weights [in][out]; the weight
// gradient: diff_dst [rows][out]) kept as column panels: for each block of up to 64 columns,
// its rows one after another, so that a tile of rows is one contiguous piece of L1 (see
// sum_groups). panel_floats: the size of a rows x width matrix so kept.
std::size_t panel_floats(std::size_t rows, std::size_t width);
// Panels of a, [rows][width] with row stride lda; column_sums (may be null) gets the sum of
// every column, in row order.
void pack_panels(const float* a, std::size_t rows, std::size_t width, std::size_t lda, float* panels,
                 float* column_sums);
// Panels of a transposed: a is [width][rows] with row stride lda (the weights [out][in]).
void pack_panels_transposed(const float* a, std::size_t width, std::size_t rows, std::size_t lda, float* panels);

// dst[r][:] = bias + sum over non-zeros (r, i, v) of v * wt[i][:]. bias may be null; wt is
// [in][out] as panels (pack_panels_transposed of the weights).
void event_linear_forward(const event_linear_geometry& g, sparse_rows& src, const float* wt,
                          const float* bias, float* dst);

// dw[o][i] = sum over non-zeros (r, i, v) of v * diff_dst[r][o] (dw [out][in], the weights'
// layout); dbias (may be null) = column sums of diff_dst. Each sum has one owner thread and a
// fixed order, so the result does not depend on the thread count.
void event_linear_backward_weights(const event_linear_geometry& g, sparse_rows& src,
                                   const float* diff_dst, float* dw, float* dbias);

}  // namespace snncosim::nn::detail
