// Micro-benchmark of one neuron_layer: forward (taped), backward and inference per
// element-step. Usage: snn_neuron_bench [surrogate] [learn_threshold 0|1] [n] [T]
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "snncosim/common/rng.h"
#include "snncosim/snn/neuron.h"

int main(int argc, char** argv) {
  using namespace snncosim::snn;
  const std::string surrogate = argc > 1 ? argv[1] : "fast_sigmoid";
  const bool learn = argc > 2 && std::string(argv[2]) == "1";
  const std::size_t n = argc > 3 ? std::stoul(argv[3]) : 345600;  // CSNN conv1 at batch 32
  const std::size_t steps = argc > 4 ? std::stoul(argv[4]) : 20;
  neuron_config c = default_neuron_config("leaky");
  c.beta = 0.5f;
  c.surrogate = {surrogate, {}, 0};
  c.learn_threshold = learn;
  neuron_layer layer(c, n, steps);
  std::vector<float> x(n * steps), spk(n * steps), dx(n * steps), ds(n * steps);
  snncosim::rng rng(1);
  for (auto& v : x) v = static_cast<float>(rng.below(1000)) / 500.0f - 0.5f;
  for (auto& v : ds) v = static_cast<float>(rng.below(1000)) / 500.0f - 1.0f;
  using clock = std::chrono::steady_clock;
  double best[3] = {1e30, 1e30, 1e30};
  for (int rep = 0; rep < 7; ++rep) {
    const auto t0 = clock::now();
    layer.reset_state();
    for (std::size_t t = 0; t < steps; ++t) layer.forward(t, &x[t * n], &spk[t * n], nullptr);
    const auto t1 = clock::now();
    layer.zero_grad();
    for (std::size_t t = steps; t-- > 0;) layer.backward(t, &ds[t * n], nullptr, &dx[t * n]);
    const auto t2 = clock::now();
    layer.reset_state();
    for (std::size_t t = 0; t < steps; ++t) layer.forward_inference(&x[t * n], &spk[t * n], nullptr);
    const auto t3 = clock::now();
    const double per = 1e9 / static_cast<double>(n * steps);
    const double v[3] = {std::chrono::duration<double>(t1 - t0).count() * per,
                         std::chrono::duration<double>(t2 - t1).count() * per,
                         std::chrono::duration<double>(t3 - t2).count() * per};
    for (int i = 0; i < 3; ++i) best[i] = v[i] < best[i] ? v[i] : best[i];
  }
  std::printf("{\"surrogate\": \"%s\", \"learn_threshold\": %s, \"n\": %zu, \"steps\": %zu, "
              "\"forward_ns_per_elem_step\": %.3f, \"backward_ns_per_elem_step\": %.3f, "
              "\"inference_ns_per_elem_step\": %.3f}\n",
              surrogate.c_str(), learn ? "true" : "false", n, steps, best[0], best[1], best[2]);
}
