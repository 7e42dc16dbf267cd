/*
 * test_typeobject.c — classes made from C with tw_type_new_class: instances,
 * attribute lookup along the MRO (C3), dunders dispatched from slots,
 * binary-operator dispatch with reflected operands and subclass priority,
 * CPython's TypeError/AttributeError messages, descriptors (property,
 * classmethod, staticmethod, super, slot wrappers), subclassing built-in
 * types, singletons and modules.  Every case is leak-checked.
 */
#include <stdarg.h>

#include "tw_test.h"

#include "twinpy/types.h"
#include "objects/typeobject_internal.h"

/* ---------------- helpers ------------------------------------------- */

static TwObject *S(const char *s) { return tw_str_from_cstr(s); }
static TwObject *I(int64_t v) { return tw_int_from_i64(v); }

/* Check repr(o) (o is stolen; NULL counts as a failure). */
#define CHECK_REPR_STEAL(o, want) do { TwObject *_o = (o); \
    if (!_o) { tw_err_clear(); CHECK(!"repr of NULL"); break; } \
    TwObject *_r = tw_object_repr(_o); tw_decref(_o); \
    if (!_r) { tw_err_clear(); CHECK(!"repr failed"); break; } \
    CHECK_EQ_STR(TW_STR_DATA(_r), want); tw_decref(_r); } while (0)

/* The expression must fail with exactly this exception type and message. */
static void check_error(const char *file, int line, TwObject *type, const char *msg)
{
    TwObject *exc = tw_err_fetch();
    char m[512];
    if (!exc) {
        snprintf(m, sizeof m, "expected %s: %s, got no exception", tw_type_name((TwTypeObject *)type), msg);
        tw_test_fail(file, line, m);
        return;
    }
    TwObject *s = tw_object_str(exc);
    const char *got = s ? TW_STR_DATA(s) : "(str failed)";
    if (!tw_err_given_matches(exc, type) || strcmp(got, msg) != 0) {
        snprintf(m, sizeof m, "expected %s: %s, got %s: %s", tw_type_name((TwTypeObject *)type), msg,
                 tw_type_name(TW_TYPE(exc)), got);
        tw_test_fail(file, line, m);
    }
    tw_xdecref(s);
    tw_decref(exc);
    tw_err_clear();
}
#define CHECK_FAILS(expr, type, msg) do { TwObject *_r = (TwObject *)(intptr_t)(expr); \
    (void)_r; check_error(__FILE__, __LINE__, type, msg); } while (0)
#define CHECK_FAILS_OBJ(expr, type, msg) do { TwObject *_r = (expr); \
    if (_r) { tw_decref(_r); } check_error(__FILE__, __LINE__, type, msg); } while (0)
#define CHECK_FAILS_INT(expr, type, msg) do { int64_t _r = (int64_t)(expr); \
    CHECK(_r == -1); check_error(__FILE__, __LINE__, type, msg); } while (0)

/* Build a class: name, bases (a tuple or NULL), C methods bound like
 * Python methods (method descriptors on `object`, so any instance fits),
 * and extra attributes given as name/value pairs ending with NULL. */
static TwObject *make_class(const char *name, TwObject *bases, const TwMethodDef *methods, ...)
{
    TwObject *dict = tw_dict_new();
    tw_dict_set_str(dict, "__module__", tw_str_intern_cstr("__main__"));
    for (const TwMethodDef *m = methods; m && m->name; m++) {
        TwObject *d = tw_methoddescr_new(&TwBaseObject_Type, m);
        tw_dict_set_str(dict, m->name, d);
        tw_decref(d);
    }
    va_list ap;
    va_start(ap, methods);
    for (;;) {
        const char *k = va_arg(ap, const char *);
        if (!k)
            break;
        TwObject *v = va_arg(ap, TwObject *);
        tw_dict_set_str(dict, k, v);
        tw_decref(v);
    }
    va_end(ap);
    TwObject *n = S(name);
    TwObject *cls = tw_type_new_class(n, bases, dict);
    tw_decref(n);
    tw_decref(dict);
    return cls;
}

static TwObject *tuple1(TwObject *a) { return tw_tuple_pack(1, a); }
static TwObject *tuple2(TwObject *a, TwObject *b) { return tw_tuple_pack(2, a, b); }

static TwObject *getattr_s(TwObject *o, const char *name) { return tw_object_getattr_str(o, name); }
static int setattr_s(TwObject *o, const char *name, TwObject *v)
{
    return tw_object_setattr(o, tw_str_intern_cstr(name), v);
}

/* ---------------- C methods used by the classes ---------------------- */

static TwObject *point_init(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    if (tw_arg_check_count("__init__", nargs, 2, 2) < 0)
        return NULL;
    if (setattr_s(self, "x", args[0]) < 0 || setattr_s(self, "y", args[1]) < 0)
        return NULL;
    TW_RETURN_NONE;
}

static TwObject *point_norm2(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    TwObject *x = getattr_s(self, "x"), *y = getattr_s(self, "y");
    if (!x || !y) {
        tw_xdecref(x);
        tw_xdecref(y);
        return NULL;
    }
    int64_t v = TW_INT_VALUE(x) * TW_INT_VALUE(x) + TW_INT_VALUE(y) * TW_INT_VALUE(y);
    tw_decref(x);
    tw_decref(y);
    return I(v);
}

static TwObject *point_repr(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    TwObject *x = getattr_s(self, "x"), *y = getattr_s(self, "y");
    TwObject *r = tw_str_from_format("Point(%R, %R)", x, y);
    tw_decref(x);
    tw_decref(y);
    return r;
}

