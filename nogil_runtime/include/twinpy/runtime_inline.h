/*
 * runtime_inline.h (nogil) — object header and fast paths of the
 * free-threaded runtime.
 *
 * Biased reference counting.  Every object is owned by the thread that made
 * it (ob_tid).  The owner counts in ob_ref_local with plain (relaxed) loads
 * and stores; every other thread counts in ob_ref_shared with atomic
 * read-modify-writes.  The true count is ob_ref_local + (ob_ref_shared >> 2).
 *
 * ob_ref_shared's two low bits are a state:
 *   TW_REF_SHARED_DEFAULT  the owner is alive and owns ob_ref_local
 *   TW_REF_QUEUED          a non-owner took the shared count below zero and
 *                          queued the object to its owner (the queue holds
 *                          one reference)
 *   TW_REF_MERGED          ob_ref_local has been folded into ob_ref_shared;
 *                          ob_tid is 0 and every thread uses the shared count
 * Invariants (see nogil_runtime/brc.c, which implements the slow paths):
 *   - only the owner thread writes ob_ref_local, except while merged
 *     (then nobody does) or while the world is stopped;
 *   - ob_tid == 0 if and only if the state is MERGED;
 *   - an object is freed exactly once: by the owner when local reaches zero
 *     and shared is zero, or by whoever takes a MERGED count to zero;
 *   - a dead object (count zero, unreachable by any thread but through a
 *     stale pointer that tw_try_incref refuses) may be brought back by
 *     the thread deallocating it, to run a finalizer: it becomes that
 *     thread's own, with one local reference (brc.c, tw_resurrect_begin),
 *     and its next death is an ordinary one.
 * Immortal objects have ob_ref_local == UINT32_MAX and skip all counting.
 *
 * Deferred (per-thread counted) objects have ob_ref_local ==
 * TW_REF_DEFERRED_LOCAL and ob_tid == TW_DEFERRED_TID_BIT | id: every
 * thread counts its references in its own slots[id] with plain stores, and
 * only the cycle collector frees them (nogil_runtime/deferred_rc.c holds
 * the invariants).  The top bit keeps such an ob_tid from ever equalling a
 * thread id, so tw_is_owned_by_me is false for them.
 * Neither kind is ever owned, so the fast paths test ownership first, then
 * the deferred bit of the same ob_tid, then ob_ref_local for immortality.
 */
#ifndef TWINPY_RUNTIME_INLINE_H
#define TWINPY_RUNTIME_INLINE_H

#include <stddef.h>
#include <string.h>

#define TW_REF_SHARED_SHIFT 2
#define TW_REF_SHARED_FLAG_MASK 0x3
#define TW_REF_SHARED_DEFAULT 0x0
#define TW_REF_QUEUED 0x2
#define TW_REF_MERGED 0x3
#define TW_REF_IMMORTAL_LOCAL UINT32_MAX
#define TW_REF_DEFERRED_LOCAL (UINT32_MAX - 1)
#define TW_DEFERRED_TID_BIT ((uintptr_t)1 << (sizeof(uintptr_t) * 8 - 1))
/* ob_flags: below TW_HOT_CANDIDATE, sampled shared uses of the object;
 * TW_HOT_CANDIDATE while one thread's hot-candidate list holds a reference
 * to it (exactly one: set by CAS); TW_HOT_DONE once that list let go. */
#define TW_HOT_CANDIDATE 8
#define TW_HOT_DONE 9

struct TwObject {
    uintptr_t ob_tid;          /* owning thread's tw_thread_id(), 0 = merged  */
    uint32_t ob_ref_local;     /* owner's count                                */
    uint8_t ob_flags;          /* hot-object sampling state (deferred_rc.c)   */
    uint8_t ob_published;      /* 1 once stored where readers take no lock    */
    uint8_t ob_mutex;          /* per-object lock: bit 0 locked, bit 1 parked;
                                  bit 2 biased (bias.c)                       */
    uint8_t ob_gc_bits;        /* cycle-collector state                        */
    intptr_t ob_ref_shared;    /* everyone else's count << 2 | state           */
    struct TwTypeObject *ob_type;
};

/* tw_peek_local_only_eq reads the local count and the four state bytes
 * after it as one little-endian word, which equals a small count n only
 * when the bytes are zero: one compare with an immediate. */
_Static_assert(offsetof(struct TwObject, ob_flags) == offsetof(struct TwObject, ob_ref_local) + 4
                   && offsetof(struct TwObject, ob_published) == offsetof(struct TwObject, ob_ref_local) + 5
                   && offsetof(struct TwObject, ob_mutex) == offsetof(struct TwObject, ob_ref_local) + 6
                   && offsetof(struct TwObject, ob_gc_bits) == offsetof(struct TwObject, ob_ref_local) + 7
                   && offsetof(struct TwObject, ob_ref_local) % 8 == 0,
               "TwObject's local count and state bytes share one aligned word");

#define TW_OBJECT_HEAD_INIT(tp) \
    { .ob_tid = 0, .ob_ref_local = TW_REF_IMMORTAL_LOCAL, .ob_ref_shared = 0, .ob_type = (tp) }

