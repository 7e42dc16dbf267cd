/*
 * mathmodule.c — the math module, with CPython's error rules:
 *
 *   a finite argument giving NaN          ValueError("math domain error")
 *   a finite argument giving +-inf        OverflowError("math range error")
 *                                         for functions that can overflow
 *                                         (exp, sinh, ...), else the
 *                                         domain error (log(0.0))
 *
 * Functions returning integers (floor, ceil, trunc, factorial, comb, perm,
 * isqrt, gcd, lcm) work on twinpy's 64-bit ints and raise OverflowError
 * where Python's big int would be needed.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modules/stdmodules.h"
#include "twinpy/types.h"

static TwObject *domain_error(void) { return tw_err_format(TwExc_ValueError, "math domain error"); }
static TwObject *range_error(void) { return tw_err_format(TwExc_OverflowError, "math range error"); }

/* A float argument: float, int, or anything with __float__. */
static int arg_double(TwObject *o, double *out)
{
    if (TW_FLOAT_CHECK(o)) {
        *out = TW_FLOAT_VALUE(o);
        return 0;
    }
    if (!TW_INT_CHECK(o) && !tw_type_lookup_str(TW_TYPE(o), "__float__") &&
        !tw_type_lookup_str(TW_TYPE(o), "__index__")) {
        tw_err_format(TwExc_TypeError, "must be real number, not %T", o);
        return -1;
    }
    double d = tw_float_as_double(o);
    if (d == -1.0 && tw_err_occurred())
        return -1;
    *out = d;
    return 0;
}

/* An integer argument; floats are refused as in Python 3.10+. */
static int arg_int(TwObject *o, int64_t *out)
{
    if (TW_FLOAT_CHECK(o)) {
        tw_err_format(TwExc_TypeError, "'float' object cannot be interpreted as an integer");
        return -1;
    }
    return tw_arg_as_i64(o, out);
}

/* double -> int, with Python's errors for NaN and infinities. */
static TwObject *int_from_double(double d)
{
    if (isnan(d))
        return tw_err_format(TwExc_ValueError, "cannot convert float NaN to integer");
    if (isinf(d))
        return tw_err_format(TwExc_OverflowError, "cannot convert float infinity to integer");
    if (d >= 9223372036854775808.0 || d < -9223372036854775808.0)
        return tw_err_format(TwExc_OverflowError, "int too large: twinpy ints are 64-bit");
    return tw_int_from_i64((int64_t)d);
}

/* Argument count check with CPython's wording: one-argument functions
 * name themselves "math.sqrt()", others "atan2". */
static int check_args(const char *name, size_t nargs, TwObject *kwnames, size_t min, size_t max)
{
    char qualified[64];
    if (kwnames == NULL && nargs >= min && nargs <= max)
        return 0;
    if (min == max && max <= 1) {
        snprintf(qualified, sizeof qualified, "math.%s", name);
        name = qualified;
    }
    if (tw_arg_check_no_kwargs(name, kwnames) < 0 || tw_arg_check_count(name, nargs, min, max) < 0)
        return -1;
    return 0;
}

/* ---------------- one-argument float functions ---------------------- */

static double tw_degrees(double x) { return x * (180.0 / M_PI); }
static double tw_radians(double x) { return x * (M_PI / 180.0); }

/*      name     C function  can overflow */
#define TW_MATH_UNARY(X)        \
    X(sqrt, sqrt, 0)            \
    X(cbrt, cbrt, 0)            \
    X(exp, exp, 1)              \
    X(exp2, exp2, 1)            \
    X(expm1, expm1, 1)          \
    X(log2, log2, 0)            \
    X(log10, log10, 0)          \
    X(log1p, log1p, 0)          \
    X(sin, sin, 0)              \
    X(cos, cos, 0)              \
    X(tan, tan, 0)              \
    X(asin, asin, 0)            \
    X(acos, acos, 0)            \
    X(atan, atan, 0)            \
    X(sinh, sinh, 1)            \
    X(cosh, cosh, 1)            \
    X(tanh, tanh, 0)            \
    X(asinh, asinh, 0)          \
    X(acosh, acosh, 0)          \
    X(atanh, atanh, 0)          \
    X(erf, erf, 0)              \
    X(erfc, erfc, 0)            \
    X(gamma, tgamma, 1)         \
    X(lgamma, lgamma, 1)        \
    X(fabs, fabs, 0)            \
    X(degrees, tw_degrees, 1)   \
    X(radians, tw_radians, 0)

