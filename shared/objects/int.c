/*
 * int.c — int and bool.
 *
 * twinpy ints are 64-bit.  Every operation that would leave the 64-bit
 * range raises OverflowError("integer overflow") instead of giving a wrong
 * answer; overflow is detected with the compiler's __builtin_*_overflow.
 * Division and modulo follow Python's floor semantics (the remainder has
 * the sign of the divisor), `**` with a negative exponent gives a float,
 * and hash() is CPython's: the value modulo the Mersenne prime 2**61 - 1,
 * so that hash(1) == hash(1.0) and hash(-1) == -2.
 *
 * The small ints -5..256 and True/False are static, immortal objects, so
 * the commonest values are never allocated and need no reference-count
 * traffic in the nogil build.
 */
#include <math.h>
#include <string.h>

#include "twinpy/types.h"
#include "objects/typeobject_internal.h"

/* ---------------- small-int cache ---------------------------------- */

#define SMALL(n) { TW_OBJECT_HEAD_INIT(&TwInt_Type), (n) }
#define SMALL4(n) SMALL(n), SMALL((n) + 1), SMALL((n) + 2), SMALL((n) + 3)
#define SMALL16(n) SMALL4(n), SMALL4((n) + 4), SMALL4((n) + 8), SMALL4((n) + 12)
#define SMALL64(n) SMALL16(n), SMALL16((n) + 16), SMALL16((n) + 32), SMALL16((n) + 48)

static TwIntObject small_ints[TW_SMALL_INT_MAX - TW_SMALL_INT_MIN + 1] = {
    SMALL(-5), SMALL(-4), SMALL(-3), SMALL(-2), SMALL(-1),
    SMALL64(0), SMALL64(64), SMALL64(128), SMALL64(192),
    SMALL(256),
};

TwIntObject TwTrue_Object = { TW_OBJECT_HEAD_INIT(&TwBool_Type), 1 };
TwIntObject TwFalse_Object = { TW_OBJECT_HEAD_INIT(&TwBool_Type), 0 };

static TwObject *int_overflow(void)
{
    tw_err_set_string(TwExc_OverflowError, "integer overflow");
    return NULL;
}


/* ---------------- object pool (GIL runtime only) ---------------------
 *
 * Arithmetic makes and drops int objects at a high rate.  Under the
 * GIL a static pool of int objects recycles them without the
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
#define INT_POOL_SIZE 65536
static TwIntObject int_pool[INT_POOL_SIZE];
static TwIntObject *int_pool_free;      /* free list                          */
static size_t int_pool_used;      /* slots ever handed out              */

static inline TwObject *int_alloc(void)
{
    if (!tw_object_static_pools())
        return tw_object_alloc_small_uninit(&TwInt_Type, sizeof(TwIntObject));
    TwIntObject *op = int_pool_free;
    if (op != NULL) {
        memcpy(&int_pool_free, &op->value, sizeof(TwIntObject *));
    } else if (int_pool_used < INT_POOL_SIZE) {
        op = &int_pool[int_pool_used++];
    } else {
        return tw_object_alloc(&TwInt_Type, sizeof(TwIntObject));
    }
    tw_object_init_header((TwObject *)op, &TwInt_Type);
    return (TwObject *)op;
}

static inline void int_free(TwObject *op)
{
    if (tw_object_static_pools() && (uintptr_t)op - (uintptr_t)int_pool < sizeof int_pool) {
        TwIntObject *o = (TwIntObject *)op;
        memcpy(&o->value, &int_pool_free, sizeof(TwIntObject *));
        int_pool_free = o;
    } else {
        tw_object_free(op, sizeof(TwIntObject));
    }
}

TwObject *tw_int_from_i64(int64_t v)
{
    if (v >= TW_SMALL_INT_MIN && v <= TW_SMALL_INT_MAX)
        return (TwObject *)&small_ints[v - TW_SMALL_INT_MIN];
    TwObject *op = int_alloc();
    if (op == NULL)
        return tw_err_no_memory();
    ((TwIntObject *)op)->value = v;
    return op;
}

