// Fast evaluator on the hand-computed examples of docs/hardware.md §3.6, the search against
// brute force, budgets and the resource model's arithmetic.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "snncosim/common/error.h"
#include "snncosim/explore/evaluator.h"
#include "snncosim/explore/search.h"
#include "snncosim/testing/models.h"

using namespace snncosim;
namespace nx = snncosim::numerics;
namespace sm = snncosim::sc_models;
namespace ex = snncosim::explore;

namespace {

sm::hardware_config hw_of(const std::string& body, const nx::quant_model& m) {
  return sm::resolve_hardware(snncosim::testing::hardware(body), m);
}

ex::sample_timing one(const nx::quant_model& m, const std::vector<std::uint8_t>& in, int T,
                      const sm::hardware_config& hw) {
  const ex::workload w = ex::make_workload(m, {in}, {T});
  ex::evaluator ev(w);
  return ev.evaluate_sample(hw, 0, true);
}

}  // namespace

TEST_CASE("explore_eval/one_conv_layer_three_spikes") {
  std::mt19937_64 rng(1);
  nx::quant_model m;
  m.input = {1, 4, 4};
  m.layers.push_back(snncosim::testing::conv(rng, "conv1", 1, 2, 3, 1, 1, snncosim::testing::leaky(0.5, 1.0)));
  const auto hw = hw_of(
      "layer_defaults:\n  neuron_cores: 1\n  penc_width_bits: 4\n  weight_memory: {read_latency_cycles: 2}\n"
      "  membrane_memory: {read_latency_cycles: 1}\n  spike_memory: {read_latency_cycles: 1}\n",
      m);
  std::vector<std::uint8_t> in(16, 0);
  in[0] = in[5] = in[15] = 1;
  const ex::sample_timing s = one(m, in, 1, hw);
  const auto& st = s.layers.at(0).steps.at(0);
  CHECK(st.compress == 1 + 4 + 3);
  CHECK(st.accumulate == 3 * 9 * 2 + 2 + 1);
  CHECK(st.activate == 2 * 16 + 1);
  CHECK(st.idle == 8);
  CHECK(s.latency_cycles == 98);
  CHECK(s.layers[0].synaptic_ops == (4 + 9 + 4) * 2);
}

TEST_CASE("explore_eval/router_back_pressure") {
  std::mt19937_64 rng(3);
  nx::quant_model m;
  m.input = {4, 1, 1};
  m.layers.push_back(snncosim::testing::linear(rng, "fc", 4, 4, snncosim::testing::leaky(0.0, 0.01), 5.0f));
  const auto hw = hw_of("layer_defaults: {neuron_cores: 4, spike_fifo_depth: 1, router_events_per_cycle: 1}\n", m);
  const ex::sample_timing s = one(m, {1, 1, 1, 1}, 1, hw);
  REQUIRE(s.layers[0].packets == 4);
  CHECK(s.layers[0].stall == 3);
  CHECK(s.latency_cycles == 6 + 6 + 2 + 3);
  CHECK(s.layers[0].drain_end == 17);
}

TEST_CASE("explore_eval/two_layers_both_modes") {
  std::mt19937_64 rng(4);
  nx::quant_model m;
  m.input = {4, 1, 1};
  m.layers.push_back(snncosim::testing::linear(rng, "fc1", 4, 2, snncosim::testing::leaky(0.0, 0.01), 5.0f));
  m.layers.push_back(snncosim::testing::linear(rng, "fc2", 2, 2, snncosim::testing::leaky(0.0, 0.01), 5.0f));
  const std::string body = "layer_defaults: {router_events_per_cycle: 4}\nlayers:\n  fc1: {neuron_cores: 2}\n";
  const std::vector<std::uint8_t> in(12, 1);
  const ex::sample_timing p = one(m, in, 3, hw_of("pipeline_mode: timestep_pipelined\n" + body, m));
  CHECK(p.layers[0].steps[0].end == 14);
  CHECK(p.layers[0].steps[2].end == 30);
  CHECK(p.layers[1].start == 14);
  CHECK(p.layers[1].steps[0].end == 27);
  CHECK(p.layers[1].steps[1].end == 36);
  CHECK(p.latency_cycles == 45);
  const ex::sample_timing q = one(m, in, 3, hw_of("pipeline_mode: layer_sequential\n" + body, m));
  CHECK(q.layers[1].start == 30);
  CHECK(q.latency_cycles == 61);
}

