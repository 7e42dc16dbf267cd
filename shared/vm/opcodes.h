/*
 * opcodes.h — every opcode of twinpy's bytecode, listed once.
 *
 *   X(NAME, ARGKIND)
 *
 * The compiler, the interpreter loop (one label per entry) and the
 * disassembler all expand this table, so adding an opcode is one line here
 * plus its implementation in eval.c and its stack effect in code.c.
 *
 * ARGKIND says what the 24-bit argument means, for the disassembler:
 *   NONE   no argument                 INT    a count or flag word
 *   JUMP   absolute instruction index  CONST  index into co_consts
 *   NAME   index into co_names         LOCAL  index into co_varnames
 *   DEREF  index into cells + frees    CMP    a TW_LT..TW_GE comparison
 *   BINOP  a TwBinOp
 *
 * Stack notation in the comments: [before] -> [after], top on the right.
 */
#ifndef TWINPY_OPCODES_H
#define TWINPY_OPCODES_H

#define TW_OPCODES(X)                                                          \
    X(NOP, NONE)                                                               \
    X(POP_TOP, NONE)             /* [a] -> []                               */ \
    X(ROT_TWO, NONE)             /* [a b] -> [b a]                          */ \
    X(ROT_THREE, NONE)           /* [a b c] -> [c a b]                      */ \
    X(ROT_FOUR, NONE)            /* [a b c d] -> [d a b c]                  */ \
    X(DUP_TOP, NONE)             /* [a] -> [a a]                            */ \
    X(DUP_TOP_TWO, NONE)         /* [a b] -> [a b a b]                      */ \
    X(PUSH_NULL, NONE)           /* [] -> [NULL]                            */ \
    X(LOAD_CONST, CONST)                                                       \
    X(LOAD_FAST, LOCAL)                                                        \
    X(LOAD_FAST_FUSED, LOCAL)    /* LOAD_FAST; may do the next two (eval.c) */ \
    X(LOAD_FAST_ITEM, LOCAL)     /* LOAD_FAST_FUSED x, k, x[k] an operand   */ \
    X(LOAD_CONST_RIGHT, CONST)   /* LOAD_CONST; may do the next (eval.c)    */ \
    X(LOAD_FAST_RIGHT, LOCAL)    /* LOAD_FAST; may do the next (eval.c)     */ \
    X(LOAD_FAST_IS, LOCAL)       /* LOAD_FAST; does the next two: a load, IS_OP */ \
    X(LOAD_CONST_IS, CONST)      /* LOAD_CONST; does the next: IS_OP        */ \
    X(LOAD_FAST_IS_GLOBAL, LOCAL) /* LOAD_FAST; may do LOAD_GLOBAL, IS_OP   */ \
    X(STORE_FAST, LOCAL)                                                       \
    X(DELETE_FAST, LOCAL)                                                      \
    X(LOAD_DEREF, DEREF)                                                       \
    X(STORE_DEREF, DEREF)                                                      \
    X(DELETE_DEREF, DEREF)                                                     \
    X(LOAD_CLOSURE, DEREF)       /* push the cell itself                    */ \
    X(LOAD_CLASSDEREF, DEREF)    /* class body: locals dict, then the cell  */ \
    X(LOAD_GLOBAL, NAME)                                                       \
    X(STORE_GLOBAL, NAME)                                                      \
    X(DELETE_GLOBAL, NAME)                                                     \
    X(LOAD_NAME, NAME)           /* locals dict, globals, builtins          */ \
    X(STORE_NAME, NAME)                                                        \
    X(DELETE_NAME, NAME)                                                       \
    X(LOAD_ATTR, NAME)           /* [o] -> [o.name]                         */ \
    X(STORE_ATTR, NAME)          /* [v o] -> []                             */ \
    X(DELETE_ATTR, NAME)         /* [o] -> []                               */ \
    X(LOAD_METHOD, NAME)         /* [o] -> [meth o] or [NULL o.name]        */ \
    X(CALL_METHOD, INT)          /* [m s args*n] -> [r]                     */ \
    X(CALL_METHOD_KW, INT)       /* [m s args*n kwnames] -> [r]             */ \
    X(CALL_FUNCTION, INT)        /* [f args*n] -> [r]                       */ \
    X(CALL_FUNCTION_KW, INT)     /* [f args*n kwnames] -> [r]               */ \
    X(CALL_FUNCTION_EX, INT)     /* [f tuple (dict if arg&1)] -> [r]        */ \
    X(SUPER_ZERO, DEREF)         /* [super] -> [super(__class__, self)]     */ \
    X(BINARY_SUBSCR, NONE)       /* [o k] -> [o[k]]                         */ \
    X(STORE_SUBSCR, NONE)        /* [v o k] -> []                           */ \
    X(DELETE_SUBSCR, NONE)       /* [o k] -> []                             */ \
    X(BUILD_SLICE, INT)          /* [a b (c)] -> [slice]                    */ \
    X(BINARY_OP, BINOP)          /* [a b] -> [a op b]                       */ \
    X(INPLACE_OP, BINOP)         /* [a b] -> [a op= b]                      */ \
    X(UNARY_NEGATIVE, NONE)                                                    \
    X(UNARY_POSITIVE, NONE)                                                    \
    X(UNARY_NOT, NONE)                                                         \
    X(UNARY_INVERT, NONE)                                                      \
    X(COMPARE_OP, CMP)           /* [a b] -> [a cmp b]                      */ \
    X(IS_OP, INT)                /* arg 1: is not                           */ \
    X(CONTAINS_OP, INT)          /* arg 1: not in                           */ \
    X(JUMP_FORWARD, JUMP)                                                      \
    X(JUMP_BACKWARD, JUMP)       /* checks the eval breaker                 */ \
    X(POP_JUMP_IF_FALSE, JUMP)                                                 \
    X(POP_JUMP_IF_TRUE, JUMP)                                                  \
    X(JUMP_IF_FALSE_OR_POP, JUMP)                                              \
    X(JUMP_IF_TRUE_OR_POP, JUMP)                                               \
    X(GET_ITER, NONE)                                                          \
    X(FOR_ITER, JUMP)            /* [it] -> [it v], or pop it and jump      */ \
    X(RETURN_VALUE, NONE)                                                      \
    X(YIELD_VALUE, NONE)         /* [v] -> [sent]                           */ \
    X(GET_YIELD_FROM_ITER, NONE)                                               \
    X(YIELD_FROM, NONE)          /* [it v] -> [result]                      */ \
    X(BUILD_TUPLE, INT)                                                        \
    X(BUILD_LIST, INT)                                                         \
    X(BUILD_SET, INT)                                                          \
    X(BUILD_MAP, INT)            /* [k1 v1 .. kn vn] -> [dict]              */ \
    X(BUILD_STRING, INT)         /* concatenate n str                       */ \
    X(LIST_APPEND, INT)          /* [list .. (arg-1 items) v]: list.append(v)*/ \
    X(SET_ADD, INT)                                                            \
    X(MAP_ADD, INT)              /* [.. k v]                                */ \
    X(LIST_EXTEND, INT)                                                        \
    X(SET_UPDATE, INT)                                                         \
    X(DICT_UPDATE, INT)                                                        \
    X(DICT_MERGE, INT)           /* as DICT_UPDATE; duplicate keys: TypeError */ \
    X(LIST_TO_TUPLE, NONE)                                                     \
    X(UNPACK_SEQUENCE, INT)      /* [seq] -> [vn .. v1]                     */ \
    X(UNPACK_EX, INT)            /* before | after << 8                     */ \
    X(FORMAT_VALUE, INT)         /* conversion | 4 if a spec is on the stack */ \
    X(MAKE_FUNCTION, INT)        /* 1 defaults, 2 kwdefaults, 8 closure     */ \
    X(BUILD_CLASS, INT)          /* [body name bases*n] -> [class]          */ \
    X(SETUP_FINALLY, JUMP)                                                     \
    X(SETUP_WITH, JUMP)          /* [mgr] -> [exit mgr enter()]             */ \
    X(POP_BLOCK, NONE)                                                         \
    X(POP_EXCEPT, NONE)          /* [prev] -> []: restore handled exception */ \
    X(RERAISE, NONE)             /* [exc] -> raise exc, traceback kept      */ \
    X(WITH_EXCEPT_START, NONE)   /* [exit mgr prev exc] -> [... exc r]      */ \
    X(WITH_EXIT, NONE)           /* [exit mgr] -> []: exit(None, None, None) */ \
    X(JUMP_IF_NOT_EXC_MATCH, JUMP) /* [exc type] -> []                      */ \
    X(RAISE_VARARGS, INT)                                                      \
    X(LOAD_ASSERTION_ERROR, NONE)                                              \
    X(IMPORT_NAME, NAME)         /* [] -> [module]                          */ \
    X(IMPORT_FROM, NAME)         /* [m] -> [m m.name]                       */ \
    X(IMPORT_STAR, NONE)         /* [m] -> []                               */ \
    X(LOAD_GLOBAL_CALLEE, NAME)  /* LOAD_GLOBAL of a callee: may borrow it  */

