/*
 * test_nogil_bias.c — biased containers (nogil_runtime/bias.c): an object
 * is private to the thread that made it until another thread wants to
 * look inside it.
 *   - the owner's critical sections on its biased object take no lock, and
 *     what it stores there is not published; stores into an unbiased
 *     object publish;
 *   - storing the owner's biased object into an unbiased one unbiases it
 *     and what it reaches, publishing their items (an escape, no stop);
 *   - another thread that locks or reads a biased object revokes the bias
 *     with the world stopped, while the owner blocks;
 *   - an open elided section of the owner is converted: after the
 *     revocation it holds the lock for real, and the revoker waits for it;
 *   - a thread's GC registry is biased to it too: another thread that
 *     untracks an object there (drops its last reference) unbiases it;
 *   - stress: threads make holders, count in them inside critical sections
 *     (with eval-breaker checks and blocking inside some), swap them
 *     through shared slots so that each works on the others' biased
 *     holders, and read their leaves without a lock, while another thread
 *     keeps collecting; no update is lost, no leaf is read after it died.
 *     Half the holders release their leaves before they untrack (leaving
 *     poison behind): a collection that traversed one while its untrack
 *     waits to unbias the owner's registry would crash.  Under TSan an
 *     elided section or a registry change that overlaps another thread's
 *     access is a reported race; under ASan a leaf freed without a grace
 *     period under a reader is a use-after-free.
 */
#include "test_nogil_util.h"

#if TW_TEST_NOGIL

#define LEAF_MAGIC 0x1eaf1eafL

typedef struct {
    TwObject ob_base;
    long magic;
} Leaf;

static void leaf_dealloc(TwObject *op)
{
    ((Leaf *)op)->magic = 0;
    tw_object_free(op, sizeof(Leaf));
}

static TwTypeObject LeafType = {
    .ob_base = TW_OBJECT_HEAD_INIT(&LeafType),
    .tp_name = "leaf",
    .tp_basicsize = sizeof(Leaf),
    .tp_dealloc = leaf_dealloc,
};

static TwObject *leaf_new(void)
{
    Leaf *l = (Leaf *)tw_object_alloc(&LeafType, sizeof(Leaf));
    l->magic = LEAF_MAGIC;
    return (TwObject *)l;
}

#define N_ITEMS 4

typedef struct {
    TwObject ob_base;
    long counter;                 /* inside critical sections on the holder */
    TwObject *items[N_ITEMS];     /* read without a lock (tw_try_incref_item) */
} Holder;

static long g_dead_total;         /* counters of holders that died */

static int holder_traverse(TwObject *op, TwVisitFn visit, void *arg)
{
    Holder *h = (Holder *)op;
    for (int i = 0; i < N_ITEMS; i++) {
        TwObject *v = __atomic_load_n(&h->items[i], __ATOMIC_RELAXED);
        if (v && visit(v, arg))
            return 1;
    }
    return 0;
}

#define POISON ((TwObject *)(uintptr_t)0x10)

/* Holders with an odd counter release their items first and leave poison
 * in the slots; tw_gc_free untracks them afterwards (as some object types
 * do): nothing may traverse them meanwhile. */
static void holder_dealloc(TwObject *op)
{
    Holder *h = (Holder *)op;
    bool late = (h->counter & 1) != 0;
    if (!late)
        tw_gc_untrack(op);
    __atomic_fetch_add(&g_dead_total, h->counter, __ATOMIC_RELAXED);
    for (int i = 0; i < N_ITEMS; i++) {
        if (h->items[i])
            tw_decref(h->items[i]);
        if (late)
            __atomic_store_n(&h->items[i], POISON, __ATOMIC_RELAXED);
    }
    tw_gc_free(op, sizeof(Holder));
}

static TwTypeObject HolderType = {
    .ob_base = TW_OBJECT_HEAD_INIT(&HolderType),
    .tp_name = "holder",
    .tp_basicsize = sizeof(Holder),
    .tp_flags = TW_TPFLAGS_HAVE_GC,
    .tp_dealloc = holder_dealloc,
    .tp_traverse = holder_traverse,
};

static Holder *holder_new(void)
{
    Holder *h = (Holder *)tw_gc_alloc(&HolderType, sizeof(Holder));
    h->counter = 0;
    for (int i = 0; i < N_ITEMS; i++)
        h->items[i] = NULL;
    tw_gc_track((TwObject *)h);
    return h;
}

