// The Yosys flow end to end on the smallest calibration configuration: run_yosys must
// reproduce the counts calibrate.sh recorded with its own (Python) cell counting.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "snncosim/testing/small_csnn.h"
#include "snncosim/explore/yosys.h"
#include "snncosim/tb/rtl_design.h"

namespace ex = snncosim::explore;
namespace nx = snncosim::numerics;
namespace sm = snncosim::sc_models;

TEST_CASE("explore_yosys/tiny_engine_matches_the_calibration_record") {
  if (!ex::yosys_available()) {
    MESSAGE("yosys not installed: skipped");
    return;
  }
  ex::engine_params p;  // last row of calibration_xcup.csv
  p.n = 1, p.penc = 8, p.sdepth = 80, p.wbits = 8, p.wwidth = 16, p.wdepth = 64, p.acc = 12, p.mem = 12;
  p.adepth = 64, p.mdepth = 64, p.fdepth = 2, p.ebits = 12;
  const auto dir = std::filesystem::temp_directory_path() / ("snncosim_yosys_test_" + std::to_string(::getpid()));
  const ex::yosys_result r = ex::run_yosys(p, "xcup", dir);
  std::filesystem::remove_all(dir);
  CHECK(r.used.lut == 262);
  CHECK(r.used.ff == 94);
  CHECK(r.used.bram36 == 0);
  CHECK(r.used.dsp == 1);
}

// The real RTL engine (rtl/layer_engine) at the smallest calibration size through Yosys: the
// RTL resource model must hold its stated error (docs/hardware.md §11) on a fresh synthesis.
TEST_CASE("explore_yosys/rtl_engine_within_the_stated_error_of_the_model") {
  if (!ex::yosys_available()) {
    MESSAGE("yosys not installed: skipped");
    return;
  }
  ex::rtl_engine_params p;  // first row of calibration_rtl_xcup.csv
  p.lanes = 1, p.chunk = 8, p.spike_words = 64, p.weight_words = 64, p.acc_words = 64, p.mem_words = 64;
  p.chan_words = 4, p.max_frame = 64, p.fifo_depth = 4, p.max_rate = 1, p.max_latency = 2;
  REQUIRE(ex::rtl_synthesis_bounded(p));
  const auto dir = std::filesystem::temp_directory_path() / ("snncosim_yosys_rtl_" + std::to_string(::getpid()));
  const ex::yosys_result r = ex::run_yosys_rtl(p, "xcup", dir);
  std::filesystem::remove_all(dir);
  const ex::resources m = ex::estimate_rtl_engine(p);
  MESSAGE("yosys LUT " << r.used.lut << " FF " << r.used.ff << " BRAM36 " << r.used.bram36 << " DSP " << r.used.dsp
                       << " in " << r.seconds << " s; model LUT " << m.lut << " FF " << m.ff << " BRAM36 " << m.bram36
                       << " DSP " << m.dsp);
  CHECK(r.top == "snn_layer_engine");
  CHECK(std::abs(m.lut - r.used.lut) <= ex::rtl_model_error().lut * r.used.lut);
  CHECK(std::abs(m.ff - r.used.ff) <= ex::rtl_model_error().ff * r.used.ff);
  CHECK(std::abs(m.bram36 - r.used.bram36) <= ex::rtl_model_error().bram36);
  CHECK(std::abs(m.dsp - r.used.dsp) <= ex::rtl_model_error().dsp);
}

// The specialised engines: the parameters explore prices must be the ones the generator
// writes (no Yosys needed).
TEST_CASE("explore_yosys/specialised_parameters_are_the_generated_ones") {
  const nx::quant_model m = snncosim::testing::small_csnn();
  for (const char* hw_yaml : {"layer_defaults: {neuron_cores: 1}\n",
                              "pipeline_mode: timestep_pipelined\nlayer_defaults: {neuron_cores: 2, penc_width_bits: 8, "
                              "router_events_per_cycle: 2, spike_fifo_depth: 4}\n"}) {
    for (int steps : {1, 4}) {
      const sm::hardware_config hw = sm::resolve_hardware(snncosim::testing::hardware(hw_yaml), m);
      const snncosim::tb::rtl_design d = snncosim::tb::generate_rtl(m, hw, steps);
      const auto shapes = ex::engine_shapes(m);
      REQUIRE(shapes.size() == d.engines.size());
      for (std::size_t e = 0; e < shapes.size(); ++e) {
        CAPTURE(e);
        CAPTURE(steps);
        const ex::spec_engine_params p = ex::specialised_engine_parameters(shapes[e], hw, e, steps);
        const auto& s = d.engines[e].limits;
        CHECK(p.lanes == s.lanes);
        CHECK(p.chunk == s.chunk_bits);
        CHECK(p.spike_words == s.spike_words);
        CHECK(p.weight_words == s.weight_words);
        CHECK(p.acc_words == s.acc_words);
        CHECK(p.mem_words == s.mem_words);
        CHECK(p.chan_words == s.chan_words);
        CHECK(p.max_frame == s.max_frame);
        CHECK(p.fifo_depth == s.fifo_depth);
        CHECK(p.max_rate == s.max_rate);
        CHECK(p.max_latency == s.max_latency);
        CHECK(p.set_ports == d.engines[e].set_ports);
      }
    }
  }
}

