#include <doctest/doctest.h>

#include "snncosim/common/progress.h"

using snncosim::progress_bar;

TEST_CASE("rates and durations are formatted for humans") {
  CHECK(progress_bar::format_rate(12.345, "it") == "12.35 it/s");
  CHECK(progress_bar::format_rate(12345, "ev") == "12.3k ev/s");
  CHECK(progress_bar::format_rate(2.5e6, "ev") == "2.50M ev/s");
  CHECK(progress_bar::format_duration(75) == "01:15");
  CHECK(progress_bar::format_duration(3723) == "1:02:03");
  CHECK(progress_bar::format_duration(-1) == "--:--");
}

TEST_CASE("a bar is silent when stderr is not a terminal") {
  // ctest captures stderr through a pipe, so the bar must not draw.
  progress_bar bar("test", 10);
  CHECK_FALSE(bar.enabled());
  bar.advance(10);
  bar.finish();
}
