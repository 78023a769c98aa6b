#pragma once
// NIR graphs in HDF5, in the layout of the reference package's serialization.py:
//   /version                   string
//   /node/type                 "NIRGraph"
//   /node/edges                string [E, 2]   (from, to)
//   /node/nodes/<name>/type    string          node type
//   /node/nodes/<name>/<param> numeric dataset (scalar or array) or string
//   /node/nodes/<name>/metadata/<key>          optional
// Strings are variable-length UTF-8 as h5py writes them (fixed-length ones are read too).
#include <filesystem>

#include "snncosim/interop/nir_graph.h"

namespace snncosim::interop {

// Reads every node and edge. bad_input naming the file and the HDF5 object for a missing or
// non-HDF5 file, a truncated or corrupt file, a missing /node, type or edges, or a dataset of
// an unexpected kind. Nested NIRGraph nodes are kept with their type only (the importer
// rejects them).
nir_graph read_nir_file(const std::filesystem::path& path);

// Writes atomically (temporary file, then rename). Numeric parameters are written as float64
// except `weight` and `bias` (float32, as trained) and integer-valued shape/stride keys
// (int64), listed in nir_file.cpp.
void write_nir_file(const std::filesystem::path& path, const nir_graph& graph);

}  // namespace snncosim::interop
