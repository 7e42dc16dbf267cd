/*
 * descr.c — callables and descriptors that live in type dicts:
 *
 *   builtin_function_or_method  a C function, free or bound (TwCFunction)
 *   method_descriptor           list.append: binds to an instance
 *   classmethod_descriptor      dict.fromkeys: binds to the class
 *   getset_descriptor           int.real: C getter/setter pair
 *   wrapper_descriptor          int.__add__: calls a C slot directly
 *   method-wrapper              (1).__add__: the same, bound
 *   method                      a Python function bound to its instance
 *   property, classmethod, staticmethod, super
 *
 * Descriptors that can be called with the instance prepended (method
 * descriptors and slot wrappers) carry TW_TPFLAGS_METHOD_DESCRIPTOR, so a
 * method call need not build a bound object first.
 */
#include <stdlib.h>
#include <string.h>

#include "twinpy/types.h"
#include "typeobject_internal.h"

static TwObject *alloc_tracked(TwTypeObject *tp)
{
    TwObject *op = tw_type_alloc_instance(tp, 0);
    return op;
}

static int visit_all(TwObject **refs, size_t n, TwVisitFn visit, void *arg)
{
    for (size_t i = 0; i < n; i++)
        if (refs[i]) {
            int r = visit(refs[i], arg);
            if (r)
                return r;
        }
    return 0;
}

/* In unsigned arithmetic: b * 1000003 overflows for most hashes, which
 * for a signed type is undefined behaviour (UBSan, the fuzzer). */
static TwHash combine_hash(TwHash a, TwHash b)
{
    TwHash h = (TwHash)((uint64_t)a ^ ((uint64_t)b * 1000003u));
    return h == -1 ? -2 : h;
}

/* ------------------------------------------------------------------ */
/* builtin_function_or_method                                         */
/* ------------------------------------------------------------------ */

#define CF(op) ((TwCFunctionObject *)(op))

TwObject *tw_cfunction_new(const TwMethodDef *def, TwObject *self)
{
    TwObject *op = alloc_tracked(&TwCFunction_Type);
    if (!op)
        return NULL;
    CF(op)->def = def;
    CF(op)->self = tw_xnewref(self);
    CF(op)->module_name = NULL;
    if (self && TW_TYPE(self) == &TwModule_Type)
        CF(op)->module_name = tw_xnewref(((TwModuleObject *)self)->name);
    tw_gc_track(op);
    return op;
}

static TwObject *cfunction_call(TwObject *f, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return CF(f)->def->fn(CF(f)->self, args, nargs, kwnames);
}

static bool cfunction_is_free(TwObject *f)
{
    TwObject *self = CF(f)->self;
    return !self || TW_TYPE(self) == &TwModule_Type;
}

static TwObject *cfunction_repr(TwObject *f)
{
    if (cfunction_is_free(f))
        return tw_str_from_format("<built-in function %s>", CF(f)->def->name);
    TwObject *self = CF(f)->self;
    return tw_str_from_format("<built-in method %s of %s object at %p>", CF(f)->def->name,
                              tw_type_name(TW_TYPE(self)), (void *)self);
}

static TwObject *cfunction_richcompare(TwObject *a, TwObject *b, int op)
{
    if ((op != TW_EQ && op != TW_NE) || TW_TYPE(b) != &TwCFunction_Type)
        return tw_newref(Tw_NotImplemented);
    bool eq = CF(a)->def == CF(b)->def && CF(a)->self == CF(b)->self;
    return tw_bool_from(op == TW_EQ ? eq : !eq);
}

static TwHash cfunction_hash(TwObject *f)
{
    return combine_hash(tw_object_hash_identity((TwObject *)(uintptr_t)CF(f)->def),
                        CF(f)->self ? tw_object_hash_identity(CF(f)->self) : 0);
}

static int cfunction_traverse(TwObject *f, TwVisitFn visit, void *arg)
{
    TwObject *refs[] = {CF(f)->self, CF(f)->module_name};
    return visit_all(refs, 2, visit, arg);
}

static int cfunction_clear(TwObject *f)
{
    TW_CLEAR(CF(f)->self);
    TW_CLEAR(CF(f)->module_name);
    return 0;
}

static void cfunction_dealloc(TwObject *f)
{
    if (tw_gc_is_tracked(f))
        tw_gc_untrack(f);
    cfunction_clear(f);
    tw_type_free_instance(f, 0);
}

static TwObject *cfunction_get_name(TwObject *f) { return tw_str_from_cstr(CF(f)->def->name); }

static TwObject *cfunction_get_qualname(TwObject *f)
{
    if (cfunction_is_free(f))
        return cfunction_get_name(f);
    TwObject *self = CF(f)->self;
    const char *owner = TW_HAS_TPFLAG(self, TW_TPFLAGS_TYPE_SUBCLASS) ? tw_type_name((TwTypeObject *)self)
                                                                        : tw_type_name(TW_TYPE(self));
    return tw_str_from_format("%s.%s", owner, CF(f)->def->name);
}

static TwObject *cfunction_get_self(TwObject *f) { return tw_newref(CF(f)->self ? CF(f)->self : Tw_None); }
static TwObject *cfunction_get_module(TwObject *f)
{
    return tw_newref(CF(f)->module_name ? CF(f)->module_name : Tw_None);
}

static const TwGetSetDef cfunction_getset[] = {
    {"__name__", cfunction_get_name, NULL},
    {"__qualname__", cfunction_get_qualname, NULL},
    {"__self__", cfunction_get_self, NULL},
    {"__module__", cfunction_get_module, NULL},
    {NULL, NULL, NULL},
};

TwTypeObject TwCFunction_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "builtin_function_or_method",
    .tp_basicsize = sizeof(TwCFunctionObject),
    .tp_flags = TW_TPFLAGS_HAVE_GC,
    .tp_dealloc = cfunction_dealloc,
    .tp_repr = cfunction_repr,
    .tp_hash = cfunction_hash,
    .tp_richcompare = cfunction_richcompare,
    .tp_call = cfunction_call,
    .tp_traverse = cfunction_traverse,
    .tp_clear = cfunction_clear,
    .tp_getset = cfunction_getset,
};

/* ---------------- __new__ of static types ---------------------------- */

