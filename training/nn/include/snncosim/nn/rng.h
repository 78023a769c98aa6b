#pragma once
// Portable random numbers: std::mt19937_64 bits mapped by hand (the std distributions differ
// between standard libraries, which would break determinism across platforms).
#include <cstdint>
#include <random>

namespace snncosim::nn {

class rng {
 public:
  explicit rng(std::uint64_t seed) : m_gen(seed) {}
  std::uint64_t bits() { return m_gen(); }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(m_gen() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n) without modulo bias worth worrying about for n << 2^64.
  std::uint64_t below(std::uint64_t n) { return static_cast<std::uint64_t>(uniform() * static_cast<double>(n)); }

 private:
  std::mt19937_64 m_gen;
};

}  // namespace snncosim::nn
