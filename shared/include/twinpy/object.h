/*
 * object.h — objects, type objects and their slots, and the generic object
 * protocol (the "abstract" API every part of twinpy calls).
 *
 * One table of operator slots: TW_BINARY_OPS lists every binary operator
 * once; the compiler's BINARY_OP argument, the type slots nb[] and
 * nb_inplace[], and the dunder names user classes implement all expand it.
 */
#ifndef TWINPY_OBJECT_H
#define TWINPY_OBJECT_H

#include "twinpy/runtime.h"

#define TW_TYPE(op) (((TwObject *)(op))->ob_type)
#define TW_INCREF(op) tw_incref((TwObject *)(op))
#define TW_DECREF(op) tw_decref((TwObject *)(op))
#define TW_XINCREF(op) do { if ((op) != NULL) tw_incref((TwObject *)(op)); } while (0)
#define TW_XDECREF(op) do { if ((op) != NULL) tw_decref((TwObject *)(op)); } while (0)
#define TW_CLEAR(op) do { TwObject *_tw_tmp = (TwObject *)(op); if (_tw_tmp) { (op) = NULL; tw_decref(_tw_tmp); } } while (0)
#define TW_SETREF(dst, src) do { TwObject *_tw_old = (TwObject *)(dst); (dst) = (src); TW_XDECREF(_tw_old); } while (0)

static inline TwObject *tw_newref(TwObject *op) { tw_incref(op); return op; }
static inline TwObject *tw_xnewref(TwObject *op) { if (op) tw_incref(op); return op; }
static inline void tw_xdecref(TwObject *op) { if (op) tw_decref(op); }

/* Reference fields that Python code may reassign while other threads read
 * the same object (a function's __defaults__, an exception's args): the
 * cells' protocol (vm.h).  A writer swaps the new value in inside the
 * owner's critical section, so that exactly one writer gets each old
 * value, and publishes both values (so an old one's memory outlives every
 * reader's next quiescent point, and its death leaves the dead mark);
 * a reader takes its reference with tw_try_incref_item, which refuses a
 * value that died since it was loaded, and loads again.  Under the GIL
 * both are the plain load-and-incref and swap.
 * tw_field_exchange stores value (a reference the field takes, or NULL)
 * and returns the old value (a reference the caller drops, or NULL). */
static inline TwObject *tw_field_get_ref(TwObject **slot)
{
    for (;;) {
        TwObject *v = tw_try_incref_item(slot);
        if (v != NULL || tw_atomic_load_ptr(slot) == NULL)
            return v;
    }
}
TwObject *tw_field_exchange(TwObject *owner, TwObject **slot, TwObject *value);
/* tw_field_exchange, dropping the old value. */
void tw_field_set(TwObject *owner, TwObject **slot, TwObject *value);

typedef intptr_t TwHash;                 /* -1 means error                   */

/* Variable-size objects (tuple, int if ever big) keep their item count. */
typedef struct {
    TwObject ob_base;
    TwSsize ob_size;
} TwVarObject;
#define TW_SIZE(op) (((TwVarObject *)(op))->ob_size)

/* ---------------- operator table ----------------------------------- */

/*      NAME       slot  symbol dunder         reflected       in-place      */
#define TW_BINARY_OPS(X)                                                         \
    X(ADD,       add,      "+",  "__add__",      "__radd__",      "__iadd__")      \
    X(SUB,       sub,      "-",  "__sub__",      "__rsub__",      "__isub__")      \
    X(MUL,       mul,      "*",  "__mul__",      "__rmul__",      "__imul__")      \
    X(TRUEDIV,   truediv,  "/",  "__truediv__",  "__rtruediv__",  "__itruediv__")  \
    X(FLOORDIV,  floordiv, "//", "__floordiv__", "__rfloordiv__", "__ifloordiv__") \
    X(MOD,       mod,      "%",  "__mod__",      "__rmod__",      "__imod__")      \
    X(POW,       pow,      "**", "__pow__",      "__rpow__",      "__ipow__")      \
    X(LSHIFT,    lshift,   "<<", "__lshift__",   "__rlshift__",   "__ilshift__")   \
    X(RSHIFT,    rshift,   ">>", "__rshift__",   "__rrshift__",   "__irshift__")   \
    X(AND,       and,      "&",  "__and__",      "__rand__",      "__iand__")      \
    X(OR,        or,       "|",  "__or__",       "__ror__",       "__ior__")       \
    X(XOR,       xor,      "^",  "__xor__",      "__rxor__",      "__ixor__")      \
    X(MATMUL,    matmul,   "@",  "__matmul__",   "__rmatmul__",   "__imatmul__")

