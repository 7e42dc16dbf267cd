/*
 * types.h — the built-in object types and their C API.
 *
 * Implemented in shared/objects/<type>.c, one type (family) per file.
 * Conventions: constructors return new references; "borrowed" says so.
 */
#ifndef TWINPY_TYPES_H
#define TWINPY_TYPES_H

#include "twinpy/errors.h"
#include "twinpy/object.h"

/* ---------------- singletons ---------------------------------------- */

extern TwTypeObject TwNone_Type, TwNotImplemented_Type, TwEllipsis_Type;
extern TwObject TwNone_Object, TwNotImplemented_Object, TwEllipsis_Object;
#define Tw_None (&TwNone_Object)
#define Tw_NotImplemented (&TwNotImplemented_Object)
#define Tw_Ellipsis (&TwEllipsis_Object)
#define TW_RETURN_NONE return tw_newref(Tw_None)

/* ---------------- int (64-bit; overflow raises OverflowError) ------- */

typedef struct {
    TwObject ob_base;
    int64_t value;
} TwIntObject;
extern TwTypeObject TwInt_Type, TwBool_Type;
#define TW_INT_CHECK(op) TW_HAS_TPFLAG(op, TW_TPFLAGS_INT_SUBCLASS)   /* includes bool */
#define TW_INT_CHECK_EXACT(op) (TW_TYPE(op) == &TwInt_Type)
#define TW_INT_VALUE(op) (((TwIntObject *)(op))->value)
/* Small ints -5..256 are cached and immortal. */
#define TW_SMALL_INT_MIN (-5)
#define TW_SMALL_INT_MAX 256
TwObject *tw_int_from_i64(int64_t v);
/* Parse like int(s, base): base 0 honours prefixes; ValueError on junk. */
TwObject *tw_int_from_string(const char *s, size_t len, int base);
int64_t tw_int_as_i64(TwObject *o);               /* -1 with error set on failure: check tw_err_occurred */

extern TwIntObject TwTrue_Object, TwFalse_Object;
#define Tw_True ((TwObject *)&TwTrue_Object)
#define Tw_False ((TwObject *)&TwFalse_Object)
static inline TwObject *tw_bool_from(bool b) { return tw_newref(b ? Tw_True : Tw_False); }
#define TW_RETURN_TRUE return tw_newref(Tw_True)
#define TW_RETURN_FALSE return tw_newref(Tw_False)

/* ---------------- float ---------------------------------------------- */

typedef struct {
    TwObject ob_base;
    double value;
} TwFloatObject;
extern TwTypeObject TwFloat_Type;
#define TW_FLOAT_CHECK(op) TW_HAS_TPFLAG(op, TW_TPFLAGS_FLOAT_SUBCLASS)
#define TW_FLOAT_VALUE(op) (((TwFloatObject *)(op))->value)
TwObject *tw_float_from_double(double v);
double tw_float_as_double(TwObject *o);           /* accepts int; -1.0 + error on failure */
/* repr(float) exactly as CPython (shortest round-trip, "1e+16", "inf"). */
int tw_float_repr_buf(double v, char *buf, size_t size);

/* ---------------- str (UTF-8) ---------------------------------------- */

typedef struct {
    TwObject ob_base;
    TwSsize length;           /* code points                               */
    TwSsize size;             /* bytes of UTF-8, excluding the final NUL   */
    TwHash hash;              /* -1 until computed                         */
    uint8_t is_ascii;         /* length == size: O(1) indexing             */
    uint8_t interned;
    char data[];              /* NUL-terminated UTF-8                      */
} TwStrObject;
extern TwTypeObject TwStr_Type;
#define TW_STR_CHECK(op) TW_HAS_TPFLAG(op, TW_TPFLAGS_STR_SUBCLASS)
#define TW_STR_CHECK_EXACT(op) (TW_TYPE(op) == &TwStr_Type)
#define TW_STR_DATA(op) (((TwStrObject *)(op))->data)
#define TW_STR_SIZE(op) (((TwStrObject *)(op))->size)
#define TW_STR_LEN(op) (((TwStrObject *)(op))->length)
TwObject *tw_str_from_utf8(const char *s, size_t size);   /* must be valid UTF-8 */
TwObject *tw_str_from_cstr(const char *s);
TwObject *tw_str_from_format(const char *fmt, ...);       /* tw_err_format's codes */
/* The interned (immortal, unique) str for s: for identifiers and attribute
 * names; equal interned strings are the same object. */
