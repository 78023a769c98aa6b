// Stand-alone driver of `bench simulate` while main has no `bench` command group: builds
// `snncosim_bench_simulate bench simulate [...]` with the same command code.
#include <cstdio>
#include <exception>

#include "command.h"
#include "snncosim/common/error.h"
#include "snncosim/common/logging.h"
#include "snncosim/common/progress.h"

int main(int argc, char** argv) {
  using namespace snncosim;
  CLI::App app{"snncosim_bench_simulate: the `bench simulate` command without the full CLI"};
  app.require_subcommand(1);
  cli::global_options global;
  app.add_flag("--json", global.json, "Machine-readable JSON on stdout");
  auto* bench = app.add_subcommand("bench", "Benchmarks");
  bench->require_subcommand(1);
  cli::add_bench_simulate_command(*bench, global);
  init_logging(0);
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
