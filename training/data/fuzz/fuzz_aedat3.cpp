#include "fuzz_util.h"
#include "snncosim/common/error.h"
#include "snncosim/data/aedat.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace snncosim::data;
  try {
    const auto path = fuzz::write_input(data, size, ".aedat");
    std::size_t n = 0;
    read_aedat3(path, [&](std::span<const event> c) { n += c.size(); });
  } catch (const snncosim::bad_input&) {
  }
  return 0;
}
