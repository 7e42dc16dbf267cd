/*
 * range.c — range(start, stop, step): an immutable arithmetic sequence.
 *
 * twinpy ints are 64-bit, so a range keeps start, stop and step as int64
 * and its length as uint64 (a range like range(-2**63, 2**63-1) has more
 * items than fit in a signed length; len() of it raises OverflowError, as
 * CPython's does past sys.maxsize).  Items are computed as
 * start + i*step in wrapping unsigned arithmetic: the true value always
 * lies between start and stop, so the wrapped result is exact.
 *
 * Ranges hold no objects, so they are not tracked by the cycle collector
 * and need no locking.
 */
#include "twinpy/types.h"
#include "objects/containers.h"

typedef struct {
    TwObject ob_base;
    int64_t start, stop, step;
    uint64_t len;
} RangeObject;

#define R(op) ((RangeObject *)(op))

static uint64_t range_length(int64_t lo, int64_t hi, int64_t step)
{
    if (step > 0) {
        if (lo >= hi)
            return 0;
        return ((uint64_t)hi - (uint64_t)lo - 1) / (uint64_t)step + 1;
    }
    if (lo <= hi)
        return 0;
    return ((uint64_t)lo - (uint64_t)hi - 1) / ((uint64_t)0 - (uint64_t)step) + 1;
}

static inline int64_t range_item(RangeObject *r, uint64_t i)
{
    return (int64_t)((uint64_t)r->start + i * (uint64_t)r->step);
}

TwObject *tw_range_new(int64_t start, int64_t stop, int64_t step)
{
    if (step == 0) {
        tw_err_set_string(TwExc_ValueError, "range() arg 3 must not be zero");
        return NULL;
    }
    RangeObject *r = (RangeObject *)tw_object_alloc(&TwRange_Type, sizeof(RangeObject));
    if (r == NULL)
        return NULL;
    r->start = start;
    r->stop = stop;
    r->step = step;
    r->len = range_length(start, stop, step);
    return (TwObject *)r;
}

static void range_dealloc(TwObject *op)
{
    tw_object_free(op, sizeof(RangeObject));
}

static int as_i64(TwObject *o, int64_t *out)
{
    TwSsize v;
    if (TW_INT_CHECK(o)) {
        *out = TW_INT_VALUE(o);
        return 0;
    }
    if (tw_number_as_ssize(o, &v) < 0)
        return -1;
    *out = (int64_t)v;
    return 0;
}

static TwObject *range_new_slot(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (kwnames != NULL && TW_TUPLE_SIZE(kwnames) > 0)
        return tw_err_format(TwExc_TypeError, "range() takes no keyword arguments");
    if (nargs == 0)
        return tw_err_format(TwExc_TypeError, "range expected at least 1 argument, got 0");
    if (nargs > 3)
        return tw_err_format(TwExc_TypeError, "range expected at most 3 arguments, got %zd", (TwSsize)nargs);
    int64_t start = 0, stop, step = 1;
    if (nargs == 1) {
        if (as_i64(args[0], &stop) < 0)
            return NULL;
    } else {
        if (as_i64(args[0], &start) < 0 || as_i64(args[1], &stop) < 0)
            return NULL;
        if (nargs == 3 && as_i64(args[2], &step) < 0)
            return NULL;
    }
    return tw_range_new(start, stop, step);
}

static TwSsize range_len(TwObject *op)
{
    if (R(op)->len > (uint64_t)INT64_MAX) {
        tw_err_set_string(TwExc_OverflowError, "Python int too large to convert to C ssize_t");
        return -1;
    }
    return (TwSsize)R(op)->len;
}

static int range_bool(TwObject *op) { return R(op)->len != 0; }

static TwObject *range_repr(TwObject *op)
{
    RangeObject *r = R(op);
    if (r->step == 1)
        return tw_str_from_format("range(%lld, %lld)", (long long)r->start, (long long)r->stop);
    return tw_str_from_format("range(%lld, %lld, %lld)", (long long)r->start, (long long)r->stop,
                              (long long)r->step);
}

/* Index of integer v in r, or -1 if v is not an item. */
static int64_t range_index_of(RangeObject *r, int64_t v)
{
    if (r->step > 0) {
        if (v < r->start || v >= r->stop)
            return -1;
        uint64_t off = (uint64_t)v - (uint64_t)r->start;
        if (off % (uint64_t)r->step != 0)
            return -1;
        return (int64_t)(off / (uint64_t)r->step);
    }
    if (v > r->start || v <= r->stop)
        return -1;
    uint64_t off = (uint64_t)r->start - (uint64_t)v;
    uint64_t st = (uint64_t)0 - (uint64_t)r->step;
    if (off % st != 0)
        return -1;
    return (int64_t)(off / st);
}

static bool is_plain_int(TwObject *o)
{
    return TW_TYPE(o) == &TwInt_Type || TW_TYPE(o) == &TwBool_Type;
}

