// The RTL lane against the TLM core array: one SystemC hierarchy holds the TLM neuron core
// with its weight and membrane memories and the Verilated snn_neuron_step; one thread runs
// the TLM core through the steps and feeds every neuron it activates through the lane.
#include <stdexcept>
#include <vector>

#include <tlm_utils/simple_target_socket.h>

#include "neuron_step_port.h"
#include "snncosim/numerics/quant_model.h"
#include "snncosim/sc_models/event_log.h"
#include "snncosim/sc_models/membrane_memory.h"
#include "snncosim/sc_models/neuron_core.h"
#include "snncosim/sc_models/protocol.h"
#include "snncosim/sc_models/weight_memory.h"
#include "snncosim/tb/neuron_core_harness.h"
#include "snncosim/testing/initiator.h"

namespace snncosim::tb {

namespace {

namespace sm = snncosim::sc_models;

const sc_core::sc_time clock_period(10, sc_core::SC_NS);

// Takes every spike packet at once (no back-pressure): the router is not under test here.
struct packet_sink : sc_core::sc_module {
  tlm_utils::simple_target_socket<packet_sink> in;
  explicit packet_sink(const sc_core::sc_module_name& n) : sc_core::sc_module(n), in("in") {
    in.register_b_transport(this, &packet_sink::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time&) {
    if (auto* t = p.get_extension<sm::packet_timing_extension>()) {
      t->entered_cycle = t->desired_cycle;
      t->departed_cycle = t->desired_cycle + 1;
    }
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

sm::core_geometry geometry_of(const neuron_core_case& c) {
  if (c.layer.kind == numerics::layer_kind::conv && c.layer.current_pool_kernel != 0)
    throw std::invalid_argument("neuron core case: current pooling is the lane's, not the neuron step's");
  numerics::quant_model m;
  m.input = c.input;
  m.layers.push_back(c.layer);
  const std::vector<numerics::tensor_shape> shapes = numerics::validate(m, "neuron core case");
  return {c.input, shapes.at(0), shapes.at(0)};
}

int weight_inputs(const neuron_core_case& c) {
  return c.layer.kind == numerics::layer_kind::conv ? c.input.channels : static_cast<int>(c.input.size());
}

struct lane_core_driver : sc_core::sc_module {
  const neuron_core_case& m_case;
  sm::core_geometry m_geo;
  sm::weight_memory weights;
  sm::membrane_memory membranes;
  sm::neuron_core cores;
  testing::initiator control{"control"};
  packet_sink sink{"sink"};
  neuron_step_port lane;
  sm::event_log log;
  std::vector<lane_check> m_out;

  SC_HAS_PROCESS(lane_core_driver);
  lane_core_driver(const sc_core::sc_module_name& n, const neuron_core_case& c)
      : sc_core::sc_module(n),
        m_case(c),
        m_geo(geometry_of(c)),
        weights("weight_memory", sm::memory_config{}, c.layer, weight_inputs(c), clock_period),
        membranes("membrane_memory", sm::memory_config{}, static_cast<std::size_t>(m_geo.full.size()),
                  static_cast<std::size_t>(m_geo.out.size()), clock_period),
        cores("neuron_cores", c.layer, m_geo, c.cores, clock_period) {
    control.out.bind(cores.in);
    cores.weights.bind(weights.in);
    cores.membranes.bind(membranes.in);
    cores.spikes_out.bind(sink.in);
    cores.attach(weights, membranes);
    cores.set_event_log(&log, 0);
    SC_THREAD(drive);
  }

  void command(sm::core_extension& cmd) {
    tlm::tlm_generic_payload p;
    p.set_extension(&cmd);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    control.out->b_transport(p, delay);
    p.clear_extension(&cmd);
    if (p.get_response_status() != tlm::TLM_OK_RESPONSE) throw std::runtime_error("tlm neuron core refused a command");
  }

  void drive() {
    const numerics::quant_layer& l = m_case.layer;
    const auto oc = static_cast<std::size_t>(l.out_channels);
    // The lane's own membranes, channel-innermost like the membrane memory.
    std::vector<std::int32_t> lane_mem(static_cast<std::size_t>(m_geo.out.size()), 0);
    for (std::size_t t = 0; t < m_case.spikes.size(); ++t) {
      const auto& frames = m_case.spikes[t];
      for (std::size_t f = 0; f < frames.size(); ++f) {
        if (frames[f].empty()) continue;
        sm::core_extension acc;
        acc.operation = sm::core_extension::op::accumulate;
        acc.frame = static_cast<int>(f);
        acc.addresses = &frames[f];
        command(acc);
      }
      // What the lane reads in this step: the accumulators the TLM core summed.
      const std::vector<std::int32_t> accumulators(membranes.accumulators(),
                                                   membranes.accumulators() + membranes.accumulator_words());
      const std::size_t first = log.writebacks.size();
      sm::core_extension act;
      act.operation = sm::core_extension::op::activate;
      act.step = static_cast<int>(t);
      command(act);
      for (std::size_t k = first; k < log.writebacks.size(); ++k) {
        const sm::writeback_stamp& w = log.writebacks[k];
        const auto c = static_cast<std::size_t>(w.channel);
        const std::size_t word = static_cast<std::size_t>(w.y * m_geo.out.width + w.x) * oc + c;
        neuron_vector v;
        v.params = l.neuron;
        v.widths = l.widths;
        v.gain = l.gain.at(c);
        v.bias = l.bias.at(c);
        v.acc = accumulators.at(word);
        v.mem = lane_mem.at(word);
        lane.write(v);
        wait(neuron_step_settle);
        const neuron_output rtl = lane.read();
        lane_mem[word] = rtl.mem;
        m_out.push_back({w.step, w.channel, w.y, w.x, {w.mem, w.spike}, rtl});
      }
    }
    sc_core::sc_stop();
  }
};

}  // namespace

std::vector<lane_check> rtl_lane_against_tlm_core::run(const neuron_core_case& c) {
  lane_core_driver d("rtl_lane_against_tlm_core", c);
  sc_core::sc_start();
  return d.m_out;
}

}  // namespace snncosim::tb
