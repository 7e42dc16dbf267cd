/*
 * test_gil_threads.c — threads of the runtime through the seam:
 *   - a spawned thread runs fn(arg) attached, with its own thread state;
 *   - two CPU-bound threads that check the eval breaker both make
 *     progress: the GIL passes between them (drop requests, switches);
 *   - a thread inside tw_begin_blocking does not hold the GIL;
 *   - a foreign pthread attaches and detaches;
 *   - the switch interval round-trips; --stats prints `name value` lines;
 *   - --trace writes a JSON trace with the threads' running intervals.
 * GIL-specific numbers (drop requests, switches, GIL waits) are checked
 * only when tw_runtime_gil_enabled().
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "tw_test.h"
#include "twinpy/object.h"

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Wait, without the GIL, until *flag is set or `seconds` pass. */
static bool wait_flag_blocking(int *flag, double seconds)
{
    uint64_t deadline = now_ns() + (uint64_t)(seconds * 1e9);
    tw_begin_blocking();
    while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE) && now_ns() < deadline)
        usleep(1000);
    tw_end_blocking();
    return __atomic_load_n(flag, __ATOMIC_ACQUIRE) != 0;
}

/* A `name value` line of tw_stats_dump, or -1. */
static double stat_value(const char *name)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    tw_stats_dump(f);
    fclose(f);
    double v = -1;
    size_t n = strlen(name);
    for (char *line = buf; line && *line;) {
        char *nl = strchr(line, '\n');
        if (strncmp(line, name, n) == 0 && line[n] == ' ')
            v = atof(line + n + 1);
        line = nl ? nl + 1 : NULL;
    }
    free(buf);
    return v;
}

/* ---------------- a spawned thread ---------------------------------- */

typedef struct {
    int done;
    TwThreadState *ts;
    uint64_t ident;
} SpawnProbe;

static void probe_main(void *arg)
{
    SpawnProbe *p = arg;
    p->ts = tw_tstate();
    p->ident = p->ts ? p->ts->ident : 0;
    __atomic_store_n(&p->done, 1, __ATOMIC_RELEASE);
}

static void test_spawned_thread_runs_attached_with_its_own_state(void)
{
    SpawnProbe p = { 0 };
    uint64_t ident = 0;
    CHECK_EQ_INT(tw_thread_spawn(probe_main, &p, &ident), 0);
    CHECK(wait_flag_blocking(&p.done, 10));
    CHECK(p.ts != NULL);
    CHECK(p.ts != tw_tstate());
    CHECK(ident != 0);
    CHECK(p.ident == ident);
    CHECK(ident != tw_tstate()->ident);
}

/* ---------------- two CPU-bound threads ----------------------------- */

typedef struct Spinner {
    volatile uint64_t count;
    struct Spinner *other;
    int saw_other;
    int done;
} Spinner;

/* Spin, checking the eval breaker as the interpreter does at backward
 * jumps, until the other spinner has made progress too (or 10 s pass).
 * With the GIL, the other can only progress if this one drops. */
static void spinner_main(void *arg)
{
    Spinner *s = arg;
    TwThreadState *ts = tw_tstate();
    uint64_t deadline = now_ns() + 10 * 1000000000ull;
    while (__atomic_load_n(&s->other->count, __ATOMIC_RELAXED) == 0 && now_ns() < deadline) {
        __atomic_fetch_add(&s->count, 1, __ATOMIC_RELAXED);
        if (tw_eval_breaker_pending(ts))
            tw_eval_breaker_handle(ts);
    }
    /* A little more work after the other started, so both overlap. */
    for (int i = 0; i < 1000; i++) {
        __atomic_fetch_add(&s->count, 1, __ATOMIC_RELAXED);
        if (tw_eval_breaker_pending(ts))
            tw_eval_breaker_handle(ts);
    }
    s->saw_other = __atomic_load_n(&s->other->count, __ATOMIC_RELAXED) != 0;
    __atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
}

