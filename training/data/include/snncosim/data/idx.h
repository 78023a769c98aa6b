#pragma once
// IDX files (MNIST / Fashion-MNIST), optionally gzip-compressed (read through zlib).
// Big-endian header: 0, 0, element type, rank, then rank int32 sizes, then row-major data.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace snncosim::data {

struct idx_array {
  std::vector<std::uint32_t> dims;
  std::vector<std::uint8_t> data;  // unsigned-byte arrays only (type 0x08)
};

// Reads at most `max_items` entries along the first dimension (0 = all). Throws bad_input
// naming the file and (decompressed) byte offset on a bad magic, type or truncation.
idx_array read_idx(const std::filesystem::path& file, std::size_t max_items = 0);

// Where Debian's dataset-fashion-mnist installs its files.
std::filesystem::path default_fashion_mnist_dir();

}  // namespace snncosim::data
