// The RTL implementation of the spike router harness: snn_spike_router, Verilated with 4
// lanes, depth up to 16 and rate up to 4, in the same SystemC kernel and driven at the
// falling clock edge (docs/rtl.md §3).
#include <algorithm>
#include <stdexcept>

#include "Vsnn_spike_router.h"
#include "snncosim/tb/spike_router_harness.h"

namespace snncosim::tb {

namespace {

const sc_core::sc_time settle(1, sc_core::SC_NS);

constexpr int router_lanes = 4;
constexpr int router_rate_max = 4;

struct router_driver : sc_core::sc_module {
  sc_core::sc_clock clk{"clk", 10, sc_core::SC_NS, 0.5, 5, sc_core::SC_NS, true};
  sc_core::sc_signal<bool> rst_n{"rst_n"};
  sc_core::sc_signal<std::uint32_t> depth{"depth"}, rate{"rate"}, space{"space"}, in_count{"in_count"},
      out_count{"out_count"}, occupancy{"occupancy"}, next_data{"next_data"};
  sc_core::sc_signal<bool> next_valid{"next_valid"};
  sc_core::sc_signal<sc_dt::sc_bv<router_lanes * 32>> in_data{"in_data"};
  sc_core::sc_signal<sc_dt::sc_bv<router_rate_max * 32>> out_data{"out_data"};
  Vsnn_spike_router dut{"dut"};
  const spike_router_case& m_case;
  spike_router_result m_out;

  SC_HAS_PROCESS(router_driver);
  router_driver(const sc_core::sc_module_name& n, const spike_router_case& c) : sc_core::sc_module(n), m_case(c) {
    dut.clk_i(clk);
    dut.rst_ni(rst_n);
    dut.depth_i(depth);
    dut.rate_i(rate);
    dut.space_o(space);
    dut.in_count_i(in_count);
    dut.in_data_i(in_data);
    dut.out_count_o(out_count);
    dut.out_data_o(out_data);
    dut.occupancy_o(occupancy);
    dut.next_valid_o(next_valid);
    dut.next_data_o(next_data);
    SC_THREAD(drive);
  }

  void drive() {
    const auto& nominal = m_case.nominal;
    std::vector<std::uint64_t> entered(nominal.size(), 0);
    rst_n.write(false);
    depth.write(static_cast<std::uint32_t>(m_case.depth));
    rate.write(static_cast<std::uint32_t>(m_case.rate));
    for (int i = 0; i < 2; ++i) wait(clk.negedge_event());
    rst_n.write(true);
    std::size_t next = 0;
    std::size_t departed = 0;
    std::uint64_t stall = 0;
    // Cycle 0 is the first cycle after reset; the nominal cycles count from there.
    for (std::uint64_t cycle = 0; departed < nominal.size(); ++cycle) {
      wait(clk.negedge_event());
      in_count.write(0);
      wait(settle);
      std::size_t group = 0;
      while (next + group < nominal.size() && nominal[next + group] + stall <= cycle) ++group;
      if (group > static_cast<std::size_t>(router_lanes))
        throw std::invalid_argument("router case: more than 4 packets in one cycle");
      const std::size_t pushed = std::min<std::size_t>(group, space.read());
      sc_dt::sc_bv<router_lanes * 32> data;
      for (std::size_t j = 0; j < pushed; ++j) {
        data.range(static_cast<int>(j) * 32 + 31, static_cast<int>(j) * 32) = static_cast<std::uint32_t>(next + j);
        entered[next + j] = cycle;
      }
      in_data.write(data);
      in_count.write(static_cast<std::uint32_t>(pushed));
      next += pushed;
      if (pushed < group) ++stall;
      const std::uint32_t popped = out_count.read();
      const sc_dt::sc_bv<router_rate_max * 32> out = out_data.read();
      for (std::uint32_t j = 0; j < popped; ++j) {
        const auto k = static_cast<std::uint32_t>(out.range(static_cast<int>(j) * 32 + 31, static_cast<int>(j) * 32).to_uint());
        m_out.packets.push_back({entered.at(k), cycle + m_case.departed_offset, k});
        ++departed;
      }
      if (cycle > 1000000) throw std::runtime_error("rtl router never drained");
    }
    m_out.stall_cycles = stall;
    sc_core::sc_stop();
  }
};

}  // namespace

spike_router_result rtl_spike_router::run(const spike_router_case& c) {
  if (c.depth < 1 || c.depth > 16 || c.rate < 1 || c.rate > router_rate_max)
    throw std::invalid_argument("router case exceeds the RTL build (depth 1..16, rate 1..4)");
  router_driver d("rtl_spike_router", c);
  sc_core::sc_start();
  return d.m_out;
}

}  // namespace snncosim::tb
