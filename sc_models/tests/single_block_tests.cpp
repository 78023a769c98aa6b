// Single blocks in a transaction-level harness, timing pinned in cycles.
#include <doctest/doctest.h>

#include <tlm_utils/simple_initiator_socket.h>

#include "snncosim/sc_models/event_control.h"
#include "snncosim/sc_models/spike_memory.h"
#include "snncosim/sc_models/spike_router.h"
#include "snncosim/sc_models/word_memory.h"
#include "snncosim/testing/initiator.h"

using namespace snncosim::sc_models;

namespace {
using snncosim::testing::initiator;
const sc_core::sc_time clk(10, sc_core::SC_NS);
}  // namespace

TEST_CASE("block/event_control_compresses_a_frame") {
  // 70-bit frame, 16-bit priority encoder: ceil(70/16) = 5 chunk scans, 3 spikes, L_spk = 2.
  spike_memory mem("mem", 1, 1, 70, 2, clk);
  event_control ec("ec", 16, clk);
  initiator host("host");
  host.out.bind(ec.in);
  ec.spikes.bind(mem.read_port);
  ec.attach(mem);
  for (int p : {69, 3, 64}) mem.set(0, 0, p);
  std::vector<std::uint32_t> addresses;
  tlm::tlm_generic_payload cmd;
  auto* ext = new compress_extension;
  ext->addresses = &addresses;
  cmd.set_extension(ext);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  host.out->b_transport(cmd, delay);
  CHECK(cmd.get_response_status() == tlm::TLM_OK_RESPONSE);
  CHECK(addresses == std::vector<std::uint32_t>{3, 64, 69});
  CHECK(delay == clk * (2 + 5 + 3));
  // Clear-on-read: the second pass finds an empty frame and pays the scans only.
  delay = sc_core::SC_ZERO_TIME;
  host.out->b_transport(cmd, delay);
  CHECK(addresses.empty());
  CHECK(delay == clk * (2 + 5));
  CHECK(ec.stats().num_chunk_scans == 10);
}

TEST_CASE("block/word_memory_latency_and_dmi") {
  memory_config cfg;
  cfg.read_latency_cycles = 3;
  word_memory mem("mem", cfg, 16, clk);
  initiator host("host");
  host.out.bind(mem.in);
  std::int32_t data[4] = {1, 2, 3, 4};
  tlm::tlm_generic_payload p;
  p.set_command(tlm::TLM_WRITE_COMMAND);
  p.set_address(8);
  p.set_data_ptr(reinterpret_cast<unsigned char*>(data));
  p.set_data_length(16);
  p.set_streaming_width(16);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  host.out->b_transport(p, delay);
  CHECK(delay == clk * 4);  // one word per cycle
  std::int32_t back[4] = {};
  p.set_command(tlm::TLM_READ_COMMAND);
  p.set_data_ptr(reinterpret_cast<unsigned char*>(back));
  delay = sc_core::SC_ZERO_TIME;
  host.out->b_transport(p, delay);
  CHECK(delay == clk * (3 + 3));  // latency, then pipelined
  CHECK(back[3] == 4);
  CHECK(mem.stats().num_reads == 4);
  tlm::tlm_dmi dmi;
  CHECK(host.out->get_direct_mem_ptr(p, dmi));
  CHECK(reinterpret_cast<std::int32_t*>(dmi.get_dmi_ptr())[2] == 1);
  CHECK(dmi.get_read_latency() == clk * 3);
  p.set_address(64);
  p.set_command(tlm::TLM_READ_COMMAND);
  host.out->b_transport(p, delay);
  CHECK(p.get_response_status() == tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

TEST_CASE("block/spike_router_fifo_back_pressure") {
  // Depth 2, 1 event per cycle, four packets that all want to enter at cycle 10:
  // entered 10, 10, 11, 12; departed 11, 12, 13, 14.
  snncosim::numerics::spike_record rec;
  rec.shape = {1, 1, 4};
  rec.spikes.assign(4, 0);
  rec.counts.assign(1, 0);
  spike_memory next("next", 1, 1, 4, 1, clk);
  spike_router router("router", 2, 1, {}, &rec, rec.shape, false);
  initiator cores("cores");
  initiator reader("reader");
  cores.out.bind(router.in);
  router.out.bind(next.in);
  router.attach(next);
  reader.out.bind(next.read_port);
  tlm::tlm_generic_payload p;
  aer_packet pkt;
  auto* timing = new packet_timing_extension;
  p.set_extension(timing);
  p.set_command(tlm::TLM_WRITE_COMMAND);
  p.set_data_ptr(reinterpret_cast<unsigned char*>(&pkt));
  p.set_data_length(sizeof(pkt));
  std::vector<std::uint64_t> entered;
  for (int x = 0; x < 4; ++x) {
    pkt = {0, 0, 0, x};
    timing->desired_cycle = 10;
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    cores.out->b_transport(p, delay);
    CHECK(p.get_response_status() == tlm::TLM_OK_RESPONSE);
    entered.push_back(timing->entered_cycle);
  }
  CHECK(entered == std::vector<std::uint64_t>{10, 10, 11, 12});
  CHECK(router.last_departure() == 14);
  CHECK(router.stats().stall_cycles == 3);
  CHECK(router.stats().max_occupancy == 2);
  CHECK(rec.counts[0] == 4);
  CHECK(next.frame(0, 0)[0] == 0xFu);
}
