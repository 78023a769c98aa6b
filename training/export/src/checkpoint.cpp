#include "snncosim/export/checkpoint.h"

#include <cstdint>
#include <cstring>
#include <string>

#include <nlohmann/json.hpp>

#include "snncosim/common/atomic_file.h"
#include "snncosim/common/error.h"
#include "snncosim/nn/network.h"

namespace snncosim::export_ {

// Layout written by nn::trainer::save_checkpoint: 8-byte magic "SNNCKPT1", uint64 header
// length, JSON header (tensors: [{name, size}]), then the float32 tensors in header order
// (parameters, then buffers), then optimiser state (ignored here).
void load_checkpoint_weights(nn::network& net, const std::filesystem::path& file) {
  const std::string where = file.string();
  const std::string blob = read_file(file);
  constexpr char magic[8] = {'S', 'N', 'N', 'C', 'K', 'P', 'T', '1'};
  if (blob.size() < 16 || std::memcmp(blob.data(), magic, sizeof magic) != 0)
    throw bad_input(where + ": byte 0: not a snncosim checkpoint");
  std::uint64_t len = 0;
  std::memcpy(&len, blob.data() + 8, sizeof len);
  if (len > blob.size() - 16) throw bad_input(where + ": byte 8: header length beyond the end of the file");
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(blob.substr(16, len));
  } catch (const nlohmann::json::exception& e) {
    throw bad_input(where + ": byte 16: bad header: " + e.what());
  }
  auto all = net.parameters();
  for (const auto& b : net.buffers()) all.push_back(b);
  if (!header.contains("tensors") || !header["tensors"].is_array())
    throw bad_input(where + ": byte 16: header has no tensor list");
  const auto& tensors = header["tensors"];
  if (tensors.size() != all.size())
    throw bad_input(where + ": checkpoint holds " + std::to_string(tensors.size()) + " tensors, network '" +
                    net.spec().name + "' has " + std::to_string(all.size()));
  std::size_t offset = 16 + len;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto& t = tensors[i];
    const std::string name = t.value("name", std::string{});
    const std::size_t size = t.value("size", std::size_t{0});
    if (name != all[i].name || size != all[i].size)
      throw bad_input(where + ": tensor " + std::to_string(i) + " is '" + name + "' (" + std::to_string(size) +
                      " values) in the checkpoint but '" + all[i].name + "' (" + std::to_string(all[i].size) +
                      ") in the network");
    if (offset + size * sizeof(float) > blob.size())
      throw bad_input(where + ": byte " + std::to_string(offset) + ": file truncated in tensor '" + name + "'");
    std::memcpy(all[i].value, blob.data() + offset, size * sizeof(float));
    offset += size * sizeof(float);
  }
}

}  // namespace snncosim::export_
