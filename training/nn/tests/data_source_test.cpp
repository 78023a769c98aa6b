// The event-dataset adapter: a tiny Fashion set made by the data library's generator feeds
// the trainer with binary [T][B][C][H][W] frames and the labels of the class folders.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "snncosim/common/error.h"
#include "snncosim/data/emulator.h"
#include "snncosim/nn/data_source.h"
#include "snncosim/nn/network.h"
#include "snncosim/nn/network_spec.h"
#include "snncosim/nn/trainer.h"

using namespace snncosim;

namespace {

struct scratch_dir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("snncosim_nn_data_" + std::to_string(::getpid()));
  ~scratch_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

std::filesystem::path tiny_fashion() {
  static const scratch_dir scratch;
  const auto& dir = scratch.path;
  if (!std::filesystem::exists(dir)) {
    data::fashion_generate_options g;
    g.out_dir = dir;
    g.train_count = 12;
    g.test_count = 5;
    g.seed = 3;
    data::generate_fashion_nmnist(g);
  }
  return dir;
}

nn::event_source_options options(const std::filesystem::path& root) {
  nn::event_source_options o;
  o.dataset = "builtin_fashion";
  o.root = root;
  o.time_steps = 6;
  o.seed = 5;
  o.where = "test.yaml:1";
  return o;
}

// Label of every training file, read from the N-MNIST layout (Train/<label>/<index>.bin).
std::multiset<int> folder_labels(const std::filesystem::path& root, const std::string& split) {
  std::multiset<int> labels;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root / split))
    if (e.is_regular_file() && e.path().extension() == ".bin")
      labels.insert(std::stoi(e.path().parent_path().filename().string()));
  return labels;
}

}  // namespace

TEST_CASE("a generated fashion set gives binary time-major batches with the folder labels") {
  const auto root = tiny_fashion();
  auto src = nn::make_event_source(options(root));
  REQUIRE(src->size() == 12);
  CHECK(src->time_steps() == 6);
  CHECK(src->channels() == 2);
  CHECK(src->height() == 34);
  CHECK(src->width() == 34);

  src->set_epoch(0);
  CHECK(src->num_batches(5) == 3);
  std::multiset<int> seen;
  const std::size_t per_step = 2 * 34 * 34;
  for (std::size_t b = 0; b < 3; ++b) {
    const auto v = src->batch(b, 5);
    CHECK(v.batch == (b < 2 ? 5 : 2));
    const auto n = static_cast<std::size_t>(v.batch);
    double ones = 0;
    for (std::size_t k = 0; k < 6 * n * per_step; ++k) {
      REQUIRE((v.frames[k] == 0.0f || v.frames[k] == 1.0f));
      ones += v.frames[k];
    }
    // ~5400 events per 300 ms sample spread over 6 bins: clearly non-empty, far from full.
    CHECK(ones > 100.0 * static_cast<double>(n));
    CHECK(ones < 0.5 * 6.0 * static_cast<double>(n * per_step));
    // Every sample has events in each of its 6 time bins (its frames sit at [t][i]).
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t t = 0; t < 6; ++t) {
        double s = 0;
        for (std::size_t k = 0; k < per_step; ++k) s += v.frames[(t * n + i) * per_step + k];
        CHECK(s > 0);
      }
    for (std::size_t i = 0; i < n; ++i) seen.insert(v.labels[i]);
  }
  CHECK(seen == folder_labels(root, "Train"));
}

TEST_CASE("epochs reshuffle deterministically and a subset is a fixed draw") {
  const auto root = tiny_fashion();
  auto o = options(root);
  o.max_samples = 7;
  auto a = nn::make_event_source(o);
  auto b = nn::make_event_source(o);
  CHECK(a->size() == 7);
  a->set_epoch(1);
  b->set_epoch(1);
  const auto va = a->batch(0, 7);
  std::vector<float> first(va.frames, va.frames + 6 * 7 * 2 * 34 * 34);
  const auto vb = b->batch(0, 7);
  CHECK(std::equal(first.begin(), first.end(), vb.frames));
  // Epoch 2 visits the same 7 samples (same label multiset) in another order.
  std::multiset<int> l1(va.labels, va.labels + 7);
  a->set_epoch(2);
  const auto v2 = a->batch(0, 7);
  CHECK(std::multiset<int>(v2.labels, v2.labels + 7) == l1);
  CHECK(!std::equal(first.begin(), first.end(), v2.frames));
}

TEST_CASE("one training step of the CSNN on the generated set") {
  const auto root = tiny_fashion();
  auto src = nn::make_event_source(options(root));
  snn::neuron_config neuron;
  auto spec = nn::csnn_spec(neuron);
  nn::network net(spec, 1);
  net.configure(6, 4);
  nn::trainer_options to;
  to.epochs = 1;
  to.batch_size = 4;
  nn::trainer tr(net, to);
  const auto m = tr.train_epoch(*src, 0);
  CHECK(m.train_loss > 0);
  CHECK(std::isfinite(m.train_loss));
}

TEST_CASE("a missing folder and a sensor that does not match the network are one bad_input each") {
  auto o = options("/nonexistent/snncosim/nmnist");
  o.dataset = "nmnist";
  try {
    nn::make_event_source(o);
    FAIL("no exception");
  } catch (const bad_input& e) {
    const std::string m = e.what();
    CHECK(m.find("test.yaml:1") != std::string::npos);
    CHECK(m.find("garrickorchard.com") != std::string::npos);
    CHECK(m.find("/nonexistent/snncosim/nmnist/Train/<digit>") != std::string::npos);
  }
  auto g = options(tiny_fashion());
  g.height = 28;
  try {
    nn::make_event_source(g);
    FAIL("no exception");
  } catch (const bad_input& e) {
    CHECK(std::string(e.what()).find("34x34x2") != std::string::npos);
    CHECK(std::string(e.what()).find("34x28x2") != std::string::npos);
  }
}
