#include "snncosim/data/idx.h"

#include <zlib.h>

#include <memory>

#include "snncosim/common/error.h"

namespace snncosim::data {
namespace {
struct gz_closer {
  void operator()(gzFile_s* f) const { gzclose(f); }
};
}  // namespace

idx_array read_idx(const std::filesystem::path& file, std::size_t max_items) {
  const std::string name = file.string();
  // gzopen reads plain files transparently, so .gz and raw IDX both work.
  std::unique_ptr<gzFile_s, gz_closer> f(gzopen(name.c_str(), "rb"));
  if (!f) throw bad_input(name + ": cannot open file");
  std::uint64_t offset = 0;
  auto read = [&](void* dst, std::size_t n, const char* what) {
    const int got = gzread(f.get(), dst, static_cast<unsigned>(n));
    if (got < 0 || static_cast<std::size_t>(got) != n) {
      throw bad_input(name + ": byte offset " + std::to_string(offset + (got > 0 ? got : 0)) +
                      " (decompressed): unexpected end of data while reading " + what);
    }
    offset += n;
  };
  std::uint8_t magic[4];
  read(magic, 4, "the magic number");
  if (magic[0] != 0 || magic[1] != 0 || magic[3] == 0 || magic[3] > 4) {
    throw bad_input(name + ": byte offset 0: not an IDX file (bad magic)");
  }
  if (magic[2] != 0x08) {
    throw bad_input(name + ": byte offset 2: element type " + std::to_string(magic[2]) +
                    " not supported (only unsigned byte, 0x08)");
  }
  idx_array out;
  std::uint64_t total = 1;
  for (int d = 0; d < magic[3]; ++d) {
    std::uint8_t b[4];
    read(b, 4, "a dimension");
    const std::uint32_t v = (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) |
                            (std::uint32_t{b[2]} << 8) | b[3];
    out.dims.push_back(v);
  }
  if (max_items && out.dims[0] > max_items) out.dims[0] = static_cast<std::uint32_t>(max_items);
  for (auto d : out.dims) total *= d;
  if (total > (std::uint64_t{1} << 32)) throw bad_input(name + ": byte offset 4: dimensions too large");
  // Grow while reading: a header that claims gigabytes must not allocate them up front.
  std::size_t done = 0;
  while (done < total) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(total - done, 1u << 22));
    out.data.resize(done + n);
    read(out.data.data() + done, n, "the data");
    done += n;
  }
  return out;
}

std::filesystem::path default_fashion_mnist_dir() { return "/usr/share/datasets/fashion-mnist"; }

}  // namespace snncosim::data
