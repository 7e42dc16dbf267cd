/*
 * num_test_util.h — helpers shared by test_int.c, test_float.c and
 * test_str.c: set-up, leak counting, and checks on a result's repr or on
 * the exception (type and message) an operation raised.
 */
#ifndef NUM_TEST_UTIL_H
#define NUM_TEST_UTIL_H

#include <math.h>
#include <stdarg.h>

#include "tw_test.h"
#include "twinpy/types.h"

static void num_setup(void)
{
    tw_runtime_init();
    tw_objects_init();
    /* one-time allocations (types readied on first use) happen here, not
     * inside a leak-checked case */
    TwObject *s = tw_str_from_cstr("warm");
    TwObject *it = tw_object_iter(s);
    TW_XDECREF(it);
    TW_DECREF(s);
}

static uint64_t num_live_blocks(void)
{
    uint64_t blocks, bytes;
    tw_mem_stats(&blocks, &bytes);
    return blocks;
}

static const TwTestOptions num_opts = { num_setup, num_live_blocks };

/* Checks repr(o) == expected and drops o (NULL o fails the check). */
#define CHECK_REPR(o, expected) check_repr_at(__FILE__, __LINE__, (o), (expected))
static inline void check_repr_at(const char *file, int line, TwObject *o, const char *expected)
{
    char m[512];
    if (o == NULL) {
        TwObject *e = tw_err_fetch();
        TwObject *s = e ? tw_object_repr(e) : NULL;
        snprintf(m, sizeof m, "expected %s, got an exception %s", expected,
                 s ? TW_STR_DATA(s) : "(none)");
        TW_XDECREF(s);
        TW_XDECREF(e);
        tw_test_fail(file, line, m);
        return;
    }
    TwObject *r = tw_object_repr(o);
    if (r == NULL || strcmp(TW_STR_DATA(r), expected) != 0) {
        snprintf(m, sizeof m, "repr is %s, expected %s", r ? TW_STR_DATA(r) : "(error)", expected);
        tw_test_fail(file, line, m);
        if (r == NULL)
            tw_err_clear();
    }
    TW_XDECREF(r);
    TW_DECREF(o);
}

/* Checks str(o) == expected (o a str result) and drops o. */
#define CHECK_STR(o, expected) check_str_at(__FILE__, __LINE__, (o), (expected))
static inline void check_str_at(const char *file, int line, TwObject *o, const char *expected)
{
    char m[1024];
    if (o == NULL) {
        TwObject *e = tw_err_fetch();
        TwObject *s = e ? tw_object_repr(e) : NULL;
        snprintf(m, sizeof m, "expected '%s', got an exception %s", expected,
                 s ? TW_STR_DATA(s) : "(none)");
        TW_XDECREF(s);
        TW_XDECREF(e);
        tw_test_fail(file, line, m);
        return;
    }
    TwObject *r = tw_object_str(o);
    if (r == NULL || strcmp(TW_STR_DATA(r), expected) != 0) {
        snprintf(m, sizeof m, "str is '%s', expected '%s'", r ? TW_STR_DATA(r) : "(error)", expected);
        tw_test_fail(file, line, m);
        if (r == NULL)
            tw_err_clear();
    }
    TW_XDECREF(r);
    TW_DECREF(o);
}

/* Checks that o is NULL with exception `type` whose str() is msg. */
#define CHECK_RAISES(o, type, msg) check_raises_at(__FILE__, __LINE__, (o), (type), (msg))
static inline void check_raises_at(const char *file, int line, TwObject *o, TwObject *type,
                                   const char *msg)
{
    char m[1024];
    if (o != NULL) {
        TwObject *r = tw_object_repr(o);
        snprintf(m, sizeof m, "expected an exception '%s', got %s", msg, r ? TW_STR_DATA(r) : "?");
        TW_XDECREF(r);
        TW_DECREF(o);
        tw_test_fail(file, line, m);
        return;
    }
    if (!tw_err_occurred()) {
        tw_test_fail(file, line, "NULL without an exception");
        return;
    }
    bool ok_type = tw_err_matches(type);
    TwObject *e = tw_err_fetch();
    TwObject *s = tw_object_str(e);
    if (!ok_type || s == NULL || strcmp(TW_STR_DATA(s), msg) != 0) {
        snprintf(m, sizeof m, "raised %s: '%s', expected %s: '%s'", tw_type_name(TW_TYPE(e)),
                 s ? TW_STR_DATA(s) : "?", tw_type_name((TwTypeObject *)type), msg);
        tw_test_fail(file, line, m);
    }
    if (s == NULL)
        tw_err_clear();
    TW_XDECREF(s);
    TW_DECREF(e);
}

static inline TwObject *I(int64_t v) { return tw_int_from_i64(v); }
static inline TwObject *F(double v) { return tw_float_from_double(v); }
static inline TwObject *S(const char *s) { return tw_str_from_cstr(s); }

/* A tuple that takes over the references it is given. */
static inline TwObject *tuple_steal(int n, ...)
{
    TwObject *t = tw_tuple_new(n);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        TW_TUPLE_SET(t, i, va_arg(ap, TwObject *));
    va_end(ap);
    return t;
}

/* a OP b with both operands dropped afterwards. */
static inline TwObject *binop_steal(TwObject *a, TwBinOp op, TwObject *b)
{
    TwObject *r = tw_number_binop(a, b, op);
    TW_DECREF(a);
    TW_DECREF(b);
    return r;
}

/* Rich comparison, both operands dropped: 1, 0 or -1. */
static inline int cmp_steal(TwObject *a, int op, TwObject *b)
{
    int r = tw_object_richcompare_bool(a, b, op);
    TW_DECREF(a);
    TW_DECREF(b);
    return r;
}

static inline TwObject *format_steal(TwObject *v, const char *spec)
{
    TwObject *s = S(spec);
    TwObject *r = tw_object_format(v, s);
    TW_DECREF(s);
    TW_DECREF(v);
    return r;
}

/* Call a method by name with arguments (all dropped afterwards). */
static inline TwObject *call_method_steal(TwObject *self, const char *name, int n, ...)
{
    TwObject *args[8];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        args[i] = va_arg(ap, TwObject *);
    va_end(ap);
    TwObject *r = tw_call_method(self, name, args, (size_t)n);
    for (int i = 0; i < n; i++)
        TW_DECREF(args[i]);
    TW_DECREF(self);
    return r;
}
#define METH(self, name, ...) call_method_steal((self), (name), TW_NARGS(__VA_ARGS__), ##__VA_ARGS__)
#define METH0(self, name) call_method_steal((self), (name), 0)
#define TW_NARGS(...) TW_NARGS_(0, ##__VA_ARGS__, 5, 4, 3, 2, 1, 0)
#define TW_NARGS_(z, a, b, c, d, e, N, ...) N

#endif /* NUM_TEST_UTIL_H */
