/*
 * float.c — float (IEEE double).
 *
 * The parts that must match CPython to the character:
 *   - repr: the shortest decimal string that reads back to the same double
 *     (found by trying 1..17 significant digits with the C library's
 *     correctly rounded printf and strtod), laid out with Python's rules:
 *     fixed notation when the decimal point falls within -4 < decpt <= 16,
 *     "1e+16" / "1e-05" otherwise, ".0" added to integral values;
 *   - floor division and modulo: the remainder takes the divisor's sign
 *     (CPython's float_divmod, including signed zeros);
 *   - `**` special cases (inf, nan, 0.0 to a negative power);
 *   - hash: equal to hash(int) for integral values (CPython's
 *     _Py_HashDouble, modulus 2**61 - 1);
 *   - comparisons with ints are exact, never through a lossy conversion.
 *
 * tw_float_format_body() is the one digit generator behind repr(), str(),
 * format() and %-formatting of floats (used by str.c).
 */
#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "twinpy/types.h"
#include "objects/typeobject_internal.h"


/* ---------------- object pool (GIL runtime only) ---------------------
 *
 * Arithmetic makes and drops float objects at a high rate.  Under the
 * GIL a static pool of float objects recycles them without the
 * allocator: only the GIL holder allocates or frees, so a plain free list
 * (linked through the free objects' value field) is enough.  Slots are
 * handed out in address order first, so the pool's pages are touched only
 * as far as a program needs them.  Objects outside the pool (the pool was
 * used up) come from and go back to the allocator as usual, so memory
 * accounting and leak checks see what they would without the pool.  The
 * free-threaded runtime never uses it (tw_object_static_pools is false:
 * there a published object's memory may be reused only after a grace
 * period, which tw_object_free provides, and its per-thread block pools
 * recycle the others). */
#define FLOAT_POOL_SIZE 65536
static TwFloatObject float_pool[FLOAT_POOL_SIZE];
static TwFloatObject *float_pool_free;      /* free list                          */
static size_t float_pool_used;      /* slots ever handed out              */

static inline TwObject *float_alloc(void)
{
    if (!tw_object_static_pools())
        return tw_object_alloc_small_uninit(&TwFloat_Type, sizeof(TwFloatObject));
    TwFloatObject *op = float_pool_free;
    if (op != NULL) {
        memcpy(&float_pool_free, &op->value, sizeof(TwFloatObject *));
    } else if (float_pool_used < FLOAT_POOL_SIZE) {
        op = &float_pool[float_pool_used++];
    } else {
        return tw_object_alloc(&TwFloat_Type, sizeof(TwFloatObject));
    }
    tw_object_init_header((TwObject *)op, &TwFloat_Type);
    return (TwObject *)op;
}

static inline void float_free(TwObject *op)
{
    if (tw_object_static_pools() && (uintptr_t)op - (uintptr_t)float_pool < sizeof float_pool) {
        TwFloatObject *o = (TwFloatObject *)op;
        memcpy(&o->value, &float_pool_free, sizeof(TwFloatObject *));
        float_pool_free = o;
    } else {
        tw_object_free(op, sizeof(TwFloatObject));
    }
}

TwObject *tw_float_from_double(double v)
{
    TwObject *op = float_alloc();
    if (op == NULL)
        return tw_err_no_memory();
    ((TwFloatObject *)op)->value = v;
    return op;
}

double tw_float_as_double(TwObject *o)
{
    if (TW_FLOAT_CHECK(o))
        return TW_FLOAT_VALUE(o);
    if (TW_INT_CHECK(o))
        return (double)TW_INT_VALUE(o);
    TwUnaryFn conv = TW_TYPE(o)->nb_float;
    if (conv) {
        TwObject *r = conv(o);
        if (r == NULL)
            return -1.0;
        if (!TW_FLOAT_CHECK(r)) {
            tw_err_format(TwExc_TypeError, "%T.__float__ returned non-float (type %T)", o, r);
            TW_DECREF(r);
            return -1.0;
        }
        double v = TW_FLOAT_VALUE(r);
        TW_DECREF(r);
        return v;
    }
    if (TW_TYPE(o)->nb_index) {
        TwObject *r = TW_TYPE(o)->nb_index(o);
        if (r == NULL)
            return -1.0;
        double v = TW_INT_CHECK(r) ? (double)TW_INT_VALUE(r) : 0.0;
        TW_DECREF(r);
        return v;
    }
    tw_err_format(TwExc_TypeError, "must be real number, not %T", o);
    return -1.0;
}

static void float_dealloc(TwObject *op)
{
    if (TW_TYPE(op) == &TwFloat_Type)
        float_free(op);
    else
        tw_object_dealloc_generic(op);
}

/* ---------------- digits and layout -------------------------------- */

/* Significant digits of v > 0 (finite) printed with `ndigits` digits:
 * writes them without a decimal point into digits and returns the decimal
 * exponent decpt such that v ~ 0.DIGITS * 10**decpt. */
