#pragma once
// Each subcommand lives in its own cmd_<name>.cpp and registers itself on the root app.
// Handlers throw snncosim::bad_input for bad input (exit 2) and anything else for runtime
// failures (exit 1); main() maps exceptions to exit codes and prints one line.
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace snncosim::interop {
struct import_request;
}

namespace snncosim::cli {

// One line for a command-line mistake: what is wrong and which --help to read (parse_error.cpp).
std::string parse_error_message(const CLI::App& app, const CLI::ParseError& e);

// For counts (--samples, --top-k, ...): CLI11 would wrap "-5" into a huge unsigned value.
inline CLI::Validator count_check() {
  return CLI::Validator(
      [](std::string& v) -> std::string {
        if (!v.empty() && v.find_first_not_of("0123456789") == std::string::npos) return {};
        return "must be a whole number >= 0, got '" + v + "'";
      },
      "N>=0");
}

// --dt, --weight-bits, --per-channel, --num-classes, --population (cmd_import.cpp), shared
// by `import` and `infer --nir`.
void add_nir_lowering_options(CLI::App* cmd, interop::import_request& q, std::optional<int>& bits, bool& per_channel);

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
// A NIR graph -> integer model file (cmd_import.cpp, docs/interop.md).
void add_import_command(CLI::App& root, global_options& global);
void add_dataset_command(CLI::App& root, global_options& global);
// `bench dataset` is registered on the `bench` parent command.
void add_bench_dataset_command(CLI::App& bench, global_options& global);
// Architecture search (cmd_explore.cpp) and FPGA resource estimate (cmd_estimate.cpp), docs/explore.md.
void add_explore_command(CLI::App& root, global_options& global);
void add_estimate_command(CLI::App& root, global_options& global);
// TLM vs RTL co-simulation (cmd_cosim.cpp); registered only when Verilator was found.
void add_cosim_command(CLI::App& root, global_options& global);
// The layer engine's SV package of maximum sizes (cmd_rtlgen.cpp); with the cosim command.
void add_rtlgen_command(CLI::App& root, global_options& global);

// Experiments (docs/experiments.md): one point end to end, a sweep grid, the report.
void add_run_command(CLI::App& root, global_options& global);
void add_sweep_command(CLI::App& root, global_options& global);
void add_report_command(CLI::App& root, global_options& global);

}  // namespace snncosim::cli
