/*
 * deque.c — collections.deque, a double-ended queue with O(1) appends and
 * pops at both ends (queue.Queue keeps its items in one; the module itself
 * is shared/modules/collectionsmodule.c).
 *
 * Layout: a ring of `cap` slots (a power of two, or 0 with no array);
 * item i is items[(head + i) & (cap - 1)].  The ring doubles when full and
 * halves when a quarter full (never below DEQUE_MIN_CAP), so memory
 * follows the length as items are popped.  maxlen < 0 means unbounded; a
 * bounded deque drops items from the other end as new ones come in.
 *
 * Concurrency (the nogil build; under the GIL the critical sections are
 * nothing): every read or change of head, size, cap, items or a slot runs
 * inside the deque's critical section, except len(), which loads size
 * atomically (size is stored atomically for that reason).  There are no
 * lock-free readers, so nothing stored is published
 * (tw_object_share_into only unbiases what enters a shared deque), and a
 * replaced array is freed at once.
 *   - No Python code runs inside a section: items a mutation drops are
 *     released after it, comparisons (count, index, remove, `in`, ==) run
 *     on a reference taken inside one section and dropped outside, and
 *     extending iterates with no section held, one section per item.
 *   - `state` counts mutations (every change of the items' order or
 *     number).  Iterators and searches remember it and raise CPython's
 *     RuntimeError "deque mutated during iteration" (IndexError for
 *     remove) when it moved, so a comparison that changes the deque never
 *     makes them skip or repeat an item silently.
 * Invariants at every section's end: 0 <= size <= cap; cap == 0 iff items
 * == NULL; slots outside [head, head + size) (mod cap) hold no reference;
 * maxlen < 0 or size <= maxlen.
 */
#include <string.h>

#include "twinpy/types.h"
#include "objects/containers.h"
#include "modules/stdmodules.h"

#define DEQUE_MIN_CAP 8
#define SSIZE_MAX_ INTPTR_MAX

typedef struct {
    TwObject ob_base;
    TwObject **items;
    TwSsize cap;
    TwSsize head;
    TwSsize size;         /* stored with tw_atomic_store_ssize */
    TwSsize maxlen;       /* < 0: unbounded; stored atomically (get_maxlen) */
    uint64_t state;
} TwDequeObject;

#define DQ(op) ((TwDequeObject *)(op))
#define SLOT(d, i) ((d)->items[((d)->head + (i)) & ((d)->cap - 1)])

static TwTypeObject TwDequeIter_Type, TwDequeRevIter_Type;

static bool is_deque(TwObject *op) { return TW_TYPE_CHECK(op, &TwDeque_Type); }

static void set_size(TwDequeObject *d, TwSsize n) { tw_atomic_store_ssize(&d->size, n); }

/* maxlen outside the section: only __init__ changes it (in one). */
static TwSsize get_maxlen(TwDequeObject *d) { return tw_atomic_load_ssize(&d->maxlen); }

TwSsize tw_deque_size(TwObject *op) { return tw_atomic_load_ssize(&DQ(op)->size); }

/* ---------------- the ring (inside the section) ---------------------- */

/* Move the items into a new ring of ncap slots (ncap >= size, a power of
 * two, or 0 when empty), item 0 at slot 0.  False when out of memory
 * (nothing changed). */
static bool ring_resize(TwDequeObject *d, TwSsize ncap)
{
    TwObject **fresh = NULL;
    if (ncap > 0) {
        if ((size_t)ncap > SIZE_MAX / 2 / sizeof(TwObject *))
            return false;
        fresh = tw_mem_alloc((size_t)ncap * sizeof(TwObject *));
        if (fresh == NULL)
            return false;
        TwSsize first = d->cap - d->head < d->size ? d->cap - d->head : d->size;
        if (d->size > 0) {
            memcpy(fresh, &d->items[d->head], (size_t)first * sizeof(TwObject *));
            memcpy(fresh + first, d->items, (size_t)(d->size - first) * sizeof(TwObject *));
        }
    }
    if (d->items != NULL)
        tw_mem_free(d->items, (size_t)d->cap * sizeof(TwObject *));
    d->items = fresh;
    d->cap = ncap;
    d->head = 0;
    return true;
}

/* Room for one more item; false when out of memory. */
static bool ring_grow(TwDequeObject *d)
{
    if (d->size < d->cap)
        return true;
    return ring_resize(d, d->cap ? d->cap * 2 : DEQUE_MIN_CAP);
}

/* After items left: give memory back once a quarter is in use (a failed
 * shrink keeps the larger ring). */
static void ring_shrink(TwDequeObject *d)
{
    if (d->size == 0 && d->cap > DEQUE_MIN_CAP)
        ring_resize(d, 0);
    else if (d->cap > DEQUE_MIN_CAP && d->size <= d->cap / 4)
        ring_resize(d, d->cap / 2);
}

static void push_back_locked(TwDequeObject *d, TwObject *v)
{
    d->items[(d->head + d->size) & (d->cap - 1)] = v;
    set_size(d, d->size + 1);
}

static void push_front_locked(TwDequeObject *d, TwObject *v)
{
    d->head = (d->head - 1) & (d->cap - 1);
    d->items[d->head] = v;
    set_size(d, d->size + 1);
}

/* The first / last item (its reference handed to the caller); size > 0. */
static TwObject *take_front_locked(TwDequeObject *d)
{
    TwObject *v = d->items[d->head];
    d->items[d->head] = NULL;
    d->head = (d->head + 1) & (d->cap - 1);
    set_size(d, d->size - 1);
    return v;
}

static TwObject *take_back_locked(TwDequeObject *d)
{
    TwSsize i = (d->head + d->size - 1) & (d->cap - 1);
    TwObject *v = d->items[i];
    d->items[i] = NULL;
    set_size(d, d->size - 1);
    return v;
}