static const TwMethodDef point_methods[] = {
    {"__init__", point_init, 0},
    {"norm2", point_norm2, 0},
    {"__repr__", point_repr, 0},
    {NULL, NULL, 0},
};

static TwObject *ret_add(TwObject *self, TwObject *const *a, size_t n, TwObject *kw) { return S("add"); }
static TwObject *ret_radd(TwObject *self, TwObject *const *a, size_t n, TwObject *kw) { return S("radd"); }
static TwObject *ret_sub_radd(TwObject *self, TwObject *const *a, size_t n, TwObject *kw) { return S("sub-radd"); }
static TwObject *ret_iadd(TwObject *self, TwObject *const *a, size_t n, TwObject *kw) { return S("iadd"); }
static TwObject *ret_notimpl(TwObject *self, TwObject *const *a, size_t n, TwObject *kw)
{
    return tw_newref(Tw_NotImplemented);
}
static TwObject *ret_neg(TwObject *self, TwObject *const *a, size_t n, TwObject *kw) { return S("neg"); }
static TwObject *ret_len3(TwObject *self, TwObject *const *a, size_t n, TwObject *kw) { return I(3); }
static TwObject *ret_len_neg(TwObject *self, TwObject *const *a, size_t n, TwObject *kw) { return I(-1); }
static TwObject *ret_true(TwObject *self, TwObject *const *a, size_t n, TwObject *kw) { TW_RETURN_TRUE; }
static TwObject *ret_hash42(TwObject *self, TwObject *const *a, size_t n, TwObject *kw) { return I(42); }
static TwObject *ret_bool_int(TwObject *self, TwObject *const *a, size_t n, TwObject *kw) { return I(1); }
static TwObject *ret_name(TwObject *self, TwObject *const *a, size_t n, TwObject *kw)
{
    return tw_str_from_format("B.name");
}
static TwObject *ret_a_name(TwObject *self, TwObject *const *a, size_t n, TwObject *kw)
{
    return tw_str_from_format("A.name");
}
static TwObject *ret_c_name(TwObject *self, TwObject *const *a, size_t n, TwObject *kw)
{
    return tw_str_from_format("C.name");
}

/* ---------------- instances and attributes --------------------------- */

static void test_class_instances_run_init_and_methods(void)
{
    TwObject *Point = make_class("Point", NULL, point_methods, NULL);
    CHECK(Point != NULL);
    TwObject *args[2] = {I(3), I(4)};
    TwObject *p = tw_call(Point, args, 2, NULL);
    tw_decref(args[0]);
    tw_decref(args[1]);
    CHECK(p != NULL);
    TwObject *x = getattr_s(p, "x");
    CHECK(x && TW_INT_VALUE(x) == 3);
    tw_xdecref(x);
    TwObject *n = tw_call_method(p, "norm2", NULL, 0);
    CHECK(n && TW_INT_VALUE(n) == 25);
    tw_xdecref(n);
    /* bound method object, then called */
    TwObject *bm = getattr_s(p, "norm2");
    TwObject *n2 = bm ? tw_call0(bm) : NULL;
    CHECK(n2 && TW_INT_VALUE(n2) == 25);
    tw_xdecref(n2);
    tw_xdecref(bm);
    CHECK_REPR_STEAL(tw_newref(p), "Point(3, 4)");
    CHECK(TW_TYPE(p) == (TwTypeObject *)Point);
    CHECK(tw_object_isinstance(p, Point) == 1);
    CHECK(tw_object_isinstance(p, (TwObject *)&TwBaseObject_Type) == 1);
    CHECK(tw_object_isinstance(p, (TwObject *)&TwInt_Type) == 0);
    /* instance __dict__ */
    TwObject *d = getattr_s(p, "__dict__");
    CHECK(d && TW_DICT_CHECK(d) && tw_dict_size(d) == 2);
    tw_xdecref(d);
    TwObject *cls = getattr_s(p, "__class__");
    CHECK(cls == Point);
    tw_xdecref(cls);
    tw_decref(p);
    tw_decref(Point);
}

static void test_attribute_errors_name_the_object_or_type(void)
{
    TwObject *C = make_class("Foo", NULL, NULL, NULL);
    TwObject *c = tw_call0(C);
    CHECK_FAILS_OBJ(getattr_s(c, "bar"), TwExc_AttributeError, "'Foo' object has no attribute 'bar'");
    CHECK_FAILS_OBJ(getattr_s(C, "x"), TwExc_AttributeError, "type object 'Foo' has no attribute 'x'");
    CHECK_FAILS_INT(tw_object_delattr(c, tw_str_intern_cstr("z")), TwExc_AttributeError,
                    "'Foo' object has no attribute 'z'");
    TwObject *one = I(1);
    CHECK_FAILS_INT(setattr_s(one, "x", one), TwExc_AttributeError, "'int' object has no attribute 'x'");
    CHECK_FAILS_INT(setattr_s((TwObject *)&TwInt_Type, "x", one), TwExc_TypeError,
                    "cannot set 'x' attribute of immutable type 'int'");
    TwObject *seven = I(7);
    CHECK_FAILS_OBJ(tw_object_getattr(c, seven), TwExc_TypeError, "attribute name must be string, not 'int'");
    tw_decref(seven);
    /* lookup_attr reports absence without an exception */
    TwObject *r = (TwObject *)1;
    CHECK(tw_object_lookup_attr(c, tw_str_intern_cstr("nope"), &r) == 0 && r == NULL && !tw_err_occurred());
    tw_decref(one);
    tw_decref(c);
    tw_decref(C);
}

