// Global-heap bounds checks for variable-length strings (vlen_guard.h).
#include "vlen_guard.h"

#include <cstdint>
#include <fstream>
#include <map>
#include <vector>

#include <fmt/format.h>

#include "snncosim/common/error.h"

namespace snncosim::interop {
namespace {

std::uint64_t little_endian(const unsigned char* p, std::size_t bytes) {
  std::uint64_t v = 0;
  for (std::size_t i = bytes; i-- > 0;) v = (v << 8) | p[i];
  return v;
}

}  // namespace

void check_vlen_heap(hid_t dataset, const std::string& file, const std::string& object) {
  auto fail = [&](const std::string& problem) {
    throw bad_input(fmt::format("{}: {}: {}", file, object, problem));
  };
  const hid_t f = H5Iget_file_id(dataset);
  if (f < 0) fail("cannot determine the file of this dataset");
  hsize_t file_size = 0;
  std::size_t sizeof_addr = 0, sizeof_size = 0;
  const hid_t fcpl = H5Fget_create_plist(f);
  const bool ok = H5Fget_filesize(f, &file_size) >= 0 && fcpl >= 0 && H5Pget_sizes(fcpl, &sizeof_addr, &sizeof_size) >= 0;
  if (fcpl >= 0) H5Pclose(fcpl);
  H5Fclose(f);
  if (!ok || sizeof_addr < 2 || sizeof_addr > 8 || sizeof_size < 2 || sizeof_size > 8)
    fail("cannot read the file's address sizes (corrupt file?)");

  const hid_t space = H5Dget_space(dataset);
  const hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
  if (space >= 0) H5Sclose(space);
  if (n < 0) fail("unreadable dataspace");
  if (n == 0) return;
  const haddr_t offset = H5Dget_offset(dataset);
  if (offset == HADDR_UNDEF)
    fail("variable-length strings not stored contiguously (chunked or compact) cannot be checked; rewrite the file "
         "with h5py or nir.write");
  // One element on disk: sequence length (4 bytes), heap collection address, object index (4).
  const std::size_t element = 4 + sizeof_addr + 4;
  const auto count = static_cast<std::uint64_t>(n);
  if (offset > file_size || count > (file_size - offset) / element) fail("string data beyond the end of the file (truncated?)");

  std::ifstream in(file, std::ios::binary);
  auto read_at = [&](std::uint64_t at, std::size_t bytes) {
    std::vector<unsigned char> buf(bytes);
    in.seekg(static_cast<std::streamoff>(at));
    if (!in.read(reinterpret_cast<char*>(buf.data()), static_cast<std::streamsize>(bytes)))
      fail("cannot read the string data (truncated file?)");
    return buf;
  };
  const auto raw = read_at(offset, static_cast<std::size_t>(count * element));

  std::map<std::uint64_t, std::map<std::uint64_t, std::uint64_t>> collections;  // address -> index -> size
  auto collection = [&](std::uint64_t addr) -> const std::map<std::uint64_t, std::uint64_t>& {
    if (const auto it = collections.find(addr); it != collections.end()) return it->second;
    const std::size_t header = 8 + sizeof_size;  // "GCOL", version, 3 reserved, collection size
    if (addr > file_size || header > file_size - addr) fail("a string's heap collection lies beyond the end of the file");
    const auto h = read_at(addr, header);
    if (h[0] != 'G' || h[1] != 'C' || h[2] != 'O' || h[3] != 'L' || h[4] != 1)
      fail("a string's heap collection has no valid signature (corrupt file)");
    const std::uint64_t size = little_endian(&h[8], sizeof_size);
    if (size < header || size > file_size - addr || size > (std::uint64_t{1} << 30))
      fail("a string's heap collection has an impossible size (corrupt file)");
    const auto body = read_at(addr, static_cast<std::size_t>(size));
    auto& objects = collections[addr];
    const std::size_t object_header = 8 + sizeof_size;  // index (2), references (2), reserved (4), size
    // The same walk as HDF5's collection decoder, which also steps over the free-space object
    // (index 0, whose size includes its header): a size that does not advance would loop
    // forever there, one that runs past the end would make it copy out of bounds.
    for (std::uint64_t pos = header; pos + object_header <= size;) {
      const std::uint64_t index = little_endian(&body[pos], 2);
      const std::uint64_t bytes = little_endian(&body[pos + 8], sizeof_size);
      if (bytes > size) fail("a heap object is larger than its collection (corrupt file)");
      const std::uint64_t need = index > 0 ? object_header + (bytes + 7) / 8 * 8 : bytes;
      if (need < object_header || need > size - pos) fail("a heap object runs past its collection (corrupt file)");
      if (index > 0) objects[index] = bytes;
      pos += need;
    }
    return objects;
  };
  for (std::uint64_t e = 0; e < count; ++e) {
    const unsigned char* p = &raw[static_cast<std::size_t>(e * element)];
    const std::uint64_t length = little_endian(p, 4);
    const std::uint64_t addr = little_endian(p + 4, sizeof_addr);
    const std::uint64_t index = little_endian(p + 4 + sizeof_addr, 4);
    if (length == 0) continue;  // an empty string reads nothing from the heap
    const auto& objects = collection(addr);
    const auto it = objects.find(index);
    if (it == objects.end()) fail(fmt::format("string {} refers to a heap object that does not exist (corrupt file)", e));
    if (it->second != length)
      fail(fmt::format("string {} declares {} bytes but its heap object holds {} (corrupt file)", e, length, it->second));
  }
}

void check_raw_extent(hid_t dataset, std::size_t element_bytes, const std::string& file, const std::string& object) {
  auto fail = [&](const std::string& problem) {
    throw bad_input(fmt::format("{}: {}: {}", file, object, problem));
  };
  const hid_t space = H5Dget_space(dataset);
  const hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
  if (space >= 0) H5Sclose(space);
  if (n < 0) fail("unreadable dataspace");
  const hid_t dcpl = H5Dget_create_plist(dataset);
  const H5D_layout_t layout = dcpl >= 0 ? H5Pget_layout(dcpl) : H5D_LAYOUT_ERROR;
  if (layout == H5D_CHUNKED) {
    // A chunk larger than the dataset (which h5py and our writers never make for fixed-size
    // data) made HDF5 1.10 copy past a decoded chunk.
    std::vector<hsize_t> dims(8), chunk(8);
    const hid_t sp = H5Dget_space(dataset);
    const int rank = sp >= 0 ? H5Sget_simple_extent_dims(sp, dims.data(), nullptr) : -1;
    if (sp >= 0) H5Sclose(sp);
    const int crank = H5Pget_chunk(dcpl, 8, chunk.data());
    H5Pclose(dcpl);
    if (rank < 0 || crank != rank) fail("chunk shape does not match the dataspace (corrupt file)");
    hsize_t chunks = 1;
    for (std::size_t i = 0; i < static_cast<std::size_t>(rank); ++i) {
      if (chunk[i] == 0 || chunk[i] > dims[i]) fail("chunks larger than the dataset (corrupt file)");
      chunks *= (dims[i] + chunk[i] - 1) / chunk[i];
      // Millions of (missing) chunks would take minutes to read as fill values.
      if (chunks > (hsize_t{1} << 20)) fail("more than a million chunks (corrupt file?)");
    }
    return;
  }
  if (dcpl >= 0) H5Pclose(dcpl);
  if (layout != H5D_COMPACT && layout != H5D_CONTIGUOUS) fail("unsupported storage layout (corrupt file?)");
  const auto need = static_cast<hsize_t>(n) * element_bytes;
  const hsize_t stored = H5Dget_storage_size(dataset);
  if (layout == H5D_COMPACT && stored != need)
    fail(fmt::format("the dataspace declares {} bytes but {} are stored (corrupt file)", need, stored));
  if (layout == H5D_CONTIGUOUS && stored != 0) {  // 0: never written, reads the fill value
    if (stored < need) fail(fmt::format("the dataspace declares {} bytes but {} are stored (corrupt file)", need, stored));
    const haddr_t offset = H5Dget_offset(dataset);
    const hid_t f = H5Iget_file_id(dataset);
    hsize_t file_size = 0;
    const bool ok = f >= 0 && H5Fget_filesize(f, &file_size) >= 0;
    if (f >= 0) H5Fclose(f);
    if (!ok || offset == HADDR_UNDEF || offset > file_size || stored > file_size - offset)
      fail("data beyond the end of the file (truncated or corrupt file)");
  }
}

}  // namespace snncosim::interop
