/*
 * test_list.c — the list type: indexing, methods, slices, sort, operators,
 * repr, iteration, GC and deep deallocation, with CPython's error messages.
 */
#include "container_helpers.h"

static void test_list_append_and_index_read_back_in_order(void)
{
    TwObject *l = tw_list_new(0);
    for (int i = 0; i < 1000; i++) {
        TwObject *x = I(i * 3);
        CHECK(tw_list_append(l, x) == 0);
        TW_DECREF(x);
    }
    CHECK_EQ_INT(TW_LIST_SIZE(l), 1000);
    for (int i = 0; i < 1000; i += 97) {
        TwObject *v = tw_list_get(l, i);
        CHECK_EQ_INT(ival(v), i * 3);
        TW_XDECREF(v);
    }
    TwObject *last = tw_list_get(l, -1);
    CHECK_EQ_INT(ival(last), 2997);
    TW_XDECREF(last);
    TwObject *k = I(-1000), *v = tw_object_getitem(l, k);
    CHECK_EQ_INT(ival(v), 0);
    TW_XDECREF(v);
    TW_DECREF(k);
    TW_DECREF(l);
}

static void test_list_bad_index_raises_cpython_errors(void)
{
    TwObject *l = tw_list_new(0);
    TwObject *one = I(1);
    tw_list_append(l, one);
    CHECK(tw_list_get(l, 1) == NULL);
    CHECK_ERROR(TwExc_IndexError, "list index out of range");
    CHECK(tw_list_get(l, -2) == NULL);
    CHECK_ERROR(TwExc_IndexError, "list index out of range");
    CHECK(tw_list_set(l, 5, one) < 0);
    CHECK_ERROR(TwExc_IndexError, "list assignment index out of range");
    TwObject *key = S("x");
    CHECK(tw_object_getitem(l, key) == NULL);
    CHECK_ERROR(TwExc_TypeError, "list indices must be integers or slices, not str");
    TwObject *two = I(2);
    CHECK(tw_object_delitem(l, two) < 0);
    CHECK_ERROR(TwExc_IndexError, "list assignment index out of range");
    TW_DECREF(two);
    TW_DECREF(key);
    TW_DECREF(one);
    TW_DECREF(l);
}

static void test_list_methods_insert_pop_remove_index_count(void)
{
    int64_t v[] = {1, 2, 3, 2};
    TwObject *l = int_list(v, 4);
    TwObject *zero = I(0), *nine = I(9), *two = I(2), *four = I(4), *big = I(100), *neg = I(-100);
    CHECK_OK(callm(l, "insert", 2, zero, nine));      /* [9, 1, 2, 3, 2] */
    CHECK_OK(callm(l, "insert", 2, big, four));       /* [9, 1, 2, 3, 2, 4] */
    CHECK_OK(callm(l, "insert", 2, neg, zero));       /* [0, 9, 1, 2, 3, 2, 4] */
    CHECK_REPR(l, "[0, 9, 1, 2, 3, 2, 4]");
    TwObject *c = callm(l, "count", 1, two);
    CHECK_EQ_INT(ival(c), 2);
    TW_XDECREF(c);
    TwObject *ix = callm(l, "index", 1, two);
    CHECK_EQ_INT(ival(ix), 3);
    TW_XDECREF(ix);
    TwObject *start = I(4);
    ix = callm(l, "index", 2, two, start);
    CHECK_EQ_INT(ival(ix), 5);
    TW_XDECREF(ix);
    TW_DECREF(start);
    CHECK(callm(l, "index", 1, big) == NULL);
    CHECK_ERROR(TwExc_ValueError, "100 is not in list");
    CHECK_OK(callm(l, "remove", 1, two));             /* first 2 goes */
    CHECK_REPR(l, "[0, 9, 1, 3, 2, 4]");
    CHECK(callm(l, "remove", 1, big) == NULL);
    CHECK_ERROR(TwExc_ValueError, "list.remove(x): x not in list");
    TwObject *p = callm(l, "pop", 0);
    CHECK_EQ_INT(ival(p), 4);
    TW_XDECREF(p);
    TwObject *one = I(1);
    p = callm(l, "pop", 1, one);
    CHECK_EQ_INT(ival(p), 9);
    TW_XDECREF(p);
    CHECK(callm(l, "pop", 1, big) == NULL);
    CHECK_ERROR(TwExc_IndexError, "pop index out of range");
    CHECK_OK(callm(l, "reverse", 0));
    CHECK_REPR(l, "[2, 3, 1, 0]");
    CHECK_OK(callm(l, "clear", 0));
    CHECK_REPR(l, "[]");
    CHECK(callm(l, "pop", 0) == NULL);
    CHECK_ERROR(TwExc_IndexError, "pop from empty list");
    TW_DECREF(one);
    TW_DECREF(zero);
    TW_DECREF(nine);
    TW_DECREF(two);
    TW_DECREF(four);
    TW_DECREF(big);
    TW_DECREF(neg);
    TW_DECREF(l);
}

