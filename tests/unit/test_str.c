/*
 * test_str.c — str: repr exactly as CPython, indexing and slicing by code
 * point, the everyday methods, %-formatting, str.format, format specs for
 * int and str, interning (equal interned strings are one object) and
 * hashing.  Expected values come from CPython 3.11.
 */
#include <pthread.h>

#include "num_test_util.h"

/* Render a list/tuple result through repr (CPython's formatting of str items). */
#define CHECK_METH(self, name, expected, ...) CHECK_REPR(METH(S(self), name, __VA_ARGS__), expected)
#define CHECK_METH0(self, name, expected) CHECK_REPR(METH0(S(self), name), expected)

static void test_repr_quotes_and_escapes(void)
{
    CHECK_REPR(S("it's"), "\"it's\"");
    CHECK_REPR(S("a\"b"), "'a\"b'");
    CHECK_REPR(S("both'\""), "'both\\'\"'");
    CHECK_REPR(S("tab\there\n\x01\x7f\\"), "'tab\\there\\n\\x01\\x7f\\\\'");
    CHECK_REPR(S("h\xc3\xa9llo \xe2\x98\x83 \xc2\xa0 \xe2\x80\x8b"), "'h\xc3\xa9llo \xe2\x98\x83 \\xa0 \\u200b'");
    CHECK_REPR(S(""), "''");
}

static void test_length_indexing_slicing_by_code_point(void)
{
    TwObject *s = S("h\xc3\xa9llo");
    CHECK_EQ_INT(tw_object_len(s), 5);
    TwObject *k = I(1);
    CHECK_STR(tw_object_getitem(s, k), "\xc3\xa9");
    TW_DECREF(k);
    k = I(-1);
    CHECK_STR(tw_object_getitem(s, k), "o");
    TW_DECREF(k);
    k = I(5);
    CHECK_RAISES(tw_object_getitem(s, k), TwExc_IndexError, "string index out of range");
    TW_DECREF(k);
    k = F(1.0);
    CHECK_RAISES(tw_object_getitem(s, k), TwExc_TypeError, "string indices must be integers, not 'float'");
    TW_DECREF(k);
    TwObject *a = I(1), *b = I(3), *m1 = I(-1);
    k = tw_slice_new(a, b, NULL);
    CHECK_STR(tw_object_getitem(s, k), "\xc3\xa9l");
    TW_DECREF(k);
    k = tw_slice_new(NULL, NULL, m1);
    CHECK_STR(tw_object_getitem(s, k), "oll\xc3\xa9h");
    TW_DECREF(k);
    TW_DECREF(a); TW_DECREF(b); TW_DECREF(m1);
    TW_DECREF(s);
    s = S("hello");
    a = I(2);
    k = tw_slice_new(NULL, NULL, a);
    CHECK_STR(tw_object_getitem(s, k), "hlo");
    TW_DECREF(k);
    TW_DECREF(a);
    a = I(10);
    k = tw_slice_new(a, NULL, NULL);
    CHECK_STR(tw_object_getitem(s, k), "");
    TW_DECREF(k);
    TW_DECREF(a);
    TW_DECREF(s);
}

static void test_concat_repeat_compare_contains(void)
{
    CHECK_STR(binop_steal(S("ab"), TW_BINOP_ADD, S("c\xc3\xa9")), "abc\xc3\xa9");
    CHECK_STR(binop_steal(S("\xc3\xa9"), TW_BINOP_MUL, I(3)), "\xc3\xa9\xc3\xa9\xc3\xa9");
    CHECK_STR(binop_steal(I(2), TW_BINOP_MUL, S("ab")), "abab");
    CHECK_STR(binop_steal(S("ab"), TW_BINOP_MUL, I(-1)), "");
    CHECK_RAISES(binop_steal(S("a"), TW_BINOP_ADD, I(1)), TwExc_TypeError,
                 "can only concatenate str (not \"int\") to str");
    CHECK_RAISES(binop_steal(S("a"), TW_BINOP_MUL, S("b")), TwExc_TypeError,
                 "can't multiply sequence by non-int of type 'str'");
    CHECK_RAISES(binop_steal(S("a"), TW_BINOP_MUL, F(2.0)), TwExc_TypeError,
                 "can't multiply sequence by non-int of type 'float'");
    CHECK_EQ_INT(cmp_steal(S("abc"), TW_LT, S("abd")), 1);
    CHECK_EQ_INT(cmp_steal(S("ab"), TW_LT, S("abc")), 1);
    CHECK_EQ_INT(cmp_steal(S("\xc3\xa9"), TW_GT, S("z")), 1);
    CHECK_EQ_INT(cmp_steal(S("abc"), TW_EQ, S("abc")), 1);
    TwObject *s = S("hello"), *sub = S("ell"), *no = S("xyz"), *one = I(1);
    CHECK_EQ_INT(tw_object_contains(s, sub), 1);
    CHECK_EQ_INT(tw_object_contains(s, no), 0);
    CHECK_EQ_INT(tw_object_contains(s, one), -1);
    CHECK_RAISES(NULL, TwExc_TypeError, "'in <string>' requires string as left operand, not int");
    TW_DECREF(s); TW_DECREF(sub); TW_DECREF(no); TW_DECREF(one);
}