static int float_digits(double v, int ndigits, char *digits)
{
    char buf[1100];
    snprintf(buf, sizeof buf, "%.*e", ndigits - 1, v);
    int n = 0;
    const char *p = buf;
    for (; *p && *p != 'e'; p++)
        if (*p != '.')
            digits[n++] = *p;
    digits[n] = '\0';
    int exp = atoi(p + 1);
    return exp + 1;
}

/* Does "D.DDDDe<exp>" (digits[0..n)) read back as v? */
static bool digits_round_trip(const char *digits, int n, int exp, double v)
{
    char buf[64];
    int o = 0;
    buf[o++] = digits[0];
    buf[o++] = '.';
    memcpy(buf + o, digits + 1, (size_t)(n - 1));
    o += n - 1;
    snprintf(buf + o, sizeof buf - (size_t)o, "e%d", exp);
    return strtod(buf, NULL) == v;
}

/* A p-digit string that reads back as v, if there is one: the correctly
 * rounded digits, or one of their neighbours one unit in the last place
 * away.  Next to a power of two the interval of decimals that read back
 * as v is lopsided, and the shortest string may be a neighbour (2**378 is
 * "6.156563468186638e+113", not the correctly rounded ...637).  On
 * success writes the digits and returns true with *decpt set. */
static bool float_try_precision(double v, int p, char *digits, int *decpt)
{
    char d[32];
    int dp = float_digits(v, p, d);
    int exp = dp - 1;
    if (digits_round_trip(d, p, exp, v)) {
        strcpy(digits, d);
        *decpt = dp;
        return true;
    }
    /* one up */
    char u[32];
    memcpy(u, d, (size_t)p + 1);
    int i = p - 1;
    while (i >= 0 && u[i] == '9')
        u[i--] = '0';
    int uexp = exp;
    if (i < 0) {
        u[0] = '1';
        uexp++;
    } else {
        u[i]++;
    }
    if (digits_round_trip(u, p, uexp, v)) {
        strcpy(digits, u);
        *decpt = uexp + 1;
        return true;
    }
    /* one down (never below the leading digit) */
    char w[32];
    memcpy(w, d, (size_t)p + 1);
    i = p - 1;
    while (i >= 0 && w[i] == '0')
        w[i--] = '9';
    if (i > 0 || (i == 0 && w[0] > '1')) {
        w[i]--;
        if (digits_round_trip(w, p, exp, v)) {
            strcpy(digits, w);
            *decpt = dp;
            return true;
        }
    }
    return false;
}

static void strip_trailing_zeros(char *digits)
{
    size_t n = strlen(digits);
    while (n > 1 && digits[n - 1] == '0')
        digits[--n] = '\0';
}

/* The shortest digits that round-trip through strtod (Python's repr).
 * Any decimal of at most 15 significant digits survives the trip
 * decimal -> double -> 15 digits (DBL_DIG), so if the 15-digit rendering
 * of v reads back as v, the shortest string is it without its trailing
 * zeros.  Otherwise the answer has 16 digits (possibly a neighbour of the
 * correctly rounded ones) or 17 (which always round-trip). */
static int float_shortest_digits(double v, char *digits)
{
    int decpt;
    if (v < 9007199254740992.0 && v >= 1.0 && v == floor(v)) {
        /* an integer below 2**53: its own digits are exact and shortest */
        char tmp[24];
        int n = 0;
        for (uint64_t m = (uint64_t)v; m; m /= 10)
            tmp[n++] = (char)('0' + m % 10);
        for (int i = 0; i < n; i++)
            digits[i] = tmp[n - 1 - i];
        digits[n] = '\0';
        strip_trailing_zeros(digits);
        return n;
    }
    if (v < DBL_MIN) {
        /* subnormal: fewer than 53 bits, so the 15-digit guarantee does
         * not hold; search every length (round-tripping is monotone in
         * the length: if p digits can, p + 1 can) */
        for (int p = 1; p < 17; p++)
            if (float_try_precision(v, p, digits, &decpt))
                return decpt;
        return float_digits(v, 17, digits);
    }
    decpt = float_digits(v, 15, digits);
    if (digits_round_trip(digits, 15, decpt - 1, v)) {
        strip_trailing_zeros(digits);
        return decpt;
    }
    if (float_try_precision(v, 16, digits, &decpt))
        return decpt;
    return float_digits(v, 17, digits);
}


/* Lay out significant digits in fixed or exponent notation as CPython's
 * format_float_short does. */