/* T.__new__(S, *args): S must be a subtype of T; runs T's tp_new for S. */
static TwObject *tp_new_wrapper(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    TwTypeObject *tp = (TwTypeObject *)self;
    if (nargs < 1)
        return tw_err_format(TwExc_TypeError, "%s.__new__(): not enough arguments", tw_type_name(tp));
    TwObject *sub = args[0];
    if (!TW_HAS_TPFLAG(sub, TW_TPFLAGS_TYPE_SUBCLASS))
        return tw_err_format(TwExc_TypeError, "%s.__new__(X): X is not a type object (%s)", tw_type_name(tp),
                             tw_type_name(TW_TYPE(sub)));
    TwTypeObject *st = (TwTypeObject *)sub;
    if (!tw_type_is_subtype(st, tp))
        return tw_err_format(TwExc_TypeError, "%s.__new__(%s): %s is not a subtype of %s", tw_type_name(tp),
                             tw_type_name(st), tw_type_name(st), tw_type_name(tp));
    if (!tp->tp_new)
        return tw_err_format(TwExc_TypeError, "cannot create '%s' instances", tw_type_name(tp));
    return tw_type_call_static_new(tp, st, args + 1, nargs - 1, kwnames);
}

static const TwMethodDef tp_new_def = {"__new__", tp_new_wrapper, 0};

TwObject *tw_new_wrapper_new(TwTypeObject *tp)
{
    return tw_cfunction_new(&tp_new_def, (TwObject *)tp);
}

/* ------------------------------------------------------------------ */
/* method_descriptor, classmethod_descriptor                          */
/* ------------------------------------------------------------------ */

typedef struct {
    TwObject ob_base;
    TwTypeObject *type;
    const TwMethodDef *def;
} TwMethodDescrObject;
#define MD(op) ((TwMethodDescrObject *)(op))

static TwObject *descr_new(TwTypeObject *dtype, TwTypeObject *tp, const TwMethodDef *def)
{
    TwObject *op = alloc_tracked(dtype);
    if (!op)
        return NULL;
    MD(op)->type = (TwTypeObject *)tw_newref((TwObject *)tp);
    MD(op)->def = def;
    tw_gc_track(op);
    return op;
}

TwObject *tw_methoddescr_new(TwTypeObject *tp, const TwMethodDef *def)
{
    return descr_new(&TwMethodDescr_Type, tp, def);
}

TwObject *tw_classmethoddescr_new(TwTypeObject *tp, const TwMethodDef *def)
{
    return descr_new(&TwClassMethodDescr_Type, tp, def);
}

static int descr_traverse(TwObject *d, TwVisitFn visit, void *arg)
{
    return MD(d)->type ? visit((TwObject *)MD(d)->type, arg) : 0;
}

static int descr_clear(TwObject *d)
{
    TW_CLEAR(MD(d)->type);
    return 0;
}

static void descr_dealloc(TwObject *d)
{
    if (tw_gc_is_tracked(d))
        tw_gc_untrack(d);
    descr_clear(d);
    tw_type_free_instance(d, 0);
}

static TwObject *methoddescr_get(TwObject *d, TwObject *obj, TwObject *type)
{
    if (!obj || obj == Tw_None)
        return tw_newref(d);
    if (!TW_TYPE_CHECK(obj, MD(d)->type))
        return tw_err_format(TwExc_TypeError, "descriptor '%s' for '%s' objects doesn't apply to a '%s' object",
                             MD(d)->def->name, tw_type_name(MD(d)->type), tw_type_name(TW_TYPE(obj)));
    return tw_cfunction_new(MD(d)->def, obj);
}

static TwObject *methoddescr_call(TwObject *d, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (nargs < 1)
        return tw_err_format(TwExc_TypeError, "unbound method %s.%s() needs an argument",
                             tw_type_name(MD(d)->type), MD(d)->def->name);
    if (!TW_TYPE_CHECK(args[0], MD(d)->type))
        return tw_err_format(TwExc_TypeError, "descriptor '%s' for '%s' objects doesn't apply to a '%s' object",
                             MD(d)->def->name, tw_type_name(MD(d)->type), tw_type_name(TW_TYPE(args[0])));
    return MD(d)->def->fn(args[0], args + 1, nargs - 1, kwnames);
}

static TwObject *methoddescr_repr(TwObject *d)
{
    return tw_str_from_format("<method '%s' of '%s' objects>", MD(d)->def->name, tw_type_name(MD(d)->type));
}

static TwObject *descr_get_name(TwObject *d) { return tw_str_from_cstr(MD(d)->def->name); }
static TwObject *descr_get_qualname(TwObject *d)
{
    return tw_str_from_format("%s.%s", tw_type_name(MD(d)->type), MD(d)->def->name);
}
static TwObject *descr_get_objclass(TwObject *d) { return tw_newref((TwObject *)MD(d)->type); }

static const TwGetSetDef methoddescr_getset[] = {
    {"__name__", descr_get_name, NULL},
    {"__qualname__", descr_get_qualname, NULL},
    {"__objclass__", descr_get_objclass, NULL},
    {NULL, NULL, NULL},
};

TwTypeObject TwMethodDescr_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "method_descriptor",
    .tp_basicsize = sizeof(TwMethodDescrObject),
    .tp_flags = TW_TPFLAGS_HAVE_GC | TW_TPFLAGS_METHOD_DESCRIPTOR,
    .tp_dealloc = descr_dealloc,
    .tp_repr = methoddescr_repr,
    .tp_call = methoddescr_call,
    .tp_descr_get = methoddescr_get,
    .tp_traverse = descr_traverse,
    .tp_clear = descr_clear,
    .tp_getset = methoddescr_getset,
};

static TwObject *classmethoddescr_get(TwObject *d, TwObject *obj, TwObject *type)
{
    if (!type || type == Tw_None)
        type = (TwObject *)TW_TYPE(obj);
    return tw_cfunction_new(MD(d)->def, type);
}

static TwObject *classmethoddescr_call(TwObject *d, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (nargs < 1 || !TW_HAS_TPFLAG(args[0], TW_TPFLAGS_TYPE_SUBCLASS) ||
        !tw_type_is_subtype((TwTypeObject *)args[0], MD(d)->type))
        return tw_err_format(TwExc_TypeError, "descriptor '%s' for type '%s' needs a subtype of '%s' as arg 1",
                             MD(d)->def->name, tw_type_name(MD(d)->type), tw_type_name(MD(d)->type));
    return MD(d)->def->fn(args[0], args + 1, nargs - 1, kwnames);
}

