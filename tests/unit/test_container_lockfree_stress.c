/*
 * test_container_lockfree_stress.c — the lock-free read protocols of
 * list.c and dict.c under real concurrency (nogil), and their behaviour
 * under the GIL: writers append/replace/delete while readers index,
 * iterate and look up without locks.
 *
 * Promises checked:
 *   - list.append from many threads keeps every item (size and sum);
 *   - a reader of list[i] or of an iterator only ever sees items that were
 *     put in the list (never NULL, never a freed or foreign object);
 *   - insert and pop anywhere in a list other threads read move its items
 *     without losing, doubling or tearing one (every length and alignment
 *     of a move, both directions);
 *   - dict lookups racing with inserts, replacements, deletes and resizes
 *     return either "missing" or a value that was stored under that key;
 *   - iterating a dict that another thread mutates either works or raises
 *     RuntimeError, never crashes.
 */
#include <unistd.h>

#include "container_helpers.h"

#define WRITERS 2
#define READERS 2
#define ITEMS 20000

static TwObject *g_list, *g_dict;

/* What the interpreter does at every backward jump: lets the GIL change
 * hands, and in nogil reports quiescent states and honours stop-the-world
 * requests. */
static void checkpoint(void)
{
    TwThreadState *ts = tw_tstate();
    if (tw_eval_breaker_pending(ts) && tw_eval_breaker_handle(ts) < 0)
        tw_err_clear();
}
static int g_done_writers, g_done_readers;
static int g_bad_reads;

/* Values stored in the list are writer*ITEMS + i: all in [0, WRITERS*ITEMS). */
static void list_writer(void *arg)
{
    long w = (long)arg;
    for (int i = 0; i < ITEMS; i++) {
        TwObject *v = I(w * ITEMS + i);
        tw_list_append(g_list, v);
        TW_DECREF(v);
        checkpoint();
    }
    __atomic_fetch_add(&g_done_writers, 1, __ATOMIC_SEQ_CST);
}

static bool plausible_item(TwObject *v)
{
    return v != NULL && TW_INT_CHECK_EXACT(v) && TW_INT_VALUE(v) >= 0 && TW_INT_VALUE(v) < WRITERS * ITEMS;
}

/* Iterate over at most `most` items of g_list: how many fail ok(). */
static int iterate_checking(int most, bool (*ok)(TwObject *))
{
    int bad = 0;
    TwObject *it = tw_object_iter(g_list), *x;
    for (int k = 0; k < most && (x = tw_iter_next(it)) != NULL; k++) {
        if (!ok(x))
            bad++;
        TW_DECREF(x);
    }
    TW_DECREF(it);
    return bad;
}

static void list_reader(void *arg)
{
    int bad = 0;
    unsigned seed = (unsigned)(uintptr_t)arg;
    while (__atomic_load_n(&g_done_writers, __ATOMIC_SEQ_CST) < WRITERS) {
        TwSsize n = TW_LIST_SIZE(g_list);
        if (n > 0) {
            seed = seed * 1103515245u + 12345u;
            TwObject *v = tw_list_get(g_list, (TwSsize)(seed % (unsigned)n));
            if (!plausible_item(v))
                bad++;
            TW_XDECREF(v);
        }
        bad += iterate_checking(50, plausible_item);
        checkpoint();
    }
    __atomic_fetch_add(&g_bad_reads, bad, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&g_done_readers, 1, __ATOMIC_SEQ_CST);
}

/* Keys 0..999 map to key*1000 + generation: a reader checks value/1000 == key. */
static void dict_writer(void *arg)
{
    long w = (long)arg;
    for (int i = 0; i < ITEMS; i++) {
        int64_t key = (i * 7 + w) % 1000;
        TwObject *k = I(key), *v = I(key * 1000 + i % 1000);
        if (i % 5 == 4) {
            if (tw_dict_del(g_dict, k) < 0)
                tw_err_clear();
        } else {
            tw_dict_set(g_dict, k, v);
        }
        TW_DECREF(k);
        TW_DECREF(v);
        checkpoint();
    }
    __atomic_fetch_add(&g_done_writers, 1, __ATOMIC_SEQ_CST);
}

