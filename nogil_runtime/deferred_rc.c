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
 *   - a thread's slots are written by that thread only (relaxed atomic
 *     stores), except while the world is stopped, when the collector folds
 *     every thread's slots into the objects' ob_ref_shared and zeroes them
 *     (tw_deferred_merge_all); other threads may read them (tw_refcnt),
 *     since a thread's slot directory and chunks never move and are freed
 *     only after a QSBR grace period once the thread has exited;
 *   - an exiting thread's fold is bracketed by deferred_fold_seq (odd
 *     meanwhile), so tw_refcnt can retry instead of seeing it half done;
 *   - an id is released only with the world stopped, after that fold, so
 *     when an id is reused every thread's slot for it is zero;
 *   - a thread that exits folds its own slots into ob_ref_shared (atomic
 *     adds) while still attached, so no collection runs meanwhile and every
 *     object its slots name is alive (the slot itself may hold the
 *     difference that keeps it so); afterwards, and in threads without a
 *     thread state, counting falls back to atomics on ob_ref_shared;
 *   - the low two bits of ob_ref_shared stay 0 (DEFAULT) while deferred:
 *     the BRC slow paths (queueing, merging) are never reached for a
 *     deferred object, because every entry point tests ob_tid's deferred
 *     bit (or ob_ref_local) first;
 *   - a thread's first chunk is also reachable through
 *     tw_deferred_chunk0_tls (set when the chunk is made, cleared when the
 *     thread folds its slots at exit), and tw_deferred_chunk0_limit_tls
 *     says whether it is set (both written only by the thread itself).
 * The collector (gc_stw.c) treats a deferred object whose folded count is
 * 0 as garbage; each unreachable deferred object is turned back into an
 * ordinary MERGED object (tw_deferred_convert_stopped) before the
 * collector takes its reference, and is then freed the ordinary way.
 * Objects are made deferred in two ways: by a hint from the code that
 * made them (tw_object_set_deferred_rc, before they are shared), or, for
 * objects of types flagged TW_TPFLAGS_SHARE_HOT (ints, floats, strs,
 * lists, dicts, deques, locks, plain `object()` sentinels) and instances
 * of classes without a finalizer (their deallocation has no visible
 * effect: there are no weak references, and a class's __del__ must run
 * when the last reference goes, so its instances stay ordinary),
 * when sampling shows that threads
 * other than the owner keep counting them in ob_ref_shared (hot objects: see
 * tw_deferred_note_shared).  The latter conversion happens with the world
 * stopped (tw_deferred_convert_hot), so the owner's local count is stable
 * and no thread is in the middle of counting; the candidate list holds a
 * reference to each object until then.
 * Untracked deferred objects (constants of module-level functions) are not
 * on any GC list: the collector finds the dead ones (folded count 0) by
 * walking the id table (tw_deferred_take_dead_untracked_stopped), and
 * repeats that after freeing garbage, whose references may have been the
 * last ones.
 */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "twinpy/nogil_internal.h"
#include "twinpy/object.h"

TW_TLS intptr_t **tw_deferred_dir_tls;  /* the caller's deferred_dir */
TW_TLS intptr_t *tw_deferred_chunk0_tls; /* and its chunk 0        */
TW_TLS uintptr_t tw_deferred_chunk0_limit_tls; /* set with it         */

/* the id table (id -> object) in chunks of ID_CHUNK */
#define ID_CHUNK_BITS 10
#define ID_CHUNK ((size_t)1 << ID_CHUNK_BITS)
#define ID_CHUNKS 1024                    /* 1M deferred objects at most */
/* a thread's slots, in chunks of TW_DEFERRED_CHUNK (runtime_inline.h) */
#define SLOT_CHUNK_BITS TW_DEFERRED_CHUNK_BITS
#define SLOT_CHUNK TW_DEFERRED_CHUNK
#define SLOT_CHUNKS (ID_CHUNKS * ID_CHUNK / SLOT_CHUNK)
#define SLOT_CHUNK_BYTES (SLOT_CHUNK * sizeof(intptr_t))

