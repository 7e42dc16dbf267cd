/*
 * set.c — set and frozenset: an open-addressing table of (key, hash).
 *
 * The table is CPython's (Objects/setobject.c, 3.11), algorithm for
 * algorithm: the same starting size (8, inline in the object), the same
 * probing (9 linear probes, then perturbed jumps), the same growth rule
 * (resize when fill*5 >= mask*3, to used*4, or used*2 past 50000), the
 * same clean re-insertion order on resize, the same merge shortcuts and
 * the same choice of which operand an intersection walks.  This matters
 * beyond speed: a set prints its items in table order, so for keys whose
 * hashes match CPython's (ints, tuples of ints, ...) `print({3, 1, 2})`
 * prints what CPython prints, `{1, 2, 3}`.
 *
 * Slots: key NULL and hash 0 is unused; key DUMMY with hash -1 is a
 * deleted slot that probing passes over (`fill` counts active + dummy,
 * `used` active only).  DUMMY is a private address, never dereferenced.
 *
 * Concurrency: every read and write of a set's table runs inside
 * TW_BEGIN_CRITICAL_SECTION(set) (no-op under the GIL); there are no
 * lock-free readers of the table, so old tables are freed at once.  Only
 * `used` is read without the lock (len(), iterators' size checks): it is
 * written with tw_atomic_store_ssize.  Comparing keys
 * runs __eq__ inside the critical section, as CPython's free-threaded
 * build does; after every __eq__ the probe checks that the table and the
 * entry did not change under it and restarts otherwise.  Operations that
 * read another set copy its entries under that set's own critical section
 * first (a snapshot), so no thread ever holds two set locks while running
 * Python code; set-to-set copies that run no Python code lock both at once
 * (TW_BEGIN_CRITICAL_SECTION2).  Keys a mutation drops are decref'd after
 * the critical section ends.
 */
#include <string.h>

#include "twinpy/types.h"
#include "objects/containers.h"

#define SET_MINSIZE 8
#define LINEAR_PROBES 9
#define PERTURB_SHIFT 5

typedef struct {
    TwObject *key;
    TwHash hash;
} SetEntry;

typedef struct {
    TwObject ob_base;
    TwSsize fill;             /* active + dummy slots          */
    TwSsize used;             /* active slots                  */
    TwSsize mask;             /* table size - 1                */
    SetEntry *table;          /* smalltable or tw_mem_alloc'd  */
    TwHash hash;              /* frozenset: -1 until computed  */
    TwSsize finger;           /* where pop() looks next        */
    SetEntry smalltable[SET_MINSIZE];
} TwSetObject;

#define S(op) ((TwSetObject *)(op))

static char set_dummy_storage;
#define DUMMY ((TwObject *)&set_dummy_storage)
#define IS_ACTIVE(e) ((e)->key != NULL && (e)->key != DUMMY)

static inline bool is_frozenset_type(TwTypeObject *tp)
{
    return tp == &TwFrozenSet_Type || tw_type_is_subtype(tp, &TwFrozenSet_Type);
}

/* ---------------- the table (caller holds the critical section) ----- */

static void insert_clean(SetEntry *table, size_t mask, TwObject *key, TwHash hash)
{
    size_t perturb = (size_t)hash;
    size_t i = (size_t)hash & mask;
    for (;;) {
        SetEntry *e = &table[i];
        if (e->key == NULL)
            goto found;
        if (i + LINEAR_PROBES <= mask) {
            for (int j = 0; j < LINEAR_PROBES; j++) {
                e++;
                if (e->key == NULL)
                    goto found;
            }
        }
        perturb >>= PERTURB_SHIFT;
        i = (i * 5 + 1 + perturb) & mask;
        continue;
    found:
        e->key = key;
        e->hash = hash;
        return;
    }
}

/* Rebuild the table with room for minused entries, dropping dummies. */
static int table_resize(TwSetObject *so, TwSsize minused)
{
    size_t newsize = SET_MINSIZE;
    while (newsize <= (size_t)minused)
        newsize <<= 1;
    SetEntry *oldtable = so->table;
    size_t oldmask = (size_t)so->mask;
    bool old_malloced = oldtable != so->smalltable;
    SetEntry small_copy[SET_MINSIZE];
    SetEntry *newtable;
    if (newsize == SET_MINSIZE) {
        newtable = so->smalltable;
        if (newtable == oldtable) {
            if (so->fill == so->used)
                return 0;
            memcpy(small_copy, oldtable, sizeof(small_copy));
            oldtable = small_copy;
        }
    } else {
        newtable = tw_mem_alloc(newsize * sizeof(SetEntry));
        if (newtable == NULL) {
            tw_err_no_memory();
            return -1;
        }
    }
    memset(newtable, 0, newsize * sizeof(SetEntry));
    so->mask = (TwSsize)newsize - 1;
    so->table = newtable;
    so->fill = so->used;
    for (size_t i = 0; i <= oldmask; i++) {
        SetEntry *e = &oldtable[i];
        if (IS_ACTIVE(e))
            insert_clean(newtable, newsize - 1, e->key, e->hash);
    }
    if (old_malloced)
        tw_mem_free(oldtable, (oldmask + 1) * sizeof(SetEntry));
    return 0;
}

/* The active entry holding key, or the unused entry ending its probe
 * sequence (key NULL), or NULL on error. */
static SetEntry *set_lookkey(TwSetObject *so, TwObject *key, TwHash hash)
{
restart:;
    SetEntry *table = so->table;
    size_t mask = (size_t)so->mask;
    size_t perturb = (size_t)hash;
    size_t i = (size_t)hash & mask;
    for (;;) {
        SetEntry *e = &table[i];
        int probes = (i + LINEAR_PROBES <= mask) ? LINEAR_PROBES : 0;
        do {
            if (e->hash == 0 && e->key == NULL)
                return e;
            if (e->hash == hash) {
                TwObject *sk = e->key;
                if (sk == key)
                    return e;
                if (TW_STR_CHECK_EXACT(sk) && TW_STR_CHECK_EXACT(key)) {
                    if (tw_str_eq(sk, key))
                        return e;
                } else {
                    tw_incref(sk);
                    int cmp = tw_object_richcompare_bool(sk, key, TW_EQ);
                    tw_decref(sk);
                    if (cmp < 0)
                        return NULL;
                    if (table != so->table || e->key != sk)
                        goto restart;
                    if (cmp > 0)
                        return e;
                    mask = (size_t)so->mask;
                }
            }
            e++;
        } while (probes--);
        perturb >>= PERTURB_SHIFT;
        i = (i * 5 + 1 + perturb) & mask;
    }
}