static void dict_reader(void *arg)
{
    int bad = 0;
    int64_t key = (long)arg;
    while (__atomic_load_n(&g_done_writers, __ATOMIC_SEQ_CST) < WRITERS) {
        key = (key + 13) % 1000;
        TwObject *k = I(key), *v = NULL;
        int r = tw_dict_get_ref(g_dict, k, &v);
        if (r < 0 || (r == 1 && (!v || !TW_INT_CHECK_EXACT(v) || TW_INT_VALUE(v) / 1000 != key)))
            bad++;
        TW_XDECREF(v);
        TW_DECREF(k);
        TwObject *it = tw_object_iter(g_dict), *x;
        for (int n = 0; n < 20 && (x = tw_iter_next(it)) != NULL; n++) {
            if (!TW_INT_CHECK_EXACT(x))
                bad++;
            TW_DECREF(x);
        }
        if (tw_err_occurred()) {
            if (!tw_err_matches(TwExc_RuntimeError))
                bad++;
            tw_err_clear();
        }
        TW_DECREF(it);
        checkpoint();
    }
    __atomic_fetch_add(&g_bad_reads, bad, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&g_done_readers, 1, __ATOMIC_SEQ_CST);
}

/* One writer moves the items of a list the readers read: insert and pop
 * at places drawn at random, the length wandering over 0..MOVE_MAX so
 * that moves of every length start at either alignment, both ways.  The
 * values are 0, 1, 2, ... in order of insertion; the writer keeps the
 * same operations on a plain array, and checks each popped value. */
#define MOVE_ROUNDS 40000
#define MOVE_MAX 80
static int64_t g_move_model[MOVE_MAX];
static TwSsize g_move_len;
static int g_move_bad, g_readers_in;

static void move_writer(void *arg)
{
    (void)arg;
    /* start once every reader has read the list: in the nogil build that
     * made it shared, so that its items move as a shared list's do */
    while (__atomic_load_n(&g_readers_in, __ATOMIC_SEQ_CST) < READERS) {
        checkpoint();
        usleep(100);
    }
    unsigned seed = 12345;
    int64_t next = 0;
    TwSsize n = 0;
    for (int round = 0; round < MOVE_ROUNDS; round++) {
        seed = seed * 1103515245u + 12345u;
        unsigned r = seed >> 8;
        if (n == 0 || (n < MOVE_MAX && (r & 1))) {
            TwSsize at = (TwSsize)((r >> 1) % (unsigned)(n + 1));
            TwObject *v = I(next), *where = I(at);
            CHECK_OK(callm(g_list, "insert", 2, where, v));
            TW_DECREF(v);
            TW_DECREF(where);
            memmove(&g_move_model[at + 1], &g_move_model[at], (size_t)(n - at) * sizeof g_move_model[0]);
            g_move_model[at] = next++;
            n++;
        } else {
            TwSsize at = (TwSsize)((r >> 1) % (unsigned)n);
            TwObject *v = tw_list_pop(g_list, at);
            if (ival(v) != g_move_model[at])
                g_move_bad++;
            TW_XDECREF(v);
            memmove(&g_move_model[at], &g_move_model[at + 1], (size_t)(n - at - 1) * sizeof g_move_model[0]);
            n--;
        }
        checkpoint();
    }
    g_move_len = n;
    __atomic_fetch_add(&g_done_writers, 1, __ATOMIC_SEQ_CST);
}

/* An item the move writer inserted: an int below MOVE_ROUNDS. */
static bool moved_item(TwObject *v)
{
    return TW_INT_CHECK_EXACT(v) && TW_INT_VALUE(v) >= 0 && TW_INT_VALUE(v) < MOVE_ROUNDS;
}

/* Every item read is one the writer inserted. */
static void move_reader(void *arg)
{
    int bad = 0;
    unsigned seed = (unsigned)(uintptr_t)arg;
    bool in = false;
    while (__atomic_load_n(&g_done_writers, __ATOMIC_SEQ_CST) < 1) {
        TwSsize n = TW_LIST_SIZE(g_list);
        seed = seed * 1103515245u + 12345u;
        TwObject *v = tw_list_get(g_list, n > 0 ? (TwSsize)(seed % (unsigned)n) : 0);
        if (v != NULL && !moved_item(v))
            bad++;
        if (v == NULL)
            tw_err_clear();   /* emptied meanwhile: IndexError */
        TW_XDECREF(v);
        if (!in) {
            in = true;
            __atomic_fetch_add(&g_readers_in, 1, __ATOMIC_SEQ_CST);
        }
        bad += iterate_checking(30, moved_item);
        checkpoint();
    }
    __atomic_fetch_add(&g_bad_reads, bad, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&g_done_readers, 1, __ATOMIC_SEQ_CST);
}