static void test_class_attributes_and_assignment_invalidate_lookup(void)
{
    TwObject *C = make_class("C", NULL, NULL, "count", I(1), NULL);
    TwObject *c = tw_call0(C);
    TwObject *v = getattr_s(c, "count");
    CHECK(v && TW_INT_VALUE(v) == 1);
    tw_xdecref(v);
    TwObject *two = I(2);
    CHECK(setattr_s(C, "count", two) == 0);
    v = getattr_s(c, "count");
    CHECK(v && TW_INT_VALUE(v) == 2);
    tw_xdecref(v);
    /* instance attribute shadows the class attribute */
    TwObject *nine = I(9);
    CHECK(setattr_s(c, "count", nine) == 0);
    v = getattr_s(c, "count");
    CHECK(v && TW_INT_VALUE(v) == 9);
    tw_xdecref(v);
    v = getattr_s(C, "count");
    CHECK(v && TW_INT_VALUE(v) == 2);
    tw_xdecref(v);
    tw_decref(nine);
    tw_decref(two);
    tw_decref(c);
    tw_decref(C);
}

/* ---------------- MRO ------------------------------------------------ */

static void test_mro_is_c3_for_a_diamond(void)
{
    static const TwMethodDef a_m[] = {{"name", ret_a_name, 0}, {NULL, NULL, 0}};
    static const TwMethodDef b_m[] = {{"name", ret_name, 0}, {NULL, NULL, 0}};
    static const TwMethodDef c_m[] = {{"name", ret_c_name, 0}, {NULL, NULL, 0}};
    TwObject *A = make_class("A", NULL, a_m, NULL);
    TwObject *tA = tuple1(A);
    TwObject *B = make_class("B", tA, b_m, NULL);
    TwObject *C = make_class("C", tA, c_m, NULL);
    TwObject *tBC = tuple2(B, C);
    TwObject *D = make_class("D", tBC, NULL, NULL);
    CHECK(D != NULL);
    CHECK_REPR_STEAL(getattr_s(D, "__mro__"),
                     "(<class '__main__.D'>, <class '__main__.B'>, <class '__main__.C'>, <class '__main__.A'>, "
                     "<class 'object'>)");
    TwObject *d = tw_call0(D);
    TwObject *r = tw_call_method(d, "name", NULL, 0);
    CHECK(r && tw_str_eq_cstr(r, "B.name"));
    tw_xdecref(r);
    CHECK(tw_object_issubclass(D, A) == 1);
    CHECK(tw_object_issubclass(A, D) == 0);
    CHECK(tw_type_lookup((TwTypeObject *)D, tw_str_intern_cstr("name")) ==
          tw_type_lookup((TwTypeObject *)B, tw_str_intern_cstr("name")));
    CHECK_REPR_STEAL(getattr_s(D, "__bases__"), "(<class '__main__.B'>, <class '__main__.C'>)");
    tw_decref(d);
    tw_decref(D);
    tw_decref(tBC);
    tw_decref(C);
    tw_decref(B);
    tw_decref(tA);
    tw_decref(A);
}

static void test_inconsistent_mro_raises_typeerror(void)
{
    TwObject *A = make_class("A", NULL, NULL, NULL);
    TwObject *tA = tuple1(A);
    TwObject *B = make_class("B", tA, NULL, NULL);
    TwObject *tAB = tuple2(A, B);
    CHECK_FAILS_OBJ(make_class("X", tAB, NULL, NULL), TwExc_TypeError,
                    "Cannot create a consistent method resolution order (MRO) for bases A, B");
    TwObject *tbool = tuple1((TwObject *)&TwBool_Type);
    CHECK_FAILS_OBJ(make_class("X", tbool, NULL, NULL), TwExc_TypeError,
                    "type 'bool' is not an acceptable base type");
    TwObject *tnone = tuple1((TwObject *)&TwNone_Type);
    CHECK_FAILS_OBJ(make_class("X", tnone, NULL, NULL), TwExc_TypeError,
                    "type 'NoneType' is not an acceptable base type");
    tw_decref(tnone);
    tw_decref(tbool);
    tw_decref(tAB);
    tw_decref(B);
    tw_decref(tA);
    tw_decref(A);
}

/* ---------------- operators ----------------------------------------- */

static void check_str_result(const char *file, int line, TwObject *r, const char *want)
{
    if (!r) {
        tw_err_clear();
        tw_test_fail(file, line, "operation failed");
        return;
    }
    if (!TW_STR_CHECK(r) || strcmp(TW_STR_DATA(r), want) != 0) {
        char m[256];
        snprintf(m, sizeof m, "expected '%s', got %s", want, TW_STR_CHECK(r) ? TW_STR_DATA(r) : "(non-str)");
        tw_test_fail(file, line, m);
    }
    tw_decref(r);
}
#define CHECK_STR_RESULT(expr, want) check_str_result(__FILE__, __LINE__, (expr), want)

static void test_binary_ops_dispatch_to_dunders_and_reflected(void)
{
    static const TwMethodDef m[] = {
        {"__add__", ret_add, 0}, {"__radd__", ret_radd, 0}, {"__neg__", ret_neg, 0}, {NULL, NULL, 0}};
    TwObject *V = make_class("V", NULL, m, NULL);
    TwObject *v = tw_call0(V);
    TwObject *one = I(1);
    CHECK_STR_RESULT(tw_number_binop(v, one, TW_BINOP_ADD), "add");
    CHECK_STR_RESULT(tw_number_binop(one, v, TW_BINOP_ADD), "radd");
    CHECK_STR_RESULT(tw_number_negative(v), "neg");
    /* no __iadd__: += falls back to __add__ */
    CHECK_STR_RESULT(tw_number_inplace(v, one, TW_BINOP_ADD), "add");
    /* no __sub__ */
    CHECK_FAILS_OBJ(tw_number_binop(v, one, TW_BINOP_SUB), TwExc_TypeError,
                    "unsupported operand type(s) for -: 'V' and 'int'");
    CHECK_FAILS_OBJ(tw_number_inplace(one, v, TW_BINOP_SUB), TwExc_TypeError,
                    "unsupported operand type(s) for -=: 'int' and 'V'");
    CHECK_FAILS_OBJ(tw_number_invert(v), TwExc_TypeError, "bad operand type for unary ~: 'V'");
    tw_decref(one);
    tw_decref(v);
    tw_decref(V);
}