namespace {

nx::quant_model small_net() {
  std::mt19937_64 rng(11);
  nx::quant_model m;
  m.input = {2, 6, 6};
  m.layers.push_back(snncosim::testing::conv(rng, "conv1", 2, 4, 3, 1, 1, snncosim::testing::leaky(0.9, 0.6), 0.3f));
  m.layers.push_back(snncosim::testing::mover("flatten", nx::layer_kind::flatten));
  m.layers.push_back(snncosim::testing::linear(rng, "fc1", 4 * 36, 6, snncosim::testing::leaky(0.8, 0.5), 0.2f));
  return m;
}

ex::workload small_workload(const nx::quant_model& m) {
  std::mt19937_64 rng(5);
  std::vector<std::vector<std::uint8_t>> in;
  std::vector<int> steps;
  for (int s = 0; s < 3; ++s) {
    in.push_back(snncosim::testing::random_spikes(rng, static_cast<std::size_t>(m.input.size() * 4), 0.3));
    steps.push_back(4);
  }
  return ex::make_workload(m, in, steps);
}

ex::platform_info small_platform(double lut) {
  ex::platform_info p;
  p.name = "test";
  p.family = "zynq_ultrascale_plus";
  p.yosys_family = "xcup";
  p.capacity = {lut, 1e6, 1000, 0, 1000};
  return p;
}

}  // namespace

TEST_CASE("explore_search/exhaustive_finds_the_true_optimum") {
  const nx::quant_model m = small_net();
  const ex::workload w = small_workload(m);
  const sm::hardware_config base = hw_of("", m);
  const ex::platform_info pf = small_platform(1400);  // a LUT budget that rules out the fastest
  ex::search_space space;
  space.modes = {sm::pipeline_mode::layer_sequential, sm::pipeline_mode::timestep_pipelined};
  space.cores = {{1, 2, 4}, {1, 2, 3, 6}};
  space.penc = {8, 32};
  space.weight_kinds = {sm::memory_kind::bram};
  space.membrane_kinds = {sm::memory_kind::bram};
  space.fifo = {1, 4};
  ex::search_options opt;
  opt.resources = ex::resource_model_kind::skeleton;  // the platform's 1400 LUTs are sized for it
  const ex::budget b = ex::parse_budget("", pf);
  ex::searcher s(w, base, pf, space, b, opt);
  const ex::search_result r = s.run();
  CHECK(r.method == "exhaustive");
  REQUIRE(!r.ranked.empty());
  // Brute force, written independently: every combination through the evaluator.
  ex::evaluator ev(w);
  double best = 1e300;
  int feasible = 0, infeasible = 0;
  for (auto mode : space.modes)
    for (int c0 : space.cores[0])
      for (int c1 : space.cores[1])
        for (int p0 : space.penc)
          for (int p1 : space.penc)
            for (int f0 : space.fifo)
              for (int f1 : space.fifo) {
                sm::hardware_config h = base;
                h.mode = mode;
                h.layers[0].neuron_cores = c0;
                h.layers[1].neuron_cores = c1;
                h.layers[0].penc_width_bits = p0;
                h.layers[1].penc_width_bits = p1;
                h.layers[0].spike_fifo_depth = f0;
                h.layers[1].spike_fifo_depth = f1;
                const ex::resources used = ex::total(ex::estimate_engines(w.engines, h, 1, ex::resource_model_kind::skeleton));
                if (used.lut > 1400) {
                  ++infeasible;
                  continue;
                }
                ++feasible;
                best = std::min(best, ev.evaluate(h).mean_latency_cycles);
              }
  CHECK(feasible > 0);
  CHECK(infeasible > 0);  // the budget binds
  CHECK(r.all_feasible.size() == static_cast<std::size_t>(feasible));
  CHECK(r.ranked.front().eval.mean_latency_cycles == best);
  CHECK(r.ranked.front().used.lut <= 1400);
  // The Pareto front holds the optimum and nothing in it is dominated.
  CHECK(r.pareto.front().score == best);
}

TEST_CASE("explore_search/annealing_is_seeded_and_improves_on_the_start") {
  const nx::quant_model m = small_net();
  const ex::workload w = small_workload(m);
  const sm::hardware_config base = hw_of("", m);
  const ex::platform_info pf = small_platform(1e6);
  const ex::search_space space = ex::default_space(w.engines, pf);
  ex::search_options opt;
  opt.exhaustive_limit = 10;  // force annealing
  opt.iterations = 300;
  opt.seed = 9;
  const ex::budget b = ex::parse_budget("", pf);
  ex::searcher s1(w, base, pf, space, b, opt);
  const ex::search_result r1 = s1.run();
  ex::searcher s2(w, base, pf, space, b, opt);
  const ex::search_result r2 = s2.run();
  CHECK(r1.method == "annealing");
  CHECK(r1.ranked.front().cand.key() == r2.ranked.front().cand.key());
  CHECK(r1.ranked.front().score < r1.baseline.score);
}

