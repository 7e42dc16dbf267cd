/*
 * test_dict.c — the dict type: lookups, insertion order through deletes and
 * resizes, methods, constructor forms, views, iteration errors, and keys
 * whose __eq__ mutates the dict.
 */
#include "container_helpers.h"

static void test_dict_set_get_del_and_missing_key_error(void)
{
    TwObject *d = tw_dict_new();
    TwObject *a = S("a"), *one = I(1), *two = I(2), *v;
    CHECK(tw_dict_set(d, a, one) == 0);
    CHECK(tw_dict_get_ref(d, a, &v) == 1);
    CHECK_EQ_INT(ival(v), 1);
    TW_XDECREF(v);
    CHECK(tw_dict_set(d, a, two) == 0);                 /* replace */
    CHECK_EQ_INT(tw_dict_size(d), 1);
    CHECK_EQ_INT(ival(tw_dict_get_borrowed(d, a)), 2);
    CHECK(tw_dict_get_ref(d, one, &v) == 0 && v == NULL);
    /* d[missing] raises KeyError(key) */
    CHECK(tw_object_getitem(d, one) == NULL);
    TwObject *exc = tw_err_fetch();
    CHECK(exc != NULL && tw_err_given_matches(exc, TwExc_KeyError));
    if (exc) {
        TwObject *args = ((TwBaseExceptionObject *)exc)->args;
        CHECK(args && TW_TUPLE_SIZE(args) == 1 && TW_TUPLE_GET(args, 0) == one);
        TW_DECREF(exc);
    }
    TwObject *skey = S("zz");
    CHECK(tw_object_getitem(d, skey) == NULL);
    CHECK_ERROR(TwExc_KeyError, "'zz'");
    TW_DECREF(skey);
    CHECK(tw_dict_del(d, a) == 0);
    CHECK_EQ_INT(tw_dict_size(d), 0);
    CHECK(tw_dict_del(d, a) < 0);
    CHECK_ERROR(TwExc_KeyError, "'a'");
    CHECK(tw_dict_contains(d, a) == 0);
    TW_DECREF(a);
    TW_DECREF(one);
    TW_DECREF(two);
    TW_DECREF(d);
}

static void test_dict_keeps_insertion_order_across_delete_and_reinsert(void)
{
    TwObject *d = tw_dict_new();
    const char *names[] = {"a", "b", "c", "d", "e"};
    for (int i = 0; i < 5; i++) {
        TwObject *v = I(i + 1);
        tw_dict_set_str(d, names[i], v);
        TW_DECREF(v);
    }
    CHECK_REPR(d, "{'a': 1, 'b': 2, 'c': 3, 'd': 4, 'e': 5}");
    TwObject *b = S("b"), *nine = I(9);
    CHECK(tw_dict_del(d, b) == 0);
    CHECK_REPR(d, "{'a': 1, 'c': 3, 'd': 4, 'e': 5}");
    CHECK(tw_dict_set(d, b, nine) == 0);
    CHECK_REPR(d, "{'a': 1, 'c': 3, 'd': 4, 'e': 5, 'b': 9}");
    /* replacing a value keeps its place */
    TwObject *c = S("c");
    CHECK(tw_dict_set(d, c, nine) == 0);
    CHECK_REPR(d, "{'a': 1, 'c': 9, 'd': 4, 'e': 5, 'b': 9}");
    TW_DECREF(c);
    TW_DECREF(b);
    TW_DECREF(nine);
    TW_DECREF(d);
}

static void test_dict_many_inserts_and_deletes_keep_contents_and_order(void)
{
    TwObject *d = tw_dict_new();
    const int n = 20000;
    for (int i = 0; i < n; i++) {
        TwObject *k = I(i * 7), *v = I(i);
        CHECK(tw_dict_set(d, k, v) == 0);
        TW_DECREF(k);
        TW_DECREF(v);
    }
    CHECK_EQ_INT(tw_dict_size(d), n);
    for (int i = 0; i < n; i += 2) {
        TwObject *k = I(i * 7);
        CHECK(tw_dict_del(d, k) == 0);
        TW_DECREF(k);
    }
    CHECK_EQ_INT(tw_dict_size(d), n / 2);
    int missing = 0, wrong = 0;
    for (int i = 0; i < n; i++) {
        TwObject *k = I(i * 7), *v = NULL;
        int r = tw_dict_get_ref(d, k, &v);
        if (i % 2 == 0 ? r != 0 : r != 1)
            missing++;
        if (r == 1 && ival(v) != i)
            wrong++;
        TW_XDECREF(v);
        TW_DECREF(k);
    }
    CHECK_EQ_INT(missing, 0);
    CHECK_EQ_INT(wrong, 0);
    /* reinsert the evens: they now come after every odd key */
    for (int i = 0; i < n; i += 2) {
        TwObject *k = I(i * 7), *v = I(-i);
        tw_dict_set(d, k, v);
        TW_DECREF(k);
        TW_DECREF(v);
    }
    TwSsize pos = 0;
    TwObject *k, *v;
    int idx = 0, order_bad = 0;
    while (tw_dict_next(d, &pos, &k, &v)) {
        int64_t expect = idx < n / 2 ? (2 * idx + 1) * 7 : (2 * (idx - n / 2)) * 7;
        if (ival(k) != expect)
            order_bad++;
        idx++;
    }
    CHECK_EQ_INT(idx, n);
    CHECK_EQ_INT(order_bad, 0);
    /* popping everything empties it */
    for (int i = 0; i < n; i++) {
        TwObject *item = callm(d, "popitem", 0);
        TW_XDECREF(item);
    }
    CHECK_NO_ERROR();
    CHECK_EQ_INT(tw_dict_size(d), 0);
    TW_DECREF(d);
}

