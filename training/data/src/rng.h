#pragma once
// Internal: a small explicit PRNG so generated data is identical across standard libraries
// (std::*_distribution is not portable).
#include <cmath>
#include <cstdint>

namespace snncosim::data::detail {

class rng {
 public:
  explicit rng(std::uint64_t seed) : m_state(seed) {}
  std::uint64_t next() {  // splitmix64
    std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1p-53; }  // [0, 1)
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  std::uint64_t below(std::uint64_t n) { return n ? next() % n : 0; }
  double normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  double exponential(double rate) { return -std::log(1.0 - uniform()) / rate; }

 private:
  std::uint64_t m_state;
};

}  // namespace snncosim::data::detail
