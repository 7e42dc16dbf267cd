/*
 * container_helpers.h — small helpers for the container unit tests
 * (test_list.c, test_dict.c, test_tuple_set_range.c): making ints and
 * strings, calling methods, checking reprs and raised exceptions.
 *
 * Leak checking: every case runs once as a warm-up from setup() (so that
 * one-time allocations such as interned method names and type caches are
 * made before counting starts), then again under the harness's leak check.
 */
#ifndef TW_CONTAINER_HELPERS_H
#define TW_CONTAINER_HELPERS_H

#include <stdarg.h>

#include "tw_test.h"
#include "twinpy/types.h"

static inline TwObject *I(int64_t v) { return tw_int_from_i64(v); }
static inline TwObject *S(const char *s) { return tw_str_from_cstr(s); }

/* repr(o) == expected; o is borrowed. */
#define CHECK_REPR(o, expected) do { \
    TwObject *_r = tw_object_repr(o); \
    CHECK(_r != NULL); \
    if (_r == NULL) { tw_err_clear(); break; } \
    CHECK_EQ_STR(TW_STR_DATA(_r), expected); \
    TW_DECREF(_r); } while (0)

/* The current exception is `type` and str(exc) == msg (msg NULL: any);
 * clears it. */
static inline int tw_test_take_error(TwObject *type, const char *msg, char *got, size_t gotsize)
{
    snprintf(got, gotsize, "(no exception)");
    TwObject *exc = tw_err_fetch();
    if (exc == NULL)
        return 0;
    TwObject *s = tw_object_str(exc);
    if (s != NULL) {
        snprintf(got, gotsize, "%s: %s", tw_type_name(TW_TYPE(exc)), TW_STR_DATA(s));
        TW_DECREF(s);
    } else {
        tw_err_clear();
    }
    int ok = tw_err_given_matches(exc, type) &&
             (msg == NULL || (s != NULL && strcmp(strchr(got, ':') + 2, msg) == 0));
    TW_DECREF(exc);
    return ok;
}

#define CHECK_ERROR(type, msg) do { \
    char _got[512]; \
    if (!tw_test_take_error((type), (msg), _got, sizeof _got)) { \
        char _m[700]; snprintf(_m, sizeof _m, "expected %s: %s, got %s", #type, (msg) ? (msg) : "*", _got); \
        tw_test_fail(__FILE__, __LINE__, _m); } } while (0)

#define CHECK_NO_ERROR() do { \
    if (tw_err_occurred()) { char _got[512]; \
        tw_test_take_error(TwExc_BaseException, NULL, _got, sizeof _got); \
        char _m[600]; snprintf(_m, sizeof _m, "unexpected exception %s", _got); \
        tw_test_fail(__FILE__, __LINE__, _m); } } while (0)

/* o.name(args...) with borrowed arguments; new reference or NULL. */
static inline TwObject *callm(TwObject *o, const char *name, int n, ...)
{
    TwObject *args[8];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        args[i] = va_arg(ap, TwObject *);
    va_end(ap);
    return tw_call_method(o, name, args, (size_t)n);
}

/* Drop a result that only matters for its effect (checking for errors). */
#define CHECK_OK(expr) do { TwObject *_v = (expr); CHECK(_v != NULL); \
    if (_v) TW_DECREF(_v); else CHECK_NO_ERROR(); } while (0)

/* int value of o (borrowed), -999999 if o is NULL or not an int. */
static inline int64_t ival(TwObject *o)
{
    return (o && TW_INT_CHECK(o)) ? TW_INT_VALUE(o) : -999999;
}

/* A list of ints from a C array. */
static inline TwObject *int_list(const int64_t *v, int n)
{
    TwObject *l = tw_list_new(0);
    for (int i = 0; i < n; i++) {
        TwObject *x = I(v[i]);
        tw_list_append(l, x);
        TW_DECREF(x);
    }
    return l;
}

static inline void containers_setup_runtime(void)
{
    tw_runtime_init();
    if (tw_objects_init() < 0) {
        fprintf(stderr, "tw_objects_init failed\n");
        exit(2);
    }
    tw_tuple_empty();
}

/* The warm-up run of every case (honours TW_TEST_ONLY like the harness). */
static inline void containers_warm_up(const TwTestCase *cases, int n)
{
    const char *only = getenv("TW_TEST_ONLY");
    for (int i = 0; i < n; i++)
        if (!only || strstr(cases[i].name, only))
            cases[i].fn();
    tw_err_clear();
}

static inline uint64_t containers_live_blocks(void)
{
    uint64_t blocks, bytes;
    tw_gc_collect(2);
    tw_err_clear();
    tw_mem_stats(&blocks, &bytes);
    return blocks;
}

#endif /* TW_CONTAINER_HELPERS_H */
