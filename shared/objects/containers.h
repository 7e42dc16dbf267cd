/*
 * containers.h — private to the container files (tuple.c, list.c, dict.c,
 * set.c, range.c, slice.c, iterobject.c): their helper types (iterators,
 * dict views) and the few helpers they share.  Not a contract: code outside
 * shared/objects uses twinpy/types.h.
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

/* hash(key) for a dict or set key: an exact str's cached hash and an exact
 * int's inline, else the general hash (-1 with an exception set). */
static inline TwHash tw_container_key_hash(TwObject *key)
{
    if (TW_STR_CHECK_EXACT(key)) {
        TwHash h = ((TwStrObject *)key)->hash;
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