static void test_subclass_reflected_operand_goes_first(void)
{
    static const TwMethodDef base_m[] = {{"__add__", ret_add, 0}, {"__radd__", ret_radd, 0}, {NULL, NULL, 0}};
    static const TwMethodDef sub_m[] = {{"__radd__", ret_sub_radd, 0}, {NULL, NULL, 0}};
    static const TwMethodDef i_m[] = {{"__iadd__", ret_iadd, 0}, {NULL, NULL, 0}};
    static const TwMethodDef ni_m[] = {{"__add__", ret_notimpl, 0}, {NULL, NULL, 0}};
    TwObject *Base = make_class("Base", NULL, base_m, NULL);
    TwObject *tb = tuple1(Base);
    TwObject *Sub = make_class("Sub", tb, sub_m, NULL);
    TwObject *b = tw_call0(Base), *s = tw_call0(Sub);
    CHECK_STR_RESULT(tw_number_binop(b, s, TW_BINOP_ADD), "sub-radd");
    CHECK_STR_RESULT(tw_number_binop(s, b, TW_BINOP_ADD), "add");
    TwObject *I2 = make_class("I2", NULL, i_m, NULL);
    TwObject *i2 = tw_call0(I2);
    CHECK_STR_RESULT(tw_number_inplace(i2, b, TW_BINOP_ADD), "iadd");
    /* __add__ returning NotImplemented defers to the right operand */
    TwObject *NI = make_class("NI", NULL, ni_m, NULL);
    TwObject *ni = tw_call0(NI);
    CHECK_STR_RESULT(tw_number_binop(ni, b, TW_BINOP_ADD), "radd");
    CHECK_FAILS_OBJ(tw_number_binop(ni, ni, TW_BINOP_ADD), TwExc_TypeError,
                    "unsupported operand type(s) for +: 'NI' and 'NI'");
    tw_decref(ni);
    tw_decref(NI);
    tw_decref(i2);
    tw_decref(I2);
    tw_decref(s);
    tw_decref(b);
    tw_decref(Sub);
    tw_decref(tb);
    tw_decref(Base);
}

static void test_builtin_operator_error_messages(void)
{
    TwObject *one = I(1), *a = S("a"), *l = tw_list_new(0), *f = tw_float_from_double(1.5);
    CHECK_FAILS_OBJ(tw_number_binop(one, a, TW_BINOP_ADD), TwExc_TypeError,
                    "unsupported operand type(s) for +: 'int' and 'str'");
    CHECK_FAILS_OBJ(tw_number_binop(a, one, TW_BINOP_ADD), TwExc_TypeError,
                    "can only concatenate str (not \"int\") to str");
    CHECK_FAILS_OBJ(tw_number_binop(l, a, TW_BINOP_ADD), TwExc_TypeError,
                    "can only concatenate list (not \"str\") to list");
    CHECK_FAILS_OBJ(tw_number_binop(a, f, TW_BINOP_MUL), TwExc_TypeError,
                    "can't multiply sequence by non-int of type 'float'");
    CHECK_FAILS_OBJ(tw_number_binop(one, a, TW_BINOP_POW), TwExc_TypeError,
                    "unsupported operand type(s) for ** or pow(): 'int' and 'str'");
    CHECK_FAILS_OBJ(tw_object_richcompare(one, a, TW_LT), TwExc_TypeError,
                    "'<' not supported between instances of 'int' and 'str'");
    CHECK_FAILS_OBJ(tw_object_getitem(one, one), TwExc_TypeError, "'int' object is not subscriptable");
    CHECK_FAILS_OBJ(tw_object_getitem((TwObject *)&TwInt_Type, one), TwExc_TypeError,
                    "type 'int' is not subscriptable");
    CHECK_FAILS_INT(tw_object_setitem(one, one, one), TwExc_TypeError,
                    "'int' object does not support item assignment");
    CHECK_FAILS_INT(tw_object_delitem(one, one), TwExc_TypeError, "'int' object doesn't support item deletion");
    CHECK_FAILS_OBJ(tw_call0(Tw_None), TwExc_TypeError, "'NoneType' object is not callable");
    CHECK_FAILS_INT(tw_object_len(one), TwExc_TypeError, "object of type 'int' has no len()");
    CHECK_FAILS_OBJ(tw_object_iter(one), TwExc_TypeError, "'int' object is not iterable");
    CHECK_FAILS_OBJ(tw_iter_next(l), TwExc_TypeError, "'list' object is not an iterator");
    CHECK_FAILS_INT(tw_object_hash(l), TwExc_TypeError, "unhashable type: 'list'");
    CHECK_FAILS_INT(tw_object_contains(one, one), TwExc_TypeError, "argument of type 'int' is not iterable");
    CHECK_FAILS_OBJ(tw_number_absolute(a), TwExc_TypeError, "bad operand type for abs(): 'str'");
    CHECK_FAILS_INT(tw_object_isinstance(one, one), TwExc_TypeError,
                    "isinstance() arg 2 must be a type, a tuple of types, or a union");
    CHECK_FAILS_INT(tw_object_issubclass(one, (TwObject *)&TwInt_Type), TwExc_TypeError,
                    "issubclass() arg 1 must be a class");
    /* equality falls back to identity */
    CHECK(tw_object_richcompare_bool(one, a, TW_EQ) == 0);
    CHECK(tw_object_richcompare_bool(one, a, TW_NE) == 1);
    tw_decref(f);
    tw_decref(l);
    tw_decref(a);
    tw_decref(one);
}

