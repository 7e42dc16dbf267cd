/*
 * abstract.c — the generic object protocol: what `a + b`, `x[k]`, `len(x)`,
 * `f(...)`, `a < b`, `o.name` mean for any object, by way of its type's
 * slots, with CPython's dispatch rules and CPython's error messages.
 *
 * Binary operators: the left operand's slot is tried first, then the right
 * operand's (each slot receives both operands in source order and returns
 * NotImplemented for types it does not handle); when the right operand's
 * type is a proper subclass of the left's and has its own slot, it goes
 * first, so subclasses can override their bases' operators from the right.
 */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <errno.h>

#include "twinpy/types.h"
#include "typeobject_internal.h"

static const char *tname(TwObject *o) { return tw_type_name(TW_TYPE(o)); }

/* ------------------------------------------------------------------ */
/* recursion guards                                                   */
/* ------------------------------------------------------------------ */

/* The limit itself (sys.setrecursionlimit) lives with the eval loop, which
 * counts Python frames on the same TwThreadState.recursion_depth. */
int tw_enter_recursive_call(const char *where)
{
    TwThreadState *ts = tw_tstate();
    if (++ts->recursion_depth > tw_get_recursion_limit()) {
        --ts->recursion_depth;
        tw_err_format(TwExc_RecursionError, "maximum recursion depth exceeded%s", where ? where : "");
        return -1;
    }
    return 0;
}

void tw_leave_recursive_call(void)
{
    tw_tstate()->recursion_depth--;
}

/* Objects whose repr is in progress on this thread: a small array in the
 * thread's own storage, spilling to libc memory (so it never shows in
 * leak counts) only for deeper nesting, and given back when the outermost
 * repr ends: a thread that exits holds none. */
#define REPR_SMALL 16
typedef struct {
    TwObject **heap;            /* NULL: small holds the items */
    size_t n, cap;              /* cap: of heap */
    TwObject *small[REPR_SMALL];
} ReprStack;
static _Thread_local ReprStack repr_stack;

static inline TwObject **repr_items(ReprStack *rs)
{
    return rs->heap ? rs->heap : rs->small;
}

int tw_repr_enter(TwObject *op)
{
    ReprStack *rs = &repr_stack;
    TwObject **items = repr_items(rs);
    for (size_t i = 0; i < rs->n; i++)
        if (items[i] == op)
            return 1;
    if (rs->n == (rs->heap ? rs->cap : REPR_SMALL)) {
        size_t cap = rs->heap ? rs->cap * 2 : 2 * REPR_SMALL;
        TwObject **n = realloc(rs->heap, cap * sizeof *n);
        if (!n) {
            tw_err_no_memory();
            return -1;
        }
        if (rs->heap == NULL)
            memcpy(n, rs->small, sizeof rs->small);
        rs->heap = n;
        rs->cap = cap;
        items = n;
    }
    items[rs->n++] = op;
    return 0;
}

void tw_repr_leave(TwObject *op)
{
    ReprStack *rs = &repr_stack;
    TwObject **items = repr_items(rs);
    for (size_t i = rs->n; i-- > 0;)
        if (items[i] == op) {
            memmove(&items[i], &items[i + 1], (rs->n - i - 1) * sizeof *items);
            rs->n--;
            break;
        }
    if (rs->n == 0 && rs->heap != NULL) {
        free(rs->heap);
        rs->heap = NULL;
        rs->cap = 0;
    }
}

/* ------------------------------------------------------------------ */
/* repr, str, hash, truth                                             */
/* ------------------------------------------------------------------ */

TwObject *tw_object_repr(TwObject *o)
{
    TwTypeObject *tp = TW_TYPE(o);
    if (!tp->tp_repr)
        return tw_str_from_format("<%s object at %p>", tw_type_name(tp), (void *)o);
    if (tw_enter_recursive_call(" while getting the repr of an object") < 0)
        return NULL;
    TwObject *r = tp->tp_repr(o);
    tw_leave_recursive_call();
    if (r && !TW_STR_CHECK(r)) {
        tw_err_format(TwExc_TypeError, "__repr__ returned non-string (type %s)", tname(r));
        TW_CLEAR(r);
    }
    return r;
}

TwObject *tw_object_str(TwObject *o)
{
    if (TW_STR_CHECK_EXACT(o))
        return tw_newref(o);
    TwTypeObject *tp = TW_TYPE(o);
    if (!tp->tp_str)
        return tw_object_repr(o);
    if (tw_enter_recursive_call(" while getting the str of an object") < 0)
        return NULL;
    TwObject *r = tp->tp_str(o);
    tw_leave_recursive_call();
    if (r && !TW_STR_CHECK(r)) {
        tw_err_format(TwExc_TypeError, "__str__ returned non-string (type %s)", tname(r));
        TW_CLEAR(r);
    }
    return r;
}

TwHash tw_object_hash(TwObject *o)
{
    TwHashFn h = TW_TYPE(o)->tp_hash;
    if (!h)
        return tw_object_hash_unhashable(o);
    return h(o);
}

