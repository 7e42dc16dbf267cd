/*
 * code.c — code objects, the opcode name table and stack effects.
 *
 * A code object is immutable once built by the compiler, except for its
 * LOAD_GLOBAL cache (see eval.c).  Its constants are ints, floats, strs,
 * None, tuples of those and nested code objects, none of which can reach
 * back to the code object, so code objects are not GC-tracked.
 */
#include <string.h>

#include "twinpy/vm.h"
#include "vm/opcodes.h"

const char *const tw_opcode_names[TW_OP__COUNT] = {
#define TW_OPCODE_NAME(name, kind) #name,
    TW_OPCODES(TW_OPCODE_NAME)
#undef TW_OPCODE_NAME
};

const unsigned char tw_opcode_argkind[TW_OP__COUNT] = {
#define TW_OPCODE_KIND(name, kind) [TW_OP_##name] = TW_ARG_##kind,
    TW_OPCODES(TW_OPCODE_KIND)
#undef TW_OPCODE_KIND
};

/*
 * The stack effect of every opcode, used by the compiler to size each
 * frame's value stack by walking every path through the code.  For
 * SETUP_FINALLY and SETUP_WITH the "jump" effect is the depth at which the
 * handler starts relative to the instruction: the handler sees the stack
 * cut back to the block's level plus the saved exception and the new one.
 */
int tw_opcode_stack_effect(int op, int arg, int jump)
{
    switch (op) {
    case TW_OP_NOP: return 0;
    case TW_OP_POP_TOP: return -1;
    case TW_OP_ROT_TWO: case TW_OP_ROT_THREE: case TW_OP_ROT_FOUR: return 0;
    case TW_OP_DUP_TOP: return 1;
    case TW_OP_DUP_TOP_TWO: return 2;
    case TW_OP_PUSH_NULL: return 1;
    case TW_OP_LOAD_CONST: case TW_OP_LOAD_FAST: case TW_OP_LOAD_FAST_FUSED:
    case TW_OP_LOAD_FAST_ITEM:
    case TW_OP_LOAD_CONST_RIGHT: case TW_OP_LOAD_FAST_RIGHT: case TW_OP_LOAD_FAST_IS:
    case TW_OP_LOAD_CONST_IS: case TW_OP_LOAD_FAST_IS_GLOBAL: case TW_OP_LOAD_DEREF:
    case TW_OP_LOAD_CLOSURE: case TW_OP_LOAD_CLASSDEREF:
    case TW_OP_LOAD_GLOBAL: case TW_OP_LOAD_GLOBAL_CALLEE: case TW_OP_LOAD_NAME:
        return 1;
    case TW_OP_STORE_FAST: case TW_OP_STORE_DEREF: case TW_OP_STORE_GLOBAL:
    case TW_OP_STORE_NAME:
        return -1;
    case TW_OP_DELETE_FAST: case TW_OP_DELETE_DEREF: case TW_OP_DELETE_GLOBAL:
    case TW_OP_DELETE_NAME:
        return 0;
    case TW_OP_LOAD_ATTR: return 0;
    case TW_OP_STORE_ATTR: return -2;
    case TW_OP_DELETE_ATTR: return -1;
    case TW_OP_LOAD_METHOD: return 1;
    case TW_OP_CALL_METHOD: return -arg - 1;
    case TW_OP_CALL_METHOD_KW: return -arg - 2;
    case TW_OP_CALL_FUNCTION: return -arg;
    case TW_OP_CALL_FUNCTION_KW: return -arg - 1;
    case TW_OP_CALL_FUNCTION_EX: return (arg & 1) ? -2 : -1;
    case TW_OP_SUPER_ZERO: return 0;
    case TW_OP_BINARY_SUBSCR: return -1;
    case TW_OP_STORE_SUBSCR: return -3;
    case TW_OP_DELETE_SUBSCR: return -2;
    case TW_OP_BUILD_SLICE: return 1 - arg;
    case TW_OP_BINARY_OP: case TW_OP_INPLACE_OP: return -1;
    case TW_OP_UNARY_NEGATIVE: case TW_OP_UNARY_POSITIVE: case TW_OP_UNARY_NOT:
    case TW_OP_UNARY_INVERT:
        return 0;
    case TW_OP_COMPARE_OP: case TW_OP_IS_OP: case TW_OP_CONTAINS_OP: return -1;
    case TW_OP_JUMP_FORWARD: case TW_OP_JUMP_BACKWARD: return 0;
    case TW_OP_POP_JUMP_IF_FALSE: case TW_OP_POP_JUMP_IF_TRUE: return -1;
    case TW_OP_JUMP_IF_FALSE_OR_POP: case TW_OP_JUMP_IF_TRUE_OR_POP: return jump ? 0 : -1;
    case TW_OP_GET_ITER: return 0;
    case TW_OP_FOR_ITER: return jump ? -1 : 1;
    case TW_OP_RETURN_VALUE: return -1;
    case TW_OP_YIELD_VALUE: return 0;
    case TW_OP_GET_YIELD_FROM_ITER: return 0;
    case TW_OP_YIELD_FROM: return -1;
    case TW_OP_BUILD_TUPLE: case TW_OP_BUILD_LIST: case TW_OP_BUILD_SET:
    case TW_OP_BUILD_STRING:
        return 1 - arg;
    case TW_OP_BUILD_MAP: return 1 - 2 * arg;
    case TW_OP_LIST_APPEND: case TW_OP_SET_ADD: return -1;
    case TW_OP_MAP_ADD: return -2;
    case TW_OP_LIST_EXTEND: case TW_OP_SET_UPDATE: case TW_OP_DICT_UPDATE:
    case TW_OP_DICT_MERGE:
        return -1;
    case TW_OP_LIST_TO_TUPLE: return 0;
    case TW_OP_UNPACK_SEQUENCE: return arg - 1;
    case TW_OP_UNPACK_EX: return (arg & 0xff) + (arg >> 8);
    case TW_OP_FORMAT_VALUE: return (arg & TW_FVS_HAVE_SPEC) ? -1 : 0;
    case TW_OP_MAKE_FUNCTION:
        return -1 - ((arg & TW_MF_DEFAULTS) != 0) - ((arg & TW_MF_KWDEFAULTS) != 0)
               - ((arg & TW_MF_CLOSURE) != 0);
    case TW_OP_BUILD_CLASS: return -1 - arg;
    case TW_OP_SETUP_FINALLY: return jump ? 2 : 0;
    case TW_OP_SETUP_WITH: return jump ? 3 : 2;   /* [mgr] -> [exit mgr v]; handler: [exit mgr prev exc] */
    case TW_OP_POP_BLOCK: return 0;
    case TW_OP_POP_EXCEPT: return -1;
    case TW_OP_RERAISE: return -1;
    case TW_OP_WITH_EXCEPT_START: return 1;
    case TW_OP_WITH_EXIT: return -2;
    case TW_OP_JUMP_IF_NOT_EXC_MATCH: return -2;
    case TW_OP_RAISE_VARARGS: return -arg;
    case TW_OP_LOAD_ASSERTION_ERROR: return 1;
    case TW_OP_IMPORT_NAME: return 1;
    case TW_OP_IMPORT_FROM: return 1;
    case TW_OP_IMPORT_STAR: return -1;
    default: return 0;
    }
}

