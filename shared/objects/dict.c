/*
 * dict.c — the insertion-ordered hash table (CPython 3.6+'s "compact dict").
 *
 * Layout.  A dict points at one TwDictKeys block holding
 *   - an index table of 2^log2_size slots, each 1, 2, 4 or 8 bytes wide
 *     (the narrowest that can hold an entry number), with EMPTY (-1) and
 *     DUMMY (-2, a deleted slot probing must pass over);
 *   - after it, the entries array {hash, key, value} in insertion order.
 *     New entries are appended; a deleted entry keeps its hash and has key
 *     and value NULL.  Iteration walks the entries, so order is insertion
 *     order.
 * Probing is CPython's: i = hash & mask, then i = i*5 + perturb + 1 with
 * perturb >>= 5.  A table holds at most 2/3 of its size in entries; when
 * the entries run out the dict is resized to the smallest table of at
 * least 3*used slots, copying only live entries (compaction).  An empty
 * dict has no table (keys == NULL).  `version` changes on every mutation.
 *
 * Concurrency protocol (nogil; under the GIL the atomics are plain):
 *
 *   Writers run inside TW_BEGIN_CRITICAL_SECTION(dict).  They
 *     - fill an appended entry (hash, then key and value with
 *       tw_atomic_store_ptr) before publishing its number in the index
 *       slot with a release store, and only then bump nentries and used;
 *     - replace a value with tw_atomic_store_ptr;
 *     - delete by storing DUMMY in the index slot and NULL in the entry's
 *       key and value;
 *     - never change a table's size in place: a resize builds a new
 *       TwDictKeys, publishes it with tw_atomic_store_ptr(&d->keys) and
 *       frees the old one with tw_mem_free_delayed (after a grace period),
 *       or at once when the dict is private to the thread
 *       (tw_object_is_private: no other thread has looked into it).
 *   Entry numbers are only ever appended to, except that popitem trims
 *   trailing deleted entries; a reader therefore always validates what it
 *   found (below) instead of trusting an entry number.
 *
 *   Readers (tw_dict_get_ref, iteration, `in`, d[k]) take no lock: load
 *   d->keys, probe with acquire loads of the index slots, load the entry's
 *   key; take references with tw_try_incref_item (a key compared with
 *   __eq__ is held by a reference during the call); after taking the
 *   value, check that d->keys and the entry's key are unchanged.  Any
 *   failure (a NULL where something was expected, a changed table) retries
 *   the whole lookup inside the critical section.  A reader on another
 *   thread than a private dict's owner first makes it shared
 *   (tw_bias_check_read), which publishes its keys and values.
 *
 *   Python code inside the critical section.  Writers must compare keys to
 *   find the slot, and a key's __eq__ is arbitrary code; as in CPython's
 *   free-threaded build, insert and delete compare while holding the
 *   dict's lock.  Such code may mutate this dict (the runtime's critical
 *   sections are re-entrant for the owning thread, and suspend when the
 *   thread blocks), so after every __eq__ the lookup checks that the table
 *   and the entry are unchanged and restarts if not.  Values and keys a
 *   mutation drops are decref'd after TW_END_CRITICAL_SECTION, so a
 *   destructor never runs under the lock.
 *
 *   Iterators advance a position in the entries array without locking and
 *   raise RuntimeError when `used` changed ("dictionary changed size during
 *   iteration"), as CPython does.
 *
 * Tracking (CPython's MAINTAIN_TRACKING).  An exact dict is born untracked
 * by the cycle collector and is tracked by the first store of a key or
 * value that may take part in a cycle (tw_gc_may_be_tracked, types.h); it
 * stays tracked when such items leave.  Until then everything it holds
 * is atomic, so it can be in no cycle, and the collector's work and the
 * track/untrack of short-lived dicts of numbers and strings are saved.
 * The store that tracks it does so inside the critical section, right
 * after the item is stored and before anything that could let a
 * collection run (no Python code, no allocation, no eval-breaker check in
 * between), so a collection never finds a non-atomic item in an untracked
 * dict (it would only count as an outside reference anyway: safe, not a
 * leak).  Subclass instances are tracked from birth, a copy as python3's
 * would be (copy_is_tracked).  gc.is_tracked then answers as python3's
 * does.
 */
/* instance attributes and globals: every reference count update inline */
#define TW_REFCOUNT_HOT 1
#include <string.h>

#include "twinpy/types.h"
#include "objects/containers.h"

#define DKIX_EMPTY (-1)
#define DKIX_DUMMY (-2)
#define DKIX_ERROR (-3)
#define DKIX_IMPURE (-4)  /* lookup_impl(pure): __eq__ would have to run */
#define PERTURB_SHIFT 5
#define DICT_LOG2_MINSIZE 3

typedef struct {
    TwHash hash;
    TwObject *key;            /* NULL: deleted entry */
    TwObject *value;
} DictEntry;

struct TwDictKeys {
    uint8_t log2_size;
    uint8_t log2_index_bytes;
    TwSsize capacity;         /* entries allocated                        */
    TwSsize usable;           /* entries that can still be appended       */
    TwSsize nentries;         /* entries appended (live or deleted)       */
    char indices[];           /* index table, then the entries            */
};

#define D(op) ((TwDictObject *)(op))

static inline TwSsize keys_size(const TwDictKeys *k) { return (TwSsize)1 << k->log2_size; }

static inline DictEntry *keys_entries(TwDictKeys *k)
{
    return (DictEntry *)(k->indices + ((size_t)1 << (k->log2_size + k->log2_index_bytes)));
}

/* A table's block size: a table of the smallest size (most dicts: an
 * instance's attributes, a small literal) comes from and goes back to the
 * thread's block pool (twinpy/pool.h), whose blocks are rounded up to 16
 * bytes; larger ones from the allocator at their exact size. */
static size_t keys_bytes(const TwDictKeys *k)
{
    return tw_pool_block_size(sizeof(TwDictKeys) +
                              ((size_t)1 << (k->log2_size + k->log2_index_bytes)) +
                              (size_t)k->capacity * sizeof(DictEntry));
}

/* Free table k, which no reader can be inside (d's last reference is
 * gone, or d is private to the thread). */
static void keys_free(TwDictKeys *k)
{
    tw_pool_free(k, keys_bytes(k));
}

static inline TwSsize get_index(TwDictKeys *k, TwSsize i)
{
    switch (k->log2_index_bytes) {
    case 0: return __atomic_load_n(&((int8_t *)k->indices)[i], __ATOMIC_ACQUIRE);
    case 1: return __atomic_load_n(&((int16_t *)k->indices)[i], __ATOMIC_ACQUIRE);
    case 2: return __atomic_load_n(&((int32_t *)k->indices)[i], __ATOMIC_ACQUIRE);
    default: return (TwSsize)__atomic_load_n(&((int64_t *)k->indices)[i], __ATOMIC_ACQUIRE);
    }
}

static inline void set_index(TwDictKeys *k, TwSsize i, TwSsize ix)
{
    switch (k->log2_index_bytes) {
    case 0: __atomic_store_n(&((int8_t *)k->indices)[i], (int8_t)ix, __ATOMIC_RELEASE); break;
    case 1: __atomic_store_n(&((int16_t *)k->indices)[i], (int16_t)ix, __ATOMIC_RELEASE); break;
    case 2: __atomic_store_n(&((int32_t *)k->indices)[i], (int32_t)ix, __ATOMIC_RELEASE); break;
    default: __atomic_store_n(&((int64_t *)k->indices)[i], (int64_t)ix, __ATOMIC_RELEASE); break;
    }
}

/* A release: a reader that loads the new version with an acquire also
 * sees the change it stands for (queuemodule.c checks that a dict still
 * has the version it read before its lookups). */
static inline void bump_version(TwDictObject *d)
{
    __atomic_store_n(&d->version, d->version + 1, __ATOMIC_RELEASE);
}

#define USABLE_FRACTION(n) (((n) << 1) / 3)

static TwDictKeys *keys_new(uint8_t log2_size)
{
    if (log2_size < DICT_LOG2_MINSIZE)
        log2_size = DICT_LOG2_MINSIZE;
    if (log2_size > 40) {
        tw_err_no_memory();
        return NULL;
    }
    uint8_t lib = log2_size < 8 ? 0 : log2_size < 16 ? 1 : log2_size < 32 ? 2 : 3;
    TwSsize size = (TwSsize)1 << log2_size;
    TwSsize usable = USABLE_FRACTION(size);
    size_t bytes = tw_pool_block_size(sizeof(TwDictKeys) + ((size_t)size << lib) +
                                      (size_t)usable * sizeof(DictEntry));
    TwDictKeys *k = tw_pool_alloc(bytes);
    if (k == NULL) {
        tw_err_no_memory();
        return NULL;
    }
    k->log2_size = log2_size;
    k->log2_index_bytes = lib;
    k->capacity = usable;
    k->usable = usable;
    k->nentries = 0;
    memset(k->indices, 0xff, (size_t)size << lib);
    return k;
}

/* Smallest log2 of a table with at least minsize slots. */
static uint8_t log2_for(TwSsize minsize)
{
    uint8_t l = DICT_LOG2_MINSIZE;
    while (((TwSsize)1 << l) < minsize)
        l++;
    return l;
}

