#include "snncosim/experiments/gnuplot.h"

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

}  // namespace snncosim::experiments
