/*
 * gc_stw.c — the cycle collector of the free-threaded runtime: per-thread
 * registries of tracked objects, and a full, stop-the-world collection
 * with CPython's gc_refs subtraction algorithm.
 *
 * Registries.  jemalloc cannot be walked, so every tracked object sits on
 * a circular doubly linked list (TwGcHead prefix).  Each thread owns one
 * registry (TwGcList) while it lives, with one list per generation;
 * tracking appends to the caller's own generation 0.  Invariants:
 *   - a tracked object is on exactly one list of one registry, the one
 *     its prefix's `u` names; `u` changes only with the world stopped (a
 *     collection borrows it and restores it, and moves the garbage it will
 *     free itself to its own registry), and never for an object whose
 *     count has reached 0 (a collection counts those as roots), so a
 *     thread untracking one may wait for a registry's lock;
 *   - a registry's links change only under its 1-byte lock, with the
 *     world stopped (a collection moves its survivors one generation up
 *     by splicing whole lists), by a solo thread (tstate.c: no other
 *     thread is attached, and none attaches before it has left solo mode,
 *     so none can track or untrack meanwhile), or by the owner of a
 *     BIASED registry.  Biased: set (under the lock) when a thread adopts
 *     the registry, cleared with the world stopped (registry_revoke) or
 *     when the owner exits (under the lock); the owner's gc_own names the
 *     registry exactly while it is biased (set and cleared with the bit),
 *     so the owner's test is one load.  Another thread untracking an
 *     object there (last reference dropped elsewhere) takes the lock and
 *     proceeds only if it then reads the registry unbiased; otherwise it
 *     releases it and stops the world to clear the bit, once per
 *     registry and owner.  So every change of the links is made either
 *     by the owner while biased, or under the lock by a thread that saw
 *     it unbiased under the lock: a bit that only a stopped world clears
 *     and only a lock holder sets keeps the two apart.  No global lock
 *     is taken by track/untrack;
 *   - lists are never freed: an exiting thread returns its list (objects
 *     and all) to a pool and the next new thread adopts it, so `u` always
 *     points at a live list.
 *
 * Collection of generation N (tw_gc_collect): the candidates are the
 * objects of generations 0..N of every registry, marked TW_GC_CANDIDATE.
 *   1. stop the world (stop_the_world.c); merge every thread's BRC queue
 *      (keeping the queue's reference, dropped after the restart);
 *   2. gc_refs = true refcount (ob_ref_local + ob_ref_shared >> 2) for
 *      every candidate, kept in the prefix's `u`, less the queue's
 *      reference for those step 1 merged;
 *   3. subtract references between candidates (tp_traverse): references
 *      from older objects stay, so they keep candidates alive (sound: an
 *      older object that is garbage waits for a collection of its own
 *      generation);
 *   4. objects with gc_refs > 0 are referenced from outside: mark all
 *      they reach as reachable; the rest are unreachable (cycles);
 *   5. merge the counts of each unreachable object another thread owns
 *      (MERGED: whoever drops the last reference frees it, so the
 *      collector frees the garbage itself rather than queueing it to the
 *      owners), take a reference to it,
 *      restore `u`, move the survivors (and the garbage, untracked when
 *      freed) to generation N+1 (2 stays 2), the garbage the collector
 *      frees into its own registry, restart the world;
 *   6. tp_clear each unreachable object, then drop our references, which
 *      frees them.
 * Garbage with a finalizer still to run (__del__) changes this: step 4
 * ends with take_finalizable, the collection frees nothing, runs those
 * finalizers after the restart and starts again (see there).
 * Steps 2-4 and the first half of 5 (restoring `u` and the bits, counting
 * survivors, untracking tuples of atomic items, handing a parked thread
 * its own garbage) run registry by registry on the collector and on the
 * threads parked for the stop, which walk their own registries first (the
 * parallel phases below); the rest of step 5 is the collector's alone.
 * Garbage owned by a thread that parked itself for the stop (it resumes in
 * tw_stw_park_self) or waits for this collection to end (gc_waiting:
 * detached, but it wakes when the collection ends) is not merged in step
 * 5: the collector counts one more reference in its ob_ref_local (the
 * world is stopped) and hands it to that thread (gc_handoff), which does
 * step 6 for it before running anything else, into its own pool.  Garbage
 * of other detached owners, which may not run for a long time, the
 * collector frees itself.
 * Objects whose count is already 0 (a dealloc in progress, e.g. postponed
 * by the trashcan) count as roots: their own dealloc will release them.
 * So do DYING objects (another thread is unbiasing their registry to
 * untrack them, list_lock), which are not traversed either: their dealloc
 * may have released what they held.
 * Deferred (per-thread counted) objects are the exception: their counts
 * are folded from every thread's slots in step 1 (deferred_rc.c), a decref
 * never frees them, so a folded count of 0 means garbage, not a dealloc in
 * progress.  An unreachable deferred object is turned back into an
 * ordinary one in step 5, before the collector takes its reference.
 *
 * Scheduling: tracked-minus-untracked counts are kept per thread and
 * flushed to a global counter in batches; past threshold 0 (700) times
 * the number of threads online, at most the number of CPUs (a collection
 * stops them all; one thread: exactly the GIL build's point) the thread
 * schedules a collection
 * through its own eval breaker, of the
 * generation the GIL build would pick (thresholds 700/10/10, and a full
 * collection only once a quarter of the long-lived objects are new), so
 * the gc module reads the same and a collection's cost follows what was
 * allocated since the last one, not everything alive.
 */
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "twinpy/nogil_internal.h"
#include "twinpy/object.h"
#include "twinpy/types.h"

/* A thread's count changes reach the shared count0 in batches: every
 * flush is an atomic add on a line all allocating threads write.  The
 * batch is what is left before a collection is due, shared among the
 * threads online, at most TW_GC_FLUSH_MAX (at least 1): far from the
 * threshold a thread flushes every 64 tracked objects, near it at every
 * one, so a collection is still due at exactly the GIL build's point with
 * one thread, and within a batch of it with several.  cycles at 2 threads
 * (two containers tracked per pair made), interleaved medians of nine:
 * flushing every 8 took 0.274 s, this 0.248 s.  Untracking flushes every
 * TW_GC_FLUSH_MAX. */
#define TW_GC_FLUSH_MAX 64

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static TwGcList *all_lists;          /* atomic head, push-only            */
static TwGcList *free_lists;         /* under pool_lock                   */
static TwGcList stateless_list;      /* threads without a state (rare)    */
static pthread_once_t stateless_once = PTHREAD_ONCE_INIT;

static int thresholds[3] = { 700, 10, 10 };
static int64_t count0;               /* atomic                             */
static int counts12[2];              /* written under `collecting`         */
static bool enabled = true;
static uint32_t collecting;
/* Survivors of the last full collection, and objects generation-1
 * collections have promoted to generation 2 since: a full collection
 * waits until the second is a quarter of the first (as in the GIL build),
 * so that full collections stay linear in what the program allocates.
 * Written under `collecting`. */
static int64_t long_lived_total, long_lived_pending;

static void list_init(TwGcList *l)
{
    for (int k = 0; k < 3; k++) {
        l->gens[k].next = l->gens[k].prev = &l->gens[k];
        l->gens[k].u = 0;
    }
    l->lock = 0;
}

static void list_publish(TwGcList *l)
{
    l->next_all = __atomic_load_n(&all_lists, __ATOMIC_RELAXED);
    __atomic_store_n(&all_lists, l, __ATOMIC_RELEASE);
}

static void stateless_init(void)
{
    list_init(&stateless_list);
    pthread_mutex_lock(&pool_lock);
    list_publish(&stateless_list);
    pthread_mutex_unlock(&pool_lock);
}

void tw_gc_thread_init(TwNogilThread *t)
{
    pthread_mutex_lock(&pool_lock);
    TwGcList *l = free_lists;
    if (l) {
        free_lists = l->next_free;
    } else {
        /* Cache lines of its own: its owner writes it on every track and
         * untrack, and a neighbour's list would share the line. */
        size_t size = (sizeof *l + 127) & ~(size_t)127;
        l = aligned_alloc(128, size);
        if (l)
            memset(l, 0, size);
        if (!l) {
            pthread_mutex_unlock(&pool_lock);
            fprintf(stderr, "twinpy: fatal: out of memory for a GC registry\n");
            abort();
        }
        list_init(l);
        list_publish(l);
    }
    l->next_free = NULL;
    pthread_mutex_unlock(&pool_lock);
    /* The lock orders us after any thread that untracked here while the
     * registry was unbiased (pooled, or revoked). */
    tw_mutex_lock(&l->lock);
    bool biased = __atomic_load_n(&tw_bias_initial, __ATOMIC_RELAXED) != 0;
    __atomic_store_n(&l->owner, t, __ATOMIC_RELAXED);
    __atomic_store_n(&l->biased, biased, __ATOMIC_RELAXED);
    __atomic_store_n(&t->gc_own, biased ? l : NULL, __ATOMIC_RELAXED);
    tw_mutex_unlock(&l->lock);
    t->gc_list = l;
}

