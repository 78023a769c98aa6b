#pragma once
// Minimal PNG encoder (8-bit RGB, zlib-compressed IDAT) and frame previews.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "snncosim/data/transforms.h"

namespace snncosim::data {

// `rgb` holds width*height*3 bytes, rows top to bottom.
std::string encode_png(int width, int height, const std::vector<std::uint8_t>& rgb);

// Frames side by side (at most `max_frames`, evenly picked), each pixel scaled `scale`
// times: ON counts in green, OFF counts in red, brightness relative to the largest count;
// a 1-pixel grey gap separates frames.
std::vector<std::uint8_t> render_frames(const frame_tensor& frames, int max_frames, int scale,
                                        int* width, int* height);

}  // namespace snncosim::data