static int layout_digits(const char *digits, int decpt, bool use_exp, bool add_dot_0,
                         bool alt, char echar, char *buf, size_t size)
{
    size_t nd = strlen(digits), o = 0;
    char tmp[2400];
    if (use_exp) {
        int exp = decpt - 1;
        tmp[o++] = digits[0];
        if (nd > 1 || alt)
            tmp[o++] = '.';
        memcpy(tmp + o, digits + 1, nd - 1);
        o += nd - 1;
        o += (size_t)snprintf(tmp + o, sizeof tmp - o, "%c%c%02d", echar, exp < 0 ? '-' : '+',
                              exp < 0 ? -exp : exp);
    } else if (decpt <= 0) {
        tmp[o++] = '0';
        tmp[o++] = '.';
        for (int i = 0; i < -decpt; i++)
            tmp[o++] = '0';
        memcpy(tmp + o, digits, nd);
        o += nd;
    } else if ((size_t)decpt >= nd) {
        memcpy(tmp + o, digits, nd);
        o += nd;
        for (size_t i = nd; i < (size_t)decpt; i++)
            tmp[o++] = '0';
        if (add_dot_0) {
            tmp[o++] = '.';
            tmp[o++] = '0';
        } else if (alt) {
            tmp[o++] = '.';
        }
    } else {
        memcpy(tmp + o, digits, (size_t)decpt);
        o += (size_t)decpt;
        tmp[o++] = '.';
        memcpy(tmp + o, digits + decpt, nd - (size_t)decpt);
        o += nd - (size_t)decpt;
    }
    tmp[o] = '\0';
    return snprintf(buf, size, "%s", tmp);
}

/* Format |v| (finite, v >= 0) for presentation type `type`:
 *   'r'  repr: shortest round trip; also type '\0' without precision
 *   '\0' no type with a precision: like 'g', but fixed notation keeps ".0"
 *   'e' 'E' 'f' 'F' 'g' 'G' 'n' '%'  as format()
 * precision < 0 means the type's default.  Writes no sign.  Returns the
 * length written (as snprintf). */
int tw_float_format_body(double v, char type, int precision, bool alt, char *buf, size_t size)
{
    char digits[1100];
    char fmt[16];
    bool upper = type == 'E' || type == 'F' || type == 'G';
    int n;
    switch (type) {
    case 'f': case 'F': case '%': {
        if (type == '%')
            v *= 100.0;
        int p = precision < 0 ? 6 : precision;
        snprintf(fmt, sizeof fmt, alt ? "%%#.*f" : "%%.*f");
        n = snprintf(buf, size, fmt, p, v);
        if (type == '%' && (size_t)n + 1 < size) {
            buf[n++] = '%';
            buf[n] = '\0';
        }
        return n;
    }
    case 'e': case 'E': {
        int p = precision < 0 ? 6 : precision;
        snprintf(fmt, sizeof fmt, alt ? "%%#.*%c" : "%%.*%c", type);
        return snprintf(buf, size, fmt, p, v);
    }
    case 'g': case 'G': case 'n': case '\0': {
        if (type == '\0' && precision < 0)
            break;   /* repr */
        int p = precision < 0 ? 6 : precision == 0 ? 1 : precision;
        if (p > 1000)
            p = 1000;
        bool add_dot_0 = type == '\0';
        int decpt;
        if (v == 0.0) {
            /* %e of zero gives exponent 0: decpt 1 */
            memset(digits, '0', (size_t)p);
            digits[p] = '\0';
            decpt = 1;
        } else {
            decpt = float_digits(v, p, digits);
        }
        if (!alt)
            strip_trailing_zeros(digits);
        bool use_exp = decpt <= -4 || decpt > (add_dot_0 ? p - 1 : p);
        return layout_digits(digits, decpt, use_exp, add_dot_0 && !use_exp, alt,
                             upper ? 'E' : 'e', buf, size);
    }
    default:
        break;
    }
    /* repr */
    int decpt;
    if (v == 0.0) {
        strcpy(digits, "0");
        decpt = 1;
    } else {
        decpt = float_shortest_digits(v, digits);
        strip_trailing_zeros(digits);
    }
    bool use_exp = decpt <= -4 || decpt > 16;
    return layout_digits(digits, decpt, use_exp, !use_exp, alt, 'e', buf, size);
}

int tw_float_repr_buf(double v, char *buf, size_t size)
{
    if (isnan(v))
        return snprintf(buf, size, "nan");
    if (isinf(v))
        return snprintf(buf, size, v > 0 ? "inf" : "-inf");
    if (signbit(v)) {
        if (size < 2) {
            if (size == 1)
                buf[0] = '\0';
            return 1;
        }
        buf[0] = '-';
        return 1 + tw_float_format_body(-v, 'r', -1, false, buf + 1, size - 1);
    }
    return tw_float_format_body(v, 'r', -1, false, buf, size);
}

static TwObject *float_repr(TwObject *op)
{
    char buf[64];
    int n = tw_float_repr_buf(TW_FLOAT_VALUE(op), buf, sizeof buf);
    return tw_str_from_utf8(buf, (size_t)n);
}

/* ---------------- parsing ------------------------------------------ */

