/*
 * kernels_nogil.c — the micro kernels only the nogil runtime has (compiled
 * into twin_micro of the nogil build only; kernels_gil.c is its
 * counterpart).  They reach into the runtime's internal header because the
 * per-object mutex and stop-the-world are not part of the seam.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>

#include "kernels.h"
#include "twinpy/runtime.h"
#include "twinpy/nogil_internal.h"

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The one-byte object mutex, on its own cache line as it would share one
 * with its object's header. */
void *twb_mutex_new(void) { return calloc(1, 64); }
void twb_mutex_free(void *m) { free(m); }

int64_t twb_mutex_lock_unlock(void *m, int64_t iters)
{
    uint8_t *mu = m;
    for (int64_t i = 0; i < iters; i++) {
        tw_mutex_lock(mu);
        __asm__ volatile("" ::: "memory");
        tw_mutex_unlock(mu);
    }
    return iters;
}

double twb_gil_handoff(int64_t rounds) { (void)rounds; return -1; }

/*
 * Stop-the-world latency: the time from a request to every other attached
 * thread being parked.  The helpers run attached and test the eval breaker
 * in a tight loop, as the interpreter does at backward jumps; after each
 * restart the requester waits until every helper has run again (seen the
 * new round), so each stop finds them all attached.
 */
typedef struct {
    int64_t round;
    int stop;
    int64_t *seen;
    int started;
} Stw;

typedef struct {
    Stw *s;
    int index;
} StwHelper;

static void *stw_helper(void *p)
{
    StwHelper *me = p;
    Stw *s = me->s;
    TwThreadState *ts = tw_thread_attach_current();
    __atomic_fetch_add(&s->started, 1, __ATOMIC_SEQ_CST);
    while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
        if (tw_eval_breaker_pending(ts))
            tw_eval_breaker_handle(ts);
        __atomic_store_n(&s->seen[me->index], __atomic_load_n(&s->round, __ATOMIC_ACQUIRE),
                         __ATOMIC_RELEASE);
    }
    tw_thread_detach_current();
    return NULL;
}

/* Called attached.  Returns the mean ns from request to world stopped. */
double twb_stop_the_world(int helpers, int64_t rounds)
{
    Stw s = { .seen = calloc((size_t)helpers, sizeof(int64_t)) };
    pthread_t *th = calloc((size_t)helpers, sizeof(pthread_t));
    StwHelper *hs = calloc((size_t)helpers, sizeof(StwHelper));
    tw_begin_blocking();
    for (int i = 0; i < helpers; i++) {
        hs[i] = (StwHelper){ &s, i };
        pthread_create(&th[i], NULL, stw_helper, &hs[i]);
    }
    while (__atomic_load_n(&s.started, __ATOMIC_SEQ_CST) != helpers)
        sched_yield();
    tw_end_blocking();
    uint64_t total = 0;
    for (int64_t r = 1; r <= rounds; r++) {
        __atomic_store_n(&s.round, r, __ATOMIC_RELEASE);
        for (int i = 0; i < helpers; i++)
            while (__atomic_load_n(&s.seen[i], __ATOMIC_ACQUIRE) != r)
                sched_yield();
        uint64_t t0 = now_ns();
        tw_stw_stop();
        total += now_ns() - t0;
        tw_stw_start();
    }
    __atomic_store_n(&s.stop, 1, __ATOMIC_RELEASE);
    tw_begin_blocking();
    for (int i = 0; i < helpers; i++)
        pthread_join(th[i], NULL);
    tw_end_blocking();
    free(hs);
    free(th);
    free(s.seen);
    return (double)total / (double)rounds;
}
