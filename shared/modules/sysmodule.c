/*
 * sysmodule.c — the sys module and the process's standard streams.
 *
 * sys.stdout and sys.stderr are twinpy objects with write() and flush().
 * Their bytes go through a small buffer guarded by a pthread mutex, so that
 * threads of the nogil build cannot corrupt it.  The write syscall itself
 * runs between tw_begin_blocking and tw_end_blocking (it may block on a
 * full pipe), and the mutex is never held while waiting for the GIL:
 *
 *   fast path   trylock, copy into the buffer, unlock — no syscall, no
 *               GIL release (CPython's buffered writer behaves the same);
 *   slow path   tw_begin_blocking, lock, copy and write(2), unlock,
 *               tw_end_blocking.
 *
 * stdout is block-buffered when it is not a terminal and line-buffered when
 * it is; stderr is written through at every write.  Nothing is ever dropped:
 * tw_stdio_flush_all runs at exit and before a traceback is printed.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "modules/stdmodules.h"
#include "twinpy/interp.h"
#include "twinpy/types.h"
#include "twinpy/vm.h"

/* ---------------- the standard streams ------------------------------ */

#define TW_STREAM_BUFSIZE 8192

typedef struct {
    TwObject ob_base;
    int fd;
    const char *name;           /* "<stdout>"                           */
    int line_buffered;          /* -1: not decided yet (isatty at first use) */
    bool write_through;         /* stderr: every write goes out at once */
    pthread_mutex_t lock;
    size_t len;
    char buf[TW_STREAM_BUFSIZE];
} TwStdStream;

static TwTypeObject TwStdStream_Type;

static TwStdStream stream_stdout = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwStdStream_Type),
    .fd = 1, .name = "<stdout>", .line_buffered = -1, .write_through = false,
    .lock = PTHREAD_MUTEX_INITIALIZER,
};
static TwStdStream stream_stderr = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwStdStream_Type),
    .fd = 2, .name = "<stderr>", .line_buffered = 1, .write_through = true,
    .lock = PTHREAD_MUTEX_INITIALIZER,
};

static TwStdStream *stream_of(int which) { return which == 2 ? &stream_stderr : &stream_stdout; }

/* write(2) all of it; a broken pipe or a closed descriptor loses the bytes
 * the way CPython's final flush does, without looping forever. */
static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Under st->lock: does this write need a syscall now? */
static bool needs_flush(TwStdStream *st, const char *s, size_t n)
{
    if (st->write_through || st->len + n > TW_STREAM_BUFSIZE)
        return true;
    if (st->line_buffered < 0)
        st->line_buffered = isatty(st->fd) ? 1 : 0;
    return st->line_buffered == 1 && memchr(s, '\n', n) != NULL;
}

/* Under st->lock, outside the GIL: append and write out. */
static int append_and_flush(TwStdStream *st, const char *s, size_t n)
{
    int rc = 0;
    if (st->len + n <= TW_STREAM_BUFSIZE) {
        if (n > 0)  /* flushes pass s == NULL, n == 0 */
            memcpy(st->buf + st->len, s, n);
        st->len += n;
        n = 0;
    }
    if (st->len > 0) {
        rc = write_all(st->fd, st->buf, st->len);
        st->len = 0;
    }
    if (n > 0 && write_all(st->fd, s, n) < 0)
        rc = -1;
    return rc;
}

int tw_stdio_write(int which, const char *s, size_t n)
{
    TwStdStream *st = stream_of(which);
    if (n == 0)
        return 0;
    if (pthread_mutex_trylock(&st->lock) == 0) {
        if (!needs_flush(st, s, n)) {
            memcpy(st->buf + st->len, s, n);
            st->len += n;
            pthread_mutex_unlock(&st->lock);
            return 0;
        }
        pthread_mutex_unlock(&st->lock);
    }
    bool attached = tw_tstate() != NULL;
    if (attached)
        tw_begin_blocking();
    pthread_mutex_lock(&st->lock);
    int rc = append_and_flush(st, s, n);
    pthread_mutex_unlock(&st->lock);
    if (attached)
        tw_end_blocking();
    return rc;
}

int tw_stdio_flush(int which)
{
    TwStdStream *st = stream_of(which);
    bool attached = tw_tstate() != NULL;
    if (attached)
        tw_begin_blocking();
    pthread_mutex_lock(&st->lock);
    int rc = append_and_flush(st, NULL, 0);
    pthread_mutex_unlock(&st->lock);
    if (attached)
        tw_end_blocking();
    return rc;
}

void tw_stdio_flush_all(void)
{
    tw_stdio_flush(1);
    tw_stdio_flush(2);
}

