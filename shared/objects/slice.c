/*
 * slice.c — slice objects (`a[1:2]`, `slice(1, None, -1)`) and the one place
 * that turns a slice plus a length into start/stop/step the way Python does.
 *
 * A slice holds three arbitrary objects (None where omitted).  Slices are
 * not tracked by the cycle collector: a slice inside a cycle is rare enough
 * that the cost of tracking every `a[i:j]` is not worth it.  Slices are
 * unhashable, as in Python 3.11.
 */
#include "twinpy/types.h"
#include "objects/containers.h"

#define SSIZE_MAX_ ((TwSsize)INTPTR_MAX)
#define SSIZE_MIN_ ((TwSsize)INTPTR_MIN)

TwObject *tw_slice_new(TwObject *start, TwObject *stop, TwObject *step)
{
    TwSliceObject *s = (TwSliceObject *)tw_object_alloc(&TwSlice_Type, sizeof(TwSliceObject));
    if (s == NULL)
        return NULL;
    s->start = tw_newref(start ? start : Tw_None);
    s->stop = tw_newref(stop ? stop : Tw_None);
    s->step = tw_newref(step ? step : Tw_None);
    return (TwObject *)s;
}

static void slice_dealloc(TwObject *op)
{
    TwSliceObject *s = (TwSliceObject *)op;
    TW_XDECREF(s->start);
    TW_XDECREF(s->stop);
    TW_XDECREF(s->step);
    tw_object_free(op, sizeof(TwSliceObject));
}

int tw_seq_index_from_object(TwObject *key, const char *what, TwSsize *out)
{
    if (TW_INT_CHECK(key)) {
        *out = (TwSsize)TW_INT_VALUE(key);
        return 0;
    }
    if (TW_TYPE(key)->nb_index != NULL)
        return tw_number_as_ssize(key, out);
    tw_err_format(TwExc_TypeError, "%s indices must be integers or slices, not %T", what, key);
    *out = -1;
    return -1;
}

/* One slice bound: None keeps the default, anything else must be an
 * integer (or have __index__). */
static int slice_bound(TwObject *v, TwSsize dflt, TwSsize *out)
{
    if (v == Tw_None) {
        *out = dflt;
        return 0;
    }
    if (TW_INT_CHECK(v)) {
        *out = (TwSsize)TW_INT_VALUE(v);
        return 0;
    }
    if (TW_TYPE(v)->nb_index != NULL)
        return tw_number_as_ssize(v, out);
    tw_err_set_string(TwExc_TypeError,
                      "slice indices must be integers or None or have an __index__ method");
    return -1;
}

/* Python's PySlice_Unpack: the fields as integers, defaults for None. */
int tw_slice_unpack(TwObject *slice, TwSsize *start, TwSsize *stop, TwSsize *step)
{
    TwSliceObject *s = (TwSliceObject *)slice;
    TwSsize st;
    if (slice_bound(s->step, 1, &st) < 0)
        return -1;
    if (st == 0) {
        tw_err_set_string(TwExc_ValueError, "slice step cannot be zero");
        return -1;
    }
    if (st < -SSIZE_MAX_)
        st = -SSIZE_MAX_;       /* so that -step cannot overflow */
    *step = st;
    if (slice_bound(s->start, st < 0 ? SSIZE_MAX_ : 0, start) < 0)
        return -1;
    if (slice_bound(s->stop, st < 0 ? SSIZE_MIN_ : SSIZE_MAX_, stop) < 0)
        return -1;
    return 0;
}

/* Python's PySlice_AdjustIndices: clamp start and stop into the sequence
 * and count the items the slice selects. */
TwSsize tw_slice_adjust(TwSsize length, TwSsize *start, TwSsize *stop, TwSsize step)
{
    TwSsize lo = *start, hi = *stop;
    if (lo < 0) {
        lo += length;
        if (lo < 0)
            lo = step < 0 ? -1 : 0;
    } else if (lo >= length) {
        lo = step < 0 ? length - 1 : length;
    }
    if (hi < 0) {
        hi += length;
        if (hi < 0)
            hi = step < 0 ? -1 : 0;
    } else if (hi >= length) {
        hi = step < 0 ? length - 1 : length;
    }
    *start = lo;
    *stop = hi;
    if (step < 0) {
        if (hi < lo)
            return (lo - hi - 1) / (-step) + 1;
    } else if (lo < hi) {
        return (hi - lo - 1) / step + 1;
    }
    return 0;
}