static void test_pow_with_modulus(void)
{
    TwObject *b = I(3), *e = I(200), *m = I(13), *neg = I(-1), *seven = I(7);
    TwObject *r = tw_number_power3(b, e, m);
    CHECK(r && TW_INT_VALUE(r) == 9); /* pow(3, 200, 13) == 9 */
    tw_xdecref(r);
    r = tw_number_power3(b, neg, seven); /* pow(3, -1, 7) == 5 */
    CHECK(r && TW_INT_VALUE(r) == 5);
    tw_xdecref(r);
    TwObject *zero = I(0);
    CHECK_FAILS_OBJ(tw_number_power3(b, e, zero), TwExc_ValueError, "pow() 3rd argument cannot be 0");
    TwObject *six = I(6);
    CHECK_FAILS_OBJ(tw_number_power3(b, neg, six), TwExc_ValueError,
                    "base is not invertible for the given modulus");
    tw_decref(six);
    tw_decref(zero);
    tw_decref(seven);
    tw_decref(neg);
    tw_decref(m);
    tw_decref(e);
    tw_decref(b);
}

/* ---------------- dunders -------------------------------------------- */

static void test_container_and_truth_dunders(void)
{
    static const TwMethodDef m[] = {{"__len__", ret_len3, 0}, {"__contains__", ret_true, 0}, {NULL, NULL, 0}};
    TwObject *C = make_class("Box", NULL, m, NULL);
    TwObject *c = tw_call0(C);
    CHECK(tw_object_len(c) == 3);
    CHECK(tw_object_is_true(c) == 1);
    TwObject *one = I(1);
    CHECK(tw_object_contains(c, one) == 1);
    tw_decref(one);
    static const TwMethodDef bad[] = {{"__len__", ret_len_neg, 0}, {"__bool__", ret_bool_int, 0}, {NULL, NULL, 0}};
    TwObject *B = make_class("Bad", NULL, bad, NULL);
    TwObject *b = tw_call0(B);
    CHECK_FAILS_INT(tw_object_len(b), TwExc_ValueError, "__len__() should return >= 0");
    CHECK_FAILS_INT(tw_object_is_true(b), TwExc_TypeError, "__bool__ should return bool, returned int");
    tw_decref(b);
    tw_decref(B);
    tw_decref(c);
    tw_decref(C);
}

static void test_eq_without_hash_makes_instances_unhashable(void)
{
    static const TwMethodDef eq_only[] = {{"__eq__", ret_true, 0}, {NULL, NULL, 0}};
    static const TwMethodDef eq_hash[] = {{"__eq__", ret_true, 0}, {"__hash__", ret_hash42, 0}, {NULL, NULL, 0}};
    TwObject *E = make_class("E", NULL, eq_only, NULL);
    TwObject *e = tw_call0(E);
    CHECK_FAILS_INT(tw_object_hash(e), TwExc_TypeError, "unhashable type: 'E'");
    TwObject *H = make_class("H", NULL, eq_hash, NULL);
    TwObject *h = tw_call0(H);
    CHECK(tw_object_hash(h) == 42);
    TwObject *one = I(1);
    CHECK(tw_object_richcompare_bool(h, one, TW_EQ) == 1);
    /* default __ne__ inverts __eq__ */
    CHECK(tw_object_richcompare_bool(h, one, TW_NE) == 0);
    tw_decref(one);
    /* plain classes hash by identity and are equal only to themselves */
    TwObject *P = make_class("P", NULL, NULL, NULL);
    TwObject *p1 = tw_call0(P), *p2 = tw_call0(P);
    CHECK(tw_object_hash(p1) != -1 && tw_object_hash(p1) == tw_object_hash(p1));
    CHECK(tw_object_richcompare_bool(p1, p2, TW_EQ) == 0);
    CHECK(tw_object_richcompare_bool(p1, p1, TW_EQ) == 1);
    tw_decref(p1);
    tw_decref(p2);
    tw_decref(P);
    tw_decref(h);
    tw_decref(H);
    tw_decref(e);
    tw_decref(E);
}

static void test_object_init_checks_arguments(void)
{
    TwObject *C = make_class("MyClass", NULL, NULL, NULL);
    TwObject *one = I(1);
    CHECK_FAILS_OBJ(tw_call1(C, one), TwExc_TypeError, "MyClass() takes no arguments");
    TwObject *nw = getattr_s((TwObject *)&TwBaseObject_Type, "__new__");
    CHECK_FAILS_OBJ(tw_call2(nw, C, one), TwExc_TypeError, "MyClass() takes no arguments");
    TwObject *inst = tw_call1(nw, C);
    CHECK(inst && TW_TYPE(inst) == (TwTypeObject *)C);
    tw_xdecref(inst);
    tw_decref(nw);
    tw_decref(one);
    tw_decref(C);
}

