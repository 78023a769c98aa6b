#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>
#include <png.h>

#include <algorithm>
#include <set>

#include "snncosim/common/error.h"
#include "snncosim/data/dataset.h"
#include "snncosim/data/emulator.h"
#include "snncosim/data/frame_cache.h"
#include "snncosim/data/idx.h"
#include "snncosim/data/nmnist.h"
#include "snncosim/data/png.h"
#include "test_util.h"

using namespace snncosim::data;
using namespace snncosim::data::test;
namespace fs = std::filesystem;

namespace {
// Tiny N-MNIST layout: Train/<d>/0000k.bin with (k+1)*10 events each, t = 0..; label d.
fs::path tiny_nmnist(const std::string& tag, int per_class = 2, int classes = 3) {
  const auto dir = temp_dir(tag);
  for (int d = 0; d < classes; ++d) {
    for (int k = 0; k < per_class; ++k) {
      event_vector ev;
      for (int i = 0; i < (k + 1) * 10; ++i) {
        ev.push_back({i * 100, static_cast<std::uint16_t>(d), static_cast<std::uint16_t>(i % 34),
                      static_cast<std::uint8_t>(i & 1)});
      }
      char name[16];
      std::snprintf(name, sizeof name, "%05d.bin", k);
      write_nmnist(dir / "Train" / std::to_string(d) / name, ev);
    }
  }
  return dir;
}
}  // namespace

TEST_CASE("dataset: N-MNIST layout + labels from folder names + sorted files") {
  const auto dir = tiny_nmnist("ds1");
  dataset_options o;
  o.root = dir;
  const auto ds = event_dataset::open(o);
  REQUIRE(ds.size() == 6);
  CHECK(ds.kind() == dataset_kind::nmnist);
  CHECK(ds.label(0) == 0);
  CHECK(ds.label(5) == 2);
  CHECK(ds.ref(1).file.filename() == "00001.bin");
  CHECK(ds.events(1).size() == 20);
  o.split = "test";
  CHECK_THROWS_AS(event_dataset::open(o), snncosim::bad_input);
}

TEST_CASE("collate pads time with zeros to the longest sample + time-major") {
  frame_sample a, b;
  a.frames = {1, 1, 1, 2, {1, 2}};
  a.label = 3;
  b.frames = {3, 1, 1, 2, {4, 5, 6, 7, 8, 9}};
  b.label = 4;
  const auto batch = collate({a, b}, {10, 11});
  CHECK(batch.t == 3);
  CHECK(batch.b == 2);
  // [T, B, P, H, W]: t=0: a(1,2) b(4,5); t=1: a(0,0) b(6,7); t=2: a(0,0) b(8,9)
  CHECK(batch.data == std::vector<float>{1, 2, 4, 5, 0, 0, 6, 7, 0, 0, 8, 9});
  CHECK(batch.labels == std::vector<int>{3, 4});
  CHECK(batch.lengths == std::vector<int>{1, 3});
}

TEST_CASE("loader: deterministic shuffling per (seed + epoch) + all samples once") {
  const auto dir = tiny_nmnist("ds2", 4, 3);
  dataset_options o;
  o.root = dir;
  const auto ds = event_dataset::open(o);
  transform_params tp;
  tp.frame = {slice_mode::time_window, 500, 0, true};
  loader_options lo;
  lo.batch_size = 5;
  lo.seed = 42;
  frame_loader a(ds, tp, lo), b(ds, tp, lo);
  CHECK(a.order() == b.order());
  auto sorted = a.order();
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i) CHECK(sorted[i] == i);
  const auto first = a.order();
  a.set_epoch(1);
  CHECK(a.order() != first);
  CHECK(a.num_batches() == 3);
  const auto batch = a.batch(2);
  CHECK(batch.b == 2);
  // Sample with 40 events at t=0..3900 framed in 500 us windows (include_incomplete): 8 frames.
  std::size_t longest = 0;
  for (std::size_t i = 0; i < ds.size(); ++i) longest = std::max(longest, ds.events(i).size());
  CHECK(longest == 40);
  const auto s = a.get(ds.size() - 1);
  REQUIRE(s.has_value());
  CHECK(s->frames.t == 8);
}

