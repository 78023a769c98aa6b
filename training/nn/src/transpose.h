#pragma once
// Float matrix transpose for the event kernels' weight layouts.
#include <cstddef>

namespace snncosim::nn::detail {

// b = a transposed: a is [rows][cols] with row stride lda, b [cols][rows] with row stride ldb.
void transpose(const float* a, int rows, int cols, std::size_t lda, float* b, std::size_t ldb);

// The same for one 8 x 8 block (in registers where AVX is available).
void transpose_8x8(const float* a, std::size_t lda, float* b, std::size_t ldb);

}  // namespace snncosim::nn::detail