static void vec_free_spares(void);

void tw_gc_thread_exit(TwNogilThread *t)
{
    if (t == tw_nogil_thread())         /* not a thread that never started */
        vec_free_spares();
    free(t->gc_handoff);                /* empty: emptied on leaving the park */
    t->gc_handoff = NULL;
    t->gc_handoff_cap = 0;
    free(t->gc_rest);                   /* empty: emptied by each collection */
    t->gc_rest = NULL;
    t->gc_rest_cap = 0;
    TwGcList *l = t->gc_list;
    if (!l)
        return;
    tw_mutex_lock(&l->lock);
    __atomic_store_n(&t->gc_own, NULL, __ATOMIC_RELAXED);
    __atomic_store_n(&l->biased, false, __ATOMIC_RELAXED);
    __atomic_store_n(&l->owner, NULL, __ATOMIC_RELAXED);
    tw_mutex_unlock(&l->lock);
    pthread_mutex_lock(&pool_lock);
    l->next_free = free_lists;
    free_lists = l;
    pthread_mutex_unlock(&pool_lock);
    t->gc_list = NULL;
}

static inline uint8_t gc_bits(const TwObject *op)
{
    return __atomic_load_n(&op->ob_gc_bits, __ATOMIC_RELAXED);
}

static inline void gc_bits_set(TwObject *op, uint8_t v)
{
    __atomic_store_n(&op->ob_gc_bits, v, __ATOMIC_RELAXED);
}

/* gc_bits_set(op, gc_bits(op) | v) and (op, gc_bits(op) & ~v), for the
 * track/untrack fast paths: the same unlocked read-modify-write (whoever
 * changes an object's bits holds its registry or the stopped world), one
 * instruction on x86-64 where the C atomics make three (see
 * runtime_inline.h's tw_peek_*). */
static inline void gc_bits_or(TwObject *op, uint8_t v)
{
#if defined(__x86_64__) && !defined(TW_SANITIZED)
    __asm__("orb %1, %0" : "+m"(op->ob_gc_bits) : "i"(v));
#else
    gc_bits_set(op, gc_bits(op) | v);
#endif
}

static inline void gc_bits_clear(TwObject *op, uint8_t v)
{
#if defined(__x86_64__) && !defined(TW_SANITIZED)
    __asm__("andb %1, %0" : "+m"(op->ob_gc_bits) : "i"((uint8_t)~v));
#else
    gc_bits_set(op, gc_bits(op) & (uint8_t)~v);
#endif
}

/* ---------------- counts and scheduling ----------------------------- */

/* Threshold 0 counts per thread that can run: every collection stops all
 * of them, so with N threads allocating on N cores a collection is due
 * after N times as many new objects (one thread: exactly as in the GIL
 * build).  Threads beyond the number of CPUs add nothing: only as many can
 * allocate at once, and each extra collection's worth of young garbage is
 * memory (cycles at 4 threads on 2 cores, interleaved medians of five:
 * peak RSS 10.5 -> 9.0 MiB, time within noise). */
static int64_t young_threshold(void)
{
    int64_t th0 = __atomic_load_n(&thresholds[0], __ATOMIC_RELAXED);
    uint32_t online = __atomic_load_n(&tw_qsbr_online_count, __ATOMIC_RELAXED);
    if (online <= 1)
        return th0;
    uint32_t cpus = tw_nogil_online_cpus();
    return th0 * (online < cpus ? online : cpus);
}

static bool collection_due(int64_t c)
{
    int th0 = __atomic_load_n(&thresholds[0], __ATOMIC_RELAXED);
    return th0 > 0 && c > young_threshold() && __atomic_load_n(&enabled, __ATOMIC_RELAXED);
}

static bool should_collect(int64_t c)
{
    return collection_due(c) && !__atomic_load_n(&collecting, __ATOMIC_RELAXED);
}

/* Back-pressure: a collection has been claimed (`collecting`) but the
 * count is already past young_threshold() (twice it while every thread
 * online has a CPU): allocating threads wait for it instead of piling up
 * garbage, and give it their cores.  With more threads than cores the
 * claiming thread is often preempted between its claim and its stop
 * request, while the others allocate on unchecked (their eval breakers
 * carry no stop yet) until they reach this bound, so it is what sets peak
 * memory there: bounded at 16 * thresholds[0] instead, a 4-thread cycles
 * run on 2 cores collected about 11,200 objects at a time instead of
 * 2,800, at 1.3x the peak memory (13.7 MiB against 10.4); bounded at once
 * rather than at twice, 9.0 -> 8.0 MiB at the same time.  With a core per
 * thread the claimer is running and its stop request follows at once:
 * there, waiting as soon as the threshold is passed detaches threads that
 * would have parked for the stop a moment later, which they leave only
 * after a futex wake-up (cycles at 2 threads 0.24 -> 0.34 s), so the
 * bound stays at twice. */
static uint32_t gc_waiters;          /* atomic: threads in wait_for_collection */

static bool collection_overdue(int64_t c)
{
    if (!__atomic_load_n(&collecting, __ATOMIC_RELAXED) || !collection_due(c))
        return false;
    uint32_t online = __atomic_load_n(&tw_qsbr_online_count, __ATOMIC_RELAXED) +
                      __atomic_load_n(&gc_waiters, __ATOMIC_RELAXED);
    int64_t bound = young_threshold();
    return c > (online > tw_nogil_online_cpus() ? bound : 2 * bound);
}

/* The waiting thread's garbage goes back to it as to a parked thread
 * (parked_owner), and it frees it on its way out, into its own pool where
 * its next allocations find it: freed by the collector instead, a third
 * of a 4-thread cycles run's garbage crossed threads, through malloc. */
static void wait_for_collection(void)
{
    TwNogilThread *t = tw_nogil_thread();
    __atomic_fetch_add(&gc_waiters, 1, __ATOMIC_SEQ_CST);
    if (t)
        __atomic_store_n(&t->gc_waiting, true, __ATOMIC_RELAXED);
    tw_begin_blocking();
    uint64_t t0 = tw_monotonic_ns();
    while (__atomic_load_n(&collecting, __ATOMIC_ACQUIRE) &&
           tw_monotonic_ns() - t0 < 100000000)          /* 100 ms at most */
        tw_futex_wait(&collecting, 1, 1000000);
    tw_end_blocking();
    __atomic_fetch_sub(&gc_waiters, 1, __ATOMIC_RELAXED);
    if (t) {
        __atomic_store_n(&t->gc_waiting, false, __ATOMIC_RELAXED);
        if (t->gc_handoff_len)
            tw_gc_free_handoff(t);
    }
}

/* t's next batch, count0 having just reached c.  0 (a new thread, a
 * collection's restart, a new threshold) flushes at the next change. */
static void set_flush_at(TwNogilThread *t, int64_t c)
{
    uint32_t online = __atomic_load_n(&tw_qsbr_online_count, __ATOMIC_RELAXED);
    int64_t left = (young_threshold() - c) / (online > 1 ? online : 1);
    t->gc_flush_at = left < 1 ? 1 : left > TW_GC_FLUSH_MAX ? TW_GC_FLUSH_MAX : (int)left;
}

void tw_gc_flush_count(TwNogilThread *t)
{
    int d = t->gc_count_delta;
    if (d == 0)
        return;
    t->gc_count_delta = 0;
    if (d < 0) {
        /* Never below zero (as CPython's generation 0 count): frees of
         * objects made before the last collection's stop (an owner merging
         * late, say) would otherwise postpone the next collection by as
         * much new garbage. */
        int64_t c = __atomic_load_n(&count0, __ATOMIC_RELAXED);
        while (!__atomic_compare_exchange_n(&count0, &c, c + d > 0 ? c + d : 0, false,
                                            __ATOMIC_RELAXED, __ATOMIC_RELAXED))
            ;
        return;
    }
    int64_t c = __atomic_add_fetch(&count0, d, __ATOMIC_RELAXED);
    set_flush_at(t, c);
    if (should_collect(c) || collection_overdue(c))
        tw_eval_breaker_set(&t->base, TW_EB_GC_SCHEDULED);
}

/* True on the collecting thread from the restart to the end of its
 * collection: freeing the garbage it found does not count against the
 * objects allocated since the stop. */
