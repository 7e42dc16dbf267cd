/*
 * fuzz_common.h — what both fuzz targets share: starting the interpreter
 * once per process and the check that a failure is one a program may see.
 *
 * A target is built two ways: with clang's libFuzzer (TWIN_FUZZ=ON, the
 * fuzzer calls LLVMFuzzerInitialize and LLVMFuzzerTestOneInput), and with
 * replay_main.c in every build, where it replays committed inputs (the seed
 * corpus and tests/fuzz/regressions/) as ordinary ctests on both runtimes.
 */
#ifndef TWIN_FUZZ_COMMON_H
#define TWIN_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "twinpy/errors.h"
#include "twinpy/interp.h"
#include "twinpy/object.h"
#include "twinpy/runtime.h"
#include "twinpy/vm.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Under AddressSanitizer: an allocation too large to be honest (a program
 * asking for 10**12 items) fails and becomes MemoryError, as it does with
 * the system allocator, instead of being reported as a finding. */
__attribute__((used)) const char *__asan_default_options(void);
__attribute__((used)) const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1:max_allocation_size_mb=1024";
}

/* Start the interpreter the first time it is needed. */
static void fuzz_interpreter_start(void)
{
    static int started;
    if (started)
        return;
    started = 1;
    static char *argv0[] = {"fuzz", NULL};
    if (tw_interpreter_init(1, argv0) < 0) {
        fprintf(stderr, "fuzz: interpreter start-up failed\n");
        abort();
    }
}

/* Abort (a finding) unless exc is an instance of one of the types in the
 * NULL-terminated list: the fuzzer then saves the input that caused it. */
__attribute__((unused)) static void fuzz_expect_exception(TwObject *exc, TwObject *const *allowed, const char *what)
{
    if (exc == NULL) {
        fprintf(stderr, "fuzz: %s failed without setting an exception\n", what);
        abort();
    }
    for (int i = 0; allowed[i]; i++)
        if (tw_err_given_matches(exc, allowed[i]))
            return;
    fprintf(stderr, "fuzz: %s raised an unexpected exception:\n", what);
    tw_print_exception(exc);
    abort();
}

#endif /* TWIN_FUZZ_COMMON_H */
