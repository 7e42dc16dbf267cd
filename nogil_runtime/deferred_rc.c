/*
 * deferred_rc.c — per-thread reference counting of hot shared objects:
 * module-level functions, classes, modules and their dicts, module-level
 * builtin functions.  N threads calling the same function would otherwise
 * all do atomic read-modify-writes on its one ob_ref_shared cache line
 * (four per call: LOAD_GLOBAL, the frame, the frame's release, the stack).
 * The design is CPython 3.14t's per-thread reference counts for objects
 * with a "unique id".
 *
 * A deferred object has ob_ref_local == TW_REF_DEFERRED_LOCAL and
 * ob_tid == TW_DEFERRED_TID_BIT | id, where id is a small integer unique
 * among live deferred objects.  Every thread counts its references to it in
 * its own array of counters (slots[id]), with plain stores: tw_incref /
 * tw_decref never write the object.  Its true count is
 *     (ob_ref_shared >> 2) + sum over threads of slots[id]
 * and no single term means anything on its own (a thread's slot goes
 * negative when it drops a reference another thread took).  So a deferred
 * object is never freed by a decref: only the cycle collector, with the
 * world stopped, can see the true count.
 *
 * Invariants:
 *   - objects are made deferred by the thread that made them (their BRC
 *     owner), before any other thread can reach them (so no thread ever
 *     sees a half-converted header);
 *   - id -> object (the table) changes only under id_lock: set when an
 *     object is made deferred, cleared when the collector turns it back
 *     into an ordinary object (world stopped).  Table chunks are never
 *     freed or moved, so readers need no lock;
 *   - a thread's slots are written by that thread only, except while the
 *     world is stopped, when the collector folds every thread's slots into
 *     the objects' ob_ref_shared and zeroes them (tw_deferred_merge_all);
 *   - an id is released only with the world stopped, after that fold, so
 *     when an id is reused every thread's slot for it is zero;
 *   - a thread that exits folds its own slots into ob_ref_shared (atomic
 *     adds) while still attached, so no collection runs meanwhile and every
 *     object its slots name is alive (the slot itself may hold the
 *     difference that keeps it so); afterwards, and in threads without a
 *     thread state, counting falls back to atomics on ob_ref_shared;
 *   - the low two bits of ob_ref_shared stay 0 (DEFAULT) while deferred:
 *     the BRC slow paths (queueing, merging) are never reached for a
 *     deferred object, because every entry point tests ob_ref_local first.
 * The collector (gc_stw.c) treats a deferred object whose folded count is
 * 0 as garbage; each unreachable deferred object is turned back into an
 * ordinary MERGED object (tw_deferred_convert_stopped) before the
 * collector takes its reference, and is then freed the ordinary way.
 * Untracked deferred objects (constants of module-level functions) are not
 * on any GC list: the collector finds the dead ones (folded count 0) by
 * walking the id table (tw_deferred_take_dead_untracked_stopped), and
 * repeats that after freeing garbage, whose references may have been the
 * last ones.
 */
#include <stdlib.h>
#include <string.h>

#include "twinpy/nogil_internal.h"

static _Thread_local intptr_t *tw_deferred_slots_tls;
static _Thread_local size_t tw_deferred_nslots_tls;

#define ID_CHUNK_BITS 10
#define ID_CHUNK (1u << ID_CHUNK_BITS)
#define ID_CHUNKS 4096                    /* 4M deferred objects at most */

static pthread_mutex_t id_lock = PTHREAD_MUTEX_INITIALIZER;
static TwObject **id_table[ID_CHUNKS];    /* chunk pointers: atomic      */
static size_t id_next;                    /* ids handed out so far       */
static size_t *id_free;                   /* released ids (under lock)   */
static size_t id_free_len, id_free_cap;

static TwObject *table_get(size_t id)
{
    TwObject **chunk = __atomic_load_n(&id_table[id >> ID_CHUNK_BITS], __ATOMIC_ACQUIRE);
    return chunk ? __atomic_load_n(&chunk[id & (ID_CHUNK - 1)], __ATOMIC_ACQUIRE) : NULL;
}

