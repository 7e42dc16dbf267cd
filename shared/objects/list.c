/*
 * list.c — the mutable sequence, safe to share between threads.
 *
 * Layout: TwListObject { size, array }, where array is a TwListArray that
 * carries its own capacity (`allocated`).  The array is NULL while the list
 * is empty and has never grown.
 *
 * Concurrency protocol (the nogil build; under the GIL every macro below is
 * a plain load/store or nothing):
 *
 *   Writers.  Every mutation of size, array or a slot runs inside
 *   TW_BEGIN_CRITICAL_SECTION(list) ... TW_END_CRITICAL_SECTION().  Inside:
 *     - slots are written with tw_atomic_store_ptr (one pointer at a time:
 *       moving items stores every pointer whole (move_items), never by
 *       memmove, so a reader never sees a torn pointer; a private list's
 *       items, which no other thread reads, move by memmove);
 *     - size is written with tw_atomic_store_ssize;
 *     - an array is never resized in place: growing or shrinking makes a new
 *       array, fills it, publishes it with tw_atomic_store_ptr, and frees the
 *       old one with tw_mem_free_delayed (after a grace period in nogil);
 *     - slots at or beyond size are NULL whenever a writer leaves the
 *       critical section (vacated slots are cleared).
 *   A list private to the calling thread (tw_object_is_private: nogil, no
 *   other thread has looked into it; always under the GIL) is changed by
 *   set and append without the critical section, and a replaced array is
 *   freed at once: no reader but the caller can exist.
 *
 *   Readers of one item (list[i], an iterator's next, `in`, index, count,
 *   comparisons, repr) take no lock: load size, bounds-check; load array
 *   (tw_atomic_load_ptr), bounds-check against that array's own allocated
 *   (an old, smaller array is still valid memory); load the slot with
 *   tw_try_incref_item, which fails when the slot was NULL or when it
 *   could not take a reference (another thread's object that died or left
 *   the slot meanwhile); then retry under the critical section.  The
 *   reader thus returns an item that was in the list at some moment during
 *   the call.  A reader on another
 *   thread than a private list's owner first makes it shared
 *   (tw_bias_check_read), which publishes its items.
 *
 *   No Python code runs inside a critical section, but for sort (below).
 *   Comparisons (__eq__, __lt__), key functions, __index__ and destructors
 *   can do anything, including mutating this very list, so:
 *     - searches (remove, index, count, `in`) compare outside the lock using
 *       the lock-free item reads, then lock only to delete what they found
 *       (list.remove deletes index i, as CPython does, even if __eq__
 *       changed the list);
 *     - items a mutation drops are collected while locked and decref'd after
 *       TW_END_CRITICAL_SECTION (a destructor may append to the same list);
 *     - sort detaches the whole array, sorts it privately and puts it
 *       back, all inside the critical section, as CPython's free-threaded
 *       build does: other threads' mutations wait for it, unless the
 *       sorting thread blocks in a key or comparison (its sections are
 *       suspended then, as whenever a thread blocks).  While it sorts,
 *       the list's array is the static `sort_marker` (capacity 0): the list
 *       looks empty, and any mutation (by that code, or by another thread
 *       while the section is suspended) replaces the marker, which is how
 *       "list modified during sort" is detected; the items it added are
 *       dropped, as in CPython.  Where no code can run (ints, floats or
 *       strs sorted without a key) the items are sorted in place instead,
 *       so readers see them throughout (tw_list_sort).
 *
 * GC: lists are allocated with tw_gc_alloc and tracked; dealloc goes
 * through the trashcan so freeing a list nested 100000 deep does not
 * recurse 100000 C frames.
 */
#include <string.h>
#include <unistd.h>
#if defined(__x86_64__) && !defined(TW_SANITIZED)
#include <emmintrin.h>
#endif

#include "twinpy/types.h"
#include "objects/containers.h"

#define L(op) ((TwListObject *)(op))

static TwListArray sort_marker = {.allocated = 0};

static size_t array_bytes(TwSsize cap)
{
    return sizeof(TwListArray) + (size_t)cap * sizeof(TwObject *);
}

/* An array for cap items, MemoryError (NULL) past the machine's memory.
 * zeroed: its slots come NULL, from the allocator's zeroed memory (fresh
 * pages of a large block are not touched until used). */
/* Bytes of an array for cap items, or 0 when that is past the machine's
 * memory (or past what a size can say). */
static size_t array_bytes_checked(TwSsize cap)
{
    if ((size_t)cap > (SIZE_MAX - sizeof(TwListArray)) / sizeof(TwObject *) / 2)
        return 0;
    size_t bytes = array_bytes(cap);
    return tw_alloc_exceeds_memory(bytes) ? 0 : bytes;
}

/* An array's block: arrays of up to 160 bytes (18 items) come from and go
 * back to the thread's block pool (twinpy/pool.h), whose blocks are
 * rounded up to 16 bytes; larger ones from the allocator at their size. */
static size_t array_block(TwSsize cap)
{
    return tw_pool_block_size(array_bytes(cap));
}

static TwListArray *array_alloc(TwSsize cap, bool zeroed)
{
    size_t bytes = array_bytes_checked(cap);
    TwListArray *a = NULL;
    if (bytes != 0)
        a = zeroed ? tw_pool_calloc(bytes) : tw_pool_alloc(bytes);
    if (a == NULL) {
        tw_err_no_memory();
        return NULL;
    }
    a->allocated = cap;
    return a;
}

static TwListArray *array_new(TwSsize cap)
{
    return array_alloc(cap, false);
}

bool tw_alloc_exceeds_memory_slow(size_t bytes)
{
    static size_t limit;
    size_t l = __atomic_load_n(&limit, __ATOMIC_RELAXED);
    if (l == 0) {
        long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
        l = pages > 0 && page > 0 ? (size_t)pages * (size_t)page : SIZE_MAX;
        __atomic_store_n(&limit, l, __ATOMIC_RELAXED);
    }
    return bytes > l;
}

/* Free an array no reader can be inside. */
static void array_free(TwListArray *a)
{
    tw_pool_free(a, array_block(a->allocated));
}

/* Free an array l no longer points to (lock-free readers may still be
 * reading it, runtime.h). */
static void array_release(TwListObject *l, TwListArray *a)
{
    if (a != NULL && a != &sort_marker)
        tw_mem_free_unlinked((TwObject *)l, a, array_block(a->allocated));
}

static inline TwSsize list_capacity(TwListObject *l)
{
    return l->array ? l->array->allocated : 0;
}

/* Set the size to newsize, reallocating when the array is too small or
 * less than half used (CPython's over-allocation: ~1/8 extra plus a few).
 * Items [0, min(size, newsize)) are kept; new slots are NULL.  Call inside
 * the critical section.  Growing callers fill [old size, newsize) after;
 * shrinking callers move and clear items before. */
static int list_resize(TwListObject *l, TwSsize newsize)
{
    TwSsize cap = list_capacity(l);
    if (cap >= newsize && newsize >= (cap >> 1)) {
        tw_atomic_store_ssize(&l->size, newsize);
        return 0;
    }
    TwSsize oldsize = l->size;
    size_t new_alloc = ((size_t)newsize + ((size_t)newsize >> 3) + 6) & ~(size_t)3;
    if (newsize - oldsize > (TwSsize)new_alloc - newsize)
        new_alloc = ((size_t)newsize + 3) & ~(size_t)3;
    TwListArray *old = l->array, *fresh = NULL;
    if (newsize > cap && cap > 0 && old != &sort_marker && tw_object_is_private((TwObject *)l)) {
        /* Growing a list no other thread can read (always so under the
         * GIL): the allocator extends the block in place when it can,
         * where a new array would have every item copied, about eight per
         * append at this growth rate. */
        size_t bytes = array_bytes_checked((TwSsize)new_alloc);
        if (bytes == 0 ||
            (fresh = tw_mem_realloc(old, array_block(cap), tw_pool_block_size(bytes))) == NULL) {
            tw_err_no_memory();
            return -1;
        }
        fresh->allocated = (TwSsize)new_alloc;
        memset(fresh->items + oldsize, 0, (new_alloc - (size_t)oldsize) * sizeof(TwObject *));
        l->array = fresh;
        tw_atomic_store_ssize(&l->size, newsize);
        return 0;
    }
    if (newsize > 0) {
        fresh = array_new((TwSsize)new_alloc);
        if (fresh == NULL) {
            if (newsize <= cap) {
                /* Shrinking must not fail: keep the larger array. */
                tw_err_clear();
                tw_atomic_store_ssize(&l->size, newsize);
                return 0;
            }
            return -1;
        }
        TwSsize keep = oldsize < newsize ? oldsize : newsize;
        for (TwSsize i = 0; i < keep; i++)
            fresh->items[i] = old->items[i];
        memset(fresh->items + keep, 0, ((size_t)new_alloc - (size_t)keep) * sizeof(TwObject *));
    }
    if (newsize < oldsize)
        tw_atomic_store_ssize(&l->size, newsize);
    tw_atomic_store_ptr(&l->array, fresh);
    tw_atomic_store_ssize(&l->size, newsize);
    array_release(l, old);
    return 0;
}