/* Add key (a new reference is taken if it goes in). 0 or -1.  A new key
 * takes the last dummy slot its probe sequence passed before reaching an
 * unused slot, if any (what CPython 3.11 does: it decides where keys print). */
static int set_add_entry(TwSetObject *so, TwObject *key, TwHash hash)
{
restart:;
    size_t mask = (size_t)so->mask;
    size_t i = (size_t)hash & mask;
    size_t perturb = (size_t)hash;
    SetEntry *freeslot = NULL;
    SetEntry *table = so->table;
    SetEntry *e;
    for (;;) {
        e = &table[i];
        int probes = (i + LINEAR_PROBES <= mask) ? LINEAR_PROBES : 0;
        do {
            if (e->hash == 0 && e->key == NULL)
                goto found_unused_or_dummy;
            if (e->hash == hash) {
                TwObject *sk = e->key;
                if (sk == key)
                    return 0;
                if (TW_STR_CHECK_EXACT(sk) && TW_STR_CHECK_EXACT(key)) {
                    if (tw_str_eq(sk, key))
                        return 0;
                } else {
                    tw_incref(sk);
                    int cmp = tw_object_richcompare_bool(sk, key, TW_EQ);
                    tw_decref(sk);
                    if (cmp > 0)
                        return 0;
                    if (cmp < 0)
                        return -1;
                    if (table != so->table || e->key != sk)
                        goto restart;
                    mask = (size_t)so->mask;
                }
            } else if (e->hash == -1) {
                freeslot = e;   /* CPython 3.11 keeps the last dummy seen */
            }
            e++;
        } while (probes--);
        perturb >>= PERTURB_SHIFT;
        i = (i * 5 + 1 + perturb) & mask;
    }
found_unused_or_dummy:
    if (freeslot != NULL) {
        tw_atomic_store_ssize(&so->used, so->used + 1);
        freeslot->key = tw_newref(key);
        freeslot->hash = hash;
        return 0;
    }
    so->fill++;
    tw_atomic_store_ssize(&so->used, so->used + 1);
    e->key = tw_newref(key);
    e->hash = hash;
    if ((size_t)so->fill * 5 < mask * 3)
        return 0;
    return table_resize(so, so->used > 50000 ? so->used * 2 : so->used * 4);
}

/* 1 removed (old key in *old), 0 absent, -1 error. */
static int set_discard_entry(TwSetObject *so, TwObject *key, TwHash hash, TwObject **old)
{
    *old = NULL;
    SetEntry *e = set_lookkey(so, key, hash);
    if (e == NULL)
        return -1;
    if (e->key == NULL)
        return 0;
    *old = e->key;
    e->key = DUMMY;
    e->hash = -1;
    tw_atomic_store_ssize(&so->used, so->used - 1);
    return 1;
}

/* Empty the table; the old entries are handed back for decref after the
 * critical section (*old_table is NULL if it was the inline table, whose
 * entries were copied to *small). */
typedef struct {
    SetEntry *table;
    size_t size;
    SetEntry small[SET_MINSIZE];
} Detached;

static void set_detach_locked(TwSetObject *so, Detached *dt)
{
    dt->size = (size_t)so->mask + 1;
    if (so->table == so->smalltable) {
        memcpy(dt->small, so->smalltable, sizeof(dt->small));
        dt->table = dt->small;
    } else {
        dt->table = so->table;
    }
    memset(so->smalltable, 0, sizeof(so->smalltable));
    so->table = so->smalltable;
    so->mask = SET_MINSIZE - 1;
    so->fill = 0;
    tw_atomic_store_ssize(&so->used, 0);
    so->hash = -1;
}

static void detached_release(Detached *dt)
{
    for (size_t i = 0; i < dt->size; i++)
        if (IS_ACTIVE(&dt->table[i]))
            tw_decref(dt->table[i].key);
    if (dt->table != dt->small)
        tw_mem_free(dt->table, dt->size * sizeof(SetEntry));
}

static void set_clear_internal(TwSetObject *so)
{
    Detached dt;
    TW_BEGIN_CRITICAL_SECTION(so);
    set_detach_locked(so, &dt);
    TW_END_CRITICAL_SECTION();
    detached_release(&dt);
}

/* ---------------- snapshots ----------------------------------------- */

typedef struct {
    SetEntry *items;          /* keys hold new references */
    TwSsize n;
} Snapshot;

/* The active entries of a set, in table order. */
static int snapshot_set(TwSetObject *so, Snapshot *snap)
{
    int rc = 0;
    snap->items = NULL;
    snap->n = 0;
    TW_BEGIN_CRITICAL_SECTION(so);
    if (so->used > 0) {
        snap->items = tw_mem_alloc((size_t)so->used * sizeof(SetEntry));
        if (snap->items == NULL) {
            rc = -1;
        } else {
            for (TwSsize i = 0; i <= so->mask; i++) {
                SetEntry *e = &so->table[i];
                if (IS_ACTIVE(e)) {
                    snap->items[snap->n].key = tw_newref(e->key);
                    snap->items[snap->n].hash = e->hash;
                    snap->n++;
                }
            }
        }
    }
    TW_END_CRITICAL_SECTION();
    if (rc < 0)
        tw_err_no_memory();
    return rc;
}

static void snapshot_release(Snapshot *snap, TwSsize cap)
{
    for (TwSsize i = 0; i < snap->n; i++)
        tw_decref(snap->items[i].key);
    if (snap->items != NULL)
        tw_mem_free(snap->items, (size_t)cap * sizeof(SetEntry));
}

TwObject *tw_set_to_list(TwObject *set)
{
    Snapshot snap;
    if (snapshot_set(S(set), &snap) < 0)
        return NULL;
    TwSsize cap = snap.n;
    TwObject *l = tw_list_new(snap.n);
    if (l != NULL) {
        for (TwSsize i = 0; i < snap.n; i++)
            tw_list_set_init(l, i, snap.items[i].key);   /* the list takes it */
        snap.n = 0;
    }
    snapshot_release(&snap, cap);
    return l;
}

int tw_set_items_snapshot(TwObject *set, TwDictItem **out, TwSsize *n)
{
    Snapshot snap;
    if (snapshot_set(S(set), &snap) < 0)
        return -1;
    TwDictItem *items = NULL;
    if (snap.n > 0 && (items = tw_mem_alloc((size_t)snap.n * sizeof *items)) == NULL) {
        snapshot_release(&snap, snap.n);
        tw_err_no_memory();
        return -1;
    }
    for (TwSsize i = 0; i < snap.n; i++) {
        items[i].key = snap.items[i].key;     /* the reference moves */
        items[i].value = NULL;
        items[i].hash = snap.items[i].hash;
    }
    *out = items;
    *n = snap.n;
    TwSsize cap = snap.n;
    snap.n = 0;
    snapshot_release(&snap, cap);
    return 0;
}