static void run_threads_n(void (*writer)(void *), int writers, void (*reader)(void *))
{
    g_done_writers = g_done_readers = g_bad_reads = 0;
    uint64_t id;
    for (long r = 0; r < READERS; r++)
        CHECK(tw_thread_spawn(reader, (void *)(r + 1), &id) == 0);
    for (long w = 0; w < writers; w++)
        CHECK(tw_thread_spawn(writer, (void *)w, &id) == 0);
    /* wait with the GIL released / detached, so the others can run */
    tw_begin_blocking();
    while (__atomic_load_n(&g_done_writers, __ATOMIC_SEQ_CST) < writers ||
           __atomic_load_n(&g_done_readers, __ATOMIC_SEQ_CST) < READERS)
        usleep(1000);
    tw_end_blocking();
}

static void run_threads(void (*writer)(void *), void (*reader)(void *))
{
    run_threads_n(writer, WRITERS, reader);
}

static void test_list_append_from_many_threads_keeps_every_item_and_reads_stay_valid(void)
{
    g_list = tw_list_new(0);
    run_threads(list_writer, list_reader);
    CHECK_EQ_INT(TW_LIST_SIZE(g_list), WRITERS * ITEMS);
    int64_t sum = 0;
    for (TwSsize i = 0; i < TW_LIST_SIZE(g_list); i++) {
        TwObject *v = tw_list_get(g_list, i);
        sum += ival(v);
        TW_XDECREF(v);
    }
    int64_t n = (int64_t)WRITERS * ITEMS;
    CHECK_EQ_INT(sum, n * (n - 1) / 2);
    CHECK_EQ_INT(g_bad_reads, 0);
    TW_DECREF(g_list);
}

static void test_dict_lookups_racing_with_writers_see_only_stored_values(void)
{
    g_dict = tw_dict_new();
    run_threads(dict_writer, dict_reader);
    CHECK_EQ_INT(g_bad_reads, 0);
    TwSsize pos = 0;
    TwObject *k, *v;
    int bad = 0, count = 0;
    while (tw_dict_next(g_dict, &pos, &k, &v)) {
        count++;
        if (TW_INT_VALUE(v) / 1000 != TW_INT_VALUE(k))
            bad++;
    }
    CHECK_EQ_INT(bad, 0);
    CHECK_EQ_INT(count, tw_dict_size(g_dict));
    CHECK(count > 0 && count <= 1000);
    TW_DECREF(g_dict);
}

static void test_list_insert_and_pop_under_readers_move_every_item_whole(void)
{
    g_list = tw_list_new(0);
    g_move_bad = g_readers_in = 0;
    run_threads_n(move_writer, 1, move_reader);
    if (!tw_runtime_gil_enabled())
        CHECK(!tw_object_is_private(g_list));   /* the moves were a shared list's */
    CHECK_EQ_INT(g_move_bad, 0);
    CHECK_EQ_INT(g_bad_reads, 0);
    CHECK_EQ_INT(TW_LIST_SIZE(g_list), g_move_len);
    int wrong = 0;
    for (TwSsize i = 0; i < TW_LIST_SIZE(g_list); i++) {
        TwObject *v = tw_list_get(g_list, i);
        if (ival(v) != g_move_model[i])
            wrong++;
        TW_XDECREF(v);
    }
    CHECK_EQ_INT(wrong, 0);
    TW_DECREF(g_list);
}

static const TwTestCase cases[] = {
    TW_CASE(test_list_append_from_many_threads_keeps_every_item_and_reads_stay_valid),
    TW_CASE(test_dict_lookups_racing_with_writers_see_only_stored_values),
    TW_CASE(test_list_insert_and_pop_under_readers_move_every_item_whole),
};

int main(void)
{
    TwTestOptions opts = {containers_setup_runtime, NULL};
    return tw_test_run(cases, TW_NCASES(cases), &opts);
}
