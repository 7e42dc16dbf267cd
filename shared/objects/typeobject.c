/*
 * typeobject.c — `type` and `object`, readying static types, the MRO,
 * attribute lookup along it, and classes made by `class` statements.
 *
 * Static types (int, list, ValueError, ...) are C structs; tw_type_ready
 * fills their dict from tp_methods / tp_getset and adds a "slot wrapper"
 * for each C slot they define (`int.__add__`), then inherits the slots they
 * left NULL from tp_base.
 *
 * Heap types (classes) go the other way: the class body's dict holds Python
 * functions under dunder names, and each C slot is set from what the MRO
 * finds for its dunders (tw_slotdefs below, one row per dunder):
 *   - nothing found            -> slot NULL
 *   - only slot wrappers of one C function (inherited from a built-in base)
 *                              -> that C function itself (no Python detour)
 *   - anything else            -> a dispatcher that calls the dunder
 * A class that defines __eq__ but not __hash__ gets __hash__ = None, which
 * makes its instances unhashable.  Assigning a dunder on a class later
 * (C.__add__ = f) redoes this for the class and its subclasses, writing
 * what changes while no other thread runs ("slot updates" below).
 *
 * Instances of a class are GC-tracked.  Their layout is the "solid" base's
 * (the nearest static type) plus one pointer for the instance __dict__ when
 * the base has none; str and tuple subclasses get no __dict__ slot (their
 * items follow the fixed part).  Instances own a reference to their class.
 *
 * Attribute lookup along the MRO goes through a per-thread cache keyed by
 * (tp_version, interned name).  Versions are unique over the whole run, and
 * a class's version changes whenever its dict or an ancestor's changes, so
 * a stale entry can never match.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "twinpy/interp.h"
#include "twinpy/types.h"
#include "twinpy/vm.h"
#include "typeobject_internal.h"

typedef struct {
    TwTypeObject type;
    TwObject *ht_name;            /* str: __name__                           */
    TwObject *ht_qualname;        /* str: __qualname__                       */
    /* names replaced by assignment (list or NULL), kept while the class
     * lives: tp_name points into ht_name's characters, and threads read
     * both names without a lock (type_set_name) */
    TwObject *ht_retired;
    TwTypeObject **subclasses;    /* heap subclasses (borrowed), for versions */
    size_t nsub, capsub;
} TwHeapTypeObject;

#define HT(tp) ((TwHeapTypeObject *)(tp))
#define IS_HEAP(tp) (((tp)->tp_flags & TW_TPFLAGS_HEAPTYPE) != 0)

/* Classes are GC objects, static types are not: a class's own type is
 * TwHeapType_Type (named "type", a subclass of type, with
 * TW_TPFLAGS_HAVE_GC), while static types have TwType_Type, which has no
 * GC flag, so the collector never looks for a GC prefix in front of a
 * static struct.  Python code never sees the difference: type(C) and
 * C.__class__ report `type`. */
static TwTypeObject TwHeapType_Type;

static inline TwTypeObject *visible_type(TwTypeObject *tp)
{
    return tp == &TwHeapType_Type ? &TwType_Type : tp;
}

static uint64_t next_version = 1;

static uint64_t new_version(void)
{
    return __atomic_fetch_add(&next_version, 1, __ATOMIC_RELAXED);
}

TwObject *tw_id(const char *s)
{
    return tw_str_intern_cstr(s);
}

/* ------------------------------------------------------------------ */
/* allocation of instances                                            */
/* ------------------------------------------------------------------ */

static _Thread_local uint64_t heap_type_refs_taken;

TwObject *tw_type_alloc_instance(TwTypeObject *tp, TwSsize nitems)
{
    size_t size = tp->tp_basicsize + (size_t)nitems * tp->tp_itemsize;
    if (size < sizeof(TwObject))
        size = sizeof(TwObject);
    TwObject *op = (tp->tp_flags & TW_TPFLAGS_HAVE_GC) ? tw_gc_alloc(tp, size) : tw_object_alloc(tp, size);
    if (!op)
        return tw_err_no_memory();
    memset((char *)op + sizeof(TwObject), 0, size - sizeof(TwObject));
    if (IS_HEAP(tp)) {
        tw_incref_likely_deferred((TwObject *)tp);    /* a class: deferred */
        heap_type_refs_taken++;
    }
    return op;
}

/* Run a static type's tp_new for a class (sb is the class's static base).
 * An instance of a class owns a reference to it; a tp_new that allocated
 * without tw_type_alloc_instance did not take it, which the per-thread
 * count of references taken tells, so take it here. */
TwObject *tw_type_call_static_new(TwTypeObject *sb, TwTypeObject *type, TwObject *const *args, size_t nargs,
                                  TwObject *kwnames)
{
    uint64_t before = heap_type_refs_taken;
    TwObject *obj = sb->tp_new(type, args, nargs, kwnames);
    if (obj && IS_HEAP(TW_TYPE(obj)) && heap_type_refs_taken == before)
        tw_incref((TwObject *)TW_TYPE(obj));
    return obj;
}

void tw_type_free_instance(TwObject *op, TwSsize nitems)
{
    TwTypeObject *tp = TW_TYPE(op);
    size_t size = tp->tp_basicsize + (size_t)nitems * tp->tp_itemsize;
    if (size < sizeof(TwObject))
        size = sizeof(TwObject);
    if (tp->tp_flags & TW_TPFLAGS_HAVE_GC)
        tw_gc_free(op, size);
    else
        tw_object_free(op, size);
}

/* The nearest static type on the tp_base chain: it owns the layout. */
static TwTypeObject *static_base(TwTypeObject *tp)
{
    while (tp && IS_HEAP(tp))
        tp = tp->tp_base;
    return tp;
}

/* Does tp's instance carry a __dict__ slot that a class added (as opposed
 * to one the static base manages itself, like exceptions')? */
static bool heap_dict_slot(TwTypeObject *tp)
{
    TwTypeObject *sb = static_base(tp);
    return tp->tp_dictoffset != 0 && tp->tp_dictoffset != sb->tp_dictoffset;
}

static TwObject **dict_slot(TwObject *o)
{
    TwSsize off = TW_TYPE(o)->tp_dictoffset;
    return off > 0 ? (TwObject **)((char *)o + off) : NULL;
}

/* Instances of classes: drop the __dict__ a class added, let the static
 * base free the rest, then drop the instance's reference to its class.
 * Deep chains (linked lists of nodes) are flattened by the trashcan. */
static _Thread_local TwObject *dealloc_in_base;

/* An instance whose count reached zero runs its class's finalizer before
 * anything of it is released (unless it has run already, or no thread
 * state is current to run it on).  The finalizer may store self somewhere:
 * false then, and self lives on.  Tracked again (a class's instances
 * carry the GC prefix; one the trashcan postponed was untracked then)
 * before our reference goes: once it has gone, another thread holding a
 * reference the finalizer made may drop it and deallocate self. */
static bool finalize_from_dealloc(TwObject *self)
{
    bool gc = (TW_TYPE(self)->tp_flags & TW_TPFLAGS_HAVE_GC) != 0;
    if (tw_gc_is_finalized(self) || !tw_tstate())
        return true;
    tw_resurrect_begin(self);
    tw_object_call_finalizer(self);
    if (gc)
        tw_gc_track(self);
    if (!tw_resurrect_end(self))
        return false;
    if (gc)
        tw_gc_untrack(self);
    return true;
}

void tw_object_dealloc_generic(TwObject *self)
{
    TwTypeObject *tp = TW_TYPE(self);
    if (self == dealloc_in_base) {
        /* the static base's dealloc handed a subclass instance back to
         * us: it has nothing of its own to release, so free the memory */
        dealloc_in_base = NULL;
        tw_type_free_instance(self, 0);
        return;
    }
    /* out of the collector's sight before any field is dropped */
    if ((tp->tp_flags & TW_TPFLAGS_HAVE_GC) && tw_gc_is_tracked(self))
        tw_gc_untrack(self);
    if (!tw_trashcan_begin(self))
        return;
    if (tp->tp_finalize && !finalize_from_dealloc(self)) {
        tw_trashcan_end();
        return;
    }
    TwTypeObject *sb = static_base(tp);
    if (heap_dict_slot(tp)) {
        TwObject **dp = dict_slot(self);
        TW_CLEAR(*dp);
    }
    TwObject *saved = dealloc_in_base;
    dealloc_in_base = self;
    sb->tp_dealloc(self);
    dealloc_in_base = saved;
    tw_trashcan_end();
    if (IS_HEAP(tp))
        tw_decref_likely_deferred((TwObject *)tp);
}

static int heap_instance_traverse(TwObject *self, TwVisitFn visit, void *arg)
{
    TwTypeObject *tp = TW_TYPE(self);
    TwTypeObject *sb = static_base(tp);
    if (heap_dict_slot(tp)) {
        TwObject *d = *dict_slot(self);
        if (d) {
            int r = visit(d, arg);
            if (r)
                return r;
        }
    }
    if (IS_HEAP(tp)) {
        int r = visit((TwObject *)tp, arg);
        if (r)
            return r;
    }
    return sb->tp_traverse ? sb->tp_traverse(self, visit, arg) : 0;
}

static int heap_instance_clear(TwObject *self)
{
    TwTypeObject *tp = TW_TYPE(self);
    TwTypeObject *sb = static_base(tp);
    if (heap_dict_slot(tp)) {
        TwObject **dp = dict_slot(self);
        TW_CLEAR(*dp);
    }
    return sb->tp_clear ? sb->tp_clear(self) : 0;
}

/* ------------------------------------------------------------------ */
/* object                                                             */
/* ------------------------------------------------------------------ */

static TwObject *object_new(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames);
static TwObject *heap_static_new(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames);

/* The tp_new that really runs for type (classes forward to their static base's). */
static TwNewFn effective_new(TwTypeObject *type)
{
    return type->tp_new == heap_static_new ? static_base(type)->tp_new : type->tp_new;
}
static int object_init(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames);

static bool excess_args(size_t nargs, TwObject *kwnames)
{
    return nargs > 0 || (kwnames && TW_TUPLE_SIZE(kwnames) > 0);
}

TwObject *tw_object_new_plain(TwTypeObject *type)
{
    TwObject *obj = tw_type_alloc_instance(type, 0);
    if (obj && (type->tp_flags & TW_TPFLAGS_HAVE_GC))
        tw_gc_track(obj);
    return obj;
}

/* object.__new__: extra arguments are an error unless __init__ is
 * overridden (and __new__ is not), CPython's rule. */
static TwObject *object_new(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (excess_args(nargs, kwnames)) {
        if (effective_new(type) != object_new)
            return tw_err_format(TwExc_TypeError,
                                 "object.__new__() takes exactly one argument (the type to instantiate)");
        if (type->tp_init == object_init)
            return tw_err_format(TwExc_TypeError, "%s() takes no arguments", tw_type_name(type));
    }
    return tw_object_new_plain(type);
}

static int object_init(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (excess_args(nargs, kwnames)) {
        TwTypeObject *type = TW_TYPE(self);
        if (type->tp_init != object_init) {
            tw_err_format(TwExc_TypeError,
                          "object.__init__() takes exactly one argument (the instance to initialize)");
            return -1;
        }
        if (effective_new(type) == object_new) {
            tw_err_format(TwExc_TypeError, "%s() takes no arguments", tw_type_name(type));
            return -1;
        }
    }
    return 0;
}

static void object_dealloc(TwObject *self)
{
    tw_type_free_instance(self, 0);
}

/* "module.qualname" of a type, without "builtins." (borrowed C strings
 * are not possible for heap types, so this returns a str). */
static TwObject *type_module(TwTypeObject *tp);
static TwObject *type_qualname(TwTypeObject *tp);

static TwObject *type_full_name(TwTypeObject *tp)
{
    TwObject *mod = type_module(tp);
    if (!mod)
        return NULL;
    TwObject *qn = type_qualname(tp);
    if (!qn) {
        tw_decref(mod);
        return NULL;
    }
    TwObject *r;
    if (TW_STR_CHECK(mod) && !tw_str_eq_cstr(mod, "builtins"))
        r = tw_str_from_format("%S.%S", mod, qn);
    else
        r = tw_newref(qn);
    tw_decref(mod);
    tw_decref(qn);
    return r;
}

static TwObject *object_repr(TwObject *self)
{
    TwObject *name = type_full_name(TW_TYPE(self));
    if (!name)
        return NULL;
    TwObject *r = tw_str_from_format("<%S object at %p>", name, (void *)self);
    tw_decref(name);
    return r;
}

static TwObject *object_str(TwObject *self)
{
    return tw_object_repr(self);
}