/* ---------------- building and merging ------------------------------ */

static TwSetObject *set_alloc(TwTypeObject *tp)
{
    TwSetObject *so = (TwSetObject *)tw_gc_alloc(tp, tp->tp_basicsize);
    if (so == NULL)
        return NULL;
    memset((char *)so + sizeof(TwObject), 0, tp->tp_basicsize - sizeof(TwObject));
    so->table = so->smalltable;
    so->mask = SET_MINSIZE - 1;
    so->hash = -1;
    tw_gc_track((TwObject *)so);
    return so;
}

/* so |= other where other is a set or frozenset. */
static int set_merge(TwSetObject *so, TwSetObject *other)
{
    if (so == other)
        return 0;
    int rc = 0;
    bool done = false;
    TW_BEGIN_CRITICAL_SECTION2(so, other);
    if (other->used == 0) {
        done = true;
    } else if ((so->fill + other->used) * 5 >= so->mask * 3 &&
               table_resize(so, (so->used + other->used) * 2) < 0) {
        rc = -1;
        done = true;
    } else if (so->fill == 0) {
        /* Empty target: copy the table as is when the sizes match and the
         * source has no dummies, else re-insert cleanly (no comparisons). */
        if (so->mask == other->mask && other->fill == other->used) {
            for (TwSsize i = 0; i <= other->mask; i++) {
                SetEntry *src = &other->table[i];
                if (src->key != NULL) {
                    so->table[i].key = tw_newref(src->key);
                    so->table[i].hash = src->hash;
                }
            }
            so->fill = other->fill;
        } else {
            for (TwSsize i = 0; i <= other->mask; i++) {
                SetEntry *src = &other->table[i];
                if (IS_ACTIVE(src))
                    insert_clean(so->table, (size_t)so->mask, tw_newref(src->key), src->hash);
            }
            so->fill = other->used;
        }
        tw_atomic_store_ssize(&so->used, other->used);
        done = true;
    }
    TW_END_CRITICAL_SECTION();
    if (done)
        return rc;
    Snapshot snap;
    if (snapshot_set(other, &snap) < 0)
        return -1;
    TwSsize cap = snap.n;
    TW_BEGIN_CRITICAL_SECTION(so);
    for (TwSsize i = 0; i < snap.n && rc == 0; i++)
        rc = set_add_entry(so, snap.items[i].key, snap.items[i].hash);
    TW_END_CRITICAL_SECTION();
    snapshot_release(&snap, cap);
    return rc;
}

static int add_key_cb(void *arg, TwObject *key)
{
    TwSetObject *so = arg;
    TwHash h = tw_container_key_hash(key);
    if (h == -1)
        return -1;
    int rc;
    TW_BEGIN_CRITICAL_SECTION(so);
    rc = set_add_entry(so, key, h);
    TW_END_CRITICAL_SECTION();
    return rc;
}

/* so |= iterable. */
static int set_update_internal(TwSetObject *so, TwObject *other)
{
    if (TW_SET_CHECK(other))
        return set_merge(so, S(other));
    if (TW_TYPE(other) == &TwDict_Type) {
        /* the dict's keys as one state, with their stored hashes: no
         * key's __hash__ runs again (as in CPython) */
        TwDictItem *items;
        TwSsize n;
        if (tw_dict_items_snapshot(other, &items, &n) < 0)
            return -1;
        int rc = 0;
        TW_BEGIN_CRITICAL_SECTION(so);
        if ((so->fill + n) * 5 >= so->mask * 3)
            rc = table_resize(so, (so->used + n) * 2);
        for (TwSsize i = 0; rc == 0 && i < n; i++)
            rc = set_add_entry(so, items[i].key, items[i].hash);
        TW_END_CRITICAL_SECTION();
        tw_dict_items_release(items, n);
        return rc;
    }
    return tw_iterate(other, add_key_cb, so);
}

/* A new set of the base type of tp (set or frozenset) holding iterable. */
static TwObject *make_new_set_basetype(TwTypeObject *tp, TwObject *iterable)
{
    TwSetObject *so = set_alloc(is_frozenset_type(tp) ? &TwFrozenSet_Type : &TwSet_Type);
    if (so != NULL && iterable != NULL && set_update_internal(so, iterable) < 0)
        TW_CLEAR(so);
    return (TwObject *)so;
}

static TwObject *make_new_set(TwTypeObject *tp, TwObject *iterable)
{
    TwSetObject *so = set_alloc(tp);
    if (so != NULL && iterable != NULL && set_update_internal(so, iterable) < 0)
        TW_CLEAR(so);
    return (TwObject *)so;
}

/* ---------------- the C API ---------------------------------------- */

TwObject *tw_set_new(TwObject *iterable) { return make_new_set(&TwSet_Type, iterable); }
TwObject *tw_frozenset_new(TwObject *iterable) { return make_new_set(&TwFrozenSet_Type, iterable); }

int tw_set_add(TwObject *set, TwObject *key)
{
    return add_key_cb(S(set), key);
}

static int contains_hashed(TwSetObject *so, TwObject *key, TwHash h)
{
    int rc;
    TW_BEGIN_CRITICAL_SECTION(so);
    SetEntry *e = set_lookkey(so, key, h);
    rc = e == NULL ? -1 : e->key != NULL;
    TW_END_CRITICAL_SECTION();
    return rc;
}

static int contains_key(TwSetObject *so, TwObject *key)
{
    TwHash h = tw_container_key_hash(key);
    if (h == -1)
        return -1;
    return contains_hashed(so, key, h);
}

static int discard_key(TwSetObject *so, TwObject *key)
{
    TwHash h = tw_container_key_hash(key);
    if (h == -1)
        return -1;
    TwObject *old;
    int rc;
    TW_BEGIN_CRITICAL_SECTION(so);
    rc = set_discard_entry(so, key, h, &old);
    TW_END_CRITICAL_SECTION();
    TW_XDECREF(old);
    return rc;
}

