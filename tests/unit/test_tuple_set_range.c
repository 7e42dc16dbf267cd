/*
 * test_tuple_set_range.c — tuple, set/frozenset, range and slice: reprs,
 * hashes equal to CPython's, set iteration order equal to CPython's for int
 * keys, operators, and error messages.
 */
#include "container_helpers.h"

static TwObject *int_tuple(const int64_t *v, int n)
{
    TwObject *t = tw_tuple_new(n);
    for (int i = 0; i < n; i++)
        TW_TUPLE_SET(t, i, I(v[i]));
    return t;
}

static TwObject *int_set(const int64_t *v, int n)
{
    TwObject *l = int_list(v, n);
    TwObject *s = tw_set_new(l);
    TW_DECREF(l);
    return s;
}

/* ---------------- tuple ---------------- */

static void test_tuple_repr_forms(void)
{
    int64_t v[] = {1, 2, 3};
    TwObject *e = tw_tuple_empty(), *one = int_tuple(v, 1), *three = int_tuple(v, 3);
    CHECK_REPR(e, "()");
    CHECK_REPR(one, "(1,)");
    CHECK_REPR(three, "(1, 2, 3)");
    CHECK(tw_tuple_new(0) == e);
    CHECK(tw_is_immortal(e));
    TwObject *nested = tw_tuple_pack(2, one, e);
    CHECK_REPR(nested, "((1,), ())");
    TW_DECREF(nested);
    TW_DECREF(one);
    TW_DECREF(three);
}

static void test_tuple_hash_matches_cpython(void)
{
    int64_t v[] = {1, 2};
    TwObject *t = int_tuple(v, 2), *t1 = int_tuple(v, 1);
    CHECK_EQ_INT(tw_object_hash(t), -3550055125485641917LL);
    CHECK_EQ_INT(tw_object_hash(t1), -6644214454873602895LL);
    CHECK_EQ_INT(tw_object_hash(tw_tuple_empty()), 5740354900026072187LL);
    TwObject *l = tw_list_new(0);
    TwObject *bad = tw_tuple_pack(2, t, l);
    CHECK(tw_object_hash(bad) == -1);
    CHECK_ERROR(TwExc_TypeError, "unhashable type: 'list'");
    TW_DECREF(bad);
    TW_DECREF(l);
    TW_DECREF(t);
    TW_DECREF(t1);
}

static void test_tuple_compare_concat_repeat_slice(void)
{
    int64_t a[] = {1, 2, 3}, b[] = {1, 3};
    TwObject *x = int_tuple(a, 3), *y = int_tuple(b, 2), *x2 = int_tuple(a, 3);
    CHECK(tw_object_richcompare_bool(x, y, TW_LT) == 1);
    CHECK(tw_object_richcompare_bool(x, x2, TW_EQ) == 1);
    CHECK(tw_object_richcompare_bool(y, x, TW_GT) == 1);
    TwObject *c = tw_number_binop(x, y, TW_BINOP_ADD);
    CHECK_REPR(c, "(1, 2, 3, 1, 3)");
    TW_XDECREF(c);
    TwObject *two = I(2);
    c = tw_number_binop(y, two, TW_BINOP_MUL);
    CHECK_REPR(c, "(1, 3, 1, 3)");
    TW_XDECREF(c);
    TwObject *l = tw_list_new(0);
    CHECK(tw_number_binop(x, l, TW_BINOP_ADD) == NULL);
    CHECK_ERROR(TwExc_TypeError, "can only concatenate tuple (not \"list\") to tuple");
    TwObject *im1 = I(-1);
    TwObject *sl = tw_slice_new(NULL, NULL, im1);
    c = tw_object_getitem(x, sl);
    CHECK_REPR(c, "(3, 2, 1)");
    TW_XDECREF(c);
    TW_DECREF(sl);
    c = tw_object_getitem(x, im1);
    CHECK_EQ_INT(ival(c), 3);
    TW_XDECREF(c);
    TwObject *i5 = I(5);
    CHECK(tw_object_getitem(x, i5) == NULL);
    CHECK_ERROR(TwExc_IndexError, "tuple index out of range");
    CHECK(tw_object_contains(x, two) == 1);
    CHECK(tw_object_contains(x, i5) == 0);
    c = callm(x, "index", 1, two);
    CHECK_EQ_INT(ival(c), 1);
    TW_XDECREF(c);
    CHECK(callm(x, "index", 1, i5) == NULL);
    CHECK_ERROR(TwExc_ValueError, "tuple.index(x): x not in tuple");
    c = callm(x, "count", 1, two);
    CHECK_EQ_INT(ival(c), 1);
    TW_XDECREF(c);
    TwObject *arg[1] = {l};
    tw_list_append(l, two);
    TwObject *fromlist = tw_call((TwObject *)&TwTuple_Type, arg, 1, NULL);
    CHECK_REPR(fromlist, "(2,)");
    TW_XDECREF(fromlist);
    TW_DECREF(i5);
    TW_DECREF(im1);
    TW_DECREF(l);
    TW_DECREF(two);
    TW_DECREF(x);
    TW_DECREF(x2);
    TW_DECREF(y);
}

