# `twinpy --trace` and `twinpy --stats` (tests/trace_check.py): the trace is
# valid Chrome trace-event JSON with named threads and the events that
# really happened (GIL waits, stops, collections); the counters move with
# what the program did.  The checker needs python3 to parse the JSON.
# Not in sanitizer builds: --stats reads other threads' owner-written
# counters without synchronisation by design (approximate while a thread
# is still finishing, see nogil_runtime/stats.c), which TSan reports.
find_package(Python3 COMPONENTS Interpreter QUIET)
if(TARGET twinpy AND Python3_Interpreter_FOUND AND NOT TWIN_SANITIZE)
  foreach(case threads gc stats)
    add_test(NAME trace.${case}
      COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/trace_check.py
              $<TARGET_FILE:twinpy> ${case})
    set_tests_properties(trace.${case} PROPERTIES LABELS "trace" TIMEOUT 120)
  endforeach()
endif()
