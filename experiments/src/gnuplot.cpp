#include "snncosim/experiments/gnuplot.h"

#include <stdexcept>

#include <fmt/format.h>

#include "snncosim/common/atomic_file.h"
#include "snncosim/experiments/child_process.h"

namespace snncosim::experiments {

namespace fs = std::filesystem;

fs::path find_gnuplot() {
  for (const char* p : {"/usr/bin/gnuplot", "/usr/local/bin/gnuplot"})
    if (fs::exists(p)) return p;
  return {};
}

bool run_gnuplot(const fs::path& gnuplot, const fs::path& dir, const std::string& name) {
  const fs::path log = dir / (name + ".gnuplot.log");
  const child_exit e = run_child({gnuplot.string(), (dir / (name + ".gp")).string()}, "/dev/null", log);
  if (e.ok() && fs::exists(dir / (name + ".png"))) {
    fs::remove(log);
    return true;
  }
  fs::remove(dir / (name + ".png"));
  return false;
}

void draw_png(const fs::path& png, const std::string& data, const std::string& plot_commands) {
  const fs::path gnuplot = find_gnuplot();
  if (gnuplot.empty()) throw std::runtime_error("cannot find gnuplot (scripts/setup installs gnuplot-nox)");
  produce_file_atomic(png, [&](const fs::path& tmp) {
    // gnuplot writes NAME.png beside NAME.gp: work in a folder of our own next to the target.
    const fs::path dir = fs::path(tmp.string() + ".plot");
    fs::create_directories(dir);
    write_file_atomic(dir / "plot.dat", data);
    write_file_atomic(dir / "plot.gp",
                      fmt::format("set terminal pngcairo size 900,600 noenhanced\nset output '{}'\nset grid\nset key outside\n"
                                  "set offsets 0.5, 0.5, 0.1, 0.1\n{}\n",
                                  (dir / "plot.png").string(),
                                  fmt::format(fmt::runtime(plot_commands), (dir / "plot.dat").string())));
    const bool ok = run_gnuplot(gnuplot, dir, "plot");
    if (ok) fs::rename(dir / "plot.png", tmp);
    const std::string log = (dir / "plot.gnuplot.log").string();
    if (!ok) {
      fs::path kept = png;
      kept += ".gnuplot.log";
      std::error_code ec;
      fs::rename(log, kept, ec);
      fs::remove_all(dir, ec);
      throw std::runtime_error(fmt::format("gnuplot failed writing {} (see {})", png.string(), kept.string()));
    }
    fs::remove_all(dir);
  });
}

}  // namespace snncosim::experiments
