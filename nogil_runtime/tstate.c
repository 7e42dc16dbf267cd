/*
 * tstate.c — thread states of the free-threaded runtime: creation, the
 * ATTACHED / DETACHED / SUSPENDED protocol, thread spawn and exit, the eval
 * breaker, and the runtime's identity.
 *
 * A thread is ATTACHED while it may touch objects, DETACHED while it blocks
 * (tw_begin_blocking) or before it first runs, SUSPENDED while a
 * stop-the-world holds it (see stop_the_world.c).  Transitions:
 *   DETACHED  -> ATTACHED   the thread itself, CAS; fails while SUSPENDED,
 *                           then it sleeps on its status word until the
 *                           world restarts
 *   ATTACHED  -> DETACHED   the thread itself (plain store)
 *   DETACHED  -> SUSPENDED  a stop-the-world requester, CAS
 *   ATTACHED  -> SUSPENDED  the thread itself at its eval-breaker check
 *   SUSPENDED -> DETACHED   the requester when it restarts the world
 *
 * The list of thread states (linked through base.next_all) changes shape
 * only under `threads_lock`, taken at thread creation and exit, by
 * stop-the-world and by --stats / tw_mem_stats — never on a hot path.
 * Attached threads may also walk it without the lock (BRC owner lookup,
 * QSBR polls): states are unlinked with a release store and freed only
 * after a QSBR grace period, so a walker never sees freed memory.
 *
 * Thread ids (ob_tid of owned objects) come from a process-wide counter
 * starting at 1 and are never reused; 0 means "merged, no owner".
 *
 * Solo mode.  A thread that is the only attached one runs SOLO: its
 * critical sections take no locks (elided, critical_section.c).  State:
 *   arrived  threads that are attached, about to attach, parked by a
 *            stop-the-world, or detached while holding object locks
 *            (t->arrived says whether t is counted);
 *   solo     the solo thread or NULL (written under solo_lock).
 * Rules (what keeps another thread from touching an object inside an
 * elided section):
 *   - a thread counts itself (tw_solo_arrive) before it attaches and before
 *     it waits for object locks while detached (lock_section), and stops
 *     counting when it detaches holding no object lock;
 *   - a thread becomes solo only while arrived == 1 (itself): it stores
 *     solo, then reads arrived (and undoes if another arrived); an
 *     arriving thread increments arrived, then reads solo (all seq_cst),
 *     so one of the two sees the other;
 *   - an arriving thread that finds a solo thread sets its
 *     TW_EB_NOGIL_SOLO_LEAVE bit (under solo_lock, so the solo thread cannot
 *     leave, exit and free its state meanwhile) and sleeps on solo_seq
 *     until it has left; it does not attach before;
 *   - the solo thread leaves at its next eval-breaker check, or when it
 *     detaches, after locking its elided sections for real (no other
 *     thread can hold those locks: it would be counted) or suspending them
 *     (tw_begin_blocking);
 *   - when a detach leaves one thread counted, that thread is asked to try
 *     (TW_EB_NOGIL_SOLO_TRY); a thread also tries after it attaches.
 * An arriving thread waits at most until the solo thread's next
 * eval-breaker check (as for a stop-the-world).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "twinpy/nogil_internal.h"

TW_TLS TwThreadState *tw_tstate_tls;
TW_TLS uintptr_t tw_thread_id_tls;

uint32_t tw_nogil_live_threads;

static pthread_mutex_t threads_lock = PTHREAD_MUTEX_INITIALIZER;
static TwNogilThread *threads_head;          /* atomic pointer */
static uintptr_t next_thread_id = 1;
static bool runtime_started;
static double switch_interval = 0.005;

/* ---------------- identity ------------------------------------------ */

const char *tw_runtime_name(void) { return "nogil"; }
bool tw_runtime_gil_enabled(void) { return false; }

void tw_set_switch_interval(double seconds)
{
    __atomic_store(&switch_interval, &seconds, __ATOMIC_RELAXED);
}

double tw_get_switch_interval(void)
{
    double v;
    __atomic_load(&switch_interval, &v, __ATOMIC_RELAXED);
    return v;
}

