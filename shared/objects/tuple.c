/*
 * tuple.c — the immutable sequence.
 *
 * Items live inline after the header.  The empty tuple is one immortal
 * object, made on first use with tw_gc_alloc (so that it carries the GC
 * prefix every object of a HAVE_GC type must have) and never tracked.
 *
 * GC: a tuple can only take part in a cycle through a container it holds.
 * Tuples made by tw_tuple_pack / tw_tuple_from_array whose items are all
 * "atomic" (int, float, str, bool, None) are left untracked; every other
 * non-empty tuple is tracked when it is made (its slots start NULL, which
 * tp_traverse skips, so filling them with TW_TUPLE_SET later is safe).
 *
 * Hash: CPython's xxHash-based tuplehash, so a tuple hashes as it does in
 * CPython (given CPython-equal item hashes), which keeps set and dict
 * iteration orders of tuples the same as CPython's.
 *
 * Concurrency: tuples never change after they are filled; nothing locks.
 */
#include <stdarg.h>
#include <string.h>

#include "twinpy/types.h"
#include "objects/containers.h"

static TwObject *g_empty_tuple;

static size_t tuple_size_bytes(TwSsize n)
{
    return sizeof(TwTupleObject) + (size_t)n * sizeof(TwObject *);
}

TwObject *tw_tuple_empty(void)
{
    TwObject *e = __atomic_load_n(&g_empty_tuple, __ATOMIC_ACQUIRE);
    if (e != NULL)
        return e;
    TwObject *fresh = tw_gc_alloc(&TwTuple_Type, tuple_size_bytes(0));
    if (fresh == NULL)
        return NULL;
    TW_SIZE(fresh) = 0;
    tw_set_immortal(fresh);
    TwObject *expected = NULL;
    if (!__atomic_compare_exchange_n(&g_empty_tuple, &expected, fresh, false,
                                     __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        tw_gc_free(fresh, tuple_size_bytes(0));
        return expected;
    }
    return fresh;
}

static TwObject *tuple_alloc(TwSsize n)
{
    if (n < 0) {
        tw_err_bad_internal_call("tw_tuple_new");
        return NULL;
    }
    if ((size_t)n > (SIZE_MAX - sizeof(TwTupleObject)) / sizeof(TwObject *)
        || tw_alloc_exceeds_memory(tuple_size_bytes(n)))
        return tw_err_no_memory();
    TwObject *t = tw_gc_alloc(&TwTuple_Type, tuple_size_bytes(n));
    if (t == NULL)
        return NULL;
    TW_SIZE(t) = n;
    memset(TW_TUPLE_ITEMS(t), 0, (size_t)n * sizeof(TwObject *));
    return t;
}

TwObject *tw_tuple_new(TwSsize n)
{
    if (n == 0)
        return tw_tuple_empty();
    TwObject *t = tuple_alloc(n);
    if (t != NULL)
        tw_gc_track(t);
    return t;
}

/* Objects that can never refer to other objects. */
static bool is_atomic(TwObject *o)
{
    TwTypeObject *tp = TW_TYPE(o);
    return tp == &TwInt_Type || tp == &TwStr_Type || tp == &TwFloat_Type ||
           tp == &TwBool_Type || o == Tw_None;
}

TwObject *tw_tuple_from_array(TwObject *const *items, TwSsize n)
{
    if (n == 0)
        return tw_tuple_empty();
    TwObject *t = tuple_alloc(n);
    if (t == NULL)
        return NULL;
    bool track = false;
    for (TwSsize i = 0; i < n; i++) {
        TW_TUPLE_ITEMS(t)[i] = tw_newref(items[i]);
        if (!is_atomic(items[i]))
            track = true;
    }
    if (track)
        tw_gc_track(t);
    return t;
}

TwObject *tw_tuple_pack(TwSsize n, ...)
{
    TwObject *buf[16];
    TwObject **items = buf;
    if (n > 16) {
        items = tw_mem_alloc((size_t)n * sizeof(TwObject *));
        if (items == NULL)
            return tw_err_no_memory();
    }
    va_list ap;
    va_start(ap, n);
    for (TwSsize i = 0; i < n; i++)
        items[i] = va_arg(ap, TwObject *);
    va_end(ap);
    TwObject *t = tw_tuple_from_array(items, n);
    if (items != buf)
        tw_mem_free(items, (size_t)n * sizeof(TwObject *));
    return t;
}

static void tuple_dealloc(TwObject *op)
{
    if (tw_gc_is_tracked(op))
        tw_gc_untrack(op);
    /* Instances of subclasses come here from the generic dealloc, which
     * already runs them through the trashcan. */
    bool guard = TW_TYPE(op) == &TwTuple_Type;
    if (guard && !tw_trashcan_begin(op))
        return;
    TwSsize n = TW_SIZE(op);
    for (TwSsize i = n; i-- > 0;)
        TW_XDECREF(TW_TUPLE_ITEMS(op)[i]);     /* last first, as CPython */
    tw_gc_free(op, tuple_size_bytes(n));
    if (guard)
        tw_trashcan_end();
}

static int tuple_traverse(TwObject *op, TwVisitFn visit, void *arg)
{
    for (TwSsize i = TW_SIZE(op); --i >= 0;) {
        TwObject *v = TW_TUPLE_ITEMS(op)[i];
        if (v != NULL) {
            int r = visit(v, arg);
            if (r)
                return r;
        }
    }
    return 0;
}

static TwObject *tuple_repr(TwObject *op)
{
    TwSsize n = TW_SIZE(op);
    if (n == 0)
        return tw_str_from_cstr("()");
    int rc = tw_repr_enter(op);
    if (rc < 0)
        return NULL;
    if (rc > 0)
        return tw_str_from_cstr("(...)");
    TwStrBuilder sb;
    tw_sb_init(&sb);
    if (tw_sb_append(&sb, "(", 1) < 0)
        goto fail;
    for (TwSsize i = 0; i < n; i++) {
        if (i > 0 && tw_sb_append(&sb, ", ", 2) < 0)
            goto fail;
        if (tw_sb_append_obj_repr(&sb, TW_TUPLE_ITEMS(op)[i]) < 0)
            goto fail;
    }
    if (tw_sb_append(&sb, n == 1 ? ",)" : ")", n == 1 ? 2 : 1) < 0)
        goto fail;
    tw_repr_leave(op);
    return tw_sb_finish(&sb);
fail:
    tw_repr_leave(op);
    tw_sb_discard(&sb);
    return NULL;
}

#define XXPRIME_1 ((uint64_t)11400714785074694791ULL)
#define XXPRIME_2 ((uint64_t)14029467366897019727ULL)
#define XXPRIME_5 ((uint64_t)2870177450012600261ULL)
#define XXROTATE(x) (((x) << 31) | ((x) >> 33))

static TwHash tuple_hash(TwObject *op)
{
    TwSsize n = TW_SIZE(op);
    uint64_t acc = XXPRIME_5;
    for (TwSsize i = 0; i < n; i++) {
        TwObject *item = TW_TUPLE_ITEMS(op)[i];
        TwHash h;
        /* a tuple in a tuple: C recursion, bounded by the recursion limit
         * (a tuple nested 200,000 deep would overflow the C stack) */
        if (TW_TUPLE_CHECK(item)) {
            if (tw_enter_recursive_call(" while hashing a tuple") < 0)
                return -1;
            h = tw_object_hash(item);
            tw_leave_recursive_call();
        } else {
            h = tw_object_hash(item);
        }
        if (h == -1)
            return -1;
        acc += (uint64_t)h * XXPRIME_2;
        acc = XXROTATE(acc);
        acc *= XXPRIME_1;
    }
    acc += (uint64_t)n ^ (XXPRIME_5 ^ 3527539UL);
    if (acc == (uint64_t)-1)
        return 1546275796;
    return (TwHash)acc;
}

static TwSsize tuple_len(TwObject *op) { return TW_SIZE(op); }

/* Lexicographic comparison: find the first index where the items differ
 * and compare those, else compare lengths. */
static TwObject *tuple_richcompare(TwObject *a, TwObject *b, int op)
{
    if (!TW_TUPLE_CHECK(a) || !TW_TUPLE_CHECK(b))
        return tw_newref(Tw_NotImplemented);
    TwSsize na = TW_SIZE(a), nb = TW_SIZE(b), i;
    for (i = 0; i < na && i < nb; i++) {
        int k = tw_object_richcompare_bool(TW_TUPLE_ITEMS(a)[i], TW_TUPLE_ITEMS(b)[i], TW_EQ);
        if (k < 0)
            return NULL;
        if (!k)
            break;
    }
    if (i >= na || i >= nb) {
        bool r;
        switch (op) {
        case TW_LT: r = na < nb; break;
        case TW_LE: r = na <= nb; break;
        case TW_EQ: r = na == nb; break;
        case TW_NE: r = na != nb; break;
        case TW_GT: r = na > nb; break;
        default: r = na >= nb; break;
        }
        return tw_bool_from(r);
    }
    if (op == TW_EQ)
        TW_RETURN_FALSE;
    if (op == TW_NE)
        TW_RETURN_TRUE;
    return tw_object_richcompare(TW_TUPLE_ITEMS(a)[i], TW_TUPLE_ITEMS(b)[i], op);
}

static TwObject *tuple_slice(TwObject *op, TwSsize start, TwSsize step, TwSsize len)
{
    if (len <= 0)
        return tw_tuple_empty();
    if (step == 1 && start == 0 && len == TW_SIZE(op) && TW_TYPE(op) == &TwTuple_Type)
        return tw_newref(op);
    TwObject *t = tuple_alloc(len);
    if (t == NULL)
        return NULL;
    for (TwSsize i = 0, j = start; i < len; i++, j += step)
        TW_TUPLE_ITEMS(t)[i] = tw_newref(TW_TUPLE_ITEMS(op)[j]);
    tw_gc_track(t);
    return t;
}

static TwObject *tuple_getitem(TwObject *op, TwObject *key)
{
    if (TW_TYPE(key) == &TwSlice_Type) {
        TwSsize lo, hi, st;
        TwSsize len = tw_slice_indices(key, TW_SIZE(op), &lo, &hi, &st);
        if (len < 0)
            return NULL;
        return tuple_slice(op, lo, st, len);
    }
    TwSsize i;
    if (tw_seq_index_from_object(key, "tuple", &i) < 0)
        return NULL;
    if (i < 0)
        i += TW_SIZE(op);
    if (i < 0 || i >= TW_SIZE(op)) {
        tw_err_set_string(TwExc_IndexError, "tuple index out of range");
        return NULL;
    }
    return tw_newref(TW_TUPLE_ITEMS(op)[i]);
}

static int tuple_contains(TwObject *op, TwObject *v)
{
    for (TwSsize i = 0; i < TW_SIZE(op); i++) {
        int k = tw_object_richcompare_bool(TW_TUPLE_ITEMS(op)[i], v, TW_EQ);
        if (k != 0)
            return k;
    }
    return 0;
}

static TwObject *tuple_concat(TwObject *a, TwObject *b)
{
    if (!TW_TUPLE_CHECK(a))
        return tw_newref(Tw_NotImplemented);
    if (!TW_TUPLE_CHECK(b)) {
        if (TW_TYPE(b)->tp_flags & TW_TPFLAGS_HEAPTYPE)
            return tw_newref(Tw_NotImplemented);
        return tw_err_format(TwExc_TypeError, "can only concatenate tuple (not \"%s\") to tuple",
                             tw_type_name(TW_TYPE(b)));
    }
    TwSsize na = TW_SIZE(a), nb = TW_SIZE(b);
    if (nb == 0 && TW_TYPE(a) == &TwTuple_Type)
        return tw_newref(a);
    if (na == 0 && TW_TYPE(b) == &TwTuple_Type)
        return tw_newref(b);
    if (na > INTPTR_MAX / 2 - nb)
        return tw_err_no_memory();
    TwObject *t = tuple_alloc(na + nb);
    if (t == NULL)
        return NULL;
    for (TwSsize i = 0; i < na; i++)
        TW_TUPLE_ITEMS(t)[i] = tw_newref(TW_TUPLE_ITEMS(a)[i]);
    for (TwSsize i = 0; i < nb; i++)
        TW_TUPLE_ITEMS(t)[na + i] = tw_newref(TW_TUPLE_ITEMS(b)[i]);
    tw_gc_track(t);
    return t;
}

static TwObject *tuple_repeat(TwObject *a, TwObject *b)
{
    TwObject *seq = a, *count = b;
    if (!TW_TUPLE_CHECK(seq)) {
        seq = b;
        count = a;
    }
    if (TW_TYPE(count)->nb_index == NULL && !TW_INT_CHECK(count)) {
        if ((TW_TYPE(count)->tp_flags & TW_TPFLAGS_HEAPTYPE) && count == b)
            return tw_newref(Tw_NotImplemented);
        return tw_err_format(TwExc_TypeError, "can't multiply sequence by non-int of type '%s'",
                             tw_type_name(TW_TYPE(count)));
    }
    TwSsize n;
    if (tw_number_as_ssize(count, &n) < 0)
        return NULL;
    TwSsize len = TW_SIZE(seq);
    if (n < 0)
        n = 0;
    if (len == 0 || n == 0)
        return tw_tuple_empty();
    if (n == 1 && TW_TYPE(seq) == &TwTuple_Type)
        return tw_newref(seq);
    if (len > INTPTR_MAX / 8 / n)
        return tw_err_no_memory();
    TwObject *t = tuple_alloc(len * n);
    if (t == NULL)
        return NULL;
    TwObject **dst = TW_TUPLE_ITEMS(t);
    for (TwSsize r = 0; r < n; r++)
        for (TwSsize i = 0; i < len; i++) {
            TwObject *v = TW_TUPLE_ITEMS(seq)[i];
            *dst++ = tw_newref(v);
        }
    tw_gc_track(t);
    return t;
}

/* tuple.index(x[, start[, stop]]) and list.index share these bounds rules:
 * negative values count from the end, then clamp into [0, len]. */
static void clamp_bounds(TwSsize len, TwSsize *start, TwSsize *stop)
{
    if (*start < 0) {
        *start += len;
        if (*start < 0)
            *start = 0;
    }
    if (*stop < 0) {
        *stop += len;
        if (*stop < 0)
            *stop = 0;
    }
    if (*stop > len)
        *stop = len;
}

static TwObject *tuple_index(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("index", kwnames) < 0 || tw_arg_check_count("index", nargs, 1, 3) < 0)
        return NULL;
    TwSsize start = 0, stop = INTPTR_MAX;
    if (nargs >= 2 && args[1] != Tw_None && tw_number_as_ssize(args[1], &start) < 0)
        return NULL;
    if (nargs >= 3 && args[2] != Tw_None && tw_number_as_ssize(args[2], &stop) < 0)
        return NULL;
    clamp_bounds(TW_SIZE(self), &start, &stop);
    for (TwSsize i = start; i < stop && i < TW_SIZE(self); i++) {
        int k = tw_object_richcompare_bool(TW_TUPLE_ITEMS(self)[i], args[0], TW_EQ);
        if (k < 0)
            return NULL;
        if (k)
            return tw_int_from_i64(i);
    }
    tw_err_set_string(TwExc_ValueError, "tuple.index(x): x not in tuple");
    return NULL;
}