static TwObject *math_unary(const char *name, double (*f)(double), bool can_overflow,
                            TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    double x;
    if (check_args(name, nargs, kwnames, 1, 1) < 0 || arg_double(args[0], &x) < 0)
        return NULL;
    double r = f(x);
    if (isnan(r) && !isnan(x))
        return domain_error();
    if (isinf(r) && isfinite(x)) {
        /* the poles of gamma and lgamma are domain errors */
        if ((f == tgamma || f == lgamma) && x <= 0.0 && x == floor(x))
            return domain_error();
        return can_overflow ? range_error() : domain_error();
    }
    return tw_float_from_double(r);
}

#define TW_X(name, cfn, ovf)                                                                   \
    static TwObject *math_##name(TwObject *self, TwObject *const *args, size_t nargs,          \
                                 TwObject *kwnames)                                            \
    {                                                                                          \
        return math_unary(#name, cfn, ovf, args, nargs, kwnames);                              \
    }
TW_MATH_UNARY(TW_X)
#undef TW_X

/* ---------------- logarithms, powers -------------------------------- */

static int log_of(TwObject *o, double *out)
{
    double x;
    if (arg_double(o, &x) < 0)
        return -1;
    if (isnan(x)) {
        *out = x;
        return 0;
    }
    if (x <= 0.0) {
        domain_error();
        return -1;
    }
    *out = log(x);
    return 0;
}

static TwObject *math_log(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    double num, den;
    if (tw_arg_check_no_kwargs("log", kwnames) < 0)
        return NULL;
    if (nargs < 1 || nargs > 2)
        return tw_err_format(TwExc_TypeError, "math.log requires 1 to 2 arguments");
    if (log_of(args[0], &num) < 0)
        return NULL;
    if (nargs == 1)
        return tw_float_from_double(num);
    if (log_of(args[1], &den) < 0)
        return NULL;
    if (den == 0.0)
        return tw_err_format(TwExc_ZeroDivisionError, "float division by zero");
    return tw_float_from_double(num / den);
}

static TwObject *math_pow(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    double x, y;
    if (check_args("pow", nargs, kwnames, 2, 2) < 0 || arg_double(args[0], &x) < 0 ||
        arg_double(args[1], &y) < 0)
        return NULL;
    double r = pow(x, y);
    if (isfinite(x) && isfinite(y)) {
        if (isnan(r))
            return domain_error();
        if (isinf(r))
            return x == 0.0 ? domain_error() : range_error();
    }
    return tw_float_from_double(r);
}

static TwObject *math_atan2(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    double y, x;
    if (check_args("atan2", nargs, kwnames, 2, 2) < 0 || arg_double(args[0], &y) < 0 ||
        arg_double(args[1], &x) < 0)
        return NULL;
    return tw_float_from_double(atan2(y, x));
}

static TwObject *math_copysign(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    double x, y;
    if (check_args("copysign", nargs, kwnames, 2, 2) < 0 || arg_double(args[0], &x) < 0 ||
        arg_double(args[1], &y) < 0)
        return NULL;
    return tw_float_from_double(copysign(x, y));
}

static TwObject *math_fmod(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    double x, y;
    if (check_args("fmod", nargs, kwnames, 2, 2) < 0 || arg_double(args[0], &x) < 0 ||
        arg_double(args[1], &y) < 0)
        return NULL;
    if (isinf(y) && isfinite(x))
        return tw_float_from_double(x);
    double r = fmod(x, y);
    if (isnan(r) && !isnan(x) && !isnan(y))
        return domain_error();
    return tw_float_from_double(r);
}

static TwObject *math_remainder(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    double x, y;
    if (check_args("remainder", nargs, kwnames, 2, 2) < 0 || arg_double(args[0], &x) < 0 ||
        arg_double(args[1], &y) < 0)
        return NULL;
    if (isnan(x) || isnan(y))
        return tw_float_from_double(NAN);
    if (isinf(x) || y == 0.0)
        return domain_error();
    return tw_float_from_double(remainder(x, y));
}

static TwObject *math_nextafter(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    double x, y;
    if (check_args("nextafter", nargs, kwnames, 2, 2) < 0 || arg_double(args[0], &x) < 0 ||
        arg_double(args[1], &y) < 0)
        return NULL;
    return tw_float_from_double(nextafter(x, y));
}

/* ulp(x): the distance from |x| to the next larger float. */
static TwObject *math_ulp(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    double x;
    if (check_args("ulp", nargs, kwnames, 1, 1) < 0 || arg_double(args[0], &x) < 0)
        return NULL;
    if (isnan(x))
        return tw_float_from_double(x);
    x = fabs(x);
    if (isinf(x))
        return tw_float_from_double(x);
    double next = nextafter(x, INFINITY);
    if (isinf(next))
        return tw_float_from_double(x - nextafter(x, -INFINITY));
    return tw_float_from_double(next - x);
}

/* dist(p, q): Euclidean distance between two points of equal dimension. */
static TwObject *math_dist(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (check_args("dist", nargs, kwnames, 2, 2) < 0)
        return NULL;
    TwObject *p = tw_list_from_iterable(args[0]);
    TwObject *q = p ? tw_list_from_iterable(args[1]) : NULL;
    TwObject *result = NULL;
    if (!q)
        goto done;
    TwSsize n = TW_LIST_SIZE(p);
    if (n != TW_LIST_SIZE(q)) {
        tw_err_format(TwExc_ValueError, "both points must have the same number of dimensions");
        goto done;
    }
    double acc = 0.0;
    for (TwSsize i = 0; i < n; i++) {
        TwObject *a = tw_list_get(p, i), *b = tw_list_get(q, i);
        double x = 0, y = 0;
        int rc = (a && b && arg_double(a, &x) == 0 && arg_double(b, &y) == 0) ? 0 : -1;
        TW_XDECREF(a);
        TW_XDECREF(b);
        if (rc < 0)
            goto done;
        acc = hypot(acc, x - y);
    }
    result = tw_float_from_double(acc);
done:
    TW_XDECREF(p);
    TW_XDECREF(q);
    return result;
}

static TwObject *math_hypot(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("hypot", kwnames) < 0)
        return NULL;
    double acc = 0.0;
    bool saw_nan = false, saw_inf = false;
    for (size_t i = 0; i < nargs; i++) {
        double x;
        if (arg_double(args[i], &x) < 0)
            return NULL;
        if (isinf(x))
            saw_inf = true;
        else if (isnan(x))
            saw_nan = true;
        else
            acc = hypot(acc, x);
    }
    if (saw_inf)
        return tw_float_from_double(INFINITY);
    if (saw_nan)
        return tw_float_from_double(NAN);
    return tw_float_from_double(acc);
}