/* l[a:b:c] for Python-style optional parts (NULL = None). */
static TwObject *slice3(TwObject *a, TwObject *b, TwObject *c)
{
    return tw_slice_new(a, b, c);
}

static void test_list_slices_get_set_del_with_steps(void)
{
    int64_t v[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    TwObject *l = int_list(v, 10);
    TwObject *i1 = I(1), *i2 = I(2), *i3 = I(3), *i8 = I(8), *im1 = I(-1), *im3 = I(-3);

    TwObject *sl = slice3(i1, i8, i3), *r = tw_object_getitem(l, sl);
    CHECK_REPR(r, "[1, 4, 7]");
    TW_XDECREF(r);
    TW_DECREF(sl);
    sl = slice3(NULL, NULL, im1);
    r = tw_object_getitem(l, sl);
    CHECK_REPR(r, "[9, 8, 7, 6, 5, 4, 3, 2, 1, 0]");
    TW_XDECREF(r);
    TW_DECREF(sl);
    sl = slice3(im3, NULL, NULL);
    r = tw_object_getitem(l, sl);
    CHECK_REPR(r, "[7, 8, 9]");
    TW_XDECREF(r);
    TW_DECREF(sl);

    /* grow: l[1:3] = [a, b, c, d] */
    int64_t ins[] = {100, 101, 102, 103};
    TwObject *four = int_list(ins, 4);
    sl = slice3(i1, i3, NULL);
    CHECK(tw_object_setitem(l, sl, four) == 0);
    TW_DECREF(sl);
    CHECK_REPR(l, "[0, 100, 101, 102, 103, 3, 4, 5, 6, 7, 8, 9]");
    /* shrink: l[1:5] = () */
    TwObject *empty = tw_tuple_empty();
    TwObject *i5 = I(5);
    sl = slice3(i1, i5, NULL);
    CHECK(tw_object_setitem(l, sl, empty) == 0);
    TW_DECREF(sl);
    CHECK_REPR(l, "[0, 3, 4, 5, 6, 7, 8, 9]");
    /* extended assignment must match in size */
    sl = slice3(NULL, NULL, i2);
    CHECK(tw_object_setitem(l, sl, four) == 0);
    CHECK_REPR(l, "[100, 3, 101, 5, 102, 7, 103, 9]");
    TwObject *two = tw_tuple_pack(2, i1, i2);
    CHECK(tw_object_setitem(l, sl, two) < 0);
    CHECK_ERROR(TwExc_ValueError, "attempt to assign sequence of size 2 to extended slice of size 4");
    CHECK(tw_object_setitem(l, sl, i1) < 0);
    CHECK_ERROR(TwExc_TypeError, "must assign iterable to extended slice");
    TW_DECREF(sl);
    sl = slice3(NULL, NULL, NULL);
    CHECK(tw_object_setitem(l, sl, i1) < 0);
    CHECK_ERROR(TwExc_TypeError, "can only assign an iterable");
    TW_DECREF(sl);
    /* del l[::-3] removes 9, 102, 3 */
    sl = slice3(NULL, NULL, im3);
    CHECK(tw_object_delitem(l, sl) == 0);
    TW_DECREF(sl);
    CHECK_REPR(l, "[100, 101, 5, 7, 103]");
    /* l[:] = l */
    sl = slice3(NULL, NULL, NULL);
    CHECK(tw_object_setitem(l, sl, l) == 0);
    CHECK_REPR(l, "[100, 101, 5, 7, 103]");
    /* zero step */
    TwObject *i0 = I(0);
    TwObject *sz = slice3(NULL, NULL, i0);
    CHECK(tw_object_getitem(l, sz) == NULL);
    CHECK_ERROR(TwExc_ValueError, "slice step cannot be zero");
    TW_DECREF(sz);
    TW_DECREF(i0);
    /* del l[:] */
    CHECK(tw_object_delitem(l, sl) == 0);
    CHECK_REPR(l, "[]");
    TW_DECREF(sl);

    TW_DECREF(two);
    TW_DECREF(four);
    TW_DECREF(i5);
    TW_DECREF(i1);
    TW_DECREF(i2);
    TW_DECREF(i3);
    TW_DECREF(i8);
    TW_DECREF(im1);
    TW_DECREF(im3);
    TW_DECREF(l);
}

/* key=first item of a tuple */
static TwObject *key_first(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return tw_newref(TW_TUPLE_GET(args[0], 0));
}
static const TwMethodDef key_first_def = {"key_first", key_first, 0};

static TwObject *sort_kw(TwObject *l, TwObject *key, bool reverse)
{
    TwObject *kwn = tw_tuple_pack(2, S("key"), S("reverse"));
    /* tw_tuple_pack borrowed the new strings: drop our references */
    TW_DECREF(TW_TUPLE_GET(kwn, 0));
    TW_DECREF(TW_TUPLE_GET(kwn, 1));
    TwObject *meth = tw_object_getattr_str(l, "sort");
    TwObject *args[2] = {key, reverse ? Tw_True : Tw_False};
    TwObject *r = meth ? tw_call(meth, args, 0, kwn) : NULL;
    TW_XDECREF(meth);
    TW_DECREF(kwn);
    return r;
}

static void test_list_sort_is_stable_with_key_and_reverse(void)
{
    /* (key, original position): many equal keys */
    TwObject *l = tw_list_new(0);
    int n = 500;
    for (int i = 0; i < n; i++) {
        TwObject *k = I((i * 7919) % 13), *p = I(i);
        TwObject *t = tw_tuple_pack(2, k, p);
        tw_list_append(l, t);
        TW_DECREF(t);
        TW_DECREF(k);
        TW_DECREF(p);
    }
    TwObject *key = tw_cfunction_new(&key_first_def, NULL);
    for (int rev = 0; rev < 2; rev++) {
        TwObject *r = sort_kw(l, key, rev);
        CHECK(r == Tw_None);
        TW_XDECREF(r);
        CHECK_NO_ERROR();
        CHECK_EQ_INT(TW_LIST_SIZE(l), n);
        int bad = 0;
        for (int i = 1; i < n; i++) {
            TwObject *a = tw_list_get(l, i - 1), *b = tw_list_get(l, i);
            int64_t ka = ival(TW_TUPLE_GET(a, 0)), kb = ival(TW_TUPLE_GET(b, 0));
            int64_t pa = ival(TW_TUPLE_GET(a, 1)), pb = ival(TW_TUPLE_GET(b, 1));
            if (rev ? ka < kb : ka > kb)
                bad++;
            /* equal keys keep their original order (positions ascending) */
            if (ka == kb && pa > pb)
                bad++;
            TW_DECREF(a);
            TW_DECREF(b);
        }
        CHECK_EQ_INT(bad, 0);
        /* restore original order for the reverse round: sort by position */
        if (rev == 0) {
            TwObject *r2 = sort_kw(l, Tw_None, false);  /* tuples: (key, pos) lexicographic */
            TW_XDECREF(r2);
            TwObject *rebuilt = tw_list_new(0);
            for (int i = 0; i < n; i++) {
                TwObject *k = I((i * 7919) % 13), *p = I(i);
                TwObject *t = tw_tuple_pack(2, k, p);
                tw_list_append(rebuilt, t);
                TW_DECREF(t);
                TW_DECREF(k);
                TW_DECREF(p);
            }
            TwObject *all = slice3(NULL, NULL, NULL);
            tw_object_setitem(l, all, rebuilt);
            TW_DECREF(all);
            TW_DECREF(rebuilt);
        }
    }
    TW_DECREF(key);
    TW_DECREF(l);
}

static void test_list_sort_orders_ints_strs_and_floats(void)
{
    int64_t v[] = {5, -3, 99, 0, 5, 12, -100, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                   16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, -1};
    int n = (int)(sizeof v / sizeof v[0]);
    TwObject *l = int_list(v, n);
    CHECK(tw_list_sort(l, NULL, false) == 0);
    int bad = 0;
    for (int i = 1; i < n; i++) {
        TwObject *a = tw_list_get(l, i - 1), *b = tw_list_get(l, i);
        if (ival(a) > ival(b))
            bad++;
        TW_DECREF(a);
        TW_DECREF(b);
    }
    CHECK_EQ_INT(bad, 0);
    TW_DECREF(l);

    TwObject *s = tw_list_new(0);
    const char *words[] = {"pear", "apple", "\xc3\xa9t\xc3\xa9", "Zebra", "app", "banana"};
    for (int i = 0; i < 6; i++) {
        TwObject *w = S(words[i]);
        tw_list_append(s, w);
        TW_DECREF(w);
    }
    CHECK(tw_list_sort(s, NULL, true) == 0);
    CHECK_REPR(s, "['\xc3\xa9t\xc3\xa9', 'pear', 'banana', 'apple', 'app', 'Zebra']");
    TW_DECREF(s);
}

static void test_list_sort_comparison_error_keeps_every_item(void)
{
    TwObject *l = tw_list_new(0);
    TwObject *a = I(3), *b = S("x"), *c = I(1);
    tw_list_append(l, a);
    tw_list_append(l, b);
    tw_list_append(l, c);
    CHECK(tw_list_sort(l, NULL, false) < 0);
    CHECK_ERROR(TwExc_TypeError, NULL);
    CHECK_EQ_INT(TW_LIST_SIZE(l), 3);
    CHECK(tw_object_contains(l, a) == 1 && tw_object_contains(l, b) == 1 && tw_object_contains(l, c) == 1);
    TW_DECREF(a);
    TW_DECREF(b);
    TW_DECREF(c);
    TW_DECREF(l);
}

static TwObject *g_sorting_list;
static TwObject *key_that_appends(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_list_append(g_sorting_list, args[0]) < 0)
        return NULL;
    return tw_newref(args[0]);
}
static const TwMethodDef key_appends_def = {"key_that_appends", key_that_appends, 0};

