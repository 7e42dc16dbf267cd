/*
 * qsbr.c — quiescent-state based reclamation: memory that another thread
 * may be reading without a lock is freed only after every thread has
 * passed a quiescent state (a point where it holds no such pointer).
 *
 * Quiescent points: every tw_eval_breaker_handle call (between two
 * instructions the interpreter holds only counted references), detaching
 * (a detached thread touches no object), thread exit.
 *
 * Sequences.  `wr_seq` (global, starts at 1) only grows.  Each thread has
 * `qsbr_seq`: the value of wr_seq it read at its last quiescent point, or 0
 * while it is detached (offline: it reads nothing and is ignored).
 *   defer(p):   the caller has already made p unreachable; p is appended
 *               to the thread's FIFO without a goal (no fence, no shared
 *               write: deferring costs a few stores);
 *   assign:     at the next poll, after a full fence, the thread advances
 *               wr_seq to g and gives goal g to every item without one;
 *   quiescent:  qsbr_seq = wr_seq (seq_cst);
 *   poll:       rd = min(qsbr_seq of online threads, wr_seq); an item is
 *               freed when its goal <= rd.
 * Why it is safe: a thread whose qsbr_seq >= g read wr_seq after our
 * advance wrote g, which follows (fence) every unlink of the batch; so that
 * quiescent point, and everything the thread reads after it, comes after
 * the unlinks.  A thread that goes online takes the current wr_seq: it
 * cannot hold older pointers.
 * Polling is safe anywhere (the caller's own slot takes part), but only
 * quiescent points move the caller's slot forward.
 *
 * Per-thread FIFO of deferred frees: goals never decrease along it, so a
 * poll frees a prefix.  When a thread's backlog grows it sets
 * TW_EB_QUIESCENT on itself (to reach a quiescent point soon) and on
 * threads that lag behind its oldest goal; past TW_QSBR_YIELD_BACKLOG it
 * also yields its core, since a laggard that cannot answer is usually one
 * the kernel has descheduled (more threads than cores), and memory would
 * otherwise grow with every time slice it waits.
 *
 * Object memory.  tw_object_free / tw_gc_free defer every published
 * object (tw_object_publish) while another thread is online
 * (tw_qsbr_needed()).  Rule and reason: a published object sits or sat in
 * a list, dict or global cache that another thread reads optimistically
 * (tw_try_incref_item), and the reader touches the object's header before
 * it can know the object died; reusing the memory then would let it
 * corrupt an unrelated object.  An object never published has no such
 * reader: its block is reused at once.  When no other thread is online (alone, or
 * the others blocked in joins, sleeps, lock waits) there is no such reader:
 * a thread holds no optimistic pointer across a detach, and one that comes
 * online later sees only what is still reachable (see tw_qsbr_needed), so
 * frees are immediate and a single running thread pays no fence (the
 * membarrier in tw_qsbr_online stands in for it; see tw_qsbr_needed).
 * A thread that has just seen another online frees this way again only
 * after a run of frees alone (alone mode, tw_qsbr_needed), and a thread
 * going online runs membarrier only while some thread is in alone mode.
 * The deferred item records the block outside the object, so a stray
 * reader's increment of ob_ref_shared on a dead object is harmless.
 *
 * Orphans: frees still pending when a thread exits, thread states
 * themselves and their deferred-count chunks (mappings, unmapped when
 * due), go to a process-wide list (short mutex, taken only at thread
 * exit and by a poll that sees the list non-empty).
 */
#include <linux/membarrier.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "twinpy/nogil_internal.h"

#define TW_QSBR_RAW ((size_t)1 << (sizeof(size_t) * 8 - 1))
/* p was mapped with mmap (tw_qsbr_retire_orphan_mapping) */
#define TW_QSBR_MAPPED ((size_t)1 << (sizeof(size_t) * 8 - 3))
/* A thread reaches a quiescent point (and polls) after every
 * TW_QSBR_PROCESS_EVERY deferred frees, and pokes the laggards once its
 * backlog reaches TW_QSBR_POKE_BACKLOG.  What waits is memory: with 256
 * and 1024, shared_dict_lock at 4 threads on 2 cores (every value a
 * thread replaces in the shared dict is published, so its free waits)
 * peaked at 6.80-6.86 MiB against the GIL build's 5.93-6.05; with 64 and
 * 256, 6.53-6.60 MiB (32 and 128: 6.44-6.48, but producer_consumer at 4
 * threads 5% slower).  Times, 7 interleaved runs, medians: shared_dict_lock
 * at 1 and 2 threads, alloc_churn at 2 and producer_consumer at 2 and 4
 * within 1.5% (noise), shared_dict_lock at 4 threads 0.86x. */