static void test_iteration_yields_code_points(void)
{
    TwObject *s = S("a\xc3\xa9\xe2\x98\x83");
    TwObject *it = tw_object_iter(s);
    CHECK(it != NULL);
    const char *expect[] = { "a", "\xc3\xa9", "\xe2\x98\x83" };
    for (int i = 0; i < 3; i++)
        CHECK_STR(tw_iter_next(it), expect[i]);
    CHECK(tw_iter_next(it) == NULL && !tw_err_occurred());
    TW_DECREF(it);
    TW_DECREF(s);
}

static void test_split_family(void)
{
    CHECK_METH0(" a  b c ", "split", "['a', 'b', 'c']");
    CHECK_METH("a,b,,c", "split", "['a', 'b', '', 'c']", S(","));
    CHECK_METH("a,b,c", "split", "['a', 'b,c']", S(","), I(1));
    CHECK_METH("a,b,c", "rsplit", "['a,b', 'c']", S(","), I(1));
    CHECK_METH("  a b  c ", "rsplit", "['  a b', 'c']", tw_newref(Tw_None), I(1));
    CHECK_METH(" a b c", "split", "['a', 'b c']", tw_newref(Tw_None), I(1));
    CHECK_METH0("a\nb\r\nc\rd", "splitlines", "['a', 'b', 'c', 'd']");
    CHECK_METH("a\nb\n", "splitlines", "['a\\n', 'b\\n']", tw_newref(Tw_True));
    CHECK_RAISES(METH(S("a b"), "split", S("")), TwExc_ValueError, "empty separator");
    CHECK_METH(",", "join", "'a,b,c'", S("abc"));
    CHECK_RAISES(METH(S(""), "join", tuple_steal(1, tw_newref(Tw_None))), TwExc_TypeError,
                 "sequence item 0: expected str instance, NoneType found");
    CHECK_METH("a=b=c", "partition", "('a', '=', 'b=c')", S("="));
    CHECK_METH("a=b=c", "rpartition", "('a=b', '=', 'c')", S("="));
    CHECK_METH("abc", "partition", "('abc', '', '')", S("x"));
    CHECK_METH("abc", "rpartition", "('', '', 'abc')", S("x"));
}

static void test_strip_replace_find(void)
{
    CHECK_METH("xxhixx", "strip", "'hi'", S("x"));
    CHECK_METH0("  hi  ", "lstrip", "'hi  '");
    CHECK_METH0(" \t hi\n", "rstrip", "' \\t hi'");
    CHECK_METH("aaa", "replace", "'bba'", S("a"), S("b"), I(2));
    CHECK_METH("ab", "replace", "'-a-b-'", S(""), S("-"));
    CHECK_METH("hello", "find", "2", S("l"));
    CHECK_METH("hello", "rfind", "3", S("l"));
    CHECK_METH("hello", "find", "3", S("l"), I(-2));
    CHECK_METH("hello", "find", "-1", S("z"));
    CHECK_METH("hello", "count", "2", S("l"));
    CHECK_METH("hello", "count", "6", S(""));
    CHECK_METH("h\xc3\xa9llo", "find", "2", S("l"));
    CHECK_METH("h\xc3\xa9llo", "index", "4", S("o"));
    CHECK_RAISES(METH(S("ab"), "index", S("z")), TwExc_ValueError, "substring not found");
    CHECK_RAISES(METH(S("ab"), "rindex", S("z")), TwExc_ValueError, "substring not found");
    CHECK_METH("abc", "startswith", "True", tuple_steal(2, S("x"), S("a")));
    CHECK_METH("abc", "endswith", "True", S("bc"));
    CHECK_METH("abc", "startswith", "True", S("b"), I(1));
    CHECK_METH("abc", "endswith", "True", S("b"), I(0), I(2));
}

