#include "command.h"
namespace snncosim::cli {
void add_validate_command(CLI::App& root, global_options&) {
  root.add_subcommand("validate", "Check YAML documents against their schemas");
}
}  // namespace snncosim::cli
