// `snncosim bench dataset`: decode and framing throughput per format and the frame-cache
// speed-up (docs/benchmarks.md, "Datasets"). Everything runs on data generated into a
// temporary folder, so the benchmark needs no downloads.
#include <iostream>
#include <memory>

#include "command.h"
#include "snncosim/common/json_text.h"
#include "snncosim/data/bench.h"

namespace snncosim::cli {

void add_bench_dataset_command(CLI::App& bench, global_options& global) {
  auto a = std::make_shared<data::bench_request>();
  auto* cmd = bench.add_subcommand("dataset", "Event decode/framing throughput and frame-cache speed-up");
  cmd->add_option("--events", a->events, "Events per decode benchmark")->capture_default_str();
  cmd->add_option("--reps", a->reps, "Repetitions (best is reported)")->capture_default_str();
  cmd->add_option("--cache-samples", a->cache_samples, "Samples in the cache benchmark datasets")->capture_default_str();
  cmd->add_option("--work-dir", a->work, "Scratch folder (default: a temporary folder, removed afterwards)");
  cmd->callback([&global, a] {
    const data::bench_outcome o = data::bench_dataset(*a);
    if (global.json) std::cout << json_text(o.json) << "\n";
    else std::cout << o.text;
  });
}

}  // namespace snncosim::cli