/* Slot for a new entry: the first EMPTY or DUMMY slot on hash's probe
 * sequence.  Inline in every caller: the nogil build's larger
 * insert_new_locked (publication) made the compiler call it, a frame per
 * insert (alloc_churn -0.3% instructions, cycles -0.2%, nogil; the GIL
 * build inlined it already). */
static inline __attribute__((always_inline)) TwSsize find_empty_slot(TwDictKeys *k, TwHash hash)
{
    size_t mask = (size_t)keys_size(k) - 1;
    size_t perturb = (size_t)hash;
    size_t i = (size_t)hash & mask;
    while (get_index(k, (TwSsize)i) >= 0) {
        perturb >>= PERTURB_SHIFT;
        i = (i * 5 + perturb + 1) & mask;
    }
    return (TwSsize)i;
}

/* Slot whose index is ix (the entry is known to be in the table). */
static TwSsize find_slot_of(TwDictKeys *k, TwHash hash, TwSsize ix)
{
    size_t mask = (size_t)keys_size(k) - 1;
    size_t perturb = (size_t)hash;
    size_t i = (size_t)hash & mask;
    for (;;) {
        TwSsize v = get_index(k, (TwSsize)i);
        if (v == ix)
            return (TwSsize)i;
        if (v == DKIX_EMPTY)
            return -1;
        perturb >>= PERTURB_SHIFT;
        i = (i * 5 + perturb + 1) & mask;
    }
}

/* Replace d's table with a fresh one of 2^log2 slots holding the live
 * entries in order.  Inside the critical section. */
static int dict_resize(TwDictObject *d, uint8_t log2)
{
    TwDictKeys *old = d->keys;
    TwDictKeys *k = keys_new(log2);
    if (k == NULL)
        return -1;
    DictEntry *dst = keys_entries(k);
    TwSsize j = 0;
    if (old != NULL) {
        DictEntry *src = keys_entries(old);
        for (TwSsize i = 0; i < old->nentries; i++) {
            if (src[i].key == NULL)
                continue;
            dst[j] = src[i];
            set_index(k, find_empty_slot(k, src[i].hash), j);
            j++;
        }
    }
    k->nentries = j;
    k->usable -= j;
    tw_atomic_store_ptr(&d->keys, k);
    /* Lock-free readers may still be reading the old table (runtime.h). */
    if (old != NULL)
        tw_mem_free_unlinked((TwObject *)d, old, keys_bytes(old));
    return 0;
}

static int dict_grow(TwDictObject *d)
{
    return dict_resize(d, log2_for(d->used * 3));
}

/* Equality of a stored key sk and key, both exact ints or both exact strs
 * (1 or 0); -1 for any other pair (the caller takes the general path). */
static inline int key_eq_fast(TwObject *sk, TwObject *key)
{
    if (TW_STR_CHECK_EXACT(key) && TW_STR_CHECK_EXACT(sk))
        return tw_str_eq(sk, key);
    if (TW_INT_CHECK_EXACT(key) && TW_INT_CHECK_EXACT(sk))
        return TW_INT_VALUE(sk) == TW_INT_VALUE(key);
    return -1;
}

/* Find key in d: its entry number, DKIX_EMPTY, or DKIX_ERROR.  Inside the
 * critical section (or with d private to the caller).  May run __eq__;
 * restarts if that changed the table under it.  With pure set it never
 * runs Python code: DKIX_IMPURE instead, where a stored key with key's
 * hash would have to be compared by __eq__. */
static inline __attribute__((always_inline)) TwSsize lookup_impl(TwDictObject *d, TwObject *key,
                                                                 TwHash hash, bool pure)
{
restart:;
    TwDictKeys *k = d->keys;
    if (k == NULL)
        return DKIX_EMPTY;
    DictEntry *ep0 = keys_entries(k);
    size_t mask = (size_t)keys_size(k) - 1;
    size_t perturb = (size_t)hash;
    size_t i = (size_t)hash & mask;
    for (;;) {
        TwSsize ix = get_index(k, (TwSsize)i);
        if (ix == DKIX_EMPTY)
            return DKIX_EMPTY;
        if (ix >= 0) {
            DictEntry *ep = &ep0[ix];
            TwObject *sk = ep->key;
            if (sk == key)
                return ix;
            if (sk != NULL && ep->hash == hash) {
                int eq = key_eq_fast(sk, key);
                if (eq > 0)
                    return ix;
                if (eq < 0) {
                    if (pure)
                        return DKIX_IMPURE;
                    tw_incref(sk);
                    int cmp = tw_object_richcompare_bool(sk, key, TW_EQ);
                    tw_decref(sk);
                    if (cmp < 0)
                        return DKIX_ERROR;
                    if (d->keys != k || ep->key != sk)
                        goto restart;
                    if (cmp > 0)
                        return ix;
                }
            }
        }
        perturb >>= PERTURB_SHIFT;
        i = (i * 5 + perturb + 1) & mask;
    }
}

static TwSsize lookup_locked(TwDictObject *d, TwObject *key, TwHash hash)
{
    return lookup_impl(d, key, hash, false);
}

/* Outcome of an optimistic (lock-free) lookup. */
enum { OPT_FOUND = 1, OPT_MISSING = 0, OPT_ERROR = -1, OPT_RETRY = -2 };

/* Lock-free lookup: *out gets a new reference to the value.  OPT_RETRY
 * means "could not be sure": do it again under the critical section. */
static int lookup_optimistic(TwDictObject *d, TwObject *key, TwHash hash, TwObject **out)
{
    tw_bias_check_read((TwObject *)d);
    TwDictKeys *k = tw_atomic_load_ptr(&d->keys);
    if (k == NULL)
        return OPT_MISSING;
    DictEntry *ep0 = keys_entries(k);
    size_t mask = (size_t)keys_size(k) - 1;
    size_t perturb = (size_t)hash;
    size_t i = (size_t)hash & mask;
    for (;;) {
        TwSsize ix = get_index(k, (TwSsize)i);
        if (ix == DKIX_EMPTY)
            return OPT_MISSING;
        if (ix >= 0) {
            if (ix >= k->capacity)
                return OPT_RETRY;
            DictEntry *ep = &ep0[ix];
            TwObject *sk = tw_atomic_load_ptr(&ep->key);
            bool match = false;
            int eq;
            if (sk == key) {
                match = true;
            } else if (sk != NULL && ep->hash == hash && (eq = key_eq_fast(sk, key)) >= 0) {
                /* Exact int and str keys never change, and a published
                 * key's memory outlives this read even if the key dies
                 * meanwhile (a grace period, runtime.h): compared without
                 * a reference.  An entry's key only ever goes from sk to
                 * NULL, and a match is confirmed below. */
                match = eq > 0;
            } else if (sk != NULL && ep->hash == hash) {
                TwObject *ref = tw_try_incref_item(&ep->key);
                if (ref == NULL)
                    return OPT_RETRY;
                int cmp = tw_object_richcompare_bool(ref, key, TW_EQ);
                tw_decref(ref);
                if (cmp < 0)
                    return OPT_ERROR;
                if (tw_atomic_load_ptr(&d->keys) != k || tw_atomic_load_ptr(&ep->key) != ref)
                    return OPT_RETRY;
                sk = ref;
                match = cmp > 0;
            }
            if (match) {
                TwObject *v = tw_try_incref_item(&ep->value);
                if (v == NULL)
                    return OPT_RETRY;
                if (tw_atomic_load_ptr(&d->keys) != k || tw_atomic_load_ptr(&ep->key) != sk) {
                    tw_decref(v);
                    return OPT_RETRY;
                }
                *out = v;
                return OPT_FOUND;
            }
        }
        perturb >>= PERTURB_SHIFT;
        i = (i * 5 + perturb + 1) & mask;
    }
}

static __attribute__((noinline)) int get_ref_hashed(TwDictObject *d, TwObject *key, TwHash hash,
                                                   TwObject **out)
{
    *out = NULL;
    int r = lookup_optimistic(d, key, hash, out);
    if (r != OPT_RETRY)
        return r;
    TW_BEGIN_CRITICAL_SECTION(d);
    TwSsize ix = lookup_locked(d, key, hash);
    if (ix >= 0) {
        *out = tw_newref(keys_entries(d->keys)[ix].value);
        r = 1;
    } else {
        r = ix == DKIX_ERROR ? -1 : 0;
    }
    TW_END_CRITICAL_SECTION();
    return r;
}

/* d (inside its critical section) now holds key and value: track it if
 * they may be part of a cycle (see Tracking above).  tw_gc_track
 * returns at once for a dict already tracked. */
static inline void maintain_tracking(TwDictObject *d, TwObject *key, TwObject *value)
{
    if (tw_gc_may_be_tracked(value) || tw_gc_may_be_tracked(key))
        tw_gc_track((TwObject *)d);
}

/* Append a key known to be absent, inside the critical section.  Takes
 * new references to key and value. */
static int insert_new_locked(TwDictObject *d, TwObject *key, TwHash hash, TwObject *value)
{
    if (d->keys == NULL || d->keys->usable <= 0) {
        if (dict_grow(d) < 0)
            return -1;
    }
    TwDictKeys *k = d->keys;
    TwSsize slot = find_empty_slot(k, hash);
    TwSsize n = k->nentries;
    DictEntry *ep = &keys_entries(k)[n];
    ep->hash = hash;
    tw_object_publish_into((TwObject *)d, key);
    tw_object_publish_into((TwObject *)d, value);
    tw_atomic_store_ptr(&ep->key, tw_newref(key));
    tw_atomic_store_ptr(&ep->value, tw_newref(value));
    set_index(k, slot, n);
    tw_atomic_store_ssize(&k->nentries, n + 1);
    k->usable--;
    tw_atomic_store_ssize(&d->used, d->used + 1);
    bump_version(d);
    maintain_tracking(d, key, value);
    return 0;
}

