#pragma once
// Facts about the machine that benchmark records carry beside their figures.

namespace snncosim {

// The one-minute load average from /proc/loadavg; -1 where it cannot be read. A benchmark
// taken while it is near or above the core count measured contention, not the code.
double load_average();

}  // namespace snncosim