static void test_list_modified_during_sort_raises_value_error(void)
{
    int64_t v[] = {3, 1, 2};
    TwObject *l = int_list(v, 3);
    g_sorting_list = l;
    TwObject *key = tw_cfunction_new(&key_appends_def, NULL);
    CHECK(tw_list_sort(l, key, false) < 0);
    CHECK_ERROR(TwExc_ValueError, "list modified during sort");
    /* the sorted items come back; what the key function added is dropped */
    CHECK_REPR(l, "[1, 2, 3]");
    TW_DECREF(key);
    TW_DECREF(l);
    g_sorting_list = NULL;
}

static void test_list_operators_concat_repeat_inplace(void)
{
    int64_t a[] = {1, 2}, b[] = {3};
    TwObject *x = int_list(a, 2), *y = int_list(b, 1), *three = I(3), *zero = I(0);
    TwObject *r = tw_number_binop(x, y, TW_BINOP_ADD);
    CHECK_REPR(r, "[1, 2, 3]");
    TW_XDECREF(r);
    r = tw_number_binop(x, three, TW_BINOP_MUL);
    CHECK_REPR(r, "[1, 2, 1, 2, 1, 2]");
    TW_XDECREF(r);
    r = tw_number_binop(three, y, TW_BINOP_MUL);
    CHECK_REPR(r, "[3, 3, 3]");
    TW_XDECREF(r);
    r = tw_number_binop(x, zero, TW_BINOP_MUL);
    CHECK_REPR(r, "[]");
    TW_XDECREF(r);
    TwObject *t = tw_tuple_pack(1, three);
    CHECK(tw_number_binop(x, t, TW_BINOP_ADD) == NULL);
    CHECK_ERROR(TwExc_TypeError, "can only concatenate list (not \"tuple\") to list");
    r = tw_number_inplace(x, t, TW_BINOP_ADD);          /* += takes any iterable */
    CHECK(r == x);
    TW_XDECREF(r);
    CHECK_REPR(x, "[1, 2, 3]");
    TwObject *two = I(2);
    r = tw_number_inplace(x, two, TW_BINOP_MUL);
    CHECK(r == x);
    TW_XDECREF(r);
    CHECK_REPR(x, "[1, 2, 3, 1, 2, 3]");
    CHECK(tw_list_extend(x, x) == 0);
    CHECK_EQ_INT(TW_LIST_SIZE(x), 12);
    TW_DECREF(two);
    TW_DECREF(t);
    TW_DECREF(x);
    TW_DECREF(y);
    TW_DECREF(three);
    TW_DECREF(zero);
}

