// NIR HDF5 files (nir_file.h), through the HDF5 C API.
#include "snncosim/interop/nir_file.h"

#include <hdf5.h>

#include <set>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#include "snncosim/common/atomic_file.h"
#include "snncosim/common/error.h"
#include "vlen_guard.h"

namespace snncosim::interop {
namespace {

// Owns one hid_t; `close` is the matching H5*close.
class h5_id {
 public:
  h5_id(hid_t id, herr_t (*close)(hid_t)) : m_id(id), m_close(close) {}
  h5_id(const h5_id&) = delete;
  h5_id& operator=(const h5_id&) = delete;
  ~h5_id() {
    if (m_id >= 0) m_close(m_id);
  }
  hid_t get() const { return m_id; }
  bool ok() const { return m_id >= 0; }

 private:
  hid_t m_id;
  herr_t (*m_close)(hid_t);
};

// A corrupt file could declare a dataset of any size; nothing a NIR graph holds comes near.
constexpr hsize_t max_elements = hsize_t{1} << 28;

struct reader {
  std::string file;

  [[noreturn]] void fail(const std::string& object, const std::string& problem) const {
    throw bad_input(fmt::format("{}: {}: {}", file, object, problem));
  }

  std::vector<std::string> children(hid_t group, const std::string& path) const {
    std::vector<std::string> names;
    auto collect = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
      static_cast<std::vector<std::string>*>(data)->emplace_back(name);
      return 0;
    };
    hsize_t idx = 0;
    if (H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, &idx, collect, &names) < 0)
      fail(path, "cannot list the group (truncated or corrupt file)");
    return names;
  }