int64_t tw_int_as_i64(TwObject *o)
{
    if (TW_INT_CHECK(o))
        return TW_INT_VALUE(o);
    if (TW_TYPE(o)->nb_index) {
        TwObject *r = TW_TYPE(o)->nb_index(o);
        if (r == NULL)
            return -1;
        if (!TW_INT_CHECK(r)) {
            tw_err_format(TwExc_TypeError, "__index__ returned non-int (type %T)", r);
            TW_DECREF(r);
            return -1;
        }
        int64_t v = TW_INT_VALUE(r);
        TW_DECREF(r);
        return v;
    }
    tw_err_format(TwExc_TypeError, "'%T' object cannot be interpreted as an integer", o);
    return -1;
}

static void int_dealloc(TwObject *op)
{
    if (TW_TYPE(op) == &TwInt_Type)
        int_free(op);
    else
        tw_object_dealloc_generic(op);
}

/* ---------------- hashing ------------------------------------------ */

#define HASH_BITS 61
#define HASH_MODULUS (((uint64_t)1 << HASH_BITS) - 1)

/* CPython's numeric hash: sign(v) * (|v| mod (2**61 - 1)), -1 mapped to -2. */
TwHash tw_int_hash_i64(int64_t v)
{
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    a %= HASH_MODULUS;
    TwHash h = v < 0 ? -(TwHash)a : (TwHash)a;
    return h == -1 ? -2 : h;
}

static TwHash int_hash(TwObject *op)
{
    return tw_int_hash_i64(TW_INT_VALUE(op));
}

/* ---------------- repr --------------------------------------------- */

/* Decimal digits written backwards from the end of a 24-byte buffer
 * (str(int) is hot in printing loops: no printf). */
static TwObject *int_repr(TwObject *op)
{
    char buf[24];
    char *p = buf + sizeof buf;
    int64_t v = TW_INT_VALUE(op);
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + m % 10);
        m /= 10;
    } while (m);
    if (v < 0)
        *--p = '-';
    return tw_str_from_utf8(p, (size_t)(buf + sizeof buf - p));
}

static TwObject *bool_repr(TwObject *op)
{
    return tw_newref(tw_str_intern_cstr(TW_INT_VALUE(op) ? "True" : "False"));
}

/* ---------------- arithmetic --------------------------------------- */

#define CONVERT_BINOP(a, b, x, y)                                       \
    if (!TW_INT_CHECK(a) || !TW_INT_CHECK(b))                           \
        return tw_newref(Tw_NotImplemented);                            \
    int64_t x = TW_INT_VALUE(a), y = TW_INT_VALUE(b)

static TwObject *int_add(TwObject *a, TwObject *b)
{
    CONVERT_BINOP(a, b, x, y);
    int64_t r;
    if (__builtin_add_overflow(x, y, &r))
        return int_overflow();
    return tw_int_from_i64(r);
}

static TwObject *int_sub(TwObject *a, TwObject *b)
{
    CONVERT_BINOP(a, b, x, y);
    int64_t r;
    if (__builtin_sub_overflow(x, y, &r))
        return int_overflow();
    return tw_int_from_i64(r);
}

static TwObject *int_mul(TwObject *a, TwObject *b)
{
    CONVERT_BINOP(a, b, x, y);
    int64_t r;
    if (__builtin_mul_overflow(x, y, &r))
        return int_overflow();
    return tw_int_from_i64(r);
}

/* Floor division and modulo with Python's signs.  Returns -1 with an
 * exception on overflow (INT64_MIN // -1); y must be non-zero. */
static int i64_divmod(int64_t x, int64_t y, int64_t *q, int64_t *r)
{
    if (y == -1) {
        if (x == INT64_MIN) {
            int_overflow();
            return -1;
        }
        *q = -x;
        *r = 0;
        return 0;
    }
    int64_t qq = x / y, rr = x % y;
    if (rr != 0 && ((rr < 0) != (y < 0))) {
        qq -= 1;
        rr += y;
    }
    *q = qq;
    *r = rr;
    return 0;
}

static TwObject *int_floordiv(TwObject *a, TwObject *b)
{
    CONVERT_BINOP(a, b, x, y);
    if (y == 0) {
        tw_err_set_string(TwExc_ZeroDivisionError, "integer division or modulo by zero");
        return NULL;
    }
    int64_t q, r;
    if (i64_divmod(x, y, &q, &r) < 0)
        return NULL;
    return tw_int_from_i64(q);
}

static TwObject *int_mod(TwObject *a, TwObject *b)
{
    CONVERT_BINOP(a, b, x, y);
    if (y == 0) {
        tw_err_set_string(TwExc_ZeroDivisionError, "integer modulo by zero");
        return NULL;
    }
    if (y == -1)
        return tw_int_from_i64(0);
    int64_t q, r;
    if (i64_divmod(x, y, &q, &r) < 0)
        return NULL;
    return tw_int_from_i64(r);
}