static void test_list_compares_lexicographically(void)
{
    int64_t a[] = {1, 2}, b[] = {1, 3}, c[] = {1, 2, 0};
    TwObject *x = int_list(a, 2), *y = int_list(b, 2), *z = int_list(c, 3), *x2 = int_list(a, 2);
    CHECK(tw_object_richcompare_bool(x, y, TW_LT) == 1);
    CHECK(tw_object_richcompare_bool(y, x, TW_LT) == 0);
    CHECK(tw_object_richcompare_bool(x, z, TW_LT) == 1);
    CHECK(tw_object_richcompare_bool(z, x, TW_GE) == 1);
    CHECK(tw_object_richcompare_bool(x, x2, TW_EQ) == 1);
    CHECK(tw_object_richcompare_bool(x, z, TW_EQ) == 0);
    CHECK(tw_object_richcompare_bool(x, x2, TW_LE) == 1);
    CHECK(tw_object_richcompare_bool(x, y, TW_NE) == 1);
    TW_DECREF(x);
    TW_DECREF(y);
    TW_DECREF(z);
    TW_DECREF(x2);
}

static void test_list_repr_marks_self_reference(void)
{
    TwObject *l = tw_list_new(0);
    TwObject *one = I(1), *s = S("a'b");
    tw_list_append(l, one);
    tw_list_append(l, s);
    CHECK_REPR(l, "[1, \"a'b\"]");
    tw_list_append(l, l);
    CHECK_REPR(l, "[1, \"a'b\", [...]]");
    /* break the cycle by hand */
    TwObject *popped = callm(l, "pop", 0);
    CHECK(popped == l);
    TW_XDECREF(popped);
    TW_DECREF(one);
    TW_DECREF(s);
    TW_DECREF(l);
}

