/*
 * object_memory.c — allocation and deallocation of objects, and the
 * trashcan that keeps deallocation of deep structures off the C stack.
 *
 * Objects are allocated zero-filled (as in the GIL build, which shared code
 * relies on) by their creating thread, which becomes their BRC owner
 * (tw_object_init_header stamps ob_tid).  Freeing a published object
 * (tw_object_publish) goes through QSBR whenever another thread is online
 * (see qsbr.c for the rule and why it is sound); otherwise it is immediate.
 *
 * Per-thread block pools (twinpy/pool.h, shared with the GIL build).  Blocks
 * of up to TW_POOL_CLASSES * 16 bytes (ints, floats, small tuples,
 * instances, with or without the GC prefix) are rounded up to a multiple of
 * 16 and, when freed, kept on the freeing thread's own stack for that size
 * (at most TW_POOL_MAX each) instead of going back to the allocator;
 * allocation pops from it first.  A block enters a pool only at the point
 * where it would otherwise be handed to the allocator, i.e. when it may be
 * reused at once: an object never published, immediately when no other
 * thread is online, or when QSBR says its grace period is over
 * (tw_nogil_block_free, also called by qsbr.c).  So the pool changes
 * nothing in the reclamation argument, and only its owner touches it.
 * Pooled blocks are not live: tw_mem_stats subtracts them
 * (tw_runtime_pooled), so leak checks see what they would without the pool;
 * a thread's pool opens when its state is made and goes back to the
 * allocator when it exits.
 *
 * Trashcan: per-thread depth of nested container deallocations.  Past
 * TW_TRASH_LIMIT a container's dealloc is postponed (tw_trashcan_begin
 * returns false and remembers the object); when the outermost dealloc ends
 * the postponed objects are deallocated one after another from a loop, each
 * starting again at depth 0.  The list lives in the thread state: no
 * locking, and deallocation stays on the thread that dropped the object.
 */
#include <stdlib.h>
#include <string.h>

#include "twinpy/nogil_internal.h"
#include "twinpy/object.h"

#define TW_TRASH_LIMIT 50

/* Set MemoryError if the object model is linked in (it may not be in the
 * runtime's own unit tests). */
extern TwObject *tw_err_no_memory(void) __attribute__((weak));

static inline void ensure_thread_id(void)
{
    if (__builtin_expect(tw_thread_id_tls == 0, 0))
        tw_thread_id_tls = tw_nogil_new_thread_id();
}

void tw_dealloc(TwObject *op)
{
    TW_TYPE(op)->tp_dealloc(op);
}

/* ---------------- per-thread block pools ------------------------------ */

void tw_nogil_block_free(void *p, size_t size)
{
    tw_pool_free(p, size);
}

/* A new thread state (on its thread): the pool may take blocks. */
void tw_pool_thread_start(TwNogilThread *t)
{
    tw_pool_open();
    __atomic_store_n(&t->pool, &tw_pool_tls, __ATOMIC_RELEASE);
}

/* Thread exit (on the exiting thread): the pool is closed (no block
 * enters it from now on, e.g. frees later in the exit) and its blocks go
 * back to the allocator. */
void tw_pool_thread_exit(TwNogilThread *t)
{
    __atomic_store_n(&t->pool, NULL, __ATOMIC_RELAXED);
    tw_pool_close();
}

/* Under the threads lock (tw_mem_stats); the pool's owner may be pushing
 * and popping meanwhile: exact when it is quiet. */
void tw_runtime_pooled(const TwThreadState *ts, uint64_t *blocks, uint64_t *bytes)
{
    tw_pool_held(__atomic_load_n(&((const TwNogilThread *)ts)->pool, __ATOMIC_ACQUIRE), blocks,
                 bytes);
}

TwObject *tw_object_alloc_slow(TwTypeObject *tp, size_t size)
{
    ensure_thread_id();
    TwObject *op = tw_pool_calloc(size);
    if (!op) {
        if (tw_err_no_memory)
            tw_err_no_memory();
        return NULL;
    }
    tw_object_init_header(op, tp);
    return op;
}

/* Free op's memory p (op's block, or a GC object's block with its prefix).
 * Only a published object can have an optimistic reader (see
 * tw_object_publish): the others' blocks are reused at once. */
static inline __attribute__((always_inline)) void free_object_memory(TwObject *op, void *p,
                                                                     size_t size)
{
    TwNogilThread *t = tw_nogil_thread();
    if (tw_object_is_published(op) && t && tw_qsbr_needed(t))
        tw_qsbr_defer_free(t, p, tw_pool_block_size(size) | TW_QSBR_OBJECT_BLOCK);
    else
        tw_pool_free(p, size);
}

