/*
 * gil.c — the global interpreter lock, the eval breaker and blocking
 * sections ("new GIL" of CPython 3.2+).
 *
 * State, all guarded by g_gil.mutex unless said otherwise:
 *   locked         the GIL is held
 *   holder         the thread holding it (NULL when free)
 *   last_holder    the last thread that took it (also read without the
 *                  mutex by a forced-switch dropper: atomic access)
 *   switch_number  incremented whenever the GIL passes to a thread other
 *                  than last_holder
 *
 * Taking (tw_gil_take):
 *   while the GIL is held, wait on `cond` for one switch interval.  If the
 *   wait timed out, the GIL is still held and switch_number did not move
 *   while we waited, set TW_EB_GIL_DROP_REQUEST in the holder's eval
 *   breaker.  Once free: take it, update last_holder/switch_number, clear our
 *   own (stale) drop request, then, if the GIL changed hands and a forced
 *   dropper waits, signal `switch_cond` so that it can go on.
 *
 * Dropping (tw_gil_drop):
 *   release, signal one waiter.  If a drop request was pending (the holder
 *   is dropping because it was asked to) the dropper waits on `switch_cond`
 *   until last_holder is no longer itself: forced switching, so a CPU-bound
 *   holder cannot take the GIL straight back before the waiter wakes up.
 *   A forced dropper announces itself in switch_waiters, so that a taker
 *   only touches switch_mutex/switch_cond when somebody waits there.
 *
 * Invariants:
 *   - Only the holder touches objects.
 *   - A drop request is only ever set on the current holder, under the
 *     mutex; a thread clears its own request when it takes the GIL, so a
 *     stale request never causes a forced wait.
 *   - When a forced dropper waits, the thread that asked is blocked in
 *     tw_gil_take and the GIL is free, so some thread other than the dropper
 *     takes it and ends the wait: no deadlock.
 *   - The eval breaker is checked only at backward jumps and calls
 *     (interpreter), so switches happen at CPython's points only.
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "gil_internal.h"

static struct {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    pthread_mutex_t switch_mutex;
    pthread_cond_t switch_cond;
    bool locked;
    TwGilThread *holder;
    TwGilThread *last_holder;
    uint64_t switch_number;
    int switch_waiters;         /* forced droppers waiting (atomic)      */
    /* counters (relaxed atomics): forced_switches counts drops made because
     * of a drop request; forced_switch_waits those where the dropper had to
     * wait because no other thread had taken the GIL yet */
    uint64_t acquisitions;
    uint64_t drop_requests;
    uint64_t forced_switches;
    uint64_t forced_switch_waits;
} g_gil = {
    .mutex = PTHREAD_MUTEX_INITIALIZER,
    .switch_mutex = PTHREAD_MUTEX_INITIALIZER,
};

/* Switch interval in microseconds (sys.setswitchinterval). */
static uint64_t g_interval_us = 5000;

/* Condition variables wait on CLOCK_MONOTONIC so a wall-clock change
 * cannot stretch an interval.  Run once, by whichever thread attaches
 * first (tw_gil_init may be called from every attach). */
static pthread_once_t g_gil_once = PTHREAD_ONCE_INIT;

static void gil_init_once(void)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&g_gil.cond, &ca);
    pthread_cond_init(&g_gil.switch_cond, &ca);
    pthread_condattr_destroy(&ca);
}

void tw_gil_init(void)
{
    pthread_once(&g_gil_once, gil_init_once);
}

void tw_thread_flush_queued(void)
{
    /* every decrement is done where it is made */
}

/* The caller holds the GIL: no other thread runs until it lets go, which
 * it does only at an eval-breaker check or a blocking call. */
bool tw_runtime_stop_world(void)
{
    return false;
}

void tw_runtime_start_world(void)
{
}

/* Stored in whole microseconds, truncated, as CPython does: an interval
 * under 1 us reads back as 0.0, and waiters then use 1 us
 * (interval_us_for_wait). */
void tw_set_switch_interval(double seconds)
{
    double us = seconds * 1e6;
    if (us < 0)
        us = 0;
    if (us > 1e12)
        us = 1e12;
    __atomic_store_n(&g_interval_us, (uint64_t)us, __ATOMIC_RELAXED);
}

static uint64_t interval_us_for_wait(void)
{
    uint64_t us = __atomic_load_n(&g_interval_us, __ATOMIC_RELAXED);
    return us >= 1 ? us : 1;
}

double tw_get_switch_interval(void)
{
    return (double)__atomic_load_n(&g_interval_us, __ATOMIC_RELAXED) / 1e6;
}

void tw_eval_breaker_set(TwThreadState *ts, uint32_t bits)
{
    __atomic_fetch_or(&ts->eval_breaker, bits, __ATOMIC_RELAXED);
}

void tw_eval_breaker_clear(TwThreadState *ts, uint32_t bits)
{
    __atomic_fetch_and(&ts->eval_breaker, ~bits, __ATOMIC_RELAXED);
}

static void deadline_after_us(struct timespec *out, uint64_t us)
{
    clock_gettime(CLOCK_MONOTONIC, out);
    uint64_t ns = (uint64_t)out->tv_nsec + us * 1000u;
    out->tv_sec += (time_t)(ns / 1000000000u);
    out->tv_nsec = (long)(ns % 1000000000u);
}

