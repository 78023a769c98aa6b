#include "snncosim/data/png.h"

#include <png.h>

#include <algorithm>
#include <stdexcept>

namespace snncosim::data {

std::string encode_png(int width, int height, const std::vector<std::uint8_t>& rgb) {
  if (width <= 0 || height <= 0 || rgb.size() != static_cast<std::size_t>(width) * height * 3) {
    throw std::invalid_argument("encode_png: size mismatch");
  }
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(width);
  image.height = static_cast<png_uint_32>(height);
  image.format = PNG_FORMAT_RGB;
  // The first call measures, the second writes.
  png_alloc_size_t size = 0;
  if (png_image_write_to_memory(&image, nullptr, &size, 0, rgb.data(), 0, nullptr) == 0) {
    throw std::runtime_error(std::string("encode_png: ") + image.message);
  }
  std::string png(size, '\0');
  if (png_image_write_to_memory(&image, png.data(), &size, 0, rgb.data(), 0, nullptr) == 0) {
    throw std::runtime_error(std::string("encode_png: ") + image.message);
  }
  png.resize(size);
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
