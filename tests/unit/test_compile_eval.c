/*
 * test_compile_eval.c — the compiler and the interpreter loop, end to end:
 * each case compiles a snippet, runs it in fresh globals and checks the
 * value the snippet left in `result` (compared through its str()), or the
 * exception it raised.
 */
#include <string.h>

#include "tw_test.h"
#include "twinpy/interp.h"
#include "twinpy/types.h"
#include "twinpy/vm.h"

static void setup(void)
{
    char *argv[] = {"test_compile_eval", NULL};
    if (tw_interpreter_init(1, argv) < 0) {
        fprintf(stderr, "interpreter start-up failed\n");
        exit(1);
    }
}

/* Run src as a module; returns its globals (new ref) or NULL with the
 * exception left set. */
static TwObject *run(const char *src)
{
    TwObject *code = tw_compile_source(src, strlen(src), "<test>", TW_COMPILE_EXEC);
    if (!code)
        return NULL;
    TwObject *g = tw_dict_new();
    TwObject *name = tw_str_from_cstr("__main__");
    tw_dict_set_str(g, "__name__", name);
    TW_DECREF(name);
    TwObject *r = tw_eval_code(code, g, NULL);
    TW_DECREF(code);
    if (!r) {
        TW_DECREF(g);
        return NULL;
    }
    TW_DECREF(r);
    return g;
}

/* str(result) after running src, malloc'd; "<exception: Type: msg>" if
 * it raised. */
static char *result_of(const char *src)
{
    TwObject *g = run(src);
    TwObject *s = NULL;
    if (!g) {
        TwObject *exc = tw_err_fetch();
        TwObject *m = exc ? tw_object_str(exc) : NULL;
        char buf[512];
        snprintf(buf, sizeof buf, "<exception: %s: %s>", exc ? tw_type_name(TW_TYPE(exc)) : "?",
                 m ? TW_STR_DATA(m) : "?");
        TW_XDECREF(m);
        TW_XDECREF(exc);
        tw_err_clear();
        return strdup(buf);
    }
    TwObject *v = tw_dict_get_borrowed(g, tw_str_intern_cstr("result"));
    if (v)
        s = tw_object_str(v);
    char *out = strdup(s ? TW_STR_DATA(s) : "<no result>");
    TW_XDECREF(s);
    TW_DECREF(g);
    tw_err_clear();
    return out;
}

#define CHECK_RESULT(src, expected) do { char *_r = result_of(src); CHECK_EQ_STR(_r, expected); free(_r); } while (0)

static void test_arithmetic_follows_python_precedence_and_floor_rules(void)
{
    CHECK_RESULT("result = 1 + 2 * 3 - 7 // 2 + (-7) // 2 + (-7) % 3\n", "2");
    CHECK_RESULT("x = 10\nx += 5\nx *= 2\nresult = x\n", "30");
    CHECK_RESULT("result = 1 < 2 < 3 and not (3 < 2 < 1)\n", "True");
    CHECK_RESULT("a = [1, 2, 3]\na[1] += 10\nresult = a\n", "[1, 12, 3]");
}

static void test_function_arguments_bind_like_cpython(void)
{
    CHECK_RESULT("def f(a, b=2, *args, c=5, **kw):\n    return (a, b, args, c, kw)\n"
                 "result = f(1, c=10, z=1)\n", "(1, 2, (), 10, {'z': 1})");
    CHECK_RESULT("def f(a, b=2, *args, c=5, **kw):\n    return (a, b, args, c, kw)\n"
                 "result = f(1, 3, 4, 5)\n", "(1, 3, (4, 5), 5, {})");
    CHECK_RESULT("def f(x, y):\n    return x\nresult = f(1)\n",
                 "<exception: TypeError: f() missing 1 required positional argument: 'y'>");
    CHECK_RESULT("def f(a, b):\n    return a\nresult = f(1, 2, 3)\n",
                 "<exception: TypeError: f() takes 2 positional arguments but 3 were given>");
    CHECK_RESULT("def f(a):\n    return a\nresult = f(1, z=2)\n",
                 "<exception: TypeError: f() got an unexpected keyword argument 'z'>");
    CHECK_RESULT("def f(a):\n    return a\nresult = f(1, a=2)\n",
                 "<exception: TypeError: f() got multiple values for argument 'a'>");
    CHECK_RESULT("def f(*a, **k):\n    return a, k\nt = (1, 2)\nd = {'x': 3}\nresult = f(*t, 0, **d)\n",
                 "((1, 2, 0), {'x': 3})");
}

