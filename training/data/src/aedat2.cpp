#include <vector>

#include "binary_file.h"
#include "snncosim/common/atomic_file.h"
#include "snncosim/data/aedat.h"

namespace snncosim::data {
namespace {
using detail::binary_file;
constexpr std::size_t event_bytes = 8;
constexpr std::size_t chunk_events = 1 << 15;
constexpr std::uint32_t special_bits = 0x80000000u | 0x8000u;  // jAER special + sync input
constexpr std::size_t max_header_bytes = 16u << 20;            // jAER dumps XML prefs here

// The header is every line starting with '#'; data starts at the first other byte.
void read_header(binary_file& f) {
  std::string first;
  for (int c = f.get(); c != EOF && c != '\n'; c = f.get()) {
    first.push_back(static_cast<char>(c));
    if (first.size() > 64) break;
  }
  if (!first.empty() && first.back() == '\r') first.pop_back();
  if (first.rfind("#!AER-DAT2.", 0) != 0) {
    f.fail(0, "not an AEDAT 2.0 file: the first line must be '#!AER-DAT2.0'");
  }
  while (f.peek() == '#') {
    for (int c = f.get(); c != '\n'; c = f.get()) {
      if (c == EOF) f.fail(f.offset(), "end of file inside a header line");
    }
    if (f.offset() > max_header_bytes) f.fail(f.offset(), "header longer than 16 MiB");
  }
}

void map_address(std::uint32_t addr, const aedat2_options& o, event& e) {
  unsigned x = (addr >> 1) & 0x7F;
  unsigned y = (addr >> 8) & 0x7F;
  if (o.flip_x) x = 127 - x;
  if (o.flip_y) y = 127 - y;
  if (o.transpose) std::swap(x, y);
  e.x = static_cast<std::uint16_t>(x);
  e.y = static_cast<std::uint16_t>(y);
  const unsigned bit0 = addr & 1u;
  e.p = static_cast<std::uint8_t>(o.on_is_bit0_zero ? 1u - bit0 : bit0);
}

}  // namespace

read_report read_aedat2(const std::filesystem::path& file, const event_sink& sink,
                        const aedat2_options& options) {
  binary_file f(file);
  read_report report;
  report.bytes = f.size();
  read_header(f);
  const std::uint64_t data_start = f.offset();
  const std::uint64_t data_bytes = f.remaining();
  if (data_bytes % event_bytes != 0) {
    f.fail(data_start + data_bytes - data_bytes % event_bytes,
           "truncated event (" + std::to_string(data_bytes) + " data bytes after the header at offset " +
               std::to_string(data_start) + " is not a multiple of 8)");
  }
  std::vector<std::uint8_t> buffer(chunk_events * event_bytes);
  event_vector events;
  events.reserve(chunk_events);
  std::int64_t last_t = INT64_MIN;
  // jAER timestamps are unsigned 32-bit microseconds that wrap every ~71.6 minutes; long
  // recordings (and those started long after the camera was powered) cross 2^31 and 2^32.
  // A drop of more than 2^31 between data events is a wrap, so time stays monotonic in
  // 64 bits; smaller drops are jAER's ordinary non-monotonic events and are only counted.
  std::uint32_t last_raw = 0;
  bool have_raw = false;
  std::int64_t wrap_base = 0;
  while (f.remaining() > 0) {
    const std::uint64_t at = f.offset();
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), f.remaining()));
    if (f.read(buffer.data(), want) != want) f.fail(at, "unexpected end of file");
    events.clear();
    for (std::size_t i = 0; i < want; i += event_bytes) {
      const std::uint32_t addr = detail::load_be32(buffer.data() + i);
      if (addr & special_bits) {
        ++report.special_events;
        continue;
      }
      event e;
      const std::uint32_t raw = detail::load_be32(buffer.data() + i + 4);
      if (have_raw && raw < last_raw && last_raw - raw > 0x80000000u) wrap_base += std::int64_t{1} << 32;
      last_raw = raw;
      have_raw = true;
      e.t = wrap_base + raw;
      map_address(addr, options, e);
      if (e.t < last_t) ++report.backwards_timestamps;
      last_t = e.t;
      events.push_back(e);
    }
    if (!events.empty()) sink(events);
  }
  return report;
}

event_vector read_aedat2(const std::filesystem::path& file, read_report* report,
                         const aedat2_options& options) {
  event_vector all;
  const read_report r = read_aedat2(
      file, [&](std::span<const event> c) { all.insert(all.end(), c.begin(), c.end()); }, options);
  if (report) *report = r;
  return all;
}

std::string encode_aedat2(std::span<const event> events, const aedat2_options& o) {
  std::string out =
      "#!AER-DAT2.0\r\n# This is a raw AE data file - do not edit\r\n"
      "# Data format is int32 address, int32 timestamp (8 bytes total), repeated for each event\r\n"
      "# Timestamps tick is 1 us\r\n# AEChip: ch.unizh.ini.jaer.chip.retina.DVS128\r\n";
  for (const event& e : events) {
    unsigned x = e.x, y = e.y;
    if (x > 127 || y > 127) throw std::invalid_argument("DVS128 coordinates must be < 128");
    if (o.transpose) std::swap(x, y);
    if (o.flip_x) x = 127 - x;
    if (o.flip_y) y = 127 - y;
    const unsigned bit0 = o.on_is_bit0_zero ? 1u - (e.p & 1u) : (e.p & 1u);
    detail::store_be32(out, (y << 8) | (x << 1) | bit0);
    detail::store_be32(out, static_cast<std::uint32_t>(e.t));
  }
  return out;
}

void write_aedat2(const std::filesystem::path& file, std::span<const event> events,
                  const aedat2_options& options) {
  write_file_atomic(file, encode_aedat2(events, options));
}

}  // namespace snncosim::data
