/*
 * function.c — Python functions: a code object plus the environment it
 * runs in (globals, defaults, closure cells).
 *
 * Calling one goes through tw_function_call (eval.c), which binds the
 * arguments into a new frame.  As a class attribute a function is a
 * non-data descriptor: looked up on an instance it becomes a bound method.
 * Functions reach their globals, which usually reach them back, so they
 * are GC-tracked.
 */
#include <stddef.h>
#include <string.h>

#include "twinpy/vm.h"

TwObject *tw_function_new(TwObject *code, TwObject *globals, TwObject *qualname)
{
    TwCodeObject *co = (TwCodeObject *)code;
    TwFunctionObject *fn = (TwFunctionObject *)tw_gc_alloc(&TwFunction_Type,
                                                           sizeof(TwFunctionObject));
    if (fn == NULL)
        return tw_err_no_memory();
    fn->code = tw_newref(code);
    fn->globals = tw_newref(globals);
    fn->builtins = tw_newref(tw_builtins_dict());
    fn->name = tw_newref(co->name);
    fn->qualname = tw_newref(qualname ? qualname : co->qualname);
    fn->defaults = NULL;
    fn->kwdefaults = NULL;
    fn->closure = NULL;
    fn->doc = tw_newref(Tw_None);
    fn->dict = NULL;
    TwObject *mod = NULL;
    if (tw_dict_get_ref_str(globals, "__name__", &mod) < 0)
        tw_err_clear();
    fn->module = mod;
    tw_gc_track((TwObject *)fn);
    /* A module-level function (or a method of a module-level class) is
     * made once and may be called from every thread: let the runtime count
     * its references per thread.  Nested functions are made per call and
     * are usually private to one thread. */
    if (!(co->flags & TW_CO_NESTED) && !strstr(TW_STR_DATA(co->qualname), "<locals>")) {
        tw_object_set_deferred_rc((TwObject *)fn);
        /* ...and so are its number constants (`x * 0.5` in every thread) */
        for (TwSsize i = 0; co->consts && i < TW_TUPLE_SIZE(co->consts); i++) {
            TwObject *c = TW_TUPLE_GET(co->consts, i);
            if (TW_TYPE(c) == &TwInt_Type || TW_TYPE(c) == &TwFloat_Type)
                tw_object_set_deferred_rc(c);
        }
    }
    return (TwObject *)fn;
}

static int function_traverse(TwObject *op, TwVisitFn visit, void *arg)
{
    TwFunctionObject *fn = (TwFunctionObject *)op;
    TwObject *fields[] = {fn->code, fn->globals, fn->builtins, fn->name, fn->qualname,
                          fn->defaults, fn->kwdefaults, fn->closure, fn->doc,
                          fn->module, fn->dict};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (fields[i]) {
            int r = visit(fields[i], arg);
            if (r)
                return r;
        }
    }
    return 0;
}

static int function_clear(TwObject *op)
{
    TwFunctionObject *fn = (TwFunctionObject *)op;
    TW_CLEAR(fn->globals);
    TW_CLEAR(fn->builtins);
    TW_CLEAR(fn->defaults);
    TW_CLEAR(fn->kwdefaults);
    TW_CLEAR(fn->closure);
    TW_CLEAR(fn->doc);
    TW_CLEAR(fn->module);
    TW_CLEAR(fn->dict);
    return 0;
}

static void function_dealloc(TwObject *op)
{
    TwFunctionObject *fn = (TwFunctionObject *)op;
    if (tw_gc_is_tracked(op))
        tw_gc_untrack(op);
    function_clear(op);
    TW_CLEAR(fn->code);
    TW_CLEAR(fn->name);
    TW_CLEAR(fn->qualname);
    tw_gc_free(op, sizeof(TwFunctionObject));
}

static TwObject *function_repr(TwObject *op)
{
    TwFunctionObject *fn = (TwFunctionObject *)op;
    return tw_str_from_format("<function %s at %p>", TW_STR_DATA(fn->qualname), (void *)op);
}

/* f.__get__(obj, type): a bound method when looked up through an instance. */
static TwObject *function_descr_get(TwObject *func, TwObject *obj, TwObject *type)
{
    if (obj == NULL || obj == Tw_None)
        return tw_newref(func);
    return tw_method_new(func, obj);
}

/* The fields Python code can assign are read and written by the fields'
 * protocol (object.h: tw_field_get_ref, tw_field_set): another thread may
 * reassign them while this one reads. */
