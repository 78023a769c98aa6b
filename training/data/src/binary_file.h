#pragma once
// Internal: a read-only FILE* wrapper that knows its size and current byte offset, so
// every parser can name the exact place of a problem.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "snncosim/common/error.h"

namespace snncosim::data::detail {

class binary_file {
 public:
  explicit binary_file(const std::filesystem::path& path) : m_name(path.string()) {
    m_file = std::fopen(m_name.c_str(), "rb");
    if (!m_file) throw bad_input(m_name + ": cannot open file: " + std::strerror(errno));
    std::error_code ec;
    m_size = std::filesystem::file_size(path, ec);
    if (ec) {
      std::fclose(m_file);
      throw bad_input(m_name + ": cannot stat file: " + ec.message());
    }
  }
  ~binary_file() { std::fclose(m_file); }
  binary_file(const binary_file&) = delete;
  binary_file& operator=(const binary_file&) = delete;

  const std::string& name() const { return m_name; }
  std::uint64_t size() const { return m_size; }
  std::uint64_t offset() const { return m_offset; }
  std::uint64_t remaining() const { return m_size - m_offset; }

  // Reads up to n bytes; returns how many were read.
  std::size_t read(void* dst, std::size_t n) {
    const std::size_t got = std::fread(dst, 1, n, m_file);
    m_offset += got;
    return got;
  }
  int get() {
    const int c = std::fgetc(m_file);
    if (c != EOF) ++m_offset;
    return c;
  }
  int peek() {
    const int c = std::fgetc(m_file);
    if (c != EOF) std::ungetc(c, m_file);
    return c;
  }
  void skip(std::uint64_t n) {
    if (std::fseek(m_file, static_cast<long>(n), SEEK_CUR) != 0) {
      throw bad_input(m_name + ": byte offset " + std::to_string(m_offset) + ": cannot seek");
    }
    m_offset += n;
  }
  [[noreturn]] void fail(std::uint64_t offset, const std::string& what) const {
    throw bad_input(m_name + ": byte offset " + std::to_string(offset) + ": " + what);
  }

 private:
  std::string m_name;
  std::FILE* m_file = nullptr;
  std::uint64_t m_size = 0;
  std::uint64_t m_offset = 0;
};

inline std::uint32_t load_le32(const std::uint8_t* b) {
  return std::uint32_t{b[0]} | (std::uint32_t{b[1]} << 8) | (std::uint32_t{b[2]} << 16) |
         (std::uint32_t{b[3]} << 24);
}
inline std::uint32_t load_be32(const std::uint8_t* b) {
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
         std::uint32_t{b[3]};
}
inline void store_le32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
inline void store_le16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>(v >> 8));
}
inline void store_be32(std::string& out, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

}  // namespace snncosim::data::detail