static void test_dict_unhashable_key_raises_type_error(void)
{
    TwObject *d = tw_dict_new(), *l = tw_list_new(0), *one = I(1);
    CHECK(tw_dict_set(d, l, one) < 0);
    CHECK_ERROR(TwExc_TypeError, "unhashable type: 'list'");
    TwObject *v;
    CHECK(tw_dict_get_ref(d, l, &v) < 0);
    CHECK_ERROR(TwExc_TypeError, "unhashable type: 'list'");
    CHECK(tw_object_getitem(d, l) == NULL);
    CHECK_ERROR(TwExc_TypeError, "unhashable type: 'list'");
    CHECK(tw_dict_contains(d, d) < 0);
    CHECK_ERROR(TwExc_TypeError, "unhashable type: 'dict'");
    CHECK(tw_object_hash(d) == -1);
    CHECK_ERROR(TwExc_TypeError, "unhashable type: 'dict'");
    TW_DECREF(d);
    TW_DECREF(l);
    TW_DECREF(one);
}

static void test_dict_methods_get_setdefault_pop_popitem(void)
{
    TwObject *d = tw_dict_new();
    TwObject *a = S("a"), *b = S("b"), *one = I(1), *two = I(2);
    TwObject *r = callm(d, "get", 1, a);
    CHECK(r == Tw_None);
    TW_XDECREF(r);
    r = callm(d, "get", 2, a, two);
    CHECK_EQ_INT(ival(r), 2);
    TW_XDECREF(r);
    r = callm(d, "setdefault", 2, a, one);
    CHECK_EQ_INT(ival(r), 1);
    TW_XDECREF(r);
    r = callm(d, "setdefault", 2, a, two);                /* already there */
    CHECK_EQ_INT(ival(r), 1);
    TW_XDECREF(r);
    r = callm(d, "setdefault", 1, b);
    CHECK(r == Tw_None);
    TW_XDECREF(r);
    CHECK_REPR(d, "{'a': 1, 'b': None}");
    r = callm(d, "popitem", 0);
    CHECK_REPR(r, "('b', None)");
    TW_XDECREF(r);
    r = callm(d, "pop", 1, a);
    CHECK_EQ_INT(ival(r), 1);
    TW_XDECREF(r);
    r = callm(d, "pop", 2, a, two);
    CHECK_EQ_INT(ival(r), 2);
    TW_XDECREF(r);
    CHECK(callm(d, "pop", 1, a) == NULL);
    CHECK_ERROR(TwExc_KeyError, "'a'");
    CHECK(callm(d, "popitem", 0) == NULL);
    CHECK_ERROR(TwExc_KeyError, "'popitem(): dictionary is empty'");
    TW_DECREF(a);
    TW_DECREF(b);
    TW_DECREF(one);
    TW_DECREF(two);
    TW_DECREF(d);
}

static TwObject *pairs_list(void)
{
    TwObject *l = tw_list_new(0);
    for (int i = 0; i < 3; i++) {
        char name[2] = {(char)('x' + i), 0};
        TwObject *k = S(name), *v = I(i);
        TwObject *t = tw_tuple_pack(2, k, v);
        tw_list_append(l, t);
        TW_DECREF(t);
        TW_DECREF(k);
        TW_DECREF(v);
    }
    return l;
}

