/*
 * test_nogil_brc.c — biased reference counting (nogil_runtime/brc.c):
 *   - the owner counts locally, others in the shared count;
 *   - a non-owner decrement that would go below zero queues the object to
 *     its owner (QUEUED: held in the decrementing thread's outbox until
 *     that thread sends it, then in the owner's queue with the merge bit
 *     in the owner's eval breaker), and the owner's merge leaves it
 *     MERGED with tid 0 and the exact count;
 *   - increments and decrements from many threads merge to the exact count
 *     and the object is freed exactly once;
 *   - a thread that exits while others hold its objects abandons them and
 *     they are still freed exactly once;
 *   - optimistic increments fail only on merged objects at zero.
 */
#include "test_nogil_util.h"

#if TW_TEST_NOGIL

/* ---------------- a counting test type ------------------------------ */

#define MAX_IDS 16384
typedef struct {
    TwObject ob_base;
    int id;
} Counted;

static int g_deallocs;
static int g_dealloc_by_id[MAX_IDS];
static uintptr_t g_dealloc_thread;

static void counted_dealloc(TwObject *op)
{
    Counted *c = (Counted *)op;
    __atomic_fetch_add(&g_deallocs, 1, __ATOMIC_RELAXED);
    if (c->id >= 0 && c->id < MAX_IDS)
        __atomic_fetch_add(&g_dealloc_by_id[c->id], 1, __ATOMIC_RELAXED);
    __atomic_store_n(&g_dealloc_thread, tw_thread_id(), __ATOMIC_RELAXED);
    tw_object_free(op, sizeof(Counted));
}

static TwTypeObject CountedType = {
    .ob_base = TW_OBJECT_HEAD_INIT(&CountedType),
    .tp_name = "counted",
    .tp_basicsize = sizeof(Counted),
    .tp_dealloc = counted_dealloc,
};

static TwObject *counted_new(int id)
{
    Counted *c = (Counted *)tw_object_alloc(&CountedType, sizeof(Counted));
    c->id = id;
    return (TwObject *)c;
}

static void reset_counts(void)
{
    __atomic_store_n(&g_deallocs, 0, __ATOMIC_RELAXED);
    memset(g_dealloc_by_id, 0, sizeof g_dealloc_by_id);
}

static intptr_t shared_state(TwObject *op)
{
    return __atomic_load_n(&op->ob_ref_shared, __ATOMIC_RELAXED) & TW_REF_SHARED_FLAG_MASK;
}

static void handle_breaker(void) { tw_eval_breaker_handle(tw_tstate()); }

/* ---------------- single thread -------------------------------------- */

static void test_owner_counts_in_local_field(void)
{
    reset_counts();
    TwObject *op = counted_new(0);
    CHECK_EQ_INT(op->ob_tid, tw_thread_id());
    for (int i = 0; i < 5; i++)
        tw_incref(op);
    CHECK_EQ_INT(op->ob_ref_local, 6);
    CHECK_EQ_INT(op->ob_ref_shared, 0);
    CHECK_EQ_INT(tw_refcnt(op), 6);
    for (int i = 0; i < 5; i++)
        tw_decref(op);
    CHECK_EQ_INT(g_deallocs, 0);
    tw_decref(op);
    CHECK_EQ_INT(g_deallocs, 1);
}

static void test_try_incref_fails_only_on_dead_merged_object(void)
{
    reset_counts();
    TwObject *op = counted_new(0);
    CHECK(tw_try_incref(op));                 /* owner */
    CHECK_EQ_INT(tw_refcnt(op), 2);
    tw_decref(op);
    /* Merge by hand: MERGED with count 1; a non-owner may take it. */
    CHECK_EQ_INT(tw_brc_explicit_merge(op, 0), 1);
    CHECK_EQ_INT(shared_state(op), TW_REF_MERGED);
    CHECK_EQ_INT(op->ob_tid, 0);
    CHECK(tw_brc_try_incref_shared(op));
    CHECK_EQ_INT(tw_refcnt(op), 2);
    tw_decref(op);
    tw_decref(op);                            /* MERGED at zero: freed */
    CHECK_EQ_INT(g_deallocs, 1);
    /* A dead merged header refuses (the memory is checked before reuse). */
    TwObject fake = { .ob_tid = 0, .ob_ref_local = 0, .ob_ref_shared = TW_REF_MERGED,
                      .ob_type = &CountedType };
    CHECK(!tw_brc_try_incref_shared(&fake));
    CHECK(tw_try_incref((TwObject *)&CountedType));   /* immortal */
}

