// Test helper: rewrites one integer attribute or dataset of an HDF5 file in place, or
// deletes one object, so the bad-input suite can make mis-shaped model and trace files from
// valid ones without Python/h5py. Checksums (Fletcher-32 of the chunks, metadata checksums)
// are recomputed by the HDF5 library, so the damage is exactly the edited value.
//   numerics_h5_edit FILE attr OBJECT NAME V...     integer attribute: scalar for one value, else 1-D
//   numerics_h5_edit FILE dataset PATH V...         same number of values as the dataset holds
//   numerics_h5_edit FILE delete PATH
#include <hdf5.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

int usage(const char* argv0) {
  std::fprintf(stderr, "usage: %s FILE attr OBJECT NAME V... | FILE dataset PATH V... | FILE delete PATH\n", argv0);
  return 2;
}

std::vector<long long> values(int argc, char** argv, int first) {
  std::vector<long long> v;
  for (int i = first; i < argc; ++i) v.push_back(std::strtoll(argv[i], nullptr, 10));
  return v;
}

int fail(const std::string& what) {
  std::fprintf(stderr, "numerics_h5_edit: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) return usage(argv[0]);
  const std::string op = argv[2];
  const hid_t f = H5Fopen(argv[1], H5F_ACC_RDWR, H5P_DEFAULT);
  if (f < 0) return fail(std::string("cannot open ") + argv[1]);
  int rc = 0;
  if (op == "attr" && argc >= 6) {
    const std::vector<long long> v = values(argc, argv, 5);
    if (H5Adelete_by_name(f, argv[3], argv[4], H5P_DEFAULT) < 0) rc = fail("no attribute " + std::string(argv[4]));
    const hsize_t n = v.size();
    const hid_t space = v.size() == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr);
    const hid_t a = H5Acreate_by_name(f, argv[3], argv[4], H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (rc == 0 && (a < 0 || H5Awrite(a, H5T_NATIVE_LLONG, v.data()) < 0)) rc = fail("cannot write the attribute");
    if (a >= 0) H5Aclose(a);
    H5Sclose(space);
  } else if (op == "dataset" && argc >= 5) {
    const std::vector<long long> v = values(argc, argv, 4);
    const hid_t ds = H5Dopen2(f, argv[3], H5P_DEFAULT);
    if (ds < 0) {
      rc = fail("no dataset " + std::string(argv[3]));
    } else {
      const hid_t space = H5Dget_space(ds);
      if (H5Sget_simple_extent_npoints(space) != static_cast<hssize_t>(v.size()))
        rc = fail("the dataset holds another number of values");
      else if (H5Dwrite(ds, H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
        rc = fail("cannot write the dataset");
      H5Sclose(space);
      H5Dclose(ds);
    }
  } else if (op == "delete") {
    if (H5Ldelete(f, argv[3], H5P_DEFAULT) < 0) rc = fail("cannot delete " + std::string(argv[3]));
  } else {
    rc = usage(argv[0]);
  }
  H5Fclose(f);
  return rc;
}