/* divmod(a, b) for ints: a tuple (a // b, a % b). */
TwObject *tw_int_divmod(TwObject *a, TwObject *b)
{
    CONVERT_BINOP(a, b, x, y);
    if (y == 0) {
        tw_err_set_string(TwExc_ZeroDivisionError, "integer division or modulo by zero");
        return NULL;
    }
    int64_t q, r;
    if (i64_divmod(x, y, &q, &r) < 0)
        return NULL;
    TwObject *qo = tw_int_from_i64(q);
    if (qo == NULL)
        return NULL;
    TwObject *ro = tw_int_from_i64(r);
    if (ro == NULL) {
        TW_DECREF(qo);
        return NULL;
    }
    TwObject *t = tw_tuple_new(2);
    if (t == NULL) {
        TW_DECREF(qo);
        TW_DECREF(ro);
        return NULL;
    }
    TW_TUPLE_SET(t, 0, qo);
    TW_TUPLE_SET(t, 1, ro);
    return t;
}

/* True division of two 64-bit ints.  Values within 2**53 convert to double
 * exactly, so one IEEE division is correctly rounded; larger ones go through
 * long double, whose 64-bit mantissa holds any int64 exactly. */
static double i64_truediv(int64_t x, int64_t y)
{
    const int64_t exact = (int64_t)1 << 53;
    if (x > -exact && x < exact && y > -exact && y < exact)
        return (double)x / (double)y;
    return (double)((long double)x / (long double)y);
}

static TwObject *int_truediv(TwObject *a, TwObject *b)
{
    CONVERT_BINOP(a, b, x, y);
    if (y == 0) {
        tw_err_set_string(TwExc_ZeroDivisionError, "division by zero");
        return NULL;
    }
    return tw_float_from_double(i64_truediv(x, y));
}

/* x ** y for y >= 0 by repeated squaring; overflow raises. */
static int i64_pow(int64_t x, int64_t y, int64_t *out)
{
    int64_t result = 1, base = x;
    while (y > 0) {
        if (y & 1) {
            if (__builtin_mul_overflow(result, base, &result))
                return -1;
        }
        y >>= 1;
        if (y > 0 && __builtin_mul_overflow(base, base, &base))
            return -1;
    }
    *out = result;
    return 0;
}

static TwObject *int_pow(TwObject *a, TwObject *b)
{
    CONVERT_BINOP(a, b, x, y);
    if (y < 0) {
        /* Negative exponent: the answer is a float, as in Python. */
        if (x == 0) {
            tw_err_set_string(TwExc_ZeroDivisionError, "0.0 cannot be raised to a negative power");
            return NULL;
        }
        double r = pow((double)x, (double)y);
        if (isinf(r)) {
            tw_err_set_string(TwExc_OverflowError, "(34, 'Numerical result out of range')");
            return NULL;
        }
        return tw_float_from_double(r);
    }
    int64_t r;
    if (i64_pow(x, y, &r) < 0)
        return int_overflow();
    return tw_int_from_i64(r);
}

/* (a * b) mod m for 0 <= a, b < m, without overflow. */
static uint64_t mulmod_u64(uint64_t a, uint64_t b, uint64_t m)
{
    return (uint64_t)(((unsigned __int128)a * b) % m);
}

/* Modular inverse of a modulo m (m > 0), or -1 if gcd(a, m) != 1. */
static int64_t i64_modinv(int64_t a, int64_t m)
{
    __int128 t = 0, newt = 1, r = m, newr = a;
    while (newr != 0) {
        __int128 q = r / newr, tmp;
        tmp = t - q * newt; t = newt; newt = tmp;
        tmp = r - q * newr; r = newr; newr = tmp;
    }
    if (r != 1)
        return -1;
    if (t < 0)
        t += m;
    return (int64_t)t;
}

/* pow(a, b, m): integers only; the result has the sign of m as Python's
 * does; a negative b means the modular inverse of a raised to -b. */