/* Insert or replace, inside the critical section.  Takes new references
 * to key and value; a replaced value is handed back in *old for the
 * caller to decref after the critical section. */
static inline __attribute__((always_inline)) int insert_at(TwDictObject *d, TwSsize ix,
                                                           TwObject *key, TwHash hash,
                                                           TwObject *value, TwObject **old)
{
    *old = NULL;
    if (ix == DKIX_ERROR)
        return -1;
    if (ix >= 0) {
        DictEntry *ep = &keys_entries(d->keys)[ix];
        *old = ep->value;
        tw_object_publish_into((TwObject *)d, value);
        tw_atomic_store_ptr(&ep->value, tw_newref(value));
        bump_version(d);
        if (tw_gc_may_be_tracked(value))     /* the entry keeps its own key */
            tw_gc_track((TwObject *)d);
        return 0;
    }
    return insert_new_locked(d, key, hash, value);
}

/* Remove entry ix (known live), handing its key and value back. */
static void delete_entry_locked(TwDictObject *d, TwSsize ix, TwObject **okey, TwObject **ovalue)
{
    TwDictKeys *k = d->keys;
    DictEntry *ep = &keys_entries(k)[ix];
    TwSsize slot = find_slot_of(k, ep->hash, ix);
    if (slot >= 0)
        set_index(k, slot, DKIX_DUMMY);
    *okey = ep->key;
    *ovalue = ep->value;
    tw_atomic_store_ptr(&ep->key, NULL);
    tw_atomic_store_ptr(&ep->value, NULL);
    tw_atomic_store_ssize(&d->used, d->used - 1);
    bump_version(d);
}

static void raise_key_error(TwObject *key)
{
    TwObject *exc = tw_call1(TwExc_KeyError, key);
    if (exc != NULL)
        tw_err_raise(exc);
}

/* Next live entry at or after *pos, as new references (value optional),
 * and its stored hash (hash optional).  Returns 1, or 0 at the end.
 * Lock-free, with a locked retry. */
static int dict_next_ref_hashed(TwDictObject *d, TwSsize *pos, TwObject **key, TwObject **value,
                                TwHash *hash)
{
    tw_bias_check_read((TwObject *)d);
    TwDictKeys *k = tw_atomic_load_ptr(&d->keys);
    if (k == NULL)
        return 0;
    TwSsize n = tw_atomic_load_ssize(&k->nentries);
    DictEntry *ep = keys_entries(k);
    for (TwSsize i = *pos; i < n; i++) {
        if (tw_atomic_load_ptr(&ep[i].key) == NULL)
            continue;
        TwObject *kk = tw_try_incref_item(&ep[i].key);
        if (kk == NULL)
            goto locked;
        TwObject *vv = NULL;
        if (value != NULL) {
            vv = tw_try_incref_item(&ep[i].value);
            if (vv == NULL) {
                tw_decref(kk);
                goto locked;
            }
        }
        /* the entry may have been deleted and, after popitem trimmed it,
         * reused for another key since kk was loaded: kk and vv are a pair
         * only if the entry still holds kk */
        if (tw_atomic_load_ptr(&d->keys) != k || tw_atomic_load_ptr(&ep[i].key) != kk) {
            tw_decref(kk);
            TW_XDECREF(vv);
            goto locked;
        }
        *pos = i + 1;
        *key = kk;
        if (value != NULL)
            *value = vv;
        if (hash != NULL)
            *hash = ep[i].hash;
        return 1;
    }
    if (tw_atomic_load_ptr(&d->keys) == k)
        return 0;
locked:;
    int found = 0;
    TW_BEGIN_CRITICAL_SECTION(d);
    k = d->keys;
    if (k != NULL) {
        ep = keys_entries(k);
        for (TwSsize i = *pos; i < k->nentries; i++) {
            if (ep[i].key == NULL)
                continue;
            *pos = i + 1;
            *key = tw_newref(ep[i].key);
            if (value != NULL)
                *value = tw_newref(ep[i].value);
            if (hash != NULL)
                *hash = ep[i].hash;
            found = 1;
            break;
        }
    }
    TW_END_CRITICAL_SECTION();
    return found;
}

static int dict_next_ref(TwDictObject *d, TwSsize *pos, TwObject **key, TwObject **value)
{
    return dict_next_ref_hashed(d, pos, key, value, NULL);
}

/* ---------------- the C API ---------------------------------------- */

TwObject *tw_dict_new(void)
{
    TwDictObject *d = (TwDictObject *)tw_gc_alloc(&TwDict_Type, sizeof(TwDictObject));
    if (d == NULL)
        return NULL;
    d->used = 0;
    d->version = 0;
    d->keys = NULL;
    return (TwObject *)d;    /* untracked until it holds a container */
}

TwObject *tw_dict_get_borrowed(TwObject *op, TwObject *key)
{
    TwHash h = tw_container_key_hash(key);
    if (h == -1)
        return NULL;
    TwDictObject *d = D(op);
    TwSsize ix = lookup_locked(d, key, h);
    if (ix < 0)
        return NULL;
    return keys_entries(d->keys)[ix].value;
}

/* The first probe of lookup_optimistic, inline and with its checks,
 * without the general lookup's register saves: most lookups end there (an
 * attribute name, an int key), found or missing.  1 with *out a new
 * reference (with counted false, the value uncounted: tw_dict_peek), 0
 * missing, 2 not sure (the whole lookup decides).  Runs no Python code,
 * takes no lock and revokes no bias: the caller made sure d needs no
 * revocation. */
static inline __attribute__((always_inline)) int first_probe(TwDictObject *d, TwObject *key,
                                                             TwHash h, TwObject **out,
                                                             bool counted)
{
    TwDictKeys *k = tw_atomic_load_ptr(&d->keys);
    if (k == NULL)
        return 0;
    TwSsize ix = get_index(k, (TwSsize)((size_t)h & ((size_t)keys_size(k) - 1)));
    if (ix == DKIX_EMPTY)
        return 0;
    if (ix >= 0 && ix < k->capacity) {
        DictEntry *ep = &keys_entries(k)[ix];
        TwObject *sk = tw_atomic_load_ptr(&ep->key);
        if (sk != NULL && (sk == key || (ep->hash == h && key_eq_fast(sk, key) > 0))) {
            TwObject *v = counted ? tw_try_incref_item(&ep->value) : tw_atomic_load_ptr(&ep->value);
            if (v != NULL) {
                /* the value is key's if the entry still holds key in the
                 * same table */
                if (tw_atomic_load_ptr(&d->keys) == k && tw_atomic_load_ptr(&ep->key) == sk) {
                    *out = v;
                    return 1;
                }
                if (counted)
                    tw_decref(v);
            }
        }
    }
    return 2;
}

TwObject *tw_dict_peek(TwObject *op, TwObject *key)
{
    if (!TW_INT_CHECK_EXACT(key) && !TW_STR_CHECK_EXACT(key))
        return NULL;
    TwHash h = tw_container_key_hash(key);
    if (tw_bias_read_needs_revoke(op))
        return NULL;        /* unbiasing stops the world: a quiescent point */
    TwObject *v;
    return first_probe(D(op), key, h, &v, false) == 1 ? v : NULL;
}

/* The lock-free lookup with key's hash known: the first probe inline,
 * the rest out of line.  *out a new reference or NULL; 1, 0 or -1. */
static inline __attribute__((always_inline)) int get_ref_known_hash(TwDictObject *d, TwObject *key,
                                                                    TwHash h, TwObject **out)
{
    *out = NULL;
    tw_bias_check_read((TwObject *)d);
    int r = first_probe(d, key, h, out, true);
    if (r != 2)
        return r;
    return get_ref_hashed(d, key, h, out);
}

int tw_dict_get_ref(TwObject *op, TwObject *key, TwObject **out)
{
    *out = NULL;
    TwHash h = tw_container_key_hash(key);
    if (h == -1)
        return -1;
    return get_ref_known_hash(D(op), key, h, out);
}

int tw_dict_contains_hashed(TwObject *op, TwObject *key, TwHash hash)
{
    TwObject *v;
    int r = get_ref_known_hash(D(op), key, hash, &v);
    TW_XDECREF(v);
    return r;
}

int tw_dict_slot_get_ref(TwObject **slot, TwObject *key, TwObject **out)
{
    *out = NULL;
    /* before the slot is read: a str subclass's __hash__ is Python code */
    TwHash h = tw_container_key_hash(key);
    if (h == -1)
        return -1;
    TwObject *op = tw_atomic_load_ptr(slot);
    if (op == NULL)
        return 0;
    if (!tw_bias_read_needs_revoke(op)) {
        int r = first_probe(D(op), key, h, out, true);
        if (r != 2)
            return r;
    }
    /* The whole lookup may run __eq__, wait for the dict's lock or stop
     * the world to unbias it: quiescent points, and Python code that may
     * replace the slot's dict.  It holds a reference meanwhile. */
    op = tw_field_get_ref(slot);
    if (op == NULL)
        return 0;
    int r = get_ref_hashed(D(op), key, h, out);
    tw_decref(op);
    return r;
}

