/*
 * stats.c — counters for `twinpy --stats` and the Chrome trace for
 * `twinpy --trace`.
 *
 * Counters: each thread writes its own TwNogilStats with plain stores (no
 * atomics, no shared cache lines); a dump sums the live threads' counters
 * under the thread-list lock plus the totals of exited threads (folded in
 * atomically at exit).  Nothing is counted on the incref/decref fast
 * paths: BRC numbers are slow-path events.  Process-wide events (stops,
 * collections) are rare and use atomics.
 *
 * Trace: JSON trace-event format ("X" complete events, microseconds),
 * written as events happen under a mutex that exists only while tracing.
 */
#include <stdlib.h>
#include <string.h>

#include "twinpy/nogil_internal.h"

TwNogilGlobalStats tw_nogil_gstats;
static TwNogilStats retired;

void tw_stat_max(uint64_t *slot, uint64_t v)
{
    uint64_t cur = __atomic_load_n(slot, __ATOMIC_RELAXED);
    while (cur < v &&
           !__atomic_compare_exchange_n(slot, &cur, v, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        ;
}

void tw_stats_retire_thread(TwNogilThread *t)
{
    if (t->cs) {                      /* t is the caller: its own TLS */
        t->stats.mutex_fast += t->cs->fast;
        t->stats.cs_elided += t->cs->elided;
        __atomic_store_n(&t->cs->fast, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&t->cs->elided, 0, __ATOMIC_RELAXED);
    }
#define TW_X(f) __atomic_fetch_add(&retired.f, t->stats.f, __ATOMIC_RELAXED);
    TW_NOGIL_STATS_FIELDS(TW_X)
#undef TW_X
    memset(&t->stats, 0, sizeof t->stats);
}

void tw_stats_dump(FILE *out)
{
    TwNogilStats sum;
#define TW_X(f) sum.f = __atomic_load_n(&retired.f, __ATOMIC_RELAXED);
    TW_NOGIL_STATS_FIELDS(TW_X)
#undef TW_X
    tw_runtime_threads_lock();
    for (TwNogilThread *t = tw_nogil_threads_first(); t; t = tw_nogil_threads_next(t)) {
#define TW_X(f) sum.f += __atomic_load_n(&t->stats.f, __ATOMIC_RELAXED);
        TW_NOGIL_STATS_FIELDS(TW_X)
#undef TW_X
        TwCsThread *cst = __atomic_load_n(&t->cs, __ATOMIC_ACQUIRE);
        if (cst) {
            sum.mutex_fast += __atomic_load_n(&cst->fast, __ATOMIC_RELAXED);
            sum.cs_elided += __atomic_load_n(&cst->elided, __ATOMIC_RELAXED);
        }
    }
    tw_runtime_threads_unlock();
    uint64_t live_blocks = 0, live_bytes = 0;
    tw_mem_stats(&live_blocks, &live_bytes);
    TwNogilGlobalStats *g = &tw_nogil_gstats;
#define G(f) (unsigned long long)__atomic_load_n(&g->f, __ATOMIC_RELAXED)
    fprintf(out, "runtime nogil\n");
    fprintf(out, "gil_enabled 0\n");
    fprintf(out, "threads_started %llu\n", G(threads_started));
    fprintf(out, "brc_shared_decrefs %llu\n", (unsigned long long)sum.brc_shared_decref);
    fprintf(out, "brc_local_zero %llu\n", (unsigned long long)sum.brc_local_zero);
    fprintf(out, "brc_queued %llu\n", (unsigned long long)sum.brc_queued);
    fprintf(out, "brc_batches_sent %llu\n", (unsigned long long)sum.brc_sent);
    fprintf(out, "brc_merged %llu\n", (unsigned long long)sum.brc_merged);
    fprintf(out, "brc_try_incref_failed %llu\n", (unsigned long long)sum.brc_try_incref_fail);
    fprintf(out, "mutex_fast %llu\n", (unsigned long long)sum.mutex_fast);
    fprintf(out, "mutex_slow %llu\n", (unsigned long long)sum.mutex_slow);
    fprintf(out, "mutex_parked %llu\n", (unsigned long long)sum.mutex_parked);
    fprintf(out, "mutex_handoffs %llu\n", (unsigned long long)sum.mutex_handoff);
    tw_thread_lock_stats_dump(out);
    fprintf(out, "critical_sections_elided %llu\n", (unsigned long long)sum.cs_elided);
    fprintf(out, "critical_sections_suspended %llu\n", (unsigned long long)sum.cs_suspended);
    fprintf(out, "solo_entries %llu\n", (unsigned long long)sum.solo_enter);
    fprintf(out, "solo_revocations %llu\n", (unsigned long long)sum.solo_revoke);
    fprintf(out, "bias_revocations %llu\n", (unsigned long long)sum.bias_revoke);
    fprintf(out, "bias_escapes %llu\n", (unsigned long long)sum.bias_escape);
    fprintf(out, "bias_cleared %llu\n", (unsigned long long)sum.bias_cleared);
    fprintf(out, "stw_count %llu\n", G(stw_count));
    fprintf(out, "stw_pause_total_us %llu\n", G(stw_total_ns) / 1000);
    fprintf(out, "stw_pause_max_us %llu\n", G(stw_max_ns) / 1000);
    fprintf(out, "stw_stop_wait_total_us %llu\n", G(stw_wait_total_ns) / 1000);
    fprintf(out, "stw_stop_wait_max_us %llu\n", G(stw_wait_max_ns) / 1000);
    fprintf(out, "qsbr_deferred %llu\n", (unsigned long long)sum.qsbr_deferred);
    fprintf(out, "qsbr_deferred_bytes %llu\n", (unsigned long long)sum.qsbr_deferred_bytes);
    fprintf(out, "qsbr_freed %llu\n", (unsigned long long)sum.qsbr_freed);
    fprintf(out, "qsbr_polls %llu\n", (unsigned long long)sum.qsbr_polls);
    fprintf(out, "qsbr_backlog_max %llu\n", G(qsbr_backlog_max));
    fprintf(out, "gc_runs %llu\n", G(gc_runs));
    fprintf(out, "gc_collected %llu\n", G(gc_collected));
    fprintf(out, "gc_pause_total_us %llu\n", G(gc_pause_total_ns) / 1000);
    fprintf(out, "gc_pause_max_us %llu\n", G(gc_pause_max_ns) / 1000);
    fprintf(out, "gc_phases_helped %llu\n", G(gc_helped));
    fprintf(out, "gc_finalizers %llu\n", (unsigned long long)sum.gc_finalized);
    fprintf(out, "mem_live_blocks %llu\n", (unsigned long long)live_blocks);
    fprintf(out, "mem_live_bytes %llu\n", (unsigned long long)live_bytes);
#undef G
}

/* ---------------- trace ---------------------------------------------- */

/* Trace thread ids are small numbers in order of first appearance (0 is
 * the thread that started the trace, normally main), each announced with
 * a thread_name metadata event, so Perfetto shows "main", "thread 1", ...
 * rather than pthread_t values.  The map is guarded by trace_lock. */
#define TW_TRACE_MAX_THREADS 4096

static pthread_mutex_t trace_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *trace_file;
static bool trace_on;
static bool trace_first;
static uint64_t trace_t0;
static uint64_t trace_idents[TW_TRACE_MAX_THREADS];
static unsigned trace_nthreads;

bool tw_trace_enabled(void)
{
    return __atomic_load_n(&trace_on, __ATOMIC_RELAXED);
}

/* The small id of ident, announcing it on first sight.  Past the table's
 * capacity threads share the last id.  Called under trace_lock. */
static unsigned trace_tid_locked(uint64_t ident)
{
    for (unsigned i = 0; i < trace_nthreads; i++)
        if (trace_idents[i] == ident)
            return i;
    if (trace_nthreads == TW_TRACE_MAX_THREADS)
        return TW_TRACE_MAX_THREADS - 1;
    unsigned tid = trace_nthreads++;
    trace_idents[tid] = ident;
    if (tid == 0)
        fprintf(trace_file, "%s{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,"
                            "\"args\":{\"name\":\"main\"}}",
                trace_first ? "" : ",\n");
    else
        fprintf(trace_file, "%s{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":%u,"
                            "\"args\":{\"name\":\"thread %u\"}}",
                trace_first ? "" : ",\n", tid, tid);
    trace_first = false;
    return tid;
}

int tw_trace_start(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    pthread_mutex_lock(&trace_lock);
    if (trace_file)
        fclose(trace_file);
    trace_file = f;
    trace_first = true;
    trace_t0 = tw_monotonic_ns();
    trace_nthreads = 0;
    fputs("{\"displayTimeUnit\":\"ms\",\"otherData\":{\"runtime\":\"nogil\"},\"traceEvents\":[\n", f);
    fprintf(f, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"args\":{\"name\":\"twinpy nogil\"}}");
    trace_first = false;
    TwNogilThread *me = tw_nogil_thread();
    if (me)
        trace_tid_locked(me->base.ident);
    pthread_mutex_unlock(&trace_lock);
    if (me)
        me->attached_since_ns = tw_monotonic_ns();
    __atomic_store_n(&trace_on, true, __ATOMIC_RELEASE);
    return 0;
}

void tw_trace_complete(const char *name, uint64_t ident, uint64_t start_ns, uint64_t end_ns)
{
    pthread_mutex_lock(&trace_lock);
    if (trace_file && start_ns >= trace_t0) {
        unsigned tid = trace_tid_locked(ident);
        fprintf(trace_file,
                "%s{\"name\":\"%s\",\"cat\":\"runtime\",\"ph\":\"X\",\"pid\":1,\"tid\":%u,"
                "\"ts\":%.3f,\"dur\":%.3f}",
                trace_first ? "" : ",\n", name, tid,
                (double)(start_ns - trace_t0) / 1000.0,
                (double)(end_ns - start_ns) / 1000.0);
        trace_first = false;
    }
    pthread_mutex_unlock(&trace_lock);
}

/* Closes the current run of every attached thread, not only the caller's:
 * a joined thread signals its joiner before it detaches, so without this
 * a worker that never blocked would lose its one and only run.  (A thread
 * detaching at this very moment may record its run twice.) */
void tw_trace_stop(void)
{
    if (tw_trace_enabled()) {
        uint64_t now = tw_monotonic_ns();
        tw_runtime_threads_lock();
        for (TwNogilThread *t = tw_nogil_threads_first(); t; t = tw_nogil_threads_next(t))
            if (__atomic_load_n(&t->status, __ATOMIC_SEQ_CST) == TW_TS_ATTACHED)
                tw_trace_complete("running", t->base.ident,
                                  __atomic_load_n(&t->attached_since_ns, __ATOMIC_RELAXED), now);
        tw_runtime_threads_unlock();
    }
    __atomic_store_n(&trace_on, false, __ATOMIC_RELEASE);
    pthread_mutex_lock(&trace_lock);
    if (trace_file) {
        fputs("\n]}\n", trace_file);
        fclose(trace_file);
        trace_file = NULL;
    }
    pthread_mutex_unlock(&trace_lock);
}