static TwObject *fn_get_name(TwObject *op) { return tw_field_get_ref(&((TwFunctionObject *)op)->name); }
static TwObject *fn_get_qualname(TwObject *op) { return tw_field_get_ref(&((TwFunctionObject *)op)->qualname); }
static TwObject *fn_get_doc(TwObject *op) { return tw_field_get_ref(&((TwFunctionObject *)op)->doc); }
static TwObject *fn_get_code(TwObject *op) { return tw_newref(((TwFunctionObject *)op)->code); }
static TwObject *fn_get_globals(TwObject *op) { return tw_newref(((TwFunctionObject *)op)->globals); }

static TwObject *fn_get_optional(TwObject *v) { return tw_newref(v ? v : Tw_None); }
static TwObject *fn_get_field(TwObject **slot)
{
    TwObject *v = tw_field_get_ref(slot);
    return v ? v : tw_newref(Tw_None);
}
static TwObject *fn_get_defaults(TwObject *op) { return fn_get_field(&((TwFunctionObject *)op)->defaults); }
static TwObject *fn_get_kwdefaults(TwObject *op) { return fn_get_field(&((TwFunctionObject *)op)->kwdefaults); }
static TwObject *fn_get_closure(TwObject *op) { return fn_get_optional(((TwFunctionObject *)op)->closure); }
static TwObject *fn_get_module(TwObject *op) { return fn_get_field(&((TwFunctionObject *)op)->module); }

static int fn_set_str(TwObject *owner, TwObject **slot, TwObject *v, const char *what)
{
    if (v == NULL || !TW_STR_CHECK(v)) {
        tw_err_format(TwExc_TypeError, "%s must be set to a string object", what);
        return -1;
    }
    tw_field_set(owner, slot, tw_newref(v));
    return 0;
}
static int fn_set_name(TwObject *op, TwObject *v)
{
    return fn_set_str(op, &((TwFunctionObject *)op)->name, v, "__name__");
}
static int fn_set_qualname(TwObject *op, TwObject *v)
{
    return fn_set_str(op, &((TwFunctionObject *)op)->qualname, v, "__qualname__");
}
static int fn_set_doc(TwObject *op, TwObject *v)
{
    tw_field_set(op, &((TwFunctionObject *)op)->doc, tw_newref(v ? v : Tw_None));
    return 0;
}
static int fn_set_module(TwObject *op, TwObject *v)
{
    tw_field_set(op, &((TwFunctionObject *)op)->module, tw_xnewref(v));
    return 0;
}
static int fn_set_defaults(TwObject *op, TwObject *v)
{
    if (v == Tw_None)
        v = NULL;
    if (v != NULL && !TW_TUPLE_CHECK(v)) {
        tw_err_set_string(TwExc_TypeError, "__defaults__ must be set to a tuple object");
        return -1;
    }
    tw_field_set(op, &((TwFunctionObject *)op)->defaults, tw_xnewref(v));
    return 0;
}
static int fn_set_kwdefaults(TwObject *op, TwObject *v)
{
    if (v == Tw_None)
        v = NULL;
    if (v != NULL && !TW_DICT_CHECK(v)) {
        tw_err_set_string(TwExc_TypeError, "__kwdefaults__ must be set to a dict object");
        return -1;
    }
    tw_field_set(op, &((TwFunctionObject *)op)->kwdefaults, tw_xnewref(v));
    return 0;
}

static const TwGetSetDef function_getset[] = {
    {"__name__", fn_get_name, fn_set_name},
    {"__qualname__", fn_get_qualname, fn_set_qualname},
    {"__doc__", fn_get_doc, fn_set_doc},
    {"__code__", fn_get_code, NULL},
    {"__globals__", fn_get_globals, NULL},
    {"__defaults__", fn_get_defaults, fn_set_defaults},
    {"__kwdefaults__", fn_get_kwdefaults, fn_set_kwdefaults},
    {"__closure__", fn_get_closure, NULL},
    {"__module__", fn_get_module, fn_set_module},
    {"__dict__", tw_object_generic_get_dict, tw_object_generic_set_dict},
    {NULL, NULL, NULL},
};

TwTypeObject TwFunction_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "function",
    .tp_basicsize = sizeof(TwFunctionObject),
    .tp_flags = TW_TPFLAGS_HAVE_GC | TW_TPFLAGS_METHOD_DESCRIPTOR,
    .tp_dealloc = function_dealloc,
    .tp_repr = function_repr,
    .tp_hash = tw_object_hash_identity,
    .tp_getattro = tw_object_generic_getattr,
    .tp_setattro = tw_object_generic_setattr,
    .tp_call = tw_function_call,
    .tp_descr_get = function_descr_get,
    .tp_traverse = function_traverse,
    .tp_clear = function_clear,
    .tp_dictoffset = offsetof(TwFunctionObject, dict),
    .tp_getset = function_getset,
};
