# Hostile input never crashes (tests/badinput/badinput.sh): syntax errors,
# absurd nesting, runaway recursion, impossible allocations, errors in many
# threads, structures too deep to free recursively, output cut short.
# Each case is one ctest, badinput.CASE, on this build's twinpy; when
# python3 is installed, badinput_cpython.CASE runs the same case on it, so
# the expectations are checked to be CPython's (cases where twinpy is
# deliberately stricter or different are left out of that list).
set(TWIN_BADINPUT_CASES
  indent_expected unindent_mismatch unexpected_indent tab_error unterminated_string
  unterminated_triple null_byte bad_utf8 unbalanced_open unbalanced_mismatch unbalanced_close
  syntax_from_stdin deep_parens deep_lists assign_in_nested_lists deep_dicts deep_ifs deep_blocks long_chains
  deep_prefix recursion recursion_methods_and_repr recursion_raised_limit recursion_in_thread
  memory_list memory_str memory_caught memory_from_iterable memory_deque unhashable release_unlocked thread_exceptions
  deep_structures_free output_before_error_pipe output_before_exit output_from_threads
  output_thread_exception step_limit)
# thread_exceptions: CPython may interleave the reports of threads that
# fail at the same moment; twinpy writes each one whole.
# step_limit: TWINPY_MAX_STEPS is twinpy's own.
# memory_deque: CPython's deque fills the memory before it fails.
set(TWIN_BADINPUT_TWINPY_ONLY thread_exceptions step_limit memory_deque)

if(TARGET twinpy)
  foreach(case ${TWIN_BADINPUT_CASES})
    add_test(NAME badinput.${case}
      COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/badinput/badinput.sh $<TARGET_FILE:twinpy> ${case})
    set_tests_properties(badinput.${case} PROPERTIES LABELS "badinput" TIMEOUT 300)
  endforeach()
endif()

find_program(TWIN_BADINPUT_PYTHON3 NAMES python3)
if(TWIN_BADINPUT_PYTHON3)
  foreach(case ${TWIN_BADINPUT_CASES})
    if(case IN_LIST TWIN_BADINPUT_TWINPY_ONLY)
      continue()
    endif()
    add_test(NAME badinput_cpython.${case}
      COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/badinput/badinput.sh ${TWIN_BADINPUT_PYTHON3} ${case})
    set_tests_properties(badinput_cpython.${case} PROPERTIES LABELS "badinput;differential" TIMEOUT 300)
  endforeach()
endif()
