// One place that knows which Verilated engine builds exist (rtl/CMakeLists.txt).
#include "engine_models.h"

#include <fmt/format.h>

#include "Vsnn_layer_engine.h"
#include "Vsnn_layer_engine_c16.h"
#include "Vsnn_layer_engine_c8.h"
#include "Vsnn_layer_engine_mut_bit.h"
#include "Vsnn_layer_engine_mut_timing.h"
#include "snncosim/common/error.h"

namespace snncosim::tb {

namespace {

template <class V>
void bind_model(engine_ports& p, std::unique_ptr<V> dut, sc_core::sc_signal<bool>& clk) {
  dut->clk_i(clk);
  dut->rst_ni(p.rst_n);
  dut->load_valid_i(p.load_valid);
  dut->load_target_i(p.load_target);
  dut->load_lane_i(p.load_lane);
  dut->load_addr_i(p.load_addr);
  dut->load_data_i(p.load_data);
  dut->start_i(p.start);
  dut->steps_i(p.steps);  // the programmable engine reads register 14
  dut->set_valid_i(p.set_valid);  // an engine on its own has no spike link
  dut->set_addr_i(p.set_addr);
  dut->set_bit_i(p.set_bit);
  dut->next_valid_o(p.next_valid);
  dut->next_step_o(p.next_step);
  dut->in_steps_ready_i(p.in_ready);
  dut->out_steps_free_i(p.out_free);
  dut->busy_o(p.busy);
  dut->step_done_o(p.step_done);
  dut->step_o(p.step);
  dut->out_count_o(p.out_count);
  dut->out_data_o(p.out_data);
  dut->push_count_o(p.push_count);
  dut->push_data_o(p.push_data);
  dut->wb_valid_o(p.wb_valid);
  dut->wb_lanes_o(p.wb_lanes);
  dut->wb_spikes_o(p.wb_spikes);
  dut->wb_mem_o(p.wb_mem);
  dut->wb_pass_o(p.wb_pass);
  dut->wb_pos_o(p.wb_pos);
  p.model = std::move(dut);
}

}  // namespace

namespace {
// The prebuilt engines' packets: {step, channel, y, x} bytes.
packet decode_byte_packet(std::uint32_t d) { return {d >> 24, (d >> 16) & 0xFFu, (d >> 8) & 0xFFu, d & 0xFFu}; }
}  // namespace

void engine_ports::observe(engine_obs& o) const {
  o.in_ready = in_ready.read();
  o.out_free = out_free.read();
  o.busy = busy.read();
  o.step_done = step_done.read();
  o.push.clear();
  o.out.clear();
  const std::uint32_t n_push = push_count.read(), n_out = out_count.read();
  if (n_push > 0) {
    const auto& d = push_data.read();
    for (std::uint32_t j = 0; j < n_push; ++j) o.push.push_back(decode_byte_packet(field32(d, static_cast<int>(j))));
  }
  if (n_out > 0) {
    const auto& d = out_data.read();
    for (std::uint32_t j = 0; j < n_out; ++j) o.out.push_back(decode_byte_packet(field32(d, static_cast<int>(j))));
  }
  o.wb_valid = wb_valid.read();
  if (o.wb_valid) {
    o.wb_pass = wb_pass.read();
    o.wb_pos = wb_pos.read();
    const std::uint32_t lanes = wb_lanes.read(), spikes = wb_spikes.read();
    const auto& d = wb_mem.read();
    o.wb_lanes.resize(engine_lanes_max);
    o.wb_spikes.resize(engine_lanes_max);
    o.wb_mem.resize(engine_lanes_max);
    for (int k = 0; k < engine_lanes_max; ++k) {
      const auto i = static_cast<std::size_t>(k);
      o.wb_lanes[i] = static_cast<std::uint8_t>(lanes >> k & 1u);
      o.wb_spikes[i] = static_cast<std::uint8_t>(spikes >> k & 1u);
      o.wb_mem[i] = static_cast<std::int32_t>(field32(d, k));
    }
  }
}

rtl_variant parse_rtl_variant(const std::string& name) {
  if (name == "reference") return rtl_variant::reference;
  if (name == "mut_timing") return rtl_variant::mut_timing;
  if (name == "mut_bit") return rtl_variant::mut_bit;
  throw bad_input(fmt::format("--rtl-variant '{}': the prebuilt engines (--mode engine) are reference, mut_timing and "
                              "mut_bit; other mutants exist in whole mode only",
                              name));
}

void make_engine_model(engine_ports& ports, sc_core::sc_signal<bool>& clk, const std::string& name,
                       int penc_width_bits, rtl_variant variant) {
  const char* n = name.c_str();
  if (variant != rtl_variant::reference) {
    // The mutants are built at the package's sizes only (32-bit priority encoder).
    if (penc_width_bits != 32)
      throw bad_input(fmt::format("rtl variant {}: built for penc_width_bits 32 only, layer has {}",
                                  variant == rtl_variant::mut_timing ? "mut_timing" : "mut_bit", penc_width_bits));
    if (variant == rtl_variant::mut_timing)
      bind_model(ports, std::make_unique<Vsnn_layer_engine_mut_timing>(n), clk);
    else
      bind_model(ports, std::make_unique<Vsnn_layer_engine_mut_bit>(n), clk);
    return;
  }
  if (penc_width_bits == 8)
    bind_model(ports, std::make_unique<Vsnn_layer_engine_c8>(n), clk);
  else if (penc_width_bits == 16)
    bind_model(ports, std::make_unique<Vsnn_layer_engine_c16>(n), clk);
  else
    bind_model(ports, std::make_unique<Vsnn_layer_engine>(n), clk);
}

}  // namespace snncosim::tb
