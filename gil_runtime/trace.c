/*
 * trace.c — `twinpy --trace FILE`: a Chrome / Perfetto trace (JSON trace
 * event format) of which thread runs, waits for the GIL, or collects.
 *
 * Protocol:
 *   - tw_trace_start opens the file and turns recording on.
 *   - Each thread appends complete events ("ph":"X") to its own buffer:
 *     "running" from taking the GIL to dropping it, "gil wait" from asking
 *     for the GIL to getting it, "gc" around a collection.  Every append
 *     happens while the thread holds the GIL (a wait is recorded just after
 *     the GIL was taken, a run just before it is dropped), so buffers need
 *     no lock of their own.
 *   - A thread that exits moves its events to the retired buffer (also
 *     under the GIL).
 *   - tw_trace_stop, called with the GIL held, closes the caller's current
 *     run, writes every buffer as JSON and turns recording off.
 *
 * Invariants: buffers are touched only by GIL holders; g_on is read
 * without the GIL (relaxed) and only decides whether to append.
 * A thread's buffer is capped (TW_TRACE_MAX_EVENTS) so a long run cannot
 * exhaust memory; events past the cap are counted as dropped.
 */
#include <stdlib.h>
#include <string.h>

#include "gil_internal.h"

#define TW_TRACE_MAX_EVENTS (1u << 22)

typedef struct {
    uint32_t serial;
    TwTraceEvent ev;
} TwRetiredEvent;

static bool g_on;
static FILE *g_file;
static uint64_t g_t0_ns;
static uint64_t g_dropped;
static TwRetiredEvent *g_retired;
static size_t g_retired_len, g_retired_cap;
static uint32_t g_max_serial;

bool tw_trace_enabled(void)
{
    return __atomic_load_n(&g_on, __ATOMIC_RELAXED);
}

static bool grow(void **buf, size_t *cap, size_t elem)
{
    size_t ncap = *cap ? *cap * 2 : 1024;
    void *p = realloc(*buf, ncap * elem);
    if (p == NULL)
        return false;
    *buf = p;
    *cap = ncap;
    return true;
}

void tw_trace_record(TwGilThread *t, TwTraceKind kind, uint64_t begin_ns, uint64_t end_ns,
                     uint32_t arg)
{
    if (!tw_trace_enabled())
        return;
    if (begin_ns < g_t0_ns)
        begin_ns = g_t0_ns;
    if (end_ns < begin_ns)
        end_ns = begin_ns;
    if (t->trace_len >= TW_TRACE_MAX_EVENTS ||
        (t->trace_len == t->trace_cap &&
         !grow((void **)&t->trace_events, &t->trace_cap, sizeof(TwTraceEvent)))) {
        g_dropped++;
        return;
    }
    t->trace_events[t->trace_len++] = (TwTraceEvent){ begin_ns, end_ns, (uint32_t)kind, arg };
}

void tw_trace_retire_thread(TwGilThread *t)
{
    if (tw_trace_enabled()) {
        /* The run that ends with this thread's exit. */
        tw_trace_record(t, TW_TRACE_RUNNING, t->run_begin_ns, tw_monotonic_ns(), 0);
        t->run_begin_ns = tw_monotonic_ns();
    }
    if (t->serial > g_max_serial)
        g_max_serial = t->serial;
    for (size_t i = 0; i < t->trace_len; i++) {
        if (g_retired_len == g_retired_cap &&
            !grow((void **)&g_retired, &g_retired_cap, sizeof(TwRetiredEvent))) {
            g_dropped += t->trace_len - i;
            break;
        }
        g_retired[g_retired_len++] = (TwRetiredEvent){ t->serial, t->trace_events[i] };
    }
    free(t->trace_events);
    t->trace_events = NULL;
    t->trace_len = t->trace_cap = 0;
}

int tw_trace_start(const char *path)
{
    if (tw_trace_enabled())
        return -1;
    g_file = fopen(path, "w");
    if (g_file == NULL)
        return -1;
    g_t0_ns = tw_monotonic_ns();
    g_dropped = 0;
    __atomic_store_n(&g_on, true, __ATOMIC_RELAXED);
    return 0;
}

static const char *kind_name(uint32_t kind)
{
    switch (kind) {
    case TW_TRACE_RUNNING: return "running";
    case TW_TRACE_GIL_WAIT: return "gil wait";
    case TW_TRACE_GC: return "gc";
    }
    return "?";
}

static void write_event(FILE *f, bool *first, uint32_t serial, const TwTraceEvent *ev)
{
    double ts = (double)(ev->begin_ns - g_t0_ns) / 1e3;
    double dur = (double)(ev->end_ns - ev->begin_ns) / 1e3;
    fprintf(f, "%s\n{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"X\",\"ts\":%.3f,\"dur\":%.3f,"
               "\"pid\":1,\"tid\":%u",
            *first ? "" : ",", kind_name(ev->kind), ev->kind == TW_TRACE_GC ? "gc" : "gil",
            ts, dur, serial);
    if (ev->kind == TW_TRACE_GC)
        fprintf(f, ",\"args\":{\"generation\":%u}", ev->arg);
    fputc('}', f);
    *first = false;
}

static void write_thread_name(FILE *f, bool *first, uint32_t serial)
{
    if (serial == 0)
        fprintf(f, "%s\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,"
                   "\"args\":{\"name\":\"main\"}}",
                *first ? "" : ",");
    else
        fprintf(f, "%s\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":%u,"
                   "\"args\":{\"name\":\"thread %u\"}}",
                *first ? "" : ",", serial, serial);
    *first = false;
}

/* Called with the GIL held. */
void tw_trace_stop(void)
{
    if (!tw_trace_enabled())
        return;
    TwThreadState *self = tw_tstate();
    if (self) {
        TwGilThread *t = tw_gil_thread(self);
        uint64_t now = tw_monotonic_ns();
        tw_trace_record(t, TW_TRACE_RUNNING, t->run_begin_ns, now, 0);
        t->run_begin_ns = now;
    }
    __atomic_store_n(&g_on, false, __ATOMIC_RELAXED);

    FILE *f = g_file;
    bool first = true;
    fprintf(f, "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[");
    fprintf(f, "\n{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,"
               "\"args\":{\"name\":\"twinpy gil\"}}");
    first = false;
    uint32_t max_serial = g_max_serial;
    tw_runtime_threads_lock();
    for (TwThreadState *ts = tw_runtime_threads_head(); ts; ts = ts->next_all) {
        TwGilThread *t = tw_gil_thread(ts);
        if (t->serial > max_serial)
            max_serial = t->serial;
        for (size_t i = 0; i < t->trace_len; i++)
            write_event(f, &first, t->serial, &t->trace_events[i]);
        t->trace_len = 0;
    }
    tw_runtime_threads_unlock();
    for (size_t i = 0; i < g_retired_len; i++)
        write_event(f, &first, g_retired[i].serial, &g_retired[i].ev);
    for (uint32_t s = 0; s <= max_serial; s++)
        write_thread_name(f, &first, s);
    fprintf(f, "\n],\"otherData\":{\"runtime\":\"gil\",\"dropped_events\":%llu}}\n",
            (unsigned long long)g_dropped);
    fclose(f);
    g_file = NULL;
    free(g_retired);
    g_retired = NULL;
    g_retired_len = g_retired_cap = 0;
}
