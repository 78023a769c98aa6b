#pragma once
// A NIR graph (Neuromorphic Intermediate Representation, docs/interop.md) held as plain
// data: named nodes with their parameter arrays, and the edges between them. This is the
// file's content without interpretation; nir_import.h gives it our meaning, nir_file.h
// reads and writes the reference package's HDF5 layout.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace snncosim::interop {

// One numeric parameter: values in C order and the shape ({} for a scalar).
struct nir_array {
  std::vector<double> values;
  std::vector<std::int64_t> shape;

  static nir_array scalar(double v) { return {{v}, {}}; }
  static nir_array vector(std::vector<double> v) {
    const auto n = static_cast<std::int64_t>(v.size());
    return {std::move(v), {n}};
  }
  std::int64_t size() const { return static_cast<std::int64_t>(values.size()); }
};

struct nir_node {
  std::string type;                               // "Conv2d", "LIF", "Input", ...
  std::map<std::string, nir_array> params;        // numeric datasets of the node group
  std::map<std::string, std::string> text;        // string datasets (e.g. padding "same")
  std::map<std::string, std::string> metadata;    // metadata/<key> string datasets
  std::map<std::string, double> metadata_numbers; // metadata/<key> numeric scalars

  bool has(const std::string& key) const { return params.count(key) != 0; }
};

struct nir_graph {
  std::string version;  // the root "version" dataset ("0.2.0"); empty when absent
  std::map<std::string, nir_node> nodes;
  std::vector<std::pair<std::string, std::string>> edges;  // (from, to), in file order
};

// The root "version" our writer stores: the newest one in the real files we test against
// (Rockpool, two_lif_neurons.nir). The reference reader does not check it, and the layout
// we write (docs/interop.md) reads back in the package at commit 7232ada.
inline constexpr const char* nir_writer_version = "0.2.0";

}  // namespace snncosim::interop
