#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <vector>

#include "snncosim/common/atomic_file.h"
#include "snncosim/common/progress.h"
#include "snncosim/common/rng.h"
#include "snncosim/data/aedat.h"
#include "snncosim/data/emulator.h"

namespace snncosim::data {
namespace {
constexpr int side = 128;
constexpr double two_pi = 6.283185307179586;

struct disc {
  double cx, cy, r;
};

// Shape position at phase f in [0, 1] of a gesture of class `label`.
disc pose(int label, double f, double r0, double jx, double jy) {
  const double c = side / 2.0;
  switch (label) {
    case 0: return {c - 40 + 80 * f + jx, c + jy, r0};
    case 1: return {c + 40 - 80 * f + jx, c + jy, r0};
    case 2: return {c + jx, c + 40 - 80 * f + jy, r0};
    case 3: return {c + jx, c - 40 + 80 * f + jy, r0};
    case 4: return {c + jx + 35 * std::cos(two_pi * f), c + jy + 35 * std::sin(two_pi * f), r0};
    case 5: return {c + jx + 35 * std::cos(-two_pi * f), c + jy + 35 * std::sin(-two_pi * f), r0};
    case 6: return {c + jx, c + jy, r0 * 0.5 + 30 * f};
    default: return {c + jx, c + jy, r0 * 0.5 + 30 * (1 - f)};
  }
}

bool inside(const disc& d, int x, int y) {
  const double dx = x + 0.5 - d.cx, dy = y + 0.5 - d.cy;
  return dx * dx + dy * dy <= d.r * d.r;
}

// Events of one gesture: pixels whose occupancy changes between 1 ms steps fire ON
// (entering the bright disc) or OFF (leaving it); timestamps spread inside the step.
void emit_gesture(int label, std::int64_t t_start, std::int64_t dur, rng& rnd,
                  event_vector& out) {
  const double r0 = rnd.uniform(10, 18);
  const double jx = rnd.uniform(-8, 8), jy = rnd.uniform(-8, 8);
  constexpr std::int64_t step = 1000;
  disc prev = pose(label, 0, r0, jx, jy);
  for (std::int64_t t = step; t <= dur; t += step) {
    const disc cur = pose(label, static_cast<double>(t) / static_cast<double>(dur), r0, jx, jy);
    const double reach = std::max(prev.r, cur.r) + 1;
    const int x0 = std::max(0, static_cast<int>(std::min(prev.cx, cur.cx) - reach));
    const int x1 = std::min(side - 1, static_cast<int>(std::max(prev.cx, cur.cx) + reach));
    const int y0 = std::max(0, static_cast<int>(std::min(prev.cy, cur.cy) - reach));
    const int y1 = std::min(side - 1, static_cast<int>(std::max(prev.cy, cur.cy) + reach));
    const std::size_t first = out.size();
    for (int y = y0; y <= y1; ++y) {
      for (int x = x0; x <= x1; ++x) {
        const bool a = inside(prev, x, y), b = inside(cur, x, y);
        if (a == b) continue;
        const auto te = t_start + t - step + static_cast<std::int64_t>(rnd.below(step));
        out.push_back({te, static_cast<std::uint16_t>(x), static_cast<std::uint16_t>(y),
                       static_cast<std::uint8_t>(b ? 1 : 0)});
      }
    }
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
              [](const event& l, const event& r) { return l.t < r.t; });
    prev = cur;
  }
}

}  // namespace

std::string gesture_synth_class_name(int label) {
  static const char* names[] = {"move_right", "move_left", "move_up", "move_down",
                                "circle_clockwise", "circle_counter_clockwise", "expand", "shrink"};
  return label >= 0 && label < gesture_synth_classes ? names[label] : "unknown";
}

generate_summary generate_gestures(const gesture_generate_options& o) {
  const auto start = std::chrono::steady_clock::now();
  generate_summary sum;
  std::string train_list, test_list;
  const int trials = o.train_trials + o.test_trials;
  progress_bar bar("generate gestures", static_cast<std::uint64_t>(trials), "trials");
  for (int trial = 0; trial < trials; ++trial) {
    rng rnd(mix_seed(o.seed, 0x6E57u + static_cast<std::uint64_t>(trial)));
    std::vector<int> order(gesture_synth_classes);
    std::iota(order.begin(), order.end(), 0);
    for (int i = gesture_synth_classes - 1; i > 0; --i) {
      std::swap(order[static_cast<std::size_t>(i)], order[rnd.below(static_cast<std::uint64_t>(i) + 1)]);
    }
    event_vector ev;
    std::vector<gesture_label> rows;
    std::int64_t t = o.start_us;
    for (int label : order) {
      const auto dur = o.gesture_us + static_cast<std::int64_t>(rnd.below(static_cast<std::uint64_t>(o.gesture_us / 4)));
      emit_gesture(label, t, dur, rnd, ev);
      rows.push_back({label + 1, t, t + dur});
      t += dur + 300000 + static_cast<std::int64_t>(rnd.below(300000));
    }
    if (o.noise_hz > 0) {
      const double rate = o.noise_hz * side * side * 1e-6;
      event_vector noise;
      for (double tn = static_cast<double>(o.start_us) + rnd.exponential(rate); tn < static_cast<double>(t);
           tn += rnd.exponential(rate)) {
        const auto pix = static_cast<int>(rnd.below(side * side));
        noise.push_back({static_cast<std::int64_t>(tn), static_cast<std::uint16_t>(pix % side),
                         static_cast<std::uint16_t>(pix / side), static_cast<std::uint8_t>(rnd.below(2))});
      }
      event_vector merged(ev.size() + noise.size());
      std::merge(ev.begin(), ev.end(), noise.begin(), noise.end(), merged.begin(),
                 [](const event& l, const event& r) { return l.t < r.t; });
      ev.swap(merged);
    }
    char stem[32];
    std::snprintf(stem, sizeof stem, "user%02d_synthetic", trial + 1);
    write_aedat3(o.out_dir / (std::string(stem) + ".aedat"), ev);
    write_file_atomic(o.out_dir / (std::string(stem) + "_labels.csv"), encode_gesture_labels(rows));
    (trial < o.train_trials ? train_list : test_list) += std::string(stem) + ".aedat\n";
    (trial < o.train_trials ? sum.train_samples : sum.test_samples) += rows.size();
    sum.events += ev.size();
    bar.advance();
  }
  bar.finish();
  write_file_atomic(o.out_dir / "trials_to_train.txt", train_list);
  write_file_atomic(o.out_dir / "trials_to_test.txt", test_list);
  std::string mapping = "action,label\n";
  for (int c = 0; c < gesture_synth_classes; ++c) mapping += gesture_synth_class_name(c) + "," + std::to_string(c + 1) + "\n";
  write_file_atomic(o.out_dir / "gesture_mapping.csv", mapping);
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return sum;
}

}  // namespace snncosim::data
