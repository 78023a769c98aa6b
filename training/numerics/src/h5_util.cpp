// HDF5 C API wrappers; see h5_util.h.
#include "h5_util.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "snncosim/common/error.h"
#include "snncosim/numerics/neuron.h"

namespace snncosim::numerics::h5 {
namespace {

// HDF5 prints its error stack to stderr by default; we report our own single message.
void silence_hdf5() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

void check_w(herr_t rc, const std::string& what) {
  if (rc < 0) throw std::runtime_error("HDF5 write failed: " + what);
}

hid_t check_id_w(hid_t id, const std::string& what) {
  if (id < 0) throw std::runtime_error("HDF5 write failed: " + what);
  return id;
}

[[noreturn]] void fail_r(const location& at, const std::string& object, const std::string& problem) {
  throw bad_input(fmt::format("{}: {}: {}", at.file, object, problem));
}

handle scalar_space() { return {check_id_w(H5Screate(H5S_SCALAR), "dataspace"), handle::kind::dataspace}; }

// Strings are fixed-length (size = byte length, NUL-padded), never variable-length: those
// live in the global heap, which HDF5 1.10 reads without bounds checks, so a damaged file
// could crash the reader instead of raising an error.
handle string_type(std::size_t bytes) {
  handle t{check_id_w(H5Tcopy(H5T_C_S1), "string type"), handle::kind::datatype};
  check_w(H5Tset_size(t.id(), bytes == 0 ? 1 : bytes), "string type size");
  check_w(H5Tset_strpad(t.id(), H5T_STR_NULLPAD), "string type padding");
  check_w(H5Tset_cset(t.id(), H5T_CSET_UTF8), "string type charset");
  return t;
}

// Largest number of bytes a dataset may hold: our writer stores data uncompressed and
// contiguous, so nothing valid is larger than the file.
hsize_t file_size_of(const location& at) {
  const hid_t f = H5Iget_file_id(at.obj);
  if (f < 0) fail_r(at, at.path, "cannot determine the file of this object");
  hsize_t size = 0;
  const herr_t rc = H5Fget_filesize(f, &size);
  H5Fclose(f);
  if (rc < 0) fail_r(at, at.path, "cannot determine the file size");
  return size;
}

std::string read_fixed_string(const location& at, const std::string& object, hid_t obj, hid_t ftype, bool attribute) {
  if (H5Tget_class(ftype) != H5T_STRING) fail_r(at, object, "expected a string");
  if (H5Tis_variable_str(ftype) != 0) fail_r(at, object, "expected a fixed-length string (this writer never uses variable-length strings)");
  const std::size_t size = H5Tget_size(ftype);
  if (size == 0 || size > file_size_of(at)) fail_r(at, object, "string larger than the file (corrupt file?)");
  std::string out(size, '\0');
  handle mtype{H5Tcopy(H5T_C_S1), handle::kind::datatype};
  H5Tset_size(mtype.id(), size);
  H5Tset_strpad(mtype.id(), H5T_STR_NULLPAD);
  H5Tset_cset(mtype.id(), H5Tget_cset(ftype));  // HDF5 converts no character sets
  const herr_t rc = attribute ? H5Aread(obj, mtype.id(), out.data())
                              : H5Dread(obj, mtype.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data());
  if (rc < 0) fail_r(at, object, "read failed (truncated or corrupt file)");
  const auto end = out.find('\0');
  if (end != std::string::npos) out.resize(end);
  return out;
}

template <class T>
void write_numeric(hid_t parent, const std::string& name, hid_t file_type, hid_t mem_type, const std::vector<T>& v,
                   const std::vector<hsize_t>& dims) {
  hsize_t n = 1;
  for (auto d : dims) n *= d;
  if (n != v.size()) throw std::logic_error(fmt::format("dataset {}: {} values for shape of {}", name, v.size(), n));
  handle space{check_id_w(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), name),
               handle::kind::dataspace};
  // Non-empty datasets are chunked with a Fletcher-32 checksum per chunk, so damaged data
  // is an error on read rather than a silently different weight or spike. Chunks split
  // only the first dimension and stay below 1 GiB.
  handle dcpl{check_id_w(H5Pcreate(H5P_DATASET_CREATE), name), handle::kind::plist};
  if (n > 0) {
    std::vector<hsize_t> chunk = dims;
    const hsize_t row_bytes = n / dims[0] * sizeof(T);
    chunk[0] = std::max<hsize_t>(1, std::min<hsize_t>(dims[0], (hsize_t{1} << 30) / row_bytes));
    check_w(H5Pset_chunk(dcpl.id(), static_cast<int>(chunk.size()), chunk.data()), name);
    check_w(H5Pset_fletcher32(dcpl.id()), name);
  }
  handle ds{check_id_w(H5Dcreate2(parent, name.c_str(), file_type, space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT),
                       name),
            handle::kind::dataset};
  if (n > 0) check_w(H5Dwrite(ds.id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), name);
}

template <class T>
std::vector<T> read_numeric(const location& at, const std::string& name, hid_t mem_type, bool want_float,
                            std::vector<hsize_t>& dims) {
  const std::string obj = at.child(name);
  if (!has_child(at, name)) fail_r(at, obj, "missing dataset");
  handle ds{H5Dopen2(at.obj, name.c_str(), H5P_DEFAULT), handle::kind::dataset};
  if (!ds.valid()) fail_r(at, obj, "cannot open dataset (corrupt file?)");
  handle type{H5Dget_type(ds.id()), handle::kind::datatype};
  const H5T_class_t cls = H5Tget_class(type.id());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) fail_r(at, obj, "not a numeric dataset");
  if (!want_float && cls == H5T_FLOAT) fail_r(at, obj, "expected an integer dataset, found floating point");
  handle space{H5Dget_space(ds.id()), handle::kind::dataspace};
  const int rank = H5Sget_simple_extent_ndims(space.id());
  if (rank < 0 || rank > 8) fail_r(at, obj, "unreadable dataspace");
  dims.assign(static_cast<std::size_t>(rank), 0);
  if (rank > 0) H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr);
  hsize_t n = 1;
  for (auto d : dims) n *= d;
  if (n * H5Tget_size(type.id()) > file_size_of(at) || n > (hsize_t{1} << 40))
    fail_r(at, obj, "dataset larger than the file (corrupt file?)");
  std::vector<T> v(static_cast<std::size_t>(n));
  if (n > 0 && H5Dread(ds.id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
    fail_r(at, obj, "read failed (truncated or corrupt file: checksum mismatch, or a value out of range)");
  return v;
}

handle open_attr(const location& at, const std::string& name) {
  if (!has_attr(at, name)) fail_r(at, at.path, fmt::format("missing attribute '{}'", name));
  handle a{H5Aopen(at.obj, name.c_str(), H5P_DEFAULT), handle::kind::attribute};
  if (!a.valid()) fail_r(at, at.path, fmt::format("cannot open attribute '{}'", name));
  return a;
}

}  // namespace

