#include "fuzz_util.h"
#include "snncosim/common/error.h"
#include "snncosim/data/idx.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace snncosim::data;
  try {
    (void)read_idx(fuzz::write_input(data, size, ".idx"), 64);
  } catch (const snncosim::bad_input&) {
  }
  return 0;
}