static void code_dealloc(TwObject *op)
{
    TwCodeObject *co = (TwCodeObject *)op;
    tw_mem_free(co->code, (size_t)co->ncode * sizeof(uint32_t));
    tw_mem_free(co->positions, (size_t)co->ncode * sizeof(TwCodePosition));
    if (co->cell2arg)
        tw_mem_free(co->cell2arg, (size_t)co->ncells * sizeof(int));
    if (co->global_cache)
        tw_mem_free(co->global_cache,
                    (size_t)TW_TUPLE_SIZE(co->names) * sizeof(TwGlobalCache));
    TW_XDECREF(co->consts);
    TW_XDECREF(co->names);
    TW_XDECREF(co->varnames);
    TW_XDECREF(co->cellvars);
    TW_XDECREF(co->freevars);
    TW_XDECREF(co->name);
    TW_XDECREF(co->qualname);
    TW_XDECREF(co->filename);
    tw_object_free(op, sizeof(TwCodeObject));
}

static TwObject *code_repr(TwObject *op)
{
    TwCodeObject *co = (TwCodeObject *)op;
    return tw_str_from_format("<code object %s at %p, file \"%s\", line %d>",
                              TW_STR_DATA(co->name), (void *)co,
                              TW_STR_DATA(co->filename), co->firstlineno);
}

static TwObject *code_get_name(TwObject *op) { return tw_newref(((TwCodeObject *)op)->name); }
static TwObject *code_get_qualname(TwObject *op) { return tw_newref(((TwCodeObject *)op)->qualname); }
static TwObject *code_get_filename(TwObject *op) { return tw_newref(((TwCodeObject *)op)->filename); }
static TwObject *code_get_consts(TwObject *op) { return tw_newref(((TwCodeObject *)op)->consts); }
static TwObject *code_get_names(TwObject *op) { return tw_newref(((TwCodeObject *)op)->names); }
static TwObject *code_get_varnames(TwObject *op) { return tw_newref(((TwCodeObject *)op)->varnames); }
static TwObject *code_get_freevars(TwObject *op) { return tw_newref(((TwCodeObject *)op)->freevars); }
static TwObject *code_get_cellvars(TwObject *op) { return tw_newref(((TwCodeObject *)op)->cellvars); }
static TwObject *code_get_argcount(TwObject *op) { return tw_int_from_i64(((TwCodeObject *)op)->argcount); }
static TwObject *code_get_kwonlyargcount(TwObject *op) { return tw_int_from_i64(((TwCodeObject *)op)->kwonlyargcount); }
static TwObject *code_get_nlocals(TwObject *op) { return tw_int_from_i64(((TwCodeObject *)op)->nlocals); }
static TwObject *code_get_flags(TwObject *op) { return tw_int_from_i64(((TwCodeObject *)op)->flags); }
static TwObject *code_get_firstlineno(TwObject *op) { return tw_int_from_i64(((TwCodeObject *)op)->firstlineno); }

static const TwGetSetDef code_getset[] = {
    {"co_name", code_get_name, NULL},
    {"co_qualname", code_get_qualname, NULL},
    {"co_filename", code_get_filename, NULL},
    {"co_consts", code_get_consts, NULL},
    {"co_names", code_get_names, NULL},
    {"co_varnames", code_get_varnames, NULL},
    {"co_freevars", code_get_freevars, NULL},
    {"co_cellvars", code_get_cellvars, NULL},
    {"co_argcount", code_get_argcount, NULL},
    {"co_kwonlyargcount", code_get_kwonlyargcount, NULL},
    {"co_nlocals", code_get_nlocals, NULL},
    {"co_flags", code_get_flags, NULL},
    {"co_firstlineno", code_get_firstlineno, NULL},
    {NULL, NULL, NULL},
};

TwTypeObject TwCode_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "code",
    .tp_basicsize = sizeof(TwCodeObject),
    .tp_dealloc = code_dealloc,
    .tp_repr = code_repr,
    .tp_hash = tw_object_hash_identity,
    .tp_getattro = tw_object_generic_getattr,
    .tp_getset = code_getset,
};
