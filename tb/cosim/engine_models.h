#pragma once
// The signals around one Verilated layer engine and the factory that picks its build
// (priority-encoder width, reference or mutant; docs/rtl.md §4). Private to tb/cosim.
#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include <systemc>

#include "snncosim/tb/cosim.h"
#include "snncosim/tb/rtl_top_model.h"

namespace snncosim::tb {

inline constexpr int engine_lanes_max = 4;  // the prebuilt engines (rtl/CMakeLists.txt)
inline constexpr int engine_rate_max = 4;

// 32-bit field j of a packed port.
inline std::uint32_t field32(const sc_dt::sc_bv_base& v, int j) {
  return static_cast<std::uint32_t>(v.range(j * 32 + 31, j * 32).to_uint());
}

struct engine_ports {
  sc_core::sc_signal<bool> rst_n, load_valid, start, busy, step_done, wb_valid, next_valid, set_valid;
  sc_core::sc_signal<std::uint32_t> load_target, load_lane, load_addr, load_data, in_ready, out_free, step, out_count,
      push_count, wb_lanes, wb_spikes, wb_pass, wb_pos, next_step, set_addr, set_bit, steps;
  sc_core::sc_signal<sc_dt::sc_bv<engine_rate_max * 32>> out_data;
  sc_core::sc_signal<sc_dt::sc_bv<engine_lanes_max * 32>> push_data, wb_mem;
  std::unique_ptr<sc_core::sc_module> model;

  void observe(engine_obs& o) const;
};

// Instantiates the engine build for `penc_width_bits` (8, 16 or 32) and `variant` and binds
// it to `ports`. Throws bad_input for a combination that is not built.
void make_engine_model(engine_ports& ports, sc_core::sc_signal<bool>& clk, const std::string& name,
                       int penc_width_bits, rtl_variant variant);

}  // namespace snncosim::tb
