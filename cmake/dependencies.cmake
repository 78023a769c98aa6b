# Every dependency is a Debian 12 package installed by scripts/setup; nothing is downloaded.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

# SystemC ships only pkg-config files on Debian. libsystemc.so is built as C++17, so every
# translation unit that sees SystemC must claim C++17 or it links against a missing ABI tag.
pkg_check_modules(SYSTEMC REQUIRED IMPORTED_TARGET systemc>=2.3.4)
pkg_check_modules(TLM REQUIRED IMPORTED_TARGET tlm)
add_library(snncosim_systemc INTERFACE)
target_link_libraries(snncosim_systemc INTERFACE PkgConfig::SYSTEMC PkgConfig::TLM Threads::Threads)
target_compile_definitions(snncosim_systemc INTERFACE SC_CPLUSPLUS=201703L)
add_library(snncosim::systemc ALIAS snncosim_systemc)

find_package(dnnl 2.6 CONFIG REQUIRED)
find_package(yaml-cpp 0.7 CONFIG REQUIRED)
if(TARGET yaml-cpp::yaml-cpp)
  set(SNNCOSIM_YAML_TARGET yaml-cpp::yaml-cpp)
else()
  set(SNNCOSIM_YAML_TARGET yaml-cpp)
endif()
find_package(doctest 2.4 CONFIG REQUIRED)
find_package(CLI11 2.1 CONFIG REQUIRED)
find_package(nlohmann_json 3.11 CONFIG REQUIRED)
find_package(fmt 9 CONFIG REQUIRED)
find_package(spdlog 1.10 CONFIG REQUIRED)
# Header-only: Boost.Random gives distributions that are the same on every standard library.
find_package(Boost 1.74 REQUIRED)
# cmark-gfm (GitHub's CommonMark with the table extension) ships no CMake or pkg-config file
# for its extensions library, so both libraries are found by name.
find_path(CMARK_GFM_INCLUDE_DIR cmark-gfm-core-extensions.h REQUIRED)
find_library(CMARK_GFM_LIBRARY cmark-gfm REQUIRED)
find_library(CMARK_GFM_EXTENSIONS_LIBRARY cmark-gfm-extensions REQUIRED)
add_library(snncosim_cmark_gfm INTERFACE)
target_include_directories(snncosim_cmark_gfm SYSTEM INTERFACE ${CMARK_GFM_INCLUDE_DIR})
target_link_libraries(snncosim_cmark_gfm INTERFACE ${CMARK_GFM_EXTENSIONS_LIBRARY} ${CMARK_GFM_LIBRARY})
add_library(snncosim::cmark_gfm ALIAS snncosim_cmark_gfm)
find_package(HDF5 REQUIRED COMPONENTS C CXX)
find_package(verilator 5.0 QUIET)
find_package(MPI QUIET COMPONENTS CXX)