/* h.items[i] = v (a new reference taken), as list.c stores an item. */
static void holder_set(Holder *h, int i, TwObject *v)
{
    TwObject *old;
    tw_incref(v);
    TW_BEGIN_CRITICAL_SECTION(h);
    old = h->items[i];
    tw_object_publish_into((TwObject *)h, v);
    tw_atomic_store_ptr(&h->items[i], v);
    TW_END_CRITICAL_SECTION();
    if (old)
        tw_decref(old);
}

/* h.items[i] as a new reference, read as list.c reads an item. */
static TwObject *holder_get(Holder *h, int i)
{
    tw_bias_check_read((TwObject *)h);
    TwObject *v = tw_try_incref_item(&h->items[i]);
    if (v)
        return v;
    TW_BEGIN_CRITICAL_SECTION(h);
    v = h->items[i];
    if (v)
        tw_incref(v);
    TW_END_CRITICAL_SECTION();
    return v;
}

static bool biased(void *op)
{
    return tw_object_is_biased((TwObject *)op);
}

/* A section on an unbiased object: it locks the object, or, when the
 * thread is alone, is elided by solo mode. */
static bool section_is_ordinary(TwCriticalSection *cs)
{
    if (cs->elided == TW_CS_ELIDED_SOLO)
        return tw_cs_tls.solo && !tw_mutex_is_locked(&cs->a->ob_mutex);
    return cs->elided == 0 && tw_mutex_is_locked(&cs->a->ob_mutex);
}

static Holder *holder_with_leaves(void)
{
    Holder *h = holder_new();
    for (int i = 0; i < N_ITEMS; i++) {
        TwObject *l = leaf_new();
        holder_set(h, i, l);
        tw_decref(l);
    }
    return h;
}

static void test_owner_sections_take_no_lock(void)
{
    Holder *h = holder_new();
    CHECK(biased(h));
    TW_BEGIN_CRITICAL_SECTION(h);
    CHECK_EQ_INT(_tw_cs.elided, TW_CS_ELIDED_BIAS);
    CHECK_EQ_INT(h->ob_base.ob_mutex, TW_MUTEX_BIASED);
    h->counter++;
    TW_END_CRITICAL_SECTION();
    CHECK(tw_cs_tls.top == NULL);
    /* stored into a biased holder: not published */
    TwObject *a = leaf_new();
    holder_set(h, 0, a);
    CHECK(!tw_object_is_published(a));
    /* into one that is not biased: published */
    Holder *shared = holder_new();
    tw_bias_revoke((TwObject *)shared);      /* our own: unbiased in place */
    CHECK(!biased(shared));
    TwObject *b = leaf_new();
    holder_set(shared, 0, b);
    CHECK(tw_object_is_published(b));
    TW_BEGIN_CRITICAL_SECTION(shared);
    CHECK(section_is_ordinary(&_tw_cs));
    TW_END_CRITICAL_SECTION();
    CHECK_EQ_INT(shared->ob_base.ob_mutex, 0);
    tw_decref(a);
    tw_decref(b);
    tw_decref((TwObject *)h);
    tw_decref((TwObject *)shared);
}

static void test_escape_unbiases_what_it_reaches(void)
{
    uint64_t escapes = tw_nogil_thread()->stats.bias_escape;
    Holder *shared = holder_new();
    tw_bias_revoke((TwObject *)shared);
    Holder *outer = holder_with_leaves(), *inner = holder_with_leaves();
    holder_set(outer, 1, (TwObject *)inner);
    CHECK(biased(outer));
    CHECK(biased(inner));
    CHECK(!tw_object_is_published(inner->items[0]));
    holder_set(shared, 0, (TwObject *)outer);
    CHECK(!biased(outer));
    CHECK(!biased(inner));
    CHECK(tw_object_is_published((TwObject *)outer));
    CHECK(tw_object_is_published(outer->items[0]));
    CHECK(tw_object_is_published((TwObject *)inner));
    CHECK(tw_object_is_published(inner->items[3]));
    CHECK_EQ_INT(tw_nogil_thread()->stats.bias_escape, escapes + 1);
    tw_decref((TwObject *)inner);
    tw_decref((TwObject *)outer);
    tw_decref((TwObject *)shared);
}

static Holder *g_holder;
static int g_attached, g_done;
static uint64_t g_worker_revokes;

