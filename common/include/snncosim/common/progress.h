#pragma once
// A progress bar for long work: on a terminal it redraws one stderr line with the rate and
// ETA; when stderr is not a terminal (CI, pipes, --json) it prints nothing.
#include <chrono>
#include <cstdint>
#include <string>

namespace snncosim {

class progress_bar {
 public:
  progress_bar(std::string label, std::uint64_t total, std::string unit = "it");
  ~progress_bar();
  progress_bar(const progress_bar&) = delete;
  progress_bar& operator=(const progress_bar&) = delete;

  void advance(std::uint64_t n = 1);
  // Free text shown after the counters, e.g. "loss 0.213 acc 91.2%".
  void set_postfix(std::string text);
  void finish();

  // Whether this bar draws anything (false when stderr is not a terminal or when quiet).
  bool enabled() const { return m_enabled; }
  // Forces bars off for the whole process (used by -q and --json).
  static void set_globally_enabled(bool on);

  // "12.3k it/s" style helpers, exposed for tests.
  static std::string format_rate(double per_second, const std::string& unit);
  static std::string format_duration(double seconds);

 private:
  void draw(bool final_line);

  std::string m_label;
  std::string m_unit;
  std::string m_postfix;
  std::uint64_t m_total;
  std::uint64_t m_done = 0;
  bool m_enabled;
  bool m_finished = false;
  std::chrono::steady_clock::time_point m_start;
  std::chrono::steady_clock::time_point m_last_draw;
};

}  // namespace snncosim
