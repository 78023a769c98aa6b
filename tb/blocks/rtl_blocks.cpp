// The RTL implementations of the block harnesses: Verilated models in the same SystemC
// kernel, driven at the falling clock edge (inputs settle before the next rising edge, the
// model's outputs of the last rising edge are stable: docs/rtl.md §3).
#include <algorithm>
#include <stdexcept>

#include "Vsnn_event_control_unit_c32.h"
#include "Vsnn_event_control_unit_c4.h"
#include "Vsnn_neuron_step.h"
#include "Vsnn_spike_router.h"
#include "snncosim/tb/block_harness.h"

namespace snncosim::tb {

namespace {

const sc_core::sc_time settle(1, sc_core::SC_NS);

// Event control unit: load the frames, then compress them one after the other.
template <class V>
struct event_control_driver : sc_core::sc_module {
  sc_core::sc_clock clk{"clk", 10, sc_core::SC_NS, 0.5, 5, sc_core::SC_NS, true};
  sc_core::sc_signal<bool> rst_n{"rst_n"}, load_valid{"load_valid"}, cmd_valid{"cmd_valid"}, cmd_ready{"cmd_ready"},
      addr_valid{"addr_valid"}, done{"done"};
  sc_core::sc_signal<std::uint32_t> latency{"latency"}, chunks{"chunks"}, load_addr{"load_addr"},
      load_data{"load_data"}, base{"base"}, addr{"addr"};
  V dut{"dut"};
  const event_control_case& m_case;
  std::vector<frame_result> m_out;

  SC_HAS_PROCESS(event_control_driver);
  event_control_driver(const sc_core::sc_module_name& n, const event_control_case& c)
      : sc_core::sc_module(n), m_case(c) {
    dut.clk_i(clk);
    dut.rst_ni(rst_n);
    dut.latency_i(latency);
    dut.chunks_i(chunks);
    dut.load_valid_i(load_valid);
    dut.load_addr_i(load_addr);
    dut.load_data_i(load_data);
    dut.cmd_valid_i(cmd_valid);
    dut.cmd_ready_o(cmd_ready);
    dut.base_i(base);
    dut.addr_valid_o(addr_valid);
    dut.addr_o(addr);
    dut.done_o(done);
    SC_THREAD(drive);
  }

  void drive() {
    const int w = m_case.chunk_bits;
    const int n_chunks = (m_case.frame_bits + w - 1) / w;
    const int frames = static_cast<int>(m_case.frames.size());
    rst_n.write(false);
    latency.write(static_cast<std::uint32_t>(m_case.read_latency));
    chunks.write(static_cast<std::uint32_t>(n_chunks));
    for (int i = 0; i < 2; ++i) wait(clk.negedge_event());
    rst_n.write(true);
    for (int f = 0; f < frames; ++f) {
      std::vector<std::uint32_t> words(static_cast<std::size_t>(n_chunks), 0);
      for (const std::uint32_t b : m_case.frames[static_cast<std::size_t>(f)])
        words[b / static_cast<std::uint32_t>(w)] |= 1u << (b % static_cast<std::uint32_t>(w));
      for (int i = 0; i < n_chunks; ++i) {
        wait(clk.negedge_event());
        load_valid.write(true);
        load_addr.write(static_cast<std::uint32_t>(f * n_chunks + i));
        load_data.write(words[static_cast<std::size_t>(i)]);
      }
    }
    std::uint64_t cycle = 0;
    for (int f = 0; f < frames; ++f) {
      wait(clk.negedge_event());
      ++cycle;
      load_valid.write(false);
      cmd_valid.write(true);
      base.write(static_cast<std::uint32_t>(f * n_chunks));
      wait(settle);
      if (!cmd_ready.read()) throw std::runtime_error("rtl event control not ready for a new frame");
      const std::uint64_t accepted = cycle;
      frame_result r;
      for (;;) {
        wait(clk.negedge_event());
        ++cycle;
        cmd_valid.write(false);
        wait(settle);
        if (addr_valid.read()) r.addresses.push_back(addr.read());
        if (done.read()) break;
        if (cycle - accepted > 100000) throw std::runtime_error("rtl event control never finished");
      }
      r.cycles = cycle - accepted + 1;
      m_out.push_back(std::move(r));
    }
    sc_core::sc_stop();
  }
};

template <class V>
std::vector<frame_result> run_event_control(const event_control_case& c) {
  const int n_chunks = (c.frame_bits + c.chunk_bits - 1) / c.chunk_bits;
  if (n_chunks * static_cast<int>(c.frames.size()) > 256 || c.read_latency < 1 || c.read_latency > 4)
    throw std::invalid_argument("event control case exceeds the RTL build (256 words, latency 1..4)");
  event_control_driver<V> d("rtl_event_control", c);
  sc_core::sc_start();
  return d.m_out;
}

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
  const router_case& m_case;
  router_result m_out;