static void reading_worker(int idx, void *p)
{
    TwObject *v = holder_get(g_holder, 2);
    CHECK(v != NULL && ((Leaf *)v)->magic == LEAF_MAGIC);
    CHECK(tw_object_is_published(v));
    tw_decref(v);
    TwObject *fresh = leaf_new();
    holder_set(g_holder, 2, fresh);
    CHECK(tw_object_is_published(fresh));
    tw_decref(fresh);
    __atomic_store_n(&g_worker_revokes, tw_nogil_thread()->stats.bias_revoke, __ATOMIC_RELAXED);
}

static void test_reader_revokes_while_owner_blocks(void)
{
    uint64_t stops = __atomic_load_n(&tw_nogil_gstats.stw_count, __ATOMIC_RELAXED);
    g_holder = holder_with_leaves();
    CHECK(biased(g_holder));
    CHECK(!tw_object_is_published(g_holder->items[1]));
    CHECK(tw_test_run_threads(1, reading_worker, NULL));   /* we block meanwhile */
    CHECK(!biased(g_holder));
    CHECK(tw_object_is_published(g_holder->items[1]));
    CHECK_EQ_INT(g_worker_revokes, 1);
    CHECK(__atomic_load_n(&tw_nogil_gstats.stw_count, __ATOMIC_RELAXED) > stops);
    /* now an ordinary object */
    TW_BEGIN_CRITICAL_SECTION(g_holder);
    CHECK(section_is_ordinary(&_tw_cs));
    TW_END_CRITICAL_SECTION();
    tw_decref((TwObject *)g_holder);
}

static void locking_worker(int idx, void *p)
{
    __atomic_store_n(&g_attached, 1, __ATOMIC_RELEASE);
    TW_BEGIN_CRITICAL_SECTION(g_holder);
    g_holder->counter += 10;
    TW_END_CRITICAL_SECTION();
    __atomic_store_n(&g_done, 1, __ATOMIC_RELEASE);
}

/* Eval-breaker checks inside a section (as Python code called from a C
 * method would make) until h is unbiased: another thread's stop parks us
 * in one. */
static void handle_breaker_until_unbiased(Holder *h)
{
    double t0 = tw_test_now();
    while (biased(h) && tw_test_now() - t0 < 10.0) {
        if (tw_eval_breaker_pending(tw_tstate()))
            tw_eval_breaker_handle(tw_tstate());
        sched_yield();
    }
}

/* Start fn on a new thread (a worker that revokes h's bias, by locking it)
 * and make eval-breaker checks until it has.  The job is read by the new
 * thread before fn runs, so one static job serves every call. */
static void spawn_and_wait_unbiased(void (*fn)(int, void *), Holder *h)
{
    static TwTestJob job;
    job = (TwTestJob){ fn, NULL, 0 };
    uint64_t ident;
    CHECK(tw_thread_spawn(tw_test_job_main, &job, &ident) == 0);
    handle_breaker_until_unbiased(h);
}

static void test_open_section_is_converted(void)
{
    g_holder = holder_new();
    g_attached = g_done = 0;
    TW_BEGIN_CRITICAL_SECTION(g_holder);
    CHECK_EQ_INT(_tw_cs.elided, TW_CS_ELIDED_BIAS);
    g_holder->counter = 1;
    spawn_and_wait_unbiased(locking_worker, g_holder);
    CHECK(!biased(g_holder));
    CHECK_EQ_INT(_tw_cs.elided, 0);
    CHECK(tw_mutex_is_locked(&g_holder->ob_base.ob_mutex));
    CHECK(tw_test_spin_until(&g_attached, 1, 10.0));
    tw_test_yield_for(0.02);
    CHECK_EQ_INT(__atomic_load_n(&g_done, __ATOMIC_ACQUIRE), 0);
    g_holder->counter = 5;
    TW_END_CRITICAL_SECTION();
    CHECK(tw_test_spin_until(&g_done, 1, 10.0));
    CHECK(tw_test_wait_alone(10.0));
    CHECK_EQ_INT(g_holder->counter, 15);
    tw_decref((TwObject *)g_holder);
}

/* Sections on the same biased object nested with another between them
 * (`x`, then `w`, then `x` again: Python code run inside the outer two
 * can do that) are both elided.  A revocation while they are open leaves
 * the innermost holding x's lock; the outer one is suspended and takes
 * the lock for real when the sections above it end, instead of going on
 * as if it held a lock the inner one released. */
