#include <string>

#include "command.h"

namespace snncosim::cli {
namespace {

// The subcommand path the user typed, e.g. "snncosim inspect model".
std::string command_path(const CLI::App& app) {
  std::string path = "snncosim";
  const CLI::App* at = &app;
  for (;;) {
    const auto subs = at->get_subcommands();
    if (subs.empty()) break;
    at = subs.front();
    path += " " + at->get_name();
  }
  return path;
}

}  // namespace

std::string parse_error_message(const CLI::App& app, const CLI::ParseError& e) {
  const std::string where = command_path(app);
  // CLI11 checks required options before it looks at leftovers, so `simulate --frobnicate`
  // would report "--model is required"; the unknown option is the real mistake.
  for (const std::string& arg : app.remaining(true)) {
    if (arg.size() > 1 && arg[0] == '-') {
      return "unknown option " + arg + " for '" + where + "' (see '" + where + " --help')";
    }
  }
  const auto rest = app.remaining(true);
  if (!rest.empty() && dynamic_cast<const CLI::RequiredError*>(&e) != nullptr &&
      std::string(e.what()).find("ubcommand") != std::string::npos) {
    return "unknown command '" + rest.front() + "' for '" + where + "' (see '" + where + " --help')";
  }
  return std::string(e.what()) + " (see '" + where + " --help')";
}

}  // namespace snncosim::cli
