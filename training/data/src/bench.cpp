#include "snncosim/data/bench.h"

#include <chrono>

#include <fmt/format.h>
#include <unistd.h>

#include "snncosim/common/atomic_file.h"
#include "snncosim/data/aedat.h"
#include "snncosim/data/dataset.h"
#include "snncosim/data/emulator.h"
#include "snncosim/data/frame_cache.h"
#include "snncosim/data/inspect.h"
#include "snncosim/data/nmnist.h"

namespace snncosim::data {

namespace {
namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

template <typename F>
double best_seconds(int reps, F&& f) {
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = clock_type::now();
    f();
    best = std::min(best, std::chrono::duration<double>(clock_type::now() - t0).count());
  }
  return best;
}

event_vector synthetic_events(std::size_t n, int side) {
  event_vector ev(n);
  std::uint64_t s = 12345;
  for (std::size_t i = 0; i < n; ++i) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    ev[i] = {static_cast<std::int64_t>(i / 4), static_cast<std::uint16_t>((s >> 33) % static_cast<unsigned>(side)),
             static_cast<std::uint16_t>((s >> 45) % static_cast<unsigned>(side)), static_cast<std::uint8_t>((s >> 60) & 1)};
  }
  return ev;
}

}  // namespace

bench_outcome bench_dataset(const bench_request& a) {
  const bool own_dir = a.work.empty();
  const fs::path dir = own_dir ? fs::temp_directory_path() / ("snncosim_bench_dataset_" + std::to_string(::getpid()))
                               : fs::path(a.work);
  ensure_output_folder(dir);
  nlohmann::json out;
  out["events"] = a.events;
  std::string text;

  // --- decode throughput per format (file in the page cache, one core) ---
  const auto ev34 = synthetic_events(a.events, 34);
  const auto ev128 = synthetic_events(a.events, 128);
  write_nmnist(dir / "bench.bin", ev34);
  write_aedat3(dir / "bench3.aedat", ev128);
  write_aedat2(dir / "bench2.aedat", ev128);
  const std::string nm_bytes = encode_nmnist(ev34);
  std::size_t sink_count = 0;
  auto sink = [&](std::span<const event> c) { sink_count += c.size(); };
  event_vector decoded;
  decoded.reserve(ev34.size());
  const double t_mem = best_seconds(a.reps, [&] {
    decoded.clear();
    nmnist_decoder d("memory");
    d.decode(std::span(reinterpret_cast<const std::uint8_t*>(nm_bytes.data()), nm_bytes.size()), 0, decoded);
  });
  const double t_nm = best_seconds(a.reps, [&] { read_nmnist(dir / "bench.bin", sink); });
  const double t_a3 = best_seconds(a.reps, [&] { read_aedat3(dir / "bench3.aedat", sink); });
  const double t_a2 = best_seconds(a.reps, [&] { read_aedat2(dir / "bench2.aedat", sink); });
  const double n = static_cast<double>(a.events);
  out["decode_events_per_s"] = {{"nmnist_memory", n / t_mem}, {"nmnist_file", n / t_nm},
                                {"aedat3_file", n / t_a3}, {"aedat2_file", n / t_a2}};
  text += fmt::format("decode (events/s, {} events, best of {}):\n  nmnist in memory {:.1f} M\n  nmnist file {:.1f} M\n"
                      "  aedat3 file {:.1f} M\n  aedat2 file {:.1f} M\n",
                      a.events, a.reps, n / t_mem / 1e6, n / t_nm / 1e6, n / t_a3 / 1e6, n / t_a2 / 1e6);

  // --- framing throughput ---
  const sensor_size s34{34, 34, 2};
  nlohmann::json framing;
  const std::pair<const char*, to_frame_params> modes[] = {
      {"time_window_1000us", {slice_mode::time_window, 1000, 0, false}},
      {"event_count_5000", {slice_mode::event_count, 5000, 0, false}},
      {"n_time_bins_16", {slice_mode::n_time_bins, 16, 0, false}},
      {"n_event_bins_16", {slice_mode::n_event_bins, 16, 0, false}}};
  text += "framing 34x34 (events/s):\n";
  for (const auto& mode : modes) {
    // Not a structured binding: clang (the fuzz build) cannot capture one in a lambda.
    const char* name = mode.first;
    const to_frame_params& prm = mode.second;
    const double t = best_seconds(a.reps, [&] { (void)to_frame(ev34, s34, prm); });
    framing[name] = n / t;
    text += fmt::format("  {} {:.1f} M\n", name, n / t / 1e6);
  }
  const double t_dn = best_seconds(a.reps, [&] { (void)denoise(ev34, 10000); });
  framing["denoise_10ms"] = n / t_dn;
  text += fmt::format("  denoise 10 ms {:.1f} M\n", n / t_dn / 1e6);
  out["framing_events_per_s"] = framing;

  // --- cache speed-up: one epoch decoding vs one epoch from the cache ---
  nlohmann::json cache;
  auto epoch_pair = [&](const event_dataset& ds, const transform_params& tp, const std::string& tag) {
    const fs::path cdir = dir / ("cache_" + tag);
    fs::remove_all(cdir);
    frame_loader plain(ds, tp, {.batch_size = 32, .shuffle = false, .seed = 0, .cache_dir = std::nullopt, .skip_bad = false});
    frame_loader cached(ds, tp, {.batch_size = 32, .shuffle = false, .seed = 0, .cache_dir = cdir, .skip_bad = false});
    for (std::size_t i = 0; i < ds.size(); ++i) (void)cached.get(i);  // fill
    const double t_plain = best_seconds(a.reps, [&] { for (std::size_t i = 0; i < ds.size(); ++i) (void)plain.get(i); });
    const double t_hit = best_seconds(a.reps, [&] { for (std::size_t i = 0; i < ds.size(); ++i) (void)cached.get(i); });
    cache[tag] = {{"samples", ds.size()}, {"transform", tp.key()}, {"epoch_decode_s", t_plain},
                  {"epoch_cached_s", t_hit}, {"speedup", t_plain / t_hit}};
    text += fmt::format("cache {}: {} samples, epoch {:.3f} s decoding vs {:.3f} s cached -> {:.1f}x\n", tag,
                        ds.size(), t_plain, t_hit, t_plain / t_hit);
  };
  {
    fashion_generate_options fo;
    fo.out_dir = dir / "fashion";
    fo.train_count = a.cache_samples;
    fo.test_count = 0;
    generate_fashion_nmnist(fo);
    dataset_options dopt;
    dopt.root = fo.out_dir;
    const auto ds = event_dataset::open(dopt);
    transform_params tp;
    tp.denoise_us = 10000;
    tp.frame = {slice_mode::time_window, 1000, 0, false};
    epoch_pair(ds, tp, "fashion_denoise10ms_tw1ms");
    transform_params tp2;
    tp2.frame = {slice_mode::n_time_bins, 16, 0, false};
    epoch_pair(ds, tp2, "fashion_16bins");
  }
  {
    gesture_generate_options go;
    go.out_dir = dir / "gesture";
    go.train_trials = 2;
    go.test_trials = 0;
    generate_gestures(go);
    dataset_options dopt;
    dopt.root = go.out_dir;
    const auto ds = event_dataset::open(dopt);
    transform_params tp;
    tp.downsample = 0.25;
    tp.frame = {slice_mode::n_time_bins, 16, 0, false};
    epoch_pair(ds, tp, "gesture_ds0.25_16bins");
  }
  out["cache"] = cache;
  if (own_dir) fs::remove_all(dir);
  return {out, text};
}

}  // namespace snncosim::data
