/*
 * singletons.c — None, NotImplemented and Ellipsis: static, immortal
 * objects of types that cannot be subclassed; calling their type returns
 * the one instance (type(None)() is None).
 */
#include "twinpy/types.h"

static TwObject *singleton_new(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (nargs > 0 || (kwnames && TW_TUPLE_SIZE(kwnames) > 0))
        return tw_err_format(TwExc_TypeError, "%s takes no arguments", tw_type_name(type));
    if (type == &TwNone_Type)
        return tw_newref(Tw_None);
    if (type == &TwNotImplemented_Type)
        return tw_newref(Tw_NotImplemented);
    return tw_newref(Tw_Ellipsis);
}

static int singleton_init(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return 0;
}

/* Never called: the objects are immortal. */
static void singleton_dealloc(TwObject *op)
{
    tw_set_immortal(op);
}

static TwObject *none_repr(TwObject *op) { return tw_str_from_cstr("None"); }
static TwObject *notimplemented_repr(TwObject *op) { return tw_str_from_cstr("NotImplemented"); }
static TwObject *ellipsis_repr(TwObject *op) { return tw_str_from_cstr("Ellipsis"); }
static int none_bool(TwObject *op) { return 0; }

TwTypeObject TwNone_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "NoneType",
    .tp_basicsize = sizeof(TwObject),
    .tp_dealloc = singleton_dealloc,
    .tp_repr = none_repr,
    .tp_hash = tw_object_hash_identity,
    .tp_new = singleton_new,
    .tp_init = singleton_init,
    .nb_bool = none_bool,
};

TwTypeObject TwNotImplemented_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "NotImplementedType",
    .tp_basicsize = sizeof(TwObject),
    .tp_dealloc = singleton_dealloc,
    .tp_repr = notimplemented_repr,
    .tp_hash = tw_object_hash_identity,
    .tp_new = singleton_new,
    .tp_init = singleton_init,
};

TwTypeObject TwEllipsis_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "ellipsis",
    .tp_basicsize = sizeof(TwObject),
    .tp_dealloc = singleton_dealloc,
    .tp_repr = ellipsis_repr,
    .tp_hash = tw_object_hash_identity,
    .tp_new = singleton_new,
    .tp_init = singleton_init,
};

TwObject TwNone_Object = TW_OBJECT_HEAD_INIT(&TwNone_Type);
TwObject TwNotImplemented_Object = TW_OBJECT_HEAD_INIT(&TwNotImplemented_Type);
TwObject TwEllipsis_Object = TW_OBJECT_HEAD_INIT(&TwEllipsis_Type);