TwObject *tw_str_intern_cstr(const char *s);               /* borrowed-like: immortal */
void tw_str_intern_inplace(TwObject **p);                  /* replace *p by its interned twin */
TwObject *tw_str_concat(TwObject *a, TwObject *b);
/* a + b for exact strs, done by growing a's own block when the caller's
 * variable holds a's only reference and a may move (tw_refcnt_is_unshared,
 * tw_object_may_move: the interpreter's `s += t` / `s = s + t`): a's new
 * address (a itself is gone), or NULL, a untouched and no exception set,
 * when it cannot be done so (then concatenate as usual). */
TwObject *tw_str_append_in_place(TwObject *a, TwObject *b);
TwObject *tw_str_join(TwObject *sep, TwObject *iterable);
bool tw_str_eq(TwObject *a, TwObject *b);                 /* both str          */
bool tw_str_eq_cstr(TwObject *a, const char *s);
TwHash tw_str_hash(TwObject *s);
/* format(value, spec): the format-spec mini-language for int, float, str. */
TwObject *tw_object_format(TwObject *value, TwObject *spec);
/* Incremental building of a str. */
typedef struct {
    char *buf;
    size_t len, cap;
    char small[128];
} TwStrBuilder;
void tw_sb_init(TwStrBuilder *sb);
int tw_sb_append(TwStrBuilder *sb, const char *s, size_t n);
int tw_sb_append_cstr(TwStrBuilder *sb, const char *s);
int tw_sb_append_obj_str(TwStrBuilder *sb, TwObject *o);   /* str(o)  */
int tw_sb_append_obj_repr(TwStrBuilder *sb, TwObject *o);  /* repr(o) */
TwObject *tw_sb_finish(TwStrBuilder *sb);                  /* frees the builder */
void tw_sb_discard(TwStrBuilder *sb);

/* ---------------- tuple ---------------------------------------------- */

typedef struct {
    TwVarObject ob_base;
    TwObject *items[];
} TwTupleObject;
extern TwTypeObject TwTuple_Type;
#define TW_TUPLE_CHECK(op) TW_HAS_TPFLAG(op, TW_TPFLAGS_TUPLE_SUBCLASS)
#define TW_TUPLE_SIZE(op) TW_SIZE(op)
#define TW_TUPLE_ITEMS(op) (((TwTupleObject *)(op))->items)
#define TW_TUPLE_GET(op, i) (((TwTupleObject *)(op))->items[i])   /* borrowed */
/* CPython's _PyObject_GC_MAY_BE_TRACKED: o may be part of a cycle (an
 * object of a GC type, other than a tuple the collector has untracked:
 * its items are atomic for good). */
static inline bool tw_gc_may_be_tracked(TwObject *o)
{
    if (!TW_HAS_TPFLAG(o, TW_TPFLAGS_HAVE_GC))
        return false;
    return TW_TYPE(o) != &TwTuple_Type || tw_gc_is_tracked(o);
}
TwObject *tw_tuple_new(TwSsize n);                /* items NULL: fill with TW_TUPLE_SET */
#define TW_TUPLE_SET(op, i, v) (((TwTupleObject *)(op))->items[i] = (v))  /* steals */
TwObject *tw_tuple_pack(TwSsize n, ...);          /* borrows the arguments        */
TwObject *tw_tuple_from_array(TwObject *const *items, TwSsize n);  /* increfs */
TwObject *tw_tuple_empty(void);                   /* the immortal () */

/* ---------------- list ------------------------------------------------
 * Items are read without a lock in the nogil build: `items` and `allocated`
 * are published with tw_atomic_store_ptr; a replaced array is freed with
 * tw_mem_free_delayed; every mutation runs in a critical section. */