/* object.__eq__ is identity; object.__ne__ inverts whatever __eq__ says. */
static TwObject *object_richcompare(TwObject *self, TwObject *other, int op)
{
    switch (op) {
    case TW_EQ:
        return tw_newref(self == other ? Tw_True : Tw_NotImplemented);
    case TW_NE: {
        TwRichCmpFn eq = TW_TYPE(self)->tp_richcompare;
        if (!eq)
            return tw_newref(Tw_NotImplemented);
        TwObject *r = eq(self, other, TW_EQ);
        if (r && r != Tw_NotImplemented) {
            int t = tw_object_is_true(r);
            tw_decref(r);
            if (t < 0)
                return NULL;
            return tw_bool_from(!t);
        }
        return r;
    }
    default:
        return tw_newref(Tw_NotImplemented);
    }
}

TwHash tw_object_hash_identity(TwObject *o)
{
    uintptr_t y = (uintptr_t)o;
    y = (y >> 4) | (y << (8 * sizeof(uintptr_t) - 4));
    TwHash h = (TwHash)y;
    return h == -1 ? -2 : h;
}

TwHash tw_object_hash_unhashable(TwObject *o)
{
    tw_err_format(TwExc_TypeError, "unhashable type: '%s'", tw_type_name(TW_TYPE(o)));
    return -1;
}

static TwObject *object_get_class(TwObject *self)
{
    return tw_newref((TwObject *)visible_type(TW_TYPE(self)));
}

/* obj.__class__ = C: only between classes with the same layout. */
static int object_set_class(TwObject *self, TwObject *value)
{
    if (!value) {
        tw_err_set_string(TwExc_TypeError, "can't delete __class__ attribute");
        return -1;
    }
    if (!TW_HAS_TPFLAG(value, TW_TPFLAGS_TYPE_SUBCLASS)) {
        tw_err_format(TwExc_TypeError, "__class__ must be set to a class, not '%T' object", value);
        return -1;
    }
    TwTypeObject *old = TW_TYPE(self), *new = (TwTypeObject *)value;
    if (!IS_HEAP(old) || !IS_HEAP(new) || static_base(old) != static_base(new) ||
        old->tp_basicsize != new->tp_basicsize || old->tp_dictoffset != new->tp_dictoffset) {
        tw_err_format(TwExc_TypeError, "__class__ assignment: '%s' object layout differs from '%s'",
                      tw_type_name(new), tw_type_name(old));
        return -1;
    }
    tw_incref(value);
    self->ob_type = new;
    tw_decref((TwObject *)old);
    return 0;
}

static TwObject *object_format(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_count("__format__", nargs, 1, 1) < 0)
        return NULL;
    if (!TW_STR_CHECK(args[0]))
        return tw_err_format(TwExc_TypeError, "__format__() argument must be str, not %T", args[0]);
    if (TW_STR_SIZE(args[0]) != 0)
        return tw_err_format(TwExc_TypeError, "unsupported format string passed to %s.__format__",
                             tw_type_name(TW_TYPE(self)));
    return tw_object_str(self);
}

/* dir(obj): the instance dict's keys and every name along the MRO, sorted. */
static TwObject *object_dir(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    TwObject *names = tw_dict_new();
    if (!names)
        return NULL;
    TwObject **dp = dict_slot(self);
    TwObject *d = dp ? tw_field_get_ref(dp) : NULL;
    if (d) {
        int rc = tw_dict_update(names, d);
        tw_decref(d);
        if (rc < 0)
            goto fail;
    }
    TwObject *mro = TW_TYPE(self)->tp_mro;
    for (TwSsize i = 0; mro && i < TW_TUPLE_SIZE(mro); i++) {
        TwTypeObject *b = (TwTypeObject *)TW_TUPLE_GET(mro, i);
        if (b->tp_dict && tw_dict_update(names, b->tp_dict) < 0)
            goto fail;
    }
    TwObject *keys = tw_dict_keys_list(names);
    tw_decref(names);
    if (keys && tw_list_sort(keys, NULL, false) < 0) {
        tw_decref(keys);
        return NULL;
    }
    return keys;
fail:
    tw_decref(names);
    return NULL;
}

static TwObject *object_sizeof(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_count("__sizeof__", nargs, 0, 0) < 0)
        return NULL;
    return tw_int_from_i64((int64_t)TW_TYPE(self)->tp_basicsize);
}

static TwObject *object_init_subclass(TwObject *cls, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (nargs > 0 || (kwnames && TW_TUPLE_SIZE(kwnames) > 0))
        return tw_err_format(TwExc_TypeError, "%s.__init_subclass__() takes no keyword arguments",
                             tw_type_name((TwTypeObject *)cls));
    TW_RETURN_NONE;
}

static const TwMethodDef object_methods[] = {
    {"__sizeof__", object_sizeof, 0},
    {"__init_subclass__", object_init_subclass, TW_METH_CLASS},
    {"__format__", object_format, 0},
    {"__dir__", object_dir, 0},
    {NULL, NULL, 0},
};

static const TwGetSetDef object_getset[] = {
    {"__class__", object_get_class, object_set_class},
    {NULL, NULL, NULL},
};

TwTypeObject TwBaseObject_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "object",
    .tp_basicsize = sizeof(TwObject),
    .tp_flags = TW_TPFLAGS_BASETYPE | TW_TPFLAGS_SHARE_HOT,
    .tp_dealloc = object_dealloc,
    .tp_repr = object_repr,
    .tp_str = object_str,
    .tp_hash = tw_object_hash_identity,
    .tp_richcompare = object_richcompare,
    .tp_getattro = tw_object_generic_getattr,
    .tp_setattro = tw_object_generic_setattr,
    .tp_new = object_new,
    .tp_init = object_init,
    .tp_methods = object_methods,
    .tp_getset = object_getset,
};

/* ------------------------------------------------------------------ */
/* subtype checks, names                                              */
/* ------------------------------------------------------------------ */

bool tw_type_is_subtype(TwTypeObject *a, TwTypeObject *b)
{
    if (a == b || b == &TwBaseObject_Type)
        return true;
    TwObject *mro = a->tp_mro;
    if (mro) {
        TwSsize n = TW_TUPLE_SIZE(mro);
        for (TwSsize i = 0; i < n; i++)
            if (TW_TUPLE_GET(mro, i) == (TwObject *)b)
                return true;
        return false;
    }
    for (TwTypeObject *t = a->tp_base; t; t = t->tp_base)
        if (t == b)
            return true;
    return false;
}

const char *tw_type_name(TwTypeObject *tp)
{
    return tp->tp_name;
}

const char *tw_type_short_name(TwTypeObject *tp)
{
    if (IS_HEAP(tp))
        return tp->tp_name;
    const char *dot = strrchr(tp->tp_name, '.');
    return dot ? dot + 1 : tp->tp_name;
}

static TwObject *type_module(TwTypeObject *tp)
{
    if (IS_HEAP(tp)) {
        TwObject *m = NULL;
        int r = tp->tp_dict ? tw_dict_get_ref(tp->tp_dict, ID("__module__"), &m) : 0;
        if (r != 0)
            return m;
        return tw_str_from_cstr("builtins");
    }
    const char *dot = strrchr(tp->tp_name, '.');
    if (dot)
        return tw_str_from_utf8(tp->tp_name, (size_t)(dot - tp->tp_name));
    return tw_str_from_cstr("builtins");
}

static TwObject *type_qualname(TwTypeObject *tp)
{
    if (IS_HEAP(tp))
        return tw_newref(tw_atomic_load_ptr(&HT(tp)->ht_qualname));
    return tw_str_from_cstr(tw_type_short_name(tp));
}

TwObject *tw_type_repr_obj(TwTypeObject *tp)
{
    TwObject *name = type_full_name(tp);
    if (!name)
        return NULL;
    TwObject *r = tw_str_from_format("<class '%S'>", name);
    tw_decref(name);
    return r;
}

static TwObject *type_repr(TwObject *self)
{
    return tw_type_repr_obj((TwTypeObject *)self);
}

/* ------------------------------------------------------------------ */
/* lookup along the MRO                                               */
/* ------------------------------------------------------------------ */

#define MCACHE_BITS 12
#define MCACHE_SIZE (1u << MCACHE_BITS)
typedef struct {
    uint64_t version;
    TwObject *name;
    TwObject *value;      /* borrowed from the owning type's dict, or NULL */
} TwMCacheEntry;
static _Thread_local TwMCacheEntry mcache[MCACHE_SIZE];

static inline size_t mcache_index(uint64_t version, TwObject *name)
{
    uint64_t h = version * 0x9E3779B97F4A7C15ull ^ ((uintptr_t)name >> 4);
    return (size_t)((h ^ (h >> 29)) & (MCACHE_SIZE - 1));
}

/* name in one class's own dict: borrowed, or NULL.  Read as any shared
 * dict is (tw_dict_get_ref: another thread may be assigning the class's
 * attributes); the reference it takes is dropped at once, so the value may
 * die as soon as another thread replaces it: see tw_type_lookup_ref. */
static TwObject *dict_lookup_borrowed(TwObject *dict, TwObject *name)
{
    TwObject *v = NULL;
    if (tw_dict_get_ref(dict, name, &v) <= 0)
        return NULL;
    tw_decref(v);
    return v;
}

/* Along tp's MRO, leaving out skip's own dict (NULL: none). */
static TwObject *lookup_uncached(TwTypeObject *tp, TwObject *name, TwTypeObject *skip)
{
    TwObject *mro = tp->tp_mro;
    if (!mro) {
        for (TwTypeObject *t = tp; t; t = t->tp_base) {
            if (!t->tp_dict || t == skip)
                continue;
            TwObject *r = dict_lookup_borrowed(t->tp_dict, name);
            if (r)
                return r;
        }
        return NULL;
    }
    TwSsize n = TW_TUPLE_SIZE(mro);
    for (TwSsize i = 0; i < n; i++) {
        TwTypeObject *t = (TwTypeObject *)TW_TUPLE_GET(mro, i);
        if (!t->tp_dict || t == skip)
            continue;
        TwObject *r = dict_lookup_borrowed(t->tp_dict, name);
        if (r)
            return r;
    }
    return NULL;
}

/* lookup_uncached, where a failing hash or compare must not leak out: the
 * lookup reports "absent" without an exception, and an exception already
 * set stays. */
static TwObject *lookup_quiet(TwTypeObject *tp, TwObject *name, TwTypeObject *skip)
{
    TwObject *saved = tw_err_fetch();
    TwObject *r = lookup_uncached(tp, name, skip);
    if (tw_err_occurred())
        tw_err_clear();
    if (saved)
        tw_err_restore(saved);
    return r;
}

/* tw_type_lookup without a cache hit (out of line, so that the hit path
 * saves no registers for it). */
static __attribute__((noinline)) TwObject *type_lookup_miss(TwTypeObject *tp, TwObject *name)
{
    if (!(tp->tp_flags & TW_TPFLAGS_READY)) {
        if (tw_type_ready(tp) < 0) {
            tw_err_clear();
            return NULL;
        }
    }
    uint64_t version = __atomic_load_n(&tp->tp_version, __ATOMIC_ACQUIRE);
    bool cacheable = version != 0 && TW_STR_CHECK_EXACT(name) && ((TwStrObject *)name)->interned;
    TwObject *r = lookup_quiet(tp, name, NULL);
    if (cacheable) {
        TwMCacheEntry *e = &mcache[mcache_index(version, name)];
        e->version = version;
        e->name = name;
        e->value = r;
    }
    return r;
}

TwObject *tw_type_lookup(TwTypeObject *tp, TwObject *name)
{
    if (__builtin_expect((tp->tp_flags & TW_TPFLAGS_READY) != 0, 1)) {
        /* Only cacheable lookups (a versioned type, an interned name) are
         * stored, and no entry names NULL: a hit needs no test of its own. */
        uint64_t version = __atomic_load_n(&tp->tp_version, __ATOMIC_ACQUIRE);
        TwMCacheEntry *e = &mcache[mcache_index(version, name)];
        if (e->version == version && e->name == name)
            return e->value;
    }
    return type_lookup_miss(tp, name);
}

TwObject *tw_type_lookup_str(TwTypeObject *tp, const char *name)
{
    return tw_type_lookup(tp, tw_id(name));
}

/*
 * A class's list of subclasses holds them borrowed (a subclass takes
 * itself off when it dies, under the class's critical section).  Walking
 * it while other threads make and drop subclasses: take references to
 * the live ones under the section (tw_try_incref refuses one whose count
 * already reached zero: it is on its way out), then visit them with the
 * section released (a nested section may release it anyway, and a
 * visit may drop the last reference).  Into `small` (n entries) or a
 * malloc'd array; *out the array, the count returned.
 */