static TwObject *math_modf(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    double x, ip;
    if (check_args("modf", nargs, kwnames, 1, 1) < 0 || arg_double(args[0], &x) < 0)
        return NULL;
    double fp = modf(x, &ip);
    TwObject *a = tw_float_from_double(fp), *b = tw_float_from_double(ip);
    TwObject *t = (a && b) ? tw_tuple_pack(2, a, b) : NULL;
    TW_XDECREF(a);
    TW_XDECREF(b);
    return t;
}

static TwObject *math_frexp(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    double x;
    int e = 0;
    if (check_args("frexp", nargs, kwnames, 1, 1) < 0 || arg_double(args[0], &x) < 0)
        return NULL;
    double m = (isnan(x) || isinf(x) || x == 0.0) ? x : frexp(x, &e);
    TwObject *a = tw_float_from_double(m), *b = tw_int_from_i64(e);
    TwObject *t = (a && b) ? tw_tuple_pack(2, a, b) : NULL;
    TW_XDECREF(a);
    TW_XDECREF(b);
    return t;
}

static TwObject *math_ldexp(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    double x;
    int64_t e;
    if (check_args("ldexp", nargs, kwnames, 2, 2) < 0 || arg_double(args[0], &x) < 0)
        return NULL;
    if (!TW_INT_CHECK(args[1]))
        return tw_err_format(TwExc_TypeError, "Expected an int as second argument to ldexp.");
    if (arg_int(args[1], &e) < 0)
        return NULL;
    if (e > 100000)
        e = 100000;
    if (e < -100000)
        e = -100000;
    double r = ldexp(x, (int)e);
    if (isinf(r) && isfinite(x))
        return range_error();
    return tw_float_from_double(r);
}