static _Thread_local bool freeing_garbage;

static inline void count_change(TwNogilThread *t, int d)
{
    if (freeing_garbage)
        return;
    if (!t) {
        __atomic_add_fetch(&count0, d, __ATOMIC_RELAXED);
        return;
    }
    t->gc_count_delta += d;
    /* d is a constant at every call: a step up cannot reach the lower
     * bound (a delta there was flushed, to 0, on the way down) */
    if (t->gc_count_delta >= t->gc_flush_at || (d < 0 && t->gc_count_delta <= -TW_GC_FLUSH_MAX))
        tw_gc_flush_count(t);
}

/* ---------------- tracking ------------------------------------------ */

/* Clear l's bias with the world stopped: its owner is then at an
 * eval-breaker check or detached, never inside track/untrack. */
static void registry_unbias_stopped(TwGcList *l)
{
    TwNogilThread *owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
    if (owner)
        __atomic_store_n(&owner->gc_own, NULL, __ATOMIC_RELAXED);
    __atomic_store_n(&l->biased, false, __ATOMIC_RELAXED);
}

static void registry_revoke(TwGcList *l)
{
    if (tw_stw_is_mine() || !tw_nogil_thread()) {
        registry_unbias_stopped(l);
        return;
    }
    tw_stw_stop();
    registry_unbias_stopped(l);
    tw_stw_start();
    tw_nogil_thread()->stats.bias_revoke++;
}

/* True when the caller may change l's links without its lock: it owns l
 * while l is biased (t->gc_own, which only the world stopped or t itself
 * changes), or it runs solo (list_lock's fast answer). */
static inline bool list_is_mine(TwGcList *l, TwNogilThread *t)
{
    return l == __atomic_load_n(&t->gc_own, __ATOMIC_RELAXED) || tw_cs_tls.solo;
}

/* A registry's lock, unless the caller runs solo or owns the registry
 * while it is biased (see the invariants).  op: the object the caller is
 * untracking.  While we stop the world to unbias another thread's
 * registry, a collection may run first and find op still on the list, and
 * op's dealloc may already have released what it held: it is marked
 * DYING, which the collector counts as a root and never traverses (what op
 * still holds then just looks referenced from outside, which it is). */
static inline bool list_lock(TwGcList *l, TwObject *op)
{
    TwNogilThread *t = tw_nogil_thread();
    if (t ? list_is_mine(l, t) : tw_cs_tls.solo)
        return false;
    for (;;) {
        tw_mutex_lock(&l->lock);
        if (!__atomic_load_n(&l->biased, __ATOMIC_RELAXED))
            return true;
        tw_mutex_unlock(&l->lock);
        if (op)
            gc_bits_set(op, gc_bits(op) | TW_GC_DYING);
        registry_revoke(l);
    }
}

static inline void list_unlock(TwGcList *l, bool locked)
{
    if (locked)
        tw_mutex_unlock(&l->lock);
}

/* The link changes themselves, with l held (or the caller's own). */
static inline __attribute__((always_inline)) void links_append(TwGcHead *list, TwGcHead *g)
{
    g->prev = list->prev;
    g->next = list;
    list->prev->next = g;
    list->prev = g;
}

static inline __attribute__((always_inline)) void links_remove(TwGcHead *g)
{
    g->prev->next = g->next;
    g->next->prev = g->prev;
}

static inline __attribute__((always_inline)) void link_young(TwGcList *l, TwObject *op)
{
    TwGcHead *g = TW_GC_HEAD(op);
    links_append(&l->gens[0], g);
    g->u = (uintptr_t)l;
    gc_bits_or(op, TW_GC_TRACKED);
}

static inline __attribute__((always_inline)) void unlink_tracked(TwGcList *l, TwObject *op)
{
    TwGcHead *g = TW_GC_HEAD(op);
    links_remove(g);
    g->next = g->prev = NULL;
    g->u = 0;
    gc_bits_clear(op, TW_GC_TRACKED | TW_GC_DYING);
}

/* The general cases, out of line so that the common one (the caller's own
 * biased registry, or solo) needs no stack frame. */
static __attribute__((noinline)) void track_slow(TwObject *op, TwNogilThread *t)
{
    TwGcList *l;
    if (t) {
        l = t->gc_list;
    } else {
        pthread_once(&stateless_once, stateless_init);
        l = &stateless_list;
    }
    bool locked = list_lock(l, NULL);
    link_young(l, op);
    list_unlock(l, locked);
    count_change(t, 1);
}

static __attribute__((noinline)) void untrack_slow(TwObject *op)
{
    TwGcList *l = (TwGcList *)TW_GC_HEAD(op)->u;
    bool locked = list_lock(l, op);
    unlink_tracked(l, op);
    list_unlock(l, locked);
    count_change(tw_nogil_thread(), -1);
}

void tw_gc_track(TwObject *op)
{
    if (gc_bits(op) & TW_GC_TRACKED)
        return;
    TwNogilThread *t = tw_nogil_thread();
    if (__builtin_expect(t != NULL && list_is_mine(t->gc_list, t), 1)) {
        link_young(t->gc_list, op);
        count_change(t, 1);
        return;
    }
    track_slow(op, t);
}

void tw_gc_untrack(TwObject *op)
{
    if (!(gc_bits(op) & TW_GC_TRACKED))
        return;
    TwNogilThread *t = tw_nogil_thread();
    TwGcList *l = (TwGcList *)TW_GC_HEAD(op)->u;
    if (__builtin_expect(t != NULL && list_is_mine(l, t), 1)) {
        unlink_tracked(l, op);
        count_change(t, -1);
        return;
    }
    untrack_slow(op);
}

bool tw_gc_is_tracked(TwObject *op)
{
    return (gc_bits(op) & TW_GC_TRACKED) != 0;
}

bool tw_gc_is_garbage(TwObject *op)
{
    return (gc_bits(op) & TW_GC_UNREACHABLE) != 0;
}

bool tw_gc_is_finalized(TwObject *op)
{
    return (gc_bits(op) & TW_GC_FINALIZED) != 0;
}

/* Written only if not set yet: the collector sets it with the world
 * stopped, and the thread that then runs the finalizer (tw_object_call_
 * finalizer sets it again) writes nothing; a dying object's bits are its
 * deallocating thread's alone (runtime.h). */
void tw_gc_set_finalized(TwObject *op)
{
    uint8_t bits = gc_bits(op);
    if (!(bits & TW_GC_FINALIZED)) {
        gc_bits_set(op, bits | TW_GC_FINALIZED);
        TwNogilThread *t = tw_nogil_thread();
        if (t)
            tw_stat_inc(&t->stats.gc_finalized);
    }
}

TwSsize tw_gc_tracked_count(void)
{
    bool stop = tw_nogil_thread() && !tw_stw_is_mine();
    if (stop)
        tw_stw_stop();
    TwSsize n = 0;
    for (TwGcList *l = __atomic_load_n(&all_lists, __ATOMIC_ACQUIRE); l; l = l->next_all) {
        for (int k = 0; k < 3; k++)
            for (TwGcHead *g = l->gens[k].next; g != &l->gens[k]; g = g->next)
                n++;
    }
    if (stop)
        tw_stw_start();
    return n;
}

/* ---------------- the collector -------------------------------------- */

typedef struct {
    TwObject **items;
    size_t len, cap;
    bool failed;
} TwObjVec;

static __attribute__((noinline)) bool vec_grow(TwObjVec *v)
{
    size_t cap = v->cap ? v->cap * 2 : 256;
    TwObject **grown = realloc(v->items, cap * sizeof *grown);
    if (!grown) {
        v->failed = true;
        return false;
    }
    v->items = grown;
    v->cap = cap;
    return true;
}

static inline void vec_push(TwObjVec *v, TwObject *op)
{
    if (__builtin_expect(v->len == v->cap, 0) && !vec_grow(v))
        return;
    v->items[v->len++] = op;
}

/* A thread keeps the buffers of its last vectors (work stacks, the
 * unreachable list, its handoff array) of up to GC_KEEP_ITEMS entries for
 * the next collection.  Allocated and freed at every collection, they
 * were most of what the threads of a cycle-making program took from
 * malloc (cycles.py at 8 threads: 161 of 181 MB), spread over every
 * thread's arena.  Only the thread itself touches its spares. */
#define GC_KEEP_ITEMS 2048
#define GC_SPARES 2
static TW_TLS TwObject **vec_spare[GC_SPARES];
static TW_TLS size_t vec_spare_cap[GC_SPARES];