// One engine of the generated design through Yosys: the small CSNN's conv1 with an 8-bit
// priority encoder and a 2-deep router FIFO on yaml/hardware/default.yaml (row 4 of
// explore/rtl_model/calibration_spec_xcup.csv: LUT 3435, FF 621, BRAM36 2, DSP 11, about 20 s
// of Yosys CPU). The specialised resource model must hold its stated error (docs/hardware.md
// §11.2) on a fresh synthesis.
TEST_CASE("explore_yosys/specialised_engine_within_the_stated_error_of_the_model") {
  if (!ex::yosys_available()) {
    MESSAGE("yosys not installed: skipped");
    return;
  }
  const nx::quant_model m = snncosim::testing::small_csnn();
  const sm::hardware_config hw = sm::resolve_hardware(
      snncosim::testing::hardware("pipeline_mode: layer_sequential\nlayer_defaults:\n  neuron_cores: 1\n  penc_width_bits: 32\n"
                            "  weight_memory: {kind: bram, read_latency_cycles: 1, width_bits: 64, ports: 1}\n"
                            "  membrane_memory: {kind: bram, read_latency_cycles: 1}\n  spike_fifo_depth: 16\n"
                            "  router_events_per_cycle: 1\nlayers:\n  conv1: {penc_width_bits: 8, spike_fifo_depth: 2}\n"),
      m);
  const snncosim::tb::rtl_design d = snncosim::tb::generate_rtl(m, hw, 1);
  const std::size_t e = 0;  // conv1
  const ex::spec_engine_params p = ex::specialised_engine_parameters(ex::engine_shapes(m)[e], hw, e, 1);
  REQUIRE(p.chunk == 8);
  REQUIRE(p.fifo_depth == 2);
  REQUIRE(p.spike_words == 36);
  const auto dir = std::filesystem::temp_directory_path() / ("snncosim_yosys_spec_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto wrapper = dir / "snn_engine_0.sv";
  std::ofstream(wrapper) << snncosim::tb::engine_wrapper_sv(d, e, "snn_engine_0");
  std::vector<std::filesystem::path> files = d.sources;
  files.push_back(wrapper);
  const ex::yosys_result r = ex::run_yosys_sources(files, "snn_engine_0", "xcup", dir);
  std::filesystem::remove_all(dir);
  const ex::resources mo = ex::estimate_specialised_engine(p);
  MESSAGE("yosys LUT " << r.used.lut << " FF " << r.used.ff << " BRAM36 " << r.used.bram36 << " DSP " << r.used.dsp
                       << " ltp " << r.ltp << " in " << r.cpu_seconds << " s CPU; model LUT " << mo.lut << " FF "
                       << mo.ff << " BRAM36 " << mo.bram36 << " DSP " << mo.dsp);
  CHECK(r.top == "snn_engine_0");
  CHECK(r.ltp > 0);
  CHECK(std::abs(mo.lut - r.used.lut) <= ex::specialised_model_error().lut * r.used.lut);
  CHECK(std::abs(mo.ff - r.used.ff) <= ex::specialised_model_error().ff * r.used.ff);
  CHECK(std::abs(mo.bram36 - r.used.bram36) <= ex::specialised_model_error().bram36);
  CHECK(std::abs(mo.dsp - r.used.dsp) <= ex::specialised_model_error().dsp);
}

TEST_CASE("explore_yosys/ltp_and_cpu_parsing") {
  CHECK(ex::parse_ltp_length("x\nLongest topological path in snn_engine_0 (length=69):\n  0: a\n") == 69);
  CHECK(ex::parse_ltp_length("Longest topological path in a (length=3):\nLongest topological path in b (length=12):") == 12);
  CHECK(ex::parse_ltp_length("nothing") == -1);
  CHECK(ex::parse_yosys_cpu_seconds("End of script. Logfile hash: c9, CPU: user 23.71s system 0.31s, MEM: 291 MB") ==
        doctest::Approx(24.02));
  CHECK(ex::parse_yosys_cpu_seconds("") == -1);
}