/* Append v (a new reference taken here) at the back or the front.  A full
 * bounded deque drops the item at the other end: returned in *dropped for
 * the caller to release after the section (NULL if none).  -1 when out of
 * memory (no exception set). */
static int add_locked(TwDequeObject *d, TwObject *v, bool front, TwObject **dropped)
{
    *dropped = NULL;
    if (d->maxlen == 0)
        return 0;
    if (d->maxlen > 0 && d->size >= d->maxlen)
        *dropped = front ? take_back_locked(d) : take_front_locked(d);
    else if (!ring_grow(d))
        return -1;
    tw_object_share_into((TwObject *)d, v);
    if (front)
        push_front_locked(d, tw_newref(v));
    else
        push_back_locked(d, tw_newref(v));
    d->state++;
    return 0;
}

static int deque_add(TwDequeObject *d, TwObject *v, bool front)
{
    TwObject *dropped;
    int rc;
    TW_BEGIN_CRITICAL_SECTION(d);
    rc = add_locked(d, v, front, &dropped);
    TW_END_CRITICAL_SECTION();
    TW_XDECREF(dropped);
    if (rc < 0)
        tw_err_no_memory();
    return rc;
}

int tw_deque_append(TwObject *op, TwObject *v) { return deque_add(DQ(op), v, false); }

/* Pop from the front or the back: a new reference, or NULL with
 * IndexError when empty. */
static TwObject *deque_take(TwDequeObject *d, bool front)
{
    TwObject *v = NULL;
    TW_BEGIN_CRITICAL_SECTION(d);
    if (d->size > 0) {
        v = front ? take_front_locked(d) : take_back_locked(d);
        d->state++;
        ring_shrink(d);
    }
    TW_END_CRITICAL_SECTION();
    if (v == NULL)
        tw_err_set_string(TwExc_IndexError, "pop from an empty deque");
    return v;
}

TwObject *tw_deque_popleft(TwObject *op) { return deque_take(DQ(op), true); }

/* Item i as a new reference if the deque still has state `state` and i is
 * in range; NULL otherwise.  *changed tells which. */
static TwObject *item_if_unchanged(TwDequeObject *d, TwSsize i, uint64_t state, bool *changed)
{
    TwObject *v = NULL;
    TW_BEGIN_CRITICAL_SECTION(d);
    *changed = d->state != state;
    if (!*changed && i >= 0 && i < d->size)
        v = tw_newref(SLOT(d, i));
    TW_END_CRITICAL_SECTION();
    return v;
}

static uint64_t deque_state(TwDequeObject *d)
{
    uint64_t s;
    TW_BEGIN_CRITICAL_SECTION(d);
    s = d->state;
    TW_END_CRITICAL_SECTION();
    return s;
}

/* Every item, in order, as new references in an array of *n (taken in
 * one section; tw_mem_free(items, *n * sizeof *items) when done), or NULL
 * with MemoryError.  An empty deque gives a non-NULL array of 0. */
static TwObject **deque_snapshot(TwDequeObject *d, TwSsize *n_out)
{
    for (;;) {
        TwSsize n = tw_deque_size((TwObject *)d);
        TwObject **items = tw_mem_alloc(((size_t)n + 1) * sizeof(TwObject *));
        if (items == NULL) {
            tw_err_no_memory();
            return NULL;
        }
        bool fits;
        TW_BEGIN_CRITICAL_SECTION(d);
        fits = d->size == n;
        if (fits)
            for (TwSsize i = 0; i < n; i++)
                items[i] = tw_newref(SLOT(d, i));
        TW_END_CRITICAL_SECTION();
        if (fits) {
            *n_out = n;
            return items;
        }
        tw_mem_free(items, ((size_t)n + 1) * sizeof(TwObject *));   /* resized meanwhile */
    }
}

static void snapshot_free(TwObject **items, TwSsize n)
{
    for (TwSsize i = 0; i < n; i++)
        TW_DECREF(items[i]);
    tw_mem_free(items, ((size_t)n + 1) * sizeof(TwObject *));
}

/* Every item, in order, as a new list. */
static TwObject *deque_to_list(TwDequeObject *d)
{
    TwSsize n;
    TwObject **items = deque_snapshot(d, &n);
    if (items == NULL)
        return NULL;
    TwObject *list = tw_list_from_array(items, n);
    if (list == NULL)
        for (TwSsize i = 0; i < n; i++)
            TW_DECREF(items[i]);
    tw_mem_free(items, ((size_t)n + 1) * sizeof(TwObject *));
    return list;
}

/* Empty the deque; its items are released after the section. */
static void deque_clear_impl(TwDequeObject *d)
{
    TwObject **items;
    TwSsize cap, head, n;
    TW_BEGIN_CRITICAL_SECTION(d);
    items = d->items;
    cap = d->cap;
    head = d->head;
    n = d->size;
    d->items = NULL;
    d->cap = 0;
    d->head = 0;
    set_size(d, 0);
    d->state++;
    TW_END_CRITICAL_SECTION();
    if (items == NULL)
        return;
    for (TwSsize i = 0; i < n; i++)
        TW_XDECREF(items[(head + i) & (cap - 1)]);
    tw_mem_free(items, (size_t)cap * sizeof(TwObject *));
}

/* ---------------- construction --------------------------------------- */

static TwObject *deque_alloc(TwTypeObject *type)
{
    TwObject *op = tw_gc_alloc(type, type->tp_basicsize);
    if (op == NULL)
        return NULL;
    memset((char *)op + sizeof(TwObject), 0, type->tp_basicsize - sizeof(TwObject));
    DQ(op)->maxlen = -1;
    tw_gc_track(op);
    return op;
}