TwTypeObject TwClassMethodDescr_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "classmethod_descriptor",
    .tp_basicsize = sizeof(TwMethodDescrObject),
    .tp_flags = TW_TPFLAGS_HAVE_GC,
    .tp_dealloc = descr_dealloc,
    .tp_repr = methoddescr_repr,
    .tp_call = classmethoddescr_call,
    .tp_descr_get = classmethoddescr_get,
    .tp_traverse = descr_traverse,
    .tp_clear = descr_clear,
    .tp_getset = methoddescr_getset,
};

/* ------------------------------------------------------------------ */
/* getset_descriptor                                                  */
/* ------------------------------------------------------------------ */

typedef struct {
    TwObject ob_base;
    TwTypeObject *type;
    const TwGetSetDef *def;
} TwGetSetDescrObject;
#define GS(op) ((TwGetSetDescrObject *)(op))

TwObject *tw_getsetdescr_new(TwTypeObject *tp, const TwGetSetDef *def)
{
    TwObject *op = alloc_tracked(&TwGetSetDescr_Type);
    if (!op)
        return NULL;
    GS(op)->type = (TwTypeObject *)tw_newref((TwObject *)tp);
    GS(op)->def = def;
    tw_gc_track(op);
    return op;
}

static TwObject *getset_get(TwObject *d, TwObject *obj, TwObject *type)
{
    if (!obj || (obj == Tw_None && !TW_TYPE_CHECK(obj, GS(d)->type)))
        return tw_newref(d);
    if (!TW_TYPE_CHECK(obj, GS(d)->type))
        return tw_err_format(TwExc_TypeError, "descriptor '%s' for '%s' objects doesn't apply to a '%s' object",
                             GS(d)->def->name, tw_type_name(GS(d)->type), tw_type_name(TW_TYPE(obj)));
    if (!GS(d)->def->get)
        return tw_err_format(TwExc_AttributeError, "attribute '%s' of '%s' objects is not readable",
                             GS(d)->def->name, tw_type_name(GS(d)->type));
    return GS(d)->def->get(obj);
}

static int getset_set(TwObject *d, TwObject *obj, TwObject *value)
{
    if (!TW_TYPE_CHECK(obj, GS(d)->type)) {
        tw_err_format(TwExc_TypeError, "descriptor '%s' for '%s' objects doesn't apply to a '%s' object",
                      GS(d)->def->name, tw_type_name(GS(d)->type), tw_type_name(TW_TYPE(obj)));
        return -1;
    }
    if (!GS(d)->def->set) {
        tw_err_format(TwExc_AttributeError, "attribute '%s' of '%s' objects is not writable", GS(d)->def->name,
                      tw_type_name(GS(d)->type));
        return -1;
    }
    return GS(d)->def->set(obj, value);
}

static TwObject *getset_repr(TwObject *d)
{
    return tw_str_from_format("<attribute '%s' of '%s' objects>", GS(d)->def->name, tw_type_name(GS(d)->type));
}

static TwObject *getset_get_name(TwObject *d) { return tw_str_from_cstr(GS(d)->def->name); }

static const TwGetSetDef getsetdescr_getset[] = {
    {"__name__", getset_get_name, NULL},
    {"__objclass__", descr_get_objclass, NULL},
    {NULL, NULL, NULL},
};

TwTypeObject TwGetSetDescr_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "getset_descriptor",
    .tp_basicsize = sizeof(TwGetSetDescrObject),
    .tp_flags = TW_TPFLAGS_HAVE_GC,
    .tp_dealloc = descr_dealloc,
    .tp_repr = getset_repr,
    .tp_descr_get = getset_get,
    .tp_descr_set = getset_set,
    .tp_traverse = descr_traverse,
    .tp_clear = descr_clear,
    .tp_getset = getsetdescr_getset,
};

/* ------------------------------------------------------------------ */
/* wrapper_descriptor (slot wrappers) and method-wrapper              */
/* ------------------------------------------------------------------ */

typedef struct {
    TwObject ob_base;
    TwTypeObject *type;
    const TwSlotDef *def;
    void *fn;
} TwSlotWrapperObject;
#define SW(op) ((TwSlotWrapperObject *)(op))

TwObject *tw_slotwrapper_new(TwTypeObject *tp, const TwSlotDef *def, void *fn)
{
    TwObject *op = alloc_tracked(&TwSlotWrapper_Type);
    if (!op)
        return NULL;
    SW(op)->type = (TwTypeObject *)tw_newref((TwObject *)tp);
    SW(op)->def = def;
    SW(op)->fn = fn;
    tw_gc_track(op);
    return op;
}

void *tw_slotwrapper_fn(TwObject *descr, const TwSlotDef **def)
{
    if (TW_TYPE(descr) != &TwSlotWrapper_Type)
        return NULL;
    if (def)
        *def = SW(descr)->def;
    return SW(descr)->fn;
}

static TwObject *none_or_null(int rc)
{
    return rc < 0 ? NULL : tw_newref(Tw_None);
}