handle& handle::operator=(handle&& o) noexcept {
  if (this != &o) {
    this->~handle();
    m_id = o.m_id;
    m_kind = o.m_kind;
    o.m_id = H5I_INVALID_HID;
  }
  return *this;
}

handle::~handle() {
  if (m_id < 0) return;
  switch (m_kind) {
    case kind::file: H5Fclose(m_id); break;
    case kind::group: H5Gclose(m_id); break;
    case kind::dataset: H5Dclose(m_id); break;
    case kind::dataspace: H5Sclose(m_id); break;
    case kind::datatype: H5Tclose(m_id); break;
    case kind::attribute: H5Aclose(m_id); break;
    case kind::plist: H5Pclose(m_id); break;
  }
  m_id = H5I_INVALID_HID;
}

handle create_file(const std::filesystem::path& p) {
  silence_hdf5();
  // The 1.10 file format checksums the superblock, object headers and heaps (damaged
  // metadata becomes an error, not a parse of garbage) and indexes a single-chunk dataset
  // without a B-tree (small files with many small datasets).
  handle fapl{check_id_w(H5Pcreate(H5P_FILE_ACCESS), "file access list"), handle::kind::plist};
  check_w(H5Pset_libver_bounds(fapl.id(), H5F_LIBVER_V110, H5F_LIBVER_V110), "library version bounds");
  return {check_id_w(H5Fcreate(p.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id()), "create " + p.string()),
          handle::kind::file};
}