/* Move count items inside l's array (overlap allowed).  A reader of a list
 * that other threads can see takes items without the lock, so it must
 * never find half a pointer: each pointer is stored whole.  A private list
 * (tw_object_is_private: always under the GIL) has no such reader, and
 * memmove moves it (queue.Queue's pop(0), insert(0, x)).
 *
 * A shared list's items move two at a time where the processor stores an
 * aligned 16 bytes as one access: x86-64 processors with AVX do so for
 * aligned SSE stores (Intel SDM vol. 3A, 9.1.1; AMD64 APM vol. 2, 7.3.2),
 * and even a store split in two would write each 8-byte-aligned pointer
 * whole.  Only this thread writes the slots while it holds the list's
 * section, so the loads need no care (unaligned, any width).  The
 * direction keeps overlapping moves right: every pair is loaded before a
 * store can reach it.  Sanitizer builds move pointer by pointer with C
 * atomics, so that ThreadSanitizer sees the stores. */
#if defined(__x86_64__) && !defined(TW_SANITIZED)
static bool wide_stores_whole(void)
{
    static int known;   /* 0 unknown, 1 yes, 2 no; any thread may settle it */
    int k = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (k == 0) {
        k = __builtin_cpu_supports("avx") ? 1 : 2;
        __atomic_store_n(&known, k, __ATOMIC_RELAXED);
    }
    return k == 1;
}

static inline void pair_store(TwObject **dst, TwObject *const *src)
{
    _mm_store_si128((__m128i *)(void *)dst, _mm_loadu_si128((const __m128i *)(const void *)src));
}

static bool move_slots_wide(TwObject **d, TwObject **s, TwSsize n)
{
    if (n < 4 || !wide_stores_whole())
        return false;
    if (d < s) {
        if ((uintptr_t)d & 15) {
            tw_atomic_store_ptr(d, *s);
            d++;
            s++;
            n--;
        }
        for (; n >= 2; n -= 2, d += 2, s += 2)
            pair_store(d, s);
        if (n)
            tw_atomic_store_ptr(d, *s);
    } else {
        d += n;
        s += n;
        if ((uintptr_t)d & 15) {
            d--;
            s--;
            tw_atomic_store_ptr(d, *s);
            n--;
        }
        for (; n >= 2; n -= 2) {
            d -= 2;
            s -= 2;
            pair_store(d, s);
        }
        if (n)
            tw_atomic_store_ptr(d - 1, s[-1]);
    }
    return true;
}
#else
static bool move_slots_wide(TwObject **d, TwObject **s, TwSsize n)
{
    (void)d, (void)s, (void)n;
    return false;
}
#endif

static void move_items(TwListObject *l, TwObject **items, TwSsize dst, TwSsize src, TwSsize count)
{
    if (count <= 0 || dst == src)
        return;
    if (tw_object_is_private((TwObject *)l)) {
        memmove(&items[dst], &items[src], (size_t)count * sizeof *items);
        return;
    }
    if (move_slots_wide(&items[dst], &items[src], count))
        return;
    if (dst < src) {
        for (TwSsize k = 0; k < count; k++)
            tw_atomic_store_ptr(&items[dst + k], items[src + k]);
    } else {
        for (TwSsize k = count; --k >= 0;)
            tw_atomic_store_ptr(&items[dst + k], items[src + k]);
    }
}

/* Store an item entering list l (not one moving inside it): readers may
 * take it without the lock, so it is published first (unless l is private
 * to this thread, runtime.h). */
static inline void item_store(TwListObject *l, TwObject **slot, TwObject *v)
{
    tw_object_publish_into((TwObject *)l, v);
    tw_atomic_store_ptr(slot, v);
}

/* Reverse n slots in place, each pointer stored whole (readers may be
 * looking at the array without the lock). */
static void reverse_slots(TwObject **items, TwSsize n)
{
    for (TwSsize i = 0, j = n - 1; i < j; i++, j--) {
        TwObject *t = items[i];
        tw_atomic_store_ptr(&items[i], items[j]);
        tw_atomic_store_ptr(&items[j], t);
    }
}

static void clear_slots(TwObject **items, TwSsize from, TwSsize to)
{
    for (TwSsize k = from; k < to; k++)
        tw_atomic_store_ptr(&items[k], NULL);
}

/* ---------------- lock-free reads ---------------------------------- */

/* Item i of a list private to the caller (runtime.h: nobody else changes
 * it, so a plain read) as a new reference, or NULL when out of range. */
static inline TwObject *private_item_ref(TwListObject *l, TwSsize i)
{
    if ((size_t)i >= (size_t)l->size)
        return NULL;
    return tw_xnewref(l->array->items[i]);
}

/* Item i (0 <= i expected) as a new reference, or NULL (no exception) when
 * out of range.  See the protocol at the top of the file. */
static TwObject *list_item_ref(TwListObject *l, TwSsize i)
{
    if (tw_object_is_private((TwObject *)l))
        return private_item_ref(l, i);
    tw_bias_check_read((TwObject *)l);
    if ((size_t)i >= (size_t)tw_atomic_load_ssize(&l->size))
        return NULL;
    TwListArray *a = tw_atomic_load_ptr(&l->array);
    if (a != NULL && (size_t)i < (size_t)a->allocated) {
        TwObject *v = tw_try_incref_item(&a->items[i]);
        if (v != NULL)
            return v;
    }
    TwObject *v = NULL;
    TW_BEGIN_CRITICAL_SECTION(l);
    if (i < l->size && l->array != NULL)
        v = tw_xnewref(l->array->items[i]);
    TW_END_CRITICAL_SECTION();
    return v;
}

/* ---------------- the C API ---------------------------------------- */

TwObject *tw_list_new(TwSsize n)
{
    if (n < 0) {
        tw_err_bad_internal_call("tw_list_new");
        return NULL;
    }
    TwListObject *l = (TwListObject *)tw_gc_alloc(&TwList_Type, sizeof(TwListObject));
    if (l == NULL)
        return NULL;
    l->size = 0;
    l->array = NULL;
    if (n > 0) {
        TwListArray *a = array_new(n);
        if (a == NULL) {
            tw_gc_free((TwObject *)l, sizeof(TwListObject));
            return NULL;
        }
        memset(a->items, 0, (size_t)n * sizeof(TwObject *));
        l->array = a;
        l->size = n;
    }
    tw_gc_track((TwObject *)l);
    return (TwObject *)l;
}

void tw_list_set_init(TwObject *list, TwSsize i, TwObject *v)
{
    item_store(L(list), &L(list)->array->items[i], v);
}

TwObject *tw_list_from_array(TwObject *const *items, TwSsize n)
{
    TwObject *list = tw_list_new(n);
    if (list == NULL || n == 0)
        return list;
    TwObject **slots = L(list)->array->items;
    if (tw_object_is_private(list)) {
        /* nobody else looks in: nothing to publish */
        for (TwSsize i = 0; i < n; i++)
            slots[i] = items[i];
    } else {
        for (TwSsize i = 0; i < n; i++)
            item_store(L(list), &slots[i], items[i]);
    }
    return list;
}

int tw_list_append(TwObject *list, TwObject *v)
{
    TwListObject *l = L(list);
    int rc = 0;
    tw_incref(v);
    if (tw_object_is_private(list)) {
        /* Nobody else looks in (runtime.h): no lock, nothing to publish. */
        TwSsize n = l->size;
        if (n < list_capacity(l)) {
            tw_atomic_store_ptr(&l->array->items[n], v);
            tw_atomic_store_ssize(&l->size, n + 1);
            return 0;
        }
    }
    TW_BEGIN_CRITICAL_SECTION(l);
    TwSsize n = l->size;
    if (n < list_capacity(l)) {
        item_store(l, &l->array->items[n], v);
        tw_atomic_store_ssize(&l->size, n + 1);
    } else if (list_resize(l, n + 1) == 0) {
        item_store(l, &l->array->items[n], v);
    } else {
        rc = -1;
    }
    TW_END_CRITICAL_SECTION();
    if (rc < 0)
        tw_decref(v);
    return rc;
}

TwObject *tw_list_get(TwObject *list, TwSsize i)
{
    if (i < 0)
        i += TW_LIST_SIZE(list);
    TwObject *v = i < 0 ? NULL : list_item_ref(L(list), i);
    if (v == NULL)
        tw_err_set_string(TwExc_IndexError, "list index out of range");
    return v;
}