/* The item array carries its own capacity so that a lock-free reader that
 * loaded an old array still bounds-checks against that array. */
typedef struct {
    TwSsize allocated;
    TwObject *items[];
} TwListArray;
typedef struct {
    TwObject ob_base;
    TwSsize size;
    TwListArray *array;       /* NULL when empty and never grown            */
} TwListObject;
extern TwTypeObject TwList_Type;
#define TW_LIST_CHECK(op) TW_HAS_TPFLAG(op, TW_TPFLAGS_LIST_SUBCLASS)
#define TW_LIST_SIZE(op) tw_atomic_load_ssize(&((TwListObject *)(op))->size)
TwObject *tw_list_new(TwSsize n);                 /* n NULL slots to fill with tw_list_set_init */
void tw_list_set_init(TwObject *list, TwSsize i, TwObject *v); /* steals; only for a new list */
/* A new list of items[0..n), the references stolen; NULL (MemoryError)
 * leaves them the caller's. */
TwObject *tw_list_from_array(TwObject *const *items, TwSsize n);
int tw_list_append(TwObject *list, TwObject *v);  /* borrows v                   */
TwObject *tw_list_get(TwObject *list, TwSsize i); /* new ref; IndexError         */
int tw_list_set(TwObject *list, TwSsize i, TwObject *v);  /* borrows v; IndexError */
TwObject *tw_list_pop(TwObject *list, TwSsize i);  /* list.pop(i): new ref; IndexError */
/* list[i] = v for 0 <= i < len(list) on a list private to the calling
 * thread (tw_object_is_private: always so under the GIL), with no lock and
 * nothing published: the caller's reference to v moves into the list and
 * *old receives the item it replaced, which the caller releases
 * afterwards.  False, and nothing done, for any other list or index
 * (tw_list_set does those, and counts a negative index from the end). */
static inline bool tw_list_store_private(TwObject *list, TwSsize i, TwObject *v, TwObject **old)
{
    TwListObject *l = (TwListObject *)list;
    if (!tw_object_is_private(list) || (size_t)i >= (size_t)l->size)
        return false;
    TwObject **slot = &l->array->items[i];
    *old = *slot;
    tw_atomic_store_ptr(slot, v);
    return true;
}
int tw_list_extend(TwObject *list, TwObject *iterable);
int tw_list_sort(TwObject *list, TwObject *key, bool reverse);
TwObject *tw_list_as_tuple(TwObject *list);
TwObject *tw_list_from_iterable(TwObject *iterable);
/* An exact dict, set or frozenset, or a dict view: 1 and *out a fresh
 * list of what iterating it gives, copied as one state of the container
 * (inside its critical section); 0 for any other iterable; -1 on error. */
int tw_container_snapshot(TwObject *iterable, TwObject **out);
/* A consistent copy of the items (new refs) for iteration by C code. */
TwObject *tw_list_copy(TwObject *list);

/* ---------------- deque (collections.deque, deque.c) ----------------- */

extern TwTypeObject TwDeque_Type;
int tw_deque_types_ready(void);                   /* the collections module */
TwSsize tw_deque_size(TwObject *deque);
int tw_deque_append(TwObject *deque, TwObject *v);    /* 0, -1 MemoryError  */
TwObject *tw_deque_popleft(TwObject *deque);          /* NULL: IndexError   */
TwObject *tw_deque_item(TwObject *deque, TwSsize i);  /* NULL: IndexError   */
int tw_deque_set_item(TwObject *deque, TwSsize i, TwObject *v); /* -1: IndexError */

/* ---------------- dict (insertion-ordered, open addressing) ---------- */

typedef struct TwDictKeys TwDictKeys;       /* private to dict.c          */
typedef struct {
    TwObject ob_base;
    TwSsize used;
    uint64_t version;         /* changes on every mutation (caches)       */
    TwDictKeys *keys;
} TwDictObject;
extern TwTypeObject TwDict_Type;
#define TW_DICT_CHECK(op) TW_HAS_TPFLAG(op, TW_TPFLAGS_DICT_SUBCLASS)
TwObject *tw_dict_new(void);
/* Borrowed reference or NULL; NULL with an exception only on hash/compare
 * failure.  NOT safe against concurrent mutation in the nogil build: use
 * tw_dict_get_ref for shared dicts. */