static TwObject *deque_new(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    (void)args, (void)nargs, (void)kwnames;
    return deque_alloc(type);
}

static int extend_back(void *arg, TwObject *item) { return deque_add(DQ(arg), item, false); }
static int extend_front(void *arg, TwObject *item) { return deque_add(DQ(arg), item, true); }

/* Extend at one end with every item of iterable (the deque itself: a
 * snapshot of it). */
static int deque_extend_impl(TwDequeObject *d, TwObject *iterable, bool front)
{
    int (*add)(void *, TwObject *) = front ? extend_front : extend_back;
    TwObject *src = iterable == (TwObject *)d ? deque_to_list(d) : tw_newref(iterable);
    if (src == NULL)
        return -1;
    if (TW_TYPE(src) == &TwRange_Type && get_maxlen(d) < 0) {
        /* a range tells its length without running code: one that cannot
         * fit in the machine's memory fails before the deque grows */
        TwSsize n = tw_object_len(src);
        if (n < 0 || (size_t)n > SIZE_MAX / 2 / sizeof(TwObject *) ||
            tw_alloc_exceeds_memory(((size_t)n + (size_t)tw_deque_size((TwObject *)d)) * sizeof(TwObject *))) {
            TW_DECREF(src);
            if (n >= 0)
                tw_err_no_memory();
            return -1;
        }
    }
    TwObject *it = tw_object_iter(src);
    TW_DECREF(src);
    if (it == NULL)
        return -1;
    int rc = 0;
    TwObject *v;
    while ((v = tw_iter_next(it)) != NULL) {
        rc = add(d, v);
        TW_DECREF(v);
        if (rc < 0)
            break;
    }
    TW_DECREF(it);
    return rc < 0 || tw_err_occurred() ? -1 : 0;
}

/* maxlen from an argument: None is unbounded. */
static int parse_maxlen(TwObject *o, TwSsize *out)
{
    *out = -1;
    if (o == NULL || o == Tw_None)
        return 0;
    if (!TW_INT_CHECK(o)) {
        tw_err_set_string(TwExc_TypeError, "an integer is required");
        return -1;
    }
    if (tw_number_as_ssize(o, out) < 0)
        return -1;
    if (*out < 0) {
        tw_err_set_string(TwExc_ValueError, "maxlen must be non-negative");
        return -1;
    }
    return 0;
}

/* deque.__init__(iterable=(), maxlen=None): clears, then extends. */
static int deque_init(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    static const char *const kw[] = { "iterable", "maxlen" };
    TwObject *vals[2] = { NULL, NULL };
    TwSsize nkw = kwnames ? TW_TUPLE_SIZE(kwnames) : 0;
    if (nargs + (size_t)nkw > 2) {
        tw_err_format(TwExc_TypeError, "deque() takes at most 2 arguments (%zd given)",
                      (TwSsize)nargs + nkw);
        return -1;
    }
    for (size_t i = 0; i < nargs; i++)
        vals[i] = args[i];
    for (TwSsize k = 0; k < nkw; k++) {
        TwObject *name = TW_TUPLE_GET(kwnames, k);
        size_t slot = tw_str_eq_cstr(name, kw[0]) ? 0 : tw_str_eq_cstr(name, kw[1]) ? 1 : 2;
        if (slot == 2) {
            tw_err_format(TwExc_TypeError, "%R is an invalid keyword argument for deque()", name);
            return -1;
        }
        if (vals[slot] != NULL) {
            tw_err_format(TwExc_TypeError, "argument for deque() given by name ('%s') and position (%zd)",
                          kw[slot], (TwSsize)slot + 1);
            return -1;
        }
        vals[slot] = args[nargs + (size_t)k];
    }
    TwSsize maxlen;
    if (parse_maxlen(vals[1], &maxlen) < 0)
        return -1;
    TwDequeObject *d = DQ(self);
    if (tw_deque_size(self) > 0)
        deque_clear_impl(d);
    TW_BEGIN_CRITICAL_SECTION(d);
    tw_atomic_store_ssize(&d->maxlen, maxlen);
    TW_END_CRITICAL_SECTION();
    if (vals[0] != NULL)
        return deque_extend_impl(d, vals[0], false);
    return 0;
}

/* A copy: an exact deque is copied in one section; a subclass is called
 * as type(d)(d) or type(d)(d, maxlen), as CPython does. */
static TwObject *deque_copy_impl(TwDequeObject *d)
{
    if (TW_TYPE(d) != &TwDeque_Type) {
        TwObject *cls = (TwObject *)TW_TYPE(d);
        TwSsize maxlen = get_maxlen(d);
        if (maxlen < 0)
            return tw_call1(cls, (TwObject *)d);
        TwObject *m = tw_int_from_i64(maxlen);
        if (m == NULL)
            return NULL;
        TwObject *r = tw_call2(cls, (TwObject *)d, m);
        TW_DECREF(m);
        return r;
    }
    TwDequeObject *c = (TwDequeObject *)deque_alloc(&TwDeque_Type);
    if (c == NULL)
        return NULL;
    for (;;) {
        TwSsize n = tw_deque_size((TwObject *)d), ncap = DEQUE_MIN_CAP;
        while (ncap < n)
            ncap *= 2;
        TwObject **fresh = tw_mem_alloc((size_t)ncap * sizeof(TwObject *));
        if (fresh == NULL) {
            TW_DECREF(c);
            return tw_err_no_memory();
        }
        bool fits;
        TW_BEGIN_CRITICAL_SECTION(d);
        fits = d->size <= ncap;
        if (fits) {
            for (TwSsize i = 0; i < d->size; i++)
                fresh[i] = tw_newref(SLOT(d, i));
            c->items = fresh;
            c->cap = ncap;
            c->size = d->size;
            c->maxlen = d->maxlen;
        }
        TW_END_CRITICAL_SECTION();
        if (fits)
            return (TwObject *)c;
        tw_mem_free(fresh, (size_t)ncap * sizeof(TwObject *));
    }
}

