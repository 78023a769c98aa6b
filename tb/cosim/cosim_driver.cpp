#include "cosim_driver.h"

#include <algorithm>

#include <fmt/format.h>

#include "engine_models.h"

namespace snncosim::tb {

namespace {

class whole_driver final : public rtl_driver {
 public:
  explicit whole_driver(rtl_top_model& top) : m_top(top) {}
  void reset(bool active) override {
    m_top.set_reset(active);
    m_top.eval(false);
  }
  // The top's one load port, engine by engine.
  void load(const std::vector<engine_plan>& plans, const std::function<void()>& negedge) override {
    for (std::size_t e = 0; e < plans.size(); ++e)
      for (const auto& w : plans[e].loads) {
        negedge();
        m_top.set_load(true, static_cast<std::uint32_t>(e), w.target, w.lane, w.addr, w.data);
        m_top.eval(false);
      }
  }
  void cycle_inputs(std::uint64_t cycle, const std::vector<engine_plan>& plans) override {
    m_top.set_load(false, 0, 0, 0, 0, 0);
    m_top.set_steps(static_cast<std::uint32_t>(plans.front().steps));
    m_top.set_start(cycle == 0);
    m_top.eval(false);
  }
  void posedge() override { m_top.eval(true); }
  void observe(std::size_t e, engine_obs& o) const override { m_top.observe(static_cast<int>(e), o); }
  void output(std::vector<packet>& out) const override { m_top.output(out); }

 private:
  rtl_top_model& m_top;
};

class engine_driver final : public rtl_driver {
 public:
  engine_driver(const tlm_record& tlm, sc_core::sc_signal<bool>& clk, const std::string& variant, int max_steps) {
    const rtl_variant v = parse_rtl_variant(variant);
    for (std::size_t e = 0; e < tlm.engines(); ++e) {
      const auto& eng = *tlm.acc.engines()[e];
      const int penc = eng.hw().penc_width_bits;
      // bad_input before anything runs when the layer does not fit the prebuilt engine
      (void)make_engine_image(tlm.model.layers[tlm.layer_index(e)], eng.geometry(), eng.hw(), max_steps,
                              engine_build_limits(penc));
      m_ports.push_back(std::make_unique<engine_ports>());
      make_engine_model(*m_ports.back(), clk, fmt::format("rtl_engine_{}", eng.layer_name()), penc, v);
    }
  }
  void reset(bool active) override {
    for (auto& p : m_ports) p->rst_n.write(!active);
  }
  // Every engine through its own load port, in parallel.
  void load(const std::vector<engine_plan>& plans, const std::function<void()>& negedge) override {
    std::size_t longest = 0;
    for (const auto& p : plans) longest = std::max(longest, p.loads.size());
    for (std::size_t i = 0; i < longest; ++i) {
      negedge();
      for (std::size_t e = 0; e < m_ports.size(); ++e) {
        auto& port = *m_ports[e];
        if (i < plans[e].loads.size()) {
          const auto& w = plans[e].loads[i];
          port.load_valid.write(true);
          port.load_target.write(w.target);
          port.load_lane.write(w.lane);
          port.load_addr.write(w.addr);
          port.load_data.write(w.data);
        } else {
          port.load_valid.write(false);
        }
      }
    }
  }
  void cycle_inputs(std::uint64_t cycle, const std::vector<engine_plan>& plans) override {
    for (std::size_t e = 0; e < m_ports.size(); ++e) {
      auto& port = *m_ports[e];
      port.load_valid.write(false);
      port.start.write(cycle == 0);
      // The TLM sets input_ready per step in order, so counting the prefix is exact.
      port.in_ready.write(steps_at(plans[e].input_ready, cycle));
      port.out_free.write(steps_at(plans[e].output_free, cycle));
    }
  }
  void observe(std::size_t e, engine_obs& o) const override { m_ports[e]->observe(o); }

 private:
  std::vector<std::unique_ptr<engine_ports>> m_ports;
};

}  // namespace

std::unique_ptr<rtl_driver> make_whole_driver(rtl_top_model& top) { return std::make_unique<whole_driver>(top); }

std::unique_ptr<rtl_driver> make_engine_driver(const tlm_record& tlm, sc_core::sc_signal<bool>& clk,
                                               const std::string& variant, int max_steps) {
  return std::make_unique<engine_driver>(tlm, clk, variant, max_steps);
}

}  // namespace snncosim::tb
