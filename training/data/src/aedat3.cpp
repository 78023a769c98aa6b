#include <algorithm>
#include <charconv>
#include <fstream>
#include <vector>

#include "binary_file.h"
#include "snncosim/common/atomic_file.h"
#include "snncosim/data/aedat.h"

namespace snncosim::data {
namespace {
using detail::binary_file;
constexpr std::size_t packet_header_bytes = 28;
constexpr std::int16_t polarity_event_type = 1;
constexpr std::size_t max_header_bytes = 1 << 20;
constexpr std::size_t chunk_events = 1 << 15;

// Reads one '\n'-terminated line (keeps no terminator). Returns false at EOF with nothing read.
bool read_line(binary_file& f, std::string& line) {
  line.clear();
  for (;;) {
    const int c = f.get();
    if (c == EOF) return !line.empty();
    if (c == '\n') {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return true;
    }
    line.push_back(static_cast<char>(c));
    if (line.size() > max_header_bytes) f.fail(f.offset(), "header line too long");
  }
}

void read_header(binary_file& f) {
  std::string line;
  if (!read_line(f, line) || line.rfind("#!AER-DAT3.", 0) != 0) {
    f.fail(0, "not an AEDAT 3.x file: the first line must be '#!AER-DAT3.1'");
  }
  const bool v30 = line == "#!AER-DAT3.0";
  for (;;) {
    const std::uint64_t at = f.offset();
    if (at > max_header_bytes) f.fail(at, "header longer than 1 MiB without #!END-HEADER");
    if (v30 && f.peek() != '#') return;  // 3.0 has no end marker: binary data starts here
    if (!read_line(f, line)) f.fail(at, "end of file inside the header (no #!END-HEADER line)");
    if (line.empty() || line[0] != '#') {
      f.fail(at, "header line does not start with '#' and no #!END-HEADER was seen");
    }
    if (line == "#!END-HEADER") return;
  }
}

std::int32_t i32(const std::uint8_t* b) { return static_cast<std::int32_t>(detail::load_le32(b)); }

}  // namespace

read_report read_aedat3(const std::filesystem::path& file, const event_sink& sink,
                        const aedat3_options& options) {
  binary_file f(file);
  read_report report;
  report.bytes = f.size();
  read_header(f);
  const auto w = static_cast<unsigned>(options.sensor.width);
  const auto h = static_cast<unsigned>(options.sensor.height);
  std::vector<std::uint8_t> payload;
  event_vector events;
  events.reserve(chunk_events);
  std::int64_t last_t = INT64_MIN;
  for (;;) {
    const std::uint64_t at = f.offset();
    std::uint8_t hdr[packet_header_bytes];
    const std::size_t got = f.read(hdr, packet_header_bytes);
    if (got == 0) break;
    if (got != packet_header_bytes) {
      f.fail(at, "truncated packet header (" + std::to_string(got) + " of 28 bytes)");
    }
    const auto type = static_cast<std::int16_t>(hdr[0] | (hdr[1] << 8));
    const std::int32_t size = i32(hdr + 4);
    const std::int32_t ts_offset = i32(hdr + 8);
    const std::int32_t ts_overflow = i32(hdr + 12);
    const std::int32_t capacity = i32(hdr + 16);
    const std::int32_t number = i32(hdr + 20);
    const std::int32_t valid = i32(hdr + 24);
    auto corrupt = [&](const std::string& why) { f.fail(at, "corrupt packet header: " + why); };
    if (type < 0) corrupt("negative eventType " + std::to_string(type));
    if (size <= 0) corrupt("eventSize " + std::to_string(size) + " <= 0");
    if (ts_offset < 0 || std::int64_t{ts_offset} + 4 > size) corrupt("eventTSOffset " + std::to_string(ts_offset) + " outside the event");
    if (capacity < 0 || number < 0 || valid < 0) corrupt("negative eventCapacity/eventNumber/eventValid");
    if (number > capacity) corrupt("eventNumber " + std::to_string(number) + " > eventCapacity " + std::to_string(capacity));
    if (valid > number) corrupt("eventValid " + std::to_string(valid) + " > eventNumber " + std::to_string(number));
    if (ts_overflow < 0) corrupt("negative eventTSOverflow");
    if (type == polarity_event_type && (size != 8 || ts_offset != 4)) {
      corrupt("polarity packet with eventSize " + std::to_string(size) + " and eventTSOffset " +
              std::to_string(ts_offset) + " (expected 8 and 4)");
    }
    const std::uint64_t bytes = static_cast<std::uint64_t>(capacity) * static_cast<std::uint64_t>(size);
    if (bytes > f.remaining()) {
      f.fail(at, "truncated packet: header declares " + std::to_string(bytes) +
                     " payload bytes but only " + std::to_string(f.remaining()) + " remain");
    }
    ++report.packets;
    if (type != polarity_event_type) {
      ++report.skipped_packets;
      f.skip(bytes);
      continue;
    }
    const std::int64_t high = static_cast<std::int64_t>(ts_overflow) << 31;
    std::uint64_t remaining_events = static_cast<std::uint64_t>(number);
    while (remaining_events > 0) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_events, chunk_events));
      payload.resize(n * 8);
      const std::uint64_t chunk_at = f.offset();
      if (f.read(payload.data(), payload.size()) != payload.size()) f.fail(chunk_at, "unexpected end of file");
      events.clear();
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint8_t* b = payload.data() + i * 8;
        const std::uint32_t data = detail::load_le32(b);
        if (!(data & 1u) && options.honour_valid_bit) {
          ++report.invalid_events;
          continue;
        }
        const unsigned x = (data >> 17) & 0x7FFF;
        const unsigned y = (data >> 2) & 0x7FFF;
        if (x >= w || y >= h) {
          f.fail(chunk_at + i * 8, "event (" + std::to_string(x) + ", " + std::to_string(y) +
                                       ") outside the " + std::to_string(w) + "x" + std::to_string(h) + " sensor");
        }
        const std::int64_t t = high | static_cast<std::int64_t>(detail::load_le32(b + 4) & 0x7FFFFFFFu);
        if (t < last_t) ++report.backwards_timestamps;
        last_t = t;
        events.push_back({t, static_cast<std::uint16_t>(x), static_cast<std::uint16_t>(y),
                          static_cast<std::uint8_t>((data >> 1) & 1u)});
      }
      if (!events.empty()) sink(events);
      remaining_events -= n;
    }
    f.skip(static_cast<std::uint64_t>(capacity - number) * 8);
  }
  return report;
}