#define TW_QSBR_PROCESS_EVERY 64
#define TW_QSBR_POKE_BACKLOG 256
/* Yielding as soon as the backlog is worth a poke: with 4 threads on 2
 * cores it halves peak memory of allocation-heavy scripts (20 -> 8 MB)
 * at no cost in time; with a core per thread sched_yield returns at once. */
#define TW_QSBR_YIELD_BACKLOG 256

static uint64_t wr_seq = 1;
static uint64_t rd_seq = 1;

static pthread_mutex_t orphan_lock = PTHREAD_MUTEX_INITIALIZER;
static TwQsbrQueue orphans;
static uint64_t orphan_count;      /* atomic mirror of orphans.count */

static uint64_t advance(void)
{
    return __atomic_add_fetch(&wr_seq, 1, __ATOMIC_SEQ_CST);
}

static void queue_assign_goals(TwQsbrQueue *q);

/* Goals first: the batch filed before this point can then be freed as soon
 * as the other threads catch up, without waiting for our next one. */
void tw_qsbr_quiescent(TwNogilThread *t)
{
    if (__atomic_load_n(&t->qsbr_seq, __ATOMIC_RELAXED) == 0)
        return;
    queue_assign_goals(&t->qsbr_queue);
    __atomic_store_n(&t->qsbr_seq, __atomic_load_n(&wr_seq, __ATOMIC_SEQ_CST), __ATOMIC_SEQ_CST);
}

uint32_t tw_qsbr_online_count;
uint32_t tw_qsbr_alone_count;
bool tw_qsbr_asym_fence;

/* True when t is now in alone mode (its flag set, nobody else online):
 * see tw_qsbr_needed. */
bool tw_qsbr_alone_try(TwNogilThread *t)
{
    if (t->qsbr_alone_wait > 0) {
        t->qsbr_alone_wait--;
        return false;
    }
    __atomic_fetch_add(&tw_qsbr_alone_count, 1, __ATOMIC_SEQ_CST);
    t->qsbr_alone = true;
    if (__atomic_load_n(&tw_qsbr_online_count, __ATOMIC_SEQ_CST) <= 1)
        return true;
    tw_qsbr_alone_leave(t);
    return false;
}

void tw_qsbr_alone_leave(TwNogilThread *t)
{
    t->qsbr_alone = false;
    __atomic_fetch_sub(&tw_qsbr_alone_count, 1, __ATOMIC_SEQ_CST);
}
static pthread_once_t asym_once = PTHREAD_ONCE_INIT;

static void asym_fence_init(void)
{
    long cmds = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
    if (cmds > 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) &&
        syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0)
        __atomic_store_n(&tw_qsbr_asym_fence, true, __ATOMIC_SEQ_CST);
}

/* Going online.  If another thread is online in alone mode it may be
 * freeing memory right now on the strength of a count read without a fence
 * (see tw_qsbr_needed): the membarrier after our increment makes each such
 * thread either see the increment or have its unlinks visible to us.  With
 * nobody in alone mode (tw_qsbr_alone_count read after the increment) no
 * thread frees without a grace period, and none starts before it reads
 * the count our increment is in: no membarrier.
 * When nobody else is online nobody frees without looking again (a thread
 * that goes online after us sees our increment: it is ordered after it). */
void tw_qsbr_online(TwNogilThread *t)
{
    pthread_once(&asym_once, asym_fence_init);
    if (__atomic_load_n(&t->qsbr_seq, __ATOMIC_RELAXED) == 0) {
        uint32_t prev = __atomic_fetch_add(&tw_qsbr_online_count, 1, __ATOMIC_SEQ_CST);
        if (prev > 0 && __atomic_load_n(&tw_qsbr_asym_fence, __ATOMIC_RELAXED) &&
            __atomic_load_n(&tw_qsbr_alone_count, __ATOMIC_SEQ_CST) != 0 &&
            syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) != 0) {
            /* Cannot happen once registered; fail safe: everyone fences. */
            __atomic_store_n(&tw_qsbr_asym_fence, false, __ATOMIC_SEQ_CST);
            syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
        }
    }
    __atomic_store_n(&t->qsbr_seq, __atomic_load_n(&wr_seq, __ATOMIC_SEQ_CST), __ATOMIC_SEQ_CST);
}

void tw_qsbr_offline(TwNogilThread *t)
{
    if (t->qsbr_alone)
        tw_qsbr_alone_leave(t);
    if (__atomic_load_n(&t->qsbr_seq, __ATOMIC_RELAXED) == 0)
        return;
    __atomic_store_n(&t->qsbr_seq, 0, __ATOMIC_SEQ_CST);
    __atomic_fetch_sub(&tw_qsbr_online_count, 1, __ATOMIC_SEQ_CST);
}

