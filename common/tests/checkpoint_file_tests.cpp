// The checkpoint container: framing, the checksum and the messages for damaged, truncated,
// old and foreign files (docs/formats.md §4).
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "snncosim/common/checkpoint_file.h"
#include "snncosim/common/error.h"
#include "test_files.h"

using namespace snncosim;

namespace {

std::string error_of(const std::string& bytes) {
  try {
    parse_checkpoint(bytes, "ck.bin");
  } catch (const bad_input& e) {
    return e.what();
  }
  return "<no bad_input>";
}

std::string floats(std::initializer_list<float> v) {
  std::string s;
  for (float f : v) s.append(reinterpret_cast<const char*>(&f), sizeof f);
  return s;
}

const std::string header = R"({"format":"snncosim.checkpoint/2","tensors":[{"name":"w","size":3},{"name":"b","size":1}]})";

}  // namespace

TEST_CASE("FNV-1a 64 matches the published test vectors") {
  // Fowler/Noll/Vo reference values: the offset basis for "", and FNV-1a("a"), FNV-1a("foobar").
  CHECK(fnv1a_64("") == 0xcbf29ce484222325ULL);
  CHECK(fnv1a_64("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(fnv1a_64("foobar") == 0x85944171f73967e8ULL);
}

TEST_CASE("checkpoint container: layout and round trip and tensor offsets") {
  const std::string data = floats({1.5f, -2.0f, 0.25f, 7.0f}) + "opt";
  const std::string bytes = encode_checkpoint(header, data);
  // magic 8 + length 8 + header + data + checksum 8, by the layout in checkpoint_file.h.
  REQUIRE(bytes.size() == 8 + 8 + header.size() + data.size() + 8);
  CHECK(bytes.substr(0, 8) == "SNNCKPT2");
  CHECK(static_cast<unsigned char>(bytes[8]) == header.size());
  const checkpoint_file c = parse_checkpoint(bytes, "ck.bin");
  CHECK(c.header == header);
  CHECK(c.data == data);
  CHECK(c.data_offset == 16 + header.size());
  REQUIRE(c.tensors.size() == 2);
  CHECK(c.tensors[0].name == "w");
  CHECK(c.tensors[0].offset == 0);
  CHECK(c.tensors[1].size == 1);
  CHECK(c.tensors[1].offset == 12);
  snncosim::test::scratch_dir dir;
  CHECK(read_checkpoint_file(dir.write("ck.bin", bytes)).data == data);
}

TEST_CASE("checkpoint container: every single-bit flip is a checksum mismatch") {
  const std::string good = encode_checkpoint(header, floats({1.5f, -2.0f, 0.25f, 7.0f}));
  for (std::size_t i = 8; i < good.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      const std::string m = error_of(bad);
      CAPTURE(i);
      CAPTURE(bit);
      CHECK(m == "ck.bin: checksum mismatch (file corrupt)");
    }
  }
}

TEST_CASE("checkpoint container: truncated - old - newer - foreign and inconsistent files") {
  const std::string good = encode_checkpoint(header, floats({1.5f, -2.0f, 0.25f, 7.0f}));
  CHECK(error_of(good.substr(0, good.size() - 1)) == "ck.bin: checksum mismatch (file corrupt)");
  CHECK(error_of(good.substr(0, 10)).find("file truncated (10 bytes)") != std::string::npos);
  CHECK(error_of("").find("ck.bin: byte 0: not a snncosim checkpoint") != std::string::npos);
  std::string old = good;
  old[7] = '1';
  CHECK(error_of(old).find("written by an older snncosim") != std::string::npos);
  CHECK(error_of(old).find("retrain") != std::string::npos);
  std::string newer = good;
  newer[7] = '3';
  CHECK(error_of(newer).find("unknown checkpoint format '3'") != std::string::npos);
  // Consistent checksums over inconsistent contents: the table must fit in the data.
  const std::string short_data = encode_checkpoint(header, floats({1.0f, 2.0f, 3.0f}));
  CHECK(error_of(short_data).find("file truncated in tensor 'b' (1 values, room for 0)") != std::string::npos);
  CHECK(error_of(encode_checkpoint("{}", "")).find("header 'format' is not") != std::string::npos);
  CHECK(error_of(encode_checkpoint("[1", "")).find("bad header") != std::string::npos);
  CHECK(error_of(encode_checkpoint(R"({"format":"snncosim.checkpoint/2","tensors":[{"name":"w","size":-1}]})", ""))
            .find("tensors[0] needs") != std::string::npos);
  std::string long_len = good;
  long_len[8] = static_cast<char>(0xFF);
  long_len[9] = static_cast<char>(0xFF);
  // Re-seal the checksum so the length check, not the checksum, is what fails.
  const std::string body = long_len.substr(0, long_len.size() - 8);
  const std::uint64_t h = fnv1a_64(body);
  std::string sealed = body;
  for (int i = 0; i < 8; ++i) sealed.push_back(static_cast<char>((h >> (8 * i)) & 0xFF));
  CHECK(error_of(sealed).find("ck.bin: byte 8: header length beyond the end of the file") != std::string::npos);
}
