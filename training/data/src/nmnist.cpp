#include "snncosim/data/nmnist.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include "snncosim/common/atomic_file.h"
#include "snncosim/common/error.h"

namespace snncosim::data {
namespace {
constexpr std::size_t record_bytes = 5;
constexpr std::uint8_t overflow_marker_y = 240;
constexpr std::int64_t overflow_increment = std::int64_t{1} << 13;
constexpr std::int64_t timestamp_limit = std::int64_t{1} << 23;
constexpr std::size_t chunk_records = 1 << 16;

struct file_closer {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
}  // namespace

nmnist_decoder::nmnist_decoder(std::string name, nmnist_options options)
    : m_name(std::move(name)), m_options(options) {}

void nmnist_decoder::decode(std::span<const std::uint8_t> bytes, std::uint64_t base_offset,
                            event_vector& out) {
  const std::size_t n = bytes.size() / record_bytes;
  const std::size_t first = out.size();
  out.resize(first + n);
  event* dst = out.data() + first;
  const std::uint8_t* b = bytes.data();
  const unsigned w = static_cast<unsigned>(m_options.sensor.width);
  const unsigned h = static_cast<unsigned>(m_options.sensor.height);
  std::size_t kept = 0;
  std::int64_t last_t = m_last_t;
  std::uint64_t backwards = 0;
  for (std::size_t i = 0; i < n; ++i, b += record_bytes) {
    const unsigned x = b[0];
    const unsigned y = b[1];
    if (y == overflow_marker_y) {
      // The marker's increment applies to itself and all later records; it is not an event.
      m_overflow_offset += overflow_increment;
      ++m_report.overflow_records;
      continue;
    }
    if (x >= w || y >= h) [[unlikely]] {
      out.resize(first + kept);
      throw bad_input(m_name + ": byte offset " + std::to_string(base_offset + i * record_bytes) +
                      ": event " + std::to_string((base_offset / record_bytes) + i) +
                      " has coordinates (" + std::to_string(x) + ", " + std::to_string(y) +
                      ") outside the " + std::to_string(w) + "x" + std::to_string(h) + " sensor");
    }
    const std::int64_t t = ((static_cast<std::int64_t>(b[2] & 0x7F) << 16) |
                            (static_cast<std::int64_t>(b[3]) << 8) | b[4]) +
                           m_overflow_offset;
    backwards += t < last_t ? 1 : 0;
    last_t = t;
    event& e = dst[kept++];
    e.t = t;
    e.x = static_cast<std::uint16_t>(x);
    e.y = static_cast<std::uint16_t>(y);
    e.p = static_cast<std::uint8_t>(b[2] >> 7);
  }
  m_report.backwards_timestamps += backwards;
  m_last_t = last_t;
  out.resize(first + kept);
}

read_report read_nmnist(const std::filesystem::path& file, const event_sink& sink,
                        const nmnist_options& options) {
  const std::string name = file.string();
  std::unique_ptr<std::FILE, file_closer> f(std::fopen(name.c_str(), "rb"));
  if (!f) throw bad_input(name + ": cannot open file: " + std::strerror(errno));
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) throw bad_input(name + ": cannot stat file: " + ec.message());
  if (size % record_bytes != 0) {
    const auto offset = size - size % record_bytes;
    throw bad_input(name + ": byte offset " + std::to_string(offset) +
                    ": truncated event record (file size " + std::to_string(size) +
                    " is not a multiple of 5 bytes)");
  }
  nmnist_decoder decoder(name, options);
  std::vector<std::uint8_t> buffer(chunk_records * record_bytes);
  event_vector events;
  events.reserve(chunk_records);
  std::uint64_t offset = 0;
  while (offset < size) {
    const std::size_t want = static_cast<std::size_t>(
        std::min<std::uint64_t>(buffer.size(), size - offset));
    const std::size_t got = std::fread(buffer.data(), 1, want, f.get());
    if (got != want) {
      throw bad_input(name + ": byte offset " + std::to_string(offset + got) +
                      ": unexpected end of file while reading");
    }
    events.clear();
    decoder.decode(std::span(buffer.data(), got), offset, events);
    if (!events.empty()) sink(events);
    offset += got;
  }
  read_report report = decoder.report();
  report.bytes = size;
  return report;
}

event_vector read_nmnist(const std::filesystem::path& file, read_report* report,
                         const nmnist_options& options) {
  event_vector all;
  const read_report r = read_nmnist(
      file, [&](std::span<const event> chunk) { all.insert(all.end(), chunk.begin(), chunk.end()); },
      options);
  if (report) *report = r;
  return all;
}

std::string encode_nmnist(std::span<const event> events) {
  std::string out;
  out.reserve(events.size() * record_bytes);
  std::int64_t offset = 0;
  for (const event& e : events) {
    if (e.t < 0) throw std::invalid_argument("N-MNIST cannot store negative timestamps");
    // Overflow markers shift every later record; add just enough to bring t below 2^23.
    while (e.t - offset >= timestamp_limit) {
      const char marker[record_bytes] = {0, static_cast<char>(overflow_marker_y), 0, 0, 0};
      out.append(marker, record_bytes);
      offset += overflow_increment;
    }
    if (e.t < offset) {
      throw std::invalid_argument("N-MNIST cannot store a timestamp that goes back across an "
                                  "overflow record");
    }
    if (e.x > 255 || e.y > 255 || e.y == overflow_marker_y) {
      throw std::invalid_argument("N-MNIST coordinates must be < 240");
    }
    const std::int64_t ts = e.t - offset;
    const char rec[record_bytes] = {
        static_cast<char>(e.x), static_cast<char>(e.y),
        static_cast<char>(((e.p & 1) << 7) | ((ts >> 16) & 0x7F)),
        static_cast<char>((ts >> 8) & 0xFF), static_cast<char>(ts & 0xFF)};
    out.append(rec, record_bytes);
  }
  return out;
}

void write_nmnist(const std::filesystem::path& file, std::span<const event> events) {
  write_file_atomic(file, encode_nmnist(events));
}

}  // namespace snncosim::data
