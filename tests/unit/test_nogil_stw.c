/*
 * test_nogil_stw.c — stop-the-world (nogil_runtime/stop_the_world.c) and
 * the stop-the-world cycle collector (gc_stw.c):
 *   - while the world is stopped, attached threads spinning through
 *     eval-breaker checks make no progress, and a thread that tries to
 *     attach waits; after the restart all of them run again; pauses are
 *     counted in --stats; the seam's tw_runtime_stop_world does the same
 *     and, with the world already stopped by its caller, nothing;
 *   - cycles are collected (the right number, each freed once) whether
 *     their objects were tracked by this thread, a running thread, or a
 *     thread that has exited; reachable objects are untouched;
 *   - the collector frees the garbage of a thread that sits detached
 *     itself, without unbiasing that thread's registry, and a reference
 *     held only by a BRC queue keeps nothing alive;
 *   - threads parked for a collection walk registries for its parallel
 *     phases, and cycles across registries are found all the same;
 *   - passing the generation-0 threshold schedules a collection through
 *     the eval breaker.
 */
#define _GNU_SOURCE
#include <limits.h>

#include "test_nogil_util.h"

#if TW_TEST_NOGIL

/* ---------------- stop the world ------------------------------------- */

#define N_SPINNERS 3
static long g_progress[N_SPINNERS + 1];
static int g_stop_spinning, g_started;

static void spinner(int idx, void *p)
{
    __atomic_fetch_add(&g_started, 1, __ATOMIC_RELEASE);
    TwThreadState *ts = tw_tstate();
    while (!__atomic_load_n(&g_stop_spinning, __ATOMIC_ACQUIRE)) {
        if (idx == N_SPINNERS) {
            /* This one keeps detaching and re-attaching. */
            tw_begin_blocking();
            usleep(50);
            tw_end_blocking();
        }
        __atomic_fetch_add(&g_progress[idx], 1, __ATOMIC_RELAXED);
        if (tw_eval_breaker_pending(ts))
            tw_eval_breaker_handle(ts);
    }
}

static long progress_sum(void)
{
    long s = 0;
    for (int i = 0; i <= N_SPINNERS; i++)
        s += __atomic_load_n(&g_progress[i], __ATOMIC_RELAXED);
    return s;
}

static void stw_main(int idx, void *p)
{
    if (idx > 0) {
        spinner(idx - 1, p);
        return;
    }
    int *ok = p;
    tw_test_spin_until(&g_started, N_SPINNERS + 1, 10.0);
    usleep(5000);
    for (int round = 0; round < 5; round++) {
        /* odd rounds through the seam's stop for shared code */
        bool seam = round % 2;
        if (seam) {
            if (!tw_runtime_stop_world())
                ok[2] = 0;
        } else {
            tw_stw_stop();
        }
        if (tw_runtime_stop_world())
            ok[2] = 0;                     /* stopped already, by us */
        long a = progress_sum();
        usleep(20000);
        long b = progress_sum();
        if (seam)
            tw_runtime_start_world();
        else
            tw_stw_start();
        if (a != b)
            ok[0] = 0;                     /* someone ran while stopped */
        usleep(20000);
        if (progress_sum() == b)
            ok[1] = 0;                     /* nobody ran after the restart */
    }
    __atomic_store_n(&g_stop_spinning, 1, __ATOMIC_RELEASE);
}