static bool is_py_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}


static TwObject *float_parse_error(const char *s, size_t len)
{
    TwStrBuilder sb;
    tw_sb_init(&sb);
    tw_sb_append_cstr(&sb, "could not convert string to float: ");
    tw_str_repr_buf(&sb, s, len);
    TwObject *msg = tw_sb_finish(&sb);
    if (msg == NULL)
        return NULL;
    tw_err_set_object(TwExc_ValueError, msg);
    TW_DECREF(msg);
    return NULL;
}

/* Digits with single underscores between them: copies the digits to *out,
 * returns the number of digits, or -1 on a misplaced underscore. */
static int scan_digits(const char **pp, const char *end, char **out)
{
    const char *p = *pp;
    int n = 0;
    while (p < end) {
        if (isdigit((unsigned char)*p)) {
            *(*out)++ = *p++;
            n++;
        } else if (*p == '_' && n > 0 && p + 1 < end && isdigit((unsigned char)p[1])) {
            p++;
        } else {
            break;
        }
    }
    *pp = p;
    return n;
}

static bool eq_nocase(const char *p, const char *end, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(end - p) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)p[i]) != word[i])
            return false;
    return true;
}

/* float(s): Python's grammar (no hex, underscores only between digits,
 * "inf", "infinity", "nan" in any case, surrounding whitespace). */
int tw_float_parse(const char *s, size_t len, double *out)
{
    const char *p = s, *end = s + len;
    while (p < end && is_py_space((unsigned char)*p))
        p++;
    while (end > p && is_py_space((unsigned char)end[-1]))
        end--;
    bool neg = false;
    const char *body = p;
    if (p < end && (*p == '+' || *p == '-')) {
        neg = *p == '-';
        p++;
    }
    if (eq_nocase(p, end, "inf") || eq_nocase(p, end, "infinity")) {
        *out = neg ? -INFINITY : INFINITY;
        return 0;
    }
    if (eq_nocase(p, end, "nan")) {
        *out = neg ? -NAN : NAN;
        return 0;
    }
    size_t cap = (size_t)(end - body) + 2;
    char small[128];
    char *clean = cap <= sizeof small ? small : malloc(cap);
    if (clean == NULL)
        return -1;
    char *o = clean;
    if (neg)
        *o++ = '-';
    int nint = scan_digits(&p, end, &o), nfrac = 0;
    bool ok = true;
    if (p < end && *p == '.') {
        *o++ = *p++;
        if (p < end && *p == '_')
            ok = false;
        nfrac = scan_digits(&p, end, &o);
    }
    if (nint + nfrac == 0)
        ok = false;
    if (ok && p < end && (*p == 'e' || *p == 'E')) {
        *o++ = *p++;
        if (p < end && (*p == '+' || *p == '-'))
            *o++ = *p++;
        if (scan_digits(&p, end, &o) == 0)
            ok = false;
    }
    if (p != end)
        ok = false;
    *o = '\0';
    if (ok)
        *out = strtod(clean, NULL);
    if (clean != small)
        free(clean);
    return ok ? 0 : 1;
}

TwObject *tw_float_from_string(const char *s, size_t len)
{
    double v;
    int r = tw_float_parse(s, len, &v);
    if (r < 0)
        return tw_err_no_memory();
    if (r > 0)
        return float_parse_error(s, len);
    return tw_float_from_double(v);
}

/* ---------------- construction ------------------------------------- */

static TwObject *float_new(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (kwnames && TW_TUPLE_SIZE(kwnames) > 0)
        return tw_err_format(TwExc_TypeError, "float() takes no keyword arguments");
    if (nargs > 1)
        return tw_err_format(TwExc_TypeError, "float expected at most 1 argument, got %zd",
                             (TwSsize)nargs);
    double v = 0.0;
    if (nargs == 1) {
        TwObject *x = args[0];
        if (TW_STR_CHECK(x)) {
            int r = tw_float_parse(TW_STR_DATA(x), (size_t)TW_STR_SIZE(x), &v);
            if (r < 0)
                return tw_err_no_memory();
            if (r > 0)
                return float_parse_error(TW_STR_DATA(x), (size_t)TW_STR_SIZE(x));
        } else if (TW_FLOAT_CHECK(x)) {
            if (type == &TwFloat_Type && TW_TYPE(x) == &TwFloat_Type)
                return tw_newref(x);
            v = TW_FLOAT_VALUE(x);
        } else if (TW_INT_CHECK(x) || TW_TYPE(x)->nb_float || TW_TYPE(x)->nb_index) {
            v = tw_float_as_double(x);
            if (v == -1.0 && tw_err_occurred())
                return NULL;
        } else {
            return tw_err_format(TwExc_TypeError,
                                 "float() argument must be a string or a real number, not '%T'", x);
        }
    }
    if (type == &TwFloat_Type)
        return tw_float_from_double(v);
    TwObject *op = tw_type_alloc_instance(type, 0);
    if (op == NULL)
        return NULL;
    ((TwFloatObject *)op)->value = v;
    if (type->tp_flags & TW_TPFLAGS_HAVE_GC)
        tw_gc_track(op);
    return op;
}