TwObject *tw_dict_get_borrowed(TwObject *d, TwObject *key);
/* d[key] without a reference and without a lock, or NULL when the first
 * probe does not find it surely (missing, a key not an exact int or str,
 * a racing writer, d biased to another thread: no quiescent point is
 * passed): d an exact dict.  Only for the interpreter's
 * uncounted number operands: the value may be read as an int or float
 * until the caller's next quiescent point (a number found in a shared
 * dict is published, so it stays where it is and never changes in place:
 * tw_refcnt_is_unshared), and nothing else may be done with it. */
TwObject *tw_dict_peek(TwObject *d, TwObject *key);
/* New reference: 1 found, 0 missing (*out NULL), -1 error. Lock-free in nogil. */
int tw_dict_get_ref(TwObject *d, TwObject *key, TwObject **out);
int tw_dict_get_ref_str(TwObject *d, const char *key, TwObject **out);
/* tw_dict_get_ref on the dict *slot holds (NULL: none, 0), where the slot
 * may be given another dict at any time, by another thread or by Python
 * code the lookup runs (an instance's __dict__).  The dict is read
 * without a reference where nothing can run or wait (a replaced dict is
 * published before it is dropped: its memory and table outlive the
 * read), else with one. */
int tw_dict_slot_get_ref(TwObject **slot, TwObject *key, TwObject **out);
/* tw_dict_set on the dict such a slot of owner holds, making one first
 * if it holds none (tw_dict_slot_make: two threads racing agree on one;
 * a dict made for an object other threads can see is shared at once);
 * 0 or -1. */
int tw_dict_slot_set(TwObject *owner, TwObject **slot, TwObject *key, TwObject *value);
int tw_dict_slot_make(TwObject *owner, TwObject **slot);
int tw_dict_set(TwObject *d, TwObject *key, TwObject *value);   /* borrows both */
int tw_dict_set_str(TwObject *d, const char *key, TwObject *value);
int tw_dict_del(TwObject *d, TwObject *key);                    /* KeyError    */
int tw_dict_pop(TwObject *d, TwObject *key, TwObject **out);    /* 1/0/-1      */
int tw_dict_contains(TwObject *d, TwObject *key);
TwSsize tw_dict_size(TwObject *d);
/* Iterate: *pos starts at 0; borrowed key/value; returns false at the end.
 * Only while the dict cannot change (under its critical section or the GIL). */
bool tw_dict_next(TwObject *d, TwSsize *pos, TwObject **key, TwObject **value);
TwObject *tw_dict_copy(TwObject *d);
int tw_dict_update(TwObject *d, TwObject *other);    /* mapping or iterable of pairs */
/* For dict(**x) / f(**x): merge; on duplicate key raise TypeError if !override. */
int tw_dict_merge(TwObject *d, TwObject *other, bool override);
TwObject *tw_dict_keys_list(TwObject *d);
TwObject *tw_dict_items_list(TwObject *d);
TwObject *tw_dict_values_list(TwObject *d);
/* A dict's live entries in order, as one state of it (taken inside its
 * critical section), as new references with their stored hashes:
 * 0 with *out (NULL when *n is 0) and *n, or -1 (MemoryError).  Give
 * them back with tw_dict_items_release. */
typedef struct {
    TwObject *key, *value;
    TwHash hash;
} TwDictItem;
int tw_dict_items_snapshot(TwObject *d, TwDictItem **out, TwSsize *n);
void tw_dict_items_release(TwDictItem *items, TwSsize n);
/* key in d, with key's hash known: 1, 0 or -1. */
int tw_dict_contains_hashed(TwObject *d, TwObject *key, TwHash hash);
/* For an exact dict or a dict view (keys, values, items): 1 and *out a
 * fresh list of what iterating it gives, taken as one state of the dict
 * (the three lists above are too); 0 for anything else; -1 on error. */