static void test_stop_the_world_pauses_attached_and_attaching_threads(void)
{
    memset(g_progress, 0, sizeof g_progress);
    g_stop_spinning = g_started = 0;
    uint64_t before = __atomic_load_n(&tw_nogil_gstats.stw_count, __ATOMIC_RELAXED);
    uint64_t pause0 = __atomic_load_n(&tw_nogil_gstats.stw_total_ns, __ATOMIC_RELAXED);
    uint64_t wait0 = __atomic_load_n(&tw_nogil_gstats.stw_wait_total_ns, __ATOMIC_RELAXED);
    int ok[3] = { 1, 1, 1 };
    CHECK(tw_test_run_threads(N_SPINNERS + 2, stw_main, ok));
    CHECK(ok[0]);
    CHECK(ok[1]);
    CHECK(ok[2]);
    CHECK_EQ_INT(__atomic_load_n(&tw_nogil_gstats.stw_count, __ATOMIC_RELAXED), before + 5);
    CHECK(__atomic_load_n(&tw_nogil_gstats.stw_max_ns, __ATOMIC_RELAXED) >= 20000000u);
    /* Attached spinners had to reach a check: some wait to stop them,
     * and the wait is part of each pause (the 20 ms with the world
     * stopped is not). */
    uint64_t pause = __atomic_load_n(&tw_nogil_gstats.stw_total_ns, __ATOMIC_RELAXED) - pause0;
    uint64_t wait = __atomic_load_n(&tw_nogil_gstats.stw_wait_total_ns, __ATOMIC_RELAXED) - wait0;
    CHECK(wait > 0);
    CHECK(wait + 5 * 20000000u <= pause);
    CHECK(__atomic_load_n(&tw_nogil_gstats.stw_wait_max_ns, __ATOMIC_RELAXED) <=
          __atomic_load_n(&tw_nogil_gstats.stw_max_ns, __ATOMIC_RELAXED));
}

/* Back-to-back stops (a thread calling gc.collect() in a loop) with more
 * threads than CPUs: each restart wakes the parked threads, and each must
 * get to attach and run before the next stop suspends it again, or it
 * could wait through any number of stops (stop_the_world.c, Fairness).
 * Each busy thread counts the rounds (stops) between which it ran.  A
 * thread the scheduler keeps off its CPU longer than the bound is stopped
 * anyway, so each needs only a tenth of the rounds; without the fairness
 * wait, some thread ran in none of them in most runs on 2 CPUs. */
#define N_BUSY 4
#define N_BACK_TO_BACK 400
static long g_round;
static long g_rounds_run[N_BUSY];

static void back_to_back_main(int idx, void *p)
{
    if (idx > 0) {
        TwThreadState *ts = tw_tstate();
        long last = -1;
        __atomic_fetch_add(&g_started, 1, __ATOMIC_RELEASE);
        while (!__atomic_load_n(&g_stop_spinning, __ATOMIC_ACQUIRE)) {
            long r = __atomic_load_n(&g_round, __ATOMIC_RELAXED);
            if (r != last) {
                last = r;
                __atomic_fetch_add(&g_rounds_run[idx - 1], 1, __ATOMIC_RELAXED);
            }
            if (tw_eval_breaker_pending(ts))
                tw_eval_breaker_handle(ts);
        }
        return;
    }
    long *least = p;
    tw_test_spin_until(&g_started, N_BUSY, 10.0);
    for (int i = 0; i < N_BUSY; i++)
        __atomic_store_n(&g_rounds_run[i], 0, __ATOMIC_RELAXED);
    for (int round = 0; round < N_BACK_TO_BACK; round++) {
        tw_stw_stop();
        __atomic_store_n(&g_round, round + 1, __ATOMIC_RELAXED);
        tw_stw_start();
    }
    /* read with the world stopped */
    tw_stw_stop();
    *least = LONG_MAX;
    for (int i = 0; i < N_BUSY; i++) {
        long d = __atomic_load_n(&g_rounds_run[i], __ATOMIC_RELAXED);
        if (d < *least)
            *least = d;
    }
    tw_stw_start();
    __atomic_store_n(&g_stop_spinning, 1, __ATOMIC_RELEASE);
}

static void test_back_to_back_stops_let_woken_threads_run(void)
{
    g_stop_spinning = g_started = 0;
    g_round = 0;
    long least = 0;
    CHECK(tw_test_run_threads(N_BUSY + 1, back_to_back_main, &least));
    if (getenv("SHOWLEAST") || least < N_BACK_TO_BACK / 10)
        fprintf(stderr, "  a busy thread ran in %ld of %d rounds\n", least, N_BACK_TO_BACK);
    CHECK(least >= N_BACK_TO_BACK / 10);
}