static void test_default_repr_and_str(void)
{
    TwObject *C = make_class("C", NULL, NULL, NULL);
    TwObject *c = tw_call0(C);
    TwObject *r = tw_object_repr(c), *s = tw_object_str(c);
    CHECK(r && strncmp(TW_STR_DATA(r), "<__main__.C object at 0x", 24) == 0);
    CHECK(r && s && tw_str_eq(r, s));
    tw_xdecref(r);
    tw_xdecref(s);
    CHECK_REPR_STEAL(tw_newref(C), "<class '__main__.C'>");
    CHECK_REPR_STEAL(tw_newref((TwObject *)&TwInt_Type), "<class 'int'>");
    CHECK_REPR_STEAL(getattr_s(C, "__name__"), "'C'");
    CHECK_REPR_STEAL(getattr_s(C, "__module__"), "'__main__'");
    CHECK_REPR_STEAL(getattr_s((TwObject *)&TwInt_Type, "__module__"), "'builtins'");
    tw_decref(c);
    tw_decref(C);
}

static TwObject *getattr_fallback(TwObject *self, TwObject *const *a, size_t n, TwObject *kw)
{
    return tw_str_from_format("dyn-%S", a[0]);
}

static void test_getattr_is_a_fallback(void)
{
    static const TwMethodDef m[] = {{"__getattr__", getattr_fallback, 0}, {NULL, NULL, 0}};
    TwObject *C = make_class("G", NULL, m, "real", I(5), NULL);
    TwObject *c = tw_call0(C);
    CHECK_STR_RESULT(getattr_s(c, "anything"), "dyn-anything");
    TwObject *v = getattr_s(c, "real");
    CHECK(v && TW_INT_CHECK(v) && TW_INT_VALUE(v) == 5);
    tw_xdecref(v);
    tw_decref(c);
    tw_decref(C);
}

static void test_assigning_a_dunder_later_updates_the_slot(void)
{
    TwObject *C = make_class("Late", NULL, NULL, NULL);
    TwObject *c = tw_call0(C);
    CHECK_FAILS_INT(tw_object_len(c), TwExc_TypeError, "object of type 'Late' has no len()");
    static const TwMethodDef lm = {"__len__", ret_len3, 0};
    TwObject *d = tw_methoddescr_new(&TwBaseObject_Type, &lm);
    CHECK(setattr_s(C, "__len__", d) == 0);
    CHECK(tw_object_len(c) == 3);
    CHECK(tw_object_delattr(C, tw_str_intern_cstr("__len__")) == 0);
    CHECK_FAILS_INT(tw_object_len(c), TwExc_TypeError, "object of type 'Late' has no len()");
    tw_decref(d);
    tw_decref(c);
    tw_decref(C);
}

/* ---------------- descriptors ---------------------------------------- */

static TwObject *prop_get(TwObject *self, TwObject *const *a, size_t n, TwObject *kw) { return I(99); }
static const TwMethodDef prop_get_def = {"get_x", prop_get, 0};

static void test_property_getter_and_missing_setter(void)
{
    TwObject *fget = tw_cfunction_new(&prop_get_def, NULL);
    TwObject *prop = tw_call1((TwObject *)&TwProperty_Type, fget);
    CHECK(prop != NULL);
    TwObject *C = make_class("C", NULL, NULL, "x", prop, NULL);
    TwObject *c = tw_call0(C);
    TwObject *v = getattr_s(c, "x");
    CHECK(v && TW_INT_VALUE(v) == 99);
    tw_xdecref(v);
    TwObject *one = I(1);
    CHECK_FAILS_INT(setattr_s(c, "x", one), TwExc_AttributeError, "property 'x' of 'C' object has no setter");
    CHECK_FAILS_INT(tw_object_delattr(c, tw_str_intern_cstr("x")), TwExc_AttributeError,
                    "property 'x' of 'C' object has no deleter");
    tw_decref(one);
    tw_decref(c);
    tw_decref(C);
    tw_decref(fget);
}

static TwObject *which_self(TwObject *self, TwObject *const *a, size_t n, TwObject *kw)
{
    /* a bound C function receives what it was bound to as self, and the
     * classmethod/staticmethod tests pass their first argument through */
    return n > 0 ? tw_newref(a[0]) : tw_newref(Tw_None);
}
static const TwMethodDef which_def = {"which", which_self, 0};

static void test_classmethod_and_staticmethod_binding(void)
{
    TwObject *f = tw_cfunction_new(&which_def, NULL);
    TwObject *cm = tw_classmethod_new(f), *sm = tw_staticmethod_new(f);
    TwObject *C = make_class("C", NULL, NULL, "cm", cm, "sm", sm, NULL);
    TwObject *c = tw_call0(C);
    /* c.cm() is f(C); c.sm() is f() */
    TwObject *r = tw_call_method(c, "cm", NULL, 0);
    CHECK(r == C);
    tw_xdecref(r);
    r = tw_call_method(C, "cm", NULL, 0);
    CHECK(r == C);
    tw_xdecref(r);
    r = tw_call_method(c, "sm", NULL, 0);
    CHECK(r == Tw_None);
    tw_xdecref(r);
    tw_decref(c);
    tw_decref(C);
    tw_decref(f);
}

static void test_super_finds_the_next_class_in_the_mro(void)
{
    static const TwMethodDef a_m[] = {{"name", ret_a_name, 0}, {NULL, NULL, 0}};
    static const TwMethodDef b_m[] = {{"name", ret_name, 0}, {NULL, NULL, 0}};
    TwObject *A = make_class("A", NULL, a_m, NULL);
    TwObject *tA = tuple1(A);
    TwObject *B = make_class("B", tA, b_m, NULL);
    TwObject *b = tw_call0(B);
    TwObject *sup = tw_super_new(B, b);
    CHECK(sup != NULL);
    CHECK_STR_RESULT(tw_call_method(sup, "name", NULL, 0), "A.name");
    CHECK_REPR_STEAL(tw_newref(sup), "<super: <class '__main__.B'>, <B object>>");
    TwObject *one = I(1);
    CHECK_FAILS_OBJ(tw_super_new(B, one), TwExc_TypeError,
                    "super(type, obj): obj must be an instance or subtype of type");
    /* super().__init__() reaches object.__init__ */
    TwObject *r = tw_call_method(sup, "__init__", NULL, 0);
    CHECK(r == Tw_None);
    tw_xdecref(r);
    tw_decref(one);
    tw_decref(sup);
    tw_decref(b);
    tw_decref(B);
    tw_decref(tA);
    tw_decref(A);
}