/* Smallest sequence every online thread has reached. */
static uint64_t poll_min(void)
{
    uint64_t min = __atomic_load_n(&wr_seq, __ATOMIC_SEQ_CST);
    for (TwNogilThread *t = tw_nogil_threads_first(); t; t = tw_nogil_threads_next(t)) {
        uint64_t s = __atomic_load_n(&t->qsbr_seq, __ATOMIC_SEQ_CST);
        if (s != 0 && s < min)
            min = s;
    }
    /* Release: a thread that frees on the strength of rd_seq alone must
     * inherit our reads of the other threads' quiescent states. */
    uint64_t rd = __atomic_load_n(&rd_seq, __ATOMIC_RELAXED);
    while (rd < min &&
           !__atomic_compare_exchange_n(&rd_seq, &rd, min, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_RELAXED))
        ;
    return min;
}

static bool goal_reached(uint64_t goal)
{
    if (goal <= __atomic_load_n(&rd_seq, __ATOMIC_ACQUIRE))
        return true;
    return poll_min() >= goal;
}

/* ---------------- FIFO of items ------------------------------------- */

static bool queue_push(TwQsbrQueue *q, void *p, size_t size, uint64_t goal)
{
    TwQsbrChunk *c = q->last;
    if (!c || c->tail == TW_QSBR_CHUNK_ITEMS) {
        TwQsbrChunk *n = q->spare;
        q->spare = NULL;
        if (!n && !(n = malloc(sizeof *n)))
            return false;
        n->next = NULL;
        n->head = n->tail = 0;
        if (c)
            c->next = n;
        else
            q->first = n;
        q->last = n;
        c = n;
    }
    if (goal == 0 && q->unassigned++ == 0) {
        q->pend_chunk = c;
        q->pend_idx = c->tail;
    }
    c->items[c->tail++] = (TwQsbrItem){ p, size, goal };
    q->count++;
    return true;
}

static void item_free(const TwQsbrItem *it)
{
    if (it->size & TW_QSBR_MAPPED)
        munmap(it->p, it->size & ~TW_QSBR_MAPPED);
    else if (it->size & TW_QSBR_RAW)
        free(it->p);
    else if (it->size & TW_QSBR_OBJECT_BLOCK)
        tw_nogil_block_free(it->p, it->size & ~TW_QSBR_OBJECT_BLOCK);
    else
        tw_mem_free(it->p, it->size);
}

/* Free the prefix of q whose goals are <= rd.  Returns items freed. */
static size_t queue_free_upto(TwQsbrQueue *q, uint64_t rd)
{
    size_t freed = 0;
    while (q->first) {
        TwQsbrChunk *c = q->first;
        while (c->head < c->tail && c->items[c->head].goal != 0 &&
               c->items[c->head].goal <= rd) {
            item_free(&c->items[c->head++]);
            freed++;
        }
        if (c->head < c->tail)
            break;
        if (c->tail < TW_QSBR_CHUNK_ITEMS && c == q->last) {
            c->head = c->tail = 0;     /* empty: keep it for reuse */
            break;
        }
        q->first = c->next;
        if (!q->first)
            q->last = NULL;
        if (!q->spare)
            q->spare = c;
        else
            free(c);
    }
    q->count -= freed;
    return freed;
}

/* Give every item filed since the last assignment the goal of a fresh
 * advance of wr_seq. */
static void queue_assign_goals(TwQsbrQueue *q)
{
    if (q->unassigned == 0)
        return;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    uint64_t goal = advance();
    TwQsbrChunk *c = q->pend_chunk;
    uint32_t i = q->pend_idx;
    for (; c; c = c->next, i = 0)
        for (; i < c->tail; i++)
            c->items[i].goal = goal;
    q->unassigned = 0;
    q->pend_chunk = NULL;
}

static uint64_t queue_oldest_goal(const TwQsbrQueue *q)
{
    for (const TwQsbrChunk *c = q->first; c; c = c->next)
        if (c->head < c->tail)
            return c->items[c->head].goal;
    return 0;
}

static void queue_release(TwQsbrQueue *q)
{
    for (TwQsbrChunk *c = q->first; c;) {
        TwQsbrChunk *n = c->next;
        free(c);
        c = n;
    }
    free(q->spare);
    q->first = q->last = q->spare = q->pend_chunk = NULL;
    q->count = q->unassigned = 0;
}

/* ---------------- deferring and processing -------------------------- */

void tw_qsbr_defer_free(TwNogilThread *t, void *p, size_t size)
{
    if (!queue_push(&t->qsbr_queue, p, size, 0))
        return;    /* out of memory for bookkeeping: leak rather than risk reuse */
    t->stats.qsbr_deferred++;
    t->stats.qsbr_deferred_bytes += size & ~(TW_QSBR_RAW | TW_QSBR_OBJECT_BLOCK);
    uint64_t n = t->qsbr_queue.count;
    if (n % TW_QSBR_PROCESS_EVERY == 0) {
        tw_eval_breaker_set(&t->base, TW_EB_QUIESCENT);
        /* read-mostly line: written only when a backlog is a new high */
        if (n > __atomic_load_n(&tw_nogil_gstats.qsbr_backlog_max, __ATOMIC_RELAXED))
            tw_stat_max(&tw_nogil_gstats.qsbr_backlog_max, n);
    }
}