TwObject *tw_int_power_mod(TwObject *a, TwObject *b, TwObject *m)
{
    if (!TW_INT_CHECK(a) || !TW_INT_CHECK(b) || !TW_INT_CHECK(m)) {
        tw_err_set_string(TwExc_TypeError,
                          "pow() 3rd argument not allowed unless all arguments are integers");
        return NULL;
    }
    int64_t x = TW_INT_VALUE(a), y = TW_INT_VALUE(b), mod = TW_INT_VALUE(m);
    if (mod == 0) {
        tw_err_set_string(TwExc_ValueError, "pow() 3rd argument cannot be 0");
        return NULL;
    }
    bool neg_mod = mod < 0;
    if (mod == INT64_MIN)
        return int_overflow();
    uint64_t um = (uint64_t)(neg_mod ? -mod : mod);
    /* Reduce the base into [0, |m|). */
    int64_t bx = (int64_t)(((__int128)x % (__int128)um + um) % um);
    if (y < 0) {
        int64_t inv = i64_modinv(bx, (int64_t)um);
        if (inv < 0) {
            tw_err_set_string(TwExc_ValueError, "base is not invertible for the given modulus");
            return NULL;
        }
        bx = inv;
        if (y == INT64_MIN)
            return int_overflow();
        y = -y;
    }
    uint64_t result = 1 % um, base = (uint64_t)bx;
    while (y > 0) {
        if (y & 1)
            result = mulmod_u64(result, base, um);
        base = mulmod_u64(base, base, um);
        y >>= 1;
    }
    int64_t r = (int64_t)result;
    if (neg_mod && r != 0)
        r -= (int64_t)um;
    return tw_int_from_i64(r);
}

static TwObject *int_lshift(TwObject *a, TwObject *b)
{
    CONVERT_BINOP(a, b, x, y);
    if (y < 0) {
        tw_err_set_string(TwExc_ValueError, "negative shift count");
        return NULL;
    }
    if (x == 0)
        return tw_int_from_i64(0);
    if (y >= 64)
        return int_overflow();
    int64_t r = (int64_t)((uint64_t)x << y);
    if ((r >> y) != x)
        return int_overflow();
    return tw_int_from_i64(r);
}

static TwObject *int_rshift(TwObject *a, TwObject *b)
{
    CONVERT_BINOP(a, b, x, y);
    if (y < 0) {
        tw_err_set_string(TwExc_ValueError, "negative shift count");
        return NULL;
    }
    if (y >= 64)
        return tw_int_from_i64(x < 0 ? -1 : 0);
    return tw_int_from_i64(x >> y);   /* arithmetic shift: floors */
}

static TwObject *int_and(TwObject *a, TwObject *b)
{
    CONVERT_BINOP(a, b, x, y);
    return tw_int_from_i64(x & y);
}

static TwObject *int_or(TwObject *a, TwObject *b)
{
    CONVERT_BINOP(a, b, x, y);
    return tw_int_from_i64(x | y);
}

static TwObject *int_xor(TwObject *a, TwObject *b)
{
    CONVERT_BINOP(a, b, x, y);
    return tw_int_from_i64(x ^ y);
}

/* bool & bool stays a bool; anything else is int arithmetic. */
static TwObject *bool_and(TwObject *a, TwObject *b)
{
    if (TW_TYPE(a) == &TwBool_Type && TW_TYPE(b) == &TwBool_Type)
        return tw_bool_from(TW_INT_VALUE(a) & TW_INT_VALUE(b));
    return int_and(a, b);
}

static TwObject *bool_or(TwObject *a, TwObject *b)
{
    if (TW_TYPE(a) == &TwBool_Type && TW_TYPE(b) == &TwBool_Type)
        return tw_bool_from(TW_INT_VALUE(a) | TW_INT_VALUE(b));
    return int_or(a, b);
}

static TwObject *bool_xor(TwObject *a, TwObject *b)
{
    if (TW_TYPE(a) == &TwBool_Type && TW_TYPE(b) == &TwBool_Type)
        return tw_bool_from(TW_INT_VALUE(a) ^ TW_INT_VALUE(b));
    return int_xor(a, b);
}

static TwObject *int_neg(TwObject *a)
{
    int64_t x = TW_INT_VALUE(a);
    if (x == INT64_MIN)
        return int_overflow();
    return tw_int_from_i64(-x);
}

/* +x, int(x), x.__index__(): an exact int (a bool or subclass gives its value). */
static TwObject *int_exact(TwObject *a)
{
    if (TW_INT_CHECK_EXACT(a))
        return tw_newref(a);
    return tw_int_from_i64(TW_INT_VALUE(a));
}