/* An unhashable set used as a key is looked up as the equal frozenset. */
static int with_frozen_key(TwSetObject *so, TwObject *key, int (*op)(TwSetObject *, TwObject *))
{
    int rc = op(so, key);
    if (rc < 0 && TW_TYPE_CHECK(key, &TwSet_Type) && tw_err_matches(TwExc_TypeError)) {
        tw_err_clear();
        TwObject *fk = make_new_set(&TwFrozenSet_Type, key);
        if (fk == NULL)
            return -1;
        rc = op(so, fk);
        TW_DECREF(fk);
    }
    return rc;
}

int tw_set_discard(TwObject *set, TwObject *key) { return with_frozen_key(S(set), key, discard_key); }
int tw_set_contains(TwObject *set, TwObject *key) { return with_frozen_key(S(set), key, contains_key); }
TwSsize tw_set_size(TwObject *set) { return tw_atomic_load_ssize(&S(set)->used); }

/* ---------------- set algebra --------------------------------------- */

static TwObject *set_copy_of(TwObject *so)
{
    return make_new_set_basetype(TW_TYPE(so), so);
}

static TwObject *set_intersection(TwSetObject *so, TwObject *other)
{
    TwSetObject *result = (TwSetObject *)make_new_set_basetype(TW_TYPE(so), NULL);
    if (result == NULL)
        return NULL;
    int rc = 0;
    if (TW_SET_CHECK(other)) {
        TwSetObject *a = so, *b = S(other);
        if (tw_set_size((TwObject *)b) > tw_set_size((TwObject *)a)) {
            TwSetObject *t = a;
            a = b;
            b = t;
        }
        /* Walk the smaller (b), keep what the larger (a) holds. */
        Snapshot snap;
        if (snapshot_set(b, &snap) < 0) {
            TW_DECREF(result);
            return NULL;
        }
        TwSsize cap = snap.n;
        for (TwSsize i = 0; i < snap.n && rc == 0; i++) {
            int in = contains_hashed(a, snap.items[i].key, snap.items[i].hash);
            if (in < 0)
                rc = -1;
            else if (in)
                rc = set_add_entry(result, snap.items[i].key, snap.items[i].hash);
        }
        snapshot_release(&snap, cap);
    } else {
        TwObject *it = tw_object_iter(other);
        if (it == NULL) {
            TW_DECREF(result);
            return NULL;
        }
        TwObject *key;
        while (rc == 0 && (key = tw_iter_next(it)) != NULL) {
            TwHash h = tw_container_key_hash(key);
            int in = h == -1 ? -1 : contains_hashed(so, key, h);
            if (in < 0)
                rc = -1;
            else if (in)
                rc = set_add_entry(result, key, h);
            tw_decref(key);
        }
        TW_DECREF(it);
        if (rc == 0 && tw_err_occurred())
            rc = -1;
    }
    if (rc < 0) {
        TW_DECREF(result);
        return NULL;
    }
    return (TwObject *)result;
}

/* The contents of `with` replace those of so (intersection_update). */
static void set_swap_bodies(TwSetObject *a, TwSetObject *b)
{
    Detached dt;
    TW_BEGIN_CRITICAL_SECTION2(a, b);
    set_detach_locked(a, &dt);
    a->fill = b->fill;
    tw_atomic_store_ssize(&a->used, b->used);
    a->mask = b->mask;
    if (b->table == b->smalltable) {
        memcpy(a->smalltable, b->smalltable, sizeof(a->smalltable));
        a->table = a->smalltable;
    } else {
        a->table = b->table;
    }
    a->hash = -1;
    /* b keeps the old contents of a, to be released with b. */
    b->fill = 0;
    tw_atomic_store_ssize(&b->used, 0);
    b->mask = SET_MINSIZE - 1;
    b->table = b->smalltable;
    memset(b->smalltable, 0, sizeof(b->smalltable));
    TW_END_CRITICAL_SECTION();
    detached_release(&dt);
}

static int discard_cb(void *arg, TwObject *key)
{
    return discard_key((TwSetObject *)arg, key) < 0 ? -1 : 0;
}

static int set_difference_update_internal(TwSetObject *so, TwObject *other)
{
    if ((TwObject *)so == other) {
        set_clear_internal(so);
        return 0;
    }
    int rc = 0;
    if (TW_SET_CHECK(other)) {
        TwObject *src;
        if ((tw_set_size(other) >> 3) > tw_set_size((TwObject *)so)) {
            src = set_intersection(so, other);
            if (src == NULL)
                return -1;
        } else {
            src = tw_newref(other);
        }
        Snapshot snap;
        rc = snapshot_set(S(src), &snap);
        TW_DECREF(src);
        if (rc < 0)
            return -1;
        TwSsize cap = snap.n;
        for (TwSsize i = 0; i < snap.n && rc == 0; i++) {
            TwObject *old;
            TW_BEGIN_CRITICAL_SECTION(so);
            rc = set_discard_entry(so, snap.items[i].key, snap.items[i].hash, &old) < 0 ? -1 : 0;
            TW_END_CRITICAL_SECTION();
            TW_XDECREF(old);
        }
        snapshot_release(&snap, cap);
    } else {
        rc = tw_iterate(other, discard_cb, so);
    }
    if (rc < 0)
        return -1;
    TW_BEGIN_CRITICAL_SECTION(so);
    if ((size_t)(so->fill - so->used) > (size_t)so->mask / 4)
        rc = table_resize(so, so->used > 50000 ? so->used * 2 : so->used * 4);
    TW_END_CRITICAL_SECTION();
    return rc;
}

static TwObject *set_difference(TwSetObject *so, TwObject *other)
{
    TwSsize other_size;
    if (TW_SET_CHECK(other))
        other_size = tw_set_size(other);
    else if (TW_TYPE(other) == &TwDict_Type)
        other_size = tw_dict_size(other);
    else
        other_size = -1;
    if (other_size < 0 || (tw_set_size((TwObject *)so) >> 2) > other_size) {
        TwObject *result = set_copy_of((TwObject *)so);
        if (result != NULL && set_difference_update_internal(S(result), other) < 0)
            TW_CLEAR(result);
        return result;
    }
    TwSetObject *result = (TwSetObject *)make_new_set_basetype(TW_TYPE(so), NULL);
    if (result == NULL)
        return NULL;
    Snapshot snap;
    if (snapshot_set(so, &snap) < 0) {
        TW_DECREF(result);
        return NULL;
    }
    TwSsize cap = snap.n;
    int rc = 0;
    for (TwSsize i = 0; i < snap.n && rc == 0; i++) {
        TwObject *key = snap.items[i].key;
        int in = TW_SET_CHECK(other) ? contains_hashed(S(other), key, snap.items[i].hash)
                                     : tw_dict_contains_hashed(other, key, snap.items[i].hash);
        if (in < 0)
            rc = -1;
        else if (!in)
            rc = set_add_entry(result, key, snap.items[i].hash);
    }
    snapshot_release(&snap, cap);
    if (rc < 0) {
        TW_DECREF(result);
        return NULL;
    }
    return (TwObject *)result;
}

