/*
 * test_nogil_solo.c — solo mode (nogil_runtime/tstate.c,
 * critical_section.c): a thread that is the only attached one takes no
 * object locks in its critical sections; another thread that attaches
 * first waits until the solo thread has left solo mode at an eval-breaker
 * check, which makes its open sections hold their locks for real:
 *   - alone, a critical section leaves ob_mutex untouched;
 *   - an arriving thread does not attach while the solo thread runs
 *     without eval-breaker checks, and the solo thread's open section owns
 *     the lock once it has let the other in (the other's section waits);
 *   - stress: threads that keep blocking and waking (so one of them is
 *     often alone and solo, and the others keep arriving) increment one
 *     counter inside critical sections and lose no update, and swap
 *     GC-tracked objects through shared slots (so each frees objects the
 *     others tracked: untracking from their registries, which a solo
 *     thread does without the registry lock); the registries' count is
 *     back to its baseline; solo entries and revocations are counted.
 *     Under TSan an access inside an elided section or a registry not
 *     ordered before another thread's is reported.
 */
#include "test_nogil_util.h"

#if TW_TEST_NOGIL

typedef struct {
    TwObject ob_base;
    long counter;
} Box;

static void box_dealloc(TwObject *op) { tw_object_free(op, sizeof(Box)); }

static TwTypeObject BoxType = {
    .ob_base = TW_OBJECT_HEAD_INIT(&BoxType),
    .tp_name = "box",
    .tp_basicsize = sizeof(Box),
    .tp_dealloc = box_dealloc,
};

static Box *box_new(void)
{
    Box *b = (Box *)tw_object_alloc(&BoxType, sizeof(Box));
    b->counter = 0;
    return b;
}

static Box *g_box;

typedef struct {
    TwObject ob_base;
    long id;
} Node;

static void node_dealloc(TwObject *op)
{
    tw_gc_untrack(op);
    tw_gc_free(op, sizeof(Node));
}

static int node_traverse(TwObject *op, TwVisitFn visit, void *arg) { return 0; }

static TwTypeObject NodeType = {
    .ob_base = TW_OBJECT_HEAD_INIT(&NodeType),
    .tp_name = "node",
    .tp_basicsize = sizeof(Node),
    .tp_flags = TW_TPFLAGS_HAVE_GC,
    .tp_dealloc = node_dealloc,
    .tp_traverse = node_traverse,
};

static TwObject *node_new(long id)
{
    Node *n = (Node *)tw_gc_alloc(&NodeType, sizeof(Node));
    n->id = id;
    tw_gc_track((TwObject *)n);
    return (TwObject *)n;
}

#define N_SLOTS 64
static TwObject *g_slots[N_SLOTS];   /* under g_box's critical section */

/* The calling thread's own counters. */
static uint64_t my_solo_entries(void) { return tw_nogil_thread()->stats.solo_enter; }

static void test_alone_sections_take_no_lock(void)
{
    /* After the previous test's threads left, this thread is alone; the
     * check below makes it notice (TW_EB_NOGIL_SOLO_TRY). */
    CHECK(tw_test_wait_alone(10.0));
    CHECK(tw_cs_tls.solo);
    Box *a = box_new(), *b = box_new();
    TW_BEGIN_CRITICAL_SECTION(a);
    CHECK_EQ_INT(a->ob_base.ob_mutex, 0);
    a->counter++;
    TW_BEGIN_CRITICAL_SECTION2(b, a);
    CHECK_EQ_INT(b->ob_base.ob_mutex, 0);
    b->counter++;
    TW_END_CRITICAL_SECTION();
    TW_END_CRITICAL_SECTION();
    CHECK(tw_cs_tls.top == NULL);
    CHECK_EQ_INT(a->counter, 1);
    tw_decref((TwObject *)a);
    tw_decref((TwObject *)b);
}

static int g_attached, g_done;