typedef enum {
#define TW_X(NAME, slot, sym, d, r, i) TW_BINOP_##NAME,
    TW_BINARY_OPS(TW_X)
#undef TW_X
    TW_BINOP__COUNT
} TwBinOp;

/* Rich comparison operators, CPython's numbering. */
enum { TW_LT = 0, TW_LE = 1, TW_EQ = 2, TW_NE = 3, TW_GT = 4, TW_GE = 5 };

/* ---------------- slot signatures ---------------------------------- */

/* The one calling convention: positional arguments, then the values of
 * keyword arguments whose names are in the tuple kwnames (or NULL). */
typedef TwObject *(*TwCallFn)(TwObject *callable, TwObject *const *args,
                              size_t nargs, TwObject *kwnames);
/* A C method: `self` first, then as TwCallFn. */
typedef TwObject *(*TwMethodFn)(TwObject *self, TwObject *const *args,
                                size_t nargs, TwObject *kwnames);
typedef void (*TwDeallocFn)(TwObject *);
typedef TwObject *(*TwUnaryFn)(TwObject *);
typedef TwObject *(*TwBinaryFn)(TwObject *, TwObject *);
typedef TwObject *(*TwTernaryFn)(TwObject *, TwObject *, TwObject *);
typedef int (*TwInquiryFn)(TwObject *);
typedef TwSsize (*TwLenFn)(TwObject *);
typedef TwHash (*TwHashFn)(TwObject *);
typedef TwObject *(*TwRichCmpFn)(TwObject *, TwObject *, int op);
typedef TwObject *(*TwGetAttrFn)(TwObject *, TwObject *name);
typedef int (*TwSetAttrFn)(TwObject *, TwObject *name, TwObject *value); /* value NULL: delete */
typedef int (*TwObjObjFn)(TwObject *, TwObject *);
typedef int (*TwObjObjArgFn)(TwObject *, TwObject *key, TwObject *value); /* value NULL: delete */
typedef TwObject *(*TwDescrGetFn)(TwObject *descr, TwObject *obj, TwObject *type);
typedef int (*TwDescrSetFn)(TwObject *descr, TwObject *obj, TwObject *value);
typedef int (*TwVisitFn)(TwObject *, void *arg);
typedef int (*TwTraverseFn)(TwObject *, TwVisitFn visit, void *arg);
typedef TwObject *(*TwNewFn)(TwTypeObject *type, TwObject *const *args,
                             size_t nargs, TwObject *kwnames);
typedef int (*TwInitFn)(TwObject *self, TwObject *const *args,
                        size_t nargs, TwObject *kwnames);

/* Methods of built-in types. */
enum {
    TW_METH_STATIC = 1 << 0,    /* no self                                 */
    TW_METH_CLASS = 1 << 1,     /* self is the type                        */
};
typedef struct {
    const char *name;
    TwMethodFn fn;
    int flags;
} TwMethodDef;

typedef TwObject *(*TwGetterFn)(TwObject *self);
typedef int (*TwSetterFn)(TwObject *self, TwObject *value);
typedef struct {
    const char *name;
    TwGetterFn get;
    TwSetterFn set;             /* NULL: read-only                         */
} TwGetSetDef;

/* tp_flags */
enum {
    TW_TPFLAGS_HEAPTYPE = 1u << 0,       /* made by a class statement        */
    TW_TPFLAGS_BASETYPE = 1u << 1,       /* may be subclassed                */
    TW_TPFLAGS_HAVE_GC = 1u << 2,        /* allocated with tw_gc_alloc       */
    TW_TPFLAGS_READY = 1u << 3,          /* tw_type_ready has run            */
    TW_TPFLAGS_INT_SUBCLASS = 1u << 8,   /* fast isinstance checks           */
    TW_TPFLAGS_FLOAT_SUBCLASS = 1u << 9,
    TW_TPFLAGS_STR_SUBCLASS = 1u << 10,
    TW_TPFLAGS_TUPLE_SUBCLASS = 1u << 11,
    TW_TPFLAGS_LIST_SUBCLASS = 1u << 12,
    TW_TPFLAGS_DICT_SUBCLASS = 1u << 13,
    TW_TPFLAGS_EXC_SUBCLASS = 1u << 14,  /* BaseException and below          */
    TW_TPFLAGS_TYPE_SUBCLASS = 1u << 15,
    /* Instances that several threads keep using (shared data, a shared
     * lock) may be counted per thread once the runtime sees them hot
     * (nogil: deferred reference counts, freed only by the collector).
     * Only for types whose deallocation has no visible effect; never
     * inherited by subclasses.  Instances of classes (heap types) are
     * always eligible. */
    TW_TPFLAGS_SHARE_HOT = 1u << 17,
};