static TwObjVec vec_new(void)
{
    TwObjVec v = { 0 };
    for (int i = 0; i < GC_SPARES; i++) {
        if (vec_spare[i]) {
            v.items = vec_spare[i];
            v.cap = vec_spare_cap[i];
            vec_spare[i] = NULL;
            break;
        }
    }
    return v;
}

/* Release v's buffer (kept as a spare when small); v is empty after. */
static void vec_release(TwObjVec *v)
{
    if (v->items && v->cap <= GC_KEEP_ITEMS) {
        for (int i = 0; i < GC_SPARES; i++) {
            if (!vec_spare[i]) {
                vec_spare[i] = v->items;
                vec_spare_cap[i] = v->cap;
                *v = (TwObjVec){ 0 };
                return;
            }
        }
    }
    free(v->items);
    *v = (TwObjVec){ 0 };
}

static void vec_free_spares(void)
{
    for (int i = 0; i < GC_SPARES; i++) {
        free(vec_spare[i]);
        vec_spare[i] = NULL;
    }
}

static TwSsize true_refcount(TwObject *op)
{
    uint32_t local = __atomic_load_n(&op->ob_ref_local, __ATOMIC_RELAXED);
    if (local == TW_REF_IMMORTAL_LOCAL)
        return (TwSsize)1 << 40;
    intptr_t shared = __atomic_load_n(&op->ob_ref_shared, __ATOMIC_RELAXED);
    if (local == TW_REF_DEFERRED_LOCAL)
        return (TwSsize)(shared >> TW_REF_SHARED_SHIFT);
    return (TwSsize)local + (shared >> TW_REF_SHARED_SHIFT);
}

/* In the generations being collected (older objects' references count as
 * references from outside, as in any generational collector). */
static inline bool is_candidate(TwObject *op)
{
    return op && (gc_bits(op) & TW_GC_CANDIDATE);
}

/* Steps 3 and 4 may run on several threads at once (the parallel phases
 * below): a child may then sit in a registry another thread is
 * processing, so its `u` and its bits change by atomic read-modify-writes
 * (the _shared visitors); a collector working alone uses plain ones, as
 * a lock-prefixed instruction costs tens of cycles. */
static int visit_decref(TwObject *child, void *arg)
{
    (void)arg;
    if (is_candidate(child)) {
        TwGcHead *g = TW_GC_HEAD(child);
        __atomic_store_n(&g->u, __atomic_load_n(&g->u, __ATOMIC_RELAXED) - 1, __ATOMIC_RELAXED);
    }
    return 0;
}

static int visit_decref_shared(TwObject *child, void *arg)
{
    (void)arg;
    if (is_candidate(child))
        __atomic_fetch_sub(&TW_GC_HEAD(child)->u, 1, __ATOMIC_RELAXED);
    return 0;
}

/* Marks op reachable; true if this call did (nobody had before). */
static inline bool mark_reachable(TwObject *op, bool shared)
{
    if (gc_bits(op) & TW_GC_REACHABLE)
        return false;
    if (!shared) {
        gc_bits_set(op, gc_bits(op) | TW_GC_REACHABLE);
        return true;
    }
    return !(__atomic_fetch_or(&op->ob_gc_bits, TW_GC_REACHABLE, __ATOMIC_RELAXED) &
             TW_GC_REACHABLE);
}

static int visit_reach(TwObject *child, void *arg)
{
    TwObjVec *stack = arg;
    if (is_candidate(child) && mark_reachable(child, false))
        vec_push(stack, child);
    return 0;
}

static int visit_reach_shared(TwObject *child, void *arg)
{
    TwObjVec *stack = arg;
    if (is_candidate(child) && mark_reachable(child, true))
        vec_push(stack, child);
    return 0;
}

/* Every object of generations 0..gen of every registry. */
#define FOR_EACH_CANDIDATE(l, g, gen)                                                \
    for (TwGcList *l = __atomic_load_n(&all_lists, __ATOMIC_ACQUIRE); l; l = l->next_all) \
        for (int k_ = 0; k_ <= (gen); k_++)                                          \
            for (TwGcHead *g = l->gens[k_].next; g != &l->gens[k_]; g = g->next)

/* Append list `from` (a sentinel) to list `to`; world stopped. */
static void splice(TwGcHead *to, TwGcHead *from)
{
    if (from->next == from)
        return;
    TwGcHead *first = from->next, *last = from->prev;
    to->prev->next = first;
    first->prev = to->prev;
    last->next = to;
    to->prev = last;
    from->next = from->prev = from;
}

extern TwTypeObject TwTuple_Type __attribute__((weak)); /* absent in runtime-only tests */
extern bool tw_gc_tuple_is_atomic(TwObject *t) __attribute__((weak)); /* gcmodule.h */

/* Survivors of a collection of generations 0..gen move one generation up
 * (those of the oldest stay in it); world stopped. */
static void promote(int gen)
{
    int to = gen < 2 ? gen + 1 : 2;
    for (TwGcList *l = __atomic_load_n(&all_lists, __ATOMIC_ACQUIRE); l; l = l->next_all)
        for (int k = 0; k <= gen; k++)
            if (k != to)
                splice(&l->gens[to], &l->gens[k]);
}

/* The garbage the collector frees itself moves to its own registry (the
 * oldest generation this collection promotes to): freeing it after the
 * restart then untracks it there, with no lock and without unbiasing the
 * registries of the threads that made it, which they would otherwise
 * track and untrack through under a lock for the rest of their lives.
 * World stopped (the links of any registry may change); after promote. */
static void adopt_garbage_stopped(TwNogilThread *t, int gen, TwObject *const *objs, size_t n)
{
    TwGcList *mine = t->gc_list;
    if (mine == NULL)
        return;
    TwGcHead *to = &mine->gens[gen < 2 ? gen + 1 : 2];
    for (size_t i = 0; i < n; i++) {
        TwGcHead *g = TW_GC_HEAD(objs[i]);
        if (g->u == (uintptr_t)mine)
            continue;
        links_remove(g);
        links_append(to, g);
        g->u = (uintptr_t)mine;
    }
}

/* The thread that owns op, if it parked itself for this stop or waits for
 * this collection (so it resumes in tw_stw_park_self or
 * wait_for_collection and frees what we hand it before it runs anything
 * else); NULL for our own objects, merged or deferred ones, and owners
 * that are otherwise detached (blocked: they might not run for a long
 * time).  World stopped.  *cache remembers the last owner looked up. */
static TwNogilThread *parked_owner(TwObject *op, TwNogilThread **cache)
{
    if (__atomic_load_n(&op->ob_ref_local, __ATOMIC_RELAXED) >= TW_REF_DEFERRED_LOCAL)
        return NULL;
    uintptr_t tid = __atomic_load_n(&op->ob_tid, __ATOMIC_RELAXED);
    if (tid == 0 || tid == tw_thread_id())
        return NULL;
    TwNogilThread *t = *cache;
    if (!t || __atomic_load_n(&t->tid, __ATOMIC_RELAXED) != tid) {
        t = tw_nogil_thread_by_tid(tid);
        *cache = t;
    }
    return t && (__atomic_load_n(&t->parked, __ATOMIC_RELAXED) ||
                 __atomic_load_n(&t->gc_waiting, __ATOMIC_RELAXED)) ? t : NULL;
}

/* Append op to a thread's growable array (gc_handoff, gc_rest); false if
 * it cannot grow. */
static bool objs_push(TwObject ***items, size_t *len, size_t *cap, TwObject *op)
{
    if (*len == *cap) {
        size_t ncap = *cap ? *cap * 2 : 256;
        TwObject **grown = realloc(*items, ncap * sizeof *grown);
        if (!grown)
            return false;
        *items = grown;
        *cap = ncap;
    }
    (*items)[(*len)++] = op;
    return true;
}

/* Hand garbage op back to its parked owner t, which frees it when the
 * world restarts (into its own pool, where its next allocations find warm
 * memory; nothing is merged).  The reference the owner drops then is
 * counted as the owner counts (we may: the world is stopped).  False if
 * t's list cannot grow. */
static bool hand_back(TwNogilThread *t, TwObject *op)
{
    if (!objs_push(&t->gc_handoff, &t->gc_handoff_len, &t->gc_handoff_cap, op))
        return false;
    uint32_t local = __atomic_load_n(&op->ob_ref_local, __ATOMIC_RELAXED);
    __atomic_store_n(&op->ob_ref_local, local + 1, __ATOMIC_RELAXED);
    return true;
}

static bool rest_push(TwNogilThread *t, TwObject *op)
{
    return objs_push(&t->gc_rest, &t->gc_rest_len, &t->gc_rest_cap, op);
}

/* Weak: the runtime's own unit tests link without the gc module (then
 * every unreachable object is reported). */