int tw_object_is_true(TwObject *o)
{
    if (o == Tw_True)
        return 1;
    if (o == Tw_False || o == Tw_None)
        return 0;
    TwTypeObject *tp = TW_TYPE(o);
    if (tp->nb_bool)
        return tp->nb_bool(o);
    if (tp->tp_len) {
        TwSsize n = tp->tp_len(o);
        return n < 0 ? -1 : n > 0;
    }
    return 1;
}

/* ------------------------------------------------------------------ */
/* comparison                                                         */
/* ------------------------------------------------------------------ */

static const int swapped_op[] = {TW_GT, TW_GE, TW_EQ, TW_NE, TW_LT, TW_LE};
static const char *const op_symbols[] = {"<", "<=", "==", "!=", ">", ">="};

static TwObject *do_richcompare(TwObject *v, TwObject *w, int op)
{
    TwTypeObject *tv = TW_TYPE(v), *tw = TW_TYPE(w);
    TwRichCmpFn f;
    TwObject *res;
    bool checked_reverse = false;
    if (tv != tw && tw_type_is_subtype(tw, tv) && (f = tw->tp_richcompare) != NULL) {
        checked_reverse = true;
        res = f(w, v, swapped_op[op]);
        if (res != Tw_NotImplemented)
            return res;
        tw_decref(res);
    }
    if ((f = tv->tp_richcompare) != NULL) {
        res = f(v, w, op);
        if (res != Tw_NotImplemented)
            return res;
        tw_decref(res);
    }
    if (!checked_reverse && (f = tw->tp_richcompare) != NULL) {
        res = f(w, v, swapped_op[op]);
        if (res != Tw_NotImplemented)
            return res;
        tw_decref(res);
    }
    switch (op) {
    case TW_EQ:
        return tw_bool_from(v == w);
    case TW_NE:
        return tw_bool_from(v != w);
    default:
        return tw_err_format(TwExc_TypeError, "'%s' not supported between instances of '%s' and '%s'",
                             op_symbols[op], tname(v), tname(w));
    }
}

TwObject *tw_object_richcompare(TwObject *a, TwObject *b, int op)
{
    if (tw_enter_recursive_call(" in comparison") < 0)
        return NULL;
    TwObject *r = do_richcompare(a, b, op);
    tw_leave_recursive_call();
    return r;
}

int tw_object_richcompare_bool(TwObject *a, TwObject *b, int op)
{
    if (a == b) {
        if (op == TW_EQ)
            return 1;
        if (op == TW_NE)
            return 0;
    }
    TwObject *r = tw_object_richcompare(a, b, op);
    if (!r)
        return -1;
    int t = r == Tw_True ? 1 : r == Tw_False ? 0 : tw_object_is_true(r);
    tw_decref(r);
    return t;
}

/* ------------------------------------------------------------------ */
/* attributes                                                         */
/* ------------------------------------------------------------------ */

static TwObject **dict_slot(TwObject *o)
{
    TwSsize off = TW_TYPE(o)->tp_dictoffset;
    return off > 0 ? (TwObject **)((char *)o + off) : NULL;
}

/* Instance dicts.  An object's __dict__ slot may be given another dict at
 * any time: by `o.__dict__ = d` in another thread, or by Python code that
 * a lookup in the dict runs (a key's __eq__).  So the slot's dict is used
 * with a reference (tw_field_get_ref), except by the paths that can
 * neither run code nor wait: attribute reads' first probe
 * (tw_dict_slot_get_ref; the setter in typeobject.c publishes the dict it
 * replaces before dropping it, so the probe's reads stay inside live
 * memory) and a store into a dict private to the caller
 * (tw_dict_slot_set). */

static inline bool ensure_dict(TwObject *o, TwObject **dp)
{
    return tw_atomic_load_ptr(dp) != NULL || tw_dict_slot_make(o, dp) == 0;
}

TwObject **tw_object_dict_ptr(TwObject *o)
{
    TwObject **dp = dict_slot(o);
    if (dp && !ensure_dict(o, dp))
        return NULL;
    return dp;
}

TwObject *tw_object_generic_get_dict(TwObject *self)
{
    TwObject **dp = dict_slot(self);
    if (!dp)
        return tw_err_format(TwExc_AttributeError, "This object has no __dict__");
    for (;;) {
        if (!ensure_dict(self, dp))
            return NULL;
        TwObject *d = tw_field_get_ref(dp);
        if (d)
            return d;
        /* another thread's `del o.__dict__` came between: a fresh one */
    }
}

int tw_object_set_dict(TwObject *self, TwObject *value, bool deletable)
{
    TwObject **dp = dict_slot(self);
    if (!dp) {
        tw_err_set_string(TwExc_AttributeError, "This object has no __dict__");
        return -1;
    }
    if (value == NULL && !deletable) {
        tw_err_set_string(TwExc_TypeError, "cannot delete __dict__");
        return -1;
    }
    if (value != NULL && !TW_DICT_CHECK(value)) {
        tw_err_format(TwExc_TypeError, "__dict__ must be set to a dictionary, not a '%s'", tname(value));
        return -1;
    }
    /* Readers look into the old dict without a reference (instance dicts,
     * above): tw_field_exchange publishes it before it goes.  A dict given
     * to an object other threads can see leaves its bias now, so that they
     * need not stop the world to read it. */
    if (value != NULL)
        tw_object_share_into(self, value);
    TwObject *old = tw_field_exchange(self, dp, tw_xnewref(value));
    TW_XDECREF(old);
    return 0;
}

