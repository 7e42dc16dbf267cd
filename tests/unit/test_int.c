/*
 * test_int.c — int and bool: Python's arithmetic (floor division, modulo
 * signs, ** with negative exponents), 64-bit overflow raising
 * OverflowError, CPython's error messages, hashing, parsing, round().
 * Expected values come from CPython 3.11.
 */
#include "num_test_util.h"

#define IMAX INT64_MAX
#define IMIN INT64_MIN

static void test_small_ints_are_cached_and_immortal(void)
{
    TwObject *a = I(256), *b = I(256), *c = I(-5), *d = I(-5);
    CHECK(a == b);
    CHECK(c == d);
    CHECK(tw_is_immortal(a));
    TwObject *e = I(257), *f = I(257);
    CHECK(e != f);
    CHECK(!tw_is_immortal(e));
    TW_DECREF(a); TW_DECREF(b); TW_DECREF(c); TW_DECREF(d); TW_DECREF(e); TW_DECREF(f);
}

static void test_add_sub_mul(void)
{
    CHECK_REPR(binop_steal(I(2), TW_BINOP_ADD, I(3)), "5");
    CHECK_REPR(binop_steal(I(2), TW_BINOP_SUB, I(30)), "-28");
    CHECK_REPR(binop_steal(I(-7), TW_BINOP_MUL, I(6)), "-42");
    CHECK_REPR(binop_steal(I(IMAX - 1), TW_BINOP_ADD, I(1)), "9223372036854775807");
}

static void test_overflow_raises(void)
{
    CHECK_RAISES(binop_steal(I(IMAX), TW_BINOP_ADD, I(1)), TwExc_OverflowError, "integer overflow");
    CHECK_RAISES(binop_steal(I(IMIN), TW_BINOP_SUB, I(1)), TwExc_OverflowError, "integer overflow");
    CHECK_RAISES(binop_steal(I((int64_t)1 << 62), TW_BINOP_MUL, I(2)), TwExc_OverflowError,
                 "integer overflow");
    CHECK_RAISES(binop_steal(I(3), TW_BINOP_POW, I(40)), TwExc_OverflowError, "integer overflow");
    CHECK_RAISES(binop_steal(I(IMIN), TW_BINOP_FLOORDIV, I(-1)), TwExc_OverflowError, "integer overflow");
    CHECK_RAISES(binop_steal(I(1), TW_BINOP_LSHIFT, I(63)), TwExc_OverflowError, "integer overflow");
    TwObject *m = I(IMIN);
    CHECK_RAISES(tw_number_negative(m), TwExc_OverflowError, "integer overflow");
    CHECK_RAISES(tw_number_absolute(m), TwExc_OverflowError, "integer overflow");
    TW_DECREF(m);
}

static void test_floor_division_and_modulo_signs(void)
{
    CHECK_REPR(binop_steal(I(7), TW_BINOP_FLOORDIV, I(-2)), "-4");
    CHECK_REPR(binop_steal(I(-7), TW_BINOP_FLOORDIV, I(2)), "-4");
    CHECK_REPR(binop_steal(I(-7), TW_BINOP_MOD, I(3)), "2");
    CHECK_REPR(binop_steal(I(7), TW_BINOP_MOD, I(-3)), "-2");
    CHECK_REPR(binop_steal(I(-6), TW_BINOP_MOD, I(3)), "0");
    CHECK_REPR(binop_steal(I(IMIN), TW_BINOP_MOD, I(-1)), "0");
    TwObject *a = I(-7), *b = I(2);
    CHECK_REPR(tw_int_divmod(a, b), "(-4, 1)");
    TW_DECREF(a);
    TW_DECREF(b);
}

static void test_division_by_zero_messages(void)
{
    CHECK_RAISES(binop_steal(I(1), TW_BINOP_TRUEDIV, I(0)), TwExc_ZeroDivisionError, "division by zero");
    CHECK_RAISES(binop_steal(I(1), TW_BINOP_FLOORDIV, I(0)), TwExc_ZeroDivisionError,
                 "integer division or modulo by zero");
    CHECK_RAISES(binop_steal(I(1), TW_BINOP_MOD, I(0)), TwExc_ZeroDivisionError, "integer modulo by zero");
    TwObject *a = I(1), *z = I(0);
    CHECK_RAISES(tw_int_divmod(a, z), TwExc_ZeroDivisionError, "integer division or modulo by zero");
    TW_DECREF(a);
    TW_DECREF(z);
}