extern bool tw_gc_cpython_tracks_dict(TwObject *d) __attribute__((weak));
extern TwObject *tw_gc_inline_dict(TwObject *op) __attribute__((weak));
extern TwTypeObject TwDict_Type __attribute__((weak)); /* absent in runtime-only tests */
/* gc.get_stats() counts automatic collections through this (gcmodule.h). */
extern void tw_gc_note_automatic_collection(int generation, TwSsize reported)
    __attribute__((weak));

static bool is_garbage(TwObject *op, bool failed)
{
    uint8_t bits = gc_bits(op);
    return !failed && (bits & TW_GC_CANDIDATE) && !(bits & TW_GC_REACHABLE);
}

/* count_reported's walk from objects dead by their counts: `u` of each
 * garbage object (free until the sort phase restores it) counts the
 * references BRC queues and dead objects hold to it; when they are all
 * of its references it is dead too. */
static int visit_dead_ref(TwObject *child, void *arg)
{
    if (!is_garbage(child, false))
        return 0;
    TwGcHead *g = TW_GC_HEAD(child);
    uintptr_t n = g->u + 1;
    g->u = n;
    if ((TwSsize)n == true_refcount(child)) {
        gc_bits_set(child, gc_bits(child) | TW_GC_UNREPORTED);
        vec_push(arg, child);
    }
    return 0;
}

/* How many of this collection's garbage gc.collect() reports, as the gil
 * build counts them (gcmodule.h): not exact dicts CPython 3.11 would not
 * have tracked, nor the attribute dicts it would have kept as inline
 * values of an instance that is garbage too, nor deferred objects nothing
 * refers to at all (the gil build frees those when their last reference
 * goes, without a collection: a class body's function), nor objects step 1
 * took out of a BRC queue that nothing but the queue holds, and what only
 * they hold: their last reference was dropped by a thread that does not
 * own them before their owner merged its queue, so they are dead by their
 * counts, not by a cycle (and the half of a ring a collection handed to
 * its owner, whose other half the collector freed, was reported by that
 * collection).  World stopped, garbage
 * known (not REACHABLE) but not yet merged or counted by the collector,
 * so the counts tw_gc_inline_dict looks at are the program's.  A dict
 * excluded by both rules is excluded once (TW_GC_UNREPORTED). */
static TwSsize count_reported(int gen, bool failed, TwObject *const *queued, size_t nqueued)
{
    TwSsize n = 0;
    if (failed)
        return 0;
    bool rules = tw_gc_cpython_tracks_dict && tw_gc_inline_dict && &TwDict_Type;
    FOR_EACH_CANDIDATE(l, g, gen) {
        TwObject *op = TW_GC_OBJ(g);
        if (!is_garbage(op, false))
            continue;
        g->u = 0;
        if (!rules)
            continue;
        if ((TW_TYPE(op) == &TwDict_Type && !tw_gc_cpython_tracks_dict(op))
            || (__atomic_load_n(&op->ob_ref_local, __ATOMIC_RELAXED) == TW_REF_DEFERRED_LOCAL
                && (__atomic_load_n(&op->ob_ref_shared, __ATOMIC_RELAXED) >> TW_REF_SHARED_SHIFT) == 0))
            gc_bits_set(op, gc_bits(op) | TW_GC_UNREPORTED);
        TwObject *d = tw_gc_inline_dict(op);
        if (d != NULL && (gc_bits(d) & TW_GC_TRACKED) && is_garbage(d, false))
            gc_bits_set(d, gc_bits(d) | TW_GC_UNREPORTED);
    }
    TwObjVec dead = { 0 };
    for (size_t i = 0; i < nqueued; i++) {
        visit_dead_ref(queued[i], &dead);  /* the queue's reference is a dead one */
        while (dead.len) {
            TwObject *x = dead.items[--dead.len];
            TwTraverseFn trav = TW_TYPE(x)->tp_traverse;
            if (trav)
                trav(x, visit_dead_ref, &dead);
        }
    }
    free(dead.items);
    FOR_EACH_CANDIDATE(l, g, gen) {
        TwObject *op = TW_GC_OBJ(g);
        if (!is_garbage(op, false))
            continue;
        if (gc_bits(op) & TW_GC_UNREPORTED)
            gc_bits_set(op, gc_bits(op) & ~TW_GC_UNREPORTED);
        else
            n++;
    }
    return n;
}

/* ---------------- parallel phases ------------------------------------ */

/* Steps 2-4 of a collection (counts, subtraction, marking) and the first
 * half of step 5 (sorting) go registry by registry, in four phases with a
 * barrier between them.  The collector
 * posts a phase (phase_seq + 1) and works through the registries; threads
 * parked for the stop and spinning (tw_stw_park_self) join in
 * (tw_gc_help_stopped).  Each registry is claimed once per phase by a CAS
 * of its gc_claim from an older phase to this one, the owner's own first:
 * a thread mostly walks the objects it made, which its cache holds,
 * instead of the collector pulling every thread's objects across cores.
 * (--stats: gc_phases_helped counts the registries helpers walked.)
 * The phase ends when every registry is done (phase_done, release/acquire
 * against the collector's wait): a helper that claimed a registry always
 * finishes it before the collector goes on.  Helpers are an optimisation:
 * with none (detached owners, sleeping parked threads, more threads than
 * CPUs) the collector claims every registry itself.  Invariants:
 *   - a registry's gc_claim only grows, and a phase's work on a registry
 *     runs only between its claim and phase_done reaching the count, so
 *     no registry is walked twice in a phase or after its phase ended;
 *   - within a phase, `u` and the bits of any candidate change only by
 *     atomic read-modify-writes (the child of a traversal may be in
 *     another participant's registry); plain writes (step 2's counts) only
 *     to the claimed registry's own objects. */
enum { PHASE_COUNT, PHASE_SUBTRACT, PHASE_MARK, PHASE_SORT };
static uint64_t phase_seq;           /* atomic: the last phase posted      */
/* Written (relaxed) before phase_seq's release: the phase, and the head of
 * all_lists when it was posted (registries published later, by threads
 * being created, are empty: the phase leaves them out). */
static int phase_kind, phase_gen;
static TwGcList *phase_head;
static uint32_t phase_done;          /* registries finished in this phase  */
static bool phase_failed;            /* a mark stack could not grow        */
static int64_t phase_alive, phase_given;   /* PHASE_SORT's counts         */
static TwNogilThread *phase_collector;     /* the thread running them     */
static bool phase_shared;            /* helpers may join (else plain ops)  */

/* Step 2 for one registry: gc_refs = true refcount, kept in `u`. */
static void phase_count(TwGcList *l, int gen)
{
    for (int k = 0; k <= gen; k++) {
        for (TwGcHead *g = l->gens[k].next; g != &l->gens[k]; g = g->next) {
            TwObject *op = TW_GC_OBJ(g);
            TwSsize rc = true_refcount(op);
            uintptr_t u;
            if (rc == 0 && __atomic_load_n(&op->ob_ref_local, __ATOMIC_RELAXED) ==
                               TW_REF_DEFERRED_LOCAL)
                u = 0;
            else if (gc_bits(op) & TW_GC_DYING)
                u = (uintptr_t)1 << 40;        /* a root, never traversed */
            else
                u = (uintptr_t)(rc > 0 ? rc : ((TwSsize)1 << 40));
            __atomic_store_n(&g->u, u, __ATOMIC_RELAXED);
            gc_bits_set(op, (gc_bits(op) & ~(TW_GC_REACHABLE | TW_GC_UNREACHABLE)) |
                                TW_GC_CANDIDATE);
        }
    }
}

/* Step 3 for one registry: subtract references between candidates. */
static void phase_subtract(TwGcList *l, int gen)
{
    bool shared = __atomic_load_n(&phase_shared, __ATOMIC_RELAXED);
    for (int k = 0; k <= gen; k++) {
        for (TwGcHead *g = l->gens[k].next; g != &l->gens[k]; g = g->next) {
            TwObject *op = TW_GC_OBJ(g);
            TwTraverseFn trav = TW_TYPE(op)->tp_traverse;
            if (trav && !(gc_bits(op) & TW_GC_DYING))
                trav(op, shared ? visit_decref_shared : visit_decref, NULL);
        }
    }
}

/* Step 4 for one registry: everything its candidates referenced from
 * outside (gc_refs > 0) reach is reachable, in whatever registry. */
