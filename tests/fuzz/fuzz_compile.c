/*
 * fuzz_compile.c — target A: arbitrary bytes through the tokenizer, the
 * parser and the compiler, in both compile modes (a module and eval()).
 *
 * The promise checked: any input either compiles to a code object (which
 * is then disassembled, exercising every instruction's decoding) or fails
 * with SyntaxError (IndentationError, TabError), or, for inputs too large
 * or too deep, MemoryError / RecursionError, as CPython's compile() can
 * (and OverflowError for an integer literal twinpy cannot hold yet).
 * Anything else — a crash, a sanitizer report, a leak, a hang, another
 * exception type, a failure with no exception — is a finding.
 */
#include <string.h>

#include "fuzz_common.h"

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_interpreter_start();
    devnull = fopen("/dev/null", "w");
    return 0;
}

static void compile_one(const char *src, size_t size, TwCompileMode mode)
{
    TwObject *code = tw_compile_source(src, size, "<fuzz>", mode);
    if (code) {
        if (devnull)
            tw_code_disassemble(code, devnull);
        TW_DECREF(code);
        return;
    }
    TwObject *exc = tw_err_fetch();
    /* OverflowError: an integer literal past 64 bits, until big integers
     * exist (see LANGUAGE.md). */
    TwObject *const allowed[] = {TwExc_SyntaxError, TwExc_MemoryError, TwExc_RecursionError,
                                 TwExc_OverflowError, NULL};
    fuzz_expect_exception(exc, allowed, "compile");
    /* Format it as an uncaught one would be (carets, source text). */
    tw_print_exception(exc);
    TW_DECREF(exc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024)
        return 0;
    fuzz_interpreter_start();
    /* The interpreter reads source as main() gives it: NUL-terminated. */
    char *src = malloc(size + 1);
    if (!src)
        return 0;
    memcpy(src, data, size);
    src[size] = '\0';
    compile_one(src, size, TW_COMPILE_EXEC);
    compile_one(src, size, TW_COMPILE_EVAL);
    free(src);
    return 0;
}