/* ---------------- set ---------------- */

static void test_set_prints_int_keys_in_cpython_order(void)
{
    int64_t a[] = {3, 1, 2}, b[] = {10, 3, 100, 7};
    TwObject *s = int_set(a, 3), *t = int_set(b, 4);
    CHECK_REPR(s, "{1, 2, 3}");
    CHECK_REPR(t, "{10, 3, 100, 7}");
    TwObject *l = tw_list_new(0);
    for (int64_t i = 100; i > 0; i -= 7) {
        TwObject *x = I(i);
        tw_list_append(l, x);
        TW_DECREF(x);
    }
    TwObject *u = tw_set_new(l);
    CHECK_REPR(u, "{65, 2, 100, 37, 72, 9, 44, 79, 16, 51, 86, 23, 58, 93, 30}");
    TW_DECREF(u);
    TW_DECREF(l);
    TW_DECREF(s);
    TW_DECREF(t);
}

static void test_set_operators_match_cpython(void)
{
    int64_t a[] = {1, 2, 3}, b[] = {3, 4, 100}, c[] = {1, 2, 3, 4}, d[] = {4, 3, 9}, e[] = {2};
    TwObject *A = int_set(a, 3), *B = int_set(b, 3), *C = int_set(c, 4), *D = int_set(d, 3), *E = int_set(e, 1);
    TwObject *r = tw_number_binop(A, B, TW_BINOP_OR);
    CHECK_REPR(r, "{1, 2, 3, 100, 4}");
    TW_XDECREF(r);
    r = tw_number_binop(C, D, TW_BINOP_AND);
    CHECK_REPR(r, "{3, 4}");
    TW_XDECREF(r);
    r = tw_number_binop(C, E, TW_BINOP_SUB);
    CHECK_REPR(r, "{1, 3, 4}");
    TW_XDECREF(r);
    r = tw_number_binop(A, B, TW_BINOP_XOR);
    CHECK_REPR(r, "{1, 2, 100, 4}");
    TW_XDECREF(r);
    TwObject *l = tw_list_new(0);
    CHECK(tw_number_binop(A, l, TW_BINOP_OR) == NULL);
    CHECK_ERROR(TwExc_TypeError, NULL);
    r = callm(A, "union", 1, l);                      /* methods take any iterable */
    CHECK_REPR(r, "{1, 2, 3}");
    TW_XDECREF(r);
    /* comparisons are subset tests */
    CHECK(tw_object_richcompare_bool(E, A, TW_LT) == 1);
    CHECK(tw_object_richcompare_bool(A, A, TW_LT) == 0);
    CHECK(tw_object_richcompare_bool(A, A, TW_LE) == 1);
    CHECK(tw_object_richcompare_bool(C, A, TW_GT) == 1);
    CHECK(tw_object_richcompare_bool(A, B, TW_EQ) == 0);
    r = callm(E, "issubset", 1, C);
    CHECK(r == Tw_True);
    TW_XDECREF(r);
    r = callm(A, "isdisjoint", 1, B);
    CHECK(r == Tw_False);
    TW_XDECREF(r);
    r = callm(E, "isdisjoint", 1, B);
    CHECK(r == Tw_True);
    TW_XDECREF(r);
    /* in-place */
    r = tw_number_inplace(A, B, TW_BINOP_OR);
    CHECK(r == A);
    TW_XDECREF(r);
    CHECK_REPR(A, "{1, 2, 3, 100, 4}");
    r = tw_number_inplace(A, C, TW_BINOP_AND);
    TW_XDECREF(r);
    CHECK_REPR(A, "{1, 2, 3, 4}");
    r = tw_number_inplace(A, E, TW_BINOP_SUB);
    TW_XDECREF(r);
    CHECK_REPR(A, "{1, 3, 4}");
    TW_DECREF(l);
    TW_DECREF(A);
    TW_DECREF(B);
    TW_DECREF(C);
    TW_DECREF(D);
    TW_DECREF(E);
}

