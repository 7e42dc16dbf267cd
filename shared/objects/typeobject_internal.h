/*
 * typeobject_internal.h — what typeobject.c, descr.c, exceptions.c and
 * abstract.c share and nobody else needs: the table of special-method slots
 * (one row per dunder), the descriptor constructors tw_type_ready uses to
 * fill a static type's dict, and a few helpers.
 */
#ifndef TWINPY_TYPEOBJECT_INTERNAL_H
#define TWINPY_TYPEOBJECT_INTERNAL_H

#include "twinpy/types.h"

/* How a slot wrapper (`int.__add__`) calls the C slot it wraps. */
typedef enum {
    TW_WRAP_UNARY,        /* TwUnaryFn: __repr__ __neg__ __iter__ ...        */
    TW_WRAP_BINARY,       /* TwBinaryFn (self, other)                        */
    TW_WRAP_BINARY_R,     /* TwBinaryFn (other, self): __radd__ ...          */
    TW_WRAP_RICHCMP,      /* TwRichCmpFn with the row's op                   */
    TW_WRAP_HASH,
    TW_WRAP_LEN,
    TW_WRAP_BOOL,
    TW_WRAP_OBJOBJ,       /* __contains__                                    */
    TW_WRAP_SETITEM,
    TW_WRAP_DELITEM,
    TW_WRAP_CALL,
    TW_WRAP_INIT,
    TW_WRAP_NEXT,
    TW_WRAP_GETATTR,
    TW_WRAP_SETATTR,
    TW_WRAP_DELATTR,
    TW_WRAP_DESCR_GET,
    TW_WRAP_DESCR_SET,
    TW_WRAP_DESCR_DELETE,
    TW_WRAP_FINALIZE,     /* TwDeallocFn: __del__ (only classes have one)    */
} TwWrapKind;

typedef struct {
    const char *name;     /* "__add__"                                       */
    size_t offset;        /* of the slot in TwTypeObject                     */
    TwWrapKind kind;
    int op;               /* rich-compare op or TwBinOp                      */
    void *dispatch;       /* heap-type slot function that calls the dunder   */
} TwSlotDef;

/* The slot table (typeobject.c), terminated by a row with name NULL. */
extern const TwSlotDef tw_slotdefs[];

/* descr.c */
TwObject *tw_methoddescr_new(TwTypeObject *tp, const TwMethodDef *def);
TwObject *tw_classmethoddescr_new(TwTypeObject *tp, const TwMethodDef *def);
TwObject *tw_getsetdescr_new(TwTypeObject *tp, const TwGetSetDef *def);
TwObject *tw_slotwrapper_new(TwTypeObject *tp, const TwSlotDef *def, void *fn);
/* The C slot a wrapper wraps and its row, or NULL if descr is no wrapper. */
void *tw_slotwrapper_fn(TwObject *descr, const TwSlotDef **def);
/* `__new__` of a static type: a builtin bound to the type. */
TwObject *tw_new_wrapper_new(TwTypeObject *tp);

/* exceptions.c: patch the exception types' special slots; called by
 * tw_objects_init before readying them. */
void tw_exceptions_prepare(void);
/* exceptions.c: make the MemoryError tw_err_no_memory raises. */
int tw_exceptions_preallocate(void);

/* typeobject.c */
TwObject *tw_object_new_plain(TwTypeObject *tp);  /* object.__new__(tp), no arg checks */
TwObject *tw_type_call_static_new(TwTypeObject *sb, TwTypeObject *type, TwObject *const *args, size_t nargs,
                                  TwObject *kwnames);
TwObject *tw_type_repr_obj(TwTypeObject *tp);     /* "<class '...'>" */
/* Interned str for a C identifier (immortal; never NULL after start-up). */
TwObject *tw_id(const char *s);
/* The same, looked up once per call site (interned strings never move);
 * threads racing on the first lookup store the same pointer. */
#define ID(s) ({ static TwObject *_tw_id;                                  \
                 TwObject *_tw_v = __atomic_load_n(&_tw_id, __ATOMIC_ACQUIRE); \
                 if (!_tw_v) {                                             \
                     _tw_v = tw_id(s);                                     \
                     __atomic_store_n(&_tw_id, _tw_v, __ATOMIC_RELEASE);   \
                 }                                                         \
                 _tw_v; })
/* Call the special method `name` looked up on type(self) (not the
 * instance), binding self.  *found = 0 and NULL when absent. */
TwObject *tw_call_special(TwObject *self, TwObject *name, TwObject *const *args, size_t nargs, int *found);

#endif /* TWINPY_TYPEOBJECT_INTERNAL_H */