/* ---------------- methods -------------------------------------------- */

/* CPython's messages for its METH_NOARGS and METH_O methods. */
static bool bad_args(const char *name, size_t nargs, TwObject *kwnames, size_t want)
{
    if (tw_arg_check_no_kwargs(name, kwnames) < 0)
        return true;
    if (nargs == want)
        return false;
    if (want == 0)
        tw_err_format(TwExc_TypeError, "%s() takes no arguments (%zd given)", name, (TwSsize)nargs);
    else
        tw_err_format(TwExc_TypeError, "%s() takes exactly one argument (%zd given)", name,
                      (TwSsize)nargs);
    return true;
}
#define NOARGS(name)                          \
    if (bad_args("deque." name, nargs, kwnames, 0)) \
        return NULL
#define ONEARG(name)                          \
    if (bad_args("deque." name, nargs, kwnames, 1)) \
        return NULL

static TwObject *none_or_null(int rc) { return rc < 0 ? NULL : tw_newref(Tw_None); }

static TwObject *deque_m_append(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    ONEARG("append");
    return none_or_null(deque_add(DQ(self), args[0], false));
}

static TwObject *deque_m_appendleft(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    ONEARG("appendleft");
    return none_or_null(deque_add(DQ(self), args[0], true));
}

static TwObject *deque_m_pop(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    NOARGS("pop");
    return deque_take(DQ(self), false);
}

static TwObject *deque_m_popleft(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    NOARGS("popleft");
    return deque_take(DQ(self), true);
}

static TwObject *deque_m_extend(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    ONEARG("extend");
    return none_or_null(deque_extend_impl(DQ(self), args[0], false));
}

static TwObject *deque_m_extendleft(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    ONEARG("extendleft");
    return none_or_null(deque_extend_impl(DQ(self), args[0], true));
}

static TwObject *deque_m_clear(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    NOARGS("clear");
    deque_clear_impl(DQ(self));
    return tw_newref(Tw_None);
}

static TwObject *deque_m_copy(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    NOARGS("copy");
    return deque_copy_impl(DQ(self));
}

/* Compare the items from position `from` on with v, in order, until one
 * is equal (stop_at_first) or the end: the number of equal items, or the
 * index of the first (-1 when none); -2 with an exception set.  Raises
 * `mutated` when the deque changed during a comparison. */
static TwSsize deque_search(TwDequeObject *d, TwObject *v, TwSsize from, TwSsize stop,
                            bool stop_at_first, TwObject *mutated)
{
    uint64_t state = deque_state(d);
    TwSsize count = 0;
    for (TwSsize i = from; i < stop; i++) {
        bool changed;
        TwObject *item = item_if_unchanged(d, i, state, &changed);
        if (item == NULL) {
            if (!changed)
                break;
            tw_err_set_string(mutated, "deque mutated during iteration");
            return -2;
        }
        int k = tw_object_richcompare_bool(item, v, TW_EQ);
        TW_DECREF(item);
        if (k < 0)
            return -2;
        if (deque_state(d) != state) {
            tw_err_set_string(mutated, "deque mutated during iteration");
            return -2;
        }
        if (k > 0) {
            if (stop_at_first)
                return i;
            count++;
        }
    }
    return stop_at_first ? -1 : count;
}

static TwObject *deque_m_count(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    ONEARG("count");
    TwSsize n = deque_search(DQ(self), args[0], 0, SSIZE_MAX_, false, TwExc_RuntimeError);
    return n == -2 ? NULL : tw_int_from_i64(n);
}

static int deque_contains(TwObject *self, TwObject *v)
{
    TwSsize i = deque_search(DQ(self), v, 0, SSIZE_MAX_, true, TwExc_RuntimeError);
    return i == -2 ? -1 : i >= 0;
}

/* index(x[, start[, stop]]): start and stop as list.index takes them. */
static TwObject *deque_m_index(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("index", kwnames) < 0)
        return NULL;
    if (nargs < 1 || nargs > 3)
        return tw_err_format(TwExc_TypeError, "index() takes at %s %d argument%s (%zd given)",
                             nargs < 1 ? "least" : "most", nargs < 1 ? 1 : 3, nargs < 1 ? "" : "s",
                             (TwSsize)nargs);
    TwSsize n = tw_deque_size(self), start = 0, stop = n;
    for (size_t k = 1; k < nargs; k++) {
        if (!TW_INT_CHECK(args[k]) && TW_TYPE(args[k])->nb_index == NULL)
            return tw_err_format(TwExc_TypeError,
                                 "slice indices must be integers or have an __index__ method");
        if (tw_number_as_ssize(args[k], k == 1 ? &start : &stop) < 0)
            return NULL;
    }
    if (start < 0 && (start += n) < 0)
        start = 0;
    if (stop < 0 && (stop += n) < 0)
        stop = 0;
    TwSsize i = deque_search(DQ(self), args[0], start, stop, true, TwExc_RuntimeError);
    if (i == -2)
        return NULL;
    if (i < 0)
        return tw_err_format(TwExc_ValueError, "%R is not in deque", args[0]);
    return tw_int_from_i64(i);
}

/* Remove and return item i (0 <= i < size), moving the shorter side. */
static TwObject *delete_at_locked(TwDequeObject *d, TwSsize i)
{
    TwObject *v = SLOT(d, i);
    if (i < d->size / 2) {
        for (TwSsize k = i; k > 0; k--)
            SLOT(d, k) = SLOT(d, k - 1);
        d->items[d->head] = NULL;
        d->head = (d->head + 1) & (d->cap - 1);
    } else {
        for (TwSsize k = i; k < d->size - 1; k++)
            SLOT(d, k) = SLOT(d, k + 1);
        SLOT(d, d->size - 1) = NULL;
    }
    set_size(d, d->size - 1);
    d->state++;
    return v;
}