/* This thread's owner id: unique for the life of the process, never 0,
 * never reused (so a dead owner's objects are never mistaken for ours). */
extern TW_TLS uintptr_t tw_thread_id_tls;
static inline uintptr_t tw_thread_id(void) { return tw_thread_id_tls; }

/* Biased containers (nogil_runtime/bias.c): TW_MUTEX_BIASED in ob_mutex
 * while the object is private to its owner (ob_tid): the owner's critical
 * sections on it take no lock and what it stores in it is not published.
 * Set when tw_gc_alloc makes an object (tw_bias_initial: 0 with
 * TWINPY_BIAS=0), cleared once.  Objects without the GC prefix (numbers,
 * strings) hold no other objects and start unbiased. */
#define TW_MUTEX_BIASED 4
extern uint8_t tw_bias_initial;
/* Unbias op, which is biased to another thread (or to no live one): stops
 * the world.  For the caller's own op, unbiases it in place. */
void tw_bias_revoke(TwObject *op);
/* op is being stored where other threads may read it: unbias it (and what
 * it reaches) if the caller owns it. */
void tw_bias_escape(TwObject *op);
/* Objects made from now on are not biased (tests; TWINPY_BIAS=0). */
void tw_bias_disable(void);

static inline void tw_object_init_header(TwObject *op, TwTypeObject *tp)
{
    op->ob_tid = tw_thread_id();
    op->ob_flags = 0;
    op->ob_published = 0;
    op->ob_mutex = 0;
    op->ob_gc_bits = 0;
    op->ob_ref_local = 1;
    op->ob_ref_shared = 0;
    op->ob_type = tp;
}

/* Slow paths, nogil_runtime/brc.c */
void tw_brc_decref_shared(TwObject *op);
void tw_brc_merge_zero_local(TwObject *op);
bool tw_brc_try_incref_shared(TwObject *op);

/* Per-thread counts of deferred objects (nogil_runtime/deferred_rc.c).
 * A thread's counters sit in chunks of TW_DEFERRED_CHUNK ids, found
 * through its directory tw_deferred_dir_tls (NULL before its first
 * deferred count and after it exits).  A chunk is address space mapped
 * whole (512 KiB) whose pages become memory only where the thread writes
 * a slot, so the first one covers the ids of every object most programs
 * make deferred (functions, classes, modules, and the ints, strs and
 * containers threads share) at the cost of one page per 512 ids in use.
 * The fast path below is the whole count when the caller already has the
 * chunk; tw_deferred_add_slow makes one, or counts in ob_ref_shared
 * (threads without a directory). */
#define TW_DEFERRED_CHUNK_BITS 16
#define TW_DEFERRED_CHUNK ((size_t)1 << TW_DEFERRED_CHUNK_BITS)
extern TW_TLS intptr_t **tw_deferred_dir_tls;
/* The same directory's first chunk (ids below TW_DEFERRED_CHUNK), or
 * NULL: one load fewer on the way to the slot. */
extern TW_TLS intptr_t *tw_deferred_chunk0_tls;
/* TW_DEFERRED_TID_BIT | TW_DEFERRED_CHUNK while tw_deferred_chunk0_tls is
 * set, else 0: a deferred object's ob_tid (TW_DEFERRED_TID_BIT | id) is
 * below it exactly when the thread has a chunk 0 and id falls in it. */
extern TW_TLS uintptr_t tw_deferred_chunk0_limit_tls;
void tw_deferred_add_slow(TwObject *op, intptr_t delta);
void tw_deferred_add_far(TwObject *op, uintptr_t tid, intptr_t delta);
TwSsize tw_deferred_refcnt(const TwObject *op);

#define TW_REFCOUNT_INLINE static inline __attribute__((always_inline))

/* How much of a count update is inline.  Every call site gets the
 * owner's path and the immortal test; the rest (a deferred object's slot,
 * a shared count) is a call to tw_incref_other / tw_decref_other, a
 * death's checks a call to tw_decref_zero_local, and a deferred slot past
 * chunk 0 a call to tw_deferred_add_far.  A translation unit that defines
 * TW_REFCOUNT_HOT before its includes (the interpreter loop, dict.c) gets
 * every path inline instead, but for the slot past chunk 0, which only a
 * program with more than 65,536 deferred objects uses: inline, that walk
 * of the directory was 12 KB of the nogil interpreter loop's 73 KB, for
 * the same instruction counts.  All inline everywhere, the binary's text was
 * 1,007 KB against the GIL build's 662 KB, and the text is resident
 * memory (mapped whole as pages fault in); this way it is 855 KB, for the
 * same instruction counts on bench/driver.py's scripts (within 0.1%; the
 * tw_*_likely_deferred forms keep a class's and a method's counts inline
 * where instances are made and freed). */