int tw_list_set(TwObject *list, TwSsize i, TwObject *v)
{
    TwListObject *l = L(list);
    TwObject *old = NULL;
    bool ok = false;
    tw_incref(v);
    if (tw_list_store_private(list, i < 0 ? i + l->size : i, v, &old)) {
        /* the old item's destructor runs after the store, as below */
        TW_XDECREF(old);
        return 0;
    }
    TW_BEGIN_CRITICAL_SECTION(l);
    TwSsize n = l->size;
    if (i < 0)
        i += n;
    if (i >= 0 && i < n) {
        old = l->array->items[i];
        item_store(l, &l->array->items[i], v);
        ok = true;
    }
    TW_END_CRITICAL_SECTION();
    if (!ok) {
        tw_decref(v);
        tw_err_set_string(TwExc_IndexError, "list assignment index out of range");
        return -1;
    }
    TW_XDECREF(old);
    return 0;
}

/* New list holding items [lo, lo+len*step) of l; inside l's critical section. */
static TwObject *list_slice_locked(TwListObject *l, TwSsize lo, TwSsize step, TwSsize len)
{
    TwObject *r = tw_list_new(len);
    if (r == NULL)
        return NULL;
    for (TwSsize k = 0, j = lo; k < len; k++, j += step)
        item_store(L(r), &L(r)->array->items[k], tw_newref(l->array->items[j]));
    return r;
}

TwObject *tw_list_copy(TwObject *list)
{
    TwObject *r;
    TW_BEGIN_CRITICAL_SECTION(list);
    r = list_slice_locked(L(list), 0, 1, L(list)->size);
    TW_END_CRITICAL_SECTION();
    return r;
}

TwObject *tw_list_as_tuple(TwObject *list)
{
    TwListObject *l = L(list);
    TwObject *t = NULL;
    TW_BEGIN_CRITICAL_SECTION(l);
    TwSsize n = l->size;
    t = tw_tuple_new(n);
    if (t != NULL)
        for (TwSsize i = 0; i < n; i++)
            TW_TUPLE_SET(t, i, tw_newref(l->array->items[i]));
    TW_END_CRITICAL_SECTION();
    return t;
}

/* Append n items (new references are taken) at the end, in one critical
 * section. */
static int list_append_array(TwListObject *l, TwObject *const *items, TwSsize n)
{
    int rc = 0;
    TwSsize m = l->size;
    if (n == 0)
        return 0;
    if (list_resize(l, m + n) < 0) {
        rc = -1;
    } else {
        for (TwSsize k = 0; k < n; k++)
            item_store(l, &l->array->items[m + k], tw_newref(items[k]));
    }
    return rc;
}

/* Make room for `extra` more items without changing the size (extending
 * by an iterable that tells its length).  Call inside the critical
 * section.  A hint too large to add to the size is ignored, as CPython
 * ignores it; one too large for the machine raises MemoryError before a
 * single item is taken (list(range(10**12))), where appending would
 * fill the memory first. */
static int list_reserve(TwListObject *l, TwSsize extra)
{
    TwSsize n = l->size;
    if (extra <= 0 || extra > INTPTR_MAX - n || list_capacity(l) >= n + extra)
        return 0;
    /* A large array comes zeroed from the allocator, as fresh pages that
     * cost nothing until used: a hint that overstates by far costs
     * address space, not memory, until the trim after the items.  A
     * smaller one is cleared here: asked for zeroed memory, the allocator
     * prefers pages it gave back to the system, and the list pays a page
     * fault per 4 KiB (list(range(10000)): 20 faults). */
    TwSsize cap = n + extra;
    bool large = (size_t)cap >= ((size_t)1 << 20) / sizeof(TwObject *);
    TwListArray *old = l->array, *fresh = array_alloc(cap, large);
    if (fresh == NULL)
        return -1;
    for (TwSsize i = 0; i < n; i++)
        fresh->items[i] = old->items[i];
    if (!large)
        memset(fresh->items + n, 0, (size_t)extra * sizeof(TwObject *));
    tw_atomic_store_ptr(&l->array, fresh);
    array_release(l, old);
    return 0;
}

/* l.extend(iterable) for an iterable other than a list or tuple: room for
 * as many items as it says it has (operator.length_hint), then append
 * one by one; what a hint overstated is given back after. */
static int list_extend_iter(TwListObject *l, TwObject *iterable)
{
    TwObject *it = tw_object_iter(iterable), *item;
    if (it == NULL)
        return -1;
    int rc = 0;
    TwSsize hint = tw_object_length_hint(iterable, 0);
    if (hint > 0) {
        TW_BEGIN_CRITICAL_SECTION(l);
        rc = list_reserve(l, hint);
        TW_END_CRITICAL_SECTION();
    }
    if (hint < 0 || rc < 0) {
        TW_DECREF(it);
        return -1;
    }
    while ((item = tw_iter_next(it)) != NULL) {
        rc = tw_list_append((TwObject *)l, item);
        TW_DECREF(item);
        if (rc < 0)
            break;
    }
    TW_DECREF(it);
    if (rc == 0 && tw_err_occurred())
        rc = -1;
    if (hint > 0) {
        /* shrinks only an array less than half used; never fails */
        TW_BEGIN_CRITICAL_SECTION(l);
        list_resize(l, l->size);
        TW_END_CRITICAL_SECTION();
    }
    return rc;
}

/* types.h.  list(d), sorted(s), tuple(d.items()), [*d], l.extend(d) and
 * the consumers of tw_iterate (set(d), s.update(d), dict.fromkeys(s)...)
 * take one state of such a container whole, as in CPython's free-threaded
 * build: a thread copying a dict that others change never gets "changed
 * size during iteration" (the usual reason to write list(d)). */
int tw_container_snapshot(TwObject *iterable, TwObject **out)
{
    TwTypeObject *tp = TW_TYPE(iterable);
    if (tp == &TwSet_Type || tp == &TwFrozenSet_Type) {
        *out = tw_set_to_list(iterable);
        return *out != NULL ? 1 : -1;
    }
    return tw_dict_view_snapshot(iterable, out);
}

int tw_list_extend(TwObject *list, TwObject *iterable)
{
    TwListObject *l = L(list);
    int rc = 0;
    if (TW_LIST_CHECK(iterable) && TW_TYPE(iterable)->tp_iter == TwList_Type.tp_iter) {
        if (iterable == list) {
            TW_BEGIN_CRITICAL_SECTION(l);
            TwSsize n = l->size;
            if (n > 0 && list_resize(l, 2 * n) == 0) {
                for (TwSsize k = 0; k < n; k++)
                    item_store(l, &l->array->items[n + k], tw_newref(l->array->items[k]));
            } else if (n > 0) {
                rc = -1;
            }
            TW_END_CRITICAL_SECTION();
        } else {
            TW_BEGIN_CRITICAL_SECTION2(l, iterable);
            TwListObject *o = L(iterable);
            rc = list_append_array(l, o->array ? o->array->items : NULL, o->size);
            TW_END_CRITICAL_SECTION();
        }
        return rc;
    }
    if (TW_TYPE(iterable) == &TwTuple_Type) {
        TW_BEGIN_CRITICAL_SECTION(l);
        rc = list_append_array(l, TW_TUPLE_ITEMS(iterable), TW_TUPLE_SIZE(iterable));
        TW_END_CRITICAL_SECTION();
        return rc;
    }
    TwObject *snap;
    rc = tw_container_snapshot(iterable, &snap);
    if (rc > 0) {
        TW_BEGIN_CRITICAL_SECTION(l);
        rc = list_append_array(l, L(snap)->array ? L(snap)->array->items : NULL, L(snap)->size);
        TW_END_CRITICAL_SECTION();
        TW_DECREF(snap);
        return rc;
    }
    if (rc < 0)
        return -1;
    return list_extend_iter(l, iterable);
}

TwObject *tw_list_from_iterable(TwObject *iterable)
{
    TwObject *snap;
    int rc = tw_container_snapshot(iterable, &snap);
    if (rc != 0)
        return rc > 0 ? snap : NULL;
    TwObject *l = tw_list_new(0);
    if (l != NULL && tw_list_extend(l, iterable) < 0)
        TW_CLEAR(l);
    return l;
}

/* Drop every item: detach the array under the lock, decref after. */
static void list_clear_impl(TwListObject *l)
{
    TwListArray *a;
    TwSsize n;
    TW_BEGIN_CRITICAL_SECTION(l);
    a = l->array;
    n = l->size;
    /* Clearing a list that is being sorted (it looks empty) changes
     * nothing, as in CPython: the marker stays, so the sort does not
     * report a modification. */
    if (a != &sort_marker) {
        tw_atomic_store_ssize(&l->size, 0);
        tw_atomic_store_ptr(&l->array, NULL);
    }
    TW_END_CRITICAL_SECTION();
    if (a == NULL || a == &sort_marker)
        return;
    for (TwSsize i = n; i-- > 0;)
        TW_XDECREF(a->items[i]);     /* last first, as list_dealloc */
    array_release(l, a);
}

/* ---------------- sort ---------------------------------------------- */