static void test_two_spinning_threads_both_make_progress(void)
{
    double switches0 = stat_value("gil_switches");
    double drops0 = stat_value("gil_drop_requests");
    Spinner a = { 0 }, b = { 0 };
    a.other = &b;
    b.other = &a;
    CHECK_EQ_INT(tw_thread_spawn(spinner_main, &a, NULL), 0);
    CHECK_EQ_INT(tw_thread_spawn(spinner_main, &b, NULL), 0);
    CHECK(wait_flag_blocking(&a.done, 20));
    CHECK(wait_flag_blocking(&b.done, 20));
    CHECK(a.saw_other);
    CHECK(b.saw_other);
    CHECK(a.count > 0 && b.count > 0);
    if (tw_runtime_gil_enabled()) {
        CHECK(stat_value("gil_switches") >= switches0 + 2);
        CHECK(stat_value("gil_drop_requests") >= drops0 + 1);
    }
}

/* ---------------- blocking sections --------------------------------- */

typedef struct {
    int ran;
} BlockProbe;

static void block_probe_main(void *arg)
{
    BlockProbe *p = arg;
    __atomic_store_n(&p->ran, 1, __ATOMIC_RELEASE);
}

/* The spawned thread can run Python-level work (it needs the GIL) while
 * the main thread sits in a blocking section, even though the main thread
 * never checks its eval breaker there. */
static void test_thread_in_blocking_section_does_not_hold_the_gil(void)
{
    BlockProbe p = { 0 };
    CHECK_EQ_INT(tw_thread_spawn(block_probe_main, &p, NULL), 0);
    tw_begin_blocking();
    uint64_t deadline = now_ns() + 10 * 1000000000ull;
    while (!__atomic_load_n(&p.ran, __ATOMIC_ACQUIRE) && now_ns() < deadline)
        ;   /* busy: no sleeping, no eval-breaker checks */
    int ran = __atomic_load_n(&p.ran, __ATOMIC_ACQUIRE);
    tw_end_blocking();
    CHECK(ran);
}

/* ---------------- foreign threads ----------------------------------- */

static int count_threads(void)
{
    int n = 0;
    tw_runtime_threads_lock();
    for (TwThreadState *ts = tw_runtime_threads_head(); ts; ts = ts->next_all)
        n++;
    tw_runtime_threads_unlock();
    return n;
}

typedef struct {
    int attached, same_again, listed;
    uint64_t ident;
} ForeignProbe;

static void *foreign_main(void *arg)
{
    ForeignProbe *p = arg;
    TwThreadState *ts = tw_thread_attach_current();
    p->attached = ts != NULL && tw_tstate() == ts;
    p->same_again = tw_thread_attach_current() == ts;
    p->ident = ts ? ts->ident : 0;
    p->listed = count_threads();
    void *mem = tw_mem_alloc(64);       /* counted in this thread's state */
    tw_mem_free(mem, 64);
    tw_thread_detach_current();
    p->attached = p->attached && tw_tstate() == NULL;
    return NULL;
}

/* A pthread the runtime did not create can attach, run, and detach; the
 * thread list returns to its size. */
static void test_foreign_thread_attaches_and_detaches(void)
{
    /* Threads of earlier tests leave the list a little after they are
     * joined: wait until only this one is listed. */
    double t0 = (double)now_ns() / 1e9;
    tw_begin_blocking();
    while (count_threads() > 1 && (double)now_ns() / 1e9 - t0 < 10.0)
        usleep(200);
    tw_end_blocking();
    int before = count_threads();
    CHECK_EQ_INT(before, 1);
    ForeignProbe p = { 0 };
    pthread_t th;
    tw_begin_blocking();
    pthread_create(&th, NULL, foreign_main, &p);
    pthread_join(th, NULL);
    tw_end_blocking();
    CHECK(p.attached);
    CHECK(p.same_again);
    CHECK(p.ident != 0 && p.ident != tw_tstate()->ident);
    CHECK_EQ_INT(p.listed, before + 1);
    CHECK_EQ_INT(count_threads(), before);
}