  SC_HAS_PROCESS(router_driver);
  router_driver(const sc_core::sc_module_name& n, const router_case& c) : sc_core::sc_module(n), m_case(c) {
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

struct neuron_driver : sc_core::sc_module {
  sc_core::sc_signal<bool> reset_delay{"reset_delay"}, spike{"spike"};
  sc_core::sc_signal<std::uint32_t> reset_kind{"reset_kind"}, decay{"decay"}, threshold{"threshold"},
      reset_amount{"reset_amount"}, acc_bits{"acc_bits"}, mem_bits{"mem_bits"}, frac_bits{"frac_bits"}, gain{"gain"},
      bias{"bias"}, acc{"acc"}, mem{"mem"}, mem_out{"mem_out"};
  Vsnn_neuron_step dut{"dut"};
  const std::vector<neuron_vector>& m_in;
  std::vector<neuron_output> m_out;

  SC_HAS_PROCESS(neuron_driver);
  neuron_driver(const sc_core::sc_module_name& n, const std::vector<neuron_vector>& v)
      : sc_core::sc_module(n), m_in(v) {
    dut.reset_kind_i(reset_kind);
    dut.reset_delay_i(reset_delay);
    dut.decay_i(decay);
    dut.threshold_i(threshold);
    dut.reset_amount_i(reset_amount);
    dut.acc_bits_i(acc_bits);
    dut.mem_bits_i(mem_bits);
    dut.frac_bits_i(frac_bits);
    dut.gain_i(gain);
    dut.bias_i(bias);
    dut.acc_i(acc);
    dut.mem_i(mem);
    dut.mem_o(mem_out);
    dut.spike_o(spike);
    SC_THREAD(drive);
  }

  static std::uint32_t bits(std::int32_t v) { return static_cast<std::uint32_t>(v); }

  void drive() {
    for (const auto& v : m_in) {
      reset_kind.write(static_cast<std::uint32_t>(v.params.reset));
      reset_delay.write(v.params.reset_delay);
      decay.write(bits(v.params.decay));
      threshold.write(bits(v.params.threshold));
      reset_amount.write(bits(v.params.reset_amount));
      acc_bits.write(static_cast<std::uint32_t>(v.widths.acc_bits));
      mem_bits.write(static_cast<std::uint32_t>(v.widths.mem_bits));
      frac_bits.write(static_cast<std::uint32_t>(v.widths.frac_bits));
      gain.write(bits(v.gain));
      bias.write(bits(v.bias));
      acc.write(bits(v.acc));
      mem.write(bits(v.mem));
      wait(settle);
      m_out.push_back({static_cast<std::int32_t>(mem_out.read()), spike.read()});
    }
    sc_core::sc_stop();
  }
};

}  // namespace

std::vector<frame_result> rtl_event_control::run(const event_control_case& c) {
  if (c.chunk_bits == 4) return run_event_control<Vsnn_event_control_unit_c4>(c);
  if (c.chunk_bits == 32) return run_event_control<Vsnn_event_control_unit_c32>(c);
  throw std::invalid_argument("rtl event control is built for penc_width_bits 4 and 32 only");
}

router_result rtl_router::run(const router_case& c) {
  if (c.depth < 1 || c.depth > 16 || c.rate < 1 || c.rate > router_rate_max)
    throw std::invalid_argument("router case exceeds the RTL build (depth 1..16, rate 1..4)");
  router_driver d("rtl_router", c);
  sc_core::sc_start();
  return d.m_out;
}

std::vector<neuron_output> rtl_neuron::run(const std::vector<neuron_vector>& v) {
  neuron_driver d("rtl_neuron", v);
  sc_core::sc_start();
  return d.m_out;
}

}  // namespace snncosim::tb
