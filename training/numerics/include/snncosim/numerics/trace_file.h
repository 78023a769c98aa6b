#pragma once
// The HDF5 spike-trace file (docs/formats.md §3): per sample, per layer and time step the
// sparse spikes (t, channel, y, x) with per-step counts, the input spikes, and optionally the
// membrane traces. Written atomically.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "snncosim/numerics/integer_inference.h"

namespace snncosim::numerics {

inline constexpr int trace_format_version = 1;
inline constexpr const char* trace_format_name = "snncosim.trace";

struct trace_sample {
  std::int64_t sample_index = 0;  // index in the dataset split
  std::int64_t label = -1;        // -1: unknown
  inference_result result;
};

struct trace_metadata {
  std::string source;      // "integer" (golden model) or "float" (training engine)
  std::string model_file;  // path of the model file the traces came from, if any
  std::string split;       // dataset split, e.g. "test"
  std::string created_by;
};

struct trace_contents {
  trace_metadata meta;
  std::vector<trace_sample> samples;
};

void write_trace_file(const std::filesystem::path& path, const trace_metadata& meta,
                      const std::vector<trace_sample>& samples);

// Reads a trace file one sample at a time (memory: one sample's dense spikes). The
// constructor checks the format and version; read_sample re-densifies the spikes. bad_input
// on any problem, naming the file and the HDF5 object.
class trace_reader {
 public:
  explicit trace_reader(const std::filesystem::path& path);
  ~trace_reader();
  trace_reader(const trace_reader&) = delete;
  trace_reader& operator=(const trace_reader&) = delete;

  const trace_metadata& meta() const;
  std::size_t num_samples() const;
  trace_sample read_sample(std::size_t i) const;

 private:
  class impl;
  std::unique_ptr<impl> m_impl;
};

// Checks that sample `sample` of a trace fits a model before anything is simulated: the input
// shape, the number of layers and every layer's shape. bad_input naming the trace file, the
// sample, the layer and both shapes.
void check_trace_matches_model(const trace_sample& s, std::size_t sample, const std::string& trace_file,
                               const quant_model& m, const std::string& model_file);

// Reads the whole file back (all samples in memory).
trace_contents read_trace_file(const std::filesystem::path& path);

}  // namespace snncosim::numerics