int tw_object_generic_set_dict(TwObject *self, TwObject *value)
{
    return tw_object_set_dict(self, value, false);
}

static TwObject *attr_error(TwObject *o, TwObject *name)
{
    return tw_err_format(TwExc_AttributeError, "'%s' object has no attribute '%S'", tname(o), name);
}

TwObject *tw_field_exchange(TwObject *owner, TwObject **slot, TwObject *value)
{
    TwObject *old;
    if (value != NULL)
        tw_object_publish(value);
    TW_BEGIN_CRITICAL_SECTION(owner);
    /* an exchange: an instance dict's slot is also filled, outside the
     * section, by tw_dict_slot_make's compare-and-swap */
    old = __atomic_exchange_n(slot, value, __ATOMIC_ACQ_REL);
    TW_END_CRITICAL_SECTION();
    /* a reader may have loaded it before it was published (a value stored
     * when the object was made): published now, before its last
     * reference can go */
    if (old != NULL)
        tw_object_publish(old);
    return old;
}

void tw_field_set(TwObject *owner, TwObject **slot, TwObject *value)
{
    TwObject *old = tw_field_exchange(owner, slot, value);
    TW_XDECREF(old);
}

TwObject *tw_object_generic_getattr(TwObject *o, TwObject *name)
{
    TwTypeObject *tp = TW_TYPE(o);
    if (!TW_STR_CHECK(name))
        return tw_err_format(TwExc_TypeError, "attribute name must be string, not '%s'", tname(name));
    TwObject *descr = tw_type_lookup_ref(tp, name);
    TwDescrGetFn f = NULL;
    if (descr) {
        f = TW_TYPE(descr)->tp_descr_get;
        if (f && TW_TYPE(descr)->tp_descr_set) {
            TwObject *r = f(descr, o, (TwObject *)tp);
            tw_decref(descr);
            return r;
        }
    }
    TwObject **dp = dict_slot(o);
    if (dp) {
        TwObject *v = NULL;
        int rc = tw_dict_slot_get_ref(dp, name, &v);
        if (rc != 0) {
            tw_xdecref(descr);
            return rc < 0 ? NULL : v;
        }
    }
    if (f) {
        TwObject *r = f(descr, o, (TwObject *)tp);
        tw_decref(descr);
        return r;
    }
    if (descr)
        return descr;
    return attr_error(o, name);
}

int tw_object_generic_setattr(TwObject *o, TwObject *name, TwObject *value)
{
    TwTypeObject *tp = TW_TYPE(o);
    if (!TW_STR_CHECK(name)) {
        tw_err_format(TwExc_TypeError, "attribute name must be string, not '%s'", tname(name));
        return -1;
    }
    TwObject *descr = tw_type_lookup_ref(tp, name);
    bool has_descr = descr != NULL;
    if (descr) {
        TwDescrSetFn set = TW_TYPE(descr)->tp_descr_set;
        if (set) {
            int r = set(descr, o, value);
            tw_decref(descr);
            return r;
        }
        tw_decref(descr);
    }
    TwObject **dp = dict_slot(o);
    if (!dp) {
        if (has_descr && value)
            tw_err_format(TwExc_AttributeError, "'%s' object attribute '%S' is read-only", tname(o), name);
        else
            attr_error(o, name);
        return -1;
    }
    int rc;
    if (!value) {
        TwObject *d = tw_field_get_ref(dp);
        if (!d) {
            attr_error(o, name);
            return -1;
        }
        rc = tw_dict_del(d, name);
        tw_decref(d);
        if (rc < 0 && tw_err_matches(TwExc_KeyError)) {
            tw_err_clear();
            attr_error(o, name);
        }
        return rc;
    }
    /* attribute names are interned so instance dicts share key objects
     * with the code that uses them */
    if (TW_STR_CHECK_EXACT(name) && !((TwStrObject *)name)->interned) {
        TwObject *key = tw_newref(name);
        tw_str_intern_inplace(&key);
        rc = tw_dict_slot_set(o, dp, key, value);
        tw_decref(key);
        return rc;
    }
    return tw_dict_slot_set(o, dp, name, value);
}

/* tw_object_getattr for a type without a getattr slot, out of line (the
 * common call stays a tail call): a built-in type not made ready yet
 * (readying inherits object's getattr), else no attributes at all. */
static __attribute__((noinline)) TwObject *getattr_no_slot(TwObject *o, TwObject *name)
{
    TwTypeObject *tp = TW_TYPE(o);
    if (!(tp->tp_flags & TW_TPFLAGS_READY)) {
        if (tw_type_ready(tp) < 0)
            return NULL;
        if (tp->tp_getattro)
            return tp->tp_getattro(o, name);
    }
    return attr_error(o, name);
}

TwObject *tw_object_getattr(TwObject *o, TwObject *name)
{
    if (!TW_STR_CHECK(name))
        return tw_err_format(TwExc_TypeError, "attribute name must be string, not '%s'", tname(name));
    TwGetAttrFn f = TW_TYPE(o)->tp_getattro;
    if (__builtin_expect(f == NULL, 0))
        return getattr_no_slot(o, name);
    return f(o, name);
}