/* ---------------- GC test type --------------------------------------- */

typedef struct {
    TwObject ob_base;
    TwObject *ref;
    int id;
} Node;

static int g_node_deallocs;

static void node_dealloc(TwObject *op)
{
    Node *n = (Node *)op;
    tw_gc_untrack(op);
    TwObject *r = n->ref;
    n->ref = NULL;
    if (r)
        tw_decref(r);
    __atomic_fetch_add(&g_node_deallocs, 1, __ATOMIC_RELAXED);
    tw_gc_free(op, sizeof(Node));
}

static int node_traverse(TwObject *op, TwVisitFn visit, void *arg)
{
    Node *n = (Node *)op;
    if (n->ref)
        return visit(n->ref, arg);
    return 0;
}

static int node_clear(TwObject *op)
{
    Node *n = (Node *)op;
    TwObject *r = n->ref;
    n->ref = NULL;
    if (r)
        tw_decref(r);
    return 0;
}

static TwTypeObject NodeType = {
    .ob_base = TW_OBJECT_HEAD_INIT(&NodeType),
    .tp_name = "node",
    .tp_basicsize = sizeof(Node),
    .tp_flags = TW_TPFLAGS_HAVE_GC,
    .tp_dealloc = node_dealloc,
    .tp_traverse = node_traverse,
    .tp_clear = node_clear,
};

static TwObject *node_new(int id)
{
    Node *n = (Node *)tw_gc_alloc(&NodeType, sizeof(Node));
    n->ref = NULL;
    n->id = id;
    tw_gc_track((TwObject *)n);
    return (TwObject *)n;
}

/* Make a ring of k nodes and drop it (garbage). */
static void make_garbage_ring(int k)
{
    TwObject *first = node_new(0), *prev = first;
    for (int i = 1; i < k; i++) {
        TwObject *n = node_new(i);
        ((Node *)prev)->ref = n;          /* steals our reference */
        prev = n;
    }
    ((Node *)prev)->ref = tw_newref(first);
    tw_decref(first);
}

/* A collection of the young generations neither rewrites an older
 * object's registry word nor leaves marks on it, even when young objects
 * reference it; the survivors move up one generation. */
static void test_young_collection_leaves_old_prefixes_alone(void)
{
    tw_gc_collect(2);
    TwObject *old = node_new(1);
    tw_gc_collect(2);                     /* old is in generation 2 */
    TwNogilThread *t = tw_nogil_thread();
    CHECK(TW_GC_HEAD(old)->prev == t->gc_list->gens[2].prev ||
          TW_GC_HEAD(old)->next == &t->gc_list->gens[2]);
    uintptr_t u = TW_GC_HEAD(old)->u;
    CHECK(u == (uintptr_t)t->gc_list);
    TwObject *young = node_new(2);
    ((Node *)young)->ref = tw_newref(old);
    make_garbage_ring(3);
    CHECK_EQ_INT(tw_gc_collect(0), 3);
    CHECK(TW_GC_HEAD(old)->u == u);
    CHECK_EQ_INT(old->ob_gc_bits, TW_GC_TRACKED);
    CHECK_EQ_INT(young->ob_gc_bits, TW_GC_TRACKED);
    /* young survived generation 0: it is on generation 1's list now. */
    CHECK(t->gc_list->gens[0].next == &t->gc_list->gens[0]);
    CHECK(t->gc_list->gens[1].next == TW_GC_HEAD(young));
    tw_decref(young);
    tw_decref(old);
    CHECK_EQ_INT(tw_gc_collect(2), 0);
}

