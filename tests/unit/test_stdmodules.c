/*
 * test_stdmodules.c — promises of the interpreter start-up and the standard
 * modules that scripts cannot check against CPython: 64-bit ints overflow
 * into OverflowError (CPython would give a big int), the standard streams
 * never lose output, and uncaught exceptions print CPython's text.
 */
#include <fcntl.h>
#include <unistd.h>

#include "tw_test.h"
#include "twinpy/interp.h"
#include "twinpy/types.h"
#include "modules/stdmodules.h"

static void setup(void)
{
    char *argv[] = {"test_stdmodules", NULL};
    if (tw_interpreter_init(1, argv) < 0) {
        fprintf(stderr, "interpreter start-up failed\n");
        exit(1);
    }
}

/* module.name, borrowed from the module's dict. */
static TwObject *module_attr(const char *module, const char *name)
{
    TwObject *mname = tw_str_from_cstr(module);
    TwObject *m = tw_import_module(mname);
    TW_DECREF(mname);
    if (!m)
        return NULL;
    TwObject *v = tw_dict_get_borrowed(tw_module_get_dict(m), tw_str_intern_cstr(name));
    TW_DECREF(m);
    return v;
}

static TwObject *call_int(TwObject *f, int64_t v)
{
    TwObject *arg = tw_int_from_i64(v);
    TwObject *r = tw_call1(f, arg);
    TW_DECREF(arg);
    return r;
}

/* Run fn with file descriptor fd redirected to a temporary file; return
 * what was written (malloc'd, NUL-terminated). */
static char *capture_fd(int fd, void (*fn)(void *), void *arg)
{
    char path[] = "/tmp/tw_capture.XXXXXX";
    int tmp = mkstemp(path);
    int saved = dup(fd);
    dup2(tmp, fd);
    fn(arg);
    tw_stdio_flush_all();
    dup2(saved, fd);
    close(saved);
    off_t size = lseek(tmp, 0, SEEK_END);
    char *buf = calloc(1, (size_t)size + 1);
    pread(tmp, buf, (size_t)size, 0);
    close(tmp);
    unlink(path);
    return buf;
}

static void test_factorial_past_64_bits_raises_overflow_error(void)
{
    TwObject *fact = module_attr("math", "factorial");
    CHECK(fact != NULL);
    TwObject *r = call_int(fact, 20);
    CHECK(r && TW_INT_CHECK(r) && TW_INT_VALUE(r) == 2432902008176640000LL);
    TW_XDECREF(r);
    r = call_int(fact, 21);
    CHECK(r == NULL && tw_err_matches(TwExc_OverflowError));
    tw_err_clear();
}

static void test_int_arithmetic_past_64_bits_raises_overflow_error(void)
{
    TwObject *big = tw_int_from_i64(INT64_MAX), *one = tw_int_from_i64(1), *two = tw_int_from_i64(2);
    TwBinOp ops[] = {TW_BINOP_ADD, TW_BINOP_MUL};
    TwObject *rhs[] = {one, two};
    for (int i = 0; i < 2; i++) {
        TwObject *r = tw_number_binop(big, rhs[i], ops[i]);
        CHECK(r == NULL && tw_err_matches(TwExc_OverflowError));
        TW_XDECREF(r);
        tw_err_clear();
    }
    TwObject *sixty_four = tw_int_from_i64(64);
    TwObject *r = tw_number_binop(two, sixty_four, TW_BINOP_POW);
    CHECK(r == NULL && tw_err_matches(TwExc_OverflowError));
    TW_XDECREF(r);
    tw_err_clear();
    TW_DECREF(sixty_four);
    TW_DECREF(big);
    TW_DECREF(one);
    TW_DECREF(two);
}

static void test_round_is_half_to_even_and_correctly_rounded(void)
{
    TwObject *round = tw_dict_get_borrowed(tw_builtins_dict(), tw_str_intern_cstr("round"));
    CHECK(round != NULL);
    double xs[] = {2.5, 3.5, -2.5, 0.5};
    int64_t want[] = {2, 4, -2, 0};
    for (int i = 0; i < 4; i++) {
        TwObject *x = tw_float_from_double(xs[i]);
        TwObject *r = tw_call1(round, x);
        CHECK(r && TW_INT_CHECK(r) && TW_INT_VALUE(r) == want[i]);
        TW_XDECREF(r);
        TW_DECREF(x);
    }
    TwObject *x = tw_float_from_double(2.675), *n = tw_int_from_i64(2);
    TwObject *r = tw_call2(round, x, n);
    CHECK(r && TW_FLOAT_CHECK(r) && TW_FLOAT_VALUE(r) == 2.67);
    TW_XDECREF(r);
    TW_DECREF(x);
    TW_DECREF(n);
}