TwObject *tw_object_getattr_str(TwObject *o, const char *name)
{
    return tw_object_getattr(o, tw_id(name));
}

int tw_object_lookup_attr(TwObject *o, TwObject *name, TwObject **result)
{
    *result = tw_object_getattr(o, name);
    if (*result)
        return 1;
    if (tw_err_matches(TwExc_AttributeError)) {
        tw_err_clear();
        return 0;
    }
    return -1;
}

int tw_object_setattr(TwObject *o, TwObject *name, TwObject *value)
{
    if (!TW_STR_CHECK(name)) {
        tw_err_format(TwExc_TypeError, "attribute name must be string, not '%s'", tname(name));
        return -1;
    }
    TwSetAttrFn f = TW_TYPE(o)->tp_setattro;
    if (!f) {
        TwObject *descr = tw_type_lookup(TW_TYPE(o), name);
        if (descr)
            tw_err_format(TwExc_AttributeError, "'%s' object attribute '%S' is read-only", tname(o), name);
        else
            attr_error(o, name);
        return -1;
    }
    return f(o, name, value);
}

int tw_object_delattr(TwObject *o, TwObject *name)
{
    return tw_object_setattr(o, name, NULL);
}

/* ------------------------------------------------------------------ */
/* items, length, membership, iteration                               */
/* ------------------------------------------------------------------ */

TwObject *tw_object_getitem(TwObject *o, TwObject *key)
{
    TwBinaryFn f = TW_TYPE(o)->tp_getitem;
    if (f)
        return f(o, key);
    if (TW_HAS_TPFLAG(o, TW_TPFLAGS_TYPE_SUBCLASS)) {
        /* Class[...]: __class_getitem__ if the class has one */
        TwObject *cg = NULL;
        int rc = tw_object_lookup_attr(o, ID("__class_getitem__"), &cg);
        if (rc < 0)
            return NULL;
        if (rc > 0) {
            TwObject *r = tw_call1(cg, key);
            tw_decref(cg);
            return r;
        }
        return tw_err_format(TwExc_TypeError, "type '%s' is not subscriptable", tw_type_name((TwTypeObject *)o));
    }
    return tw_err_format(TwExc_TypeError, "'%s' object is not subscriptable", tname(o));
}

int tw_object_setitem(TwObject *o, TwObject *key, TwObject *value)
{
    TwObjObjArgFn f = TW_TYPE(o)->tp_setitem;
    if (f)
        return f(o, key, value);
    tw_err_format(TwExc_TypeError, "'%s' object does not support item assignment", tname(o));
    return -1;
}

int tw_object_delitem(TwObject *o, TwObject *key)
{
    TwObjObjArgFn f = TW_TYPE(o)->tp_setitem;
    if (f)
        return f(o, key, NULL);
    tw_err_format(TwExc_TypeError, "'%s' object doesn't support item deletion", tname(o));
    return -1;
}

TwSsize tw_object_len(TwObject *o)
{
    TwLenFn f = TW_TYPE(o)->tp_len;
    if (f)
        return f(o);
    tw_err_format(TwExc_TypeError, "object of type '%s' has no len()", tname(o));
    return -1;
}

TwSsize tw_object_length_hint(TwObject *o, TwSsize dflt)
{
    if (TW_TYPE(o)->tp_len) {
        TwSsize n = TW_TYPE(o)->tp_len(o);
        if (n >= 0)
            return n;
        if (!tw_err_matches(TwExc_TypeError))
            return -1;
        tw_err_clear();
    }
    int found = 0;
    TwObject *r = tw_call_special(o, ID("__length_hint__"), NULL, 0, &found);
    if (!found)
        return dflt;
    if (r == NULL) {
        if (!tw_err_matches(TwExc_TypeError))
            return -1;
        tw_err_clear();
        return dflt;
    }
    if (r == Tw_NotImplemented) {
        TW_DECREF(r);
        return dflt;
    }
    if (!TW_INT_CHECK(r)) {
        tw_err_format(TwExc_TypeError, "__length_hint__ must be an integer, not %s", tname(r));
        TW_DECREF(r);
        return -1;
    }
    int64_t n = TW_INT_VALUE(r);
    TW_DECREF(r);
    if (n < 0) {
        tw_err_set_string(TwExc_ValueError, "__length_hint__() should return >= 0");
        return -1;
    }
    return (TwSsize)n;
}

int tw_object_contains(TwObject *container, TwObject *item)
{
    TwObjObjFn f = TW_TYPE(container)->tp_contains;
    if (f)
        return f(container, item);
    TwTypeObject *tp = TW_TYPE(container);
    if (!tp->tp_iter && !tp->tp_getitem) {
        tw_err_format(TwExc_TypeError, "argument of type '%s' is not iterable", tname(container));
        return -1;
    }
    TwObject *it = tw_object_iter(container);
    if (!it)
        return -1;
    int found = 0;
    for (;;) {
        TwObject *x = tw_iter_next(it);
        if (!x) {
            if (tw_err_occurred())
                found = -1;
            break;
        }
        int eq = tw_object_richcompare_bool(x, item, TW_EQ);
        tw_decref(x);
        if (eq != 0) {
            found = eq;
            break;
        }
    }
    tw_decref(it);
    return found;
}