/* Call the wrapped slot with self and the Python-level arguments. */
static TwObject *wrapper_call_slot(TwObject *w, TwObject *self, TwObject *const *args, size_t nargs,
                                   TwObject *kwnames)
{
    const TwSlotDef *d = SW(w)->def;
    void *fn = SW(w)->fn;
    if (d->kind != TW_WRAP_CALL && d->kind != TW_WRAP_INIT && kwnames && TW_TUPLE_SIZE(kwnames) > 0)
        return tw_err_format(TwExc_TypeError, "wrapper %s() takes no keyword arguments", d->name);
    size_t want = 0, want_max = 0;
    switch (d->kind) {
    case TW_WRAP_UNARY: case TW_WRAP_HASH: case TW_WRAP_LEN: case TW_WRAP_BOOL: case TW_WRAP_NEXT:
    case TW_WRAP_FINALIZE:
        want = want_max = 0;
        break;
    case TW_WRAP_BINARY: case TW_WRAP_BINARY_R: case TW_WRAP_RICHCMP: case TW_WRAP_OBJOBJ:
    case TW_WRAP_DELITEM: case TW_WRAP_GETATTR: case TW_WRAP_DELATTR: case TW_WRAP_DESCR_DELETE:
        want = want_max = 1;
        break;
    case TW_WRAP_SETITEM: case TW_WRAP_SETATTR: case TW_WRAP_DESCR_SET:
        want = want_max = 2;
        break;
    case TW_WRAP_DESCR_GET:
        want = 1;
        want_max = 2;
        break;
    case TW_WRAP_CALL: case TW_WRAP_INIT:
        want = 0;
        want_max = SIZE_MAX;
        break;
    }
    if (nargs < want || nargs > want_max) {
        if (want == want_max)
            return tw_err_format(TwExc_TypeError, "expected %zu argument%s, got %zu", want, want == 1 ? "" : "s",
                                 nargs);
        return tw_err_format(TwExc_TypeError, "expected %zu to %zu arguments, got %zu", want, want_max, nargs);
    }
    switch (d->kind) {
    case TW_WRAP_UNARY:
        return ((TwUnaryFn)fn)(self);
    case TW_WRAP_BINARY:
        return ((TwBinaryFn)fn)(self, args[0]);
    case TW_WRAP_BINARY_R:
        return ((TwBinaryFn)fn)(args[0], self);
    case TW_WRAP_RICHCMP:
        return ((TwRichCmpFn)fn)(self, args[0], d->op);
    case TW_WRAP_HASH: {
        TwHash h = ((TwHashFn)fn)(self);
        return h == -1 ? NULL : tw_int_from_i64((int64_t)h);
    }
    case TW_WRAP_LEN: {
        TwSsize n = ((TwLenFn)fn)(self);
        return n < 0 ? NULL : tw_int_from_i64((int64_t)n);
    }
    case TW_WRAP_BOOL: {
        int t = ((TwInquiryFn)fn)(self);
        return t < 0 ? NULL : tw_bool_from(t);
    }
    case TW_WRAP_OBJOBJ: {
        int t = ((TwObjObjFn)fn)(self, args[0]);
        return t < 0 ? NULL : tw_bool_from(t);
    }
    case TW_WRAP_SETITEM:
        return none_or_null(((TwObjObjArgFn)fn)(self, args[0], args[1]));
    case TW_WRAP_DELITEM:
        return none_or_null(((TwObjObjArgFn)fn)(self, args[0], NULL));
    case TW_WRAP_CALL:
        return ((TwCallFn)fn)(self, args, nargs, kwnames);
    case TW_WRAP_INIT:
        return none_or_null(((TwInitFn)fn)(self, args, nargs, kwnames));
    case TW_WRAP_NEXT: {
        TwObject *r = ((TwUnaryFn)fn)(self);
        if (!r && !tw_err_occurred())
            tw_err_set_object(TwExc_StopIteration, NULL);
        return r;
    }
    case TW_WRAP_GETATTR:
        return ((TwGetAttrFn)fn)(self, args[0]);
    case TW_WRAP_SETATTR:
        return none_or_null(((TwSetAttrFn)fn)(self, args[0], args[1]));
    case TW_WRAP_DELATTR:
        return none_or_null(((TwSetAttrFn)fn)(self, args[0], NULL));
    case TW_WRAP_DESCR_GET: {
        TwObject *obj = args[0] == Tw_None ? NULL : args[0];
        TwObject *type = nargs > 1 && args[1] != Tw_None ? args[1] : NULL;
        if (!obj && !type)
            return tw_err_format(TwExc_TypeError, "__get__(None, None) is invalid");
        return ((TwDescrGetFn)fn)(self, obj, type);
    }
    case TW_WRAP_DESCR_SET:
        return none_or_null(((TwDescrSetFn)fn)(self, args[0], args[1]));
    case TW_WRAP_DESCR_DELETE:
        return none_or_null(((TwDescrSetFn)fn)(self, args[0], NULL));
    case TW_WRAP_FINALIZE:
        ((TwDeallocFn)fn)(self);
        return tw_err_occurred() ? NULL : tw_newref(Tw_None);
    }
    return tw_err_bad_internal_call("wrapper_call_slot");
}

static TwObject *slotwrapper_call(TwObject *w, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (nargs < 1)
        return tw_err_format(TwExc_TypeError, "descriptor '%s' of '%s' object needs an argument", SW(w)->def->name,
                             tw_type_name(SW(w)->type));
    if (!TW_TYPE_CHECK(args[0], SW(w)->type))
        return tw_err_format(TwExc_TypeError, "descriptor '%s' requires a '%s' object but received a '%s'",
                             SW(w)->def->name, tw_type_name(SW(w)->type), tw_type_name(TW_TYPE(args[0])));
    return wrapper_call_slot(w, args[0], args + 1, nargs - 1, kwnames);
}

static TwObject *slotwrapper_repr(TwObject *w)
{
    return tw_str_from_format("<slot wrapper '%s' of '%s' objects>", SW(w)->def->name, tw_type_name(SW(w)->type));
}

static TwObject *slotwrapper_get_name(TwObject *w) { return tw_str_from_cstr(SW(w)->def->name); }
static TwObject *slotwrapper_get_qualname(TwObject *w)
{
    return tw_str_from_format("%s.%s", tw_type_name(SW(w)->type), SW(w)->def->name);
}

static const TwGetSetDef slotwrapper_getset[] = {
    {"__name__", slotwrapper_get_name, NULL},
    {"__qualname__", slotwrapper_get_qualname, NULL},
    {"__objclass__", descr_get_objclass, NULL},
    {NULL, NULL, NULL},
};

/* The bound form: (wrapper, self). */
typedef struct {
    TwObject ob_base;
    TwObject *wrapper;
    TwObject *self;
} TwMethodWrapperObject;
#define MW(op) ((TwMethodWrapperObject *)(op))

static TwObject *slotwrapper_get(TwObject *w, TwObject *obj, TwObject *type)
{
    if (!obj || obj == Tw_None)
        return tw_newref(w);
    if (!TW_TYPE_CHECK(obj, SW(w)->type))
        return tw_err_format(TwExc_TypeError, "descriptor '%s' for '%s' objects doesn't apply to a '%s' object",
                             SW(w)->def->name, tw_type_name(SW(w)->type), tw_type_name(TW_TYPE(obj)));
    TwObject *op = alloc_tracked(&TwMethodWrapper_Type);
    if (!op)
        return NULL;
    MW(op)->wrapper = tw_newref(w);
    MW(op)->self = tw_newref(obj);
    tw_gc_track(op);
    return op;
}

TwTypeObject TwSlotWrapper_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "wrapper_descriptor",
    .tp_basicsize = sizeof(TwSlotWrapperObject),
    .tp_flags = TW_TPFLAGS_HAVE_GC | TW_TPFLAGS_METHOD_DESCRIPTOR,
    .tp_dealloc = descr_dealloc,
    .tp_repr = slotwrapper_repr,
    .tp_call = slotwrapper_call,
    .tp_descr_get = slotwrapper_get,
    .tp_traverse = descr_traverse,
    .tp_clear = descr_clear,
    .tp_getset = slotwrapper_getset,
};

