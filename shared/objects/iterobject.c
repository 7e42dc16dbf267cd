/*
 * iterobject.c — iteration helpers shared by the containers:
 *   - TwSeqIter_Type: iter() over an object that has __getitem__ but no
 *     __iter__ (the old sequence protocol): items 0, 1, 2, ... until
 *     IndexError or StopIteration;
 *   - tw_iterate: "for item in iterable" for C code.
 * The iterators of tuple, list, dict, set and range live in their files.
 */
#include "twinpy/types.h"
#include "objects/containers.h"

typedef struct {
    TwObject ob_base;
    TwSsize index;
    TwObject *seq;            /* NULL once exhausted */
} SeqIter;

TwObject *tw_seqiter_new(TwObject *seq)
{
    SeqIter *it = (SeqIter *)tw_gc_alloc(&TwSeqIter_Type, sizeof(SeqIter));
    if (it == NULL)
        return NULL;
    it->index = 0;
    it->seq = tw_newref(seq);
    tw_gc_track((TwObject *)it);
    return (TwObject *)it;
}

static void seqiter_dealloc(TwObject *op)
{
    if (tw_gc_is_tracked(op))
        tw_gc_untrack(op);
    TW_XDECREF(((SeqIter *)op)->seq);
    tw_gc_free(op, sizeof(SeqIter));
}

static int seqiter_traverse(TwObject *op, TwVisitFn visit, void *arg)
{
    SeqIter *it = (SeqIter *)op;
    return it->seq ? visit(it->seq, arg) : 0;
}

/* Shared iterators: containers.h, I1-I3 (__getitem__ is Python code). */
static TwObject *seqiter_next(TwObject *op)
{
    SeqIter *it = (SeqIter *)op;
    tw_bias_check_read(op);
    TwObject *seq = tw_atomic_load_ptr(&it->seq);
    if (seq == NULL)
        return NULL;
    TwSsize i = tw_atomic_load_ssize(&it->index);
    if (i < 0)
        return NULL;
    TwObject *idx = tw_int_from_i64(i);
    if (idx == NULL)
        return NULL;
    tw_incref(seq);
    TwObject *v = tw_object_getitem(seq, idx);
    TW_DECREF(idx);
    if (v != NULL) {
        tw_atomic_store_ssize(&it->index, i + 1);
    } else if (tw_err_matches(TwExc_IndexError) || tw_err_matches(TwExc_StopIteration)) {
        tw_err_clear();
        tw_atomic_store_ssize(&it->index, -1);
        tw_iter_release(op, &it->seq, seq);
    }
    TW_DECREF(seq);
    return v;
}

static TwObject *iter_self(TwObject *op) { return tw_newref(op); }

TwTypeObject TwSeqIter_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "iterator",
    .tp_basicsize = sizeof(SeqIter),
    .tp_flags = TW_TPFLAGS_HAVE_GC,
    .tp_dealloc = seqiter_dealloc,
    .tp_traverse = seqiter_traverse,
    .tp_iter = iter_self,
    .tp_iternext = seqiter_next,
};

int tw_iterate(TwObject *iterable, int (*fn)(void *arg, TwObject *item), void *arg)
{
    if (TW_TYPE(iterable) == &TwTuple_Type) {
        for (TwSsize i = 0; i < TW_TUPLE_SIZE(iterable); i++)
            if (fn(arg, TW_TUPLE_GET(iterable, i)) < 0)
                return -1;
        return 0;
    }
    /* a dict, set or view: one state of it (tw_container_snapshot) */
    TwObject *snap;
    int rc = tw_container_snapshot(iterable, &snap);
    if (rc != 0) {
        if (rc < 0)
            return -1;
        rc = 0;
        /* the copy is the caller's alone: fn cannot reach it */
        TwListObject *l = (TwListObject *)snap;
        for (TwSsize i = 0; rc == 0 && i < l->size; i++)
            rc = fn(arg, l->array->items[i]) < 0 ? -1 : 0;
        TW_DECREF(snap);
        return rc;
    }
    TwObject *it = tw_object_iter(iterable);
    if (it == NULL)
        return -1;
    TwObject *item;
    while ((item = tw_iter_next(it)) != NULL) {
        int r = fn(arg, item);
        TW_DECREF(item);
        if (r < 0) {
            TW_DECREF(it);
            return -1;
        }
    }
    TW_DECREF(it);
    return tw_err_occurred() ? -1 : 0;
}
