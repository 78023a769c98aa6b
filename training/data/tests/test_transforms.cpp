#include <doctest/doctest.h>

#include "snncosim/common/error.h"
#include "snncosim/data/nmnist.h"
#include "snncosim/data/transforms.h"
#include "test_util.h"

using namespace snncosim::data;

namespace {
event_vector at_times(std::initializer_list<std::int64_t> ts) {
  event_vector ev;
  for (auto t : ts) ev.push_back({t, 0, 0, 0});
  return ev;
}
to_frame_params tw(double w, double ov = 0, bool inc = false) {
  return {slice_mode::time_window, w, ov, inc};
}
to_frame_params ec(double c, double ov = 0, bool inc = false) {
  return {slice_mode::event_count, c, ov, inc};
}
using sl = slice_list;
}  // namespace

TEST_CASE("to_frame time_window: half-open windows + tail dropped even with include_incomplete") {
  const auto ev = at_times({0, 50, 100, 150, 200, 250, 300});
  // D=300, tw=100: floor((300-100)/100)+1 = 3 windows; t=300 falls in none of them.
  CHECK(slice_events(ev, tw(100)) == sl{{0, 2}, {2, 4}, {4, 6}});
  CHECK(slice_events(ev, tw(100, 0, true)) == sl{{0, 2}, {2, 4}, {4, 6}});
  // tw=120: floor(1.5)+1 = 2 windows; ceil(1.5)+1 = 3 with include_incomplete.
  CHECK(slice_events(ev, tw(120)) == sl{{0, 3}, {3, 5}});
  CHECK(slice_events(ev, tw(120, 0, true)) == sl{{0, 3}, {3, 5}, {5, 7}});
}

TEST_CASE("to_frame time_window: overlap + short recordings and a non-zero start") {
  const auto ev = at_times({1000, 1050, 1100, 1150, 1200, 1250, 1300});
  // stride 50: floor(200/50)+1 = 5 windows starting at 1000, 1050, ...
  CHECK(slice_events(ev, tw(100, 50)) == sl{{0, 2}, {1, 3}, {2, 4}, {3, 5}, {4, 6}});
  CHECK_THROWS_AS(slice_events(ev, tw(100, 100)), snncosim::bad_input);
  // Window longer than the recording: max(n, 1) = 1 window with everything.
  CHECK(slice_events(at_times({10, 20, 40}), tw(100)) == sl{{0, 3}});
}

TEST_CASE("to_frame event_count: clipping + overlap + include_incomplete") {
  const auto ev = at_times({0, 1, 2, 3, 4, 5, 6});
  CHECK(slice_events(ev, ec(3)) == sl{{0, 3}, {3, 6}});
  CHECK(slice_events(ev, ec(3, 0, true)) == sl{{0, 3}, {3, 6}, {6, 7}});
  CHECK(slice_events(ev, ec(3, 1)) == sl{{0, 3}, {2, 5}, {4, 7}});
  // count > N: c' = N, stride uses the requested count -> one slice of all events.
  CHECK(slice_events(ev, ec(10)) == sl{{0, 7}});
  CHECK_THROWS_AS(slice_events(ev, ec(3, 3)), snncosim::bad_input);
}

TEST_CASE("to_frame n_time_bins: floor-divided window + last event always dropped") {
  const auto ev = at_times({0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100});
  // D//3 = 33: [0,33) [33,66) [66,99); t=90 is in the last, t=100 in none.
  CHECK(slice_events(ev, {slice_mode::n_time_bins, 3, 0, false}) == sl{{0, 4}, {4, 7}, {7, 10}});
  // B=2, f=0.5: tw = 50*1.5 = 75, stride 37.5: [0,75) [37.5,112.5)
  CHECK(slice_events(ev, {slice_mode::n_time_bins, 2, 0.5, false}) == sl{{0, 8}, {4, 11}});
  // D < B: window 0 -> all frames empty.
  CHECK(slice_events(at_times({5, 6}), {slice_mode::n_time_bins, 3, 0, false}) ==
        sl{{0, 0}, {0, 0}, {0, 0}});
  CHECK_THROWS_AS(slice_events(ev, {slice_mode::n_time_bins, 3, 1.0, false}), snncosim::bad_input);
  // Absurd frame counts are bad input, not an out-of-memory crash.
  CHECK_THROWS_AS(slice_events(ev, {slice_mode::n_time_bins, 1e12, 0, false}), snncosim::bad_input);
  CHECK_THROWS_AS(slice_events(at_times({0, INT64_C(1) << 40}), tw(1)), snncosim::bad_input);
  CHECK_THROWS_AS(to_frame(ev, sensor_size{128, 128, 2}, {slice_mode::n_time_bins, 200000, 0, false}),
                  snncosim::bad_input);
}