static void test_nested_sections_on_one_object_are_converted(void)
{
    g_holder = holder_new();
    Holder *w = holder_new();
    uint8_t *x_mutex = &g_holder->ob_base.ob_mutex;
    g_attached = g_done = 0;
    TW_BEGIN_CRITICAL_SECTION(g_holder);
    TwCriticalSection *outer = &_tw_cs;
    CHECK_EQ_INT(outer->elided, TW_CS_ELIDED_BIAS);
    g_holder->counter = 1;
    TW_BEGIN_CRITICAL_SECTION(w);
    TwCriticalSection *middle = &_tw_cs;
    CHECK_EQ_INT(middle->elided, TW_CS_ELIDED_BIAS);
    TW_BEGIN_CRITICAL_SECTION(g_holder);
    TwCriticalSection *inner = &_tw_cs;
    CHECK(inner->a == (TwObject *)g_holder);
    CHECK_EQ_INT(inner->elided, TW_CS_ELIDED_BIAS);
    spawn_and_wait_unbiased(locking_worker, g_holder);
    CHECK(!biased(g_holder));
    CHECK_EQ_INT(inner->elided, 0);
    CHECK(!inner->suspended);
    CHECK(tw_mutex_is_locked(x_mutex));
    CHECK(outer->suspended);
    CHECK(biased(w));                     /* not revoked: still elided */
    CHECK(!middle->suspended);
    g_holder->counter = 5;
    TW_END_CRITICAL_SECTION();            /* inner: x's lock goes */
    CHECK(tw_test_spin_until(&g_done, 1, 10.0));   /* the worker had its turn */
    CHECK_EQ_INT(g_holder->counter, 15);
    TW_END_CRITICAL_SECTION();            /* middle: the outer takes x for real */
    CHECK(!outer->suspended);
    CHECK_EQ_INT(outer->elided, 0);
    CHECK(tw_mutex_is_locked(x_mutex));
    g_holder->counter += 1;
    TW_END_CRITICAL_SECTION();            /* outer */
    CHECK(!tw_mutex_is_locked(x_mutex));
    CHECK(tw_cs_tls.top == NULL);
    CHECK(tw_test_wait_alone(10.0));
    CHECK_EQ_INT(g_holder->counter, 16);
    tw_decref((TwObject *)w);
    tw_decref((TwObject *)g_holder);
}

/* A section on two holders both biased to this thread takes no lock
 * either.  Another thread's revocation of one of them while it is open
 * makes it hold that one's lock and go on eliding the other; a second
 * revocation takes the other one's lock too. */
static Holder *g_pair;
static int g_pair_done;

static void pair_locking_worker(int idx, void *p)
{
    TW_BEGIN_CRITICAL_SECTION(g_pair);
    g_pair->counter += 10;
    TW_END_CRITICAL_SECTION();
    __atomic_store_n(&g_pair_done, 1, __ATOMIC_RELEASE);
}

static Holder *g_h1, *g_h2;
static int g_a_holding, g_b_holding;

/* Holds g_h1 (shared) until the revoking worker holds g_h2. */
static void holding_worker(int idx, void *p)
{
    TW_BEGIN_CRITICAL_SECTION(g_h1);
    __atomic_store_n(&g_a_holding, 1, __ATOMIC_RELEASE);
    double t0 = tw_test_now();
    while (!__atomic_load_n(&g_b_holding, __ATOMIC_ACQUIRE) && tw_test_now() - t0 < 10.0)
        sched_yield();
    g_h1->counter++;
    TW_END_CRITICAL_SECTION();
}

/* Once the maker waits for g_h1, locks g_h2 (biased to the maker: a
 * revocation) and keeps it a while after the holder let g_h1 go. */
static void revoking_worker(int idx, void *p)
{
    CHECK(tw_test_spin_until(&g_a_holding, 1, 10.0));
    tw_begin_blocking();
    usleep(100000);                   /* the maker is waiting for g_h1 */
    tw_end_blocking();
    TW_BEGIN_CRITICAL_SECTION(g_h2);
    __atomic_store_n(&g_b_holding, 1, __ATOMIC_RELEASE);
    tw_test_yield_for(0.05);
    g_h2->counter += 10;
    TW_END_CRITICAL_SECTION();
}

/* The end of a two-holder case: every section on them did its part (the
 * counters), both are unbiased and unlocked; our references dropped. */
