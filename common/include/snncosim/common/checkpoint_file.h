#pragma once
// The container of a training checkpoint (docs/formats.md §4): what nn::trainer writes after
// every epoch and what `export`, `infer` and a resumed `train` read back. Kept free of
// oneDNN so the fuzz target and every reader check the same bytes the same way.
//
//   8 bytes   magic "SNNCKPT2" (the digit is the container version)
//   8 bytes   uint64 little-endian length L of the header
//   L bytes   JSON header: {"format": "snncosim.checkpoint/2", "tensors": [{name, size}], ...}
//   data      float32 tensors, in header order, then whatever the writer appends
//   8 bytes   uint64 little-endian FNV-1a 64 of every byte before it
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "snncosim/common/hash.h"

namespace snncosim {

inline constexpr int checkpoint_format_version = 2;
inline constexpr const char* checkpoint_format_name = "snncosim.checkpoint/2";

struct checkpoint_tensor {
  std::string name;
  std::uint64_t size = 0;    // float32 values
  std::uint64_t offset = 0;  // byte offset in checkpoint_file::data
};

struct checkpoint_file {
  std::string header;  // the JSON text, for the fields a caller needs beyond the tensor table
  std::vector<checkpoint_tensor> tensors;
  std::string data;            // the bytes between the header and the checksum
  std::uint64_t data_offset = 0;  // file offset of data[0], for messages
};

// Frames a checkpoint: `header_json` must be a JSON object with "format" and "tensors".
std::string encode_checkpoint(std::string_view header_json, std::string_view data);

// Reads and checks a checkpoint: size, magic, version (an older container gets "written by
// an older snncosim; retrain"), checksum ("checksum mismatch (file corrupt)"), header length,
// JSON syntax, format name, and a tensor table whose tensors all fit in the data. bad_input
// naming the file and the byte offset or field otherwise.
checkpoint_file read_checkpoint_file(const std::filesystem::path& file);
checkpoint_file parse_checkpoint(std::string_view bytes, const std::string& name);

}  // namespace snncosim
