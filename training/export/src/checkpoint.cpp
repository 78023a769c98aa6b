#include "snncosim/export/checkpoint.h"

#include <cstdint>
#include <cstring>
#include <string>

#include "snncosim/common/checkpoint_file.h"
#include "snncosim/common/error.h"
#include "snncosim/nn/network.h"

namespace snncosim::export_ {

// Container checks (checksum, header, tensor table) are read_checkpoint_file's; here only
// whether the tensors are the ones this network has. The optimiser state after them is
// ignored: export needs only the weights.
void load_checkpoint_weights(nn::network& net, const std::filesystem::path& file) {
  const std::string where = file.string();
  const checkpoint_file ckpt = read_checkpoint_file(file);
  auto all = net.parameters();
  for (const auto& b : net.buffers()) all.push_back(b);
  if (ckpt.tensors.size() != all.size())
    throw bad_input(where + ": checkpoint holds " + std::to_string(ckpt.tensors.size()) + " tensors, network '" +
                    net.spec().name + "' has " + std::to_string(all.size()));
  for (std::size_t i = 0; i < all.size(); ++i) {
    const checkpoint_tensor& t = ckpt.tensors[i];
    if (t.name != all[i].name || t.size != all[i].size)
      throw bad_input(where + ": tensor " + std::to_string(i) + " is '" + t.name + "' (" + std::to_string(t.size) +
                      " values) in the checkpoint but '" + all[i].name + "' (" + std::to_string(all[i].size) +
                      ") in the network");
    std::memcpy(all[i].value, ckpt.data.data() + t.offset, t.size * sizeof(float));
  }
}

}  // namespace snncosim::export_