static void test_true_division_gives_float(void)
{
    CHECK_REPR(binop_steal(I(7), TW_BINOP_TRUEDIV, I(2)), "3.5");
    CHECK_REPR(binop_steal(I(((int64_t)1 << 62) + 1), TW_BINOP_TRUEDIV, I(3)), "1.5372286728091292e+18");
    CHECK_REPR(binop_steal(I(9007199254740993), TW_BINOP_TRUEDIV, I(1)), "9007199254740992.0");
}

static void test_power(void)
{
    CHECK_REPR(binop_steal(I(2), TW_BINOP_POW, I(62)), "4611686018427387904");
    CHECK_REPR(binop_steal(I(-3), TW_BINOP_POW, I(39)), "-4052555153018976267");
    CHECK_REPR(binop_steal(I(0), TW_BINOP_POW, I(0)), "1");
    CHECK_REPR(binop_steal(I(2), TW_BINOP_POW, I(-3)), "0.125");
    CHECK_REPR(binop_steal(I(-3), TW_BINOP_POW, I(-3)), "-0.037037037037037035");
    CHECK_RAISES(binop_steal(I(0), TW_BINOP_POW, I(-1)), TwExc_ZeroDivisionError,
                 "0.0 cannot be raised to a negative power");
}

static void test_pow_with_modulus(void)
{
    TwObject *a, *b, *m;
    CHECK_REPR(tw_int_power_mod(a = I(3), b = I(200), m = I(1000)), "1");
    TW_DECREF(a); TW_DECREF(b); TW_DECREF(m);
    CHECK_REPR(tw_int_power_mod(a = I(-7), b = I(3), m = I(5)), "2");
    TW_DECREF(a); TW_DECREF(b); TW_DECREF(m);
    CHECK_REPR(tw_int_power_mod(a = I(7), b = I(3), m = I(-5)), "-2");
    TW_DECREF(a); TW_DECREF(b); TW_DECREF(m);
    CHECK_REPR(tw_int_power_mod(a = I(12345), b = I(-1), m = I(1000003)), "775863");
    TW_DECREF(a); TW_DECREF(b); TW_DECREF(m);
    CHECK_REPR(tw_int_power_mod(a = I(2), b = I(1000000000000000000), m = I(1000000007)), "719476260");
    TW_DECREF(a); TW_DECREF(b); TW_DECREF(m);
    CHECK_RAISES(tw_int_power_mod(a = I(2), b = I(-1), m = I(4)), TwExc_ValueError,
                 "base is not invertible for the given modulus");
    TW_DECREF(a); TW_DECREF(b); TW_DECREF(m);
    CHECK_RAISES(tw_int_power_mod(a = I(2), b = I(3), m = I(0)), TwExc_ValueError,
                 "pow() 3rd argument cannot be 0");
    TW_DECREF(a); TW_DECREF(b); TW_DECREF(m);
    CHECK_RAISES(tw_int_power_mod(a = F(2.0), b = I(3), m = I(5)), TwExc_TypeError,
                 "pow() 3rd argument not allowed unless all arguments are integers");
    TW_DECREF(a); TW_DECREF(b); TW_DECREF(m);
}

static void test_shifts_and_bitwise(void)
{
    CHECK_REPR(binop_steal(I(1), TW_BINOP_LSHIFT, I(62)), "4611686018427387904");
    CHECK_REPR(binop_steal(I(-1), TW_BINOP_LSHIFT, I(63)), "-9223372036854775808");
    CHECK_REPR(binop_steal(I(0), TW_BINOP_LSHIFT, I(1000)), "0");
    CHECK_REPR(binop_steal(I(-9), TW_BINOP_RSHIFT, I(1)), "-5");
    CHECK_REPR(binop_steal(I(-9), TW_BINOP_RSHIFT, I(100)), "-1");
    CHECK_REPR(binop_steal(I(9), TW_BINOP_RSHIFT, I(100)), "0");
    CHECK_RAISES(binop_steal(I(1), TW_BINOP_LSHIFT, I(-1)), TwExc_ValueError, "negative shift count");
    CHECK_RAISES(binop_steal(I(1), TW_BINOP_RSHIFT, I(-1)), TwExc_ValueError, "negative shift count");
    CHECK_REPR(binop_steal(I(12), TW_BINOP_AND, I(10)), "8");
    CHECK_REPR(binop_steal(I(12), TW_BINOP_OR, I(3)), "15");
    CHECK_REPR(binop_steal(I(12), TW_BINOP_XOR, I(10)), "6");
    TwObject *x = I(5);
    CHECK_REPR(tw_number_invert(x), "-6");
    TW_DECREF(x);
}

