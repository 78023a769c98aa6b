#include <doctest/doctest.h>

#include "snncosim/common/error.h"
#include "snncosim/data/inspect.h"
#include "snncosim/data/nmnist.h"
#include "test_util.h"

using namespace snncosim::data;
using namespace snncosim::data::test;

TEST_CASE("nmnist: hand-built records decode per the 40-bit spec") {
  const auto dir = temp_dir("nm1");
  // x=5 y=7 ON t=0x012345 ; x=33 y=0 OFF t=0x7FFFFF ; x=0 y=33 ON t=1
  write_bytes(dir / "a.bin", bytes({5, 7, 0x80 | 0x01, 0x23, 0x45,
                                    33, 0, 0x7F, 0xFF, 0xFF,
                                    0, 33, 0x80, 0x00, 0x01}));
  read_report r;
  const auto ev = read_nmnist(dir / "a.bin", &r);
  REQUIRE(ev.size() == 3);
  CHECK(ev[0] == event{0x012345, 5, 7, 1});
  CHECK(ev[1] == event{0x7FFFFF, 33, 0, 0});
  CHECK(ev[2] == event{1, 0, 33, 1});
  CHECK(r.backwards_timestamps == 1);  // 0x7FFFFF -> 1 is counted, not reordered
  CHECK(r.overflow_records == 0);
  CHECK(r.bytes == 15);
}

TEST_CASE("nmnist: overflow record adds 2^13 us to itself and later records and is dropped") {
  const auto dir = temp_dir("nm2");
  write_bytes(dir / "o.bin", bytes({1, 1, 0x00, 0x00, 0x10,     // t=16
                                    9, 240, 0x00, 0x00, 0x00,   // overflow marker
                                    2, 2, 0x80, 0x00, 0x20,     // t=32+8192
                                    3, 240, 0x00, 0x00, 0x00,   // second marker
                                    4, 4, 0x00, 0x00, 0x00}));  // t=0+16384
  read_report r;
  const auto ev = read_nmnist(dir / "o.bin", &r);
  REQUIRE(ev.size() == 3);
  CHECK(ev[0].t == 16);
  CHECK(ev[1].t == 8224);
  CHECK(ev[2].t == 16384);
  CHECK(r.overflow_records == 2);
}

TEST_CASE("nmnist: truncated file names file and byte offset") {
  const auto dir = temp_dir("nm3");
  write_bytes(dir / "t.bin", bytes({1, 1, 0, 0, 1, 2, 2, 0}));
  try {
    read_nmnist(dir / "t.bin");
    FAIL("expected bad_input");
  } catch (const snncosim::bad_input& e) {
    const std::string msg = e.what();
    CHECK(msg.find("t.bin") != std::string::npos);
    CHECK(msg.find("byte offset 5") != std::string::npos);
    CHECK(msg.find("truncated") != std::string::npos);
  }
}

TEST_CASE("nmnist: coordinate outside 34x34 is an error at its byte offset") {
  const auto dir = temp_dir("nm4");
  write_bytes(dir / "c.bin", bytes({1, 1, 0, 0, 1, 34, 2, 0, 0, 2}));
  try {
    read_nmnist(dir / "c.bin");
    FAIL("expected bad_input");
  } catch (const snncosim::bad_input& e) {
    const std::string msg = e.what();
    CHECK(msg.find("byte offset 5") != std::string::npos);
    CHECK(msg.find("(34, 2)") != std::string::npos);
  }
  write_bytes(dir / "y.bin", bytes({1, 241, 0, 0, 1}));
  CHECK_THROWS_AS(read_nmnist(dir / "y.bin"), snncosim::bad_input);
}

TEST_CASE("nmnist: empty file has no events") {
  const auto dir = temp_dir("nm5");
  write_bytes(dir / "e.bin", "");
  CHECK(read_nmnist(dir / "e.bin").empty());
  const auto s = inspect_file(dir / "e.bin", file_format::nmnist);
  CHECK(s.events == 0);
}

TEST_CASE("nmnist: real camera sample matches values computed from the spec") {
  // Expected numbers computed with an independent 10-line Python decoder of the
  // documented layout (event-formats.md §1.1), not with this reader.
  const auto s = inspect_file(fixture("nmnist_sample.bin"), file_format::nmnist);
  CHECK(s.events == 4325);
  CHECK(s.on_events == 2145);
  CHECK(s.off_events == 2180);
  CHECK(s.t_first_us == 654);
  CHECK(s.t_last_us == 311175);
  CHECK(s.x_max == 33);
  CHECK(s.y_max == 33);
  CHECK(s.report.backwards_timestamps == 0);
  CHECK(s.report.overflow_records == 0);
  const auto ev = read_nmnist(fixture("nmnist_sample.bin"));
  CHECK(ev.front() == event{654, 7, 15, 1});
  CHECK(ev.back() == event{311175, 21, 14, 1});
}

TEST_CASE("nmnist: writer emits the documented bytes and overflow records") {
  const std::vector<event> ev = {{0x012345, 5, 7, 1}, {(1 << 23) + 100, 1, 2, 0}};
  const std::string b = encode_nmnist(ev);
  // t = 2^23 + 100 needs one marker: 2^23 + 100 - 8192 < 2^23.
  REQUIRE(b.size() == 15);
  CHECK(b.substr(0, 5) == bytes({5, 7, 0x81, 0x23, 0x45}));
  CHECK(b.substr(5, 5) == bytes({0, 240, 0, 0, 0}));
  const int ts = (1 << 23) + 100 - 8192;
  CHECK(b.substr(10, 5) == bytes({1, 2, (ts >> 16) & 0x7F, (ts >> 8) & 0xFF, ts & 0xFF}));
  const auto dir = temp_dir("nm6");
  write_nmnist(dir / "w.bin", ev);
  CHECK(read_nmnist(dir / "w.bin") == std::vector<event>(ev));
}

TEST_CASE("nmnist: format detection by extension and content") {
  const auto dir = temp_dir("nm7");
  write_bytes(dir / "a.bin", "");
  write_bytes(dir / "b.aedat", "#!AER-DAT3.1\r\n");
  write_bytes(dir / "c.aedat", "#!AER-DAT2.0\r\n");
  write_bytes(dir / "d.aedat", "hello");
  CHECK(format_from_file((dir / "a.bin").string()) == file_format::nmnist);
  CHECK(format_from_file((dir / "b.aedat").string()) == file_format::aedat3);
  CHECK(format_from_file((dir / "c.aedat").string()) == file_format::aedat2);
  CHECK_THROWS_AS(format_from_file((dir / "d.aedat").string()), snncosim::bad_input);
  CHECK_THROWS_AS(format_from_file((dir / "e.txt").string()), snncosim::bad_input);
}