event_vector read_aedat3_range(const std::filesystem::path& file, std::int64_t t_begin,
                               std::int64_t t_end, const aedat3_options& options,
                               read_report* report) {
  event_vector out;
  const read_report r = read_aedat3(
      file,
      [&](std::span<const event> chunk) {
        for (const event& e : chunk) {
          if (e.t >= t_begin && e.t < t_end) out.push_back(e);
        }
      },
      options);
  if (report) *report = r;
  return out;
}

std::string encode_aedat3(std::span<const event> events, int events_per_packet) {
  std::string out =
      "#!AER-DAT3.1\r\n#Format: RAW\r\n#Source 1: DVS128\r\n"
      "#Start-Time: 2026-01-01 00:00:00 (TZ+0000)\r\n#!END-HEADER\r\n";
  std::size_t i = 0;
  while (i < events.size()) {
    const std::int64_t overflow = events[i].t >> 31;
    std::size_t j = i;
    while (j < events.size() && j - i < static_cast<std::size_t>(events_per_packet) &&
           (events[j].t >> 31) == overflow) {
      ++j;
    }
    const auto n = static_cast<std::uint32_t>(j - i);
    detail::store_le16(out, 1);  // polarity
    detail::store_le16(out, 1);  // source id
    detail::store_le32(out, 8);
    detail::store_le32(out, 4);
    detail::store_le32(out, static_cast<std::uint32_t>(overflow));
    detail::store_le32(out, n);
    detail::store_le32(out, n);
    detail::store_le32(out, n);
    for (std::size_t k = i; k < j; ++k) {
      const event& e = events[k];
      const std::uint32_t data = (std::uint32_t{e.x} << 17) | (std::uint32_t{e.y} << 2) |
                                 (std::uint32_t{e.p & 1u} << 1) | 1u;
      detail::store_le32(out, data);
      detail::store_le32(out, static_cast<std::uint32_t>(e.t & 0x7FFFFFFF));
    }
    i = j;
  }
  return out;
}