/* Stable merge sort of (key, value) pairs using only `<`, as Python's
 * sort promises.  The input is cut into natural runs, as Python's own
 * sort does: a non-descending run is kept, a strictly descending one is
 * reversed (it has no equal keys, so stability holds); a run shorter than
 * SORT_RUN is extended to SORT_RUN items by binary insertion.  Adjacent
 * runs are then merged pairwise, level by level; a merge whose halves are
 * already in order is skipped.  So sorted or reversed input costs n - 1
 * comparisons and no merge, and input made of k runs log2(k) merge levels.
 * When a comparison raises, `failed` is set and every later comparison
 * answers "not less" without running any code, so the sort finishes as a
 * permutation of its input (no item lost or duplicated) and the error is
 * reported after. */
typedef struct {
    TwObject *key;
    TwObject *value;
} SortItem;

typedef struct {
    bool failed;
} SortState;

static int sort_lt(SortState *st, TwObject *a, TwObject *b)
{
    if (st->failed)
        return 0;
    TwTypeObject *ta = TW_TYPE(a), *tb = TW_TYPE(b);
    if (ta == tb) {
        if (ta == &TwInt_Type)
            return TW_INT_VALUE(a) < TW_INT_VALUE(b);
        if (ta == &TwFloat_Type)
            return TW_FLOAT_VALUE(a) < TW_FLOAT_VALUE(b);
        if (ta == &TwStr_Type) {
            /* UTF-8 byte order is code point order. */
            TwSsize na = TW_STR_SIZE(a), nb = TW_STR_SIZE(b);
            int c = memcmp(TW_STR_DATA(a), TW_STR_DATA(b), (size_t)(na < nb ? na : nb));
            return c < 0 || (c == 0 && na < nb);
        }
    }
    int r = tw_object_richcompare_bool(a, b, TW_LT);
    if (r < 0) {
        st->failed = true;
        return 0;
    }
    return r;
}

#define SORT_RUN 32

static void sort_merge(SortState *st, SortItem *a, SortItem *tmp, TwSsize lo, TwSsize mid, TwSsize hi)
{
    TwSsize nl = mid - lo;
    memcpy(tmp, a + lo, (size_t)nl * sizeof(SortItem));
    TwSsize i = 0, j = mid, k = lo;
    while (i < nl && j < hi) {
        if (sort_lt(st, a[j].key, tmp[i].key))
            a[k++] = a[j++];
        else
            a[k++] = tmp[i++];
    }
    while (i < nl)
        a[k++] = tmp[i++];
}

static void sort_reverse(SortItem *a, TwSsize n);

/* The end of the run that starts at lo (< n): a strictly descending run
 * is reversed in place; a short run is extended to SORT_RUN items (or
 * to n) by binary insertion. */
static TwSsize sort_next_run(SortState *st, SortItem *a, TwSsize lo, TwSsize n)
{
    TwSsize hi = lo + 1;
    if (hi < n) {
        if (sort_lt(st, a[hi].key, a[lo].key)) {
            while (hi + 1 < n && sort_lt(st, a[hi + 1].key, a[hi].key))
                hi++;
            hi++;
            sort_reverse(a + lo, hi - lo);
        } else {
            while (hi + 1 < n && !sort_lt(st, a[hi + 1].key, a[hi].key))
                hi++;
            hi++;
        }
    }
    if (hi - lo < SORT_RUN && hi < n) {
        TwSsize end = lo + SORT_RUN < n ? lo + SORT_RUN : n;
        /* a[lo, hi) is sorted: insert the rest one by one */
        for (TwSsize i = hi; i < end; i++) {
            SortItem pivot = a[i];
            TwSsize l = lo, r = i;
            while (l < r) {     /* first position whose key is > pivot */
                TwSsize m = l + (r - l) / 2;
                if (sort_lt(st, pivot.key, a[m].key))
                    r = m;
                else
                    l = m + 1;
            }
            for (TwSsize j = i; j > l; j--)
                a[j] = a[j - 1];
            a[l] = pivot;
        }
        hi = end;
    }
    return hi;
}

static int sort_items(SortState *st, SortItem *a, TwSsize n)
{
    if (n < 2)
        return 0;
    /* run boundaries: runs[i] is where run i starts; runs[count] == n.
     * Every run but the last holds SORT_RUN items or more, so there are
     * at most n / SORT_RUN + 1 of them. */
    size_t cap = (size_t)n / SORT_RUN + 2, count = 0;
    TwSsize *runs = tw_mem_alloc(cap * sizeof *runs);
    if (runs == NULL) {
        tw_err_no_memory();
        return -1;
    }
    for (TwSsize lo = 0; lo < n; lo = sort_next_run(st, a, lo, n))
        runs[count++] = lo;
    runs[count] = n;
    SortItem *tmp = NULL;
    if (count > 1 && (tmp = tw_mem_alloc((size_t)n * sizeof(SortItem))) == NULL) {
        tw_mem_free(runs, cap * sizeof *runs);
        tw_err_no_memory();
        return -1;
    }
    while (count > 1) {
        size_t kept = 0;
        for (size_t i = 0; i < count; i += 2) {
            if (i + 1 < count) {
                TwSsize lo = runs[i], mid = runs[i + 1], hi = runs[i + 2];
                if (sort_lt(st, a[mid].key, a[mid - 1].key))
                    sort_merge(st, a, tmp, lo, mid, hi);
            }
            runs[kept++] = runs[i];
        }
        runs[kept] = n;
        count = kept;
    }
    if (tmp != NULL)
        tw_mem_free(tmp, (size_t)n * sizeof(SortItem));
    tw_mem_free(runs, cap * sizeof *runs);
    return 0;
}