static void test_list_iteration_contains_and_reversed(void)
{
    int64_t v[] = {4, 5, 6};
    TwObject *l = int_list(v, 3);
    TwObject *it = tw_object_iter(l), *x;
    int64_t sum = 0, order = 0;
    while ((x = tw_iter_next(it)) != NULL) {
        order = order * 10 + ival(x);
        sum += ival(x);
        TW_DECREF(x);
    }
    CHECK_NO_ERROR();
    CHECK_EQ_INT(order, 456);
    TW_DECREF(it);
    TwObject *rev = callm(l, "__reversed__", 0);
    CHECK(rev != NULL);
    order = 0;
    while (rev && (x = tw_iter_next(rev)) != NULL) {
        order = order * 10 + ival(x);
        TW_DECREF(x);
    }
    CHECK_EQ_INT(order, 654);
    TW_XDECREF(rev);
    TwObject *five = I(5), *seven = I(7);
    CHECK(tw_object_contains(l, five) == 1);
    CHECK(tw_object_contains(l, seven) == 0);
    CHECK_EQ_INT(tw_object_len(l), 3);
    /* an iterator sees appends made while it runs, and stops at the end */
    it = tw_object_iter(l);
    x = tw_iter_next(it);
    TW_XDECREF(x);
    tw_list_append(l, seven);
    int count = 0;
    while ((x = tw_iter_next(it)) != NULL) {
        count++;
        TW_DECREF(x);
    }
    CHECK_EQ_INT(count, 3);
    TW_DECREF(it);
    TW_DECREF(five);
    TW_DECREF(seven);
    TW_DECREF(l);
}

