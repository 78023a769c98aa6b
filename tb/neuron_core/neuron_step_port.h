#pragma once
// The Verilated snn_neuron_step with its signals bound: write one vector, wait for it to
// settle (the datapath is combinational), read the result. Elaborate inside a module.
#include <cstdint>

#include "Vsnn_neuron_step.h"
#include "snncosim/tb/neuron_core_harness.h"

namespace snncosim::tb {

struct neuron_step_port {
  sc_core::sc_signal<bool> reset_delay{"reset_delay"}, spike{"spike"};
  sc_core::sc_signal<std::uint32_t> reset_kind{"reset_kind"}, decay{"decay"}, threshold{"threshold"},
      reset_amount{"reset_amount"}, acc_bits{"acc_bits"}, mem_bits{"mem_bits"}, frac_bits{"frac_bits"}, gain{"gain"},
      bias{"bias"}, acc{"acc"}, mem{"mem"}, mem_out{"mem_out"};
  Vsnn_neuron_step dut{"dut"};

  neuron_step_port() {
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
  }

  static std::uint32_t bits(std::int32_t v) { return static_cast<std::uint32_t>(v); }

  void write(const neuron_vector& v) {
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
  }
  neuron_output read() const { return {static_cast<std::int32_t>(mem_out.read()), spike.read()}; }
};

// Time for a written vector to settle through the combinational model.
inline const sc_core::sc_time neuron_step_settle{1, sc_core::SC_NS};

}  // namespace snncosim::tb
