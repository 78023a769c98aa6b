#pragma once
// A std::vector whose storage starts on a cache line. The event kernels load whole SIMD
// registers from row starts; from malloc's 16-byte alignment every 64-byte load of an
// AVX-512 kernel spans two lines, which halved their speed (docs/training.md).
#include <cstddef>
#include <new>
#include <vector>

namespace snncosim::nn::detail {

template <typename T>
struct line_aligned_allocator {
  using value_type = T;
  static constexpr std::size_t alignment = 64;
  line_aligned_allocator() = default;
  template <typename U>
  line_aligned_allocator(const line_aligned_allocator<U>&) noexcept {}
  T* allocate(std::size_t n) {
    return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{alignment}));
  }
  void deallocate(T* p, std::size_t) noexcept { ::operator delete(p, std::align_val_t{alignment}); }
  template <typename U>
  bool operator==(const line_aligned_allocator<U>&) const noexcept { return true; }
  template <typename U>
  bool operator!=(const line_aligned_allocator<U>&) const noexcept { return false; }
};

template <typename T>
using aligned_vector = std::vector<T, line_aligned_allocator<T>>;

}  // namespace snncosim::nn::detail