static void test_collect_finds_cycles_and_keeps_reachable_objects(void)
{
    tw_gc_collect(2);
    g_node_deallocs = 0;
    make_garbage_ring(2);
    make_garbage_ring(3);
    /* A reachable ring: we keep a reference. */
    TwObject *keep = node_new(100), *other = node_new(101);
    ((Node *)keep)->ref = other;
    ((Node *)other)->ref = tw_newref(keep);
    CHECK_EQ_INT(g_node_deallocs, 0);
    CHECK_EQ_INT(tw_gc_collect(2), 5);
    CHECK_EQ_INT(g_node_deallocs, 5);
    CHECK_EQ_INT(tw_gc_collect(2), 0);
    CHECK(tw_gc_is_tracked(keep));
    CHECK_EQ_INT(tw_refcnt(keep), 2);
    ((Node *)keep)->ref = NULL;
    tw_decref(other);                     /* breaks the ring by hand */
    tw_decref(keep);
    CHECK_EQ_INT(g_node_deallocs, 7);
}

/* Cycles made by other threads: one that exits, others still running. */
static int g_made, g_stop_making;

static void cycle_maker(int idx, void *p)
{
    for (int i = 0; i < 50; i++)
        make_garbage_ring(2 + i % 3);
    __atomic_fetch_add(&g_made, 1, __ATOMIC_RELEASE);
    if (idx == 0)
        return;                           /* exits, abandoning its registry */
    TwThreadState *ts = tw_tstate();
    while (!__atomic_load_n(&g_stop_making, __ATOMIC_ACQUIRE)) {
        if (tw_eval_breaker_pending(ts))
            tw_eval_breaker_handle(ts);
        sched_yield();
    }
}

static int ring_total(int rings)
{
    int s = 0;
    for (int i = 0; i < rings; i++)
        s += 2 + i % 3;
    return s;
}

static void collector_main(int idx, void *p)
{
    if (idx > 0) {
        cycle_maker(idx - 1, p);
        return;
    }
    TwSsize *found = p;
    tw_test_spin_until(&g_made, 3, 10.0);
    *found = tw_gc_collect(2);
    __atomic_store_n(&g_stop_making, 1, __ATOMIC_RELEASE);
}

static void test_collect_across_threads_while_they_run(void)
{
    tw_gc_collect(2);
    g_node_deallocs = 0;
    g_made = g_stop_making = 0;
    TwSsize found = -1;
    CHECK(tw_test_run_threads(4, collector_main, &found));
    CHECK_EQ_INT(found, 3 * ring_total(50));
    CHECK_EQ_INT(g_node_deallocs, 3 * ring_total(50));
}

/* Garbage owned by a thread that sits detached (blocked in I/O, say): the
 * collector merges the garbage's counts and frees it itself, at once,
 * instead of queueing each object to an owner that cannot merge. */
static int g_parked_step;
static TwObject *g_queued_node;

static void detached_owner(int idx, void *p)
{
    int *out = p;
    TwNogilThread *me = tw_nogil_thread();
    out[3] = __atomic_load_n(&me->gc_own, __ATOMIC_RELAXED) == me->gc_list;
    for (int i = 0; i < 20; i++)
        make_garbage_ring(3);
    /* A ring that stays alive through one reference, which main drops
     * below: a non-owner decrement that queues the node to us. */
    TwObject *a = node_new(0), *b = node_new(1);
    ((Node *)a)->ref = b;
    ((Node *)b)->ref = tw_newref(a);
    g_queued_node = a;                    /* our reference goes to main */
    tw_begin_blocking();
    __atomic_store_n(&g_parked_step, 1, __ATOMIC_RELEASE);
    while (__atomic_load_n(&g_parked_step, __ATOMIC_ACQUIRE) < 2)
        usleep(200);
    tw_end_blocking();
    out[4] = __atomic_load_n(&me->gc_own, __ATOMIC_RELAXED) == me->gc_list;
}

static void parked_main(int idx, void *p)
{
    if (idx > 0) {
        detached_owner(idx - 1, p);
        return;
    }
    int *out = p;
    tw_test_spin_until(&g_parked_step, 1, 10.0);
    tw_decref(g_queued_node);             /* shared 0 -> queued to the owner */
    out[0] = (int)(__atomic_load_n(&g_queued_node->ob_ref_shared, __ATOMIC_RELAXED) &
                   TW_REF_SHARED_FLAG_MASK);
    out[1] = (int)tw_gc_collect(2);
    out[2] = __atomic_load_n(&g_node_deallocs, __ATOMIC_RELAXED);
    __atomic_store_n(&g_parked_step, 2, __ATOMIC_RELEASE);
}