/* ---------------- hashing and comparison --------------------------- */

#define HASH_BITS 61
#define HASH_MODULUS (((uint64_t)1 << HASH_BITS) - 1)

/* CPython's _Py_HashDouble: the hash of the rational value v modulo
 * 2**61 - 1, so integral floats hash like the equal int. */
TwHash tw_float_hash_double(double v)
{
    if (isinf(v))
        return v > 0 ? 314159 : -314159;
    int e;
    double m = frexp(v, &e);
    int sign = 1;
    if (m < 0) {
        sign = -1;
        m = -m;
    }
    uint64_t x = 0;
    while (m) {
        x = ((x << 28) & HASH_MODULUS) | x >> (HASH_BITS - 28);
        m *= 268435456.0;
        e -= 28;
        uint64_t y = (uint64_t)m;
        m -= (double)y;
        x += y;
        if (x >= HASH_MODULUS)
            x -= HASH_MODULUS;
    }
    e = e >= 0 ? e % HASH_BITS : HASH_BITS - 1 - ((-1 - e) % HASH_BITS);
    x = ((x << e) & HASH_MODULUS) | x >> (HASH_BITS - e);
    x = x * (uint64_t)(int64_t)sign;
    if (x == (uint64_t)-1)
        x = (uint64_t)-2;
    return (TwHash)x;
}

static TwHash float_hash(TwObject *op)
{
    double v = TW_FLOAT_VALUE(op);
    if (isnan(v))
        return tw_object_hash_identity(op);
    return tw_float_hash_double(v);
}

/* Exact comparison of a double with an int64: -1, 0, 1 (d <, ==, > i),
 * or 2 when d is NaN. */
int tw_float_compare_int(double d, int64_t i)
{
    if (isnan(d))
        return 2;
    if (d >= 9223372036854775808.0)
        return 1;
    if (d < -9223372036854775808.0)
        return -1;
    double t = trunc(d);
    int64_t ti = (int64_t)t;       /* exact: |t| < 2**63 */
    if (ti != i)
        return ti < i ? -1 : 1;
    double frac = d - t;
    return frac > 0 ? 1 : frac < 0 ? -1 : 0;
}

static TwObject *float_richcompare(TwObject *a, TwObject *b, int op)
{
    if (!TW_FLOAT_CHECK(a)) {
        /* reflected call with an int on the left */
        if (TW_INT_CHECK(a) && TW_FLOAT_CHECK(b)) {
            static const int swapped[6] = { TW_GT, TW_GE, TW_EQ, TW_NE, TW_LT, TW_LE };
            return float_richcompare(b, a, swapped[op]);
        }
        return tw_newref(Tw_NotImplemented);
    }
    double x = TW_FLOAT_VALUE(a);
    int c;
    if (TW_FLOAT_CHECK(b)) {
        double y = TW_FLOAT_VALUE(b);
        c = (isnan(x) || isnan(y)) ? 2 : x < y ? -1 : x > y;
    } else if (TW_INT_CHECK(b)) {
        c = tw_float_compare_int(x, TW_INT_VALUE(b));
    } else {
        return tw_newref(Tw_NotImplemented);
    }
    bool r;
    if (c == 2)
        r = op == TW_NE;
    else switch (op) {
    case TW_LT: r = c < 0; break;
    case TW_LE: r = c <= 0; break;
    case TW_EQ: r = c == 0; break;
    case TW_NE: r = c != 0; break;
    case TW_GT: r = c > 0; break;
    default: r = c >= 0; break;
    }
    return tw_bool_from(r);
}

/* ---------------- arithmetic --------------------------------------- */

/* Both operands as doubles, or NotImplemented for anything but int/float. */
#define CONVERT_BINOP(a, b, x, y)                                           \
    double x, y;                                                            \
    if (TW_FLOAT_CHECK(a)) x = TW_FLOAT_VALUE(a);                           \
    else if (TW_INT_CHECK(a)) x = (double)TW_INT_VALUE(a);                  \
    else return tw_newref(Tw_NotImplemented);                               \
    if (TW_FLOAT_CHECK(b)) y = TW_FLOAT_VALUE(b);                           \
    else if (TW_INT_CHECK(b)) y = (double)TW_INT_VALUE(b);                  \
    else return tw_newref(Tw_NotImplemented)

static TwObject *float_add(TwObject *a, TwObject *b)
{
    CONVERT_BINOP(a, b, x, y);
    return tw_float_from_double(x + y);
}

static TwObject *float_sub(TwObject *a, TwObject *b)
{
    CONVERT_BINOP(a, b, x, y);
    return tw_float_from_double(x - y);
}

