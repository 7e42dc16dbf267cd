/*
 * test_nogil_qsbr.c — quiescent-state based reclamation (nogil_runtime/
 * qsbr.c) and the optimistic reads it protects:
 *   - with one live thread a delayed free is immediate;
 *   - with another attached thread that has not passed a quiescent state,
 *     a delayed free waits; once it passes one, the free happens;
 *   - a detached (offline) thread does not hold frees back: with no other
 *     thread online, a delayed free waits only for the caller's next
 *     quiescent point, and after TW_QSBR_ALONE_AFTER such frees they are
 *     immediate again (alone mode, see tw_qsbr_needed);
 *   - objects freed while several threads live wait for a grace period;
 *   - stress: readers load items from a shared array with
 *     tw_try_incref_item while a writer replaces items and whole arrays;
 *     a reader never sees a dead object (ASan would also catch a
 *     use-after-free).
 */
#include "test_nogil_util.h"

#if TW_TEST_NOGIL

static uint64_t pending(void) { return tw_qsbr_pending_count(); }

static void quiesce_self(void)
{
    tw_eval_breaker_handle(tw_tstate());
    tw_eval_breaker_handle(tw_tstate());
}

static void test_delayed_free_is_immediate_when_alone(void)
{
    uint64_t before = tw_test_live_blocks();
    void *p = tw_mem_alloc(64);
    CHECK_EQ_INT(tw_test_live_blocks(), before + 1);
    tw_mem_free_delayed(p, 64);
    CHECK_EQ_INT(tw_test_live_blocks(), before);
    CHECK_EQ_INT(pending(), 0);
}

/* A reader that stays attached without quiescent states until told. */
static int g_step;

static void lagging_reader(int idx, void *p)
{
    __atomic_store_n(&g_step, 1, __ATOMIC_RELEASE);
    /* Attached and not quiescent: spin without eval-breaker checks. */
    double t0 = tw_test_now();
    while (__atomic_load_n(&g_step, __ATOMIC_ACQUIRE) < 2 && tw_test_now() - t0 < 10.0)
        sched_yield();
    tw_eval_breaker_handle(tw_tstate());        /* one quiescent state */
    __atomic_store_n(&g_step, 3, __ATOMIC_RELEASE);
    /* Then detached for a while: must not hold anything back. */
    tw_begin_blocking();
    t0 = tw_test_now();
    while (__atomic_load_n(&g_step, __ATOMIC_ACQUIRE) < 4 && tw_test_now() - t0 < 10.0)
        usleep(100);
    tw_end_blocking();
}

static void test_delayed_free_waits_for_every_attached_thread(void)
{
    g_step = 0;
    uint64_t ident;
    TwTestJob job = { lagging_reader, NULL, 0 };
    CHECK(tw_thread_spawn(tw_test_job_main, &job, &ident) == 0);
    CHECK(tw_test_spin_until(&g_step, 1, 10.0));
    uint64_t before = tw_test_live_blocks();
    void *p = tw_mem_alloc(128);
    tw_mem_free_delayed(p, 128);
    CHECK_EQ_INT(pending(), 1);
    for (int i = 0; i < 5; i++)
        quiesce_self();
    /* The other thread has not passed a quiescent state: still pending. */
    CHECK_EQ_INT(pending(), 1);
    CHECK_EQ_INT(tw_test_live_blocks(), before + 1);
    /* So is everything freed after: --stats' qsbr_backlog_max, looked at
     * every 64th deferral, reads 192 once 200 more wait. */
    static void *more[200];
    for (int i = 0; i < 200; i++)
        more[i] = tw_mem_alloc(128);
    for (int i = 0; i < 200; i++)
        tw_mem_free_delayed(more[i], 128);
    quiesce_self();
    CHECK_EQ_INT(pending(), 201);
    CHECK_EQ_INT(tw_test_live_blocks(), before + 201);
    CHECK_EQ_INT(__atomic_load_n(&tw_nogil_gstats.qsbr_backlog_max, __ATOMIC_RELAXED), 192);
    __atomic_store_n(&g_step, 2, __ATOMIC_RELEASE);
    CHECK(tw_test_spin_until(&g_step, 3, 10.0));
    quiesce_self();
    CHECK_EQ_INT(pending(), 0);
    CHECK_EQ_INT(tw_test_live_blocks(), before);

    /* The reader is now detached (offline): it cannot hold an optimistic
     * pointer, so a delayed free waits for nobody but the caller's next
     * quiescent point; after TW_QSBR_ALONE_AFTER of them, this thread is
     * in alone mode and frees at once. */
    tw_test_spin_until(&g_step, 3, 10.0);
    double t0 = tw_test_now();
    while (__atomic_load_n(&tw_qsbr_online_count, __ATOMIC_ACQUIRE) > 1 &&
           tw_test_now() - t0 < 10.0)
        sched_yield();
    CHECK(!tw_nogil_thread()->qsbr_alone);
    for (int i = 0; i < TW_QSBR_ALONE_AFTER; i++) {
        p = tw_mem_alloc(128);
        tw_mem_free_delayed(p, 128);
        CHECK(pending() <= 1);
        quiesce_self();
        CHECK_EQ_INT(pending(), 0);
    }
    CHECK_EQ_INT(tw_test_live_blocks(), before);
    p = tw_mem_alloc(128);
    tw_mem_free_delayed(p, 128);
    CHECK_EQ_INT(pending(), 0);
    CHECK_EQ_INT(tw_test_live_blocks(), before);
    CHECK(tw_nogil_thread()->qsbr_alone);
    CHECK_EQ_INT(__atomic_load_n(&tw_qsbr_alone_count, __ATOMIC_ACQUIRE), 1);
    __atomic_store_n(&g_step, 4, __ATOMIC_RELEASE);
    CHECK(tw_test_wait_alone(10.0));
}

