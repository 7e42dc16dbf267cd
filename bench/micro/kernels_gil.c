/*
 * kernels_gil.c — the micro kernels only the gil runtime has (compiled into
 * twin_micro of the gil build only; kernels_nogil.c is its counterpart).
 * Each entry point of the other runtime's file returns a negative value
 * here, which micro.cc reports as "no equivalent in this runtime".
 */
#include <pthread.h>
#include <sched.h>
#include <time.h>

#include "kernels.h"
#include "twinpy/runtime.h"

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void spin_ns(uint64_t ns)
{
    uint64_t end = now_ns() + ns;
    while (now_ns() < end)
        __asm__ volatile("pause" ::: "memory");
}

/* The GIL has no per-object mutex to time. */
void *twb_mutex_new(void) { return NULL; }
void twb_mutex_free(void *m) { (void)m; }
int64_t twb_mutex_lock_unlock(void *m, int64_t iters) { (void)m; (void)iters; return -1; }
double twb_stop_the_world(int helpers, int64_t rounds) { (void)helpers; (void)rounds; return -1; }

/*
 * GIL hand-off latency: the time from the holder dropping the GIL to a
 * thread that was asleep waiting for it running.  Two threads ping-pong;
 * in round i the waiter announces i and blocks in tw_end_blocking, the
 * holder sees the announcement, lets the waiter get to sleep (50 us),
 * stamps the time and drops; the waiter, now holding the GIL, reads the
 * clock.  The holder then waits (detached) until the waiter confirms it
 * took the GIL, so it cannot take it straight back, and becomes the next
 * round's waiter.
 */
typedef struct {
    int64_t rounds;
    int64_t announce;          /* round whose waiter is about to block   */
    int64_t acquired;          /* round whose waiter holds the GIL       */
    uint64_t release_ns;       /* when the round's holder dropped        */
    uint64_t latency_ns[2];    /* summed by each side as waiter          */
    int ready;                 /* the partner is attached, then detached */
    int go;                    /* the caller holds the GIL: round 0 on   */
} Handoff;

static void handoff_play(Handoff *h, int me)
{
    for (int64_t i = 0; i < h->rounds; i++) {
        if ((i & 1) == me) {   /* holder: attached on entry */
            while (__atomic_load_n(&h->announce, __ATOMIC_ACQUIRE) != i)
                sched_yield();
            spin_ns(50000);
            __atomic_store_n(&h->release_ns, now_ns(), __ATOMIC_RELEASE);
            tw_begin_blocking();
            while (__atomic_load_n(&h->acquired, __ATOMIC_ACQUIRE) != i)
                sched_yield();
        } else {               /* waiter: detached on entry */
            __atomic_store_n(&h->announce, i, __ATOMIC_RELEASE);
            tw_end_blocking();
            h->latency_ns[me] += now_ns() - __atomic_load_n(&h->release_ns, __ATOMIC_ACQUIRE);
            __atomic_store_n(&h->acquired, i, __ATOMIC_RELEASE);
        }
    }
}

static void *handoff_partner(void *p)
{
    Handoff *h = p;
    tw_thread_attach_current();
    tw_begin_blocking();       /* round 0's waiter starts detached */
    __atomic_store_n(&h->ready, 1, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&h->go, __ATOMIC_ACQUIRE))
        sched_yield();
    handoff_play(h, 1);
    tw_end_blocking();         /* the last round left it detached */
    tw_thread_detach_current();
    return NULL;
}

/* Called attached.  Returns the mean hand-off latency in ns. */
double twb_gil_handoff(int64_t rounds)
{
    Handoff h = { .rounds = rounds & ~(int64_t)1, .announce = -1, .acquired = -1 };
    if (h.rounds < 2)
        h.rounds = 2;
    pthread_t t;
    tw_begin_blocking();
    pthread_create(&t, NULL, handoff_partner, &h);
    /* Not attached while the partner attaches: it needs the GIL to do so. */
    while (!__atomic_load_n(&h.ready, __ATOMIC_ACQUIRE))
        sched_yield();
    tw_end_blocking();
    __atomic_store_n(&h.go, 1, __ATOMIC_RELEASE);
    handoff_play(&h, 0);       /* an even number of rounds: ends attached */
    tw_begin_blocking();
    pthread_join(t, NULL);
    tw_end_blocking();
    return (double)(h.latency_ns[0] + h.latency_ns[1]) / (double)h.rounds;
}