/* The owner's update of its own count.  Only the owner writes ob_ref_local
 * (header comment), and other threads only load it (relaxed: to tell an
 * immortal or deferred object, or for tw_refcnt), so no locked instruction
 * is needed; on x86-64 the update is one unlocked read-modify-write on
 * memory, which such a load sees whole, before or after.  Written as
 * assembly because a C compiler keeps a relaxed atomic load and store
 * apart (three instructions); sanitizer builds (TW_SANITIZED) use those,
 * so that ThreadSanitizer and AddressSanitizer see the accesses. */
#if defined(__x86_64__) && !defined(TW_SANITIZED)
/* The same for a thread's own slot of a deferred object's count
 * (deferred_rc.c: only the slot's thread writes it). */
TW_REFCOUNT_INLINE void tw_ref_slot_add(intptr_t *slot, intptr_t delta)
{
    __asm__("addq %1, %0" : "+m"(*slot) : "er"(delta));
}
TW_REFCOUNT_INLINE void tw_ref_local_inc(TwObject *op)
{
    __asm__("addl $1, %0" : "+m"(op->ob_ref_local));
}
/* One of the thread's own counters for --stats (other threads read it,
 * relaxed): one unlocked add to memory. */
TW_REFCOUNT_INLINE void tw_stat_inc(uint64_t *counter)
{
    __asm__("addq $1, %0" : "+m"(*counter));
}
/* Returns true when the count reached zero. */
TW_REFCOUNT_INLINE bool tw_ref_local_dec_is_zero(TwObject *op)
{
    bool zero;
    __asm__("subl $1, %0" : "+m"(op->ob_ref_local), "=@ccz"(zero));
    return zero;
}
#else
TW_REFCOUNT_INLINE void tw_ref_slot_add(intptr_t *slot, intptr_t delta)
{
    __atomic_store_n(slot, __atomic_load_n(slot, __ATOMIC_RELAXED) + delta, __ATOMIC_RELAXED);
}
TW_REFCOUNT_INLINE void tw_ref_local_inc(TwObject *op)
{
    __atomic_store_n(&op->ob_ref_local, __atomic_load_n(&op->ob_ref_local, __ATOMIC_RELAXED) + 1,
                     __ATOMIC_RELAXED);
}
TW_REFCOUNT_INLINE void tw_stat_inc(uint64_t *counter)
{
    __atomic_store_n(counter, __atomic_load_n(counter, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
}
TW_REFCOUNT_INLINE bool tw_ref_local_dec_is_zero(TwObject *op)
{
    uint32_t local = __atomic_load_n(&op->ob_ref_local, __ATOMIC_RELAXED) - 1;
    __atomic_store_n(&op->ob_ref_local, local, __ATOMIC_RELAXED);
    return local == 0;
}
#endif

/* Header fields tested where they are loaded.  Several fast paths test a
 * field that other threads may write (ob_ref_shared, ob_published,
 * ob_mutex) or read (ob_ref_local) with a relaxed or acquire atomic load.
 * A C compiler keeps such a load apart from the compare that uses it
 * (`mov` then `cmp`/`test`: two instructions where one with a memory
 * operand does); on x86-64 each test below is that one instruction, one
 * aligned load like the atomic one.  Every x86-64 load is an acquire in
 * hardware; for the compiler, what follows tw_peek_ssize_is_zero_acquire
 * (tw_refcnt_is_unshared: a store into the object) depends on its outcome
 * and is never moved above the branch.  Not every test is written so:
 * tw_is_immortal and the shared-count test of tw_decref stay C atomics,
 * which the interpreter loop's register allocation measured better with
 * (instruction counts, bench/driver.py's scripts).  Sanitizer builds use
 * C atomics throughout, so that ThreadSanitizer sees the accesses. */
#if defined(__x86_64__) && !defined(TW_SANITIZED)
TW_REFCOUNT_INLINE bool tw_peek_u32_eq(const uint32_t *p, uint32_t v)
{
    bool eq;
    __asm__("cmpl %2, %1" : "=@ccz"(eq) : "m"(*p), "ir"(v));
    return eq;
}
TW_REFCOUNT_INLINE bool tw_peek_ssize_is_zero_acquire(const intptr_t *p)
{
    bool zero;
    __asm__("cmpq $0, %1" : "=@ccz"(zero) : "m"(*p));
    return zero;
}
/* The local count of op and its four state bytes (see TwObject) in one
 * load: true when the count is n (below 2^31) and the bytes are all zero.
 * The owner changes the count with 4-byte adds, and an 8-byte load right
 * behind one cannot take its value from the store buffer (about 5 ns in a
 * loop doing nothing else, against 1 ns for two 4-byte loads); in the
 * interpreter the adds are far enough ahead of these tests that two
 * 4-byte loads measured no faster (a loop of `y = dt / (d2 * d2)` and nbody, timed
 * interleaved) while costing two more instructions per test. */
TW_REFCOUNT_INLINE bool tw_peek_local_only_eq(const TwObject *op, uint32_t n)
{
    bool eq;
    __asm__("cmpq %2, %1" : "=@ccz"(eq) : "m"(*(const uint64_t *)&op->ob_ref_local),
            "ir"((uint64_t)n));
    return eq;
}
TW_REFCOUNT_INLINE bool tw_peek_u8_is_zero(const uint8_t *p)
{
    bool zero;
    __asm__("cmpb $0, %1" : "=@ccz"(zero) : "m"(*p));
    return zero;
}
TW_REFCOUNT_INLINE bool tw_peek_u8_has(const uint8_t *p, uint8_t mask)
{
    bool any;
    __asm__("testb %2, %1" : "=@ccnz"(any) : "m"(*p), "i"(mask));
    return any;
}
#else
TW_REFCOUNT_INLINE bool tw_peek_u32_eq(const uint32_t *p, uint32_t v)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED) == v;
}
TW_REFCOUNT_INLINE bool tw_peek_ssize_is_zero_acquire(const intptr_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE) == 0;
}
TW_REFCOUNT_INLINE bool tw_peek_local_only_eq(const TwObject *op, uint32_t n)
{
    return __atomic_load_n(&op->ob_ref_local, __ATOMIC_RELAXED) == n
        && __atomic_load_n(&op->ob_flags, __ATOMIC_RELAXED) == 0
        && __atomic_load_n(&op->ob_published, __ATOMIC_RELAXED) == 0
        && __atomic_load_n(&op->ob_mutex, __ATOMIC_RELAXED) == 0
        && __atomic_load_n(&op->ob_gc_bits, __ATOMIC_RELAXED) == 0;
}
TW_REFCOUNT_INLINE bool tw_peek_u8_is_zero(const uint8_t *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED) == 0;
}
TW_REFCOUNT_INLINE bool tw_peek_u8_has(const uint8_t *p, uint8_t mask)
{
    return (__atomic_load_n(p, __ATOMIC_RELAXED) & mask) != 0;
}
#endif

