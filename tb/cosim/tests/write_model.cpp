// Writes the co-simulation test network (small_csnn.h) as a model file, for the CLI tests
// and scripts/cosim-campaign. Usage: tb_cosim_write_model FILE
#include <cstdio>
#include <exception>

#include "snncosim/testing/small_csnn.h"
#include "snncosim/numerics/model_file.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s FILE\n", argv[0]);
    return 2;
  }
  try {
    snncosim::numerics::write_model_file(argv[1], snncosim::testing::small_csnn());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