static TwObject *deque_m_remove(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    ONEARG("remove");
    TwDequeObject *d = DQ(self);
    uint64_t state = deque_state(d);
    TwSsize i = deque_search(d, args[0], 0, SSIZE_MAX_, true, TwExc_IndexError);
    if (i == -2)
        return NULL;
    if (i < 0)
        return tw_err_format(TwExc_ValueError, "%R is not in deque", args[0]);
    TwObject *v = NULL;
    TW_BEGIN_CRITICAL_SECTION(d);
    if (d->state == state && i < d->size) {
        v = delete_at_locked(d, i);
        ring_shrink(d);
    }
    TW_END_CRITICAL_SECTION();
    if (v == NULL)
        return tw_err_format(TwExc_IndexError, "deque mutated during remove().");
    TW_DECREF(v);
    return tw_newref(Tw_None);
}

static TwObject *deque_m_insert(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("insert", kwnames) < 0)
        return NULL;
    if (nargs != 2)
        return tw_err_format(TwExc_TypeError, "insert() takes exactly 2 arguments (%zd given)",
                             (TwSsize)nargs);
    TwSsize i;
    if (tw_number_as_ssize(args[0], &i) < 0)
        return NULL;
    TwDequeObject *d = DQ(self);
    TwObject *v = args[1];
    int rc = 0;   /* 0 done, 1 full, -1 no memory */
    TW_BEGIN_CRITICAL_SECTION(d);
    TwSsize n = d->size;
    if (d->maxlen >= 0 && n >= d->maxlen) {
        rc = 1;
    } else if (!ring_grow(d)) {
        rc = -1;
    } else {
        if (i < 0 && (i += n) < 0)
            i = 0;
        if (i > n)
            i = n;
        tw_object_share_into((TwObject *)d, v);
        if (i < n / 2) {
            d->head = (d->head - 1) & (d->cap - 1);
            for (TwSsize k = 0; k < i; k++)
                SLOT(d, k) = SLOT(d, k + 1);
        } else {
            for (TwSsize k = n; k > i; k--)
                SLOT(d, k) = SLOT(d, k - 1);
        }
        SLOT(d, i) = tw_newref(v);
        set_size(d, n + 1);
        d->state++;
    }
    TW_END_CRITICAL_SECTION();
    if (rc > 0)
        return tw_err_format(TwExc_IndexError, "deque already at its maximum size");
    if (rc < 0)
        return tw_err_no_memory();
    return tw_newref(Tw_None);
}

static TwObject *deque_m_reverse(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    NOARGS("reverse");
    TwDequeObject *d = DQ(self);
    TW_BEGIN_CRITICAL_SECTION(d);
    for (TwSsize a = 0, b = d->size - 1; a < b; a++, b--) {
        TwObject *t = SLOT(d, a);
        SLOT(d, a) = SLOT(d, b);
        SLOT(d, b) = t;
    }
    d->state++;
    TW_END_CRITICAL_SECTION();
    return tw_newref(Tw_None);
}

/* Rotate right by n (left when negative), in the section. */
static void rotate_locked(TwDequeObject *d, TwSsize n)
{
    TwSsize len = d->size;
    if (len <= 1)
        return;
    n %= len;
    if (n < 0)
        n += len;
    if (n == 0)
        return;
    d->state++;
    if (len == d->cap) {
        /* a full ring: only the start moves */
        d->head = (d->head - n) & (d->cap - 1);
        return;
    }
    if (n <= len / 2) {
        /* the last n items move to the front */
        for (TwSsize k = 0; k < n; k++) {
            TwSsize last = (d->head + len - 1) & (d->cap - 1);
            TwObject *v = d->items[last];
            d->items[last] = NULL;
            d->head = (d->head - 1) & (d->cap - 1);
            d->items[d->head] = v;
        }
    } else {
        /* the first len - n items move to the back */
        for (TwSsize k = 0; k < len - n; k++) {
            TwObject *v = d->items[d->head];
            d->items[d->head] = NULL;
            d->items[(d->head + len) & (d->cap - 1)] = v;
            d->head = (d->head + 1) & (d->cap - 1);
        }
    }
}

static TwObject *deque_m_rotate(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("deque.rotate", kwnames) < 0)
        return NULL;
    if (nargs > 1)
        return tw_err_format(TwExc_TypeError, "deque.rotate expected at most 1 argument, got %zd",
                             (TwSsize)nargs);
    TwSsize n = 1;
    if (nargs == 1 && tw_number_as_ssize(args[0], &n) < 0)
        return NULL;
    TwDequeObject *d = DQ(self);
    TW_BEGIN_CRITICAL_SECTION(d);
    rotate_locked(d, n);
    TW_END_CRITICAL_SECTION();
    return tw_newref(Tw_None);
}

static TwObject *deque_m_reversed(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames);

static const TwMethodDef deque_methods[] = {
    {"append", deque_m_append, 0},
    {"appendleft", deque_m_appendleft, 0},
    {"pop", deque_m_pop, 0},
    {"popleft", deque_m_popleft, 0},
    {"extend", deque_m_extend, 0},
    {"extendleft", deque_m_extendleft, 0},
    {"clear", deque_m_clear, 0},
    {"copy", deque_m_copy, 0},
    {"__copy__", deque_m_copy, 0},
    {"count", deque_m_count, 0},
    {"index", deque_m_index, 0},
    {"insert", deque_m_insert, 0},
    {"remove", deque_m_remove, 0},
    {"reverse", deque_m_reverse, 0},
    {"rotate", deque_m_rotate, 0},
    {"__reversed__", deque_m_reversed, 0},
    {NULL, NULL, 0},
};