static void test_dict_constructor_and_update_forms(void)
{
    TwObject *dict = (TwObject *)&TwDict_Type;
    /* dict(a=1, b=2) */
    TwObject *ka = tw_str_intern_cstr("a"), *kb = tw_str_intern_cstr("b");
    TwObject *kwn = tw_tuple_pack(2, ka, kb);
    TwObject *one = I(1), *two = I(2);
    TwObject *vals[3] = {one, two};
    TwObject *d = tw_call(dict, vals, 0, kwn);
    CHECK_REPR(d, "{'a': 1, 'b': 2}");
    /* dict(pairs) and dict(mapping, **kw) */
    TwObject *pl = pairs_list();
    TwObject *arg1[1] = {pl};
    TwObject *d2 = tw_call(dict, arg1, 1, NULL);
    CHECK_REPR(d2, "{'x': 0, 'y': 1, 'z': 2}");
    TwObject *arg3[3] = {d2, one, two};
    TwObject *d3 = tw_call(dict, arg3, 1, kwn);
    CHECK_REPR(d3, "{'x': 0, 'y': 1, 'z': 2, 'a': 1, 'b': 2}");
    /* update(pairs) */
    TwObject *d4 = tw_dict_new();
    CHECK_OK(callm(d4, "update", 1, pl));
    CHECK_REPR(d4, "{'x': 0, 'y': 1, 'z': 2}");
    CHECK(tw_dict_merge(d4, d2, false) < 0);
    CHECK_ERROR(TwExc_TypeError, NULL);
    CHECK(tw_dict_merge(d4, d, true) == 0);
    CHECK_EQ_INT(tw_dict_size(d4), 5);
    /* bad element lengths */
    TwObject *bad = tw_list_new(0);
    TwObject *triple = tw_tuple_pack(3, one, one, one);
    tw_list_append(bad, triple);
    TwObject *arg_bad[1] = {bad};
    CHECK(tw_call(dict, arg_bad, 1, NULL) == NULL);
    CHECK_ERROR(TwExc_ValueError, "dictionary update sequence element #0 has length 3; 2 is required");
    TwObject *bad2 = tw_list_new(0);
    tw_list_append(bad2, one);
    TwObject *arg_bad2[1] = {bad2};
    CHECK(tw_call(dict, arg_bad2, 1, NULL) == NULL);
    CHECK_ERROR(TwExc_TypeError, "cannot convert dictionary update sequence element #0 to a sequence");
    TwObject *arg_two[2] = {pl, pl};
    CHECK(tw_call(dict, arg_two, 2, NULL) == NULL);
    CHECK_ERROR(TwExc_TypeError, "dict expected at most 1 argument, got 2");
    TW_DECREF(bad2);
    TW_DECREF(triple);
    TW_DECREF(bad);
    TW_XDECREF(d4);
    TW_XDECREF(d3);
    TW_XDECREF(d2);
    TW_DECREF(pl);
    TW_XDECREF(d);
    TW_DECREF(kwn);
    TW_DECREF(one);
    TW_DECREF(two);
}

static void test_dict_views_len_iter_contains_repr(void)
{
    TwObject *pl = pairs_list();
    TwObject *d = tw_dict_new();
    tw_dict_update(d, pl);
    TwObject *keys = callm(d, "keys", 0), *values = callm(d, "values", 0), *items = callm(d, "items", 0);
    CHECK_REPR(keys, "dict_keys(['x', 'y', 'z'])");
    CHECK_REPR(values, "dict_values([0, 1, 2])");
    CHECK_REPR(items, "dict_items([('x', 0), ('y', 1), ('z', 2)])");
    CHECK_EQ_INT(tw_object_len(keys), 3);
    TwObject *y = S("y"), *one = I(1), *zero = I(0);
    CHECK(tw_object_contains(keys, y) == 1);
    CHECK(tw_object_contains(keys, one) == 0);
    TwObject *pair = tw_tuple_pack(2, y, one), *pair2 = tw_tuple_pack(2, y, zero);
    CHECK(tw_object_contains(items, pair) == 1);
    CHECK(tw_object_contains(items, pair2) == 0);
    TwObject *kl = tw_list_from_iterable(keys);
    CHECK_REPR(kl, "['x', 'y', 'z']");
    TW_XDECREF(kl);
    /* `for k, v in d.items()` */
    TwObject *it = tw_object_iter(items), *t;
    int64_t sum = 0;
    while ((t = tw_iter_next(it)) != NULL) {
        sum += ival(TW_TUPLE_GET(t, 1));
        TW_DECREF(t);
    }
    CHECK_EQ_INT(sum, 3);
    TW_DECREF(it);
    /* views are live */
    tw_dict_set(d, one, one);
    CHECK_EQ_INT(tw_object_len(values), 4);
    /* keys views compare as sets */
    TwObject *s = tw_set_new(keys);
    CHECK(tw_object_richcompare_bool(keys, s, TW_EQ) == 1);
    TW_XDECREF(s);
    TwObject *rev = callm(d, "__reversed__", 0);
    TwObject *rl = rev ? tw_list_from_iterable(rev) : NULL;
    CHECK_REPR(rl, "[1, 'z', 'y', 'x']");
    TW_XDECREF(rl);
    TW_XDECREF(rev);
    TW_DECREF(pair);
    TW_DECREF(pair2);
    TW_DECREF(y);
    TW_DECREF(one);
    TW_DECREF(zero);
    TW_XDECREF(keys);
    TW_XDECREF(values);
    TW_XDECREF(items);
    TW_DECREF(d);
    TW_DECREF(pl);
}

