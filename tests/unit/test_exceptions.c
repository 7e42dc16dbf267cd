/*
 * test_exceptions.c — the built-in exception classes and the error
 * indicator: str/repr as CPython prints them, the class hierarchy and
 * matching (tuples included), fetch/restore, __context__ chaining,
 * StopIteration.value / SystemExit.code, user exception classes,
 * tw_err_format's codes and tw_arg_check_count's messages.
 */
#include <stdarg.h>

#include "tw_test.h"

#include "twinpy/types.h"

static TwObject *S(const char *s) { return tw_str_from_cstr(s); }

static void check_text(const char *file, int line, TwObject *s, const char *want)
{
    char m[512];
    if (!s) {
        tw_err_clear();
        snprintf(m, sizeof m, "expected \"%s\", got an error", want);
        tw_test_fail(file, line, m);
        return;
    }
    if (strcmp(TW_STR_DATA(s), want) != 0) {
        snprintf(m, sizeof m, "expected \"%s\", got \"%s\"", want, TW_STR_DATA(s));
        tw_test_fail(file, line, m);
    }
    tw_decref(s);
}
/* str() and repr() of an exception (stolen). */
#define CHECK_STR_REPR(exc, want_str, want_repr) do { TwObject *_e = (exc); CHECK(_e != NULL); if (_e) { \
    check_text(__FILE__, __LINE__, tw_object_str(_e), want_str); \
    check_text(__FILE__, __LINE__, tw_object_repr(_e), want_repr); tw_decref(_e); } } while (0)

static TwObject *exc_args(TwObject *type, size_t n, ...)
{
    TwObject *args[4];
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        args[i] = va_arg(ap, TwObject *);
    va_end(ap);
    TwObject *e = tw_call(type, args, n, NULL);
    for (size_t i = 0; i < n; i++)
        tw_decref(args[i]);
    return e;
}

static void test_str_and_repr_follow_cpython(void)
{
    CHECK_STR_REPR(tw_exc_new_msg(TwExc_ValueError, "bad value"), "bad value", "ValueError('bad value')");
    CHECK_STR_REPR(exc_args(TwExc_ValueError, 0), "", "ValueError()");
    CHECK_STR_REPR(exc_args(TwExc_ValueError, 2, S("a"), tw_int_from_i64(1)), "('a', 1)", "ValueError('a', 1)");
    CHECK_STR_REPR(exc_args(TwExc_RuntimeError, 1, tw_int_from_i64(7)), "7", "RuntimeError(7)");
    /* KeyError's str is the key's repr */
    CHECK_STR_REPR(exc_args(TwExc_KeyError, 1, S("k")), "'k'", "KeyError('k')");
    CHECK_STR_REPR(exc_args(TwExc_KeyError, 0), "", "KeyError()");
    CHECK_STR_REPR(exc_args(TwExc_OSError, 2, tw_int_from_i64(2), S("No such file or directory")),
                   "[Errno 2] No such file or directory", "OSError(2, 'No such file or directory')");
    CHECK_STR_REPR(tw_exc_new_msg(TwExc_ZeroDivisionError, "division by zero"), "division by zero",
                   "ZeroDivisionError('division by zero')");
}

