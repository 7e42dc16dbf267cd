/*
 * fuzz_run.c — target B: run small programs under a step limit and a
 * recursion limit.
 *
 * The input is program text (the seed corpus is the test scripts and small
 * snippets; the fuzzer mutates them).  It runs as __main__ through
 * tw_run_main, exactly as `twinpy prog.py` would, with
 *   - a step limit (tw_set_step_limit): after FUZZ_MAX_STEPS backward jumps
 *     and calls the program gets KeyboardInterrupt, so `while True: pass`
 *     ends;
 *   - a recursion limit of FUZZ_RECURSION_LIMIT, restored before each run
 *     (the program may change it).
 * Whatever the program does, the interpreter must not crash, trip a
 * sanitizer or leak; an uncaught exception is printed and is not a finding.
 *
 * Inputs that could legitimately take unbounded time or memory in C code
 * the step limit cannot see (huge integers fed to range()/sum(), sleeping,
 * threads outliving the run, replacing builtins for later runs) are
 * skipped, see skip_input().
 */
#include <ctype.h>
#include <string.h>

#include "fuzz_common.h"

#define FUZZ_MAX_STEPS 20000
#define FUZZ_RECURSION_LIMIT 200

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_interpreter_start();
    return 0;
}

static bool contains(const char *s, const char *word) { return strstr(s, word) != NULL; }

/* True for inputs outside what an in-process run can bound. */
static bool skip_input(const char *src, size_t size)
{
    static const char *const banned[] = {
        "thread", "Thread", "time", "sleep", "queue", "Queue", "Lock", "Barrier",
        "Event", "Condition", "Semaphore", "builtins", "sys.std", "setswitchinterval",
        "**", "<<", "pow", "_helper", "__import__", "gc.disable",
        NULL,
    };
    if (strlen(src) != size)    /* NUL bytes: target A's business */
        return true;
    for (int i = 0; banned[i]; i++)
        if (contains(src, banned[i]))
            return true;
    /* Numbers of more than 4 characters (12345, 0x123, 1_000, 1e300). */
    for (size_t i = 0; i < size; i++) {
        bool starts = isdigit((unsigned char)src[i]) &&
                      (i == 0 || !(isalnum((unsigned char)src[i - 1]) || src[i - 1] == '_'));
        if (!starts)
            continue;
        size_t j = i;
        while (j < size && (isalnum((unsigned char)src[j]) || src[j] == '_' || src[j] == '.'))
            j++;
        if (j - i > 4)
            return true;
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *prev_src;
    if (size > 16 * 1024)
        return 0;
    fuzz_interpreter_start();
    char *src = malloc(size + 1);
    if (!src)
        return 0;
    memcpy(src, data, size);
    src[size] = '\0';
    if (skip_input(src, size)) {
        free(src);
        return 0;
    }
    tw_set_recursion_limit(FUZZ_RECURSION_LIMIT);
    tw_set_step_limit(FUZZ_MAX_STEPS);
    (void)tw_run_main(src, size, "<fuzz>");
    tw_set_step_limit(0);
    tw_set_recursion_limit(FUZZ_RECURSION_LIMIT);
    if (tw_err_occurred()) {
        fprintf(stderr, "fuzz: an exception was left set after the run\n");
        abort();
    }
    /* Cycles the program made go now, not in some later run. */
    tw_gc_collect(2);
    tw_err_clear();
    /* tw_run_main keeps the text for tracebacks until the next run. */
    free(prev_src);
    prev_src = src;
    return 0;
}
