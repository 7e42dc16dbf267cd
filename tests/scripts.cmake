# Script tests: every tests/scripts/NAME.py is one ctest, script.NAME, run on
# the build's twinpy and compared with NAME.out (stdout), NAME.rc (exit
# status, default 0) and NAME.err (last line of stderr) — see run_script.sh.
# Files starting with "_" are helper modules the scripts import.
#
# The expectations are CPython's own output (python3 run on the script);
# the "differential" test re-checks them against python3 when it exists.

if(TARGET twinpy)
  file(GLOB TWIN_SCRIPT_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/scripts/*.py)
  foreach(script ${TWIN_SCRIPT_TESTS})
    get_filename_component(name ${script} NAME_WE)
    if(name MATCHES "^_")
      continue()
    endif()
    add_test(NAME script.${name}
      COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/run_script.sh $<TARGET_FILE:twinpy> ${script})
    set_tests_properties(script.${name} PROPERTIES LABELS "script" TIMEOUT 120)
  endforeach()

  # The command line: options, exit statuses, tracebacks (cli_test.sh).
  foreach(case version help unknown_option missing_file command stdin command_exception
          traceback_lines fused_traceback_lines syntax_error stats bias_stats brc_stats trace exit_status output_not_lost dis)
    add_test(NAME cli.${case}
      COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/cli_test.sh $<TARGET_FILE:twinpy> ${case})
    set_tests_properties(cli.${case} PROPERTIES LABELS "cli" TIMEOUT 60)
  endforeach()
  # the sanitizers keep their own fatal-signal handlers
  if(NOT TWIN_SANITIZE)
    add_test(NAME cli.fatal_signal
      COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/cli_test.sh $<TARGET_FILE:twinpy> fatal_signal)
    set_tests_properties(cli.fatal_signal PROPERTIES LABELS "cli" TIMEOUT 60)
  endif()

  # The classic GIL experiments, at sizes small enough for a test run: each
  # must finish with status 0 on this build.  countdown, factorise and
  # shared_dict need the threading module.
  set(TWIN_EXAMPLES
    "countdown|200000"
    "factorise|3000"
    "shared_dict|20000"
    "refcount_gc|200")
  foreach(entry ${TWIN_EXAMPLES})
    string(REPLACE "|" ";" parts "${entry}")
    list(GET parts 0 ex)
    list(GET parts 1 size)
    if(EXISTS ${CMAKE_SOURCE_DIR}/examples/${ex}.py)
      add_test(NAME example.${ex}
        COMMAND $<TARGET_FILE:twinpy> ${CMAKE_SOURCE_DIR}/examples/${ex}.py ${size}
        WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}/examples)
      set_tests_properties(example.${ex} PROPERTIES LABELS "examples" TIMEOUT 300)
    endif()
  endforeach()
endif()

find_program(TWIN_PYTHON3 NAMES python3)
if(TWIN_PYTHON3)
  add_test(NAME differential.cpython
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/differential.sh ${TWIN_PYTHON3}
            ${CMAKE_CURRENT_SOURCE_DIR}/scripts)
  set_tests_properties(differential.cpython PROPERTIES LABELS "differential" TIMEOUT 600)
endif()
