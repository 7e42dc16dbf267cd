/*
 * object_alloc.c — allocation and release of objects that the cycle
 * collector does not track, and the last step of every object's life.
 *
 * Protocol:
 *   - tw_object_alloc returns zeroed memory with the header initialised
 *     (one reference, owned by the caller, type set), or NULL with
 *     MemoryError set.  Zeroing lets a
 *     constructor that fails half-way hand the object to its tp_dealloc,
 *     which then sees NULL in every field it did not fill.
 *   - tw_dealloc runs when tw_decref takes a count to zero.  A GC object is
 *     untracked first, so the collector never sees an object whose count is
 *     zero even if a tp_dealloc forgets to untrack before it starts tearing
 *     the object down (tw_gc_untrack of an untracked object does nothing).
 *   - Under the GIL no reader can hold a pointer it did not count, so
 *     "delayed" frees (for the nogil runtime's lock-free readers) are
 *     immediate here, and every freed object's block may be reused at
 *     once: small ones go to the freeing thread's pool (twinpy/pool.h, as
 *     in the nogil build), opened when its thread state is made
 *     (tstate.c), and the next allocation of their size takes them back.
 */
#include "gil_internal.h"
#include "twinpy/errors.h"

void tw_dealloc(TwObject *op)
{
    TwTypeObject *tp = TW_TYPE(op);
    if (tp->tp_flags & TW_TPFLAGS_HAVE_GC)
        tw_gc_untrack(op);
    tp->tp_dealloc(op);
}

/* Under the GIL only the running thread touches counts. */
void tw_resurrect_begin(TwObject *op)
{
    op->ob_refcnt = 1;
}

bool tw_resurrect_end(TwObject *op)
{
    return --op->ob_refcnt == 0;
}

TwObject *tw_object_alloc(TwTypeObject *tp, size_t size)
{
    TwObject *op = tw_pool_calloc(size);
    if (op == NULL) {
        tw_err_no_memory();
        return NULL;
    }
    tw_object_init_header(op, tp);
    return op;
}

void tw_object_free(TwObject *op, size_t size)
{
    tw_pool_free(op, size);
}

/* runtime.h: not cleared, whether the block comes from the thread's pool
 * or from the allocator. */
TwObject *tw_object_alloc_uninit(TwTypeObject *tp, size_t size)
{
    if (tw_pool_fits(size))
        return tw_object_alloc_small_uninit(tp, size);
    TwObject *op = tw_mem_alloc(size);
    if (op == NULL) {
        tw_err_no_memory();
        return NULL;
    }
    tw_object_init_header(op, tp);
    return op;
}

/* Under the threads lock (tw_mem_stats); the pool's owner may be pushing
 * and popping meanwhile: exact when it is quiet. */
void tw_runtime_pooled(const TwThreadState *ts, uint64_t *blocks, uint64_t *bytes)
{
    tw_pool_held(__atomic_load_n(&((const TwGilThread *)ts)->pool, __ATOMIC_ACQUIRE), blocks,
                 bytes);
}

/* Under the GIL one thread counts at a time: nothing to defer. */
void tw_object_set_deferred_rc(TwObject *op)
{
    (void)op;
}

void tw_mem_free_delayed(void *p, size_t size)
{
    tw_mem_free(p, size);
}