static int set_symmetric_difference_update(TwSetObject *so, TwObject *other)
{
    if ((TwObject *)so == other) {
        set_clear_internal(so);
        return 0;
    }
    TwObject *otherset;
    if (TW_SET_CHECK(other))
        otherset = tw_newref(other);
    else
        otherset = make_new_set_basetype(TW_TYPE(so), other);
    if (otherset == NULL)
        return -1;
    Snapshot snap;
    int rc = snapshot_set(S(otherset), &snap);
    TW_DECREF(otherset);
    if (rc < 0)
        return -1;
    TwSsize cap = snap.n;
    for (TwSsize i = 0; i < snap.n && rc == 0; i++) {
        TwObject *old;
        TW_BEGIN_CRITICAL_SECTION(so);
        int r = set_discard_entry(so, snap.items[i].key, snap.items[i].hash, &old);
        if (r < 0)
            rc = -1;
        else if (r == 0)
            rc = set_add_entry(so, snap.items[i].key, snap.items[i].hash);
        TW_END_CRITICAL_SECTION();
        TW_XDECREF(old);
    }
    snapshot_release(&snap, cap);
    return rc;
}

static TwObject *set_symmetric_difference(TwSetObject *so, TwObject *other)
{
    TwObject *result = make_new_set_basetype(TW_TYPE(so), other);
    if (result != NULL && set_symmetric_difference_update(S(result), (TwObject *)so) < 0)
        TW_CLEAR(result);
    return result;
}

/* 1 if every item of so is in other (a set), 0 if not, -1 error. */
static int set_issubset_impl(TwSetObject *so, TwSetObject *other)
{
    if (tw_set_size((TwObject *)so) > tw_set_size((TwObject *)other))
        return 0;
    Snapshot snap;
    if (snapshot_set(so, &snap) < 0)
        return -1;
    TwSsize cap = snap.n;
    int rc = 1;
    for (TwSsize i = 0; i < snap.n && rc == 1; i++) {
        int in = contains_hashed(other, snap.items[i].key, snap.items[i].hash);
        if (in <= 0)
            rc = in;
    }
    snapshot_release(&snap, cap);
    return rc;
}

/* other as a set (new reference): itself if it is one. */
static TwObject *as_set(TwObject *other)
{
    if (TW_SET_CHECK(other))
        return tw_newref(other);
    return make_new_set(&TwSet_Type, other);
}

/* ---------------- type slots ---------------------------------------- */

static void set_dealloc(TwObject *op)
{
    if (tw_gc_is_tracked(op))
        tw_gc_untrack(op);
    /* Instances of subclasses come here from the generic dealloc, which
     * already runs them through the trashcan. */
    bool guard = (TW_TYPE(op) == &TwSet_Type || TW_TYPE(op) == &TwFrozenSet_Type);
    if (guard && !tw_trashcan_begin(op))
        return;
    TwSetObject *so = S(op);
    for (TwSsize i = 0; i <= so->mask; i++)
        if (IS_ACTIVE(&so->table[i]))
            tw_decref(so->table[i].key);
    if (so->table != so->smalltable)
        tw_mem_free(so->table, ((size_t)so->mask + 1) * sizeof(SetEntry));
    tw_gc_free(op, TW_TYPE(op)->tp_basicsize);
    if (guard)
        tw_trashcan_end();
}

static int set_traverse(TwObject *op, TwVisitFn visit, void *arg)
{
    TwSetObject *so = S(op);
    for (TwSsize i = 0; i <= so->mask; i++) {
        if (IS_ACTIVE(&so->table[i])) {
            int r = visit(so->table[i].key, arg);
            if (r)
                return r;
        }
    }
    return 0;
}

static int set_tp_clear(TwObject *op)
{
    set_clear_internal(S(op));
    return 0;
}

static TwSsize set_len(TwObject *op) { return tw_set_size(op); }

static TwObject *set_repr(TwObject *op)
{
    const char *name = tw_type_name(TW_TYPE(op));
    if (tw_set_size(op) == 0)
        return tw_str_from_format("%s()", name);
    int rc = tw_repr_enter(op);
    if (rc < 0)
        return NULL;
    if (rc > 0)
        return tw_str_from_format("%s(...)", name);
    TwObject *r = NULL;
    TwObject *keys = tw_list_from_iterable(op);
    if (keys != NULL) {
        TwObject *lr = tw_object_repr(keys);
        TW_DECREF(keys);
        if (lr != NULL) {
            /* "[a, b]" -> "{a, b}" */
            TwSsize n = TW_STR_SIZE(lr);
            TwStrBuilder sb;
            tw_sb_init(&sb);
            int ok = 0;
            if (TW_TYPE(op) != &TwSet_Type)
                ok |= tw_sb_append_cstr(&sb, name) | tw_sb_append(&sb, "(", 1);
            ok |= tw_sb_append(&sb, "{", 1);
            ok |= tw_sb_append(&sb, TW_STR_DATA(lr) + 1, (size_t)(n - 2));
            ok |= tw_sb_append(&sb, "}", 1);
            if (TW_TYPE(op) != &TwSet_Type)
                ok |= tw_sb_append(&sb, ")", 1);
            TW_DECREF(lr);
            if (ok < 0)
                tw_sb_discard(&sb);
            else
                r = tw_sb_finish(&sb);
        }
    }
    tw_repr_leave(op);
    return r;
}

static uint64_t shuffle_bits(uint64_t h)
{
    return ((h ^ 89869747UL) ^ (h << 16)) * 3644798167UL;
}

/* CPython's frozenset hash: order-independent, from the entry hashes. */
static TwHash frozenset_hash(TwObject *op)
{
    TwSetObject *so = S(op);
    TwHash cached = __atomic_load_n(&so->hash, __ATOMIC_RELAXED);
    if (cached != -1)
        return cached;
    uint64_t hash = 0;
    for (TwSsize i = 0; i <= so->mask; i++)
        hash ^= shuffle_bits((uint64_t)so->table[i].hash);
    if ((so->mask + 1 - so->fill) & 1)
        hash ^= shuffle_bits(0);
    if ((so->fill - so->used) & 1)
        hash ^= shuffle_bits((uint64_t)-1);
    hash ^= ((uint64_t)so->used + 1) * 1927868237UL;
    hash ^= (hash >> 11) ^ (hash >> 25);
    hash = hash * 69069U + 907133923UL;
    if (hash == (uint64_t)-1)
        hash = 590923713UL;
    __atomic_store_n(&so->hash, (TwHash)hash, __ATOMIC_RELAXED);
    return (TwHash)hash;
}