  std::vector<hsize_t> dims_of(hid_t ds, const std::string& object) const {
    h5_id space(H5Dget_space(ds), H5Sclose);
    if (!space.ok()) fail(object, "unreadable dataspace");
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank < 0 || rank > 8) fail(object, "unreadable dataspace");
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank), 0), max_dims(dims);
    if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), max_dims.data());
    for (std::size_t i = 0; i < dims.size(); ++i)
      if (max_dims[i] != H5S_UNLIMITED && dims[i] > max_dims[i])
        fail(object, "dataspace larger than its own maximum (corrupt file)");
    hsize_t n = 1;
    for (auto d : dims) {
      if (d > max_elements) fail(object, "dataset too large (corrupt file?)");
      n *= d;
    }
    if (n > max_elements) fail(object, "dataset too large (corrupt file?)");
    return dims;
  }

  std::vector<std::string> read_strings(hid_t ds, const std::string& object) const {
    h5_id type(H5Dget_type(ds), H5Tclose);
    if (!type.ok() || H5Tget_class(type.get()) != H5T_STRING) fail(object, "expected a string dataset");
    const auto dims = dims_of(ds, object);
    hsize_t n = 1;
    for (auto d : dims) n *= d;
    if (n > (hsize_t{1} << 20)) fail(object, "too many strings (corrupt file?)");
    std::vector<std::string> out;
    h5_id mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_cset(mem.get(), H5Tget_cset(type.get()));  // HDF5 converts no character sets
    if (H5Tis_variable_str(type.get()) > 0) {
      check_vlen_heap(ds, file, object);  // HDF5 1.10 would copy from a damaged heap unchecked
      H5Tset_size(mem.get(), H5T_VARIABLE);
      std::vector<char*> buf(static_cast<std::size_t>(n), nullptr);
      if (n > 0 && H5Dread(ds, mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0)
        fail(object, "read failed (truncated or corrupt file)");
      for (char* s : buf) out.emplace_back(s != nullptr ? s : "");
      h5_id space(H5Dget_space(ds), H5Sclose);
      if (n > 0) H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, buf.data());
    } else {
      const std::size_t size = H5Tget_size(type.get());
      if (size == 0 || size > (std::size_t{1} << 20)) fail(object, "string too long (corrupt file?)");
      check_raw_extent(ds, size, file, object);
      H5Tset_size(mem.get(), size);
      H5Tset_strpad(mem.get(), H5T_STR_NULLPAD);
      std::string buf(static_cast<std::size_t>(n) * size, '\0');
      if (n > 0 && H5Dread(ds, mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0)
        fail(object, "read failed (truncated or corrupt file)");
      for (hsize_t i = 0; i < n; ++i) {
        std::string s = buf.substr(static_cast<std::size_t>(i) * size, size);
        if (const auto end = s.find('\0'); end != std::string::npos) s.resize(end);
        out.push_back(std::move(s));
      }
    }
    return out;
  }

  nir_array read_numbers(hid_t ds, const std::string& object) const {
    nir_array a;
    const auto dims = dims_of(ds, object);
    hsize_t n = 1;
    for (auto d : dims) {
      a.shape.push_back(static_cast<std::int64_t>(d));
      n *= d;
    }
    {
      h5_id type(H5Dget_type(ds), H5Tclose);
      if (!type.ok()) fail(object, "unreadable datatype");
      // Only the plain IEEE floats and two's complement integers numpy writes: HDF5 1.10
      // converted a damaged 520-byte "float" by copying past its buffers.
      const std::size_t size = H5Tget_size(type.get());
      const bool is_float = H5Tget_class(type.get()) == H5T_FLOAT;
      const bool plain = H5Tget_precision(type.get()) == 8 * size && H5Tget_offset(type.get()) == 0 &&
                         (is_float ? (size == 4 || size == 8) : (size == 1 || size == 2 || size == 4 || size == 8));
      if (!plain) fail(object, fmt::format("unsupported number type ({} bytes, {} bits; corrupt file?)", size,
                                           H5Tget_precision(type.get())));
      check_raw_extent(ds, size, file, object);
    }
    a.values.resize(static_cast<std::size_t>(n));
    if (n > 0 && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.values.data()) < 0)
      fail(object, "read failed (truncated or corrupt file, or a value that is not a number)");
    return a;
  }

  // Kind of the child object: H5I_GROUP or H5I_DATASET (anything else is an error).
  H5I_type_t kind_of(hid_t parent, const std::string& name, const std::string& object) const {
    h5_id obj(H5Oopen(parent, name.c_str(), H5P_DEFAULT), H5Oclose);
    if (!obj.ok()) fail(object, "cannot open (truncated or corrupt file)");
    return H5Iget_type(obj.get());
  }

  std::string read_type(hid_t group, const std::string& path) const {
    const std::string object = path + "/type";
    if (H5Lexists(group, "type", H5P_DEFAULT) <= 0) fail(path, "missing 'type' dataset (not a NIR node)");
    h5_id ds(H5Dopen2(group, "type", H5P_DEFAULT), H5Dclose);
    if (!ds.ok()) fail(object, "cannot open dataset (corrupt file?)");
    const auto s = read_strings(ds.get(), object);
    if (s.size() != 1) fail(object, "expected one string");
    return s[0];
  }

  // The type class of an opened child dataset (fails on a dataset HDF5 cannot open).
  H5T_class_t dataset_class(const h5_id& ds, const std::string& object) const {
    if (!ds.ok()) fail(object, "cannot open dataset (corrupt file?)");
    const h5_id type(H5Dget_type(ds.get()), H5Tclose);
    return H5Tget_class(type.get());
  }

  void read_metadata(hid_t group, const std::string& path, nir_node& node) const {
    for (const auto& key : children(group, path)) {
      const std::string object = path + "/" + key;
      if (kind_of(group, key, object) != H5I_DATASET) continue;  // nested metadata: not ours, ignored
      const h5_id ds(H5Dopen2(group, key.c_str(), H5P_DEFAULT), H5Dclose);
      const H5T_class_t cls = dataset_class(ds, object);
      if (cls == H5T_STRING) {
        const auto s = read_strings(ds.get(), object);
        if (s.size() == 1) node.metadata[key] = s[0];
      } else if (cls == H5T_INTEGER || cls == H5T_FLOAT) {
        const auto a = read_numbers(ds.get(), object);
        if (a.values.size() == 1) node.metadata_numbers[key] = a.values[0];
      }
    }
  }

  nir_node read_node(hid_t group, const std::string& path) const {
    nir_node node;
    node.type = read_type(group, path);
    if (node.type == "NIRGraph") return node;  // a subgraph: its type is all the importer needs
    for (const auto& key : children(group, path)) {
      if (key == "type") continue;
      const std::string object = path + "/" + key;
      const H5I_type_t kind = kind_of(group, key, object);
      if (kind == H5I_GROUP) {
        if (key != "metadata") fail(object, "unexpected group in a NIR node");
        h5_id g(H5Gopen2(group, key.c_str(), H5P_DEFAULT), H5Gclose);
        if (!g.ok()) fail(object, "cannot open group (corrupt file?)");
        read_metadata(g.get(), object, node);
        continue;
      }
      if (kind != H5I_DATASET) fail(object, "neither a group nor a dataset");
      const h5_id ds(H5Dopen2(group, key.c_str(), H5P_DEFAULT), H5Dclose);
      const H5T_class_t cls = dataset_class(ds, object);
      if (cls == H5T_STRING) {
        const auto s = read_strings(ds.get(), object);
        if (s.size() != 1) fail(object, "expected one string");
        node.text[key] = s[0];
      } else if (cls == H5T_INTEGER || cls == H5T_FLOAT) {
        node.params[key] = read_numbers(ds.get(), object);
      } else {
        fail(object, "neither a number nor a string (unsupported HDF5 type)");
      }
    }
    return node;
  }
};

}  // namespace

