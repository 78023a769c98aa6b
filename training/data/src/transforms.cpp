#include "snncosim/data/transforms.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "snncosim/common/error.h"
#include "snncosim/common/rng.h"
#include "snncosim/data/emulator.h"

namespace snncosim::data {
namespace {

// Frame counts beyond this are a user error (e.g. a 1 us window over minutes), reported
// as bad_input instead of an out-of-memory failure.
constexpr long long max_frames = 10'000'000;
constexpr std::size_t max_frame_elements = std::size_t{1} << 31;

void check_frame_count(long long n) {
  if (n > max_frames) {
    throw bad_input("ToFrame: these parameters give " + std::to_string(n) + " frames (limit " +
                    std::to_string(max_frames) + "); use a larger window or fewer bins");
  }
}

// numpy.searchsorted(t, v, side='left'): first index with t[i] >= v. Assumes t sorted
// (tonic's assumption); for unsorted input the result is whatever binary search gives,
// as in numpy.
std::size_t search_left(std::span<const event> ev, double v) {
  std::size_t lo = 0, hi = ev.size();
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (static_cast<double>(ev[mid].t) < v) lo = mid + 1; else hi = mid;
  }
  return lo;
}

slice_list by_time(std::span<const event> ev, double tw, double ov, bool inc) {
  const double stride = tw - ov;
  if (!(stride > 0)) throw bad_input("ToFrame: time_window - overlap must be > 0");
  const double duration = static_cast<double>(ev.back().t - ev.front().t);
  const double q = (duration - tw) / stride;
  long long n = static_cast<long long>(inc ? std::ceil(q) : std::floor(q)) + 1;
  n = std::max(n, 1LL);
  check_frame_count(n);
  slice_list out;
  out.reserve(static_cast<std::size_t>(n));
  const double t0 = static_cast<double>(ev.front().t);
  for (long long i = 0; i < n; ++i) {
    const double start = static_cast<double>(i) * stride + t0;
    out.emplace_back(search_left(ev, start), search_left(ev, start + tw));
  }
  return out;
}

slice_list by_count(std::size_t n_events, double count_d, double ov_d, bool inc) {
  if (count_d < 1 || count_d != std::floor(count_d) || ov_d != std::floor(ov_d)) {
    throw bad_input("ToFrame: event_count and overlap must be whole numbers, event_count >= 1");
  }
  const auto count = static_cast<long long>(count_d);
  const auto ov = static_cast<long long>(ov_d);
  const long long c = std::min<long long>(count, static_cast<long long>(n_events));
  const long long stride = count - ov;  // tonic uses the requested count, not the clipped one
  if (stride <= 0) throw bad_input("ToFrame: event_count - overlap must be > 0");
  const double q = static_cast<double>(static_cast<long long>(n_events) - c) / static_cast<double>(stride);
  const long long n = static_cast<long long>(inc ? std::ceil(q) : std::floor(q)) + 1;
  check_frame_count(n);
  slice_list out;
  for (long long i = 0; i < n; ++i) {
    const auto s = static_cast<std::size_t>(i * stride);
    const auto e = static_cast<std::size_t>(i * stride + c);
    out.emplace_back(std::min(s, n_events), std::min(e, n_events));
  }
  return out;
}

long long bin_count(double v) {
  if (v < 1 || v != std::floor(v)) throw bad_input("ToFrame: the number of bins must be a whole number >= 1");
  check_frame_count(static_cast<long long>(std::min(v, 1e18)));
  return static_cast<long long>(v);
}

slice_list by_time_bins(std::span<const event> ev, long long bins, double ov) {
  if (!(ov < 1)) throw bad_input("ToFrame: n_time_bins overlap must be < 1");
  const std::int64_t duration = ev.back().t - ev.front().t;
  // Python floor division on integers, then float scaling.
  const std::int64_t q = duration >= 0 ? duration / bins : -((-duration + bins - 1) / bins);
  const double tw = static_cast<double>(q) * (1 + ov);
  const double stride = tw * (1 - ov);
  const double t0 = static_cast<double>(ev.front().t);
  slice_list out;
  for (long long i = 0; i < bins; ++i) {
    const double start = static_cast<double>(i) * stride + t0;
    out.emplace_back(search_left(ev, start), search_left(ev, start + tw));
  }
  return out;
}

slice_list by_event_bins(std::size_t n_events, long long bins, double ov) {
  const long long per = static_cast<long long>(n_events) / bins;
  const auto k = static_cast<long long>(static_cast<double>(per) * (1 + ov));
  const auto stride = static_cast<long long>(static_cast<double>(k) * (1 - ov));
  slice_list out;
  for (long long i = 0; i < bins; ++i) {
    const auto s = static_cast<std::size_t>(std::max(0LL, i * stride));
    const auto e = static_cast<std::size_t>(std::max(0LL, i * stride + k));
    out.emplace_back(std::min(s, n_events), std::min(e, n_events));
  }
  return out;
}

}  // namespace