static void check_pair_done_and_drop(Holder *x, long x_counter, Holder *y, long y_counter)
{
    CHECK_EQ_INT(x->counter, x_counter);
    CHECK_EQ_INT(y->counter, y_counter);
    CHECK_EQ_INT(x->ob_base.ob_mutex, 0);
    CHECK_EQ_INT(y->ob_base.ob_mutex, 0);
    tw_decref((TwObject *)x);
    tw_decref((TwObject *)y);
}

static void test_two_object_sections_on_own_objects(void)
{
    Holder *h1 = holder_new(), *h2 = holder_new();
    uint64_t cleared = tw_nogil_thread()->stats.bias_cleared;
    TW_BEGIN_CRITICAL_SECTION2(h1, h2);
    CHECK_EQ_INT(_tw_cs.elided, TW_CS_ELIDED_BIAS);
    CHECK_EQ_INT(h1->ob_base.ob_mutex, TW_MUTEX_BIASED);
    CHECK_EQ_INT(h2->ob_base.ob_mutex, TW_MUTEX_BIASED);
    h1->counter++;
    h2->counter++;
    TW_END_CRITICAL_SECTION();
    CHECK(tw_cs_tls.top == NULL);
    CHECK(biased(h1) && biased(h2));
    CHECK_EQ_INT(tw_nogil_thread()->stats.bias_cleared, cleared);
    /* one of them shared: it is locked, our own one stays private (a
     * copy of a shared container into a new one of ours, list(shared)) */
    tw_bias_revoke((TwObject *)h1);
    TW_BEGIN_CRITICAL_SECTION2(h1, h2);
    CHECK_EQ_INT(_tw_cs.elided, _tw_cs.a == (TwObject *)h2 ? TW_CS_ELIDED_BIAS_A
                                                           : TW_CS_ELIDED_BIAS_B);
    CHECK(biased(h2));
    CHECK(tw_mutex_is_locked(&h1->ob_base.ob_mutex));
    CHECK_EQ_INT(h2->ob_base.ob_mutex, TW_MUTEX_BIASED);
    h1->counter++;
    h2->counter++;
    TW_END_CRITICAL_SECTION();
    CHECK(tw_cs_tls.top == NULL);
    CHECK_EQ_INT(h1->ob_base.ob_mutex, 0);
    CHECK_EQ_INT(h2->ob_base.ob_mutex, TW_MUTEX_BIASED);
    /* The same while another thread holds the shared one: the section
     * waits for it, and a third thread unbiases our own one meanwhile (it
     * cannot convert a section that is waiting): once the shared lock is
     * ours, the section sees its elision lost and takes both locks. */
    g_h1 = h1;
    g_h2 = h2;
    g_a_holding = g_b_holding = 0;
    uint64_t ident0;
    TwTestJob hold_job = { holding_worker, NULL, 0 };
    CHECK(tw_thread_spawn(tw_test_job_main, &hold_job, &ident0) == 0);
    TwTestJob revoke_job = { revoking_worker, NULL, 0 };
    CHECK(tw_thread_spawn(tw_test_job_main, &revoke_job, &ident0) == 0);
    CHECK(tw_test_spin_until(&g_a_holding, 1, 10.0));
    TW_BEGIN_CRITICAL_SECTION2(h1, h2);
    CHECK_EQ_INT(_tw_cs.elided, 0);
    CHECK(!biased(h2));
    CHECK(tw_mutex_is_locked(&h1->ob_base.ob_mutex));
    CHECK(tw_mutex_is_locked(&h2->ob_base.ob_mutex));
    h1->counter++;
    h2->counter++;
    TW_END_CRITICAL_SECTION();
    CHECK(tw_test_wait_alone(10.0));
    check_pair_done_and_drop(h1, 4, h2, 13);

    /* open while one thread revokes one of them, then another the other */
    g_holder = holder_new();
    g_pair = holder_new();
    g_attached = g_done = g_pair_done = 0;
    TW_BEGIN_CRITICAL_SECTION2(g_holder, g_pair);
    TwCriticalSection *cs = &_tw_cs;
    CHECK_EQ_INT(cs->elided, TW_CS_ELIDED_BIAS);
    g_holder->counter = 1;
    g_pair->counter = 2;
    spawn_and_wait_unbiased(locking_worker, g_holder);
    CHECK(!biased(g_holder));
    CHECK(biased(g_pair));
    CHECK(tw_mutex_is_locked(&g_holder->ob_base.ob_mutex));
    /* the other one, g_pair, is still elided */
    CHECK_EQ_INT(cs->elided, cs->a == (TwObject *)g_pair ? TW_CS_ELIDED_BIAS_A
                                                          : TW_CS_ELIDED_BIAS_B);
    CHECK(!cs->suspended);
    spawn_and_wait_unbiased(pair_locking_worker, g_pair);
    CHECK(!biased(g_pair));
    CHECK_EQ_INT(cs->elided, 0);
    CHECK(tw_mutex_is_locked(&g_holder->ob_base.ob_mutex));
    CHECK(tw_mutex_is_locked(&g_pair->ob_base.ob_mutex));
    CHECK(tw_test_spin_until(&g_attached, 1, 10.0));
    tw_test_yield_for(0.02);
    CHECK_EQ_INT(__atomic_load_n(&g_done, __ATOMIC_ACQUIRE), 0);
    CHECK_EQ_INT(__atomic_load_n(&g_pair_done, __ATOMIC_ACQUIRE), 0);
    g_holder->counter += 4;
    g_pair->counter += 4;
    TW_END_CRITICAL_SECTION();
    CHECK(tw_test_spin_until(&g_done, 1, 10.0));
    CHECK(tw_test_spin_until(&g_pair_done, 1, 10.0));
    CHECK(tw_test_wait_alone(10.0));
    check_pair_done_and_drop(g_holder, 15, g_pair, 16);
}