int tw_dict_get_ref_str(TwObject *op, const char *key, TwObject **out)
{
    *out = NULL;
    TwObject *k = tw_str_from_cstr(key);
    if (k == NULL)
        return -1;
    int r = tw_dict_get_ref(op, k, out);
    TW_DECREF(k);
    return r;
}

/* tw_dict_set with key's hash known (stored in another dict's entry, or
 * computed by the caller). */
static inline __attribute__((always_inline)) int dict_set_hashed(TwDictObject *d, TwObject *key,
                                                                 TwHash h, TwObject *value)
{
    TwObject *old = NULL;
    int r;
    /* A dict private to the caller (an instance's __dict__ or a dict the
     * thread made and no other thread has looked into; always so under
     * the GIL) needs no critical section for an insert that runs no
     * Python code and never blocks: no other thread can look into it
     * before the caller's next eval-breaker check (runtime.h).  The pure
     * lookup says whether a stored key would need __eq__; growing the
     * table, publishing and GC tracking run no Python code. */
    if (tw_object_is_private((TwObject *)d)) {
        TwSsize ix = lookup_impl(d, key, h, true);
        if (ix != DKIX_IMPURE) {
            r = insert_at(d, ix, key, h, value, &old);
            TW_XDECREF(old);
            return r;
        }
    }
    /* A shared dict: the same pure lookup, inline, under the section
     * (lookup_locked, which may run __eq__, is a call whose register
     * saves cost a shared_dict_lock store about 50 instructions). */
    TW_BEGIN_CRITICAL_SECTION(d);
    TwSsize ix = lookup_impl(d, key, h, true);
    if (ix == DKIX_IMPURE)
        ix = lookup_locked(d, key, h);
    r = insert_at(d, ix, key, h, value, &old);
    TW_END_CRITICAL_SECTION();
    TW_XDECREF(old);
    return r;
}

int tw_dict_set(TwObject *op, TwObject *key, TwObject *value)
{
    TwHash h = tw_container_key_hash(key);
    if (h == -1)
        return -1;
    return dict_set_hashed(D(op), key, h, value);
}

/* dict_set_hashed out of line, for paths that should not carry it */
static __attribute__((noinline)) int dict_set_hashed_call(TwDictObject *d, TwObject *key, TwHash h,
                                                         TwObject *value)
{
    return dict_set_hashed(d, key, h, value);
}