/* From a fatal signal's handler: write what stdout still buffers, with
 * write(2) only; skipped if another thread is inside the buffer (its
 * lock is held), since waiting could hang a dying process. */
void tw_stdio_flush_on_crash(void)
{
    TwStdStream *st = &stream_stdout;
    if (pthread_mutex_trylock(&st->lock) != 0)
        return;
    if (st->len > 0 && st->len <= TW_STREAM_BUFSIZE)
        (void)write_all(st->fd, st->buf, st->len);
    st->len = 0;
    pthread_mutex_unlock(&st->lock);
}

/* ---------------- fatal signals ----------------------------------- */

/* A crash (a bug in twinpy) still delivers the output printed before it
 * and says what happened, then dies of the same signal (exit status and
 * core dump unchanged).  The handler runs on a stack of its own, so a C
 * stack overflow reaches it too: the main thread's set up here, each
 * Python thread's by tw_fatal_signal_thread_enter.  Sanitizer builds keep
 * their own handlers. */
#define TW_ALTSTACK_SIZE (64 * 1024)

static __attribute__((unused)) void fatal_signal(int sig)
{
    tw_stdio_flush_on_crash();
    const char *what = sig == SIGSEGV ? "Segmentation fault"
                     : sig == SIGBUS  ? "Bus error"
                     : sig == SIGFPE  ? "Floating-point exception"
                                      : "Illegal instruction";
    static const char head[] = "twinpy: fatal error: ";
    static const char tail[] = " (a bug in twinpy; the output above was flushed)\n";
    (void)write_all(2, head, sizeof head - 1);
    (void)write_all(2, what, strlen(what));
    (void)write_all(2, tail, sizeof tail - 1);
    signal(sig, SIG_DFL);
    raise(sig);
}

void *tw_fatal_signal_thread_enter(void)
{
#ifdef TW_SANITIZED
    return NULL;
#else
    stack_t ss;
    ss.ss_sp = malloc(TW_ALTSTACK_SIZE);
    if (ss.ss_sp == NULL)
        return NULL;
    ss.ss_size = TW_ALTSTACK_SIZE;
    ss.ss_flags = 0;
    if (sigaltstack(&ss, NULL) < 0) {
        free(ss.ss_sp);
        return NULL;
    }
    return ss.ss_sp;
#endif
}

void tw_fatal_signal_thread_exit(void *altstack)
{
    if (altstack == NULL)
        return;
    stack_t ss = {.ss_flags = SS_DISABLE};
    sigaltstack(&ss, NULL);
    free(altstack);
}

void tw_fatal_signal_install(void)
{
#ifndef TW_SANITIZED
    tw_fatal_signal_thread_enter();   /* the main thread's, for its life */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fatal_signal;
    sa.sa_flags = SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
#endif
}

TwObject *tw_stdio_object(int which) { return (TwObject *)stream_of(which); }

int tw_stdio_which(TwObject *o)
{
    if (o == (TwObject *)&stream_stdout)
        return 1;
    if (o == (TwObject *)&stream_stderr)
        return 2;
    return 0;
}

static TwObject *stream_write(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("write", kwnames) < 0 || tw_arg_check_count("write", nargs, 1, 1) < 0)
        return NULL;
    if (!TW_STR_CHECK(args[0]))
        return tw_err_format(TwExc_TypeError, "write() argument must be str, not %T", args[0]);
    TwStdStream *st = (TwStdStream *)self;
    if (tw_stdio_write(st->fd, TW_STR_DATA(args[0]), (size_t)TW_STR_SIZE(args[0])) < 0 && errno != EPIPE)
        return tw_err_format(TwExc_OSError, "[Errno %d] %s", errno, strerror(errno));
    return tw_int_from_i64(TW_STR_LEN(args[0]));
}

static TwObject *stream_flush(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("flush", kwnames) < 0 || tw_arg_check_count("flush", nargs, 0, 0) < 0)
        return NULL;
    tw_stdio_flush(((TwStdStream *)self)->fd);
    TW_RETURN_NONE;
}

static TwObject *stream_fileno(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return tw_int_from_i64(((TwStdStream *)self)->fd);
}

static TwObject *stream_isatty(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return tw_bool_from(isatty(((TwStdStream *)self)->fd));
}

static TwObject *stream_repr(TwObject *self)
{
    return tw_str_from_format("<_io.TextIOWrapper name='%s' mode='w' encoding='utf-8'>",
                              ((TwStdStream *)self)->name);
}

static TwObject *stream_get_name(TwObject *self) { return tw_str_from_cstr(((TwStdStream *)self)->name); }
static TwObject *stream_get_encoding(TwObject *self) { return tw_str_from_cstr("utf-8"); }