/* Returns the new id, or SIZE_MAX when out of ids or memory. */
static size_t id_alloc(TwObject *op)
{
    size_t id = SIZE_MAX;
    pthread_mutex_lock(&id_lock);
    if (id_free_len) {
        id = id_free[--id_free_len];
    } else if (id_next < (size_t)ID_CHUNKS * ID_CHUNK) {
        size_t c = id_next >> ID_CHUNK_BITS;
        if (!id_table[c]) {
            TwObject **chunk = calloc(ID_CHUNK, sizeof *chunk);
            if (chunk)
                __atomic_store_n(&id_table[c], chunk, __ATOMIC_RELEASE);
        }
        if (id_table[c])
            id = id_next++;
    }
    if (id != SIZE_MAX)
        __atomic_store_n(&id_table[id >> ID_CHUNK_BITS][id & (ID_CHUNK - 1)], op,
                         __ATOMIC_RELEASE);
    pthread_mutex_unlock(&id_lock);
    return id;
}

static void id_release(size_t id)
{
    pthread_mutex_lock(&id_lock);
    __atomic_store_n(&id_table[id >> ID_CHUNK_BITS][id & (ID_CHUNK - 1)], NULL,
                     __ATOMIC_RELEASE);
    if (id_free_len == id_free_cap) {
        size_t cap = id_free_cap ? id_free_cap * 2 : 64;
        size_t *grown = realloc(id_free, cap * sizeof *grown);
        if (!grown) {
            pthread_mutex_unlock(&id_lock);
            return;                       /* the id is lost, nothing else */
        }
        id_free = grown;
        id_free_cap = cap;
    }
    id_free[id_free_len++] = id;
    pthread_mutex_unlock(&id_lock);
}

static inline size_t object_id(const TwObject *op)
{
    return (size_t)(__atomic_load_n(&op->ob_tid, __ATOMIC_RELAXED) & ~TW_DEFERRED_TID_BIT);
}

static inline void shared_add(TwObject *op, intptr_t delta)
{
    __atomic_fetch_add(&op->ob_ref_shared, (intptr_t)((uintptr_t)delta << TW_REF_SHARED_SHIFT),
                       __ATOMIC_RELAXED);
}

static uint64_t untracked_live;          /* untracked deferred objects */

