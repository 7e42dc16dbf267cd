/*
 * containers.h — private to the container files (tuple.c, list.c, dict.c,
 * set.c, range.c, slice.c, iterobject.c): their helper types (iterators,
 * dict views) and the few helpers they share (the shared-iterator rules
 * below also serve the iterators of modules/builtins.c).  Not a contract:
 * code outside shared/objects uses twinpy/types.h.
 */
#ifndef TWINPY_OBJECTS_CONTAINERS_H
#define TWINPY_OBJECTS_CONTAINERS_H

#include "twinpy/types.h"

extern TwTypeObject TwTupleIter_Type;
extern TwTypeObject TwListIter_Type, TwListRevIter_Type;
extern TwTypeObject TwDictKeys_Type, TwDictValues_Type, TwDictItems_Type;
extern TwTypeObject TwDictIterKey_Type, TwDictIterValue_Type, TwDictIterItem_Type;
extern TwTypeObject TwDictRevIterKey_Type;
extern TwTypeObject TwSetIter_Type;
extern TwTypeObject TwRangeIter_Type;

/*
 * Iterators shared between threads.  Python code may hand one iterator to
 * several threads (a generator of work items, `it = iter(jobs)` read by
 * every worker).  Which items each thread then gets is unspecified (one
 * may be seen twice or skipped, as in CPython's free-threaded build), but
 * nothing may crash, leak or be freed under a reader.  Every iterator over
 * an object (list, tuple, dict, set, str, deque, range, seq, reversed,
 * callable) follows three rules:
 *   I1  its position and counters are read and written with relaxed
 *       atomics (tw_atomic_*_ssize): racing threads lose updates, never
 *       see a torn value, and every index is checked against the object
 *       it is used on, as loaded at the time;
 *   I2  it calls tw_bias_check_read(it) before reading its fields (or
 *       opens its own critical section, which does the same), so a
 *       thread other than the one that made it unbiases it first (a stop
 *       of the world, once), and it drops its reference to the iterated
 *       object when exhausted only while tw_iter_owns_alone(it): the
 *       caller's own, never looked at by another thread (always, under
 *       the GIL).  Otherwise the reference stays until the iterator dies,
 *       so another thread that loaded the pointer still holds something
 *       alive; the owner decides with no stop of the world possible
 *       between its test and clearing the field, and a thread that
 *       unbiases the iterator has not loaded the field before;
 *   I3  one that runs Python code with the iterated object (seq, reversed,
 *       callable) holds its own reference to it meanwhile, and drops the
 *       field only if it still holds the object it started with (that
 *       code may have exhausted the same iterator).
 * The dict and set iterators, whose count of items left must move with
 * their position (or racing threads would report a change nobody made),
 * step inside their own critical section once they are not the caller's
 * alone; the deque's inside the deque's.  The others stay lock-free.
 */
static inline bool tw_iter_owns_alone(TwObject *it)
{
    return tw_object_is_private(it);
}

/* At exhaustion (I2, I3): drop it's reference to seq, the object it
 * iterates, which it holds in *slot, if it is the caller's alone and
 * *slot still holds seq.  True if it was dropped. */
static inline bool tw_iter_release(TwObject *it, TwObject **slot, TwObject *seq)
{
    if (!tw_iter_owns_alone(it) || tw_atomic_load_ptr(slot) != seq)
        return false;
    tw_atomic_store_ptr(slot, NULL);
    TW_DECREF(seq);
    return true;
}

/* hash(key) for a dict or set key: an exact str's cached hash and an exact
 * int's inline, else the general hash (-1 with an exception set). */
static inline TwHash tw_container_key_hash(TwObject *key)
{
    if (TW_STR_CHECK_EXACT(key)) {
        /* relaxed: another thread may be storing it (tw_str_hash) */
        TwHash h = __atomic_load_n(&((TwStrObject *)key)->hash, __ATOMIC_RELAXED);
        if (h != -1)
            return h;
        return tw_str_hash(key);
    }
    if (TW_INT_CHECK_EXACT(key))
        return tw_int_hash_fast(TW_INT_VALUE(key));
    return tw_object_hash(key);
}

/* A sequence index: an int or an object with __index__.  On failure raises
 * TypeError "<what> indices must be integers or slices, not <type>" and
 * returns -1 (check tw_err_occurred only when the result is -1). */
int tw_seq_index_from_object(TwObject *key, const char *what, TwSsize *out);

/* The two halves of tw_slice_indices: tw_slice_unpack converts the slice's
 * fields to integers (may run __index__; raises ValueError on a zero step),
 * tw_slice_adjust clamps them against a length and returns the number of
 * items (runs no Python code, so it may be called in a critical section). */
int tw_slice_unpack(TwObject *slice, TwSsize *start, TwSsize *stop, TwSsize *step);
TwSsize tw_slice_adjust(TwSsize length, TwSsize *start, TwSsize *stop, TwSsize step);

/* Iterate any iterable, calling fn(arg, item) with a borrowed item.
 * Returns 0, or -1 with an exception (from iteration or from fn). */
int tw_iterate(TwObject *iterable, int (*fn)(void *arg, TwObject *item), void *arg);

/* True when a single block of `bytes` is larger than the machine's
 * physical memory.  jemalloc (and Linux overcommit) hand out such blocks
 * lazily, so `[0] * 10**12` would thrash instead of raising MemoryError as
 * CPython does; containers check this before allocating their storage. */
bool tw_alloc_exceeds_memory_slow(size_t bytes);
static inline bool tw_alloc_exceeds_memory(size_t bytes)
{
    return bytes >= ((size_t)1 << 28) && tw_alloc_exceeds_memory_slow(bytes);
}

#endif /* TWINPY_OBJECTS_CONTAINERS_H */