handle create_group(hid_t parent, const std::string& name) {
  return {check_id_w(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "group " + name),
          handle::kind::group};
}

void write_attr(hid_t obj, const std::string& name, const std::string& value) {
  handle type = string_type(value.size());
  handle space = scalar_space();
  handle a{check_id_w(H5Acreate2(obj, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT), name),
           handle::kind::attribute};
  std::string padded = value;
  padded.resize(value.empty() ? 1 : value.size(), '\0');
  check_w(H5Awrite(a.id(), type.id(), padded.data()), name);
}

void write_attr(hid_t obj, const std::string& name, std::int64_t value) {
  handle space = scalar_space();
  handle a{check_id_w(H5Acreate2(obj, name.c_str(), H5T_STD_I64LE, space.id(), H5P_DEFAULT, H5P_DEFAULT), name),
           handle::kind::attribute};
  check_w(H5Awrite(a.id(), H5T_NATIVE_INT64, &value), name);
}

void write_attr(hid_t obj, const std::string& name, double value) {
  handle space = scalar_space();
  handle a{check_id_w(H5Acreate2(obj, name.c_str(), H5T_IEEE_F64LE, space.id(), H5P_DEFAULT, H5P_DEFAULT), name),
           handle::kind::attribute};
  check_w(H5Awrite(a.id(), H5T_NATIVE_DOUBLE, &value), name);
}

void write_attr_u64(hid_t obj, const std::string& name, std::uint64_t value) {
  handle space = scalar_space();
  handle a{check_id_w(H5Acreate2(obj, name.c_str(), H5T_STD_U64LE, space.id(), H5P_DEFAULT, H5P_DEFAULT), name),
           handle::kind::attribute};
  check_w(H5Awrite(a.id(), H5T_NATIVE_UINT64, &value), name);
}

void write_attr(hid_t obj, const std::string& name, const std::vector<std::int64_t>& value) {
  const hsize_t n = value.size();
  handle space{check_id_w(H5Screate_simple(1, &n, nullptr), name), handle::kind::dataspace};
  handle a{check_id_w(H5Acreate2(obj, name.c_str(), H5T_STD_I64LE, space.id(), H5P_DEFAULT, H5P_DEFAULT), name),
           handle::kind::attribute};
  if (n > 0) check_w(H5Awrite(a.id(), H5T_NATIVE_INT64, value.data()), name);
}

