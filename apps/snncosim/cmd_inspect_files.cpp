// `snncosim inspect model FILE` and `snncosim inspect trace FILE`: summaries of the HDF5
// model and spike-trace files (docs/formats.md). Registered under the `inspect` parent.
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "command.h"
#include "snncosim/common/json_text.h"
#include "snncosim/numerics/file_summary.h"
#include "snncosim/numerics/model_file.h"
#include "snncosim/numerics/trace_file.h"

namespace snncosim::cli {

using nlohmann::json;
namespace nm = numerics;

void add_inspect_files_commands(CLI::App& inspect, global_options& global) {
  auto model_file = std::make_shared<std::string>();
  auto* model = inspect.add_subcommand("model", "Summarise a model file (HDF5, docs/formats.md)");
  model->add_option("file", *model_file, "Model file")->required();
  model->callback([&global, model_file] {
    const json j = nm::model_summary(*model_file, nm::read_model_file(*model_file));
    if (global.json)
      std::cout << json_text(j) << "\n";
    else
      std::cout << nm::model_summary_text(j);
  });

  auto trace_file = std::make_shared<std::string>();
  auto* trace = inspect.add_subcommand("trace", "Per-layer spike counts of a spike-trace file (HDF5)");
  trace->add_option("file", *trace_file, "Spike-trace file")->required();
  trace->callback([&global, trace_file] {
    const nm::trace_reader reader(*trace_file);
    const json j = nm::trace_summary(*trace_file, reader);
    if (global.json)
      std::cout << json_text(j) << "\n";
    else
      std::cout << nm::trace_summary_text(j);
  });
}

}  // namespace snncosim::cli