/* ---------------- rounding to integers ------------------------------ */

/* floor/ceil/trunc: ints are returned as they are; other objects may
 * define __floor__ / __ceil__ / __trunc__. */
static TwObject *math_rounding(const char *name, const char *dunder, double (*f)(double),
                               TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (check_args(name, nargs, kwnames, 1, 1) < 0)
        return NULL;
    TwObject *x = args[0];
    if (TW_INT_CHECK(x))
        return tw_int_from_i64(TW_INT_VALUE(x));
    if (!TW_FLOAT_CHECK(x)) {
        TwObject *meth = tw_type_lookup_str(TW_TYPE(x), dunder);
        if (meth)
            return tw_call_method(x, dunder, NULL, 0);
        if (f == trunc)
            return tw_err_format(TwExc_TypeError, "type %s doesn't define __trunc__ method",
                                 tw_type_name(TW_TYPE(x)));
    }
    double d;
    if (arg_double(x, &d) < 0)
        return NULL;
    return int_from_double(f(d));
}

static TwObject *math_floor(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return math_rounding("floor", "__floor__", floor, args, nargs, kwnames);
}

static TwObject *math_ceil(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return math_rounding("ceil", "__ceil__", ceil, args, nargs, kwnames);
}

static TwObject *math_trunc(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return math_rounding("trunc", "__trunc__", trunc, args, nargs, kwnames);
}

/* ---------------- integer functions --------------------------------- */

static TwObject *math_isqrt(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    int64_t n;
    if (check_args("isqrt", nargs, kwnames, 1, 1) < 0 || arg_int(args[0], &n) < 0)
        return NULL;
    if (n < 0)
        return tw_err_format(TwExc_ValueError, "isqrt() argument must be nonnegative");
    uint64_t r = (uint64_t)sqrtl((long double)n);
    while (r > 0 && (unsigned __int128)r * r > (unsigned __int128)n)
        r--;
    while ((unsigned __int128)(r + 1) * (r + 1) <= (unsigned __int128)n)
        r++;
    return tw_int_from_i64((int64_t)r);
}

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static uint64_t abs_u64(int64_t v) { return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v; }

static TwObject *int_from_u64(uint64_t v)
{
    if (v > (uint64_t)INT64_MAX)
        return tw_err_format(TwExc_OverflowError, "int too large: twinpy ints are 64-bit");
    return tw_int_from_i64((int64_t)v);
}

