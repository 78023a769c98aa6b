#pragma once
// What travels over the TLM-2.0 sockets between blocks (docs/hardware.md §4). Memories use
// the generic payload as is (address in bytes, 4-byte words) plus DMI. Commands to the event
// control unit and to the neuron cores are generic payloads carrying one of the extensions
// below; spikes leave the neuron cores as address-event packets in the data array of a
// generic payload write. Every b_transport adds the cycles it took to `delay`
// (loosely-timed, temporal decoupling): the initiator composes them per phase.
#include <cstdint>
#include <vector>

#include <tlm>

namespace snncosim::sc_models {

// One address event: the spike of neuron (channel, y, x) of step `step`. `cycle` is the
// absolute cycle the neuron core emitted it (the router's FIFO model needs it).
struct aer_packet {
  std::int32_t step = 0;
  std::int32_t channel = 0;
  std::int32_t y = 0;
  std::int32_t x = 0;
};

// Event control command: compress frame `frame` of buffer slot `slot` into `addresses`.
struct compress_extension : tlm::tlm_extension<compress_extension> {
  int slot = 0;
  int frame = 0;
  std::vector<std::uint32_t>* addresses = nullptr;  // out: set bit positions, ascending
  tlm::tlm_extension_base* clone() const override { return new compress_extension(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const compress_extension&>(other);
  }
};

// Neuron core command: accumulate a compressed frame, or activate all neurons of a step.
struct core_extension : tlm::tlm_extension<core_extension> {
  enum class op { accumulate, activate } operation = op::accumulate;
  int frame = 0;  // accumulate: input channel (conv) or 0 (linear)
  const std::vector<std::uint32_t>* addresses = nullptr;
  int step = 0;                   // activate: the time step
  std::uint64_t start_cycle = 0;  // activate: absolute cycle the activation starts
  // out (activate): cycles lost to router back-pressure, spikes emitted
  std::uint64_t stall_cycles = 0;
  std::uint64_t spikes = 0;
  tlm::tlm_extension_base* clone() const override { return new core_extension(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override { *this = static_cast<const core_extension&>(other); }
};

// Router packet metadata: the absolute cycle the packet wants to enter the FIFO. The
// router answers with the cycle it actually entered (later under back-pressure) and the
// cycle it leaves the FIFO (the per-event stamps the RTL co-simulation compares).
struct packet_timing_extension : tlm::tlm_extension<packet_timing_extension> {
  std::uint64_t desired_cycle = 0;
  std::uint64_t entered_cycle = 0;
  std::uint64_t departed_cycle = 0;
  tlm::tlm_extension_base* clone() const override { return new packet_timing_extension(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const packet_timing_extension&>(other);
  }
};

}  // namespace snncosim::sc_models
