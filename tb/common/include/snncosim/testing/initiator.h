#pragma once
// A bare TLM initiator: the stand-in of whatever drives a block's target socket in a test
// or a block harness (the layer engine's control, the router's cores, a host).
#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

namespace snncosim::testing {

struct initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<initiator> out;
  explicit initiator(const sc_core::sc_module_name& n) : sc_core::sc_module(n), out("out") {}
};

}  // namespace snncosim::testing
