#pragma once
// AEDAT 3.1 (DVS128-Gesture, little-endian packets) and AEDAT 2.0 (jAER DVS128,
// big-endian address/timestamp pairs, CIFAR10-DVS) readers and writers.
// Byte layouts: event-formats.md §2.1-2.3 and §3.2. Readers stream packet by packet.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "snncosim/data/event.h"

namespace snncosim::data {

struct aedat3_options {
  sensor_size sensor{128, 128, 2};
  // cAER sets bit 0 on every valid event; events with it clear are dropped and counted.
  // tonic and SpikingJelly ignore the bit: set false to do the same.
  bool honour_valid_bit = true;
};

// Streams polarity events of an AEDAT 3.x file to `sink`. Packets of other event types are
// skipped. Throws bad_input (file + byte offset) on a bad version line, a header without
// #!END-HEADER, a truncated or inconsistent packet header, a truncated payload, or an event
// outside the sensor.
read_report read_aedat3(const std::filesystem::path& file, const event_sink& sink,
                        const aedat3_options& options = {});
// Events with t in [t_begin, t_end) only (one labelled gesture).
event_vector read_aedat3_range(const std::filesystem::path& file, std::int64_t t_begin,
                               std::int64_t t_end, const aedat3_options& options = {},
                               read_report* report = nullptr);

// Writes AEDAT 3.1: header with `#Source 1: DVS128`, packets of at most
// `events_per_packet` polarity events, a new packet whenever t crosses a 2^31 us boundary.
std::string encode_aedat3(std::span<const event> events, int events_per_packet = 4096);
void write_aedat3(const std::filesystem::path& file, std::span<const event> events,
                  int events_per_packet = 4096);

// One row of a DVS128-Gesture `*_labels.csv`: class is 1-based in the file.
struct gesture_label {
  int label = 0;  // 1..classes as written
  std::int64_t start_us = 0;
  std::int64_t end_us = 0;
};
// Throws bad_input naming the file and line for a wrong header, a bad row, a class outside
// 1..max_class or end < start.
std::vector<gesture_label> read_gesture_labels(const std::filesystem::path& file, int max_class = 11);
std::string encode_gesture_labels(const std::vector<gesture_label>& rows);

// DVS128 address mapping of AEDAT 2.0 files. Default: jAER semantics converted to a
// top-left origin: x = 127 - raw_x, y = 127 - raw_y, p = 1 - bit0 (raw bit0 = 0 is ON).
struct aedat2_options {
  bool flip_x = true;
  bool flip_y = true;
  bool on_is_bit0_zero = true;
  bool transpose = false;  // swap x/y after flipping (SpikingJelly's orientation)
};

read_report read_aedat2(const std::filesystem::path& file, const event_sink& sink,
                        const aedat2_options& options = {});
event_vector read_aedat2(const std::filesystem::path& file, read_report* report,
                         const aedat2_options& options = {});
// Writes `#!AER-DAT2.0` + jAER-style comment lines + big-endian events, inverting the
// mapping in `options` so read_aedat2 with the same options returns the same events.
std::string encode_aedat2(std::span<const event> events, const aedat2_options& options = {});
void write_aedat2(const std::filesystem::path& file, std::span<const event> events,
                  const aedat2_options& options = {});

}  // namespace snncosim::data
