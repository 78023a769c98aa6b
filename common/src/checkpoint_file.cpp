#include "snncosim/common/checkpoint_file.h"

#include <cstring>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "snncosim/common/atomic_file.h"
#include "snncosim/common/error.h"

namespace snncosim {
namespace {

constexpr std::size_t magic_bytes = 8;
constexpr std::size_t length_bytes = 8;
constexpr std::size_t checksum_bytes = 8;
constexpr char magic_prefix[7] = {'S', 'N', 'N', 'C', 'K', 'P', 'T'};

std::uint64_t load_le64(const char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

void store_le64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

}  // namespace

std::string encode_checkpoint(std::string_view header_json, std::string_view data) {
  std::string out;
  out.reserve(magic_bytes + length_bytes + header_json.size() + data.size() + checksum_bytes);
  out.append(magic_prefix, sizeof magic_prefix);
  out.push_back(static_cast<char>('0' + checkpoint_format_version));
  store_le64(out, header_json.size());
  out.append(header_json);
  out.append(data);
  store_le64(out, fnv1a_64(out));
  return out;
}

checkpoint_file parse_checkpoint(std::string_view bytes, const std::string& name) {
  auto fail = [&](std::uint64_t at, const std::string& what) {
    throw bad_input(fmt::format("{}: byte {}: {}", name, at, what));
  };
  if (bytes.size() < magic_bytes || std::memcmp(bytes.data(), magic_prefix, sizeof magic_prefix) != 0)
    fail(0, "not a snncosim checkpoint");
  const char version = bytes[7];
  if (version >= '1' && version < '0' + checkpoint_format_version)
    throw bad_input(fmt::format("{}: checkpoint format {} was written by an older snncosim (it has no checksum); "
                                "retrain, or export with the snncosim that wrote it",
                                name, version));
  if (version != '0' + checkpoint_format_version)
    fail(7, fmt::format("unknown checkpoint format '{}' (this snncosim reads {}); update snncosim",
                        std::string(1, version), checkpoint_format_version));
  if (bytes.size() < magic_bytes + length_bytes + checksum_bytes)
    fail(bytes.size(), fmt::format("file truncated ({} bytes)", bytes.size()));
  const std::size_t body = bytes.size() - checksum_bytes;
  if (fnv1a_64(bytes.substr(0, body)) != load_le64(bytes.data() + body))
    throw bad_input(name + ": checksum mismatch (file corrupt)");
  const std::uint64_t len = load_le64(bytes.data() + magic_bytes);
  const std::size_t header_at = magic_bytes + length_bytes;
  if (len > body - header_at) fail(magic_bytes, "header length beyond the end of the file");
  checkpoint_file out;
  out.header.assign(bytes.substr(header_at, len));
  out.data_offset = header_at + len;
  out.data.assign(bytes.substr(out.data_offset, body - out.data_offset));
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(out.header);
  } catch (const nlohmann::json::exception& e) {
    fail(header_at, std::string("bad header: ") + e.what());
  }
  if (!header.is_object()) fail(header_at, "header is not a JSON object");
  const auto format = header.find("format");
  if (format == header.end() || !format->is_string() || *format != checkpoint_format_name)
    fail(header_at, fmt::format("header 'format' is not \"{}\"", checkpoint_format_name));
  const auto tensors = header.find("tensors");
  if (tensors == header.end() || !tensors->is_array()) fail(header_at, "header has no tensor list");
  std::uint64_t offset = 0;
  for (std::size_t i = 0; i < tensors->size(); ++i) {
    const nlohmann::json& t = (*tensors)[i];
    const auto n = t.is_object() ? t.find("name") : t.end();
    const auto s = t.is_object() ? t.find("size") : t.end();
    if (n == t.end() || s == t.end() || !n->is_string() || !s->is_number_unsigned())
      fail(header_at, fmt::format("tensors[{}] needs a string 'name' and an unsigned 'size'", i));
    checkpoint_tensor ct{n->get<std::string>(), s->get<std::uint64_t>(), offset};
    const std::uint64_t room = (out.data.size() - offset) / sizeof(float);
    if (ct.size > room)
      fail(out.data_offset + offset, fmt::format("file truncated in tensor '{}' ({} values, room for {})", ct.name,
                                                 ct.size, room));
    offset += ct.size * sizeof(float);
    out.tensors.push_back(std::move(ct));
  }
  return out;
}

checkpoint_file read_checkpoint_file(const std::filesystem::path& file) {
  return parse_checkpoint(read_file(file), file.string());
}

}  // namespace snncosim