static void test_set_add_discard_remove_pop(void)
{
    TwObject *s = tw_set_new(NULL);
    CHECK_REPR(s, "set()");
    for (int64_t i = 0; i < 20; i++) {
        TwObject *x = I(i);
        CHECK(tw_set_add(s, x) == 0);
        CHECK(tw_set_add(s, x) == 0);
        TW_DECREF(x);
    }
    CHECK_EQ_INT(tw_set_size(s), 20);
    for (int64_t i = 0; i < 20; i += 3) {
        TwObject *x = I(i);
        CHECK(tw_set_discard(s, x) == 1);
        CHECK(tw_set_discard(s, x) == 0);
        TW_DECREF(x);
    }
    CHECK_REPR(s, "{1, 2, 4, 5, 7, 8, 10, 11, 13, 14, 16, 17, 19}");
    TwObject *p = callm(s, "pop", 0);
    CHECK_EQ_INT(ival(p), 1);
    TW_XDECREF(p);
    p = callm(s, "pop", 0);
    CHECK_EQ_INT(ival(p), 2);
    TW_XDECREF(p);
    TwObject *k = S("nope");
    CHECK(callm(s, "remove", 1, k) == NULL);
    CHECK_ERROR(TwExc_KeyError, "'nope'");
    TwObject *l = tw_list_new(0);
    CHECK(tw_set_add(s, l) < 0);
    CHECK_ERROR(TwExc_TypeError, "unhashable type: 'list'");
    CHECK_OK(callm(s, "clear", 0));
    CHECK(callm(s, "pop", 0) == NULL);
    CHECK_ERROR(TwExc_KeyError, "'pop from an empty set'");
    TW_DECREF(l);
    TW_DECREF(k);
    TW_DECREF(s);
}

static void test_set_iteration_detects_size_change(void)
{
    int64_t a[] = {1, 2, 3};
    TwObject *s = int_set(a, 3);
    TwObject *it = tw_object_iter(s);
    TwObject *x = tw_iter_next(it);
    CHECK_EQ_INT(ival(x), 1);
    TW_XDECREF(x);
    TwObject *nine = I(9);
    tw_set_add(s, nine);
    CHECK(tw_iter_next(it) == NULL);
    CHECK_ERROR(TwExc_RuntimeError, "Set changed size during iteration");
    TW_DECREF(nine);
    TW_DECREF(it);
    TW_DECREF(s);
}

static void test_frozenset_hash_repr_and_set_keys(void)
{
    int64_t a[] = {1, 2, 3};
    TwObject *l = int_list(a, 3);
    TwObject *f = tw_frozenset_new(l), *fe = tw_frozenset_new(NULL), *s = tw_set_new(l);
    CHECK_REPR(f, "frozenset({1, 2, 3})");
    CHECK_REPR(fe, "frozenset()");
    CHECK_EQ_INT(tw_object_hash(f), -272375401224217160LL);
    CHECK_EQ_INT(tw_object_hash(fe), 133146708735736LL);
    CHECK(tw_object_richcompare_bool(f, s, TW_EQ) == 1);
    CHECK(tw_object_hash(s) == -1);
    CHECK_ERROR(TwExc_TypeError, "unhashable type: 'set'");
    /* a set of frozensets finds a set argument as the equal frozenset */
    TwObject *outer = tw_set_new(NULL);
    CHECK(tw_set_add(outer, f) == 0);
    CHECK(tw_set_contains(outer, s) == 1);
    CHECK(tw_set_discard(outer, s) == 1);
    CHECK_EQ_INT(tw_set_size(outer), 0);
    TwObject *r = tw_number_binop(f, s, TW_BINOP_OR);
    CHECK(r != NULL && TW_TYPE(r) == &TwFrozenSet_Type);
    TW_XDECREF(r);
    TW_DECREF(outer);
    TW_DECREF(l);
    TW_DECREF(f);
    TW_DECREF(fe);
    TW_DECREF(s);
}

