/*
 * memory.c — raw memory for both runtimes: jemalloc's sized API
 * (mallocx/sdallocx, per-thread caches) or the system allocator for
 * sanitizer builds.  Every block is counted in the calling thread's state
 * (owner-written, no atomics on the hot path); blocks allocated before any
 * thread state exists are counted in process-wide atomics.  tw_mem_stats
 * sums them for leak tests and --stats.
 *
 * A thread that exits must fold its counters into the process totals with
 * tw_mem_retire_thread() before its state is freed.
 */
#include <stdlib.h>
#include <string.h>

#ifdef TW_USE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#include "twinpy/runtime.h"

static uint64_t g_alloc_count, g_free_count, g_alloc_bytes, g_free_bytes;
static uint64_t g_lock_spun, g_lock_slept, g_lock_wait_ns;   /* exited threads */
/* The runtime's list of live threads, for summing (see tw_mem_stats). */

static inline void count_alloc(size_t size)
{
    TwThreadState *ts = tw_tstate();
    if (ts) {
        tw_mem_count(&ts->alloc_count, 1);
        tw_mem_count(&ts->alloc_bytes, size);
    } else {
        __atomic_fetch_add(&g_alloc_count, 1, __ATOMIC_RELAXED);
        __atomic_fetch_add(&g_alloc_bytes, size, __ATOMIC_RELAXED);
    }
}

static inline void count_free(size_t size)
{
    TwThreadState *ts = tw_tstate();
    if (ts) {
        tw_mem_count(&ts->free_count, 1);
        tw_mem_count(&ts->free_bytes, size);
    } else {
        __atomic_fetch_add(&g_free_count, 1, __ATOMIC_RELAXED);
        __atomic_fetch_add(&g_free_bytes, size, __ATOMIC_RELAXED);
    }
}

void *tw_mem_alloc(size_t size)
{
    if (size == 0)
        size = 1;
#ifdef TW_USE_JEMALLOC
    void *p = mallocx(size, 0);
#else
    void *p = malloc(size);
#endif
    if (p)
        count_alloc(size);
    return p;
}

void *tw_mem_calloc(size_t size)
{
    if (size == 0)
        size = 1;
#ifdef TW_USE_JEMALLOC
    void *p = mallocx(size, MALLOCX_ZERO);
#else
    void *p = calloc(1, size);
#endif
    if (p)
        count_alloc(size);
    return p;
}

void *tw_mem_realloc(void *p, size_t old_size, size_t new_size)
{
    if (p == NULL)
        return tw_mem_alloc(new_size);
    if (new_size == 0)
        new_size = 1;
#ifdef TW_USE_JEMALLOC
    void *q = rallocx(p, new_size, 0);
#else
    void *q = realloc(p, new_size);
#endif
    if (q) {
        count_free(old_size);
        count_alloc(new_size);
    }
    return q;
}

void tw_mem_free(void *p, size_t size)
{
    if (p == NULL)
        return;
    if (size == 0)
        size = 1;
    count_free(size);
#ifdef TW_USE_JEMALLOC
    sdallocx(p, size, 0);
#else
    free(p);
#endif
}

/* runtime.h: an object the caller alone holds (tw_object_may_move) moves
 * to a block of new_size.  The allocator resizes a block of unpooled
 * sizes in place when it can; a pooled block is copied to one of the new
 * size (pool.h: a block is freed with the size it was made with). */
TwObject *tw_object_resize(TwObject *op, size_t old_size, size_t new_size)
{
    if (!tw_pool_fits(old_size) && !tw_pool_fits(new_size))
        return tw_mem_realloc(op, old_size, new_size);
    TwObject *fresh = tw_pool_fits(new_size) ? tw_pool_calloc(new_size) : tw_mem_alloc(new_size);
    if (fresh == NULL)
        return NULL;
    memcpy(fresh, op, old_size < new_size ? old_size : new_size);
    tw_pool_free(op, old_size);
    return fresh;
}

/* Fold an exiting thread's counters into the process totals. */
void tw_mem_retire_thread(TwThreadState *ts)
{
    __atomic_fetch_add(&g_lock_spun, ts->lock_spun, __ATOMIC_RELAXED);
    __atomic_fetch_add(&g_lock_slept, ts->lock_slept, __ATOMIC_RELAXED);
    __atomic_fetch_add(&g_lock_wait_ns, ts->lock_wait_ns, __ATOMIC_RELAXED);
    ts->lock_spun = ts->lock_slept = ts->lock_wait_ns = 0;
    __atomic_fetch_add(&g_alloc_count, ts->alloc_count, __ATOMIC_RELAXED);
    __atomic_fetch_add(&g_free_count, ts->free_count, __ATOMIC_RELAXED);
    __atomic_fetch_add(&g_alloc_bytes, ts->alloc_bytes, __ATOMIC_RELAXED);
    __atomic_fetch_add(&g_free_bytes, ts->free_bytes, __ATOMIC_RELAXED);
    ts->alloc_count = ts->free_count = ts->alloc_bytes = ts->free_bytes = 0;
}

/* Sums over live threads read counters their owners write: exact when the
 * other threads are quiet (tests, exit), approximate otherwise. */
void tw_mem_stats(uint64_t *live_blocks, uint64_t *live_bytes)
{
    uint64_t ac = __atomic_load_n(&g_alloc_count, __ATOMIC_RELAXED);
    uint64_t fc = __atomic_load_n(&g_free_count, __ATOMIC_RELAXED);
    uint64_t ab = __atomic_load_n(&g_alloc_bytes, __ATOMIC_RELAXED);
    uint64_t fb = __atomic_load_n(&g_free_bytes, __ATOMIC_RELAXED);
    tw_runtime_threads_lock();
    for (TwThreadState *ts = tw_runtime_threads_head(); ts; ts = ts->next_all) {
        ac += __atomic_load_n(&ts->alloc_count, __ATOMIC_RELAXED);
        fc += __atomic_load_n(&ts->free_count, __ATOMIC_RELAXED);
        ab += __atomic_load_n(&ts->alloc_bytes, __ATOMIC_RELAXED);
        fb += __atomic_load_n(&ts->free_bytes, __ATOMIC_RELAXED);
        uint64_t pb = 0, pbytes = 0;
        tw_runtime_pooled(ts, &pb, &pbytes);
        fc += pb;
        fb += pbytes;
    }
    tw_runtime_threads_unlock();
    if (live_blocks)
        *live_blocks = ac - fc;
    if (live_bytes)
        *live_bytes = ab - fb;
}

void tw_thread_lock_stats_dump(FILE *out)
{
    uint64_t sp = __atomic_load_n(&g_lock_spun, __ATOMIC_RELAXED);
    uint64_t sl = __atomic_load_n(&g_lock_slept, __ATOMIC_RELAXED);
    uint64_t ns = __atomic_load_n(&g_lock_wait_ns, __ATOMIC_RELAXED);
    tw_runtime_threads_lock();
    for (TwThreadState *ts = tw_runtime_threads_head(); ts; ts = ts->next_all) {
        sp += __atomic_load_n(&ts->lock_spun, __ATOMIC_RELAXED);
        sl += __atomic_load_n(&ts->lock_slept, __ATOMIC_RELAXED);
        ns += __atomic_load_n(&ts->lock_wait_ns, __ATOMIC_RELAXED);
    }
    tw_runtime_threads_unlock();
    fprintf(out, "thread_lock_spun %llu\n", (unsigned long long)sp);
    fprintf(out, "thread_lock_slept %llu\n", (unsigned long long)sl);
    fprintf(out, "thread_lock_wait_ms %.3f\n", (double)ns / 1e6);
}