static TwObject *int_abs(TwObject *a)
{
    int64_t x = TW_INT_VALUE(a);
    if (x < 0)
        return int_neg(a);
    return int_exact(a);
}

static TwObject *int_invert(TwObject *a)
{
    return tw_int_from_i64(~TW_INT_VALUE(a));
}

static TwObject *int_to_float(TwObject *a)
{
    return tw_float_from_double((double)TW_INT_VALUE(a));
}

static int int_bool(TwObject *a)
{
    return TW_INT_VALUE(a) != 0;
}

/* ---------------- comparison --------------------------------------- */


static TwObject *cmp_result(int c, int op)
{
    bool r;
    switch (op) {
    case TW_LT: r = c < 0; break;
    case TW_LE: r = c <= 0; break;
    case TW_EQ: r = c == 0; break;
    case TW_NE: r = c != 0; break;
    case TW_GT: r = c > 0; break;
    default: r = c >= 0; break;
    }
    return tw_bool_from(r);
}

static TwObject *int_richcompare(TwObject *a, TwObject *b, int op)
{
    if (!TW_INT_CHECK(a))
        return tw_newref(Tw_NotImplemented);
    int64_t x = TW_INT_VALUE(a);
    if (TW_INT_CHECK(b)) {
        int64_t y = TW_INT_VALUE(b);
        return cmp_result(x < y ? -1 : x > y, op);
    }
    if (TW_FLOAT_CHECK(b)) {
        int c = tw_float_compare_int(TW_FLOAT_VALUE(b), x);
        if (c == 2)
            return tw_bool_from(op == TW_NE);
        return cmp_result(-c, op);
    }
    return tw_newref(Tw_NotImplemented);
}

/* ---------------- parsing ------------------------------------------ */


static TwObject *invalid_literal(const char *s, size_t len, int base)
{
    TwStrBuilder sb;
    tw_sb_init(&sb);
    char head[64];
    snprintf(head, sizeof head, "invalid literal for int() with base %d: ", base);
    tw_sb_append_cstr(&sb, head);
    tw_str_repr_buf(&sb, s, len > 200 ? 200 : len);
    TwObject *msg = tw_sb_finish(&sb);
    if (msg == NULL)
        return NULL;
    tw_err_set_object(TwExc_ValueError, msg);
    TW_DECREF(msg);
    return NULL;
}

static bool is_py_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

static int digit_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

/* int(s, base) with Python's literal rules: surrounding whitespace, a sign,
 * an optional 0x/0o/0b prefix matching the base (base 0 infers it from the
 * prefix), single underscores between digits (and right after a prefix),
 * and with base 0 no leading zeros on a non-zero decimal. */
TwObject *tw_int_from_string(const char *s, size_t len, int base)
{
    if (base != 0 && (base < 2 || base > 36)) {
        tw_err_set_string(TwExc_ValueError, "int() base must be >= 2 and <= 36, or 0");
        return NULL;
    }
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end && is_py_space(*p))
        p++;
    while (end > p && is_py_space(end[-1]))
        end--;
    bool neg = false;
    if (p < end && (*p == '+' || *p == '-')) {
        neg = *p == '-';
        p++;
    }
    int b = base;
    bool after_prefix = false;
    if (p + 1 < end && p[0] == '0') {
        char c = (char)(p[1] | 0x20);
        int pb = c == 'x' ? 16 : c == 'o' ? 8 : c == 'b' ? 2 : 0;
        if (pb && (base == 0 || base == pb)) {
            b = pb;
            p += 2;
            after_prefix = true;
        }
    }
    bool base0_decimal = false;
    if (b == 0) {
        b = 10;
        base0_decimal = true;
    }
    int64_t acc = 0;
    int ndigits = 0;
    bool nonzero = false, overflow = false;
    if (after_prefix && p < end && *p == '_') {      /* "0x_ff" is allowed */
        p++;
        if (p >= end || *p == '_')
            return invalid_literal(s, len, base);
    }
    for (; p < end; p++) {
        if (*p == '_') {
            if (ndigits == 0 || p + 1 >= end || p[1] == '_')
                return invalid_literal(s, len, base);
            continue;
        }
        int d = digit_value(*p);
        if (d >= b)
            return invalid_literal(s, len, base);
        if (d)
            nonzero = true;
        ndigits++;
        /* Accumulate negatively so INT64_MIN parses. */
        if (__builtin_mul_overflow(acc, (int64_t)b, &acc) ||
            __builtin_sub_overflow(acc, (int64_t)d, &acc))
            overflow = true;
    }
    if (ndigits == 0)
        return invalid_literal(s, len, base);
    if (base0_decimal && nonzero) {
        /* base 0: "010" is not a literal (but "000" is). */
        const unsigned char *q = (const unsigned char *)s;
        while (is_py_space(*q) || *q == '+' || *q == '-')
            q++;
        if (*q == '0')
            return invalid_literal(s, len, base);
    }
    if (overflow)
        return int_overflow();
    if (!neg) {
        if (acc == INT64_MIN)
            return int_overflow();
        acc = -acc;
    }
    return tw_int_from_i64(acc);
}