TwObject *tw_object_iter(TwObject *o)
{
    TwTypeObject *tp = TW_TYPE(o);
    if (tp->tp_iter) {
        TwObject *it = tp->tp_iter(o);
        if (it && !TW_TYPE(it)->tp_iternext) {
            tw_err_format(TwExc_TypeError, "iter() returned non-iterator of type '%s'", tname(it));
            TW_CLEAR(it);
        }
        return it;
    }
    if (tp->tp_getitem && !TW_DICT_CHECK(o))
        return tw_seqiter_new(o);
    return tw_err_format(TwExc_TypeError, "'%s' object is not iterable", tname(o));
}

TwObject *tw_iter_next(TwObject *it)
{
    TwUnaryFn f = TW_TYPE(it)->tp_iternext;
    if (!f)
        return tw_err_format(TwExc_TypeError, "'%s' object is not an iterator", tname(it));
    TwObject *r = f(it);
    if (!r && tw_err_matches(TwExc_StopIteration))
        tw_err_clear();
    return r;
}

/* ------------------------------------------------------------------ */
/* numbers                                                            */
/* ------------------------------------------------------------------ */

static const char *const binop_symbols[TW_BINOP__COUNT] = {
#define TW_X(NAME, slot, sym, d, r, i) [TW_BINOP_##NAME] = sym,
    TW_BINARY_OPS(TW_X)
#undef TW_X
};

/* Left slot, then right slot (a right-hand subclass first). */
static TwObject *binary_op1(TwObject *v, TwObject *w, int op)
{
    TwBinaryFn slotv = TW_TYPE(v)->nb[op];
    TwBinaryFn slotw = NULL;
    if (TW_TYPE(w) != TW_TYPE(v)) {
        slotw = TW_TYPE(w)->nb[op];
        if (slotw == slotv)
            slotw = NULL;
    }
    TwObject *x;
    if (slotv) {
        if (slotw && tw_type_is_subtype(TW_TYPE(w), TW_TYPE(v))) {
            x = slotw(v, w);
            if (x != Tw_NotImplemented)
                return x;
            tw_decref(x);
            slotw = NULL;
        }
        x = slotv(v, w);
        if (x != Tw_NotImplemented)
            return x;
        tw_decref(x);
    }
    if (slotw) {
        x = slotw(v, w);
        if (x != Tw_NotImplemented)
            return x;
        tw_decref(x);
    }
    return tw_newref(Tw_NotImplemented);
}

static bool is_sequence(TwObject *o)
{
    return TW_HAS_TPFLAG(o, TW_TPFLAGS_STR_SUBCLASS | TW_TPFLAGS_LIST_SUBCLASS | TW_TPFLAGS_TUPLE_SUBCLASS);
}

static TwObject *binop_type_error(TwObject *v, TwObject *w, int op, const char *suffix)
{
    if (op == TW_BINOP_ADD && is_sequence(v) && !TW_HAS_TPFLAG(w, TW_TYPE(v)->tp_flags &
        (TW_TPFLAGS_STR_SUBCLASS | TW_TPFLAGS_LIST_SUBCLASS | TW_TPFLAGS_TUPLE_SUBCLASS)))
        return tw_err_format(TwExc_TypeError, "can only concatenate %s (not \"%s\") to %s",
                             tname(v), tname(w), tname(v));
    if (op == TW_BINOP_MUL && (is_sequence(v) || is_sequence(w))) {
        TwObject *other = is_sequence(v) ? w : v;
        return tw_err_format(TwExc_TypeError, "can't multiply sequence by non-int of type '%s'", tname(other));
    }
    if (op == TW_BINOP_POW && !suffix[0])
        return tw_err_format(TwExc_TypeError, "unsupported operand type(s) for ** or pow(): '%s' and '%s'",
                             tname(v), tname(w));
    return tw_err_format(TwExc_TypeError, "unsupported operand type(s) for %s%s: '%s' and '%s'",
                         binop_symbols[op], suffix, tname(v), tname(w));
}

TwObject *tw_number_binop(TwObject *a, TwObject *b, TwBinOp op)
{
    TwObject *r = binary_op1(a, b, op);
    if (r != Tw_NotImplemented)
        return r;
    tw_decref(r);
    return binop_type_error(a, b, op, "");
}

TwObject *tw_number_inplace(TwObject *a, TwObject *b, TwBinOp op)
{
    TwBinaryFn f = TW_TYPE(a)->nb_inplace[op];
    if (f) {
        TwObject *r = f(a, b);
        if (r != Tw_NotImplemented)
            return r;
        tw_decref(r);
    }
    TwObject *r = binary_op1(a, b, op);
    if (r != Tw_NotImplemented)
        return r;
    tw_decref(r);
    return binop_type_error(a, b, op, "=");
}

#define UNARY(fn, slot, msg)                                                   \
    TwObject *fn(TwObject *o)                                                  \
    {                                                                          \
        TwUnaryFn f = TW_TYPE(o)->slot;                                        \
        if (f)                                                                 \
            return f(o);                                                       \
        return tw_err_format(TwExc_TypeError, msg, tname(o));                  \
    }
