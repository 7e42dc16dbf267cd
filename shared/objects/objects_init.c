/*
 * objects_init.c — start-up of the object model: ready every built-in
 * type (dicts of methods and slot wrappers, MROs), and the table of names
 * the builtins module publishes.
 */
#include "twinpy/types.h"
#include "typeobject_internal.h"
#include "objects/containers.h"
#include "twinpy/vm.h"

/* Order matters only in that `object` and `type` come first; everything
 * else readies its base on demand. */
static TwTypeObject *const builtin_types[] = {
    &TwBaseObject_Type, &TwType_Type,
    &TwStr_Type, &TwDict_Type, &TwTuple_Type,
    &TwInt_Type, &TwBool_Type, &TwFloat_Type,
    &TwList_Type, &TwSet_Type, &TwFrozenSet_Type,
    &TwRange_Type, &TwSlice_Type, &TwSeqIter_Type,
    &TwNone_Type, &TwNotImplemented_Type, &TwEllipsis_Type,
    &TwCFunction_Type, &TwMethodDescr_Type, &TwClassMethodDescr_Type,
    &TwGetSetDescr_Type, &TwSlotWrapper_Type, &TwMethodWrapper_Type,
    &TwMethod_Type, &TwProperty_Type, &TwClassMethod_Type,
    &TwStaticMethod_Type, &TwSuper_Type, &TwModule_Type,
    /* ready now rather than on first use: readying is not safe against
     * another thread readying the same type at the same time */
    &TwListIter_Type, &TwListRevIter_Type, &TwTupleIter_Type, &TwRangeIter_Type,
    &TwSetIter_Type, &TwStrIter_Type, &TwDictIterKey_Type, &TwDictIterValue_Type,
    &TwDictIterItem_Type, &TwDictRevIterKey_Type, &TwDictKeys_Type, &TwDictValues_Type,
    &TwDictItems_Type, &TwCell_Type, &TwCode_Type, &TwFunction_Type, &TwGen_Type,
};

static bool objects_ready;

int tw_objects_init(void)
{
    if (objects_ready)
        return 0;
    tw_exceptions_prepare();
    for (size_t i = 0; i < sizeof builtin_types / sizeof builtin_types[0]; i++)
        if (tw_type_ready(builtin_types[i]) < 0)
            return -1;
#define TW_X(name, base) \
    if (tw_type_ready((TwTypeObject *)TwExc_##name) < 0) \
        return -1;
    TW_EXCEPTION_TYPES(TW_X)
#undef TW_X
    if (tw_exceptions_preallocate() < 0)
        return -1;
    /* the singletons are static objects: make sure of their immortality */
    tw_set_immortal(Tw_None);
    tw_set_immortal(Tw_NotImplemented);
    tw_set_immortal(Tw_Ellipsis);
    objects_ready = true;
    return 0;
}

void tw_objects_fini(void)
{
}

int tw_objects_add_builtins(TwObject *dict)
{
    static const struct {
        const char *name;
        TwObject *obj;
    } names[] = {
        {"object", (TwObject *)&TwBaseObject_Type},
        {"type", (TwObject *)&TwType_Type},
        {"int", (TwObject *)&TwInt_Type},
        {"bool", (TwObject *)&TwBool_Type},
        {"float", (TwObject *)&TwFloat_Type},
        {"str", (TwObject *)&TwStr_Type},
        {"tuple", (TwObject *)&TwTuple_Type},
        {"list", (TwObject *)&TwList_Type},
        {"dict", (TwObject *)&TwDict_Type},
        {"set", (TwObject *)&TwSet_Type},
        {"frozenset", (TwObject *)&TwFrozenSet_Type},
        {"range", (TwObject *)&TwRange_Type},
        {"slice", (TwObject *)&TwSlice_Type},
        {"property", (TwObject *)&TwProperty_Type},
        {"classmethod", (TwObject *)&TwClassMethod_Type},
        {"staticmethod", (TwObject *)&TwStaticMethod_Type},
        {"super", (TwObject *)&TwSuper_Type},
        {"None", &TwNone_Object},
        {"NotImplemented", &TwNotImplemented_Object},
        {"Ellipsis", &TwEllipsis_Object},
        {"True", (TwObject *)&TwTrue_Object},
        {"False", (TwObject *)&TwFalse_Object},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (tw_dict_set_str(dict, names[i].name, names[i].obj) < 0)
            return -1;
#define TW_X(name, base) \
    if (tw_dict_set_str(dict, #name, TwExc_##name) < 0) \
        return -1;
    TW_EXCEPTION_TYPES(TW_X)
#undef TW_X
    if (tw_dict_set_str(dict, "EnvironmentError", TwExc_OSError) < 0 ||
        tw_dict_set_str(dict, "IOError", TwExc_OSError) < 0)
        return -1;
    return 0;
}
