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

engine_obs engine_ports::observe() const {
  engine_obs o;
  o.in_ready = in_ready.read();
  o.out_free = out_free.read();
  o.busy = busy.read();
  o.step_done = step_done.read();
  o.step = step.read();
  o.push_count = push_count.read();
  o.out_count = out_count.read();
  o.wb_valid = wb_valid.read();
  o.wb_lanes = wb_lanes.read();
  o.wb_spikes = wb_spikes.read();
  o.wb_pass = wb_pass.read();
  o.wb_pos = wb_pos.read();
  if (o.push_count > 0) {
    const auto& d = push_data.read();
    for (int j = 0; j < engine_lanes_max; ++j) o.push_data[static_cast<std::size_t>(j)] = field32(d, j);
  }
  if (o.out_count > 0) {
    const auto& d = out_data.read();
    for (int j = 0; j < engine_rate_max; ++j) o.out_data[static_cast<std::size_t>(j)] = field32(d, j);
  }
  if (o.wb_valid) {
    const auto& d = wb_mem.read();
    for (int j = 0; j < engine_lanes_max; ++j) o.wb_mem[static_cast<std::size_t>(j)] = field32(d, j);
  }
  return o;
}

rtl_variant parse_rtl_variant(const std::string& name) {
  if (name == "reference") return rtl_variant::reference;
  if (name == "mut_timing") return rtl_variant::mut_timing;
  if (name == "mut_bit") return rtl_variant::mut_bit;
  if (name == "mut_link") return rtl_variant::mut_link;
  throw bad_input(fmt::format("--rtl-variant '{}': expected reference, mut_timing, mut_bit or mut_link", name));
}

void make_engine_model(engine_ports& ports, sc_core::sc_signal<bool>& clk, const std::string& name,
                       int penc_width_bits, rtl_variant variant) {
  const char* n = name.c_str();
  if (variant == rtl_variant::mut_link)
    throw bad_input("rtl variant mut_link: a build of the accelerator top's spike link (use --mode whole)");
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