#define SUBCLASS_SMALL 8
static size_t subclasses_snapshot(TwTypeObject *tp, TwTypeObject **small, TwTypeObject ***out)
{
    *out = small;
    if (!IS_HEAP(tp))
        return 0;
    TwHeapTypeObject *ht = HT(tp);
    size_t k = 0;
    TwTypeObject **arr = small;
    TW_BEGIN_CRITICAL_SECTION((TwObject *)tp);
    if (ht->nsub > SUBCLASS_SMALL && (arr = malloc(ht->nsub * sizeof *arr)) == NULL)
        arr = small;            /* out of memory: the first few only */
    size_t cap = arr == small ? SUBCLASS_SMALL : ht->nsub;
    /* one a collection found to be garbage is skipped: the collector
     * will clear it (type_clear takes it off this list first) */
    for (size_t i = 0; i < ht->nsub && k < cap; i++)
        if (!tw_gc_is_garbage((TwObject *)ht->subclasses[i]) &&
            tw_try_incref((TwObject *)ht->subclasses[i]))
            arr[k++] = ht->subclasses[i];
    TW_END_CRITICAL_SECTION();
    *out = arr;
    return k;
}

static void subclasses_release(TwTypeObject **arr, size_t n, TwTypeObject **small)
{
    for (size_t i = 0; i < n; i++)
        tw_decref((TwObject *)arr[i]);
    if (arr != small)
        free(arr);
}

void tw_type_modified(TwTypeObject *tp)
{
    __atomic_store_n(&tp->tp_version, new_version(), __ATOMIC_RELEASE);
    if (IS_HEAP(tp) && __atomic_load_n(&HT(tp)->nsub, __ATOMIC_RELAXED) > 0) {
        TwTypeObject *small[SUBCLASS_SMALL], **subs;
        size_t n = subclasses_snapshot(tp, small, &subs);
        for (size_t i = 0; i < n; i++)
            tw_type_modified(subs[i]);
        subclasses_release(subs, n, small);
    }
}

/* ------------------------------------------------------------------ */
/* MRO                                                                */
/* ------------------------------------------------------------------ */

/* C3 linearisation of tp over its bases.  Returns a new tuple whose first
 * item is tp, or NULL with TypeError when no consistent order exists. */
static TwObject *compute_mro(TwTypeObject *tp, TwObject *bases)
{
    TwSsize nb = TW_TUPLE_SIZE(bases);
    if (nb == 1) {
        TwTypeObject *b = (TwTypeObject *)TW_TUPLE_GET(bases, 0);
        TwObject *bm = b->tp_mro;
        TwSsize n = bm ? TW_TUPLE_SIZE(bm) : 0;
        TwObject *mro = tw_tuple_new(n + 1);
        if (!mro)
            return NULL;
        TW_TUPLE_SET(mro, 0, tw_newref((TwObject *)tp));
        for (TwSsize i = 0; i < n; i++)
            TW_TUPLE_SET(mro, i + 1, tw_newref(TW_TUPLE_GET(bm, i)));
        return mro;
    }
    /* sequences to merge: each base's MRO, then the list of bases */
    TwSsize nseq = nb + 1;
    TwObject ***seqs = calloc((size_t)nseq, sizeof *seqs);
    TwSsize *lens = calloc((size_t)nseq, sizeof *lens), *pos = calloc((size_t)nseq, sizeof *pos);
    TwSsize total = 1;
    for (TwSsize i = 0; i < nb; i++)
        total += TW_TUPLE_SIZE(((TwTypeObject *)TW_TUPLE_GET(bases, i))->tp_mro);
    TwObject **out = calloc((size_t)total, sizeof *out);
    TwObject *result = NULL;
    if (!seqs || !lens || !pos || !out) {
        tw_err_no_memory();
        goto done;
    }
    for (TwSsize i = 0; i < nb; i++) {
        TwObject *m = ((TwTypeObject *)TW_TUPLE_GET(bases, i))->tp_mro;
        seqs[i] = TW_TUPLE_ITEMS(m);
        lens[i] = TW_TUPLE_SIZE(m);
    }
    seqs[nb] = TW_TUPLE_ITEMS(bases);
    lens[nb] = nb;
    TwSsize nout = 0;
    out[nout++] = (TwObject *)tp;
    for (;;) {
        bool any_left = false;
        TwObject *cand = NULL;
        for (TwSsize i = 0; i < nseq && !cand; i++) {
            if (pos[i] >= lens[i])
                continue;
            any_left = true;
            TwObject *head = seqs[i][pos[i]];
            bool in_tail = false;
            for (TwSsize j = 0; j < nseq && !in_tail; j++)
                for (TwSsize k = pos[j] + 1; k < lens[j]; k++)
                    if (seqs[j][k] == head) {
                        in_tail = true;
                        break;
                    }
            if (!in_tail)
                cand = head;
        }
        if (!any_left)
            break;
        if (!cand) {
            TwObject *names = tw_str_from_cstr("");
            for (TwSsize i = 0; names && i < nb; i++) {
                TwObject *n = tw_str_from_format("%S%s%s", names, i ? ", " : "",
                                                 tw_type_name((TwTypeObject *)TW_TUPLE_GET(bases, i)));
                tw_decref(names);
                names = n;
            }
            if (names) {
                tw_err_format(TwExc_TypeError,
                              "Cannot create a consistent method resolution order (MRO) for bases %S", names);
                tw_decref(names);
            }
            goto done;
        }
        out[nout++] = cand;
        for (TwSsize i = 0; i < nseq; i++)
            if (pos[i] < lens[i] && seqs[i][pos[i]] == cand)
                pos[i]++;
    }
    result = tw_tuple_from_array(out, nout);
done:
    free(seqs);
    free(lens);
    free(pos);
    free(out);
    return result;
}

/* ------------------------------------------------------------------ */
/* slot dispatchers for classes                                       */
/* ------------------------------------------------------------------ */

/* type(self).<name>, or NULL.  *borrowed: it is a Python function a
 * frame may borrow (twinpy/vm.h, borrowed callees: deferred, as a class
 * body's functions are), found without a reference, for
 * tw_function_call_self(..., true) straight away; else a new reference. */
static inline TwObject *special_lookup(TwTypeObject *tp, TwObject *name, bool *borrowed)
{
    *borrowed = false;
    if (tw_frames_borrow()) {
        TwObject *d = tw_type_lookup(tp, name);
        if (d != NULL) {
            if (TW_TYPE(d) == &TwFunction_Type && tw_frame_may_borrow(d)) {
                *borrowed = true;
                return d;
            }
            if (tw_try_incref(d))
                return d;
        }
    }
    return tw_type_lookup_ref(tp, name);
}

/* Call type(self).<name>(self, *args).  The special method is looked up
 * on the type, never the instance, as Python does. */
TwObject *tw_call_special(TwObject *self, TwObject *name, TwObject *const *args, size_t nargs, int *found)
{
    TwTypeObject *tp = TW_TYPE(self);
    bool borrowed;
    TwObject *descr = special_lookup(tp, name, &borrowed);
    if (!descr) {
        if (found)
            *found = 0;
        return NULL;
    }
    if (found)
        *found = 1;
    if (borrowed)
        return tw_function_call_self(descr, self, args, nargs, NULL, true);
    TwObject *r;
    if (TW_TYPE(descr)->tp_flags & TW_TPFLAGS_METHOD_DESCRIPTOR) {
        TwObject *stack[8];
        TwObject **argv = nargs + 1 <= 8 ? stack : malloc((nargs + 1) * sizeof *argv);
        if (!argv) {
            tw_decref(descr);
            return tw_err_no_memory();
        }
        argv[0] = self;
        for (size_t i = 0; i < nargs; i++)
            argv[i + 1] = args[i];
        r = tw_call(descr, argv, nargs + 1, NULL);
        if (argv != stack)
            free(argv);
    } else if (TW_TYPE(descr)->tp_descr_get) {
        TwObject *bound = TW_TYPE(descr)->tp_descr_get(descr, self, (TwObject *)tp);
        r = bound ? tw_call(bound, args, nargs, NULL) : NULL;
        tw_xdecref(bound);
    } else {
        r = tw_call(descr, args, nargs, NULL);
    }
    tw_decref(descr);
    return r;
}

static TwObject *call_special0(TwObject *self, const char *cname, TwObject *name)
{
    int found;
    TwObject *r = tw_call_special(self, name, NULL, 0, &found);
    if (!found)
        return tw_err_format(TwExc_AttributeError, "'%s' object has no attribute '%s'",
                             tw_type_name(TW_TYPE(self)), cname);
    return r;
}

/* ---------------- finalizers ---------------------------------------- */

bool tw_finalizers_seen;

/* A class's __del__; what it raises stays set for tw_object_call_finalizer. */
static void slot_tp_finalize(TwObject *self)
{
    tw_xdecref(tw_call_special(self, ID("__del__"), NULL, 0, NULL));
}

bool tw_object_finalizer_pending(TwObject *op)
{
    TwTypeObject *tp = TW_TYPE(op);
    if (!tp->tp_finalize)
        return false;
    return tp != &TwGen_Type || tw_gen_is_suspended(op);
}

void tw_object_call_finalizer(TwObject *op)
{
    TwDeallocFn fin = TW_TYPE(op)->tp_finalize;
    tw_gc_set_finalized(op);
    if (!fin)
        return;
    TwObject *saved = tw_err_fetch();
    fin(op);
    TwObject *exc = tw_err_fetch();
    if (exc) {
        /* as CPython: in a class's __del__ function (looked up again: the
         * finalizer may have changed the class); in op itself for a
         * built-in type's finalizer (a generator's) */
        TwObject *del = TW_HAS_TPFLAG(op, TW_TPFLAGS_HEAPTYPE)
                            ? tw_type_lookup_ref(TW_TYPE(op), ID("__del__")) : NULL;
        tw_print_unraisable(exc, del ? del : op);
        tw_xdecref(del);
        tw_decref(exc);
    }
    tw_err_restore(saved);
}

static TwObject *slot_tp_repr(TwObject *self) { return call_special0(self, "__repr__", ID("__repr__")); }
static TwObject *slot_tp_str(TwObject *self) { return call_special0(self, "__str__", ID("__str__")); }

static TwHash slot_tp_hash(TwObject *self)
{
    TwObject *r = call_special0(self, "__hash__", ID("__hash__"));
    if (!r)
        return -1;
    if (!TW_INT_CHECK(r)) {
        tw_decref(r);
        tw_err_set_string(TwExc_TypeError, "__hash__ method should return an integer");
        return -1;
    }
    TwHash h = (TwHash)TW_INT_VALUE(r);
    tw_decref(r);
    return h == -1 ? -2 : h;
}

static const char *const richcmp_names[] = {"__lt__", "__le__", "__eq__", "__ne__", "__gt__", "__ge__"};

static TwObject *slot_tp_richcompare(TwObject *self, TwObject *other, int op)
{
    static TwObject *names[6];      /* as ID() keeps one */
    TwObject *name = __atomic_load_n(&names[op], __ATOMIC_ACQUIRE);
    if (!name) {
        name = tw_id(richcmp_names[op]);
        __atomic_store_n(&names[op], name, __ATOMIC_RELEASE);
    }
    int found;
    TwObject *r = tw_call_special(self, name, &other, 1, &found);
    if (!found)
        return tw_newref(Tw_NotImplemented);
    return r;
}

/* __getattribute__ (or the generic lookup) first, then __getattr__ when
 * that raised AttributeError. */
static TwObject *slot_tp_getattr_hook(TwObject *self, TwObject *name)
{
    TwTypeObject *tp = TW_TYPE(self);
    TwObject *ga = tw_type_lookup(tp, ID("__getattribute__"));
    const TwSlotDef *def;
    TwObject *r;
    void *fn = ga ? tw_slotwrapper_fn(ga, &def) : NULL;
    if (!ga || fn == (void *)tw_object_generic_getattr || fn == (void *)slot_tp_getattr_hook)
        r = tw_object_generic_getattr(self, name);
    else if (fn)
        r = ((TwGetAttrFn)fn)(self, name);
    else
        r = tw_call_special(self, ID("__getattribute__"), &name, 1, NULL);
    if (r || !tw_err_matches(TwExc_AttributeError))
        return r;
    if (!tw_type_lookup(tp, ID("__getattr__")))
        return NULL;
    tw_err_clear();
    return tw_call_special(self, ID("__getattr__"), &name, 1, NULL);
}

static int slot_tp_setattro(TwObject *self, TwObject *name, TwObject *value)
{
    int found;
    TwObject *r;
    if (value) {
        TwObject *args[2] = {name, value};
        r = tw_call_special(self, ID("__setattr__"), args, 2, &found);
    } else {
        r = tw_call_special(self, ID("__delattr__"), &name, 1, &found);
    }
    if (!found)
        return tw_object_generic_setattr(self, name, value);
    if (!r)
        return -1;
    tw_decref(r);
    return 0;
}

/* Calls with keyword arguments: prepend self to positional and keyword
 * values alike (kwnames stays as it is). */