static void test_maketrans_and_translate(void)
{
    TwObject *table = METH(S(""), "maketrans", S("abc"), S("xyz"), S("d"));
    CHECK(table != NULL);
    if (table) {
        CHECK_METH("abcdd-cab", "translate", "'xyz-zxy'", tw_newref(table));
        TW_DECREF(table);
    }
    CHECK_RAISES(METH(S(""), "maketrans", S("ab"), S("c")), TwExc_ValueError,
                 "the first two maketrans arguments must have equal length");
}

static void test_case_and_predicates(void)
{
    CHECK_METH0("hello world", "title", "'Hello World'");
    CHECK_METH0("hELLo", "swapcase", "'HellO'");
    CHECK_METH0("hello", "capitalize", "'Hello'");
    CHECK_METH0("\xc3\x89" "COLE", "lower", "'\xc3\xa9" "cole'");
    CHECK_METH0("abc", "upper", "'ABC'");
    /* one-to-many and context-dependent mappings */
    CHECK_METH0("stra\xc3\x9f" "e", "upper", "'STRASSE'");
    CHECK_METH0("\xc3\x9f" "a", "title", "'Ssa'");
    CHECK_METH0("stra\xc3\x9f" "e", "casefold", "'strasse'");
    CHECK_METH0("\xce\xa3\xce\x91\xce\xa3", "lower", "'\xcf\x83\xce\xb1\xcf\x82'");
    CHECK_METH0("a b", "isidentifier", "False");
    CHECK_METH0("_x1", "isidentifier", "True");
    CHECK_METH0("1x", "isidentifier", "False");
    CHECK_METH0("ABC", "isupper", "True");
    CHECK_METH0("AbC", "isupper", "False");
    CHECK_METH0("abc1", "islower", "True");
    CHECK_METH0("123", "isdigit", "True");
    CHECK_METH0("", "isdigit", "False");
    CHECK_METH0("abc", "isalpha", "True");
    CHECK_METH0("ab1", "isalnum", "True");
    CHECK_METH0(" \t", "isspace", "True");
    CHECK_METH0("Hello World", "istitle", "True");
}

static void test_padding(void)
{
    CHECK_METH("abc", "center", "'**abc***'", I(8), S("*"));
    CHECK_METH("abc", "center", "'*abc**'", I(6), S("*"));
    CHECK_METH("abc", "ljust", "'abc  '", I(5));
    CHECK_METH("abc", "rjust", "'  abc'", I(5));
    CHECK_METH("42", "zfill", "'00042'", I(5));
    CHECK_METH("-42", "zfill", "'-0042'", I(5));
    CHECK_RAISES(METH(S("x"), "center", I(4), S("ab")), TwExc_TypeError,
                 "The fill character must be exactly one character long");
}

static void test_argument_errors_read_like_cpython(void)
{
    CHECK_RAISES(METH0(S("a"), "join"), TwExc_TypeError, "str.join() takes exactly one argument (0 given)");
    CHECK_RAISES(METH(S("a"), "lower", I(1)), TwExc_TypeError, "str.lower() takes no arguments (1 given)");
    CHECK_RAISES(METH0(S("a"), "find"), TwExc_TypeError, "find() takes at least 1 argument (0 given)");
    CHECK_RAISES(METH(S("a"), "split", I(1), I(2), I(3)), TwExc_TypeError,
                 "split() takes at most 2 arguments (3 given)");
    CHECK_RAISES(METH(S("a"), "strip", I(1), I(2)), TwExc_TypeError, "strip expected at most 1 argument, got 2");
    CHECK_RAISES(METH0(S("a"), "replace"), TwExc_TypeError, "replace expected at least 2 arguments, got 0");
    CHECK_RAISES(METH(S("a"), "replace", I(1), S("b")), TwExc_TypeError,
                 "replace() argument 1 must be str, not int");
    CHECK_RAISES(METH(S("a"), "join", I(5)), TwExc_TypeError, "can only join an iterable");
    CHECK_RAISES(METH(S("a"), "center", I(3), I(1)), TwExc_TypeError,
                 "The fill character must be a unicode character, not int");
    CHECK_RAISES(METH(I(1), "bit_length", I(2)), TwExc_TypeError, "int.bit_length() takes no arguments (1 given)");
}

