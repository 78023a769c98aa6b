#pragma once
// N-MNIST .bin files: 5-byte big-endian records, no header (event-formats.md §1).
//   b0 = x, b1 = y, b2 bit7 = polarity, b2 bits6..0 : b3 : b4 = 23-bit timestamp (us).
// A record with y == 240 is a timestamp-overflow marker: it adds 2^13 us to itself and
// every later record and is dropped (tonic / Orchard's reference code do exactly this).
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "snncosim/data/event.h"

namespace snncosim::data {

struct nmnist_options {
  sensor_size sensor{34, 34, 2};  // events outside are a bad_input error
};

// Decodes a buffer that starts at byte `base_offset` of `name` (used in error messages).
// Appends to `out`; `last_t` carries the previous timestamp across chunks.
class nmnist_decoder {
 public:
  nmnist_decoder(std::string name, nmnist_options options = {});
  // `bytes.size()` must be a multiple of 5; `base_offset` is the file offset of bytes[0].
  void decode(std::span<const std::uint8_t> bytes, std::uint64_t base_offset, event_vector& out);
  const read_report& report() const { return m_report; }

 private:
  std::string m_name;
  nmnist_options m_options;
  read_report m_report;
  std::int64_t m_overflow_offset = 0;
  std::int64_t m_last_t = INT64_MIN;
};

// Streams a file in chunks to `sink`. Throws bad_input on a truncated record or a
// coordinate outside the sensor, naming the file and byte offset.
read_report read_nmnist(const std::filesystem::path& file, const event_sink& sink,
                        const nmnist_options& options = {});
// Convenience: all events of one recording (a single sample is small).
event_vector read_nmnist(const std::filesystem::path& file, read_report* report = nullptr,
                         const nmnist_options& options = {});

// Encodes events; timestamps >= 2^23 us are written with overflow records so that
// read_nmnist() returns them unchanged. Events must have non-decreasing t for that.
std::string encode_nmnist(std::span<const event> events);
void write_nmnist(const std::filesystem::path& file, std::span<const event> events);

}  // namespace snncosim::data