static TwObject *deque_get_maxlen(TwObject *self)
{
    TwSsize m = get_maxlen(DQ(self));
    return m < 0 ? tw_newref(Tw_None) : tw_int_from_i64(m);
}

static const TwGetSetDef deque_getset[] = {
    {"maxlen", deque_get_maxlen, NULL},
    {NULL, NULL, NULL},
};

/* ---------------- the sequence protocol ------------------------------ */

static TwSsize deque_len(TwObject *self) { return tw_deque_size(self); }

/* An int index (through __index__); slices are refused as CPython does. */
static int deque_index_arg(TwObject *key, TwSsize *out)
{
    if (!TW_INT_CHECK(key) && TW_TYPE(key)->nb_index == NULL) {
        tw_err_format(TwExc_TypeError, "sequence index must be integer, not '%T'", key);
        return -1;
    }
    return tw_number_as_ssize(key, out);
}

/* types.h: deque[i] (i < 0 from the end); NULL with IndexError. */
TwObject *tw_deque_item(TwObject *self, TwSsize i)
{
    TwDequeObject *d = DQ(self);
    TwObject *v = NULL;
    TW_BEGIN_CRITICAL_SECTION(d);
    TwSsize j = i < 0 ? i + d->size : i;
    if (j >= 0 && j < d->size)
        v = tw_newref(SLOT(d, j));
    TW_END_CRITICAL_SECTION();
    if (v == NULL)
        tw_err_set_string(TwExc_IndexError, "deque index out of range");
    return v;
}

static TwObject *deque_getitem(TwObject *self, TwObject *key)
{
    TwSsize i;
    if (deque_index_arg(key, &i) < 0)
        return NULL;
    return tw_deque_item(self, i);
}

/* types.h: deque[i] = v, or del deque[i] when v is NULL (i < 0 from the
 * end); 0, or -1 with IndexError. */
int tw_deque_set_item(TwObject *self, TwSsize i, TwObject *v)
{
    TwDequeObject *d = DQ(self);
    TwObject *old = NULL;
    bool found = false;
    TW_BEGIN_CRITICAL_SECTION(d);
    TwSsize j = i < 0 ? i + d->size : i;
    if (j >= 0 && j < d->size) {
        found = true;
        if (v != NULL) {
            tw_object_share_into((TwObject *)d, v);
            old = SLOT(d, j);
            SLOT(d, j) = tw_newref(v);
        } else {
            old = delete_at_locked(d, j);
            ring_shrink(d);
        }
    }
    TW_END_CRITICAL_SECTION();
    TW_XDECREF(old);
    if (!found) {
        tw_err_set_string(TwExc_IndexError, "deque index out of range");
        return -1;
    }
    return 0;
}

/* d[i] = v, or del d[i] when v is NULL. */
static int deque_setitem(TwObject *self, TwObject *key, TwObject *v)
{
    TwSsize i;
    if (deque_index_arg(key, &i) < 0)
        return -1;
    return tw_deque_set_item(self, i, v);
}

/* ---------------- repr, comparison, arithmetic ----------------------- */

static TwObject *deque_repr(TwObject *self)
{
    const char *name = tw_type_short_name(TW_TYPE(self));
    int rc = tw_repr_enter(self);
    if (rc < 0)
        return NULL;
    if (rc > 0)
        return tw_str_from_cstr("[...]");
    TwObject *list = deque_to_list(DQ(self));
    TwObject *r = NULL;
    if (list != NULL) {
        TwSsize maxlen = get_maxlen(DQ(self));
        r = maxlen < 0 ? tw_str_from_format("%s(%R)", name, list)
                       : tw_str_from_format("%s(%R, maxlen=%zd)", name, list, maxlen);
        TW_DECREF(list);
    }
    tw_repr_leave(self);
    return r;
}

static TwObject *deque_richcompare(TwObject *a, TwObject *b, int op)
{
    if (!is_deque(a) || !is_deque(b))
        return tw_newref(Tw_NotImplemented);
    TwSsize na = tw_deque_size(a), nb = tw_deque_size(b);
    if (na != nb && (op == TW_EQ || op == TW_NE))
        return tw_bool_from(op == TW_NE);
    TwObject *ita = tw_object_iter(a), *itb = ita ? tw_object_iter(b) : NULL;
    TwObject *r = NULL;
    if (itb == NULL)
        goto out;
    for (;;) {
        TwObject *va = tw_iter_next(ita);
        if (va == NULL) {
            if (tw_err_occurred())
                goto out;
            TwObject *vb = tw_iter_next(itb);
            if (vb == NULL && tw_err_occurred())
                goto out;
            bool b_more = vb != NULL;
            TW_XDECREF(vb);
            /* a ran out first (or both at once) */
            switch (op) {
            case TW_LT: r = tw_bool_from(b_more); break;
            case TW_LE: r = tw_bool_from(true); break;
            case TW_EQ: r = tw_bool_from(!b_more); break;
            case TW_NE: r = tw_bool_from(b_more); break;
            case TW_GT: r = tw_bool_from(false); break;
            default: r = tw_bool_from(!b_more); break;
            }
            goto out;
        }
        TwObject *vb = tw_iter_next(itb);
        if (vb == NULL) {
            TW_DECREF(va);
            if (tw_err_occurred())
                goto out;
            /* b ran out first */
            r = tw_bool_from(op == TW_GT || op == TW_GE || op == TW_NE);
            goto out;
        }
        int k = tw_object_richcompare_bool(va, vb, TW_EQ);
        if (k == 0)   /* as CPython: the differing pair is compared with op */
            r = tw_object_richcompare(va, vb, op);
        TW_DECREF(va);
        TW_DECREF(vb);
        if (k <= 0)
            goto out;
    }
out:
    TW_XDECREF(ita);
    TW_XDECREF(itb);
    return r;
}