slice_list slice_events(std::span<const event> events, const to_frame_params& prm) {
  if (events.empty()) {
    const bool bins = prm.mode == slice_mode::n_time_bins || prm.mode == slice_mode::n_event_bins;
    const std::size_t n = bins ? static_cast<std::size_t>(bin_count(prm.value)) : 1;
    return slice_list(n, {0, 0});
  }
  switch (prm.mode) {
    case slice_mode::time_window:
      if (!(prm.value > 0)) throw bad_input("ToFrame: time_window must be > 0");
      return by_time(events, prm.value, prm.overlap, prm.include_incomplete);
    case slice_mode::event_count:
      return by_count(events.size(), prm.value, prm.overlap, prm.include_incomplete);
    case slice_mode::n_time_bins:
      return by_time_bins(events, bin_count(prm.value), prm.overlap);
    case slice_mode::n_event_bins:
      return by_event_bins(events.size(), bin_count(prm.value), prm.overlap);
  }
  return {};
}

frame_tensor to_frame(std::span<const event> events, const sensor_size& sensor,
                      const to_frame_params& params) {
  const slice_list slices = slice_events(events, params);
  if (sensor.width <= 0 || sensor.height <= 0 || sensor.polarities <= 0) {
    throw bad_input("ToFrame: sensor size must be positive");
  }
  const std::size_t per_frame = static_cast<std::size_t>(sensor.polarities) * sensor.height * sensor.width;
  if (slices.size() * per_frame > max_frame_elements) {
    throw bad_input("ToFrame: " + std::to_string(slices.size()) + " frames of " + std::to_string(per_frame) +
                    " pixels exceed the 2^31-element limit; use a larger window, fewer bins or --downsample");
  }
  frame_tensor f;
  f.t = static_cast<int>(slices.size());
  f.p = sensor.polarities;
  f.h = sensor.height;
  f.w = sensor.width;
  f.counts.assign(static_cast<std::size_t>(f.t) * f.frame_size(), 0);
  const bool single = sensor.polarities == 1;
  for (std::size_t i = 0; i < slices.size(); ++i) {
    std::uint16_t* frame = f.counts.data() + i * f.frame_size();
    for (std::size_t k = slices[i].first; k < slices[i].second; ++k) {
      const event& e = events[k];
      if (e.x >= sensor.width || e.y >= sensor.height || (!single && e.p >= sensor.polarities)) {
        throw bad_input("ToFrame: event " + std::to_string(k) + " at (" + std::to_string(e.x) +
                        ", " + std::to_string(e.y) + ", p=" + std::to_string(e.p) +
                        ") lies outside the " + std::to_string(sensor.width) + "x" +
                        std::to_string(sensor.height) + "x" + std::to_string(sensor.polarities) +
                        " sensor");
      }
      const int pol = single ? 0 : e.p;
      std::uint16_t& c = frame[(static_cast<std::size_t>(pol) * f.h + e.y) * f.w + e.x];
      if (c != UINT16_MAX) ++c;
    }
  }
  return f;
}

event_vector denoise(std::span<const event> events, std::int64_t filter_time) {
  if (events.empty()) return {};
  int w = 0, h = 0;
  for (const event& e : events) {
    w = std::max(w, e.x + 1);
    h = std::max(h, e.y + 1);
  }
  std::vector<std::int64_t> mem(static_cast<std::size_t>(w) * h, filter_time);
  auto at = [&](int x, int y) -> std::int64_t& { return mem[static_cast<std::size_t>(x) * h + y]; };
  event_vector out;
  out.reserve(events.size());
  for (const event& e : events) {
    const int x = e.x, y = e.y;
    at(x, y) = e.t + filter_time;
    const bool keep = (x > 0 && at(x - 1, y) > e.t) || (x < w - 1 && at(x + 1, y) > e.t) ||
                      (y > 0 && at(x, y - 1) > e.t) || (y < h - 1 && at(x, y + 1) > e.t);
    if (keep) out.push_back(e);
  }
  return out;
}

