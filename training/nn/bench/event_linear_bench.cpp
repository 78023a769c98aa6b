// Micro-benchmark of the event-driven linear forward kernel (non-zero lists, tiled sums) and
// of the weight transpose, with the layouts linear uses. Usage:
//   nn_event_linear_bench [rows] [in] [out] [density]   (defaults: fc's 1024x1024 layer at
//   its trained input density, T*N = 640 rows). Best of 15, one JSON line. The forward is timed
//   twice, alternating: multiply-adds of the values (the kernel for non-binary inputs) and adds
//   of the rows (the kernel for spikes, which these inputs are).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "event_linear.h"
#include "snncosim/common/rng.h"

int main(int argc, char** argv) {
  using namespace snncosim::nn::detail;
  const int rows = argc > 1 ? std::stoi(argv[1]) : 640;
  const int in = argc > 2 ? std::stoi(argv[2]) : 1024;
  const int out = argc > 3 ? std::stoi(argv[3]) : 1024;
  const double density = argc > 4 ? std::stod(argv[4]) : 0.21;
  snncosim::rng gen(1);
  std::vector<float> x(static_cast<std::size_t>(rows) * in), w(static_cast<std::size_t>(out) * in), y(static_cast<std::size_t>(rows) * out);
  for (auto& v : x) v = gen.uniform() < density ? 1.0f : 0.0f;
  for (auto& v : w) v = static_cast<float>(gen.uniform(-1, 1));
  aligned_vector<float> wt(panel_floats(static_cast<std::size_t>(in), static_cast<std::size_t>(out)), 0.0f);
  const event_linear_geometry g{rows, in, out};
  sparse_rows events;
  using clock = std::chrono::steady_clock;
  double best_gather = 1e30, best_transpose = 1e30, best_forward = 1e30, best_forward_values = 1e30;
  for (int rep = 0; rep < 15; ++rep) {
    const auto t0 = clock::now();
    gather_nonzeros(x.data(), g, events);
    const auto t1 = clock::now();
    pack_panels_transposed(w.data(), static_cast<std::size_t>(out), static_cast<std::size_t>(in),
                           static_cast<std::size_t>(in), wt.data());
    const auto t2 = clock::now();
    event_linear_forward(g, events, wt.data(), nullptr, y.data());
    const auto t3 = clock::now();
    events.binary = false;
    event_linear_forward(g, events, wt.data(), nullptr, y.data());
    const auto t4 = clock::now();
    best_forward_values = std::min(best_forward_values, std::chrono::duration<double>(t4 - t3).count());
    best_gather = std::min(best_gather, std::chrono::duration<double>(t1 - t0).count());
    best_transpose = std::min(best_transpose, std::chrono::duration<double>(t2 - t1).count());
    best_forward = std::min(best_forward, std::chrono::duration<double>(t3 - t2).count());
  }
  const double adds = static_cast<double>(events.nonzeros()) * out;
  std::printf("{\"kernel_isa\": \"%s\", \"rows\": %d, \"in\": %d, \"out\": %d, \"density\": %.3f, "
              "\"gather_ms\": %.3f, \"transpose_ms\": %.3f, \"forward_ms\": %.3f, \"forward_g_adds_per_s\": %.1f, "
              "\"forward_values_ms\": %.3f}\n",
              kernel_isa(), rows, in, out, static_cast<double>(events.nonzeros()) / (static_cast<double>(rows) * in),
              best_gather * 1e3, best_transpose * 1e3, best_forward * 1e3, adds / best_forward / 1e9,
              best_forward_values * 1e3);
}