static TwObject *g_tracked;
static uint64_t g_worker_registry_revokes;
static int g_holding, g_dropped;

/* Takes a reference, waits until the maker dropped its own (the object is
 * then merged: whoever drops the last reference frees it), drops it. */
static void untracking_worker(int idx, void *p)
{
    uint64_t before = tw_nogil_thread()->stats.bias_revoke;
    tw_incref(g_tracked);
    __atomic_store_n(&g_holding, 1, __ATOMIC_RELEASE);
    CHECK(tw_test_spin_until(&g_dropped, 1, 10.0));
    tw_decref(g_tracked);              /* the last reference: untracked here */
    g_worker_registry_revokes = tw_nogil_thread()->stats.bias_revoke - before;
}

static void test_registry_biased_until_another_thread_untracks(void)
{
    TwGcList *l = tw_nogil_thread()->gc_list;
    CHECK(l->biased);
    CHECK(l->owner == tw_nogil_thread());
    TwSsize tracked0 = tw_gc_tracked_count();
    Holder *h = holder_new();                  /* counter 0: untracks first */
    CHECK_EQ_INT(l->lock, 0);
    CHECK_EQ_INT(tw_gc_tracked_count(), tracked0 + 1);
    g_tracked = (TwObject *)h;
    g_worker_registry_revokes = 0;
    g_holding = g_dropped = 0;
    uint64_t ident;
    TwTestJob job = { untracking_worker, NULL, 0 };
    CHECK(tw_thread_spawn(tw_test_job_main, &job, &ident) == 0);
    CHECK(tw_test_spin_until(&g_holding, 1, 10.0));
    tw_decref((TwObject *)h);
    __atomic_store_n(&g_dropped, 1, __ATOMIC_RELEASE);
    CHECK(tw_test_wait_alone(10.0));
    CHECK_EQ_INT(g_worker_registry_revokes, 1);
    CHECK(!l->biased);
    CHECK_EQ_INT(tw_gc_tracked_count(), tracked0);
    /* an unbiased registry works under its lock */
    Holder *h2 = holder_new();
    CHECK_EQ_INT(tw_gc_tracked_count(), tracked0 + 1);
    tw_decref((TwObject *)h2);
    CHECK_EQ_INT(tw_gc_tracked_count(), tracked0);
}

/* Rounds of: a maker thread builds holders that release their leaves
 * before they untrack (poison left behind), hands them over and stays
 * alive; a freer drops the last references, so each untrack goes to the
 * maker's still biased registry (the first one unbiases it, with the world
 * stopped); a third thread collects all the time.  A collection that ran
 * while such an untrack waited for its stop, and traversed the holder,
 * would follow the poison. */
#define DYING_ROUNDS 100
#define DYING_HOLDERS 16
static Holder *g_handed[DYING_HOLDERS];
static int g_made, g_freed, g_round_over;
static uint64_t g_freer_revokes;

