/*
 * test_float.c — float: repr is CPython's shortest round trip with its
 * layout rules, Python's floor division/modulo signs, CPython's messages
 * for division by zero and overflow, hash(1.0) == hash(1), parsing,
 * round(), and the format-spec mini-language for floats.
 * Expected values come from CPython 3.11.
 */
#include "num_test_util.h"

static void test_repr_shortest_round_trip(void)
{
    static const struct { double v; const char *r; } cases[] = {
        { 0.1, "0.1" }, { 1e16, "1e+16" }, { 1e-5, "1e-05" }, { 100.0, "100.0" },
        { 1.5e300, "1.5e+300" }, { 0.0, "0.0" }, { -0.0, "-0.0" }, { 1e15, "1000000000000000.0" },
        { 123456789012345678.0, "1.2345678901234568e+17" },
        { 0.30000000000000004, "0.30000000000000004" }, { 2.5e-7, "2.5e-07" },
        { 1.0 / 3.0, "0.3333333333333333" }, { 5e-324, "5e-324" },
        { 1.7976931348623157e308, "1.7976931348623157e+308" }, { 0.0001, "0.0001" },
        { 1e22, "1e+22" }, { 12345.678, "12345.678" }, { -2.5, "-2.5" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_REPR(F(cases[i].v), cases[i].r);
    CHECK_REPR(F(INFINITY), "inf");
    CHECK_REPR(F(-INFINITY), "-inf");
    CHECK_REPR(F(NAN), "nan");
    CHECK_STR(F(0.1), "0.1");
}

static void test_arithmetic_with_ints(void)
{
    CHECK_REPR(binop_steal(F(0.1), TW_BINOP_ADD, F(0.2)), "0.30000000000000004");
    CHECK_REPR(binop_steal(I(1), TW_BINOP_ADD, F(0.5)), "1.5");
    CHECK_REPR(binop_steal(F(3.0), TW_BINOP_MUL, I(2)), "6.0");
    CHECK_REPR(binop_steal(I(1), TW_BINOP_TRUEDIV, F(4.0)), "0.25");
    CHECK_REPR(binop_steal(F(1e308), TW_BINOP_MUL, I(10)), "inf");
}

static void test_floor_division_and_modulo_signs(void)
{
    CHECK_REPR(binop_steal(F(-7.0), TW_BINOP_FLOORDIV, I(2)), "-4.0");
    CHECK_REPR(binop_steal(F(-7.0), TW_BINOP_MOD, I(2)), "1.0");
    CHECK_REPR(binop_steal(F(7.0), TW_BINOP_MOD, I(-2)), "-1.0");
    CHECK_REPR(binop_steal(F(0.0), TW_BINOP_MOD, I(-5)), "-0.0");
    CHECK_REPR(binop_steal(F(5.5), TW_BINOP_MOD, F(INFINITY)), "5.5");
    TwObject *a = F(-7.5), *b = I(2);
    CHECK_REPR(tw_float_divmod(a, b), "(-4.0, 0.5)");
    TW_DECREF(a);
    TW_DECREF(b);
}

static void test_division_by_zero_messages(void)
{
    CHECK_RAISES(binop_steal(F(1.0), TW_BINOP_TRUEDIV, I(0)), TwExc_ZeroDivisionError,
                 "float division by zero");
    CHECK_RAISES(binop_steal(I(1), TW_BINOP_TRUEDIV, F(0.0)), TwExc_ZeroDivisionError,
                 "float division by zero");
    CHECK_RAISES(binop_steal(F(1.0), TW_BINOP_FLOORDIV, F(0.0)), TwExc_ZeroDivisionError,
                 "float floor division by zero");
    CHECK_RAISES(binop_steal(F(1.0), TW_BINOP_MOD, I(0)), TwExc_ZeroDivisionError, "float modulo");
    TwObject *a = F(1.0), *z = I(0);
    CHECK_RAISES(tw_float_divmod(a, z), TwExc_ZeroDivisionError, "float divmod()");
    TW_DECREF(a);
    TW_DECREF(z);
}

static void test_power_special_cases(void)
{
    CHECK_REPR(binop_steal(F(2.0), TW_BINOP_POW, F(0.5)), "1.4142135623730951");
    CHECK_REPR(binop_steal(F(-2.0), TW_BINOP_POW, I(3)), "-8.0");
    CHECK_REPR(binop_steal(F(10.0), TW_BINOP_POW, I(-2)), "0.01");
    CHECK_REPR(binop_steal(F(0.0), TW_BINOP_POW, I(0)), "1.0");
    CHECK_REPR(binop_steal(F(INFINITY), TW_BINOP_POW, I(-1)), "0.0");
    CHECK_REPR(binop_steal(F(NAN), TW_BINOP_POW, I(0)), "1.0");
    CHECK_RAISES(binop_steal(F(0.0), TW_BINOP_POW, I(-1)), TwExc_ZeroDivisionError,
                 "0.0 cannot be raised to a negative power");
    CHECK_RAISES(binop_steal(F(10.0), TW_BINOP_POW, I(400)), TwExc_OverflowError,
                 "(34, 'Numerical result out of range')");
}

static void test_hash_consistent_with_int(void)
{
    TwObject *f = F(1.0), *i = I(1);
    CHECK_EQ_INT(tw_object_hash(f), tw_object_hash(i));
    TW_DECREF(f);
    TW_DECREF(i);
    f = F(-1.0);
    CHECK_EQ_INT(tw_object_hash(f), -2);
    TW_DECREF(f);
    static const struct { double v; TwHash h; } cases[] = {
        { 1.5, 1152921504606846977 }, { -2.5, -1152921504606846978 },
        { 1e100, 1822893315824342674 }, { 0.1, 230584300921369408 }, { 1180591620717411303424.0, 512 },
        { INFINITY, 314159 }, { -INFINITY, -314159 }, { 0.0, 0 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        f = F(cases[k].v);
        CHECK_EQ_INT(tw_object_hash(f), cases[k].h);
        TW_DECREF(f);
    }
}

static void test_comparisons(void)
{
    CHECK_EQ_INT(cmp_steal(F(1.5), TW_GT, I(1)), 1);
    CHECK_EQ_INT(cmp_steal(F(2.0), TW_EQ, I(2)), 1);
    CHECK_EQ_INT(cmp_steal(F(NAN), TW_EQ, F(NAN)), 0);
    CHECK_EQ_INT(cmp_steal(F(NAN), TW_NE, F(NAN)), 1);
    CHECK_EQ_INT(cmp_steal(F(-0.0), TW_EQ, F(0.0)), 1);
    CHECK_EQ_INT(cmp_steal(F(9223372036854775808.0), TW_GT, I(INT64_MAX)), 1);
}

static void test_parse(void)
{
    static const struct { const char *s; const char *r; } ok[] = {
        { " 1_5.5 ", "15.5" }, { "-iNF", "-inf" }, { "nan ", "nan" }, { "infinity", "inf" },
        { "1_000.5", "1000.5" }, { ".5", "0.5" }, { "5.", "5.0" }, { "1e5", "100000.0" },
        { "-1E-2", "-0.01" }, { "1e400", "inf" },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        CHECK_REPR(tw_float_from_string(ok[i].s, strlen(ok[i].s)), ok[i].r);
    static const char *bad[] = { "abc", "1__5", "1e", "0x10", "_1", "1_", "", ".", "1.5.2" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char msg[128];
        snprintf(msg, sizeof msg, "could not convert string to float: '%s'", bad[i]);
        CHECK_RAISES(tw_float_from_string(bad[i], strlen(bad[i])), TwExc_ValueError, msg);
    }
}

static TwObject *round_steal(TwObject *x, TwObject *nd)
{
    TwObject *r = tw_float_round(x, nd);
    TW_DECREF(x);
    TW_DECREF(nd);
    return r;
}

static void test_round(void)
{
    CHECK_REPR(round_steal(F(2.675), I(2)), "2.67");
    CHECK_REPR(round_steal(F(0.125), I(2)), "0.12");
    CHECK_REPR(round_steal(F(1234.5678), I(-2)), "1200.0");
    CHECK_REPR(round_steal(F(1250.0), I(-2)), "1200.0");
    CHECK_REPR(round_steal(F(1350.0), I(-2)), "1400.0");
    CHECK_REPR(round_steal(F(1e300), I(2)), "1e+300");
    static const struct { double v; const char *r; } half_even[] = {
        { 2.5, "2" }, { 3.5, "4" }, { -2.5, "-2" }, { -0.4, "0" }, { 0.5, "0" }, { 1.5, "2" },
    };
    for (size_t i = 0; i < sizeof half_even / sizeof half_even[0]; i++) {
        TwObject *x = F(half_even[i].v);
        CHECK_REPR(tw_number_round(x, NULL), half_even[i].r);
        TW_DECREF(x);
    }
    TwObject *x = F(INFINITY);
    CHECK_RAISES(tw_number_round(x, NULL), TwExc_OverflowError, "cannot convert float infinity to integer");
    TW_DECREF(x);
    x = F(NAN);
    CHECK_RAISES(tw_number_round(x, NULL), TwExc_ValueError, "cannot convert float NaN to integer");
    TW_DECREF(x);
}

static void test_format_spec(void)
{
    static const struct { const char *spec, *a, *b, *c; } cases[] = {
        { "", "-1234.5678", "1.2345e-05", "1e+20" },
        { ".2f", "-1234.57", "0.00", "100000000000000000000.00" },
        { "10.3e", "-1.235e+03", " 1.234e-05", " 1.000e+20" },
        { "g", "-1234.57", "1.2345e-05", "1e+20" },
        { ".3", "-1.23e+03", "1.23e-05", "1e+20" },
        { ".3g", "-1.23e+03", "1.23e-05", "1e+20" },
        { "#.3g", "-1.23e+03", "1.23e-05", "1.00e+20" },
        { "+,.2f", "-1,234.57", "+0.00", "+100,000,000,000,000,000,000.00" },
        { "%", "-123456.780000%", "0.001234%", "10000000000000000000000.000000%" },
        { ".1%", "-123456.8%", "0.0%", "10000000000000000000000.0%" },
        { "_", "-1_234.5678", "1.2345e-05", "1e+20" },
        { "010.2f", "-001234.57", "0000000.00", "100000000000000000000.00" },
        { "z.1f", "-1234.6", "0.0", "100000000000000000000.0" },
        { "^12.4", " -1.235e+03 ", " 1.234e-05  ", "   1e+20    " },
        { "E", "-1.234568E+03", "1.234500E-05", "1.000000E+20" },
        { "G", "-1234.57", "1.2345E-05", "1E+20" },
        { ".0e", "-1e+03", "1e-05", "1e+20" },
        { "#.0f", "-1235.", "0.", "100000000000000000000." },
        { "n", "-1234.57", "1.2345e-05", "1e+20" },
        { ".15g", "-1234.5678", "1.2345e-05", "1e+20" },
        { "<10", "-1234.5678", "1.2345e-05", "1e+20     " },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK_STR(format_steal(F(-1234.5678), cases[i].spec), cases[i].a);
        CHECK_STR(format_steal(F(0.000012345), cases[i].spec), cases[i].b);
        CHECK_STR(format_steal(F(1e20), cases[i].spec), cases[i].c);
    }
    CHECK_STR(format_steal(F(100.0), ".3"), "1e+02");
    CHECK_STR(format_steal(F(100.0), ".3g"), "100");
    CHECK_STR(format_steal(F(1.0), ".3"), "1.0");
    CHECK_STR(format_steal(F(1234.5), "010,.1f"), "0,001,234.5");
    CHECK_STR(format_steal(F(-0.0), "z.1f"), "0.0");
    CHECK_STR(format_steal(F(INFINITY), "F"), "INF");
    CHECK_STR(format_steal(F(NAN), "+"), "+nan");
    CHECK_STR(format_steal(F(INFINITY), "=+10"), "+      inf");
    CHECK_STR(format_steal(F(1.5), "10"), "       1.5");
    CHECK_STR(format_steal(F(0.5), ".0f"), "0");
    CHECK_STR(format_steal(F(2.5), ".0f"), "2");
    CHECK_RAISES(format_steal(F(1.5), "d"), TwExc_ValueError,
                 "Unknown format code 'd' for object of type 'float'");
    CHECK_RAISES(format_steal(F(1.5), "."), TwExc_ValueError, "Format specifier missing precision");
    CHECK_RAISES(format_steal(F(1.5), ",n"), TwExc_ValueError, "Cannot specify ',' with 'n'.");
    /* ints with float presentation types */
    CHECK_STR(format_steal(I(5), ".2f"), "5.00");
    CHECK_STR(format_steal(I(5), "e"), "5.000000e+00");
    CHECK_STR(format_steal(I(5), "%"), "500.000000%");
}

static void test_methods(void)
{
    CHECK_REPR(METH0(F(1.0), "is_integer"), "True");
    CHECK_REPR(METH0(F(1.5), "is_integer"), "False");
    CHECK_REPR(METH0(F(2.5), "as_integer_ratio"), "(5, 2)");
    CHECK_REPR(METH0(F(-0.75), "as_integer_ratio"), "(-3, 4)");
    TwObject *x = F(-3.7);
    CHECK_REPR(tw_number_to_int(x), "-3");
    CHECK_REPR(tw_number_absolute(x), "3.7");
    CHECK_REPR(tw_number_negative(x), "3.7");
    TW_DECREF(x);
}

static const TwTestCase cases[] = {
    TW_CASE(test_repr_shortest_round_trip),
    TW_CASE(test_arithmetic_with_ints),
    TW_CASE(test_floor_division_and_modulo_signs),
    TW_CASE(test_division_by_zero_messages),
    TW_CASE(test_power_special_cases),
    TW_CASE(test_hash_consistent_with_int),
    TW_CASE(test_comparisons),
    TW_CASE(test_parse),
    TW_CASE(test_round),
    TW_CASE(test_format_spec),
    TW_CASE(test_methods),
};

int main(void)
{
    return tw_test_run(cases, TW_NCASES(cases), &num_opts);
}