void write_string_dataset(hid_t parent, const std::string& name, const std::string& value) {
  handle type = string_type(value.size());
  handle space = scalar_space();
  handle ds{check_id_w(H5Dcreate2(parent, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                       name),
            handle::kind::dataset};
  std::string padded = value;
  padded.resize(value.empty() ? 1 : value.size(), '\0');
  check_w(H5Dwrite(ds.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, padded.data()), name);
}

void write_dataset(hid_t parent, const std::string& name, const std::vector<std::int32_t>& v,
                   const std::vector<hsize_t>& dims) {
  write_numeric(parent, name, H5T_STD_I32LE, H5T_NATIVE_INT32, v, dims);
}
void write_dataset(hid_t parent, const std::string& name, const std::vector<std::int64_t>& v,
                   const std::vector<hsize_t>& dims) {
  write_numeric(parent, name, H5T_STD_I64LE, H5T_NATIVE_INT64, v, dims);
}
void write_dataset(hid_t parent, const std::string& name, const std::vector<float>& v, const std::vector<hsize_t>& dims) {
  write_numeric(parent, name, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, v, dims);
}
void write_dataset(hid_t parent, const std::string& name, const std::vector<double>& v,
                   const std::vector<hsize_t>& dims) {
  write_numeric(parent, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, v, dims);
}

handle open_file(const std::filesystem::path& p) {
  silence_hdf5();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(p, ec)) throw bad_input(fmt::format("{}: no such file", p.string()));
  const htri_t is_h5 = H5Fis_hdf5(p.c_str());
  if (is_h5 <= 0) throw bad_input(fmt::format("{}: not an HDF5 file (no HDF5 signature; corrupt?)", p.string()));
  handle f{H5Fopen(p.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), handle::kind::file};
  if (!f.valid())
    throw bad_input(fmt::format("{}: cannot open the HDF5 file (truncated or corrupt: its size does not match "
                                "the size recorded in its superblock, or its metadata is damaged)",
                                p.string()));
  return f;
}

bool has_child(const location& at, const std::string& name) {
  const htri_t e = H5Lexists(at.obj, name.c_str(), H5P_DEFAULT);
  if (e < 0) fail_r(at, at.child(name), "cannot read the group's links (corrupt file?)");
  return e > 0;
}

bool has_attr(const location& at, const std::string& name) {
  const htri_t e = H5Aexists(at.obj, name.c_str());
  if (e < 0) fail_r(at, at.path, "cannot read attributes (corrupt file?)");
  return e > 0;
}

handle open_group(const location& at, const std::string& name) {
  const std::string obj = at.child(name);
  if (!has_child(at, name)) fail_r(at, obj, "missing group");
  handle g{H5Gopen2(at.obj, name.c_str(), H5P_DEFAULT), handle::kind::group};
  if (!g.valid()) fail_r(at, obj, "cannot open group (not a group, or corrupt file)");
  return g;
}

std::string read_attr_string(const location& at, const std::string& name) {
  handle a = open_attr(at, name);
  handle ftype{H5Aget_type(a.id()), handle::kind::datatype};
  return read_fixed_string(at, fmt::format("{} attribute '{}'", at.path, name), a.id(), ftype.id(), true);
}

std::vector<std::int64_t> read_attr_ints(const location& at, const std::string& name) {
  handle a = open_attr(at, name);
  handle ftype{H5Aget_type(a.id()), handle::kind::datatype};
  if (H5Tget_class(ftype.id()) != H5T_INTEGER) fail_r(at, at.path, fmt::format("attribute '{}' is not an integer", name));
  handle space{H5Aget_space(a.id()), handle::kind::dataspace};
  const hssize_t n = H5Sget_simple_extent_npoints(space.id());
  if (n < 0 || n > 1024) fail_r(at, at.path, fmt::format("attribute '{}' has an unexpected size", name));
  std::vector<std::int64_t> v(static_cast<std::size_t>(n));
  if (n > 0 && H5Aread(a.id(), H5T_NATIVE_INT64, v.data()) < 0)
    fail_r(at, at.path, fmt::format("cannot read attribute '{}'", name));
  return v;
}

std::int64_t read_attr_int(const location& at, const std::string& name) {
  const auto v = read_attr_ints(at, name);
  if (v.size() != 1) fail_r(at, at.path, fmt::format("attribute '{}' must be a scalar", name));
  return v[0];
}

