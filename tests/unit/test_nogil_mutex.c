/*
 * test_nogil_mutex.c — the 1-byte mutex, the parking lot and critical
 * sections (nogil_runtime/mutex.c, parking_lot.c, critical_section.c):
 *   - N threads incrementing a plain counter under an object's critical
 *     section lose no update (contended: spin, park, hand-off paths);
 *   - two-object sections taken in opposite argument orders, and nested
 *     sections taken in opposite orders, never deadlock and stay exact;
 *   - a thread that blocks inside a critical section releases its lock
 *     (suspension) and re-takes it afterwards;
 *   - a waiter is not starved by a thread that keeps re-taking the lock;
 *   - the parking lot's "be fair" answer comes at most once a millisecond
 *     per bucket (so a contended lock is not handed off on every release);
 *   - a nested section on an object already held does not self-deadlock.
 */
#include <string.h>

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

#define N_THREADS 4
#define N_INCS 50000

static Box *g_a, *g_b;

static void inc_worker(int idx, void *p)
{
    for (int i = 0; i < N_INCS; i++) {
        TW_BEGIN_CRITICAL_SECTION(g_a);
        g_a->counter++;
        TW_END_CRITICAL_SECTION();
        if (i % 512 == 0 && tw_eval_breaker_pending(tw_tstate()))
            tw_eval_breaker_handle(tw_tstate());
    }
}

static void test_critical_section_makes_increments_exact(void)
{
    g_a = box_new();
    CHECK(tw_test_run_threads(N_THREADS, inc_worker, NULL));
    CHECK_EQ_INT(g_a->counter, (long)N_THREADS * N_INCS);
    CHECK_EQ_INT(g_a->ob_base.ob_mutex, 0);
    tw_decref((TwObject *)g_a);
}

static uint8_t g_raw_lock;
static long g_raw_counter;

static void raw_worker(int idx, void *p)
{
    for (int i = 0; i < N_INCS; i++) {
        tw_mutex_lock(&g_raw_lock);
        long v = g_raw_counter;
        if (i % 97 == 0)
            sched_yield();               /* hold it long enough to park others */
        g_raw_counter = v + 1;
        tw_mutex_unlock(&g_raw_lock);
    }
}

static void test_raw_mutex_with_parking_is_exact(void)
{
    g_raw_counter = 0;
    CHECK(tw_test_run_threads(N_THREADS, raw_worker, NULL));
    CHECK_EQ_INT(g_raw_counter, (long)N_THREADS * N_INCS);
    CHECK_EQ_INT(g_raw_lock, 0);
}

static void pair_worker(int idx, void *p)
{
    for (int i = 0; i < N_INCS; i++) {
        TwObject *x = (TwObject *)(idx % 2 ? g_a : g_b);
        TwObject *y = (TwObject *)(idx % 2 ? g_b : g_a);
        TW_BEGIN_CRITICAL_SECTION2(x, y);
        g_a->counter++;
        g_b->counter += 2;
        TW_END_CRITICAL_SECTION();
    }
}

static void test_two_object_sections_in_opposite_orders_do_not_deadlock(void)
{
    g_a = box_new();
    g_b = box_new();
    CHECK(tw_test_run_threads(N_THREADS, pair_worker, NULL));
    CHECK_EQ_INT(g_a->counter, (long)N_THREADS * N_INCS);
    CHECK_EQ_INT(g_b->counter, 2L * N_THREADS * N_INCS);
    tw_decref((TwObject *)g_a);
    tw_decref((TwObject *)g_b);
}

/* Outer a then inner b on even threads, outer b then inner a on odd ones:
 * plain nested locks would deadlock; suspension of the outer section while
 * waiting for the inner one prevents it. */
static void nested_worker(int idx, void *p)
{
    Box *outer = idx % 2 ? g_a : g_b;
    Box *inner = idx % 2 ? g_b : g_a;
    for (int i = 0; i < N_INCS / 4; i++) {
        TW_BEGIN_CRITICAL_SECTION(outer);
        outer->counter++;
        TW_BEGIN_CRITICAL_SECTION(inner);
        inner->counter++;
        TW_END_CRITICAL_SECTION();
        outer->counter++;               /* the outer lock is held again here */
        TW_END_CRITICAL_SECTION();
    }
}

static void test_nested_sections_in_opposite_orders_do_not_deadlock(void)
{
    g_a = box_new();
    g_b = box_new();
    CHECK(tw_test_run_threads(N_THREADS, nested_worker, NULL));
    CHECK_EQ_INT(g_a->counter + g_b->counter, 3L * N_THREADS * (N_INCS / 4));
    CHECK_EQ_INT(g_a->ob_base.ob_mutex, 0);
    CHECK_EQ_INT(g_b->ob_base.ob_mutex, 0);
    tw_decref((TwObject *)g_a);
    tw_decref((TwObject *)g_b);
}

