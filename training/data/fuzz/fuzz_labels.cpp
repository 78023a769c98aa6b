#include "fuzz_util.h"
#include "snncosim/common/error.h"
#include "snncosim/data/aedat.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace snncosim::data;
  try {
    (void)read_gesture_labels(fuzz::write_input(data, size, "_labels.csv"));
  } catch (const snncosim::bad_input&) {
  }
  return 0;
}