static void test_closures_share_cells_and_nonlocal_rebinds(void)
{
    CHECK_RESULT("def counter():\n    n = 0\n    def inc():\n        nonlocal n\n        n += 1\n        return n\n"
                 "    return inc\nc = counter()\nc()\nc()\nresult = c()\n", "3");
    CHECK_RESULT("fs = [lambda x, i=i: x + i for i in range(3)]\nresult = [f(10) for f in fs]\n",
                 "[10, 11, 12]");
    CHECK_RESULT("g = 1\ndef f():\n    global g\n    g = 5\nf()\nresult = g\n", "5");
}

static void test_classes_methods_and_zero_argument_super(void)
{
    CHECK_RESULT("class A:\n    def __init__(self, x):\n        self.x = x\n    def get(self):\n        return self.x\n"
                 "class B(A):\n    def __init__(self, x):\n        super().__init__(x * 2)\n"
                 "    def get(self):\n        return super().get() + 1\n"
                 "result = B(5).get()\n", "11");
    CHECK_RESULT("class C:\n    pass\nresult = C.__qualname__\n", "C");
    CHECK_RESULT("def f():\n    class D:\n        def m(self): pass\n    return D\nresult = f().m.__qualname__\n",
                 "f.<locals>.D.m");
}

static void test_exceptions_handlers_finally_and_with(void)
{
    CHECK_RESULT("log = []\ntry:\n    try:\n        1 / 0\n    except ZeroDivisionError as e:\n        log.append('caught')\n"
                 "        raise ValueError('x')\n    finally:\n        log.append('finally')\nexcept ValueError as e:\n"
                 "    log.append(str(e))\n    log.append(type(e.__context__).__name__)\nresult = log\n",
                 "['caught', 'finally', 'x', 'ZeroDivisionError']");
    CHECK_RESULT("class M:\n    def __enter__(self):\n        return 'v'\n    def __exit__(self, t, v, tb):\n"
                 "        log.append(t.__name__)\n        return True\nlog = []\nwith M() as x:\n    log.append(x)\n"
                 "    raise KeyError(1)\nresult = log\n", "['v', 'KeyError']");
    CHECK_RESULT("def f():\n    for i in range(5):\n        try:\n            if i == 2:\n                break\n"
                 "        finally:\n            log.append(i)\n    return 'done'\nlog = []\nf()\nresult = log\n", "[0, 1, 2]");
    CHECK_RESULT("def f():\n    try:\n        return 1\n    finally:\n        log.append('f')\nlog = []\n"
                 "result = (f(), log)\n", "(1, ['f'])");
    CHECK_RESULT("try:\n    raise\nexcept RuntimeError as e:\n    result = str(e)\n", "No active exception to reraise");
    CHECK_RESULT("try:\n    x = 1\nexcept Exception as e:\n    pass\nelse:\n    result = 'else'\n", "else");
    CHECK_RESULT("try:\n    pass\nexcept Exception as e:\n    pass\ntry:\n    e\nexcept NameError as n:\n    result = str(n)\n",
                 "name 'e' is not defined");
    CHECK_RESULT("try:\n    assert 1 == 2, 'boom'\nexcept AssertionError as e:\n    result = str(e)\n", "boom");
}

static void test_name_errors_have_cpython_messages(void)
{
    CHECK_RESULT("result = undefined_name\n", "<exception: NameError: name 'undefined_name' is not defined>");
    CHECK_RESULT("def f():\n    print(x)\n    x = 1\nf()\n",
                 "<exception: UnboundLocalError: cannot access local variable 'x' where it is not associated with a value>");
}

static void test_loops_unpacking_and_comprehensions(void)
{
    CHECK_RESULT("a, *b, c = [1, 2, 3, 4]\nresult = (a, b, c)\n", "(1, [2, 3], 4)");
    CHECK_RESULT("result = [i * i for i in range(6) if i % 2]\n", "[1, 9, 25]");
    CHECK_RESULT("result = {k: v for k, v in zip('ab', [1, 2])}\n", "{'a': 1, 'b': 2}");
    CHECK_RESULT("result = sum(x * x for x in range(10))\n", "285");
    CHECK_RESULT("n = 0\nwhile n < 10:\n    n += 1\n    if n == 3:\n        continue\n    if n == 7:\n        break\n"
                 "else:\n    n = -1\nresult = n\n", "7");
    CHECK_RESULT("for i in range(3):\n    pass\nelse:\n    i = 'else'\nresult = i\n", "else");
    CHECK_RESULT("x, y = 1\n", "<exception: TypeError: cannot unpack non-iterable int object>");
    CHECK_RESULT("x, y = [1, 2, 3]\n", "<exception: ValueError: too many values to unpack (expected 2)>");
}