static void test_slot_wrappers_and_method_descriptors(void)
{
    TwObject *add = getattr_s((TwObject *)&TwInt_Type, "__add__");
    CHECK_REPR_STEAL(tw_newref(add), "<slot wrapper '__add__' of 'int' objects>");
    TwObject *three = I(3), *four = I(4), *a = S("a");
    TwObject *r = tw_call2(add, three, four);
    CHECK(r && TW_INT_VALUE(r) == 7);
    tw_xdecref(r);
    CHECK_FAILS_OBJ(tw_call2(add, a, three), TwExc_TypeError,
                    "descriptor '__add__' requires a 'int' object but received a 'str'");
    TwObject *bound = getattr_s(three, "__add__");
    r = bound ? tw_call1(bound, four) : NULL;
    CHECK(r && TW_INT_VALUE(r) == 7);
    tw_xdecref(r);
    tw_xdecref(bound);
    TwObject *append = getattr_s((TwObject *)&TwList_Type, "append");
    CHECK_REPR_STEAL(tw_newref(append), "<method 'append' of 'list' objects>");
    TwObject *l = tw_list_new(0);
    r = tw_call2(append, l, three);
    CHECK(r == Tw_None && TW_LIST_SIZE(l) == 1);
    tw_xdecref(r);
    CHECK_FAILS_OBJ(tw_call2(append, three, four), TwExc_TypeError,
                    "descriptor 'append' for 'list' objects doesn't apply to a 'int' object");
    CHECK_FAILS_OBJ(tw_call0(append), TwExc_TypeError, "unbound method list.append() needs an argument");
    TwObject *bm = getattr_s(l, "append");
    TwObject *rr = bm ? tw_object_repr(bm) : NULL;
    CHECK(rr && strncmp(TW_STR_DATA(rr), "<built-in method append of list object at 0x", 44) == 0);
    tw_xdecref(rr);
    tw_xdecref(bm);
    tw_decref(l);
    tw_decref(append);
    tw_decref(a);
    tw_decref(four);
    tw_decref(three);
    tw_decref(add);
}

/* ---------------- built-in bases -------------------------------------- */

static void test_subclasses_of_list_and_int(void)
{
    TwObject *tl = tuple1((TwObject *)&TwList_Type);
    TwObject *L = make_class("MyList", tl, NULL, NULL);
    CHECK(L != NULL);
    TwObject *l = L ? tw_call0(L) : NULL;
    CHECK(l && TW_TYPE(l) == (TwTypeObject *)L && TW_LIST_CHECK(l));
    if (l) {
        TwObject *one = I(1);
        TwObject *r = tw_call_method(l, "append", &one, 1);
        CHECK(r == Tw_None);
        tw_xdecref(r);
        CHECK(tw_object_len(l) == 1);
        CHECK(setattr_s(l, "tag", one) == 0);
        TwObject *t = getattr_s(l, "tag");
        CHECK(t == one);
        tw_xdecref(t);
        CHECK(tw_object_isinstance(l, (TwObject *)&TwList_Type) == 1);
        tw_decref(one);
        tw_decref(l);
    }
    TwObject *ti = tuple1((TwObject *)&TwInt_Type);
    TwObject *MI = make_class("MyInt", ti, NULL, NULL);
    TwObject *five = I(5);
    TwObject *mi = MI ? tw_call1(MI, five) : NULL;
    CHECK(mi && TW_INT_CHECK(mi) && TW_INT_VALUE(mi) == 5 && TW_TYPE(mi) == (TwTypeObject *)MI);
    if (mi) {
        TwObject *sum = tw_number_binop(mi, five, TW_BINOP_ADD);
        CHECK(sum && TW_INT_VALUE(sum) == 10);
        tw_xdecref(sum);
        tw_decref(mi);
    }
    tw_decref(five);
    tw_xdecref(MI);
    tw_decref(ti);
    tw_xdecref(L);
    tw_decref(tl);
}

static void test_type_builtin_one_and_three_arguments(void)
{
    TwObject *one = I(1);
    TwObject *t = tw_call1((TwObject *)&TwType_Type, one);
    CHECK(t == (TwObject *)&TwInt_Type);
    tw_xdecref(t);
    TwObject *name = S("Dyn"), *bases = tw_tuple_empty(), *dict = tw_dict_new();
    tw_dict_set_str(dict, "k", one);
    TwObject *args[3] = {name, bases, dict};
    TwObject *D = tw_call((TwObject *)&TwType_Type, args, 3, NULL);
    CHECK(D && TW_HAS_TPFLAG(D, TW_TPFLAGS_TYPE_SUBCLASS));
    if (D) {
        TwObject *k = getattr_s(D, "k");
        CHECK(k == one);
        tw_xdecref(k);
        tw_decref(D);
    }
    CHECK_FAILS_OBJ(tw_call2((TwObject *)&TwType_Type, one, one), TwExc_TypeError, "type() takes 1 or 3 arguments");
    /* a class's type is `type`, as Python code sees it */
    TwObject *C = make_class("C", NULL, NULL, NULL);
    t = tw_call1((TwObject *)&TwType_Type, C);
    CHECK(t == (TwObject *)&TwType_Type);
    tw_xdecref(t);
    t = getattr_s(C, "__class__");
    CHECK(t == (TwObject *)&TwType_Type);
    tw_xdecref(t);
    CHECK(tw_object_isinstance(C, (TwObject *)&TwType_Type) == 1);
    CHECK_REPR_STEAL(tw_newref((TwObject *)TW_TYPE(C)), "<class 'type'>");
    tw_decref(C);
    tw_decref(dict);
    tw_decref(bases);
    tw_decref(name);
    tw_decref(one);
}