void tw_object_set_deferred_rc(TwObject *op)
{
    TwNogilThread *t = tw_nogil_thread();
    if (!t || t->deferred_closed || !tw_is_owned_by_me(op))
        return;
    bool tracked = (__atomic_load_n(&op->ob_gc_bits, __ATOMIC_RELAXED) & TW_GC_TRACKED) != 0;
    uint32_t local = __atomic_load_n(&op->ob_ref_local, __ATOMIC_RELAXED);
    if (local >= TW_REF_DEFERRED_LOCAL)
        return;
    size_t id = id_alloc(op);
    if (id == SIZE_MAX)
        return;
    /* The owner's count moves into ob_ref_shared; a shared count that is
     * not a plain non-negative DEFAULT one (queued, merged) stays BRC. */
    intptr_t expected = __atomic_load_n(&op->ob_ref_shared, __ATOMIC_RELAXED);
    if (expected < 0 || (expected & TW_REF_SHARED_FLAG_MASK) != TW_REF_SHARED_DEFAULT ||
        !__atomic_compare_exchange_n(&op->ob_ref_shared, &expected,
                                     expected + (intptr_t)((uintptr_t)local << TW_REF_SHARED_SHIFT),
                                     false, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
        id_release(id);
        return;
    }
    __atomic_store_n(&op->ob_tid, TW_DEFERRED_TID_BIT | (uintptr_t)id, __ATOMIC_RELAXED);
    __atomic_store_n(&op->ob_ref_local, TW_REF_DEFERRED_LOCAL, __ATOMIC_RELEASE);
    if (!tracked)
        __atomic_fetch_add(&untracked_live, 1, __ATOMIC_RELAXED);
}

/* The calling thread's slot array does not cover op's id (or the thread
 * counts through atomics): grow it, or count in ob_ref_shared. */
static void deferred_add_slow(TwObject *op, intptr_t delta)
{
    TwNogilThread *t = tw_nogil_thread();
    size_t id = object_id(op);
    if (t && !t->deferred_closed) {
        size_t n = t->deferred_nslots;
        size_t want = n ? n : 64;
        while (want <= id)
            want *= 2;
        intptr_t *grown = realloc(t->deferred_slots, want * sizeof *grown);
        if (grown) {
            memset(grown + n, 0, (want - n) * sizeof *grown);
            t->deferred_slots = grown;
            t->deferred_nslots = want;
            tw_deferred_slots_tls = grown;
            tw_deferred_nslots_tls = want;
            grown[id] += delta;
            return;
        }
    }
    shared_add(op, delta);
}

static inline void deferred_add(TwObject *op, intptr_t delta)
{
    size_t id = object_id(op);
    if (__builtin_expect(id < tw_deferred_nslots_tls, 1))
        tw_deferred_slots_tls[id] += delta;
    else
        deferred_add_slow(op, delta);
}

void tw_deferred_incref(TwObject *op) { deferred_add(op, 1); }
void tw_deferred_decref(TwObject *op) { deferred_add(op, -1); }

/* What tw_refcnt reports: the shared count plus the caller's own slot,
 * plus TW_DEFERRED_REFCNT_BIAS.  Other threads' slots cannot be read
 * safely, so the true count is unknown; the bias keeps every "am I the only
 * holder" test (refcnt == 1 or 2: in-place arithmetic in eval.c) false for
 * a deferred object, as it is for an immortal one, while differences seen
 * by one thread (sys.getrefcount before and after) stay exact. */
#define TW_DEFERRED_REFCNT_BIAS ((TwSsize)1 << 30)

TwSsize tw_deferred_refcnt(const TwObject *op)
{
    size_t id = object_id(op);
    TwSsize n = (TwSsize)(__atomic_load_n(&op->ob_ref_shared, __ATOMIC_RELAXED) >>
                          TW_REF_SHARED_SHIFT);
    if (id < tw_deferred_nslots_tls)
        n += tw_deferred_slots_tls[id];
    return n + TW_DEFERRED_REFCNT_BIAS;
}

/* Fold t's slots into the objects (t is the caller, attached, or the world
 * is stopped). */
static void fold_slots(TwNogilThread *t)
{
    intptr_t *slots = t->deferred_slots;
    for (size_t id = 0; id < t->deferred_nslots; id++) {
        if (slots[id] == 0)
            continue;
        TwObject *op = table_get(id);
        if (op)
            shared_add(op, slots[id]);
        slots[id] = 0;
    }
}

void tw_deferred_thread_exit(TwNogilThread *t)
{
    fold_slots(t);
    free(t->deferred_slots);
    t->deferred_slots = NULL;
    t->deferred_nslots = 0;
    t->deferred_closed = true;
    if (tw_nogil_thread() == t) {
        tw_deferred_slots_tls = NULL;
        tw_deferred_nslots_tls = 0;
    }
}

void tw_deferred_merge_all_stopped(void)
{
    for (TwNogilThread *t = tw_nogil_threads_first(); t; t = tw_nogil_threads_next(t))
        fold_slots(t);
}

bool tw_deferred_any_untracked(void)
{
    return __atomic_load_n(&untracked_live, __ATOMIC_RELAXED) != 0;
}

size_t tw_deferred_take_dead_untracked_stopped(TwObject ***out)
{
    TwObject **dead = NULL;
    size_t n = 0, cap = 0;
    size_t limit = __atomic_load_n(&id_next, __ATOMIC_RELAXED);
    if (!tw_deferred_any_untracked())
        limit = 0;
    for (size_t id = 0; id < limit; id++) {
        TwObject *op = table_get(id);
        if (!op || (__atomic_load_n(&op->ob_gc_bits, __ATOMIC_RELAXED) & TW_GC_TRACKED) ||
            __atomic_load_n(&op->ob_ref_local, __ATOMIC_RELAXED) != TW_REF_DEFERRED_LOCAL ||
            (__atomic_load_n(&op->ob_ref_shared, __ATOMIC_RELAXED) >> TW_REF_SHARED_SHIFT) != 0)
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            TwObject **grown = realloc(dead, ncap * sizeof *grown);
            if (!grown)
                break;                    /* the rest waits for a later pass */
            dead = grown;
            cap = ncap;
        }
        tw_deferred_convert_stopped(op);
        dead[n++] = op;
    }
    *out = dead;
    return n;
}

void tw_deferred_convert_stopped(TwObject *op)
{
    if (!(__atomic_load_n(&op->ob_gc_bits, __ATOMIC_RELAXED) & TW_GC_TRACKED))
        __atomic_fetch_sub(&untracked_live, 1, __ATOMIC_RELAXED);
    size_t id = object_id(op);
    intptr_t shared = __atomic_load_n(&op->ob_ref_shared, __ATOMIC_RELAXED);
    TwSsize count = (TwSsize)(shared >> TW_REF_SHARED_SHIFT);
    __atomic_store_n(&op->ob_ref_shared,
                     (intptr_t)((uintptr_t)count << TW_REF_SHARED_SHIFT) | TW_REF_MERGED,
                     __ATOMIC_RELAXED);
    __atomic_store_n(&op->ob_tid, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&op->ob_ref_local, 0, __ATOMIC_RELEASE);
    id_release(id);
}