/* ---------------- settings and observability ------------------------ */

static void test_switch_interval_round_trips(void)
{
    double saved = tw_get_switch_interval();
    CHECK(saved > 0.0049 && saved < 0.0051);
    tw_set_switch_interval(0.001);
    double v = tw_get_switch_interval();
    CHECK(v > 0.00099 && v < 0.00101);
    tw_set_switch_interval(saved);
}

static void test_stats_lines_are_name_value(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    tw_stats_dump(f);
    fclose(f);
    CHECK(len > 0);
    int lines = 0, bad = 0;
    for (char *line = buf; line && *line;) {
        char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        char *sp = memchr(line, ' ', n);
        if (sp == NULL || sp == line || memchr(sp + 1, ' ', n - (size_t)(sp + 1 - line)))
            bad++;
        lines++;
        line = nl ? nl + 1 : NULL;
    }
    CHECK(lines >= 5);
    CHECK_EQ_INT(bad, 0);
    CHECK(stat_value("gc_runs") >= 0);
    if (tw_runtime_gil_enabled()) {
        CHECK(stat_value("gil_acquisitions") >= 1);
        CHECK(stat_value("gil_wait_ms") >= 0);
    }
    free(buf);
}

static void test_trace_records_threads_running_and_waiting(void)
{
    char path[] = "/tmp/tw_trace_test_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    CHECK_EQ_INT(tw_trace_start(path), 0);
    Spinner a = { 0 }, b = { 0 };
    a.other = &b;
    b.other = &a;
    tw_thread_spawn(spinner_main, &a, NULL);
    tw_thread_spawn(spinner_main, &b, NULL);
    CHECK(wait_flag_blocking(&a.done, 20));
    CHECK(wait_flag_blocking(&b.done, 20));
    tw_gc_collect(0);
    tw_trace_stop();

    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    char *text = malloc(1 << 24);
    size_t n = fread(text, 1, (1 << 24) - 1, f);
    text[n] = 0;
    fclose(f);
    unlink(path);
    CHECK(n > 0 && text[0] == '{');
    CHECK(strstr(text, "\"traceEvents\"") != NULL);
    CHECK(strstr(text, "\"ph\":\"X\"") != NULL);
    CHECK(strstr(text, "\"name\":\"running\"") != NULL);
    if (tw_runtime_gil_enabled()) {
        CHECK(strstr(text, "\"name\":\"gc\"") != NULL);
        CHECK(strstr(text, "\"name\":\"gil wait\"") != NULL);
    }
    /* Balanced braces and brackets: well-formed enough for a viewer. */
    int depth = 0, min_depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '{' || text[i] == '[')
            depth++;
        else if (text[i] == '}' || text[i] == ']')
            depth--;
        if (depth < min_depth)
            min_depth = depth;
    }
    CHECK_EQ_INT(depth, 0);
    CHECK_EQ_INT(min_depth, 0);
    free(text);
}

static void setup(void) { tw_runtime_init(); }

int main(void)
{
    static const TwTestCase cases[] = {
        TW_CASE(test_spawned_thread_runs_attached_with_its_own_state),
        TW_CASE(test_two_spinning_threads_both_make_progress),
        TW_CASE(test_thread_in_blocking_section_does_not_hold_the_gil),
        TW_CASE(test_foreign_thread_attaches_and_detaches),
        TW_CASE(test_switch_interval_round_trips),
        TW_CASE(test_stats_lines_are_name_value),
        TW_CASE(test_trace_records_threads_running_and_waiting),
    };
    TwTestOptions opts = { .setup = setup };
    return tw_test_run(cases, TW_NCASES(cases), &opts);
}