/* ---------------- construction ------------------------------------- */

static TwObject *int_from_object(TwObject *x)
{
    if (TW_INT_CHECK(x))
        return int_exact(x);
    if (TW_STR_CHECK(x))
        return tw_int_from_string(TW_STR_DATA(x), (size_t)TW_STR_SIZE(x), 10);
    if (TW_FLOAT_CHECK(x)) {
        double d = TW_FLOAT_VALUE(x);
        if (isinf(d)) {
            tw_err_set_string(TwExc_OverflowError, "cannot convert float infinity to integer");
            return NULL;
        }
        if (isnan(d)) {
            tw_err_set_string(TwExc_ValueError, "cannot convert float NaN to integer");
            return NULL;
        }
        d = trunc(d);
        if (d < -9223372036854775808.0 || d >= 9223372036854775808.0)
            return int_overflow();
        return tw_int_from_i64((int64_t)d);
    }
    TwUnaryFn conv = TW_TYPE(x)->nb_int ? TW_TYPE(x)->nb_int : TW_TYPE(x)->nb_index;
    if (conv) {
        TwObject *r = conv(x);
        if (r == NULL)
            return NULL;
        if (!TW_INT_CHECK(r)) {
            tw_err_format(TwExc_TypeError, "__int__ returned non-int (type %T)", r);
            TW_DECREF(r);
            return NULL;
        }
        if (!TW_INT_CHECK_EXACT(r)) {
            TwObject *e = int_exact(r);
            TW_DECREF(r);
            return e;
        }
        return r;
    }
    return tw_err_format(TwExc_TypeError,
                         "int() argument must be a string, a bytes-like object or a real number, not '%T'",
                         x);
}

/* int(), int(x), int(s, base), int(s, base=b); subclasses get an instance
 * of their own type carrying the value. */
static TwObject *int_new(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    TwObject *x = NULL, *base_obj = NULL;
    size_t nkw = kwnames ? (size_t)TW_TUPLE_SIZE(kwnames) : 0;
    if (nargs > 2)
        return tw_err_format(TwExc_TypeError, "int() takes at most 2 arguments (%zd given)",
                             (TwSsize)(nargs + nkw));
    if (nargs >= 1)
        x = args[0];
    if (nargs == 2)
        base_obj = args[1];
    for (size_t i = 0; i < nkw; i++) {
        TwObject *name = TW_TUPLE_GET(kwnames, i);
        if (tw_str_eq_cstr(name, "base") && base_obj == NULL) {
            base_obj = args[nargs + i];
        } else if (tw_str_eq_cstr(name, "base")) {
            return tw_err_format(TwExc_TypeError,
                                 "argument for int() given by name ('base') and position (2)");
        } else {
            return tw_err_format(TwExc_TypeError, "'%S' is an invalid keyword argument for int()",
                                 name);
        }
    }
    TwObject *value;
    if (base_obj != NULL) {
        if (x == NULL)
            return tw_err_format(TwExc_TypeError, "int() missing string argument");
        int64_t base = tw_int_as_i64(base_obj);
        if (base == -1 && tw_err_occurred())
            return NULL;
        if (!TW_STR_CHECK(x))
            return tw_err_format(TwExc_TypeError, "int() can't convert non-string with explicit base");
        if (base != 0 && (base < 2 || base > 36)) {
            tw_err_set_string(TwExc_ValueError, "int() base must be >= 2 and <= 36, or 0");
            return NULL;
        }
        value = tw_int_from_string(TW_STR_DATA(x), (size_t)TW_STR_SIZE(x), (int)base);
    } else if (x == NULL) {
        value = tw_int_from_i64(0);
    } else {
        value = int_from_object(x);
    }
    if (value == NULL || type == &TwInt_Type)
        return value;
    /* A subclass: a fresh instance of it holding the value. */
    TwObject *op = tw_type_alloc_instance(type, 0);
    if (op == NULL) {
        TW_DECREF(value);
        return NULL;
    }
    ((TwIntObject *)op)->value = TW_INT_VALUE(value);
    TW_DECREF(value);
    if (type->tp_flags & TW_TPFLAGS_HAVE_GC)
        tw_gc_track(op);
    return op;
}

