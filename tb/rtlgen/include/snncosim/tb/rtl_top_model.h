#pragma once
// The interface between the co-simulation and a generated accelerator built on demand
// (rtl_build.h): the Verilated top lives in a shared object with a generated binding that
// implements rtl_top_model. Both sides are compiled from this header by the same compiler,
// so the C++ interface is the ABI; rtl_top_abi_version guards against stale builds.
#include <cstdint>
#include <vector>

namespace snncosim::tb {

inline constexpr int rtl_top_abi_version = 2;

// A router packet {step, channel, y, x}, decoded from the design's packet layout.
struct packet {
  std::uint32_t step = 0, channel = 0, y = 0, x = 0;
  bool operator==(const packet&) const = default;
};

// What the scoreboard sees of one engine in one cycle. Vectors hold `count` entries for
// packets and one entry per lane for write-backs (only when wb_valid).
struct engine_obs {
  std::uint32_t in_ready = 0, out_free = 0, wb_pass = 0, wb_pos = 0;
  bool busy = false, step_done = false, wb_valid = false;
  std::vector<packet> push, out;
  std::vector<std::uint8_t> wb_lanes, wb_spikes;
  std::vector<std::int32_t> wb_mem;
};

class rtl_top_model {
 public:
  virtual ~rtl_top_model() = default;
  virtual int engines() const = 0;
  virtual int lanes(int engine) const = 0;
  virtual void set_reset(bool active) = 0;
  virtual void set_load(bool valid, std::uint32_t engine, std::uint32_t target, std::uint32_t lane, std::uint32_t addr,
                        std::uint32_t data) = 0;
  virtual void set_start(bool start) = 0;
  virtual void set_steps(std::uint32_t steps) = 0;  // time steps of the next sample
  // Drives the clock input and evaluates: false after the inputs of a cycle are set (the
  // outputs of the cycle are then valid), true for the rising edge.
  virtual void eval(bool clk) = 0;
  virtual bool busy() const = 0;
  virtual void observe(int engine, engine_obs& o) const = 0;
  virtual void output(std::vector<packet>& out) const = 0;  // appends this cycle's output stream
};

}  // namespace snncosim::tb

// The one symbol the shared object exports.
extern "C" snncosim::tb::rtl_top_model* snncosim_rtl_top_create(int abi_version);
