# Stress suite (label "stress"): tests/stress/NAME.py run with N = 2, 8 and
# 32 threads, as stress.NAME.nN.  Each script checks its own invariants and
# exits 1 with a message when one fails.  Iteration counts are fixed (no
# timing in any check) and chosen so a test takes seconds; sanitizer builds
# divide them (TSan most).  A hang fails through the TIMEOUT property.
#
# On the gil build each script also runs at N = 8 with
# sys.setswitchinterval(1e-6) (stress.NAME.n8.switch), so the GIL changes
# hands at nearly every eval-breaker check.
#
# Sanitizer builds: every test of the build (not only these) gets the
# sanitizer options below as ctest ENVIRONMENT, so a report fails the test
# whether ctest is run by tools/twin or by hand.

if(TARGET twinpy)
  set(TWIN_STRESS_DIV 1)
  set(TWIN_STRESS_TIMEOUT 90)
  if(TWIN_SANITIZE STREQUAL "thread")
    set(TWIN_STRESS_DIV 25)
    set(TWIN_STRESS_TIMEOUT 300)
  elseif(TWIN_SANITIZE)
    set(TWIN_STRESS_DIV 10)
    set(TWIN_STRESS_TIMEOUT 240)
  endif()

  # script | iterations at N=2 | at N=8 | at N=32 (plain builds)
  set(TWIN_STRESS_SCRIPTS
    "containers|10000|2500|800"
    "thread_churn|1000|400|120"
    "refcounts|50000|20000|5000"
    "gc_race|10000|3000|800"
    "sync|30000|10000|2500"
    "deque|10000|2500|800"
    "handoff|5000|2000|500"
    "finalizers|5000|1500|400"
    "shared_iterators|2000|500|120"
    "class_attrs|20000|8000|2000"
    "class_slots|20000|200|40"
    "closures|20000|8000|2000"
    "object_fields|20000|8000|2000"
    "instance_dicts|200000|50000|10000"
    "snapshots|20000|5000|2000"
    "item_operands|1000000|250000|60000"
    "borrowed_callees|20000|5000|1500"
    "queue_rebind|5000|3000|1000")
  foreach(entry ${TWIN_STRESS_SCRIPTS})
    string(REPLACE "|" ";" parts "${entry}")
    list(GET parts 0 script)
    set(col 1)
    foreach(n 2 8 32)
      list(GET parts ${col} iters)
      math(EXPR col "${col} + 1")
      math(EXPR iters "(${iters} + ${TWIN_STRESS_DIV} - 1) / ${TWIN_STRESS_DIV}")
      add_test(NAME stress.${script}.n${n}
        COMMAND $<TARGET_FILE:twinpy> ${script}.py ${n} ${iters}
        WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/stress)
      set_tests_properties(stress.${script}.n${n} PROPERTIES
        LABELS "stress" TIMEOUT ${TWIN_STRESS_TIMEOUT})
      if(n EQUAL 8 AND TWIN_RUNTIME STREQUAL "gil")
        add_test(NAME stress.${script}.n8.switch
          COMMAND $<TARGET_FILE:twinpy> ${script}.py 8 ${iters} 1e-6
          WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/stress)
        set_tests_properties(stress.${script}.n8.switch PROPERTIES
          LABELS "stress" TIMEOUT ${TWIN_STRESS_TIMEOUT})
      endif()
    endforeach()
  endforeach()
endif()

# halt_on_error: the first report ends the process; exitcode 86 is not a
# status any test expects, so a report can never pass as an expected failure.
# LeakSanitizer is off: the interpreter keeps its immortal objects and
# interned strings until exit by design.
if(TWIN_SANITIZE)
  set(TWIN_SANITIZER_ENV
    "ASAN_OPTIONS=halt_on_error=1:abort_on_error=0:exitcode=86:detect_leaks=0:strict_string_checks=1:detect_stack_use_after_return=0"
    "UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=86"
    "TSAN_OPTIONS=halt_on_error=1:exitcode=86:second_deadlock_stack=1:history_size=4")
  function(twin_sanitizer_env_for_all_tests)
    get_property(all_tests DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR} PROPERTY TESTS)
    foreach(t ${all_tests})
      set_property(TEST ${t} APPEND PROPERTY ENVIRONMENT ${TWIN_SANITIZER_ENV})
    endforeach()
  endfunction()
  # Deferred to the end of tests/CMakeLists.txt, so tests registered after
  # this file is included get the options too.
  cmake_language(DEFER CALL twin_sanitizer_env_for_all_tests)
endif()