static TwObject *math_gcd(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("gcd", kwnames) < 0)
        return NULL;
    uint64_t g = 0;
    for (size_t i = 0; i < nargs; i++) {
        int64_t v;
        if (arg_int(args[i], &v) < 0)
            return NULL;
        g = gcd_u64(g, abs_u64(v));
    }
    return int_from_u64(g);
}

static TwObject *math_lcm(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("lcm", kwnames) < 0)
        return NULL;
    uint64_t l = 1;
    for (size_t i = 0; i < nargs; i++) {
        int64_t v;
        if (arg_int(args[i], &v) < 0)
            return NULL;
        uint64_t a = abs_u64(v);
        if (a == 0 || l == 0) {
            l = 0;
            continue;
        }
        unsigned __int128 r = (unsigned __int128)(l / gcd_u64(l, a)) * a;
        if (r > (unsigned __int128)INT64_MAX)
            return tw_err_format(TwExc_OverflowError, "int too large: twinpy ints are 64-bit");
        l = (uint64_t)r;
    }
    return int_from_u64(l);
}

static TwObject *math_factorial(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    int64_t n;
    if (check_args("factorial", nargs, kwnames, 1, 1) < 0 || arg_int(args[0], &n) < 0)
        return NULL;
    if (n < 0)
        return tw_err_format(TwExc_ValueError, "factorial() not defined for negative values");
    if (n > 20)
        return tw_err_format(TwExc_OverflowError, "factorial() result does not fit in a 64-bit int");
    int64_t r = 1;
    for (int64_t i = 2; i <= n; i++)
        r *= i;
    return tw_int_from_i64(r);
}

/* comb(n, k) = n! / (k! (n-k)!), built step by step so that every partial
 * product is itself a binomial coefficient (exact division). */
static TwObject *math_comb(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    int64_t n, k;
    if (check_args("comb", nargs, kwnames, 2, 2) < 0 || arg_int(args[0], &n) < 0 || arg_int(args[1], &k) < 0)
        return NULL;
    if (n < 0)
        return tw_err_format(TwExc_ValueError, "n must be a non-negative integer");
    if (k < 0)
        return tw_err_format(TwExc_ValueError, "k must be a non-negative integer");
    if (k > n)
        return tw_int_from_i64(0);
    if (k > n - k)
        k = n - k;
    unsigned __int128 r = 1;
    for (int64_t i = 1; i <= k; i++) {
        r = r * (unsigned __int128)(n - k + i);
        if (r > ((unsigned __int128)1 << 120))
            return tw_err_format(TwExc_OverflowError, "comb() result does not fit in a 64-bit int");
        r /= (unsigned __int128)i;
    }
    if (r > (unsigned __int128)INT64_MAX)
        return tw_err_format(TwExc_OverflowError, "comb() result does not fit in a 64-bit int");
    return tw_int_from_i64((int64_t)r);
}

static TwObject *math_perm(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    int64_t n, k;
    if (check_args("perm", nargs, kwnames, 1, 2) < 0 || arg_int(args[0], &n) < 0)
        return NULL;
    if (nargs == 1 || args[1] == Tw_None)
        k = n;
    else if (arg_int(args[1], &k) < 0)
        return NULL;
    if (n < 0)
        return tw_err_format(TwExc_ValueError, "n must be a non-negative integer");
    if (k < 0)
        return tw_err_format(TwExc_ValueError, "k must be a non-negative integer");
    if (k > n)
        return tw_int_from_i64(0);
    unsigned __int128 r = 1;
    for (int64_t i = 0; i < k; i++) {
        r *= (unsigned __int128)(n - i);
        if (r > (unsigned __int128)INT64_MAX)
            return tw_err_format(TwExc_OverflowError, "perm() result does not fit in a 64-bit int");
    }
    return tw_int_from_i64((int64_t)r);
}

/* ---------------- sums and products --------------------------------- */

/* Shewchuk's exact summation with CPython's final correct rounding: the
 * running sum is kept as non-overlapping partials. */