/* tid: op's ob_tid, already loaded by the caller (TW_DEFERRED_TID_BIT | id). */
TW_REFCOUNT_INLINE void tw_deferred_add_tid(TwObject *op, uintptr_t tid, intptr_t delta)
{
    if (__builtin_expect(tid < tw_deferred_chunk0_limit_tls, 1)) {
        /* id's slot in chunk 0: tid * sizeof(intptr_t) is id's offset,
         * the top bit shifting out (modulo 2^64) */
        tw_ref_slot_add((intptr_t *)((uintptr_t)tw_deferred_chunk0_tls + tid * sizeof(intptr_t)),
                        delta);
        return;
    }
    tw_deferred_add_far(op, tid, delta);
}

TW_REFCOUNT_INLINE bool tw_is_immortal(const TwObject *op)
{
    return __atomic_load_n(&op->ob_ref_local, __ATOMIC_RELAXED) == TW_REF_IMMORTAL_LOCAL;
}

TW_REFCOUNT_INLINE bool tw_is_owned_by_me(const TwObject *op)
{
    return __atomic_load_n(&op->ob_tid, __ATOMIC_RELAXED) == tw_thread_id();
}

/* The increments that cannot fail: op (whose ob_tid the caller loaded as
 * tid) is the caller's own, deferred or immortal, and the reference is
 * taken (true); false when only a shared increment would do. */
TW_REFCOUNT_INLINE bool tw_incref_unshared(TwObject *op, uintptr_t tid)
{
    if (__builtin_expect(tid == tw_thread_id(), 1)) {
        tw_ref_local_inc(op);
        return true;
    }
    if (tid & TW_DEFERRED_TID_BIT) {
        tw_deferred_add_tid(op, tid, 1);
        return true;
    }
    return tw_is_immortal(op);
}

/* The owner's test comes first: an object whose ob_tid is this thread's id
 * is neither immortal (ob_tid 0) nor deferred (ob_tid has the top bit), so
 * the common case, a thread counting its own objects, costs one compare of
 * ob_tid and a plain add.  Only the owner or a stopped world turns an owned
 * object immortal or deferred (deferred_rc.c), so the owner never races
 * with that change.  Then the same ob_tid tells a deferred object (top
 * bit); of the others (ob_tid 0 or another thread's), only the immortal
 * have ob_ref_local == TW_REF_IMMORTAL_LOCAL. */
void tw_incref_other(TwObject *op, uintptr_t tid);
void tw_decref_other(TwObject *op, uintptr_t tid);
void tw_decref_zero_local(TwObject *op);

TW_REFCOUNT_INLINE void tw_incref(TwObject *op)
{
    uintptr_t tid = __atomic_load_n(&op->ob_tid, __ATOMIC_RELAXED);
    if (__builtin_expect(tid == tw_thread_id(), 1)) {
        tw_ref_local_inc(op);
        return;
    }
#ifdef TW_REFCOUNT_HOT
    if (tid & TW_DEFERRED_TID_BIT) {
        tw_deferred_add_tid(op, tid, 1);
        return;
    }
    if (tw_is_immortal(op))
        return;
    __atomic_fetch_add(&op->ob_ref_shared, (intptr_t)1 << TW_REF_SHARED_SHIFT, __ATOMIC_RELAXED);
#else
    if (tw_is_immortal(op))
        return;
    tw_incref_other(op, tid);
#endif
}