/* ---------------- queue and merge ------------------------------------ */

typedef struct {
    TwObject *op;
    int step;                 /* handshake between main and the worker */
    intptr_t state_seen;
    TwNogilThread *owner;     /* the thread that made op                */
    bool in_owner_queue_before_send, in_owner_queue_after_send;
} QueueArg;

static void queue_worker(int idx, void *p)
{
    QueueArg *a = p;
    tw_decref(a->op);         /* non-owner, shared count 0: queue it */
    a->state_seen = shared_state(a->op);
    /* queued into this thread's outbox; sent at its next eval-breaker
     * check, detach or exit, or now: */
    a->in_owner_queue_before_send = __atomic_load_n(&a->owner->brc_queue, __ATOMIC_ACQUIRE) != NULL;
    tw_thread_flush_queued();
    a->in_owner_queue_after_send = __atomic_load_n(&a->owner->brc_queue, __ATOMIC_ACQUIRE) != NULL;
    __atomic_store_n(&a->step, 1, __ATOMIC_RELEASE);
}

static void test_nonowner_decref_queues_to_owner_which_merges(void)
{
    reset_counts();
    QueueArg a = { .op = counted_new(1), .owner = tw_nogil_thread() };
    tw_incref(a.op);                              /* 2: one for the worker */
    CHECK(tw_test_run_threads(1, queue_worker, &a));
    CHECK_EQ_INT(a.state_seen, TW_REF_QUEUED);
    CHECK(!a.in_owner_queue_before_send);
    CHECK(a.in_owner_queue_after_send);
    /* tw_test_run_threads handled our breaker: the queue was merged. */
    CHECK_EQ_INT(shared_state(a.op), TW_REF_MERGED);
    CHECK_EQ_INT(a.op->ob_tid, 0);
    CHECK_EQ_INT(a.op->ob_ref_local, 0);
    CHECK_EQ_INT(tw_refcnt(a.op), 1);
    CHECK_EQ_INT(g_deallocs, 0);
    tw_decref(a.op);
    CHECK_EQ_INT(g_deallocs, 1);
}

/* Run queue_worker on its own thread and wait until it has dropped its
 * reference, spinning without reaching an eval-breaker check, so that
 * nothing merges meanwhile. */
static bool start_queue_worker(TwTestJob *job, QueueArg *a)
{
    uint64_t ident;
    if (tw_thread_spawn(tw_test_job_main, job, &ident) != 0)
        return false;
    double t0 = tw_test_now();
    while (!__atomic_load_n(&a->step, __ATOMIC_ACQUIRE)) {
        if (tw_test_now() - t0 > 10.0)
            return false;
        sched_yield();
    }
    return true;
}

/* While queued, the counts include the queue's reference in place of the
 * one the worker dropped: tw_refcnt (sys.getrefcount) must not report it. */
static void test_refcnt_of_queued_object_is_the_true_count(void)
{
    reset_counts();
    QueueArg a = { .op = counted_new(4), .owner = tw_nogil_thread() };
    tw_incref(a.op);                              /* 2: one for the worker */
    TwTestJob job = { queue_worker, &a, 0 };
    CHECK(start_queue_worker(&job, &a));
    CHECK_EQ_INT(shared_state(a.op), TW_REF_QUEUED);
    CHECK_EQ_INT(tw_refcnt(a.op), 1);
    handle_breaker();
    CHECK_EQ_INT(shared_state(a.op), TW_REF_MERGED);
    CHECK_EQ_INT(tw_refcnt(a.op), 1);
    CHECK(tw_test_wait_alone(10.0));
    tw_decref(a.op);
    CHECK_EQ_INT(g_deallocs, 1);
}

static void test_merge_bit_is_set_on_owner_until_it_merges(void)
{
    reset_counts();
    QueueArg a = { .op = counted_new(2), .owner = tw_nogil_thread() };  /* the worker gets our only ref */
    TwTestJob job = { queue_worker, &a, 0 };
    CHECK(start_queue_worker(&job, &a));
    CHECK_EQ_INT(a.state_seen, TW_REF_QUEUED);
    CHECK_EQ_INT(shared_state(a.op), TW_REF_QUEUED);
    CHECK(__atomic_load_n(&tw_tstate()->eval_breaker, __ATOMIC_RELAXED) &
          TW_EB_MERGE_REFCOUNTS);
    CHECK_EQ_INT(g_deallocs, 0);
    handle_breaker();
    /* The queue held the last reference: merging freed it, on this thread. */
    CHECK_EQ_INT(g_deallocs, 1);
    CHECK_EQ_INT(g_dealloc_thread, tw_thread_id());
    CHECK(tw_test_wait_alone(10.0));
}