/* ---------------- range ---------------- */

static TwObject *mkrange(int64_t a, int64_t b, int64_t c)
{
    return tw_range_new(a, b, c);
}

static void test_range_len_index_slice_repr(void)
{
    TwObject *r = mkrange(0, 20, 3);
    CHECK_REPR(r, "range(0, 20, 3)");
    CHECK_EQ_INT(tw_object_len(r), 7);
    TwObject *im1 = I(-1), *i7 = I(7), *i6 = I(6), *i5 = I(5);
    TwObject *v = tw_object_getitem(r, im1);
    CHECK_EQ_INT(ival(v), 18);
    TW_XDECREF(v);
    CHECK(tw_object_getitem(r, i7) == NULL);
    CHECK_ERROR(TwExc_IndexError, "range object index out of range");
    CHECK(tw_object_contains(r, i6) == 1);
    CHECK(tw_object_contains(r, i5) == 0);
    TwObject *i1 = I(1), *i4 = I(4);
    TwObject *sl = tw_slice_new(i1, i4, NULL);
    v = tw_object_getitem(r, sl);
    CHECK_REPR(v, "range(3, 12, 3)");
    TW_XDECREF(v);
    TW_DECREF(sl);
    sl = tw_slice_new(NULL, NULL, im1);
    v = tw_object_getitem(r, sl);
    TwObject *lst = v ? tw_list_from_iterable(v) : NULL;
    CHECK_REPR(lst, "[18, 15, 12, 9, 6, 3, 0]");
    TW_XDECREF(lst);
    TW_XDECREF(v);
    TW_DECREF(sl);
    TwObject *r10 = mkrange(0, 10, 1);
    CHECK_REPR(r10, "range(0, 10)");
    TwObject *im2 = I(-2);
    sl = tw_slice_new(NULL, NULL, im2);
    v = tw_object_getitem(r10, sl);
    CHECK_REPR(v, "range(9, -1, -2)");
    TW_XDECREF(v);
    TW_DECREF(sl);
    v = callm(r, "index", 1, i6);
    CHECK_EQ_INT(ival(v), 2);
    TW_XDECREF(v);
    CHECK(callm(r, "index", 1, i5) == NULL);
    CHECK_ERROR(TwExc_ValueError, "5 is not in range");
    TwObject *rev = callm(r, "__reversed__", 0);
    lst = rev ? tw_list_from_iterable(rev) : NULL;
    CHECK_REPR(lst, "[18, 15, 12, 9, 6, 3, 0]");
    TW_XDECREF(lst);
    TW_XDECREF(rev);
    TwObject *r5 = mkrange(0, 5, 1), *r0 = mkrange(0, 0, 1), *r34 = mkrange(3, 4, 1);
    CHECK_EQ_INT(tw_object_hash(r5), 5795932985296280846LL);
    /* hash((len, start, step)), with None (whose hash varies between
     * CPython runs) standing for what equality ignores */
    TwObject *r0b = mkrange(5, 2, 1), *r34b = mkrange(3, 4, 7);
    CHECK_EQ_INT(tw_object_hash(r0), tw_object_hash(r0b));
    CHECK_EQ_INT(tw_object_hash(r34), tw_object_hash(r34b));
    CHECK(tw_object_richcompare_bool(r34, r34b, TW_EQ) == 1);
    CHECK(tw_object_hash(r34) != tw_object_hash(r5));
    TW_DECREF(r34b);
    CHECK(tw_object_richcompare_bool(r0, r0b, TW_EQ) == 1);
    CHECK(tw_object_is_true(r0b) == 0);
    TW_DECREF(r0b);
    TW_DECREF(r5);
    TW_DECREF(r0);
    TW_DECREF(r34);
    TW_DECREF(im2);
    TW_DECREF(r10);
    TW_DECREF(i1);
    TW_DECREF(i4);
    TW_DECREF(im1);
    TW_DECREF(i7);
    TW_DECREF(i6);
    TW_DECREF(i5);
    TW_DECREF(r);
}