int tw_dict_slot_make(TwObject *owner, TwObject **slot)
{
    TwObject *fresh = tw_dict_new();
    if (fresh == NULL)
        return -1;
    /* an object other threads can see gets a dict they can read without
     * first stopping the world to unbias it */
    tw_object_share_into(owner, fresh);
    TwObject *expected = NULL;
    if (!__atomic_compare_exchange_n(slot, &expected, fresh, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        tw_decref(fresh);     /* another thread's came first */
    return 0;
}

int tw_dict_slot_set(TwObject *owner, TwObject **slot, TwObject *key, TwObject *value)
{
    /* before the slot is read: a str subclass's __hash__ is Python code */
    TwHash h = tw_container_key_hash(key);
    if (h == -1)
        return -1;
    for (;;) {
        /* A dict private to the caller: tw_dict_set's insert that runs no
         * Python code and never blocks, so nothing can replace the slot's
         * dict meanwhile (another thread's replacement leaves it alive:
         * its count goes to the caller, its owner, which merges it only
         * at its next eval-breaker check). */
        TwObject *op = tw_atomic_load_ptr(slot);
        if (op == NULL) {
            /* none yet, or `del o.__dict__` dropped it */
            if (tw_dict_slot_make(owner, slot) < 0)
                return -1;
            continue;
        }
        if (tw_object_is_private(op)) {
            TwSsize ix = lookup_impl(D(op), key, h, true);
            if (ix != DKIX_IMPURE) {
                TwObject *old = NULL;
                int r = insert_at(D(op), ix, key, h, value, &old);
                TW_XDECREF(old);
                return r;
            }
        }
        op = tw_field_get_ref(slot);
        if (op == NULL)
            continue;     /* dropped since: make another */
        int r = dict_set_hashed_call(D(op), key, h, value);
        tw_decref(op);
        return r;
    }
}

int tw_dict_set_str(TwObject *op, const char *key, TwObject *value)
{
    TwObject *k = tw_str_intern_cstr(key);
    if (k == NULL)
        return -1;
    return tw_dict_set(op, k, value);
}

/* Delete key: 1 deleted (old key/value returned for decref), 0 missing,
 * -1 error. */
static int dict_pop_hashed(TwDictObject *d, TwObject *key, TwHash h, TwObject **okey, TwObject **ovalue)
{
    int r;
    *okey = *ovalue = NULL;
    TW_BEGIN_CRITICAL_SECTION(d);
    TwSsize ix = lookup_locked(d, key, h);
    if (ix >= 0) {
        delete_entry_locked(d, ix, okey, ovalue);
        r = 1;
    } else {
        r = ix == DKIX_ERROR ? -1 : 0;
    }
    TW_END_CRITICAL_SECTION();
    return r;
}

/* out may be NULL when the caller does not want the value. */
int tw_dict_pop(TwObject *op, TwObject *key, TwObject **out)
{
    if (out != NULL)
        *out = NULL;
    TwHash h = tw_container_key_hash(key);
    if (h == -1)
        return -1;
    TwObject *ok, *ov;
    int r = dict_pop_hashed(D(op), key, h, &ok, &ov);
    TW_XDECREF(ok);
    if (out != NULL)
        *out = ov;
    else
        TW_XDECREF(ov);
    return r;
}

int tw_dict_del(TwObject *op, TwObject *key)
{
    TwObject *v;
    int r = tw_dict_pop(op, key, &v);
    if (r == 0) {
        raise_key_error(key);
        return -1;
    }
    TW_XDECREF(v);
    return r < 0 ? -1 : 0;
}

int tw_dict_contains(TwObject *op, TwObject *key)
{
    TwObject *v;
    int r = tw_dict_get_ref(op, key, &v);
    TW_XDECREF(v);
    return r;
}

TwSsize tw_dict_size(TwObject *op)
{
    return tw_atomic_load_ssize(&D(op)->used);
}

bool tw_dict_next(TwObject *op, TwSsize *pos, TwObject **key, TwObject **value)
{
    TwDictKeys *k = D(op)->keys;
    if (k == NULL)
        return false;
    DictEntry *ep = keys_entries(k);
    for (TwSsize i = *pos; i < k->nentries; i++) {
        if (ep[i].key != NULL) {
            *pos = i + 1;
            if (key)
                *key = ep[i].key;
            if (value)
                *value = ep[i].value;
            return true;
        }
    }
    *pos = k->nentries;
    return false;
}

/* A dict of type tp (dict or a subclass) with no items. */
static TwObject *dict_alloc(TwTypeObject *tp)
{
    if (tp == &TwDict_Type)
        return tw_dict_new();
    TwObject *op = tw_gc_alloc(tp, tp->tp_basicsize);
    if (op == NULL)
        return NULL;
    memset((char *)op + sizeof(TwObject), 0, tp->tp_basicsize - sizeof(TwObject));
    tw_gc_track(op);
    return op;
}

/* Whether a copy of src (not empty) is tracked, as in python3: a dense
 * table is cloned and tracked as its source is; from a sparse one (a
 * third of its entries deleted) the items are inserted one by one. */
static bool copy_is_tracked(TwDictObject *src, TwDictKeys *k)
{
    if (src->used >= k->nentries * 2 / 3)
        return tw_gc_is_tracked((TwObject *)src);
    DictEntry *ep = keys_entries(k);
    for (TwSsize i = 0; i < k->nentries; i++)
        if (ep[i].key != NULL && (tw_gc_may_be_tracked(ep[i].key) || tw_gc_may_be_tracked(ep[i].value)))
            return true;
    return false;
}

TwObject *tw_dict_copy(TwObject *op)
{
    TwDictObject *src = D(op);
    TwDictObject *d = (TwDictObject *)tw_dict_new();
    if (d == NULL)
        return NULL;
    int rc = 0;
    TW_BEGIN_CRITICAL_SECTION(src);
    TwDictKeys *k = src->keys;
    if (k != NULL && src->used > 0) {
        /* The copy is private: fill it directly, keys are known distinct. */
        rc = dict_resize(d, log2_for((src->used * 3 + 1) / 2 + 1));
        if (rc == 0) {
            TwDictKeys *nk = d->keys;
            DictEntry *s = keys_entries(k), *t = keys_entries(nk);
            TwSsize j = 0;
            for (TwSsize i = 0; i < k->nentries; i++) {
                if (s[i].key == NULL)
                    continue;
                t[j].hash = s[i].hash;
                t[j].key = tw_newref(s[i].key);
                t[j].value = tw_newref(s[i].value);
                set_index(nk, find_empty_slot(nk, s[i].hash), j);
                j++;
            }
            nk->nentries = j;
            nk->usable -= j;
            d->used = j;
        }
    }
    if (rc == 0 && d->used > 0 && copy_is_tracked(src, k))
        tw_gc_track((TwObject *)d);
    TW_END_CRITICAL_SECTION();
    if (rc < 0) {
        TW_DECREF(d);
        return NULL;
    }
    return (TwObject *)d;
}

void tw_dict_clear(TwObject *op)
{
    TwDictObject *d = D(op);
    TwDictKeys *k;
    TW_BEGIN_CRITICAL_SECTION(d);
    k = d->keys;
    tw_atomic_store_ptr(&d->keys, NULL);
    tw_atomic_store_ssize(&d->used, 0);
    bump_version(d);
    TW_END_CRITICAL_SECTION();
    if (k == NULL)
        return;
    DictEntry *ep = keys_entries(k);
    for (TwSsize i = 0; i < k->nentries; i++) {
        TW_XDECREF(ep[i].key);
        TW_XDECREF(ep[i].value);
    }
    tw_mem_free_delayed(k, keys_bytes(k));
}

/* Merge from a dict, a mapping (has keys()), ...; override says what to do
 * with keys already present: 1 replace, 0 keep, -1 raise TypeError. */
static int dict_merge_impl(TwObject *d, TwObject *other, int override)
{
    if (TW_DICT_CHECK(other)) {
        /* other's items as one state, with their stored hashes: no key's
         * __hash__ runs again (as in CPython) */
        TwDictItem *items;
        TwSsize n;
        if (tw_dict_items_snapshot(other, &items, &n) < 0)
            return -1;
        int r = 0;
        for (TwSsize i = 0; r == 0 && i < n; i++) {
            TwObject *k = items[i].key;
            if (override != 1) {
                TwObject *found;
                r = get_ref_hashed(D(d), k, items[i].hash, &found);
                TW_XDECREF(found);
                if (r > 0 && override < 0) {
                    tw_err_format(TwExc_TypeError, "got multiple values for keyword argument '%S'", k);
                    r = -1;
                } else if (r > 0) {
                    r = 0;
                    continue;
                }
            }
            if (r == 0)
                r = dict_set_hashed(D(d), k, items[i].hash, items[i].value);
        }
        tw_dict_items_release(items, n);
        return r < 0 ? -1 : 0;
    }
    TwObject *keys = tw_call_method(other, "keys", NULL, 0);
    if (keys == NULL) {
        if (tw_err_matches(TwExc_AttributeError)) {
            tw_err_clear();
            tw_err_format(TwExc_TypeError, "'%s' object is not a mapping", tw_type_name(TW_TYPE(other)));
        }
        return -1;
    }
    TwObject *it = tw_object_iter(keys);
    TW_DECREF(keys);
    if (it == NULL)
        return -1;
    TwObject *k;
    int rc = 0;
    while ((k = tw_iter_next(it)) != NULL) {
        int r = 0;
        if (override != 1) {
            r = tw_dict_contains(d, k);
            if (r > 0 && override < 0) {
                tw_err_format(TwExc_TypeError, "got multiple values for keyword argument '%S'", k);
                r = -1;
            }
        }
        if (r == 0) {
            TwObject *v = tw_object_getitem(other, k);
            r = v ? tw_dict_set(d, k, v) : -1;
            TW_XDECREF(v);
        }
        tw_decref(k);
        if (r < 0) {
            rc = -1;
            break;
        }
    }
    TW_DECREF(it);
    if (rc == 0 && tw_err_occurred())
        rc = -1;
    return rc;
}

int tw_dict_merge(TwObject *d, TwObject *other, bool override)
{
    return dict_merge_impl(d, other, override ? 1 : -1);
}

typedef struct {
    TwObject *dict;
    TwSsize index;
} PairsState;

static int add_pair(void *arg, TwObject *item)
{
    PairsState *ps = arg;
    TwObject *seq;
    if (TW_TYPE(item) == &TwTuple_Type || TW_TYPE(item) == &TwList_Type) {
        seq = tw_newref(item);
    } else {
        TwObject *it = tw_object_iter(item);
        if (it == NULL) {
            if (tw_err_matches(TwExc_TypeError)) {
                tw_err_clear();
                tw_err_format(TwExc_TypeError,
                              "cannot convert dictionary update sequence element #%zd to a sequence",
                              ps->index);
            }
            return -1;
        }
        seq = tw_list_from_iterable(it);
        TW_DECREF(it);
        if (seq == NULL)
            return -1;
    }
    TwSsize n = tw_object_len(seq);
    int r = -1;
    if (n == 2) {
        TwObject *k = TW_TYPE(seq) == &TwTuple_Type ? tw_newref(TW_TUPLE_GET(seq, 0)) : tw_list_get(seq, 0);
        TwObject *v = TW_TYPE(seq) == &TwTuple_Type ? tw_newref(TW_TUPLE_GET(seq, 1)) : tw_list_get(seq, 1);
        if (k && v)
            r = tw_object_setitem(ps->dict, k, v);
        TW_XDECREF(k);
        TW_XDECREF(v);
    } else if (n >= 0) {
        tw_err_format(TwExc_ValueError, "dictionary update sequence element #%zd has length %zd; 2 is required",
                      ps->index, n);
    }
    TW_DECREF(seq);
    ps->index++;
    return r;
}

int tw_dict_update(TwObject *d, TwObject *other)
{
    if (TW_DICT_CHECK(other))
        return dict_merge_impl(d, other, 1);
    TwObject *keys;
    int r = tw_object_lookup_attr(other, tw_str_intern_cstr("keys"), &keys);
    if (r < 0)
        return -1;
    if (r > 0) {
        TW_DECREF(keys);
        return dict_merge_impl(d, other, 1);
    }
    PairsState ps = {d, 0};
    return tw_iterate(other, add_pair, &ps);
}

int tw_dict_items_snapshot(TwObject *op, TwDictItem **out, TwSsize *n)
{
    TwDictObject *d = D(op);
    TwDictItem *items = NULL;
    TwSsize count = 0;
    bool failed = false;
    TW_BEGIN_CRITICAL_SECTION(d);
    TwDictKeys *k = d->keys;
    if (k != NULL && d->used > 0) {
        TwSsize cap = d->used;
        items = tw_mem_alloc((size_t)cap * sizeof *items);
        if (items == NULL) {
            failed = true;
        } else {
            /* `used` counts the live entries: the array is filled */
            DictEntry *ep = keys_entries(k);
            for (TwSsize i = 0; i < k->nentries && count < cap; i++) {
                if (ep[i].key == NULL)
                    continue;
                items[count].key = tw_newref(ep[i].key);
                items[count].value = tw_newref(ep[i].value);
                items[count].hash = ep[i].hash;
                count++;
            }
        }
    }
    TW_END_CRITICAL_SECTION();
    if (failed) {
        tw_err_no_memory();
        return -1;
    }
    *out = items;
    *n = count;
    return 0;
}

void tw_dict_items_release(TwDictItem *items, TwSsize n)
{
    for (TwSsize i = 0; i < n; i++) {
        tw_decref(items[i].key);
        TW_XDECREF(items[i].value);
    }
    if (items != NULL)
        tw_mem_free(items, (size_t)n * sizeof *items);
}

/* A fresh list of d's keys (kind 0), values (1) or (key, value) pairs
 * (2), in order, as one state of d (tw_dict_items_snapshot: no Python
 * code runs while d is locked), so list(d) in one thread while others
 * change d never fails with "changed size during iteration" (list.c). */
static TwObject *dict_to_list(TwObject *op, int kind)
{
    TwDictItem *items;
    TwSsize n;
    if (tw_dict_items_snapshot(op, &items, &n) < 0)
        return NULL;
    TwObject *l = tw_list_new(n);
    for (TwSsize i = 0; l != NULL && i < n; i++) {
        TwObject *item = kind == 0 ? tw_newref(items[i].key)
                       : kind == 1 ? tw_newref(items[i].value)
                                   : tw_tuple_pack(2, items[i].key, items[i].value);
        if (item == NULL)
            TW_CLEAR(l);
        else
            tw_list_set_init(l, i, item);
    }
    tw_dict_items_release(items, n);
    return l;
}

TwObject *tw_dict_keys_list(TwObject *d) { return dict_to_list(d, 0); }
TwObject *tw_dict_values_list(TwObject *d) { return dict_to_list(d, 1); }
TwObject *tw_dict_items_list(TwObject *d) { return dict_to_list(d, 2); }

/* ---------------- type slots ---------------------------------------- */

static void dict_dealloc(TwObject *op)
{
    if (tw_gc_is_tracked(op))
        tw_gc_untrack(op);
    /* Instances of subclasses come here from the generic dealloc, which
     * already runs them through the trashcan. */
    bool guard = TW_TYPE(op) == &TwDict_Type;
    if (guard && !tw_trashcan_begin(op))
        return;
    TwDictKeys *k = D(op)->keys;
    if (k != NULL) {
        DictEntry *ep = keys_entries(k);
        for (TwSsize i = 0; i < k->nentries; i++) {
            TW_XDECREF(ep[i].key);
            TW_XDECREF(ep[i].value);
        }
        /* No reference to the dict is left.  A published dict may have
         * been an instance's __dict__, which readers look into without one
         * (tw_dict_slot_get_ref): its table outlives their next quiescent
         * point, as the dict's own memory does. */
        if (tw_object_may_move(op))
            keys_free(k);
        else
            tw_mem_free_delayed(k, keys_bytes(k));
    }
    tw_gc_free(op, TW_TYPE(op)->tp_basicsize);
    if (guard)
        tw_trashcan_end();
}

static int dict_traverse(TwObject *op, TwVisitFn visit, void *arg)
{
    TwDictKeys *k = D(op)->keys;
    if (k == NULL)
        return 0;
    DictEntry *ep = keys_entries(k);
    for (TwSsize i = 0; i < k->nentries; i++) {
        if (ep[i].key == NULL)
            continue;
        int r = visit(ep[i].key, arg);
        if (r == 0 && ep[i].value != NULL)
            r = visit(ep[i].value, arg);
        if (r)
            return r;
    }
    return 0;
}

static int dict_tp_clear(TwObject *op)
{
    tw_dict_clear(op);
    return 0;
}

static TwSsize dict_len(TwObject *op) { return tw_dict_size(op); }

static TwObject *dict_repr(TwObject *op)
{
    if (tw_dict_size(op) == 0)
        return tw_str_from_cstr("{}");
    int rc = tw_repr_enter(op);
    if (rc < 0)
        return NULL;
    if (rc > 0)
        return tw_str_from_cstr("{...}");
    TwStrBuilder sb;
    tw_sb_init(&sb);
    TwSsize pos = 0;
    TwObject *k, *v;
    bool first = true;
    if (tw_sb_append(&sb, "{", 1) < 0)
        goto fail;
    while (dict_next_ref(D(op), &pos, &k, &v)) {
        int r = first ? 0 : tw_sb_append(&sb, ", ", 2);
        first = false;
        if (r == 0)
            r = tw_sb_append_obj_repr(&sb, k);
        if (r == 0)
            r = tw_sb_append(&sb, ": ", 2);
        if (r == 0)
            r = tw_sb_append_obj_repr(&sb, v);
        tw_decref(k);
        tw_decref(v);
        if (r < 0)
            goto fail;
    }
    if (tw_sb_append(&sb, "}", 1) < 0)
        goto fail;
    tw_repr_leave(op);
    return tw_sb_finish(&sb);
fail:
    tw_repr_leave(op);
    tw_sb_discard(&sb);
    return NULL;
}

/* 1 equal, 0 not, -1 error: same size and every key of a maps to an
 * equal value in b. */
static int dict_equal(TwObject *a, TwObject *b)
{
    if (tw_dict_size(a) != tw_dict_size(b))
        return 0;
    TwSsize pos = 0;
    TwObject *k, *v;
    TwHash h;
    /* looked up in b with the hash stored in a (CPython: no __hash__) */
    while (dict_next_ref_hashed(D(a), &pos, &k, &v, &h)) {
        TwObject *bv;
        int r = get_ref_known_hash(D(b), k, h, &bv);
        if (r > 0) {
            r = tw_object_richcompare_bool(v, bv, TW_EQ);
            tw_decref(bv);
        }
        tw_decref(k);
        tw_decref(v);
        if (r <= 0)
            return r;
    }
    return 1;
}

static TwObject *dict_richcompare(TwObject *a, TwObject *b, int op)
{
    if (!TW_DICT_CHECK(a) || !TW_DICT_CHECK(b) || (op != TW_EQ && op != TW_NE))
        return tw_newref(Tw_NotImplemented);
    int r = dict_equal(a, b);
    if (r < 0)
        return NULL;
    return tw_bool_from((r > 0) == (op == TW_EQ));
}

static TwObject *dict_getitem(TwObject *op, TwObject *key)
{
    TwObject *v;
    int r = tw_dict_get_ref(op, key, &v);
    if (r > 0)
        return v;
    if (r < 0)
        return NULL;
    if (TW_TYPE(op) != &TwDict_Type) {
        TwObject *missing = tw_type_lookup_ref(TW_TYPE(op), tw_str_intern_cstr("__missing__"));
        if (missing != NULL) {
            TwObject *r = tw_call2(missing, op, key);
            tw_decref(missing);
            return r;
        }
    }
    raise_key_error(key);
    return NULL;
}

static int dict_setitem(TwObject *op, TwObject *key, TwObject *value)
{
    if (value == NULL)
        return tw_dict_del(op, key);
    return tw_dict_set(op, key, value);
}

static int dict_contains_slot(TwObject *op, TwObject *key) { return tw_dict_contains(op, key); }

/* ---------------- methods ------------------------------------------- */

static TwObject *dict_m_get(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("get", kwnames) < 0 || tw_arg_check_count("get", nargs, 1, 2) < 0)
        return NULL;
    TwObject *v;
    int r = tw_dict_get_ref(self, args[0], &v);
    if (r > 0)
        return v;
    if (r < 0)
        return NULL;
    return tw_newref(nargs == 2 ? args[1] : Tw_None);
}

static TwObject *dict_m_setdefault(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("setdefault", kwnames) < 0 || tw_arg_check_count("setdefault", nargs, 1, 2) < 0)
        return NULL;
    TwObject *key = args[0], *dflt = nargs == 2 ? args[1] : Tw_None;
    TwHash h = tw_container_key_hash(key);
    if (h == -1)
        return NULL;
    TwDictObject *d = D(self);
    TwObject *result = NULL;
    TW_BEGIN_CRITICAL_SECTION(d);
    TwSsize ix = lookup_locked(d, key, h);
    if (ix >= 0)
        result = tw_newref(keys_entries(d->keys)[ix].value);
    else if (ix == DKIX_EMPTY && insert_new_locked(d, key, h, dflt) == 0)
        result = tw_newref(dflt);
    TW_END_CRITICAL_SECTION();
    return result;
}

