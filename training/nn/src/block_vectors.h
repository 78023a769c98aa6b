#pragma once
// One channel block of oneDNN's blocked layouts (nChw8c, nChw16c) as GCC vectors, for the
// kernels that work a block at a time (event convolution, Winograd transforms). A vector_size
// depending on a template parameter is ignored, hence the specialisations. Loads and stores
// go through memcpy: blocks are not aligned to the vector size.
#include <cstdint>
#include <cstring>

// 16-lane blocks in an AVX2 build: GCC warns that such vectors would pass differently across a
// call boundary (-Wpsabi); these helpers are inlined into the kernels that include them.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace snncosim::nn::detail {

template <int B>
struct block_vectors;
template <>
struct block_vectors<8> {
  typedef float floats __attribute__((vector_size(32)));
  typedef std::int32_t ints __attribute__((vector_size(32)));
};
template <>
struct block_vectors<16> {
  typedef float floats __attribute__((vector_size(64)));
  typedef std::int32_t ints __attribute__((vector_size(64)));
};

template <typename V>
inline V load_block(const float* p) {
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <typename V>
inline void store_block(float* p, V v) {
  std::memcpy(p, &v, sizeof v);
}

}  // namespace snncosim::nn::detail
