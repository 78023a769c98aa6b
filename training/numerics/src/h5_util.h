#pragma once
// Thin RAII wrappers over the HDF5 C API for the model and trace files. Every failure while
// reading becomes bad_input naming the file and the HDF5 object path; failures while writing
// are runtime errors. Internal to snncosim_numerics.
#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace snncosim::numerics::h5 {

// Owns one hid_t and closes it with the matching H5*close.
class handle {
 public:
  enum class kind { file, group, dataset, dataspace, datatype, attribute, plist };
  handle() = default;
  handle(hid_t id, kind k) : m_id(id), m_kind(k) {}
  handle(const handle&) = delete;
  handle& operator=(const handle&) = delete;
  handle(handle&& o) noexcept : m_id(o.m_id), m_kind(o.m_kind) { o.m_id = H5I_INVALID_HID; }
  handle& operator=(handle&& o) noexcept;
  ~handle();
  hid_t id() const { return m_id; }
  bool valid() const { return m_id >= 0; }

 private:
  hid_t m_id = H5I_INVALID_HID;
  kind m_kind = kind::file;
};

// Where a read happens: the file name for messages, and the object (group) being read.
struct location {
  std::string file;  // for messages
  hid_t obj;         // file or group id
  std::string path;  // HDF5 path of obj, for messages ("/layers/003")
  std::string child(const std::string& name) const { return path == "/" ? "/" + name : path + "/" + name; }
};

// ---- writing (runtime_error on failure) ----
handle create_file(const std::filesystem::path& p);
handle create_group(hid_t parent, const std::string& name);
void write_attr(hid_t obj, const std::string& name, const std::string& value);
void write_attr(hid_t obj, const std::string& name, std::int64_t value);
void write_attr(hid_t obj, const std::string& name, double value);
void write_attr_u64(hid_t obj, const std::string& name, std::uint64_t value);
void write_attr(hid_t obj, const std::string& name, const std::vector<std::int64_t>& value);
void write_string_dataset(hid_t parent, const std::string& name, const std::string& value);
void write_dataset(hid_t parent, const std::string& name, const std::vector<std::int32_t>& v,
                   const std::vector<hsize_t>& dims);
void write_dataset(hid_t parent, const std::string& name, const std::vector<std::int64_t>& v,
                   const std::vector<hsize_t>& dims);
void write_dataset(hid_t parent, const std::string& name, const std::vector<float>& v, const std::vector<hsize_t>& dims);
void write_dataset(hid_t parent, const std::string& name, const std::vector<double>& v, const std::vector<hsize_t>& dims);

// ---- reading (bad_input on failure) ----
handle open_file(const std::filesystem::path& p);
handle open_group(const location& at, const std::string& name);  // bad_input "missing group"
bool has_child(const location& at, const std::string& name);
bool has_attr(const location& at, const std::string& name);
std::string read_attr_string(const location& at, const std::string& name);
std::int64_t read_attr_int(const location& at, const std::string& name);
double read_attr_double(const location& at, const std::string& name);
std::uint64_t read_attr_u64(const location& at, const std::string& name);
std::vector<std::int64_t> read_attr_ints(const location& at, const std::string& name);
std::string read_string_dataset(const location& at, const std::string& name);
// Reads a numeric dataset converted to T; `dims` receives its shape.
std::vector<std::int32_t> read_i32(const location& at, const std::string& name, std::vector<hsize_t>& dims);
std::vector<std::int64_t> read_i64(const location& at, const std::string& name, std::vector<hsize_t>& dims);
std::vector<float> read_f32(const location& at, const std::string& name, std::vector<hsize_t>& dims);
std::vector<double> read_f64(const location& at, const std::string& name, std::vector<hsize_t>& dims);

// Zero-padded child name of index i ("000", "001", ...; width 3 for layers, 6 for samples).
std::string index_name(std::size_t i, int width);

// Checks the root "format" and "format_version" attributes (and numerics_version when
// present): bad_input for another format, a newer version or a missing attribute.
void check_format(const location& root, const std::string& expected_format, std::int64_t supported_version);

}  // namespace snncosim::numerics::h5