static TwObject *float_mul(TwObject *a, TwObject *b)
{
    CONVERT_BINOP(a, b, x, y);
    return tw_float_from_double(x * y);
}

static TwObject *float_truediv(TwObject *a, TwObject *b)
{
    CONVERT_BINOP(a, b, x, y);
    if (y == 0.0) {
        tw_err_set_string(TwExc_ZeroDivisionError, "float division by zero");
        return NULL;
    }
    return tw_float_from_double(x / y);
}

/* CPython's float_divmod: the remainder has the divisor's sign; signed
 * zeros come out as Python's do. */
static void float_divmod_raw(double vx, double wx, double *floordiv, double *mod)
{
    double m = fmod(vx, wx);
    double div = (vx - m) / wx;
    if (m) {
        if ((wx < 0) != (m < 0)) {
            m += wx;
            div -= 1.0;
        }
    } else {
        m = copysign(0.0, wx);
    }
    double fd;
    if (div) {
        fd = floor(div);
        if (div - fd > 0.5)
            fd += 1.0;
    } else {
        fd = copysign(0.0, vx / wx);
    }
    *floordiv = fd;
    *mod = m;
}

static TwObject *float_floordiv(TwObject *a, TwObject *b)
{
    CONVERT_BINOP(a, b, x, y);
    if (y == 0.0) {
        tw_err_set_string(TwExc_ZeroDivisionError, "float floor division by zero");
        return NULL;
    }
    double q, r;
    float_divmod_raw(x, y, &q, &r);
    return tw_float_from_double(q);
}

static TwObject *float_mod(TwObject *a, TwObject *b)
{
    CONVERT_BINOP(a, b, x, y);
    if (y == 0.0) {
        tw_err_set_string(TwExc_ZeroDivisionError, "float modulo");
        return NULL;
    }
    double m = fmod(x, y);
    if (m) {
        if ((y < 0) != (m < 0))
            m += y;
    } else {
        m = copysign(0.0, y);
    }
    return tw_float_from_double(m);
}

/* divmod(a, b) when either is a float. */
TwObject *tw_float_divmod(TwObject *a, TwObject *b)
{
    CONVERT_BINOP(a, b, x, y);
    if (y == 0.0) {
        tw_err_set_string(TwExc_ZeroDivisionError, "float divmod()");
        return NULL;
    }
    double q, r;
    float_divmod_raw(x, y, &q, &r);
    TwObject *qo = tw_float_from_double(q);
    if (qo == NULL)
        return NULL;
    TwObject *ro = tw_float_from_double(r);
    TwObject *t = ro ? tw_tuple_new(2) : NULL;
    if (t == NULL) {
        TW_DECREF(qo);
        TW_XDECREF(ro);
        return NULL;
    }
    TW_TUPLE_SET(t, 0, qo);
    TW_TUPLE_SET(t, 1, ro);
    return t;
}

static bool is_odd_integer(double w)
{
    return fmod(fabs(w), 2.0) == 1.0;
}

/* CPython's float_pow, special cases included.  twinpy has no complex
 * numbers: a negative base to a fractional power raises. */
static TwObject *float_pow(TwObject *a, TwObject *b)
{
    CONVERT_BINOP(a, b, iv, iw);
    if (iw == 0)
        return tw_float_from_double(1.0);
    if (isnan(iv))
        return tw_float_from_double(iv);
    if (isnan(iw))
        return tw_float_from_double(iv == 1.0 ? 1.0 : iw);
    if (isinf(iw)) {
        iv = fabs(iv);
        if (iv == 1.0)
            return tw_float_from_double(1.0);
        if ((iw > 0.0) == (iv > 1.0))
            return tw_float_from_double(fabs(iw));
        return tw_float_from_double(0.0);
    }
    if (isinf(iv)) {
        bool odd = is_odd_integer(iw);
        if (iw > 0.0)
            return tw_float_from_double(odd ? iv : fabs(iv));
        return tw_float_from_double(odd ? copysign(0.0, iv) : 0.0);
    }
    if (iv == 0.0) {
        bool odd = is_odd_integer(iw);
        if (iw < 0.0) {
            tw_err_set_string(TwExc_ZeroDivisionError, "0.0 cannot be raised to a negative power");
            return NULL;
        }
        return tw_float_from_double(odd ? iv : 0.0);
    }
    bool negate = false;
    if (iv < 0.0) {
        if (iw != floor(iw)) {
            tw_err_set_string(TwExc_NotImplementedError,
                              "complex numbers are not supported (negative number raised to a fractional power)");
            return NULL;
        }
        iv = -iv;
        negate = is_odd_integer(iw);
    }
    if (iv == 1.0)
        return tw_float_from_double(negate ? -1.0 : 1.0);
    double ix = pow(iv, iw);
    if (isinf(ix)) {
        tw_err_set_string(TwExc_OverflowError, "(34, 'Numerical result out of range')");
        return NULL;
    }
    return tw_float_from_double(negate ? -ix : ix);
}

