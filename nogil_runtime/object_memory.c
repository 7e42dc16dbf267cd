/*
 * object_memory.c — allocation and deallocation of objects, and the
 * trashcan that keeps deallocation of deep structures off the C stack.
 *
 * Objects are allocated zero-filled (as in the GIL build, which shared code
 * relies on) by their creating thread, which becomes their BRC owner
 * (tw_object_init_header stamps ob_tid).  Freeing goes through QSBR
 * whenever another thread is online (see qsbr.c for the rule and why it
 * is sound); otherwise it is immediate.
 *
 * Trashcan: per-thread depth of nested container deallocations.  Past
 * TW_TRASH_LIMIT a container's dealloc is postponed (tw_trashcan_begin
 * returns false and remembers the object); when the outermost dealloc ends
 * the postponed objects are deallocated one after another from a loop, each
 * starting again at depth 0.  The list lives in the thread state: no
 * locking, and deallocation stays on the thread that dropped the object.
 */
#include <stdlib.h>

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

TwObject *tw_object_alloc(TwTypeObject *tp, size_t size)
{
    ensure_thread_id();
    TwObject *op = tw_mem_calloc(size);
    if (!op) {
        if (tw_err_no_memory)
            tw_err_no_memory();
        return NULL;
    }
    tw_object_init_header(op, tp);
    return op;
}

/* Free object memory (or a GC object's block, prefix included). */
void tw_nogil_free_object_memory(void *p, size_t size)
{
    TwNogilThread *t = tw_nogil_thread();
    if (t && tw_qsbr_needed(t))
        tw_qsbr_defer_free(t, p, size);
    else
        tw_mem_free(p, size);
}

void tw_object_free(TwObject *op, size_t size)
{
    if (op)
        tw_nogil_free_object_memory(op, size);
}

TwObject *tw_gc_alloc(TwTypeObject *tp, size_t size)
{
    ensure_thread_id();
    TwGcHead *g = tw_mem_calloc(sizeof(TwGcHead) + size);
    if (!g) {
        if (tw_err_no_memory)
            tw_err_no_memory();
        return NULL;
    }
    g->next = g->prev = NULL;
    g->u = 0;
    TwObject *op = TW_GC_OBJ(g);
    tw_object_init_header(op, tp);
    return op;
}

void tw_gc_free(TwObject *op, size_t size)
{
    if (!op)
        return;
    tw_gc_untrack(op);
    tw_nogil_free_object_memory(TW_GC_HEAD(op), sizeof(TwGcHead) + size);
}

/* ---------------- trashcan ------------------------------------------- */

bool tw_trashcan_begin(TwObject *op)
{
    TwNogilThread *t = tw_nogil_thread();
    if (!t)
        return true;
    if (t->trash_depth >= TW_TRASH_LIMIT) {
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
    t->trash_depth++;
    return true;
}

static void trash_drain(TwNogilThread *t)
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
