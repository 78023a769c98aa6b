#include "snncosim/data/emulator.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "snncosim/common/atomic_file.h"
#include "snncosim/common/error.h"
#include "snncosim/common/progress.h"
#include "snncosim/common/rng.h"
#include "snncosim/data/idx.h"
#include "snncosim/data/nmnist.h"

namespace snncosim::data {
namespace {
constexpr int image_side = 28;
constexpr int sensor_side = 34;
constexpr int pixels = sensor_side * sensor_side;

// Saccade displacement at time t (us): triangle (0,0)->(3.5,7)->(7,0)->(0,0).
std::array<double, 2> saccade(std::int64_t t, std::int64_t seg_us) {
  static constexpr double vx[] = {0, 3.5, 7, 0};
  static constexpr double vy[] = {0, 7, 0, 0};
  const std::int64_t k = std::min<std::int64_t>(t / seg_us, 2);
  const double f = std::min(1.0, static_cast<double>(t - k * seg_us) / static_cast<double>(seg_us));
  return {vx[k] + f * (vx[k + 1] - vx[k]), vy[k] + f * (vy[k + 1] - vy[k])};
}

void write_plain(const std::filesystem::path& path, const std::string& bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error(path.string() + ": cannot create file");
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  if (std::fclose(f) != 0 || !ok) throw std::runtime_error(path.string() + ": write failed");
}

}  // namespace

std::uint64_t mix_seed(std::uint64_t a, std::uint64_t b) {
  rng r(a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull));
  r();
  return r();
}

event_vector emulate_saccades(const std::uint8_t* image, std::uint64_t camera_seed,
                              std::uint64_t sample_seed, const emulator_params& prm) {
  // Camera: fixed per-pixel ON/OFF thresholds.
  std::array<double, pixels> c_on{}, c_off{};
  {
    rng cam(mix_seed(camera_seed, 0xCA3E8A));
    for (int i = 0; i < pixels; ++i) {
      c_on[static_cast<std::size_t>(i)] = std::max(0.05, prm.threshold + prm.threshold_sigma * cam.normal());
      c_off[static_cast<std::size_t>(i)] = std::max(0.05, prm.threshold + prm.threshold_sigma * cam.normal());
    }
  }
  rng rnd(sample_seed);
  const double base_x = -0.5 + rnd.uniform(-0.5, 0.5);
  const double base_y = -0.5 + rnd.uniform(-0.5, 0.5);
  const std::int64_t duration = 3 * prm.saccade_us;

  std::array<double, pixels> log_now{}, log_ref{}, log_prev{};
  std::array<std::int64_t, pixels> last_event{};
  last_event.fill(INT64_MIN / 2);
  // log(I/255 + eps) through a table with linear interpolation (error < 1e-4 log units,
  // far below the thresholds); std::log per pixel and step dominated the run time.
  constexpr int lut_steps = 16;
  std::array<double, 255 * lut_steps + 2> lut{};
  for (std::size_t k = 0; k < lut.size(); ++k) {
    lut[k] = std::log(static_cast<double>(k) / (255.0 * lut_steps) + prm.eps);
  }
  // The shift is the same for every pixel, so the bilinear weights are constant per step:
  // sample a zero-padded copy of the image at integer offsets.
  constexpr int pad = 12;
  constexpr int padded = image_side + 2 * pad;
  std::array<double, padded * padded> img{};
  for (int y = 0; y < image_side; ++y) {
    for (int x = 0; x < image_side; ++x) {
      img[static_cast<std::size_t>((y + pad) * padded + x + pad)] = image[y * image_side + x];
    }
  }
  auto render = [&](std::int64_t t, std::array<double, pixels>& out) {
    const auto d = saccade(t, prm.saccade_us);
    const double sx = -base_x - d[0], sy = -base_y - d[1];
    const double fx = std::floor(sx), fy = std::floor(sy);
    const double ax = sx - fx, ay = sy - fy;
    const int ix = static_cast<int>(fx) + pad, iy = static_cast<int>(fy) + pad;
    const double w00 = (1 - ax) * (1 - ay), w10 = ax * (1 - ay), w01 = (1 - ax) * ay, w11 = ax * ay;
    for (int y = 0; y < sensor_side; ++y) {
      const int yy = y + iy;
      for (int x = 0; x < sensor_side; ++x) {
        const int xx = x + ix;
        double v = 0;
        if (yy >= 0 && xx >= 0 && yy + 1 < padded && xx + 1 < padded) {
          const double* r0 = &img[static_cast<std::size_t>(yy * padded + xx)];
          v = w00 * r0[0] + w10 * r0[1] + w01 * r0[padded] + w11 * r0[padded + 1];
        }
        const double pos = v * lut_steps;
        const auto k = static_cast<std::size_t>(pos);
        const double frac = pos - static_cast<double>(k);
        out[static_cast<std::size_t>(y * sensor_side + x)] = lut[k] + frac * (lut[k + 1] - lut[k]);
      }
    }
  };
  render(0, log_ref);
  log_prev = log_ref;
  event_vector out;
  out.reserve(8192);
  event_vector step_events;
  for (std::int64_t t1 = prm.step_us; t1 <= duration; t1 += prm.step_us) {
    const std::int64_t t0 = t1 - prm.step_us;
    render(t1, log_now);
    step_events.clear();
    for (int i = 0; i < pixels; ++i) {
      const auto u = static_cast<std::size_t>(i);
      const double a = log_prev[u], b = log_now[u];
      if (a == b) continue;
      for (;;) {
        const double diff = b - log_ref[u];
        const bool on = diff > 0;
        const double c = on ? c_on[u] : c_off[u];
        if (std::fabs(diff) < c) break;
        log_ref[u] += on ? c : -c;
        // Crossing time by linear interpolation between the two rendered frames.
        const double f = std::clamp((log_ref[u] - a) / (b - a), 0.0, 1.0);
        const auto t = t0 + static_cast<std::int64_t>(f * static_cast<double>(prm.step_us));
        if (t - last_event[u] < prm.refractory_us) continue;  // reference moves, event is lost
        last_event[u] = t;
        step_events.push_back({t, static_cast<std::uint16_t>(i % sensor_side),
                               static_cast<std::uint16_t>(i / sensor_side), static_cast<std::uint8_t>(on)});
      }
    }
    std::stable_sort(step_events.begin(), step_events.end(),
                     [](const event& l, const event& r) { return l.t < r.t; });
    out.insert(out.end(), step_events.begin(), step_events.end());
    log_prev = log_now;
  }
  // Background activity: Poisson events spread uniformly over pixels and time.
  if (prm.noise_hz > 0) {
    const double rate = prm.noise_hz * pixels * 1e-6;  // per us
    event_vector noise;
    for (double t = rnd.exponential(rate); t < static_cast<double>(duration); t += rnd.exponential(rate)) {
      const auto pix = static_cast<int>(rnd.below(pixels));
      noise.push_back({static_cast<std::int64_t>(t), static_cast<std::uint16_t>(pix % sensor_side),
                       static_cast<std::uint16_t>(pix / sensor_side), static_cast<std::uint8_t>(rnd.below(2))});
    }
    event_vector merged(out.size() + noise.size());
    std::merge(out.begin(), out.end(), noise.begin(), noise.end(), merged.begin(),
               [](const event& l, const event& r) { return l.t < r.t; });
    out.swap(merged);
  }
  return out;
}