uintptr_t tw_nogil_new_thread_id(void)
{
    return __atomic_fetch_add(&next_thread_id, 1, __ATOMIC_RELAXED);
}

/* ---------------- the list of threads -------------------------------- */

TwThreadState *tw_runtime_threads_head(void)
{
    return (TwThreadState *)__atomic_load_n(&threads_head, __ATOMIC_ACQUIRE);
}

TwNogilThread *tw_nogil_threads_first(void)
{
    return __atomic_load_n(&threads_head, __ATOMIC_ACQUIRE);
}

/* An attached thread must not sleep on the list lock while another thread
 * that holds it waits for the world to stop: detach around a contended
 * acquire.  Re-attaching cannot wait, because a stop-the-world holds the
 * list lock for its whole duration. */
void tw_nogil_threads_lock_attached(void)
{
    if (pthread_mutex_trylock(&threads_lock) == 0)
        return;
    TwNogilThread *t = tw_nogil_thread();
    if (t && __atomic_load_n(&t->status, __ATOMIC_RELAXED) == TW_TS_ATTACHED) {
        tw_nogil_detach(t);
        pthread_mutex_lock(&threads_lock);
        tw_nogil_attach(t);
    } else {
        pthread_mutex_lock(&threads_lock);
    }
}

void tw_runtime_threads_lock(void) { tw_nogil_threads_lock_attached(); }
void tw_runtime_threads_unlock(void) { pthread_mutex_unlock(&threads_lock); }

TwNogilThread *tw_nogil_thread_by_tid(uintptr_t tid)
{
    for (TwNogilThread *t = tw_nogil_threads_first(); t; t = tw_nogil_threads_next(t)) {
        if (__atomic_load_n(&t->tid, __ATOMIC_ACQUIRE) == tid)
            return t;
    }
    return NULL;
}

/* A new state, DETACHED, linked into the list, counted as live.  Called by
 * the creating thread, so a thread that is alone in the process sees the
 * count rise before anyone else can read its objects. */
static TwNogilThread *tstate_new(void)
{
    /* Whole cache-line pairs of its own: the owner writes its counters
     * all the time, and other threads write its eval breaker and queue. */
    size_t size = (sizeof(TwNogilThread) + 127) & ~(size_t)127;
    TwNogilThread *t = aligned_alloc(128, size);
    if (!t)
        return NULL;
    memset(t, 0, size);
    t->tid = tw_nogil_new_thread_id();
    t->status = TW_TS_DETACHED;
    t->detached_since_ns = tw_monotonic_ns();
    __atomic_fetch_add(&tw_nogil_live_threads, 1, __ATOMIC_SEQ_CST);
    tw_gc_thread_init(t);
    tw_nogil_threads_lock_attached();
    t->base.next_all = (TwThreadState *)threads_head;
    __atomic_store_n(&threads_head, t, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&threads_lock);
    __atomic_fetch_add(&tw_nogil_gstats.threads_started, 1, __ATOMIC_RELAXED);
    return t;
}

/* Unlink t (list lock held).  t->base.next_all stays valid for walkers. */
static void tstate_unlink_locked(TwNogilThread *t)
{
    TwNogilThread **pp = &threads_head;
    while (*pp && *pp != t)
        pp = (TwNogilThread **)&(*pp)->base.next_all;
    if (*pp == t)
        __atomic_store_n(pp, (TwNogilThread *)t->base.next_all, __ATOMIC_RELEASE);
}

/* ---------------- solo mode ------------------------------------------ */

static pthread_mutex_t solo_lock = PTHREAD_MUTEX_INITIALIZER;
#define TW_SOLO_ARRIVE_SPIN 512
static uint32_t arrived;
static TwNogilThread *solo;         /* written under solo_lock          */
static uint32_t solo_seq;           /* bumped when a thread leaves solo */
static uint32_t solo_waiters;
static void solo_leave(TwNogilThread *t);

/* Off with TWINPY_SOLO=0 in the environment, or tw_solo_disable(). */
static bool solo_enabled = true;
static pthread_once_t solo_env_once = PTHREAD_ONCE_INIT;