TW_REFCOUNT_INLINE void tw_decref(TwObject *op)
{
    uintptr_t tid = __atomic_load_n(&op->ob_tid, __ATOMIC_RELAXED);
    if (__builtin_expect(tid == tw_thread_id(), 1)) {
        if (tw_ref_local_dec_is_zero(op)) {
#ifdef TW_REFCOUNT_HOT
            /* The common death: nobody else counted it and no optimistic
             * reader can have it (never published); else brc.c decides. */
            if (__atomic_load_n(&op->ob_ref_shared, __ATOMIC_ACQUIRE) == 0
                && tw_peek_u8_is_zero(&op->ob_published))
                tw_dealloc(op);
            else
                tw_brc_merge_zero_local(op);
#else
            tw_decref_zero_local(op);
#endif
        }
        return;
    }
#ifdef TW_REFCOUNT_HOT
    if (tid & TW_DEFERRED_TID_BIT) {
        tw_deferred_add_tid(op, tid, -1);
        return;
    }
    if (tw_is_immortal(op))
        return;
    tw_brc_decref_shared(op);
#else
    if (tw_is_immortal(op))
        return;
    tw_decref_other(op, tid);
#endif
}

/* tw_decref / tw_incref for a reference that is usually to a deferred object (a
 * module-level function or class: a frame's function; tw_try_incref_global
 * below takes such references): the deferred test comes first and the
 * deferred path is the one laid out inline. */
TW_REFCOUNT_INLINE void tw_decref_likely_deferred(TwObject *op)
{
    uintptr_t tid = __atomic_load_n(&op->ob_tid, __ATOMIC_RELAXED);
    if (__builtin_expect((tid & TW_DEFERRED_TID_BIT) != 0, 1)) {
        tw_deferred_add_tid(op, tid, -1);
        return;
    }
    tw_decref(op);
}
TW_REFCOUNT_INLINE void tw_incref_likely_deferred(TwObject *op)
{
    uintptr_t tid = __atomic_load_n(&op->ob_tid, __ATOMIC_RELAXED);
    if (__builtin_expect((tid & TW_DEFERRED_TID_BIT) != 0, 1)) {
        tw_deferred_add_tid(op, tid, 1);
        return;
    }
    tw_incref(op);
}

/* Borrowed callees (twinpy/vm.h): a frame may hold a deferred object (a
 * module-level function or class) or an immortal one (a builtin) on its
 * value stack, or as its function, without counting it.  Immortal objects
 * never die.  Only the collector frees a deferred object, with the world
 * stopped, and it first counts every reference the frames of all threads
 * borrow (tw_frames_visit_borrowed, called by
 * tw_deferred_merge_all_stopped), so a borrowed object lives as long as a
 * frame holds it; and nothing but the collector, for garbage, turns a
 * deferred object back into an ordinary one.  What is saved is the two
 * per-thread slot updates (an ownership test, a TLS range test, the add)
 * of every call of a global. */
static inline bool tw_frames_borrow(void) { return true; }
TW_REFCOUNT_INLINE bool tw_frame_may_borrow(const TwObject *op)
{
    return (__atomic_load_n(&op->ob_tid, __ATOMIC_RELAXED) & TW_DEFERRED_TID_BIT) != 0
        || tw_is_immortal(op);
}

/* tw_incref / tw_decref where the object is usually immortal: a code
 * object's constant (small ints, None, interned strings; else mostly a
 * module-level function's deferred constants), an int index.  Immortality
 * is tested first. */
TW_REFCOUNT_INLINE void tw_incref_likely_immortal(TwObject *op)
{
    if (__builtin_expect(tw_is_immortal(op), 1))
        return;
    tw_incref(op);
}
TW_REFCOUNT_INLINE void tw_decref_likely_immortal(TwObject *op)
{
    if (__builtin_expect(tw_is_immortal(op), 1))
        return;
    tw_decref(op);
}

static inline void tw_set_immortal(TwObject *op)
{
    /* Made immortal by its creator before anyone else can see it: no
     * section of another thread is open on it (bias.c). */
    __atomic_store_n(&op->ob_mutex, op->ob_mutex & ~TW_MUTEX_BIASED, __ATOMIC_RELEASE);
    op->ob_tid = 0;
    __atomic_store_n(&op->ob_ref_local, TW_REF_IMMORTAL_LOCAL, __ATOMIC_RELAXED);
    __atomic_store_n(&op->ob_ref_shared, 0, __ATOMIC_RELAXED);
}

