// The RTL implementation of the event control harness: snn_event_control_unit, Verilated
// for priority-encoder widths 4 and 32, in the same SystemC kernel and driven at the falling
// clock edge (inputs settle before the next rising edge, the outputs of the last rising edge
// are stable: docs/rtl.md §3).
#include <stdexcept>

#include "Vsnn_event_control_unit_c32.h"
#include "Vsnn_event_control_unit_c4.h"
#include "snncosim/tb/event_control_harness.h"

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

}  // namespace

std::vector<frame_result> rtl_event_control::run(const event_control_case& c) {
  if (c.chunk_bits == 4) return run_event_control<Vsnn_event_control_unit_c4>(c);
  if (c.chunk_bits == 32) return run_event_control<Vsnn_event_control_unit_c32>(c);
  throw std::invalid_argument("rtl event control is built for penc_width_bits 4 and 32 only");
}

}  // namespace snncosim::tb
