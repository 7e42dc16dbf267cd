/*
 * test_nogil_util.h — helpers for the free-threaded runtime's unit tests:
 * run N runtime threads (tw_thread_spawn) and wait until every one of them
 * has fully exited, counting test types, and a bounded spin-wait.
 *
 * The tests look inside the runtime (nogil_internal.h).  In the GIL build
 * that header does not exist: each test file then compiles to a program
 * that says it does not apply and exits 0.
 */
#ifndef TEST_NOGIL_UTIL_H
#define TEST_NOGIL_UTIL_H

#if __has_include("twinpy/nogil_internal.h")
#define TW_TEST_NOGIL 1

#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "tw_test.h"
#include "twinpy/nogil_internal.h"
#include "twinpy/object.h"

typedef struct {
    void (*fn)(int idx, void *arg);
    void *arg;
    int idx;
} TwTestJob;

static void tw_test_job_main(void *p)
{
    TwTestJob *j = p;
    j->fn(j->idx, j->arg);
}

static double tw_test_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Wait (detached, so stops and grace periods proceed) until only the
 * calling thread is live: every spawned thread has run its exit path. */
static bool tw_test_wait_alone(double timeout_s)
{
    double t0 = tw_test_now();
    bool ok = true;
    tw_begin_blocking();
    while (__atomic_load_n(&tw_nogil_live_threads, __ATOMIC_ACQUIRE) > 1) {
        if (tw_test_now() - t0 > timeout_s) {
            ok = false;
            break;
        }
        usleep(200);
    }
    tw_end_blocking();
    /* Whatever they queued to us and whatever waits for a grace period. */
    tw_eval_breaker_handle(tw_tstate());
    tw_eval_breaker_handle(tw_tstate());
    return ok;
}

/* Run fn(0..n-1, arg) on n runtime threads and wait for all to exit. */
static bool tw_test_run_threads(int n, void (*fn)(int, void *), void *arg)
{
    TwTestJob *jobs = calloc((size_t)n, sizeof *jobs);
    for (int i = 0; i < n; i++) {
        jobs[i] = (TwTestJob){ fn, arg, i };
        uint64_t ident;
        if (tw_thread_spawn(tw_test_job_main, &jobs[i], &ident) != 0) {
            free(jobs);
            return false;
        }
    }
    bool ok = tw_test_wait_alone(30.0);
    free(jobs);
    return ok;
}

/* Spin until *flag >= want, reporting quiescent states if attached (as
 * the interpreter's eval-breaker checks would).  False on timeout. */
static bool tw_test_spin_until(int *flag, int want, double timeout_s)
{
    double t0 = tw_test_now();
    TwThreadState *ts = tw_tstate();
    while (__atomic_load_n(flag, __ATOMIC_ACQUIRE) < want) {
        if (ts && tw_eval_breaker_pending(ts))
            tw_eval_breaker_handle(ts);
        if (tw_test_now() - t0 > timeout_s)
            return false;
        sched_yield();
    }
    return true;
}

/* Let other threads run for `seconds` without an eval-breaker check: the
 * caller keeps what it holds (sections, locks), and a stop-the-world
 * waits for it meanwhile. */
static inline void tw_test_yield_for(double seconds)
{
    double t0 = tw_test_now();
    while (tw_test_now() - t0 < seconds)
        sched_yield();
}

static uint64_t tw_test_live_blocks(void)
{
    uint64_t n;
    tw_mem_stats(&n, NULL);
    return n;
}

static void tw_test_setup(void) { tw_runtime_init(); }

#else
#include <stdio.h>
#define TW_TEST_NOGIL 0
#endif

#endif /* TEST_NOGIL_UTIL_H */