/* ---------------- objects read optimistically ------------------------ */

#define MAGIC_LIVE 0x11FE11FEu
#define MAGIC_DEAD 0xDEADDEADu

typedef struct {
    TwObject ob_base;
    uint32_t magic;
    int value;
} Item;

static int g_item_deallocs, g_item_allocs;

static void item_dealloc(TwObject *op)
{
    Item *it = (Item *)op;
    __atomic_store_n(&it->magic, MAGIC_DEAD, __ATOMIC_RELAXED);
    __atomic_fetch_add(&g_item_deallocs, 1, __ATOMIC_RELAXED);
    tw_object_free(op, sizeof(Item));
}

static TwTypeObject ItemType = {
    .ob_base = TW_OBJECT_HEAD_INIT(&ItemType),
    .tp_name = "item",
    .tp_basicsize = sizeof(Item),
    .tp_dealloc = item_dealloc,
};

static TwObject *item_new(int v)
{
    Item *it = (Item *)tw_object_alloc(&ItemType, sizeof(Item));
    __atomic_store_n(&it->magic, MAGIC_LIVE, __ATOMIC_RELAXED);
    it->value = v;
    __atomic_fetch_add(&g_item_allocs, 1, __ATOMIC_RELAXED);
    return (TwObject *)it;
}

/* An item for a slot that readers load without a lock: published first,
 * as every container does (tw_object_publish). */
static TwObject *slot_item_new(int v)
{
    TwObject *op = item_new(v);
    tw_object_publish(op);
    return op;
}

static void test_objects_freed_with_other_threads_live_wait(void)
{
    g_step = 0;
    uint64_t ident;
    TwTestJob job = { lagging_reader, NULL, 0 };
    CHECK(tw_thread_spawn(tw_test_job_main, &job, &ident) == 0);
    CHECK(tw_test_spin_until(&g_step, 1, 10.0));
    uint64_t before = tw_test_live_blocks();
    /* Never published: no optimistic reader can have it, freed at once. */
    TwObject *op = item_new(1);
    tw_decref(op);
    CHECK_EQ_INT(pending(), 0);
    CHECK_EQ_INT(tw_test_live_blocks(), before);
    /* Published (it could have sat in a list): deallocated, but its
     * memory is not reusable yet. */
    op = item_new(2);
    tw_object_publish(op);
    tw_decref(op);
    CHECK_EQ_INT(pending(), 1);
    CHECK_EQ_INT(tw_test_live_blocks(), before + 1);
    __atomic_store_n(&g_step, 2, __ATOMIC_RELEASE);
    CHECK(tw_test_spin_until(&g_step, 3, 10.0));
    /* The reader passed a quiescent state before our first poll gave the
     * free its goal; it frees once the reader is offline (detached). */
    double t0 = tw_test_now();
    while (__atomic_load_n(&tw_qsbr_online_count, __ATOMIC_ACQUIRE) > 1 &&
           tw_test_now() - t0 < 10.0)
        sched_yield();
    quiesce_self();
    CHECK_EQ_INT(tw_test_live_blocks(), before);
    __atomic_store_n(&g_step, 4, __ATOMIC_RELEASE);
    CHECK(tw_test_wait_alone(10.0));
}