static void sort_reverse(SortItem *a, TwSsize n)
{
    for (TwSsize i = 0, j = n - 1; i < j; i++, j--) {
        SortItem t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

/* Items already in order, or in strictly the opposite order (then they
 * only need reversing, and having no equal neighbours stay stable), are
 * finished where they are, without the pair array sort_items needs; the
 * n - 1 comparisons are the ones that find the first run.  Only for items
 * all of one type whose comparison runs no code (exact int, float, str).
 * True when done. */
static bool sort_in_order(TwObject **a, TwSsize n, bool reverse)
{
    TwTypeObject *tp = TW_TYPE(a[0]);
    if (tp != &TwInt_Type && tp != &TwFloat_Type && tp != &TwStr_Type)
        return false;
    SortState st = {false};
    bool flip = false;    /* every neighbour out of order */
    for (TwSsize i = 1; i < n; i++) {
        if (TW_TYPE(a[i]) != tp)
            return false;
        bool out = reverse ? sort_lt(&st, a[i - 1], a[i]) : sort_lt(&st, a[i], a[i - 1]);
        if (i == 1)
            flip = out;
        else if (out != flip)
            return false;
    }
    if (flip)
        reverse_slots(a, n);
    return true;
}

/* No key, and items all of one type whose comparison runs no code
 * (sort_lt compares exact ints, floats and strs itself). */
static bool sort_is_native(TwObject **a, TwSsize n)
{
    TwTypeObject *tp = TW_TYPE(a[0]);
    if (tp != &TwInt_Type && tp != &TwFloat_Type && tp != &TwStr_Type)
        return false;
    for (TwSsize i = 1; i < n; i++)
        if (TW_TYPE(a[i]) != tp)
            return false;
    return true;
}

/* Sort the n items of array saved: taken out of its list (a key, or
 * comparisons that may run code), or still in it, inside the list's
 * critical section, where nothing here can run code or wait (no key,
 * sort_is_native).  Lock-free readers that loaded the array see each
 * slot hold one of the items at every moment.  0 or -1. */
static int sort_array(TwListArray *saved, TwSsize n, TwObject *key, bool reverse)
{
    int rc = 0;
    SortItem *items = NULL;
    TwSsize nkeys = 0;
    bool done = key == NULL && n > 1 && sort_in_order(saved->items, n, reverse);
    if (n > 0 && !done) {
        items = tw_mem_alloc((size_t)n * sizeof(SortItem));
        if (items == NULL) {
            tw_err_no_memory();
            rc = -1;
        }
    }
    if (items != NULL) {
        for (TwSsize i = 0; i < n; i++) {
            items[i].value = saved->items[i];
            items[i].key = saved->items[i];
        }
        if (key != NULL) {
            for (; nkeys < n; nkeys++) {
                TwObject *k = tw_call1(key, items[nkeys].value);
                if (k == NULL) {
                    rc = -1;
                    break;
                }
                items[nkeys].key = k;
            }
        }
        if (rc == 0) {
            SortState st = {false};
            if (reverse)
                sort_reverse(items, n);
            rc = sort_items(&st, items, n);
            if (reverse)
                sort_reverse(items, n);
            if (st.failed)
                rc = -1;
            /* lock-free readers may be reading the slots: every one
             * holds one of the same live items at all times */
            for (TwSsize i = 0; i < n; i++)
                tw_atomic_store_ptr(&saved->items[i], items[i].value);
        }
        if (key != NULL)
            for (TwSsize i = 0; i < nkeys; i++)
                tw_decref(items[i].key);
        tw_mem_free(items, (size_t)n * sizeof(SortItem));
    }
    return rc;
}

int tw_list_sort(TwObject *list, TwObject *key, bool reverse)
{
    TwListObject *l = L(list);
    TwListArray *saved;
    TwSsize n;
    int rc = 0;
    if (key == Tw_None)
        key = NULL;

    /* Ints, floats or strs with no key: sorted in place under the lock,
     * as one operation (other threads' changes wait for it, readers see
     * the items throughout).  Anything else is detached while it is
     * sorted (below). */
    bool native = false, modified = false;
    TwListArray *extra = NULL;
    TwSsize nextra = 0;
    TW_BEGIN_CRITICAL_SECTION(l);
    saved = l->array;
    n = l->size;
    if (key == NULL && (n < 2 || sort_is_native(saved->items, n))) {
        native = true;
        if (n >= 2)
            rc = sort_array(saved, n, NULL, reverse);
    } else {
        tw_atomic_store_ssize(&l->size, 0);
        tw_atomic_store_ptr(&l->array, &sort_marker);
        /* keys and comparisons may run any code, so the items are taken
         * out while they are sorted (the list looks empty meanwhile, and
         * a change by that code is seen: the marker is gone), but the
         * section stays open: other threads' changes wait for the sort,
         * as in CPython's free-threaded build, unless the sorting thread
         * blocks in that code (its sections are suspended then) */
        rc = sort_array(saved, n, key, reverse);
        /* put the items back; whatever was put in the list meanwhile goes */
        extra = l->array;
        nextra = l->size;
        modified = extra != &sort_marker;
        tw_atomic_store_ptr(&l->array, saved);
        tw_atomic_store_ssize(&l->size, n);
    }
    TW_END_CRITICAL_SECTION();
    if (native)
        return rc;
    if (modified) {
        if (extra != NULL) {
            for (TwSsize i = 0; i < nextra; i++)
                TW_XDECREF(extra->items[i]);
            array_release(l, extra);
        }
        if (rc == 0) {
            tw_err_set_string(TwExc_ValueError, "list modified during sort");
            rc = -1;
        }
    }
    return rc;
}

/* ---------------- slices -------------------------------------------- */

/* An array of new references to the items of v, for assigning into a
 * list: copied first so that `a[:] = a` and iterators over a work. */
typedef struct {
    TwObject **items;
    TwSsize n;
    TwObject *owner;          /* list or tuple holding the references */
} SeqSnapshot;

static int snapshot_from(TwObject *v, SeqSnapshot *s, const char *errmsg)
{
    TwObject *seq;
    if (TW_TYPE(v) == &TwTuple_Type) {
        seq = tw_newref(v);
    } else if (TW_LIST_CHECK(v)) {
        seq = tw_list_copy(v);
    } else {
        TwObject *it = tw_object_iter(v);
        if (it == NULL) {
            if (tw_err_matches(TwExc_TypeError)) {
                tw_err_clear();
                tw_err_set_string(TwExc_TypeError, errmsg);
            }
            return -1;
        }
        seq = tw_list_from_iterable(it);
        TW_DECREF(it);
    }
    if (seq == NULL)
        return -1;
    s->owner = seq;
    if (TW_TYPE(seq) == &TwTuple_Type) {
        s->items = TW_TUPLE_ITEMS(seq);
        s->n = TW_TUPLE_SIZE(seq);
    } else {
        s->items = L(seq)->array ? L(seq)->array->items : NULL;
        s->n = L(seq)->size;
    }
    return 0;
}

/* Buffer for items removed under the lock, decref'd after it. */
typedef struct {
    TwObject **items;
    TwSsize n;
    TwObject *small[8];
} Recycle;

static int recycle_init(Recycle *r, TwSsize n)
{
    r->n = 0;
    r->items = r->small;
    if (n > 8) {
        r->items = tw_mem_alloc((size_t)n * sizeof(TwObject *));
        if (r->items == NULL) {
            r->items = r->small;
            tw_err_no_memory();
            return -1;
        }
    }
    return 0;
}

static void recycle_finish(Recycle *r, TwSsize cap)
{
    for (TwSsize k = 0; k < r->n; k++)
        TW_XDECREF(r->items[k]);
    if (r->items != r->small)
        tw_mem_free(r->items, (size_t)cap * sizeof(TwObject *));
}

/* l[lo:hi] = items (n of them, new references given to the list); items
 * NULL and n 0 deletes.  Inside the critical section.  Removed items go
 * to rec (sized hi - lo by the caller). */
static int list_ass_slice_locked(TwListObject *l, TwSsize lo, TwSsize hi, TwObject **items, TwSsize n, Recycle *rec)
{
    TwSsize size = l->size;
    if (lo < 0)
        lo = 0;
    else if (lo > size)
        lo = size;
    if (hi < lo)
        hi = lo;
    else if (hi > size)
        hi = size;
    TwSsize norig = hi - lo, d = n - norig;
    if (size == 0 && n == 0)
        return 0;    /* nothing to change (a list being sorted stays so) */
    if (size + d == 0) {
        for (TwSsize k = lo; k < hi; k++)
            rec->items[rec->n++] = l->array->items[k];
        TwListArray *a = l->array;
        tw_atomic_store_ssize(&l->size, 0);
        tw_atomic_store_ptr(&l->array, NULL);
        array_release(l, a);
        return 0;
    }
    if (d > 0 && list_resize(l, size + d) < 0)
        return -1;
    TwObject **it = l->array->items;
    for (TwSsize k = lo; k < hi; k++)
        rec->items[rec->n++] = it[k];
    if (d < 0) {
        move_items(l, it, hi + d, hi, size - hi);
        clear_slots(it, size + d, size);
        list_resize(l, size + d);  /* shrinking never fails: it may keep the array */
        it = l->array->items;
    } else if (d > 0) {
        move_items(l, it, hi + d, hi, size - hi);
    }
    for (TwSsize k = 0; k < n; k++)
        item_store(l, &it[lo + k], items[k]);
    return 0;
}

static int list_ass_slice(TwListObject *l, TwSsize lo, TwSsize hi, TwObject *v)
{
    SeqSnapshot s = {NULL, 0, NULL};
    if (v != NULL && snapshot_from(v, &s, "can only assign an iterable") < 0)
        return -1;
    for (TwSsize k = 0; k < s.n; k++)
        tw_incref(s.items[k]);
    Recycle rec;
    TwSsize cap = 0;
    int rc = 0;
    TW_BEGIN_CRITICAL_SECTION(l);
    TwSsize size = l->size;
    TwSsize clo = lo < 0 ? 0 : lo > size ? size : lo;
    TwSsize chi = hi < clo ? clo : hi > size ? size : hi;
    cap = chi - clo;
    rc = recycle_init(&rec, cap);
    if (rc == 0)
        rc = list_ass_slice_locked(l, clo, chi, s.items, s.n, &rec);
    TW_END_CRITICAL_SECTION();
    if (rc < 0)
        for (TwSsize k = 0; k < s.n; k++)
            tw_decref(s.items[k]);
    recycle_finish(&rec, cap);
    TW_XDECREF(s.owner);
    return rc;
}

/* a[slice] = v or del a[slice] (v NULL), any step. */
static int list_ass_subscript_slice(TwListObject *l, TwObject *slice, TwObject *v)
{
    TwSsize lo, hi, step;
    if (tw_slice_unpack(slice, &lo, &hi, &step) < 0)
        return -1;
    if (step == 1) {
        /* Python clamps only after resolving negatives against the size. */
        TwSsize size = tw_atomic_load_ssize(&l->size);
        tw_slice_adjust(size, &lo, &hi, step);
        return list_ass_slice(l, lo, hi, v);
    }
    SeqSnapshot s = {NULL, 0, NULL};
    if (v != NULL) {
        if (snapshot_from(v, &s, "must assign iterable to extended slice") < 0)
            return -1;
        for (TwSsize k = 0; k < s.n; k++)
            tw_incref(s.items[k]);
    }
    Recycle rec;
    rec.items = rec.small;
    rec.n = 0;
    TwSsize cap = 0, len = 0;
    int rc = 0;
    bool size_mismatch = false;
    TW_BEGIN_CRITICAL_SECTION(l);
    TwSsize size = l->size;
    len = tw_slice_adjust(size, &lo, &hi, step);
    cap = len;
    if (v != NULL && s.n != len) {
        size_mismatch = true;
    } else if (len > 0 && recycle_init(&rec, len) < 0) {
        rc = -1;
    } else if (len > 0) {
        TwObject **it = l->array->items;
        if (v != NULL) {
            for (TwSsize k = 0, j = lo; k < len; k++, j += step) {
                rec.items[rec.n++] = it[j];
                item_store(l, &it[j], s.items[k]);
            }
        } else {
            if (step < 0) {     /* same items, ascending */
                lo = lo + step * (len - 1);
                step = -step;
            }
            TwSsize last = lo + step * (len - 1), dst = lo;
            for (TwSsize src = lo; src < size; src++) {
                if (src <= last && (src - lo) % step == 0)
                    rec.items[rec.n++] = it[src];
                else
                    tw_atomic_store_ptr(&it[dst++], it[src]);
            }
            clear_slots(it, size - len, size);
            list_resize(l, size - len);
        }
    }
    TW_END_CRITICAL_SECTION();
    if (size_mismatch) {
        tw_err_format(TwExc_ValueError, "attempt to assign sequence of size %zd to extended slice of size %zd",
                      s.n, len);
        rc = -1;
    }
    if (rc < 0 && v != NULL)
        for (TwSsize k = 0; k < s.n; k++)
            tw_decref(s.items[k]);
    recycle_finish(&rec, cap);
    TW_XDECREF(s.owner);
    return rc;
}

/* ---------------- type slots ---------------------------------------- */

static void list_dealloc(TwObject *op)
{
    if (tw_gc_is_tracked(op))
        tw_gc_untrack(op);
    /* Instances of subclasses come here from the generic dealloc, which
     * already runs them through the trashcan. */
    bool guard = TW_TYPE(op) == &TwList_Type;
    if (guard && !tw_trashcan_begin(op))
        return;
    TwListObject *l = L(op);
    TwListArray *a = l->array;
    if (a != NULL && a != &sort_marker) {
        /* last item first, as CPython drops them: finalizers (__del__)
         * run in its order */
        for (TwSsize i = l->size; i-- > 0;)
            TW_XDECREF(a->items[i]);
        /* Nobody holds a reference to the list: no reader can be inside. */
        array_free(a);
    }
    tw_gc_free(op, TW_TYPE(op)->tp_basicsize);
    if (guard)
        tw_trashcan_end();
}

static int list_traverse(TwObject *op, TwVisitFn visit, void *arg)
{
    TwListObject *l = L(op);
    TwListArray *a = l->array;
    if (a == NULL)
        return 0;
    for (TwSsize i = l->size; --i >= 0;) {
        TwObject *v = a->items[i];
        if (v != NULL) {
            int r = visit(v, arg);
            if (r)
                return r;
        }
    }
    return 0;
}

static int list_tp_clear(TwObject *op)
{
    list_clear_impl(L(op));
    return 0;
}

static TwSsize list_len(TwObject *op) { return TW_LIST_SIZE(op); }

static TwObject *list_repr(TwObject *op)
{
    TwListObject *l = L(op);
    if (TW_LIST_SIZE(l) == 0)
        return tw_str_from_cstr("[]");
    int rc = tw_repr_enter(op);
    if (rc < 0)
        return NULL;
    if (rc > 0)
        return tw_str_from_cstr("[...]");
    TwStrBuilder sb;
    tw_sb_init(&sb);
    if (tw_sb_append(&sb, "[", 1) < 0)
        goto fail;
    for (TwSsize i = 0;; i++) {
        TwObject *v = list_item_ref(l, i);
        if (v == NULL)
            break;
        int r = (i > 0 ? tw_sb_append(&sb, ", ", 2) : 0);
        if (r == 0)
            r = tw_sb_append_obj_repr(&sb, v);
        tw_decref(v);
        if (r < 0)
            goto fail;
    }
    if (tw_sb_append(&sb, "]", 1) < 0)
        goto fail;
    tw_repr_leave(op);
    return tw_sb_finish(&sb);
fail:
    tw_repr_leave(op);
    tw_sb_discard(&sb);
    return NULL;
}

static TwObject *list_richcompare(TwObject *a, TwObject *b, int op)
{
    if (!TW_LIST_CHECK(a) || !TW_LIST_CHECK(b))
        return tw_newref(Tw_NotImplemented);
    TwListObject *x = L(a), *y = L(b);
    TwSsize nx = TW_LIST_SIZE(x), ny = TW_LIST_SIZE(y);
    if (nx != ny && (op == TW_EQ || op == TW_NE))
        return tw_bool_from(op == TW_NE);
    for (TwSsize i = 0;; i++) {
        TwObject *va = list_item_ref(x, i);
        if (va == NULL)
            break;
        TwObject *vb = list_item_ref(y, i);
        if (vb == NULL) {
            tw_decref(va);
            break;
        }
        int k = tw_object_richcompare_bool(va, vb, TW_EQ);
        if (k == 0) {
            TwObject *r;
            if (op == TW_EQ)
                r = tw_bool_from(false);
            else if (op == TW_NE)
                r = tw_bool_from(true);
            else
                r = tw_object_richcompare(va, vb, op);
            tw_decref(va);
            tw_decref(vb);
            return r;
        }
        tw_decref(va);
        tw_decref(vb);
        if (k < 0)
            return NULL;
    }
    nx = TW_LIST_SIZE(x);
    ny = TW_LIST_SIZE(y);
    bool r;
    switch (op) {
    case TW_LT: r = nx < ny; break;
    case TW_LE: r = nx <= ny; break;
    case TW_EQ: r = nx == ny; break;
    case TW_NE: r = nx != ny; break;
    case TW_GT: r = nx > ny; break;
    default: r = nx >= ny; break;
    }
    return tw_bool_from(r);
}

static TwObject *list_getitem(TwObject *op, TwObject *key)
{
    TwListObject *l = L(op);
    if (TW_TYPE(key) == &TwSlice_Type) {
        TwSsize lo, hi, st;
        if (tw_slice_unpack(key, &lo, &hi, &st) < 0)
            return NULL;
        TwObject *r;
        TW_BEGIN_CRITICAL_SECTION(l);
        TwSsize len = tw_slice_adjust(l->size, &lo, &hi, st);
        r = list_slice_locked(l, lo, st, len);
        TW_END_CRITICAL_SECTION();
        return r;
    }
    TwSsize i;
    if (tw_seq_index_from_object(key, "list", &i) < 0)
        return NULL;
    if (i < 0)
        i += TW_LIST_SIZE(l);
    TwObject *v = i < 0 ? NULL : list_item_ref(l, i);
    if (v == NULL)
        tw_err_set_string(TwExc_IndexError, "list index out of range");
    return v;
}

static int list_del_item(TwListObject *l, TwSsize i)
{
    TwObject *old = NULL;
    TW_BEGIN_CRITICAL_SECTION(l);
    TwSsize n = l->size;
    if (i < 0)
        i += n;
    if (i >= 0 && i < n) {
        TwObject **it = l->array->items;
        old = it[i];
        move_items(l, it, i, i + 1, n - i - 1);
        tw_atomic_store_ptr(&it[n - 1], NULL);
        list_resize(l, n - 1);
    }
    TW_END_CRITICAL_SECTION();
    if (old == NULL) {
        tw_err_set_string(TwExc_IndexError, "list assignment index out of range");
        return -1;
    }
    tw_decref(old);
    return 0;
}

static int list_setitem(TwObject *op, TwObject *key, TwObject *v)
{
    if (TW_TYPE(key) == &TwSlice_Type)
        return list_ass_subscript_slice(L(op), key, v);
    TwSsize i;
    if (tw_seq_index_from_object(key, "list", &i) < 0)
        return -1;
    if (v == NULL)
        return list_del_item(L(op), i);
    return tw_list_set(op, i, v);
}

static int list_contains(TwObject *op, TwObject *v)
{
    for (TwSsize i = 0;; i++) {
        TwObject *item = list_item_ref(L(op), i);
        if (item == NULL)
            return 0;
        int k = tw_object_richcompare_bool(item, v, TW_EQ);
        tw_decref(item);
        if (k != 0)
            return k;
    }
}

static TwObject *list_concat(TwObject *a, TwObject *b)
{
    if (!TW_LIST_CHECK(a))
        return tw_newref(Tw_NotImplemented);
    if (!TW_LIST_CHECK(b))
        return tw_err_format(TwExc_TypeError, "can only concatenate list (not \"%s\") to list",
                             tw_type_name(TW_TYPE(b)));
    TwObject *r = tw_list_copy(a);
    if (r != NULL && tw_list_extend(r, b) < 0)
        TW_CLEAR(r);
    return r;
}

static int repeat_count(TwObject *count, TwSsize *n)
{
    if (!TW_INT_CHECK(count) && TW_TYPE(count)->nb_index == NULL) {
        tw_err_format(TwExc_TypeError, "can't multiply sequence by non-int of type '%s'",
                      tw_type_name(TW_TYPE(count)));
        return -1;
    }
    if (tw_number_as_ssize(count, n) < 0)
        return -1;
    if (*n < 0)
        *n = 0;
    return 0;
}

static TwObject *list_repeat(TwObject *a, TwObject *b)
{
    TwObject *seq = a, *count = b;
    if (!TW_LIST_CHECK(seq)) {
        seq = b;
        count = a;
    }
    if (!TW_INT_CHECK(count) && TW_TYPE(count)->nb_index == NULL && count == b &&
        (TW_TYPE(count)->tp_flags & TW_TPFLAGS_HEAPTYPE))
        return tw_newref(Tw_NotImplemented);
    TwSsize n;
    if (repeat_count(count, &n) < 0)
        return NULL;
    TwListObject *l = L(seq);
    TwObject *r = NULL;
    bool too_big = false;
    TW_BEGIN_CRITICAL_SECTION(l);
    TwSsize len = l->size;
    if (len > 0 && n > INTPTR_MAX / 16 / len) {
        too_big = true;
    } else {
        r = tw_list_new(len * n);
        if (r != NULL) {
            TwObject **dst = L(r)->array ? L(r)->array->items : NULL;
            for (TwSsize k = 0; k < n; k++)
                for (TwSsize i = 0; i < len; i++)
                    *dst++ = tw_newref(l->array->items[i]);
        }
    }
    TW_END_CRITICAL_SECTION();
    if (too_big)
        return tw_err_no_memory();
    return r;
}

static TwObject *list_inplace_concat(TwObject *a, TwObject *b)
{
    if (!TW_LIST_CHECK(a))
        return tw_newref(Tw_NotImplemented);
    if (tw_list_extend(a, b) < 0)
        return NULL;
    return tw_newref(a);
}

static TwObject *list_inplace_repeat(TwObject *a, TwObject *b)
{
    if (!TW_LIST_CHECK(a))
        return tw_newref(Tw_NotImplemented);
    TwSsize n;
    if (repeat_count(b, &n) < 0)
        return NULL;
    if (n == 0) {
        list_clear_impl(L(a));
        return tw_newref(a);
    }
    TwListObject *l = L(a);
    int rc = 0;
    TW_BEGIN_CRITICAL_SECTION(l);
    TwSsize len = l->size;
    if (len > 0 && n > INTPTR_MAX / 16 / len) {
        rc = -1;
    } else if (n > 1 && len > 0) {
        if (list_resize(l, len * n) < 0) {
            rc = -2;
        } else {
            TwObject **it = l->array->items;
            for (TwSsize k = 1; k < n; k++)
                for (TwSsize i = 0; i < len; i++)
                    item_store(l, &it[k * len + i], tw_newref(it[i]));
        }
    }
    TW_END_CRITICAL_SECTION();
    if (rc == -1)
        tw_err_no_memory();
    if (rc < 0)
        return NULL;
    return tw_newref(a);
}

/* ---------------- methods ------------------------------------------- */

static TwObject *list_m_append(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("append", kwnames) < 0 || tw_arg_check_count("append", nargs, 1, 1) < 0)
        return NULL;
    if (tw_list_append(self, args[0]) < 0)
        return NULL;
    TW_RETURN_NONE;
}

static TwObject *list_m_extend(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("extend", kwnames) < 0 || tw_arg_check_count("extend", nargs, 1, 1) < 0)
        return NULL;
    if (tw_list_extend(self, args[0]) < 0)
        return NULL;
    TW_RETURN_NONE;
}