static TwObject *dict_m_pop(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("pop", kwnames) < 0 || tw_arg_check_count("pop", nargs, 1, 2) < 0)
        return NULL;
    TwObject *v;
    int r = tw_dict_pop(self, args[0], &v);
    if (r > 0)
        return v;
    if (r < 0)
        return NULL;
    if (nargs == 2)
        return tw_newref(args[1]);
    raise_key_error(args[0]);
    return NULL;
}

static TwObject *dict_m_popitem(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("popitem", kwnames) < 0 || tw_arg_check_count("popitem", nargs, 0, 0) < 0)
        return NULL;
    TwDictObject *d = D(self);
    TwObject *k = NULL, *v = NULL;
    TW_BEGIN_CRITICAL_SECTION(d);
    TwDictKeys *keys = d->keys;
    if (keys != NULL && d->used > 0) {
        DictEntry *ep = keys_entries(keys);
        TwSsize i = keys->nentries - 1;
        while (i >= 0 && ep[i].key == NULL)
            i--;
        if (i >= 0) {
            delete_entry_locked(d, i, &k, &v);
            /* Trailing deleted entries are dropped so that popping every
             * item costs linear time. */
            tw_atomic_store_ssize(&keys->nentries, i);
        }
    }
    TW_END_CRITICAL_SECTION();
    if (k == NULL) {
        TwObject *exc = tw_exc_new_msg(TwExc_KeyError, "popitem(): dictionary is empty");
        if (exc)
            tw_err_raise(exc);
        return NULL;
    }
    TwObject *t = tw_tuple_pack(2, k, v);
    tw_decref(k);
    tw_decref(v);
    return t;
}

static TwObject *view_new(TwTypeObject *tp, TwObject *dict);

static TwObject *dict_m_keys(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("keys", kwnames) < 0 || tw_arg_check_count("keys", nargs, 0, 0) < 0)
        return NULL;
    return view_new(&TwDictKeys_Type, self);
}

static TwObject *dict_m_values(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("values", kwnames) < 0 || tw_arg_check_count("values", nargs, 0, 0) < 0)
        return NULL;
    return view_new(&TwDictValues_Type, self);
}

static TwObject *dict_m_items(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("items", kwnames) < 0 || tw_arg_check_count("items", nargs, 0, 0) < 0)
        return NULL;
    return view_new(&TwDictItems_Type, self);
}

/* update([other], **kwargs) and dict([other], **kwargs). */
static int dict_update_args(TwObject *self, const char *fname, TwObject *const *args, size_t nargs,
                            TwObject *kwnames)
{
    if (nargs > 1) {
        tw_err_format(TwExc_TypeError, "%s expected at most 1 argument, got %zd", fname, (TwSsize)nargs);
        return -1;
    }
    if (nargs == 1 && tw_dict_update(self, args[0]) < 0)
        return -1;
    TwSsize nkw = kwnames ? TW_TUPLE_SIZE(kwnames) : 0;
    for (TwSsize i = 0; i < nkw; i++)
        if (tw_object_setitem(self, TW_TUPLE_GET(kwnames, i), args[nargs + (size_t)i]) < 0)
            return -1;
    return 0;
}

static TwObject *dict_m_update(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (dict_update_args(self, "update", args, nargs, kwnames) < 0)
        return NULL;
    TW_RETURN_NONE;
}

static TwObject *dict_m_copy(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("copy", kwnames) < 0 || tw_arg_check_count("copy", nargs, 0, 0) < 0)
        return NULL;
    return tw_dict_copy(self);
}

static TwObject *dict_m_clear(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("clear", kwnames) < 0 || tw_arg_check_count("clear", nargs, 0, 0) < 0)
        return NULL;
    tw_dict_clear(self);
    TW_RETURN_NONE;
}

typedef struct {
    TwObject *dict;
    TwObject *value;
} FromKeysState;

static int fromkeys_add(void *arg, TwObject *item)
{
    FromKeysState *st = arg;
    return tw_object_setitem(st->dict, item, st->value);
}