void write_aedat3(const std::filesystem::path& file, std::span<const event> events,
                  int events_per_packet) {
  write_file_atomic(file, encode_aedat3(events, events_per_packet));
}

std::vector<gesture_label> read_gesture_labels(const std::filesystem::path& file, int max_class) {
  std::ifstream in(file, std::ios::binary);
  const std::string name = file.string();
  if (!in) throw bad_input(name + ": cannot open label file");
  std::string line;
  std::vector<gesture_label> rows;
  int line_no = 0;
  auto trim = [](std::string s) {
    while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
    std::size_t b = 0;
    while (b < s.size() && (s[b] == ' ' || s[b] == '\t')) ++b;
    return s.substr(b);
  };
  while (std::getline(in, line)) {
    ++line_no;
    line = trim(line);
    if (line_no == 1) {
      std::string compact;
      for (char c : line) if (c != ' ') compact.push_back(c);
      if (compact != "class,startTime_usec,endTime_usec") {
        throw bad_input(name + ":1: expected the header 'class,startTime_usec,endTime_usec'");
      }
      continue;
    }
    if (line.empty()) continue;
    std::int64_t v[3] = {};
    const char* p = line.data();
    const char* end = line.data() + line.size();
    for (int k = 0; k < 3; ++k) {
      while (p < end && (*p == ' ' || *p == '\t')) ++p;
      const auto [q, ec] = std::from_chars(p, end, v[k]);
      if (ec != std::errc() || v[k] < 0) {
        throw bad_input(name + ":" + std::to_string(line_no) + ": field " + std::to_string(k + 1) +
                        " is not an unsigned integer: '" + line + "'");
      }
      p = q;
      while (p < end && (*p == ' ' || *p == '\t')) ++p;
      if (k < 2) {
        if (p == end || *p != ',') {
          throw bad_input(name + ":" + std::to_string(line_no) + ": expected 3 comma-separated fields: '" + line + "'");
        }
        ++p;
      }
    }
    if (p != end) throw bad_input(name + ":" + std::to_string(line_no) + ": trailing text after 3 fields: '" + line + "'");
    if (v[0] < 1 || v[0] > max_class) {
      throw bad_input(name + ":" + std::to_string(line_no) + ": class " + std::to_string(v[0]) +
                      " outside 1.." + std::to_string(max_class));
    }
    if (v[2] < v[1]) {
      throw bad_input(name + ":" + std::to_string(line_no) + ": endTime_usec " + std::to_string(v[2]) +
                      " < startTime_usec " + std::to_string(v[1]));
    }
    rows.push_back({static_cast<int>(v[0]), v[1], v[2]});
  }
  if (line_no == 0) throw bad_input(name + ":1: empty label file (expected a header line)");
  return rows;
}

std::string encode_gesture_labels(const std::vector<gesture_label>& rows) {
  std::string out = "class,startTime_usec,endTime_usec\n";
  for (const auto& r : rows) {
    out += std::to_string(r.label) + "," + std::to_string(r.start_us) + "," + std::to_string(r.end_us) + "\n";
  }
  return out;
}

}  // namespace snncosim::data