static void test_hierarchy_and_matching(void)
{
    tw_err_set_string(TwExc_KeyError, "x");
    CHECK(tw_err_occurred() == TwExc_KeyError);
    CHECK(tw_err_matches(TwExc_KeyError));
    CHECK(tw_err_matches(TwExc_LookupError));
    CHECK(tw_err_matches(TwExc_Exception));
    CHECK(tw_err_matches(TwExc_BaseException));
    CHECK(!tw_err_matches(TwExc_ValueError));
    TwObject *tup = tw_tuple_pack(2, TwExc_ValueError, TwExc_IndexError);
    CHECK(!tw_err_matches(tup));
    tw_decref(tup);
    tup = tw_tuple_pack(2, TwExc_ValueError, TwExc_LookupError);
    CHECK(tw_err_matches(tup));
    tw_decref(tup);
    tw_err_clear();
    CHECK(tw_err_occurred() == NULL);
    CHECK(!tw_err_matches(TwExc_Exception));
    CHECK(tw_object_issubclass(TwExc_ZeroDivisionError, TwExc_ArithmeticError) == 1);
    CHECK(tw_object_issubclass(TwExc_RecursionError, TwExc_RuntimeError) == 1);
    CHECK(tw_object_issubclass(TwExc_ModuleNotFoundError, TwExc_ImportError) == 1);
    CHECK(tw_object_issubclass(TwExc_SystemExit, TwExc_Exception) == 0);
    CHECK(tw_object_issubclass(TwExc_KeyboardInterrupt, TwExc_BaseException) == 1);
    /* a class given as the exception matches like an instance */
    CHECK(tw_err_given_matches(TwExc_IndexError, TwExc_LookupError));
}

static void test_fetch_and_restore_round_trip(void)
{
    tw_err_set_string(TwExc_TypeError, "boom");
    TwObject *exc = tw_err_fetch();
    CHECK(exc != NULL && tw_err_occurred() == NULL);
    CHECK(exc && TW_TYPE(exc) == (TwTypeObject *)TwExc_TypeError);
    TwObject *args = exc ? tw_object_getattr_str(exc, "args") : NULL;
    CHECK(args && TW_TUPLE_CHECK(args) && TW_TUPLE_SIZE(args) == 1);
    tw_xdecref(args);
    tw_err_restore(exc);
    CHECK(tw_err_occurred() == TwExc_TypeError);
    TwObject *again = tw_err_fetch();
    CHECK(again == exc);
    tw_xdecref(again);
    CHECK(tw_err_fetch() == NULL);
    tw_err_restore(NULL);
    CHECK(tw_err_occurred() == NULL);
}

static void test_raise_chains_the_handled_exception_as_context(void)
{
    TwThreadState *ts = tw_tstate();
    TwObject *handled = tw_exc_new_msg(TwExc_KeyError, "first");
    ts->handled_exc = handled;
    tw_err_set_string(TwExc_ValueError, "second");
    ts->handled_exc = NULL;
    TwObject *exc = tw_err_fetch();
    TwObject *ctx = exc ? tw_object_getattr_str(exc, "__context__") : NULL;
    CHECK(ctx == handled);
    tw_xdecref(ctx);
    TwObject *cause = exc ? tw_object_getattr_str(exc, "__cause__") : NULL;
    CHECK(cause == Tw_None);
    tw_xdecref(cause);
    /* setting __cause__ suppresses the context in tracebacks */
    CHECK(exc && tw_object_setattr(exc, tw_str_intern_cstr("__cause__"), handled) == 0);
    TwObject *sup = exc ? tw_object_getattr_str(exc, "__suppress_context__") : NULL;
    CHECK(sup == Tw_True);
    tw_xdecref(sup);
    TwObject *one = tw_int_from_i64(1);
    CHECK(exc && tw_object_setattr(exc, tw_str_intern_cstr("__cause__"), one) == -1);
    CHECK(tw_err_matches(TwExc_TypeError));
    tw_err_clear();
    tw_decref(one);
    tw_xdecref(exc);
    tw_decref(handled);
}

static void test_stopiteration_value_and_systemexit_code(void)
{
    TwObject *si = exc_args(TwExc_StopIteration, 1, tw_int_from_i64(5));
    TwObject *v = tw_object_getattr_str(si, "value");
    CHECK(v && TW_INT_CHECK(v) && TW_INT_VALUE(v) == 5);
    tw_xdecref(v);
    tw_decref(si);
    si = exc_args(TwExc_StopIteration, 0);
    v = tw_object_getattr_str(si, "value");
    CHECK(v == Tw_None);
    tw_xdecref(v);
    tw_decref(si);
    TwObject *se = exc_args(TwExc_SystemExit, 1, tw_int_from_i64(3));
    TwObject *code = tw_object_getattr_str(se, "code");
    CHECK(code && TW_INT_VALUE(code) == 3);
    tw_xdecref(code);
    tw_decref(se);
    se = exc_args(TwExc_SystemExit, 0);
    code = tw_object_getattr_str(se, "code");
    CHECK(code == Tw_None);
    tw_xdecref(code);
    tw_decref(se);
}