static void dying_worker(int idx, void *p)
{
    if (idx == 0) {                                  /* maker */
        for (int k = 0; k < DYING_HOLDERS; k++) {
            Holder *h = holder_with_leaves();
            h->counter = 1;                          /* odd: untracks late */
            g_handed[k] = h;
        }
        __atomic_store_n(&g_made, 1, __ATOMIC_RELEASE);
        CHECK(tw_test_spin_until(&g_freed, 1, 20.0));
    } else if (idx == 1) {                           /* freer */
        CHECK(tw_test_spin_until(&g_made, 1, 20.0));
        for (int k = 0; k < DYING_HOLDERS; k++) {
            tw_incref((TwObject *)g_handed[k]);
            __atomic_store_n(&g_made, 2 + k, __ATOMIC_RELEASE);
        }
        __atomic_store_n(&g_freed, 1, __ATOMIC_RELEASE);
        /* the maker drops its references below, after it saw g_freed;
         * ours are the last ones */
        CHECK(tw_test_spin_until(&g_round_over, 1, 20.0));
        uint64_t before = tw_nogil_thread()->stats.bias_revoke;
        for (int k = 0; k < DYING_HOLDERS; k++)
            tw_decref((TwObject *)g_handed[k]);
        g_freer_revokes += tw_nogil_thread()->stats.bias_revoke - before;
        __atomic_store_n(&g_round_over, 2, __ATOMIC_RELEASE);
    } else {                                         /* collector */
        while (__atomic_load_n(&g_round_over, __ATOMIC_ACQUIRE) < 2) {
            CHECK(tw_gc_collect(0) >= 0);
            if (tw_eval_breaker_pending(tw_tstate()))
                tw_eval_breaker_handle(tw_tstate());
        }
    }
    if (idx == 0) {
        for (int k = 0; k < DYING_HOLDERS; k++)
            tw_decref((TwObject *)g_handed[k]);
        __atomic_store_n(&g_round_over, 1, __ATOMIC_RELEASE);
        CHECK(tw_test_spin_until(&g_round_over, 2, 20.0));
    }
}

static void test_dying_untrack_is_not_traversed(void)
{
    g_freer_revokes = 0;
    for (int r = 0; r < DYING_ROUNDS; r++) {
        g_made = g_freed = g_round_over = 0;
        g_dead_total = 0;
        CHECK(tw_test_run_threads(3, dying_worker, NULL));
        CHECK_EQ_INT(g_dead_total, DYING_HOLDERS);
    }
    /* each round's maker had a biased registry, which the freer unbiased */
    CHECK_EQ_INT(g_freer_revokes, DYING_ROUNDS);
}

#define N_THREADS 4
#define N_SLOTS 8
#define N_ROUNDS 300
#define N_INCS 20

static Holder *g_slots[N_SLOTS];    /* swapped atomically, never locked */
static long g_counted;
static uint64_t g_revokes;
static int g_swappers_done;

/* Collects until the swapping workers are done. */
static void collecting_worker(int idx, void *p)
{
    while (__atomic_load_n(&g_swappers_done, __ATOMIC_ACQUIRE) < N_THREADS) {
        CHECK(tw_gc_collect(0) >= 0);
        if (tw_eval_breaker_pending(tw_tstate()))
            tw_eval_breaker_handle(tw_tstate());
        tw_begin_blocking();
        usleep(200);
        tw_end_blocking();
    }
}

/* Count n times in h, inside critical sections, some with an eval-breaker
 * check or a blocking call inside. */
static long count_in(Holder *h, int n, int idx, int round)
{
    for (int i = 0; i < n; i++) {
        TW_BEGIN_CRITICAL_SECTION(h);
        long v = h->counter;
        if ((i & 7) == idx && tw_eval_breaker_pending(tw_tstate()))
            tw_eval_breaker_handle(tw_tstate());
        if (i == 0 && round % 16 == idx) {
            tw_begin_blocking();
            usleep(50);
            tw_end_blocking();
            v = h->counter;           /* a blocked section may be entered */
        }
        h->counter = v + 1;
        TW_END_CRITICAL_SECTION();
    }
    return n;
}

/* Count n times in both h (which other threads can reach) and pair (the
 * caller's own), inside two-object sections with an eval-breaker check or
 * a blocking call in some: another thread's revocation of h converts an
 * open section halfway (h locked, pair still elided). */
