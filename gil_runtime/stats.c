/*
 * stats.c — the counters `twinpy --stats` prints, one `name value` line
 * each, names shared with the nogil runtime where the thing exists in both.
 *
 *   runtime                 gil
 *   gil_acquisitions        times any thread took the GIL
 *   gil_drop_requests       waiters that timed out and asked the holder to drop
 *   gil_forced_switches     drops made because a waiter asked (drop request)
 *   gil_forced_switch_waits of those, drops where the holder then had to wait
 *                           for the waiter to take the GIL
 *   gil_switches            times the GIL passed to a different thread
 *   gil_wait_ms             total time threads spent waiting for the GIL
 *   gil_wait_ms.thread<N>   the same per thread (N: 0 = main, in start order)
 *   thread_lock_spun        _thread lock acquisitions (Lock, RLock, and so
 *                           Condition, Queue...) that found the lock held and
 *                           took it by spinning (nogil only: under the GIL the
 *                           holder cannot run while one spins)
 *   thread_lock_slept       ... that slept until it was released (or timed out)
 *   thread_lock_wait_ms     the time those sleeps took
 *   gc_runs, gc_runs.gen<G> collections, all and per generation
 *   gc_collected            unreachable objects found
 *   gc_pause_ms_total, gc_pause_ms_max
 *   gc_finalizers           finalizers (__del__) run, by deallocs and collections
 *   mem_live_blocks, mem_live_bytes   what is still allocated
 *
 * Protocol: each thread keeps its own GIL counters (owner-written); a thread
 * that exits copies them into the retired table under g_retired_mutex
 * before its state is freed.  The dump reads live threads under the thread
 * list lock: exact when the others are quiet (at exit), approximate
 * otherwise.
 */
#include <pthread.h>
#include <stdlib.h>

#include "gil_internal.h"

#define MAX_RETIRED 4096

typedef struct {
    uint32_t serial;
    uint64_t acquisitions;
    uint64_t wait_ns;
} TwThreadRecord;

static pthread_mutex_t g_retired_mutex = PTHREAD_MUTEX_INITIALIZER;
static TwThreadRecord g_retired[MAX_RETIRED];
static size_t g_retired_len;
static uint64_t g_retired_overflow_wait_ns;   /* threads past the table  */

void tw_stats_retire_thread(TwGilThread *t)
{
    pthread_mutex_lock(&g_retired_mutex);
    if (g_retired_len < MAX_RETIRED)
        g_retired[g_retired_len++] = (TwThreadRecord){ t->serial, t->gil_acquisitions, t->gil_wait_ns };
    else
        g_retired_overflow_wait_ns += t->gil_wait_ns;
    pthread_mutex_unlock(&g_retired_mutex);
}

static double ms(uint64_t ns) { return (double)ns / 1e6; }

/* Insertion into a small array sorted by serial, so lines come out in
 * thread start order. */
static void sort_records(TwThreadRecord *r, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        TwThreadRecord x = r[i];
        size_t j = i;
        while (j > 0 && r[j - 1].serial > x.serial) {
            r[j] = r[j - 1];
            j--;
        }
        r[j] = x;
    }
}

void tw_stats_dump(FILE *out)
{
    uint64_t acq, drops, forced, forced_waits, switches;
    tw_gil_counters(&acq, &drops, &forced, &forced_waits, &switches);

    size_t cap = MAX_RETIRED + 256, n = 0;
    TwThreadRecord *recs = malloc(cap * sizeof *recs);
    uint64_t wait_total = 0;
    pthread_mutex_lock(&g_retired_mutex);
    for (size_t i = 0; i < g_retired_len && recs; i++)
        recs[n++] = g_retired[i];
    wait_total += g_retired_overflow_wait_ns;
    pthread_mutex_unlock(&g_retired_mutex);
    tw_runtime_threads_lock();
    for (TwThreadState *ts = tw_runtime_threads_head(); ts; ts = ts->next_all) {
        TwGilThread *t = tw_gil_thread(ts);
        TwThreadRecord r = { t->serial, __atomic_load_n(&t->gil_acquisitions, __ATOMIC_RELAXED),
                             __atomic_load_n(&t->gil_wait_ns, __ATOMIC_RELAXED) };
        if (recs && n < cap)
            recs[n++] = r;
        else
            wait_total += r.wait_ns;
    }
    tw_runtime_threads_unlock();
    for (size_t i = 0; i < n; i++)
        wait_total += recs[i].wait_ns;

    fprintf(out, "runtime gil\n");
    fprintf(out, "gil_acquisitions %llu\n", (unsigned long long)acq);
    fprintf(out, "gil_drop_requests %llu\n", (unsigned long long)drops);
    fprintf(out, "gil_forced_switches %llu\n", (unsigned long long)forced);
    fprintf(out, "gil_forced_switch_waits %llu\n", (unsigned long long)forced_waits);
    fprintf(out, "gil_switches %llu\n", (unsigned long long)switches);
    fprintf(out, "gil_wait_ms %.3f\n", ms(wait_total));
    if (recs) {
        sort_records(recs, n);
        for (size_t i = 0; i < n; i++)
            fprintf(out, "gil_wait_ms.thread%u %.3f\n", recs[i].serial, ms(recs[i].wait_ns));
    }
    free(recs);

    tw_thread_lock_stats_dump(out);

    uint64_t runs[3], collected, pause_total, pause_max;
    tw_gc_counters(runs, &collected, &pause_total, &pause_max);
    fprintf(out, "gc_runs %llu\n", (unsigned long long)(runs[0] + runs[1] + runs[2]));
    for (int g = 0; g < 3; g++)
        fprintf(out, "gc_runs.gen%d %llu\n", g, (unsigned long long)runs[g]);
    fprintf(out, "gc_collected %llu\n", (unsigned long long)collected);
    fprintf(out, "gc_pause_ms_total %.3f\n", ms(pause_total));
    fprintf(out, "gc_pause_ms_max %.3f\n", ms(pause_max));
    fprintf(out, "gc_finalizers %llu\n", (unsigned long long)tw_gc_finalizers_run());

    uint64_t blocks, bytes;
    tw_mem_stats(&blocks, &bytes);
    fprintf(out, "mem_live_blocks %llu\n", (unsigned long long)blocks);
    fprintf(out, "mem_live_bytes %llu\n", (unsigned long long)bytes);
    fflush(out);
}