/* Ask the threads that have not reached goal to report a quiescent state. */
static void poke_laggards(uint64_t goal)
{
    for (TwNogilThread *t = tw_nogil_threads_first(); t; t = tw_nogil_threads_next(t)) {
        uint64_t s = __atomic_load_n(&t->qsbr_seq, __ATOMIC_RELAXED);
        if (s != 0 && s < goal &&
            !(__atomic_load_n(&t->base.eval_breaker, __ATOMIC_RELAXED) & TW_EB_QUIESCENT))
            tw_eval_breaker_set(&t->base, TW_EB_QUIESCENT);
    }
}

static void process_orphans(void)
{
    if (__atomic_load_n(&orphan_count, __ATOMIC_RELAXED) == 0)
        return;
    if (pthread_mutex_trylock(&orphan_lock) != 0)
        return;
    uint64_t rd = poll_min();
    /* Orphan goals come from several threads: scan every item. */
    TwQsbrQueue keep = { 0 };
    for (TwQsbrChunk *c = orphans.first; c; c = c->next) {
        for (uint32_t i = c->head; i < c->tail; i++) {
            if (c->items[i].goal <= rd)
                item_free(&c->items[i]);
            else
                (void)queue_push(&keep, c->items[i].p, c->items[i].size, c->items[i].goal);
                /* (a failed push leaks the block rather than risk reuse) */
        }
    }
    queue_release(&orphans);
    orphans = keep;
    __atomic_store_n(&orphan_count, orphans.count, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&orphan_lock);
}

void tw_qsbr_process(TwNogilThread *t)
{
    process_orphans();
    TwQsbrQueue *q = &t->qsbr_queue;
    if (q->count == 0)
        return;
    t->stats.qsbr_polls++;
    queue_assign_goals(q);
    uint64_t goal = queue_oldest_goal(q);
    if (!goal_reached(goal)) {
        if (q->count >= TW_QSBR_POKE_BACKLOG)
            poke_laggards(goal);
        /* A laggard that stays behind with this much waiting is most
         * likely off its core (more threads than cores): offer ours. */
        if (q->count >= TW_QSBR_YIELD_BACKLOG)
            sched_yield();
        return;
    }
    size_t freed = queue_free_upto(q, __atomic_load_n(&rd_seq, __ATOMIC_ACQUIRE));
    t->stats.qsbr_freed += freed;
}

static void retire_orphan(void *p, size_t size_and_flags)
{
    pthread_mutex_lock(&orphan_lock);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    uint64_t goal = advance();
    if (queue_push(&orphans, p, size_and_flags, goal))
        __atomic_store_n(&orphan_count, orphans.count, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&orphan_lock);
}

void tw_qsbr_retire_orphan(void *p, size_t size, bool raw)
{
    retire_orphan(p, size | (raw ? TW_QSBR_RAW : 0));
}

void tw_qsbr_retire_orphan_mapping(void *p, size_t size)
{
    retire_orphan(p, size | TW_QSBR_MAPPED);
}

/* The exiting thread is offline and unlinked: its pending frees and its
 * state go to the orphan list. */
void tw_qsbr_thread_exit(TwNogilThread *t)
{
    queue_assign_goals(&t->qsbr_queue);
    pthread_mutex_lock(&orphan_lock);
    for (TwQsbrChunk *c = t->qsbr_queue.first; c; c = c->next)
        for (uint32_t i = c->head; i < c->tail; i++)
            queue_push(&orphans, c->items[i].p, c->items[i].size, c->items[i].goal);
    queue_release(&t->qsbr_queue);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    queue_push(&orphans, t, sizeof *t | TW_QSBR_RAW, advance());
    __atomic_store_n(&orphan_count, orphans.count, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&orphan_lock);
}

uint64_t tw_qsbr_pending_count(void)
{
    uint64_t n = __atomic_load_n(&orphan_count, __ATOMIC_RELAXED);
    TwNogilThread *me = tw_nogil_thread();
    if (me)
        n += me->qsbr_queue.count;
    return n;
}

/* ---------------- the seam --------------------------------------------- */

void tw_mem_free_delayed(void *p, size_t size)
{
    if (p == NULL)
        return;
    TwNogilThread *t = tw_nogil_thread();
    if (!t || !tw_qsbr_needed(t)) {
        tw_mem_free(p, size);
        return;
    }
    if (size == 0)
        size = 1;
    tw_qsbr_defer_free(t, p, size);
}