static void solo_read_env(void)
{
    const char *v = getenv("TWINPY_SOLO");
    if (v && strcmp(v, "0") == 0)
        __atomic_store_n(&solo_enabled, false, __ATOMIC_RELAXED);
}

void tw_solo_disable(void)
{
    __atomic_store_n(&solo_enabled, false, __ATOMIC_RELAXED);
    TwNogilThread *t = tw_nogil_thread();
    if (t && tw_cs_tls.solo)
        solo_leave(t);
}

void tw_solo_arrive(TwNogilThread *t)
{
    if (t->arrived)
        return;
    t->arrived = true;
    __atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
    for (;;) {
        uint32_t seq = __atomic_load_n(&solo_seq, __ATOMIC_SEQ_CST);
        /* Our increment, then this load; a thread entering solo stores
         * solo, then loads arrived (all seq_cst): one sees the other. */
        if (__atomic_load_n(&solo, __ATOMIC_SEQ_CST) == NULL)
            return;
        pthread_mutex_lock(&solo_lock);
        TwNogilThread *s = __atomic_load_n(&solo, __ATOMIC_SEQ_CST);
        if (s != NULL)
            tw_eval_breaker_set(&s->base, TW_EB_NOGIL_SOLO_LEAVE);
        pthread_mutex_unlock(&solo_lock);
        if (s == NULL)
            return;
        t->stats.solo_revoke++;
        /* The solo thread leaves at its next eval-breaker check, usually
         * within microseconds: spin for that before sleeping (the leaving
         * thread's wake-up is then no system call either). */
        if (!tw_nogil_spin_while(&solo_seq, seq, TW_SOLO_ARRIVE_SPIN))
            tw_futex_wait_counted(&solo_seq, seq, -1, &solo_waiters);
    }
}

/* Wake the threads waiting for the solo thread to leave. */
static void solo_cleared(void)
{
    __atomic_fetch_add(&solo_seq, 1, __ATOMIC_SEQ_CST);
    tw_futex_wake_counted(&solo_seq, INT_MAX, &solo_waiters);
}

/* t (attached, the caller) becomes solo if it is the only thread counted. */
static void solo_try_enter(TwNogilThread *t)
{
    if (tw_cs_tls.solo || __atomic_load_n(&arrived, __ATOMIC_SEQ_CST) != 1)
        return;
    pthread_once(&solo_env_once, solo_read_env);
    if (!__atomic_load_n(&solo_enabled, __ATOMIC_RELAXED))
        return;
    bool undone = false;
    pthread_mutex_lock(&solo_lock);
    if (__atomic_load_n(&solo, __ATOMIC_SEQ_CST) == NULL) {
        __atomic_store_n(&solo, t, __ATOMIC_SEQ_CST);
        if (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) == 1) {
            tw_cs_tls.solo = true;
            t->stats.solo_enter++;
        } else {
            __atomic_store_n(&solo, NULL, __ATOMIC_SEQ_CST);
            undone = true;
        }
    }
    pthread_mutex_unlock(&solo_lock);
    if (undone)
        solo_cleared();
}

/* The caller stops running solo: its elided sections take their locks. */
static void solo_leave(TwNogilThread *t)
{
    if (!tw_cs_tls.solo)
        return;
    tw_cs_hold_elided();
    tw_cs_tls.solo = false;
    pthread_mutex_lock(&solo_lock);
    __atomic_store_n(&solo, NULL, __ATOMIC_SEQ_CST);
    pthread_mutex_unlock(&solo_lock);
    solo_cleared();
}

/* t (attached, online, the caller) is about to detach: stop counting it
 * unless it holds object locks; if that leaves one thread, ask it to try
 * running solo. */
static void solo_depart(TwNogilThread *t)
{
    solo_leave(t);
    TwCriticalSection *top = tw_cs_tls.top;
    if (!t->arrived || (top && !top->suspended))
        return;
    t->arrived = false;
    if (__atomic_sub_fetch(&arrived, 1, __ATOMIC_SEQ_CST) != 1)
        return;
    for (TwNogilThread *o = tw_nogil_threads_first(); o; o = tw_nogil_threads_next(o)) {
        if (o != t && __atomic_load_n(&o->status, __ATOMIC_SEQ_CST) == TW_TS_ATTACHED)
            tw_eval_breaker_set(&o->base, TW_EB_NOGIL_SOLO_TRY);
    }
}

