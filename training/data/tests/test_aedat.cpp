#include <doctest/doctest.h>

#include <functional>

#include "snncosim/common/error.h"
#include "snncosim/data/aedat.h"
#include "snncosim/data/inspect.h"
#include "test_util.h"

using namespace snncosim::data;
using namespace snncosim::data::test;

namespace {
const std::string header31 = "#!AER-DAT3.1\r\n#Format: RAW\r\n#Source 1: DVS128\r\n#!END-HEADER\r\n";

std::string le32(std::uint32_t v) {
  return bytes({static_cast<int>(v & 0xFF), static_cast<int>((v >> 8) & 0xFF),
                static_cast<int>((v >> 16) & 0xFF), static_cast<int>(v >> 24)});
}
std::string packet_header(int type, int size, int ts_off, int overflow, int cap, int num, int valid) {
  return bytes({type & 0xFF, type >> 8, 1, 0}) + le32(static_cast<std::uint32_t>(size)) +
         le32(static_cast<std::uint32_t>(ts_off)) + le32(static_cast<std::uint32_t>(overflow)) +
         le32(static_cast<std::uint32_t>(cap)) + le32(static_cast<std::uint32_t>(num)) +
         le32(static_cast<std::uint32_t>(valid));
}

std::string expect_bad(const std::function<void()>& f) {
  try {
    f();
  } catch (const snncosim::bad_input& e) {
    return e.what();
  }
  FAIL("expected bad_input");
  return {};
}
}  // namespace

TEST_CASE("aedat3: hand-built packets decode per the AEDAT 3.1 spec") {
  const auto dir = temp_dir("a3");
  // Packet 1 (overflow 0): (10,20) ON t=1000 ; (127,0) OFF t=2^31-1 ; an invalid event.
  // Packet 2: type 5 (sample), skipped. Packet 3 (overflow 1): (0,127) ON ts=5.
  std::string f = header31;
  f += packet_header(1, 8, 4, 0, 3, 3, 2);
  f += bytes({0x53, 0x00, 0x14, 0x00}) + le32(1000);  // (10<<17)|(20<<2)|2|1
  f += bytes({0x01, 0x00, 0xFE, 0x00}) + le32(0x7FFFFFFF);
  f += bytes({0x02, 0x00, 0x00, 0x00}) + le32(7);     // valid bit clear
  f += packet_header(5, 12, 0, 0, 1, 1, 1) + std::string(12, '\0');
  f += packet_header(1, 8, 4, 1, 1, 1, 1);
  f += bytes({0xFF, 0x01, 0x00, 0x00}) + le32(5);     // (127<<2)|2|1
  write_bytes(dir / "a.aedat", f);
  event_vector ev;
  const auto r = read_aedat3(dir / "a.aedat", [&](std::span<const event> c) { ev.insert(ev.end(), c.begin(), c.end()); });
  REQUIRE(ev.size() == 3);
  CHECK(ev[0] == event{1000, 10, 20, 1});
  CHECK(ev[1] == event{0x7FFFFFFF, 127, 0, 0});
  CHECK(ev[2] == event{(std::int64_t{1} << 31) + 5, 0, 127, 1});
  CHECK(r.invalid_events == 1);
  CHECK(r.skipped_packets == 1);
  CHECK(r.packets == 3);
  // tonic-compatible: ignore the valid bit.
  aedat3_options o;
  o.honour_valid_bit = false;
  std::size_t n = 0;
  read_aedat3(dir / "a.aedat", [&](std::span<const event> c) { n += c.size(); }, o);
  CHECK(n == 4);
  // Cutting a labelled range is half-open.
  CHECK(read_aedat3_range(dir / "a.aedat", 1000, 0x7FFFFFFF).size() == 1);
}

TEST_CASE("aedat3: capacity larger than number advances by capacity * size") {
  const auto dir = temp_dir("a3c");
  std::string f = header31 + packet_header(1, 8, 4, 0, 2, 1, 1);
  f += bytes({0x53, 0x00, 0x14, 0x00}) + le32(1) + std::string(8, '\x55');  // unused slot
  f += packet_header(1, 8, 4, 0, 1, 1, 1) + bytes({0x53, 0x00, 0x14, 0x00}) + le32(2);
  write_bytes(dir / "c.aedat", f);
  const auto ev = read_aedat3_range(dir / "c.aedat", 0, 100);
  REQUIRE(ev.size() == 2);
  CHECK(ev[1].t == 2);
}