/* Owner drops to zero while another thread still holds a reference: the
 * object becomes MERGED and the other thread frees it. */
static int g_hold_step;
static TwObject *g_held;
static uintptr_t g_worker_tid;

static void holder_worker(int idx, void *p)
{
    tw_incref(g_held);                        /* shared: 1 */
    __atomic_store_n(&g_hold_step, 1, __ATOMIC_RELEASE);
    tw_test_spin_until(&g_hold_step, 2, 10.0);
    g_worker_tid = tw_thread_id();
    tw_decref(g_held);                        /* MERGED 1 -> 0: frees */
    __atomic_store_n(&g_hold_step, 3, __ATOMIC_RELEASE);
}

static void test_owner_zero_with_shared_refs_merges_and_last_holder_frees(void)
{
    reset_counts();
    g_hold_step = 0;
    g_held = counted_new(3);
    uint64_t ident;
    TwTestJob job = { holder_worker, NULL, 0 };
    CHECK(tw_thread_spawn(tw_test_job_main, &job, &ident) == 0);
    CHECK(tw_test_spin_until(&g_hold_step, 1, 10.0));
    tw_decref(g_held);                        /* local 0, shared 1 */
    CHECK_EQ_INT(shared_state(g_held), TW_REF_MERGED);
    CHECK_EQ_INT(g_held->ob_tid, 0);
    CHECK_EQ_INT(g_deallocs, 0);
    __atomic_store_n(&g_hold_step, 2, __ATOMIC_RELEASE);
    CHECK(tw_test_spin_until(&g_hold_step, 3, 10.0));
    CHECK_EQ_INT(g_deallocs, 1);
    CHECK_EQ_INT(g_dealloc_thread, g_worker_tid);
    CHECK(tw_test_wait_alone(10.0));
}

/* ---------------- many threads: exact counts ------------------------- */

#define N_THREADS 4
#define N_ITERS 100000

static void churn_worker(int idx, void *p)
{
    TwObject *op = p;
    for (int i = 0; i < N_ITERS; i++) {
        tw_incref(op);
        if (i % 3 == 0)
            tw_incref(op);
        tw_decref(op);
        if (i % 3 == 0)
            tw_decref(op);
        if (i % 1024 == 0 && tw_eval_breaker_pending(tw_tstate()))
            tw_eval_breaker_handle(tw_tstate());
    }
    tw_decref(op);                            /* the reference main gave us */
}

static void test_counts_from_many_threads_merge_exactly(void)
{
    reset_counts();
    TwObject *op = counted_new(4);
    for (int i = 0; i < N_THREADS; i++)
        tw_incref(op);
    CHECK(tw_test_run_threads(N_THREADS, churn_worker, op));
    CHECK_EQ_INT(g_deallocs, 0);
    CHECK_EQ_INT(tw_refcnt(op), 1);
    tw_decref(op);
    CHECK_EQ_INT(g_deallocs, 1);
    CHECK_EQ_INT(g_dealloc_by_id[4], 1);
}

/* Objects made by every thread, passed around through shared slots and
 * dropped wherever they land: each is freed exactly once. */
#define N_SLOTS 64
#define N_MADE 2000
static TwObject *g_slots[N_SLOTS];

static void exchange_worker(int idx, void *p)
{
    unsigned seed = (unsigned)idx * 7919u + 1;
    for (int i = 0; i < N_MADE; i++) {
        TwObject *mine = counted_new(idx * N_MADE + i);
        if (i % 2)
            tw_incref(mine), tw_decref(mine);
        seed = seed * 1103515245u + 12345u;
        TwObject *old = __atomic_exchange_n(&g_slots[(seed >> 8) % N_SLOTS], mine,
                                            __ATOMIC_ACQ_REL);
        if (old)
            tw_decref(old);
        if (i % 64 == 0 && tw_eval_breaker_pending(tw_tstate()))
            tw_eval_breaker_handle(tw_tstate());
    }
}