void tw_gil_take(TwGilThread *t)
{
    uint64_t t0 = tw_monotonic_ns();
    bool waited = false;
    pthread_mutex_lock(&g_gil.mutex);
    while (g_gil.locked) {
        waited = true;
        uint64_t saved_switch = g_gil.switch_number;
        struct timespec dl;
        deadline_after_us(&dl, interval_us_for_wait());
        int rc = pthread_cond_timedwait(&g_gil.cond, &g_gil.mutex, &dl);
        if (rc == ETIMEDOUT && g_gil.locked && g_gil.switch_number == saved_switch) {
            tw_eval_breaker_set(&g_gil.holder->base, TW_EB_GIL_DROP_REQUEST);
            __atomic_fetch_add(&g_gil.drop_requests, 1, __ATOMIC_RELAXED);
        }
    }
    g_gil.locked = true;
    g_gil.holder = t;
    bool switched = false;
    if (__atomic_load_n(&g_gil.last_holder, __ATOMIC_RELAXED) != t) {
        __atomic_store_n(&g_gil.last_holder, t, __ATOMIC_SEQ_CST);
        __atomic_fetch_add(&g_gil.switch_number, 1, __ATOMIC_RELAXED);
        switched = true;
    }
    tw_eval_breaker_clear(&t->base, TW_EB_GIL_DROP_REQUEST);
    __atomic_fetch_add(&g_gil.acquisitions, 1, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&g_gil.mutex);

    /* Wake a forced dropper that waits for a successor.  The seq_cst store
     * of last_holder above and the load of switch_waiters here pair with
     * the dropper's increment and its load of last_holder: either we see
     * the dropper counted, or it sees that the GIL has moved on. */
    if (switched && __atomic_load_n(&g_gil.switch_waiters, __ATOMIC_SEQ_CST) > 0) {
        pthread_mutex_lock(&g_gil.switch_mutex);
        pthread_cond_broadcast(&g_gil.switch_cond);
        pthread_mutex_unlock(&g_gil.switch_mutex);
    }

    uint64_t t1 = tw_monotonic_ns();
    t->holds_gil = true;
    t->gil_acquisitions++;
    t->gil_wait_ns += t1 - t0;
    t->run_begin_ns = t1;
    if (waited && tw_trace_enabled())
        tw_trace_record(t, TW_TRACE_GIL_WAIT, t0, t1, 0);
}

void tw_gil_drop(TwGilThread *t, bool forced_ok)
{
    if (tw_trace_enabled())
        tw_trace_record(t, TW_TRACE_RUNNING, t->run_begin_ns, tw_monotonic_ns(), 0);
    t->holds_gil = false;

    pthread_mutex_lock(&g_gil.mutex);
    g_gil.locked = false;
    g_gil.holder = NULL;
    pthread_cond_signal(&g_gil.cond);
    pthread_mutex_unlock(&g_gil.mutex);

    if (forced_ok &&
        (__atomic_load_n(&t->base.eval_breaker, __ATOMIC_RELAXED) & TW_EB_GIL_DROP_REQUEST)) {
        tw_eval_breaker_clear(&t->base, TW_EB_GIL_DROP_REQUEST);
        __atomic_fetch_add(&g_gil.forced_switches, 1, __ATOMIC_RELAXED);
        pthread_mutex_lock(&g_gil.switch_mutex);
        __atomic_fetch_add(&g_gil.switch_waiters, 1, __ATOMIC_SEQ_CST);
        if (__atomic_load_n(&g_gil.last_holder, __ATOMIC_SEQ_CST) == t) {
            __atomic_fetch_add(&g_gil.forced_switch_waits, 1, __ATOMIC_RELAXED);
            while (__atomic_load_n(&g_gil.last_holder, __ATOMIC_SEQ_CST) == t)
                pthread_cond_wait(&g_gil.switch_cond, &g_gil.switch_mutex);
        }
        __atomic_fetch_sub(&g_gil.switch_waiters, 1, __ATOMIC_SEQ_CST);
        pthread_mutex_unlock(&g_gil.switch_mutex);
    }
}

void tw_begin_blocking(void)
{
    TwGilThread *t = tw_gil_thread(tw_tstate());
    tw_gil_drop(t, false);
}

void tw_end_blocking(void)
{
    TwGilThread *t = tw_gil_thread(tw_tstate());
    tw_gil_take(t);
}

/* The slow path of the eval-breaker check.  Each request bit is handled
 * and cleared; bits this runtime never uses are cleared so a stray one
 * cannot make the interpreter call here forever. */
int tw_eval_breaker_handle(TwThreadState *ts)
{
    TwGilThread *t = tw_gil_thread(ts);
    uint32_t bits = __atomic_load_n(&ts->eval_breaker, __ATOMIC_RELAXED);
    if (bits & TW_EB_GIL_DROP_REQUEST) {
        tw_gil_drop(t, true);
        tw_gil_take(t);
    }
    if (bits & TW_EB_GC_SCHEDULED) {
        tw_eval_breaker_clear(ts, TW_EB_GC_SCHEDULED);
        tw_gc_run_scheduled();
    }
    uint32_t unused = TW_EB_STOP_THE_WORLD | TW_EB_MERGE_REFCOUNTS | TW_EB_QUIESCENT |
                      TW_EB_PENDING_CALLS;
    if (bits & unused)
        tw_eval_breaker_clear(ts, unused);
    return 0;
}

void tw_gil_counters(uint64_t *acquisitions, uint64_t *drop_requests,
                     uint64_t *forced_switches, uint64_t *forced_switch_waits,
                     uint64_t *switches)
{
    *forced_switch_waits = __atomic_load_n(&g_gil.forced_switch_waits, __ATOMIC_RELAXED);
    *acquisitions = __atomic_load_n(&g_gil.acquisitions, __ATOMIC_RELAXED);
    *drop_requests = __atomic_load_n(&g_gil.drop_requests, __ATOMIC_RELAXED);
    *forced_switches = __atomic_load_n(&g_gil.forced_switches, __ATOMIC_RELAXED);
    *switches = __atomic_load_n(&g_gil.switch_number, __ATOMIC_RELAXED);
}
