// draw_png: one PNG made atomically, nothing else left in the folder; a failing script leaves
// no PNG and keeps gnuplot's log beside where it would have been.
#include <doctest/doctest.h>

#include <fstream>

#include "snncosim/experiments/gnuplot.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using namespace snncosim::experiments;

TEST_CASE("draw_png writes one PNG atomically - a failing plot leaves none and keeps the log") {
  if (find_gnuplot().empty()) {
    MESSAGE("gnuplot not installed: skipped (scripts/setup installs gnuplot-nox)");
    return;
  }
  const fs::path dir = testing::temp_dir("gnuplot");
  draw_png(dir / "line.png", "0 0\n1 1\n2 4\n", "plot '{}' using 1:2 with lines title 'y'");
  std::ifstream in(dir / "line.png", std::ios::binary);
  std::string head(8, '\0');
  in.read(head.data(), 8);
  REQUIRE(in.gcount() == 8);
  CHECK(head.substr(1, 3) == "PNG");  // the PNG signature: \x89 P N G
  CHECK(fs::file_size(dir / "line.png") > 1000);
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++entries;
  CHECK(entries == 1);

  CHECK_THROWS(draw_png(dir / "bad.png", "0 0\n", "plot '{}' using 1:2 with nonsense"));
  CHECK_FALSE(fs::exists(dir / "bad.png"));
  CHECK(fs::exists(dir / "bad.png.gnuplot.log"));
  fs::remove_all(dir);
}