TEST_CASE("to_frame n_event_bins: remainder dropped + overlap as a fraction") {
  const auto ev = at_times({0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  CHECK(slice_events(ev, {slice_mode::n_event_bins, 3, 0, false}) == sl{{0, 3}, {3, 6}, {6, 9}});
  // k = int(3*1.5) = 4, stride = int(4*0.5) = 2
  CHECK(slice_events(ev, {slice_mode::n_event_bins, 3, 0.5, false}) == sl{{0, 4}, {2, 6}, {4, 8}});
  CHECK(slice_events(at_times({0, 1}), {slice_mode::n_event_bins, 3, 0, false}) ==
        sl{{0, 0}, {0, 0}, {0, 0}});
}

TEST_CASE("to_frame: empty input gives 1 or B zero frames") {
  const event_vector none;
  const sensor_size s{4, 3, 2};
  auto f = to_frame(none, s, tw(100));
  CHECK(f.t == 1);
  CHECK(f.counts.size() == 24);
  f = to_frame(none, s, {slice_mode::n_time_bins, 4, 0, false});
  CHECK(f.t == 4);
  f = to_frame(none, s, ec(5));
  CHECK(f.t == 1);
}

TEST_CASE("to_frame: counts land at [t][p][y][x]") {
  const sensor_size s{5, 4, 2};
  const event_vector ev = {{0, 2, 1, 1}, {1, 2, 1, 1}, {2, 4, 3, 0}, {150, 0, 0, 1}};
  const auto f = to_frame(ev, s, tw(100, 0, true));
  REQUIRE(f.t == 2);
  REQUIRE(f.counts.size() == 2u * 2 * 4 * 5);
  CHECK(f.counts[((0 * 2 + 1) * 4 + 1) * 5 + 2] == 2);
  CHECK(f.counts[((0 * 2 + 0) * 4 + 3) * 5 + 4] == 1);
  CHECK(f.counts[((1 * 2 + 1) * 4 + 0) * 5 + 0] == 1);
  int total = 0;
  for (auto c : f.counts) total += c;
  CHECK(total == 4);
  frame_tensor b = f;
  binarize(b);
  CHECK(b.counts[((0 * 2 + 1) * 4 + 1) * 5 + 2] == 1);
  // Out-of-sensor events are reported, not written out of bounds.
  CHECK_THROWS_AS(to_frame(ev, sensor_size{4, 4, 2}, tw(100, 0, true)), snncosim::bad_input);
  // One polarity channel merges ON and OFF.
  const auto m = to_frame(ev, sensor_size{5, 4, 1}, tw(1000));
  CHECK(m.counts[1 * 5 + 2] == 2);
}

TEST_CASE("denoise: 4-neighbourhood + strict > + memory starts at filter_time") {
  // Grid from the sample: W=3, H=2.
  const event_vector ev = {{2, 1, 0, 0},     // t < filter_time: neighbour memory 10 > 2 -> kept
                           {100, 1, 1, 1},   // neighbours all 10 or 12 -> dropped
                           {105, 2, 1, 0},   // left neighbour (1,1) = 110 > 105 -> kept
                           {110, 2, 0, 1},   // below (2,1) = 115 > 110 -> kept
                           {300, 0, 0, 0}};  // neighbours (1,0)=12, (0,1)=10 -> dropped
  const auto out = denoise(ev, 10);
  REQUIRE(out.size() == 3);
  CHECK(out[0].t == 2);
  CHECK(out[1].t == 105);
  CHECK(out[2].t == 110);
  CHECK(denoise(event_vector{}, 10).empty());
}

TEST_CASE("downsample and center crop follow tonic's integer rules") {
  const event_vector ev = {{0, 33, 5, 1}, {1, 2, 3, 0}, {2, 30, 31, 0}, {3, 3, 3, 1}};
  const auto d = downsample(ev, 0.5);
  CHECK(d[0].x == 16);
  CHECK(d[0].y == 2);
  CHECK(d[1].x == 1);
  CHECK(downsampled_sensor({34, 34, 2}, 0.5) == sensor_size{17, 17, 2});
  CHECK(downsampled_sensor({128, 128, 2}, 0.25) == sensor_size{32, 32, 2});
  // 34 -> 28: offset 3, keeps 3 <= x,y < 31.
  const auto c = center_crop(ev, {34, 34, 2}, 28, 28);
  REQUIRE(c.size() == 1);
  CHECK(c[0] == event{3, 0, 0, 1});
  // Larger crop pads: offset (34-40)//2 = -3, nothing dropped, coordinates shift by +3.
  const auto p = center_crop(ev, {34, 34, 2}, 40, 40);
  REQUIRE(p.size() == 4);
  CHECK(p[0].x == 36);
}

TEST_CASE("real N-MNIST sample: tonic's reference frame and filter counts") {
  // Numbers from event-formats.md §4 (computed with tonic on this file).
  const auto ev = read_nmnist(snncosim::data::test::fixture("nmnist_sample.bin"));
  const sensor_size s{34, 34, 2};
  auto count = [](const frame_tensor& f) {
    long n = 0;
    for (auto c : f.counts) n += c;
    return n;
  };
  auto f = to_frame(ev, s, tw(10000));
  CHECK(f.t == 31);
  CHECK(count(f) == 4323);
  f = to_frame(ev, s, tw(10000, 0, true));
  CHECK(f.t == 32);
  CHECK(count(f) == 4325);
  CHECK(denoise(ev, 10000).size() == 4012);
  CHECK(denoise(ev, 1000).size() == 1798);
  const auto c = center_crop(ev, s, 28, 28);
  CHECK(c.size() == 4283);
  int xmax = 0;
  for (const auto& e : c) xmax = std::max<int>(xmax, e.x);
  CHECK(xmax == 27);
}

// --- ordered event steps (dataset.transforms) --------------------------------------------

namespace {
event ev_at(int x, int y, std::int64_t t = 0) {
  return {t, static_cast<std::uint16_t>(x), static_cast<std::uint16_t>(y), 0};
}
event_step downsample_to(int w, int h) {
  event_step s;
  s.kind = step_kind::downsample;
  s.size = std::pair{w, h};
  return s;
}
}  // namespace

TEST_CASE("Downsample target_size: factors target / sensor per axis - truncated") {
  // 128x128 -> 32x16: sx = 0.25, sy = 0.125; (127, 127) -> (31, 15), (64, 100) -> (16, 12).
  sensor_size s{128, 128, 2};
  const event_vector in = {ev_at(127, 127), ev_at(64, 100), ev_at(3, 7)};
  const auto out = apply_step(in, s, downsample_to(32, 16), 0);
  REQUIRE(out.size() == 3);
  CHECK(out[0].x == 31);
  CHECK(out[0].y == 15);
  CHECK(out[1].x == 16);
  CHECK(out[1].y == 12);
  CHECK(out[2].x == 0);
  CHECK(out[2].y == 0);
  CHECK(s.width == 32);
  CHECK(s.height == 16);
}

TEST_CASE("event steps apply in order: Downsample then CenterCrop differs from the reverse") {
  event_step down;
  down.kind = step_kind::downsample;
  down.spatial_factor = 0.5;
  event_step crop;
  crop.kind = step_kind::center_crop;
  crop.size = std::pair{32, 32};
  const event_vector in = {ev_at(40, 40)};
  transform_params a, b;
  a.steps = {down, crop};
  b.steps = {crop, down};
  // a: (40, 40) -> (20, 20) on 64x64 (trunc(127 * 0.5) + 1); crop offset (64 - 32) // 2 = 16 -> (4, 4).
  sensor_size sa{128, 128, 2};
  const auto ra = apply_event_transforms(in, sa, a);
  REQUIRE(ra.size() == 1);
  CHECK(ra[0].x == 4);
  CHECK(ra[0].y == 4);
  CHECK(sa.width == 32);
  // b: crop offset (128 - 32) // 2 = 48 first: x = 40 lies outside, nothing is left.
  sensor_size sb{128, 128, 2};
  CHECK(apply_event_transforms(in, sb, b).empty());
  CHECK(sb.width == 16);  // 32 -> trunc(31 * 0.5) + 1
  CHECK(output_sensor({128, 128, 2}, a).width == 32);
  CHECK(output_sensor({128, 128, 2}, b).width == 16);
  // The cache key names the steps in order.
  CHECK(a.key() != b.key());
  CHECK(a.key().find("steps=Downsample(0.5),CenterCrop(32x32),") != std::string::npos);
}

TEST_CASE("Denoise as a step: memory starts at filter_time - a late lone event goes") {
  // W = 2, H = 1. t=0 at x=0: neighbour x=1 holds 10 > 0 (initial) -> kept. t=5 at x=1:
  // neighbour x=0 holds 0 + 10 > 5 -> kept. t=100 at x=0: neighbour x=1 holds 15 -> dropped.
  event_step d;
  d.kind = step_kind::denoise;
  d.filter_time = 10;
  sensor_size s{2, 1, 2};
  const auto out = apply_step(event_vector{ev_at(0, 0, 0), ev_at(1, 0, 5), ev_at(0, 0, 100)}, s, d, 0);
  REQUIRE(out.size() == 2);
  CHECK(out[1].t == 5);
}

TEST_CASE("RandomCrop: offsets int(u * (W - w)) - seeded per sample - refuses a larger crop") {
  event_step r;
  r.kind = step_kind::random_crop;
  r.size = std::pair{9, 9};
  r.seed = 7;
  // W - w = 1: the offset is int(u * 1) = 0 for every u in [0, 1), whatever the seed.
  const event_vector in = {ev_at(9, 0), ev_at(8, 8), ev_at(0, 9)};
  for (std::uint64_t key : {0ull, 1ull, 12345ull}) {
    sensor_size s{10, 10, 2};
    const auto out = apply_step(in, s, r, key);
    REQUIRE(out.size() == 1);
    CHECK(out[0].x == 8);
    CHECK(out[0].y == 8);
    CHECK(s.width == 9);
  }
  // A crop of the whole sensor keeps everything in place.
  r.size = std::pair{10, 10};
  sensor_size s{10, 10, 2};
  CHECK(apply_step(in, s, r, 3).size() == 3);
  // A 4x4 crop of 10x10: offsets in [0, 6); the same sample always gets the same crop.
  r.size = std::pair{4, 4};
  event_vector grid;
  for (int y = 0; y < 10; ++y)
    for (int x = 0; x < 10; ++x) grid.push_back(ev_at(x, y));
  sensor_size s1{10, 10, 2}, s2{10, 10, 2};
  const auto c1 = apply_step(grid, s1, r, 42), c2 = apply_step(grid, s2, r, 42);
  CHECK(c1.size() == 16);
  REQUIRE(c1.size() == c2.size());
  for (std::size_t i = 0; i < c1.size(); ++i) CHECK((c1[i].x == c2[i].x && c1[i].y == c2[i].y));
  CHECK_THROWS_AS(random_crop(grid, {10, 10, 2}, 11, 4, 1), snncosim::bad_input);
}
