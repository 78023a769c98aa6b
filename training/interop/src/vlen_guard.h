#pragma once
// Checks the global-heap references of a variable-length string dataset before HDF5 reads
// it. HDF5 1.10 copies each string out of the file's global heap without bounds checks, so a
// damaged NIR file crashed the reader (found by fuzzing: 2 of 300 damaged copies). NIR files
// store every string variable-length (h5py's default), so we cannot avoid them; instead we
// parse the heap collections ourselves (HDF5 file format spec, "Global Heap") and refuse the
// file unless every string's object exists, lies inside its collection and has the length
// the dataset element declares. Internal to snncosim_interop.
#include <hdf5.h>

#include <cstddef>
#include <string>

namespace snncosim::interop {

// bad_input "<file>: <object>: ..." when the references are not sound, or when the dataset
// is not stored contiguously (chunked or compact variable-length strings cannot be checked;
// h5py and our writer never produce them).
void check_vlen_heap(hid_t dataset, const std::string& file, const std::string& object);

// For fixed-size data (numbers, fixed-length strings): the stored bytes must cover what the
// dataspace declares. HDF5 1.10 copies a compact or contiguous dataset by the dataspace's
// size without comparing it to the storage (a damaged dataspace crashed the reader).
// `element_bytes` is the size of one element in the file.
void check_raw_extent(hid_t dataset, std::size_t element_bytes, const std::string& file, const std::string& object);

}  // namespace snncosim::interop
