// libFuzzer target for the HDF5 model reader (docs/formats.md §2): any bytes must either
// read as a valid model or raise bad_input with a message.
#include "fuzz_h5_util.h"
#include "snncosim/common/error.h"
#include "snncosim/numerics/model_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace snncosim::numerics;
  try {
    const quant_model m = read_model_file(fuzz::write_input(data, size, "model.h5"));
    (void)validate(m, "fuzz");  // a model the reader accepts must be one the writer would write
  } catch (const snncosim::bad_input& e) {
    if (std::string(e.what()).empty()) __builtin_trap();
  }
  fuzz::check_all_closed();
  return 0;
}
