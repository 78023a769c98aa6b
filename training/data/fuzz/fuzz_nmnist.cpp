#include <span>

#include "fuzz_util.h"
#include "snncosim/common/error.h"
#include "snncosim/data/nmnist.h"
#include "snncosim/data/transforms.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace snncosim::data;
  try {
    const auto path = fuzz::write_input(data, size, ".bin");
    const auto ev = read_nmnist(path);
    // Framing must accept whatever the reader returns (including unsorted timestamps).
    (void)to_frame(ev, {34, 34, 2}, {slice_mode::n_event_bins, 3, 0.25, false});
    (void)to_frame(ev, {34, 34, 2}, {slice_mode::n_time_bins, 4, 0.5, false});
    (void)to_frame(ev, {34, 34, 2}, {slice_mode::event_count, 100, 10, true});
    (void)denoise(ev, 1000);
  } catch (const snncosim::bad_input&) {
  }
  return 0;
}
