#include "snncosim/data/frame_cache.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "snncosim/common/atomic_file.h"
#include "snncosim/common/error.h"

namespace snncosim::data {
namespace {
constexpr char magic[8] = {'S', 'N', 'N', 'F', 'R', 'M', '0', '2'};

std::uint64_t fnv1a(const std::string& s, std::uint64_t h) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001B3ull;
  }
  return h;
}

void put32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
std::uint32_t get32(const char* p) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= std::uint32_t{static_cast<unsigned char>(p[i])} << (8 * i);
  return v;
}
}  // namespace

std::string frame_cache::make_key(const std::filesystem::path& file, std::int64_t t_begin,
                                  std::int64_t t_end, const std::string& reader_key,
                                  const std::string& transform_key) {
  struct stat st {};
  const auto abs = std::filesystem::absolute(file).lexically_normal().string();
  if (::stat(abs.c_str(), &st) != 0) throw bad_input(abs + ": cannot stat file: " + std::strerror(errno));
  std::ostringstream k;
  k << "snncosim-frames v" << frame_cache_version << "\nfile=" << abs << "\nsize=" << st.st_size
    << "\nmtime_ns=" << (static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec)
    << "\nrange=" << t_begin << "," << t_end << "\nreader=" << reader_key << "\ntransform=" << transform_key;
  return k.str();
}

std::filesystem::path frame_cache::entry_path(const std::string& key) const {
  char name[40];
  std::snprintf(name, sizeof name, "%016llx%016llx.frm",
                static_cast<unsigned long long>(fnv1a(key, 0xCBF29CE484222325ull)),
                static_cast<unsigned long long>(fnv1a(key, 0x84222325CBF29CE4ull)));
  std::string version = "v";
  version += std::to_string(frame_cache_version);
  return m_dir / version / name;
}

std::optional<frame_tensor> frame_cache::load(const std::string& key, int* label) const {
  std::string data;
  {
    std::FILE* in = std::fopen(entry_path(key).c_str(), "rb");
    if (!in) return std::nullopt;  // no entry yet
    char buf[1 << 16];
    for (std::size_t got; (got = std::fread(buf, 1, sizeof buf, in)) > 0;) data.append(buf, got);
    std::fclose(in);
  }
  const std::size_t fixed = sizeof magic + 4;
  if (data.size() < fixed || std::memcmp(data.data(), magic, sizeof magic) != 0) return std::nullopt;
  const std::uint32_t key_len = get32(data.data() + sizeof magic);
  if (data.size() < fixed + key_len + 24) return std::nullopt;
  if (data.compare(fixed, key_len, key) != 0) return std::nullopt;
  const char* p = data.data() + fixed + key_len;
  frame_tensor f;
  f.t = static_cast<int>(get32(p));
  f.p = static_cast<int>(get32(p + 4));
  f.h = static_cast<int>(get32(p + 8));
  f.w = static_cast<int>(get32(p + 12));
  const int lab = static_cast<int>(get32(p + 16));
  const std::uint32_t nonzero = get32(p + 20);
  const std::size_t count = static_cast<std::size_t>(f.t) * f.frame_size();
  // Sparse body: (uint32 index, uint16 count) per non-zero entry, indices increasing.
  if (f.t < 0 || f.p < 0 || f.h < 0 || f.w < 0 || data.size() != fixed + key_len + 24 + std::size_t{nonzero} * 6) {
    return std::nullopt;
  }
  f.counts.assign(count, 0);
  const char* q = p + 24;
  for (std::uint32_t i = 0; i < nonzero; ++i, q += 6) {
    const std::uint32_t idx = get32(q);
    if (idx >= count) return std::nullopt;
    f.counts[idx] = static_cast<std::uint16_t>(static_cast<unsigned char>(q[4]) | (static_cast<unsigned char>(q[5]) << 8));
  }
  if (label) *label = lab;
  return f;
}

void frame_cache::store(const std::string& key, const frame_tensor& f, int label) const {
  std::string out(magic, sizeof magic);
  put32(out, static_cast<std::uint32_t>(key.size()));
  out += key;
  for (int v : {f.t, f.p, f.h, f.w, label}) put32(out, static_cast<std::uint32_t>(v));
  std::uint32_t nonzero = 0;
  for (auto c : f.counts) nonzero += c ? 1 : 0;
  put32(out, nonzero);
  out.reserve(out.size() + std::size_t{nonzero} * 6);
  for (std::size_t i = 0; i < f.counts.size(); ++i) {
    if (!f.counts[i]) continue;
    put32(out, static_cast<std::uint32_t>(i));
    out.push_back(static_cast<char>(f.counts[i] & 0xFF));
    out.push_back(static_cast<char>(f.counts[i] >> 8));
  }
  write_cache_file_atomic(entry_path(key), out);
}

}  // namespace snncosim::data
