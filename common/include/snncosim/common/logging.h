#pragma once
// Process-wide logging goes through spdlog's default logger, writing to stderr so that
// stdout stays clean for --json output. Verbosity: -q errors only, default info, -v debug,
// -vv trace.
#include <spdlog/spdlog.h>

namespace snncosim {

void init_logging(int verbosity);  // verbosity: -1 quiet, 0 normal, 1 debug, 2 trace

}  // namespace snncosim