static TwObject *call_with_self(TwObject *descr, TwObject *self, TwTypeObject *tp,
                                TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    size_t nkw = kwnames ? (size_t)TW_TUPLE_SIZE(kwnames) : 0;
    TwObject *r;
    if (TW_TYPE(descr)->tp_flags & TW_TPFLAGS_METHOD_DESCRIPTOR) {
        TwObject *stack[8];
        size_t total = nargs + nkw + 1;
        TwObject **argv = total <= 8 ? stack : malloc(total * sizeof *argv);
        if (!argv)
            return tw_err_no_memory();
        argv[0] = self;
        for (size_t i = 0; i < nargs + nkw; i++)
            argv[i + 1] = args[i];
        r = tw_call(descr, argv, nargs + 1, kwnames);
        if (argv != stack)
            free(argv);
        return r;
    }
    if (TW_TYPE(descr)->tp_descr_get) {
        TwObject *bound = TW_TYPE(descr)->tp_descr_get(descr, self, (TwObject *)tp);
        if (!bound)
            return NULL;
        r = tw_call(bound, args, nargs, kwnames);
        tw_decref(bound);
        return r;
    }
    return tw_call(descr, args, nargs, kwnames);
}

static TwObject *slot_tp_call(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    TwTypeObject *tp = TW_TYPE(self);
    bool borrowed;
    TwObject *descr = special_lookup(tp, ID("__call__"), &borrowed);
    if (!descr)
        return tw_err_format(TwExc_TypeError, "'%s' object is not callable", tw_type_name(tp));
    if (borrowed)
        return tw_function_call_self(descr, self, args, nargs, kwnames, true);
    TwObject *r = call_with_self(descr, self, tp, args, nargs, kwnames);
    tw_decref(descr);
    return r;
}

static TwObject *slot_tp_iter(TwObject *self)
{
    TwObject *descr = tw_type_lookup(TW_TYPE(self), ID("__iter__"));
    if (descr == Tw_None)
        return tw_err_format(TwExc_TypeError, "'%s' object is not iterable", tw_type_name(TW_TYPE(self)));
    return call_special0(self, "__iter__", ID("__iter__"));
}

static TwObject *slot_tp_iternext(TwObject *self)
{
    TwObject *r = call_special0(self, "__next__", ID("__next__"));
    if (!r && tw_err_matches(TwExc_StopIteration))
        tw_err_clear();
    return r;
}

static TwObject *slot_tp_descr_get(TwObject *self, TwObject *obj, TwObject *type)
{
    TwObject *args[2] = {obj ? obj : Tw_None, type ? type : Tw_None};
    return tw_call_special(self, ID("__get__"), args, 2, NULL);
}

static int slot_tp_descr_set(TwObject *self, TwObject *obj, TwObject *value)
{
    TwObject *r;
    int found;
    if (value) {
        TwObject *args[2] = {obj, value};
        r = tw_call_special(self, ID("__set__"), args, 2, &found);
    } else {
        r = tw_call_special(self, ID("__delete__"), &obj, 1, &found);
    }
    if (!found) {
        tw_err_set_string(TwExc_AttributeError, value ? "__set__" : "__delete__");
        return -1;
    }
    if (!r)
        return -1;
    tw_decref(r);
    return 0;
}

static int slot_tp_init(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    TwTypeObject *tp = TW_TYPE(self);
    TwObject *r;
    bool borrowed;
    TwObject *descr = special_lookup(tp, ID("__init__"), &borrowed);
    if (!descr)
        return 0;
    if (borrowed) {
        r = tw_function_call_self(descr, self, args, nargs, kwnames, true);
    } else {
        r = call_with_self(descr, self, tp, args, nargs, kwnames);
        tw_decref_likely_deferred(descr);    /* a function of the class body */
    }
    if (r == Tw_None)
        return 0;                        /* immortal: nothing to drop */
    if (!r)
        return -1;
    tw_err_format(TwExc_TypeError, "__init__() should return None, not '%T'", r);
    tw_decref(r);
    return -1;
}

/* __new__ is a static method: cls is passed explicitly. */
static TwObject *slot_tp_new(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    TwObject *func = tw_object_getattr((TwObject *)type, ID("__new__"));
    if (!func)
        return NULL;
    size_t nkw = kwnames ? (size_t)TW_TUPLE_SIZE(kwnames) : 0;
    size_t total = nargs + nkw + 1;
    TwObject *stack[8];
    TwObject **argv = total <= 8 ? stack : malloc(total * sizeof *argv);
    if (!argv) {
        tw_decref(func);
        return tw_err_no_memory();
    }
    argv[0] = (TwObject *)type;
    for (size_t i = 0; i < nargs + nkw; i++)
        argv[i + 1] = args[i];
    TwObject *r = tw_call(func, argv, nargs + 1, kwnames);
    if (argv != stack)
        free(argv);
    tw_decref(func);
    return r;
}

static int slot_nb_bool(TwObject *self)
{
    TwObject *r = call_special0(self, "__bool__", ID("__bool__"));
    if (!r)
        return -1;
    if (r != Tw_True && r != Tw_False) {
        tw_err_format(TwExc_TypeError, "__bool__ should return bool, returned %T", r);
        tw_decref(r);
        return -1;
    }
    int t = r == Tw_True;
    tw_decref(r);
    return t;
}

static TwSsize slot_tp_len(TwObject *self)
{
    TwObject *r = call_special0(self, "__len__", ID("__len__"));
    if (!r)
        return -1;
    TwSsize n;
    int rc = tw_number_as_ssize(r, &n);
    tw_decref(r);
    if (rc < 0)
        return -1;
    if (n < 0) {
        tw_err_set_string(TwExc_ValueError, "__len__() should return >= 0");
        return -1;
    }
    return n;
}

static TwObject *slot_tp_getitem(TwObject *self, TwObject *key)
{
    int found;
    TwObject *r = tw_call_special(self, ID("__getitem__"), &key, 1, &found);
    if (!found)
        return tw_err_format(TwExc_TypeError, "'%s' object is not subscriptable", tw_type_name(TW_TYPE(self)));
    return r;
}

static int slot_tp_setitem(TwObject *self, TwObject *key, TwObject *value)
{
    int found;
    TwObject *r;
    if (value) {
        TwObject *args[2] = {key, value};
        r = tw_call_special(self, ID("__setitem__"), args, 2, &found);
        if (!found) {
            tw_err_format(TwExc_TypeError, "'%s' object does not support item assignment",
                          tw_type_name(TW_TYPE(self)));
            return -1;
        }
    } else {
        r = tw_call_special(self, ID("__delitem__"), &key, 1, &found);
        if (!found) {
            tw_err_format(TwExc_TypeError, "'%s' object doesn't support item deletion",
                          tw_type_name(TW_TYPE(self)));
            return -1;
        }
    }
    if (!r)
        return -1;
    tw_decref(r);
    return 0;
}

static int slot_tp_contains(TwObject *self, TwObject *item)
{
    int found;
    TwObject *r = tw_call_special(self, ID("__contains__"), &item, 1, &found);
    if (!found) {
        tw_err_format(TwExc_TypeError, "argument of type '%s' is not iterable", tw_type_name(TW_TYPE(self)));
        return -1;
    }
    if (!r)
        return -1;
    int t = tw_object_is_true(r);
    tw_decref(r);
    return t;
}

#define SLOT_UNARY(fname, dunder)                                             \
    static TwObject *fname(TwObject *self) { return call_special0(self, dunder, ID(dunder)); }
SLOT_UNARY(slot_nb_negative, "__neg__")
SLOT_UNARY(slot_nb_positive, "__pos__")
SLOT_UNARY(slot_nb_absolute, "__abs__")
SLOT_UNARY(slot_nb_invert, "__invert__")

static TwObject *slot_nb_int(TwObject *self)
{
    TwObject *r = call_special0(self, "__int__", ID("__int__"));
    if (r && !TW_INT_CHECK(r)) {
        tw_err_format(TwExc_TypeError, "__int__ returned non-int (type %T)", r);
        TW_CLEAR(r);
    }
    return r;
}

static TwObject *slot_nb_index(TwObject *self)
{
    TwObject *r = call_special0(self, "__index__", ID("__index__"));
    if (r && !TW_INT_CHECK(r)) {
        tw_err_format(TwExc_TypeError, "__index__ returned non-int (type %T)", r);
        TW_CLEAR(r);
    }
    return r;
}

static TwObject *slot_nb_float(TwObject *self)
{
    TwObject *r = call_special0(self, "__float__", ID("__float__"));
    if (r && !TW_FLOAT_CHECK(r)) {
        tw_err_format(TwExc_TypeError, "%s.__float__ returned non-float (type %T)",
                      tw_type_name(TW_TYPE(self)), r);
        TW_CLEAR(r);
    }
    return r;
}

/* ---------------- binary operators ---------------------------------- */

static const char *const binop_names[TW_BINOP__COUNT][3] = {
#define TW_X(NAME, slot, sym, d, r, i) [TW_BINOP_##NAME] = {d, r, i},
    TW_BINARY_OPS(TW_X)
#undef TW_X
};

static TwObject *binop_ids[TW_BINOP__COUNT][3];

/* Filled on first use, by any thread, as ID() is. */
static TwObject *binop_id(int op, int which)
{
    TwObject *n = __atomic_load_n(&binop_ids[op][which], __ATOMIC_ACQUIRE);
    if (!n) {
        n = tw_id(binop_names[op][which]);
        __atomic_store_n(&binop_ids[op][which], n, __ATOMIC_RELEASE);
    }
    return n;
}

static TwBinaryFn binop_dispatchers[TW_BINOP__COUNT];

/* Does right's class define name other than left's does (CPython's
 * method_is_overloaded)?  1, 0 or -1. */
static int method_is_overloaded(TwTypeObject *left, TwTypeObject *right, TwObject *name)
{
    TwObject *b = tw_type_lookup_ref(right, name);
    if (b == NULL)
        return 0;
    TwObject *a = tw_type_lookup_ref(left, name);
    if (a == NULL) {
        tw_decref(b);
        return 1;
    }
    int ok = a == b ? 0 : tw_object_richcompare_bool(a, b, TW_NE);
    tw_decref(a);
    tw_decref(b);
    return ok;
}

/* The left operand's __op__, or the right operand's __rop__; a subclass on
 * the right that overrides __rop__ goes first (CPython's SLOT1BINFULL). */
static TwObject *slot_binop(TwObject *v, TwObject *w, int op)
{
    TwBinaryFn me = binop_dispatchers[op];
    TwTypeObject *tv = TW_TYPE(v), *tw = TW_TYPE(w);
    bool do_other = tv != tw && tw->nb[op] == me;
    int found;
    TwObject *r;
    if (tv->nb[op] == me) {
        if (do_other && tw_type_is_subtype(tw, tv)) {
            int ok = method_is_overloaded(tv, tw, binop_id(op, 1));
            if (ok < 0)
                return NULL;
            if (ok) {
                r = tw_call_special(w, binop_id(op, 1), &v, 1, &found);
                if (found) {
                    if (r != Tw_NotImplemented)
                        return r;
                    tw_decref(r);
                }
                do_other = false;
            }
        }
        r = tw_call_special(v, binop_id(op, 0), &w, 1, &found);
        if (found) {
            if (r != Tw_NotImplemented || tv == tw)
                return r;
            tw_decref(r);
        }
    }
    if (do_other) {
        r = tw_call_special(w, binop_id(op, 1), &v, 1, &found);
        if (found)
            return r;
    }
    return tw_newref(Tw_NotImplemented);
}

static TwObject *slot_inplace(TwObject *v, TwObject *w, int op)
{
    int found;
    TwObject *r = tw_call_special(v, binop_id(op, 2), &w, 1, &found);
    if (!found)
        return tw_newref(Tw_NotImplemented);
    return r;
}

#define TW_X(NAME, slot, sym, d, r, i)                                                             \
    static TwObject *slot_nb_##slot(TwObject *v, TwObject *w) { return slot_binop(v, w, TW_BINOP_##NAME); } \
    static TwObject *slot_nb_i##slot(TwObject *v, TwObject *w) { return slot_inplace(v, w, TW_BINOP_##NAME); }
TW_BINARY_OPS(TW_X)
#undef TW_X

static TwBinaryFn binop_dispatchers[TW_BINOP__COUNT] = {
#define TW_X(NAME, slot, sym, d, r, i) [TW_BINOP_##NAME] = slot_nb_##slot,
    TW_BINARY_OPS(TW_X)
#undef TW_X
};

/* ---------------- the slot table ------------------------------------ */

#define SLOTDEF(name, field, kind, op, disp) {name, offsetof(TwTypeObject, field), kind, op, (void *)(disp)}

