/*
 * stdmodules.h — what the interpreter start-up (shared/vm/interp.c) and the
 * built-in modules in shared/modules/ share with each other: module
 * constructors, the standard streams, argument helpers.  Not a contract
 * for the rest of twinpy: that is interp.h.
 */
#ifndef TWINPY_STDMODULES_H
#define TWINPY_STDMODULES_H

#include "twinpy/interp.h"
#include "twinpy/types.h"

/* Module constructors, run at first import (see tw_register_builtin_module). */
TwObject *tw_builtins_module_init(void);
TwObject *tw_sys_module_init(void);
TwObject *tw_time_module_init(void);
TwObject *tw_math_module_init(void);
TwObject *tw_gc_module_init(void);
TwObject *tw_collections_module_init(void);

/* interp.c: sys.modules (borrowed), and the imported sys module (borrowed,
 * NULL before start-up finished). */
TwObject *tw_interp_modules_dict(void);
TwObject *tw_interp_sys_module(void);

/* sysmodule.c: sys.argv from the command line. */
int tw_sys_set_argv(int argc, char **argv);

/* sysmodule.c: the process's standard streams.  `which` is 1 (stdout) or
 * 2 (stderr).  Output is buffered in twinpy (stdout: by blocks when not a
 * terminal, by lines when it is; stderr: flushed at every write) and never
 * lost: tw_stdio_flush_all runs at exit and before a traceback is printed.
 * The write syscall runs inside tw_begin_blocking/tw_end_blocking. */
int tw_stdio_write(int which, const char *s, size_t n);
int tw_stdio_flush(int which);
void tw_stdio_flush_all(void);
/* A fatal signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL: a bug in twinpy) writes
 * what stdout buffers and a line on stderr, then dies of it
 * (tw_fatal_signal_install, at start-up); each thread other than the main
 * one brackets its run with the enter/exit pair, which gives it the
 * handler's own stack (a C stack overflow). */
void tw_stdio_flush_on_crash(void);
void tw_fatal_signal_install(void);
void *tw_fatal_signal_thread_enter(void);
void tw_fatal_signal_thread_exit(void *altstack);
/* The stream object (immortal) and the test "is this one of ours?". */
TwObject *tw_stdio_object(int which);
int tw_stdio_which(TwObject *o);          /* 1, 2, or 0 for anything else */

/* builtins.c: keyword-argument parsing shared by the C modules.
 * names[0..nnames) are the keyword names a function accepts; out[i] gets a
 * borrowed value or stays as it was (callers preset defaults, usually NULL).
 * An unknown keyword raises CPython's TypeError
 * "fname() got an unexpected keyword argument 'x'".  Returns 0 / -1. */
int tw_args_keywords(const char *fname, TwObject *const *args, size_t nargs,
                     TwObject *kwnames, const char *const *names, size_t nnames,
                     TwObject **out);

/* builtins.c: the result of the argument of int-valued helpers (bin, hex,
 * oct, math.gcd ...): an int through __index__, else TypeError. */
int tw_arg_as_i64(TwObject *o, int64_t *out);

#endif /* TWINPY_STDMODULES_H */