static TwObject *tuple_count(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("count", kwnames) < 0 || tw_arg_check_count("count", nargs, 1, 1) < 0)
        return NULL;
    TwSsize c = 0;
    for (TwSsize i = 0; i < TW_SIZE(self); i++) {
        int k = tw_object_richcompare_bool(TW_TUPLE_ITEMS(self)[i], args[0], TW_EQ);
        if (k < 0)
            return NULL;
        c += k;
    }
    return tw_int_from_i64(c);
}

/* tuple(iterable): a tuple or list is copied directly, anything else is
 * gathered into a list first. */
static TwObject *tuple_from_iterable(TwObject *it)
{
    if (TW_TYPE(it) == &TwTuple_Type)
        return tw_newref(it);
    if (TW_LIST_CHECK(it))
        return tw_list_as_tuple(it);
    TwObject *l = tw_list_from_iterable(it);
    if (l == NULL)
        return NULL;
    TwObject *t = tw_list_as_tuple(l);
    TW_DECREF(l);
    return t;
}

static TwObject *tuple_new(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("tuple", kwnames) < 0)
        return NULL;
    if (nargs > 1)
        return tw_err_format(TwExc_TypeError, "tuple expected at most 1 argument, got %zd", (TwSsize)nargs);
    if (nargs == 0)
        return tw_tuple_empty();
    return tuple_from_iterable(args[0]);
}

