/*
 * nogil_internal.h — what the files of the free-threaded runtime share with
 * each other (and with its unit tests).  Nothing in shared/ includes this.
 *
 * One mechanism per file:
 *   tstate.c            thread states, attach/detach, spawn, eval breaker
 *   brc.c               biased reference counting slow paths and queues
 *   mutex.c             the 1-byte mutex (spin, then park)
 *   parking_lot.c       address-keyed wait queues on futexes
 *   critical_section.c  per-thread stacks of object locks, suspend/resume
 *   qsbr.c              quiescent-state based reclamation (delayed frees)
 *   stop_the_world.c    pausing every other thread
 *   gc_stw.c            per-thread registries of tracked objects, cycle GC
 *   object_memory.c     object allocation, dealloc, trashcan
 *   deferred_rc.c       per-thread reference counts of hot shared objects
 *   bias.c              biased containers: private to their owner until shared
 *   stats.c             --stats counters and the --trace recorder
 */
#ifndef TWINPY_NOGIL_INTERNAL_H
#define TWINPY_NOGIL_INTERNAL_H

#include <pthread.h>

#include "twinpy/runtime.h"

/* ---------------- time ----------------------------------------------- */

uint64_t tw_monotonic_ns(void);

/* ---------------- parking_lot.c -------------------------------------- */

/* What tw_unpark_one tells its callback (which runs under the bucket lock,
 * so it can update the lock word atomically with the decision). */
typedef struct {
    bool found;               /* a waiter on this address was dequeued     */
    bool more_waiters;        /* others still wait on the address          */
    bool be_fair;             /* hand it what it waits for (see below)     */
} TwUnparkInfo;

/* be_fair: the dequeued waiter has waited over TW_PARK_FAIR_NS, and no
 * waiter of the same bucket was told so in the last TW_PARK_FAIR_NS.  So
 * a contended lock goes to its oldest waiter at least once per interval
 * (a hog cannot keep it), without making each release a hand-off: a
 * waiter handed a lock usually is not running yet, and with more threads
 * than cores the lock would sit idle until the scheduler ran it, release
 * after release.  A waiter woken without it races for the lock and, if it
 * loses, queues again at the back (keeping its age: tw_park's since_ns). */
#define TW_PARK_FAIR_NS 1000000u

/* Block the calling thread on addr while validate(addr, arg) (checked under
 * the bucket lock) is true.  Returns 1 and the unparker's value in
 * *wake_value when woken, 0 if validation failed.  since_ns: when the
 * caller began to wait (tw_monotonic_ns; its first park, so a waiter
 * woken only to lose the race again keeps its age).  The caller must not
 * be attached if the wait can be long (object mutexes park detached). */
int tw_park(const void *addr, bool (*validate)(const void *addr, void *arg), void *arg,
            uint64_t since_ns, uintptr_t *wake_value);
/* Wake the oldest waiter on addr; cb decides (under the bucket lock) what
 * value the waiter receives.  cb is called even when nobody waits. */
void tw_unpark_one(const void *addr, uintptr_t (*cb)(void *arg, const TwUnparkInfo *info),
                   void *arg);
void tw_unpark_all(const void *addr);

/* Raw futex helpers (also used by tstate.c and stop_the_world.c). */
void tw_futex_wait(uint32_t *addr, uint32_t expected, int64_t timeout_ns);
void tw_futex_wake(uint32_t *addr, int n);
/* The same with a count of the threads sleeping on the word, so that a
 * waker skips the system call when none is (parking_lot.c has the
 * argument): the waker changes *addr by a sequentially consistent store or
 * read-modify-write before tw_futex_wake_counted. */
void tw_futex_wait_counted(uint32_t *addr, uint32_t expected, int64_t timeout_ns,
                           uint32_t *sleepers);
void tw_futex_wake_counted(uint32_t *addr, int n, const uint32_t *sleepers);

/* ---------------- mutex.c -------------------------------------------- */

enum { TW_MUTEX_LOCKED = 1, TW_MUTEX_PARKED = 2 };
/* TW_MUTEX_BIASED (4, runtime_inline.h): not a lock state; see bias.c. */
#define TW_MUTEX_HANDOFF ((uintptr_t)1)

void tw_mutex_lock_slow(uint8_t *m);
void tw_mutex_unlock_slow(uint8_t *m);

