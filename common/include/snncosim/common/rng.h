#pragma once
// The project's one random number generator. Same seed, same numbers, on every platform: the
// bits come from splitmix64 (explicit here, 8 bytes of state, cheap to seed per sample) and
// the distributions from Boost.Random, whose algorithms are fixed code rather than the
// implementation-defined std:: distributions, which differ between standard libraries.
#include <cstdint>
#include <limits>

#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>

namespace snncosim {

// The splitmix64 finaliser: spreads the bits of a seed (or of a combination of seeds).
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// A UniformRandomBitGenerator, so it also drives any Boost.Random distribution directly.
class rng {
 public:
  using result_type = std::uint64_t;
  explicit rng(std::uint64_t seed = 0) : m_state(seed) {}
  void seed(std::uint64_t seed) { m_state = seed; }
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
  result_type operator()() { return mix64(m_state += 0x9E3779B97F4A7C15ull); }

  // Uniform in [0, 1) and in [lo, hi).
  double uniform() { return uniform(0.0, 1.0); }
  double uniform(double lo, double hi) { return boost::random::uniform_real_distribution<double>(lo, hi)(*this); }
  float uniform_float() { return boost::random::uniform_real_distribution<float>(0.0f, 1.0f)(*this); }
  // Uniform integer in [0, n) (0 when n is 0), exact: no modulo bias.
  std::uint64_t below(std::uint64_t n) {
    return n == 0 ? 0 : boost::random::uniform_int_distribution<std::uint64_t>(0, n - 1)(*this);
  }
  // Uniform integer in [lo, hi], both included.
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return boost::random::uniform_int_distribution<std::int64_t>(lo, hi)(*this);
  }
  // True with probability p.
  bool chance(double p) { return boost::random::bernoulli_distribution<double>(p)(*this); }
  double normal(double mean = 0.0, double sigma = 1.0) {
    return boost::random::normal_distribution<double>(mean, sigma)(*this);
  }
  // Exponential with rate `rate` (mean 1 / rate).
  double exponential(double rate) { return boost::random::exponential_distribution<double>(rate)(*this); }

 private:
  std::uint64_t m_state;
};

}  // namespace snncosim