static void test_objects_dropped_on_other_threads_are_freed_exactly_once(void)
{
    reset_counts();
    memset(g_slots, 0, sizeof g_slots);
    CHECK(tw_test_run_threads(N_THREADS, exchange_worker, NULL));
    for (int i = 0; i < N_SLOTS; i++)
        if (g_slots[i])
            tw_decref(g_slots[i]);
    handle_breaker();
    CHECK_EQ_INT(g_deallocs, N_THREADS * N_MADE);
    int bad = 0;
    for (int i = 0; i < N_THREADS * N_MADE; i++)
        bad += g_dealloc_by_id[i] != 1;
    CHECK_EQ_INT(bad, 0);
}

/* ---------------- a creator that exits ------------------------------- */

#define N_ABANDONED 1000
#define N_HOLDERS 3
static TwObject *g_abandoned[N_ABANDONED];
static int g_published;

static void creator_worker(int idx, void *p)
{
    for (int i = 0; i < N_ABANDONED; i++) {
        g_abandoned[i] = counted_new(i);
        for (int h = 0; h < N_HOLDERS; h++)
            tw_incref(g_abandoned[i]);        /* one per holder */
        if (i % 2)
            tw_decref(g_abandoned[i]);        /* ...and drop our own */
    }
    __atomic_store_n(&g_published, 1, __ATOMIC_RELEASE);
    /* Exit now, with half the objects still counted in our local field. */
}

static void holder_drop_worker(int idx, void *p)
{
    if (idx == 0) {
        creator_worker(idx, p);
        return;
    }
    tw_test_spin_until(&g_published, 1, 10.0);
    for (int i = 0; i < N_ABANDONED; i++) {
        tw_decref(g_abandoned[(i * 7 + idx) % N_ABANDONED]);
        if (i % 100 == 0)
            tw_eval_breaker_handle(tw_tstate());
    }
}

static void test_creator_exit_while_others_hold_its_objects(void)
{
    reset_counts();
    g_published = 0;
    CHECK(tw_test_run_threads(1 + N_HOLDERS, holder_drop_worker, NULL));
    /* Even ids: the creator's own reference is still there (abandoned in
     * its local count); odd ids were freed by the holders. */
    int freed = 0, bad = 0;
    for (int i = 0; i < N_ABANDONED; i++) {
        freed += g_dealloc_by_id[i];
        bad += g_dealloc_by_id[i] != (i % 2);
    }
    CHECK_EQ_INT(freed, N_ABANDONED / 2);
    CHECK_EQ_INT(bad, 0);
    /* Release what the dead creator kept: we are a non-owner of a dead
     * owner's objects; the decref queues, finds no owner, merges, frees. */
    for (int i = 0; i < N_ABANDONED; i += 2) {
        CHECK_EQ_INT(tw_refcnt(g_abandoned[i]), 1);
        tw_decref(g_abandoned[i]);
    }
    CHECK_EQ_INT(g_deallocs, N_ABANDONED);
    bad = 0;
    for (int i = 0; i < N_ABANDONED; i++)
        bad += g_dealloc_by_id[i] != 1;
    CHECK_EQ_INT(bad, 0);
}

/* An outbox sent while taking a lock.  Thread B drops the last reference
 * to an object X that thread A made (X waits in B's outbox), A exits, and
 * B then blocks for the lock of an object L that thread C holds: the
 * detach before B sleeps sends its outbox, and X's owner is gone.  X's
 * deallocation takes a critical section on L itself.  Freed right there,
 * inside the detach (as once), it ran with B's section on L marked
 * suspended, and its section's end resumed that one, re-locking L for B,
 * which then waited for its own lock: a deadlock (seen as a rare hang of
 * tests/stress/finalizers.py at 32 threads).  brc.c now pushes such an
 * object onto B's own queue: it dies at B's next eval-breaker check. */
static TwObject *g_lock_target;            /* L */
static int g_locking_deallocs;

static void locking_dealloc(TwObject *op)
{
    TW_BEGIN_CRITICAL_SECTION(g_lock_target);
    __atomic_fetch_add(&g_locking_deallocs, 1, __ATOMIC_RELAXED);
    TW_END_CRITICAL_SECTION();
    tw_object_free(op, sizeof(Counted));
}

static TwTypeObject LockingDeallocType = {
    .ob_base = TW_OBJECT_HEAD_INIT(&LockingDeallocType),
    .tp_name = "locking_dealloc",
    .tp_basicsize = sizeof(Counted),
    .tp_dealloc = locking_dealloc,
};