UNARY(tw_number_negative, nb_negative, "bad operand type for unary -: '%s'")
UNARY(tw_number_positive, nb_positive, "bad operand type for unary +: '%s'")
UNARY(tw_number_absolute, nb_absolute, "bad operand type for abs(): '%s'")
UNARY(tw_number_invert, nb_invert, "bad operand type for unary ~: '%s'")

/* pow(base, exp, mod) for ints (modular inverse for negative exp, as
 * Python 3.8+); a class's __pow__(self, other, mod) for anything else. */
TwObject *tw_number_power3(TwObject *base, TwObject *exp, TwObject *mod)
{
    if (!mod || mod == Tw_None)
        return tw_number_binop(base, exp, TW_BINOP_POW);
    if (TW_INT_CHECK(base) && TW_INT_CHECK(exp) && TW_INT_CHECK(mod)) {
        int64_t b = TW_INT_VALUE(base), e = TW_INT_VALUE(exp), m = TW_INT_VALUE(mod);
        if (m == 0)
            return tw_err_format(TwExc_ValueError, "pow() 3rd argument cannot be 0");
        bool neg_mod = m < 0;
        unsigned __int128 um = neg_mod ? (unsigned __int128)(-(__int128)m) : (unsigned __int128)m;
        __int128 bb = (__int128)b % (__int128)um;
        if (bb < 0)
            bb += (__int128)um;
        if (e < 0) {
            /* inverse of bb modulo um by the extended Euclid algorithm */
            __int128 t = 0, newt = 1, r = (__int128)um, newr = bb;
            while (newr != 0) {
                __int128 q = r / newr, tmp;
                tmp = t - q * newt; t = newt; newt = tmp;
                tmp = r - q * newr; r = newr; newr = tmp;
            }
            if (r != 1)
                return tw_err_format(TwExc_ValueError, "base is not invertible for the given modulus");
            if (t < 0)
                t += (__int128)um;
            bb = t;
            e = -e;
        }
        unsigned __int128 result = um == 1 ? 0 : 1, x = (unsigned __int128)bb;
        uint64_t ue = (uint64_t)e;
        while (ue) {
            if (ue & 1)
                result = result * x % um;
            x = x * x % um;
            ue >>= 1;
        }
        int64_t res = (int64_t)result;
        if (neg_mod && res != 0)
            res -= (int64_t)um;
        return tw_int_from_i64(res);
    }
    /* a class's own __pow__(self, exp, mod); built-in slot wrappers take
     * two operands only */
    TwObject *descr = tw_type_lookup(TW_TYPE(base), ID("__pow__"));
    if (descr && !tw_slotwrapper_fn(descr, NULL)) {
        TwObject *args[2] = {exp, mod};
        TwObject *r = tw_call_special(base, ID("__pow__"), args, 2, NULL);
        if (r != Tw_NotImplemented)
            return r;
        tw_decref(r);
    }
    if (TW_INT_CHECK(base) && TW_INT_CHECK(exp))
        return tw_err_format(TwExc_TypeError, "unsupported operand type(s) for ** or pow(): '%s', '%s', '%s'",
                             tname(base), tname(exp), tname(mod));
    if (TW_FLOAT_CHECK(base) || TW_FLOAT_CHECK(exp) || TW_FLOAT_CHECK(mod))
        return tw_err_format(TwExc_TypeError, "pow() 3rd argument not allowed unless all arguments are integers");
    return tw_err_format(TwExc_TypeError, "unsupported operand type(s) for ** or pow(): '%s', '%s', '%s'",
                         tname(base), tname(exp), tname(mod));
}

int tw_number_as_ssize(TwObject *o, TwSsize *out)
{
    if (TW_INT_CHECK(o)) {
        *out = (TwSsize)TW_INT_VALUE(o);
        return 0;
    }
    TwUnaryFn f = TW_TYPE(o)->nb_index;
    if (!f) {
        tw_err_format(TwExc_TypeError, "'%s' object cannot be interpreted as an integer", tname(o));
        return -1;
    }
    TwObject *r = f(o);
    if (!r)
        return -1;
    if (!TW_INT_CHECK(r)) {
        tw_err_format(TwExc_TypeError, "__index__ returned non-int (type %s)", tname(r));
        tw_decref(r);
        return -1;
    }
    *out = (TwSsize)TW_INT_VALUE(r);
    tw_decref(r);
    return 0;
}

TwObject *tw_number_to_int(TwObject *o)
{
    if (TW_INT_CHECK_EXACT(o))
        return tw_newref(o);
    TwTypeObject *tp = TW_TYPE(o);
    if (tp->nb_int) {
        TwObject *r = tp->nb_int(o);
        if (r && !TW_INT_CHECK(r)) {
            tw_err_format(TwExc_TypeError, "__int__ returned non-int (type %s)", tname(r));
            TW_CLEAR(r);
        }
        if (r && !TW_INT_CHECK_EXACT(r)) {
            TwObject *exact = tw_int_from_i64(TW_INT_VALUE(r));
            tw_decref(r);
            r = exact;
        }
        return r;
    }
    if (tp->nb_index) {
        TwSsize v;
        if (tw_number_as_ssize(o, &v) < 0)
            return NULL;
        return tw_int_from_i64((int64_t)v);
    }
    if (TW_INT_CHECK(o))
        return tw_int_from_i64(TW_INT_VALUE(o));
    if (TW_STR_CHECK(o))
        return tw_int_from_string(TW_STR_DATA(o), (size_t)TW_STR_SIZE(o), 10);
    return tw_err_format(TwExc_TypeError,
                         "int() argument must be a string, a bytes-like object or a real number, not '%s'",
                         tname(o));
}