static TwObject *set_richcompare(TwObject *v, TwObject *w, int op)
{
    if (!TW_SET_CHECK(v) || !TW_SET_CHECK(w))
        return tw_newref(Tw_NotImplemented);
    TwSsize nv = tw_set_size(v), nw = tw_set_size(w);
    int r;
    switch (op) {
    case TW_EQ:
    case TW_NE:
        if (nv != nw) {
            r = 0;
        } else if (S(v)->hash != -1 && S(w)->hash != -1 && S(v)->hash != S(w)->hash) {
            r = 0;
        } else {
            r = set_issubset_impl(S(v), S(w));
            if (r < 0)
                return NULL;
        }
        return tw_bool_from((r > 0) == (op == TW_EQ));
    case TW_LE:
        r = set_issubset_impl(S(v), S(w));
        break;
    case TW_GE:
        r = set_issubset_impl(S(w), S(v));
        break;
    case TW_LT:
        r = nv >= nw ? 0 : set_issubset_impl(S(v), S(w));
        break;
    default:
        r = nv <= nw ? 0 : set_issubset_impl(S(w), S(v));
        break;
    }
    if (r < 0)
        return NULL;
    return tw_bool_from(r > 0);
}

static int set_contains_slot(TwObject *op, TwObject *key) { return tw_set_contains(op, key); }

static TwObject *set_or(TwObject *a, TwObject *b)
{
    if (!TW_SET_CHECK(a) || !TW_SET_CHECK(b))
        return tw_newref(Tw_NotImplemented);
    TwObject *r = set_copy_of(a);
    if (r != NULL && a != b && set_update_internal(S(r), b) < 0)
        TW_CLEAR(r);
    return r;
}

static TwObject *set_and(TwObject *a, TwObject *b)
{
    if (!TW_SET_CHECK(a) || !TW_SET_CHECK(b))
        return tw_newref(Tw_NotImplemented);
    return set_intersection(S(a), b);
}

static TwObject *set_sub(TwObject *a, TwObject *b)
{
    if (!TW_SET_CHECK(a) || !TW_SET_CHECK(b))
        return tw_newref(Tw_NotImplemented);
    return set_difference(S(a), b);
}

static TwObject *set_xor(TwObject *a, TwObject *b)
{
    if (!TW_SET_CHECK(a) || !TW_SET_CHECK(b))
        return tw_newref(Tw_NotImplemented);
    return set_symmetric_difference(S(a), b);
}

static TwObject *set_ior(TwObject *a, TwObject *b)
{
    if (!TW_SET_CHECK(b))
        return tw_newref(Tw_NotImplemented);
    if (set_update_internal(S(a), b) < 0)
        return NULL;
    return tw_newref(a);
}

static TwObject *set_iand(TwObject *a, TwObject *b)
{
    if (!TW_SET_CHECK(b))
        return tw_newref(Tw_NotImplemented);
    TwObject *tmp = set_intersection(S(a), b);
    if (tmp == NULL)
        return NULL;
    set_swap_bodies(S(a), S(tmp));
    TW_DECREF(tmp);
    return tw_newref(a);
}

static TwObject *set_isub(TwObject *a, TwObject *b)
{
    if (!TW_SET_CHECK(b))
        return tw_newref(Tw_NotImplemented);
    if (set_difference_update_internal(S(a), b) < 0)
        return NULL;
    return tw_newref(a);
}

static TwObject *set_ixor(TwObject *a, TwObject *b)
{
    if (!TW_SET_CHECK(b))
        return tw_newref(Tw_NotImplemented);
    if (set_symmetric_difference_update(S(a), b) < 0)
        return NULL;
    return tw_newref(a);
}

/* ---------------- methods ------------------------------------------- */

#define NOKW(name)                                           \
    if (tw_arg_check_no_kwargs(name, kwnames) < 0)           \
        return NULL

static TwObject *set_m_add(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    NOKW("add");
    if (tw_arg_check_count("add", nargs, 1, 1) < 0 || tw_set_add(self, args[0]) < 0)
        return NULL;
    TW_RETURN_NONE;
}

static TwObject *set_m_discard(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    NOKW("discard");
    if (tw_arg_check_count("discard", nargs, 1, 1) < 0 || tw_set_discard(self, args[0]) < 0)
        return NULL;
    TW_RETURN_NONE;
}

static TwObject *set_m_remove(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    NOKW("remove");
    if (tw_arg_check_count("remove", nargs, 1, 1) < 0)
        return NULL;
    int r = tw_set_discard(self, args[0]);
    if (r < 0)
        return NULL;
    if (r == 0) {
        TwObject *exc = tw_call1(TwExc_KeyError, args[0]);
        if (exc != NULL)
            tw_err_raise(exc);
        return NULL;
    }
    TW_RETURN_NONE;
}

static TwObject *set_m_pop(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    NOKW("pop");
    if (tw_arg_check_count("pop", nargs, 0, 0) < 0)
        return NULL;
    TwSetObject *so = S(self);
    TwObject *key = NULL;
    TW_BEGIN_CRITICAL_SECTION(so);
    if (so->used > 0) {
        SetEntry *e = so->table + (so->finger & so->mask);
        SetEntry *limit = so->table + so->mask;
        while (!IS_ACTIVE(e)) {
            e++;
            if (e > limit)
                e = so->table;
        }
        key = e->key;
        e->key = DUMMY;
        e->hash = -1;
        tw_atomic_store_ssize(&so->used, so->used - 1);
        so->finger = e - so->table + 1;
    }
    TW_END_CRITICAL_SECTION();
    if (key == NULL) {
        TwObject *exc = tw_exc_new_msg(TwExc_KeyError, "pop from an empty set");
        if (exc != NULL)
            tw_err_raise(exc);
    }
    return key;
}

static TwObject *set_m_clear(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    NOKW("clear");
    if (tw_arg_check_count("clear", nargs, 0, 0) < 0)
        return NULL;
    set_clear_internal(S(self));
    TW_RETURN_NONE;
}

static TwObject *set_m_copy(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    NOKW("copy");
    if (tw_arg_check_count("copy", nargs, 0, 0) < 0)
        return NULL;
    if (TW_TYPE(self) == &TwFrozenSet_Type)
        return tw_newref(self);
    return set_copy_of(self);
}