static void test_collector_frees_a_detached_owners_garbage_itself(void)
{
    tw_gc_collect(2);
    g_node_deallocs = 0;
    g_parked_step = 0;
    int out[5] = { -1, -1, -1, -1, -1 };
    CHECK(tw_test_run_threads(2, parked_main, out));
    CHECK_EQ_INT(out[0], TW_REF_QUEUED);
    /* The queued ring counts too: the queue's reference is no root. */
    CHECK_EQ_INT(out[1], 20 * 3 + 2);
    /* All freed before tw_gc_collect returned, the owner still detached. */
    CHECK_EQ_INT(out[2], 20 * 3 + 2);
    CHECK_EQ_INT(g_node_deallocs, 20 * 3 + 2);
    /* Freeing them did not unbias the owner's registry (the collector
     * moved them to its own first): the owner still tracks without a
     * lock. */
    CHECK_EQ_INT(out[3], 1);
    CHECK_EQ_INT(out[4], 1);
}

/* Garbage owned by a thread that parks itself for the stop (it was
 * running) goes back to that thread, which frees it when it resumes: the
 * collector merges none of it, and the owner frees every object itself. */
static int g_handoff_step;
static uint64_t g_owner_deallocs;

static void running_owner(int idx, void *p)
{
    for (int i = 0; i < 20; i++)
        make_garbage_ring(3);
    int before = __atomic_load_n(&g_node_deallocs, __ATOMIC_RELAXED);
    __atomic_store_n(&g_handoff_step, 1, __ATOMIC_RELEASE);
    /* Attached and checking the eval breaker, as the interpreter does. */
    while (__atomic_load_n(&g_handoff_step, __ATOMIC_ACQUIRE) < 2)
        tw_eval_breaker_handle(tw_tstate());
    /* The collection is over and we have resumed: our garbage is gone,
     * freed by this thread. */
    g_owner_deallocs = (uint64_t)(__atomic_load_n(&g_node_deallocs, __ATOMIC_RELAXED) - before);
}

static void handoff_main(int idx, void *p)
{
    if (idx > 0) {
        running_owner(idx - 1, p);
        return;
    }
    int *out = p;
    tw_test_spin_until(&g_handoff_step, 1, 10.0);
    uint64_t merged = tw_nogil_thread()->stats.brc_merged;
    out[0] = (int)tw_gc_collect(2);
    out[1] = (int)(tw_nogil_thread()->stats.brc_merged - merged);
    __atomic_store_n(&g_handoff_step, 2, __ATOMIC_RELEASE);
}

static void test_parked_owner_frees_its_own_garbage(void)
{
    tw_gc_collect(2);
    g_node_deallocs = 0;
    g_handoff_step = 0;
    g_owner_deallocs = 0;
    int out[2] = { -1, -1 };
    CHECK(tw_test_run_threads(2, handoff_main, out));
    CHECK_EQ_INT(out[0], 20 * 3);
    CHECK_EQ_INT(out[1], 0);
    CHECK_EQ_INT(g_owner_deallocs, 20 * 3);
    CHECK_EQ_INT(g_node_deallocs, 20 * 3);
}

/* Collections while another thread is parked for them and spinning: the
 * parked thread walks registries for the parallel phases (its own first),
 * and rings whose two nodes sit in the two threads' registries are found
 * all the same: counts subtracted, reachability marked and garbage sorted
 * across the registries; rings the collector still refers to survive.
 * Each node is freed once and counted once (after the collector's own
 * garbage is freed, the other thread's half waits in that thread's BRC
 * queue, which the next collection or the thread's exit merges; a
 * collection that merges it does not count those again:
 * test_queued_garbage_is_reported_once). */
#define N_CROSS 300
#define K_KEPT 40
static TwObject *g_cross_theirs[N_CROSS];
static int g_cross_step;

