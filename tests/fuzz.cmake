# Fuzzing (tests/fuzz/).  Two targets:
#   compile  arbitrary bytes through tokenizer, parser and compiler;
#   run      programs run under a step limit and a recursion limit.
#
# Every build (gcc or clang, both runtimes) builds each target with a plain
# main (replay_main.c) and replays the committed inputs — the seed corpus
# and every reproducer in tests/fuzz/regressions/<target>/ — as the ctests
# fuzz_regress.<target>.
#
# The fuzzers themselves need clang's libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer:
#   cmake -S . -B build/fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
#         -DTWIN_FUZZ=ON -DTWIN_SANITIZE=address,undefined -DTWIN_ALLOCATOR=system \
#         -DTWIN_BUILD_BENCH=OFF -DTWIN_RUNTIME=gil
#   cmake --build build/fuzz -j2 --target fuzz_compile fuzz_run
#   ctest --test-dir build/fuzz -L '^fuzz$' --output-on-failure
# which registers fuzz.<target>: each target fuzzed for TWIN_FUZZ_SECONDS
# (default 60) from its seed corpus (tests/fuzz/run_fuzz.sh).
option(TWIN_FUZZ "Build the libFuzzer targets (needs clang and TWIN_SANITIZE=address,undefined)" OFF)
set(TWIN_FUZZ_SECONDS 60 CACHE STRING "Seconds each fuzz.<target> ctest fuzzes")
set(TWIN_FUZZ_DIR ${CMAKE_CURRENT_SOURCE_DIR}/fuzz)

foreach(target compile run)
  add_executable(fuzz_replay_${target} ${TWIN_FUZZ_DIR}/fuzz_${target}.c ${TWIN_FUZZ_DIR}/replay_main.c)
  target_link_libraries(fuzz_replay_${target} PRIVATE twin)
  add_test(NAME fuzz_regress.${target}
    COMMAND fuzz_replay_${target} ${TWIN_FUZZ_DIR}/regressions/${target} ${TWIN_FUZZ_DIR}/corpus/${target})
  set_tests_properties(fuzz_regress.${target} PROPERTIES LABELS "fuzz_regress" TIMEOUT 300)
endforeach()

if(TWIN_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "TWIN_FUZZ=ON needs clang: -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++")
  endif()
  if(NOT TWIN_SANITIZE STREQUAL "address,undefined")
    message(FATAL_ERROR "TWIN_FUZZ=ON needs -DTWIN_SANITIZE=address,undefined -DTWIN_ALLOCATOR=system")
  endif()
  # Coverage feedback from everything the interpreter is made of.
  target_compile_options(twin_config INTERFACE -fsanitize=fuzzer-no-link)
  foreach(target compile run)
    add_executable(fuzz_${target} ${TWIN_FUZZ_DIR}/fuzz_${target}.c)
    target_link_libraries(fuzz_${target} PRIVATE twin)
    target_compile_options(fuzz_${target} PRIVATE -fsanitize=fuzzer)
    target_link_options(fuzz_${target} PRIVATE -fsanitize=fuzzer)
  endforeach()
  add_test(NAME fuzz.compile
    COMMAND sh ${TWIN_FUZZ_DIR}/run_fuzz.sh $<TARGET_FILE:fuzz_compile> ${TWIN_FUZZ_DIR}/corpus/compile ${TWIN_FUZZ_SECONDS})
  add_test(NAME fuzz.run
    COMMAND sh ${TWIN_FUZZ_DIR}/run_fuzz.sh $<TARGET_FILE:fuzz_run> ${TWIN_FUZZ_DIR}/corpus/run ${TWIN_FUZZ_SECONDS} fork)
  set_tests_properties(fuzz.compile fuzz.run PROPERTIES LABELS "fuzz" TIMEOUT 900)
endif()
