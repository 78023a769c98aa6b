#include "snncosim/data/png.h"

#include <zlib.h>

#include <algorithm>
#include <stdexcept>

namespace snncosim::data {
namespace {

void put_be32(std::string& out, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

void chunk(std::string& out, const char* type, const std::string& data) {
  put_be32(out, static_cast<std::uint32_t>(data.size()));
  std::string body(type, 4);
  body += data;
  out += body;
  const auto crc = crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
  put_be32(out, static_cast<std::uint32_t>(crc));
}

}  // namespace

std::string encode_png(int width, int height, const std::vector<std::uint8_t>& rgb) {
  if (width <= 0 || height <= 0 || rgb.size() != static_cast<std::size_t>(width) * height * 3) {
    throw std::invalid_argument("encode_png: size mismatch");
  }
  std::string raw;
  raw.reserve(static_cast<std::size_t>(height) * (width * 3 + 1));
  for (int y = 0; y < height; ++y) {
    raw.push_back(0);  // filter type None
    raw.append(reinterpret_cast<const char*>(rgb.data()) + static_cast<std::size_t>(y) * width * 3,
               static_cast<std::size_t>(width) * 3);
  }
  uLongf len = compressBound(static_cast<uLong>(raw.size()));
  std::string z(len, '\0');
  if (compress2(reinterpret_cast<Bytef*>(z.data()), &len, reinterpret_cast<const Bytef*>(raw.data()),
                static_cast<uLong>(raw.size()), 6) != Z_OK) {
    throw std::runtime_error("encode_png: zlib compression failed");
  }
  z.resize(len);
  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr;
  put_be32(ihdr, static_cast<std::uint32_t>(width));
  put_be32(ihdr, static_cast<std::uint32_t>(height));
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit, RGB, deflate, no filter, no interlace
  chunk(png, "IHDR", ihdr);
  chunk(png, "IDAT", z);
  chunk(png, "IEND", "");
  return png;
}

std::vector<std::uint8_t> render_frames(const frame_tensor& f, int max_frames, int scale, int* width,
                                        int* height) {
  const int n = std::max(1, std::min(f.t, max_frames));
  std::vector<int> pick(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) pick[static_cast<std::size_t>(i)] = f.t <= n ? i : static_cast<int>(static_cast<long>(i) * f.t / n);
  const int fw = f.w * scale, fh = f.h * scale;
  *width = n * fw + (n - 1);
  *height = fh;
  std::vector<std::uint8_t> rgb(static_cast<std::size_t>(*width) * *height * 3, 96);
  std::uint16_t peak = 1;
  for (auto c : f.counts) peak = std::max(peak, c);
  for (int k = 0; k < n && f.t > 0; ++k) {
    const int t = pick[static_cast<std::size_t>(k)];
    for (int y = 0; y < fh; ++y) {
      for (int x = 0; x < fw; ++x) {
        const int sx = x / scale, sy = y / scale;
        auto val = [&](int p) -> int {
          if (p >= f.p) return 0;
          return f.counts[f.index(t, p, sy, sx)] * 255 / peak;
        };
        const int on = val(f.p > 1 ? 1 : 0);
        const int off = f.p > 1 ? val(0) : 0;
        auto* px = &rgb[(static_cast<std::size_t>(y) * *width + k * (fw + 1) + x) * 3];
        px[0] = static_cast<std::uint8_t>(off);
        px[1] = static_cast<std::uint8_t>(on);
        px[2] = 0;
      }
    }
  }
  return rgb;
}

}  // namespace snncosim::data