static TwObject *bool_new(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (kwnames && TW_TUPLE_SIZE(kwnames) > 0)
        return tw_err_format(TwExc_TypeError, "bool() takes no keyword arguments");
    if (nargs > 1)
        return tw_err_format(TwExc_TypeError, "bool expected at most 1 argument, got %zd",
                             (TwSsize)nargs);
    if (nargs == 0)
        TW_RETURN_FALSE;
    int t = tw_object_is_true(args[0]);
    if (t < 0)
        return NULL;
    return tw_bool_from(t);
}

/* ---------------- round -------------------------------------------- */


/* round(int, n): unchanged for n >= 0; otherwise to a multiple of 10**-n,
 * ties to even, as Python does. */
static TwObject *int_round(TwObject *x, TwObject *ndigits)
{
    if (ndigits == NULL || ndigits == Tw_None)
        return int_exact(x);
    int64_t n = tw_int_as_i64(ndigits);
    if (n == -1 && tw_err_occurred())
        return NULL;
    if (n >= 0)
        return int_exact(x);
    int64_t v = TW_INT_VALUE(x);
    if (n < -18)
        return tw_int_from_i64(0);
    int64_t p = 1;
    for (int64_t i = 0; i < -n; i++)
        p *= 10;
    int64_t q, r;
    i64_divmod(v, p, &q, &r);
    /* r in [0, p): round down to q*p, or up to (q+1)*p */
    bool up = 2 * (__int128)r > p || (2 * (__int128)r == p && (q & 1));
    if (up)
        q += 1;
    int64_t result;
    if (__builtin_mul_overflow(q, p, &result))
        return int_overflow();
    return tw_int_from_i64(result);
}

/* round(x[, ndigits]) for the builtin: ints, floats, and objects with __round__. */
TwObject *tw_number_round(TwObject *x, TwObject *ndigits)
{
    if (TW_INT_CHECK(x))
        return int_round(x, ndigits);
    if (TW_FLOAT_CHECK(x))
        return tw_float_round(x, ndigits);
    TwObject *meth = tw_type_lookup(TW_TYPE(x), tw_str_intern_cstr("__round__"));
    if (meth == NULL)
        return tw_err_format(TwExc_TypeError, "type %N doesn't define __round__ method", TW_TYPE(x));
    if (ndigits == NULL)
        return tw_call_method(x, "__round__", NULL, 0);
    return tw_call_method(x, "__round__", &ndigits, 1);
}

/* ---------------- methods ------------------------------------------ */

static TwObject *int_bit_length(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    if (tw_arg_check_count("int.bit_length", nargs, 0, 0) < 0 || tw_arg_check_no_kwargs("int.bit_length", kw) < 0)
        return NULL;
    int64_t v = TW_INT_VALUE(self);
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    return tw_int_from_i64(a == 0 ? 0 : 64 - __builtin_clzll(a));
}

static TwObject *int_bit_count(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    if (tw_arg_check_count("int.bit_count", nargs, 0, 0) < 0 || tw_arg_check_no_kwargs("int.bit_count", kw) < 0)
        return NULL;
    int64_t v = TW_INT_VALUE(self);
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    return tw_int_from_i64(__builtin_popcountll(a));
}

static TwObject *int_index_meth(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    if (tw_arg_check_count("int.__index__", nargs, 0, 0) < 0)
        return NULL;
    return int_exact(self);
}

static TwObject *int_round_meth(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    if (nargs > 1)
        return tw_err_format(TwExc_TypeError, "__round__ expected at most 1 argument, got %zd", (TwSsize)nargs);
    return int_round(self, nargs ? args[0] : NULL);
}

static TwObject *int_format_meth(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    if (tw_arg_check_count("int.__format__", nargs, 1, 1) < 0)
        return NULL;
    if (!TW_STR_CHECK(args[0]))
        return tw_err_format(TwExc_TypeError, "__format__() argument must be str, not %T", args[0]);
    return tw_object_format(self, args[0]);
}