static TwObject *methodwrapper_call(TwObject *m, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return wrapper_call_slot(MW(m)->wrapper, MW(m)->self, args, nargs, kwnames);
}

static TwObject *methodwrapper_repr(TwObject *m)
{
    return tw_str_from_format("<method-wrapper '%s' of %s object at %p>", SW(MW(m)->wrapper)->def->name,
                              tw_type_name(TW_TYPE(MW(m)->self)), (void *)MW(m)->self);
}

static int methodwrapper_traverse(TwObject *m, TwVisitFn visit, void *arg)
{
    TwObject *refs[] = {MW(m)->wrapper, MW(m)->self};
    return visit_all(refs, 2, visit, arg);
}

static int methodwrapper_clear(TwObject *m)
{
    TW_CLEAR(MW(m)->wrapper);
    TW_CLEAR(MW(m)->self);
    return 0;
}

static void methodwrapper_dealloc(TwObject *m)
{
    if (tw_gc_is_tracked(m))
        tw_gc_untrack(m);
    methodwrapper_clear(m);
    tw_type_free_instance(m, 0);
}

static TwObject *methodwrapper_richcompare(TwObject *a, TwObject *b, int op)
{
    if ((op != TW_EQ && op != TW_NE) || TW_TYPE(b) != &TwMethodWrapper_Type)
        return tw_newref(Tw_NotImplemented);
    bool eq = MW(a)->wrapper == MW(b)->wrapper && MW(a)->self == MW(b)->self;
    return tw_bool_from(op == TW_EQ ? eq : !eq);
}

static TwObject *methodwrapper_get_self(TwObject *m) { return tw_newref(MW(m)->self); }
static TwObject *methodwrapper_get_name(TwObject *m) { return slotwrapper_get_name(MW(m)->wrapper); }

static const TwGetSetDef methodwrapper_getset[] = {
    {"__self__", methodwrapper_get_self, NULL},
    {"__name__", methodwrapper_get_name, NULL},
    {NULL, NULL, NULL},
};

TwTypeObject TwMethodWrapper_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "method-wrapper",
    .tp_basicsize = sizeof(TwMethodWrapperObject),
    .tp_flags = TW_TPFLAGS_HAVE_GC,
    .tp_dealloc = methodwrapper_dealloc,
    .tp_repr = methodwrapper_repr,
    .tp_richcompare = methodwrapper_richcompare,
    .tp_call = methodwrapper_call,
    .tp_traverse = methodwrapper_traverse,
    .tp_clear = methodwrapper_clear,
    .tp_getset = methodwrapper_getset,
};

/* ------------------------------------------------------------------ */
/* method (bound Python function)                                     */
/* ------------------------------------------------------------------ */

#define METH(op) ((TwMethodObject *)(op))

TwObject *tw_method_new(TwObject *func, TwObject *self)
{
    TwObject *op = alloc_tracked(&TwMethod_Type);
    if (!op)
        return NULL;
    METH(op)->func = tw_newref(func);
    METH(op)->self = tw_newref(self);
    tw_gc_track(op);
    return op;
}

/* Prepend self to positional and keyword values alike. */
static TwObject *method_call(TwObject *m, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    size_t nkw = kwnames ? (size_t)TW_TUPLE_SIZE(kwnames) : 0;
    size_t total = nargs + nkw + 1;
    TwObject *stack[8];
    TwObject **argv = total <= 8 ? stack : malloc(total * sizeof *argv);
    if (!argv)
        return tw_err_no_memory();
    TwObject *func = tw_newref(METH(m)->func);
    argv[0] = METH(m)->self;
    tw_incref(argv[0]);
    for (size_t i = 0; i < nargs + nkw; i++)
        argv[i + 1] = args[i];
    TwObject *r = tw_call(func, argv, nargs + 1, kwnames);
    tw_decref(argv[0]);
    tw_decref(func);
    if (argv != stack)
        free(argv);
    return r;
}

static TwObject *method_repr(TwObject *m)
{
    TwObject *name = NULL;
    if (tw_object_lookup_attr(METH(m)->func, ID("__qualname__"), &name) < 0)
        return NULL;
    if (!name && tw_object_lookup_attr(METH(m)->func, ID("__name__"), &name) < 0)
        return NULL;
    TwObject *r;
    if (name && TW_STR_CHECK(name))
        r = tw_str_from_format("<bound method %S of %R>", name, METH(m)->self);
    else
        r = tw_str_from_format("<bound method ? of %R>", METH(m)->self);
    tw_xdecref(name);
    return r;
}

static TwObject *method_richcompare(TwObject *a, TwObject *b, int op)
{
    if ((op != TW_EQ && op != TW_NE) || TW_TYPE(b) != &TwMethod_Type)
        return tw_newref(Tw_NotImplemented);
    int eq = METH(a)->self == METH(b)->self;
    if (eq) {
        eq = tw_object_richcompare_bool(METH(a)->func, METH(b)->func, TW_EQ);
        if (eq < 0)
            return NULL;
    }
    return tw_bool_from(op == TW_EQ ? eq : !eq);
}

static TwHash method_hash(TwObject *m)
{
    TwHash h = tw_object_hash(METH(m)->func);
    if (h == -1)
        return -1;
    return combine_hash(h, tw_object_hash_identity(METH(m)->self));
}

/* m.__name__, m.__doc__, ...: the function's, after the method's own. */
static TwObject *method_getattro(TwObject *m, TwObject *name)
{
    TwObject *r = tw_object_generic_getattr(m, name);
    if (r || !tw_err_matches(TwExc_AttributeError))
        return r;
    tw_err_clear();
    return tw_object_getattr(METH(m)->func, name);
}

static TwObject *method_descr_get(TwObject *m, TwObject *obj, TwObject *type)
{
    return tw_newref(m);
}

static int method_traverse(TwObject *m, TwVisitFn visit, void *arg)
{
    TwObject *refs[] = {METH(m)->func, METH(m)->self};
    return visit_all(refs, 2, visit, arg);
}

static int method_clear(TwObject *m)
{
    TW_CLEAR(METH(m)->func);
    TW_CLEAR(METH(m)->self);
    return 0;
}

static void method_dealloc(TwObject *m)
{
    if (tw_gc_is_tracked(m))
        tw_gc_untrack(m);
    method_clear(m);
    tw_type_free_instance(m, 0);
}