static long count_in2(Holder *h, Holder *pair, int n, int idx)
{
    for (int i = 0; i < n; i++) {
        TW_BEGIN_CRITICAL_SECTION2(h, pair);
        long v = h->counter, w = pair->counter;
        if ((i & 3) == (idx & 3))
            sched_yield();                /* a window for a revocation */
        if (tw_eval_breaker_pending(tw_tstate()))
            tw_eval_breaker_handle(tw_tstate());
        if (i == 1 && (idx & 1)) {
            tw_begin_blocking();
            usleep(20);
            tw_end_blocking();
            v = h->counter;
            w = pair->counter;
        }
        h->counter = v + 1;
        pair->counter = w + 1;
        TW_END_CRITICAL_SECTION();
    }
    return 2L * n;
}

static void swapping_worker(int idx, void *p)
{
    long mine = 0;
    unsigned seed = (unsigned)idx * 7919u + 1;
    for (int r = 0; r < N_ROUNDS; r++) {
        Holder *h = holder_with_leaves();
        mine += count_in(h, N_INCS, idx, r);
        seed = seed * 1103515245u + 12345u;
        tw_incref((TwObject *)h);
        Holder *other = __atomic_exchange_n(&g_slots[(seed >> 8) % N_SLOTS], h, __ATOMIC_ACQ_REL);
        Holder *pair = holder_new();
        mine += count_in2(h, pair, N_INCS, idx);
        tw_decref((TwObject *)pair);
        tw_decref((TwObject *)h);
        if (other) {
            /* likely another thread's, still biased to it */
            for (int i = 0; i < N_ITEMS; i++) {
                TwObject *v = holder_get(other, i);
                CHECK(v != NULL && ((Leaf *)v)->magic == LEAF_MAGIC);
                tw_decref(v);
            }
            mine += count_in(other, N_INCS, idx, r + 1);
            TwObject *fresh = leaf_new();
            holder_set(other, (int)(seed >> 16) % N_ITEMS, fresh);
            tw_decref(fresh);
            tw_decref((TwObject *)other);
        }
        if (tw_eval_breaker_pending(tw_tstate()))
            tw_eval_breaker_handle(tw_tstate());
    }
    __atomic_fetch_add(&g_counted, mine, __ATOMIC_RELAXED);
    __atomic_fetch_add(&g_revokes, tw_nogil_thread()->stats.bias_revoke, __ATOMIC_RELAXED);
    __atomic_fetch_add(&g_swappers_done, 1, __ATOMIC_RELEASE);
}

static void stress_worker(int idx, void *p)
{
    if (idx == N_THREADS)
        collecting_worker(idx, p);
    else
        swapping_worker(idx, p);
}

static void test_swapping_biased_holders_loses_no_update(void)
{
    g_counted = g_dead_total = 0;
    g_revokes = 0;
    g_swappers_done = 0;
    CHECK(tw_test_run_threads(N_THREADS + 1, stress_worker, NULL));
    for (int k = 0; k < N_SLOTS; k++) {
        if (g_slots[k])
            tw_decref((TwObject *)g_slots[k]);
        g_slots[k] = NULL;
    }
    CHECK_EQ_INT(__atomic_load_n(&g_dead_total, __ATOMIC_RELAXED), g_counted);
    CHECK(g_counted >= (long)N_THREADS * N_ROUNDS * N_INCS);
    /* the holders were taken while still biased to their makers */
    CHECK(g_revokes > 0);
    printf("     %ld counts, %llu revocations\n", g_counted, (unsigned long long)g_revokes);
}

int main(void)
{
    static const TwTestCase cases[] = {
        TW_CASE(test_owner_sections_take_no_lock),
        TW_CASE(test_escape_unbiases_what_it_reaches),
        TW_CASE(test_reader_revokes_while_owner_blocks),
        TW_CASE(test_open_section_is_converted),
        TW_CASE(test_nested_sections_on_one_object_are_converted),
        TW_CASE(test_two_object_sections_on_own_objects),
        TW_CASE(test_registry_biased_until_another_thread_untracks),
        TW_CASE(test_dying_untrack_is_not_traversed),
        TW_CASE(test_swapping_biased_holders_loses_no_update),
    };
    TwTestOptions opts = { .setup = tw_test_setup, .live_blocks = tw_test_live_blocks };
    return tw_test_run(cases, TW_NCASES(cases), &opts);
}

#else
int main(void)
{
    printf("test_nogil_bias: the GIL build has no biased objects\n");
    return 0;
}
#endif