static void phase_mark(TwGcList *l, int gen, TwObjVec *stack)
{
    bool shared = __atomic_load_n(&phase_shared, __ATOMIC_RELAXED);
    TwVisitFn visit = shared ? visit_reach_shared : visit_reach;
    for (int k = 0; k <= gen; k++) {
        for (TwGcHead *g = l->gens[k].next; g != &l->gens[k]; g = g->next) {
            TwObject *op = TW_GC_OBJ(g);
            if ((intptr_t)__atomic_load_n(&g->u, __ATOMIC_RELAXED) <= 0 ||
                !mark_reachable(op, shared))
                continue;
            vec_push(stack, op);
            while (stack->len && !stack->failed) {
                TwObject *x = stack->items[--stack->len];
                TwTraverseFn trav = TW_TYPE(x)->tp_traverse;
                if (trav && !(gc_bits(x) & TW_GC_DYING))
                    trav(x, visit, stack);
            }
            if (stack->failed) {
                __atomic_store_n(&phase_failed, true, __ATOMIC_RELAXED);
                return;
            }
        }
    }
}

/* Step 5's first half for one registry, by participant p: restore `u`
 * and the bits; survivors are counted, and those that are tuples of
 * atomic items only leave the registry (untracked, as CPython untracks
 * them when a collection finds them: later collections skip them, and
 * gc.is_tracked reads as CPython's; an item that is itself such a tuple
 * may or may not have been untracked yet, in another registry: either
 * answer keeps the tuple safely tracked until the next collection, which
 * is what the order of the registries decided before); not deferred or
 * immortal tuples (the collector finds dead untracked deferred objects
 * by their id instead), nor one another thread is untracking.  Garbage is
 * marked UNREACHABLE and either, when p is a parked helper that owns it,
 * handed to p itself (p frees it when the world restarts, as the
 * collector would hand it), or left on p's gc_rest for the collector
 * (sort_garbage).  Only p writes p's handoff and rest lists here. */
static void phase_sort(TwGcList *l, int gen, TwNogilThread *p)
{
    bool failed = __atomic_load_n(&phase_failed, __ATOMIC_RELAXED);
    bool helper = p != __atomic_load_n(&phase_collector, __ATOMIC_RELAXED);
    bool tuples = &TwTuple_Type && tw_gc_tuple_is_atomic;
    uintptr_t tid = helper ? tw_thread_id() : 0;
    int64_t alive = 0, given = 0;
    for (int k = 0; k <= gen; k++) {
        for (TwGcHead *g = l->gens[k].next, *next; g != &l->gens[k]; g = next) {
            next = g->next;
            TwObject *op = TW_GC_OBJ(g);
            __atomic_store_n(&g->u, (uintptr_t)l, __ATOMIC_RELAXED);
            uint8_t bits = gc_bits(op) & ~TW_GC_CANDIDATE;
            if ((bits & TW_GC_REACHABLE) || failed) {
                gc_bits_set(op, bits & ~TW_GC_REACHABLE);
                alive++;
                if (tuples && TW_TYPE(op) == &TwTuple_Type && !(bits & TW_GC_DYING) &&
                    __atomic_load_n(&op->ob_ref_local, __ATOMIC_RELAXED) < TW_REF_DEFERRED_LOCAL &&
                    tw_gc_tuple_is_atomic(op))
                    unlink_tracked(l, op);
                continue;
            }
            gc_bits_set(op, bits | TW_GC_UNREACHABLE);
            if (helper &&
                __atomic_load_n(&op->ob_ref_local, __ATOMIC_RELAXED) < TW_REF_DEFERRED_LOCAL &&
                __atomic_load_n(&op->ob_tid, __ATOMIC_RELAXED) == tid && hand_back(p, op)) {
                given++;
                continue;
            }
            if (!rest_push(p, op)) {
                gc_bits_set(op, bits);
                alive++;
            }
        }
    }
    __atomic_fetch_add(&phase_alive, alive, __ATOMIC_RELAXED);
    __atomic_fetch_add(&phase_given, given, __ATOMIC_RELAXED);
}