/* ---------------- iterator ----------------------------------------- */

typedef struct {
    TwObject ob_base;
    TwSsize index;
    TwObject *seq;            /* NULL once exhausted */
} TupleIter;

static TwObject *tuple_iter(TwObject *op)
{
    TupleIter *it = (TupleIter *)tw_gc_alloc(&TwTupleIter_Type, sizeof(TupleIter));
    if (it == NULL)
        return NULL;
    it->index = 0;
    it->seq = tw_newref(op);
    tw_gc_track((TwObject *)it);
    return (TwObject *)it;
}

static void tupleiter_dealloc(TwObject *op)
{
    if (tw_gc_is_tracked(op))
        tw_gc_untrack(op);
    TW_XDECREF(((TupleIter *)op)->seq);
    tw_gc_free(op, sizeof(TupleIter));
}

static int tupleiter_traverse(TwObject *op, TwVisitFn visit, void *arg)
{
    TupleIter *it = (TupleIter *)op;
    return it->seq ? visit(it->seq, arg) : 0;
}

/* Shared iterators: containers.h, I1-I2. */
static TwObject *tupleiter_next(TwObject *op)
{
    TupleIter *it = (TupleIter *)op;
    tw_bias_check_read(op);
    TwObject *seq = tw_atomic_load_ptr(&it->seq);
    if (seq == NULL)
        return NULL;
    TwSsize i = tw_atomic_load_ssize(&it->index);
    if (i < TW_SIZE(seq)) {
        tw_atomic_store_ssize(&it->index, i + 1);
        return tw_newref(TW_TUPLE_ITEMS(seq)[i]);
    }
    tw_iter_release(op, &it->seq, seq);
    return NULL;
}