struct TwTypeObject {
    TwObject ob_base;
    const char *tp_name;
    size_t tp_basicsize;          /* bytes of a fixed-size instance           */
    size_t tp_itemsize;           /* bytes per item of a variable-size one    */
    uint32_t tp_flags;

    TwDeallocFn tp_dealloc;
    TwUnaryFn tp_repr;
    TwUnaryFn tp_str;
    TwHashFn tp_hash;
    TwRichCmpFn tp_richcompare;
    TwGetAttrFn tp_getattro;
    TwSetAttrFn tp_setattro;
    TwCallFn tp_call;
    TwUnaryFn tp_iter;
    TwUnaryFn tp_iternext;        /* NULL result without exception: exhausted */
    TwDescrGetFn tp_descr_get;
    TwDescrSetFn tp_descr_set;
    TwNewFn tp_new;
    TwInitFn tp_init;
    TwTraverseFn tp_traverse;     /* GC: visit every owned reference          */
    TwInquiryFn tp_clear;         /* GC: drop owned references to break cycles */
    TwDeallocFn tp_finalize;      /* a class's __del__, a generator's close,
                                     or NULL: see tw_object_call_finalizer   */

    /* numbers: indexed by TwBinOp; nb_inplace may be NULL (falls back to nb) */
    TwBinaryFn nb[TW_BINOP__COUNT];
    TwBinaryFn nb_inplace[TW_BINOP__COUNT];
    TwUnaryFn nb_negative, nb_positive, nb_absolute, nb_invert;
    TwUnaryFn nb_int, nb_float, nb_index;
    TwInquiryFn nb_bool;          /* 1 true, 0 false, -1 error                */

    /* containers */
    TwLenFn tp_len;
    TwBinaryFn tp_getitem;        /* o[key]                                   */
    TwObjObjArgFn tp_setitem;     /* o[key] = v, del o[key] when v is NULL    */
    TwObjObjFn tp_contains;       /* 1, 0, -1                                 */

    /* namespace and inheritance */
    TwTypeObject *tp_base;
    TwObject *tp_bases;           /* tuple                                    */
    TwObject *tp_mro;             /* tuple, set by tw_type_ready              */
    TwObject *tp_dict;            /* dict: methods, descriptors, class attrs  */
    TwObject *tp_name_obj;        /* str (heap types) or NULL                 */
    TwSsize tp_dictoffset;        /* offset of the instance __dict__ or 0     */
    const TwMethodDef *tp_methods;
    const TwGetSetDef *tp_getset;
    uint64_t tp_version;          /* bumped when tp_dict (or an ancestor's) changes */
};

/* ---------------- type machinery (shared/objects/typeobject.c) ----- */

extern TwTypeObject TwType_Type, TwBaseObject_Type;
/* Fill slots inherited from tp_base, build tp_dict from tp_methods and
 * tp_getset, compute tp_mro.  Call once for every static type at start-up. */
int tw_type_ready(TwTypeObject *tp);
bool tw_type_is_subtype(TwTypeObject *a, TwTypeObject *b);
/* Look a name up along the MRO; borrowed reference or NULL (no exception).
 * Borrowed: another thread may replace the class attribute and so end the
 * value's life at any time; only tests of presence or identity, and reads
 * of its type, are safe on it.  To use the value, take it with
 * tw_type_lookup_ref (a new reference, or NULL). */
TwObject *tw_type_lookup(TwTypeObject *tp, TwObject *name);
/* The values in a class's dict are published (so a dead one's memory
 * outlives the caller's next quiescent point, and its death leaves the
 * dead mark): the reference is taken with tw_try_incref, and if the value
 * died, the lookup is made again (the class's version changed with the
 * assignment that ended it, so the cache misses). */
static inline TwObject *tw_type_lookup_ref(TwTypeObject *tp, TwObject *name)
{
    for (;;) {
        TwObject *v = tw_type_lookup(tp, name);
        if (v == NULL || tw_try_incref(v))
            return v;
    }
}
/* type(name, bases, dict) as a class statement does. */
TwObject *tw_type_new_class(TwObject *name, TwObject *bases, TwObject *dict);
/* The name error messages use, CPython's tp_name: "int", "MyClass",
 * "collections.deque" (a built-in type outside builtins keeps its module);
 * tw_type_short_name is __name__ ("deque"). */