static TwObject *deque_concat(TwObject *a, TwObject *b)
{
    if (!is_deque(a))
        return tw_newref(Tw_NotImplemented);
    if (!is_deque(b))
        return tw_err_format(TwExc_TypeError, "can only concatenate deque (not \"%s\") to deque",
                             tw_type_name(TW_TYPE(b)));
    TwObject *r = deque_copy_impl(DQ(a));
    if (r != NULL && deque_extend_impl(DQ(r), b, false) < 0)
        TW_CLEAR(r);
    return r;
}

static TwObject *deque_inplace_concat(TwObject *a, TwObject *b)
{
    if (!is_deque(a))
        return tw_newref(Tw_NotImplemented);
    if (deque_extend_impl(DQ(a), b, false) < 0)
        return NULL;
    return tw_newref(a);
}

/* d *= n in place: the items repeated n times (the last maxlen of them). */
static int deque_repeat_inplace(TwDequeObject *d, TwSsize n)
{
    if (n <= 0) {
        deque_clear_impl(d);
        return 0;
    }
    if (n == 1)
        return 0;
    TwSsize len;
    TwObject **snap = deque_snapshot(d, &len);
    if (snap == NULL)
        return -1;
    int rc = 0;
    /* A bounded deque keeps only the last maxlen items: the copies that
     * would be dropped at once are skipped.  An unbounded one that could
     * not fit in the machine's memory fails before it grows. */
    TwSsize total = 0, from = len;
    bool overflow = len > 0 && __builtin_mul_overflow(len, n, &total);
    TwSsize maxlen = get_maxlen(d);
    if (maxlen >= 0) {
        /* only the residues mod len of the last maxlen positions matter:
         * any multiple of len past len + maxlen ends the same way */
        if (len > 0 && (overflow || total - len > maxlen)) {
            total = len * (maxlen / len + 2);
            from = total - maxlen;
        }
    } else if (overflow || (size_t)total > SIZE_MAX / 2 / sizeof(TwObject *) ||
               tw_alloc_exceeds_memory((size_t)total * sizeof(TwObject *))) {
        tw_err_no_memory();
        rc = -1;
    }
    for (TwSsize k = from; rc == 0 && k < total; k++)
        rc = deque_add(d, snap[k % len], false);
    snapshot_free(snap, len);
    return rc;
}

/* The count of d * n: 0, or -1 with CPython's TypeError for a non-int. */
static int repeat_count(TwObject *n, TwSsize *out)
{
    if (!TW_INT_CHECK(n) && TW_TYPE(n)->nb_index == NULL) {
        tw_err_format(TwExc_TypeError, "can't multiply sequence by non-int of type '%T'", n);
        return -1;
    }
    return tw_number_as_ssize(n, out) < 0 ? -1 : 0;
}

static TwObject *deque_repeat(TwObject *a, TwObject *b)
{
    if (!is_deque(a)) {
        TwObject *t = a;
        a = b;
        b = t;
    }
    TwSsize n;
    int k = is_deque(a) ? repeat_count(b, &n) : 1;
    if (k != 0)
        return k < 0 ? NULL : tw_newref(Tw_NotImplemented);
    TwObject *r = deque_copy_impl(DQ(a));
    if (r != NULL && deque_repeat_inplace(DQ(r), n) < 0)
        TW_CLEAR(r);
    return r;
}

static TwObject *deque_inplace_repeat(TwObject *a, TwObject *b)
{
    TwSsize n;
    int k = is_deque(a) ? repeat_count(b, &n) : 1;
    if (k != 0)
        return k < 0 ? NULL : tw_newref(Tw_NotImplemented);
    if (deque_repeat_inplace(DQ(a), n) < 0)
        return NULL;
    return tw_newref(a);
}

/* ---------------- GC and deallocation -------------------------------- */

static int deque_traverse(TwObject *self, TwVisitFn visit, void *arg)
{
    TwDequeObject *d = DQ(self);
    for (TwSsize i = 0; i < d->size; i++) {
        int r = visit(SLOT(d, i), arg);
        if (r)
            return r;
    }
    return 0;
}

static int deque_tp_clear(TwObject *self)
{
    deque_clear_impl(DQ(self));
    return 0;
}

static void deque_dealloc(TwObject *op)
{
    if (tw_gc_is_tracked(op))
        tw_gc_untrack(op);
    /* Instances of subclasses come here from the generic dealloc, which
     * already runs them through the trashcan. */
    bool guard = TW_TYPE(op) == &TwDeque_Type;
    if (guard && !tw_trashcan_begin(op))
        return;
    TwDequeObject *d = DQ(op);
    if (d->items != NULL) {
        /* nobody holds a reference: no other thread can be inside */
        for (TwSsize i = 0; i < d->size; i++)
            TW_XDECREF(SLOT(d, i));
        tw_mem_free(d->items, (size_t)d->cap * sizeof(TwObject *));
    }
    tw_gc_free(op, TW_TYPE(op)->tp_basicsize);
    if (guard)
        tw_trashcan_end();
}

/* ---------------- iterators ------------------------------------------ */

typedef struct {
    TwObject ob_base;
    TwObject *deque;
    TwSsize index;        /* items returned so far */
    TwSsize counter;      /* items left: the deque's length when made */
    uint64_t state;       /* the deque's state when the iterator was made */
} DequeIter;

