// Writes the NIR graphs the CLI tests and the bad-input suite use into a folder:
//   conv.nir          conv_graph() (2x8x8 -> 2 outputs: the tiny experiments' data)
//   spike_pool.nir    spike_pool_graph()
//   recurrent.nir     conv.nir plus the edge lif3 -> fc (a cycle)
//   unknown_type.nir  conv.nir with if2 of type "Frobnicate"
//   delay.nir         conv.nir with a Delay node between lif1 and conv2
//   v_reset.nir       conv.nir with lif1's v_reset = 0.5
// usage: interop_write_examples FOLDER
#include <filesystem>
#include <iostream>

#include "snncosim/interop/nir_file.h"
#include "test_graphs.h"

int main(int argc, char** argv) {
  using namespace snncosim::interop;
  if (argc != 2) {
    std::cerr << "usage: interop_write_examples FOLDER\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  write_nir_file(dir / "conv.nir", test::conv_graph());
  write_nir_file(dir / "spike_pool.nir", test::spike_pool_graph());
  nir_graph g = test::conv_graph();
  g.edges.emplace_back("lif3", "fc");
  write_nir_file(dir / "recurrent.nir", g);
  g = test::conv_graph();
  g.nodes["if2"].type = "Frobnicate";
  write_nir_file(dir / "unknown_type.nir", g);
  g = test::conv_graph();
  g.nodes["d1"] = {"Delay", {{"delay", nir_array::vector(std::vector<double>(64, 1.0))}}, {}, {}, {}};
  for (auto& e : g.edges)
    if (e.first == "lif1") e.first = "d1";
  g.edges.emplace_back("lif1", "d1");
  write_nir_file(dir / "delay.nir", g);
  g = test::conv_graph();
  for (auto& v : g.nodes["lif1"].params["v_reset"].values) v = 0.5;
  write_nir_file(dir / "v_reset.nir", g);
  std::cout << "NIR examples in " << dir.string() << "\n";
  return 0;
}
