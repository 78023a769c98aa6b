// snncosim: one command line for the whole pipeline. Exit codes: 0 ok, 1 runtime failure,
// 2 bad input (documented in docs/cli.md).
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>

#include "command.h"
#include "snncosim/common/error.h"
#include "snncosim/common/logging.h"
#include "snncosim/common/progress.h"
#include "snncosim/common/version.h"

int main(int argc, char** argv) {
  using namespace snncosim;
  // No SystemC banner from a kernel in this process or in children started through popen
  // (explore); spawn_child sets it for its children as well. 0: a user's own value stays.
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  CLI::App app{"snncosim: spiking networks from training to cycle-exact hardware"};
  app.set_version_flag("--version", std::string("snncosim ") + project_version());
  app.require_subcommand(1);
  app.fallthrough();

  cli::global_options global;
  int verbose_count = 0;
  bool quiet = false;
  app.add_flag("-v,--verbose", verbose_count, "More log output (-vv for trace)");
  app.add_flag("-q,--quiet", quiet, "Only errors on stderr, no progress bars");
  app.add_flag("--json", global.json, "Machine-readable JSON on stdout");
  app.parse_complete_callback([&] {
    global.verbosity = quiet ? -1 : verbose_count;
    init_logging(global.verbosity);
    if (quiet || global.json) progress_bar::set_globally_enabled(false);
  });

  cli::add_validate_command(app, global);
  cli::add_simulate_command(app, global);
  cli::add_inspect_command(app, global);
  CLI::App* inspect = app.get_subcommand("inspect");
  inspect->description("Show what a surrogate or neuron choice does (docs/neurons.md), or summarise a model or trace file (docs/formats.md)");
  cli::add_inspect_files_commands(*inspect, global);
  cli::add_dataset_command(app, global);
  cli::add_train_command(app, global);
  cli::add_export_command(app, global);
  cli::add_infer_command(app, global);
  cli::add_import_command(app, global);
  cli::add_run_command(app, global);
  cli::add_sweep_command(app, global);
  cli::add_report_command(app, global);
  cli::add_explore_command(app, global);
  cli::add_estimate_command(app, global);
#ifdef SNNCOSIM_HAVE_RTL
  cli::add_cosim_command(app, global);
  cli::add_rtlgen_command(app, global);
#endif
  auto* bench = app.add_subcommand("bench", "Performance benchmarks (docs/benchmarks.md)");
  bench->require_subcommand(1);
  cli::add_bench_dataset_command(*bench, global);
  cli::add_bench_train_command(*bench, global);
  cli::add_bench_simulate_command(*bench, global);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "error: %s\n", cli::parse_error_message(app, e).c_str());
    return exit_bad_input;
  } catch (const bad_input& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return exit_bad_input;
  } catch (const std::filesystem::filesystem_error& e) {
    // A safety net for file operations without their own check: one line naming the path;
    // a path the user gave that cannot be used is bad input, a failing disk is not.
    const auto c = e.code();
    const bool users_path = c == std::errc::not_a_directory || c == std::errc::is_a_directory ||
                            c == std::errc::permission_denied || c == std::errc::filename_too_long ||
                            c == std::errc::read_only_file_system || c == std::errc::file_exists ||
                            c == std::errc::no_such_file_or_directory;
    std::fprintf(stderr, "error: %s: %s\n", e.path1().c_str(), c.message().c_str());
    return users_path ? exit_bad_input : exit_runtime_failure;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return exit_runtime_failure;
  }
  return exit_ok;
}