static void write_many(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100000; i++)
        tw_stdio_write(1, "0123456789\n", 11);
}

static void test_stdout_keeps_every_byte(void)
{
    char *out = capture_fd(1, write_many, NULL);
    CHECK_EQ_INT(strlen(out), 100000 * 11);
    free(out);
}

static void print_exc(void *exc) { tw_print_exception((TwObject *)exc); }

static const char *last_line(char *text)
{
    size_t n = strlen(text);
    if (n && text[n - 1] == '\n')
        text[--n] = '\0';
    char *nl = strrchr(text, '\n');
    return nl ? nl + 1 : text;
}

static void test_exception_last_line_is_type_and_message(void)
{
    TwObject *exc = tw_exc_new_msg(TwExc_ZeroDivisionError, "division by zero");
    char *err = capture_fd(2, print_exc, exc);
    CHECK_EQ_STR(last_line(err), "ZeroDivisionError: division by zero");
    free(err);
    TW_DECREF(exc);

    exc = tw_call0(TwExc_ValueError);
    err = capture_fd(2, print_exc, exc);
    CHECK_EQ_STR(err, "ValueError\n");
    free(err);
    TW_DECREF(exc);
}

static void test_chained_exceptions_print_cause_first(void)
{
    TwObject *cause = tw_exc_new_msg(TwExc_KeyError, "k");
    TwObject *exc = tw_exc_new_msg(TwExc_RuntimeError, "outer");
    ((TwBaseExceptionObject *)exc)->cause = tw_newref(cause);
    char *err = capture_fd(2, print_exc, exc);
    CHECK(strstr(err, "KeyError: 'k'\n\nThe above exception was the direct cause of the following exception:\n\n") != NULL);
    CHECK_EQ_STR(last_line(err), "RuntimeError: outer");
    free(err);
    TW_DECREF(exc);
    TW_DECREF(cause);
}

static void test_syntax_error_prints_location_and_caret(void)
{
    TwObject *info = tw_tuple_pack(6, tw_str_intern_cstr("x.py"), tw_int_from_i64(3), tw_int_from_i64(5),
                                   tw_str_intern_cstr("x = = 1\n"), tw_int_from_i64(3), tw_int_from_i64(6));
    TwObject *msg = tw_str_from_cstr("invalid syntax");
    TwObject *args[2] = {msg, info};
    TwObject *exc = tw_call(TwExc_SyntaxError, args, 2, NULL);
    CHECK(exc != NULL);
    if (exc) {
        char *err = capture_fd(2, print_exc, exc);
        CHECK_EQ_STR(err, "  File \"x.py\", line 3\n    x = = 1\n        ^\nSyntaxError: invalid syntax\n");
        free(err);
        TW_DECREF(exc);
    }
    tw_err_clear();
    TW_DECREF(msg);
    TW_DECREF(info);
}

static void test_unknown_module_raises_module_not_found(void)
{
    TwObject *name = tw_str_from_cstr("no_such_module_anywhere");
    TwObject *m = tw_import_module(name);
    CHECK(m == NULL && tw_err_matches(TwExc_ModuleNotFoundError));
    tw_err_clear();
    TW_DECREF(name);
}

int main(void)
{
    static const TwTestCase cases[] = {
        TW_CASE(test_factorial_past_64_bits_raises_overflow_error),
        TW_CASE(test_int_arithmetic_past_64_bits_raises_overflow_error),
        TW_CASE(test_round_is_half_to_even_and_correctly_rounded),
        TW_CASE(test_stdout_keeps_every_byte),
        TW_CASE(test_exception_last_line_is_type_and_message),
        TW_CASE(test_chained_exceptions_print_cause_first),
        TW_CASE(test_syntax_error_prints_location_and_caret),
        TW_CASE(test_unknown_module_raises_module_not_found),
    };
    TwTestOptions opts = {.setup = setup};
    return tw_test_run(cases, TW_NCASES(cases), &opts);
}
