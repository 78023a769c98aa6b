#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "snncosim/experiments/point_hash.h"
#include "snncosim/experiments/sweep_grid.h"

namespace ex = snncosim::experiments;

TEST_CASE("grid: cartesian product, last axis fastest, labels and overrides") {
  const std::vector<ex::sweep_axis> axes = {{"network.neuron.model", {"leaky", "lapicque"}},
                                            {"network.neuron.beta", {"0.2", "0.5", "0.9"}}};
  const auto g = ex::expand_grid(axes);
  REQUIRE(g.size() == 6);
  CHECK(g[0].label == "network.neuron.model=leaky, network.neuron.beta=0.2");
  CHECK(g[1].overrides[1].value == "0.5");
  CHECK(g[3].overrides[0].value == "lapicque");
  CHECK(g[3].overrides[1].value == "0.2");
  CHECK(g[5].index == 5);
  CHECK(g[5].label == "network.neuron.model=lapicque, network.neuron.beta=0.9");
}

TEST_CASE("grid: no axes is one point without overrides") {
  const auto g = ex::expand_grid({});
  REQUIRE(g.size() == 1);
  CHECK(g[0].overrides.empty());
}

TEST_CASE("grid: sweep section of a real experiment document, flow values") {
  const std::string text =
      "schema: snncosim.experiment/1\n"
      "network: {schema: snncosim.network/1, input: {height: 4, width: 4}, num_classes: 2,\n"
      "          layers: [{type: flatten}, {type: linear, features: 2}, {type: neuron, output: true}]}\n"
      "sweep:\n"
      "  network.neuron.surrogate.name: [fast_sigmoid, spike_rate_escape]\n"
      "  network.neuron.surrogate.params: [{slope: 25}, {slope: 5}]\n"
      "  seed: [1]\n";
  const auto doc = snncosim::config::load_text(text, "mem.yaml", {}, "experiment");
  const auto axes = ex::sweep_axes(doc);
  REQUIRE(axes.size() == 3);
  CHECK(axes[0].key == "network.neuron.surrogate.name");
  CHECK(axes[1].values[0] == "{slope: 25}");
  CHECK(ex::expand_grid(axes).size() == 4);
  // A flow value is a valid --set value: it loads back to the same setting.
  const auto p = snncosim::config::load_text(text, "mem.yaml", {{axes[1].key, axes[1].values[1]}}, "experiment");
  CHECK(p.get<double>("network.neuron.surrogate.params.slope") == 5.0);
}

TEST_CASE("grid: more than 10000 points is refused at the sweep: key") {
  const std::string head =
      "schema: snncosim.experiment/1\n"
      "network: {schema: snncosim.network/1, input: {height: 4, width: 4}, num_classes: 2,\n"
      "          layers: [{type: flatten}, {type: linear, features: 2}, {type: neuron, output: true}]}\n"
      "sweep:\n";
  // 10 x 10 x 10 x 10 = 10000 points: at the limit; a fifth axis of 2 makes 20000. The
  // message points at the `sweep:` key, line 4.
  std::string text = head;
  for (const char* key : {"seed", "training.batch_size", "dataset.time_steps", "training.epochs"})
    text += std::string("  ") + key + ": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n";
  const auto doc = snncosim::config::load_text(text, "big.yaml", {}, "experiment");
  CHECK(ex::sweep_axes(doc).size() == 4);
  text += "  training.threads: [1, 2]\n";
  const auto over = snncosim::config::load_text(text, "big.yaml", {}, "experiment");
  try {
    ex::sweep_axes(over);
    FAIL("expected bad_input");
  } catch (const snncosim::bad_input& e) {
    CHECK(std::string(e.what()).find("big.yaml:4:1: sweep: the grid has 20000 points, more than the limit of 10000") == 0);
  }
}

TEST_CASE("hash: key order and identity-free keys do not matter, values do") {
  const YAML::Node a = YAML::Load("{name: a, seed: 1, training: {epochs: 2, lr: 0.1}, sweep: {seed: [1, 2]}}");
  const YAML::Node b = YAML::Load("{training: {lr: 0.1, epochs: 2}, seed: 1, name: other, output_dir: x}");
  const YAML::Node c = YAML::Load("{training: {lr: 0.1, epochs: 3}, seed: 1}");
  CHECK(ex::point_hash(a) == ex::point_hash(b));
  CHECK(ex::point_hash(a) != ex::point_hash(c));
  CHECK(ex::point_hash(a).size() == 16);
  CHECK(ex::canonical_text(c) == "seed=1\ntraining.epochs=3\ntraining.lr=0.1\n");
}

TEST_CASE("hash: FNV-1a 64 reference values") {
  // Published FNV-1a test vectors.
  CHECK(ex::fnv1a64("") == 0xcbf29ce484222325ULL);
  CHECK(ex::fnv1a64("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(ex::fnv1a64("foobar") == 0x85944171f73967e8ULL);
}