TEST_CASE("aedat3: every bad-file case names the file and byte offset") {
  const auto dir = temp_dir("a3b");
  const std::size_t h = header31.size();
  auto bad = [&](const std::string& name, const std::string& content) {
    write_bytes(dir / name, content);
    return expect_bad([&] { read_aedat3(dir / name, [](std::span<const event>) {}); });
  };
  std::string m = bad("magic.aedat", "#!AER-DAT2.0\r\n");
  CHECK(m.find("magic.aedat: byte offset 0") != std::string::npos);
  m = bad("noend.aedat", "#!AER-DAT3.1\r\n#Format: RAW\r\n");
  CHECK(m.find("no #!END-HEADER") != std::string::npos);
  m = bad("nonhash.aedat", "#!AER-DAT3.1\r\nhello\r\n#!END-HEADER\r\n");
  CHECK(m.find("byte offset 14") != std::string::npos);
  m = bad("trunc_hdr.aedat", header31 + std::string(10, '\0'));
  CHECK(m.find("byte offset " + std::to_string(h) + ": truncated packet header") != std::string::npos);
  m = bad("num_gt_cap.aedat", header31 + packet_header(1, 8, 4, 0, 1, 2, 2));
  CHECK(m.find("corrupt packet header: eventNumber 2 > eventCapacity 1") != std::string::npos);
  m = bad("size.aedat", header31 + packet_header(1, 16, 4, 0, 1, 1, 1));
  CHECK(m.find("corrupt packet header") != std::string::npos);
  m = bad("tsoff.aedat", header31 + packet_header(3, 8, 6, 0, 1, 1, 1));
  CHECK(m.find("eventTSOffset") != std::string::npos);
  m = bad("payload.aedat", header31 + packet_header(1, 8, 4, 0, 2, 2, 2) + std::string(9, '\0'));
  CHECK(m.find("byte offset " + std::to_string(h) + ": truncated packet") != std::string::npos);
  // x = 200 on a 128x128 sensor: (200<<17)|1
  m = bad("coord.aedat", header31 + packet_header(1, 8, 4, 0, 1, 1, 1) + le32((200u << 17) | 1u) + le32(3));
  CHECK(m.find("byte offset " + std::to_string(h + 28) + ": event (200, 0) outside") != std::string::npos);
}

TEST_CASE("aedat3: writer round trip including the 2^31 overflow") {
  const auto dir = temp_dir("a3w");
  const event_vector ev = {{5, 1, 2, 1}, {(std::int64_t{1} << 31) - 1, 127, 127, 0},
                           {(std::int64_t{1} << 31) + 7, 3, 4, 1}, {(std::int64_t{3} << 31) + 1, 0, 0, 0}};
  write_aedat3(dir / "w.aedat", ev, 2);
  read_report r;
  CHECK(read_aedat3_range(dir / "w.aedat", INT64_MIN, INT64_MAX, {}, &r) == ev);
  CHECK(r.packets == 3);
  CHECK(format_from_file((dir / "w.aedat").string()) == file_format::aedat3);
}

TEST_CASE("aedat3: time is eventTSOverflow << 31 | timestamp for overflow counters above 1") {
  const auto dir = temp_dir("a3ovf");
  // Two packets, overflow 2 and 5; event (1,2) ON. By hand: 2 * 2^31 + 7 = 4294967303;
  // 2 * 2^31 + 2^31 - 1 = 6442450943; 5 * 2^31 + 0 = 10737418240.
  const std::string e12 = bytes({0x0B, 0x00, 0x02, 0x00});  // (1<<17)|(2<<2)|2|1
  std::string f = header31;
  f += packet_header(1, 8, 4, 2, 2, 2, 2) + e12 + le32(7) + e12 + le32(0x7FFFFFFF);
  f += packet_header(1, 8, 4, 5, 1, 1, 1) + e12 + le32(0);
  write_bytes(dir / "o.aedat", f);
  event_vector ev;
  const auto r = read_aedat3(dir / "o.aedat", [&](std::span<const event> c) { ev.insert(ev.end(), c.begin(), c.end()); });
  REQUIRE(ev.size() == 3);
  CHECK(ev[0] == event{4294967303, 1, 2, 1});
  CHECK(ev[1] == event{6442450943, 1, 2, 1});
  CHECK(ev[2] == event{10737418240, 1, 2, 1});
  CHECK(r.backwards_timestamps == 0);
}

TEST_CASE("aedat2: hand-built jAER DVS128 events and the address mappings") {
  const auto dir = temp_dir("a2");
  std::string f = "#!AER-DAT2.0\r\n# This is a raw AE data file\r\n";
  f += bytes({0, 0, 0x0A, 0x0A, 0, 0, 0, 100});     // raw x=5 y=10 bit0=0, t=100
  f += bytes({0x80, 0, 0, 0, 0, 0, 0, 101});        // special event
  f += bytes({0, 0, 0x80, 0x00, 0, 0, 0, 102});     // external sync input
  f += bytes({0, 0, 0x7F, 0xFF, 0, 0, 0, 50});      // raw x=127 y=127 bit0=1, t=50 (backwards)
  write_bytes(dir / "c.aedat", f);
  read_report r;
  auto ev = read_aedat2(dir / "c.aedat", &r);
  REQUIRE(ev.size() == 2);
  CHECK(ev[0] == event{100, 122, 117, 1});  // x=127-5, y=127-10, raw bit0 0 = ON
  CHECK(ev[1] == event{50, 0, 0, 0});
  CHECK(r.special_events == 2);
  CHECK(r.backwards_timestamps == 1);
  aedat2_options tonic{false, false, false, true};
  ev = read_aedat2(dir / "c.aedat", nullptr, tonic);
  CHECK(ev[0] == event{100, 10, 5, 0});
  // Writer inverts the mapping.
  write_aedat2(dir / "w.aedat", ev, tonic);
  CHECK(read_aedat2(dir / "w.aedat", nullptr, tonic) == ev);
  const auto s = inspect_file(dir / "c.aedat", file_format::aedat2);
  CHECK(s.events == 2);
  CHECK(s.report.backwards_timestamps == 1);
}

