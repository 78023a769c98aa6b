#pragma once
// Non-cryptographic hashes shared by file formats and caches.
#include <cstdint>
#include <string_view>

namespace snncosim {

// FNV-1a, 64 bit (offset basis 0xcbf29ce484222325, prime 0x100000001b3). Each step is a
// bijection of the state for a fixed byte, so any change confined to one byte (a flipped
// bit) always changes the result.
inline std::uint64_t fnv1a_64(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace snncosim