static void test_dict_iteration_raises_when_size_changes(void)
{
    TwObject *pl = pairs_list();
    TwObject *d = tw_dict_new();
    tw_dict_update(d, pl);
    TwObject *it = tw_object_iter(d);
    TwObject *k = tw_iter_next(it);
    CHECK_REPR(k, "'x'");
    TW_XDECREF(k);
    TwObject *q = S("q");
    tw_dict_set(d, q, q);
    CHECK(tw_iter_next(it) == NULL);
    CHECK_ERROR(TwExc_RuntimeError, "dictionary changed size during iteration");
    CHECK(tw_iter_next(it) == NULL);                  /* and keeps raising */
    CHECK_ERROR(TwExc_RuntimeError, "dictionary changed size during iteration");
    TW_DECREF(it);
    /* deleting while iterating is caught the same way */
    it = tw_object_iter(d);
    k = tw_iter_next(it);
    tw_dict_del(d, k);
    TW_XDECREF(k);
    CHECK(tw_iter_next(it) == NULL);
    CHECK_ERROR(TwExc_RuntimeError, "dictionary changed size during iteration");
    TW_DECREF(it);
    TW_DECREF(q);
    TW_DECREF(d);
    TW_DECREF(pl);
}

static void test_dict_equality_ignores_order(void)
{
    TwObject *a = tw_dict_new(), *b = tw_dict_new();
    TwObject *x = S("x"), *y = S("y"), *one = I(1), *two = I(2);
    tw_dict_set(a, x, one);
    tw_dict_set(a, y, two);
    tw_dict_set(b, y, two);
    tw_dict_set(b, x, one);
    CHECK(tw_object_richcompare_bool(a, b, TW_EQ) == 1);
    tw_dict_set(b, x, two);
    CHECK(tw_object_richcompare_bool(a, b, TW_EQ) == 0);
    CHECK(tw_object_richcompare_bool(a, b, TW_NE) == 1);
    TW_DECREF(x);
    TW_DECREF(y);
    TW_DECREF(one);
    TW_DECREF(two);
    TW_DECREF(b);
    TW_DECREF(a);
}

static void test_dict_repr_of_self_containing_dict(void)
{
    TwObject *d = tw_dict_new();
    TwObject *k = S("self");
    tw_dict_set(d, k, d);
    CHECK_REPR(d, "{'self': {...}}");
    tw_dict_clear(d);
    TW_DECREF(k);
    TW_DECREF(d);
}

static void test_dict_str_keys_match_by_value(void)
{
    TwObject *d = tw_dict_new();
    TwObject *one = I(1), *v;
    CHECK(tw_dict_set_str(d, "name", one) == 0);
    TwObject *fresh = tw_str_from_utf8("name", 4);           /* not interned */
    CHECK(tw_dict_get_ref(d, fresh, &v) == 1);
    CHECK(v == one);
    TW_XDECREF(v);
    CHECK(tw_dict_get_ref_str(d, "name", &v) == 1);
    TW_XDECREF(v);
    CHECK(tw_dict_get_ref_str(d, "nam", &v) == 0);
    TW_DECREF(fresh);
    TW_DECREF(one);
    TW_DECREF(d);
}

/* A key type whose __eq__ mutates a dict: every EvilKey hashes alike. */
typedef struct {
    TwObject ob_base;
} EvilKey;

static TwObject *g_evil_dict;
static int g_evil_budget;

static TwHash evil_hash(TwObject *o) { return 42; }

static TwObject *evil_richcompare(TwObject *a, TwObject *b, int op)
{
    if (g_evil_dict != NULL && g_evil_budget > 0) {
        g_evil_budget--;
        tw_dict_clear(g_evil_dict);
        for (int i = 0; i < 100; i++) {
            TwObject *k = I(1000 + i);
            tw_dict_set(g_evil_dict, k, k);
            TW_DECREF(k);
        }
    }
    return tw_bool_from((a == b) == (op == TW_EQ));
}