static TwObject *percent(const char *fmt, TwObject *args)
{
    return binop_steal(S(fmt), TW_BINOP_MOD, args);
}

static void test_percent_formatting(void)
{
    CHECK_STR(percent("%5d|%-5s|%05.1f|%x|%#o|%r|%c|%%|%s",
                      tuple_steal(8, I(42), S("ab"), F(3.14159), I(255), I(8), S("q"), I(65), tw_newref(Tw_None))),
              "   42|ab   |003.1|ff|0o10|'q'|A|%|None");
    CHECK_STR(percent("%d items", I(3)), "3 items");
    CHECK_STR(percent("%.3s", S("abcdef")), "abc");
    CHECK_STR(percent("%+d % d", tuple_steal(2, I(5), I(5))), "+5  5");
    CHECK_STR(percent("%e", F(12345.678)), "1.234568e+04");
    CHECK_STR(percent("%g %g", tuple_steal(2, F(1e-5), F(123456789.0))), "1e-05 1.23457e+08");
    CHECK_STR(percent("%10.4f|", F(3.14159265)), "    3.1416|");
    CHECK_STR(percent("%x", I(-255)), "-ff");
    CHECK_STR(percent("%i", F(3.7)), "3");
    CHECK_STR(percent("%s", tw_newref(Tw_True)), "True");
    CHECK_RAISES(percent("%d", S("a")), TwExc_TypeError, "%d format: a real number is required, not str");
    CHECK_RAISES(percent("%x", F(3.0)), TwExc_TypeError, "%x format: an integer is required, not float");
    CHECK_RAISES(percent("%d %d", tuple_steal(1, I(1))), TwExc_TypeError,
                 "not enough arguments for format string");
    CHECK_RAISES(percent("%d", tuple_steal(2, I(1), I(2))), TwExc_TypeError,
                 "not all arguments converted during string formatting");
    CHECK_RAISES(percent("%y", I(1)), TwExc_ValueError, "unsupported format character 'y' (0x79) at index 1");
    CHECK_RAISES(percent("abc%", tw_tuple_new(0)), TwExc_ValueError, "incomplete format");
}

static void test_percent_with_mapping(void)
{
    TwObject *d = tw_dict_new();
    TwObject *x = S("X"), *y = I(3);
    tw_dict_set_str(d, "x", x);
    tw_dict_set_str(d, "y", y);
    TW_DECREF(x);
    TW_DECREF(y);
    CHECK_STR(percent("%(x)s-%(y)d", d), "X-3");
}

static TwObject *fmt_call(const char *fmt, TwObject *const *args, size_t n, TwObject *kwnames)
{
    TwObject *s = S(fmt);
    TwObject *r = tw_call_method(s, "format", args, n);
    (void)kwnames;
    TW_DECREF(s);
    return r;
}