TEST_CASE("aedat2: timestamps are unsigned 32-bit and a wrap at 2^32 continues in 64 bits") {
  const auto dir = temp_dir("a2wrap");
  // One ON event at raw (0,0) per row; the times by hand: raw values above 2^31 stay
  // positive, and a drop of more than 2^31 adds 2^32 (4294967296) to this and later events.
  auto ev_at = [](int b0, int b1, int b2, int b3) { return bytes({0, 0, 0, 0, b0, b1, b2, b3}); };
  std::string f = "#!AER-DAT2.0\r\n";
  f += ev_at(0xE2, 0x79, 0xFA, 0x3F);              // 3799644735 (was read as -495322561)
  f += bytes({0x80, 0, 0, 0, 0, 0, 0, 1});         // special event with t=1: not a wrap
  f += ev_at(0x7F, 0xFF, 0xFF, 0xF0);              // 2147483632: a drop of 1652161103 < 2^31
  f += ev_at(0x80, 0x00, 0x00, 0x10);              // 2147483664: crosses 2^31
  f += ev_at(0xFF, 0xFF, 0xFF, 0xF0);              // 4294967280
  f += ev_at(0xFF, 0xFF, 0xFF, 0xEB);              // 4294967275: 5 us backwards, no wrap
  f += ev_at(0x00, 0x00, 0x00, 0x20);              // 32 after the wrap: 4294967296 + 32
  f += ev_at(0x00, 0x00, 0x00, 0x30);              // 4294967296 + 48
  write_bytes(dir / "w.aedat", f);
  read_report r;
  const auto ev = read_aedat2(dir / "w.aedat", &r);
  REQUIRE(ev.size() == 7);
  const std::int64_t want[] = {3799644735, 2147483632, 2147483664, 4294967280, 4294967275, 4294967328, 4294967344};
  for (std::size_t i = 0; i < 7; ++i) CHECK(ev[i].t == want[i]);
  CHECK(r.special_events == 1);
  CHECK(r.backwards_timestamps == 2);  // 3799644735 -> 2147483632 and the 5 us step back
  const auto s = inspect_file(dir / "w.aedat", file_format::aedat2);
  CHECK(s.t_first_us == 3799644735);
  CHECK(s.t_last_us == 4294967344);
  // The writer stores the low 32 bits, so a recording past the wrap round-trips.
  write_aedat2(dir / "rt.aedat", ev);
  CHECK(read_aedat2(dir / "rt.aedat", nullptr) == ev);
}

TEST_CASE("aedat2: bad files") {
  const auto dir = temp_dir("a2b");
  write_bytes(dir / "t.aedat", "#!AER-DAT2.0\r\n" + std::string(12, '\0'));
  std::string m = expect_bad([&] { read_aedat2(dir / "t.aedat", nullptr); });
  CHECK(m.find("t.aedat: byte offset 22: truncated event") != std::string::npos);
  write_bytes(dir / "m.aedat", "#!AER-DAT3.1\r\n");
  m = expect_bad([&] { read_aedat2(dir / "m.aedat", nullptr); });
  CHECK(m.find("byte offset 0") != std::string::npos);
}

TEST_CASE("gesture labels CSV: parsing and line-numbered errors") {
  const auto dir = temp_dir("csv");
  write_bytes(dir / "ok.csv", "class,startTime_usec,endTime_usec\r\n1,80048239,85092709\r\n8,150717639,157362334\r\n8, 157773346 ,164029864\r\n\r\n");
  const auto rows = read_gesture_labels(dir / "ok.csv");
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].label == 1);
  CHECK(rows[0].start_us == 80048239);
  CHECK(rows[2].end_us == 164029864);
  auto bad = [&](const std::string& content) {
    write_bytes(dir / "b.csv", content);
    return expect_bad([&] { read_gesture_labels(dir / "b.csv"); });
  };
  CHECK(bad("cls,a,b\n").find("b.csv:1:") != std::string::npos);
  CHECK(bad("class,startTime_usec,endTime_usec\n1,2\n").find("b.csv:2:") != std::string::npos);
  CHECK(bad("class,startTime_usec,endTime_usec\n1,2,3\nx,2,3\n").find("b.csv:3: field 1") != std::string::npos);
  CHECK(bad("class,startTime_usec,endTime_usec\n12,2,3\n").find("class 12 outside 1..11") != std::string::npos);
  CHECK(bad("class,startTime_usec,endTime_usec\n1,5,3\n").find("b.csv:2: endTime_usec") != std::string::npos);
  CHECK(bad("class,startTime_usec,endTime_usec\n1,2,3,4\n").find("b.csv:2:") != std::string::npos);
  CHECK(bad("").find("b.csv:1:") != std::string::npos);
}
