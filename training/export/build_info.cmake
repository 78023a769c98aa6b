# Run at every build (cmake -P): writes the git sha of the source tree into a header, touching
# it only when it changed so nothing recompiles needlessly.
execute_process(COMMAND git -C "${SOURCE_DIR}" rev-parse HEAD OUTPUT_VARIABLE sha
                RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT rc EQUAL 0 OR sha STREQUAL "")
  set(sha "unknown")
endif()
set(text "#pragma once\n#define SNNCOSIM_EXPORT_GIT_SHA \"${sha}\"\n#define SNNCOSIM_EXPORT_VERSION \"${VERSION}\"\n")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUTPUT}" "${text}")
endif()