TEST_CASE("frame cache: hit returns identical frames + stale or corrupt entries are misses") {
  const auto dir = tiny_nmnist("ds3");
  const auto cache_dir = dir / "cache";
  dataset_options o;
  o.root = dir;
  const auto ds = event_dataset::open(o);
  transform_params tp;
  tp.frame = {slice_mode::n_time_bins, 4, 0, false};
  loader_options lo;
  lo.shuffle = false;
  lo.cache_dir = cache_dir;
  frame_loader first(ds, tp, lo);
  const auto s0 = first.get(3);
  CHECK(first.cache_misses() == 1);
  frame_loader second(ds, tp, lo);
  const auto s1 = second.get(3);
  CHECK(second.cache_hits() == 1);
  CHECK(s1->frames.counts == s0->frames.counts);
  CHECK(s1->label == s0->label);
  // Other transform parameters -> other key.
  transform_params tp2 = tp;
  tp2.binarize = true;
  frame_loader third(ds, tp2, lo);
  (void)third.get(3);
  CHECK(third.cache_misses() == 1);
  // Corrupt entry -> miss, recomputed and rewritten.
  const auto key = frame_cache::make_key(ds.ref(3).file, ds.ref(3).t_begin, ds.ref(3).t_end, "x", tp.key());
  frame_cache c(cache_dir);
  frame_tensor f{1, 1, 1, 1, {7}};
  c.store(key, f, 2);
  int label = 0;
  REQUIRE(c.load(key, &label).has_value());
  CHECK(label == 2);
  write_bytes(c.entry_path(key), "SNNFRM02garbage");
  CHECK_FALSE(c.load(key).has_value());
  // Changing the file changes the key (size/mtime are part of it).
  const auto before = frame_cache::make_key(ds.ref(0).file, 0, 1, "r", "t");
  write_nmnist(ds.ref(0).file, event_vector{{1, 1, 1, 1}});
  CHECK(frame_cache::make_key(ds.ref(0).file, 0, 1, "r", "t") != before);
}

TEST_CASE("loader --skip-bad counts bad files instead of failing") {
  const auto dir = tiny_nmnist("ds4");
  write_bytes(dir / "Train" / "1" / "00009.bin", bytes({1, 2, 3}));  // truncated
  dataset_options o;
  o.root = dir;
  const auto ds = event_dataset::open(o);
  REQUIRE(ds.size() == 7);
  transform_params tp;
  loader_options lo;
  lo.shuffle = false;
  lo.batch_size = 7;
  frame_loader strict(ds, tp, lo);
  CHECK_THROWS_AS(strict.batch(0), snncosim::bad_input);
  lo.skip_bad = true;
  frame_loader lenient(ds, tp, lo);
  const auto b = lenient.batch(0);
  CHECK(b.b == 6);
  CHECK(lenient.skipped() == 1);
  REQUIRE(lenient.skipped_messages().size() == 1);
  CHECK(lenient.skipped_messages()[0].find("00009.bin: byte offset 0") != std::string::npos);
}

TEST_CASE("emulator: deterministic per seed + sorted + on the 34x34 sensor") {
  std::vector<std::uint8_t> img(784, 0);
  for (int y = 8; y < 20; ++y) for (int x = 8; x < 20; ++x) img[static_cast<std::size_t>(y * 28 + x)] = 255;
  const auto a = emulate_saccades(img.data(), 1, 7);
  const auto b = emulate_saccades(img.data(), 1, 7);
  const auto c = emulate_saccades(img.data(), 1, 8);
  CHECK(a == b);
  CHECK(a != c);
  REQUIRE(a.size() > 200);
  CHECK(std::is_sorted(a.begin(), a.end(), [](const event& l, const event& r) { return l.t < r.t; }));
  std::size_t on = 0;
  for (const auto& e : a) {
    CHECK(e.x < 34);
    CHECK(e.y < 34);
    CHECK(e.t >= 0);
    CHECK(e.t <= 300000);
    on += e.p;
  }
  // A bright square moving over a dark background: leading edges ON, trailing edges OFF.
  CHECK(on > a.size() / 4);
  CHECK(on < a.size() * 3 / 4);
  // No noise, no events from a blank image.
  emulator_params quiet;
  quiet.noise_hz = 0;
  std::vector<std::uint8_t> blank(784, 0);
  CHECK(emulate_saccades(blank.data(), 1, 7, quiet).empty());
}