/* dict.fromkeys(iterable, value=None): a class method, self is the type. */
static TwObject *dict_m_fromkeys(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("fromkeys", kwnames) < 0 || tw_arg_check_count("fromkeys", nargs, 1, 2) < 0)
        return NULL;
    TwObject *d = (TwTypeObject *)self == &TwDict_Type ? tw_dict_new() : tw_call0(self);
    if (d == NULL)
        return NULL;
    FromKeysState st = {d, nargs == 2 ? args[1] : Tw_None};
    TwTypeObject *src = TW_TYPE(args[0]);
    if (TW_TYPE(d) == &TwDict_Type
        && (src == &TwDict_Type || src == &TwSet_Type || src == &TwFrozenSet_Type)) {
        /* the keys' stored hashes: no __hash__ runs again (as in CPython) */
        TwDictItem *items;
        TwSsize n;
        int got = src == &TwDict_Type ? tw_dict_items_snapshot(args[0], &items, &n)
                                      : tw_set_items_snapshot(args[0], &items, &n);
        if (got < 0) {
            TW_DECREF(d);
            return NULL;
        }
        int r = 0;
        for (TwSsize i = 0; r == 0 && i < n; i++)
            r = dict_set_hashed(D(d), items[i].key, items[i].hash, st.value);
        tw_dict_items_release(items, n);
        if (r < 0) {
            TW_DECREF(d);
            return NULL;
        }
        return d;
    }
    if (tw_iterate(args[0], fromkeys_add, &st) < 0) {
        TW_DECREF(d);
        return NULL;
    }
    return d;
}

static TwObject *dictiter_new(TwTypeObject *tp, TwObject *dict);

static TwObject *dict_m_reversed(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("__reversed__", kwnames) < 0 ||
        tw_arg_check_count("__reversed__", nargs, 0, 0) < 0)
        return NULL;
    return dictiter_new(&TwDictRevIterKey_Type, self);
}

static TwObject *dict_new_slot(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return dict_alloc(type);
}

static int dict_init(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return dict_update_args(self, "dict", args, nargs, kwnames);
}

static TwObject *dict_iter(TwObject *op) { return dictiter_new(&TwDictIterKey_Type, op); }

/* d | other: a new dict with other's items over d's (both dicts). */
static TwObject *dict_or(TwObject *a, TwObject *b)
{
    if (!TW_DICT_CHECK(a) || !TW_DICT_CHECK(b))
        return tw_newref(Tw_NotImplemented);
    TwObject *r = TW_TYPE(a) == &TwDict_Type ? tw_dict_copy(a) : tw_call1((TwObject *)TW_TYPE(a), a);
    if (r != NULL && tw_dict_update(r, b) < 0)
        TW_CLEAR(r);
    return r;
}

/* d |= other: update in place from a mapping or an iterable of pairs. */
static TwObject *dict_ior(TwObject *a, TwObject *b)
{
    if (!TW_DICT_CHECK(a))
        return tw_newref(Tw_NotImplemented);
    if (tw_dict_update(a, b) < 0)
        return NULL;
    return tw_newref(a);
}

static const TwMethodDef dict_methods[] = {
    {"get", dict_m_get, 0},
    {"setdefault", dict_m_setdefault, 0},
    {"pop", dict_m_pop, 0},
    {"popitem", dict_m_popitem, 0},
    {"keys", dict_m_keys, 0},
    {"values", dict_m_values, 0},
    {"items", dict_m_items, 0},
    {"update", dict_m_update, 0},
    {"copy", dict_m_copy, 0},
    {"clear", dict_m_clear, 0},
    {"fromkeys", dict_m_fromkeys, TW_METH_CLASS},
    {"__reversed__", dict_m_reversed, 0},
    {NULL, NULL, 0},
};

TwTypeObject TwDict_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "dict",
    .tp_basicsize = sizeof(TwDictObject),
    .tp_flags = TW_TPFLAGS_HAVE_GC | TW_TPFLAGS_BASETYPE | TW_TPFLAGS_DICT_SUBCLASS | TW_TPFLAGS_SHARE_HOT,
    .tp_dealloc = dict_dealloc,
    .tp_repr = dict_repr,
    .tp_hash = tw_object_hash_unhashable,
    .tp_richcompare = dict_richcompare,
    .tp_iter = dict_iter,
    .tp_new = dict_new_slot,
    .tp_init = dict_init,
    .tp_traverse = dict_traverse,
    .tp_clear = dict_tp_clear,
    .nb = {[TW_BINOP_OR] = dict_or},
    .nb_inplace = {[TW_BINOP_OR] = dict_ior},
    .tp_len = dict_len,
    .tp_getitem = dict_getitem,
    .tp_setitem = dict_setitem,
    .tp_contains = dict_contains_slot,
    .tp_methods = dict_methods,
};

/* ---------------- iterators ----------------------------------------- */

typedef struct {
    TwObject ob_base;
    TwObject *dict;           /* NULL once exhausted          */
    TwSsize used;             /* d->used when iteration began */
    TwSsize pos;              /* next entry to look at        */
    TwSsize len;              /* items still expected         */
} DictIter;

static TwObject *dictiter_new(TwTypeObject *tp, TwObject *dict)
{
    DictIter *it = (DictIter *)tw_gc_alloc(tp, sizeof(DictIter));
    if (it == NULL)
        return NULL;
    it->dict = tw_newref(dict);
    it->used = tw_dict_size(dict);
    it->len = it->used;
    it->pos = 0;
    if (tp == &TwDictRevIterKey_Type) {
        TwDictKeys *k = tw_atomic_load_ptr(&D(dict)->keys);
        it->pos = k ? tw_atomic_load_ssize(&k->nentries) - 1 : -1;
    }
    tw_gc_track((TwObject *)it);
    return (TwObject *)it;
}

static void dictiter_dealloc(TwObject *op)
{
    if (tw_gc_is_tracked(op))
        tw_gc_untrack(op);
    TW_XDECREF(((DictIter *)op)->dict);
    tw_gc_free(op, sizeof(DictIter));
}

static int dictiter_traverse(TwObject *op, TwVisitFn visit, void *arg)
{
    DictIter *it = (DictIter *)op;
    return it->dict ? visit(it->dict, arg) : 0;
}

/* The end of the iteration: drop the dict (containers.h, I2) or, for
 * an iterator other threads may hold, only mark it finished. */
static void dictiter_finish(DictIter *it, TwObject *d)
{
    if (!tw_iter_release((TwObject *)it, &it->dict, d))
        tw_atomic_store_ssize(&it->len, -1);
}

/* Next (key, value) as new references, 1; 0 exhausted; -1 error.  Shared
 * iterators: containers.h, I1-I2 (len -1: finished, dict kept). */
static int dictiter_step_impl(DictIter *it, TwObject **k, TwObject **v)
{
    TwObject *d = tw_atomic_load_ptr(&it->dict);
    if (d == NULL)
        return 0;
    TwSsize len = tw_atomic_load_ssize(&it->len);
    if (len < 0)
        return 0;
    if (tw_atomic_load_ssize(&it->used) != tw_dict_size(d)) {
        tw_err_set_string(TwExc_RuntimeError, "dictionary changed size during iteration");
        tw_atomic_store_ssize(&it->used, -1);      /* keep raising */
        return -1;
    }
    TwSsize pos = tw_atomic_load_ssize(&it->pos);
    if (dict_next_ref(D(d), &pos, k, v)) {
        if (len == 0) {
            tw_decref(*k);
            tw_decref(*v);
            tw_err_set_string(TwExc_RuntimeError, "dictionary keys changed during iteration");
            dictiter_finish(it, d);
            return -1;
        }
        tw_atomic_store_ssize(&it->pos, pos);
        tw_atomic_store_ssize(&it->len, len - 1);
        return 1;
    }
    dictiter_finish(it, d);
    return 0;
}

/* An iterator other threads may use steps inside its own critical
 * section: its position and count of items left then move together, so
 * racing threads do not see "dictionary keys changed during iteration"
 * for a dict nobody changed (the section also unbiases it, I2). */
static int dictiter_step(DictIter *it, TwObject **k, TwObject **v)
{
    if (tw_iter_owns_alone((TwObject *)it))
        return dictiter_step_impl(it, k, v);
    int r;
    TW_BEGIN_CRITICAL_SECTION(it);
    r = dictiter_step_impl(it, k, v);
    TW_END_CRITICAL_SECTION();
    return r;
}

static TwObject *dictiter_next_key(TwObject *op)
{
    TwObject *k, *v;
    if (dictiter_step((DictIter *)op, &k, &v) <= 0)
        return NULL;
    tw_decref(v);
    return k;
}

static TwObject *dictiter_next_value(TwObject *op)
{
    TwObject *k, *v;
    if (dictiter_step((DictIter *)op, &k, &v) <= 0)
        return NULL;
    tw_decref(k);
    return v;
}

static TwObject *dictiter_next_item(TwObject *op)
{
    TwObject *k, *v;
    if (dictiter_step((DictIter *)op, &k, &v) <= 0)
        return NULL;
    TwObject *t = tw_tuple_pack(2, k, v);
    tw_decref(k);
    tw_decref(v);
    return t;
}

