// libFuzzer target for the checkpoint container (docs/formats.md §4): any bytes must either
// parse or raise bad_input with a message. A mutated file almost always fails the checksum,
// so each input is also parsed with its checksum re-sealed: that reaches the header and
// tensor-table checks a damaged-but-resealed or hand-made file would hit.
#include <cstddef>
#include <cstdint>
#include <string>

#include "snncosim/common/checkpoint_file.h"
#include "snncosim/common/error.h"

namespace {

void parse(const std::string& bytes) {
  try {
    const snncosim::checkpoint_file c = snncosim::parse_checkpoint(bytes, "fuzz.bin");
    for (const auto& t : c.tensors)
      if (t.offset + t.size * sizeof(float) > c.data.size()) __builtin_trap();  // the promise callers rely on
  } catch (const snncosim::bad_input& e) {
    if (std::string(e.what()).empty()) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  parse(bytes);
  if (bytes.size() >= 8) {
    bytes.resize(bytes.size() - 8);
    const std::uint64_t h = snncosim::fnv1a_64(bytes);
    for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>((h >> (8 * i)) & 0xFF));
    parse(bytes);
  }
  return 0;
}