/* float("...") as Python parses it: surrounding whitespace, underscores
 * between digits, inf/nan in any case. */
static TwObject *float_from_string(TwObject *s)
{
    const char *p = TW_STR_DATA(s), *end = p + TW_STR_SIZE(s);
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v'))
        p++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r' ||
                       end[-1] == '\f' || end[-1] == '\v'))
        end--;
    size_t n = (size_t)(end - p);
    char *buf = malloc(n + 1);
    if (!buf)
        return tw_err_no_memory();
    size_t j = 0;
    bool ok = n > 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c == '_') {
            if (i == 0 || i + 1 == n || !(p[i - 1] >= '0' && p[i - 1] <= '9') ||
                !(p[i + 1] >= '0' && p[i + 1] <= '9')) {
                ok = false;
                break;
            }
            continue;
        }
        buf[j++] = c;
    }
    buf[j] = '\0';
    double v = 0;
    if (ok) {
        const char *q = buf;
        bool neg = false;
        if (*q == '+' || *q == '-')
            neg = *q++ == '-';
        if (strcasecmp(q, "inf") == 0 || strcasecmp(q, "infinity") == 0) {
            v = neg ? -INFINITY : INFINITY;
        } else if (strcasecmp(q, "nan") == 0) {
            v = NAN;
        } else {
            /* reject what strtod takes but Python does not: hex, "infx" */
            for (const char *c = q; *c; c++)
                if (!((*c >= '0' && *c <= '9') || *c == '.' || *c == 'e' || *c == 'E' || *c == '+' || *c == '-'))
                    ok = false;
            if (ok) {
                char *stop;
                errno = 0;
                v = strtod(buf, &stop);
                if (*stop != '\0' || stop == buf)
                    ok = false;
            }
        }
    }
    free(buf);
    if (!ok)
        return tw_err_format(TwExc_ValueError, "could not convert string to float: %R", s);
    return tw_float_from_double(v);
}

TwObject *tw_number_to_float(TwObject *o)
{
    if (TW_TYPE(o) == &TwFloat_Type)
        return tw_newref(o);
    TwTypeObject *tp = TW_TYPE(o);
    if (tp->nb_float) {
        TwObject *r = tp->nb_float(o);
        if (r && !TW_FLOAT_CHECK(r)) {
            tw_err_format(TwExc_TypeError, "%s.__float__ returned non-float (type %s)", tname(o), tname(r));
            TW_CLEAR(r);
        }
        if (r && TW_TYPE(r) != &TwFloat_Type) {
            TwObject *exact = tw_float_from_double(TW_FLOAT_VALUE(r));
            tw_decref(r);
            r = exact;
        }
        return r;
    }
    if (TW_FLOAT_CHECK(o))
        return tw_float_from_double(TW_FLOAT_VALUE(o));
    if (TW_INT_CHECK(o))
        return tw_float_from_double((double)TW_INT_VALUE(o));
    if (tp->nb_index) {
        TwSsize v;
        if (tw_number_as_ssize(o, &v) < 0)
            return NULL;
        return tw_float_from_double((double)v);
    }
    if (TW_STR_CHECK(o))
        return float_from_string(o);
    return tw_err_format(TwExc_TypeError, "float() argument must be a string or a real number, not '%s'", tname(o));
}

/* ------------------------------------------------------------------ */
/* calls                                                              */
/* ------------------------------------------------------------------ */

TwObject *tw_call(TwObject *callable, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    /* a class's slots change only while no other thread runs (typeobject.c,
     * slot updates) */
    TwCallFn f = TW_TYPE(callable)->tp_call;
    if (!f)
        return tw_err_format(TwExc_TypeError, "'%s' object is not callable", tname(callable));
    if (kwnames && TW_TUPLE_SIZE(kwnames) == 0)
        kwnames = NULL;
    TwThreadState *ts = tw_tstate();
    if (ts->exc)            /* replacing an error: no sanity checks */
        return f(callable, args, nargs, kwnames);
    TwObject *r = f(callable, args, nargs, kwnames);
    if (!r && !ts->exc)
        return tw_err_format(TwExc_SystemError, "%R returned NULL without setting an exception", callable);
    if (r && ts->exc) {
        tw_decref(r);
        TwObject *cause = tw_err_fetch();
        tw_err_format(TwExc_SystemError, "%s returned a result with an exception set", tname(callable));
        TwObject *exc = tw_err_fetch();
        if (exc && cause)
            tw_field_set(exc, &((TwBaseExceptionObject *)exc)->cause, cause);
        else
            tw_xdecref(cause);
        tw_err_restore(exc);
        return NULL;
    }
    return r;
}