static void cross_main(int idx, void *p)
{
    int *out = p;
    if (idx == 1) {
        for (int i = 0; i < N_CROSS; i++)
            g_cross_theirs[i] = node_new(1000 + i);
        __atomic_store_n(&g_cross_step, 1, __ATOMIC_RELEASE);
        /* Attached, through eval-breaker checks: parks for each stop. */
        if (!tw_test_spin_until(&g_cross_step, 2, 60.0))
            out[0] = -1;
        return;
    }
    if (!tw_test_spin_until(&g_cross_step, 1, 10.0)) {
        out[0] = -1;
        __atomic_store_n(&g_cross_step, 2, __ATOMIC_RELEASE);
        return;
    }
    TwObject *kept[K_KEPT];
    for (int i = 0; i < N_CROSS; i++) {
        TwObject *mine = node_new(i), *theirs = g_cross_theirs[i];
        ((Node *)mine)->ref = theirs;              /* their reference */
        ((Node *)theirs)->ref = tw_newref(mine);
        if (i < K_KEPT)
            kept[i] = mine;                        /* ours stays */
        else
            tw_decref(mine);
    }
    out[0] = (int)tw_gc_collect(2);
    /* Until the parked thread has taken part in a phase: with a CPU of
     * its own it does so at once, but the collector may finish every
     * registry first when the two share a CPU, and a parked thread kept
     * off its CPU for long sleeps instead of spinning (ctest runs this
     * test alone, tests/CMakeLists.txt; other load may last a while: up
     * to 20 s of collections). */
    uint64_t helped = __atomic_load_n(&tw_nogil_gstats.gc_helped, __ATOMIC_RELAXED);
    double t0 = tw_test_now();
    while (__atomic_load_n(&tw_nogil_gstats.gc_helped, __ATOMIC_RELAXED) == helped &&
           tw_test_now() - t0 < 20.0)
        tw_gc_collect(2);
    out[1] = (int)(__atomic_load_n(&tw_nogil_gstats.gc_helped, __ATOMIC_RELAXED) - helped);
    for (int i = 0; i < K_KEPT; i++)
        tw_decref(kept[i]);
    out[2] = (int)tw_gc_collect(2);
    __atomic_store_n(&g_cross_step, 2, __ATOMIC_RELEASE);
}

static void test_parallel_phases_across_registries(void)
{
    tw_gc_collect(2);
    g_node_deallocs = 0;
    g_cross_step = 0;
    int out[3] = { 0, 0, 0 };
    CHECK(tw_test_run_threads(2, cross_main, out));
    CHECK_EQ_INT(out[0], 2 * (N_CROSS - K_KEPT));
    CHECK_EQ_INT(out[2], 2 * K_KEPT);
    tw_gc_collect(2);
    CHECK_EQ_INT(g_node_deallocs, 2 * N_CROSS);
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) >= 2)
        CHECK(out[1] > 0);
}

/* Garbage a collection hands to its parked owner while the collector
 * frees the other half of each ring: the collector's decrefs of the
 * owner's half wait in the owner's BRC queue until the owner merges it.
 * A collection that runs first (here: the owner detached without merging)
 * merges that queue itself and finds those objects held by nothing but
 * the queue: dead by their counts, already reported by the collection
 * that found them.  It frees them and reports none (the gil build frees
 * such objects when their count drops, without a collection).  So for a
 * node of the owner's whose last reference another thread dropped, and
 * the node only it holds: dead by their counts, never reported.  The
 * owner handles every eval-breaker request but the merge until then, so
 * nothing merges its queue before the second collection. */
#define N_QUEUED 50
static TwObject *g_queued_theirs[N_QUEUED];
static TwObject *g_queued_holder;
static int g_queued_step;