/* ---------------- attach / detach ------------------------------------ */

void tw_nogil_attach(TwNogilThread *t)
{
    if (__atomic_load_n(&t->status, __ATOMIC_RELAXED) == TW_TS_ATTACHED)
        return;
    tw_solo_arrive(t);
    for (;;) {
        uint32_t s = TW_TS_DETACHED;
        if (__atomic_compare_exchange_n(&t->status, &s, TW_TS_ATTACHED, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            break;
        if (s == TW_TS_ATTACHED)
            return;                       /* already attached */
        __atomic_store_n(&t->waits_to_attach, true, __ATOMIC_SEQ_CST);
        tw_futex_wait_counted(&t->status, TW_TS_SUSPENDED, -1, &t->status_sleepers);
    }
    tw_stw_resumed(t);
    tw_qsbr_online(t);
    uint64_t now = tw_monotonic_ns();
    /* Only after a detach: a thread parked by a stop-the-world went from
     * attached to suspended directly and has its own "stopped" slice. */
    if (tw_trace_enabled() && t->detached_since_ns)
        tw_trace_complete("blocked", t->base.ident, t->detached_since_ns, now);
    t->detached_since_ns = 0;
    t->attached_since_ns = now;
    solo_try_enter(t);
}

extern uint32_t tw_stw_event, tw_stw_event_sleepers;   /* stop_the_world.c */

static void detach(TwNogilThread *t, bool depart)
{
    if (__atomic_load_n(&t->status, __ATOMIC_RELAXED) != TW_TS_ATTACHED)
        return;
    /* Objects queued for their owners go before we stop running: a
     * thread that blocks for long must not keep them. */
    tw_brc_flush_outbox(t);
    if (depart)
        solo_depart(t);
    else
        solo_leave(t);
    tw_qsbr_quiescent(t);
    tw_qsbr_process(t);
    tw_qsbr_offline(t);
    uint64_t now = tw_monotonic_ns();
    if (tw_trace_enabled())
        tw_trace_complete("running", t->base.ident, t->attached_since_ns, now);
    t->detached_since_ns = now;
    __atomic_store_n(&t->status, TW_TS_DETACHED, __ATOMIC_SEQ_CST);
    if (tw_stw_requested()) {
        __atomic_fetch_add(&tw_stw_event, 1, __ATOMIC_SEQ_CST);
        tw_futex_wake_counted(&tw_stw_event, 1, &tw_stw_event_sleepers);
    }
}

void tw_nogil_detach(TwNogilThread *t)
{
    detach(t, true);
}

/* Detach and stay counted among the arrived threads (lock_section: about
 * to take object locks while detached). */
void tw_nogil_detach_arrived(TwNogilThread *t)
{
    detach(t, false);
    tw_solo_arrive(t);
}

void tw_begin_blocking(void)
{
    TwNogilThread *t = tw_nogil_thread();
    if (!t)
        return;
    tw_cs_suspend_all(t);
    tw_nogil_detach(t);
}

void tw_end_blocking(void)
{
    TwNogilThread *t = tw_nogil_thread();
    if (!t)
        return;
    tw_nogil_attach(t);
    /* Objects other threads released while we slept: merge them now, so a
     * thread that mostly waits does not keep them alive. */
    if (__atomic_load_n(&t->base.eval_breaker, __ATOMIC_RELAXED) & TW_EB_MERGE_REFCOUNTS) {
        tw_eval_breaker_clear(&t->base, TW_EB_MERGE_REFCOUNTS);
        tw_brc_merge_queue(t);
    }
    tw_cs_resume_top(t);
}

/* ---------------- eval breaker --------------------------------------- */

void tw_eval_breaker_set(TwThreadState *ts, uint32_t bits)
{
    __atomic_fetch_or(&ts->eval_breaker, bits, __ATOMIC_SEQ_CST);
}

void tw_eval_breaker_clear(TwThreadState *ts, uint32_t bits)
{
    __atomic_fetch_and(&ts->eval_breaker, ~bits, __ATOMIC_SEQ_CST);
}

TwSsize tw_gc_collect_scheduled(void);   /* gc_stw.c */

/* Every call is a quiescent point: the interpreter holds no pointer it
 * read without a reference between two instructions. */
int tw_eval_breaker_handle(TwThreadState *ts)
{
    TwNogilThread *t = (TwNogilThread *)ts;
    tw_brc_flush_outbox(t);
    uint32_t bits = __atomic_load_n(&ts->eval_breaker, __ATOMIC_ACQUIRE);
    if (bits & TW_EB_NOGIL_SOLO_LEAVE) {
        tw_eval_breaker_clear(ts, TW_EB_NOGIL_SOLO_LEAVE);
        solo_leave(t);
    }
    if (bits & TW_EB_NOGIL_SOLO_TRY) {
        tw_eval_breaker_clear(ts, TW_EB_NOGIL_SOLO_TRY);
        solo_try_enter(t);
    }
    if (bits & TW_EB_STOP_THE_WORLD) {
        tw_eval_breaker_clear(ts, TW_EB_STOP_THE_WORLD);
        if (tw_stw_requested())
            tw_stw_park_self(t);
    }
    if (bits & TW_EB_MERGE_REFCOUNTS) {
        tw_eval_breaker_clear(ts, TW_EB_MERGE_REFCOUNTS);
        tw_brc_merge_queue(t);
    }
    if (bits & TW_EB_PENDING_CALLS) {
        /* The runtime keeps no queue of pending calls; the bit only makes
         * the thread look here. */
        tw_eval_breaker_clear(ts, TW_EB_PENDING_CALLS);
    }
    if (bits & TW_EB_QUIESCENT)
        tw_eval_breaker_clear(ts, TW_EB_QUIESCENT);
    if (bits & TW_EB_NOGIL_HOT) {
        tw_eval_breaker_clear(ts, TW_EB_NOGIL_HOT);
        tw_deferred_convert_hot(t);
    }
    tw_qsbr_quiescent(t);
    tw_qsbr_process(t);
    if (bits & TW_EB_GC_SCHEDULED) {
        tw_eval_breaker_clear(ts, TW_EB_GC_SCHEDULED);
        if (tw_gc_collect_scheduled() < 0)
            return -1;
    }
    return 0;
}

/* ---------------- lifecycle ------------------------------------------ */

/* Make t the calling OS thread's state (its ident, thread-locals and
 * owner id) and attach it. */
static void bind_and_attach(TwNogilThread *t)
{
    t->base.ident = (uint64_t)pthread_self();
    tw_tstate_tls = &t->base;
    /* read by stop-the-world walkers (bias.c) and --stats */
    __atomic_store_n(&t->cs, &tw_cs_tls, __ATOMIC_RELEASE);
    tw_pool_thread_start(t);
    tw_thread_id_tls = t->tid;
    tw_nogil_attach(t);
}

void tw_runtime_init(void)
{
    TwNogilThread *t = tw_nogil_thread();
    if (t) {
        tw_nogil_attach(t);
        return;
    }
    __atomic_store_n(&runtime_started, true, __ATOMIC_RELEASE);
    t = tstate_new();
    if (!t) {
        fprintf(stderr, "twinpy: fatal: cannot allocate the main thread state\n");
        abort();
    }
    /* Objects made before the runtime started keep their owner. */
    if (tw_thread_id_tls)
        __atomic_store_n(&t->tid, tw_thread_id_tls, __ATOMIC_RELEASE);
    bind_and_attach(t);
}

void tw_runtime_fini(void)
{
    TwNogilThread *t = tw_nogil_thread();
    if (!t)
        return;
    tw_nogil_attach(t);
    tw_brc_merge_queue(t);
    tw_gc_flush_count(t);
    tw_qsbr_quiescent(t);
    tw_qsbr_process(t);
    tw_nogil_detach(t);
}

/* The end of a spawned thread, in the order that keeps every other thread
 * safe: finish all work on objects while attached, give up ownership of the
 * thread's objects, detach, unlink the state, then hand the state itself to
 * QSBR so that walkers of the thread list never see it freed. */
static void thread_exit(TwNogilThread *t)
{
    TwObject *exc = t->base.exc, *handled = t->base.handled_exc;
    t->base.exc = t->base.handled_exc = NULL;
    if (exc)
        tw_decref(exc);
    if (handled)
        tw_decref(handled);
    tw_trashcan_thread_exit(t);
    tw_deferred_thread_exit(t);
    tw_brc_merge_queue(t);
    tw_gc_flush_count(t);
    tw_brc_thread_exit(t);
    tw_qsbr_quiescent(t);
    tw_qsbr_process(t);
    tw_nogil_detach(t);
    tw_pool_thread_exit(t);

    pthread_mutex_lock(&threads_lock);
    tstate_unlink_locked(t);
    tw_gc_thread_exit(t);
    tw_stats_retire_thread(t);
    tw_mem_retire_thread(&t->base);
    pthread_mutex_unlock(&threads_lock);
    __atomic_fetch_add(&tw_nogil_gstats.threads_exited, 1, __ATOMIC_RELAXED);

    tw_tstate_tls = NULL;
    tw_qsbr_thread_exit(t);
    __atomic_fetch_sub(&tw_nogil_live_threads, 1, __ATOMIC_SEQ_CST);
}

typedef struct {
    void (*fn)(void *);
    void *arg;
    void (*exited)(void *);
    void *exited_arg;
    TwNogilThread *t;
} TwSpawn;

static void *thread_main(void *p)
{
    TwSpawn sp = *(TwSpawn *)p;
    free(p);
    TwNogilThread *t = sp.t;
    bind_and_attach(t);
    sp.fn(sp.arg);
    thread_exit(t);
    if (sp.exited)
        sp.exited(sp.exited_arg);
    return NULL;
}

int tw_thread_spawn(void (*fn)(void *), void *arg, uint64_t *ident_out)
{
    return tw_thread_spawn_ex(fn, arg, NULL, NULL, ident_out);
}

int tw_thread_spawn_ex(void (*fn)(void *), void *arg, void (*exited)(void *), void *exited_arg,
                       uint64_t *ident_out)
{
    if (!tw_nogil_thread())
        tw_runtime_init();
    TwSpawn *sp = malloc(sizeof *sp);
    TwNogilThread *t = sp ? tstate_new() : NULL;
    if (!t) {
        free(sp);
        errno = ENOMEM;
        return -1;
    }
    sp->fn = fn;
    sp->arg = arg;
    sp->exited = exited;
    sp->exited_arg = exited_arg;
    sp->t = t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, (size_t)16 << 20);
    pthread_t th;
    int rc = pthread_create(&th, &attr, thread_main, sp);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        free(sp);
        tw_nogil_threads_lock_attached();
        tstate_unlink_locked(t);
        tw_gc_thread_exit(t);
        pthread_mutex_unlock(&threads_lock);
        __atomic_store_n(&t->tid, 0, __ATOMIC_SEQ_CST);
        tw_qsbr_retire_orphan(t, sizeof *t, true);
        __atomic_fetch_sub(&tw_nogil_live_threads, 1, __ATOMIC_SEQ_CST);
        errno = rc;
        return -1;
    }
    if (ident_out)
        *ident_out = (uint64_t)th;
    return 0;
}

/* A thread the runtime did not create (benchmark or embedder pthread). */
TwThreadState *tw_thread_attach_current(void)
{
    TwNogilThread *t = tw_nogil_thread();
    if (t) {
        tw_nogil_attach(t);
        return &t->base;
    }
    if (!__atomic_load_n(&runtime_started, __ATOMIC_ACQUIRE)) {
        tw_runtime_init();
        return tw_tstate_tls;
    }
    t = tstate_new();
    if (!t)
        return NULL;
    bind_and_attach(t);
    return &t->base;
}

void tw_thread_detach_current(void)
{
    TwNogilThread *t = tw_nogil_thread();
    if (!t)
        return;
    tw_nogil_attach(t);
    thread_exit(t);
}
