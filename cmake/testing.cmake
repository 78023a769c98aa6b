if(NOT SNNCOSIM_BUILD_TESTS)
  return()
endif()
enable_testing()
include(doctest)

# A plain doctest executable; each TEST_CASE becomes its own ctest.
function(snncosim_add_test name)
  cmake_parse_arguments(arg "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE ${arg_LIBS} doctest::doctest)
  target_compile_definitions(${name} PRIVATE SNNCOSIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                                             SNNCOSIM_FIXTURE_DIR="${PROJECT_SOURCE_DIR}/tests/fixtures")
  snncosim_target_warnings(${name})
  doctest_discover_tests(${name} TEST_PREFIX "${name}/" PROPERTIES LABELS "unit;${arg_LABELS}"
                         ENVIRONMENT "OMP_NUM_THREADS=1;SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1")
endfunction()

# A SystemC doctest executable: doctest runs from sc_main (tb/common/sc_doctest_main.cpp)
# and every TEST_CASE is a separate ctest process, because a SystemC kernel elaborates once.
function(snncosim_add_sc_test name)
  cmake_parse_arguments(arg "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE ${arg_LIBS} snncosim_tb_main)
  target_compile_definitions(${name} PRIVATE SNNCOSIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  snncosim_target_warnings(${name})
  doctest_discover_tests(${name} TEST_PREFIX "${name}/" PROPERTIES LABELS "systemc;${arg_LABELS}"
                         ENVIRONMENT "OMP_NUM_THREADS=1;SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1")
endfunction()

add_test(NAME meta/test_names_are_filterable COMMAND ${PROJECT_SOURCE_DIR}/scripts/check-test-names)
set_tests_properties(meta/test_names_are_filterable PROPERTIES LABELS "unit")