nir_graph read_nir_file(const std::filesystem::path& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // one message of ours instead of HDF5's stack
  reader r{path.string()};
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw bad_input(fmt::format("{}: no such file", r.file));
  if (std::filesystem::is_directory(path, ec)) throw bad_input(fmt::format("{}: is a folder, not a NIR file", r.file));
  if (H5Fis_hdf5(r.file.c_str()) <= 0)
    throw bad_input(fmt::format("{}: not an HDF5 file (a NIR graph is an HDF5 file written by nir.write)", r.file));
  h5_id f(H5Fopen(r.file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!f.ok()) throw bad_input(fmt::format("{}: cannot open the HDF5 file (truncated or corrupt)", r.file));

  nir_graph g;
  if (H5Lexists(f.get(), "version", H5P_DEFAULT) > 0) {
    h5_id ds(H5Dopen2(f.get(), "version", H5P_DEFAULT), H5Dclose);
    if (ds.ok()) {
      const auto v = r.read_strings(ds.get(), "/version");
      if (v.size() == 1) g.version = v[0];
    }
  }
  if (H5Lexists(f.get(), "node", H5P_DEFAULT) <= 0) r.fail("/node", "missing group (not a NIR graph)");
  h5_id root(H5Gopen2(f.get(), "node", H5P_DEFAULT), H5Gclose);
  if (!root.ok()) r.fail("/node", "cannot open group (truncated or corrupt file)");
  const std::string type = r.read_type(root.get(), "/node");
  if (type != "NIRGraph") r.fail("/node/type", fmt::format("'{}', expected 'NIRGraph'", type));

  if (H5Lexists(root.get(), "nodes", H5P_DEFAULT) <= 0) r.fail("/node/nodes", "missing group");
  h5_id nodes(H5Gopen2(root.get(), "nodes", H5P_DEFAULT), H5Gclose);
  if (!nodes.ok()) r.fail("/node/nodes", "cannot open group (truncated or corrupt file)");
  for (const auto& name : r.children(nodes.get(), "/node/nodes")) {
    const std::string object = "/node/nodes/" + name;
    if (r.kind_of(nodes.get(), name, object) != H5I_GROUP) r.fail(object, "expected a node group");
    h5_id ng(H5Gopen2(nodes.get(), name.c_str(), H5P_DEFAULT), H5Gclose);
    if (!ng.ok()) r.fail(object, "cannot open group (truncated or corrupt file)");
    g.nodes[name] = r.read_node(ng.get(), object);
  }

  if (H5Lexists(root.get(), "edges", H5P_DEFAULT) <= 0) r.fail("/node/edges", "missing dataset");
  h5_id eds(H5Dopen2(root.get(), "edges", H5P_DEFAULT), H5Dclose);
  if (!eds.ok()) r.fail("/node/edges", "cannot open dataset (truncated or corrupt file)");
  const auto dims = r.dims_of(eds.get(), "/node/edges");
  const auto flat = r.read_strings(eds.get(), "/node/edges");
  if (!flat.empty() && (dims.size() != 2 || dims[1] != 2))
    r.fail("/node/edges", "expected a [E, 2] array of (from, to) node names");
  for (std::size_t i = 0; i + 1 < flat.size(); i += 2) g.edges.emplace_back(flat[i], flat[i + 1]);
  return g;
}

namespace {

struct writer {
  void check(herr_t rc, const std::string& what) const {
    if (rc < 0) throw std::runtime_error("HDF5 write failed: " + what);
  }
  hid_t check_id(hid_t id, const std::string& what) const {
    if (id < 0) throw std::runtime_error("HDF5 write failed: " + what);
    return id;
  }

  // Variable-length UTF-8, as h5py's string_dtype() writes them.
  void strings(hid_t parent, const std::string& name, const std::vector<std::string>& values,
               const std::vector<hsize_t>& dims) const {
    h5_id type(check_id(H5Tcopy(H5T_C_S1), name), H5Tclose);
    check(H5Tset_size(type.get(), H5T_VARIABLE), name);
    check(H5Tset_cset(type.get(), H5T_CSET_UTF8), name);
    h5_id space(check_id(dims.empty() ? H5Screate(H5S_SCALAR)
                                      : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                         name),
                H5Sclose);
    h5_id ds(check_id(H5Dcreate2(parent, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                      name),
             H5Dclose);
    std::vector<const char*> ptrs;
    for (const auto& s : values) ptrs.push_back(s.c_str());
    if (!ptrs.empty()) check(H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), name);
  }

  void numbers(hid_t parent, const std::string& name, const nir_array& a) const {
    // Integer-valued keys are int64 and trained tensors float32, as the Python exporters
    // write them; everything else float64 so a parameter survives the round trip exactly.
    static const std::set<std::string> integer_keys = {"shape",      "stride",   "padding", "dilation",
                                                       "groups",     "kernel_size", "start_dim", "end_dim",
                                                       "input_shape", "input_type", "delay"};
    const bool is_int = integer_keys.count(name) != 0;
    const bool is_f32 = name == "weight" || name == "bias";
    std::vector<hsize_t> dims(a.shape.begin(), a.shape.end());
    h5_id space(check_id(dims.empty() ? H5Screate(H5S_SCALAR)
                                      : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                         name),
                H5Sclose);
    const hid_t ftype = is_int ? H5T_STD_I64LE : (is_f32 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE);
    h5_id ds(check_id(H5Dcreate2(parent, name.c_str(), ftype, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                      name),
             H5Dclose);
    if (a.values.empty()) return;
    if (is_int) {
      std::vector<std::int64_t> v(a.values.begin(), a.values.end());
      check(H5Dwrite(ds.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), name);
    } else {
      // float64 -> float32 conversion by HDF5 rounds to nearest, as numpy's astype does.
      check(H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.values.data()), name);
    }
  }

  h5_id group(hid_t parent, const std::string& name) const {
    return {check_id(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), name), H5Gclose};
  }
};

}  // namespace