static TwObject *subclass_seen;

static TwObject *record_subclass(TwObject *cls, TwObject *const *a, size_t n, TwObject *kw)
{
    TW_SETREF(subclass_seen, tw_newref(cls));
    TW_RETURN_NONE;
}

static void test_init_subclass_runs_for_subclasses_only(void)
{
    static const TwMethodDef m[] = {{"__init_subclass__", record_subclass, 0}, {NULL, NULL, 0}};
    TwObject *A = make_class("A", NULL, m, NULL);
    CHECK(subclass_seen == NULL);
    TwObject *tA = tuple1(A);
    TwObject *B = make_class("B", tA, NULL, NULL);
    CHECK(B != NULL && subclass_seen == B);
    TW_CLEAR(subclass_seen);
    tw_xdecref(B);
    tw_decref(tA);
    tw_decref(A);
}

/* ---------------- singletons, modules, GC ------------------------------ */

static void test_singletons(void)
{
    CHECK_REPR_STEAL(tw_newref(Tw_None), "None");
    CHECK_REPR_STEAL(tw_newref(Tw_NotImplemented), "NotImplemented");
    CHECK_REPR_STEAL(tw_newref(Tw_Ellipsis), "Ellipsis");
    TwObject *n = tw_call0((TwObject *)&TwNone_Type);
    CHECK(n == Tw_None);
    tw_xdecref(n);
    TwObject *one = I(1);
    CHECK_FAILS_OBJ(tw_call1((TwObject *)&TwNone_Type, one), TwExc_TypeError, "NoneType takes no arguments");
    tw_decref(one);
    CHECK(tw_object_is_true(Tw_None) == 0);
    CHECK_REPR_STEAL(tw_newref((TwObject *)TW_TYPE(Tw_None)), "<class 'NoneType'>");
}

static void test_module_attributes_and_repr(void)
{
    TwObject *m = tw_module_new("mymod");
    TwObject *v = I(3);
    CHECK(tw_module_add_object(m, "three", v) == 0);
    TwObject *got = getattr_s(m, "three");
    CHECK(got == v);
    tw_xdecref(got);
    CHECK_REPR_STEAL(tw_newref(m), "<module 'mymod' (built-in)>");
    CHECK_FAILS_OBJ(getattr_s(m, "foo"), TwExc_AttributeError, "module 'mymod' has no attribute 'foo'");
    static const TwMethodDef fns[] = {{"which", which_self, 0}, {NULL, NULL, 0}};
    CHECK(tw_module_add_functions(m, fns) == 0);
    TwObject *f = getattr_s(m, "which");
    CHECK_REPR_STEAL(f, "<built-in function which>");
    tw_decref(v);
    tw_decref(m);
}

static void test_instances_in_a_cycle_are_collected(void)
{
    TwObject *C = make_class("Node", NULL, NULL, NULL);
    TwObject *a = tw_call0(C), *b = tw_call0(C);
    setattr_s(a, "other", b);
    setattr_s(b, "other", a);
    tw_decref(a);
    tw_decref(b);
    tw_decref(C);
    /* class <-> its MRO tuple, instances <-> each other: all garbage */
    CHECK(tw_gc_collect(2) >= 2);
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
    /* warm the interned names and method caches the cases share */
    live_blocks();
}

static const TwTestCase cases[] = {
    TW_CASE(test_class_instances_run_init_and_methods),
    TW_CASE(test_attribute_errors_name_the_object_or_type),
    TW_CASE(test_class_attributes_and_assignment_invalidate_lookup),
    TW_CASE(test_mro_is_c3_for_a_diamond),
    TW_CASE(test_inconsistent_mro_raises_typeerror),
    TW_CASE(test_binary_ops_dispatch_to_dunders_and_reflected),
    TW_CASE(test_subclass_reflected_operand_goes_first),
    TW_CASE(test_builtin_operator_error_messages),
    TW_CASE(test_pow_with_modulus),
    TW_CASE(test_container_and_truth_dunders),
    TW_CASE(test_eq_without_hash_makes_instances_unhashable),
    TW_CASE(test_object_init_checks_arguments),
    TW_CASE(test_default_repr_and_str),
    TW_CASE(test_getattr_is_a_fallback),
    TW_CASE(test_assigning_a_dunder_later_updates_the_slot),
    TW_CASE(test_property_getter_and_missing_setter),
    TW_CASE(test_classmethod_and_staticmethod_binding),
    TW_CASE(test_super_finds_the_next_class_in_the_mro),
    TW_CASE(test_slot_wrappers_and_method_descriptors),
    TW_CASE(test_subclasses_of_list_and_int),
    TW_CASE(test_type_builtin_one_and_three_arguments),
    TW_CASE(test_init_subclass_runs_for_subclasses_only),
    TW_CASE(test_singletons),
    TW_CASE(test_module_attributes_and_repr),
    TW_CASE(test_instances_in_a_cycle_are_collected),
};

int main(void)
{
    TwTestOptions opts = {setup, live_blocks};
    return tw_test_run(cases, TW_NCASES(cases), &opts);
}