TwObject *tw_call0(TwObject *callable) { return tw_call(callable, NULL, 0, NULL); }
TwObject *tw_call1(TwObject *callable, TwObject *a) { return tw_call(callable, &a, 1, NULL); }
TwObject *tw_call2(TwObject *callable, TwObject *a, TwObject *b)
{
    TwObject *args[2] = {a, b};
    return tw_call(callable, args, 2, NULL);
}

/* kwargs' items are passed borrowed: no other thread may change it
 * meanwhile (callers pass a dict of their own). */
TwObject *tw_call_tuple_dict(TwObject *callable, TwObject *args, TwObject *kwargs)
{
    TwSsize npos = args ? TW_TUPLE_SIZE(args) : 0;
    TwSsize nkw = kwargs ? tw_dict_size(kwargs) : 0;
    if (nkw == 0)
        return tw_call(callable, npos ? TW_TUPLE_ITEMS(args) : NULL, (size_t)npos, NULL);
    TwObject **argv = malloc((size_t)(npos + nkw) * sizeof *argv);
    if (!argv)
        return tw_err_no_memory();
    TwObject *kwnames = tw_tuple_new(nkw);
    if (!kwnames) {
        free(argv);
        return NULL;
    }
    for (TwSsize i = 0; i < npos; i++)
        argv[i] = TW_TUPLE_GET(args, i);
    TwSsize pos = 0, i = 0;
    TwObject *k, *v;
    while (i < nkw && tw_dict_next(kwargs, &pos, &k, &v)) {
        if (!TW_STR_CHECK(k)) {
            tw_decref(kwnames);
            free(argv);
            return tw_err_format(TwExc_TypeError, "keywords must be strings");
        }
        TW_TUPLE_SET(kwnames, i, tw_newref(k));
        argv[npos + i] = v;
        i++;
    }
    /* values are borrowed from kwargs: keep it alive over the call */
    tw_incref(kwargs);
    TwObject *r = tw_call(callable, argv, (size_t)npos, kwnames);
    tw_decref(kwargs);
    tw_decref(kwnames);
    free(argv);
    return r;
}

TwObject *tw_call_method(TwObject *o, const char *name, TwObject *const *args, size_t nargs)
{
    TwObject *nm = tw_id(name);
    TwTypeObject *tp = TW_TYPE(o);
    if (tp->tp_getattro == tw_object_generic_getattr) {
        TwObject *descr = tw_type_lookup(tp, nm);
        if (descr && (TW_TYPE(descr)->tp_flags & TW_TPFLAGS_METHOD_DESCRIPTOR)) {
            /* an instance attribute shadows the method: call what was found */
            TwObject **dp = dict_slot(o);
            TwObject *v = NULL;
            if (dp && tw_dict_slot_get_ref(dp, nm, &v) != 0) {
                if (!v)
                    return NULL;
                TwObject *r = tw_call(v, args, nargs, NULL);
                tw_decref(v);
                return r;
            }
            return tw_call_special(o, nm, args, nargs, NULL);
        }
    }
    TwObject *m = tw_object_getattr(o, nm);
    if (!m)
        return NULL;
    TwObject *r = tw_call(m, args, nargs, NULL);
    tw_decref(m);
    return r;
}

bool tw_callable(TwObject *o)
{
    return TW_TYPE(o)->tp_call != NULL;
}

/* ------------------------------------------------------------------ */
/* isinstance / issubclass                                            */
/* ------------------------------------------------------------------ */

int tw_object_isinstance(TwObject *o, TwObject *cls)
{
    if (TW_HAS_TPFLAG(cls, TW_TPFLAGS_TYPE_SUBCLASS))
        return TW_TYPE_CHECK(o, (TwTypeObject *)cls);
    if (TW_TUPLE_CHECK(cls)) {
        for (TwSsize i = 0; i < TW_TUPLE_SIZE(cls); i++) {
            int r = tw_object_isinstance(o, TW_TUPLE_GET(cls, i));
            if (r != 0)
                return r;
        }
        return 0;
    }
    tw_err_set_string(TwExc_TypeError, "isinstance() arg 2 must be a type, a tuple of types, or a union");
    return -1;
}

int tw_object_issubclass(TwObject *derived, TwObject *cls)
{
    if (TW_TUPLE_CHECK(cls)) {
        for (TwSsize i = 0; i < TW_TUPLE_SIZE(cls); i++) {
            int r = tw_object_issubclass(derived, TW_TUPLE_GET(cls, i));
            if (r != 0)
                return r;
        }
        return 0;
    }
    if (!TW_HAS_TPFLAG(derived, TW_TPFLAGS_TYPE_SUBCLASS)) {
        tw_err_set_string(TwExc_TypeError, "issubclass() arg 1 must be a class");
        return -1;
    }
    if (!TW_HAS_TPFLAG(cls, TW_TPFLAGS_TYPE_SUBCLASS)) {
        tw_err_set_string(TwExc_TypeError, "issubclass() arg 2 must be a class, a tuple of classes, or a union");
        return -1;
    }
    return tw_type_is_subtype((TwTypeObject *)derived, (TwTypeObject *)cls);
}
