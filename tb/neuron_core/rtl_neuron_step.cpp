// The RTL implementation of the neuron step harness: rtl/neuron_core/snn_neuron_step,
// Verilated (combinational: each vector settles, then the outputs are read).
#include "neuron_step_port.h"
#include "snncosim/tb/neuron_core_harness.h"

namespace snncosim::tb {

namespace {

struct neuron_driver : sc_core::sc_module {
  neuron_step_port port;
  const std::vector<neuron_vector>& m_in;
  std::vector<neuron_output> m_out;

  SC_HAS_PROCESS(neuron_driver);
  neuron_driver(const sc_core::sc_module_name& n, const std::vector<neuron_vector>& v)
      : sc_core::sc_module(n), m_in(v) {
    SC_THREAD(drive);
  }

  void drive() {
    for (const auto& v : m_in) {
      port.write(v);
      wait(neuron_step_settle);
      m_out.push_back(port.read());
    }
    sc_core::sc_stop();
  }
};

}  // namespace

std::vector<neuron_output> rtl_neuron_step::run(const std::vector<neuron_vector>& v) {
  neuron_driver d("rtl_neuron_step", v);
  sc_core::sc_start();
  return d.m_out;
}

}  // namespace snncosim::tb
