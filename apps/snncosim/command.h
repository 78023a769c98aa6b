#pragma once
// Each subcommand lives in its own cmd_<name>.cpp and registers itself on the root app.
// Handlers throw snncosim::bad_input for bad input (exit 2) and anything else for runtime
// failures (exit 1); main() maps exceptions to exit codes and prints one line.
#include <CLI/CLI.hpp>

namespace snncosim::cli {

struct global_options {
  bool json = false;   // machine-readable output on stdout
  int verbosity = 0;   // -q: -1, -v: 1, -vv: 2
};

void add_validate_command(CLI::App& root, global_options& global);
void add_simulate_command(CLI::App& root, global_options& global);
// Registered on the `bench` parent command.
void add_bench_simulate_command(CLI::App& bench, global_options& global);
void add_inspect_command(CLI::App& root, global_options& global);
// Adds `model FILE` and `trace FILE` under the `inspect` parent command (cmd_inspect_files.cpp).
void add_inspect_files_commands(CLI::App& inspect, global_options& global);
void add_train_command(CLI::App& root, global_options& global);
// Registered on the `bench` parent command.
void add_bench_train_command(CLI::App& bench, global_options& global);
// Export of a trained network to the integer model and trace files (cmd_export.cpp).
void add_export_command(CLI::App& root, global_options& global);
// Float vs integer accuracy and spike statistics of a trained network (cmd_infer.cpp).
void add_infer_command(CLI::App& root, global_options& global);
void add_dataset_command(CLI::App& root, global_options& global);
// `bench dataset` is registered on the `bench` parent command.
void add_bench_dataset_command(CLI::App& bench, global_options& global);

// Experiments (docs/experiments.md): one point end to end, a sweep grid, the report.
void add_run_command(CLI::App& root, global_options& global);
void add_sweep_command(CLI::App& root, global_options& global);
void add_report_command(CLI::App& root, global_options& global);

}  // namespace snncosim::cli