static inline TwSsize tw_refcnt(const TwObject *op)
{
    uint32_t local = __atomic_load_n(&op->ob_ref_local, __ATOMIC_RELAXED);
    if (local == TW_REF_IMMORTAL_LOCAL)
        return (TwSsize)UINT32_MAX;
    if (local == TW_REF_DEFERRED_LOCAL)
        return tw_deferred_refcnt(op);
    intptr_t shared = __atomic_load_n(&op->ob_ref_shared, __ATOMIC_RELAXED);
    /* A queued object's counts include the reference its owner's queue
     * holds in place of the decrement that queued it (brc.c): not one the
     * program holds, so it is not reported. */
    TwSsize queued = (shared & TW_REF_SHARED_FLAG_MASK) == TW_REF_QUEUED;
    /* Nor is a hot-candidate list's reference (deferred_rc.c). */
    TwSsize candidate = __atomic_load_n(&op->ob_flags, __ATOMIC_RELAXED) == TW_HOT_CANDIDATE;
    return (TwSsize)local + (shared >> TW_REF_SHARED_SHIFT) - queued - candidate;
}

/* True when op has exactly n references, all counted locally by this
 * thread as owner, no other thread holds one, and op was never published:
 * it may change op in place.  A count of n alone is not enough (another
 * thread may have just dropped a reference while still reading op); the
 * acquire pairs with a non-owner's releasing decrement of ob_ref_shared.
 * Never published: a thread may read a number found in a shared list or
 * dict without counting it (the interpreter's uncounted operands), until
 * its next quiescent point; such a number has been published, and so
 * never changes in place while it is readable (the owner may have taken it
 * out of the container and be its only holder by now).  The state bytes
 * are zero for an int, float or str that no other thread has used and no
 * container has published (they are zero at birth; numbers and strs are
 * never locked or tracked). */
TW_REFCOUNT_INLINE bool tw_refcnt_is_unshared(const TwObject *op, TwSsize n)
{
    /* The local count first: it is what usually fails (an operand that a
     * container or a variable also holds), and it fails for immortal and
     * deferred objects too; only the owner's own loads of it are exact,
     * hence the ownership test before the shared count. */
    return tw_peek_local_only_eq(op, (uint32_t)n)
        && tw_is_owned_by_me(op)
        && tw_peek_ssize_is_zero_acquire(&op->ob_ref_shared);
}

/* Take a reference to an object found without a lock.  Fails (false) if
 * the object's count may already have reached zero. */
TW_REFCOUNT_INLINE bool tw_try_incref(TwObject *op)
{
    return tw_incref_unshared(op, __atomic_load_n(&op->ob_tid, __ATOMIC_RELAXED))
        || tw_brc_try_incref_shared(op);
}

/* ---- critical sections (nogil_runtime/critical_section.c) ---- */
/* a == NULL: a nested section on an object the enclosing one already
 * holds (nothing to do at the end).  suspended: its locks were released
 * when the thread blocked; they are re-taken before it runs again.
 * elided: it counts as holding its objects but took no lock:
 *   TW_CS_ELIDED_SOLO  opened while the thread ran alone (solo, tstate.c);
 *                      locked for real, or suspended, before any other
 *                      thread may attach;
 *   TW_CS_ELIDED_BIAS  one object, or two, biased to this thread (bias.c);
 *                      locked for real by whoever unbiases the object(s);
 *   TW_CS_ELIDED_BIAS_A, _B  a two-object section whose other object was
 *                      unbiased meanwhile: it holds that one's lock and
 *                      still elides a (_A) or b (_B).  Negative as int8_t:
 *                      tw_cs_end's fast path takes only whole elisions. */
enum { TW_CS_ELIDED_SOLO = 1, TW_CS_ELIDED_BIAS = 2, TW_CS_ELIDED_BIAS_A = 0x81,
       TW_CS_ELIDED_BIAS_B = 0x82 };
typedef struct TwCriticalSection {
    struct TwCriticalSection *prev;
    TwObject *a, *b;
    bool suspended;
    uint8_t elided;
} TwCriticalSection;

/* The calling thread's stack of critical sections (only that thread
 * touches top and solo), how many it opened by locking a free mutex at
 * once (fast) and how many it opened without a lock (elided: solo or
 * biased), for --stats, and whether it is the only attached thread (solo:
 * sections are elided; set and cleared by the thread itself, tstate.c). */
typedef struct {
    TwCriticalSection *top;
    uint64_t fast;
    uint64_t elided;
    bool solo;
} TwCsThread;
extern TW_TLS TwCsThread tw_cs_tls;

void tw_cs_begin_slow(TwCriticalSection *cs);
void tw_cs_begin2(TwCriticalSection *cs, TwObject *a, TwObject *b);
void tw_cs_end_slow(TwCriticalSection *cs);

/* The fast path: op is biased to this thread, or the thread runs alone,
 * or op's mutex is free, or the innermost section holds it.  An object
 * biased to another thread goes to the slow path, which revokes the bias
 * first (so solo sections are never on biased objects). */