static void test_fstrings_format_values_and_specs(void)
{
    CHECK_RESULT("x = 3.14159\nw = 8\nname = 'ab'\nresult = f'{x:.2f}|{name!r}|{x:>{w}.1f}|{42:05d}'\n",
                 "3.14|'ab'|     3.1|00042");
}

static void test_generators_yield_and_yield_from(void)
{
    CHECK_RESULT("def g():\n    yield 1\n    yield 2\n    return 3\n"
                 "def h():\n    r = yield from g()\n    yield r\nresult = list(h())\n", "[1, 2, 3]");
    CHECK_RESULT("def g():\n    x = yield 1\n    yield x * 2\nit = g()\nnext(it)\nresult = it.send(21)\n", "42");
}

static void test_compile_errors_are_syntax_errors_with_location(void)
{
    CHECK_RESULT("x = 1\nreturn x\n", "<exception: SyntaxError: 'return' outside function (<test>, line 2)>");
    CHECK_RESULT("break\n", "<exception: SyntaxError: 'break' outside loop (<test>, line 1)>");
    CHECK_RESULT("def f():\n    nonlocal q\n",
                 "<exception: SyntaxError: no binding for nonlocal 'q' found (<test>, line 2)>");
}

static void test_deep_recursion_raises_recursion_error(void)
{
    CHECK_RESULT("def f(n):\n    return f(n + 1)\ntry:\n    f(0)\nexcept RecursionError as e:\n    result = str(e)\n",
                 "maximum recursion depth exceeded");
    CHECK_RESULT("import sys\nc = 0\ndef f():\n    global c\n    c += 1\n    f()\ntry:\n    f()\nexcept RecursionError:\n"
                 "    result = c\n", "999");
}

static void test_traceback_records_each_frame_line(void)
{
    const char *src = "def inner():\n    return 1 / 0\n\ndef outer():\n    return inner()\n\nouter()\n";
    TwObject *g = run(src);
    CHECK(g == NULL);
    TwObject *exc = tw_err_fetch();
    CHECK(exc != NULL);
    if (!exc)
        return;
    CHECK_EQ_INT(tw_traceback_count(exc), 3);
    int lines[3] = {0, 0, 0};
    TwObject *names[3] = {NULL, NULL, NULL};
    for (int i = 0; i < 3; i++)
        tw_traceback_entry(exc, i, NULL, &names[i], &lines[i], NULL, NULL, NULL);
    CHECK_EQ_INT(lines[0], 7);
    CHECK_EQ_INT(lines[1], 5);
    CHECK_EQ_INT(lines[2], 2);
    CHECK(names[2] && tw_str_eq_cstr(names[2], "inner"));
    CHECK(names[0] && tw_str_eq_cstr(names[0], "<module>"));
    TW_DECREF(exc);
}

static const TwTestCase cases[] = {
    TW_CASE(test_arithmetic_follows_python_precedence_and_floor_rules),
    TW_CASE(test_function_arguments_bind_like_cpython),
    TW_CASE(test_closures_share_cells_and_nonlocal_rebinds),
    TW_CASE(test_classes_methods_and_zero_argument_super),
    TW_CASE(test_exceptions_handlers_finally_and_with),
    TW_CASE(test_name_errors_have_cpython_messages),
    TW_CASE(test_loops_unpacking_and_comprehensions),
    TW_CASE(test_fstrings_format_values_and_specs),
    TW_CASE(test_generators_yield_and_yield_from),
    TW_CASE(test_compile_errors_are_syntax_errors_with_location),
    TW_CASE(test_deep_recursion_raises_recursion_error),
    TW_CASE(test_traceback_records_each_frame_line),
};

int main(void)
{
    TwTestOptions opts = {.setup = setup};
    return tw_test_run(cases, TW_NCASES(cases), &opts);
}
