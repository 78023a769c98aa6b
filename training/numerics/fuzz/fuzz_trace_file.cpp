// libFuzzer target for the HDF5 spike-trace reader (docs/formats.md §3): any bytes must either
// read as valid traces or raise bad_input with a message.
#include "fuzz_h5_util.h"
#include "snncosim/common/error.h"
#include "snncosim/numerics/trace_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace snncosim::numerics;
  try {
    const trace_reader reader(fuzz::write_input(data, size, "trace.h5"));
    for (std::size_t i = 0; i < reader.num_samples(); ++i) (void)reader.read_sample(i);
  } catch (const snncosim::bad_input& e) {
    if (std::string(e.what()).empty()) __builtin_trap();
  }
  fuzz::check_all_closed();
  return 0;
}