static inline __attribute__((always_inline)) void tw_cs_begin(TwCriticalSection *cs,
                                                              TwObject *op)
{
    TwCriticalSection *top = tw_cs_tls.top;
    cs->b = NULL;
    if (top && !top->suspended && (top->a == op || top->b == op)) {
        cs->a = NULL;
        return;
    }
    cs->a = op;
    cs->prev = top;
    cs->suspended = false;
    /* Only the owner or a stopped world clears the bit under the owner
     * (bias.c): a relaxed load suffices for the owner's test. */
    if (tw_peek_u8_has(&op->ob_mutex, TW_MUTEX_BIASED)) {
        if (__builtin_expect(__atomic_load_n(&op->ob_tid, __ATOMIC_RELAXED) == tw_thread_id(), 1)) {
            cs->elided = TW_CS_ELIDED_BIAS;
            tw_cs_tls.top = cs;
            tw_stat_inc(&tw_cs_tls.elided);
            return;
        }
        cs->elided = 0;
        tw_cs_begin_slow(cs);
        return;
    }
    if (tw_cs_tls.solo) {
        cs->elided = TW_CS_ELIDED_SOLO;
        tw_cs_tls.top = cs;
        tw_stat_inc(&tw_cs_tls.elided);
        return;
    }
    cs->elided = 0;
    uint8_t expected = 0;
    if (__builtin_expect(__atomic_compare_exchange_n(&op->ob_mutex, &expected, 1, false,
                                                     __ATOMIC_ACQUIRE, __ATOMIC_RELAXED), 1)) {
        tw_cs_tls.top = cs;
        tw_stat_inc(&tw_cs_tls.fast);
        return;
    }
    tw_cs_begin_slow(cs);
}

/* The fast path: one object (or an elided section), no parked waiter, no
 * suspended section below. */
static inline __attribute__((always_inline)) void tw_cs_end(TwCriticalSection *cs)
{
    TwObject *a = cs->a;
    if (a == NULL)
        return;
    if (__builtin_expect(cs->prev == NULL || !cs->prev->suspended, 1)) {
        if ((int8_t)cs->elided > 0) {
            tw_cs_tls.top = cs->prev;
            return;
        }
        uint8_t expected = 1;
        if (__builtin_expect(cs->b == NULL, 1) &&
            __builtin_expect(__atomic_compare_exchange_n(&a->ob_mutex, &expected, 0, false,
                                                         __ATOMIC_RELEASE, __ATOMIC_RELAXED), 1)) {
            tw_cs_tls.top = cs->prev;
            return;
        }
    }
    tw_cs_end_slow(cs);
}