static void queued_main(int idx, void *p)
{
    int *out = p;
    if (idx == 1) {
        for (int i = 0; i < N_QUEUED; i++)
            g_queued_theirs[i] = node_new(2000 + i);
        g_queued_holder = node_new(3000);                      /* ours: given away */
        ((Node *)g_queued_holder)->ref = node_new(3001);       /* held by it alone */
        __atomic_store_n(&g_queued_step, 1, __ATOMIC_RELEASE);
        double t0 = tw_test_now();
        TwThreadState *ts = tw_tstate();
        while (__atomic_load_n(&g_queued_step, __ATOMIC_ACQUIRE) < 2 &&
               tw_test_now() - t0 < 10.0) {
            /* Every request but the merge: stops, and leaving solo for
             * the other thread to attach.  (A merge request that arrives
             * between the clear and the handler's own read is handled:
             * then this run does not reach the case it checks.) */
            uint32_t bits = __atomic_load_n(&ts->eval_breaker, __ATOMIC_ACQUIRE);
            if (bits & ~(uint32_t)TW_EB_MERGE_REFCOUNTS) {
                bool merge = bits & TW_EB_MERGE_REFCOUNTS;
                if (merge)
                    tw_eval_breaker_clear(ts, TW_EB_MERGE_REFCOUNTS);
                tw_eval_breaker_handle(ts);
                if (merge)
                    tw_eval_breaker_set(ts, TW_EB_MERGE_REFCOUNTS);
            }
            sched_yield();
        }
        tw_begin_blocking();
        __atomic_store_n(&g_queued_step, 3, __ATOMIC_RELEASE);
        t0 = tw_test_now();
        while (__atomic_load_n(&g_queued_step, __ATOMIC_ACQUIRE) < 4 && tw_test_now() - t0 < 10.0)
            sched_yield();
        tw_end_blocking();
        return;
    }
    if (!tw_test_spin_until(&g_queued_step, 1, 10.0)) {
        out[0] = -1;
        __atomic_store_n(&g_queued_step, 4, __ATOMIC_RELEASE);
        return;
    }
    for (int i = 0; i < N_QUEUED; i++) {
        TwObject *mine = node_new(i), *theirs = g_queued_theirs[i];
        ((Node *)mine)->ref = theirs;
        ((Node *)theirs)->ref = mine;
    }
    out[0] = (int)tw_gc_collect(2);
    __atomic_store_n(&g_queued_step, 2, __ATOMIC_RELEASE);
    if (tw_test_spin_until(&g_queued_step, 3, 10.0)) {
        tw_decref(g_queued_holder);      /* not ours: queued to its detached owner */
        out[1] = (int)tw_gc_collect(2);
    }
    __atomic_store_n(&g_queued_step, 4, __ATOMIC_RELEASE);
}

static void test_queued_garbage_is_reported_once(void)
{
    tw_gc_collect(2);
    g_node_deallocs = 0;
    g_queued_step = 0;
    int out[2] = { -1, -1 };
    CHECK(tw_test_run_threads(2, queued_main, out));
    CHECK_EQ_INT(out[0], 2 * N_QUEUED);
    CHECK_EQ_INT(out[1], 0);
    CHECK_EQ_INT(g_node_deallocs, 2 * N_QUEUED + 2);
}

static void test_threshold_schedules_a_collection(void)
{
    tw_gc_collect(2);
    int th[3];
    tw_gc_get_threshold(th);
    CHECK_EQ_INT(th[0], 700);
    CHECK_EQ_INT(th[1], 10);
    CHECK_EQ_INT(th[2], 10);
    g_node_deallocs = 0;
    uint64_t runs = __atomic_load_n(&tw_nogil_gstats.gc_runs, __ATOMIC_RELAXED);
    /* 400 rings of 2: 800 tracked objects, all garbage. */
    for (int i = 0; i < 400; i++)
        make_garbage_ring(2);
    CHECK(__atomic_load_n(&tw_tstate()->eval_breaker, __ATOMIC_RELAXED) & TW_EB_GC_SCHEDULED);
    tw_eval_breaker_handle(tw_tstate());
    CHECK_EQ_INT(__atomic_load_n(&tw_nogil_gstats.gc_runs, __ATOMIC_RELAXED), runs + 1);
    CHECK(g_node_deallocs >= 700);
    int count[3];
    tw_gc_get_count(count);
    CHECK(count[0] < 100);
    CHECK_EQ_INT(count[1], 1);            /* one generation-0 collection */
    tw_gc_collect(2);
    CHECK_EQ_INT(g_node_deallocs, 800);
}

