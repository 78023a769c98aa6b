# `snncosim export` without a checkpoint must exit 2 (bad input) with one message saying so,
# print nothing on stdout and write no file.
execute_process(COMMAND ${SNNCOSIM} export ${EXPERIMENT} --set output_dir=${DIR}/nothing --model ${DIR}/x.h5
                        --traces ${DIR}/y.h5
                RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE out)
if(NOT rc EQUAL 2)
  message(FATAL_ERROR "expected exit 2, got ${rc}: ${err}")
endif()
if(NOT err MATCHES "no checkpoint in")
  message(FATAL_ERROR "message does not name the problem: ${err}")
endif()
if(NOT out STREQUAL "" OR EXISTS ${DIR}/x.h5 OR EXISTS ${DIR}/y.h5)
  message(FATAL_ERROR "output on stdout or files written on error: ${out}")
endif()
message(STATUS "ok: ${err}")
