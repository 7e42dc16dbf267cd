/*
 * mutex.c — the one-byte lock every object carries (ob_mutex), and that the
 * runtime uses for its own small structures.
 *
 * The byte holds two bits:
 *   TW_MUTEX_LOCKED  someone owns the lock
 *   TW_MUTEX_PARKED  at least one thread may be parked on this address
 * Protocol:
 *   lock:   CAS 0 -> LOCKED (inline fast path).  Contended: spin a little
 *           (the holder usually leaves within a few hundred cycles), then
 *           set PARKED and park on the byte's address, validating under
 *           the parking-lot bucket lock that the byte is still
 *           LOCKED|PARKED.  A woken waiter either was handed the lock or
 *           competes for it again.  The spin never calls sched_yield:
 *           Linux's scheduler (EEVDF) moves a yielding thread's virtual
 *           deadline a time slice later on every yield (five threads on
 *           one CPU: one that yields after each microsecond of work got
 *           0.04% of the CPU time of each of the others, one that yields
 *           every 100 us 4%), so with more threads than cores a thread
 *           that often meets a taken lock (a writer among many readers)
 *           starves: tests/stress/snapshots.py at 32 threads on two
 *           cores, whose one writer does the work the run waits for, took
 *           a median 1.80 s with a yield every 8 spins and 0.14 s without
 *           (11 interleaved runs).  A thread that would give its core to a
 *           preempted holder parks instead, which costs no place.
 *   unlock: CAS LOCKED -> 0 (inline).  If PARKED is set: unpark one waiter;
 *           the decision runs under the bucket lock.  A waiter that has
 *           waited over 1 ms is handed the lock directly (the byte stays
 *           LOCKED), at most once a millisecond per parking-lot bucket
 *           (TwUnparkInfo.be_fair): no starvation by threads that keep
 *           re-taking it.  Otherwise the byte becomes 0 or PARKED (more
 *           waiters) and the woken thread races for it, which keeps
 *           throughput high.  A hand-off on every release once waiters
 *           have waited 1 ms (with more threads than cores, always) made
 *           a convoy: the lock went to a thread that was not running and
 *           stayed idle until the scheduler ran it.
 * Invariants:
 *   - PARKED is only set while LOCKED is set, and only cleared by an
 *     unlocker under the bucket lock after it looked at the queue;
 *   - while the byte is LOCKED|PARKED only its owner changes it.
 * Waiting here does not detach the thread: callers that may wait long
 * (critical sections) detach first; the runtime's own short sections do not.
 */
#include <stdlib.h>

#include "twinpy/nogil_internal.h"

#define TW_MUTEX_SPINS 40

static bool validate_parked(const void *addr, void *arg)
{
    (void)arg;
    return __atomic_load_n((const uint8_t *)addr, __ATOMIC_RELAXED) ==
           (TW_MUTEX_LOCKED | TW_MUTEX_PARKED);
}

void tw_mutex_lock_slow(uint8_t *m)
{
    TwNogilThread *t = tw_nogil_thread();
    if (t)
        t->stats.mutex_slow++;
    int spins = 0;
    uint64_t since = 0;               /* first park: the wait's start */
    uint8_t v = __atomic_load_n(m, __ATOMIC_RELAXED);
    for (;;) {
        if (!(v & TW_MUTEX_LOCKED)) {
            if (__atomic_compare_exchange_n(m, &v, v | TW_MUTEX_LOCKED, false,
                                            __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
                return;
            continue;
        }
        if (!(v & TW_MUTEX_PARKED) && spins < TW_MUTEX_SPINS) {
            spins++;
            tw_cpu_relax();
            v = __atomic_load_n(m, __ATOMIC_RELAXED);
            continue;
        }
        if (!(v & TW_MUTEX_PARKED)) {
            if (!__atomic_compare_exchange_n(m, &v, v | TW_MUTEX_PARKED, false,
                                             __ATOMIC_RELAXED, __ATOMIC_RELAXED))
                continue;
        }
        if (t)
            t->stats.mutex_parked++;
        if (since == 0)
            since = tw_monotonic_ns();
        uintptr_t value = 0;
        if (tw_park(m, validate_parked, NULL, since, &value) && value == TW_MUTEX_HANDOFF) {
            /* The unlocker left LOCKED set for us; the waiter word's
             * release/acquire orders its critical section before ours. */
            if (t)
                t->stats.mutex_handoff++;
            return;
        }
        spins = 0;
        v = __atomic_load_n(m, __ATOMIC_RELAXED);
    }
}

static uintptr_t unlock_decide(void *arg, const TwUnparkInfo *info)
{
    uint8_t *m = arg;
    if (info->found && info->be_fair) {
        uint8_t v = TW_MUTEX_LOCKED | (info->more_waiters ? TW_MUTEX_PARKED : 0);
        __atomic_store_n(m, v, __ATOMIC_RELEASE);
        return TW_MUTEX_HANDOFF;
    }
    __atomic_store_n(m, info->more_waiters ? TW_MUTEX_PARKED : 0, __ATOMIC_RELEASE);
    return 0;
}

void tw_mutex_unlock_slow(uint8_t *m)
{
    uint8_t v = __atomic_load_n(m, __ATOMIC_RELAXED);
    for (;;) {
        if (!(v & TW_MUTEX_LOCKED)) {
            fprintf(stderr, "twinpy: fatal: unlocking an unlocked mutex %p\n", (void *)m);
            abort();
        }
        if (v & TW_MUTEX_PARKED)
            break;
        if (__atomic_compare_exchange_n(m, &v, 0, false, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
            return;
    }
    tw_unpark_one(m, unlock_decide, m);
}