static void test_nested_section_on_same_object_is_reentrant(void)
{
    g_a = box_new();
    g_b = box_new();
    TW_BEGIN_CRITICAL_SECTION(g_a);
    TW_BEGIN_CRITICAL_SECTION(g_a);
    g_a->counter++;
    TW_END_CRITICAL_SECTION();
    CHECK(tw_mutex_is_locked(&g_a->ob_base.ob_mutex));
    TW_BEGIN_CRITICAL_SECTION2(g_b, g_a);
    g_a->counter++;
    g_b->counter++;
    TW_END_CRITICAL_SECTION();
    /* The two-object section on (a, b) released a and took both; closing it
     * re-takes a for the still-open outer section. */
    CHECK(tw_mutex_is_locked(&g_a->ob_base.ob_mutex));
    CHECK(!tw_mutex_is_locked(&g_b->ob_base.ob_mutex));
    TW_END_CRITICAL_SECTION();
    CHECK(!tw_mutex_is_locked(&g_a->ob_base.ob_mutex));
    CHECK_EQ_INT(g_a->counter, 2);
    CHECK(tw_cs_tls.top == NULL);
    tw_decref((TwObject *)g_a);
    tw_decref((TwObject *)g_b);
}

/* A thread blocks (tw_begin_blocking) inside a critical section: its lock
 * is released meanwhile, and held again once it resumes. */
static int g_step;

static void blocker_worker(int idx, void *p)
{
    TW_BEGIN_CRITICAL_SECTION(g_a);
    g_a->counter = 1;
    __atomic_store_n(&g_step, 1, __ATOMIC_RELEASE);
    tw_begin_blocking();
    double t0 = tw_test_now();
    while (__atomic_load_n(&g_step, __ATOMIC_ACQUIRE) < 2 && tw_test_now() - t0 < 10.0)
        usleep(100);
    tw_end_blocking();
    /* Resumed: we hold the lock again and see the other thread's write. */
    __atomic_store_n(&g_step, g_a->counter == 2 ? 3 : 4, __ATOMIC_RELEASE);
    TW_END_CRITICAL_SECTION();
}

static void test_blocking_suspends_and_resumes_critical_sections(void)
{
    g_a = box_new();
    g_step = 0;
    uint64_t ident;
    TwTestJob job = { blocker_worker, NULL, 0 };
    CHECK(tw_thread_spawn(tw_test_job_main, &job, &ident) == 0);
    CHECK(tw_test_spin_until(&g_step, 1, 10.0));
    /* The other thread is inside its critical section, blocked: we can
     * enter ours. */
    TW_BEGIN_CRITICAL_SECTION(g_a);
    CHECK_EQ_INT(g_a->counter, 1);
    g_a->counter = 2;
    __atomic_store_n(&g_step, 2, __ATOMIC_RELEASE);
    TW_END_CRITICAL_SECTION();
    CHECK(tw_test_spin_until(&g_step, 3, 10.0));
    CHECK_EQ_INT(g_step, 3);
    CHECK(tw_test_wait_alone(10.0));
    tw_decref((TwObject *)g_a);
}

/* A thread re-takes the lock in a tight loop; another thread that wants
 * it once must get it before the loop gives up, 5 s later (hand-off to a
 * waiter that waited over 1 ms; without it the waiter waits out the
 * loop).  The loop ends as soon as the waiter has had the lock, so a
 * loaded machine (ctest -j) has seconds to schedule the waiter. */
static int g_hog_done, g_waiter_got;

static void hog_or_wait_worker(int idx, void *p)
{
    if (idx == 0) {
        double t0 = tw_test_now();
        while (!__atomic_load_n(&g_waiter_got, __ATOMIC_ACQUIRE) && tw_test_now() - t0 < 5.0) {
            tw_mutex_lock(&g_raw_lock);
            for (volatile int k = 0; k < 200; k++)
                ;
            tw_mutex_unlock(&g_raw_lock);
        }
        __atomic_store_n(&g_hog_done, 1, __ATOMIC_RELEASE);
    } else {
        usleep(20000);
        tw_mutex_lock(&g_raw_lock);
        __atomic_store_n(&g_waiter_got, __atomic_load_n(&g_hog_done, __ATOMIC_ACQUIRE) ? 2 : 1,
                         __ATOMIC_RELEASE);
        tw_mutex_unlock(&g_raw_lock);
    }
}

static void test_waiter_is_not_starved(void)
{
    g_hog_done = g_waiter_got = 0;
    CHECK(tw_test_run_threads(2, hog_or_wait_worker, NULL));
    CHECK_EQ_INT(g_waiter_got, 1);
}