/* A tiny lock-free "list": an array pointer published with release stores;
 * each array carries its size.  The writer replaces items and sometimes the
 * whole array, freeing old arrays with tw_mem_free_delayed. */
typedef struct {
    size_t n;
    TwObject *items[];
} Arr;

#define N_ITEMS 32
#define N_READERS 3
static Arr *g_arr;
static int g_stop, g_readers_started;
static long g_reads_ok, g_reads_retry, g_bad;

static Arr *arr_new(int base)
{
    Arr *a = tw_mem_alloc(sizeof(Arr) + N_ITEMS * sizeof(TwObject *));
    a->n = N_ITEMS;
    for (int i = 0; i < N_ITEMS; i++)
        a->items[i] = slot_item_new(base + i);
    return a;
}

static void reader_or_writer(int idx, void *p)
{
    unsigned seed = (unsigned)idx * 2654435761u + 7;
    if (idx == 0) {                                  /* the writer */
        tw_test_spin_until(&g_readers_started, N_READERS, 10.0);
        for (int round = 0; round < 20000; round++) {
            Arr *a = tw_atomic_load_ptr(&g_arr);
            seed = seed * 1103515245u + 12345u;
            if (round % 500 == 499) {
                /* Replace the whole array: a fresh one, old items dropped. */
                Arr *b = arr_new(round);
                tw_atomic_store_ptr(&g_arr, b);
                for (size_t i = 0; i < a->n; i++)
                    tw_decref(a->items[i]);
                tw_mem_free_delayed(a, sizeof(Arr) + N_ITEMS * sizeof(TwObject *));
            } else {
                size_t i = (seed >> 8) % N_ITEMS;
                TwObject *old = a->items[i];
                tw_atomic_store_ptr(&a->items[i], slot_item_new(round));
                tw_decref(old);
            }
            if (round % 64 == 0)
                tw_eval_breaker_handle(tw_tstate());
        }
        __atomic_store_n(&g_stop, 1, __ATOMIC_RELEASE);
        return;
    }
    long ok = 0, retry = 0, bad = 0;
    int k = 0;
    __atomic_fetch_add(&g_readers_started, 1, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&g_stop, __ATOMIC_ACQUIRE)) {
        Arr *a = tw_atomic_load_ptr(&g_arr);
        seed = seed * 1103515245u + 12345u;
        size_t i = (seed >> 8) % a->n;
        TwObject *op = tw_try_incref_item(&a->items[i]);
        if (op) {
            if (__atomic_load_n(&((Item *)op)->magic, __ATOMIC_RELAXED) != MAGIC_LIVE)
                bad++;
            ok++;
            tw_decref(op);
        } else {
            retry++;
        }
        if (++k % 128 == 0)
            tw_eval_breaker_handle(tw_tstate());     /* quiescent point */
    }
    __atomic_fetch_add(&g_reads_ok, ok, __ATOMIC_RELAXED);
    __atomic_fetch_add(&g_reads_retry, retry, __ATOMIC_RELAXED);
    __atomic_fetch_add(&g_bad, bad, __ATOMIC_RELAXED);
}

static void test_optimistic_readers_never_see_freed_items(void)
{
    g_item_allocs = g_item_deallocs = 0;
    g_stop = g_readers_started = 0;
    g_reads_ok = g_reads_retry = g_bad = 0;
    g_arr = arr_new(0);
    CHECK(tw_test_run_threads(1 + N_READERS, reader_or_writer, NULL));
    CHECK_EQ_INT(g_bad, 0);
    CHECK(g_reads_ok > 0);
    for (size_t i = 0; i < g_arr->n; i++)
        tw_decref(g_arr->items[i]);
    tw_mem_free(g_arr, sizeof(Arr) + N_ITEMS * sizeof(TwObject *));
    quiesce_self();
    CHECK_EQ_INT(g_item_deallocs, g_item_allocs);
    CHECK_EQ_INT(pending(), 0);
}

int main(void)
{
    static const TwTestCase cases[] = {
        TW_CASE(test_delayed_free_is_immediate_when_alone),
        TW_CASE(test_delayed_free_waits_for_every_attached_thread),
        TW_CASE(test_objects_freed_with_other_threads_live_wait),
        TW_CASE(test_optimistic_readers_never_see_freed_items),
    };
    TwTestOptions opts = { .setup = tw_test_setup, .live_blocks = tw_test_live_blocks };
    return tw_test_run(cases, TW_NCASES(cases), &opts);
}

#else
int main(void)
{
    printf("test_nogil_qsbr: the nogil runtime is not built; nothing to test\n");
    return 0;
}
#endif
