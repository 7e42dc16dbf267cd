/*
 * brc.c — biased reference counting: the slow paths behind tw_incref /
 * tw_decref (runtime_inline.h), the per-thread queues of objects whose
 * shared count would have gone negative, and ownership hand-over at thread
 * exit.  The design is CPython 3.13t's (PEP 703).
 *
 * Counts.  The owner (ob_tid == its tw_thread_id()) counts in ob_ref_local
 * with plain stores; everyone else in ob_ref_shared (count << 2 | state).
 * States of ob_ref_shared's low bits:
 *   DEFAULT  the count is >= 0; ob_ref_local belongs to the live owner
 *   QUEUED   a non-owner wanted to take a zero shared count negative; the
 *            object was pushed to its owner's queue instead, and the queue
 *            holds the reference that decrement would have dropped.  Later
 *            non-owner decrements may take the count negative.
 *   MERGED   ob_ref_local was folded in (ob_ref_local 0, ob_tid 0); the
 *            shared count is the whole count.
 * Invariant: ob_ref_local + (ob_ref_shared >> 2) == true count
 *            + (1 if the object sits in a queue).
 * So a queued object cannot be freed before its queue is merged, and the
 * merge subtracts the queue's reference (tw_brc_explicit_merge(op, -1)).
 *
 * Who frees: the owner when ob_ref_local reaches 0 with ob_ref_shared == 0;
 * otherwise whoever takes a MERGED count to 0 (exactly one CAS does).
 *
 * Queues.  Each thread has a lock-free multi-producer stack of nodes
 * (push: CAS on the head; the owner takes the whole stack with one
 * exchange, so there is no ABA).  A producer finds the owner by walking
 * the thread list (allowed while attached: see tstate.c), pushes, sets
 * TW_EB_MERGE_REFCOUNTS on the owner, and re-reads the owner's tid.
 * A node carries up to TW_BRC_BATCH objects of one owner: a thread fills
 * its outbox node before it pushes it (queue_object), and pushes it at
 * its next eval-breaker check, detach, or exit at the latest (and before
 * a join on it returns), so no object waits in an outbox while its holder
 * blocks.  An object in an
 * outbox is QUEUED like one in a queue (the invariant above counts it);
 * a collection, with the world stopped, merges outboxes as it merges
 * queues.  Only the outbox's thread touches it, or a stopped world.
 *
 * Thread exit (abandoning ownership):
 *   1. merge its queue;  2. store tid 0 in its state (seq_cst);
 *   3. switch the thread's own tw_thread_id to a fresh id, so it never
 *      writes ob_ref_local of its old objects again;  4. merge its queue
 *      again.
 * A producer that pushed after step 4 sees tid != owner's when it re-reads
 * (Dekker: both sides seq_cst) and drains that queue itself.  The state's
 * memory is still valid for it: states are freed only after a QSBR grace
 * period and the producer is not quiescent in the middle of a decref.
 * Objects whose owner is gone keep their stale ob_tid (never reused, so
 * never mistaken for anyone's); the non-owner that would queue one finds
 * no owner and merges it itself.  "Itself" is its own queue, merged at its
 * next eval-breaker check (merge_later): deaths run finalizers, and a
 * node is sent where Python code must not run (detach).  Dead owners' local counts are final
 * (published by step 2's store and the list unlink), so reading them is
 * race-free.
 *
 * Optimistic readers (tw_try_incref_item).  They read only objects that
 * were published (tw_object_publish: stored in a list, a dict or a global
 * cache), and tw_brc_try_incref_shared succeeds unless the object is dead,
 * i.e. its state is MERGED with a zero count.  Every death of a published
 * object leaves exactly that mark while other threads live:
 *   - a MERGED count reaches 0 by a CAS (non-owner decref, queue merge);
 *   - the owner taking ob_ref_local to 0 with a zero shared count swaps
 *     ob_ref_shared 0 -> MERGED by CAS and clears ob_tid before freeing
 *     (only while tw_qsbr_needed(): when no other thread is online, a
 *     plain check suffices because no other thread can be reading).
 * An object never published dies without the mark and its block is reused
 * at once (object_memory.c); nothing but a holder of a reference touches
 * it.  The publishing store happens before its death (the reference the
 * slot held was dropped under the container's lock or by a decrement
 * ordered before the death's acquire load), so the dying thread sees it.
 * A reader whose increment wins the race against that CAS makes the owner
 * take the merge path instead, so the object stays alive and the reader
 * holds a real reference.  The header of a dead object stays readable:
 * object memory is reused only after a QSBR grace period (qsbr.c).  Hence
 * a reader that loaded an object from a stale item array (one a writer
 * has replaced and whose items it has released) never gets a dead object:
 * it gets a live one or fails and retries under the lock.  Unlike CPython
 * we do not refuse a zero shared count on a live object, so non-owners
 * reading another thread's objects never fall back to the lock.
 *
 * Hot objects.  Every 16th successful tw_brc_try_incref_shared or
 * tw_brc_decref_shared samples the object (deferred_rc.c; the decrement
 * samples before it drops its reference), and a number, string, list,
 * dict, deque, lock, plain `object()` (types flagged TW_TPFLAGS_SHARE_HOT)
 * or class instance that
 * other threads than its owner keep counting is made deferred (per-thread
 * counted) at a stop-the-world, so that threads sharing it stop bouncing
 * its cache line.

 */