static TwObject *math_fsum(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (check_args("fsum", nargs, kwnames, 1, 1) < 0)
        return NULL;
    TwObject *it = tw_object_iter(args[0]);
    if (!it)
        return NULL;
    size_t n = 0, cap = 32;
    double small[32], *p = small;
    double special_sum = 0.0, inf_sum = 0.0;
    TwObject *item, *result = NULL;
    while ((item = tw_iter_next(it)) != NULL) {
        double x;
        int rc = arg_double(item, &x);
        TW_DECREF(item);
        if (rc < 0)
            goto done;
        double xsave = x;
        size_t i = 0;
        for (size_t j = 0; j < n; j++) {
            double y = p[j];
            if (fabs(x) < fabs(y)) {
                double t = x;
                x = y;
                y = t;
            }
            double hi = x + y;
            double lo = y - (hi - x);
            if (lo != 0.0)
                p[i++] = lo;
            x = hi;
        }
        n = i;
        if (x != 0.0) {
            if (!isfinite(x)) {
                if (isfinite(xsave)) {
                    tw_err_format(TwExc_OverflowError, "intermediate overflow in fsum");
                    goto done;
                }
                if (isinf(xsave))
                    inf_sum += xsave;
                special_sum += xsave;
                n = 0;
            } else {
                if (n == cap) {
                    double *np = malloc(sizeof(double) * cap * 2);
                    if (!np) {
                        tw_err_no_memory();
                        goto done;
                    }
                    memcpy(np, p, sizeof(double) * n);
                    if (p != small)
                        free(p);
                    p = np;
                    cap *= 2;
                }
                p[n++] = x;
            }
        }
    }
    if (tw_err_occurred())
        goto done;
    if (special_sum != 0.0) {
        if (isnan(inf_sum))
            tw_err_format(TwExc_ValueError, "-inf + inf in fsum");
        else
            result = tw_float_from_double(special_sum);
        goto done;
    }
    double hi = 0.0;
    if (n > 0) {
        double lo = 0.0, x, y, yr;
        hi = p[--n];
        while (n > 0) {
            x = hi;
            y = p[--n];
            hi = x + y;
            yr = hi - x;
            lo = y - yr;
            if (lo != 0.0)
                break;
        }
        if (n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0))) {
            y = lo * 2.0;
            x = hi + y;
            yr = x - hi;
            if (y == yr)
                hi = x;
        }
    }
    result = tw_float_from_double(hi);
done:
    if (p != small)
        free(p);
    TW_DECREF(it);
    return result;
}

static TwObject *math_prod(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    static const char *const kw[] = {"start"};
    TwObject *start = NULL;
    if (nargs != 1)
        return tw_err_format(TwExc_TypeError, "prod() takes exactly 1 positional argument (%zu given)", nargs);
    if (tw_args_keywords("prod", args, nargs, kwnames, kw, 1, &start) < 0)
        return NULL;
    TwObject *acc = start ? tw_newref(start) : tw_int_from_i64(1);
    TwObject *it = tw_object_iter(args[0]);
    if (!it) {
        TW_DECREF(acc);
        return NULL;
    }
    TwObject *item;
    while ((item = tw_iter_next(it)) != NULL) {
        TwObject *r = tw_number_binop(acc, item, TW_BINOP_MUL);
        TW_DECREF(item);
        TW_DECREF(acc);
        acc = r;
        if (!acc)
            break;
    }
    TW_DECREF(it);
    if (acc && tw_err_occurred())
        TW_CLEAR(acc);
    return acc;
}