static TwObject *method_get_func(TwObject *m) { return tw_newref(METH(m)->func); }
static TwObject *method_get_self(TwObject *m) { return tw_newref(METH(m)->self); }

static const TwGetSetDef method_getset[] = {
    {"__func__", method_get_func, NULL},
    {"__self__", method_get_self, NULL},
    {NULL, NULL, NULL},
};

static TwObject *method_new(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("method", kwnames) < 0 || tw_arg_check_count("method", nargs, 2, 2) < 0)
        return NULL;
    if (!tw_callable(args[0]))
        return tw_err_format(TwExc_TypeError, "first argument must be callable");
    if (args[1] == Tw_None)
        return tw_err_format(TwExc_TypeError, "instance must not be None");
    return tw_method_new(args[0], args[1]);
}

TwTypeObject TwMethod_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "method",
    .tp_basicsize = sizeof(TwMethodObject),
    .tp_flags = TW_TPFLAGS_HAVE_GC,
    .tp_dealloc = method_dealloc,
    .tp_repr = method_repr,
    .tp_hash = method_hash,
    .tp_richcompare = method_richcompare,
    .tp_getattro = method_getattro,
    .tp_call = method_call,
    .tp_descr_get = method_descr_get,
    .tp_new = method_new,
    .tp_traverse = method_traverse,
    .tp_clear = method_clear,
    .tp_getset = method_getset,
};

/* ------------------------------------------------------------------ */
/* property                                                           */
/* ------------------------------------------------------------------ */

typedef struct {
    TwObject ob_base;
    TwObject *fget, *fset, *fdel, *doc;
    TwObject *name;               /* from __set_name__, or NULL         */
} TwPropertyObject;
#define PROP(op) ((TwPropertyObject *)(op))

static TwObject *none_to_null(TwObject *o) { return o == Tw_None ? NULL : o; }

static TwObject *property_make(TwObject *fget, TwObject *fset, TwObject *fdel, TwObject *doc, TwObject *name)
{
    TwObject *op = alloc_tracked(&TwProperty_Type);
    if (!op)
        return NULL;
    PROP(op)->fget = tw_xnewref(fget ? none_to_null(fget) : NULL);
    PROP(op)->fset = tw_xnewref(fset ? none_to_null(fset) : NULL);
    PROP(op)->fdel = tw_xnewref(fdel ? none_to_null(fdel) : NULL);
    PROP(op)->doc = tw_xnewref(doc ? none_to_null(doc) : NULL);
    PROP(op)->name = tw_xnewref(name);
    tw_gc_track(op);
    return op;
}

/* property(fget=None, fset=None, fdel=None, doc=None) */
static TwObject *property_new(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    static const char *const names[] = {"fget", "fset", "fdel", "doc"};
    TwObject *vals[4] = {NULL, NULL, NULL, NULL};
    if (nargs > 4)
        return tw_err_format(TwExc_TypeError, "property() takes at most 4 arguments (%zu given)", nargs);
    for (size_t i = 0; i < nargs; i++)
        vals[i] = args[i];
    size_t nkw = kwnames ? (size_t)TW_TUPLE_SIZE(kwnames) : 0;
    for (size_t k = 0; k < nkw; k++) {
        TwObject *key = TW_TUPLE_GET(kwnames, k);
        int idx = -1;
        for (int j = 0; j < 4; j++)
            if (tw_str_eq_cstr(key, names[j]))
                idx = j;
        if (idx < 0)
            return tw_err_format(TwExc_TypeError, "property() got an unexpected keyword argument '%S'", key);
        if (vals[idx])
            return tw_err_format(TwExc_TypeError, "argument for property() given by name ('%s') and position (%d)",
                                 names[idx], idx + 1);
        vals[idx] = args[nargs + k];
    }
    return property_make(vals[0], vals[1], vals[2], vals[3], NULL);
}

static TwObject *property_descr_get(TwObject *p, TwObject *obj, TwObject *type)
{
    if (!obj || obj == Tw_None)
        return tw_newref(p);
    if (!PROP(p)->fget) {
        if (PROP(p)->name)
            return tw_err_format(TwExc_AttributeError, "property %R of '%s' object has no getter", PROP(p)->name,
                                 tw_type_name(TW_TYPE(obj)));
        return tw_err_format(TwExc_AttributeError, "property of '%s' object has no getter",
                             tw_type_name(TW_TYPE(obj)));
    }
    return tw_call1(PROP(p)->fget, obj);
}

static int property_descr_set(TwObject *p, TwObject *obj, TwObject *value)
{
    TwObject *func = value ? PROP(p)->fset : PROP(p)->fdel;
    if (!func) {
        if (PROP(p)->name)
            tw_err_format(TwExc_AttributeError, "property %R of '%s' object has no %s", PROP(p)->name,
                          tw_type_name(TW_TYPE(obj)), value ? "setter" : "deleter");
        else
            tw_err_format(TwExc_AttributeError, "property of '%s' object has no %s", tw_type_name(TW_TYPE(obj)),
                          value ? "setter" : "deleter");
        return -1;
    }
    TwObject *r = value ? tw_call2(func, obj, value) : tw_call1(func, obj);
    if (!r)
        return -1;
    tw_decref(r);
    return 0;
}

static TwObject *property_copy_with(TwObject *p, int which, TwObject *const *args, size_t nargs)
{
    static const char *const names[] = {"getter", "setter", "deleter"};
    if (tw_arg_check_count(names[which], nargs, 1, 1) < 0)
        return NULL;
    TwPropertyObject *o = PROP(p);
    return property_make(which == 0 ? args[0] : o->fget, which == 1 ? args[0] : o->fset,
                         which == 2 ? args[0] : o->fdel, o->doc, o->name);
}

static TwObject *property_getter(TwObject *p, TwObject *const *a, size_t n, TwObject *kw) { return property_copy_with(p, 0, a, n); }
static TwObject *property_setter(TwObject *p, TwObject *const *a, size_t n, TwObject *kw) { return property_copy_with(p, 1, a, n); }
static TwObject *property_deleter(TwObject *p, TwObject *const *a, size_t n, TwObject *kw) { return property_copy_with(p, 2, a, n); }

static TwObject *property_set_name(TwObject *p, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_count("__set_name__", nargs, 2, 2) < 0)
        return NULL;
    TW_SETREF(PROP(p)->name, tw_newref(args[1]));
    TW_RETURN_NONE;
}

