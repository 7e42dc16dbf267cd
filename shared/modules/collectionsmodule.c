/*
 * collectionsmodule.c — the collections module.  Of CPython's collections
 * only deque is here (shared/objects/deque.c); importing another name
 * raises ImportError.
 */
#include "modules/stdmodules.h"
#include "twinpy/types.h"

TwObject *tw_collections_module_init(void)
{
    if (tw_deque_types_ready() < 0)
        return NULL;
    TwObject *m = tw_module_new("collections");
    if (m == NULL)
        return NULL;
    if (tw_module_add_object(m, "deque", (TwObject *)&TwDeque_Type) < 0) {
        TW_DECREF(m);
        return NULL;
    }
    return m;
}
