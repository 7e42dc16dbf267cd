/*
 * errors.h — raising, fetching and matching exceptions.
 *
 * The current exception lives in the thread state (TwThreadState.exc) and
 * is always an exception instance (normalised at raise time).  A function
 * that fails sets it and returns NULL or -1; its caller either handles it
 * (tw_err_clear / tw_err_fetch) or passes the failure up.
 * Implemented in shared/objects/exceptions.c.
 */
#ifndef TWINPY_ERRORS_H
#define TWINPY_ERRORS_H

#include "twinpy/object.h"

/* The exception classes (static types; TwObject * for convenience). */
#define TW_EXCEPTION_TYPES(X)                                          \
    X(BaseException, NULL)                                             \
    X(SystemExit, BaseException)                                       \
    X(KeyboardInterrupt, BaseException)                                \
    X(GeneratorExit, BaseException)                                    \
    X(Exception, BaseException)                                        \
    X(StopIteration, Exception)                                        \
    X(ArithmeticError, Exception)                                      \
    X(FloatingPointError, ArithmeticError)                             \
    X(OverflowError, ArithmeticError)                                  \
    X(ZeroDivisionError, ArithmeticError)                              \
    X(AssertionError, Exception)                                       \
    X(AttributeError, Exception)                                       \
    X(BufferError, Exception)                                          \
    X(EOFError, Exception)                                             \
    X(ImportError, Exception)                                          \
    X(ModuleNotFoundError, ImportError)                                \
    X(LookupError, Exception)                                          \
    X(IndexError, LookupError)                                         \
    X(KeyError, LookupError)                                           \
    X(MemoryError, Exception)                                          \
    X(NameError, Exception)                                            \
    X(UnboundLocalError, NameError)                                    \
    X(OSError, Exception)                                              \
    X(TimeoutError, OSError)                                           \
    X(ReferenceError, Exception)                                       \
    X(RuntimeError, Exception)                                         \
    X(NotImplementedError, RuntimeError)                               \
    X(RecursionError, RuntimeError)                                    \
    X(SyntaxError, Exception)                                          \
    X(IndentationError, SyntaxError)                                   \
    X(TabError, IndentationError)                                      \
    X(SystemError, Exception)                                          \
    X(TypeError, Exception)                                            \
    X(ValueError, Exception)                                           \
    X(UnicodeError, ValueError)                                        \
    X(Warning, Exception)                                              \
    X(DeprecationWarning, Warning)                                     \
    X(RuntimeWarning, Warning)                                         \
    X(UserWarning, Warning)

#define TW_X(name, base) extern TwObject *TwExc_##name;
TW_EXCEPTION_TYPES(TW_X)
#undef TW_X

/* Layout of every exception instance (user subclasses extend it). */
typedef struct {
    TwObject ob_base;
    TwObject *dict;          /* instance __dict__ (NULL until needed)        */
    TwObject *args;          /* tuple                                        */
    TwObject *traceback;     /* list of (filename, name, lineno) or NULL     */
    TwObject *cause;         /* __cause__                                    */
    TwObject *context;       /* __context__                                  */
    bool suppress_context;
    TwObject *value;         /* StopIteration.value / SystemExit.code        */
} TwBaseExceptionObject;

void tw_err_set_object(TwObject *type, TwObject *value);     /* value: args or instance */
void tw_err_set_string(TwObject *type, const char *msg);
/* printf-like: %s %d %ld %zd %lld %u %c %%, %R repr(obj), %S str(obj),
 * %T type name of obj, %N tw_type_name of a type object.  Returns NULL. */
TwObject *tw_err_format(TwObject *type, const char *fmt, ...);
TwObject *tw_err_no_memory(void);
/* Raise an exception instance (steals the reference). */
void tw_err_raise(TwObject *exc);
TwObject *tw_err_occurred(void);                  /* borrowed type or NULL   */
bool tw_err_matches(TwObject *type);              /* current exception is-a  */
bool tw_err_given_matches(TwObject *exc, TwObject *type); /* type may be a tuple */
void tw_err_clear(void);
TwObject *tw_err_fetch(void);                     /* new ref, clears; NULL if none */
void tw_err_restore(TwObject *exc);               /* steals; NULL clears     */
/* Create an exception instance: type(*args) with a message string. */
TwObject *tw_exc_new_msg(TwObject *type, const char *msg);
/* Bad internal call: SystemError naming the function. */
TwObject *tw_err_bad_internal_call(const char *where);

/* Helpers for C builtins' argument checking, CPython's messages:
 * "f() takes exactly one argument (2 given)" and friends. */
int tw_arg_check_count(const char *fname, size_t nargs, size_t min, size_t max);
int tw_arg_check_no_kwargs(const char *fname, TwObject *kwnames);

#endif /* TWINPY_ERRORS_H */
