# The benchmark suite stays runnable: every macro script in bench/scripts
# runs on this build at a tiny size with two threads and prints its RESULT
# line.  (The micro suite's smoke test is in bench/CMakeLists.txt, where
# its target is defined.)  Timings are not checked: tests never judge speed.
if(TARGET twinpy)
  set(TWIN_BENCH_SMOKE
    "countdown|20000" "fib|12" "factorise|100" "nbody|50" "alloc_churn|2000"
    "shared_read|5000" "shared_dict_lock|2000" "producer_consumer|500"
    "cycles|2000" "io_latency|5")
  foreach(entry ${TWIN_BENCH_SMOKE})
    string(REPLACE "|" ";" parts "${entry}")
    list(GET parts 0 script)
    list(GET parts 1 size)
    add_test(NAME bench.script.${script}
      COMMAND $<TARGET_FILE:twinpy> ${CMAKE_SOURCE_DIR}/bench/scripts/${script}.py 2 ${size})
    set_tests_properties(bench.script.${script} PROPERTIES LABELS "bench" TIMEOUT 120
      PASS_REGULAR_EXPRESSION "RESULT script=${script} threads=2 size=${size} seconds=[0-9.]+ ops=[0-9]+"
      FAIL_REGULAR_EXPRESSION "Traceback|Error")
  endforeach()
endif()

# The driver's pure-Python parts, on made-up data (no timing is judged):
# timing_noise, what the report says about how much repeated timings
# differed; cpu_speeds, the per-CPU speed probe's shape and the report's
# lines on unequal CPUs (which cap what threads can gain).
find_program(TWIN_BENCH_PYTHON3 NAMES python3)
if(TWIN_BENCH_PYTHON3)
  foreach(name timing_noise cpu_speeds)
    add_test(NAME bench.driver_${name}
      COMMAND ${TWIN_BENCH_PYTHON3} ${CMAKE_SOURCE_DIR}/tests/bench/${name}_test.py)
    set_tests_properties(bench.driver_${name} PROPERTIES LABELS "bench" TIMEOUT 60
      PASS_REGULAR_EXPRESSION "^ok")
  endforeach()
endif()