#define TW_BEGIN_CRITICAL_SECTION(op) \
    { TwCriticalSection _tw_cs; tw_cs_begin(&_tw_cs, (TwObject *)(op));
#define TW_BEGIN_CRITICAL_SECTION2(a, b) \
    { TwCriticalSection _tw_cs; tw_cs_begin2(&_tw_cs, (TwObject *)(a), (TwObject *)(b));
#define TW_END_CRITICAL_SECTION() tw_cs_end(&_tw_cs); }

/* ---- lock-free publication of container internals ---- */

/* op is being stored where other threads read it without a lock and
 * without holding a reference first (list items, dict keys and values, a
 * global cache entry: tw_try_incref_item).  From now on its death leaves
 * the dead mark for those readers (brc.c) and its memory waits for a grace
 * period (qsbr.c).  An object never published has no such reader, so it
 * dies and its block is reused at once.  Stores of 1 only, never reset
 * while the object lives (at its death brc.c resets it when no other
 * thread is online): a plain check-then-store suffices. */
TW_REFCOUNT_INLINE void tw_object_publish(TwObject *op)
{
    if (tw_peek_u8_is_zero(&op->ob_published))
        __atomic_store_n(&op->ob_published, 1, __ATOMIC_RELAXED);
}

TW_REFCOUNT_INLINE bool tw_object_is_published(const TwObject *op)
{
    return !tw_peek_u8_is_zero(&op->ob_published);
}

/* op is being stored into container (inside its critical section).  A
 * container biased to the caller has no reader but the caller: nothing to
 * publish (unbiasing it publishes its items, bias.c).  Otherwise op is
 * published, and if op is the caller's own biased object it is unbiased:
 * other threads can now reach it. */
TW_REFCOUNT_INLINE void tw_object_publish_into(TwObject *container, TwObject *op)
{
    if (tw_peek_u8_has(&container->ob_mutex, TW_MUTEX_BIASED))
        return;
    tw_object_publish(op);
    if (__builtin_expect(tw_peek_u8_has(&op->ob_mutex, TW_MUTEX_BIASED), 0))
        tw_bias_escape(op);
}

/* op is being stored into container, whose readers all lock it (a deque):
 * nothing to publish, but if the container is shared and op is the
 * caller's own biased object, op is unbiased now, so that the thread that
 * takes it out need not stop the world to look inside it. */
TW_REFCOUNT_INLINE void tw_object_share_into(TwObject *container, TwObject *op)
{
    if (__builtin_expect(tw_peek_u8_has(&op->ob_mutex, TW_MUTEX_BIASED), 0)
        && !tw_peek_u8_has(&container->ob_mutex, TW_MUTEX_BIASED))
        tw_bias_escape(op);
}

/* True while op is biased to some thread (bias.c); the acquire pairs with
 * the store that clears the bit, after op's items were published. */
TW_REFCOUNT_INLINE bool tw_object_is_biased(const TwObject *op)
{
    return (__atomic_load_n(&op->ob_mutex, __ATOMIC_ACQUIRE) & TW_MUTEX_BIASED) != 0;
}

/* True when op is biased to the calling thread: no other thread can read
 * or change what it holds until the caller next checks its eval breaker
 * or blocks (a revocation waits for that), so a short mutation that does
 * neither may skip the critical section and the publication. */
TW_REFCOUNT_INLINE bool tw_object_is_private(const TwObject *op)
{
    return tw_peek_u8_has(&op->ob_mutex, TW_MUTEX_BIASED)
        && __atomic_load_n(&op->ob_tid, __ATOMIC_RELAXED) == tw_thread_id();
}

/* No process-wide pools of freed objects (int.c, float.c): threads
 * allocate at once, and a published object's memory waits for a grace
 * period.  Their objects come from the per-thread block pools below. */
static inline bool tw_object_static_pools(void) { return false; }

/* The caller is about to read op's items without a lock: if op is biased
 * to another thread, unbias it first (bias.c, B2).  The acquire pairs with
 * the clearing store: the items are published by then. */
TW_REFCOUNT_INLINE bool tw_bias_read_needs_revoke(const TwObject *op)
{
    return __builtin_expect(tw_object_is_biased(op), 0)
        && __atomic_load_n(&op->ob_tid, __ATOMIC_RELAXED) != tw_thread_id();
}
TW_REFCOUNT_INLINE void tw_bias_check_read(TwObject *op)
{
    if (tw_bias_read_needs_revoke(op))
        tw_bias_revoke(op);
}

/* ---- object allocation fast paths (nogil_runtime/object_memory.c) ----
 *
 * Blocks come from the calling thread's pool (twinpy/pool.h) first.  A
 * block enters a pool only where it may be reused at once
 * (object_memory.c has the argument). */
TwObject *tw_object_alloc_slow(TwTypeObject *tp, size_t size);
void tw_object_free_slow(TwObject *op, size_t size);

/* Objects that are not tracked by the cycle collector (runtime.h). */
TW_REFCOUNT_INLINE TwObject *tw_object_alloc(TwTypeObject *tp, size_t size)
{
    TwObject *op = tw_pool_pop(size);
    if (__builtin_expect(op == NULL, 0))
        return tw_object_alloc_slow(tp, size);
    tw_object_init_header(op, tp);
    return op;
}

/* A published object may still be read by a thread that loaded it from a
 * container without a reference (until that thread's next quiescent
 * point): its block must not move. */
TW_REFCOUNT_INLINE bool tw_object_may_move(const TwObject *op)
{
    return !tw_object_is_published(op);
}

/* An object never published has no lock-free reader: its block is reused
 * at once.  Published ones may need a grace period (the slow path). */
TW_REFCOUNT_INLINE void tw_object_free(TwObject *op, size_t size)
{
    if (op && !tw_object_is_published(op) && tw_pool_push(op, size))
        return;
    tw_object_free_slow(op, size);
}

#define tw_atomic_load_ptr(pp) __atomic_load_n((pp), __ATOMIC_ACQUIRE)
#define tw_atomic_store_ptr(pp, v) __atomic_store_n((pp), (v), __ATOMIC_RELEASE)
#define tw_atomic_load_ssize(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define tw_atomic_store_ssize(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)

/* likely_deferred: a constant; true where the item is usually a deferred
 * object (see tw_decref_likely_deferred).
 * The object loaded from the slot was alive then (the slot held a
 * reference), and it stays alive at least until the caller's next eval
 * breaker check or blocking call when it is the caller's own (only its
 * owner frees an owned object; another thread's decrement of it is queued
 * to the owner, brc.c), deferred (only the collector frees one, with the
 * world stopped) or immortal: a reference to it is taken at once, even if
 * the slot has changed since (a read ordered before that store).  Only a
 * shared increment, which may race with the object's death in another
 * thread, checks that the slot still holds it. */
TW_REFCOUNT_INLINE TwObject *tw_try_incref_item_hinted(TwObject **slot, bool likely_deferred)
{
    TwObject *op = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    if (op == NULL)
        return NULL;
    uintptr_t tid = __atomic_load_n(&op->ob_tid, __ATOMIC_RELAXED);
    if (likely_deferred && __builtin_expect((tid & TW_DEFERRED_TID_BIT) != 0, 1)) {
        tw_deferred_add_tid(op, tid, 1);
        return op;
    }
    if (tw_incref_unshared(op, tid))
        return op;
    if (!tw_brc_try_incref_shared(op))
        return NULL;
    if (__atomic_load_n(slot, __ATOMIC_ACQUIRE) != op) {
        tw_decref(op);
        return NULL;
    }
    return op;
}

TW_REFCOUNT_INLINE TwObject *tw_try_incref_item(TwObject **slot)
{
    return tw_try_incref_item_hinted(slot, false);
}

/* A global's value: usually a module-level function, class or module. */
TW_REFCOUNT_INLINE TwObject *tw_try_incref_global(TwObject **slot)
{
    return tw_try_incref_item_hinted(slot, true);
}

#endif /* TWINPY_RUNTIME_INLINE_H */
