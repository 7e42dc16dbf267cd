/*
 * timemodule.c — the time module: clocks and sleep.
 *
 * sleep() is the model blocking call: the thread leaves the interpreter
 * (tw_begin_blocking: the GIL is released, or the nogil thread detaches)
 * for the whole wait, so other threads run meanwhile.
 */
#include <errno.h>
#include <math.h>
#include <time.h>

#include "modules/stdmodules.h"
#include "twinpy/types.h"

static int64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static double clock_seconds(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#define TW_CLOCK_FUNCTIONS(X)                              \
    X(time, CLOCK_REALTIME)                                \
    X(perf_counter, CLOCK_MONOTONIC)                       \
    X(monotonic, CLOCK_MONOTONIC)                          \
    X(process_time, CLOCK_PROCESS_CPUTIME_ID)              \
    X(thread_time, CLOCK_THREAD_CPUTIME_ID)

#define TW_X(name, clk)                                                                         \
    static TwObject *time_##name(TwObject *self, TwObject *const *args, size_t nargs,           \
                                 TwObject *kwnames)                                             \
    {                                                                                           \
        if (tw_arg_check_no_kwargs("time." #name, kwnames) < 0 || tw_arg_check_count("time." #name, nargs, 0, 0) < 0) \
            return NULL;                                                                        \
        return tw_float_from_double(clock_seconds(clk));                                        \
    }                                                                                           \
    static TwObject *time_##name##_ns(TwObject *self, TwObject *const *args, size_t nargs,      \
                                      TwObject *kwnames)                                        \
    {                                                                                           \
        if (tw_arg_check_no_kwargs("time." #name "_ns", kwnames) < 0 ||                         \
            tw_arg_check_count("time." #name "_ns", nargs, 0, 0) < 0)                           \
            return NULL;                                                                        \
        return tw_int_from_i64(clock_ns(clk));                                                  \
    }
TW_CLOCK_FUNCTIONS(TW_X)
#undef TW_X

static TwObject *time_sleep(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("time.sleep", kwnames) < 0 || tw_arg_check_count("time.sleep", nargs, 1, 1) < 0)
        return NULL;
    if (!TW_FLOAT_CHECK(args[0]) && !TW_INT_CHECK(args[0]))
        return tw_err_format(TwExc_TypeError, "'%s' object cannot be interpreted as an integer",
                             tw_type_name(TW_TYPE(args[0])));
    double secs = tw_float_as_double(args[0]);
    if (secs == -1.0 && tw_err_occurred())
        return NULL;
    if (isnan(secs))
        return tw_err_format(TwExc_ValueError, "Invalid value NaN (not a number)");
    if (secs < 0)
        return tw_err_format(TwExc_ValueError, "sleep length must be non-negative");
    if (secs > 9.2e9)
        return tw_err_format(TwExc_OverflowError, "sleep length is too large");
    struct timespec req;
    req.tv_sec = (time_t)secs;
    req.tv_nsec = (long)((secs - (double)req.tv_sec) * 1e9);
    if (req.tv_nsec >= 1000000000) {
        req.tv_sec++;
        req.tv_nsec -= 1000000000;
    }
    tw_begin_blocking();
    while (nanosleep(&req, &req) < 0 && errno == EINTR) {
    }
    tw_end_blocking();
    TW_RETURN_NONE;
}

static const TwMethodDef time_functions[] = {
#define TW_X(name, clk) {#name, time_##name, 0}, {#name "_ns", time_##name##_ns, 0},
    TW_CLOCK_FUNCTIONS(TW_X)
#undef TW_X
    {"sleep", time_sleep, 0},
    {NULL, NULL, 0},
};

TwObject *tw_time_module_init(void)
{
    TwObject *m = tw_module_new("time");
    if (!m)
        return NULL;
    if (tw_module_add_functions(m, time_functions) < 0) {
        TW_DECREF(m);
        return NULL;
    }
    return m;
}
