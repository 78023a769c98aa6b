#pragma once
// Helpers shared by the nn tests: plain <-> oneDNN memory transfers, seeded data and
// central finite differences of double-precision naive reference functions.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "snncosim/common/rng.h"
#include "snncosim/nn/engine.h"

namespace snncosim::nn::test {

using dnnl::memory;

inline memory::format_tag plain_tag(std::size_t ndims) {
  return ndims == 4 ? memory::format_tag::nchw : memory::format_tag::nc;
}

inline std::vector<float> random_vector(std::size_t n, std::uint64_t seed, double lo = -1, double hi = 1) {
  rng gen(seed);
  std::vector<float> v(n);
  for (auto& x : v) x = static_cast<float>(gen.uniform(lo, hi));
  return v;
}

// Memory with descriptor md filled from a plain (nchw / nc) vector.
inline memory make_memory(engine_context& ctx, const memory::desc& md, std::vector<float> plain) {
  memory out(md, ctx.engine);
  memory src({md.dims(), memory::data_type::f32, plain_tag(md.dims().size())}, ctx.engine, plain.data());
  reorder_now(ctx, src, out);
  return out;
}

inline std::vector<float> read_plain(engine_context& ctx, const memory& m) {
  const auto md = m.get_desc();
  std::vector<float> plain(logical_elements(md));
  memory dst({md.dims(), memory::data_type::f32, plain_tag(md.dims().size())}, ctx.engine, plain.data());
  reorder_now(ctx, m, dst);
  return plain;
}

inline memory::desc md_of(const memory::dims& dims, memory::format_tag tag) {
  return {dims, memory::data_type::f32, tag};
}

// Central differences of f at x (double). Linear maps are exact up to rounding.
inline std::vector<double> finite_difference(const std::function<double(const std::vector<double>&)>& f,
                                             std::vector<double> x, double eps = 1e-5) {
  std::vector<double> g(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double keep = x[i];
    x[i] = keep + eps;
    const double up = f(x);
    x[i] = keep - eps;
    const double down = f(x);
    x[i] = keep;
    g[i] = (up - down) / (2 * eps);
  }
  return g;
}

template <typename A, typename B>
double relative_error(const std::vector<A>& got, const std::vector<B>& want) {
  double err = 0, scale = 1e-30;
  for (std::size_t i = 0; i < want.size(); ++i) {
    err = std::max(err, std::abs(static_cast<double>(got[i]) - static_cast<double>(want[i])));
    scale = std::max(scale, std::abs(static_cast<double>(want[i])));
  }
  return err / scale;
}

inline std::vector<double> to_double(const std::vector<float>& v) { return {v.begin(), v.end()}; }

inline double dot(const std::vector<double>& a, const std::vector<float>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

}  // namespace snncosim::nn::test