typedef struct {
    TwObject *x;
    uintptr_t owner_tid;
    int step;
    int freed_in_section, freed_after_check;
    intptr_t state_after_drop;
} OutboxLockArg;

static void spin_step(OutboxLockArg *a, int want)
{
    while (__atomic_load_n(&a->step, __ATOMIC_ACQUIRE) < want)
        tw_cpu_relax();
}

static void outbox_lock_worker(int idx, void *p)
{
    OutboxLockArg *a = p;
    if (idx == 0) {                        /* A: makes X and exits */
        Counted *c = (Counted *)tw_object_alloc(&LockingDeallocType, sizeof(Counted));
        c->id = 0;
        a->owner_tid = tw_thread_id();
        __atomic_store_n(&a->x, (TwObject *)c, __ATOMIC_RELEASE);   /* its reference */
        __atomic_store_n(&a->step, 1, __ATOMIC_RELEASE);
        spin_step(a, 2);
        return;
    }
    if (idx == 1) {                        /* C: holds L while B comes */
        spin_step(a, 3);
        TW_BEGIN_CRITICAL_SECTION(g_lock_target);
        __atomic_store_n(&a->step, 4, __ATOMIC_RELEASE);
        usleep(100000);                    /* B blocks on L meanwhile */
        TW_END_CRITICAL_SECTION();
        return;
    }
    /* B */
    spin_step(a, 1);
    tw_decref(a->x);                       /* non-owner, count 0: into the outbox */
    a->state_after_drop = shared_state(a->x);
    __atomic_store_n(&a->step, 2, __ATOMIC_RELEASE);
    while (tw_nogil_thread_by_tid(a->owner_tid) != NULL)
        tw_cpu_relax();                    /* A is gone, X still in the outbox */
    __atomic_store_n(&a->step, 3, __ATOMIC_RELEASE);
    spin_step(a, 4);
    TW_BEGIN_CRITICAL_SECTION(g_lock_target);   /* contended: detaches */
    a->freed_in_section = __atomic_load_n(&g_locking_deallocs, __ATOMIC_RELAXED);
    TW_END_CRITICAL_SECTION();
    handle_breaker();
    a->freed_after_check = __atomic_load_n(&g_locking_deallocs, __ATOMIC_RELAXED);
}

static void test_outbox_sent_while_taking_a_lock_frees_later(void)
{
    g_lock_target = counted_new(-1);
    g_locking_deallocs = 0;
    OutboxLockArg a = { 0 };
    CHECK(tw_test_run_threads(3, outbox_lock_worker, &a));
    CHECK_EQ_INT(a.state_after_drop, TW_REF_QUEUED);
    CHECK_EQ_INT(a.freed_in_section, 0);
    CHECK_EQ_INT(a.freed_after_check, 1);
    tw_decref(g_lock_target);
}

/* These tests spin attached without eval-breaker checks while another
 * thread attaches, and look at object locks directly: no solo mode (it is
 * tested in test_nogil_solo.c). */
static void setup_without_solo(void)
{
    tw_test_setup();
    tw_solo_disable();
}

int main(void)
{
    static const TwTestCase cases[] = {
        TW_CASE(test_owner_counts_in_local_field),
        TW_CASE(test_try_incref_fails_only_on_dead_merged_object),
        TW_CASE(test_nonowner_decref_queues_to_owner_which_merges),
        TW_CASE(test_refcnt_of_queued_object_is_the_true_count),
        TW_CASE(test_merge_bit_is_set_on_owner_until_it_merges),
        TW_CASE(test_owner_zero_with_shared_refs_merges_and_last_holder_frees),
        TW_CASE(test_counts_from_many_threads_merge_exactly),
        TW_CASE(test_objects_dropped_on_other_threads_are_freed_exactly_once),
        TW_CASE(test_creator_exit_while_others_hold_its_objects),
        TW_CASE(test_outbox_sent_while_taking_a_lock_frees_later),
    };
    TwTestOptions opts = { .setup = setup_without_solo, .live_blocks = tw_test_live_blocks };
    return tw_test_run(cases, TW_NCASES(cases), &opts);
}

#else
int main(void)
{
    printf("test_nogil_brc: the nogil runtime is not built; nothing to test\n");
    return 0;
}
#endif
