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