static void arriving_worker(int idx, void *p)
{
    __atomic_store_n(&g_attached, 1, __ATOMIC_RELEASE);
    TW_BEGIN_CRITICAL_SECTION(g_box);
    g_box->counter += 10;
    TW_END_CRITICAL_SECTION();
    __atomic_store_n(&g_done, 1, __ATOMIC_RELEASE);
}

static void test_arriving_thread_waits_for_solo_to_end(void)
{
    CHECK(tw_test_wait_alone(10.0));
    CHECK(tw_cs_tls.solo);
    g_box = box_new();
    g_attached = g_done = 0;
    TW_BEGIN_CRITICAL_SECTION(g_box);
    CHECK_EQ_INT(g_box->ob_base.ob_mutex, 0);
    uint64_t ident;
    TwTestJob job = { arriving_worker, NULL, 0 };
    CHECK(tw_thread_spawn(tw_test_job_main, &job, &ident) == 0);
    /* No eval-breaker check here: the worker must not get attached. */
    tw_test_yield_for(0.05);
    CHECK_EQ_INT(__atomic_load_n(&g_attached, __ATOMIC_ACQUIRE), 0);
    CHECK(__atomic_load_n(&tw_tstate()->eval_breaker, __ATOMIC_ACQUIRE) & TW_EB_NOGIL_SOLO_LEAVE);
    g_box->counter = 1;
    tw_eval_breaker_handle(tw_tstate());
    /* Left solo: the open section now holds its lock, and the worker,
     * attached, waits for it. */
    CHECK(!tw_cs_tls.solo);
    CHECK(tw_mutex_is_locked(&g_box->ob_base.ob_mutex));
    CHECK(tw_test_spin_until(&g_attached, 1, 10.0));
    tw_test_yield_for(0.02);
    CHECK_EQ_INT(__atomic_load_n(&g_done, __ATOMIC_ACQUIRE), 0);
    g_box->counter = 5;
    TW_END_CRITICAL_SECTION();
    CHECK(tw_test_spin_until(&g_done, 1, 10.0));
    CHECK(tw_test_wait_alone(10.0));
    CHECK_EQ_INT(g_box->counter, 15);
    CHECK(tw_nogil_thread()->stats.solo_enter > 0);
    tw_decref((TwObject *)g_box);
}

#define N_THREADS 3
#define N_ROUNDS 150
#define N_INCS 50

static uint64_t g_entries, g_revokes;
static long g_total;
static int g_others_done;

/* Thread 0 works until the others are done (so they keep arriving while
 * it is alone and solo); threads 1.. block every round (so each of them is
 * sometimes alone too). */
static void toggling_worker(int idx, void *p)
{
    long mine = 0;
    double t0 = tw_test_now();
    for (int r = 0; idx > 0 ? r < N_ROUNDS
                            : __atomic_load_n(&g_others_done, __ATOMIC_ACQUIRE) < N_THREADS - 1
                                  && tw_test_now() - t0 < 20.0;
         r++) {
        for (int i = 0; i < N_INCS; i++) {
            TwObject *fresh = node_new(mine), *old;
            TW_BEGIN_CRITICAL_SECTION(g_box);
            long v = g_box->counter;
            if ((i & 7) == idx) {
                /* an eval-breaker check inside the section, as Python code
                 * called from a C method would make */
                if (tw_eval_breaker_pending(tw_tstate()))
                    tw_eval_breaker_handle(tw_tstate());
            }
            g_box->counter = v + 1;
            /* swap a new tracked object in; the old one, likely another
             * thread's, dies here */
            old = g_slots[(mine + idx) % N_SLOTS];
            g_slots[(mine + idx) % N_SLOTS] = fresh;
            TW_END_CRITICAL_SECTION();
            if (old)
                tw_decref(old);
            mine++;
        }
        if (tw_eval_breaker_pending(tw_tstate()))
            tw_eval_breaker_handle(tw_tstate());
        if (idx > 0 || r % 64 == 0) {
            tw_begin_blocking();
            usleep(idx > 0 ? 100 + 50 * idx : 20);
            tw_end_blocking();
        }
    }
    if (idx > 0)
        __atomic_fetch_add(&g_others_done, 1, __ATOMIC_RELEASE);
    __atomic_fetch_add(&g_total, mine, __ATOMIC_RELAXED);
    TwNogilThread *t = tw_nogil_thread();
    __atomic_fetch_add(&g_entries, t->stats.solo_enter, __ATOMIC_RELAXED);
    __atomic_fetch_add(&g_revokes, t->stats.solo_revoke, __ATOMIC_RELAXED);
}

