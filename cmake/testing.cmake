if(NOT SNNCOSIM_BUILD_TESTS)
  return()
endif()
enable_testing()
include(doctest)

# doctest_discover_tests flattens its PROPERTIES into one list, which splits multi-valued
# properties (LABELS "a;b", ENVIRONMENT "x;y") into broken pairs; so the properties are set by
# a script of our own that ctest includes after the discovered tests.
function(snncosim_discover_tests name labels)
  doctest_discover_tests(${name} TEST_PREFIX "${name}/" TEST_LIST ${name}_tests)
  set(script "${CMAKE_CURRENT_BINARY_DIR}/${name}_properties.cmake")
  file(WRITE "${script}"
       "if(${name}_tests)\n"
       "  set_tests_properties(\${${name}_tests} PROPERTIES LABELS \"${labels}\"\n"
       "    ENVIRONMENT \"OMP_NUM_THREADS=1;SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1;SNNCOSIM_RTL_CACHE=${PROJECT_BINARY_DIR}/rtl-cache\")\n"
       "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${script}")
endfunction()

# A plain doctest executable; each TEST_CASE becomes its own ctest.
function(snncosim_add_test name)
  cmake_parse_arguments(arg "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE ${arg_LIBS} doctest::doctest)
  target_compile_definitions(${name} PRIVATE SNNCOSIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  snncosim_target_warnings(${name})
  snncosim_discover_tests(${name} "unit;${arg_LABELS}")
endfunction()

# A SystemC doctest executable: doctest runs from sc_main (tb/common/sc_doctest_main.cpp)
# and every TEST_CASE is a separate ctest process, because a SystemC kernel elaborates once.
function(snncosim_add_sc_test name)
  cmake_parse_arguments(arg "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE ${arg_LIBS} snncosim_tb_main)
  target_compile_definitions(${name} PRIVATE SNNCOSIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  snncosim_target_warnings(${name})
  snncosim_discover_tests(${name} "systemc;${arg_LABELS}")
endfunction()

add_test(NAME meta/test_names_are_filterable COMMAND ${PROJECT_SOURCE_DIR}/scripts/check-test-names)
set_tests_properties(meta/test_names_are_filterable PROPERTIES LABELS "unit")
