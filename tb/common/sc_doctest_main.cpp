// doctest driven from sc_main. Each ctest process runs one TEST_CASE (see
// snncosim_add_sc_test), which builds its own module hierarchy and calls sc_start.
// SystemC reports of severity error or fatal make the process fail even when the model
// caught the exception: the count is checked after the tests ran.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>

#include <systemc>

int sc_main(int argc, char* argv[]) {
  // Before any SystemC object exists: no banner, so test discovery parses clean output.
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  doctest::Context context(argc, argv);
  const int rc = context.run();
  if (context.shouldExit()) return rc;
  const auto errors = sc_core::sc_report_handler::get_count(sc_core::SC_ERROR) +
                      sc_core::sc_report_handler::get_count(sc_core::SC_FATAL);
  if (errors > 0) {
    std::fprintf(stderr, "sc_doctest_main: %u SystemC error report(s); failing the test\n", errors);
    return rc == 0 ? 1 : rc;
  }
  return rc;
}
