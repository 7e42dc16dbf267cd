/*
 * stop_the_world.c — pause every other thread (for the cycle collector, bias
 * revocation, deferred-count conversion, and a class's slot updates).
 *
 * Protocol (one stop at a time, serialised by stw_lock, which a requester
 * waits for while detached):
 *   1. the requester, attached, takes the thread-list lock (so no thread is
 *      created or unlinked during the stop) and sets stw_requested;
 *   2. for every other thread: DETACHED -> SUSPENDED by CAS (it cannot
 *      attach until restarted); ATTACHED -> set TW_EB_STOP_THE_WORLD in its
 *      eval breaker;
 *   3. an attached thread that sees the bit moves itself ATTACHED ->
 *      SUSPENDED, bumps tw_stw_event (a futex word) and waits (spins, then
 *      sleeps) on its status word; a thread that detaches meanwhile also
 *      bumps the event;
 *   4. the requester re-scans on every event (and every 1 ms) until no
 *      other thread is ATTACHED (spinning before each sleep, see below);
 *   5. restart: SUSPENDED -> DETACHED for every other thread, wake each,
 *      clear stale stop bits, drop the locks.  Woken threads re-attach.
 * Fairness: a woken thread needs a CPU to re-attach; a requester that
 * stops the world again at once (a thread calling gc.collect() in a loop,
 * with more threads than cores) would suspend it again before it ran, and
 * could do so indefinitely (seen: a stress test's workers stalled for 50 s
 * behind 100,000 back-to-back collections).  So the restart counts the
 * threads it wakes that were waiting to run (parked by the stop, or
 * waiting in tw_nogil_attach) in stw_unresumed, each marked resume_owed;
 * each pays its debt when it attaches (tw_stw_resumed); and a stop that
 * finds debts open first lets those threads run: it detaches and yields
 * until they have all attached, for at most TW_STW_FAIR_NS.
 * Invariants:
 *   - while stw_requested is set no other thread is ATTACHED once step 4
 *     ends, so the requester may read every object and every thread's
 *     private structures (BRC queues, GC registries) without locks;
 *   - nothing blocks forever while the world is stopped: suspended threads
 *     wait only for the restart, and a requester never waits for a lock an
 *     attached thread holds (all runtime locks that attached threads may
 *     sleep on are taken detached, see tstate.c and critical_section.c);
 *   - no wake-up is lost though wakers skip the futex call when nobody
 *     sleeps: a thread counts itself in status_sleepers (the requester in
 *     tw_stw_event_sleepers) before it sleeps on the word, and the waker
 *     changes the word before it reads the count, both sequentially
 *     consistent (parking_lot.c, tw_futex_wait_counted).  A lost one would
 *     leave a thread asleep for good (or a requester for its 1 ms
 *     timeout): stress.gc_race (collections while 2 to 32 threads
 *     allocate cycles), stress.thread_churn and the thread suites would
 *     hang and fail on their timeouts.
 * Each pause (step 1 to step 5) is measured for --stats and traced.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <sched.h>
#include <unistd.h>

#include "twinpy/nogil_internal.h"

/* Spinning.  A young collection stops the world for some tens of
 * microseconds (30-90 us on a 2-core machine), about what a futex sleep
 * and wake-up cost, or more: under virtualisation, waking a sleeping core
 * goes through the hypervisor.  So both sides spin (pause instructions, the
 * thread keeping its core) before they sleep: while every online thread
 * (attached or parked, tw_qsbr_online_count) can have a core of its own,
 * for up to TW_STW_SPIN_NS; with more threads than cores, a spinner would
 * hold a core that a thread the requester waits for, or the collector
 * itself, could use, so only TW_STW_REQUEST_SPIN / TW_STW_PARK_SPIN pauses.
 * cycles at 2 threads on 2 cores: 0.38 -> 0.29 s against the short spins
 * alone (a parked thread slept through most collections). */
#define TW_STW_REQUEST_SPIN 256
#define TW_STW_PARK_SPIN 512
#define TW_STW_SPIN_NS 200000

uint32_t tw_nogil_online_cpus(void)
{
    static uint32_t n;
    uint32_t v = __atomic_load_n(&n, __ATOMIC_RELAXED);
    if (v == 0) {
        cpu_set_t set;
        long c = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set)
                                                             : sysconf(_SC_NPROCESSORS_ONLN);
        v = c > 0 ? (uint32_t)c : 1;
        __atomic_store_n(&n, v, __ATOMIC_RELAXED);
    }
    return v;
}

bool tw_nogil_threads_outnumber_cpus(void)
{
    return __atomic_load_n(&tw_qsbr_online_count, __ATOMIC_RELAXED) > tw_nogil_online_cpus();
}