static bool phase_claim(TwGcList *l, uint64_t seq)
{
    uint64_t c = __atomic_load_n(&l->gc_claim, __ATOMIC_RELAXED);
    return c < seq && __atomic_compare_exchange_n(&l->gc_claim, &c, seq, false,
                                                  __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static void phase_run_one(TwNogilThread *t, TwGcList *l, int kind, int gen, TwObjVec *stack)
{
    if (kind == PHASE_COUNT)
        phase_count(l, gen);
    else if (kind == PHASE_SUBTRACT)
        phase_subtract(l, gen);
    else if (kind == PHASE_MARK)
        phase_mark(l, gen, stack);
    else
        phase_sort(l, gen, t);
    __atomic_fetch_add(&phase_done, 1, __ATOMIC_RELEASE);
}

/* The caller's share of phase seq: its own registry first, then any
 * registry nobody has claimed yet. */
static uint32_t phase_work(TwNogilThread *t, uint64_t seq, TwGcList *head, int kind, int gen,
                           TwObjVec *stack)
{
    uint32_t n = 0;
    TwGcList *own = t ? t->gc_list : NULL;
    bool own_in = false;
    for (TwGcList *l = head; l && own; l = l->next_all)
        own_in |= l == own;
    if (own_in && phase_claim(own, seq)) {
        phase_run_one(t, own, kind, gen, stack);
        n++;
    }
    for (TwGcList *l = head; l; l = l->next_all) {
        if (l != own && phase_claim(l, seq)) {
            phase_run_one(t, l, kind, gen, stack);
            n++;
        }
    }
    return n;
}

/* Post a phase, do our share, wait until every registry is done.  World
 * stopped, on the collecting thread. */
static void run_phase(TwNogilThread *t, int kind, int gen, TwObjVec *stack)
{
    TwGcList *head = __atomic_load_n(&all_lists, __ATOMIC_ACQUIRE);
    /* Parked threads help only while each online thread can have a CPU:
     * with more, a spinning helper would hold a CPU the collector needs. */
    bool shared = __atomic_load_n(&tw_qsbr_online_count, __ATOMIC_RELAXED) > 1 &&
                  !tw_nogil_threads_outnumber_cpus();
    __atomic_store_n(&phase_shared, shared, __ATOMIC_RELAXED);
    if (!shared) {
        /* No helper can join: every registry ourselves, no claims. */
        for (TwGcList *l = head; l; l = l->next_all)
            phase_run_one(t, l, kind, gen, stack);
        return;
    }
    uint32_t n = 0;
    for (TwGcList *l = head; l; l = l->next_all)
        n++;
    __atomic_store_n(&phase_kind, kind, __ATOMIC_RELAXED);
    __atomic_store_n(&phase_gen, gen, __ATOMIC_RELAXED);
    __atomic_store_n(&phase_head, head, __ATOMIC_RELAXED);
    __atomic_store_n(&phase_done, 0, __ATOMIC_RELAXED);
    uint64_t seq = __atomic_add_fetch(&phase_seq, 1, __ATOMIC_RELEASE);
    phase_work(t, seq, head, kind, gen, stack);
    for (int i = 0; __atomic_load_n(&phase_done, __ATOMIC_ACQUIRE) < n; i++) {
        if (i < 4096)
            tw_cpu_relax();
        else
            sched_yield();
    }
}

uint64_t tw_gc_phase_seq(void)
{
    return __atomic_load_n(&phase_seq, __ATOMIC_ACQUIRE);
}

bool tw_gc_help_stopped(TwNogilThread *t, uint64_t *seen)
{
    uint64_t seq = __atomic_load_n(&phase_seq, __ATOMIC_ACQUIRE);
    if (seq == *seen)
        return false;
    *seen = seq;
    if (!__atomic_load_n(&phase_shared, __ATOMIC_RELAXED))
        return false;
    /* Read after the post's release; if a later phase was posted
     * meanwhile, every registry already carries this phase's claim or a
     * later one and nothing below runs. */
    int kind = __atomic_load_n(&phase_kind, __ATOMIC_RELAXED);
    int gen = __atomic_load_n(&phase_gen, __ATOMIC_RELAXED);
    TwGcList *head = __atomic_load_n(&phase_head, __ATOMIC_RELAXED);
    TwObjVec stack = vec_new();
    uint32_t helped = phase_work(t, seq, head, kind, gen, &stack);
    vec_release(&stack);
    if (helped)
        __atomic_fetch_add(&tw_nogil_gstats.gc_helped, helped, __ATOMIC_RELAXED);
    return true;
}

/* Step 5's second half, on the collecting thread, for garbage the sort
 * phase left to it: garbage of a parked thread goes back to it
 * (hand_back); the rest we clear and free after the restart, whoever
 * made it. */
static void sort_garbage(TwObject *op, bool sections_open, TwNogilThread **owner_cache,
                         TwObjVec *unreachable, int64_t *alive, int64_t *given)
{
    TwNogilThread *owner = parked_owner(op, owner_cache);
    if (owner && hand_back(owner, op)) {
        (*given)++;
        return;
    }
    vec_push(unreachable, op);
    if (unreachable->failed) {
        unreachable->failed = false;
        gc_bits_set(op, gc_bits(op) & ~TW_GC_UNREACHABLE);
        (*alive)++;
        return;
    }
    /* Fold every count into ob_ref_shared (MERGED, no owner): the
     * collector's decrefs after the restart then free each object here
     * and now, instead of queueing it to its owner thread and waiting for
     * that thread to merge.  Objects the collecting thread owns need no
     * merge: its decrefs are the owner's. */
    tw_bias_drop_stopped(op, sections_open);
    if (__atomic_load_n(&op->ob_ref_local, __ATOMIC_RELAXED) == TW_REF_DEFERRED_LOCAL)
        tw_deferred_convert_stopped(op);
    else if (!tw_is_owned_by_me(op))
        tw_brc_explicit_merge(op, 0);
    tw_incref(op);
}

/* Weak: the runtime's own unit tests link without the object model, whose
 * classes and generators are the only objects with finalizers (object.h). */
extern bool tw_finalizers_seen __attribute__((weak));
extern void tw_object_call_finalizer(TwObject *op) __attribute__((weak));
extern bool tw_object_finalizer_pending(TwObject *op) __attribute__((weak));

/* op has a finalizer that would do something (object.h): a finished
 * generator's does nothing, and garbage holding one then needs no
 * finalizing pass. */
static bool finalizer_pending(TwObject *op)
{
    if (!TW_TYPE(op)->tp_finalize)
        return false;
    return !tw_object_finalizer_pending || tw_object_finalizer_pending(op);
}

/* Finalizers.  Garbage whose finalizer is still to run (a class's
 * __del__) must run it before anything of its cycle is cleared, and may
 * make the cycle reachable again.  So a collection that finds some frees
 * nothing: it takes a reference to each and marks it finalized (world
 * stopped), restarts the world with everything else as it was (the sort
 * phase counts all candidates alive, hands nothing back), runs the
 * finalizers, drops the references, and collects again; what a finalizer
 * stored somewhere is then reachable, and the rest is freed, without
 * running its finalizer again.  Only programs that made a class with a
 * finalizer or a generator (tw_finalizers_seen) pay for the walk.  World stopped; false
 * if `fin` could not grow (the collection then frees nothing either). */
static bool take_finalizable(int gen, TwObjVec *fin)
{
    FOR_EACH_CANDIDATE(l, g, gen) {
        TwObject *op = TW_GC_OBJ(g);
        if (!is_garbage(op, false) || (gc_bits(op) & TW_GC_FINALIZED) ||
            !finalizer_pending(op))
            continue;
        vec_push(fin, op);
        if (fin->failed)
            return false;
        tw_gc_set_finalized(op);
        tw_incref(op);
    }
    return true;
}

/* Steps 2-5 with the world stopped; fills `unreachable` (references taken).
 * `queued` are the objects step 1 took out of BRC queues: each still holds
 * the queue's reference (dropped after the restart), which no program
 * holds, so it does not make them roots.  Otherwise garbage whose last
 * reference a non-owner dropped while its owner was detached or off its
 * core, and everything that garbage reaches, would survive the collection
 * and count as long-lived.  `fin` gets the garbage with finalizers still
 * to run (take_finalizable); if there is any, nothing is garbage this
 * time. */
static void find_unreachable(int gen, TwObjVec *unreachable, int64_t *survivors,
                             int64_t *handed, TwSsize *reported, TwObject *const *queued,
                             size_t nqueued, TwObjVec *fin)
{
    TwNogilThread *me = tw_nogil_thread();
    TwObjVec stack = vec_new();
    __atomic_store_n(&phase_collector, me, __ATOMIC_RELAXED);
    __atomic_store_n(&phase_failed, false, __ATOMIC_RELAXED);
    run_phase(me, PHASE_COUNT, gen, &stack);
    for (size_t i = 0; i < nqueued; i++)
        visit_decref(queued[i], NULL);
    run_phase(me, PHASE_SUBTRACT, gen, &stack);
    run_phase(me, PHASE_MARK, gen, &stack);
    bool failed = stack.failed || __atomic_load_n(&phase_failed, __ATOMIC_RELAXED);
    stack.len = 0;
    stack.failed = false;
    if (!failed && &tw_finalizers_seen && __atomic_load_n(&tw_finalizers_seen, __ATOMIC_RELAXED) &&
        (!take_finalizable(gen, fin) || fin->len > 0))
        failed = true;     /* nothing freed this time: see take_finalizable */
    if (reported)
        *reported = count_reported(gen, failed, queued, nqueued);
    bool sections_open = tw_bias_sections_open_stopped();
    __atomic_store_n(&phase_failed, failed, __ATOMIC_RELAXED);
    __atomic_store_n(&phase_alive, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&phase_given, 0, __ATOMIC_RELAXED);
    run_phase(me, PHASE_SORT, gen, &stack);
    int64_t alive = __atomic_load_n(&phase_alive, __ATOMIC_RELAXED);
    int64_t given = __atomic_load_n(&phase_given, __ATOMIC_RELAXED);
    TwNogilThread *owner_cache = NULL;
    for (TwNogilThread *p = tw_nogil_threads_first(); p; p = tw_nogil_threads_next(p)) {
        for (size_t i = 0; i < p->gc_rest_len; i++)
            sort_garbage(p->gc_rest[i], sections_open, &owner_cache, unreachable, &alive,
                         &given);
        p->gc_rest_len = 0;
    }
    vec_release(&stack);
    *survivors = alive;
    *handed = given;
}

/* Step 6's tp_clear of one unreachable object.  A dict that nothing but
 * the collector's reference holds any more (what held it was cleared
 * before it) is not cleared: dropping that reference frees it, which
 * releases the same references (instances' __dict__s, most of a cycle's
 * garbage). */
static void clear_garbage(TwObject *op)
{
    TwInquiryFn clear = TW_TYPE(op)->tp_clear;
    if (!clear)
        return;
    if (TW_TYPE(op) == &TwDict_Type && tw_refcnt(op) == 1)
        return;
    clear(op);
}

/* Step 6 for n unreachable objects the caller holds a reference to
 * each: clear them all (breaking their cycles), then drop the references,
 * which frees them.  The drops go from the last to the first: objs is in
 * registry order, which is allocation order, and the freeing thread's pool
 * hands blocks out last freed first, so its next objects come in the same
 * ascending order and the next collection's walk of them stays
 * sequential.  Dropped first to last, cycles at 4 threads on 2 cores took
 * 0.452 s against 0.413 s (interleaved medians of eleven). */
static void release_garbage(TwObject **objs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        clear_garbage(objs[i]);
    for (size_t i = n; i-- > 0;) {
        gc_bits_set(objs[i], gc_bits(objs[i]) & ~TW_GC_UNREACHABLE);
        tw_decref(objs[i]);
    }
}

void tw_gc_free_handoff(TwNogilThread *t)
{
    TwObject **objs = t->gc_handoff;
    size_t n = t->gc_handoff_len, cap = t->gc_handoff_cap;
    /* a collection during the frees may hand this thread more */
    t->gc_handoff = NULL;
    t->gc_handoff_len = t->gc_handoff_cap = 0;
    bool was = freeing_garbage;
    freeing_garbage = true;
    release_garbage(objs, n);
    freeing_garbage = was;
    if (t->gc_handoff == NULL && cap <= GC_KEEP_ITEMS) {
        t->gc_handoff = objs;           /* kept for the next collection */
        t->gc_handoff_cap = cap;
    } else {
        free(objs);
    }
}

/* Dealloc dead untracked deferred objects (converted to MERGED with a
 * count of 0 while the world was stopped); frees the array. */
static void free_dead_deferred(TwObject **dead, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tw_dealloc(dead[i]);
    free(dead);
}

/* One collection; *ran_finalizers: it freed nothing but ran finalizers
 * (take_finalizable), and the caller collects again. */
static TwSsize collect_once(int generation, bool explicit_call, bool *ran_finalizers)
{
    TwNogilThread *t = tw_nogil_thread();
    *ran_finalizers = false;
    if (!t)
        return 0;
    uint32_t zero = 0;
    if (!__atomic_compare_exchange_n(&collecting, &zero, 1, false, __ATOMIC_ACQUIRE,
                                     __ATOMIC_RELAXED))
        return 0;
    tw_gc_flush_count(t);
    tw_stw_let_woken_run();
    uint64_t start = tw_monotonic_ns();

    tw_stw_stop();
    /* The count restarts now: what others allocate from the restart on
     * counts towards the next collection, even while this one is still
     * freeing its garbage. */
    __atomic_store_n(&count0, 0, __ATOMIC_RELAXED);
    for (TwNogilThread *o = tw_nogil_threads_first(); o; o = tw_nogil_threads_next(o)) {
        o->gc_count_delta = 0;
        o->gc_flush_at = 0;
    }
    size_t nmerged = 0;
    TwObject **merged = tw_brc_merge_all_stopped(&nmerged);
    tw_deferred_merge_all_stopped();
    TwObjVec unreachable = vec_new();
    TwObjVec fin = { 0 };
    int64_t survivors = 0, handed = 0;
    TwSsize reported = 0;
    find_unreachable(generation, &unreachable, &survivors, &handed,
                     explicit_call ? &reported : NULL, merged, nmerged, &fin);
    bool finalizing = fin.len > 0;
    if (!finalizing) {
        /* (finalizing: the candidates stay where they are for the next
         * pass, which collects the same generations) */
        promote(generation);
        adopt_garbage_stopped(t, generation, unreachable.items, unreachable.len);
    }
    TwObject **dead = NULL;
    size_t ndead = tw_deferred_take_dead_untracked_stopped(&dead);
    tw_deferred_unprotect_stopped();
    tw_stw_start();

    /* Generation bookkeeping, as the generational collector keeps it
     * (finalizing: the next pass does it). */
    if (!finalizing) {
        int c1 = counts12[0], c2 = counts12[1];
        if (generation >= 2) {
            c1 = c2 = 0;
        } else if (generation == 1) {
            c1 = 0;
            c2++;
        } else {
            c1++;
        }
        __atomic_store_n(&counts12[0], c1, __ATOMIC_RELAXED);
        __atomic_store_n(&counts12[1], c2, __ATOMIC_RELAXED);
        if (generation >= 2) {
            __atomic_store_n(&long_lived_pending, 0, __ATOMIC_RELAXED);
            __atomic_store_n(&long_lived_total, survivors, __ATOMIC_RELAXED);
        } else if (generation == 1) {
            __atomic_store_n(&long_lived_pending, long_lived_pending + survivors,
                             __ATOMIC_RELAXED);
        }
    }
    /* The next collection may start while this thread frees the garbage:
     * its stop then waits for us to finish (we check no eval breaker
     * meanwhile) while every other thread stays parked.  That is the
     * back-pressure that keeps garbage bounded when other threads
     * allocate faster than one thread can free; with `collecting` held
     * until the end, they allocated unchecked through every free phase,
     * each collection found more, and its free phase grew longer.  The
     * garbage we hold keeps a reference (ours), so a collection that runs
     * meanwhile (we may detach inside a free, or run a finalizer) sees it
     * as reachable and leaves it to us. */
    __atomic_store_n(&collecting, 0, __ATOMIC_SEQ_CST);
    /* gc_waiters counts the threads in wait_for_collection from before
     * they read `collecting` (tw_futex_wait_counted's argument) */
    tw_futex_wake_counted(&collecting, INT_MAX, &gc_waiters);

    freeing_garbage = true;
    for (size_t i = 0; i < nmerged; i++)
        tw_decref(merged[i]);
    free(merged);
    free_dead_deferred(dead, ndead);
    release_garbage(unreachable.items, unreachable.len);
    TwSsize found = (TwSsize)unreachable.len + (TwSsize)handed;
    vec_release(&unreachable);
    /* The garbage just freed may have held the last references to
     * untracked deferred objects (a dead function's constants).  An
     * explicit gc.collect() frees them now; an automatic collection leaves
     * them to the next one, whose stop finds them anyway, rather than
     * stop the world again for them. */
    for (int pass = 0; explicit_call && pass < 4 && (found > 0 || ndead > 0) &&
                       tw_deferred_any_untracked();
         pass++) {
        tw_stw_stop();
        tw_deferred_merge_all_stopped();
        ndead = tw_deferred_take_dead_untracked_stopped(&dead);
        tw_deferred_unprotect_stopped();
        tw_stw_start();
        free_dead_deferred(dead, ndead);
        if (ndead == 0)
            break;
    }

    freeing_garbage = false;

    if (finalizing) {
        for (size_t i = 0; i < fin.len; i++)
            tw_object_call_finalizer(fin.items[i]);
        for (size_t i = 0; i < fin.len; i++)
            tw_decref(fin.items[i]);
        free(fin.items);
        *ran_finalizers = true;
    }

    uint64_t end = tw_monotonic_ns();
    uint64_t pause = end - start;
    __atomic_fetch_add(&tw_nogil_gstats.gc_runs, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&tw_nogil_gstats.gc_collected, (uint64_t)found, __ATOMIC_RELAXED);
    __atomic_fetch_add(&tw_nogil_gstats.gc_pause_total_ns, pause, __ATOMIC_RELAXED);
    tw_stat_max(&tw_nogil_gstats.gc_pause_max_ns, pause);
    if (tw_trace_enabled())
        tw_trace_complete("gc", t->base.ident, start, end);
    /* gc.collect() reports what the gil build would (and counts itself in
     * gc.get_stats()); an automatic collection is counted here, with every
     * object it freed: CPython's rules (count_reported) cost a cycle-heavy
     * script 7.6% of its instructions when applied to every collection. */
    if (!explicit_call && !finalizing && tw_gc_note_automatic_collection)
        tw_gc_note_automatic_collection(generation, found);
    return explicit_call ? reported : found;
}

/* A pass that ran finalizers is followed by another, which frees what
 * they left garbage.  Finalizers that keep making new garbage with
 * finalizers could go on for ever: after GC_FINALIZING_PASSES such passes
 * the rest waits for the next collection. */
#define GC_FINALIZING_PASSES 4

static TwSsize collect(int generation, bool explicit_call)
{
    bool again = false;
    TwSsize n = 0;
    for (int pass = 0; pass <= GC_FINALIZING_PASSES; pass++) {
        n = collect_once(generation, explicit_call, &again);
        if (!again)
            break;
    }
    return n;
}

TwSsize tw_gc_collect(int generation)
{
    if (generation < 0 || generation > 2)
        generation = 2;
    return collect(generation, true);
}

/* The eval breaker's TW_EB_GC_SCHEDULED: pick the generation the GIL
 * build would collect, re-checking that a collection is still due. */
TwSsize tw_gc_collect_scheduled(void)
{
    int64_t c = __atomic_load_n(&count0, __ATOMIC_RELAXED);
    if (collection_overdue(c)) {
        wait_for_collection();
        return 0;
    }
    if (!should_collect(c))
        return 0;
    int gen = 0;
    if (__atomic_load_n(&counts12[0], __ATOMIC_RELAXED) + 1 >
        __atomic_load_n(&thresholds[1], __ATOMIC_RELAXED)) {
        gen = 1;
        if (__atomic_load_n(&counts12[1], __ATOMIC_RELAXED) + 1 >
                __atomic_load_n(&thresholds[2], __ATOMIC_RELAXED) &&
            __atomic_load_n(&long_lived_pending, __ATOMIC_RELAXED) >=
                __atomic_load_n(&long_lived_total, __ATOMIC_RELAXED) / 4)
            gen = 2;
    }
    return collect(gen, false);
}

void tw_gc_enable(void) { __atomic_store_n(&enabled, true, __ATOMIC_RELAXED); }
void tw_gc_disable(void) { __atomic_store_n(&enabled, false, __ATOMIC_RELAXED); }
bool tw_gc_isenabled(void) { return __atomic_load_n(&enabled, __ATOMIC_RELAXED); }

void tw_gc_get_count(int out[3])
{
    int64_t c = __atomic_load_n(&count0, __ATOMIC_RELAXED);
    TwNogilThread *t = tw_nogil_thread();
    if (t)
        c += t->gc_count_delta;
    out[0] = c < 0 ? 0 : (int)c;
    out[1] = __atomic_load_n(&counts12[0], __ATOMIC_RELAXED);
    out[2] = __atomic_load_n(&counts12[1], __ATOMIC_RELAXED);
}

void tw_gc_get_threshold(int out[3])
{
    for (int i = 0; i < 3; i++)
        out[i] = __atomic_load_n(&thresholds[i], __ATOMIC_RELAXED);
}

void tw_gc_set_threshold(const int in[3])
{
    for (int i = 0; i < 3; i++)
        __atomic_store_n(&thresholds[i], in[i], __ATOMIC_RELAXED);
    /* Our batch was sized for the old threshold (another thread's, at
     * most TW_GC_FLUSH_MAX, is resized at its next flush). */
    TwNogilThread *t = tw_nogil_thread();
    if (t)
        t->gc_flush_at = 0;
}