TwSsize tw_slice_indices(TwObject *slice, TwSsize length, TwSsize *start, TwSsize *stop, TwSsize *step)
{
    if (tw_slice_unpack(slice, start, stop, step) < 0)
        return -1;
    return tw_slice_adjust(length, start, stop, *step);
}

static TwObject *slice_repr(TwObject *op)
{
    TwSliceObject *s = (TwSliceObject *)op;
    return tw_str_from_format("slice(%R, %R, %R)", s->start, s->stop, s->step);
}

static TwObject *slice_richcompare(TwObject *a, TwObject *b, int op)
{
    if (TW_TYPE(a) != &TwSlice_Type || TW_TYPE(b) != &TwSlice_Type)
        return tw_newref(Tw_NotImplemented);
    if (a == b && (op == TW_EQ || op == TW_NE))
        return tw_bool_from(op == TW_EQ);
    TwSliceObject *x = (TwSliceObject *)a, *y = (TwSliceObject *)b;
    TwObject *tx = tw_tuple_pack(3, x->start, x->stop, x->step);
    if (tx == NULL)
        return NULL;
    TwObject *ty = tw_tuple_pack(3, y->start, y->stop, y->step);
    if (ty == NULL) {
        TW_DECREF(tx);
        return NULL;
    }
    TwObject *r = tw_object_richcompare(tx, ty, op);
    TW_DECREF(tx);
    TW_DECREF(ty);
    return r;
}

static TwObject *slice_new(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("slice", kwnames) < 0)
        return NULL;
    if (nargs < 1 || nargs > 3) {
        if (nargs == 0)
            return tw_err_format(TwExc_TypeError, "slice expected at least 1 argument, got 0");
        return tw_err_format(TwExc_TypeError, "slice expected at most 3 arguments, got %zd", (TwSsize)nargs);
    }
    if (nargs == 1)
        return tw_slice_new(NULL, args[0], NULL);
    return tw_slice_new(args[0], args[1], nargs == 3 ? args[2] : NULL);
}

static TwObject *slice_get_start(TwObject *op) { return tw_newref(((TwSliceObject *)op)->start); }
static TwObject *slice_get_stop(TwObject *op) { return tw_newref(((TwSliceObject *)op)->stop); }
static TwObject *slice_get_step(TwObject *op) { return tw_newref(((TwSliceObject *)op)->step); }

/* slice.indices(length) -> (start, stop, step) */
static TwObject *slice_indices_method(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("indices", kwnames) < 0 || tw_arg_check_count("indices", nargs, 1, 1) < 0)
        return NULL;
    TwSsize len, lo, hi, st;
    if (tw_number_as_ssize(args[0], &len) < 0)
        return NULL;
    if (len < 0) {
        tw_err_set_string(TwExc_ValueError, "length should not be negative");
        return NULL;
    }
    if (tw_slice_indices(self, len, &lo, &hi, &st) < 0)
        return NULL;
    TwObject *a = tw_int_from_i64(lo), *b = tw_int_from_i64(hi), *c = tw_int_from_i64(st);
    TwObject *r = (a && b && c) ? tw_tuple_pack(3, a, b, c) : NULL;
    TW_XDECREF(a);
    TW_XDECREF(b);
    TW_XDECREF(c);
    return r;
}

static const TwMethodDef slice_methods[] = {
    {"indices", slice_indices_method, 0},
    {NULL, NULL, 0},
};

static const TwGetSetDef slice_getset[] = {
    {"start", slice_get_start, NULL},
    {"stop", slice_get_stop, NULL},
    {"step", slice_get_step, NULL},
    {NULL, NULL, NULL},
};

TwTypeObject TwSlice_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "slice",
    .tp_basicsize = sizeof(TwSliceObject),
    .tp_dealloc = slice_dealloc,
    .tp_repr = slice_repr,
    .tp_hash = tw_object_hash_unhashable,
    .tp_richcompare = slice_richcompare,
    .tp_new = slice_new,
    .tp_methods = slice_methods,
    .tp_getset = slice_getset,
};