static void test_list_is_unhashable(void)
{
    TwObject *l = tw_list_new(0);
    CHECK(tw_object_hash(l) == -1);
    CHECK_ERROR(TwExc_TypeError, "unhashable type: 'list'");
    TW_DECREF(l);
}

static void test_list_constructor_copy_and_tuple(void)
{
    int64_t v[] = {1, 2, 3};
    TwObject *src = int_list(v, 3);
    TwObject *t = tw_list_as_tuple(src);
    CHECK_REPR(t, "(1, 2, 3)");
    TwObject *arg[1] = {t};
    TwObject *l2 = tw_call((TwObject *)&TwList_Type, arg, 1, NULL);
    CHECK_REPR(l2, "[1, 2, 3]");
    TwObject *l3 = tw_call((TwObject *)&TwList_Type, NULL, 0, NULL);
    CHECK_REPR(l3, "[]");
    TwObject *c = callm(src, "copy", 0);
    CHECK(c != NULL && c != src);
    CHECK_REPR(c, "[1, 2, 3]");
    TwObject *fromit = tw_list_from_iterable(l2);
    CHECK_REPR(fromit, "[1, 2, 3]");
    TW_XDECREF(fromit);
    TW_XDECREF(c);
    TW_XDECREF(l2);
    TW_XDECREF(l3);
    TW_DECREF(t);
    TW_DECREF(src);
}

static void test_list_cycle_is_collected(void)
{
    TwObject *a = tw_list_new(0), *b = tw_list_new(0);
    tw_list_append(a, b);
    tw_list_append(b, a);
    TW_DECREF(a);
    TW_DECREF(b);
    CHECK(tw_gc_collect(2) >= 2);
    CHECK_NO_ERROR();
}

static void test_list_nested_100000_deep_frees_without_overflow(void)
{
    TwObject *l = tw_list_new(0);
    for (int i = 0; i < 100000; i++) {
        TwObject *outer = tw_list_new(0);
        tw_list_append(outer, l);
        TW_DECREF(l);
        l = outer;
    }
    TW_DECREF(l);
    CHECK(1);
}

static void setup(void);

static const TwTestCase cases[] = {
    TW_CASE(test_list_append_and_index_read_back_in_order),
    TW_CASE(test_list_bad_index_raises_cpython_errors),
    TW_CASE(test_list_methods_insert_pop_remove_index_count),
    TW_CASE(test_list_slices_get_set_del_with_steps),
    TW_CASE(test_list_sort_is_stable_with_key_and_reverse),
    TW_CASE(test_list_sort_orders_ints_strs_and_floats),
    TW_CASE(test_list_sort_comparison_error_keeps_every_item),
    TW_CASE(test_list_modified_during_sort_raises_value_error),
    TW_CASE(test_list_operators_concat_repeat_inplace),
    TW_CASE(test_list_compares_lexicographically),
    TW_CASE(test_list_repr_marks_self_reference),
    TW_CASE(test_list_iteration_contains_and_reversed),
    TW_CASE(test_list_is_unhashable),
    TW_CASE(test_list_constructor_copy_and_tuple),
    TW_CASE(test_list_cycle_is_collected),
    TW_CASE(test_list_nested_100000_deep_frees_without_overflow),
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