static TwObject *dequeiter_new(TwTypeObject *tp, TwObject *deque)
{
    DequeIter *it = (DequeIter *)tw_gc_alloc(tp, sizeof(DequeIter));
    if (it == NULL)
        return NULL;
    TwDequeObject *d = DQ(deque);
    it->deque = tw_newref(deque);
    it->index = 0;
    TW_BEGIN_CRITICAL_SECTION(d);
    it->state = d->state;
    it->counter = d->size;
    TW_END_CRITICAL_SECTION();
    tw_gc_track((TwObject *)it);
    return (TwObject *)it;
}

static TwObject *deque_iter(TwObject *self) { return dequeiter_new(&TwDequeIter_Type, self); }

static TwObject *deque_m_reversed(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    NOARGS("__reversed__");
    return dequeiter_new(&TwDequeRevIter_Type, self);
}

static void dequeiter_dealloc(TwObject *op)
{
    if (tw_gc_is_tracked(op))
        tw_gc_untrack(op);
    TW_XDECREF(((DequeIter *)op)->deque);
    tw_gc_free(op, sizeof(DequeIter));
}

static int dequeiter_traverse(TwObject *op, TwVisitFn visit, void *arg)
{
    DequeIter *it = (DequeIter *)op;
    return it->deque ? visit(it->deque, arg) : 0;
}

/* The next item from the front (or the back): a new reference, NULL when
 * exhausted, or NULL with RuntimeError when the deque changed since the
 * iterator was made.  As in CPython, the forward iterator looks at the
 * deque's state first (so it raises again on every call after a change,
 * exhausted or not) and the reverse one at its count first.  The fields
 * are advanced with plain stores: as for a list's iterator, two threads
 * sharing one iterator may see an item twice, never a torn one. */
/* Shared iterators (containers.h, I1): the position and the counter
 * change inside the deque's critical section, so threads sharing one
 * iterator take turns; the deque is never dropped before the iterator. */
static TwObject *dequeiter_step(TwObject *op, bool reverse)
{
    DequeIter *it = (DequeIter *)op;
    TwDequeObject *d = DQ(it->deque);
    TwObject *v = NULL;
    bool changed;
    TW_BEGIN_CRITICAL_SECTION(d);
    TwSsize counter = tw_atomic_load_ssize(&it->counter);
    TwSsize index = tw_atomic_load_ssize(&it->index);
    /* as CPython: forward checks the state first, reverse the counter */
    changed = (!reverse || counter > 0) && d->state != it->state;
    if (changed) {
        tw_atomic_store_ssize(&it->counter, 0);
    } else if (counter > 0 && index < d->size) {
        v = tw_newref(SLOT(d, reverse ? d->size - 1 - index : index));
        tw_atomic_store_ssize(&it->index, index + 1);
        tw_atomic_store_ssize(&it->counter, counter - 1);
    }
    TW_END_CRITICAL_SECTION();
    if (changed) {
        tw_err_set_string(TwExc_RuntimeError, "deque mutated during iteration");
        return NULL;
    }
    return v;
}

static TwObject *dequeiter_next(TwObject *op) { return dequeiter_step(op, false); }
static TwObject *dequereviter_next(TwObject *op) { return dequeiter_step(op, true); }

static TwObject *dequeiter_length_hint(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    NOARGS("__length_hint__");
    return tw_int_from_i64(tw_atomic_load_ssize(&((DequeIter *)self)->counter));
}

static TwObject *iter_self(TwObject *op) { return tw_newref(op); }

static const TwMethodDef dequeiter_methods[] = {
    {"__length_hint__", dequeiter_length_hint, 0},
    {NULL, NULL, 0},
};

static TwTypeObject TwDequeIter_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "_collections._deque_iterator",
    .tp_basicsize = sizeof(DequeIter),
    .tp_flags = TW_TPFLAGS_HAVE_GC,
    .tp_dealloc = dequeiter_dealloc,
    .tp_traverse = dequeiter_traverse,
    .tp_iter = iter_self,
    .tp_iternext = dequeiter_next,
    .tp_methods = dequeiter_methods,
};

static TwTypeObject TwDequeRevIter_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "_collections._deque_reverse_iterator",
    .tp_basicsize = sizeof(DequeIter),
    .tp_flags = TW_TPFLAGS_HAVE_GC,
    .tp_dealloc = dequeiter_dealloc,
    .tp_traverse = dequeiter_traverse,
    .tp_iter = iter_self,
    .tp_iternext = dequereviter_next,
    .tp_methods = dequeiter_methods,
};

TwTypeObject TwDeque_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "collections.deque",
    .tp_basicsize = sizeof(TwDequeObject),
    .tp_flags = TW_TPFLAGS_HAVE_GC | TW_TPFLAGS_BASETYPE | TW_TPFLAGS_SHARE_HOT,
    .tp_dealloc = deque_dealloc,
    .tp_repr = deque_repr,
    .tp_hash = tw_object_hash_unhashable,
    .tp_richcompare = deque_richcompare,
    .tp_iter = deque_iter,
    .tp_new = deque_new,
    .tp_init = deque_init,
    .tp_traverse = deque_traverse,
    .tp_clear = deque_tp_clear,
    .nb = {[TW_BINOP_ADD] = deque_concat, [TW_BINOP_MUL] = deque_repeat},
    .nb_inplace = {[TW_BINOP_ADD] = deque_inplace_concat, [TW_BINOP_MUL] = deque_inplace_repeat},
    .tp_len = deque_len,
    .tp_getitem = deque_getitem,
    .tp_setitem = deque_setitem,
    .tp_contains = deque_contains,
    .tp_methods = deque_methods,
    .tp_getset = deque_getset,
};

int tw_deque_types_ready(void)
{
    TwTypeObject *types[] = { &TwDeque_Type, &TwDequeIter_Type, &TwDequeRevIter_Type };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (!(types[i]->tp_flags & TW_TPFLAGS_READY) && tw_type_ready(types[i]) < 0)
            return -1;
    return 0;
}
