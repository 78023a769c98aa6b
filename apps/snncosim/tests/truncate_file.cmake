# Writes the first half of IN to OUT (a truncated copy for the error-path test).
file(SIZE ${IN} size)
math(EXPR half "${size} / 2")
file(COPY_FILE ${IN} ${OUT})
execute_process(COMMAND truncate -s ${half} ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "could not truncate ${OUT}")
endif()