static void test_user_exception_classes(void)
{
    TwObject *name = S("AppError"), *bases = tw_tuple_pack(1, TwExc_ValueError), *dict = tw_dict_new();
    tw_dict_set_str(dict, "__module__", tw_str_intern_cstr("__main__"));
    TwObject *cls = tw_type_new_class(name, bases, dict);
    CHECK(cls != NULL);
    if (cls) {
        tw_err_set_string(cls, "it broke");
        CHECK(tw_err_matches(TwExc_ValueError));
        CHECK(tw_err_matches(cls));
        TwObject *exc = tw_err_fetch();
        CHECK_STR_REPR(tw_newref(exc), "it broke", "AppError('it broke')");
        /* instances take attributes */
        TwObject *seven = tw_int_from_i64(7);
        CHECK(tw_object_setattr(exc, tw_str_intern_cstr("code"), seven) == 0);
        TwObject *c = tw_object_getattr_str(exc, "code");
        CHECK(c == seven);
        tw_xdecref(c);
        tw_decref(seven);
        tw_decref(exc);
        tw_decref(cls);
    }
    tw_decref(dict);
    tw_decref(bases);
    tw_decref(name);
}

static void test_err_format_codes(void)
{
    TwObject *s = S("hi"), *l = tw_list_new(0);
    tw_err_format(TwExc_ValueError, "%s|%d|%ld|%zd|%lld|%u|%c|%%|%R|%S|%T|%N|%.3s", "txt", -4, 5L, (TwSsize)6,
                  7LL, 8u, 'z', s, s, l, (TwObject *)&TwInt_Type, "abcdef");
    TwObject *exc = tw_err_fetch();
    CHECK(exc != NULL);
    if (exc)
        check_text(__FILE__, __LINE__, tw_object_str(exc), "txt|-4|5|6|7|8|z|%|'hi'|hi|list|int|abc");
    tw_xdecref(exc);
    tw_decref(l);
    tw_decref(s);
}