void tw_object_free_slow(TwObject *op, size_t size)
{
    if (op)
        free_object_memory(op, op, size);
}

/* runtime.h: not cleared, whether the block comes from the thread's pool
 * or from the allocator. */
TwObject *tw_object_alloc_uninit(TwTypeObject *tp, size_t size)
{
    if (tw_pool_fits(size))
        return tw_object_alloc_small_uninit(tp, size);
    ensure_thread_id();
    TwObject *op = tw_mem_alloc(size);
    if (op == NULL) {
        tw_err_no_memory();
        return NULL;
    }
    tw_object_init_header(op, tp);
    return op;
}

static inline __attribute__((always_inline)) TwObject *gc_alloc_init(TwGcHead *g,
                                                                      TwTypeObject *tp)
{
    g->next = g->prev = NULL;
    g->u = 0;
    TwObject *op = TW_GC_OBJ(g);
    tw_object_init_header(op, tp);
    op->ob_mutex = __atomic_load_n(&tw_bias_initial, __ATOMIC_RELAXED);
    return op;
}

static __attribute__((noinline)) TwObject *gc_alloc_slow(TwTypeObject *tp, size_t size)
{
    ensure_thread_id();
    TwGcHead *g = tw_pool_calloc(sizeof(TwGcHead) + size);
    if (!g) {
        if (tw_err_no_memory)
            tw_err_no_memory();
        return NULL;
    }
    return gc_alloc_init(g, tp);
}

/* The common case (a block from the pool, the thread has its id) needs no
 * stack frame; the rest is gc_alloc_slow. */
TwObject *tw_gc_alloc(TwTypeObject *tp, size_t size)
{
    TwGcHead *g;
    if (__builtin_expect(tw_thread_id_tls == 0, 0) ||
        (g = tw_pool_pop(sizeof(TwGcHead) + size)) == NULL)
        return gc_alloc_slow(tp, size);
    return gc_alloc_init(g, tp);
}

static __attribute__((noinline)) void gc_free_slow(TwObject *op, size_t size)
{
    if (__atomic_load_n(&op->ob_gc_bits, __ATOMIC_RELAXED) & TW_GC_TRACKED)
        tw_gc_untrack(op);
    free_object_memory(op, TW_GC_HEAD(op), sizeof(TwGcHead) + size);
}

/* The common case first, as tw_object_free's: untracked (most deallocs
 * untracked op already), never published, and a pool with room; it needs
 * no stack frame.  Else gc_free_slow. */
void tw_gc_free(TwObject *op, size_t size)
{
    if (!op)
        return;
    if (!(__atomic_load_n(&op->ob_gc_bits, __ATOMIC_RELAXED) & TW_GC_TRACKED) &&
        !tw_object_is_published(op) && tw_pool_push(TW_GC_HEAD(op), sizeof(TwGcHead) + size))
        return;
    gc_free_slow(op, size);
}

/* ---------------- trashcan ------------------------------------------- */

/* The slow paths of both, out of line: the common begin and end then
 * need no stack frame. */
static __attribute__((noinline)) bool trash_postpone(TwNogilThread *t, TwObject *op)
{
    if (t->trash_len == t->trash_cap) {
        size_t cap = t->trash_cap ? t->trash_cap * 2 : 64;
        TwObject **grown = realloc(t->trash, cap * sizeof *grown);
        if (!grown) {
            t->trash_depth++;      /* no room to postpone: recurse */
            return true;
        }
        t->trash = grown;
        t->trash_cap = cap;
    }
    t->trash[t->trash_len++] = op;
    return false;
}

bool tw_trashcan_begin(TwObject *op)
{
    TwNogilThread *t = tw_nogil_thread();
    if (!t)
        return true;
    if (__builtin_expect(t->trash_depth >= TW_TRASH_LIMIT, 0))
        return trash_postpone(t, op);
    t->trash_depth++;
    return true;
}

static __attribute__((noinline)) void trash_drain(TwNogilThread *t)
{
    t->trash_draining = true;
    while (t->trash_len)
        tw_dealloc(t->trash[--t->trash_len]);
    t->trash_draining = false;
}

void tw_trashcan_end(void)
{
    TwNogilThread *t = tw_nogil_thread();
    if (!t)
        return;
    if (--t->trash_depth == 0 && t->trash_len && !t->trash_draining)
        trash_drain(t);
}

void tw_trashcan_thread_exit(TwNogilThread *t)
{
    if (t->trash_len && !t->trash_draining)
        trash_drain(t);
    free(t->trash);
    t->trash = NULL;
    t->trash_len = t->trash_cap = 0;
}