TEST_CASE("idx: hand-built file + truncation and bad magic") {
  const auto dir = temp_dir("idx");
  write_bytes(dir / "ok.idx", bytes({0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
  const auto a = read_idx(dir / "ok.idx");
  CHECK(a.dims == std::vector<std::uint32_t>{2, 2, 3});
  CHECK(a.data.back() == 12);
  CHECK(read_idx(dir / "ok.idx", 1).data.size() == 6);
  write_bytes(dir / "t.idx", bytes({0, 0, 8, 1, 0, 0, 0, 5, 1, 2}));
  CHECK_THROWS_AS(read_idx(dir / "t.idx"), snncosim::bad_input);
  // Fuzzer finding: a header claiming ~4 GB must fail on truncation, not allocate it.
  write_bytes(dir / "huge.idx", bytes({0, 0, 8, 3, 0, 0, 0, 1, 0, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0xFF, 1, 2}));
  CHECK_THROWS_AS(read_idx(dir / "huge.idx"), snncosim::bad_input);
  write_bytes(dir / "m.idx", bytes({1, 0, 8, 1, 0, 0, 0, 0}));
  CHECK_THROWS_AS(read_idx(dir / "m.idx"), snncosim::bad_input);
}

TEST_CASE("fashion generator: Debian files -> N-MNIST layout readable by the dataset") {
  if (!fs::exists(default_fashion_mnist_dir() / "t10k-images-idx3-ubyte.gz")) {
    MESSAGE("dataset-fashion-mnist not installed; skipped");
    return;
  }
  const auto labels = read_idx(default_fashion_mnist_dir() / "t10k-labels-idx1-ubyte.gz", 5);
  CHECK(labels.dims[0] == 5);
  // Published first test labels of Fashion-MNIST: 9 (ankle boot), 2, 1, 1, 6.
  CHECK(labels.data == std::vector<std::uint8_t>{9, 2, 1, 1, 6});
  const auto dir = temp_dir("fa");
  fashion_generate_options o;
  o.out_dir = dir / "f";
  o.train_count = 0;
  o.test_count = 5;
  const auto s = generate_fashion_nmnist(o);
  CHECK(s.test_samples == 5);
  dataset_options d;
  d.root = o.out_dir;
  d.split = "test";
  const auto ds = event_dataset::open(d);
  REQUIRE(ds.size() == 5);
  CHECK(ds.class_names()[9] == "Ankle boot");
  CHECK(fs::exists(o.out_dir / "Test" / "9" / "00000.bin"));
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < ds.size(); ++i) n += ds.events(i).size();
  CHECK(n == s.events);
  CHECK_FALSE(fs::exists(dir / ("f.partial." + std::to_string(::getpid()))));
}

TEST_CASE("gesture generator: AEDAT 3.1 + CSV cut into labelled samples") {
  const auto dir = temp_dir("gs");
  gesture_generate_options o;
  o.out_dir = dir;
  o.train_trials = 1;
  o.test_trials = 1;
  o.gesture_us = 200000;
  generate_gestures(o);
  dataset_options d;
  d.root = dir;
  const auto ds = event_dataset::open(d);
  CHECK(ds.kind() == dataset_kind::dvs_gesture);
  REQUIRE(ds.size() == static_cast<std::size_t>(gesture_synth_classes));
  CHECK(ds.num_classes() == gesture_synth_classes);
  std::set<int> labels;
  for (std::size_t i = 0; i < ds.size(); ++i) {
    labels.insert(ds.label(i));
    const auto ev = ds.events(i);
    CHECK(ev.size() > 100);
    for (const auto& e : ev) {
      CHECK(e.t >= ds.ref(i).t_begin);
      CHECK(e.t < ds.ref(i).t_end);
    }
  }
  CHECK(labels.size() == static_cast<std::size_t>(gesture_synth_classes));
  // One pass per recording gives the same cuts as reading each sample on its own.
  std::size_t visited = 0;
  ds.for_each_sample([&](std::size_t i, const event_vector& ev) {
    CHECK(ev == ds.events(i));
    ++visited;
  });
  CHECK(visited == ds.size());
}

TEST_CASE("png: signature + IHDR and libpng reads back the pixels") {
  const std::vector<std::uint8_t> rgb = {255, 0, 0, 0, 255, 0, 0, 0, 255, 1, 2, 3};
  const std::string png = encode_png(2, 2, rgb);
  CHECK(png.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
  CHECK(png.substr(12, 4) == "IHDR");
  CHECK(png.substr(16, 8) == bytes({0, 0, 0, 2, 0, 0, 0, 2}));
  CHECK(png.substr(24, 5) == bytes({8, 2, 0, 0, 0}));
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  REQUIRE(png_image_begin_read_from_memory(&image, png.data(), png.size()) != 0);
  CHECK(image.width == 2);
  CHECK(image.height == 2);
  image.format = PNG_FORMAT_RGB;
  std::vector<std::uint8_t> back(PNG_IMAGE_SIZE(image));
  REQUIRE(png_image_finish_read(&image, nullptr, back.data(), 0, nullptr) != 0);
  CHECK(back == rgb);
  CHECK(png.substr(png.size() - 8, 4) == "IEND");
}

TEST_CASE("dataset: CIFAR10-DVS layout + 9:1 split by sorted file name and the TEBN split") {
  const auto dir = temp_dir("cifar");
  static const char* classes[] = {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};
  const event_vector one = {{1, 3, 4, 1}};
  for (const char* c : classes) {
    // 12 files: sorted names are _0, _1, _10, _11, _2, ..., _9 -> first ceil(0.9*12) = 11 train.
    for (int i = 0; i < 12; ++i) {
      write_bytes(dir / c / (std::string("cifar10_") + c + "_" + std::to_string(i) + ".aedat"), encode_aedat2(one));
    }
  }
  dataset_options o;
  o.root = dir;
  auto train = event_dataset::open(o);
  CHECK(train.kind() == dataset_kind::cifar10_dvs);
  CHECK(train.size() == 110);
  o.split = "test";
  auto test = event_dataset::open(o);
  REQUIRE(test.size() == 10);
  CHECK(test.ref(0).file.filename() == "cifar10_airplane_9.aedat");  // last in lexicographic order
  CHECK(test.label(9) == 9);
  CHECK(test.events(0) == one);
  // TEBN: recordings 0..99 are the test set -> all 12 per class here.
  o.cifar_split = "tebn";
  CHECK(event_dataset::open(o).size() == 120);
  o.split = "train";
  CHECK(event_dataset::open(o).size() == 0);
}

TEST_CASE("frame cache: two processes filling the same entries never expose a partial file") {
  const auto dir = temp_dir("cache2p");
  frame_cache cache(dir);
  frame_tensor f{50, 2, 34, 34, {}};
  f.counts.assign(static_cast<std::size_t>(50) * f.frame_size(), 0);
  for (std::size_t i = 0; i < f.counts.size(); i += 7) f.counts[i] = static_cast<std::uint16_t>(i % 5 + 1);
  const std::string key = "two-process test key";
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    for (int i = 0; i < 20; ++i) cache.store(key, f, 3);
    std::_Exit(0);
  }
  int bad_reads = 0;
  for (int i = 0; i < 20; ++i) {
    cache.store(key, f, 3);
    const auto got = cache.load(key);
    if (!got || got->counts != f.counts) ++bad_reads;
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(bad_reads == 0);
  // Only the entry remains: no temporaries left behind.
  std::size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) files += e.is_regular_file() ? 1 : 0;
  CHECK(files == 1);
}