static TwObject *set_m_update(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    NOKW("update");
    for (size_t i = 0; i < nargs; i++)
        if (set_update_internal(S(self), args[i]) < 0)
            return NULL;
    TW_RETURN_NONE;
}

static TwObject *set_m_union(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    NOKW("union");
    TwObject *r = set_copy_of(self);
    for (size_t i = 0; r != NULL && i < nargs; i++)
        if (args[i] != self && set_update_internal(S(r), args[i]) < 0)
            TW_CLEAR(r);
    return r;
}

static TwObject *set_m_intersection(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    NOKW("intersection");
    TwObject *r = tw_newref(self);
    if (nargs == 0) {
        TW_DECREF(r);
        return set_copy_of(self);
    }
    for (size_t i = 0; i < nargs; i++) {
        TwObject *n = set_intersection(S(r), args[i]);
        TW_DECREF(r);
        if (n == NULL)
            return NULL;
        r = n;
    }
    return r;
}

static TwObject *set_m_intersection_update(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    TwObject *tmp = set_m_intersection(self, args, nargs, kwnames);
    if (tmp == NULL)
        return NULL;
    set_swap_bodies(S(self), S(tmp));
    TW_DECREF(tmp);
    TW_RETURN_NONE;
}

static TwObject *set_m_difference(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    NOKW("difference");
    if (nargs == 0)
        return set_copy_of(self);
    TwObject *r = set_difference(S(self), args[0]);
    for (size_t i = 1; r != NULL && i < nargs; i++)
        if (set_difference_update_internal(S(r), args[i]) < 0)
            TW_CLEAR(r);
    return r;
}

static TwObject *set_m_difference_update(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    NOKW("difference_update");
    for (size_t i = 0; i < nargs; i++)
        if (set_difference_update_internal(S(self), args[i]) < 0)
            return NULL;
    TW_RETURN_NONE;
}

static TwObject *set_m_symmetric_difference(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    NOKW("symmetric_difference");
    if (tw_arg_check_count("symmetric_difference", nargs, 1, 1) < 0)
        return NULL;
    return set_symmetric_difference(S(self), args[0]);
}

static TwObject *set_m_symmetric_difference_update(TwObject *self, TwObject *const *args, size_t nargs,
                                                   TwObject *kwnames)
{
    NOKW("symmetric_difference_update");
    if (tw_arg_check_count("symmetric_difference_update", nargs, 1, 1) < 0)
        return NULL;
    if (set_symmetric_difference_update(S(self), args[0]) < 0)
        return NULL;
    TW_RETURN_NONE;
}

static TwObject *set_m_issubset(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    NOKW("issubset");
    if (tw_arg_check_count("issubset", nargs, 1, 1) < 0)
        return NULL;
    TwObject *o = as_set(args[0]);
    if (o == NULL)
        return NULL;
    int r = set_issubset_impl(S(self), S(o));
    TW_DECREF(o);
    return r < 0 ? NULL : tw_bool_from(r);
}

static TwObject *set_m_issuperset(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    NOKW("issuperset");
    if (tw_arg_check_count("issuperset", nargs, 1, 1) < 0)
        return NULL;
    TwObject *o = as_set(args[0]);
    if (o == NULL)
        return NULL;
    int r = set_issubset_impl(S(o), S(self));
    TW_DECREF(o);
    return r < 0 ? NULL : tw_bool_from(r);
}

typedef struct {
    TwSetObject *probe;
    bool found;
} DisjointState;

static int disjoint_cb(void *arg, TwObject *key)
{
    DisjointState *st = arg;
    int in = contains_key(st->probe, key);
    if (in < 0)
        return -1;
    if (in) {
        st->found = true;
        return -1;              /* stop: no exception set */
    }
    return 0;
}

static TwObject *set_m_isdisjoint(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    NOKW("isdisjoint");
    if (tw_arg_check_count("isdisjoint", nargs, 1, 1) < 0)
        return NULL;
    TwObject *other = args[0];
    TwObject *walk = other, *probe = self;
    if (TW_SET_CHECK(other) && tw_set_size(other) > tw_set_size(self)) {
        walk = self;
        probe = other;
    }
    DisjointState st = {S(probe), false};
    if (tw_iterate(walk, disjoint_cb, &st) < 0) {
        if (st.found)
            TW_RETURN_FALSE;
        return NULL;
    }
    TW_RETURN_TRUE;
}

/* ---------------- iterator ------------------------------------------ */

typedef struct {
    TwObject ob_base;
    TwObject *set;            /* NULL once exhausted          */
    TwSsize used;             /* size when iteration began    */
    TwSsize pos;              /* next slot to look at         */
    TwSsize len;              /* items still expected         */
} SetIter;

static TwObject *set_iter(TwObject *op)
{
    SetIter *it = (SetIter *)tw_gc_alloc(&TwSetIter_Type, sizeof(SetIter));
    if (it == NULL)
        return NULL;
    it->set = tw_newref(op);
    it->used = tw_set_size(op);
    it->len = it->used;
    it->pos = 0;
    tw_gc_track((TwObject *)it);
    return (TwObject *)it;
}

static void setiter_dealloc(TwObject *op)
{
    if (tw_gc_is_tracked(op))
        tw_gc_untrack(op);
    TW_XDECREF(((SetIter *)op)->set);
    tw_gc_free(op, sizeof(SetIter));
}

static int setiter_traverse(TwObject *op, TwVisitFn visit, void *arg)
{
    SetIter *it = (SetIter *)op;
    return it->set ? visit(it->set, arg) : 0;
}

/* Shared iterators: containers.h, I1-I2. */
static TwObject *setiter_step(TwObject *op)
{
    SetIter *it = (SetIter *)op;
    TwObject *s = tw_atomic_load_ptr(&it->set), *key = NULL;
    if (s == NULL)
        return NULL;
    if (tw_atomic_load_ssize(&it->used) != tw_set_size(s)) {
        tw_err_set_string(TwExc_RuntimeError, "Set changed size during iteration");
        tw_atomic_store_ssize(&it->used, -1);
        return NULL;
    }
    TwSetObject *so = S(s);
    TW_BEGIN_CRITICAL_SECTION(so);
    TwSsize i = tw_atomic_load_ssize(&it->pos);
    while (i <= so->mask && !IS_ACTIVE(&so->table[i]))
        i++;
    if (i <= so->mask) {
        key = tw_newref(so->table[i].key);
        tw_atomic_store_ssize(&it->pos, i + 1);
    }
    TW_END_CRITICAL_SECTION();
    TwSsize len = tw_atomic_load_ssize(&it->len);
    if (key == NULL || len <= 0) {
        TW_XDECREF(key);
        if (!tw_iter_release(op, &it->set, s))
            tw_atomic_store_ssize(&it->len, 0);
        return NULL;
    }
    tw_atomic_store_ssize(&it->len, len - 1);
    return key;
}