static void evil_dealloc(TwObject *o) { tw_object_free(o, sizeof(EvilKey)); }

static TwTypeObject EvilKey_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "EvilKey",
    .tp_basicsize = sizeof(EvilKey),
    .tp_dealloc = evil_dealloc,
    .tp_hash = evil_hash,
    .tp_richcompare = evil_richcompare,
};

static void test_dict_key_eq_that_mutates_dict_does_not_crash(void)
{
    TwObject *k1 = tw_object_alloc(&EvilKey_Type, sizeof(EvilKey));
    TwObject *k2 = tw_object_alloc(&EvilKey_Type, sizeof(EvilKey));
    TwObject *k3 = tw_object_alloc(&EvilKey_Type, sizeof(EvilKey));
    TwObject *d = tw_dict_new(), *one = I(1), *v;
    tw_dict_set(d, k1, one);
    g_evil_dict = d;
    g_evil_budget = 1;
    CHECK(tw_dict_set(d, k2, one) == 0);       /* __eq__(k1, k2) empties d */
    CHECK_NO_ERROR();
    CHECK(tw_dict_contains(d, k2) == 1);
    CHECK(tw_dict_contains(d, k1) == 0);
    CHECK_EQ_INT(tw_dict_size(d), 101);
    g_evil_budget = 1;
    CHECK(tw_dict_get_ref(d, k3, &v) == 0);     /* lookup restarts, finds nothing */
    CHECK_NO_ERROR();
    CHECK_EQ_INT(tw_dict_size(d), 100);
    g_evil_budget = 1;
    tw_dict_set(d, k2, one);
    CHECK(tw_dict_del(d, k3) < 0);
    CHECK_ERROR(TwExc_KeyError, NULL);
    g_evil_dict = NULL;
    TW_DECREF(d);
    TW_DECREF(one);
    TW_DECREF(k1);
    TW_DECREF(k2);
    TW_DECREF(k3);
}

static void test_dict_copy_clear_fromkeys(void)
{
    TwObject *pl = pairs_list();
    TwObject *d = tw_dict_new();
    tw_dict_update(d, pl);
    TwObject *x = S("x");
    tw_dict_del(d, x);
    TwObject *c = tw_dict_copy(d);
    CHECK_REPR(c, "{'y': 1, 'z': 2}");
    tw_dict_set(c, x, x);
    CHECK_EQ_INT(tw_dict_size(d), 2);
    CHECK_OK(callm(d, "clear", 0));
    CHECK_REPR(d, "{}");
    TwObject *zero = I(0);
    TwObject *fk = tw_object_getattr_str((TwObject *)&TwDict_Type, "fromkeys");
    TwObject *args[2] = {c, zero};
    TwObject *f = fk ? tw_call(fk, args, 2, NULL) : NULL;
    CHECK_REPR(f, "{'y': 0, 'z': 0, 'x': 0}");
    TW_XDECREF(f);
    TW_XDECREF(fk);
    TwObject *kl = tw_dict_keys_list(c), *vl = tw_dict_values_list(c), *il = tw_dict_items_list(c);
    CHECK_REPR(kl, "['y', 'z', 'x']");
    CHECK_REPR(vl, "[1, 2, 'x']");
    CHECK_REPR(il, "[('y', 1), ('z', 2), ('x', 'x')]");
    TW_XDECREF(kl);
    TW_XDECREF(vl);
    TW_XDECREF(il);
    TW_DECREF(zero);
    TW_DECREF(x);
    TW_DECREF(c);
    TW_DECREF(d);
    TW_DECREF(pl);
}

static const TwTestCase cases[] = {
    TW_CASE(test_dict_set_get_del_and_missing_key_error),
    TW_CASE(test_dict_keeps_insertion_order_across_delete_and_reinsert),
    TW_CASE(test_dict_many_inserts_and_deletes_keep_contents_and_order),
    TW_CASE(test_dict_unhashable_key_raises_type_error),
    TW_CASE(test_dict_methods_get_setdefault_pop_popitem),
    TW_CASE(test_dict_constructor_and_update_forms),
    TW_CASE(test_dict_views_len_iter_contains_repr),
    TW_CASE(test_dict_iteration_raises_when_size_changes),
    TW_CASE(test_dict_equality_ignores_order),
    TW_CASE(test_dict_repr_of_self_containing_dict),
    TW_CASE(test_dict_str_keys_match_by_value),
    TW_CASE(test_dict_key_eq_that_mutates_dict_does_not_crash),
    TW_CASE(test_dict_copy_clear_fromkeys),
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
