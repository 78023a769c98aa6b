// libFuzzer target for the configuration layer: any text must either load or raise
// bad_input with a message; never crash, hang or throw anything else.
#include <cstddef>
#include <cstdint>
#include <string>

#include "snncosim/common/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The first byte picks the expected kind and an override, so those paths are fuzzed too.
  if (size == 0) return 0;
  static const char* kinds[] = {"", "experiment", "network", "hardware", "platform"};
  const char* kind = kinds[data[0] % 5];
  std::vector<snncosim::config::override_entry> overrides;
  if (data[0] & 0x80) overrides.push_back({"layer_defaults.neuron_cores", "3"});
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    const auto doc = snncosim::config::load_text(text, "fuzz.yaml", overrides, kind, "/nonexistent");
    (void)doc.resolved_yaml();
  } catch (const snncosim::bad_input& e) {
    if (std::string(e.what()).empty()) __builtin_trap();
  }
  return 0;
}