static TwObject *iter_self(TwObject *op) { return tw_newref(op); }

static TwObject *tupleiter_length_hint(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    TupleIter *it = (TupleIter *)self;
    tw_bias_check_read(self);
    TwObject *seq = tw_atomic_load_ptr(&it->seq);
    TwSsize n = seq ? TW_SIZE(seq) - tw_atomic_load_ssize(&it->index) : 0;
    return tw_int_from_i64(n < 0 ? 0 : n);
}

static const TwMethodDef tupleiter_methods[] = {
    {"__length_hint__", tupleiter_length_hint, 0},
    {NULL, NULL, 0},
};

TwTypeObject TwTupleIter_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "tuple_iterator",
    .tp_basicsize = sizeof(TupleIter),
    .tp_flags = TW_TPFLAGS_HAVE_GC,
    .tp_dealloc = tupleiter_dealloc,
    .tp_traverse = tupleiter_traverse,
    .tp_iter = iter_self,
    .tp_iternext = tupleiter_next,
    .tp_methods = tupleiter_methods,
};

static TwObject *tuple_getnewargs(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return tw_tuple_pack(1, self);
}

static const TwMethodDef tuple_methods[] = {
    {"index", tuple_index, 0},
    {"count", tuple_count, 0},
    {"__getnewargs__", tuple_getnewargs, 0},
    {NULL, NULL, 0},
};

TwTypeObject TwTuple_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "tuple",
    .tp_basicsize = sizeof(TwTupleObject),
    .tp_itemsize = sizeof(TwObject *),
    .tp_flags = TW_TPFLAGS_HAVE_GC | TW_TPFLAGS_TUPLE_SUBCLASS,
    .tp_dealloc = tuple_dealloc,
    .tp_repr = tuple_repr,
    .tp_hash = tuple_hash,
    .tp_richcompare = tuple_richcompare,
    .tp_iter = tuple_iter,
    .tp_new = tuple_new,
    .tp_traverse = tuple_traverse,
    .nb = {[TW_BINOP_ADD] = tuple_concat, [TW_BINOP_MUL] = tuple_repeat},
    .tp_len = tuple_len,
    .tp_getitem = tuple_getitem,
    .tp_contains = tuple_contains,
    .tp_methods = tuple_methods,
};
