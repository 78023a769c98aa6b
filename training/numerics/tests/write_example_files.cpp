// Test helper: writes the worked-example model and its integer trace (with membranes) into a
// directory, for the Python (h5py) read-back test. Usage: numerics_write_example DIR
#include <cstdio>
#include <exception>

#include "snncosim/numerics/model_file.h"
#include "snncosim/numerics/trace_file.h"
#include "test_models.h"

int main(int argc, char** argv) {
  using namespace snncosim::numerics;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  try {
    const std::filesystem::path dir = argv[1];
    const quant_model m = testing::hand_model();
    write_model_file(dir / "model.h5", m);
    inference_options opt;
    opt.record_membrane = true;
    std::vector<trace_sample> samples(1);
    samples[0].sample_index = 5;
    samples[0].label = 0;
    samples[0].result = run_integer_inference(m, testing::hand_input(), 3, opt);
    write_trace_file(dir / "trace.h5", {"integer", "model.h5", "test", "numerics_write_example"}, samples);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
