/*
 * test_gil_protocol.c — the GIL's hand-over protocol, checked structurally
 * (gil build only; links the runtime's private gil_internal.h):
 *   - a waiter does not ask the holder to drop before one switch interval
 *     has passed (interval 10 s: no request may appear within 200 ms);
 *   - after the interval it does (drop request in the holder's eval
 *     breaker, counted), and the holder dropping at its check waits until
 *     the waiter has taken the GIL (forced switching): when the holder's
 *     eval-breaker handler returns, the waiter has run;
 *   - switch_number moves when the GIL changes hands; a thread's GIL wait
 *     is accounted to it.
 * No timing bound is asserted except "nothing within 200 ms of a 10 s
 * interval" and generous deadlines that only a hang would reach.
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "tw_test.h"
#include "twinpy/object.h"
#include "gil_internal.h"

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

typedef struct {
    int started;      /* set before the thread asks for the GIL (by spawn) */
    int ran;          /* set once it holds the GIL                          */
    uint64_t wait_ns; /* its accounted GIL wait when it ran                 */
} Waiter;

/* Runs once the spawned thread holds the GIL. */
static void waiter_main(void *arg)
{
    Waiter *w = arg;
    w->wait_ns = tw_gil_thread(tw_tstate())->gil_wait_ns;
    __atomic_store_n(&w->ran, 1, __ATOMIC_RELEASE);
}

static bool drop_requested(TwThreadState *ts)
{
    return (__atomic_load_n(&ts->eval_breaker, __ATOMIC_RELAXED) & TW_EB_GIL_DROP_REQUEST) != 0;
}

static void counters(uint64_t *drops, uint64_t *forced, uint64_t *switches)
{
    uint64_t acq, waits;
    tw_gil_counters(&acq, drops, forced, &waits, switches);
}

/* Let the spawned thread finish (it needs the GIL to detach). */
static void let_it_finish(Waiter *w)
{
    uint64_t deadline = now_ns() + 20 * 1000000000ull;
    tw_begin_blocking();
    while (!__atomic_load_n(&w->ran, __ATOMIC_ACQUIRE) && now_ns() < deadline)
        usleep(1000);
    usleep(20000);    /* and detach */
    tw_end_blocking();
}

static void test_no_drop_request_within_the_interval(void)
{
    double saved = tw_get_switch_interval();
    tw_set_switch_interval(10.0);
    TwThreadState *ts = tw_tstate();
    Waiter w = { 0 };
    CHECK_EQ_INT(tw_thread_spawn(waiter_main, &w, NULL), 0);
    /* Hold the GIL, spinning like a CPU-bound thread that never gets to an
     * eval-breaker check, for 200 ms: far less than the interval. */
    uint64_t end = now_ns() + 200 * 1000000ull;
    bool requested = false;
    while (now_ns() < end)
        requested = requested || drop_requested(ts);
    CHECK(!requested);
    CHECK(!__atomic_load_n(&w.ran, __ATOMIC_ACQUIRE));
    let_it_finish(&w);
    CHECK(__atomic_load_n(&w.ran, __ATOMIC_ACQUIRE));
    tw_set_switch_interval(saved);
}

static void test_drop_request_and_forced_switch(void)
{
    double saved = tw_get_switch_interval();
    tw_set_switch_interval(0.005);
    TwThreadState *ts = tw_tstate();
    uint64_t drops0, forced0, switches0;
    counters(&drops0, &forced0, &switches0);
    for (int round = 0; round < 5; round++) {
        Waiter w = { 0 };
        CHECK_EQ_INT(tw_thread_spawn(waiter_main, &w, NULL), 0);
        /* spin until the waiter asks (a hang would mean it never does) */
        uint64_t deadline = now_ns() + 20 * 1000000000ull;
        while (!drop_requested(ts) && now_ns() < deadline)
            ;
        CHECK(drop_requested(ts));
        CHECK(!__atomic_load_n(&w.ran, __ATOMIC_ACQUIRE));
        /* the check a CPU-bound thread makes at a backward jump */
        CHECK_EQ_INT(tw_eval_breaker_handle(ts), 0);
        /* forced switching: we got the GIL back only after the waiter
         * took it, so it has run; our own request is cleared */
        CHECK(__atomic_load_n(&w.ran, __ATOMIC_ACQUIRE));
        CHECK(!drop_requested(ts));
        /* its wait was accounted to it: at least most of one interval */
        CHECK(w.wait_ns >= 4000000u);
        let_it_finish(&w);
    }
    uint64_t drops, forced, switches;
    counters(&drops, &forced, &switches);
    CHECK(drops >= drops0 + 5);
    CHECK(forced >= forced0 + 5);
    CHECK(switches >= switches0 + 10);   /* there and back, each round */
    tw_set_switch_interval(saved);
}

/* A thread that drops the GIL to block is not forced to wait for a
 * successor: nobody may be waiting, and it must not stall. */
static void test_blocking_drop_does_not_wait_for_a_taker(void)
{
    uint64_t forced0, drops0, switches0;
    counters(&drops0, &forced0, &switches0);
    uint64_t t0 = now_ns();
    for (int i = 0; i < 1000; i++) {
        tw_begin_blocking();
        tw_end_blocking();
    }
    uint64_t forced, drops, switches;
    counters(&drops, &forced, &switches);
    CHECK_EQ_INT(forced, forced0);
    CHECK_EQ_INT(switches, switches0);   /* nobody else took it */
    CHECK(now_ns() - t0 < 5 * 1000000000ull);
}

static void setup(void) { tw_runtime_init(); }

int main(void)
{
    static const TwTestCase cases[] = {
        TW_CASE(test_no_drop_request_within_the_interval),
        TW_CASE(test_drop_request_and_forced_switch),
        TW_CASE(test_blocking_drop_does_not_wait_for_a_taker),
    };
    TwTestOptions opts = { .setup = setup };
    return tw_test_run(cases, TW_NCASES(cases), &opts);
}