int tw_dict_view_snapshot(TwObject *op, TwObject **out);
void tw_dict_clear(TwObject *d);

/* ---------------- set, frozenset ------------------------------------- */

extern TwTypeObject TwSet_Type, TwFrozenSet_Type;
#define TW_SET_CHECK(op) (TW_TYPE_CHECK(op, &TwSet_Type) || TW_TYPE_CHECK(op, &TwFrozenSet_Type))
TwObject *tw_set_new(TwObject *iterable);         /* iterable may be NULL      */
TwObject *tw_frozenset_new(TwObject *iterable);
int tw_set_add(TwObject *set, TwObject *key);
int tw_set_discard(TwObject *set, TwObject *key); /* 1 removed, 0 absent       */
int tw_set_contains(TwObject *set, TwObject *key);
TwSsize tw_set_size(TwObject *set);
/* A fresh list of a set's items, taken as one state of the set. */
TwObject *tw_set_to_list(TwObject *set);
/* The same as tw_dict_items_snapshot's entries (values NULL). */
int tw_set_items_snapshot(TwObject *set, TwDictItem **out, TwSsize *n);

/* ---------------- range, slice --------------------------------------- */

extern TwTypeObject TwRange_Type, TwSlice_Type;
typedef struct {
    TwObject ob_base;
    TwObject *start, *stop, *step;    /* None where omitted               */
} TwSliceObject;
TwObject *tw_range_new(int64_t start, int64_t stop, int64_t step);
extern TwTypeObject TwRangeIter_Type;
/* `for x in <range iterator>` storing into a local: the iterator's next
 * value goes straight into *slot (the local), in place in the int the
 * local holds when nothing else refers to it (tw_refcnt_is_unshared) and
 * the value is not one of the shared small ints; else as a new int, the
 * local's old value released.  1 stored, 0 exhausted, -1 MemoryError. */
int tw_rangeiter_next_into(TwObject *it, TwObject **slot);
TwObject *tw_slice_new(TwObject *start, TwObject *stop, TwObject *step); /* borrows; NULL means None */
/* Resolve against a length, Python's rules; returns the slice length or -1. */
TwSsize tw_slice_indices(TwObject *slice, TwSsize length, TwSsize *start, TwSsize *stop, TwSsize *step);

/* ---------------- iterators ------------------------------------------ */

extern TwTypeObject TwSeqIter_Type;   /* iter() over __getitem__ sequences */
TwObject *tw_seqiter_new(TwObject *seq);

/* ---------------- builtin functions and methods ---------------------- */

/* A C function exposed to Python (builtins, module functions, bound C methods). */
typedef struct {
    TwObject ob_base;
    const TwMethodDef *def;
    TwObject *self;           /* bound self, module, or NULL               */
    TwObject *module_name;    /* str or NULL                               */
} TwCFunctionObject;
extern TwTypeObject TwCFunction_Type, TwMethodDescr_Type, TwClassMethodDescr_Type;
TwObject *tw_cfunction_new(const TwMethodDef *def, TwObject *self);

/* Python-level descriptors. */
extern TwTypeObject TwProperty_Type, TwClassMethod_Type, TwStaticMethod_Type, TwSuper_Type;
extern TwTypeObject TwGetSetDescr_Type;
/* A bound method: a callable with its self (used for Python functions). */
typedef struct {
    TwObject ob_base;
    TwObject *func;
    TwObject *self;
} TwMethodObject;
extern TwTypeObject TwMethod_Type;
TwObject *tw_method_new(TwObject *func, TwObject *self);

/* ---------------- modules -------------------------------------------- */

typedef struct {
    TwObject ob_base;
    TwObject *dict;
    TwObject *name;
} TwModuleObject;
extern TwTypeObject TwModule_Type;
TwObject *tw_module_new(const char *name);
TwObject *tw_module_get_dict(TwObject *m);        /* borrowed                  */
int tw_module_add_functions(TwObject *m, const TwMethodDef *defs);
int tw_module_add_object(TwObject *m, const char *name, TwObject *value); /* borrows */

/* ---------------- start-up ------------------------------------------- */