static const TwMethodDef stream_methods[] = {
    {"write", stream_write, 0},
    {"flush", stream_flush, 0},
    {"fileno", stream_fileno, 0},
    {"isatty", stream_isatty, 0},
    {NULL, NULL, 0},
};

static const TwGetSetDef stream_getset[] = {
    {"name", stream_get_name, NULL},
    {"encoding", stream_get_encoding, NULL},
    {NULL, NULL, NULL},
};

static TwTypeObject TwStdStream_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "_io.TextIOWrapper",
    .tp_basicsize = sizeof(TwStdStream),
    .tp_repr = stream_repr,
    .tp_hash = tw_object_hash_identity,
    .tp_methods = stream_methods,
    .tp_getset = stream_getset,
};

/* ---------------- sys functions ------------------------------------- */

static TwObject *sys_exit(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("exit", kwnames) < 0 || tw_arg_check_count("exit", nargs, 0, 1) < 0)
        return NULL;
    TwObject *exc = tw_call(TwExc_SystemExit, args, nargs, NULL);
    if (exc)
        tw_err_raise(exc);
    return NULL;
}

/* CPython's count includes the reference the call's argument holds.  The
 * interpreter's value stack owns the arguments it passes (see CALL_* in
 * eval.c), so that reference is already in tw_refcnt: nothing to add.
 * `x = []; sys.getrefcount(x)` gives 2, as in CPython. */
#define TW_GETREFCOUNT_ARGUMENT_REFS 0

static TwObject *sys_getrefcount(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("sys.getrefcount", kwnames) < 0 ||
        tw_arg_check_count("sys.getrefcount", nargs, 1, 1) < 0)
        return NULL;
    return tw_int_from_i64((int64_t)tw_refcnt(args[0]) + TW_GETREFCOUNT_ARGUMENT_REFS);
}

static TwObject *sys_getrecursionlimit(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("sys.getrecursionlimit", kwnames) < 0 ||
        tw_arg_check_count("sys.getrecursionlimit", nargs, 0, 0) < 0)
        return NULL;
    return tw_int_from_i64(tw_get_recursion_limit());
}

static TwObject *sys_setrecursionlimit(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("sys.setrecursionlimit", kwnames) < 0 ||
        tw_arg_check_count("sys.setrecursionlimit", nargs, 1, 1) < 0)
        return NULL;
    if (TW_FLOAT_CHECK(args[0]))
        return tw_err_format(TwExc_TypeError, "'float' object cannot be interpreted as an integer");
    int64_t n;
    if (tw_arg_as_i64(args[0], &n) < 0)
        return NULL;
    if (n < 1)
        return tw_err_format(TwExc_ValueError, "recursion limit must be greater or equal than 1");
    if (n > 0x7fffffff)
        return tw_err_format(TwExc_OverflowError, "Python int too large to convert to C int");
    tw_set_recursion_limit((int)n);
    TW_RETURN_NONE;
}

static TwObject *sys_getswitchinterval(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("sys.getswitchinterval", kwnames) < 0 ||
        tw_arg_check_count("sys.getswitchinterval", nargs, 0, 0) < 0)
        return NULL;
    return tw_float_from_double(tw_get_switch_interval());
}

static TwObject *sys_setswitchinterval(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("sys.setswitchinterval", kwnames) < 0 ||
        tw_arg_check_count("sys.setswitchinterval", nargs, 1, 1) < 0)
        return NULL;
    if (!TW_FLOAT_CHECK(args[0]) && !TW_INT_CHECK(args[0]))
        return tw_err_format(TwExc_TypeError, "must be real number, not %T", args[0]);
    double v = tw_float_as_double(args[0]);
    if (v == -1.0 && tw_err_occurred())
        return NULL;
    if (!(v > 0.0))
        return tw_err_format(TwExc_ValueError, "switch interval must be strictly positive");
    tw_set_switch_interval(v);
    TW_RETURN_NONE;
}

static TwObject *sys_is_gil_enabled(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("sys._is_gil_enabled", kwnames) < 0 ||
        tw_arg_check_count("sys._is_gil_enabled", nargs, 0, 0) < 0)
        return NULL;
    return tw_bool_from(tw_runtime_gil_enabled());
}

static TwObject *sys_intern(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("sys.intern", kwnames) < 0 || tw_arg_check_count("sys.intern", nargs, 1, 1) < 0)
        return NULL;
    if (!TW_STR_CHECK_EXACT(args[0]))
        return tw_err_format(TwExc_TypeError, "intern() argument must be str, not %T", args[0]);
    TwObject *s = tw_newref(args[0]);
    tw_str_intern_inplace(&s);
    return s;
}

