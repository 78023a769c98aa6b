#include "snncosim/common/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace snncosim {

void init_logging(int verbosity) {
  auto logger = spdlog::stderr_color_mt("snncosim");
  logger->set_pattern("%^%l%$: %v");
  switch (verbosity) {
    case -1: logger->set_level(spdlog::level::err); break;
    case 0: logger->set_level(spdlog::level::info); break;
    case 1: logger->set_level(spdlog::level::debug); break;
    default: logger->set_level(spdlog::level::trace); break;
  }
  spdlog::set_default_logger(logger);
}

}  // namespace snncosim