const char *tw_type_name(TwTypeObject *tp);
const char *tw_type_short_name(TwTypeObject *tp);

#define TW_TYPE_CHECK(op, tp) (TW_TYPE(op) == (tp) || tw_type_is_subtype(TW_TYPE(op), (tp)))
#define TW_HAS_TPFLAG(op, f) ((TW_TYPE(op)->tp_flags & (f)) != 0)

/* ---------------- the generic object protocol ---------------------- */
/* shared/objects/abstract.c */

TwObject *tw_object_repr(TwObject *o);
TwObject *tw_object_str(TwObject *o);
TwHash tw_object_hash(TwObject *o);               /* TypeError if unhashable */
TwObject *tw_object_richcompare(TwObject *a, TwObject *b, int op);
int tw_object_richcompare_bool(TwObject *a, TwObject *b, int op); /* identity implies equality for EQ/NE */
int tw_object_is_true(TwObject *o);               /* 1, 0, -1                */
TwObject *tw_object_getattr(TwObject *o, TwObject *name);
TwObject *tw_object_getattr_str(TwObject *o, const char *name);
/* As getattr, but a missing attribute gives NULL with no exception set
 * (returns 0 / 1 found / -1 error). */
int tw_object_lookup_attr(TwObject *o, TwObject *name, TwObject **result);
int tw_object_setattr(TwObject *o, TwObject *name, TwObject *value);
int tw_object_delattr(TwObject *o, TwObject *name);
/* Default attribute access: data descriptors, instance __dict__, type attributes. */
TwObject *tw_object_generic_getattr(TwObject *o, TwObject *name);
int tw_object_generic_setattr(TwObject *o, TwObject *name, TwObject *value);
/* The instance dict slot, creating the dict if absent; NULL if the type has none. */
TwObject **tw_object_dict_ptr(TwObject *o);
/* The __dict__ attribute (getset) of objects with an instance dict: the
 * dict, made on first use; assigning takes a dict (or a dict subclass);
 * deleting raises "cannot delete __dict__" unless deletable (instances of
 * classes: CPython 3.11 lets `del o.__dict__` drop it, a fresh one comes
 * with the next use). */
TwObject *tw_object_generic_get_dict(TwObject *self);
int tw_object_generic_set_dict(TwObject *self, TwObject *value);
int tw_object_set_dict(TwObject *self, TwObject *value, bool deletable);

TwObject *tw_object_getitem(TwObject *o, TwObject *key);
int tw_object_setitem(TwObject *o, TwObject *key, TwObject *value);
int tw_object_delitem(TwObject *o, TwObject *key);
TwSsize tw_object_len(TwObject *o);               /* -1 with TypeError        */
/* operator.length_hint(o, dflt): len(o) when o has a length, else what
 * type(o).__length_hint__ returns (dflt when it has none or returns
 * NotImplemented); -1 with an exception set. */
TwSsize tw_object_length_hint(TwObject *o, TwSsize dflt);
int tw_object_contains(TwObject *container, TwObject *item); /* `in`: 1/0/-1 */
TwObject *tw_object_iter(TwObject *o);
/* Next item (new ref), or NULL: exhausted if no exception is set. */
TwObject *tw_iter_next(TwObject *it);

TwObject *tw_number_binop(TwObject *a, TwObject *b, TwBinOp op);
TwObject *tw_number_inplace(TwObject *a, TwObject *b, TwBinOp op);
TwObject *tw_number_negative(TwObject *o);
TwObject *tw_number_positive(TwObject *o);
TwObject *tw_number_absolute(TwObject *o);
TwObject *tw_number_invert(TwObject *o);
TwObject *tw_number_power3(TwObject *base, TwObject *exp, TwObject *mod); /* pow(a,b,m) */
/* __index__: an int, or TypeError; value returned through *out. */
int tw_number_as_ssize(TwObject *o, TwSsize *out);
TwObject *tw_number_to_int(TwObject *o);          /* int(x)                   */
TwObject *tw_number_to_float(TwObject *o);        /* float(x)                 */

TwObject *tw_call(TwObject *callable, TwObject *const *args, size_t nargs, TwObject *kwnames);
TwObject *tw_call0(TwObject *callable);
TwObject *tw_call1(TwObject *callable, TwObject *a);
TwObject *tw_call2(TwObject *callable, TwObject *a, TwObject *b);
/* Call with a tuple of positional arguments and a dict of keyword ones (either may be NULL). */
TwObject *tw_call_tuple_dict(TwObject *callable, TwObject *args, TwObject *kwargs);
/* o.name(*args) */
TwObject *tw_call_method(TwObject *o, const char *name, TwObject *const *args, size_t nargs);
bool tw_callable(TwObject *o);