const TwSlotDef tw_slotdefs[] = {
    SLOTDEF("__repr__", tp_repr, TW_WRAP_UNARY, 0, slot_tp_repr),
    SLOTDEF("__str__", tp_str, TW_WRAP_UNARY, 0, slot_tp_str),
    SLOTDEF("__hash__", tp_hash, TW_WRAP_HASH, 0, slot_tp_hash),
    SLOTDEF("__call__", tp_call, TW_WRAP_CALL, 0, slot_tp_call),
    SLOTDEF("__getattribute__", tp_getattro, TW_WRAP_GETATTR, 0, slot_tp_getattr_hook),
    SLOTDEF("__getattr__", tp_getattro, TW_WRAP_GETATTR, 0, slot_tp_getattr_hook),
    SLOTDEF("__setattr__", tp_setattro, TW_WRAP_SETATTR, 0, slot_tp_setattro),
    SLOTDEF("__delattr__", tp_setattro, TW_WRAP_DELATTR, 0, slot_tp_setattro),
    SLOTDEF("__lt__", tp_richcompare, TW_WRAP_RICHCMP, TW_LT, slot_tp_richcompare),
    SLOTDEF("__le__", tp_richcompare, TW_WRAP_RICHCMP, TW_LE, slot_tp_richcompare),
    SLOTDEF("__eq__", tp_richcompare, TW_WRAP_RICHCMP, TW_EQ, slot_tp_richcompare),
    SLOTDEF("__ne__", tp_richcompare, TW_WRAP_RICHCMP, TW_NE, slot_tp_richcompare),
    SLOTDEF("__gt__", tp_richcompare, TW_WRAP_RICHCMP, TW_GT, slot_tp_richcompare),
    SLOTDEF("__ge__", tp_richcompare, TW_WRAP_RICHCMP, TW_GE, slot_tp_richcompare),
    SLOTDEF("__iter__", tp_iter, TW_WRAP_UNARY, 0, slot_tp_iter),
    SLOTDEF("__next__", tp_iternext, TW_WRAP_NEXT, 0, slot_tp_iternext),
    SLOTDEF("__get__", tp_descr_get, TW_WRAP_DESCR_GET, 0, slot_tp_descr_get),
    SLOTDEF("__set__", tp_descr_set, TW_WRAP_DESCR_SET, 0, slot_tp_descr_set),
    SLOTDEF("__delete__", tp_descr_set, TW_WRAP_DESCR_DELETE, 0, slot_tp_descr_set),
    SLOTDEF("__init__", tp_init, TW_WRAP_INIT, 0, slot_tp_init),
    SLOTDEF("__del__", tp_finalize, TW_WRAP_FINALIZE, 0, slot_tp_finalize),
#define TW_X(NAME, slot, sym, d, r, i)                                                       \
    SLOTDEF(d, nb[TW_BINOP_##NAME], TW_WRAP_BINARY, TW_BINOP_##NAME, slot_nb_##slot),          \
    SLOTDEF(r, nb[TW_BINOP_##NAME], TW_WRAP_BINARY_R, TW_BINOP_##NAME, slot_nb_##slot),        \
    SLOTDEF(i, nb_inplace[TW_BINOP_##NAME], TW_WRAP_BINARY, TW_BINOP_##NAME, slot_nb_i##slot),
    TW_BINARY_OPS(TW_X)
#undef TW_X
    SLOTDEF("__neg__", nb_negative, TW_WRAP_UNARY, 0, slot_nb_negative),
    SLOTDEF("__pos__", nb_positive, TW_WRAP_UNARY, 0, slot_nb_positive),
    SLOTDEF("__abs__", nb_absolute, TW_WRAP_UNARY, 0, slot_nb_absolute),
    SLOTDEF("__invert__", nb_invert, TW_WRAP_UNARY, 0, slot_nb_invert),
    SLOTDEF("__int__", nb_int, TW_WRAP_UNARY, 0, slot_nb_int),
    SLOTDEF("__float__", nb_float, TW_WRAP_UNARY, 0, slot_nb_float),
    SLOTDEF("__index__", nb_index, TW_WRAP_UNARY, 0, slot_nb_index),
    SLOTDEF("__bool__", nb_bool, TW_WRAP_BOOL, 0, slot_nb_bool),
    SLOTDEF("__len__", tp_len, TW_WRAP_LEN, 0, slot_tp_len),
    SLOTDEF("__getitem__", tp_getitem, TW_WRAP_BINARY, 0, slot_tp_getitem),
    SLOTDEF("__setitem__", tp_setitem, TW_WRAP_SETITEM, 0, slot_tp_setitem),
    SLOTDEF("__delitem__", tp_setitem, TW_WRAP_DELITEM, 0, slot_tp_setitem),
    SLOTDEF("__contains__", tp_contains, TW_WRAP_OBJOBJ, 0, slot_tp_contains),
    {NULL, 0, 0, 0, NULL},
};

static void **slot_ptr(TwTypeObject *tp, size_t offset)
{
    return (void **)((char *)tp + offset);
}

static TwObject *heap_static_new(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return tw_type_call_static_new(static_base(type), type, args, nargs, kwnames);
}

/* ---------------- slot updates --------------------------------------
 * The interpreter reads a class's slots with plain loads, so a slot may
 * change only while no other thread can be reading it.  An update (a
 * dunder assigned to or deleted from a class, or a class being made):
 *   - holds slot_update_mu, waited for while blocking (so a stop of the
 *     world never waits for a thread that waits for it), and taken again
 *     at no cost by the thread holding it (a finalizer that runs while a
 *     class is dropped may assign a dunder: update_class_slots), around
 *     the dict write too (type_set_dunder, which orders the two so that
 *     no thread finds a slot ahead of the dict).  So two threads' updates
 *     are serialised, each computing from the dict its own write left,
 *     and a class's dunders do not change while an update reads them; a
 *     class being made computes its slots and joins its bases' subclass
 *     lists under the mutex, so an update either runs before (the new
 *     class computes after it) or finds it on the lists;
 *   - computes the slot the dunder maps to (every slot, for a class being
 *     made) in the class and its subclasses first, with the world running
 *     (lookups along the MROs), noting those whose value changes
 *     (SlotPlan), each with a reference to its class;
 *   - writes them with the world stopped (tw_runtime_stop_world), so no
 *     thread sees a slot change under it; a class being made is written
 *     without a stop (no other thread can reach it yet).
 * Assigning a Python dunder in place of another changes no slot (both
 * are the dispatcher) and stops nothing.  If memory for the plan runs
 * out, the rest is written at once, atomically: whole pointers on every
 * target, but a race a sanitizer can report.  tests/stress/class_slots.py
 * gives classes and takes away their special methods while other threads
 * use them. */
typedef struct {
    TwTypeObject *tp;           /* a reference */
    size_t offset;
    void *value;
} SlotWrite;

typedef struct {
    SlotWrite *w;
    size_t n, cap;
    bool stop;                  /* other threads may be reading the slots */
    const char *only;           /* the one dunder whose slot to compute */
    /* computed as if `only` were deleted from gone_from's dict already */
    TwTypeObject *gone_from;
    SlotWrite small[16];
} SlotPlan;

static pthread_mutex_t slot_update_mu = PTHREAD_MUTEX_INITIALIZER;
static TwThreadState *slot_update_owner;   /* relaxed atomic */
static unsigned slot_update_depth;         /* the owner's only */
static unsigned slot_update_seq;           /* updates begun: the owner's */

static void slot_update_begin(void)
{
    TwThreadState *me = tw_tstate();
    if (me && __atomic_load_n(&slot_update_owner, __ATOMIC_RELAXED) == me) {
        slot_update_depth++;
        return;
    }
    if (pthread_mutex_trylock(&slot_update_mu) != 0) {
        if (me)
            tw_begin_blocking();
        pthread_mutex_lock(&slot_update_mu);
        if (me)
            tw_end_blocking();
    }
    __atomic_store_n(&slot_update_owner, me, __ATOMIC_RELAXED);
    slot_update_depth = 1;
}

static void slot_update_end(void)
{
    if (--slot_update_depth > 0)
        return;
    __atomic_store_n(&slot_update_owner, NULL, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&slot_update_mu);
}

static void plan_init(SlotPlan *p, bool stop)
{
    p->w = p->small;
    p->n = 0;
    p->cap = sizeof p->small / sizeof p->small[0];
    p->stop = stop;
    p->only = NULL;
    p->gone_from = NULL;
}

/* What tp's MRO holds for name (borrowed), as the plan's slots are
 * computed: a name being deleted is not in its class's dict.  Borrowed
 * values of dunders stay alive: only slot updates, which hold
 * slot_update_mu, change a class's dunders. */
static TwObject *plan_lookup(SlotPlan *p, TwTypeObject *tp, TwObject *name)
{
    if (p->gone_from && strcmp(TW_STR_DATA(name), p->only) == 0)
        return lookup_quiet(tp, name, p->gone_from);
    return tw_type_lookup(tp, name);
}

static void slot_store(TwTypeObject *tp, size_t offset, void *value)
{
    __atomic_store_n(slot_ptr(tp, offset), value, __ATOMIC_RELEASE);
    if (offset == offsetof(TwTypeObject, tp_finalize) && value)
        __atomic_store_n(&tw_finalizers_seen, true, __ATOMIC_RELAXED);
}

static void plan_write(SlotPlan *p, TwTypeObject *tp, size_t offset, void *value)
{
    /* only updaters write slots, and they hold slot_update_mu */
    if (__atomic_load_n(slot_ptr(tp, offset), __ATOMIC_RELAXED) == value)
        return;
    if (p->n == p->cap) {
        size_t cap = p->cap * 2;
        SlotWrite *w = p->w == p->small ? malloc(cap * sizeof *w) : realloc(p->w, cap * sizeof *w);
        if (!w) {
            slot_store(tp, offset, value);
            return;
        }
        if (p->w == p->small)
            memcpy(w, p->small, sizeof p->small);
        p->w = w;
        p->cap = cap;
    }
    p->w[p->n++] = (SlotWrite){(TwTypeObject *)tw_newref((TwObject *)tp), offset, value};
}

static void plan_apply(SlotPlan *p)
{
    if (p->n == 0)
        return;
    bool stopped = p->stop && tw_runtime_stop_world();
    for (size_t i = 0; i < p->n; i++)
        slot_store(p->w[i].tp, p->w[i].offset, p->w[i].value);
    if (stopped)
        tw_runtime_start_world();
}

/* Dropping a class may run finalizers (update_class_slots). */
static void plan_release(SlotPlan *p)
{
    for (size_t i = 0; i < p->n; i++)
        tw_decref((TwObject *)p->w[i].tp);
    if (p->w != p->small)
        free(p->w);
}

/* One slot of a class (and every slot sharing its offset) from what the
 * MRO holds for the dunders that map to it. */
static void update_one_slot(TwTypeObject *tp, const TwSlotDef *first, SlotPlan *plan)
{
    void *specific = NULL;
    bool generic = false;
    for (const TwSlotDef *d = first; d->name; d++) {
        if (d->offset != first->offset)
            continue;
        TwObject *descr = plan_lookup(plan, tp, tw_id(d->name));
        if (!descr)
            continue;
        const TwSlotDef *wdef;
        void *fn = tw_slotwrapper_fn(descr, &wdef);
        if (fn && wdef->offset == d->offset) {
            if (specific && specific != fn)
                generic = true;
            specific = fn;
        } else if (descr == Tw_None && d->offset == offsetof(TwTypeObject, tp_hash)) {
            specific = (void *)tw_object_hash_unhashable;
        } else {
            /* a Python dunder (or `__iter__ = None`, which the dispatcher
             * reports) */
            generic = true;
        }
    }
    plan_write(plan, tp, first->offset, generic ? first->dispatch : specific);
}

/* The first row of the table with d's offset. */
static const TwSlotDef *first_row(const TwSlotDef *d)
{
    for (const TwSlotDef *e = tw_slotdefs; e < d; e++)
        if (e->offset == d->offset)
            return e;
    return d;
}

/* Every slot of tp, or (plan->only) the one the dunder maps to. */
static void update_slots(TwTypeObject *tp, SlotPlan *plan)
{
    for (const TwSlotDef *d = tw_slotdefs; d->name; d++) {
        if (plan->only ? strcmp(d->name, plan->only) == 0 : first_row(d) == d)
            update_one_slot(tp, first_row(d), plan);
    }
    if (plan->only && strcmp(plan->only, "__new__") != 0)
        return;
    /* a __new__ from a class body is a staticmethod (tw_type_new_class
     * wraps it); anything else is a static type's own */
    TwObject *newf = plan_lookup(plan, tp, ID("__new__"));
    TwNewFn snew = static_base(tp)->tp_new;
    TwNewFn fn = newf && TW_TYPE(newf) == &TwStaticMethod_Type ? slot_tp_new : snew ? heap_static_new : NULL;
    plan_write(plan, tp, offsetof(TwTypeObject, tp_new), (void *)fn);
}

static void update_slots_recursive(TwTypeObject *tp, SlotPlan *plan)
{
    update_slots(tp, plan);
    TwTypeObject *small[SUBCLASS_SMALL], **subs;
    size_t n = subclasses_snapshot(tp, small, &subs);
    for (size_t i = 0; i < n; i++)
        update_slots_recursive(subs[i], plan);
    subclasses_release(subs, n, small);
}

/* The dunder name of tp was assigned (gone false) or is about to be
 * deleted from tp's dict (gone true): its slot in tp and in tp's
 * subclasses follows; the caller holds slot_update_mu.  A class
 * dropped with the last reference to it (a subclass snapshot released, a
 * plan's class) may run finalizers, which may update slots themselves
 * (nested, in this thread): a plan computed across such an update may be
 * stale and is computed again. */
static void update_class_slots(TwTypeObject *tp, TwObject *name, bool gone)
{
    const char *only = TW_STR_DATA(name);
    if (strcmp(only, "__new__") != 0) {
        const TwSlotDef *d = tw_slotdefs;
        while (d->name && strcmp(d->name, only) != 0)
            d++;
        if (!d->name)
            return;             /* a dunder no slot reads (__doc__, say) */
    }
    for (;;) {
        unsigned seq = ++slot_update_seq;
        SlotPlan plan;
        plan_init(&plan, true);
        plan.only = only;
        plan.gone_from = gone ? tp : NULL;
        update_slots_recursive(tp, &plan);
        bool fresh = seq == slot_update_seq;
        if (fresh)
            plan_apply(&plan);
        plan_release(&plan);
        if (fresh)
            break;
    }
}

/* type_setattro for a dunder name (one that may move slots).  Every
 * other thread sees the class's slots and its dict agree, or the slots
 * one step behind where they are harmless: an assignment goes into the
 * dict first, so until the slots follow, a thread still uses the old slot
 * (the class's behaviour before the assignment); a deletion moves the
 * slots first, computed as if the name were gone, so until the dict
 * follows, a dispatcher slot still finds the old method, and a slot
 * already NULL or inherited behaves as after.  The other order would
 * let a thread find a dispatcher slot whose dunder is gone (an
 * AttributeError from len(), say). */
static int type_set_dunder(TwTypeObject *tp, TwObject *key, TwObject *value)
{
    int rc;
    TwObject *old = NULL;       /* dropped once the mutex is let go */
    slot_update_begin();
    if (value) {
        rc = tw_dict_set(tp->tp_dict, key, value);
        tw_type_modified(tp);
        if (rc == 0)
            update_class_slots(tp, key, false);
    } else {
        rc = tw_dict_get_ref(tp->tp_dict, key, &old);
        if (rc > 0) {
            update_class_slots(tp, key, true);
            rc = tw_dict_del(tp->tp_dict, key);
            tw_type_modified(tp);
        } else if (rc == 0) {
            rc = -1;
            tw_err_set_object(TwExc_KeyError, key);
        }
    }
    slot_update_end();
    tw_xdecref(old);
    return rc;
}

/* ------------------------------------------------------------------ */
/* tw_type_ready                                                      */
/* ------------------------------------------------------------------ */

/* The descriptors of a built-in (static) type live as long as the type,
 * i.e. for ever: immortal, so that threads calling the same built-in
 * methods never count on one shared object. */
static TwObject *static_type_descr(TwTypeObject *tp, TwObject *d)
{
    if (d && !IS_HEAP(tp))
        tw_set_immortal(d);
    return d;
}

static int add_slot_wrappers(TwTypeObject *tp)
{
    for (const TwSlotDef *d = tw_slotdefs; d->name; d++) {
        void *fn = *slot_ptr(tp, d->offset);
        if (!fn || strcmp(d->name, "__getattr__") == 0)
            continue;
        /* a str that is just the repr is object.__str__'s job: then a
         * subclass's __repr__ shows in str() too, as in CPython */
        if (d->offset == offsetof(TwTypeObject, tp_str) && tp->tp_str == tp->tp_repr)
            continue;
        TwObject *name = tw_id(d->name);
        if (tw_dict_get_borrowed(tp->tp_dict, name))
            continue;
        TwObject *w;
        if (d->offset == offsetof(TwTypeObject, tp_hash) && fn == (void *)tw_object_hash_unhashable)
            w = tw_newref(Tw_None);
        else
            w = static_type_descr(tp, tw_slotwrapper_new(tp, d, fn));
        if (!w)
            return -1;
        int rc = tw_dict_set(tp->tp_dict, name, w);
        tw_decref(w);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int add_methods_and_getsets(TwTypeObject *tp)
{
    for (const TwMethodDef *m = tp->tp_methods; m && m->name; m++) {
        TwObject *name = tw_id(m->name);
        if (tw_dict_get_borrowed(tp->tp_dict, name))
            continue;
        TwObject *d;
        if (m->flags & TW_METH_CLASS) {
            d = static_type_descr(tp, tw_classmethoddescr_new(tp, m));
        } else if (m->flags & TW_METH_STATIC) {
            TwObject *f = tw_cfunction_new(m, NULL);
            d = f ? static_type_descr(tp, tw_staticmethod_new(f)) : NULL;
            tw_xdecref(f);
        } else {
            d = static_type_descr(tp, tw_methoddescr_new(tp, m));
        }
        if (!d || tw_dict_set(tp->tp_dict, name, d) < 0) {
            tw_xdecref(d);
            return -1;
        }
        tw_decref(d);
    }
    for (const TwGetSetDef *g = tp->tp_getset; g && g->name; g++) {
        TwObject *name = tw_id(g->name);
        if (tw_dict_get_borrowed(tp->tp_dict, name))
            continue;
        TwObject *d = static_type_descr(tp, tw_getsetdescr_new(tp, g));
        if (!d || tw_dict_set(tp->tp_dict, name, d) < 0) {
            tw_xdecref(d);
            return -1;
        }
        tw_decref(d);
    }
    return 0;
}

#define INHERIT(field) do { if (!tp->field) tp->field = base->field; } while (0)

/* Fill slots a type left NULL from its base (CPython's inherit_slots):
 * hash and rich comparison travel together, so a type that defines only
 * comparison does not silently keep its base's hash. */
static void inherit_slots(TwTypeObject *tp, TwTypeObject *base)
{
    INHERIT(tp_dealloc);
    INHERIT(tp_repr);
    INHERIT(tp_str);
    if (!tp->tp_richcompare && !tp->tp_hash) {
        tp->tp_richcompare = base->tp_richcompare;
        tp->tp_hash = base->tp_hash;
    }
    INHERIT(tp_getattro);
    INHERIT(tp_setattro);
    INHERIT(tp_call);
    INHERIT(tp_iter);
    INHERIT(tp_iternext);
    INHERIT(tp_descr_get);
    INHERIT(tp_descr_set);
    if (!tp->tp_new && base != &TwBaseObject_Type)
        tp->tp_new = base->tp_new;
    INHERIT(tp_init);
    if (tp->tp_flags & TW_TPFLAGS_HAVE_GC) {
        INHERIT(tp_traverse);
        INHERIT(tp_clear);
    }
    for (int i = 0; i < TW_BINOP__COUNT; i++) {
        INHERIT(nb[i]);
        INHERIT(nb_inplace[i]);
    }
    INHERIT(nb_negative);
    INHERIT(nb_positive);
    INHERIT(nb_absolute);
    INHERIT(nb_invert);
    INHERIT(nb_int);
    INHERIT(nb_float);
    INHERIT(nb_index);
    INHERIT(nb_bool);
    INHERIT(tp_len);
    INHERIT(tp_getitem);
    INHERIT(tp_setitem);
    INHERIT(tp_contains);
    INHERIT(tp_basicsize);
    INHERIT(tp_itemsize);
    INHERIT(tp_dictoffset);
    tp->tp_flags |= base->tp_flags & (TW_TPFLAGS_INT_SUBCLASS | TW_TPFLAGS_FLOAT_SUBCLASS |
                                      TW_TPFLAGS_STR_SUBCLASS | TW_TPFLAGS_TUPLE_SUBCLASS |
                                      TW_TPFLAGS_LIST_SUBCLASS | TW_TPFLAGS_DICT_SUBCLASS |
                                      TW_TPFLAGS_EXC_SUBCLASS | TW_TPFLAGS_TYPE_SUBCLASS);
}

int tw_type_ready(TwTypeObject *tp)
{
    if (tp->tp_flags & TW_TPFLAGS_READY)
        return 0;
    if (!tp->ob_base.ob_type)
        tp->ob_base.ob_type = &TwType_Type;
    if (tp != &TwBaseObject_Type && !tp->tp_base)
        tp->tp_base = &TwBaseObject_Type;
    TwTypeObject *base = tp->tp_base;
    if (base && !(base->tp_flags & TW_TPFLAGS_READY) && tw_type_ready(base) < 0)
        return -1;
    /* mark early: creating dicts and strs below may look types up */
    tp->tp_flags |= TW_TPFLAGS_READY;
    if (!tp->tp_dict && !(tp->tp_dict = tw_dict_new()))
        goto fail;
    if (!tp->tp_bases) {
        tp->tp_bases = base ? tw_tuple_pack(1, (TwObject *)base) : tw_tuple_empty();
        if (!tp->tp_bases)
            goto fail;
    }
    if (add_methods_and_getsets(tp) < 0 || add_slot_wrappers(tp) < 0)
        goto fail;
    if (tp->tp_new && (!base || tp->tp_new != base->tp_new) &&
        !tw_dict_get_borrowed(tp->tp_dict, ID("__new__"))) {
        TwObject *w = tw_new_wrapper_new(tp);
        if (!w || tw_dict_set(tp->tp_dict, ID("__new__"), w) < 0) {
            tw_xdecref(w);
            goto fail;
        }
        tw_decref(w);
    }
    if (!tw_dict_get_borrowed(tp->tp_dict, ID("__doc__")) && tw_dict_set(tp->tp_dict, ID("__doc__"), Tw_None) < 0)
        goto fail;
    if (base)
        inherit_slots(tp, base);
    if (!tp->tp_mro) {
        tp->tp_mro = base ? compute_mro(tp, tp->tp_bases) : tw_tuple_pack(1, (TwObject *)tp);
        if (!tp->tp_mro)
            goto fail;
    }
    tp->tp_version = new_version();
    /* the type of classes comes with `type` */
    if (tp == &TwType_Type && tw_type_ready(&TwHeapType_Type) < 0)
        return -1;
    return 0;
fail:
    tp->tp_flags &= ~(uint32_t)TW_TPFLAGS_READY;
    return -1;
}

/* ------------------------------------------------------------------ */
/* classes: type(name, bases, dict)                                   */
/* ------------------------------------------------------------------ */

/* A class's list of its heap subclasses changes under the class's
 * critical section (classes may be made on several threads at once). */
static int add_subclass(TwTypeObject *base, TwTypeObject *sub)
{
    if (!IS_HEAP(base))
        return 0;
    TwHeapTypeObject *ht = HT(base);
    int rc = 0;
    TW_BEGIN_CRITICAL_SECTION((TwObject *)base);
    if (ht->nsub == ht->capsub) {
        size_t cap = ht->capsub ? ht->capsub * 2 : 4;
        TwTypeObject **n = realloc(ht->subclasses, cap * sizeof *n);
        if (n) {
            ht->subclasses = n;
            ht->capsub = cap;
        } else {
            rc = -1;
        }
    }
    if (rc == 0) {
        ht->subclasses[ht->nsub] = sub;
        /* read without the section by tw_type_modified's quick test */
        __atomic_store_n(&ht->nsub, ht->nsub + 1, __ATOMIC_RELAXED);
    }
    TW_END_CRITICAL_SECTION();
    if (rc < 0)
        tw_err_no_memory();
    return rc;
}

static void remove_subclass(TwTypeObject *base, TwTypeObject *sub)
{
    if (!IS_HEAP(base))
        return;
    TwHeapTypeObject *ht = HT(base);
    TW_BEGIN_CRITICAL_SECTION((TwObject *)base);
    for (size_t i = 0; i < ht->nsub; i++)
        if (ht->subclasses[i] == sub) {
            ht->subclasses[i] = ht->subclasses[ht->nsub - 1];
            __atomic_store_n(&ht->nsub, ht->nsub - 1, __ATOMIC_RELAXED);
            break;
        }
    TW_END_CRITICAL_SECTION();
}

/* The static type whose instance layout a type has (its own fields). */
static TwTypeObject *solid_base(TwTypeObject *tp)
{
    tp = static_base(tp);
    while (tp->tp_base && tp->tp_basicsize == tp->tp_base->tp_basicsize)
        tp = tp->tp_base;
    return tp;
}

/* Among the bases, the one whose layout extends all the others'. */
static TwTypeObject *best_base(TwObject *bases)
{
    TwTypeObject *best = NULL, *best_solid = NULL;
    for (TwSsize i = 0; i < TW_TUPLE_SIZE(bases); i++) {
        TwObject *b = TW_TUPLE_GET(bases, i);
        if (!TW_HAS_TPFLAG(b, TW_TPFLAGS_TYPE_SUBCLASS)) {
            tw_err_format(TwExc_TypeError, "bases must be types, not '%T'", b);
            return NULL;
        }
        TwTypeObject *bt = (TwTypeObject *)b;
        if (!(bt->tp_flags & TW_TPFLAGS_READY) && tw_type_ready(bt) < 0)
            return NULL;
        if (!(bt->tp_flags & TW_TPFLAGS_BASETYPE)) {
            tw_err_format(TwExc_TypeError, "type '%s' is not an acceptable base type", tw_type_name(bt));
            return NULL;
        }
        TwTypeObject *s = solid_base(bt);
        if (!best) {
            best = bt;
            best_solid = s;
        } else if (tw_type_is_subtype(best_solid, s)) {
            /* keep best */
        } else if (tw_type_is_subtype(s, best_solid)) {
            best = bt;
            best_solid = s;
        } else {
            tw_err_set_string(TwExc_TypeError, "multiple bases have instance lay-out conflict");
            return NULL;
        }
    }
    return best;
}

static const TwGetSetDef subtype_getset[];

/* super(tp, tp).__init_subclass__(): the first definition after tp in its
 * MRO (object's does nothing). */
static int init_subclass(TwTypeObject *tp)
{
    TwObject *mro = tp->tp_mro;
    for (TwSsize i = 1; mro && i < TW_TUPLE_SIZE(mro); i++) {
        TwTypeObject *b = (TwTypeObject *)TW_TUPLE_GET(mro, i);
        if (b == &TwBaseObject_Type)
            return 0;
        TwObject *f = NULL;
        int found = b->tp_dict ? tw_dict_get_ref(b->tp_dict, ID("__init_subclass__"), &f) : 0;
        if (found < 0)
            return -1;
        if (!f)
            continue;
        TwObject *bound = TW_TYPE(f)->tp_descr_get ? TW_TYPE(f)->tp_descr_get(f, NULL, (TwObject *)tp)
                                                   : tw_newref(f);
        tw_decref(f);
        if (!bound)
            return -1;
        TwObject *r = tw_call0(bound);
        tw_decref(bound);
        if (!r)
            return -1;
        tw_decref(r);
        return 0;
    }
    return 0;
}

TwObject *tw_type_new_class(TwObject *name, TwObject *bases, TwObject *dict)
{
    if (!TW_STR_CHECK(name))
        return tw_err_format(TwExc_TypeError, "type.__new__() argument 1 must be str, not %T", name);
    if (bases && !TW_TUPLE_CHECK(bases))
        return tw_err_format(TwExc_TypeError, "type.__new__() argument 2 must be tuple, not %T", bases);
    if (!TW_DICT_CHECK(dict))
        return tw_err_format(TwExc_TypeError, "type.__new__() argument 3 must be dict, not %T", dict);
    TwObject *own_bases = (bases && TW_TUPLE_SIZE(bases) > 0) ? tw_newref(bases)
                                                              : tw_tuple_pack(1, (TwObject *)&TwBaseObject_Type);
    if (!own_bases)
        return NULL;
    TwTypeObject *base = best_base(own_bases);
    if (!base) {
        tw_decref(own_bases);
        return NULL;
    }
    TwObject *op = tw_gc_alloc(&TwHeapType_Type, sizeof(TwHeapTypeObject));
    if (!op) {
        tw_decref(own_bases);
        return tw_err_no_memory();
    }
    memset((char *)op + sizeof(TwObject), 0, sizeof(TwHeapTypeObject) - sizeof(TwObject));
    TwTypeObject *tp = (TwTypeObject *)op;
    TwHeapTypeObject *ht = HT(tp);
    tp->tp_flags = TW_TPFLAGS_HEAPTYPE | TW_TPFLAGS_BASETYPE | TW_TPFLAGS_HAVE_GC;
    tp->tp_bases = own_bases;
    tp->tp_base = base;
    tw_incref((TwObject *)base);
    ht->ht_name = tw_newref(name);
    tp->tp_name = TW_STR_DATA(name);

    tp->tp_dict = tw_dict_copy(dict);
    if (!tp->tp_dict)
        goto fail;
    TwObject *qn = NULL;
    if (tw_dict_pop(tp->tp_dict, ID("__qualname__"), &qn) < 0)
        goto fail;
    if (qn && !TW_STR_CHECK(qn)) {
        tw_err_format(TwExc_TypeError, "type __qualname__ must be a str, not %T", qn);
        tw_decref(qn);
        goto fail;
    }
    ht->ht_qualname = qn ? qn : tw_newref(name);
    if (!tw_dict_get_borrowed(tp->tp_dict, ID("__doc__")) && tw_dict_set(tp->tp_dict, ID("__doc__"), Tw_None) < 0)
        goto fail;
    /* type(name, bases, dict) called from Python: __module__ is the
     * caller's module, as in CPython */
    if (!tw_dict_get_borrowed(tp->tp_dict, ID("__module__"))) {
        TwThreadState *ts = tw_tstate();
        TwObject *g = ts && ts->frame ? ts->frame->globals : NULL;
        TwObject *modname = g && TW_DICT_CHECK(g) ? tw_dict_get_borrowed(g, ID("__name__")) : NULL;
        if (modname && tw_dict_set(tp->tp_dict, ID("__module__"), modname) < 0)
            goto fail;
    }
    /* __new__ is implicitly a static method */
    TwObject *newf = tw_dict_get_borrowed(tp->tp_dict, ID("__new__"));
    if (newf && TW_TYPE(newf) != &TwStaticMethod_Type) {
        TwObject *sm = tw_staticmethod_new(newf);
        if (!sm || tw_dict_set(tp->tp_dict, ID("__new__"), sm) < 0) {
            tw_xdecref(sm);
            goto fail;
        }
        tw_decref(sm);
    }
    /* __init_subclass__ is implicitly a class method */
    TwObject *isub = tw_dict_get_borrowed(tp->tp_dict, ID("__init_subclass__"));
    if (isub && TW_TYPE(isub) != &TwClassMethod_Type && TW_TYPE(isub) != &TwStaticMethod_Type) {
        TwObject *cm = tw_classmethod_new(isub);
        if (!cm || tw_dict_set(tp->tp_dict, ID("__init_subclass__"), cm) < 0) {
            tw_xdecref(cm);
            goto fail;
        }
        tw_decref(cm);
    }
    /* __eq__ without __hash__: instances become unhashable */
    if (tw_dict_get_borrowed(tp->tp_dict, ID("__eq__")) && !tw_dict_get_borrowed(tp->tp_dict, ID("__hash__")) &&
        tw_dict_set(tp->tp_dict, ID("__hash__"), Tw_None) < 0)
        goto fail;

    /* layout */
    tp->tp_basicsize = base->tp_basicsize;
    tp->tp_itemsize = base->tp_itemsize;
    tp->tp_dictoffset = base->tp_dictoffset;
    bool var_sized = base->tp_itemsize != 0 ||
                     (base->tp_flags & (TW_TPFLAGS_STR_SUBCLASS | TW_TPFLAGS_TUPLE_SUBCLASS));
    bool add_dict = tp->tp_dictoffset == 0 && !var_sized;
    if (add_dict) {
        tp->tp_dictoffset = (TwSsize)tp->tp_basicsize;
        tp->tp_basicsize += sizeof(TwObject *);
    }
    inherit_slots(tp, base);
    tp->tp_dealloc = tw_object_dealloc_generic;
    tp->tp_traverse = heap_instance_traverse;
    tp->tp_clear = heap_instance_clear;
    tp->tp_flags |= TW_TPFLAGS_READY;

    tp->tp_mro = compute_mro(tp, own_bases);
    if (!tp->tp_mro)
        goto fail;
    if (add_dict && !tw_dict_get_borrowed(tp->tp_dict, ID("__dict__"))) {
        TwObject *d = tw_getsetdescr_new(tp, &subtype_getset[0]);
        if (!d || tw_dict_set(tp->tp_dict, ID("__dict__"), d) < 0) {
            tw_xdecref(d);
            goto fail;
        }
        tw_decref(d);
    }
    tp->tp_version = new_version();
    {
        SlotPlan plan;
        plan_init(&plan, false);
        slot_update_begin();
        update_slots(tp, &plan);
        plan_apply(&plan);
        int r = 0;
        for (TwSsize i = 0; r == 0 && i < TW_TUPLE_SIZE(own_bases); i++)
            r = add_subclass((TwTypeObject *)TW_TUPLE_GET(own_bases, i), tp);
        slot_update_end();
        plan_release(&plan);
        if (r < 0)
            goto fail;
    }
    tw_gc_track(op);
    /* Every instance holds its class: count the class's references per
     * thread, so threads making instances do not share one cache line. */
    tw_object_set_deferred_rc(op);

    /* descriptors that want their name (property, user descriptors) */
    TwObject *items = tw_dict_items_list(tp->tp_dict);
    if (!items)
        goto fail;
    for (TwSsize i = 0; i < TW_LIST_SIZE(items); i++) {
        TwObject *pair = tw_list_get(items, i);
        if (!pair)
            break;
        TwObject *k = TW_TUPLE_GET(pair, 0), *v = TW_TUPLE_GET(pair, 1);
        if (tw_type_lookup(TW_TYPE(v), ID("__set_name__"))) {
            TwObject *args[2] = {op, k};
            TwObject *r = tw_call_special(v, ID("__set_name__"), args, 2, NULL);
            if (!r) {
                tw_decref(pair);
                tw_decref(items);
                goto fail;
            }
            tw_decref(r);
        }
        tw_decref(pair);
    }
    tw_decref(items);
    /* the nearest base's __init_subclass__, bound to the new class */
    if (init_subclass(tp) < 0)
        goto fail;
    return op;
fail:
    /* type_dealloc copes with a half-built class */
    tw_decref(op);
    return NULL;
}

/* instance __dict__ of classes (abstract.c); `del o.__dict__` drops it */
static int subtype_set_dict(TwObject *self, TwObject *value)
{
    return tw_object_set_dict(self, value, true);
}

static const TwGetSetDef subtype_getset[] = {
    {"__dict__", tw_object_generic_get_dict, subtype_set_dict},
    {NULL, NULL, NULL},
};

/* ------------------------------------------------------------------ */
/* type                                                               */
/* ------------------------------------------------------------------ */

static TwObject *type_new(TwTypeObject *meta, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (kwnames && TW_TUPLE_SIZE(kwnames) > 0)
        return tw_err_format(TwExc_TypeError, "type() takes no keyword arguments");
    if (nargs == 1)
        return tw_newref((TwObject *)visible_type(TW_TYPE(args[0])));
    if (nargs != 3)
        return tw_err_format(TwExc_TypeError, "type() takes 1 or 3 arguments");
    return tw_type_new_class(args[0], args[1], args[2]);
}

static int type_init(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return 0;
}

static TwObject *type_call(TwObject *callable, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    TwTypeObject *tp = (TwTypeObject *)callable;
    if (tp == &TwType_Type)
        return type_new(tp, args, nargs, kwnames);
    if (!(tp->tp_flags & TW_TPFLAGS_READY) && tw_type_ready(tp) < 0)
        return NULL;
    if (!tp->tp_new)
        return tw_err_format(TwExc_TypeError, "cannot create '%s' instances", tw_type_name(tp));
    TwObject *obj = tp->tp_new(tp, args, nargs, kwnames);
    if (!obj)
        return NULL;
    TwTypeObject *ot = TW_TYPE(obj);
    if (ot != tp && !tw_type_is_subtype(ot, tp))
        return obj;
    if (IS_HEAP(ot) && (ot->tp_flags & TW_TPFLAGS_HAVE_GC) && !tw_gc_is_tracked(obj))
        tw_gc_track(obj);
    if (ot->tp_init && ot->tp_init(obj, args, nargs, kwnames) < 0) {
        tw_decref(obj);
        return NULL;
    }
    return obj;
}

/* Attributes of a class: the metatype's data descriptors (__name__,
 * __mro__, ...) win, then the class's own MRO (binding with obj NULL, so
 * functions come back unbound), then other metatype attributes. */
static TwObject *type_getattro(TwObject *self, TwObject *name)
{
    TwTypeObject *tp = (TwTypeObject *)self;
    TwTypeObject *meta = TW_TYPE(self);
    if (!TW_STR_CHECK(name))
        return tw_err_format(TwExc_TypeError, "attribute name must be string, not '%T'", name);
    if (!(tp->tp_flags & TW_TPFLAGS_READY) && tw_type_ready(tp) < 0)
        return NULL;
    TwObject *meta_attr = tw_type_lookup_ref(meta, name);
    TwDescrGetFn meta_get = NULL;
    if (meta_attr) {
        meta_get = TW_TYPE(meta_attr)->tp_descr_get;
        if (meta_get && TW_TYPE(meta_attr)->tp_descr_set) {
            TwObject *r = meta_get(meta_attr, self, (TwObject *)meta);
            tw_decref(meta_attr);
            return r;
        }
    }
    TwObject *attr = tw_type_lookup_ref(tp, name);
    if (attr) {
        tw_xdecref(meta_attr);
        TwDescrGetFn local_get = TW_TYPE(attr)->tp_descr_get;
        if (local_get) {
            TwObject *r = local_get(attr, NULL, self);
            tw_decref(attr);
            return r;
        }
        return attr;
    }
    if (meta_get) {
        TwObject *r = meta_get(meta_attr, self, (TwObject *)meta);
        tw_decref(meta_attr);
        return r;
    }
    if (meta_attr)
        return meta_attr;
    return tw_err_format(TwExc_AttributeError, "type object '%s' has no attribute '%S'", tw_type_name(tp), name);
}

static int type_setattro(TwObject *self, TwObject *name, TwObject *value)
{
    TwTypeObject *tp = (TwTypeObject *)self;
    if (!TW_STR_CHECK(name)) {
        tw_err_format(TwExc_TypeError, "attribute name must be string, not '%T'", name);
        return -1;
    }
    if (!IS_HEAP(tp)) {
        tw_err_format(TwExc_TypeError, "cannot set '%S' attribute of immutable type '%s'", name, tw_type_name(tp));
        return -1;
    }
    TwObject *meta_attr = tw_type_lookup_ref(TW_TYPE(self), name);
    if (meta_attr) {
        TwDescrSetFn set = TW_TYPE(meta_attr)->tp_descr_set;
        int r = set ? set(meta_attr, self, value) : 0;
        tw_decref(meta_attr);
        if (set)
            return r;
    }
    TwObject *key = tw_newref(name);
    tw_str_intern_inplace(&key);
    int rc;
    if (TW_STR_SIZE(key) > 4 && strncmp(TW_STR_DATA(key), "__", 2) == 0 &&
        strcmp(TW_STR_DATA(key) + TW_STR_SIZE(key) - 2, "__") == 0) {
        rc = type_set_dunder(tp, key, value);
    } else {
        rc = value ? tw_dict_set(tp->tp_dict, key, value) : tw_dict_del(tp->tp_dict, key);
        tw_type_modified(tp);
    }
    if (rc < 0 && !value && tw_err_matches(TwExc_KeyError)) {
        tw_err_clear();
        tw_err_format(TwExc_AttributeError, "type object '%s' has no attribute '%S'", tw_type_name(tp), name);
    }
    tw_decref(key);
    return rc;
}

static int type_traverse(TwObject *self, TwVisitFn visit, void *arg)
{
    TwTypeObject *tp = (TwTypeObject *)self;
    TwObject *refs[] = {tp->tp_dict, tp->tp_bases, tp->tp_mro, (TwObject *)tp->tp_base};
    for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++)
        if (refs[i]) {
            int r = visit(refs[i], arg);
            if (r)
                return r;
        }
    return 0;
}

static int type_clear(TwObject *self)
{
    TwTypeObject *tp = (TwTypeObject *)self;
    /* off the bases' lists of subclasses before anything is cleared, so
     * that no walk of those lists finds it half cleared */
    if (tp->tp_bases && IS_HEAP(tp))
        for (TwSsize i = 0; i < TW_TUPLE_SIZE(tp->tp_bases); i++)
            remove_subclass((TwTypeObject *)TW_TUPLE_GET(tp->tp_bases, i), tp);
    if (tp->tp_dict)
        tw_dict_clear(tp->tp_dict);
    /* the MRO tuple holds the type itself: drop it to break that cycle
     * (lookups fall back to walking tp_base) */
    TW_CLEAR(tp->tp_mro);
    tw_type_modified(tp);
    return 0;
}

static void type_dealloc(TwObject *self)
{
    TwTypeObject *tp = (TwTypeObject *)self;
    if (!IS_HEAP(tp))
        return; /* static types are immortal */
    if (tw_gc_is_tracked(self))
        tw_gc_untrack(self);
    TwHeapTypeObject *ht = HT(tp);
    if (tp->tp_bases)
        for (TwSsize i = 0; i < TW_TUPLE_SIZE(tp->tp_bases); i++)
            remove_subclass((TwTypeObject *)TW_TUPLE_GET(tp->tp_bases, i), tp);
    TW_CLEAR(tp->tp_dict);
    TW_CLEAR(tp->tp_bases);
    TW_CLEAR(tp->tp_mro);
    TW_CLEAR(tp->tp_base);
    TW_CLEAR(ht->ht_name);
    TW_CLEAR(ht->ht_qualname);
    TW_CLEAR(ht->ht_retired);
    free(ht->subclasses);
    tw_gc_free(self, sizeof(TwHeapTypeObject));
}

/* ---------------- type attributes ------------------------------------ */

/* C.__name__ = s (slot &ht_name) or C.__qualname__ = s.  The old name is
 * kept until the class dies, not dropped: other threads read the names,
 * and tp_name (the C string in every error message) points into
 * ht_name's characters, without a lock or a reference (renaming a class
 * is rare; each rename keeps one str). */
static int retire_name(TwTypeObject *tp, TwObject **slot, TwObject *value)
{
    TwHeapTypeObject *ht = HT(tp);
    int rc = 0;
    TW_BEGIN_CRITICAL_SECTION((TwObject *)tp);
    if (ht->ht_retired == NULL)
        ht->ht_retired = tw_list_new(0);
    if (ht->ht_retired == NULL || tw_list_append(ht->ht_retired, *slot) < 0) {
        rc = -1;
    } else {
        TwObject *old = *slot;
        tw_object_publish(value);
        tw_atomic_store_ptr(slot, tw_newref(value));
        if (slot == &ht->ht_name)
            __atomic_store_n(&tp->tp_name, TW_STR_DATA(value), __ATOMIC_RELEASE);
        tw_decref(old);          /* the list holds it */
    }
    TW_END_CRITICAL_SECTION();
    return rc;
}

static TwObject *type_get_name(TwObject *self)
{
    TwTypeObject *tp = (TwTypeObject *)self;
    if (IS_HEAP(tp))
        return tw_newref(tw_atomic_load_ptr(&HT(tp)->ht_name));
    return tw_str_from_cstr(tw_type_short_name(tp));
}

static int type_set_name(TwObject *self, TwObject *value)
{
    TwTypeObject *tp = (TwTypeObject *)self;
    if (!IS_HEAP(tp)) {
        tw_err_format(TwExc_TypeError, "cannot set '__name__' attribute of immutable type '%s'", tw_type_name(tp));
        return -1;
    }
    if (!value || !TW_STR_CHECK(value)) {
        tw_err_format(TwExc_TypeError, "can only assign string to %s.__name__, not '%s'", tw_type_name(tp),
                      value ? tw_type_name(TW_TYPE(value)) : "NoneType");
        return -1;
    }
    return retire_name(tp, &HT(tp)->ht_name, value);
}

static TwObject *type_get_qualname(TwObject *self) { return type_qualname((TwTypeObject *)self); }

static int type_set_qualname(TwObject *self, TwObject *value)
{
    TwTypeObject *tp = (TwTypeObject *)self;
    if (!IS_HEAP(tp) || !value || !TW_STR_CHECK(value)) {
        tw_err_format(TwExc_TypeError, "can only assign string to %s.__qualname__", tw_type_name(tp));
        return -1;
    }
    return retire_name(tp, &HT(tp)->ht_qualname, value);
}

static TwObject *type_get_module(TwObject *self) { return type_module((TwTypeObject *)self); }

static int type_set_module(TwObject *self, TwObject *value)
{
    TwTypeObject *tp = (TwTypeObject *)self;
    if (!IS_HEAP(tp)) {
        tw_err_format(TwExc_TypeError, "cannot set '__module__' attribute of immutable type '%s'", tw_type_name(tp));
        return -1;
    }
    int rc = value ? tw_dict_set(tp->tp_dict, ID("__module__"), value) : tw_dict_del(tp->tp_dict, ID("__module__"));
    tw_type_modified(tp);
    return rc;
}

static TwObject *type_get_dict(TwObject *self)
{
    TwTypeObject *tp = (TwTypeObject *)self;
    return tp->tp_dict ? tw_dict_copy(tp->tp_dict) : tw_dict_new();
}

static TwObject *type_get_bases(TwObject *self)
{
    TwTypeObject *tp = (TwTypeObject *)self;
    return tp->tp_bases ? tw_newref(tp->tp_bases) : tw_tuple_empty();
}

static TwObject *type_get_base(TwObject *self)
{
    TwTypeObject *tp = (TwTypeObject *)self;
    return tw_newref(tp->tp_base ? (TwObject *)tp->tp_base : Tw_None);
}

static TwObject *type_get_mro(TwObject *self)
{
    TwTypeObject *tp = (TwTypeObject *)self;
    return tp->tp_mro ? tw_newref(tp->tp_mro) : tw_tuple_empty();
}

static TwObject *type_get_doc(TwObject *self)
{
    TwTypeObject *tp = (TwTypeObject *)self;
    TwObject *d = NULL;
    if (tp->tp_dict && tw_dict_get_ref(tp->tp_dict, ID("__doc__"), &d) < 0)
        return NULL;
    if (d && TW_TYPE(d)->tp_descr_get) {
        TwObject *r = TW_TYPE(d)->tp_descr_get(d, NULL, self);
        tw_decref(d);
        return r;
    }
    return d ? d : tw_newref(Tw_None);
}

static const TwGetSetDef type_getset[] = {
    {"__name__", type_get_name, type_set_name},
    {"__qualname__", type_get_qualname, type_set_qualname},
    {"__module__", type_get_module, type_set_module},
    {"__dict__", type_get_dict, NULL},
    {"__bases__", type_get_bases, NULL},
    {"__base__", type_get_base, NULL},
    {"__mro__", type_get_mro, NULL},
    {"__doc__", type_get_doc, NULL},
    {NULL, NULL, NULL},
};

static TwObject *type_mro_method(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_count("mro", nargs, 0, 0) < 0)
        return NULL;
    TwObject *mro = ((TwTypeObject *)self)->tp_mro;
    TwSsize n = mro ? TW_TUPLE_SIZE(mro) : 0;
    TwObject *l = tw_list_new(n);
    if (!l)
        return NULL;
    for (TwSsize i = 0; i < n; i++)
        tw_list_set_init(l, i, tw_newref(TW_TUPLE_GET(mro, i)));
    return l;
}

static TwObject *type_subclasses(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_count("__subclasses__", nargs, 0, 0) < 0)
        return NULL;
    TwTypeObject *small[SUBCLASS_SMALL], **subs;
    size_t n = subclasses_snapshot((TwTypeObject *)self, small, &subs);
    TwObject *l = tw_list_new((TwSsize)n);
    for (size_t i = 0; l && i < n; i++)
        tw_list_set_init(l, (TwSsize)i, tw_newref((TwObject *)subs[i]));
    subclasses_release(subs, n, small);
    return l;
}

static TwObject *type_instancecheck(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_count("__instancecheck__", nargs, 1, 1) < 0)
        return NULL;
    return tw_bool_from(TW_TYPE_CHECK(args[0], (TwTypeObject *)self));
}

static TwObject *type_subclasscheck(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_count("__subclasscheck__", nargs, 1, 1) < 0)
        return NULL;
    int r = tw_object_issubclass(args[0], self);
    return r < 0 ? NULL : tw_bool_from(r);
}

static const TwMethodDef type_methods[] = {
    {"mro", type_mro_method, 0},
    {"__subclasses__", type_subclasses, 0},
    {"__instancecheck__", type_instancecheck, 0},
    {"__subclasscheck__", type_subclasscheck, 0},
    {NULL, NULL, 0},
};

TwTypeObject TwType_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "type",
    .tp_basicsize = sizeof(TwHeapTypeObject),
    .tp_flags = TW_TPFLAGS_BASETYPE | TW_TPFLAGS_TYPE_SUBCLASS,
    .tp_dealloc = type_dealloc,
    .tp_repr = type_repr,
    .tp_getattro = type_getattro,
    .tp_setattro = type_setattro,
    .tp_call = type_call,
    .tp_new = type_new,
    .tp_init = type_init,
    .tp_traverse = type_traverse,
    .tp_clear = type_clear,
    .tp_base = &TwBaseObject_Type,
    .tp_methods = type_methods,
    .tp_getset = type_getset,
};

/* The type of classes (see visible_type): everything as `type`, plus GC. */
static TwTypeObject TwHeapType_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "type",
    .tp_basicsize = sizeof(TwHeapTypeObject),
    .tp_flags = TW_TPFLAGS_HAVE_GC | TW_TPFLAGS_TYPE_SUBCLASS,
    .tp_dealloc = type_dealloc,
    .tp_repr = type_repr,
    .tp_getattro = type_getattro,
    .tp_setattro = type_setattro,
    .tp_call = type_call,
    .tp_init = type_init,
    .tp_traverse = type_traverse,
    .tp_clear = type_clear,
    .tp_base = &TwType_Type,
};