event_vector downsample(std::span<const event> events, double f) {
  if (!(f > 0)) throw bad_input("Downsample: spatial factor must be > 0");
  event_vector out(events.begin(), events.end());
  for (event& e : out) {
    e.x = static_cast<std::uint16_t>(static_cast<double>(e.x) * f);
    e.y = static_cast<std::uint16_t>(static_cast<double>(e.y) * f);
  }
  return out;
}

sensor_size downsampled_sensor(const sensor_size& s, double f) {
  return {static_cast<int>(static_cast<double>(s.width - 1) * f) + 1,
          static_cast<int>(static_cast<double>(s.height - 1) * f) + 1, s.polarities};
}

event_vector center_crop(std::span<const event> events, const sensor_size& sensor, int cw, int ch) {
  if (cw <= 0 || ch <= 0) throw bad_input("CenterCrop: size must be positive");
  // Python floor division (the offset is negative when the crop is larger than the sensor).
  auto floordiv2 = [](int v) { return v >= 0 ? v / 2 : -((-v + 1) / 2); };
  const int ox = floordiv2(sensor.width - cw);
  const int oy = floordiv2(sensor.height - ch);
  const int fx = std::max(ox, 0), fy = std::max(oy, 0);
  event_vector out;
  out.reserve(events.size());
  for (const event& e : events) {
    if (e.x >= fx && e.x < fx + cw && e.y >= fy && e.y < fy + ch) {
      event c = e;
      c.x = static_cast<std::uint16_t>(e.x - ox);
      c.y = static_cast<std::uint16_t>(e.y - oy);
      out.push_back(c);
    }
  }
  return out;
}

event_vector downsample_xy(std::span<const event> events, double sx, double sy) {
  if (!(sx > 0) || !(sy > 0)) throw bad_input("Downsample: spatial factors must be > 0");
  event_vector out(events.begin(), events.end());
  for (event& e : out) {
    e.x = static_cast<std::uint16_t>(static_cast<double>(e.x) * sx);
    e.y = static_cast<std::uint16_t>(static_cast<double>(e.y) * sy);
  }
  return out;
}

event_vector random_crop(std::span<const event> events, const sensor_size& sensor, int cw, int ch,
                         std::uint64_t seed) {
  if (cw <= 0 || ch <= 0) throw bad_input("RandomCrop: target_size must be positive");
  if (cw > sensor.width || ch > sensor.height) {
    throw bad_input("RandomCrop: target_size " + std::to_string(cw) + "x" + std::to_string(ch) +
                    " is larger than the " + std::to_string(sensor.width) + "x" + std::to_string(sensor.height) +
                    " sensor");
  }
  rng r(seed);
  const int ox = static_cast<int>(r.uniform() * (sensor.width - cw));
  const int oy = static_cast<int>(r.uniform() * (sensor.height - ch));
  event_vector out;
  out.reserve(events.size());
  for (const event& e : events) {
    if (e.x >= ox && e.x < ox + cw && e.y >= oy && e.y < oy + ch) {
      event c = e;
      c.x = static_cast<std::uint16_t>(e.x - ox);
      c.y = static_cast<std::uint16_t>(e.y - oy);
      out.push_back(c);
    }
  }
  return out;
}

std::string event_step::key() const {
  std::ostringstream s;
  s.precision(17);
  switch (kind) {
    case step_kind::denoise: s << "Denoise(" << filter_time << ")"; break;
    case step_kind::downsample:
      s << "Downsample(";
      if (spatial_factor) s << *spatial_factor;
      if (size) s << size->first << "x" << size->second;
      s << ")";
      break;
    case step_kind::center_crop: s << "CenterCrop(" << size->first << "x" << size->second << ")"; break;
    case step_kind::random_crop: s << "RandomCrop(" << size->first << "x" << size->second << ",seed=" << seed << ")"; break;
  }
  return s.str();
}