static void test_str_format(void)
{
    TwObject *args[3];
    args[0] = I(1); args[1] = S("a");
    CHECK_STR(fmt_call("{} {}", args, 2, NULL), "1 a");
    CHECK_STR(fmt_call("{1}{0}", args, 2, NULL), "a1");
    CHECK_STR(fmt_call("{{}}{}", args, 1, NULL), "{}1");
    CHECK_STR(fmt_call("{0.real}", args, 1, NULL), "1");
    CHECK_STR(fmt_call("{1:>6}", args, 2, NULL), "     a");
    CHECK_STR(fmt_call("{1!r:^7}", args, 2, NULL), "  'a'  ");
    CHECK_STR(fmt_call("{:05}", args, 1, NULL), "00001");
    CHECK_RAISES(fmt_call("{} {}", args, 1, NULL), TwExc_IndexError,
                 "Replacement index 1 out of range for positional args tuple");
    CHECK_RAISES(fmt_call("{0} {}", args, 2, NULL), TwExc_ValueError,
                 "cannot switch from manual field specification to automatic field numbering");
    CHECK_RAISES(fmt_call("{", args, 0, NULL), TwExc_ValueError, "Single '{' encountered in format string");
    CHECK_RAISES(fmt_call("}", args, 0, NULL), TwExc_ValueError, "Single '}' encountered in format string");
    CHECK_RAISES(fmt_call("{0!x}", args, 1, NULL), TwExc_ValueError, "Unknown conversion specifier x");
    CHECK_RAISES(fmt_call("{a}", args, 0, NULL), TwExc_KeyError, "'a'");
    TW_DECREF(args[0]);
    TW_DECREF(args[1]);
    args[0] = tw_list_new(0);
    TwObject *one = I(1), *two = I(2);
    tw_list_append(args[0], one);
    tw_list_append(args[0], two);
    TW_DECREF(one);
    TW_DECREF(two);
    CHECK_STR(fmt_call("{0[1]}", args, 1, NULL), "2");
    TW_DECREF(args[0]);
    /* keyword arguments arrive after the positional ones, named by kwnames */
    TwObject *s = S("{x}:{w}"), *kw = tuple_steal(2, S("x"), S("w"));
    TwObject *kwv[2] = { I(5), S("q") };
    TwObject *meth = tw_object_getattr_str(s, "format");
    CHECK(meth != NULL);
    if (meth) {
        CHECK_STR(tw_call(meth, kwv, 0, kw), "5:q");
        TW_DECREF(meth);
    }
    TW_DECREF(kwv[0]);
    TW_DECREF(kwv[1]);
    TW_DECREF(kw);
    TW_DECREF(s);
}

static void test_format_spec_for_ints_and_strs(void)
{
    CHECK_STR(format_steal(I(123456789), "_x"), "75b_cd15");
    CHECK_STR(format_steal(I(1234567), ","), "1,234,567");
    CHECK_STR(format_steal(I(-5), "08d"), "-0000005");
    CHECK_STR(format_steal(I(255), "#010x"), "0x000000ff");
    CHECK_STR(format_steal(I(65), "c"), "A");
    CHECK_STR(format_steal(I(3), "#b"), "0b11");
    CHECK_STR(format_steal(I(-255), "#X"), "-0XFF");
    CHECK_STR(format_steal(I(42), "+"), "+42");
    CHECK_STR(format_steal(I(42), " "), " 42");
    CHECK_STR(format_steal(I(-42), "=8"), "-     42");
    CHECK_STR(format_steal(I(1234), "010,d"), "00,001,234");
    CHECK_STR(format_steal(I(1234), "08,d"), "0,001,234");
    CHECK_STR(format_steal(I(1234), "*^11,"), "***1,234***");
    CHECK_STR(format_steal(I(5), "=^+10d"), "====+5====");
    CHECK_STR(format_steal(S("ab"), "*^7"), "**ab***");
    CHECK_STR(format_steal(S("abc"), ".2"), "ab");
    CHECK_STR(format_steal(S("ab"), "05"), "ab000");
    CHECK_STR(format_steal(S("\xc3\xa9"), ">3"), "  \xc3\xa9");
    CHECK_RAISES(format_steal(I(1), "abc"), TwExc_ValueError, "Invalid format specifier 'abc' for object of type 'int'");
    CHECK_RAISES(format_steal(I(1), ".2"), TwExc_ValueError, "Precision not allowed in integer format specifier");
    CHECK_RAISES(format_steal(I(1), ",x"), TwExc_ValueError, "Cannot specify ',' with 'x'.");
    CHECK_RAISES(format_steal(I(1), ",_"), TwExc_ValueError, "Cannot specify both ',' and '_'.");
    CHECK_RAISES(format_steal(I(1), "+c"), TwExc_ValueError, "Sign not allowed with integer format specifier 'c'");
    CHECK_RAISES(format_steal(I(1), "z"), TwExc_ValueError,
                 "Negative zero coercion (z) not allowed in integer format specifier");
    CHECK_RAISES(format_steal(I((int64_t)1 << 40), "c"), TwExc_OverflowError, "%c arg not in range(0x110000)");
    CHECK_RAISES(format_steal(S("a"), "d"), TwExc_ValueError, "Unknown format code 'd' for object of type 'str'");
    CHECK_RAISES(format_steal(S("a"), ","), TwExc_ValueError, "Cannot specify ',' with 's'.");
    CHECK_RAISES(format_steal(S("a"), "+"), TwExc_ValueError, "Sign not allowed in string format specifier");
    CHECK_RAISES(format_steal(S("a"), "#"), TwExc_ValueError, "Alternate form (#) not allowed in string format specifier");
    CHECK_RAISES(format_steal(S("a"), "=5"), TwExc_ValueError, "'=' alignment not allowed in string format specifier");
    CHECK_RAISES(format_steal(I(1), "1111111111111111111111111111"), TwExc_ValueError,
                 "Too many decimal digits in format string");
    CHECK_STR(format_steal(tw_newref(Tw_None), ""), "None");
    CHECK_RAISES(format_steal(tw_newref(Tw_None), "x"), TwExc_TypeError,
                 "unsupported format string passed to NoneType.__format__");
}

