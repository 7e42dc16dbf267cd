# The GIL runtime, the thread modules and the cycle collector
# (tests/threads/).
#
#   threads.NAME          every tests/threads/NAME.py with a NAME.out: run
#                         and compared with CPython's output (run_script.sh;
#                         regenerate with tests/regen_expected.sh).  Scripts
#                         with a NAME.stderr compare the whole stderr too,
#                         normalised (threads/run_stderr.sh; regenerate with
#                         `run_stderr.sh --regen python3 NAME.py`).
#   threads.gil_flag      sys._is_gil_enabled() says which runtime this is.
#   threads.stats         gil build: `--stats` counters are real and agree
#                         with the workload (threads/stats_check.sh).
#   threads.lock_stats    both builds: `--stats` counts the waits on _thread
#                         locks (threads/lock_stats_check.sh).
#   threads.lock_convoy   gil build: two threads taking one lock in a loop
#                         do not drag the GIL between them on every
#                         hand-over (threads/lock_convoy_check.sh).
#   threads.gil_protocol  gil build: the GIL's hand-over protocol in C
#                         (threads/test_gil_protocol.c).
#   threads.finalizer_stats  both builds: `--stats` counts finalizers run.
#   threads.gc_one_cpu    both builds: four threads allocating on one CPU
#                         get a collection every threshold-0 objects
#                         (threads/data/gc_one_cpu.py, under taskset).
#
# Run on the gil build only, for now:
#   gil_switch_interval  the interval stored in whole microseconds, as
#                        CPython (the nogil runtime keeps the double).
if(TARGET twinpy)
  set(TWIN_THREADS_ONLY_GIL gil_switch_interval)
  file(GLOB TWIN_THREAD_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/threads/*.py)
  foreach(script ${TWIN_THREAD_TESTS})
    get_filename_component(name ${script} NAME_WE)
    if(NOT TWIN_RUNTIME STREQUAL "gil" AND name IN_LIST TWIN_THREADS_ONLY_GIL)
      continue()
    endif()
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/threads/${name}.stderr)
      add_test(NAME threads.${name}
        COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/threads/run_stderr.sh $<TARGET_FILE:twinpy> ${script})
    else()
      add_test(NAME threads.${name}
        COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/run_script.sh $<TARGET_FILE:twinpy> ${script})
    endif()
    set_tests_properties(threads.${name} PROPERTIES LABELS "threads" TIMEOUT 120)
  endforeach()

  if(TWIN_RUNTIME STREQUAL "gil")
    set(TWIN_EXPECT_GIL "^True\n$")
  else()
    set(TWIN_EXPECT_GIL "^False\n$")
  endif()
  add_test(NAME threads.gil_flag
    COMMAND $<TARGET_FILE:twinpy> -c "import sys; print(sys._is_gil_enabled())")
  set_tests_properties(threads.gil_flag PROPERTIES LABELS "threads" TIMEOUT 30
    PASS_REGULAR_EXPRESSION "${TWIN_EXPECT_GIL}")

  # Collection scheduling with more threads than CPUs: one CPU, four
  # allocating threads (threads/data/gc_one_cpu.py).
  find_program(TWIN_TASKSET taskset)
  if(TWIN_TASKSET)
    add_test(NAME threads.gc_one_cpu
      COMMAND ${TWIN_TASKSET} -c 0 $<TARGET_FILE:twinpy>
              ${CMAKE_CURRENT_SOURCE_DIR}/threads/data/gc_one_cpu.py)
    set_tests_properties(threads.gc_one_cpu PROPERTIES LABELS "threads" TIMEOUT 120
      PASS_REGULAR_EXPRESSION "^automatic collections: [0-9]+ at least [0-9]+ True\n$")
  endif()

  # Both builds: `--stats` counts the finalizers run (gc_finalizers).
  add_test(NAME threads.finalizer_stats
    COMMAND $<TARGET_FILE:twinpy> --stats ${CMAKE_CURRENT_SOURCE_DIR}/threads/data/finalizer_stats.py)
  set_tests_properties(threads.finalizer_stats PROPERTIES LABELS "threads" TIMEOUT 60
    PASS_REGULAR_EXPRESSION "\ngc_finalizers 28\n")

  add_test(NAME threads.lock_stats
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/threads/lock_stats_check.sh $<TARGET_FILE:twinpy>
            ${CMAKE_CURRENT_SOURCE_DIR}/threads/data/lock_wait_workload.py)
  set_tests_properties(threads.lock_stats PROPERTIES LABELS "threads" TIMEOUT 60)

  if(TWIN_RUNTIME STREQUAL "gil")
    # A contended lock does not take the GIL along (threadmodule.c).
    add_test(NAME threads.lock_convoy
      COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/threads/lock_convoy_check.sh $<TARGET_FILE:twinpy>
              ${CMAKE_CURRENT_SOURCE_DIR}/threads/data/lock_convoy_workload.py)
    set_tests_properties(threads.lock_convoy PROPERTIES LABELS "threads" TIMEOUT 120)

    # The hand-over protocol itself, through the runtime's private header.
    add_executable(test_gil_protocol ${CMAKE_CURRENT_SOURCE_DIR}/threads/test_gil_protocol.c)
    target_include_directories(test_gil_protocol PRIVATE
      ${CMAKE_CURRENT_SOURCE_DIR}/unit ${CMAKE_SOURCE_DIR}/gil_runtime)
    target_link_libraries(test_gil_protocol PRIVATE twin)
    add_test(NAME threads.gil_protocol COMMAND test_gil_protocol)
    set_tests_properties(threads.gil_protocol PROPERTIES LABELS "threads" TIMEOUT 120)

    add_test(NAME threads.stats
      COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/threads/stats_check.sh $<TARGET_FILE:twinpy>
              ${CMAKE_CURRENT_SOURCE_DIR}/threads/data/stats_workload.py)
    set_tests_properties(threads.stats PROPERTIES LABELS "threads" TIMEOUT 60)
  endif()
endif()