typedef enum {
#define TW_OPCODE_ENUM(name, kind) TW_OP_##name,
    TW_OPCODES(TW_OPCODE_ENUM)
#undef TW_OPCODE_ENUM
    TW_OP__COUNT
} TwOpcode;

/* What an opcode's argument means (the ARGKIND column). */
typedef enum {
    TW_ARG_NONE, TW_ARG_INT, TW_ARG_JUMP, TW_ARG_CONST, TW_ARG_NAME, TW_ARG_LOCAL,
    TW_ARG_DEREF, TW_ARG_CMP, TW_ARG_BINOP,
} TwOpArgKind;
extern const unsigned char tw_opcode_argkind[TW_OP__COUNT];

/* Instruction words. */
#define TW_INSTR(op, arg) ((uint32_t)(op) | ((uint32_t)(arg) << 8))
#define TW_INSTR_OP(w) ((w) & 0xffu)
#define TW_INSTR_ARG(w) ((w) >> 8)
#define TW_INSTR_ARG_MAX 0xffffff

/* BINARY_SUBSCR's argument: 0, or, after a LOAD_FAST_ITEM (a fused x[k]
 * whose item is an operand of the next operation: compile.c,
 * fuse_operand_loads), TW_SUBSCR_STORE_BACK where the result is then
 * stored back into the same x[k] (`x[k] OP= y`). */
#define TW_SUBSCR_STORE_BACK 2

/* FORMAT_VALUE argument. */
enum {
    TW_FVC_NONE = 0, TW_FVC_STR = 1, TW_FVC_REPR = 2, TW_FVC_ASCII = 3,
    TW_FVC_MASK = 3, TW_FVS_HAVE_SPEC = 4,
};

/* MAKE_FUNCTION argument. */
enum {
    TW_MF_DEFAULTS = 1, TW_MF_KWDEFAULTS = 2, TW_MF_CLOSURE = 8,
};

/* How many values an instruction leaves on the stack minus how many it
 * takes; `jump` selects the effect when it branches.  Defined in code.c. */
int tw_opcode_stack_effect(int op, int arg, int jump);
extern const char *const tw_opcode_names[TW_OP__COUNT];

#endif /* TWINPY_OPCODES_H */