/* Fills every slot with objects it tracks, then exits: its registry goes
 * back to the pool (a later thread adopts it) while its objects live on,
 * merged, to be freed by whichever thread drops them. */
static void filler_worker(int idx, void *p)
{
    for (int k = 0; k < N_SLOTS; k++) {
        TwObject *fresh = node_new(-k), *old;
        TW_BEGIN_CRITICAL_SECTION(g_box);
        old = g_slots[k];
        g_slots[k] = fresh;
        TW_END_CRITICAL_SECTION();
        if (old)
            tw_decref(old);
    }
}

static void test_solo_toggling_loses_no_update(void)
{
    TwSsize tracked0 = tw_gc_tracked_count();
    g_box = box_new();
    g_entries = g_revokes = 0;
    long total = 0;
    for (int round = 0; round < 4; round++) {
        CHECK(tw_test_run_threads(1, filler_worker, NULL));
        g_total = 0;
        g_others_done = 0;
        CHECK(tw_test_run_threads(N_THREADS, toggling_worker, NULL));
        CHECK(g_total >= (long)(N_THREADS - 1) * N_ROUNDS * N_INCS);
        total += g_total;
    }
    CHECK_EQ_INT(g_box->counter, total);
    CHECK_EQ_INT(g_box->ob_base.ob_mutex, 0);
    CHECK_EQ_INT(tw_gc_tracked_count(), tracked0 + N_SLOTS);
    for (int k = 0; k < N_SLOTS; k++) {
        if (g_slots[k])
            tw_decref(g_slots[k]);
        g_slots[k] = NULL;
    }
    CHECK_EQ_INT(tw_gc_tracked_count(), tracked0);
    /* The threads did run alone at times, and did interrupt one another. */
    CHECK(g_entries > 0);
    CHECK(g_revokes > 0);
    printf("     solo entries %llu, revocations %llu\n", (unsigned long long)g_entries,
           (unsigned long long)g_revokes);
    tw_decref((TwObject *)g_box);
}

static void test_disabled_solo_takes_locks(void)
{
    tw_solo_disable();
    CHECK(!tw_cs_tls.solo);
    uint64_t before = my_solo_entries();
    CHECK(tw_test_wait_alone(10.0));
    CHECK(!tw_cs_tls.solo);
    CHECK_EQ_INT(my_solo_entries(), before);
    Box *a = box_new();
    TW_BEGIN_CRITICAL_SECTION(a);
    CHECK(tw_mutex_is_locked(&a->ob_base.ob_mutex));
    TW_END_CRITICAL_SECTION();
    CHECK_EQ_INT(a->ob_base.ob_mutex, 0);
    tw_decref((TwObject *)a);
}

/* Objects biased to their thread elide their sections solo or not
 * (test_nogil_bias.c); these look at solo mode's own elision and locks. */
static void setup_unbiased(void)
{
    tw_test_setup();
    tw_bias_disable();
}

int main(void)
{
    static const TwTestCase cases[] = {
        TW_CASE(test_alone_sections_take_no_lock),
        TW_CASE(test_arriving_thread_waits_for_solo_to_end),
        TW_CASE(test_solo_toggling_loses_no_update),
        TW_CASE(test_alone_sections_take_no_lock),
        TW_CASE(test_disabled_solo_takes_locks),
    };
    TwTestOptions opts = { .setup = setup_unbiased, .live_blocks = tw_test_live_blocks };
    return tw_test_run(cases, TW_NCASES(cases), &opts);
}

#else
int main(void)
{
    printf("test_nogil_solo: the GIL build has no solo mode\n");
    return 0;
}
#endif
