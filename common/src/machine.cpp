#include "snncosim/common/machine.h"

#include <fstream>

namespace snncosim {

double load_average() {
  std::ifstream in("/proc/loadavg");
  double one = -1;
  in >> one;
  return in ? one : -1.0;
}

}  // namespace snncosim
