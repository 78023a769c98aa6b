#include "snncosim/common/progress.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>

#include <fmt/format.h>

namespace snncosim {
namespace {
std::atomic<bool>& globally_enabled() {
  // Function-local state rather than a namespace-scope global; set once by the CLI.
  static std::atomic<bool> enabled{true};
  return enabled;
}
constexpr auto redraw_interval = std::chrono::milliseconds(100);
}  // namespace

void progress_bar::set_globally_enabled(bool on) { globally_enabled() = on; }

progress_bar::progress_bar(std::string label, std::uint64_t total, std::string unit)
    : m_label(std::move(label)),
      m_unit(std::move(unit)),
      m_total(total),
      m_enabled(globally_enabled() && ::isatty(STDERR_FILENO) == 1),
      m_start(std::chrono::steady_clock::now()),
      m_last_draw(m_start) {}

progress_bar::~progress_bar() { finish(); }

void progress_bar::advance(std::uint64_t n) {
  m_done += n;
  if (!m_enabled) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - m_last_draw >= redraw_interval || m_done == m_total) {
    m_last_draw = now;
    draw(false);
  }
}

void progress_bar::set_postfix(std::string text) { m_postfix = std::move(text); }

void progress_bar::finish() {
  if (m_finished) return;
  m_finished = true;
  if (m_enabled) draw(true);
}

std::string progress_bar::format_rate(double per_second, const std::string& unit) {
  if (per_second >= 1e6) return fmt::format("{:.2f}M {}/s", per_second / 1e6, unit);
  if (per_second >= 1e3) return fmt::format("{:.1f}k {}/s", per_second / 1e3, unit);
  return fmt::format("{:.2f} {}/s", per_second, unit);
}

std::string progress_bar::format_duration(double seconds) {
  if (!(seconds >= 0) || seconds > 360000) return "--:--";
  const auto s = static_cast<long>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
  return fmt::format("{:02}:{:02}", s / 60, s % 60);
}

void progress_bar::draw(bool final_line) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
  const double rate = elapsed > 0 ? static_cast<double>(m_done) / elapsed : 0.0;
  std::string bar;
  std::string counts;
  if (m_total > 0) {
    constexpr int width = 24;
    const double frac = std::min(1.0, static_cast<double>(m_done) / static_cast<double>(m_total));
    const int filled = static_cast<int>(frac * width);
    // Built with append rather than operator+ (GCC 12 emits a false -Wrestrict on the latter).
    bar.append(1, '|').append(static_cast<std::size_t>(filled), '#');
    bar.append(static_cast<std::size_t>(width - filled), ' ').append("| ");
    const double eta = rate > 0 ? static_cast<double>(m_total - std::min(m_done, m_total)) / rate : -1;
    counts = fmt::format("{}/{} [{}<{}, {}]", m_done, m_total, format_duration(elapsed),
                         format_duration(eta), format_rate(rate, m_unit));
  } else {
    counts = fmt::format("{} [{}, {}]", m_done, format_duration(elapsed), format_rate(rate, m_unit));
  }
  std::fprintf(stderr, "\r\033[K%s: %s%s%s%s", m_label.c_str(), bar.c_str(), counts.c_str(),
               m_postfix.empty() ? "" : " ", m_postfix.c_str());
  if (final_line) std::fputc('\n', stderr);
  std::fflush(stderr);
}

}  // namespace snncosim
