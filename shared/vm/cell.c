/*
 * cell.c — cells: the boxes through which closures share a variable.
 *
 * A variable that an inner function captures lives in a cell rather than
 * in a fast-local slot; the outer frame and every closure that captured it
 * hold the same cell.  Cells can sit in cycles (a function stored in a
 * variable it closes over), so they are GC-tracked.
 */
#include "twinpy/vm.h"

TwObject *tw_cell_new(TwObject *value)
{
    TwCellObject *c = (TwCellObject *)tw_gc_alloc(&TwCell_Type, sizeof(TwCellObject));
    if (c == NULL)
        return tw_err_no_memory();
    c->ref = tw_xnewref(value);
    tw_gc_track((TwObject *)c);
    return (TwObject *)c;
}

void tw_cell_set(TwObject *cell, TwObject *value)
{
    TwObject *old = tw_cell_exchange(cell, tw_xnewref(value));
    TW_XDECREF(old);
}

/* The shared paths of tw_cell_get_ref and tw_cell_exchange (vm.h has the
 * rules). */
TwObject *tw_cell_get_ref_shared(TwObject *cell)
{
    tw_bias_check_read(cell);
    return tw_field_get_ref(&((TwCellObject *)cell)->ref);
}

TwObject *tw_cell_exchange_shared(TwObject *cell, TwObject *value)
{
    TwCellObject *c = (TwCellObject *)cell;
    TwObject *old;
    TW_BEGIN_CRITICAL_SECTION(cell);
    if (value != NULL)
        tw_object_publish_into(cell, value);
    old = c->ref;
    tw_atomic_store_ptr(&c->ref, value);
    TW_END_CRITICAL_SECTION();
    return old;
}

static void cell_dealloc(TwObject *op)
{
    if (tw_gc_is_tracked(op))
        tw_gc_untrack(op);
    TW_XDECREF(((TwCellObject *)op)->ref);
    tw_gc_free(op, sizeof(TwCellObject));
}

static int cell_traverse(TwObject *op, TwVisitFn visit, void *arg)
{
    TwObject *v = ((TwCellObject *)op)->ref;
    return v ? visit(v, arg) : 0;
}

static int cell_clear(TwObject *op)
{
    TW_CLEAR(((TwCellObject *)op)->ref);
    return 0;
}

static TwObject *cell_repr(TwObject *op)
{
    TwObject *v = ((TwCellObject *)op)->ref;
    if (v == NULL)
        return tw_str_from_format("<cell at %p: empty>", (void *)op);
    return tw_str_from_format("<cell at %p: %s object at %p>", (void *)op,
                              tw_type_name(TW_TYPE(v)), (void *)v);
}

static TwObject *cell_get_contents(TwObject *op)
{
    TwObject *v = ((TwCellObject *)op)->ref;
    if (v == NULL) {
        tw_err_set_string(TwExc_ValueError, "Cell is empty");
        return NULL;
    }
    return tw_newref(v);
}

static int cell_set_contents(TwObject *op, TwObject *v)
{
    tw_cell_set(op, v);
    return 0;
}

static const TwGetSetDef cell_getset[] = {
    {"cell_contents", cell_get_contents, cell_set_contents},
    {NULL, NULL, NULL},
};

TwTypeObject TwCell_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "cell",
    .tp_basicsize = sizeof(TwCellObject),
    .tp_flags = TW_TPFLAGS_HAVE_GC,
    .tp_dealloc = cell_dealloc,
    .tp_repr = cell_repr,
    .tp_hash = tw_object_hash_identity,
    .tp_getattro = tw_object_generic_getattr,
    .tp_traverse = cell_traverse,
    .tp_clear = cell_clear,
    .tp_getset = cell_getset,
};