/* Ready every built-in type, make singletons and interned names immortal.
 * Called by tw_interpreter_init. */
int tw_objects_init(void);
void tw_objects_fini(void);


/* ---------------- additions (shared/objects/descr.c) ----------------- */

/* super(type, obj); the VM calls it for zero-argument super() with the
 * enclosing class (__class__ cell) and the first argument of the frame. */
TwObject *tw_super_new(TwObject *type, TwObject *obj);
/* Wrappers the VM and builtins meet: slot wrappers (`int.__add__`,
 * `object.__init__`) and their bound form (`(1).__add__`). */
extern TwTypeObject TwSlotWrapper_Type, TwMethodWrapper_Type;
/* classmethod(f) and staticmethod(f) from C. */
TwObject *tw_classmethod_new(TwObject *func);
TwObject *tw_staticmethod_new(TwObject *func);

/* Set by the VM at start-up: super() with no arguments asks it for the
 * enclosing class (__class__) and the frame's first argument (borrowed
 * references); returns 0, or -1 with RuntimeError set. */
extern int (*tw_super_frame_args)(TwObject **type, TwObject **obj);
/* Put the names of the built-in types, exceptions and singletons (object,
 * type, int, ..., ValueError, ..., None, NotImplemented, Ellipsis) into a
 * builtins dict. */
int tw_objects_add_builtins(TwObject *dict);

/* ---------------- numbers and text: additions (int.c, float.c, str.c) */

#include <stdarg.h>
/* round(x[, ndigits]) for the builtin: int, float, or x.__round__.
 * ndigits may be NULL or None. */
TwObject *tw_number_round(TwObject *x, TwObject *ndigits);
/* pow(a, b, m) for ints (TypeError unless all three are ints). */
TwObject *tw_int_power_mod(TwObject *a, TwObject *b, TwObject *m);
/* divmod(a, b): a tuple, or NotImplemented when the operands are not
 * int/int (tw_int_divmod) or int/float mixes (tw_float_divmod). */
TwObject *tw_int_divmod(TwObject *a, TwObject *b);
TwObject *tw_float_divmod(TwObject *a, TwObject *b);
/* CPython's numeric hashes (modulus 2**61 - 1): equal numbers hash equal. */
TwHash tw_int_hash_i64(int64_t v);
/* hash(v) for an exact int: v itself when 0 <= v < 2**61 - 1, inline. */
static inline TwHash tw_int_hash_fast(int64_t v)
{
    return (uint64_t)v < ((uint64_t)1 << 61) - 1 ? (TwHash)v : tw_int_hash_i64(v);
}
TwHash tw_float_hash_double(double v);
/* float(s) parsing with Python's grammar; ValueError on junk. */
TwObject *tw_float_from_string(const char *s, size_t len);
/* 0 parsed, 1 not a float literal, -1 out of memory (no exception set). */
int tw_float_parse(const char *s, size_t len, double *out);
/* Digits of |v| (finite, v >= 0) for a format type ('r' repr, 'e' 'f'
 * 'g' 'n' '%' 'E' 'F' 'G', or 0 for "no type"); no sign; snprintf-like. */
int tw_float_format_body(double v, char type, int precision, bool alt, char *buf, size_t size);
/* Exact comparison of a double with an int64: -1/0/1, or 2 if d is NaN. */
int tw_float_compare_int(double d, int64_t i);
TwObject *tw_float_round(TwObject *x, TwObject *ndigits);   /* x a float */
/* tw_str_from_format with a va_list (for tw_err_format). */
TwObject *tw_str_from_vformat(const char *fmt, va_list ap);
/* Append the repr of UTF-8 text s[0..n) (quotes and escapes) to sb. */
void tw_str_repr_buf(TwStrBuilder *sb, const char *s, size_t n);
/* ascii(o): repr(o) with non-ASCII characters escaped. */
TwObject *tw_object_ascii(TwObject *o);
/* The iterator type of str (readied lazily on first use if not before). */
extern TwTypeObject TwStrIter_Type;

#endif /* TWINPY_TYPES_H */