/* Spin while *word reads val: `pauses` pause instructions, then, when each
 * online thread can have a core, on until TW_STW_SPIN_NS have passed.
 * True when the word changed.  helper: a thread parked for a stop, which
 * meanwhile helps with a collection's parallel phases (gc_stw.c,
 * tw_gc_help_stopped; `phase` is its count of phases seen); a phase it
 * helped with starts its spin budget again. */
static bool spin_while(const uint32_t *word, uint32_t val, int pauses, TwNogilThread *helper,
                       uint64_t *phase)
{
    for (int i = 0; i < pauses; i++) {
        if (__atomic_load_n(word, __ATOMIC_SEQ_CST) != val)
            return true;
        if (helper && tw_gc_help_stopped(helper, phase))
            i = 0;
        tw_cpu_relax();
    }
    if (tw_nogil_threads_outnumber_cpus())
        return false;
    uint64_t deadline = tw_monotonic_ns() + TW_STW_SPIN_NS;
    do {
        for (int i = 0; i < 64; i++) {
            if (__atomic_load_n(word, __ATOMIC_SEQ_CST) != val)
                return true;
            if (helper && tw_gc_help_stopped(helper, phase))
                deadline = tw_monotonic_ns() + TW_STW_SPIN_NS;
            tw_cpu_relax();
        }
    } while (tw_monotonic_ns() < deadline);
    return false;
}

bool tw_nogil_spin_while(const uint32_t *word, uint32_t val, int pauses)
{
    return spin_while(word, val, pauses, NULL, NULL);
}

uint32_t tw_stw_event;
uint32_t tw_stw_event_sleepers;    /* the requester, asleep on the event */
static uint32_t stw_requested;
static pthread_mutex_t stw_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t stw_start_ns;
static TwNogilThread *stw_owner;   /* the requester, while stopped */
/* Threads woken by the last restarts that have not attached since
 * (their resume_owed is set); see Fairness above. */
static uint32_t stw_unresumed;
#define TW_STW_FAIR_NS 1000000

void tw_nogil_threads_lock_raw(void);   /* tstate.c */

bool tw_stw_requested(void)
{
    return __atomic_load_n(&stw_requested, __ATOMIC_SEQ_CST) != 0;
}

bool tw_stw_is_mine(void)
{
    TwNogilThread *me = tw_nogil_thread();
    return me && __atomic_load_n(&stw_owner, __ATOMIC_RELAXED) == me;
}

void tw_stw_resumed(TwNogilThread *t)
{
    /* every attach comes here: plain loads unless it waited */
    if (__atomic_load_n(&t->waits_to_attach, __ATOMIC_RELAXED))
        __atomic_store_n(&t->waits_to_attach, false, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&t->resume_owed, __ATOMIC_RELAXED)
        && __atomic_exchange_n(&t->resume_owed, false, __ATOMIC_SEQ_CST))
        __atomic_fetch_sub(&stw_unresumed, 1, __ATOMIC_SEQ_CST);
}

/* Let the threads the last restarts woke attach before stopping them
 * again (bounded: a thread the scheduler keeps off its CPU for longer is
 * stopped anyway; a yield can take a time slice, so the bound is checked
 * only as often as the caller runs). */
static __attribute__((noinline)) void let_woken_threads_run(TwNogilThread *me)
{
    if (me)
        tw_nogil_detach(me);
    uint64_t deadline = tw_monotonic_ns() + TW_STW_FAIR_NS;
    while (__atomic_load_n(&stw_unresumed, __ATOMIC_SEQ_CST) != 0 && tw_monotonic_ns() < deadline)
        sched_yield();
    if (me)
        tw_nogil_attach(me);
}

void tw_stw_let_woken_run(void)
{
    if (__atomic_load_n(&stw_unresumed, __ATOMIC_SEQ_CST) != 0)
        let_woken_threads_run(tw_nogil_thread());
}