static TwObject *list_m_insert(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("insert", kwnames) < 0)
        return NULL;
    if (nargs != 2)
        return tw_err_format(TwExc_TypeError, "insert expected 2 arguments, got %zd", (TwSsize)nargs);
    TwSsize where;
    if (tw_number_as_ssize(args[0], &where) < 0)
        return NULL;
    TwListObject *l = L(self);
    TwObject *v = tw_newref(args[1]);
    int rc = 0;
    TW_BEGIN_CRITICAL_SECTION(l);
    TwSsize n = l->size;
    TwSsize i = where;
    if (i < 0) {
        i += n;
        if (i < 0)
            i = 0;
    }
    if (i > n)
        i = n;
    if (list_resize(l, n + 1) < 0) {
        rc = -1;
    } else {
        TwObject **it = l->array->items;
        move_items(l, it, i + 1, i, n - i);
        item_store(l, &it[i], v);
    }
    TW_END_CRITICAL_SECTION();
    if (rc < 0) {
        tw_decref(v);
        return NULL;
    }
    TW_RETURN_NONE;
}

TwObject *tw_list_pop(TwObject *list, TwSsize i)
{
    TwListObject *l = L(list);
    TwObject *v = NULL;
    bool empty = false;
    TW_BEGIN_CRITICAL_SECTION(l);
    TwSsize n = l->size;
    if (n == 0) {
        empty = true;
    } else {
        if (i < 0)
            i += n;
        if (i >= 0 && i < n) {
            TwObject **it = l->array->items;
            v = it[i];
            move_items(l, it, i, i + 1, n - i - 1);
            tw_atomic_store_ptr(&it[n - 1], NULL);
            list_resize(l, n - 1);
        }
    }
    TW_END_CRITICAL_SECTION();
    if (v == NULL)
        tw_err_set_string(TwExc_IndexError, empty ? "pop from empty list" : "pop index out of range");
    return v;
}