/* One other threads may use steps inside its own critical section (which
 * also unbiases it), so that its position and count move together. */
static TwObject *setiter_next(TwObject *op)
{
    if (tw_iter_owns_alone(op))
        return setiter_step(op);
    TwObject *r;
    TW_BEGIN_CRITICAL_SECTION(op);
    r = setiter_step(op);
    TW_END_CRITICAL_SECTION();
    return r;
}

static TwObject *iter_self(TwObject *op) { return tw_newref(op); }

static TwObject *setiter_length_hint(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    SetIter *it = (SetIter *)self;
    tw_bias_check_read(self);
    TwObject *s = tw_atomic_load_ptr(&it->set);
    TwSsize len = tw_atomic_load_ssize(&it->len);
    return tw_int_from_i64(s && tw_atomic_load_ssize(&it->used) == tw_set_size(s) && len > 0 ? len : 0);
}

static const TwMethodDef setiter_methods[] = {
    {"__length_hint__", setiter_length_hint, 0},
    {NULL, NULL, 0},
};

TwTypeObject TwSetIter_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "set_iterator",
    .tp_basicsize = sizeof(SetIter),
    .tp_flags = TW_TPFLAGS_HAVE_GC,
    .tp_dealloc = setiter_dealloc,
    .tp_traverse = setiter_traverse,
    .tp_iter = iter_self,
    .tp_iternext = setiter_next,
    .tp_methods = setiter_methods,
};

/* ---------------- construction -------------------------------------- */

static TwObject *set_new_slot(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return (TwObject *)set_alloc(type);
}

/* set.__init__(iterable=()): clears, then adds the items. */
static int set_init(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (kwnames != NULL && TW_TUPLE_SIZE(kwnames) > 0) {
        tw_err_set_string(TwExc_TypeError, "set() takes no keyword arguments");
        return -1;
    }
    if (nargs > 1) {
        tw_err_format(TwExc_TypeError, "set expected at most 1 argument, got %zd", (TwSsize)nargs);
        return -1;
    }
    if (tw_set_size(self) > 0)
        set_clear_internal(S(self));
    if (nargs == 1)
        return set_update_internal(S(self), args[0]);
    return 0;
}

static TwObject *frozenset_new_slot(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (kwnames != NULL && TW_TUPLE_SIZE(kwnames) > 0)
        return tw_err_format(TwExc_TypeError, "frozenset() takes no keyword arguments");
    if (nargs > 1)
        return tw_err_format(TwExc_TypeError, "frozenset expected at most 1 argument, got %zd", (TwSsize)nargs);
    if (type == &TwFrozenSet_Type && nargs == 1 && TW_TYPE(args[0]) == &TwFrozenSet_Type)
        return tw_newref(args[0]);
    return make_new_set(type, nargs == 1 ? args[0] : NULL);
}

static const TwMethodDef set_methods[] = {
    {"add", set_m_add, 0},
    {"discard", set_m_discard, 0},
    {"remove", set_m_remove, 0},
    {"pop", set_m_pop, 0},
    {"clear", set_m_clear, 0},
    {"copy", set_m_copy, 0},
    {"update", set_m_update, 0},
    {"union", set_m_union, 0},
    {"intersection", set_m_intersection, 0},
    {"intersection_update", set_m_intersection_update, 0},
    {"difference", set_m_difference, 0},
    {"difference_update", set_m_difference_update, 0},
    {"symmetric_difference", set_m_symmetric_difference, 0},
    {"symmetric_difference_update", set_m_symmetric_difference_update, 0},
    {"issubset", set_m_issubset, 0},
    {"issuperset", set_m_issuperset, 0},
    {"isdisjoint", set_m_isdisjoint, 0},
    {NULL, NULL, 0},
};

static const TwMethodDef frozenset_methods[] = {
    {"copy", set_m_copy, 0},
    {"union", set_m_union, 0},
    {"intersection", set_m_intersection, 0},
    {"difference", set_m_difference, 0},
    {"symmetric_difference", set_m_symmetric_difference, 0},
    {"issubset", set_m_issubset, 0},
    {"issuperset", set_m_issuperset, 0},
    {"isdisjoint", set_m_isdisjoint, 0},
    {NULL, NULL, 0},
};

TwTypeObject TwSet_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "set",
    .tp_basicsize = sizeof(TwSetObject),
    .tp_flags = TW_TPFLAGS_HAVE_GC | TW_TPFLAGS_BASETYPE,
    .tp_dealloc = set_dealloc,
    .tp_repr = set_repr,
    .tp_hash = tw_object_hash_unhashable,
    .tp_richcompare = set_richcompare,
    .tp_iter = set_iter,
    .tp_new = set_new_slot,
    .tp_init = set_init,
    .tp_traverse = set_traverse,
    .tp_clear = set_tp_clear,
    .nb = {[TW_BINOP_OR] = set_or, [TW_BINOP_AND] = set_and,
           [TW_BINOP_SUB] = set_sub, [TW_BINOP_XOR] = set_xor},
    .nb_inplace = {[TW_BINOP_OR] = set_ior, [TW_BINOP_AND] = set_iand,
                   [TW_BINOP_SUB] = set_isub, [TW_BINOP_XOR] = set_ixor},
    .tp_len = set_len,
    .tp_contains = set_contains_slot,
    .tp_methods = set_methods,
};

TwTypeObject TwFrozenSet_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "frozenset",
    .tp_basicsize = sizeof(TwSetObject),
    .tp_flags = TW_TPFLAGS_HAVE_GC | TW_TPFLAGS_BASETYPE,
    .tp_dealloc = set_dealloc,
    .tp_repr = set_repr,
    .tp_hash = frozenset_hash,
    .tp_richcompare = set_richcompare,
    .tp_iter = set_iter,
    .tp_new = frozenset_new_slot,
    .tp_traverse = set_traverse,
    .tp_clear = set_tp_clear,
    .nb = {[TW_BINOP_OR] = set_or, [TW_BINOP_AND] = set_and,
           [TW_BINOP_SUB] = set_sub, [TW_BINOP_XOR] = set_xor},
    .tp_len = set_len,
    .tp_contains = set_contains_slot,
    .tp_methods = frozenset_methods,
};
