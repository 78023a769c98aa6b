// Test driver for cmd_inspect_files.cpp while the `inspect` parent command lives on another
// branch: a root app with --json and an `inspect` parent, mapped to exit codes like main().
#include <cstdio>
#include <exception>

#include "../command.h"
#include "snncosim/common/error.h"

int main(int argc, char** argv) {
  using namespace snncosim;
  CLI::App app{"inspect_files_probe"};
  app.require_subcommand(1);
  app.fallthrough();
  cli::global_options global;
  app.add_flag("--json", global.json, "JSON on stdout");
  auto* inspect = app.add_subcommand("inspect", "Inspect files");
  inspect->require_subcommand(1);
  cli::add_inspect_files_commands(*inspect, global);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? exit_ok : exit_bad_input;
  } catch (const bad_input& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return exit_bad_input;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return exit_runtime_failure;
  }
  return exit_ok;
}