static TwObject *list_m_pop(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("pop", kwnames) < 0 || tw_arg_check_count("pop", nargs, 0, 1) < 0)
        return NULL;
    TwSsize i = -1;
    if (nargs == 1 && tw_number_as_ssize(args[0], &i) < 0)
        return NULL;
    return tw_list_pop(self, i);
}

/* Index of the first item equal to v in [start, stop), -1 if none, -2 on
 * error.  Compares with no lock held (see the top of the file). */
static TwSsize list_find(TwListObject *l, TwObject *v, TwSsize start, TwSsize stop)
{
    for (TwSsize i = start; i < stop; i++) {
        TwObject *item = list_item_ref(l, i);
        if (item == NULL)
            return -1;
        int k = tw_object_richcompare_bool(item, v, TW_EQ);
        tw_decref(item);
        if (k < 0)
            return -2;
        if (k > 0)
            return i;
    }
    return -1;
}

static TwObject *list_m_remove(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("remove", kwnames) < 0 || tw_arg_check_count("remove", nargs, 1, 1) < 0)
        return NULL;
    TwListObject *l = L(self);
    TwSsize i = list_find(l, args[0], 0, INTPTR_MAX);
    if (i == -2)
        return NULL;
    if (i >= 0) {
        TwObject *old = NULL;
        TW_BEGIN_CRITICAL_SECTION(l);
        TwSsize n = l->size;
        if (i < n) {
            TwObject **it = l->array->items;
            old = it[i];
            move_items(l, it, i, i + 1, n - i - 1);
            tw_atomic_store_ptr(&it[n - 1], NULL);
            list_resize(l, n - 1);
        }
        TW_END_CRITICAL_SECTION();
        TW_XDECREF(old);
        TW_RETURN_NONE;
    }
    tw_err_set_string(TwExc_ValueError, "list.remove(x): x not in list");
    return NULL;
}

static TwObject *list_m_index(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("index", kwnames) < 0 || tw_arg_check_count("index", nargs, 1, 3) < 0)
        return NULL;
    TwSsize start = 0, stop = INTPTR_MAX;
    if (nargs >= 2 && tw_number_as_ssize(args[1], &start) < 0)
        return NULL;
    if (nargs >= 3 && tw_number_as_ssize(args[2], &stop) < 0)
        return NULL;
    TwSsize n = TW_LIST_SIZE(self);
    if (start < 0) {
        start += n;
        if (start < 0)
            start = 0;
    }
    if (stop < 0) {
        stop += n;
        if (stop < 0)
            stop = 0;
    }
    TwSsize i = list_find(L(self), args[0], start, stop);
    if (i == -2)
        return NULL;
    if (i >= 0)
        return tw_int_from_i64(i);
    return tw_err_format(TwExc_ValueError, "%R is not in list", args[0]);
}

static TwObject *list_m_count(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("count", kwnames) < 0 || tw_arg_check_count("count", nargs, 1, 1) < 0)
        return NULL;
    TwSsize c = 0;
    for (TwSsize i = 0;; i++) {
        TwObject *item = list_item_ref(L(self), i);
        if (item == NULL)
            break;
        int k = tw_object_richcompare_bool(item, args[0], TW_EQ);
        tw_decref(item);
        if (k < 0)
            return NULL;
        c += k;
    }
    return tw_int_from_i64(c);
}

static TwObject *list_m_reverse(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("reverse", kwnames) < 0 || tw_arg_check_count("reverse", nargs, 0, 0) < 0)
        return NULL;
    TwListObject *l = L(self);
    TW_BEGIN_CRITICAL_SECTION(l);
    if (l->size > 1)
        reverse_slots(l->array->items, l->size);
    TW_END_CRITICAL_SECTION();
    TW_RETURN_NONE;
}