/* (type, value, None) of the exception being handled, or (None, None, None). */
static TwObject *sys_exc_info(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("sys.exc_info", kwnames) < 0 || tw_arg_check_count("sys.exc_info", nargs, 0, 0) < 0)
        return NULL;
    TwThreadState *ts = tw_tstate();
    TwObject *exc = ts ? ts->handled_exc : NULL;
    if (!exc || exc == Tw_None)
        return tw_tuple_pack(3, Tw_None, Tw_None, Tw_None);
    return tw_tuple_pack(3, (TwObject *)TW_TYPE(exc), exc, Tw_None);
}

static const TwMethodDef sys_functions[] = {
    {"exit", sys_exit, 0},
    {"getrefcount", sys_getrefcount, 0},
    {"getrecursionlimit", sys_getrecursionlimit, 0},
    {"setrecursionlimit", sys_setrecursionlimit, 0},
    {"getswitchinterval", sys_getswitchinterval, 0},
    {"setswitchinterval", sys_setswitchinterval, 0},
    {"_is_gil_enabled", sys_is_gil_enabled, 0},
    {"intern", sys_intern, 0},
    {"exc_info", sys_exc_info, 0},
    {NULL, NULL, 0},
};

/* ---------------- the module ---------------------------------------- */

static TwObject *sys_mod;

/* Add name = value to m, stealing value (NULL: fail). */
static int add_steal(TwObject *m, const char *name, TwObject *value)
{
    if (!value)
        return -1;
    int rc = tw_module_add_object(m, name, value);
    TW_DECREF(value);
    return rc;
}

int tw_sys_set_argv(int argc, char **argv)
{
    TwObject *list = tw_list_new(0);
    if (!list)
        return -1;
    for (int i = 0; i < argc; i++) {
        TwObject *s = tw_str_from_cstr(argv[i]);
        if (!s || tw_list_append(list, s) < 0) {
            TW_XDECREF(s);
            TW_DECREF(list);
            return -1;
        }
        TW_DECREF(s);
    }
    if (argc == 0) {
        TwObject *s = tw_str_from_cstr("");
        if (!s || tw_list_append(list, s) < 0) {
            TW_XDECREF(s);
            TW_DECREF(list);
            return -1;
        }
        TW_DECREF(s);
    }
    return add_steal(sys_mod, "argv", list);
}

TwObject *tw_sys_module_init(void)
{
    if (!(TwStdStream_Type.tp_flags & TW_TPFLAGS_READY) && tw_type_ready(&TwStdStream_Type) < 0)
        return NULL;
    TwObject *m = tw_module_new("sys");
    if (!m)
        return NULL;
    char version[160];
    snprintf(version, sizeof version, "3.11.0 (twinpy %s, %s runtime)", TW_VERSION, tw_runtime_name());
    TwObject *impl = tw_module_new("implementation");
    if (tw_module_add_functions(m, sys_functions) < 0 ||
        tw_module_add_object(m, "stdout", tw_stdio_object(1)) < 0 ||
        tw_module_add_object(m, "stderr", tw_stdio_object(2)) < 0 ||
        tw_module_add_object(m, "__stdout__", tw_stdio_object(1)) < 0 ||
        tw_module_add_object(m, "__stderr__", tw_stdio_object(2)) < 0 ||
        tw_module_add_object(m, "modules", tw_interp_modules_dict()) < 0 ||
        add_steal(m, "maxsize", tw_int_from_i64(INT64_MAX)) < 0 ||
        add_steal(m, "version", tw_str_from_cstr(version)) < 0 ||
        add_steal(m, "version_info", tw_tuple_pack(5, tw_int_from_i64(3), tw_int_from_i64(11),
                                                   tw_int_from_i64(0), tw_str_intern_cstr("final"),
                                                   tw_int_from_i64(0))) < 0 ||
        add_steal(m, "platform", tw_str_from_cstr("linux")) < 0 ||
        add_steal(m, "byteorder", tw_str_from_cstr(
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
                                      "little"
#else
                                      "big"
#endif
                                      )) < 0 ||
        add_steal(m, "executable", tw_str_from_cstr("")) < 0 ||
        !impl ||
        add_steal(impl, "name", tw_str_from_cstr("twinpy")) < 0 ||
        add_steal(impl, "runtime", tw_str_from_cstr(tw_runtime_name())) < 0 ||
        add_steal(impl, "version", tw_str_from_cstr(TW_VERSION)) < 0 ||
        tw_module_add_object(m, "implementation", impl) < 0) {
        TW_XDECREF(impl);
        TW_DECREF(m);
        return NULL;
    }
    TW_DECREF(impl);
    sys_mod = m;
    return tw_newref(m);
}