int tw_object_isinstance(TwObject *o, TwObject *cls);  /* cls may be a tuple */
int tw_object_issubclass(TwObject *derived, TwObject *cls);

/* Generic slot implementations types point at. */
TwHash tw_object_hash_unhashable(TwObject *o);
TwHash tw_object_hash_identity(TwObject *o);
void tw_object_dealloc_generic(TwObject *o);      /* instances of heap types  */
/* Finalizers (tp_finalize).  tw_object_call_finalizer
 * runs op's and marks op finalized (tw_gc_set_finalized), so that neither
 * its dealloc nor a collection runs it again; the caller holds a
 * reference and has checked that op has one not yet run.  The current
 * exception is kept; one the finalizer raises is reported on stderr as
 * CPython reports it ("Exception ignored in: ...") and cleared.  Objects
 * are finalized when their last reference goes (tw_object_dealloc_generic,
 * a generator's dealloc) or, in a cycle, by the collector before it
 * clears any of the cycle; at exit, a full collection takes the globals
 * of the main module and of the modules imported from source (interp.c).
 * Classes (__del__) and generators (closing a suspended one) have
 * finalizers, and their instances all carry the collector's prefix
 * (TW_TPFLAGS_HAVE_GC), where the runtime keeps the mark. */
void tw_object_call_finalizer(TwObject *op);
/* True when op's type has a finalizer and it would do something now: a
 * class's __del__, or a generator's close while the generator is
 * suspended at a yield (one never started or finished has nothing to
 * close).  The collectors ask before running one (and skip the objects for
 * which it says no), so that garbage holding finished generators costs no
 * finalizing pass; the caller checks the finalized mark itself. */
bool tw_object_finalizer_pending(TwObject *op);
/* Set once a class with a finalizer or a generator has been made: until
 * then the collectors skip looking for finalizers. */
extern bool tw_finalizers_seen;

/* Guards against runaway C recursion in repr, compare, hash of nested
 * containers; raise RecursionError "maximum recursion depth exceeded ...". */
int tw_enter_recursive_call(const char *where);
void tw_leave_recursive_call(void);
/* repr of a container that contains itself: returns 1 if op is already being
 * repr'd on this thread (caller prints "[...]"), 0 if not (then call
 * tw_repr_leave), -1 on error. */
int tw_repr_enter(TwObject *op);
void tw_repr_leave(TwObject *op);


/* ---------------- additions (shared/objects/typeobject.c) ---------- */

/* Allocate an instance of tp: tp_basicsize + nitems * tp_itemsize bytes,
 * zeroed past the header, through tw_gc_alloc (untracked) when tp has
 * TW_TPFLAGS_HAVE_GC, else tw_object_alloc.  A heap type is increfed (its
 * instances own a reference; tw_object_dealloc_generic drops it).
 * Built-in types whose tp_new may be given a subclass (`class L(list)`)
 * allocate with tw_type_alloc_instance(type, n) and free in tp_dealloc with
 * tw_type_free_instance(op, n): the subclass's extra __dict__ slot and GC
 * prefix then come out right.  NULL with MemoryError on failure. */
TwObject *tw_type_alloc_instance(TwTypeObject *tp, TwSsize nitems);
void tw_type_free_instance(TwObject *op, TwSsize nitems);
/* A C caller that changed tp->tp_dict directly after tw_type_ready tells
 * the attribute cache (bumps tp_version of tp and its subclasses). */
void tw_type_modified(TwTypeObject *tp);
/* Look a name given as a C string up along the MRO (borrowed or NULL). */
TwObject *tw_type_lookup_str(TwTypeObject *tp, const char *name);

/* tp_flags bit: calling an attribute found on the type with the instance
 * prepended is the same as binding it with tp_descr_get and calling the
 * result (Python functions, C method descriptors, slot wrappers).  Lets
 * method calls skip the bound-method object. */
enum { TW_TPFLAGS_METHOD_DESCRIPTOR = 1u << 16 };
/* sys.getrecursionlimit / setrecursionlimit: the limit that
 * TwThreadState.recursion_depth is checked against (default 1000). */
int tw_get_recursion_limit(void);
void tw_set_recursion_limit(int limit);

#endif /* TWINPY_OBJECT_H */