/* Generic membership/count for non-int values: compare with every item. */
static TwSsize range_count_generic(RangeObject *r, TwObject *v, bool stop_at_first, int64_t *first)
{
    TwSsize count = 0;
    for (uint64_t i = 0; i < r->len; i++) {
        TwObject *item = tw_int_from_i64(range_item(r, i));
        if (item == NULL)
            return -1;
        int k = tw_object_richcompare_bool(item, v, TW_EQ);
        TW_DECREF(item);
        if (k < 0)
            return -1;
        if (k) {
            count++;
            if (stop_at_first) {
                *first = (int64_t)i;
                return count;
            }
        }
    }
    return count;
}

static int range_contains(TwObject *op, TwObject *v)
{
    if (is_plain_int(v))
        return range_index_of(R(op), TW_INT_VALUE(v)) >= 0;
    int64_t first;
    TwSsize c = range_count_generic(R(op), v, true, &first);
    return c < 0 ? -1 : c > 0;
}

static TwObject *range_getitem(TwObject *op, TwObject *key)
{
    RangeObject *r = R(op);
    if (TW_TYPE(key) == &TwSlice_Type) {
        TwSsize len = range_len(op);
        if (len < 0)
            return NULL;
        TwSsize lo, hi, st;
        if (tw_slice_indices(key, len, &lo, &hi, &st) < 0)
            return NULL;
        __int128 nstart = (__int128)r->start + (__int128)lo * r->step;
        __int128 nstop = (__int128)r->start + (__int128)hi * r->step;
        __int128 nstep = (__int128)r->step * st;
        if (nstart < INT64_MIN || nstart > INT64_MAX || nstop < INT64_MIN || nstop > INT64_MAX ||
            nstep < INT64_MIN || nstep > INT64_MAX) {
            tw_err_set_string(TwExc_OverflowError, "range slice out of 64-bit range");
            return NULL;
        }
        return tw_range_new((int64_t)nstart, (int64_t)nstop, (int64_t)nstep);
    }
    TwSsize i;
    if (tw_seq_index_from_object(key, "range", &i) < 0)
        return NULL;
    uint64_t idx;
    if (i < 0) {
        uint64_t back = (uint64_t)0 - (uint64_t)i;
        if (back > r->len)
            goto out_of_range;
        idx = r->len - back;
    } else {
        idx = (uint64_t)i;
        if (idx >= r->len)
            goto out_of_range;
    }
    return tw_int_from_i64(range_item(r, idx));
out_of_range:
    tw_err_set_string(TwExc_IndexError, "range object index out of range");
    return NULL;
}

static TwObject *range_richcompare(TwObject *a, TwObject *b, int op)
{
    if (TW_TYPE(a) != &TwRange_Type || TW_TYPE(b) != &TwRange_Type || (op != TW_EQ && op != TW_NE))
        return tw_newref(Tw_NotImplemented);
    RangeObject *x = R(a), *y = R(b);
    bool eq;
    if (x->len != y->len)
        eq = false;
    else if (x->len == 0)
        eq = true;
    else if (x->start != y->start)
        eq = false;
    else
        eq = x->len == 1 || x->step == y->step;
    return tw_bool_from(eq == (op == TW_EQ));
}

/* CPython: hash((len, start, step)) with None for what does not matter. */
static TwHash range_hash(TwObject *op)
{
    RangeObject *r = R(op);
    TwObject *len = tw_int_from_i64((int64_t)r->len);
    TwObject *start = NULL, *step = NULL, *t = NULL;
    TwHash h = -1;
    if (len == NULL)
        return -1;
    if (r->len == 0) {
        t = tw_tuple_pack(3, len, Tw_None, Tw_None);
    } else {
        start = tw_int_from_i64(r->start);
        if (start != NULL) {
            if (r->len == 1) {
                t = tw_tuple_pack(3, len, start, Tw_None);
            } else {
                step = tw_int_from_i64(r->step);
                if (step != NULL)
                    t = tw_tuple_pack(3, len, start, step);
            }
        }
    }
    if (t != NULL)
        h = tw_object_hash(t);
    TW_XDECREF(t);
    TW_XDECREF(len);
    TW_XDECREF(start);
    TW_XDECREF(step);
    return h;
}

static TwObject *range_m_index(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("index", kwnames) < 0 || tw_arg_check_count("index", nargs, 1, 1) < 0)
        return NULL;
    int64_t i = -1;
    if (is_plain_int(args[0])) {
        i = range_index_of(R(self), TW_INT_VALUE(args[0]));
    } else {
        TwSsize c = range_count_generic(R(self), args[0], true, &i);
        if (c < 0)
            return NULL;
        if (c == 0)
            i = -1;
    }
    if (i < 0)
        return tw_err_format(TwExc_ValueError, "%R is not in range", args[0]);
    return tw_int_from_i64(i);
}

static TwObject *range_m_count(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("count", kwnames) < 0 || tw_arg_check_count("count", nargs, 1, 1) < 0)
        return NULL;
    if (is_plain_int(args[0]))
        return tw_int_from_i64(range_index_of(R(self), TW_INT_VALUE(args[0])) >= 0);
    int64_t first;
    TwSsize c = range_count_generic(R(self), args[0], false, &first);
    return c < 0 ? NULL : tw_int_from_i64(c);
}