static void test_bool_behaves_like_python(void)
{
    CHECK_REPR(tw_newref(Tw_True), "True");
    CHECK_REPR(tw_newref(Tw_False), "False");
    CHECK_REPR(binop_steal(tw_newref(Tw_True), TW_BINOP_ADD, tw_newref(Tw_True)), "2");
    CHECK_REPR(binop_steal(tw_newref(Tw_True), TW_BINOP_AND, tw_newref(Tw_False)), "False");
    CHECK_REPR(binop_steal(tw_newref(Tw_True), TW_BINOP_XOR, tw_newref(Tw_True)), "False");
    CHECK_REPR(binop_steal(tw_newref(Tw_True), TW_BINOP_OR, I(1)), "1");
    CHECK_REPR(tw_number_invert(Tw_True), "-2");
    CHECK_REPR(tw_number_negative(Tw_True), "-1");
    CHECK_EQ_INT(tw_object_hash(Tw_True), 1);
    CHECK(TW_INT_CHECK(Tw_True));
    CHECK(!TW_INT_CHECK_EXACT(Tw_True));
    CHECK_STR(format_steal(tw_newref(Tw_True), ""), "True");
    CHECK_STR(format_steal(tw_newref(Tw_True), "d"), "1");
    CHECK_STR(format_steal(tw_newref(Tw_True), "^6"), "  1   ");
}

static void test_comparisons_including_floats(void)
{
    CHECK_EQ_INT(cmp_steal(I(1), TW_LT, I(2)), 1);
    CHECK_EQ_INT(cmp_steal(I(2), TW_LE, I(2)), 1);
    CHECK_EQ_INT(cmp_steal(I(3), TW_GT, I(2)), 1);
    CHECK_EQ_INT(cmp_steal(I(3), TW_EQ, I(2)), 0);
    CHECK_EQ_INT(cmp_steal(I(1), TW_EQ, F(1.0)), 1);
    CHECK_EQ_INT(cmp_steal(I(1), TW_LT, F(1.5)), 1);
    /* 2**53 + 1 is not equal to the float 2**53 although (double) says so */
    CHECK_EQ_INT(cmp_steal(I(9007199254740993), TW_EQ, F(9007199254740992.0)), 0);
    CHECK_EQ_INT(cmp_steal(I(9007199254740993), TW_GT, F(9007199254740992.0)), 1);
    CHECK_EQ_INT(cmp_steal(I(IMAX), TW_LT, F(9223372036854775808.0)), 1);
    CHECK_EQ_INT(cmp_steal(I(1), TW_EQ, F(NAN)), 0);
    CHECK_EQ_INT(cmp_steal(I(1), TW_NE, F(NAN)), 1);
}

