#pragma once
// Identity of an experiment point: a hash of its resolved configuration, so re-running an
// identical point (same data, network, training, hardware, platform, seed) reuses results.
#include <cstdint>
#include <string>

#include <yaml-cpp/yaml.h>

namespace snncosim::experiments {

// Keys that do not change a point's results and are left out of its identity.
inline constexpr const char* identity_free_keys[] = {"name", "output_dir", "sweep"};

// Canonical text of a tree: map keys sorted, one entry per line, scalars verbatim. Two
// trees that differ only in map key order have the same canonical text.
std::string canonical_text(const YAML::Node& node);
// The resolved experiment without the identity-free keys.
YAML::Node identity_tree(const YAML::Node& resolved_experiment);
// 64-bit FNV-1a of the canonical text of the identity tree, as 16 hex digits.
std::string point_hash(const YAML::Node& resolved_experiment);
std::uint64_t fnv1a64(const std::string& text);

}  // namespace snncosim::experiments
