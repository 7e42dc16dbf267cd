/*
 * trashcan.c — deallocation of deeply nested structures without deep C
 * recursion (CPython's "trashcan").
 *
 * A container's tp_dealloc wraps its body:
 *
 *     if (!tw_trashcan_begin(op)) return;   // queued: finished later
 *     ... drop references to items, free op ...
 *     tw_trashcan_end();
 *
 * Protocol, per thread:
 *   - trash_depth counts the guarded deallocations running on this thread's
 *     C stack.  tw_trashcan_begin below TW_TRASHCAN_LIMIT enters (depth+1)
 *     and returns true; at the limit it pushes the object on trash_queue and
 *     returns false, so the stack stops growing.
 *   - tw_trashcan_end leaves (depth-1); when the outermost guarded
 *     deallocation ends (depth 0) it runs the queued objects' tp_dealloc,
 *     each starting again at depth 0.  trash_draining stops an inner
 *     outermost-end (a queued object's own dealloc ending at depth 0) from
 *     draining recursively: only the first drainer loops, so the C stack is
 *     bounded by about TW_TRASHCAN_LIMIT nested deallocations however deep
 *     the structure is.
 *
 * Invariants:
 *   - A queued object has reference count zero and is untracked (tw_dealloc
 *     untracked it), so its ob_refcnt word is free: it links the queue.
 *     Before its tp_dealloc runs again the word is reset to zero.
 *   - The queue is per thread and touched only by its owner.
 */
#include "gil_internal.h"

#define TW_TRASHCAN_LIMIT 50

/* Out of line, as trash_drain below: the common begin needs no stack
 * frame. */
static __attribute__((noinline)) bool trash_postpone(TwGilThread *t, TwObject *op)
{
    if (TW_TYPE(op)->tp_flags & TW_TPFLAGS_HAVE_GC)
        tw_gc_untrack(op);
    op->ob_refcnt = (intptr_t)t->trash_queue;
    t->trash_queue = op;
    return false;
}

bool tw_trashcan_begin(TwObject *op)
{
    TwThreadState *ts = tw_tstate();
    if (ts == NULL)
        return true;
    TwGilThread *t = tw_gil_thread(ts);
    if (__builtin_expect(t->trash_depth >= TW_TRASHCAN_LIMIT, 0))
        return trash_postpone(t, op);
    t->trash_depth++;
    return true;
}

/* Out of line: the common end needs no stack frame. */
static __attribute__((noinline)) void trash_drain(TwGilThread *t)
{
    t->trash_draining = true;
    while (t->trash_queue != NULL) {
        TwObject *op = t->trash_queue;
        t->trash_queue = (TwObject *)op->ob_refcnt;
        op->ob_refcnt = 0;
        TW_TYPE(op)->tp_dealloc(op);
    }
    t->trash_draining = false;
}

void tw_trashcan_end(void)
{
    TwThreadState *ts = tw_tstate();
    if (ts == NULL)
        return;
    TwGilThread *t = tw_gil_thread(ts);
    if (--t->trash_depth > 0 || t->trash_draining || t->trash_queue == NULL)
        return;
    trash_drain(t);
}
