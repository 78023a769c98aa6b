#include "snncosim/experiments/point_hash.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "snncosim/common/hash.h"

namespace snncosim::experiments {

namespace {

void append_canonical(const YAML::Node& node, const std::string& prefix, std::string& out) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      // Keys only: assigning yaml-cpp nodes (as sorting pairs would) writes through them.
      std::vector<std::string> keys;
      for (const auto& kv : node) keys.push_back(kv.first.as<std::string>());
      std::sort(keys.begin(), keys.end());
      if (keys.empty()) out += prefix + "={}\n";
      for (const auto& k : keys) append_canonical(node[k], prefix.empty() ? k : prefix + "." + k, out);
      break;
    }
    case YAML::NodeType::Sequence: {
      if (node.size() == 0) out += prefix + "=[]\n";
      for (std::size_t i = 0; i < node.size(); ++i) append_canonical(node[i], prefix + "." + std::to_string(i), out);
      break;
    }
    case YAML::NodeType::Scalar:
      out += prefix + "=" + node.Scalar() + "\n";
      break;
    default:
      out += prefix + "=~\n";
  }
}

}  // namespace

std::string canonical_text(const YAML::Node& node) {
  std::string out;
  append_canonical(node, "", out);
  return out;
}

YAML::Node identity_tree(const YAML::Node& resolved_experiment) {
  YAML::Node copy = YAML::Clone(resolved_experiment);
  for (const char* key : identity_free_keys)
    if (copy.IsMap() && copy[key]) copy.remove(key);
  return copy;
}

std::uint64_t fnv1a64(const std::string& text) { return snncosim::fnv1a_64(text); }

std::string point_hash(const YAML::Node& resolved_experiment) {
  return fmt::format("{:016x}", fnv1a64(canonical_text(identity_tree(resolved_experiment))));
}

}  // namespace snncosim::experiments