static TwObject *dictreviter_step(TwObject *op)
{
    DictIter *it = (DictIter *)op;
    TwObject *d = tw_atomic_load_ptr(&it->dict), *key = NULL;
    if (d == NULL)
        return NULL;
    TwSsize len = tw_atomic_load_ssize(&it->len);
    if (len < 0)
        return NULL;
    if (tw_atomic_load_ssize(&it->used) != tw_dict_size(d)) {
        tw_err_set_string(TwExc_RuntimeError, "dictionary changed size during iteration");
        tw_atomic_store_ssize(&it->used, -1);
        return NULL;
    }
    TW_BEGIN_CRITICAL_SECTION(d);
    TwDictKeys *k = D(d)->keys;
    if (k != NULL) {
        DictEntry *ep = keys_entries(k);
        TwSsize pos = tw_atomic_load_ssize(&it->pos);
        TwSsize i = pos < k->nentries ? pos : k->nentries - 1;
        while (i >= 0 && ep[i].key == NULL)
            i--;
        if (i >= 0) {
            key = tw_newref(ep[i].key);
            tw_atomic_store_ssize(&it->pos, i - 1);
        }
    }
    TW_END_CRITICAL_SECTION();
    if (key == NULL || len == 0) {
        TW_XDECREF(key);
        dictiter_finish(it, d);
        return NULL;
    }
    tw_atomic_store_ssize(&it->len, len - 1);
    return key;
}

static TwObject *dictreviter_next_key(TwObject *op)
{
    if (tw_iter_owns_alone(op))
        return dictreviter_step(op);
    TwObject *r;
    TW_BEGIN_CRITICAL_SECTION(op);
    r = dictreviter_step(op);
    TW_END_CRITICAL_SECTION();
    return r;
}

static TwObject *iter_self(TwObject *op) { return tw_newref(op); }

static TwObject *dictiter_length_hint(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    DictIter *it = (DictIter *)self;
    tw_bias_check_read(self);
    TwObject *d = tw_atomic_load_ptr(&it->dict);
    TwSsize len = tw_atomic_load_ssize(&it->len);
    return tw_int_from_i64(d && tw_atomic_load_ssize(&it->used) == tw_dict_size(d) && len > 0 ? len : 0);
}

static const TwMethodDef dictiter_methods[] = {
    {"__length_hint__", dictiter_length_hint, 0},
    {NULL, NULL, 0},
};

#define DICTITER_TYPE(var, name, next)            \
    TwTypeObject var = {                          \
        .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type), \
        .tp_name = name,                          \
        .tp_basicsize = sizeof(DictIter),         \
        .tp_flags = TW_TPFLAGS_HAVE_GC,           \
        .tp_dealloc = dictiter_dealloc,           \
        .tp_traverse = dictiter_traverse,         \
        .tp_iter = iter_self,                     \
        .tp_iternext = next,                      \
        .tp_methods = dictiter_methods,           \
    }

DICTITER_TYPE(TwDictIterKey_Type, "dict_keyiterator", dictiter_next_key);
DICTITER_TYPE(TwDictIterValue_Type, "dict_valueiterator", dictiter_next_value);
DICTITER_TYPE(TwDictIterItem_Type, "dict_itemiterator", dictiter_next_item);
DICTITER_TYPE(TwDictRevIterKey_Type, "dict_reversekeyiterator", dictreviter_next_key);

/* ---------------- views: d.keys(), d.values(), d.items() ------------ */

typedef struct {
    TwObject ob_base;
    TwObject *dict;
} DictView;

static TwObject *view_new(TwTypeObject *tp, TwObject *dict)
{
    DictView *v = (DictView *)tw_gc_alloc(tp, sizeof(DictView));
    if (v == NULL)
        return NULL;
    v->dict = tw_newref(dict);
    tw_gc_track((TwObject *)v);
    return (TwObject *)v;
}

static void view_dealloc(TwObject *op)
{
    if (tw_gc_is_tracked(op))
        tw_gc_untrack(op);
    TW_XDECREF(((DictView *)op)->dict);
    tw_gc_free(op, sizeof(DictView));
}

static int view_traverse(TwObject *op, TwVisitFn visit, void *arg)
{
    DictView *v = (DictView *)op;
    return v->dict ? visit(v->dict, arg) : 0;
}

static TwSsize view_len(TwObject *op) { return tw_dict_size(((DictView *)op)->dict); }

static TwObject *view_iter(TwObject *op)
{
    TwTypeObject *tp = TW_TYPE(op) == &TwDictKeys_Type     ? &TwDictIterKey_Type
                       : TW_TYPE(op) == &TwDictValues_Type ? &TwDictIterValue_Type
                                                           : &TwDictIterItem_Type;
    return dictiter_new(tp, ((DictView *)op)->dict);
}

static TwObject *view_repr(TwObject *op)
{
    int rc = tw_repr_enter(op);
    if (rc < 0)
        return NULL;
    if (rc > 0)
        return tw_str_from_cstr("...");
    TwObject *l = tw_list_from_iterable(op);
    TwObject *r = NULL;
    if (l != NULL) {
        r = tw_str_from_format("%s(%R)", TW_TYPE(op)->tp_name, l);
        TW_DECREF(l);
    }
    tw_repr_leave(op);
    return r;
}

static int keys_contains(TwObject *op, TwObject *key)
{
    return tw_dict_contains(((DictView *)op)->dict, key);
}

static int items_contains(TwObject *op, TwObject *item)
{
    if (!TW_TUPLE_CHECK(item) || TW_TUPLE_SIZE(item) != 2)
        return 0;
    TwObject *v;
    int r = tw_dict_get_ref(((DictView *)op)->dict, TW_TUPLE_GET(item, 0), &v);
    if (r <= 0)
        return r;
    r = tw_object_richcompare_bool(v, TW_TUPLE_GET(item, 1), TW_EQ);
    tw_decref(v);
    return r;
}

static bool is_setlike(TwObject *o)
{
    return TW_SET_CHECK(o) || TW_TYPE(o) == &TwDictKeys_Type || TW_TYPE(o) == &TwDictItems_Type;
}

/* Keys and items views compare like sets. */
static TwObject *view_richcompare(TwObject *a, TwObject *b, int op)
{
    if (!is_setlike(a) || !is_setlike(b))
        return tw_newref(Tw_NotImplemented);
    TwObject *sa = tw_set_new(a);
    if (sa == NULL)
        return NULL;
    TwObject *sb = tw_set_new(b);
    if (sb == NULL) {
        TW_DECREF(sa);
        return NULL;
    }
    TwObject *r = tw_object_richcompare(sa, sb, op);
    TW_DECREF(sa);
    TW_DECREF(sb);
    return r;
}

/* d.keys() & other and friends: as sets, with any iterable on either side. */
static TwObject *view_setop(TwObject *a, TwObject *b, TwBinOp op)
{
    TwObject *sa = tw_set_new(a);
    if (sa == NULL)
        return NULL;
    TwObject *sb = tw_set_new(b);
    if (sb == NULL) {
        TW_DECREF(sa);
        return NULL;
    }
    TwObject *r = tw_number_binop(sa, sb, op);
    TW_DECREF(sa);
    TW_DECREF(sb);
    return r;
}

static TwObject *view_and(TwObject *a, TwObject *b) { return view_setop(a, b, TW_BINOP_AND); }
static TwObject *view_or(TwObject *a, TwObject *b) { return view_setop(a, b, TW_BINOP_OR); }
static TwObject *view_sub(TwObject *a, TwObject *b) { return view_setop(a, b, TW_BINOP_SUB); }
static TwObject *view_xor(TwObject *a, TwObject *b) { return view_setop(a, b, TW_BINOP_XOR); }

static TwObject *view_reversed(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return dictiter_new(&TwDictRevIterKey_Type, ((DictView *)self)->dict);
}

static const TwMethodDef keys_view_methods[] = {
    {"__reversed__", view_reversed, 0},
    {NULL, NULL, 0},
};

#define VIEW_COMMON(name)                                   \
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),           \
    .tp_name = name,                                        \
    .tp_basicsize = sizeof(DictView),                       \
    .tp_flags = TW_TPFLAGS_HAVE_GC,                         \
    .tp_dealloc = view_dealloc,                             \
    .tp_traverse = view_traverse,                           \
    .tp_repr = view_repr,                                   \
    .tp_hash = tw_object_hash_unhashable,                   \
    .tp_iter = view_iter,                                   \
    .tp_len = view_len

TwTypeObject TwDictKeys_Type = {
    VIEW_COMMON("dict_keys"),
    .tp_richcompare = view_richcompare,
    .tp_contains = keys_contains,
    .nb = {[TW_BINOP_AND] = view_and, [TW_BINOP_OR] = view_or,
           [TW_BINOP_SUB] = view_sub, [TW_BINOP_XOR] = view_xor},
    .tp_methods = keys_view_methods,
};

TwTypeObject TwDictValues_Type = {
    VIEW_COMMON("dict_values"),
};

TwTypeObject TwDictItems_Type = {
    VIEW_COMMON("dict_items"),
    .tp_richcompare = view_richcompare,
    .tp_contains = items_contains,
    .nb = {[TW_BINOP_AND] = view_and, [TW_BINOP_OR] = view_or,
           [TW_BINOP_SUB] = view_sub, [TW_BINOP_XOR] = view_xor},
};

int tw_dict_view_snapshot(TwObject *op, TwObject **out)
{
    TwTypeObject *tp = TW_TYPE(op);
    int kind = tp == &TwDict_Type || tp == &TwDictKeys_Type ? 0
             : tp == &TwDictValues_Type                   ? 1
             : tp == &TwDictItems_Type                    ? 2
                                                          : -1;
    if (kind < 0)
        return 0;
    *out = dict_to_list(tp == &TwDict_Type ? op : ((DictView *)op)->dict, kind);
    return *out != NULL ? 1 : -1;
}