static void test_interning_gives_one_object(void)
{
    TwObject *a = tw_str_intern_cstr("twinpy_test_interned_name");
    TwObject *b = tw_str_intern_cstr("twinpy_test_interned_name");
    CHECK(a == b);
    CHECK(tw_is_immortal(a));
    TwObject *c = S("twinpy_test_interned_name");
    CHECK(c != a);
    tw_str_intern_inplace(&c);
    CHECK(c == a);
    TW_DECREF(c);
    TwObject *d = S("twinpy_test_other_name");
    tw_str_intern_inplace(&d);
    CHECK(d == tw_str_intern_cstr("twinpy_test_other_name"));
    TW_DECREF(d);
    /* many names: the table grows while earlier entries stay found */
    char buf[64];
    for (int i = 0; i < 5000; i++) {
        snprintf(buf, sizeof buf, "name_%d", i);
        tw_str_intern_cstr(buf);
    }
    CHECK(tw_str_intern_cstr("twinpy_test_interned_name") == a);
    CHECK(tw_str_intern_cstr("name_4321") == tw_str_intern_cstr("name_4321"));
    CHECK(tw_str_eq_cstr(tw_str_intern_cstr("name_4321"), "name_4321"));
}

/* Interning from several threads at once: lookups are lock-free and
 * inserts race; every thread must get the one object for each name,
 * while the table grows under them. */
#define INTERN_THREADS 4
#define INTERN_NAMES 3000
static TwObject *intern_seen[INTERN_THREADS][INTERN_NAMES];

static void *intern_worker(void *arg)
{
    int t = (int)(intptr_t)arg;
    char buf[64];
    for (int k = 0; k < INTERN_NAMES; k++) {
        /* threads walk the names in different orders */
        int i = (t & 1) ? INTERN_NAMES - 1 - k : k;
        snprintf(buf, sizeof buf, "concurrent_name_%d", i);
        intern_seen[t][i] = tw_str_intern_cstr(buf);
    }
    return NULL;
}

static void test_interning_is_safe_across_threads(void)
{
    pthread_t th[INTERN_THREADS];
    for (int t = 0; t < INTERN_THREADS; t++)
        pthread_create(&th[t], NULL, intern_worker, (void *)(intptr_t)t);
    for (int t = 0; t < INTERN_THREADS; t++)
        pthread_join(th[t], NULL);
    int mismatches = 0;
    char buf[64];
    for (int i = 0; i < INTERN_NAMES; i++) {
        snprintf(buf, sizeof buf, "concurrent_name_%d", i);
        TwObject *one = tw_str_intern_cstr(buf);
        for (int t = 0; t < INTERN_THREADS; t++)
            if (intern_seen[t][i] != one)
                mismatches++;
        if (!tw_str_eq_cstr(one, buf))
            mismatches++;
    }
    CHECK_EQ_INT(mismatches, 0);
}

static void test_hash_is_cached_and_equal_for_equal_strings(void)
{
    TwObject *a = S("hello world"), *b = binop_steal(S("hello "), TW_BINOP_ADD, S("world"));
    CHECK(a != b);
    CHECK_EQ_INT(tw_object_hash(a), tw_object_hash(b));
    CHECK(tw_object_hash(a) != -1);
    CHECK(((TwStrObject *)a)->hash == tw_object_hash(a));
    TW_DECREF(a);
    TW_DECREF(b);
}

