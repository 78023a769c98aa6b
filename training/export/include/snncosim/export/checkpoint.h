#pragma once
// Loads the parameters and buffers of a training checkpoint (nn::trainer::save_checkpoint,
// "snncosim.checkpoint/2", docs/formats.md §4) into a configured network, without an optimiser: export needs
// only the weights. bad_input naming the file and byte offset or tensor on any mismatch.
#include <filesystem>

namespace snncosim::nn {
class network;
}

namespace snncosim::export_ {

void load_checkpoint_weights(nn::network& net, const std::filesystem::path& file);

}  // namespace snncosim::export_