static void test_arg_count_messages(void)
{
    static const struct {
        const char *f;
        size_t n, min, max;
        const char *msg;
    } cases[] = {
        {"len", 2, 1, 1, "len() takes exactly one argument (2 given)"},
        {"f", 1, 0, 0, "f() takes no arguments (1 given)"},
        {"getattr", 1, 2, 3, "getattr expected at least 2 arguments, got 1"},
        {"divmod", 1, 2, 2, "divmod expected 2 arguments, got 1"},
        {"range", 4, 1, 3, "range expected at most 3 arguments, got 4"},
        {"max", 0, 1, SIZE_MAX, "max expected at least 1 argument, got 0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK(tw_arg_check_count(cases[i].f, cases[i].n, cases[i].min, cases[i].max) == -1);
        TwObject *exc = tw_err_fetch();
        CHECK(exc && TW_TYPE(exc) == (TwTypeObject *)TwExc_TypeError);
        if (exc)
            check_text(__FILE__, __LINE__, tw_object_str(exc), cases[i].msg);
        tw_xdecref(exc);
    }
    CHECK(tw_arg_check_count("len", 1, 1, 1) == 0 && tw_err_occurred() == NULL);
    TwObject *kw = tw_tuple_pack(1, tw_str_intern_cstr("key"));
    CHECK(tw_arg_check_no_kwargs("len", kw) == -1);
    TwObject *exc = tw_err_fetch();
    if (exc)
        check_text(__FILE__, __LINE__, tw_object_str(exc), "len() takes no keyword arguments");
    tw_xdecref(exc);
    tw_decref(kw);
}

static void test_exception_classes_look_like_cpythons(void)
{
    TwObject *r = tw_object_repr(TwExc_ValueError);
    check_text(__FILE__, __LINE__, r, "<class 'ValueError'>");
    TwObject *e = tw_exc_new_msg(TwExc_IndexError, "list index out of range");
    CHECK(tw_object_isinstance(e, TwExc_LookupError) == 1);
    CHECK(tw_object_isinstance(e, TwExc_KeyError) == 0);
    TwObject *tb = tw_object_getattr_str(e, "__traceback__");
    CHECK(tb == Tw_None);
    tw_xdecref(tb);
    tw_decref(e);
    /* BaseException takes no keyword arguments */
    TwObject *kw = tw_tuple_pack(1, tw_str_intern_cstr("x"));
    TwObject *one = tw_int_from_i64(1);
    TwObject *bad = tw_call(TwExc_ValueError, &one, 0, kw);
    CHECK(bad == NULL && tw_err_matches(TwExc_TypeError));
    tw_err_clear();
    tw_decref(one);
    tw_decref(kw);
}

static void test_memory_error_and_syntax_error_details(void)
{
    CHECK(tw_err_no_memory() == NULL);
    CHECK(tw_err_matches(TwExc_MemoryError));
    tw_err_clear();
    /* SyntaxError(msg, (filename, lineno, offset, text, end_lineno, end_offset)) */
    TwObject *info = tw_tuple_pack(6, S("/tmp/prog.py"), tw_int_from_i64(3), tw_int_from_i64(5), S("x = = 1"),
                                   tw_int_from_i64(3), tw_int_from_i64(6));
    /* tw_tuple_pack borrows: drop the temporaries it copied */
    for (TwSsize i = 0; i < 6; i++)
        tw_decref(TW_TUPLE_GET(info, i));
    TwObject *e = exc_args(TwExc_SyntaxError, 2, S("invalid syntax"), info);
    CHECK(e != NULL);
    if (e) {
        check_text(__FILE__, __LINE__, tw_object_str(e), "invalid syntax (prog.py, line 3)");
        TwObject *lineno = tw_object_getattr_str(e, "lineno");
        CHECK(lineno && TW_INT_VALUE(lineno) == 3);
        tw_xdecref(lineno);
        TwObject *text = tw_object_getattr_str(e, "text");
        CHECK(text && tw_str_eq_cstr(text, "x = = 1"));
        tw_xdecref(text);
        /* with_traceback returns the exception itself */
        TwObject *tb = tw_list_new(0);
        TwObject *r = tw_call_method(e, "with_traceback", &tb, 1);
        CHECK(r == e);
        tw_xdecref(r);
        TwObject *got = tw_object_getattr_str(e, "__traceback__");
        CHECK(got == tb);
        tw_xdecref(got);
        tw_decref(tb);
        tw_decref(e);
    }
}

static uint64_t live_blocks(void)
{
    uint64_t blocks;
    tw_gc_collect(2);
    tw_mem_stats(&blocks, NULL);
    return blocks;
}

static void setup(void)
{
    tw_runtime_init();
    if (tw_objects_init() < 0) {
        fprintf(stderr, "tw_objects_init failed\n");
        exit(1);
    }
    live_blocks();
}

static const TwTestCase cases[] = {
    TW_CASE(test_str_and_repr_follow_cpython),
    TW_CASE(test_hierarchy_and_matching),
    TW_CASE(test_fetch_and_restore_round_trip),
    TW_CASE(test_raise_chains_the_handled_exception_as_context),
    TW_CASE(test_stopiteration_value_and_systemexit_code),
    TW_CASE(test_user_exception_classes),
    TW_CASE(test_err_format_codes),
    TW_CASE(test_arg_count_messages),
    TW_CASE(test_exception_classes_look_like_cpythons),
    TW_CASE(test_memory_error_and_syntax_error_details),
};

int main(void)
{
    TwTestOptions opts = {setup, live_blocks};
    return tw_test_run(cases, TW_NCASES(cases), &opts);
}
