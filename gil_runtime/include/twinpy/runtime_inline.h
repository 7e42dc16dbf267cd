/*
 * runtime_inline.h (gil) — object header and fast paths of the GIL runtime.
 *
 * Invariant: only the thread holding the GIL touches objects, so reference
 * counts are plain integers and critical sections are empty.
 *
 * Immortal objects start at TW_IMMORTAL_REFCNT (2^60).  Increments and
 * decrements stay unconditional (no branch on the fast path); a count can
 * never drift from 2^60 to zero in any real run, so an immortal object is
 * never deallocated.  tw_refcnt() reports immortals as a fixed value.
 */
#ifndef TWINPY_RUNTIME_INLINE_H
#define TWINPY_RUNTIME_INLINE_H

#define TW_IMMORTAL_REFCNT ((intptr_t)1 << 60)
#define TW_IMMORTAL_THRESHOLD ((intptr_t)1 << 59)

struct TwObject {
    intptr_t ob_refcnt;
    struct TwTypeObject *ob_type;
};

#define TW_OBJECT_HEAD_INIT(tp) { .ob_refcnt = TW_IMMORTAL_REFCNT, .ob_type = (tp) }

static inline void tw_object_init_header(TwObject *op, TwTypeObject *tp)
{
    op->ob_refcnt = 1;
    op->ob_type = tp;
}

static inline void tw_incref(TwObject *op) { op->ob_refcnt++; }

static inline void tw_decref(TwObject *op)
{
    if (--op->ob_refcnt == 0)
        tw_dealloc(op);
}

static inline bool tw_is_immortal(const TwObject *op)
{
    return op->ob_refcnt >= TW_IMMORTAL_THRESHOLD;
}

static inline void tw_set_immortal(TwObject *op) { op->ob_refcnt = TW_IMMORTAL_REFCNT; }

static inline TwSsize tw_refcnt(const TwObject *op)
{
    return tw_is_immortal(op) ? (TwSsize)UINT32_MAX : op->ob_refcnt;
}

/* True when op has exactly n references that only the running thread can
 * use, so it may change op in place (under the GIL: any n references). */
static inline bool tw_refcnt_is_unshared(const TwObject *op, TwSsize n)
{
    return op->ob_refcnt == n;
}

/* Critical sections: the GIL already serialises every mutation. */
#define TW_BEGIN_CRITICAL_SECTION(op) {
#define TW_BEGIN_CRITICAL_SECTION2(a, b) {
#define TW_END_CRITICAL_SECTION() }

/* Lock-free publication: plain loads and stores under the GIL, and no
 * reader ever looks at an object it holds no reference to. */
static inline void tw_object_publish(TwObject *op) { (void)op; }
static inline void tw_object_publish_into(TwObject *c, TwObject *op) { (void)c; (void)op; }
static inline void tw_object_share_into(TwObject *c, TwObject *op) { (void)c; (void)op; }
static inline void tw_bias_check_read(TwObject *c) { (void)c; }
static inline bool tw_bias_read_needs_revoke(const TwObject *c) { (void)c; return false; }
/* Under the GIL every object is as good as private to the running thread. */
static inline bool tw_object_is_private(const TwObject *op) { (void)op; return true; }
/* A freed object's memory may be handed to the next allocation of any
 * thread at once (only the GIL holder does either): the static pools of
 * int.c and float.c are sound.  A constant, so their test costs nothing. */
static inline bool tw_object_static_pools(void) { return true; }

#define tw_atomic_load_ptr(pp) (*(pp))
#define tw_atomic_store_ptr(pp, v) (*(pp) = (v))
#define tw_atomic_load_ssize(p) (*(p))
#define tw_atomic_store_ssize(p, v) (*(p) = (v))

/* Under the GIL a pointer found without a lock is to a live object. */
static inline bool tw_try_incref(TwObject *op)
{
    tw_incref(op);
    return true;
}

static inline TwObject *tw_try_incref_item(TwObject **slot)
{
    TwObject *op = *slot;
    if (op != NULL)
        tw_incref(op);
    return op;
}

/* No deferred counting under the GIL, so nothing a frame may hold
 * without counting it (twinpy/vm.h, borrowed callees): the interpreter's
 * tests of it are constants. */
static inline bool tw_frames_borrow(void) { return false; }
static inline bool tw_frame_may_borrow(const TwObject *op) { (void)op; return false; }

/* No deferred counting under the GIL: the plain forms. */
#define tw_try_incref_global tw_try_incref_item
#define tw_decref_likely_deferred tw_decref
#define tw_incref_likely_deferred tw_incref
#define tw_incref_likely_immortal tw_incref
#define tw_decref_likely_immortal tw_decref

/* Objects that are not tracked by the cycle collector (runtime.h). */
TwObject *tw_object_alloc(TwTypeObject *tp, size_t size);
void tw_object_free(TwObject *op, size_t size);
/* No reader holds a pointer it did not count: the sole holder may move. */
static inline bool tw_object_may_move(const TwObject *op) { (void)op; return true; }

#endif /* TWINPY_RUNTIME_INLINE_H */