void write_nir_file(const std::filesystem::path& path, const nir_graph& graph) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  produce_file_atomic(path, [&](const std::filesystem::path& tmp) {
    const writer w;
    h5_id f(w.check_id(H5Fcreate(tmp.string().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), tmp.string()),
            H5Fclose);
    w.strings(f.get(), "version", {graph.version.empty() ? nir_writer_version : graph.version}, {});
    h5_id root = w.group(f.get(), "node");
    w.strings(root.get(), "type", {"NIRGraph"}, {});
    std::vector<std::string> edges;
    for (const auto& [a, b] : graph.edges) {
      edges.push_back(a);
      edges.push_back(b);
    }
    w.strings(root.get(), "edges", edges, {graph.edges.size(), 2});
    h5_id nodes = w.group(root.get(), "nodes");
    for (const auto& [name, node] : graph.nodes) {
      h5_id g = w.group(nodes.get(), name);
      w.strings(g.get(), "type", {node.type}, {});
      for (const auto& [key, a] : node.params) w.numbers(g.get(), key, a);
      for (const auto& [key, s] : node.text) w.strings(g.get(), key, {s}, {});
      if (!node.metadata.empty() || !node.metadata_numbers.empty()) {
        h5_id m = w.group(g.get(), "metadata");
        for (const auto& [key, s] : node.metadata) w.strings(m.get(), key, {s}, {});
        for (const auto& [key, v] : node.metadata_numbers) w.numbers(m.get(), key, nir_array::scalar(v));
      }
    }
    if (H5Fflush(f.get(), H5F_SCOPE_GLOBAL) < 0) throw std::runtime_error("HDF5 flush failed: " + tmp.string());
  });
}

}  // namespace snncosim::interop
