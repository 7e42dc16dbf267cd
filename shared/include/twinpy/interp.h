/*
 * interp.h — the interpreter's entry points: start-up, compiling and running
 * source, printing uncaught exceptions, the module registry.
 *
 * Owners: compile/eval in shared/vm/ (compiler + eval loop); start-up,
 * run_main, tracebacks and imports in shared/vm/interp.c and shared/modules/.
 */
#ifndef TWINPY_INTERP_H
#define TWINPY_INTERP_H

#include "twinpy/types.h"

typedef enum {
    TW_COMPILE_EXEC,      /* a module or script                            */
    TW_COMPILE_EVAL,      /* one expression (eval())                       */
} TwCompileMode;

/* Start everything: runtime, objects, builtins, sys (argv from argv[0..argc)).
 * Returns 0, or -1 after printing why. */
int tw_interpreter_init(int argc, char **argv);
/* Wait for non-daemon threads, run exit work, flush stdout/stderr. */
void tw_interpreter_fini(void);

/* Source -> code object.  On a syntax error sets SyntaxError (or
 * IndentationError/TabError) whose args are (msg, (filename, lineno,
 * offset, text, end_lineno, end_offset)) as CPython's are. */
TwObject *tw_compile_source(const char *src, size_t len, const char *filename, TwCompileMode mode);
/* Run a code object in the given globals (and locals; NULL = globals). */
TwObject *tw_eval_code(TwObject *code, TwObject *globals, TwObject *locals);

/* Run a whole program as __main__: compile, run, print any uncaught
 * exception CPython's way (traceback to stderr), handle SystemExit.
 * Returns the process exit status. */
int tw_run_main(const char *src, size_t len, const char *filename);

/* Print exc with its traceback to stderr as CPython does. */
void tw_print_exception(TwObject *exc);
/* An exception nothing can catch (a finalizer's, a generator's on close
 * at dealloc), reported as CPython's "unraisable" hook does: "Exception
 * ignored in: " and repr(where), then exc with its traceback. */
void tw_print_unraisable(TwObject *exc, TwObject *where);
/* The builtins module's dict (borrowed). */
TwObject *tw_builtins_dict(void);
/* import name: a registered built-in module, or name.py beside the script. */
TwObject *tw_import_module(TwObject *name);
/* Built-in modules register a constructor run at first import. */
void tw_register_builtin_module(const char *name, TwObject *(*init)(void));

#endif /* TWINPY_INTERP_H */