static void test_builder_and_from_format(void)
{
    TwStrBuilder sb;
    tw_sb_init(&sb);
    for (int i = 0; i < 100; i++)
        tw_sb_append_cstr(&sb, "abcdef");
    TwObject *r = tw_sb_finish(&sb);
    CHECK_EQ_INT(TW_STR_LEN(r), 600);
    TW_DECREF(r);
    TwObject *x = S("q");
    CHECK_STR(tw_str_from_format("%d-%s-%R-%S-%T-%zd%%", 7, "ab", x, x, x, (TwSsize)-3), "7-ab-'q'-q-str--3%");
    TW_DECREF(x);
}

/* tw_str_append_in_place, which the interpreter's `s += t` uses when s's
 * local holds its only reference: every size from a pooled block to one
 * the allocator resizes (the block moves or grows; contents, length, ASCII
 * flag and hash are those of the concatenation), and the cases it refuses. */
static void test_append_in_place(void)
{
    TwObject *s = binop_steal(S("ab"), TW_BINOP_ADD, S("c"));   /* a fresh, unshared str */
    size_t n = 3;
    char expect[9000];
    memcpy(expect, "abc", 3);
    for (int i = 0; i < 2000; i++) {
        const char *piece = i % 7 == 3 ? "\xc3\xa9" : "xyz";
        TwObject *t = S(piece);
        TwObject *r = tw_str_append_in_place(s, t);
        CHECK(r != NULL);
        if (r == NULL) {
            TW_DECREF(t);
            break;
        }
        s = r;
        memcpy(expect + n, piece, strlen(piece));
        n += strlen(piece);
        TW_DECREF(t);
    }
    expect[n] = '\0';
    CHECK_EQ_INT(TW_STR_SIZE(s), (TwSsize)n);
    CHECK(memcmp(TW_STR_DATA(s), expect, n + 1) == 0);
    TwObject *fresh = tw_str_from_utf8(expect, n);
    CHECK_EQ_INT(TW_STR_LEN(s), TW_STR_LEN(fresh));
    CHECK(((TwStrObject *)s)->is_ascii == ((TwStrObject *)fresh)->is_ascii);
    CHECK_EQ_INT(tw_object_hash(s), tw_object_hash(fresh));
    /* the hash is recomputed after a later append */
    TwObject *dot = S(".");
    TwObject *r = tw_str_append_in_place(s, dot);
    CHECK(r != NULL);
    if (r != NULL)
        s = r;
    CHECK(tw_object_hash(s) != tw_object_hash(fresh));
    TW_DECREF(fresh);
    /* refused: the same object on both sides, an interned string; an empty
     * right operand leaves a as it is */
    CHECK(tw_str_append_in_place(s, s) == NULL);
    TwObject *interned = tw_str_intern_cstr("interned-for-append");
    CHECK(tw_str_append_in_place(interned, dot) == NULL);
    TwObject *empty = S("");
    CHECK(tw_str_append_in_place(s, empty) == s);
    TW_DECREF(empty);
    TW_DECREF(dot);
    TW_DECREF(s);
}

static const TwTestCase cases[] = {
    TW_CASE(test_append_in_place),
    TW_CASE(test_repr_quotes_and_escapes),
    TW_CASE(test_length_indexing_slicing_by_code_point),
    TW_CASE(test_concat_repeat_compare_contains),
    TW_CASE(test_iteration_yields_code_points),
    TW_CASE(test_split_family),
    TW_CASE(test_strip_replace_find),
    TW_CASE(test_maketrans_and_translate),
    TW_CASE(test_case_and_predicates),
    TW_CASE(test_padding),
    TW_CASE(test_argument_errors_read_like_cpython),
    TW_CASE(test_percent_formatting),
    TW_CASE(test_percent_with_mapping),
    TW_CASE(test_str_format),
    TW_CASE(test_format_spec_for_ints_and_strs),
    TW_CASE(test_interning_gives_one_object),
    TW_CASE(test_interning_is_safe_across_threads),
    TW_CASE(test_hash_is_cached_and_equal_for_equal_strings),
    TW_CASE(test_builder_and_from_format),
};

int main(void)
{
    return tw_test_run(cases, TW_NCASES(cases), &num_opts);
}