generate_summary generate_fashion_nmnist(const fashion_generate_options& o) {
  const auto start = std::chrono::steady_clock::now();
  const auto src = o.source_dir.empty() ? default_fashion_mnist_dir() : o.source_dir;
  generate_summary sum;
  struct split_info { const char* folder; const char* prefix; std::size_t count; std::uint64_t id; };
  const split_info splits[] = {{"Train", "train", o.train_count, 0}, {"Test", "t10k", o.test_count, 1}};
  nlohmann::json meta;
  // All files go into a staging folder that is renamed into place at the end, so an
  // interrupted run never leaves a partial dataset (and per-file fsyncs are not needed).
  const auto staging = o.out_dir.parent_path() / (o.out_dir.filename().string() + ".partial." + std::to_string(::getpid()));
  std::filesystem::remove_all(staging);
  struct staging_guard {
    std::filesystem::path dir;
    bool done = false;
    ~staging_guard() {
      std::error_code ec;
      if (!done) std::filesystem::remove_all(dir, ec);
    }
  } guard{staging};
  for (const auto& s : splits) {
    if (s.count == 0) continue;
    auto pick = [&](const std::string& stem) {
      const auto gz = src / (stem + ".gz");
      return std::filesystem::exists(gz) ? gz : src / stem;
    };
    const auto images = read_idx(pick(std::string(s.prefix) + "-images-idx3-ubyte"), s.count);
    const auto labels = read_idx(pick(std::string(s.prefix) + "-labels-idx1-ubyte"), s.count);
    if (images.dims.size() != 3 || images.dims[1] != 28 || images.dims[2] != 28) {
      throw bad_input(src.string() + ": images are not N x 28 x 28");
    }
    const std::size_t n = std::min<std::size_t>(images.dims[0], labels.dims[0]);
    progress_bar bar(std::string("generate ") + s.folder, n, "samples");
    for (std::size_t i = 0; i < n; ++i) {
      const auto ev = emulate_saccades(images.data.data() + i * 784, o.seed,
                                       mix_seed(o.seed, (s.id << 32) | i), o.params);
      char name[32];
      std::snprintf(name, sizeof name, "%05zu.bin", i);
      const auto folder = staging / s.folder / std::to_string(labels.data[i]);
      if (i == 0 || !std::filesystem::exists(folder)) std::filesystem::create_directories(folder);
      write_plain(folder / name, encode_nmnist(ev));
      sum.events += ev.size();
      bar.advance();
    }
    bar.finish();
    (s.id == 0 ? sum.train_samples : sum.test_samples) = n;
  }
  meta["generator"] = "snncosim dataset generate fashion";
  meta["format"] = "nmnist";
  meta["sensor"] = {34, 34, 2};
  meta["seed"] = o.seed;
  meta["train_samples"] = sum.train_samples;
  meta["test_samples"] = sum.test_samples;
  meta["events"] = sum.events;
  meta["classes"] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                     "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
  meta["emulator"] = {{"threshold", o.params.threshold}, {"threshold_sigma", o.params.threshold_sigma},
                      {"eps", o.params.eps}, {"refractory_us", o.params.refractory_us},
                      {"noise_hz", o.params.noise_hz}, {"step_us", o.params.step_us},
                      {"saccade_us", o.params.saccade_us}};
  meta["source"] = "Fashion-MNIST (c) 2017 Zalando SE, MIT licence; Debian dataset-fashion-mnist";
  write_plain(staging / "dataset.json", meta.dump(2) + "\n");
  std::error_code ec;
  std::filesystem::remove_all(o.out_dir, ec);
  std::filesystem::rename(staging, o.out_dir);
  guard.done = true;
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return sum;
}

}  // namespace snncosim::data