/* The parking lot tells an unparker to be fair (hand over what the
 * waiter waits for) at most once a millisecond per bucket: two waiters
 * that have both waited long, woken one right after the other, get it
 * once.  Waiters park with since_ns = 1 (they "began waiting" at boot). */
static uint32_t g_fair_word;
static int g_fair_parking, g_fair_woken;
/* before: read just before the tw_unpark_one call, at: in its callback;
 * the lot's own clock reading for the decision lies between the two */
static struct { bool found, be_fair; uint64_t before, at; } g_fair_rec[2];
static int g_fair_n;
static uint64_t g_fair_before;

static bool fair_validate(const void *addr, void *arg)
{
    (void)addr;
    (void)arg;
    return true;
}

static uintptr_t fair_record(void *arg, const TwUnparkInfo *info)
{
    (void)arg;
    if (info->found && g_fair_n < 2) {
        g_fair_rec[g_fair_n].found = true;
        g_fair_rec[g_fair_n].be_fair = info->be_fair;
        g_fair_rec[g_fair_n].before = g_fair_before;
        g_fair_rec[g_fair_n].at = tw_monotonic_ns();
        g_fair_n++;
    }
    return 0;
}

static void fair_worker(int idx, void *p)
{
    (void)p;
    if (idx < 2) {
        uintptr_t value;
        __atomic_fetch_add(&g_fair_parking, 1, __ATOMIC_RELEASE);
        tw_begin_blocking();
        tw_park(&g_fair_word, fair_validate, NULL, 1, &value);
        tw_end_blocking();
        __atomic_fetch_add(&g_fair_woken, 1, __ATOMIC_RELEASE);
        return;
    }
    tw_test_spin_until(&g_fair_parking, 2, 10.0);
    tw_test_yield_for(0.02);          /* both queued, most likely; any earlier
                                         fair wake-up of the bucket expired */
    double t0 = tw_test_now();
    while (g_fair_n < 2 && tw_test_now() - t0 < 10.0) {
        g_fair_before = tw_monotonic_ns();
        tw_unpark_one(&g_fair_word, fair_record, NULL);
    }
    if (g_fair_n < 2)                 /* failing: let a waiter go anyway */
        tw_unpark_all(&g_fair_word);
}

static void test_fair_wakeups_are_rate_limited(void)
{
    g_fair_parking = g_fair_woken = g_fair_n = 0;
    memset(g_fair_rec, 0, sizeof g_fair_rec);
    CHECK(tw_test_run_threads(3, fair_worker, NULL));
    CHECK_EQ_INT(g_fair_n, 2);
    CHECK_EQ_INT(g_fair_woken, 2);
    CHECK(g_fair_rec[0].be_fair);
    /* the lot's gap between its two decisions, bounded from both sides
     * (a thread preempted between the lot's clock reading and the
     * callback's must not make the check guess) */
    uint64_t most = g_fair_rec[1].at - g_fair_rec[0].before;
    uint64_t least = g_fair_rec[1].before - g_fair_rec[0].at;
    if (most < TW_PARK_FAIR_NS)
        CHECK(!g_fair_rec[1].be_fair);        /* the usual case */
    else if (least > TW_PARK_FAIR_NS)
        CHECK(g_fair_rec[1].be_fair);         /* the second parked late */
}

/* These tests spin attached without eval-breaker checks while another
 * thread attaches, and look at object locks directly: no solo mode (it is
 * tested in test_nogil_solo.c) and no biased objects (test_nogil_bias.c),
 * whose sections take no lock. */
static void setup_without_solo(void)
{
    tw_test_setup();
    tw_solo_disable();
    tw_bias_disable();
}

int main(void)
{
    static const TwTestCase cases[] = {
        TW_CASE(test_critical_section_makes_increments_exact),
        TW_CASE(test_raw_mutex_with_parking_is_exact),
        TW_CASE(test_two_object_sections_in_opposite_orders_do_not_deadlock),
        TW_CASE(test_nested_sections_in_opposite_orders_do_not_deadlock),
        TW_CASE(test_nested_section_on_same_object_is_reentrant),
        TW_CASE(test_blocking_suspends_and_resumes_critical_sections),
        TW_CASE(test_waiter_is_not_starved),
        TW_CASE(test_fair_wakeups_are_rate_limited),
    };
    TwTestOptions opts = { .setup = setup_without_solo, .live_blocks = tw_test_live_blocks };
    return tw_test_run(cases, TW_NCASES(cases), &opts);
}

#else
int main(void)
{
    printf("test_nogil_mutex: the nogil runtime is not built; nothing to test\n");
    return 0;
}
#endif