sensor_size step_output_sensor(const sensor_size& in, const event_step& step) {
  sensor_size s = in;
  switch (step.kind) {
    case step_kind::denoise: break;
    case step_kind::downsample:
      if (step.size) {
        s.width = step.size->first;
        s.height = step.size->second;
      } else {
        s = downsampled_sensor(in, *step.spatial_factor);
      }
      break;
    case step_kind::center_crop:
    case step_kind::random_crop:
      s.width = step.size->first;
      s.height = step.size->second;
      break;
  }
  return s;
}

event_vector apply_step(std::span<const event> events, sensor_size& sensor, const event_step& step,
                        std::uint64_t sample_key) {
  event_vector out;
  switch (step.kind) {
    case step_kind::denoise: out = denoise(events, step.filter_time); break;
    case step_kind::downsample:
      if (step.size) {
        out = downsample_xy(events, static_cast<double>(step.size->first) / sensor.width,
                            static_cast<double>(step.size->second) / sensor.height);
      } else {
        out = downsample(events, *step.spatial_factor);
      }
      break;
    case step_kind::center_crop: out = center_crop(events, sensor, step.size->first, step.size->second); break;
    case step_kind::random_crop:
      out = random_crop(events, sensor, step.size->first, step.size->second, mix_seed(step.seed, sample_key));
      break;
  }
  sensor = step_output_sensor(sensor, step);
  return out;
}

void binarize(frame_tensor& frames) {
  for (auto& c : frames.counts) c = c ? 1 : 0;
}

std::string transform_params::key() const {
  std::ostringstream s;
  s.precision(17);
  s << "denoise=" << (denoise_us ? std::to_string(*denoise_us) : "none");
  s << ";downsample=";
  if (downsample) s << *downsample; else s << "none";
  s << ";crop=" << (crop ? std::to_string(crop->first) + "x" + std::to_string(crop->second) : "none");
  static const char* names[] = {"time_window", "event_count", "n_time_bins", "n_event_bins"};
  s << ";" << names[static_cast<int>(frame.mode)] << "=" << frame.value << ";overlap=" << frame.overlap
    << ";include_incomplete=" << frame.include_incomplete << ";binarize=" << binarize;
  if (!steps.empty()) {
    s << ";steps=";
    for (const auto& st : steps) s << st.key() << ",";
  }
  return s.str();
}

sensor_size output_sensor(const sensor_size& in, const transform_params& params) {
  sensor_size s = in;
  if (params.downsample) s = downsampled_sensor(s, *params.downsample);
  if (params.crop) {
    s.width = params.crop->first;
    s.height = params.crop->second;
  }
  for (const auto& st : params.steps) s = step_output_sensor(s, st);
  return s;
}

event_vector apply_event_transforms(std::span<const event> events, sensor_size& sensor,
                                    const transform_params& params, std::uint64_t sample_key) {
  event_vector ev;
  std::span<const event> cur = events;
  if (params.denoise_us) {
    ev = denoise(cur, *params.denoise_us);
    cur = ev;
  }
  if (params.downsample) {
    ev = downsample(cur, *params.downsample);
    cur = ev;
    sensor = downsampled_sensor(sensor, *params.downsample);
  }
  if (params.crop) {
    ev = center_crop(cur, sensor, params.crop->first, params.crop->second);
    cur = ev;
    sensor.width = params.crop->first;
    sensor.height = params.crop->second;
  }
  for (const auto& st : params.steps) {
    ev = apply_step(cur, sensor, st, sample_key);
    cur = ev;
  }
  if (cur.data() != ev.data()) ev.assign(cur.begin(), cur.end());
  return ev;
}

frame_tensor apply_transforms(std::span<const event> events, const sensor_size& sensor,
                              const transform_params& params, std::uint64_t sample_key) {
  sensor_size s = sensor;
  const bool any = params.denoise_us || params.downsample || params.crop || !params.steps.empty();
  frame_tensor f;
  if (any) {
    const event_vector ev = apply_event_transforms(events, s, params, sample_key);
    f = to_frame(ev, s, params.frame);
  } else {
    f = to_frame(events, s, params.frame);
  }
  if (params.binarize) binarize(f);
  return f;
}

}  // namespace snncosim::data