static TwObject *list_m_sort(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (nargs > 0) {
        tw_err_set_string(TwExc_TypeError, "sort() takes no positional arguments");
        return NULL;
    }
    TwObject *key = NULL;
    int reverse = 0;
    TwSsize nkw = kwnames ? TW_TUPLE_SIZE(kwnames) : 0;
    for (TwSsize k = 0; k < nkw; k++) {
        TwObject *name = TW_TUPLE_GET(kwnames, k);
        TwObject *val = args[nargs + (size_t)k];
        if (tw_str_eq_cstr(name, "key")) {
            key = val;
        } else if (tw_str_eq_cstr(name, "reverse")) {
            reverse = tw_object_is_true(val);
            if (reverse < 0)
                return NULL;
        } else {
            return tw_err_format(TwExc_TypeError, "'%S' is an invalid keyword argument for sort()", name);
        }
    }
    if (tw_list_sort(self, key, reverse) < 0)
        return NULL;
    TW_RETURN_NONE;
}

static TwObject *list_m_copy(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("copy", kwnames) < 0 || tw_arg_check_count("copy", nargs, 0, 0) < 0)
        return NULL;
    return tw_list_copy(self);
}

static TwObject *list_m_clear(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("clear", kwnames) < 0 || tw_arg_check_count("clear", nargs, 0, 0) < 0)
        return NULL;
    list_clear_impl(L(self));
    TW_RETURN_NONE;
}

/* ---------------- iterators ----------------------------------------- */

typedef struct {
    TwObject ob_base;
    TwSsize index;
    TwObject *seq;            /* NULL once exhausted */
} ListIter;

static TwObject *listiter_new(TwTypeObject *tp, TwObject *seq, TwSsize index)
{
    ListIter *it = (ListIter *)tw_gc_alloc(tp, sizeof(ListIter));
    if (it == NULL)
        return NULL;
    it->index = index;
    it->seq = tw_newref(seq);
    tw_gc_track((TwObject *)it);
    return (TwObject *)it;
}

static TwObject *list_iter(TwObject *op)
{
    return listiter_new(&TwListIter_Type, op, 0);
}

static void listiter_dealloc(TwObject *op)
{
    if (tw_gc_is_tracked(op))
        tw_gc_untrack(op);
    TW_XDECREF(((ListIter *)op)->seq);
    tw_gc_free(op, sizeof(ListIter));
}

static int listiter_traverse(TwObject *op, TwVisitFn visit, void *arg)
{
    ListIter *it = (ListIter *)op;
    return it->seq ? visit(it->seq, arg) : 0;
}

/* Shared iterators: containers.h, I1-I2.  Two threads sharing one may see
 * an item twice or skip one, never a crash. */
static TwObject *listiter_exhausted(TwObject *op, TwObject *seq)
{
    ListIter *it = (ListIter *)op;
    tw_atomic_store_ssize(&it->index, -1);
    tw_iter_release(op, &it->seq, seq);
    return NULL;
}

static TwObject *listiter_next(TwObject *op)
{
    ListIter *it = (ListIter *)op;
    TwObject *seq;
    if (tw_object_is_private(op) && (seq = it->seq) != NULL && tw_object_is_private(seq)) {
        /* the caller's own iterator over its own list (always under the
         * GIL): nobody else reads or changes either, plain reads */
        TwSsize i = it->index;
        TwObject *v = private_item_ref(L(seq), i);
        if (v != NULL) {
            it->index = i + 1;
            return v;
        }
    }
    tw_bias_check_read(op);
    seq = tw_atomic_load_ptr(&it->seq);
    if (seq == NULL)
        return NULL;
    TwSsize i = tw_atomic_load_ssize(&it->index);
    if (i >= 0) {
        TwObject *v = list_item_ref(L(seq), i);
        if (v != NULL) {
            tw_atomic_store_ssize(&it->index, i + 1);
            return v;
        }
    }
    return listiter_exhausted(op, seq);
}

static TwObject *listreviter_next(TwObject *op)
{
    ListIter *it = (ListIter *)op;
    tw_bias_check_read(op);
    TwObject *seq = tw_atomic_load_ptr(&it->seq);
    if (seq == NULL)
        return NULL;
    TwSsize i = tw_atomic_load_ssize(&it->index);
    if (i >= 0 && i < TW_LIST_SIZE(seq)) {
        TwObject *v = list_item_ref(L(seq), i);
        if (v != NULL) {
            tw_atomic_store_ssize(&it->index, i - 1);
            return v;
        }
    }
    return listiter_exhausted(op, seq);
}

static TwObject *listiter_length_hint(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    ListIter *it = (ListIter *)self;
    tw_bias_check_read(self);
    TwObject *seq = tw_atomic_load_ptr(&it->seq);
    TwSsize i = tw_atomic_load_ssize(&it->index), n = 0;
    if (seq != NULL && i >= 0) {
        if (TW_TYPE(self) == &TwListRevIter_Type)
            n = i + 1 <= TW_LIST_SIZE(seq) ? i + 1 : 0;
        else
            n = TW_LIST_SIZE(seq) - i;
    }
    return tw_int_from_i64(n < 0 ? 0 : n);
}

static TwObject *iter_self(TwObject *op) { return tw_newref(op); }

static const TwMethodDef listiter_methods[] = {
    {"__length_hint__", listiter_length_hint, 0},
    {NULL, NULL, 0},
};

TwTypeObject TwListIter_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "list_iterator",
    .tp_basicsize = sizeof(ListIter),
    .tp_flags = TW_TPFLAGS_HAVE_GC,
    .tp_dealloc = listiter_dealloc,
    .tp_traverse = listiter_traverse,
    .tp_iter = iter_self,
    .tp_iternext = listiter_next,
    .tp_methods = listiter_methods,
};

TwTypeObject TwListRevIter_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "list_reverseiterator",
    .tp_basicsize = sizeof(ListIter),
    .tp_flags = TW_TPFLAGS_HAVE_GC,
    .tp_dealloc = listiter_dealloc,
    .tp_traverse = listiter_traverse,
    .tp_iter = iter_self,
    .tp_iternext = listreviter_next,
    .tp_methods = listiter_methods,
};

static TwObject *list_m_reversed(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("__reversed__", kwnames) < 0 ||
        tw_arg_check_count("__reversed__", nargs, 0, 0) < 0)
        return NULL;
    return listiter_new(&TwListRevIter_Type, self, TW_LIST_SIZE(self) - 1);
}

/* ---------------- construction -------------------------------------- */

static TwObject *list_new(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (type == &TwList_Type)
        return tw_list_new(0);
    TwObject *op = tw_gc_alloc(type, type->tp_basicsize);
    if (op == NULL)
        return NULL;
    memset((char *)op + sizeof(TwObject), 0, type->tp_basicsize - sizeof(TwObject));
    tw_gc_track(op);
    return op;
}

/* list.__init__(iterable=()): clears, then extends, as CPython does. */
static int list_init(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (kwnames != NULL && TW_TUPLE_SIZE(kwnames) > 0) {
        tw_err_set_string(TwExc_TypeError, "list() takes no keyword arguments");
        return -1;
    }
    if (nargs > 1) {
        tw_err_format(TwExc_TypeError, "list expected at most 1 argument, got %zd", (TwSsize)nargs);
        return -1;
    }
    if (TW_LIST_SIZE(self) > 0)
        list_clear_impl(L(self));
    if (nargs == 1)
        return tw_list_extend(self, args[0]);
    return 0;
}

static const TwMethodDef list_methods[] = {
    {"append", list_m_append, 0},
    {"extend", list_m_extend, 0},
    {"insert", list_m_insert, 0},
    {"pop", list_m_pop, 0},
    {"remove", list_m_remove, 0},
    {"index", list_m_index, 0},
    {"count", list_m_count, 0},
    {"reverse", list_m_reverse, 0},
    {"sort", list_m_sort, 0},
    {"copy", list_m_copy, 0},
    {"clear", list_m_clear, 0},
    {"__reversed__", list_m_reversed, 0},
    {NULL, NULL, 0},
};

TwTypeObject TwList_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "list",
    .tp_basicsize = sizeof(TwListObject),
    .tp_flags = TW_TPFLAGS_HAVE_GC | TW_TPFLAGS_BASETYPE | TW_TPFLAGS_LIST_SUBCLASS | TW_TPFLAGS_SHARE_HOT,
    .tp_dealloc = list_dealloc,
    .tp_repr = list_repr,
    .tp_hash = tw_object_hash_unhashable,
    .tp_richcompare = list_richcompare,
    .tp_iter = list_iter,
    .tp_new = list_new,
    .tp_init = list_init,
    .tp_traverse = list_traverse,
    .tp_clear = list_tp_clear,
    .nb = {[TW_BINOP_ADD] = list_concat, [TW_BINOP_MUL] = list_repeat},
    .nb_inplace = {[TW_BINOP_ADD] = list_inplace_concat, [TW_BINOP_MUL] = list_inplace_repeat},
    .tp_len = list_len,
    .tp_getitem = list_getitem,
    .tp_setitem = list_setitem,
    .tp_contains = list_contains,
    .tp_methods = list_methods,
};
