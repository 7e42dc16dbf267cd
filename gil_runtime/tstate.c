/*
 * tstate.c — thread states of the gil runtime: creation, the list of live
 * threads, spawning OS threads, runtime start-up and shut-down.
 *
 * Protocol:
 *   - Every thread that runs twinpy code has a TwGilThread, reachable from
 *     the thread-local tw_tstate_tls.  The main thread gets one in
 *     tw_runtime_init; a spawned thread gets one from its parent and
 *     attaches it before running; a foreign pthread (benchmarks, embedders)
 *     makes one with tw_thread_attach_current and frees it with
 *     tw_thread_detach_current.
 *   - A spawned thread: sets its TLS, opens its block pool (twinpy/pool.h),
 *     links itself into the list, takes the GIL, runs fn(arg), then — still
 *     holding the GIL — retires its trace events and counters, closes its
 *     pool (its blocks go back to the allocator), unlinks itself and folds
 *     its memory counters into the process totals (both under
 *     g_threads_mutex, so tw_mem_stats sees each block counted exactly
 *     once), drops the GIL and frees its state.
 *
 * Invariants:
 *   - The list (linked through base.next_all) changes shape only under
 *     g_threads_mutex; readers of the list hold it too.
 *   - A thread state is freed only by its own thread, after it is unlinked
 *     and has dropped the GIL; nobody else keeps a pointer to it that is
 *     dereferenced later (gil.c compares last_holder, never follows it).
 *   - The main thread's state is never freed: shut-down may still run code
 *     after tw_runtime_fini (atexit work, flushing).
 *   - At shut-down the main thread keeps the GIL: daemon threads that are
 *     still alive stay parked in tw_gil_take until the process exits, so
 *     they never run while the interpreter is being torn down.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gil_internal.h"

TW_TLS TwThreadState *tw_tstate_tls;

static pthread_mutex_t g_threads_mutex = PTHREAD_MUTEX_INITIALIZER;
static TwThreadState *g_threads_head;
static uint32_t g_next_serial;      /* under g_threads_mutex */
static TwGilThread *g_main_thread;
static bool g_initialized;

uint64_t tw_monotonic_ns(void)
{
    struct timespec tsp;
    clock_gettime(CLOCK_MONOTONIC, &tsp);
    return (uint64_t)tsp.tv_sec * 1000000000u + (uint64_t)tsp.tv_nsec;
}

const char *tw_runtime_name(void) { return "gil"; }
bool tw_runtime_gil_enabled(void) { return true; }

TwThreadState *tw_runtime_threads_head(void) { return g_threads_head; }
void tw_runtime_threads_lock(void) { pthread_mutex_lock(&g_threads_mutex); }
void tw_runtime_threads_unlock(void) { pthread_mutex_unlock(&g_threads_mutex); }

TwGilThread *tw_gil_main_thread(void) { return g_main_thread; }

static void thread_attach(TwGilThread *t);

/* Thread states live outside the counted allocator: memory.c counts blocks
 * in the thread state itself. */
static TwGilThread *thread_new(void)
{
    TwGilThread *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    pthread_mutex_lock(&g_threads_mutex);
    t->serial = g_next_serial++;
    pthread_mutex_unlock(&g_threads_mutex);
    return t;
}

static void thread_link(TwGilThread *t)
{
    pthread_mutex_lock(&g_threads_mutex);
    t->base.next_all = g_threads_head;
    g_threads_head = &t->base;
    pthread_mutex_unlock(&g_threads_mutex);
}

/* Unlink and fold memory counters in one step under the list lock. */
static void thread_unlink_and_retire(TwGilThread *t)
{
    pthread_mutex_lock(&g_threads_mutex);
    TwThreadState **pp = &g_threads_head;
    while (*pp && *pp != &t->base)
        pp = &(*pp)->next_all;
    if (*pp)
        *pp = t->base.next_all;
    t->base.next_all = NULL;
    tw_mem_retire_thread(&t->base);
    pthread_mutex_unlock(&g_threads_mutex);
}

void tw_runtime_init(void)
{
    if (g_initialized)
        return;
    g_initialized = true;
    tw_gil_init();
    TwGilThread *t = thread_new();
    if (t == NULL)
        abort();
    t->is_main = true;
    g_main_thread = t;
    thread_attach(t);
}

void tw_runtime_fini(void)
{
    if (!g_initialized)
        return;
    if (tw_trace_enabled())
        tw_trace_stop();
    /* The main thread keeps the GIL and its state: see the header. */
}

/* Attach the calling OS thread with state t: TLS, list, GIL. */
static void thread_attach(TwGilThread *t)
{
    tw_gil_init();
    t->base.ident = (uint64_t)pthread_self();
    tw_tstate_tls = &t->base;
    tw_pool_open();
    __atomic_store_n(&t->pool, &tw_pool_tls, __ATOMIC_RELEASE);
    thread_link(t);
    tw_gil_take(t);
}

/* The reverse, called holding the GIL: retire the thread's trace events
 * and counters, leave the list, drop the GIL, free the state. */
static void thread_detach(TwGilThread *t)
{
    tw_trace_retire_thread(t);
    tw_stats_retire_thread(t);
    __atomic_store_n(&t->pool, NULL, __ATOMIC_RELAXED);
    tw_pool_close();
    thread_unlink_and_retire(t);
    tw_gil_drop(t, false);
    tw_tstate_tls = NULL;
    free(t->trace_events);
    free(t);
}

static void *thread_main(void *arg)
{
    TwGilThread *t = arg;
    void (*exited)(void *) = t->exited_fn;
    void *exited_arg = t->exited_arg;
    thread_attach(t);
    t->start_fn(t->start_arg);
    thread_detach(t);
    if (exited)
        exited(exited_arg);
    return NULL;
}

/* A thread the runtime did not create (benchmark workers, embedders).
 * Idempotent: an attached thread gets its own state back. */
TwThreadState *tw_thread_attach_current(void)
{
    if (tw_tstate_tls != NULL)
        return tw_tstate_tls;
    TwGilThread *t = thread_new();
    if (t == NULL)
        abort();
    thread_attach(t);
    return &t->base;
}

/* Called attached (holding the GIL).  The main thread's state is never
 * freed (see the header). */
void tw_thread_detach_current(void)
{
    TwThreadState *ts = tw_tstate_tls;
    if (ts == NULL)
        return;
    TwGilThread *t = tw_gil_thread(ts);
    if (t->is_main)
        return;
    thread_detach(t);
}

/* The thread is detached: joining is the threading module's business (it
 * waits on a lock the thread releases when its Python work is done). */
int tw_thread_spawn(void (*fn)(void *), void *arg, uint64_t *ident_out)
{
    return tw_thread_spawn_ex(fn, arg, NULL, NULL, ident_out);
}

int tw_thread_spawn_ex(void (*fn)(void *), void *arg, void (*exited)(void *), void *exited_arg,
                       uint64_t *ident_out)
{
    TwGilThread *t = thread_new();
    if (t == NULL) {
        errno = ENOMEM;
        return -1;
    }
    t->start_fn = fn;
    t->start_arg = arg;
    t->exited_fn = exited;
    t->exited_arg = exited_arg;

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* Deep Python recursion runs on the C stack: match the main thread's
     * usual 8 MiB. */
    pthread_attr_setstacksize(&attr, 8u << 20);
    pthread_t th;
    int rc = pthread_create(&th, &attr, thread_main, t);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        free(t);
        errno = rc;
        return -1;
    }
    if (ident_out)
        *ident_out = (uint64_t)th;
    return 0;
}
