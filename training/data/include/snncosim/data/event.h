#pragma once
// The in-memory event record shared by every reader, writer and transform.
// Coordinates use a top-left origin; p is 0 (OFF) or 1 (ON); t is in microseconds.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace snncosim::data {

struct event {
  std::int64_t t = 0;
  std::uint16_t x = 0;
  std::uint16_t y = 0;
  std::uint8_t p = 0;
  bool operator==(const event&) const = default;
};

// tonic convention: (W, H, P).
struct sensor_size {
  int width = 0;
  int height = 0;
  int polarities = 2;
  bool operator==(const sensor_size&) const = default;
};

using event_vector = std::vector<event>;
// Readers hand events over in chunks so a whole recording never needs to be in memory.
using event_sink = std::function<void(std::span<const event>)>;

enum class file_format { nmnist, aedat2, aedat3 };

// "nmnist" | "aedat2" | "aedat3"; throws bad_input naming `what` otherwise.
file_format parse_format(const std::string& name, const std::string& what);
std::string format_name(file_format f);
// .bin -> nmnist, .aedat -> sniffs "#!AER-DAT2" / "#!AER-DAT3" in the first bytes.
file_format format_from_file(const std::string& path);
sensor_size default_sensor(file_format f);

// What a reader noticed besides the events themselves (reported by inspect/stats).
struct read_report {
  std::uint64_t overflow_records = 0;      // N-MNIST y == 240 records
  std::uint64_t backwards_timestamps = 0;  // events whose t < previous t (never reordered)
  std::uint64_t special_events = 0;        // AEDAT 2.0 sync/special addresses skipped
  std::uint64_t invalid_events = 0;        // AEDAT 3.1 events with the valid bit clear
  std::uint64_t skipped_packets = 0;       // AEDAT 3.1 packets of other event types
  std::uint64_t packets = 0;               // AEDAT 3.1 packets read
  std::uint64_t bytes = 0;                 // file size
};

}  // namespace snncosim::data