TEST_CASE("explore_search/a_budget_nothing_fits_leaves_no_candidate") {
  const nx::quant_model m = small_net();
  const ex::workload w = small_workload(m);
  const sm::hardware_config base = hw_of("", m);
  const ex::platform_info pf = small_platform(1e6);
  ex::search_space space = ex::default_space(w.engines, pf);
  const ex::budget b = ex::parse_budget("lut=10", pf);
  CHECK(b.limit.lut == 10);
  ex::searcher s(w, base, pf, space, b, {});
  const ex::search_result r = s.run();
  CHECK(r.ranked.empty());
  CHECK(r.any_infeasible);
  CHECK(r.closest_infeasible.why_not.find("lut") != std::string::npos);
}

TEST_CASE("explore_search/budget_parsing") {
  const ex::platform_info pf = small_platform(1000);
  const ex::budget b = ex::parse_budget("lut=50%,bram=12,dsp=7", pf);
  CHECK(b.limit.lut == 500);
  CHECK(b.limit.bram36 == 12);
  CHECK(b.limit.dsp == 7);
  CHECK(b.limit.ff == 1e6);
  CHECK_THROWS_AS(ex::parse_budget("luts=5", pf), bad_input);
  CHECK_THROWS_AS(ex::parse_budget("lut=x", pf), bad_input);
  CHECK_THROWS_AS(ex::parse_budget("lut", pf), bad_input);
}

TEST_CASE("explore_resources/block_ram_tiles_by_hand") {
  CHECK(ex::bram36_tiles(512, 72) == 1.0);     // one RAMB36 as 512 x 72
  CHECK(ex::bram36_tiles(1024, 18) == 0.5);    // one RAMB18
  CHECK(ex::bram36_tiles(2048, 64) == 4.0);    // 128 Kib: 8 RAMB18 as 2K x 9
  CHECK(ex::bram36_tiles(4096, 1) == 0.5);
  CHECK(ex::lutram_luts(64, 16) == 20.0);   // 16 LUT6 + a quarter for the multiplexers
  CHECK(ex::lutram_luts(65, 16) == 40.0);
  CHECK(ex::lutram_luts(256, 12) == 48.0);  // 4 x 12 LUT6, no extra above 128 words
  CHECK(ex::uram_blocks(4096, 72) == 1.0);
  CHECK(ex::uram_blocks(4097, 73) == 4.0);
}

namespace {

struct calibration_row {
  ex::engine_params p;
  ex::resources yosys;
};

// explore/rtl_model/calibration_xcup.csv: Yosys 0.23 synth_xilinx -family xcup counts of the
// engine skeleton (written by calibrate.sh, not by the code under test).
std::vector<calibration_row> calibration_rows() {
  std::ifstream in(std::string(SNNCOSIM_SOURCE_DIR) + "/explore/rtl_model/calibration_xcup.csv");
  std::vector<calibration_row> rows;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<double> v;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) v.push_back(std::stod(cell));
    if (v.size() < 17) continue;
    calibration_row r;
    auto i = [&](std::size_t k) { return static_cast<int>(v[k]); };
    r.p.n = i(0), r.p.penc = i(1), r.p.sdepth = i(2), r.p.wbits = i(3), r.p.wwidth = i(4), r.p.wdepth = i(5);
    r.p.acc = i(6), r.p.mem = i(7), r.p.adepth = i(8), r.p.mdepth = i(9), r.p.fdepth = i(10), r.p.ebits = i(11);
    r.yosys = {v[12], v[13], v[14], v[15], v[16]};
    rows.push_back(r);
  }
  return rows;
}

}  // namespace

TEST_CASE("explore_resources/model_within_stated_error_of_yosys") {
  // docs/hardware.md §11 states these bounds; the test holds the model to them.
  const auto rows = calibration_rows();
  REQUIRE(rows.size() >= 10);
  double lut_err = 0, ff_err = 0;
  for (const auto& r : rows) {
    const ex::resources m = ex::estimate_engine(r.p);
    INFO("n " << r.p.n << " penc " << r.p.penc << " wdepth " << r.p.wdepth << " adepth " << r.p.adepth);
    CHECK(std::abs(m.lut - r.yosys.lut) / r.yosys.lut < 0.20);
    CHECK(std::abs(m.ff - r.yosys.ff) / r.yosys.ff < 0.20);
    CHECK(std::abs(m.bram36 - r.yosys.bram36) <= 1.0);
    CHECK(m.dsp == r.yosys.dsp);
    lut_err += std::abs(m.lut - r.yosys.lut) / r.yosys.lut;
    ff_err += std::abs(m.ff - r.yosys.ff) / r.yosys.ff;
  }
  CHECK(lut_err / static_cast<double>(rows.size()) < 0.08);
  CHECK(ff_err / static_cast<double>(rows.size()) < 0.08);
}