static const TwMethodDef property_methods[] = {
    {"getter", property_getter, 0},
    {"setter", property_setter, 0},
    {"deleter", property_deleter, 0},
    {"__set_name__", property_set_name, 0},
    {NULL, NULL, 0},
};

static TwObject *property_get_fget(TwObject *p) { return tw_newref(PROP(p)->fget ? PROP(p)->fget : Tw_None); }
static TwObject *property_get_fset(TwObject *p) { return tw_newref(PROP(p)->fset ? PROP(p)->fset : Tw_None); }
static TwObject *property_get_fdel(TwObject *p) { return tw_newref(PROP(p)->fdel ? PROP(p)->fdel : Tw_None); }
static TwObject *property_get_doc(TwObject *p)
{
    if (PROP(p)->doc)
        return tw_newref(PROP(p)->doc);
    if (PROP(p)->fget) {
        TwObject *d = NULL;
        if (tw_object_lookup_attr(PROP(p)->fget, ID("__doc__"), &d) < 0)
            return NULL;
        if (d)
            return d;
    }
    TW_RETURN_NONE;
}

static const TwGetSetDef property_getset[] = {
    {"fget", property_get_fget, NULL},
    {"fset", property_get_fset, NULL},
    {"fdel", property_get_fdel, NULL},
    {"__doc__", property_get_doc, NULL},
    {NULL, NULL, NULL},
};

static int property_traverse(TwObject *p, TwVisitFn visit, void *arg)
{
    TwObject *refs[] = {PROP(p)->fget, PROP(p)->fset, PROP(p)->fdel, PROP(p)->doc, PROP(p)->name};
    return visit_all(refs, 5, visit, arg);
}

static int property_clear(TwObject *p)
{
    TW_CLEAR(PROP(p)->fget);
    TW_CLEAR(PROP(p)->fset);
    TW_CLEAR(PROP(p)->fdel);
    TW_CLEAR(PROP(p)->doc);
    TW_CLEAR(PROP(p)->name);
    return 0;
}

static void property_dealloc(TwObject *p)
{
    if (tw_gc_is_tracked(p))
        tw_gc_untrack(p);
    property_clear(p);
    tw_type_free_instance(p, 0);
}

TwTypeObject TwProperty_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "property",
    .tp_basicsize = sizeof(TwPropertyObject),
    .tp_flags = TW_TPFLAGS_HAVE_GC,
    .tp_dealloc = property_dealloc,
    .tp_descr_get = property_descr_get,
    .tp_descr_set = property_descr_set,
    .tp_new = property_new,
    .tp_traverse = property_traverse,
    .tp_clear = property_clear,
    .tp_methods = property_methods,
    .tp_getset = property_getset,
};

/* ------------------------------------------------------------------ */
/* classmethod, staticmethod                                          */
/* ------------------------------------------------------------------ */

typedef struct {
    TwObject ob_base;
    TwObject *func;
} TwFuncWrapObject;
#define FW(op) ((TwFuncWrapObject *)(op))

static TwObject *funcwrap_make(TwTypeObject *tp, TwObject *func)
{
    TwObject *op = tw_type_alloc_instance(tp, 0);
    if (!op)
        return NULL;
    FW(op)->func = tw_newref(func);
    tw_gc_track(op);
    return op;
}

TwObject *tw_classmethod_new(TwObject *func) { return funcwrap_make(&TwClassMethod_Type, func); }
TwObject *tw_staticmethod_new(TwObject *func) { return funcwrap_make(&TwStaticMethod_Type, func); }

static TwObject *funcwrap_new(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    const char *name = type == &TwClassMethod_Type ? "classmethod" : "staticmethod";
    if (tw_arg_check_no_kwargs(name, kwnames) < 0)
        return NULL;
    if (nargs != 1)
        return tw_err_format(TwExc_TypeError, "%s expected 1 argument, got %zu", name, nargs);
    return funcwrap_make(type, args[0]);
}

static int funcwrap_traverse(TwObject *o, TwVisitFn visit, void *arg)
{
    return FW(o)->func ? visit(FW(o)->func, arg) : 0;
}

static int funcwrap_clear(TwObject *o)
{
    TW_CLEAR(FW(o)->func);
    return 0;
}

static void funcwrap_dealloc(TwObject *o)
{
    if (tw_gc_is_tracked(o))
        tw_gc_untrack(o);
    funcwrap_clear(o);
    tw_type_free_instance(o, 0);
}

static TwObject *funcwrap_get_func(TwObject *o) { return tw_newref(FW(o)->func); }

static const TwGetSetDef funcwrap_getset[] = {
    {"__func__", funcwrap_get_func, NULL},
    {"__wrapped__", funcwrap_get_func, NULL},
    {NULL, NULL, NULL},
};

static TwObject *classmethod_get(TwObject *cm, TwObject *obj, TwObject *type)
{
    if (!type || type == Tw_None)
        type = (TwObject *)TW_TYPE(obj);
    return tw_method_new(FW(cm)->func, type);
}

static TwObject *staticmethod_get(TwObject *sm, TwObject *obj, TwObject *type)
{
    return tw_newref(FW(sm)->func);
}

static TwObject *staticmethod_call(TwObject *sm, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return tw_call(FW(sm)->func, args, nargs, kwnames);
}

TwTypeObject TwClassMethod_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "classmethod",
    .tp_basicsize = sizeof(TwFuncWrapObject),
    .tp_flags = TW_TPFLAGS_HAVE_GC | TW_TPFLAGS_BASETYPE,
    .tp_dealloc = funcwrap_dealloc,
    .tp_descr_get = classmethod_get,
    .tp_new = funcwrap_new,
    .tp_traverse = funcwrap_traverse,
    .tp_clear = funcwrap_clear,
    .tp_getset = funcwrap_getset,
};

TwTypeObject TwStaticMethod_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "staticmethod",
    .tp_basicsize = sizeof(TwFuncWrapObject),
    .tp_flags = TW_TPFLAGS_HAVE_GC | TW_TPFLAGS_BASETYPE,
    .tp_dealloc = funcwrap_dealloc,
    .tp_call = staticmethod_call,
    .tp_descr_get = staticmethod_get,
    .tp_new = funcwrap_new,
    .tp_traverse = funcwrap_traverse,
    .tp_clear = funcwrap_clear,
    .tp_getset = funcwrap_getset,
};

/* ------------------------------------------------------------------ */
/* super                                                              */
/* ------------------------------------------------------------------ */