double read_attr_double(const location& at, const std::string& name) {
  handle a = open_attr(at, name);
  handle ftype{H5Aget_type(a.id()), handle::kind::datatype};
  const H5T_class_t cls = H5Tget_class(ftype.id());
  if (cls != H5T_FLOAT && cls != H5T_INTEGER) fail_r(at, at.path, fmt::format("attribute '{}' is not a number", name));
  handle space{H5Aget_space(a.id()), handle::kind::dataspace};
  if (H5Sget_simple_extent_npoints(space.id()) != 1)
    fail_r(at, at.path, fmt::format("attribute '{}' must be a scalar", name));
  double v = 0;
  if (H5Aread(a.id(), H5T_NATIVE_DOUBLE, &v) < 0) fail_r(at, at.path, fmt::format("cannot read attribute '{}'", name));
  return v;
}

std::uint64_t read_attr_u64(const location& at, const std::string& name) {
  handle a = open_attr(at, name);
  handle ftype{H5Aget_type(a.id()), handle::kind::datatype};
  handle space{H5Aget_space(a.id()), handle::kind::dataspace};
  if (H5Tget_class(ftype.id()) != H5T_INTEGER || H5Sget_simple_extent_npoints(space.id()) != 1)
    fail_r(at, at.path, fmt::format("attribute '{}' must be a scalar integer", name));
  std::uint64_t v = 0;
  if (H5Aread(a.id(), H5T_NATIVE_UINT64, &v) < 0) fail_r(at, at.path, fmt::format("cannot read attribute '{}'", name));
  return v;
}

std::string read_string_dataset(const location& at, const std::string& name) {
  const std::string obj = at.child(name);
  if (!has_child(at, name)) fail_r(at, obj, "missing dataset");
  handle ds{H5Dopen2(at.obj, name.c_str(), H5P_DEFAULT), handle::kind::dataset};
  if (!ds.valid()) fail_r(at, obj, "cannot open dataset");
  handle ftype{H5Dget_type(ds.id()), handle::kind::datatype};
  return read_fixed_string(at, obj, ds.id(), ftype.id(), false);
}

std::vector<std::int32_t> read_i32(const location& at, const std::string& name, std::vector<hsize_t>& dims) {
  return read_numeric<std::int32_t>(at, name, H5T_NATIVE_INT32, false, dims);
}
std::vector<std::int64_t> read_i64(const location& at, const std::string& name, std::vector<hsize_t>& dims) {
  return read_numeric<std::int64_t>(at, name, H5T_NATIVE_INT64, false, dims);
}
std::vector<float> read_f32(const location& at, const std::string& name, std::vector<hsize_t>& dims) {
  return read_numeric<float>(at, name, H5T_NATIVE_FLOAT, true, dims);
}
std::vector<double> read_f64(const location& at, const std::string& name, std::vector<hsize_t>& dims) {
  return read_numeric<double>(at, name, H5T_NATIVE_DOUBLE, true, dims);
}

std::string index_name(std::size_t i, int width) { return fmt::format("{:0{}}", i, width); }

void check_format(const location& root, const std::string& expected_format, std::int64_t supported_version) {
  if (!has_attr(root, "format"))
    fail_r(root, "/", fmt::format("missing attribute 'format': not a {} file", expected_format));
  const std::string fmt_name = read_attr_string(root, "format");
  if (fmt_name != expected_format)
    fail_r(root, "/", fmt::format("format is '{}', expected '{}'", fmt_name, expected_format));
  const std::int64_t v = read_attr_int(root, "format_version");
  if (v > supported_version)
    fail_r(root, "/", fmt::format("format_version {} is newer than this snncosim supports ({}); update snncosim", v,
                                  supported_version));
  if (v < 1) fail_r(root, "/", fmt::format("format_version {} is invalid", v));
  if (has_attr(root, "numerics_version")) {
    const std::int64_t nv = read_attr_int(root, "numerics_version");
    if (nv > numerics_version || nv < 1)
      fail_r(root, "/", fmt::format("numerics_version {} is not supported (this snncosim implements {})", nv,
                                    numerics_version));
  }
}

}  // namespace snncosim::numerics::h5
