// A model that reports an error and swallows the exception; the test itself passes, so
// only the driver's error count can fail the process (ctest expects failure: WILL_FAIL).
#include <doctest/doctest.h>

#include <systemc>

TEST_CASE("an error report caught by the model") {
  try {
    SC_REPORT_ERROR("snncosim/selftest", "deliberate error");
  } catch (const sc_core::sc_report&) {
    // swallowed on purpose
  }
  CHECK(true);
}
