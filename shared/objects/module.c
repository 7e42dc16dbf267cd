/*
 * module.c — module objects: a name and a dict.  Attribute access goes
 * through the dict (generic getattr with tp_dictoffset), so `math.pi` and
 * a module's globals are the same storage.
 */
#include <string.h>

#include "twinpy/types.h"
#include "typeobject_internal.h"

#define MOD(op) ((TwModuleObject *)(op))

static int module_fill(TwObject *m, TwObject *name)
{
    MOD(m)->dict = tw_dict_new();
    if (!MOD(m)->dict)
        return -1;
    MOD(m)->name = tw_newref(name);
    if (tw_dict_set(MOD(m)->dict, ID("__name__"), name) < 0 ||
        tw_dict_set(MOD(m)->dict, ID("__doc__"), Tw_None) < 0 ||
        tw_dict_set(MOD(m)->dict, ID("__package__"), Tw_None) < 0)
        return -1;
    return 0;
}

static TwObject *module_make(TwTypeObject *type, TwObject *name)
{
    TwObject *m = tw_type_alloc_instance(type, 0);
    if (!m)
        return NULL;
    if (module_fill(m, name) < 0) {
        tw_decref(m);
        return NULL;
    }
    tw_gc_track(m);
    /* Every thread reaches a module and its globals: count their
     * references per thread (nothing under the GIL). */
    tw_object_set_deferred_rc(m);
    tw_object_set_deferred_rc(MOD(m)->dict);
    return m;
}

TwObject *tw_module_new(const char *name)
{
    TwObject *n = tw_str_from_cstr(name);
    if (!n)
        return NULL;
    TwObject *m = module_make(&TwModule_Type, n);
    tw_decref(n);
    return m;
}

TwObject *tw_module_get_dict(TwObject *m)
{
    return MOD(m)->dict;
}

int tw_module_add_functions(TwObject *m, const TwMethodDef *defs)
{
    for (const TwMethodDef *d = defs; d && d->name; d++) {
        TwObject *f = tw_cfunction_new(d, m);
        if (!f)
            return -1;
        tw_object_set_deferred_rc(f);   /* `len`, `math.sqrt`: every thread's */
        int rc = tw_dict_set_str(MOD(m)->dict, d->name, f);
        tw_decref(f);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int tw_module_add_object(TwObject *m, const char *name, TwObject *value)
{
    return tw_dict_set(MOD(m)->dict, tw_id(name), value);
}

/* ModuleType(name, doc=None) */
static TwObject *module_tp_new(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("module", kwnames) < 0 || tw_arg_check_count("module", nargs, 1, 2) < 0)
        return NULL;
    if (!TW_STR_CHECK(args[0]))
        return tw_err_format(TwExc_TypeError, "module.__init__() argument 'name' must be str, not %s",
                             tw_type_name(TW_TYPE(args[0])));
    TwObject *m = module_make(type, args[0]);
    if (m && nargs == 2 && tw_dict_set(MOD(m)->dict, ID("__doc__"), args[1]) < 0) {
        tw_decref(m);
        return NULL;
    }
    return m;
}

static int module_tp_init(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return 0;
}

static TwObject *module_getattro(TwObject *m, TwObject *name)
{
    TwObject *r = tw_object_generic_getattr(m, name);
    if (r || !tw_err_matches(TwExc_AttributeError))
        return r;
    tw_err_clear();
    TwObject *mname = NULL;
    if (MOD(m)->dict && tw_dict_get_ref(MOD(m)->dict, ID("__name__"), &mname) < 0)
        tw_err_clear();
    if (mname && TW_STR_CHECK(mname))
        tw_err_format(TwExc_AttributeError, "module '%S' has no attribute '%S'", mname, name);
    else
        tw_err_format(TwExc_AttributeError, "module has no attribute '%S'", name);
    tw_xdecref(mname);
    return NULL;
}

/* <module 'math' (built-in)> or <module 'foo' from '/path/foo.py'> */
static TwObject *module_repr(TwObject *m)
{
    TwObject *d = MOD(m)->dict;
    TwObject *name = NULL, *file = NULL;
    if (d && (tw_dict_get_ref(d, ID("__name__"), &name) < 0 || tw_dict_get_ref(d, ID("__file__"), &file) < 0))
        tw_err_clear();
    if (!name)
        name = tw_xnewref(MOD(m)->name);
    TwObject *r;
    if (file && TW_STR_CHECK(file))
        r = tw_str_from_format("<module %R from %R>", name ? name : Tw_None, file);
    else
        r = tw_str_from_format("<module %R (built-in)>", name ? name : Tw_None);
    tw_xdecref(name);
    tw_xdecref(file);
    return r;
}

static int module_traverse(TwObject *m, TwVisitFn visit, void *arg)
{
    if (MOD(m)->dict) {
        int r = visit(MOD(m)->dict, arg);
        if (r)
            return r;
    }
    return MOD(m)->name ? visit(MOD(m)->name, arg) : 0;
}

static int module_clear(TwObject *m)
{
    TW_CLEAR(MOD(m)->dict);
    return 0;
}

static void module_dealloc(TwObject *m)
{
    if (tw_gc_is_tracked(m))
        tw_gc_untrack(m);
    TW_CLEAR(MOD(m)->dict);
    TW_CLEAR(MOD(m)->name);
    tw_type_free_instance(m, 0);
}

static TwObject *module_get_dict(TwObject *m)
{
    if (!MOD(m)->dict && !(MOD(m)->dict = tw_dict_new()))
        return NULL;
    return tw_newref(MOD(m)->dict);
}

static const TwGetSetDef module_getset[] = {
    {"__dict__", module_get_dict, NULL},
    {NULL, NULL, NULL},
};

TwTypeObject TwModule_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "module",
    .tp_basicsize = sizeof(TwModuleObject),
    .tp_flags = TW_TPFLAGS_HAVE_GC | TW_TPFLAGS_BASETYPE,
    .tp_dealloc = module_dealloc,
    .tp_repr = module_repr,
    .tp_getattro = module_getattro,
    .tp_setattro = tw_object_generic_setattr,
    .tp_new = module_tp_new,
    .tp_init = module_tp_init,
    .tp_traverse = module_traverse,
    .tp_clear = module_clear,
    .tp_dictoffset = offsetof(TwModuleObject, dict),
    .tp_getset = module_getset,
};