#include <stdlib.h>

#include "twinpy/nogil_internal.h"

static inline intptr_t load_shared(TwObject *op)
{
    return __atomic_load_n(&op->ob_ref_shared, __ATOMIC_RELAXED);
}

/* Fold ob_ref_local (and extra) into a MERGED ob_ref_shared; returns the
 * count.  Once the state reads MERGED, any other holder may take the count
 * to zero and free op, and an unpublished object's block is reused at
 * once: so the merge itself holds one more reference (the guard) until it
 * has cleared ob_ref_local and ob_tid, and writes nothing after dropping
 * it.  A result of 0 means the caller took the count to zero: it frees. */
TwSsize tw_brc_explicit_merge(TwObject *op, TwSsize extra)
{
    intptr_t shared = load_shared(op);
    intptr_t desired;
    do {
        TwSsize count = (TwSsize)(shared >> TW_REF_SHARED_SHIFT) +
                        (TwSsize)__atomic_load_n(&op->ob_ref_local, __ATOMIC_RELAXED) + extra;
        desired = (intptr_t)((uintptr_t)(count + 1) << TW_REF_SHARED_SHIFT) | TW_REF_MERGED;
    } while (!__atomic_compare_exchange_n(&op->ob_ref_shared, &shared, desired, false,
                                          __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
    __atomic_store_n(&op->ob_ref_local, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&op->ob_tid, 0, __ATOMIC_RELEASE);
    TwNogilThread *t = tw_nogil_thread();
    if (t)
        t->stats.brc_merged++;
    intptr_t after = __atomic_sub_fetch(&op->ob_ref_shared, (intptr_t)1 << TW_REF_SHARED_SHIFT,
                                        __ATOMIC_ACQ_REL);
    return (TwSsize)(after >> TW_REF_SHARED_SHIFT);
}

/* Merge an object whose queue reference we hold and whose owner is gone. */
static void merge_dropping_queue_ref(TwObject *op)
{
    if (tw_brc_explicit_merge(op, -1) == 0)
        tw_dealloc(op);
}

static void queue_push(TwNogilThread *owner, TwBrcNode *node)
{
    TwBrcNode *head = __atomic_load_n(&owner->brc_queue, __ATOMIC_RELAXED);
    do {
        node->next = head;
    } while (!__atomic_compare_exchange_n(&owner->brc_queue, &head, node, false,
                                          __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
}

static TwBrcNode *queue_take_all(TwNogilThread *t)
{
    if (__atomic_load_n(&t->brc_queue, __ATOMIC_RELAXED) == NULL)
        return NULL;
    return __atomic_exchange_n(&t->brc_queue, NULL, __ATOMIC_SEQ_CST);
}

/* Merge (dropping the queue's reference) and free a chain of nodes. */
static void merge_nodes(TwBrcNode *node)
{
    while (node) {
        TwBrcNode *next = node->next;
        for (uint32_t i = 0; i < node->n; i++)
            merge_dropping_queue_ref(node->ops[i]);
        free(node);
        node = next;
    }
}

/* Have t take its queue at its next eval-breaker check.  The owner clears
 * the bit before it takes its queue (both seq_cst, as the push before this
 * load): a set bit seen here is cleared after the push, so that take finds
 * it.  Not writing the bit again spares t's eval breaker line a write. */
static inline void ask_to_merge(TwNogilThread *t)
{
    if (!(__atomic_load_n(&t->base.eval_breaker, __ATOMIC_SEQ_CST) & TW_EB_MERGE_REFCOUNTS))
        tw_eval_breaker_set(&t->base, TW_EB_MERGE_REFCOUNTS);
}

/* Nodes of objects whose owner is gone (a chain): this thread merges them
 * at its next eval-breaker check, from its own queue, not here.  Their
 * deaths may run finalizers (Python code), and a node is sent where no
 * Python code may run: detach sends the outbox, and lock_section detaches
 * after marking a section it is about to lock as suspended (a finalizer
 * there that locked the same object would resume the section and then
 * wait for its own lock).  Without a thread state (no Python code runs),
 * or once this thread has given up its own objects (it is exiting and
 * merges its queue no more), at once. */
static void merge_later(TwBrcNode *chain)
{
    TwNogilThread *me = tw_nogil_thread();
    if (!me || __atomic_load_n(&me->tid, __ATOMIC_SEQ_CST) == 0) {
        merge_nodes(chain);
        return;
    }
    while (chain) {
        TwBrcNode *next = chain->next;
        queue_push(me, chain);
        chain = next;
    }
    ask_to_merge(me);
}

/* Hand node (objects owned by tid) to their owner: push it, and have the
 * owner look at its queue; or merge them later here when the owner is
 * gone (merge_later). */
static void send_node(TwBrcNode *node, uintptr_t tid)
{
    TwNogilThread *owner = tid ? tw_nogil_thread_by_tid(tid) : NULL;
    if (!owner) {
        node->next = NULL;
        merge_later(node);
        return;
    }
    queue_push(owner, node);
    TwNogilThread *me = tw_nogil_thread();
    if (me)
        me->stats.brc_sent++;
    ask_to_merge(owner);
    if (__atomic_load_n(&owner->tid, __ATOMIC_SEQ_CST) != tid)
        merge_later(queue_take_all(owner));    /* it has abandoned its objects */
}

void tw_thread_flush_queued(void)
{
    TwNogilThread *t = tw_nogil_thread();
    if (t)
        tw_brc_flush_outbox(t);
}

void tw_brc_flush_outbox(TwNogilThread *t)
{
    TwBrcNode *node = t->brc_out;
    if (node == NULL)
        return;
    t->brc_out = NULL;
    send_node(node, t->brc_out_tid);
}

/* Give the reference we are dropping to op's owner, or merge op now if the
 * owner is gone.  A thread collects such objects for one owner in its
 * outbox and sends them TW_BRC_BATCH at a time: one allocation, one push
 * and one look at the owner's eval breaker per batch instead of per
 * object, which is what a consumer of another thread's items pays for
 * every item.  The outbox is sent when full, when the next object has
 * another owner, at every eval-breaker check, detach and exit of the
 * thread (tstate.c), and when threading ends the thread's work, before
 * its join returns (tw_thread_flush_queued); so an object waits in it at
 * most until its holder next checks its eval breaker or blocks; a
 * collection takes outboxes as it takes queues. */
static void queue_object(TwObject *op)
{
    TwNogilThread *me = tw_nogil_thread();
    uintptr_t tid = __atomic_load_n(&op->ob_tid, __ATOMIC_ACQUIRE);
    if (!me) {
        TwBrcNode *node = tid ? malloc(sizeof *node + sizeof node->ops[0]) : NULL;
        if (!node) {
            merge_dropping_queue_ref(op);
            return;
        }
        node->n = 1;
        node->ops[0] = op;
        send_node(node, tid);
        return;
    }
    me->stats.brc_queued++;
    /* Sending the outbox may free objects (their owner gone), whose
     * deallocation queues more objects and may start a new outbox: look
     * again after each send. */
    TwBrcNode *out;
    while ((out = me->brc_out) != NULL && me->brc_out_tid != tid)
        tw_brc_flush_outbox(me);
    if (out == NULL) {
        /* An object whose owner is gone is merged at once, as before. */
        out = tid && tw_nogil_thread_by_tid(tid)
                  ? malloc(sizeof *out + TW_BRC_BATCH * sizeof out->ops[0]) : NULL;
        if (!out) {
            merge_dropping_queue_ref(op);
            return;
        }
        out->n = 0;
        me->brc_out = out;
        me->brc_out_tid = tid;
    }
    out->ops[out->n++] = op;
    if (out->n == TW_BRC_BATCH)
        tw_brc_flush_outbox(me);
}

/* tw_incref / tw_decref of an object neither this thread's own nor
 * immortal: deferred (tid has TW_DEFERRED_TID_BIT) or counted shared. */
void tw_incref_other(TwObject *op, uintptr_t tid)
{
    if (tid & TW_DEFERRED_TID_BIT)
        tw_deferred_add_tid(op, tid, 1);
    else
        __atomic_fetch_add(&op->ob_ref_shared, (intptr_t)1 << TW_REF_SHARED_SHIFT, __ATOMIC_RELAXED);
}

/* tw_decref's owner path once ob_ref_local reached 0: the common death
 * (nobody else counted op, no optimistic reader can have it: never
 * published), else the merge decides. */
void tw_decref_zero_local(TwObject *op)
{
    if (__atomic_load_n(&op->ob_ref_shared, __ATOMIC_ACQUIRE) == 0
        && tw_peek_u8_is_zero(&op->ob_published))
        tw_dealloc(op);
    else
        tw_brc_merge_zero_local(op);
}

void tw_decref_other(TwObject *op, uintptr_t tid)
{
    if (tid & TW_DEFERRED_TID_BIT)
        tw_deferred_add_tid(op, tid, -1);
    else
        tw_brc_decref_shared(op);
}

void tw_brc_decref_shared(TwObject *op)
{
    TwNogilThread *me = tw_nogil_thread();
    if (me)
        me->stats.brc_shared_decref++;
    /* Sample while our reference still keeps op alive: after the
     * decrement another thread may free it (and, unpublished, reuse its
     * block at once). */
    if (me && (++me->hot_tick & 15) == 0)
        tw_deferred_note_shared(me, op);
    intptr_t shared = load_shared(op);
    intptr_t desired;
    bool queue;
    do {
        queue = shared == 0;
        desired = queue ? TW_REF_QUEUED : shared - ((intptr_t)1 << TW_REF_SHARED_SHIFT);
    } while (!__atomic_compare_exchange_n(&op->ob_ref_shared, &shared, desired, false,
                                          __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
    if (queue) {
        queue_object(op);
    } else if (desired == TW_REF_MERGED) {
        tw_dealloc(op);
    }
}

/* The owner took op's ob_ref_local to zero and op was counted elsewhere
 * or published (tw_decref frees an object nobody else counted and nobody
 * published itself; here the other counts may also have gone meanwhile:
 * the paths below find that too).  True if op is dead: the caller
 * deallocates it. */
static inline __attribute__((always_inline)) bool zero_local_is_dead(TwObject *op)
{
    intptr_t shared = __atomic_load_n(&op->ob_ref_shared, __ATOMIC_ACQUIRE);
    TwNogilThread *me = tw_nogil_thread();
    if (me)
        me->stats.brc_local_zero++;
    if (shared == 0) {
        if (!tw_qsbr_needed(me)) {
            /* No other thread is online, so none holds a pointer to op
             * read optimistically (qsbr.c): op's block may be reused at
             * once, and tw_object_free / tw_gc_free take their fast path. */
            __atomic_store_n(&op->ob_published, 0, __ATOMIC_RELAXED);
            return true;
        }
        /* Leave the dead mark (MERGED, count 0) for optimistic readers. */
        if (__atomic_compare_exchange_n(&op->ob_ref_shared, &shared, TW_REF_MERGED, false,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            __atomic_store_n(&op->ob_tid, 0, __ATOMIC_RELAXED);
            return true;
        }
        /* A reader took a reference meanwhile: merge instead. */
    }
    __atomic_store_n(&op->ob_tid, 0, __ATOMIC_RELAXED);
    intptr_t desired;
    do {
        desired = (shared & ~(intptr_t)TW_REF_SHARED_FLAG_MASK) | TW_REF_MERGED;
    } while (!__atomic_compare_exchange_n(&op->ob_ref_shared, &shared, desired, false,
                                          __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
    if (me)
        me->stats.brc_merged++;
    return desired == TW_REF_MERGED;
}

/* Not inline: tw_decref_zero_local's common death then needs no stack
 * frame. */
__attribute__((noinline)) void tw_brc_merge_zero_local(TwObject *op)
{
    if (zero_local_is_dead(op))
        tw_dealloc(op);
}

/* Resurrection for a finalizer (runtime.h).  op is dead: its count is
 * zero (the owner's death with nothing shared, or a MERGED count taken to
 * zero, whose dead mark optimistic readers respect), and no thread holds
 * a reference.  The calling thread, which deallocates it, makes it its
 * own with one local reference, as if it had just made it: a reader that
 * finds it through a stale item array may now take a reference (a shared
 * one) and keep it alive, as may whatever the finalizer stores it in.
 * tw_resurrect_end is then the owner's decrement, and a zero there is an
 * ordinary death: freed by the caller if nothing else counts it, else
 * merged for the other holders, the last of whom deallocates it again. */
void tw_resurrect_begin(TwObject *op)
{
    __atomic_store_n(&op->ob_ref_local, 1, __ATOMIC_RELAXED);
    __atomic_store_n(&op->ob_tid, tw_thread_id(), __ATOMIC_RELAXED);
    __atomic_store_n(&op->ob_ref_shared, 0, __ATOMIC_RELEASE);
}

bool tw_resurrect_end(TwObject *op)
{
    if (!tw_ref_local_dec_is_zero(op))
        return false;
    if (__atomic_load_n(&op->ob_ref_shared, __ATOMIC_ACQUIRE) == 0 &&
        tw_peek_u8_is_zero(&op->ob_published))
        return true;
    return zero_local_is_dead(op);
}

bool tw_brc_try_incref_shared(TwObject *op)
{
    intptr_t shared = load_shared(op);
    for (;;) {
        if (shared == TW_REF_MERGED) {
            TwNogilThread *me = tw_nogil_thread();
            if (me)
                me->stats.brc_try_incref_fail++;
            return false;
        }
        if (__atomic_compare_exchange_n(&op->ob_ref_shared, &shared,
                                        shared + ((intptr_t)1 << TW_REF_SHARED_SHIFT), false,
                                        __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
            TwNogilThread *me = tw_nogil_thread();
            if (me && (++me->hot_tick & 15) == 0)
                tw_deferred_note_shared(me, op);
            return true;
        }
    }
}

void tw_brc_merge_queue(TwNogilThread *t)
{
    merge_nodes(queue_take_all(t));
}

void tw_brc_thread_exit(TwNogilThread *t)
{
    tw_brc_flush_outbox(t);
    tw_brc_merge_queue(t);
    __atomic_store_n(&t->tid, 0, __ATOMIC_SEQ_CST);
    tw_thread_id_tls = tw_nogil_new_thread_id();
    tw_brc_merge_queue(t);
}

/* Take node's objects into *objs (merged, the queue's reference kept);
 * false, nothing taken, when the array cannot grow. */
static bool take_node_stopped(TwBrcNode *node, TwObject ***objs, size_t *n, size_t *cap)
{
    if (*n + node->n > *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        while (c < *n + node->n)
            c *= 2;
        TwObject **grown = realloc(*objs, c * sizeof *grown);
        if (!grown)
            return false;
        *objs = grown;
        *cap = c;
    }
    for (uint32_t i = 0; i < node->n; i++) {
        /* Keep the queue's reference: dropped by the caller later. */
        tw_brc_explicit_merge(node->ops[i], 0);
        (*objs)[(*n)++] = node->ops[i];
    }
    return true;
}

TwObject **tw_brc_merge_all_stopped(size_t *n_out)
{
    TwObject **objs = NULL;
    size_t n = 0, cap = 0;
    for (TwNogilThread *t = tw_nogil_threads_first(); t; t = tw_nogil_threads_next(t)) {
        /* An outbox's objects are queued like the rest: merge them too. */
        TwBrcNode *out = t->brc_out;
        if (out && take_node_stopped(out, &objs, &n, &cap)) {
            t->brc_out = NULL;
            free(out);
        }
        TwBrcNode *node = queue_take_all(t);
        while (node) {
            TwBrcNode *next = node->next;
            if (!take_node_stopped(node, &objs, &n, &cap)) {
                /* Out of memory: put the rest back, merge it later. */
                for (TwBrcNode *x = node; x;) {
                    TwBrcNode *nx = x->next;
                    queue_push(t, x);
                    x = nx;
                }
                break;
            }
            free(node);
            node = next;
        }
    }
    *n_out = n;
    return objs;
}