static TwObject *float_neg(TwObject *a)
{
    return tw_float_from_double(-TW_FLOAT_VALUE(a));
}

static TwObject *float_pos(TwObject *a)
{
    if (TW_TYPE(a) == &TwFloat_Type)
        return tw_newref(a);
    return tw_float_from_double(TW_FLOAT_VALUE(a));
}

static TwObject *float_abs(TwObject *a)
{
    return tw_float_from_double(fabs(TW_FLOAT_VALUE(a)));
}

static int float_bool(TwObject *a)
{
    return TW_FLOAT_VALUE(a) != 0.0;
}

/* int(x) for a double: truncates; inf and nan raise CPython's errors. */
static TwObject *double_to_int(double d)
{
    if (isinf(d)) {
        tw_err_set_string(TwExc_OverflowError, "cannot convert float infinity to integer");
        return NULL;
    }
    if (isnan(d)) {
        tw_err_set_string(TwExc_ValueError, "cannot convert float NaN to integer");
        return NULL;
    }
    d = trunc(d);
    if (d < -9223372036854775808.0 || d >= 9223372036854775808.0) {
        tw_err_set_string(TwExc_OverflowError, "integer overflow");
        return NULL;
    }
    return tw_int_from_i64((int64_t)d);
}

static TwObject *float_int(TwObject *a)
{
    return double_to_int(TW_FLOAT_VALUE(a));
}

/* ---------------- round -------------------------------------------- */

/* Round |x| (an integer-valued double, printed exactly by %.0f) to a
 * multiple of 10**k, k >= 1, ties to even; `beyond` says the true value
 * was larger than the integer part (a fraction was cut off). */
static double round_integral_digits(double ax, int k, bool beyond)
{
    char buf[400];
    int n = snprintf(buf, sizeof buf, "%.0f", ax);
    if (k > n)
        return 0.0;
    int keep = n - k;
    /* compare the dropped digits with 5000... */
    int cmp = 0;
    if (buf[keep] > '5')
        cmp = 1;
    else if (buf[keep] < '5')
        cmp = -1;
    else {
        for (int i = keep + 1; i < n; i++)
            if (buf[i] != '0') {
                cmp = 1;
                break;
            }
        if (cmp == 0 && beyond)
            cmp = 1;
    }
    bool up = cmp > 0 || (cmp == 0 && keep > 0 && ((buf[keep - 1] - '0') & 1));
    for (int i = keep; i < n; i++)
        buf[i] = '0';
    double r = strtod(buf, NULL);
    if (up) {
        char p[400];
        snprintf(p, sizeof p, "1e%d", k);
        r += strtod(p, NULL);
    }
    return r;
}

/* round(x) -> int with ties to even; round(x, n) -> float, correctly
 * rounded in decimal as CPython's double_round. */
TwObject *tw_float_round(TwObject *xo, TwObject *ndigits)
{
    double x = TW_FLOAT_VALUE(xo);
    if (ndigits == NULL || ndigits == Tw_None) {
        double r = round(x);
        if (fabs(x - r) == 0.5)
            r = 2.0 * round(x / 2.0);
        return double_to_int(r);
    }
    int64_t n = tw_int_as_i64(ndigits);
    if (n == -1 && tw_err_occurred())
        return NULL;
    if (x == 0.0 || !isfinite(x) || n > 323)
        return tw_float_from_double(x);
    if (n < -308)
        return tw_float_from_double(0.0 * x);
    double r;
    if (n >= 0) {
        size_t cap = 400 + (size_t)n;
        char *buf = malloc(cap);
        if (buf == NULL)
            return tw_err_no_memory();
        snprintf(buf, cap, "%.*f", (int)n, x);
        r = strtod(buf, NULL);
        free(buf);
    } else {
        double ax = fabs(x), t = trunc(ax);
        r = round_integral_digits(t, (int)-n, ax != t);
        if (isinf(r)) {
            tw_err_set_string(TwExc_OverflowError, "rounded value too large to represent");
            return NULL;
        }
        r = copysign(r, x);
    }
    return tw_float_from_double(r);
}

/* ---------------- methods ------------------------------------------ */

static TwObject *float_is_integer(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    if (tw_arg_check_count("float.is_integer", nargs, 0, 0) < 0)
        return NULL;
    double v = TW_FLOAT_VALUE(self);
    return tw_bool_from(isfinite(v) && floor(v) == v);
}