static void test_hash_matches_cpython(void)
{
    static const struct { int64_t v; TwHash h; } cases[] = {
        { -1, -2 }, { 0, 0 }, { 1, 1 }, { 2305843009213693951, 0 }, { (int64_t)1 << 62, 2 },
        { -((int64_t)1 << 62), -2 }, { IMAX, 3 }, { IMIN, -4 }, { 123456789012345, 123456789012345 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        TwObject *o = I(cases[i].v);
        CHECK_EQ_INT(tw_object_hash(o), cases[i].h);
        TW_DECREF(o);
    }
}

static void test_parse_literals(void)
{
    CHECK_REPR(tw_int_from_string(" 12_3 ", 6, 10), "123");
    CHECK_REPR(tw_int_from_string("0x_ff", 5, 0), "255");
    CHECK_REPR(tw_int_from_string("-0b101", 6, 0), "-5");
    CHECK_REPR(tw_int_from_string("0o17", 4, 8), "15");
    CHECK_REPR(tw_int_from_string("ff", 2, 16), "255");
    CHECK_REPR(tw_int_from_string("z", 1, 36), "35");
    CHECK_REPR(tw_int_from_string("000", 3, 0), "0");
    CHECK_REPR(tw_int_from_string("-9223372036854775808", 20, 10), "-9223372036854775808");
    CHECK_RAISES(tw_int_from_string("9223372036854775808", 19, 10), TwExc_OverflowError,
                 "integer overflow");
    CHECK_RAISES(tw_int_from_string("abc", 3, 10), TwExc_ValueError,
                 "invalid literal for int() with base 10: 'abc'");
    CHECK_RAISES(tw_int_from_string("010", 3, 0), TwExc_ValueError,
                 "invalid literal for int() with base 0: '010'");
    CHECK_RAISES(tw_int_from_string("1__2", 4, 10), TwExc_ValueError,
                 "invalid literal for int() with base 10: '1__2'");
    CHECK_RAISES(tw_int_from_string("_12", 3, 10), TwExc_ValueError,
                 "invalid literal for int() with base 10: '_12'");
    CHECK_RAISES(tw_int_from_string("12_", 3, 10), TwExc_ValueError,
                 "invalid literal for int() with base 10: '12_'");
    CHECK_RAISES(tw_int_from_string("", 0, 10), TwExc_ValueError,
                 "invalid literal for int() with base 10: ''");
    CHECK_RAISES(tw_int_from_string("1", 1, 37), TwExc_ValueError,
                 "int() base must be >= 2 and <= 36, or 0");
}

static TwObject *call_type(TwTypeObject *tp, int n, TwObject *a, TwObject *b)
{
    TwObject *args[2] = { a, b };
    TwObject *r = tp->tp_new(tp, args, (size_t)n, NULL);
    TW_XDECREF(a);
    TW_XDECREF(b);
    return r;
}

static void test_int_constructor(void)
{
    CHECK_REPR(call_type(&TwInt_Type, 0, NULL, NULL), "0");
    CHECK_REPR(call_type(&TwInt_Type, 1, F(-3.9), NULL), "-3");
    CHECK_REPR(call_type(&TwInt_Type, 1, S("  42\n"), NULL), "42");
    CHECK_REPR(call_type(&TwInt_Type, 2, S("ff"), I(16)), "255");
    CHECK_REPR(call_type(&TwInt_Type, 1, tw_newref(Tw_True), NULL), "1");
    CHECK_RAISES(call_type(&TwInt_Type, 1, F(INFINITY), NULL), TwExc_OverflowError,
                 "cannot convert float infinity to integer");
    CHECK_RAISES(call_type(&TwInt_Type, 1, F(NAN), NULL), TwExc_ValueError,
                 "cannot convert float NaN to integer");
    CHECK_RAISES(call_type(&TwInt_Type, 1, F(1e300), NULL), TwExc_OverflowError, "integer overflow");
    CHECK_RAISES(call_type(&TwInt_Type, 2, I(5), I(10)), TwExc_TypeError,
                 "int() can't convert non-string with explicit base");
    CHECK_RAISES(call_type(&TwInt_Type, 1, tw_newref(Tw_None), NULL), TwExc_TypeError,
                 "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'");
    CHECK_REPR(call_type(&TwBool_Type, 1, I(7), NULL), "True");
    CHECK_REPR(call_type(&TwBool_Type, 0, NULL, NULL), "False");
    CHECK_RAISES(call_type(&TwBool_Type, 2, I(1), I(2)), TwExc_TypeError,
                 "bool expected at most 1 argument, got 2");
}

static void test_round_ints(void)
{
    static const struct { int64_t v, nd, r; } cases[] = {
        { 1234567, -3, 1235000 }, { 1500, -3, 2000 }, { 2500, -3, 2000 },
        { -2500, -3, -2000 }, { 15, -1, 20 }, { 25, -1, 20 }, { 5, 1, 5 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        TwObject *v = I(cases[i].v), *nd = I(cases[i].nd);
        TwObject *r = tw_number_round(v, nd);
        CHECK(r != NULL && TW_INT_CHECK_EXACT(r) && TW_INT_VALUE(r) == cases[i].r);
        TW_XDECREF(r);
        TW_DECREF(v);
        TW_DECREF(nd);
    }
}

static void test_methods(void)
{
    CHECK_REPR(METH0(I(-5), "bit_length"), "3");
    CHECK_REPR(METH0(I(0), "bit_length"), "0");
    CHECK_REPR(METH0(I(255), "bit_count"), "8");
    CHECK_REPR(METH0(tw_newref(Tw_True), "__index__"), "1");
}

static void test_repr_and_str(void)
{
    CHECK_REPR(I(-9223372036854775807 - 1), "-9223372036854775808");
    CHECK_STR(I(42), "42");
    TwObject *x = I(3);
    CHECK_REPR(tw_number_to_float(x), "3.0");
    TW_DECREF(x);
}

static const TwTestCase cases[] = {
    TW_CASE(test_small_ints_are_cached_and_immortal),
    TW_CASE(test_add_sub_mul),
    TW_CASE(test_overflow_raises),
    TW_CASE(test_floor_division_and_modulo_signs),
    TW_CASE(test_division_by_zero_messages),
    TW_CASE(test_true_division_gives_float),
    TW_CASE(test_power),
    TW_CASE(test_pow_with_modulus),
    TW_CASE(test_shifts_and_bitwise),
    TW_CASE(test_bool_behaves_like_python),
    TW_CASE(test_comparisons_including_floats),
    TW_CASE(test_hash_matches_cpython),
    TW_CASE(test_parse_literals),
    TW_CASE(test_int_constructor),
    TW_CASE(test_round_ints),
    TW_CASE(test_methods),
    TW_CASE(test_repr_and_str),
};

int main(void)
{
    return tw_test_run(cases, TW_NCASES(cases), &num_opts);
}