static inline bool tw_mutex_trylock(uint8_t *m)
{
    uint8_t expected = 0;
    return __atomic_compare_exchange_n(m, &expected, TW_MUTEX_LOCKED, false,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void tw_mutex_lock(uint8_t *m)
{
    if (!tw_mutex_trylock(m))
        tw_mutex_lock_slow(m);
}

static inline void tw_mutex_unlock(uint8_t *m)
{
    uint8_t expected = TW_MUTEX_LOCKED;
    if (!__atomic_compare_exchange_n(m, &expected, 0, false, __ATOMIC_RELEASE,
                                     __ATOMIC_RELAXED))
        tw_mutex_unlock_slow(m);
}

static inline bool tw_mutex_is_locked(const uint8_t *m)
{
    return (__atomic_load_n(m, __ATOMIC_RELAXED) & TW_MUTEX_LOCKED) != 0;
}

/* ---------------- per-thread state ------------------------------------ */

typedef enum {
    TW_TS_DETACHED = 0,
    TW_TS_ATTACHED = 1,
    TW_TS_SUSPENDED = 2,
} TwThreadStatus;

/* One pending delayed free. */
typedef struct {
    void *p;
    size_t size;
    uint64_t goal;            /* free once every online thread saw >= goal */
} TwQsbrItem;

#define TW_QSBR_CHUNK_ITEMS 126
typedef struct TwQsbrChunk {
    struct TwQsbrChunk *next;
    uint32_t head, tail;      /* items[head..tail) are pending              */
    TwQsbrItem items[TW_QSBR_CHUNK_ITEMS];
} TwQsbrChunk;

/* FIFO of delayed frees; goals are non-decreasing from first to last.
 * The newest `unassigned` items (from pend_chunk/pend_idx on) have goal 0:
 * goals are given in batches, at the next poll. */
typedef struct {
    TwQsbrChunk *first, *last;
    TwQsbrChunk *spare;
    size_t count;
    size_t unassigned;
    TwQsbrChunk *pend_chunk;
    uint32_t pend_idx;
} TwQsbrQueue;

/* Prefix of every object allocated with tw_gc_alloc. */
typedef struct TwGcHead {
    struct TwGcHead *next, *prev;
    /* Tracked: the TwGcList the object is on.  During a collection (world
     * stopped): the object's gc_refs. */
    uintptr_t u;
} TwGcHead;

/* A registry of tracked objects.  Each thread owns one while it lives;
 * registries are never freed: an exiting thread returns its registry (with
 * whatever objects are still on it) to a pool and a new thread adopts it. */
typedef struct TwGcList {
    /* Sentinels of three circular doubly linked lists, the generations:
     * 0 tracked since the last collection, 1 survived one collection of
     * generation 0, 2 old.  An object's links change only under `lock`,
     * or with the world stopped (promotion after a collection). */
    TwGcHead gens[3];
    uint8_t lock;             /* tw_mutex: owner and cross-thread untracks */
    /* Biased to `owner` (gc_stw.c): the owner changes the links without
     * the lock.  Set true by the adopting side under `lock`, false with
     * the world stopped or when the owner exits. */
    bool biased;
    struct TwNogilThread *owner;    /* NULL while pooled                   */
    struct TwGcList *next_all;      /* every registry ever made            */
    struct TwGcList *next_free;     /* pool of unowned registries          */
    /* The last parallel phase of a collection that claimed this registry
     * (gc_stw.c): each phase processes each registry once. */
    uint64_t gc_claim;
} TwGcList;

#define TW_GC_HEAD(op) ((TwGcHead *)(op) - 1)
#define TW_GC_OBJ(g) ((TwObject *)((TwGcHead *)(g) + 1))

/* ob_gc_bits */
enum {
    TW_GC_TRACKED = 1u << 0,
    TW_GC_REACHABLE = 1u << 1,    /* only during a collection              */
    TW_GC_UNREACHABLE = 1u << 2,  /* found in a cycle, being cleared       */
    TW_GC_CANDIDATE = 1u << 3,    /* in the generations being collected    */
    TW_GC_DYING = 1u << 4,        /* being untracked from another thread's
                                     biased registry (gc_stw.c): maybe torn
                                     down, never traversed                 */
    TW_GC_UNREPORTED = 1u << 5,   /* only while a collection counts what it
                                     reports (gc_stw.c, count_reported)    */
    TW_GC_FINALIZED = 1u << 6,    /* its finalizer has run (kept for life) */
};

/* Counters the owning thread writes with plain stores (summed by
 * tw_stats_dump; folded into process totals when the thread exits). */
typedef struct {
    uint64_t brc_shared_decref;   /* tw_brc_decref_shared calls            */
    uint64_t brc_local_zero;      /* owner took ob_ref_local to zero: slow path (shared counts or published) */
    uint64_t brc_queued;          /* objects this thread queued to owners  */
    uint64_t brc_sent;            /* outboxes it pushed to live owners     */
    uint64_t brc_merged;          /* refcounts merged into ob_ref_shared   */
    uint64_t brc_try_incref_fail;
    uint64_t mutex_fast;          /* sections that found their mutex free  */
    uint64_t cs_elided;           /* sections that took no lock (solo, biased) */
    uint64_t mutex_slow;
    uint64_t mutex_parked;
    uint64_t mutex_handoff;
    uint64_t cs_suspended;
    uint64_t solo_enter;          /* times this thread started running solo */
    uint64_t solo_revoke;         /* times it asked a solo thread to stop  */
    uint64_t bias_revoke;         /* stops to unbias another thread's object */
    uint64_t bias_escape;         /* own objects unbiased on a shared store */
    uint64_t bias_cleared;        /* objects this thread unbiased          */
    uint64_t qsbr_deferred;
    uint64_t qsbr_deferred_bytes;
    uint64_t qsbr_freed;
    uint64_t qsbr_polls;
    uint64_t gc_finalized;        /* finalizers it marked run              */
} TwNogilStats;
#define TW_NOGIL_STATS_FIELDS(X) \
    X(brc_shared_decref) X(brc_local_zero) X(brc_queued) X(brc_sent) X(brc_merged) \
    X(brc_try_incref_fail) X(mutex_fast) X(cs_elided) X(mutex_slow) X(mutex_parked) \
    X(mutex_handoff) X(cs_suspended) X(solo_enter) X(solo_revoke) \
    X(bias_revoke) X(bias_escape) X(bias_cleared) X(qsbr_deferred) X(qsbr_deferred_bytes) \
    X(qsbr_freed) X(qsbr_polls) X(gc_finalized)

/* A node of a BRC queue (lock-free multi-producer stack): n objects for
 * one owner, each holding the reference its queueing decrement dropped.
 * A thread fills one node (its outbox, up to TW_BRC_BATCH objects for one
 * owner) before it pushes it: brc.c. */
#define TW_BRC_BATCH 30
typedef struct TwBrcNode {
    struct TwBrcNode *next;
    uint32_t n;
    TwObject *ops[];
} TwBrcNode;

/* object_memory.c: per-thread pools of small blocks, by multiple of 16
 * (TwPoolTls and its fast paths are in twinpy/pool.h). */
typedef struct TwNogilThread {
    TwThreadState base;           /* must be first                          */
    /* Owner id while the thread lives; 0 once it has abandoned its objects.
     * Read by other threads (atomic). */
    uintptr_t tid;
    uint32_t status;              /* TwThreadStatus; futex word            */
    uint32_t status_sleepers;     /* threads asleep on status (atomic)     */
    /* brc.c: objects other threads queued to us (each holds a reference). */
    TwBrcNode *brc_queue;
    /* brc.c: the outbox, objects we queue to the owner brc_out_tid, not
     * pushed yet (only this thread touches it, or a stopped world). */
    TwBrcNode *brc_out;
    uintptr_t brc_out_tid;
    /* critical_section.c: the thread's own tw_cs_tls (its stack of
     * sections; its fast-path count is read by tw_stats_dump). */
    TwCsThread *cs;
    /* qsbr.c */
    uint64_t qsbr_seq;            /* last write sequence seen; 0 offline   */
    TwQsbrQueue qsbr_queue;
    bool qsbr_alone;              /* frees without grace periods (owner)   */
    uint32_t qsbr_alone_wait;     /* frees alone before it tries again     */
    /* gc_stw.c */
    TwGcList *gc_list;
    /* gc_list while it is biased to this thread, else NULL: the owner's
     * one-load test for changing its links without the lock.  Set with
     * the bias, cleared with it (world stopped, or by the owner). */
    TwGcList *gc_own;
    int gc_count_delta;           /* tracked minus untracked, not flushed  */
    int gc_flush_at;              /* flush gc_count_delta once it reaches
                                     this (gc_stw.c: count_change)         */
    /* object_memory.c: the thread's tw_pool_tls while it has one (read by
     * --stats under the threads lock), and the trashcan */
    TwPoolTls *pool;
    int trash_depth;
    bool trash_draining;
    TwObject **trash;
    size_t trash_len, trash_cap;
    /* deferred_rc.c: this thread's counts of deferred objects, by id, in
     * chunks of TW_DEFERRED_CHUNK (the directory and chunks never move
     * while the thread lives, so other threads may read them); closed once
     * folded at exit. */
    intptr_t **deferred_dir;
    uint32_t deferred_fold_seq;   /* odd while exit folds the slots        */
    bool deferred_closed;
    /* deferred_rc.c: a tick for sampling shared reads, and the objects
     * found hot, each holding a reference, waiting to be made deferred. */
    uint32_t hot_tick;
    TwObject **hot_cand;
    size_t hot_ncand, hot_cap;
        /* stop_the_world.c / trace */
    uint64_t attached_since_ns;
    uint64_t detached_since_ns;
    TwNogilStats stats;
    /* gc_stw.c: garbage of ours a collection found while we were parked
     * or waited for it to end (gc_waiting): each holds a reference
     * (counted in ob_ref_local); we clear and free it when we resume
     * (tw_gc_free_handoff).  Written by the collector with the world
     * stopped, then only by us; the buffer is kept for the next one. */
    TwObject **gc_handoff;
    size_t gc_handoff_len, gc_handoff_cap;
    /* gc_stw.c: the garbage this thread sorted in a collection's parallel
     * phase and left to the collector (no reference taken); written by
     * this thread in the phase, read and emptied by the collector after
     * it, both with the world stopped. */
    TwObject **gc_rest;
    size_t gc_rest_len, gc_rest_cap;
    bool parked;                  /* in tw_stw_park_self: resumes there    */
    /* stop_the_world.c: set (atomic) while the thread sleeps in
     * tw_nogil_attach waiting for a stop to end; resume_owed: a restart
     * woke it from such a wait (or from tw_stw_park_self) and it has not
     * attached since (the next stop waits a little for it) */
    bool waits_to_attach;
    bool resume_owed;
    /* in gc_stw.c's wait_for_collection: set while attached before it
     * detaches, cleared once it has attached again, so a stopped world
     * reads it steady; it frees any handoff before it runs on */
    bool gc_waiting;
    /* tstate.c: counted among the arrived threads (solo mode). */
    bool arrived;
} TwNogilThread;

static inline TwNogilThread *tw_nogil_thread(void) { return (TwNogilThread *)tw_tstate_tls; }

/* ---------------- tstate.c -------------------------------------------- */

/* Live threads (including ones being created); QSBR is needed iff > 1. */
extern uint32_t tw_nogil_live_threads;
/* First thread state of the runtime's list.  The list may be walked
 * without a lock by an attached thread (RCU-style): states are unlinked
 * under the list lock and freed only after a QSBR grace period. */
TwNogilThread *tw_nogil_threads_first(void);
static inline TwNogilThread *tw_nogil_threads_next(TwNogilThread *t)
{
    return (TwNogilThread *)__atomic_load_n(&t->base.next_all, __ATOMIC_ACQUIRE);
}
/* The live thread that owns objects with ob_tid == tid, or NULL. */
TwNogilThread *tw_nogil_thread_by_tid(uintptr_t tid);
uintptr_t tw_nogil_new_thread_id(void);
/* Attach / detach without touching critical sections. */
void tw_nogil_attach(TwNogilThread *t);
void tw_nogil_detach(TwNogilThread *t);
/* Solo mode (tstate.c): announce that the detached caller is about to
 * attach (or to take object locks before attaching), waiting until no
 * other thread runs solo; tw_nogil_attach does it when not done already. */
void tw_solo_arrive(TwNogilThread *t);
/* Detach, staying counted (about to take object locks while detached). */
void tw_nogil_detach_arrived(TwNogilThread *t);
/* No thread runs solo from now on (tests that spin attached without
 * eval-breaker checks; TWINPY_SOLO=0 does the same for a whole run). */
void tw_solo_disable(void);
/* Eval-breaker bits of solo mode: leave it (another thread arrives), try
 * to enter it (the others detached). */
#define TW_EB_NOGIL_SOLO_LEAVE (1u << 27)
#define TW_EB_NOGIL_SOLO_TRY (1u << 26)
/* Take the list lock from a thread that may be attached without blocking a
 * stop-the-world (detaches around a contended acquire). */
void tw_nogil_threads_lock_attached(void);

/* ---------------- brc.c ----------------------------------------------- */

/* Merge the queue of t (t is the calling thread, a thread that has
 * abandoned its objects, or the world is stopped). */
void tw_brc_merge_queue(TwNogilThread *t);
/* Push the caller's outbox to its owner (attached, or about to detach). */
void tw_brc_flush_outbox(TwNogilThread *t);
/* A dying thread gives up ownership (its queue drained, its id retired). */
void tw_brc_thread_exit(TwNogilThread *t);
/* World stopped: merge every thread's queue without dropping the queue's
 * reference; returns those objects (malloc'd array) for the caller to
 * tw_decref once the world runs again. */
TwObject **tw_brc_merge_all_stopped(size_t *n_out);
/* Fold ob_ref_local into ob_ref_shared (state MERGED, ob_tid 0) adding
 * extra; returns the resulting count. */
TwSsize tw_brc_explicit_merge(TwObject *op, TwSsize extra);

/* ---------------- critical_section.c ---------------------------------- */

void tw_cs_suspend_all(TwNogilThread *t);
/* Suspend `from` and every older section of t (t is the caller, or the
 * world is stopped): bias.c, converting sections. */
void tw_cs_suspend_from(TwNogilThread *t, TwCriticalSection *from);
void tw_cs_resume_top(TwNogilThread *t);
/* Lock every elided section of the caller for real (leaving solo mode). */
void tw_cs_hold_elided(void);

/* ---------------- qsbr.c ---------------------------------------------- */

/* Threads that are online (attached), maintained by tw_qsbr_online/offline. */
extern uint32_t tw_qsbr_online_count;
/* Threads whose qsbr_alone flag is set (see tw_qsbr_needed). */
extern uint32_t tw_qsbr_alone_count;
/* True once the process uses asymmetric fences (membarrier, see qsbr.c). */
extern bool tw_qsbr_asym_fence;
/* True when memory the caller has just made unreachable must wait for a
 * grace period: some other thread is online and may hold an optimistic
 * pointer to it.  Otherwise no other thread can reach it: one that comes
 * online later increments the count (seq_cst) before it reads anything,
 * and a fence orders the caller's unlink before its read of the count
 * (Dekker), so that thread sees the unlink.  That fence is asymmetric: the
 * thread going online, the rare side, runs membarrier() after its
 * increment, which puts a full barrier into every running thread; so the
 * freeing side, which runs for every object that dies, needs only a
 * compiler barrier (a full fence where membarrier is unavailable, and in
 * TSan builds, which do not model membarrier).  t may be NULL.
 *
 * Alone mode.  An online thread frees without a grace period only while
 * its qsbr_alone flag is set, and a thread going online runs membarrier
 * only when some thread has it set (tw_qsbr_alone_count != 0), so threads
 * that take turns sleeping (a queue's producer and consumer) do not pay an
 * interprocessor interrupt on every wake-up.  Rules (qsbr.c):
 *   - the flag is set by tw_qsbr_alone_try: increment tw_qsbr_alone_count
 *     (seq_cst read-modify-write: a full barrier), then read the online
 *     count (seq_cst); if it shows another thread the flag is cleared again;
 *   - it is cleared (tw_qsbr_alone_leave: decrement, seq_cst, so it
 *     releases every earlier unlink) as soon as the owner reads a count
 *     that shows another thread online, and when the owner goes offline;
 *   - tw_qsbr_online: increment the online count, then read
 *     tw_qsbr_alone_count (both seq_cst); membarrier only if non-zero.
 * Why it is safe: if the newcomer N reads zero, then for any thread F that
 * had the flag, either F's decrement came first (F's unlinks before it are
 * visible to N, and F frees without a grace period again only after a new
 * tw_qsbr_alone_try, whose read of the count comes after N's increment and
 * fails), or F's increment comes after N's read (same: F's read of the
 * count sees N).  If N reads non-zero it runs membarrier, as before.
 * A thread that has seen another thread online tries alone mode again
 * only after TW_QSBR_ALONE_AFTER frees in a row that found it alone
 * (they wait for a grace period, which passes at its next quiescent
 * point), so short stretches alone (the other side of a hand-off asleep
 * for some microseconds) stay out of it; a new thread tries at once. */
#define TW_QSBR_ALONE_AFTER 1024
bool tw_qsbr_alone_try(TwNogilThread *t);
void tw_qsbr_alone_leave(TwNogilThread *t);
static inline bool tw_qsbr_needed(TwNogilThread *t)
{
#if defined(__SANITIZE_THREAD__)
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
#else
    if (__builtin_expect(__atomic_load_n(&tw_qsbr_asym_fence, __ATOMIC_RELAXED), 1))
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
    else
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
    uint32_t online = __atomic_load_n(&tw_qsbr_online_count, __ATOMIC_SEQ_CST);
    uint32_t self = t && __atomic_load_n(&t->qsbr_seq, __ATOMIC_RELAXED) != 0;
    if (online > self) {
        if (t) {
            if (t->qsbr_alone)
                tw_qsbr_alone_leave(t);
            t->qsbr_alone_wait = TW_QSBR_ALONE_AFTER;
        }
        return true;
    }
    if (!self || t->qsbr_alone)
        return false;
    return !tw_qsbr_alone_try(t);
}
/* size may carry TW_QSBR_OBJECT_BLOCK: p is an object block (from
 * object_memory.c), freed through tw_nogil_block_free. */
#define TW_QSBR_OBJECT_BLOCK ((size_t)1 << (sizeof(size_t) * 8 - 2))
void tw_qsbr_defer_free(TwNogilThread *t, void *p, size_t size);
/* The calling thread holds no pointer read optimistically before now. */
void tw_qsbr_quiescent(TwNogilThread *t);
void tw_qsbr_online(TwNogilThread *t);
void tw_qsbr_offline(TwNogilThread *t);
/* Free what is due; called at quiescent points. */
void tw_qsbr_process(TwNogilThread *t);
/* Thread exit: hand remaining frees (and extra, e.g. the state itself) to
 * the process-wide orphan list. */
void tw_qsbr_thread_exit(TwNogilThread *t);
void tw_qsbr_retire_orphan(void *p, size_t size, bool raw);
/* The same for size bytes mapped with mmap: unmapped after the grace period. */
void tw_qsbr_retire_orphan_mapping(void *p, size_t size);
uint64_t tw_qsbr_pending_count(void);

/* ---------------- stop_the_world.c ------------------------------------ */

/* Pause every other thread (the caller must be attached).  Serialised:
 * one stop at a time. */
void tw_stw_stop(void);
void tw_stw_start(void);
/* Eval-breaker handler for TW_EB_STOP_THE_WORLD. */
void tw_stw_park_self(TwNogilThread *t);
/* t has attached: the restart that woke it is paid (tw_nogil_attach). */
void tw_stw_resumed(TwNogilThread *t);
/* What tw_stw_stop does first: let the threads the last restarts woke
 * attach (stop_the_world.c, Fairness).  A collection calls it before its
 * pause is timed: the other threads run meanwhile. */
void tw_stw_let_woken_run(void);
bool tw_stw_requested(void);
/* True while the caller is the thread that stopped the world. */
bool tw_stw_is_mine(void);
/* CPUs this process may run on (its affinity mask; read once). */
uint32_t tw_nogil_online_cpus(void);
/* More threads online than CPUs: a thread that spins holds a CPU another
 * needs (stop-the-world spins, a collection's helpers). */
bool tw_nogil_threads_outnumber_cpus(void);
/* Spin while *word reads val (`pauses` pauses, then, while every online
 * thread can have a core, up to a bound in time: stop_the_world.c); true
 * when it changed, false when the caller should sleep instead. */
bool tw_nogil_spin_while(const uint32_t *word, uint32_t val, int pauses);

/* ---------------- bias.c ---------------------------------------------- */

/* World stopped by the caller: unbias op (and what it reaches), converting
 * every thread's elided sections on it. */
void tw_bias_clear_stopped(TwObject *op);
/* World stopped by the caller: whether any thread has an open section
 * elided by bias (none can open one until the world restarts). */
bool tw_bias_sections_open_stopped(void);
/* World stopped by the caller, op unreachable (cycle garbage): only its
 * bit goes, nothing is published or followed (no reader can reach op).
 * sections_open: tw_bias_sections_open_stopped() of this stop; when false
 * no thread's sections need looking at. */
void tw_bias_drop_stopped(TwObject *op, bool sections_open);

/* ---------------- gc_stw.c -------------------------------------------- */

void tw_gc_thread_init(TwNogilThread *t);
void tw_gc_thread_exit(TwNogilThread *t);
void tw_gc_flush_count(TwNogilThread *t);
void tw_gc_free_handoff(TwNogilThread *t);
/* A thread parked for a stop (stop_the_world.c) helps a collection's
 * parallel phases: the phase count when it parked, then, while it spins,
 * tw_gc_help_stopped does the share of a phase posted since `*seen` (true
 * if there was one). */
uint64_t tw_gc_phase_seq(void);
bool tw_gc_help_stopped(TwNogilThread *t, uint64_t *seen);
/* Objects on every registry, counted on the lists (stops the world). */
TwSsize tw_gc_tracked_count(void);

/* ---------------- deferred_rc.c --------------------------------------- */

/* Eval-breaker bit of this runtime only (bits 0-5 are runtime.h's, 16 is
 * vm.h's step limit): hot shared objects wait to be
 * made deferred (tw_deferred_convert_hot). */
#define TW_EB_NOGIL_HOT (1u << 28)
/* t (the caller, attached) just counted op in its ob_ref_shared (BRC slow
 * paths): sample it; op may already be dead (its header is readable). */
void tw_deferred_note_shared(TwNogilThread *t, TwObject *op);
/* Eval breaker: stop the world and make the candidates deferred. */
void tw_deferred_convert_hot(TwNogilThread *t);

/* Thread exit (attached): fold this thread's counts into the objects. */
void tw_deferred_thread_exit(TwNogilThread *t);
/* World stopped: fold every thread's counts, so that ob_ref_shared >> 2 is
 * each deferred object's true count, and count the references the
 * threads' frames borrow (twinpy/vm.h) until tw_deferred_unprotect_stopped,
 * which the collector calls before the world runs again. */
void tw_deferred_merge_all_stopped(void);
void tw_deferred_unprotect_stopped(void);
/* World stopped, after the merge: make op an ordinary MERGED object with
 * the same count and release its id (the collector found it unreachable). */
void tw_deferred_convert_stopped(TwObject *op);
/* World stopped, after the merge: convert every untracked deferred object
 * whose count is 0 and return them (malloc'd array) for the caller to
 * tw_dealloc once the world runs again. */
size_t tw_deferred_take_dead_untracked_stopped(TwObject ***out);
bool tw_deferred_any_untracked(void);

/* ---------------- object_memory.c ------------------------------------- */

void tw_trashcan_thread_exit(TwNogilThread *t);
/* Free a block now (into the caller's pool if it fits): its grace period,
 * if it needed one, is over. */
void tw_nogil_block_free(void *p, size_t size);
void tw_pool_thread_start(TwNogilThread *t);
void tw_pool_thread_exit(TwNogilThread *t);

/* ---------------- stats.c --------------------------------------------- */

typedef struct {
    uint64_t stw_count, stw_total_ns, stw_max_ns;
    uint64_t stw_wait_total_ns, stw_wait_max_ns;   /* request to all stopped */
    uint64_t gc_runs, gc_collected, gc_pause_total_ns, gc_pause_max_ns;
    uint64_t gc_helped;   /* registries a parked thread walked for a phase */
    uint64_t threads_started, threads_exited;
    /* the most frees one thread had waiting for a grace period at once
     * (seen every TW_QSBR_PROCESS_EVERY deferrals, qsbr.c) */
    uint64_t qsbr_backlog_max;
} TwNogilGlobalStats;
extern TwNogilGlobalStats tw_nogil_gstats;   /* atomic fields             */
void tw_stats_retire_thread(TwNogilThread *t);
void tw_stat_max(uint64_t *slot, uint64_t v);
/* Trace events (no-ops unless --trace is on). */
bool tw_trace_enabled(void);
void tw_trace_complete(const char *name, uint64_t ident, uint64_t start_ns, uint64_t end_ns);

#endif /* TWINPY_NOGIL_INTERNAL_H */