static TwObject *int_is_integer(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    if (tw_arg_check_count("int.is_integer", nargs, 0, 0) < 0)
        return NULL;
    TW_RETURN_TRUE;
}

static TwObject *int_conjugate(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    if (tw_arg_check_count("int.conjugate", nargs, 0, 0) < 0)
        return NULL;
    return int_exact(self);
}

static const TwMethodDef int_methods[] = {
    { "bit_length", int_bit_length, 0 },
    { "bit_count", int_bit_count, 0 },
    { "__index__", int_index_meth, 0 },
    { "__round__", int_round_meth, 0 },
    { "__format__", int_format_meth, 0 },
    { "is_integer", int_is_integer, 0 },
    { "conjugate", int_conjugate, 0 },
    { NULL, NULL, 0 },
};

static TwObject *int_get_real(TwObject *self) { return int_exact(self); }
static TwObject *int_get_imag(TwObject *self) { return tw_int_from_i64(0); }
static TwObject *int_get_denominator(TwObject *self) { return tw_int_from_i64(1); }

static const TwGetSetDef int_getset[] = {
    { "real", int_get_real, NULL },
    { "imag", int_get_imag, NULL },
    { "numerator", int_get_real, NULL },
    { "denominator", int_get_denominator, NULL },
    { NULL, NULL, NULL },
};

/* ---------------- the types ---------------------------------------- */

TwTypeObject TwInt_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "int",
    .tp_basicsize = sizeof(TwIntObject),
    .tp_flags = TW_TPFLAGS_BASETYPE | TW_TPFLAGS_INT_SUBCLASS | TW_TPFLAGS_SHARE_HOT,
    .tp_dealloc = int_dealloc,
    .tp_repr = int_repr,
    .tp_str = int_repr,
    .tp_hash = int_hash,
    .tp_richcompare = int_richcompare,
    .tp_new = int_new,
    .nb = {
        [TW_BINOP_ADD] = int_add,
        [TW_BINOP_SUB] = int_sub,
        [TW_BINOP_MUL] = int_mul,
        [TW_BINOP_TRUEDIV] = int_truediv,
        [TW_BINOP_FLOORDIV] = int_floordiv,
        [TW_BINOP_MOD] = int_mod,
        [TW_BINOP_POW] = int_pow,
        [TW_BINOP_LSHIFT] = int_lshift,
        [TW_BINOP_RSHIFT] = int_rshift,
        [TW_BINOP_AND] = int_and,
        [TW_BINOP_OR] = int_or,
        [TW_BINOP_XOR] = int_xor,
    },
    .nb_negative = int_neg,
    .nb_positive = int_exact,
    .nb_absolute = int_abs,
    .nb_invert = int_invert,
    .nb_int = int_exact,
    .nb_float = int_to_float,
    .nb_index = int_exact,
    .nb_bool = int_bool,
    .tp_base = &TwBaseObject_Type,
    .tp_methods = int_methods,
    .tp_getset = int_getset,
};

TwTypeObject TwBool_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "bool",
    .tp_basicsize = sizeof(TwIntObject),
    .tp_flags = TW_TPFLAGS_INT_SUBCLASS,
    .tp_dealloc = int_dealloc,
    .tp_repr = bool_repr,
    .tp_str = bool_repr,
    .tp_hash = int_hash,
    .tp_richcompare = int_richcompare,
    .tp_new = bool_new,
    .nb = {
        [TW_BINOP_ADD] = int_add,
        [TW_BINOP_SUB] = int_sub,
        [TW_BINOP_MUL] = int_mul,
        [TW_BINOP_TRUEDIV] = int_truediv,
        [TW_BINOP_FLOORDIV] = int_floordiv,
        [TW_BINOP_MOD] = int_mod,
        [TW_BINOP_POW] = int_pow,
        [TW_BINOP_LSHIFT] = int_lshift,
        [TW_BINOP_RSHIFT] = int_rshift,
        [TW_BINOP_AND] = bool_and,
        [TW_BINOP_OR] = bool_or,
        [TW_BINOP_XOR] = bool_xor,
    },
    .nb_negative = int_neg,
    .nb_positive = int_exact,
    .nb_absolute = int_abs,
    .nb_invert = int_invert,
    .nb_int = int_exact,
    .nb_float = int_to_float,
    .nb_index = int_exact,
    .nb_bool = int_bool,
    .tp_base = &TwInt_Type,
};