static void test_stats_report_pauses(void)
{
    tw_gc_collect(2);
    char buf[8192];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    tw_stats_dump(f);
    fclose(f);
    CHECK(strstr(buf, "runtime nogil\n") != NULL);
    long n = -1;
    const char *s = strstr(buf, "stw_count ");
    CHECK(s != NULL);
    if (s)
        n = strtol(s + 10, NULL, 10);
    CHECK(n >= 1);
    CHECK(strstr(buf, "gc_runs ") != NULL);
    CHECK(strstr(buf, "brc_queued ") != NULL);
    CHECK(strstr(buf, "mutex_parked ") != NULL);
    CHECK(strstr(buf, "qsbr_deferred_bytes ") != NULL);
    CHECK(strstr(buf, "stw_stop_wait_total_us ") != NULL);
}

/* Deferred counts land in the counting thread's slot for the object's id,
 * whether the id falls in the thread's first chunk (the inline path finds
 * it with one compare, runtime_inline.h) or beyond it (the directory):
 * more objects than one chunk holds, each counted up three times and down
 * once, then released; the collector frees them. */
#define N_DEFERRED ((int)TW_DEFERRED_CHUNK + 200)

static void test_deferred_counts_in_and_beyond_the_first_chunk(void)
{
    static TwObject *objs[N_DEFERRED];
    tw_gc_collect(2);
    g_node_deallocs = 0;
    for (int i = 0; i < N_DEFERRED; i++) {
        objs[i] = node_new(i);
        tw_object_set_deferred_rc(objs[i]);
    }
    size_t beyond = 0;
    for (int i = 0; i < N_DEFERRED; i++) {
        TwObject *op = objs[i];
        CHECK(op->ob_tid & TW_DEFERRED_TID_BIT);
        beyond += (op->ob_tid & ~TW_DEFERRED_TID_BIT) >= TW_DEFERRED_CHUNK;
        tw_incref(op);
        tw_incref(op);
        tw_incref(op);
        tw_decref(op);
        CHECK_EQ_INT(tw_refcnt(op), 3);
    }
    CHECK(beyond > 0);
    for (int i = 0; i < N_DEFERRED; i++) {
        tw_decref(objs[i]);
        tw_decref(objs[i]);
        tw_decref(objs[i]);
    }
    CHECK_EQ_INT(tw_gc_collect(2), N_DEFERRED);
    CHECK_EQ_INT(g_node_deallocs, N_DEFERRED);
}

int main(void)
{
    static const TwTestCase cases[] = {
        TW_CASE(test_stop_the_world_pauses_attached_and_attaching_threads),
        TW_CASE(test_back_to_back_stops_let_woken_threads_run),
        TW_CASE(test_collect_finds_cycles_and_keeps_reachable_objects),
        TW_CASE(test_young_collection_leaves_old_prefixes_alone),
        TW_CASE(test_collect_across_threads_while_they_run),
        TW_CASE(test_collector_frees_a_detached_owners_garbage_itself),
        TW_CASE(test_parked_owner_frees_its_own_garbage),
        TW_CASE(test_parallel_phases_across_registries),
        TW_CASE(test_queued_garbage_is_reported_once),
        TW_CASE(test_threshold_schedules_a_collection),
        TW_CASE(test_stats_report_pauses),
        TW_CASE(test_deferred_counts_in_and_beyond_the_first_chunk),
    };
    TwTestOptions opts = { .setup = tw_test_setup, .live_blocks = tw_test_live_blocks };
    return tw_test_run(cases, TW_NCASES(cases), &opts);
}

#else
int main(void)
{
    printf("test_nogil_stw: the nogil runtime is not built; nothing to test\n");
    return 0;
}
#endif