typedef struct {
    TwObject ob_base;
    TwTypeObject *type;           /* the class super() was asked about   */
    TwObject *obj;                /* instance or class, or NULL (unbound) */
    TwTypeObject *obj_type;       /* where the MRO comes from            */
} TwSuperObject;
#define SUP(op) ((TwSuperObject *)(op))

int (*tw_super_frame_args)(TwObject **type, TwObject **obj);

static TwTypeObject *super_check(TwTypeObject *type, TwObject *obj)
{
    if (TW_HAS_TPFLAG(obj, TW_TPFLAGS_TYPE_SUBCLASS) && tw_type_is_subtype((TwTypeObject *)obj, type))
        return (TwTypeObject *)obj;
    if (TW_TYPE_CHECK(obj, type))
        return TW_TYPE(obj);
    tw_err_set_string(TwExc_TypeError, "super(type, obj): obj must be an instance or subtype of type");
    return NULL;
}

TwObject *tw_super_new(TwObject *type, TwObject *obj)
{
    if (!TW_HAS_TPFLAG(type, TW_TPFLAGS_TYPE_SUBCLASS))
        return tw_err_format(TwExc_TypeError, "super() argument 1 must be a type, not %s",
                             tw_type_name(TW_TYPE(type)));
    TwTypeObject *obj_type = NULL;
    if (obj && obj != Tw_None) {
        obj_type = super_check((TwTypeObject *)type, obj);
        if (!obj_type)
            return NULL;
    } else {
        obj = NULL;
    }
    TwObject *op = alloc_tracked(&TwSuper_Type);
    if (!op)
        return NULL;
    SUP(op)->type = (TwTypeObject *)tw_newref(type);
    SUP(op)->obj = tw_xnewref(obj);
    SUP(op)->obj_type = (TwTypeObject *)tw_xnewref((TwObject *)obj_type);
    tw_gc_track(op);
    return op;
}

static TwObject *super_tp_new(TwTypeObject *t, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("super", kwnames) < 0)
        return NULL;
    if (nargs == 0) {
        TwObject *type = NULL, *obj = NULL;
        if (!tw_super_frame_args)
            return tw_err_format(TwExc_RuntimeError, "super(): no arguments");
        if (tw_super_frame_args(&type, &obj) < 0)
            return NULL;
        return tw_super_new(type, obj);
    }
    if (nargs > 2)
        return tw_err_format(TwExc_TypeError, "super() takes at most 2 arguments (%zu given)", nargs);
    return tw_super_new(args[0], nargs == 2 ? args[1] : NULL);
}

/* Search the MRO of obj's type from just after `type`. */
static TwObject *super_getattro(TwObject *self, TwObject *name)
{
    TwSuperObject *su = SUP(self);
    TwTypeObject *start = su->obj_type;
    if (start && TW_STR_CHECK(name) && !tw_str_eq_cstr(name, "__class__")) {
        TwObject *mro = start->tp_mro;
        TwSsize n = mro ? TW_TUPLE_SIZE(mro) : 0, i = 0;
        while (i < n && TW_TUPLE_GET(mro, i) != (TwObject *)su->type)
            i++;
        for (i++; i < n; i++) {
            TwTypeObject *t = (TwTypeObject *)TW_TUPLE_GET(mro, i);
            TwObject *res = NULL;
            int found = t->tp_dict ? tw_dict_get_ref(t->tp_dict, name, &res) : 0;
            if (found < 0)
                tw_err_clear();      /* a str key: hashing cannot fail */
            if (found <= 0)
                continue;
            TwDescrGetFn f = TW_TYPE(res)->tp_descr_get;
            if (!f)
                return res;
            TwObject *r = f(res, su->obj == (TwObject *)start ? NULL : su->obj, (TwObject *)start);
            tw_decref(res);
            return r;
        }
    }
    return tw_object_generic_getattr(self, name);
}

static TwObject *super_repr(TwObject *self)
{
    TwSuperObject *su = SUP(self);
    TwObject *tr = tw_type_repr_obj(su->type);
    if (!tr)
        return NULL;
    TwObject *r;
    if (su->obj_type)
        r = tw_str_from_format("<super: %S, <%s object>>", tr, tw_type_name(su->obj_type));
    else
        r = tw_str_from_format("<super: %S, NULL>", tr);
    tw_decref(tr);
    return r;
}

static TwObject *super_descr_get(TwObject *self, TwObject *obj, TwObject *type)
{
    TwSuperObject *su = SUP(self);
    if (!obj || obj == Tw_None || su->obj)
        return tw_newref(self);
    return tw_super_new((TwObject *)su->type, obj);
}

static int super_traverse(TwObject *self, TwVisitFn visit, void *arg)
{
    TwObject *refs[] = {(TwObject *)SUP(self)->type, SUP(self)->obj, (TwObject *)SUP(self)->obj_type};
    return visit_all(refs, 3, visit, arg);
}

static int super_clear(TwObject *self)
{
    TW_CLEAR(SUP(self)->type);
    TW_CLEAR(SUP(self)->obj);
    TW_CLEAR(SUP(self)->obj_type);
    return 0;
}

static void super_dealloc(TwObject *self)
{
    if (tw_gc_is_tracked(self))
        tw_gc_untrack(self);
    super_clear(self);
    tw_type_free_instance(self, 0);
}

static TwObject *super_get_thisclass(TwObject *self) { return tw_newref((TwObject *)SUP(self)->type); }
static TwObject *super_get_self(TwObject *self) { return tw_newref(SUP(self)->obj ? SUP(self)->obj : Tw_None); }
static TwObject *super_get_self_class(TwObject *self)
{
    return tw_newref(SUP(self)->obj_type ? (TwObject *)SUP(self)->obj_type : Tw_None);
}

static const TwGetSetDef super_getset[] = {
    {"__thisclass__", super_get_thisclass, NULL},
    {"__self__", super_get_self, NULL},
    {"__self_class__", super_get_self_class, NULL},
    {NULL, NULL, NULL},
};

TwTypeObject TwSuper_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "super",
    .tp_basicsize = sizeof(TwSuperObject),
    .tp_flags = TW_TPFLAGS_HAVE_GC | TW_TPFLAGS_BASETYPE,
    .tp_dealloc = super_dealloc,
    .tp_repr = super_repr,
    .tp_getattro = super_getattro,
    .tp_descr_get = super_descr_get,
    .tp_new = super_tp_new,
    .tp_traverse = super_traverse,
    .tp_clear = super_clear,
    .tp_getset = super_getset,
};