static pthread_mutex_t id_lock = PTHREAD_MUTEX_INITIALIZER;
static TwObject **id_table[ID_CHUNKS];    /* chunk pointers: atomic      */
static size_t id_next;                    /* ids handed out so far       */
static size_t *id_free;                   /* released ids (under lock)   */
static size_t id_free_len, id_free_cap;
static uint64_t table_gen;                /* changes of the table: atomic */

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
        if (id_table[c]) {
            id = id_next;
            /* read without the lock by fold_slots and the collector */
            __atomic_store_n(&id_next, id + 1, __ATOMIC_RELEASE);
        }
    }
    if (id != SIZE_MAX) {
        __atomic_store_n(&id_table[id >> ID_CHUNK_BITS][id & (ID_CHUNK - 1)], op,
                         __ATOMIC_RELEASE);
        __atomic_store_n(&table_gen, table_gen + 1, __ATOMIC_RELAXED);
    }
    pthread_mutex_unlock(&id_lock);
    return id;
}

static void id_release(size_t id)
{
    pthread_mutex_lock(&id_lock);
    __atomic_store_n(&id_table[id >> ID_CHUNK_BITS][id & (ID_CHUNK - 1)], NULL,
                     __ATOMIC_RELEASE);
    __atomic_store_n(&table_gen, table_gen + 1, __ATOMIC_RELAXED);
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

static uint64_t untracked_live;          /* untracked deferred objects */

static inline void shared_add(TwObject *op, intptr_t delta)
{
    __atomic_fetch_add(&op->ob_ref_shared, (intptr_t)((uintptr_t)delta << TW_REF_SHARED_SHIFT),
                       __ATOMIC_RELAXED);
}

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
    /* Every thread will count it: not private any more (and its ob_tid
     * stops naming us, bias.c). */
    tw_bias_escape(op);
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

static inline intptr_t *slot_of(intptr_t **dir, size_t id)
{
    if (!dir)
        return NULL;
    intptr_t *chunk = __atomic_load_n(&dir[id >> SLOT_CHUNK_BITS], __ATOMIC_ACQUIRE);
    return chunk ? &chunk[id & (SLOT_CHUNK - 1)] : NULL;
}

/* The caller has no chunk for op's id yet (or counts through atomics, at
 * exit or without a thread state): make one, or count in ob_ref_shared.
 * A chunk is mapped without swap reserved, its pages zero until written
 * (runtime_inline.h). */
/* tw_deferred_add_tid past chunk 0 (tid: op's ob_tid): through the
 * thread's directory, or tw_deferred_add_slow makes the chunk.  Out of
 * line everywhere (runtime_inline.h). */
void tw_deferred_add_far(TwObject *op, uintptr_t tid, intptr_t delta)
{
    size_t id = (size_t)(tid & ~TW_DEFERRED_TID_BIT);
    intptr_t **dir = tw_deferred_dir_tls;
    intptr_t *chunk;
    /* only this thread stores its directory's chunk pointers */
    if (dir == NULL ||
        (chunk = __atomic_load_n(&dir[id >> TW_DEFERRED_CHUNK_BITS], __ATOMIC_RELAXED)) == NULL) {
        tw_deferred_add_slow(op, delta);
        return;
    }
    tw_ref_slot_add(&chunk[id & (TW_DEFERRED_CHUNK - 1)], delta);
}

void tw_deferred_add_slow(TwObject *op, intptr_t delta)
{
    TwNogilThread *t = tw_nogil_thread();
    size_t id = object_id(op);
    if (t && !t->deferred_closed) {
        if (!t->deferred_dir) {
            intptr_t **dir = calloc(SLOT_CHUNKS, sizeof *dir);
            __atomic_store_n(&t->deferred_dir, dir, __ATOMIC_RELEASE);
            tw_deferred_dir_tls = dir;
        }
        if (t->deferred_dir) {
            void *m = mmap(NULL, SLOT_CHUNK_BYTES, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
            if (m != MAP_FAILED) {
                intptr_t *chunk = m;
                chunk[id & (SLOT_CHUNK - 1)] = delta;
                __atomic_store_n(&t->deferred_dir[id >> SLOT_CHUNK_BITS], chunk, __ATOMIC_RELEASE);
                if ((id >> SLOT_CHUNK_BITS) == 0) {
                    tw_deferred_chunk0_tls = chunk;
                    tw_deferred_chunk0_limit_tls = TW_DEFERRED_TID_BIT | TW_DEFERRED_CHUNK;
                }
                return;
            }
        }
    }
    shared_add(op, delta);
}

/* What tw_refcnt reports: the shared count plus every live thread's slot
 * (exact when the other threads are quiet, like every BRC count).  Ints
 * and floats also get TW_DEFERRED_REFCNT_BIAS: eval.c reuses an int or
 * float in place when its count says the stack holds the only reference,
 * and a snapshot of other threads' slots must never be what allows that. */
#define TW_DEFERRED_REFCNT_BIAS ((TwSsize)1 << 30)
/* Weak: the runtime's own unit tests link without the object model. */
extern TwTypeObject TwInt_Type __attribute__((weak));
extern TwTypeObject TwFloat_Type __attribute__((weak));

static uint64_t fold_seq_sum(bool *folding)
{
    uint64_t sum = 0;
    for (TwNogilThread *t = tw_nogil_threads_first(); t; t = tw_nogil_threads_next(t)) {
        uint32_t q = __atomic_load_n(&t->deferred_fold_seq, __ATOMIC_SEQ_CST);
        *folding |= (q & 1) != 0;
        sum += q;
    }
    return sum;
}

TwSsize tw_deferred_refcnt(const TwObject *op)
{
    size_t id = object_id(op);
    TwSsize n;
    TwNogilThread *me = tw_nogil_thread();
    if (me && __atomic_load_n(&me->status, __ATOMIC_RELAXED) == TW_TS_ATTACHED) {
        /* Retry while an exiting thread moves its slots into ob_ref_shared
         * (a snapshot in the middle would count them twice or not at all). */
        for (;;) {
            bool folding = false;
            uint64_t before = fold_seq_sum(&folding);
            if (folding) {
                sched_yield();
                continue;
            }
            n = 0;
            for (TwNogilThread *t = tw_nogil_threads_first(); t; t = tw_nogil_threads_next(t)) {
                intptr_t *slot = slot_of(__atomic_load_n(&t->deferred_dir, __ATOMIC_ACQUIRE), id);
                if (slot)
                    n += __atomic_load_n(slot, __ATOMIC_RELAXED);
            }
            n += (TwSsize)(__atomic_load_n(&op->ob_ref_shared, __ATOMIC_SEQ_CST) >>
                           TW_REF_SHARED_SHIFT);
            if (fold_seq_sum(&folding) == before && !folding)
                break;
        }
    } else {
        n = (TwSsize)(__atomic_load_n(&op->ob_ref_shared, __ATOMIC_RELAXED) >>
                      TW_REF_SHARED_SHIFT);
        intptr_t *slot = slot_of(tw_deferred_dir_tls, id);
        if (slot)
            n += *slot;
    }
    TwTypeObject *tp = op->ob_type;
    if (tp == &TwInt_Type || tp == &TwFloat_Type)
        n += TW_DEFERRED_REFCNT_BIAS;
    return n;
}

/* Fold t's slots into the objects (t is the caller, attached, or the world
 * is stopped).  Only ids handed out so far can have counts: with the world
 * stopped, the stop orders every id_alloc before it; a thread counts an
 * id only once it has the object, which reaches it after its id_alloc
 * (the object's creator made it deferred before sharing it, or a stopped
 * world did), so an exiting thread's own slots lie below id_next too.
 * Reading a slot never written maps no memory (a zero page). */
static void fold_slots(TwNogilThread *t)
{
    intptr_t **dir = t->deferred_dir;
    if (!dir)
        return;
    size_t limit = __atomic_load_n(&id_next, __ATOMIC_ACQUIRE);
    for (size_t c = 0; c < SLOT_CHUNKS && (c << SLOT_CHUNK_BITS) < limit; c++) {
        intptr_t *chunk = dir[c];
        if (!chunk)
            continue;
        size_t n = limit - (c << SLOT_CHUNK_BITS) < SLOT_CHUNK ? limit - (c << SLOT_CHUNK_BITS)
                                                               : SLOT_CHUNK;
        for (size_t i = 0; i < n; i++) {
            intptr_t v = __atomic_load_n(&chunk[i], __ATOMIC_RELAXED);
            if (v == 0)
                continue;
            TwObject *op = table_get((c << SLOT_CHUNK_BITS) | i);
            if (op)
                shared_add(op, v);
            __atomic_store_n(&chunk[i], 0, __ATOMIC_RELAXED);
        }
    }
}

static void drop_candidates(TwNogilThread *t);

void tw_deferred_thread_exit(TwNogilThread *t)
{
    drop_candidates(t);
    free(t->hot_cand);
    t->hot_cand = NULL;
    t->hot_cap = 0;
    __atomic_fetch_add(&t->deferred_fold_seq, 1, __ATOMIC_SEQ_CST);
    fold_slots(t);
    t->deferred_closed = true;
    __atomic_fetch_add(&t->deferred_fold_seq, 1, __ATOMIC_SEQ_CST);
    /* Readers of the slots (tw_deferred_refcnt) may still walk to t: the
     * memory goes only after a grace period. */
    intptr_t **dir = t->deferred_dir;
    if (dir) {
        for (size_t c = 0; c < SLOT_CHUNKS; c++)
            if (dir[c])
                tw_qsbr_retire_orphan_mapping(dir[c], SLOT_CHUNK_BYTES);
        __atomic_store_n(&t->deferred_dir, NULL, __ATOMIC_RELEASE);
        tw_qsbr_retire_orphan(dir, SLOT_CHUNKS * sizeof *dir, true);
    }
    if (tw_nogil_thread() == t) {
        tw_deferred_dir_tls = NULL;
        tw_deferred_chunk0_tls = NULL;
        tw_deferred_chunk0_limit_tls = 0;
    }
}

/* ---------------- hot objects ---------------------------------------- */


/* An object becomes a candidate after TW_HOT_CANDIDATE sampled shared
 * uses (runtime_inline.h).  ob_flags moves 0 -> 1 -> ... -> CANDIDATE by
 * CAS, so exactly one thread's list ever holds an object, and tw_refcnt
 * can leave that list's reference out of what sys.getrefcount reports; it
 * moves CANDIDATE -> DONE (never back) just before the list lets go. */
#define HOT_BATCH 32                  /* candidates per stop-the-world    */

static void drop_candidates(TwNogilThread *t)
{
    for (size_t i = 0; i < t->hot_ncand; i++) {
        TwObject *op = t->hot_cand[i];
        if (op) {
            __atomic_store_n(&op->ob_flags, (uint8_t)TW_HOT_DONE, __ATOMIC_RELAXED);
            tw_decref(op);
        }
    }
    t->hot_ncand = 0;
}

/* Few hot objects never fill a batch: convert them now and then, every
 * 256 of the thread's shared counts.  Until it is converted, a candidate's
 * count line keeps moving between the threads that use it; with many
 * threads on few cores, objects that a writer keeps replacing (an
 * instance's __dict__ and its values, read by 30 threads in
 * tests/stress/instance_dicts.py) spent most of their lives waiting, and
 * a run took 0.7-0.8 s at 8 and 32 threads against 0.19 and 0.15 s now
 * (every 4096 counts before, 3 interleaved runs each), with fewer stops of
 * the world.  The benchmark scripts at 2 and 4 threads did not move
 * beyond their noise (7 interleaved runs each). */
static inline void maybe_flush_candidates(TwNogilThread *t)
{
    if (t->hot_ncand && (t->hot_tick & 0xff) == 0)
        tw_eval_breaker_set(&t->base, TW_EB_NOGIL_HOT);
}

void tw_deferred_note_shared(TwNogilThread *t, TwObject *op)
{
    TwTypeObject *tp = op->ob_type;
    maybe_flush_candidates(t);
    /* Not an instance with a finalizer: a deferred object dies only in a
     * collection, and __del__ runs when the last reference goes. */
    if (t->deferred_closed || !tp ||
        !(tp->tp_flags & (TW_TPFLAGS_SHARE_HOT | TW_TPFLAGS_HEAPTYPE)) || tp->tp_finalize)
        return;
    /* Count the sample; the thread whose sample would reach CANDIDATE
     * goes on to take the candidate list's reference. */
    uint8_t seen = __atomic_load_n(&op->ob_flags, __ATOMIC_RELAXED);
    for (;;) {
        if (seen >= TW_HOT_CANDIDATE)
            return;
        if (seen + 1 == TW_HOT_CANDIDATE)
            break;
        if (__atomic_compare_exchange_n(&op->ob_flags, &seen, (uint8_t)(seen + 1), false,
                                        __ATOMIC_RELAXED, __ATOMIC_RELAXED))
            return;
    }
    if (t->hot_ncand == t->hot_cap) {
        size_t cap = t->hot_cap ? t->hot_cap * 2 : HOT_BATCH;
        TwObject **grown = realloc(t->hot_cand, cap * sizeof *grown);
        if (!grown)
            return;
        t->hot_cand = grown;
        t->hot_cap = cap;
    }
    /* The candidate list's reference.  The caller holds one (a decrement
     * samples before it drops its own), so op is alive; the CAS keeps the
     * state bits of a MERGED or QUEUED count as they are. */
    intptr_t shared = __atomic_load_n(&op->ob_ref_shared, __ATOMIC_RELAXED);
    do {
        if (shared == TW_REF_MERGED)
            return;
    } while (!__atomic_compare_exchange_n(&op->ob_ref_shared, &shared,
                                          shared + ((intptr_t)1 << TW_REF_SHARED_SHIFT), false,
                                          __ATOMIC_RELAXED, __ATOMIC_RELAXED));
    if (!__atomic_compare_exchange_n(&op->ob_flags, &seen, (uint8_t)TW_HOT_CANDIDATE, false,
                                     __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
        tw_decref(op);                /* another thread's sample got there */
        return;
    }
    t->hot_cand[t->hot_ncand++] = op;
    if (t->hot_ncand >= HOT_BATCH)
        tw_eval_breaker_set(&t->base, TW_EB_NOGIL_HOT);
}


/* Fold op's counts into one deferred count, dropping the candidate list's
 * reference.  World stopped, so the owner's ob_ref_local is stable. */
static bool convert_hot_stopped(TwObject *op)
{
    uint32_t local = __atomic_load_n(&op->ob_ref_local, __ATOMIC_RELAXED);
    intptr_t shared = __atomic_load_n(&op->ob_ref_shared, __ATOMIC_RELAXED);
    intptr_t state = shared & TW_REF_SHARED_FLAG_MASK;
    if (local >= TW_REF_DEFERRED_LOCAL ||
        (state != TW_REF_SHARED_DEFAULT && state != TW_REF_MERGED))
        return false;
    TwSsize count = (TwSsize)(shared >> TW_REF_SHARED_SHIFT) - 1;
    if (state == TW_REF_SHARED_DEFAULT)
        count += local;
    if (count <= 0)
        return false;
    size_t id = id_alloc(op);
    if (id == SIZE_MAX)
        return false;
    tw_bias_clear_stopped(op);
    __atomic_store_n(&op->ob_ref_shared, (intptr_t)((uintptr_t)count << TW_REF_SHARED_SHIFT),
                     __ATOMIC_RELAXED);
    __atomic_store_n(&op->ob_flags, (uint8_t)TW_HOT_DONE, __ATOMIC_RELAXED);
    __atomic_store_n(&op->ob_tid, TW_DEFERRED_TID_BIT | (uintptr_t)id, __ATOMIC_RELAXED);
    __atomic_store_n(&op->ob_ref_local, TW_REF_DEFERRED_LOCAL, __ATOMIC_RELEASE);
    if (!(__atomic_load_n(&op->ob_gc_bits, __ATOMIC_RELAXED) & TW_GC_TRACKED))
        __atomic_fetch_add(&untracked_live, 1, __ATOMIC_RELAXED);
    return true;
}

void tw_deferred_convert_hot(TwNogilThread *t)
{
    if (t->hot_ncand == 0)
        return;
    tw_stw_stop();
    for (size_t i = 0; i < t->hot_ncand; i++)
        if (convert_hot_stopped(t->hot_cand[i]))
            t->hot_cand[i] = NULL;
    tw_stw_start();
    drop_candidates(t);
}

/* Borrowed references (twinpy/vm.h).  With the world stopped, after the
 * fold, every reference a frame holds without counting it is added to its
 * object's ob_ref_shared, and taken off again before the world runs: so
 * the collector counts it like any other, and sys.getrefcount never sees
 * it.  A reported word may be stale (tw_frames_visit_borrowed): it counts
 * only if it is the address of a live deferred object, looked up in a set
 * of the id table's objects, never by reading the word's target (an
 * immortal callee, borrowed too, is not in the set and needs no count).
 * The set is built when a stop first needs it and kept while the table
 * does not change (table_gen), which is most collections: functions and
 * classes are made far less often than collections run. */
extern void tw_frames_visit_borrowed(struct TwFrame *innermost, void (*visit)(void *, void *), void *arg)
    __attribute__((weak));

typedef struct {
    TwObject **set;              /* open addressing, NULL = empty  */
    size_t mask;
    uint64_t gen;                /* table_gen it was built at      */
    bool built, failed;
} DeferredSet;

static DeferredSet known;            /* world stopped only */

static TwObject **protected_objs;    /* world stopped only */
static size_t protected_len, protected_cap;
static bool protected_all;          /* out of memory: every deferred one */

static void add_to_all(intptr_t delta)
{
    size_t limit = __atomic_load_n(&id_next, __ATOMIC_ACQUIRE);
    for (size_t id = 0; id < limit; id++) {
        TwObject *op = table_get(id);
        if (op)
            shared_add(op, delta);
    }
}

static inline size_t ptr_hash(const void *p)
{
    uintptr_t x = (uintptr_t)p >> 4;
    return (size_t)(x * 0x9E3779B97F4A7C15u >> 17);
}

static void deferred_set_build(DeferredSet *s)
{
    uint64_t gen = __atomic_load_n(&table_gen, __ATOMIC_RELAXED);
    s->failed = false;
    if (s->built && s->gen == gen)
        return;
    free(s->set);
    s->built = true;
    s->gen = gen;
    size_t limit = __atomic_load_n(&id_next, __ATOMIC_ACQUIRE);
    size_t cap = 16;
    while (cap < limit * 2)
        cap <<= 1;
    s->set = calloc(cap, sizeof *s->set);
    if (!s->set) {
        s->built = false;
        s->failed = true;
        return;
    }
    s->mask = cap - 1;
    for (size_t id = 0; id < limit; id++) {
        TwObject *op = table_get(id);
        if (!op)
            continue;
        size_t i = ptr_hash(op) & s->mask;
        while (s->set[i] && s->set[i] != op)
            i = (i + 1) & s->mask;
        s->set[i] = op;
    }
}

static bool deferred_set_has(const DeferredSet *s, const void *p)
{
    for (size_t i = ptr_hash(p) & s->mask; s->set[i]; i = (i + 1) & s->mask)
        if (s->set[i] == p)
            return true;
    return false;
}

static void protect_borrowed(void *maybe_obj, void *arg)
{
    bool *checked = arg;
    DeferredSet *s = &known;
    if (!*checked) {
        *checked = true;
        deferred_set_build(s);
    }
    if (s->failed || !deferred_set_has(s, maybe_obj))
        return;
    if (protected_len == protected_cap) {
        size_t ncap = protected_cap ? protected_cap * 2 : 64;
        TwObject **grown = realloc(protected_objs, ncap * sizeof *grown);
        if (!grown) {
            s->failed = true;
            return;
        }
        protected_objs = grown;
        protected_cap = ncap;
    }
    TwObject *op = maybe_obj;
    shared_add(op, 1);
    protected_objs[protected_len++] = op;
}

void tw_deferred_merge_all_stopped(void)
{
    for (TwNogilThread *t = tw_nogil_threads_first(); t; t = tw_nogil_threads_next(t))
        fold_slots(t);
    if (!tw_frames_visit_borrowed)
        return;
    bool checked = false;
    known.failed = false;
    for (TwNogilThread *t = tw_nogil_threads_first(); t; t = tw_nogil_threads_next(t))
        tw_frames_visit_borrowed(t->base.frame, protect_borrowed, &checked);
    if (known.failed) {
        /* Out of memory: a borrow left uncounted could be freed under its
         * frame, so every deferred object counts one more until the world
         * runs again (none is then garbage, so the id table stays as it
         * is and the same objects lose it again). */
        tw_deferred_unprotect_stopped();
        add_to_all(1);
        protected_all = true;
    }
}

void tw_deferred_unprotect_stopped(void)
{
    for (size_t i = 0; i < protected_len; i++)
        shared_add(protected_objs[i], -1);
    protected_len = 0;
    if (protected_all) {
        add_to_all(-1);
        protected_all = false;
    }
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