static void test_range_constructor_errors_and_iteration(void)
{
    TwObject *range = (TwObject *)&TwRange_Type;
    TwObject *i1 = I(1), *i0 = I(0), *i10 = I(10), *im3 = I(-3);
    TwObject *args[3] = {i1, i10, i0};
    CHECK(tw_call(range, args, 3, NULL) == NULL);
    CHECK_ERROR(TwExc_ValueError, "range() arg 3 must not be zero");
    CHECK(tw_call(range, args, 0, NULL) == NULL);
    CHECK_ERROR(TwExc_TypeError, "range expected at least 1 argument, got 0");
    TwObject *args2[3] = {i10, i0, im3};
    TwObject *r = tw_call(range, args2, 3, NULL);
    TwObject *l = r ? tw_list_from_iterable(r) : NULL;
    CHECK_REPR(l, "[10, 7, 4, 1]");
    TW_XDECREF(l);
    TW_XDECREF(r);
    /* extreme bounds: no overflow in length or items */
    TwObject *big = mkrange(INT64_MIN, INT64_MAX, INT64_MAX);
    l = tw_list_from_iterable(big);
    CHECK_REPR(l, "[-9223372036854775808, -1, 9223372036854775806]");
    TW_XDECREF(l);
    TW_DECREF(big);
    TW_DECREF(i1);
    TW_DECREF(i0);
    TW_DECREF(i10);
    TW_DECREF(im3);
}

/* ---------------- slice ---------------- */

static void test_slice_repr_and_indices(void)
{
    TwObject *i1 = I(1), *i2 = I(2), *im1 = I(-1);
    TwObject *s = tw_slice_new(i1, i2, NULL);
    CHECK_REPR(s, "slice(1, 2, None)");
    TwSsize a, b, c;
    CHECK_EQ_INT(tw_slice_indices(s, 10, &a, &b, &c), 1);
    TW_DECREF(s);
    s = tw_slice_new(NULL, NULL, im1);
    CHECK_EQ_INT(tw_slice_indices(s, 5, &a, &b, &c), 5);
    CHECK(a == 4 && b == -1 && c == -1);
    TW_DECREF(s);
    s = tw_slice_new(im1, NULL, NULL);
    CHECK_EQ_INT(tw_slice_indices(s, 0, &a, &b, &c), 0);
    TwObject *str = S("x");
    TW_DECREF(s);
    s = tw_slice_new(str, NULL, NULL);
    CHECK(tw_slice_indices(s, 3, &a, &b, &c) < 0);
    CHECK_ERROR(TwExc_TypeError, "slice indices must be integers or None or have an __index__ method");
    TW_DECREF(s);
    TW_DECREF(str);
    TW_DECREF(i1);
    TW_DECREF(i2);
    TW_DECREF(im1);
}

static const TwTestCase cases[] = {
    TW_CASE(test_tuple_repr_forms),
    TW_CASE(test_tuple_hash_matches_cpython),
    TW_CASE(test_tuple_compare_concat_repeat_slice),
    TW_CASE(test_set_prints_int_keys_in_cpython_order),
    TW_CASE(test_set_operators_match_cpython),
    TW_CASE(test_set_add_discard_remove_pop),
    TW_CASE(test_set_iteration_detects_size_change),
    TW_CASE(test_frozenset_hash_repr_and_set_keys),
    TW_CASE(test_range_len_index_slice_repr),
    TW_CASE(test_range_constructor_errors_and_iteration),
    TW_CASE(test_slice_repr_and_indices),
};

static void setup(void)
{
    containers_setup_runtime();
    containers_warm_up(cases, TW_NCASES(cases));
}

int main(void)
{
    TwTestOptions opts = {setup, containers_live_blocks};
    return tw_test_run(cases, TW_NCASES(cases), &opts);
}
