// Checks of the SystemC test driver itself: one elaboration per process, time advances
// by whole clock cycles.
#include <doctest/doctest.h>

#include <systemc>

namespace {

struct cycle_counter : sc_core::sc_module {
  sc_core::sc_in<bool> clk{"clk"};
  unsigned m_count = 0;
  SC_HAS_PROCESS(cycle_counter);
  explicit cycle_counter(const sc_core::sc_module_name& name) : sc_core::sc_module(name) {
    SC_METHOD(on_clock);
    sensitive << clk.pos();
    dont_initialize();
  }
  void on_clock() { ++m_count; }
};

}  // namespace

TEST_CASE("a clocked module sees one rising edge per period") {
  sc_core::sc_clock clk("clk", 10, sc_core::SC_NS);
  cycle_counter counter("counter");
  counter.clk(clk);
  sc_core::sc_start(1000, sc_core::SC_NS);
  // Rising edges at 0, 10, ..., 990 ns; dont_initialize skips nothing since edge 0 is an event.
  CHECK(counter.m_count == 100);
}

TEST_CASE("a second test case elaborates in its own process") {
  sc_core::sc_signal<int> s("s");
  s.write(5);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  CHECK(s.read() == 5);
}
