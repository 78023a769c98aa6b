#pragma once
// The data benchmark (`snncosim bench dataset`, docs/benchmarks.md): decode throughput per
// file format, framing throughput per slicing mode, and the frame cache's epoch speed-up, all
// on data generated into a scratch folder.
#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace snncosim::data {

struct bench_request {
  std::size_t events = 4000000;     // events per decode benchmark
  int reps = 3;                     // repetitions; the best is reported
  std::size_t cache_samples = 200;  // samples in the cache benchmark datasets
  std::string work;                 // scratch folder; empty: a temporary one, removed afterwards
};

struct bench_outcome {
  nlohmann::json json;
  std::string text;
};

bench_outcome bench_dataset(const bench_request& request);

}  // namespace snncosim::data