static TwObject *range_get_start(TwObject *op) { return tw_int_from_i64(R(op)->start); }
static TwObject *range_get_stop(TwObject *op) { return tw_int_from_i64(R(op)->stop); }
static TwObject *range_get_step(TwObject *op) { return tw_int_from_i64(R(op)->step); }

/* ---------------- iterator ------------------------------------------ */

typedef struct {
    TwObject ob_base;
    uint64_t first;           /* first value, as wrapping unsigned */
    uint64_t step;
    uint64_t count;
    uint64_t index;           /* values given so far (relaxed atomics) */
} RangeIter;

static TwObject *rangeiter_new(int64_t first, uint64_t step, uint64_t count)
{
    RangeIter *it = (RangeIter *)tw_object_alloc(&TwRangeIter_Type, sizeof(RangeIter));
    if (it == NULL)
        return NULL;
    it->first = (uint64_t)first;
    it->step = step;
    it->count = count;
    it->index = 0;
    return (TwObject *)it;
}

static TwObject *range_iter(TwObject *op)
{
    RangeObject *r = R(op);
    return rangeiter_new(r->start, (uint64_t)r->step, r->len);
}

static TwObject *range_m_reversed(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    RangeObject *r = R(self);
    if (r->len == 0)
        return rangeiter_new(0, 1, 0);
    return rangeiter_new(range_item(r, r->len - 1), (uint64_t)0 - (uint64_t)r->step, r->len);
}

static void rangeiter_dealloc(TwObject *op)
{
    tw_object_free(op, sizeof(RangeIter));
}

/* The iterator's next value into *v; false once it is exhausted.  Shared
 * iterators (containers.h, I1): threads racing on one iterator may lose
 * an update of the index (a value is given twice), but every value is
 * computed from an index below count, so none is ever out of the range. */
static inline bool rangeiter_advance(RangeIter *it, int64_t *v)
{
    uint64_t i = __atomic_load_n(&it->index, __ATOMIC_RELAXED);
    if (i >= it->count)
        return false;
    __atomic_store_n(&it->index, i + 1, __ATOMIC_RELAXED);
    *v = (int64_t)(it->first + i * it->step);
    return true;
}

static TwObject *rangeiter_next(TwObject *op)
{
    int64_t v;
    return rangeiter_advance((RangeIter *)op, &v) ? tw_int_from_i64(v) : NULL;
}

int tw_rangeiter_next_into(TwObject *op, TwObject **slot)
{
    int64_t v;
    if (!rangeiter_advance((RangeIter *)op, &v))
        return 0;
    TwObject *old = *slot;
    /* A loop counter is usually an int only the local holds (the last
     * iteration's): the loop then makes and frees no int per iteration. */
    if (old != NULL && TW_INT_CHECK_EXACT(old) && (v < TW_SMALL_INT_MIN || v > TW_SMALL_INT_MAX)
        && tw_refcnt_is_unshared(old, 1)) {
        TW_INT_VALUE(old) = v;
        return 1;
    }
    TwObject *n = tw_int_from_i64(v);
    if (n == NULL)
        return -1;
    *slot = n;
    TW_XDECREF(old);
    return 1;
}

static TwObject *iter_self(TwObject *op) { return tw_newref(op); }

static TwObject *rangeiter_length_hint(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    RangeIter *it = (RangeIter *)self;
    uint64_t i = __atomic_load_n(&it->index, __ATOMIC_RELAXED);
    uint64_t n = i < it->count ? it->count - i : 0;
    return tw_int_from_i64(n > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)n);
}

static const TwMethodDef rangeiter_methods[] = {
    {"__length_hint__", rangeiter_length_hint, 0},
    {NULL, NULL, 0},
};

TwTypeObject TwRangeIter_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "range_iterator",
    .tp_basicsize = sizeof(RangeIter),
    .tp_dealloc = rangeiter_dealloc,
    .tp_iter = iter_self,
    .tp_iternext = rangeiter_next,
    .tp_methods = rangeiter_methods,
};

static const TwMethodDef range_methods[] = {
    {"index", range_m_index, 0},
    {"count", range_m_count, 0},
    {"__reversed__", range_m_reversed, 0},
    {NULL, NULL, 0},
};

static const TwGetSetDef range_getset[] = {
    {"start", range_get_start, NULL},
    {"stop", range_get_stop, NULL},
    {"step", range_get_step, NULL},
    {NULL, NULL, NULL},
};

TwTypeObject TwRange_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "range",
    .tp_basicsize = sizeof(RangeObject),
    .tp_dealloc = range_dealloc,
    .tp_repr = range_repr,
    .tp_hash = range_hash,
    .tp_richcompare = range_richcompare,
    .tp_iter = range_iter,
    .tp_new = range_new_slot,
    .nb_bool = range_bool,
    .tp_len = range_len,
    .tp_getitem = range_getitem,
    .tp_contains = range_contains,
    .tp_methods = range_methods,
    .tp_getset = range_getset,
};