static TwObject *math_isclose(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    static const char *const kw[] = {"a", "b", "rel_tol", "abs_tol"};
    TwObject *vals[4] = {nargs > 0 ? args[0] : NULL, nargs > 1 ? args[1] : NULL, NULL, NULL};
    if (tw_arg_check_count("isclose", nargs, 0, 2) < 0 ||
        tw_args_keywords("isclose", args, nargs, kwnames, kw, 4, vals) < 0)
        return NULL;
    if (!vals[0] || !vals[1])
        return tw_err_format(TwExc_TypeError, "isclose() missing required argument '%s' (pos %d)",
                             vals[0] ? "b" : "a", vals[0] ? 2 : 1);
    double a, b, rel = 1e-09, abs_tol = 0.0;
    if (arg_double(vals[0], &a) < 0 || arg_double(vals[1], &b) < 0 ||
        (vals[2] && arg_double(vals[2], &rel) < 0) || (vals[3] && arg_double(vals[3], &abs_tol) < 0))
        return NULL;
    if (rel < 0.0 || abs_tol < 0.0)
        return tw_err_format(TwExc_ValueError, "tolerances must be non-negative");
    if (a == b)
        TW_RETURN_TRUE;
    if (isinf(a) || isinf(b))
        TW_RETURN_FALSE;
    double diff = fabs(b - a);
    return tw_bool_from((diff <= fabs(rel * b)) || (diff <= fabs(rel * a)) || diff <= abs_tol);
}

#define TW_MATH_PREDICATE(name, expr)                                                          \
    static TwObject *math_##name(TwObject *self, TwObject *const *args, size_t nargs,          \
                                 TwObject *kwnames)                                            \
    {                                                                                          \
        double x;                                                                              \
        if (check_args(#name, nargs, kwnames, 1, 1) < 0 || arg_double(args[0], &x) < 0)        \
            return NULL;                                                                       \
        return tw_bool_from(expr);                                                             \
    }
TW_MATH_PREDICATE(isnan, isnan(x))
TW_MATH_PREDICATE(isinf, isinf(x))
TW_MATH_PREDICATE(isfinite, isfinite(x))

static const TwMethodDef math_functions[] = {
#define TW_X(name, cfn, ovf) {#name, math_##name, 0},
    TW_MATH_UNARY(TW_X)
#undef TW_X
    {"log", math_log, 0},
    {"pow", math_pow, 0},
    {"atan2", math_atan2, 0},
    {"copysign", math_copysign, 0},
    {"fmod", math_fmod, 0},
    {"hypot", math_hypot, 0},
    {"remainder", math_remainder, 0},
    {"nextafter", math_nextafter, 0},
    {"ulp", math_ulp, 0},
    {"dist", math_dist, 0},
    {"modf", math_modf, 0},
    {"frexp", math_frexp, 0},
    {"ldexp", math_ldexp, 0},
    {"floor", math_floor, 0},
    {"ceil", math_ceil, 0},
    {"trunc", math_trunc, 0},
    {"isqrt", math_isqrt, 0},
    {"gcd", math_gcd, 0},
    {"lcm", math_lcm, 0},
    {"factorial", math_factorial, 0},
    {"comb", math_comb, 0},
    {"perm", math_perm, 0},
    {"fsum", math_fsum, 0},
    {"prod", math_prod, 0},
    {"isclose", math_isclose, 0},
    {"isnan", math_isnan, 0},
    {"isinf", math_isinf, 0},
    {"isfinite", math_isfinite, 0},
    {NULL, NULL, 0},
};

TwObject *tw_math_module_init(void)
{
    TwObject *m = tw_module_new("math");
    if (!m)
        return NULL;
    static const struct {
        const char *name;
        double value;
    } constants[] = {
        {"pi", M_PI}, {"e", M_E}, {"tau", 2.0 * M_PI}, {"inf", INFINITY}, {"nan", NAN},
    };
    if (tw_module_add_functions(m, math_functions) < 0)
        goto fail;
    for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++) {
        TwObject *v = tw_float_from_double(constants[i].value);
        if (!v || tw_module_add_object(m, constants[i].name, v) < 0) {
            TW_XDECREF(v);
            goto fail;
        }
        TW_DECREF(v);
    }
    return m;
fail:
    TW_DECREF(m);
    return NULL;
}