static TwObject *float_as_integer_ratio(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    if (tw_arg_check_count("float.as_integer_ratio", nargs, 0, 0) < 0)
        return NULL;
    double v = TW_FLOAT_VALUE(self);
    if (isinf(v)) {
        tw_err_set_string(TwExc_OverflowError, "cannot convert Infinity to integer ratio");
        return NULL;
    }
    if (isnan(v)) {
        tw_err_set_string(TwExc_ValueError, "cannot convert NaN to integer ratio");
        return NULL;
    }
    int e;
    double m = frexp(v, &e);
    for (int i = 0; i < 300 && m != floor(m); i++) {
        m *= 2.0;
        e--;
    }
    /* v == m * 2**e with m integral */
    int64_t num, den = 1;
    if (e > 0) {
        if (e >= 63 || fabs(m) * ldexp(1.0, e) >= 9223372036854775808.0) {
            tw_err_set_string(TwExc_OverflowError, "integer overflow");
            return NULL;
        }
        num = (int64_t)m << e;
    } else {
        if (-e >= 63) {
            tw_err_set_string(TwExc_OverflowError, "integer overflow");
            return NULL;
        }
        num = (int64_t)m;
        den = (int64_t)1 << -e;
    }
    TwObject *a = tw_int_from_i64(num), *b = tw_int_from_i64(den);
    TwObject *t = tw_tuple_new(2);
    if (t == NULL) {
        TW_DECREF(a);
        TW_DECREF(b);
        return NULL;
    }
    TW_TUPLE_SET(t, 0, a);
    TW_TUPLE_SET(t, 1, b);
    return t;
}

static TwObject *float_round_meth(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    if (nargs > 1)
        return tw_err_format(TwExc_TypeError, "__round__ expected at most 1 argument, got %zd", (TwSsize)nargs);
    return tw_float_round(self, nargs ? args[0] : NULL);
}

static TwObject *float_trunc_meth(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    if (tw_arg_check_count("float.__trunc__", nargs, 0, 0) < 0)
        return NULL;
    return double_to_int(TW_FLOAT_VALUE(self));
}

static TwObject *float_floor_meth(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    if (tw_arg_check_count("float.__floor__", nargs, 0, 0) < 0)
        return NULL;
    return double_to_int(floor(TW_FLOAT_VALUE(self)));
}

static TwObject *float_ceil_meth(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    if (tw_arg_check_count("float.__ceil__", nargs, 0, 0) < 0)
        return NULL;
    return double_to_int(ceil(TW_FLOAT_VALUE(self)));
}

static TwObject *float_format_meth(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    if (tw_arg_check_count("float.__format__", nargs, 1, 1) < 0)
        return NULL;
    if (!TW_STR_CHECK(args[0]))
        return tw_err_format(TwExc_TypeError, "__format__() argument must be str, not %T", args[0]);
    return tw_object_format(self, args[0]);
}

static TwObject *float_conjugate(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    if (tw_arg_check_count("float.conjugate", nargs, 0, 0) < 0)
        return NULL;
    return float_pos(self);
}

static const TwMethodDef float_methods[] = {
    { "is_integer", float_is_integer, 0 },
    { "as_integer_ratio", float_as_integer_ratio, 0 },
    { "__round__", float_round_meth, 0 },
    { "__trunc__", float_trunc_meth, 0 },
    { "__floor__", float_floor_meth, 0 },
    { "__ceil__", float_ceil_meth, 0 },
    { "__format__", float_format_meth, 0 },
    { "conjugate", float_conjugate, 0 },
    { NULL, NULL, 0 },
};

static TwObject *float_get_real(TwObject *self) { return float_pos(self); }
static TwObject *float_get_imag(TwObject *self) { return tw_float_from_double(0.0); }

static const TwGetSetDef float_getset[] = {
    { "real", float_get_real, NULL },
    { "imag", float_get_imag, NULL },
    { NULL, NULL, NULL },
};

TwTypeObject TwFloat_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "float",
    .tp_basicsize = sizeof(TwFloatObject),
    .tp_flags = TW_TPFLAGS_BASETYPE | TW_TPFLAGS_FLOAT_SUBCLASS | TW_TPFLAGS_SHARE_HOT,
    .tp_dealloc = float_dealloc,
    .tp_repr = float_repr,
    .tp_str = float_repr,
    .tp_hash = float_hash,
    .tp_richcompare = float_richcompare,
    .tp_new = float_new,
    .nb = {
        [TW_BINOP_ADD] = float_add,
        [TW_BINOP_SUB] = float_sub,
        [TW_BINOP_MUL] = float_mul,
        [TW_BINOP_TRUEDIV] = float_truediv,
        [TW_BINOP_FLOORDIV] = float_floordiv,
        [TW_BINOP_MOD] = float_mod,
        [TW_BINOP_POW] = float_pow,
    },
    .nb_negative = float_neg,
    .nb_positive = float_pos,
    .nb_absolute = float_abs,
    .nb_int = float_int,
    .nb_float = float_pos,
    .nb_bool = float_bool,
    .tp_base = &TwBaseObject_Type,
    .tp_methods = float_methods,
    .tp_getset = float_getset,
};
