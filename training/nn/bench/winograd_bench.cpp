// Micro-benchmark of one 3x3, stride-1, padding-1 conv2d layer: forward and backward
// (backward-data and weight gradient) with oneDNN's kernels only (the built-in Winograd off)
// and with conv_algorithm::automatic (the built-in Winograd wherever oneDNN's pass is direct),
// alternately. Usage:
//   nn_winograd_bench [in_channels] [out_channels] [size] [rows]   (defaults: VGG9's 54->120
//   layer at 16x16 with the benchmark's T*N = 160 rows). Input: binary spikes at 30 %, the
//   layout oneDNN's forward prefers. Best of 5 per round, 2 rounds, one JSON line per setting.
#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <string>

#include "snncosim/common/rng.h"
#include "snncosim/nn/conv2d.h"
#include "snncosim/nn/engine.h"

int main(int argc, char** argv) {
  using namespace snncosim::nn;
  const int in = argc > 1 ? std::stoi(argv[1]) : 54;
  const int out = argc > 2 ? std::stoi(argv[2]) : 120;
  const int size = argc > 3 ? std::stoi(argv[3]) : 16;
  const int rows = argc > 4 ? std::stoi(argv[4]) : 160;
  using clock = std::chrono::steady_clock;
  const char* names[] = {"onednn", "automatic"};
  for (int round = 0; round < 2; ++round)
    for (int setting = 0; setting < 2; ++setting) {
      engine_context ctx;
      conv2d_options o{in, out, 3, 1, 1, true};
      if (setting == 0) o.builtin_winograd_min_tiles = INT_MAX;
      conv2d layer(o, 1);
      // The input layout oneDNN's forward prefers, as a previous layer would hand it over.
      const dnnl::memory::desc any({rows, in, size, size}, dnnl::memory::data_type::f32,
                                   dnnl::memory::format_tag::any);
      const dnnl::memory::desc w_any({out, in, 3, 3}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::any);
      const dnnl::memory::desc dst_any({rows, out, size, size}, dnnl::memory::data_type::f32,
                                       dnnl::memory::format_tag::any);
      const dnnl::convolution_forward::primitive_desc probe(
          {dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct, any, w_any, dst_any, {1, 1}, {1, 1},
           {1, 1}},
          ctx.engine);
      dnnl::memory src(probe.src_desc(), ctx.engine);
      snncosim::rng gen(1);
      auto* x = static_cast<float*>(src.get_data_handle());
      for (std::size_t i = 0; i < probe.src_desc().get_size() / sizeof(float); ++i)
        x[i] = gen.uniform() < 0.3 ? 1.0f : 0.0f;
      const auto dst_md = layer.configure(ctx, probe.src_desc(), {1, rows});
      dnnl::memory diff(dst_md, ctx.engine);
      auto* d = static_cast<float*>(diff.get_data_handle());
      for (std::size_t i = 0; i < dst_md.get_size() / sizeof(float); ++i) d[i] = static_cast<float>(gen.uniform(-1, 1));
      double best_fwd = 1e30, best_bwd = 1e30;
      for (int rep = 0; rep < 6; ++rep) {  // the first is a warm-up
        const auto t0 = clock::now();
        layer.forward(ctx, src, true);
        const auto t1 = clock::now();
        layer.backward(ctx, diff, true);
        const auto t2 = clock::now();
        if (rep == 0) continue;
        best_fwd = std::min(best_fwd, std::chrono::duration<double, std::milli>(t1 - t0).count());
        best_bwd = std::min(best_bwd, std::chrono::duration<double, std::milli>(t2 - t1).count());
      }
      std::printf(
          "{\"round\": %d, \"kernels\": \"%s\", \"in\": %d, \"out\": %d, \"size\": %d, \"rows\": %d, "
          "\"forward_ms\": %.2f, \"backward_ms\": %.2f, \"implementation\": \"%s\"}\n",
          round + 1, names[setting], in, out, size, rows, best_fwd, best_bwd, layer.implementation().c_str());
    }
}