void tw_stw_stop(void)
{
    TwNogilThread *me = tw_nogil_thread();
    if (__atomic_load_n(&stw_unresumed, __ATOMIC_SEQ_CST) != 0)
        let_woken_threads_run(me);
    if (pthread_mutex_trylock(&stw_lock) != 0) {
        if (me)
            tw_nogil_detach(me);
        pthread_mutex_lock(&stw_lock);
        if (me)
            tw_nogil_attach(me);
    }
    stw_start_ns = tw_monotonic_ns();
    tw_nogil_threads_lock_attached();
    __atomic_store_n(&stw_owner, me, __ATOMIC_RELAXED);
    __atomic_store_n(&stw_requested, 1, __ATOMIC_SEQ_CST);
    for (;;) {
        uint32_t ev = __atomic_load_n(&tw_stw_event, __ATOMIC_SEQ_CST);
        int pending = 0;
        for (TwNogilThread *t = tw_nogil_threads_first(); t; t = tw_nogil_threads_next(t)) {
            if (t == me)
                continue;
            uint32_t s = __atomic_load_n(&t->status, __ATOMIC_SEQ_CST);
            while (s == TW_TS_DETACHED &&
                   !__atomic_compare_exchange_n(&t->status, &s, TW_TS_SUSPENDED, false,
                                                __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
                ;
            if (s == TW_TS_ATTACHED) {
                tw_eval_breaker_set(&t->base, TW_EB_STOP_THE_WORLD);
                pending++;
            }
        }
        if (!pending) {
            uint64_t wait = tw_monotonic_ns() - stw_start_ns;
            __atomic_fetch_add(&tw_nogil_gstats.stw_wait_total_ns, wait, __ATOMIC_RELAXED);
            tw_stat_max(&tw_nogil_gstats.stw_wait_max_ns, wait);
            break;
        }
        if (!spin_while(&tw_stw_event, ev, TW_STW_REQUEST_SPIN, NULL, NULL))
            tw_futex_wait_counted(&tw_stw_event, ev, 1000000, &tw_stw_event_sleepers);
    }
}

void tw_stw_start(void)
{
    TwNogilThread *me = tw_nogil_thread();
    for (TwNogilThread *t = tw_nogil_threads_first(); t; t = tw_nogil_threads_next(t)) {
        if (t == me)
            continue;
        tw_eval_breaker_clear(&t->base, TW_EB_STOP_THE_WORLD);
        /* read before the restart: once DETACHED the thread may attach
         * and clear them */
        bool waiting = __atomic_load_n(&t->parked, __ATOMIC_SEQ_CST)
                    || __atomic_load_n(&t->waits_to_attach, __ATOMIC_SEQ_CST);
        if (waiting && !__atomic_load_n(&t->resume_owed, __ATOMIC_SEQ_CST)) {
            __atomic_fetch_add(&stw_unresumed, 1, __ATOMIC_SEQ_CST);
            __atomic_store_n(&t->resume_owed, true, __ATOMIC_SEQ_CST);
        }
        uint32_t s = TW_TS_SUSPENDED;
        if (__atomic_compare_exchange_n(&t->status, &s, TW_TS_DETACHED, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            tw_futex_wake_counted(&t->status, INT_MAX, &t->status_sleepers);
    }
    __atomic_store_n(&stw_requested, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&stw_owner, NULL, __ATOMIC_RELAXED);
    uint64_t end = tw_monotonic_ns();
    uint64_t pause = end - stw_start_ns;
    __atomic_fetch_add(&tw_nogil_gstats.stw_count, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&tw_nogil_gstats.stw_total_ns, pause, __ATOMIC_RELAXED);
    tw_stat_max(&tw_nogil_gstats.stw_max_ns, pause);
    if (tw_trace_enabled())
        tw_trace_complete("stop_the_world", me ? me->base.ident : 0, stw_start_ns, end);
    tw_runtime_threads_unlock();
    pthread_mutex_unlock(&stw_lock);
}

/* The seam's stop for shared code (twinpy/runtime.h): a thread outside
 * the runtime only runs before any other starts. */
bool tw_runtime_stop_world(void)
{
    if (!tw_nogil_thread() || tw_stw_is_mine())
        return false;
    tw_stw_stop();
    return true;
}

void tw_runtime_start_world(void)
{
    tw_stw_start();
}

void tw_stw_park_self(TwNogilThread *t)
{
    uint32_t s = TW_TS_ATTACHED;
    tw_qsbr_quiescent(t);
    if (!__atomic_compare_exchange_n(&t->status, &s, TW_TS_SUSPENDED, false, __ATOMIC_SEQ_CST,
                                     __ATOMIC_SEQ_CST))
        return;
    uint64_t start = tw_monotonic_ns();
    __atomic_store_n(&t->parked, true, __ATOMIC_RELAXED);
    uint64_t phase = tw_gc_phase_seq();
    __atomic_fetch_add(&tw_stw_event, 1, __ATOMIC_SEQ_CST);
    tw_futex_wake_counted(&tw_stw_event, INT_MAX, &tw_stw_event_sleepers);
    spin_while(&t->status, TW_TS_SUSPENDED, TW_STW_PARK_SPIN, t, &phase);
    while (__atomic_load_n(&t->status, __ATOMIC_SEQ_CST) == TW_TS_SUSPENDED)
        tw_futex_wait_counted(&t->status, TW_TS_SUSPENDED, -1, &t->status_sleepers);
    tw_nogil_attach(t);
    __atomic_store_n(&t->parked, false, __ATOMIC_RELAXED);
    if (t->gc_handoff_len)
        tw_gc_free_handoff(t);
    if (tw_trace_enabled())
        tw_trace_complete("stopped", t->base.ident, start, tw_monotonic_ns());
}
