/*
 * ast.h - the abstract syntax tree the parser produces.
 *
 * The tree mirrors CPython 3.11's `ast` module node for node and field for
 * field (Python/Python-ast.h), so CPython's compiler and the `ast` module
 * documentation describe what each node means.  Union members carry the
 * CPython class names (`e->v.BinOp.left`, `s->v.For.orelse`).  Differences:
 *
 *  - An annotated assignment with a value (`x: int = 1`) is an Assign with
 *    one target; the annotation is dropped.  Without a value (`x: int`) it
 *    stays an AnnAssign, because it still makes `x` local in a function.
 *  - Constants keep raw C values (see TwConstant); there are no bytes or
 *    complex constants (the parser rejects them as unsupported).
 *  - No type comments, no `match`, no async nodes (rejected as unsupported);
 *    `await` is rejected too.
 *  - NamedExpr (`:=`) and the MatMult operator (`@`) are parsed; the
 *    compiler decides whether to support them.
 *
 * Ownership: every node, sequence, identifier and literal buffer is
 * allocated from the TwArena passed to the parser (see parser.h).  Nothing
 * is freed individually; freeing the arena frees the whole tree.  No node
 * has two parents, and the tree holds no cycles.
 *
 * Identifiers (names, attributes, argument names, module names) are
 * NUL-terminated UTF-8 strings, interned per parse: two equal identifiers
 * of one tree are the same pointer.  Non-ASCII identifiers are not NFKC
 * normalised.
 *
 * Locations: every expression, statement, argument, keyword, alias and
 * except handler carries `line`, `col`, `end_line`, `end_col`: lines are
 * 1-based, columns 0-based UTF-8 byte offsets, the end exclusive - exactly
 * CPython's lineno/col_offset/end_lineno/end_col_offset.  Inside f-strings
 * the expressions carry their real positions in the source.
 *
 * Depth: the parser refuses input that nests deeper than TW_AST_MAX_DEPTH
 * levels of recursion (expressions inside expressions, prefix operators,
 * lambdas, conditional expressions, blocks).  The tree itself can still
 * be deeper than that: a long left-associative chain in the source
 * (a+b+c+..., a.b.c..., f()()(), if/elif/elif/...) is parsed in a loop but
 * becomes a tree as deep as the chain is long.  A consumer that recurses
 * over the tree must bound its own depth, as CPython's compiler does
 * ("maximum recursion depth exceeded during compilation").
 */
#ifndef TW_COMPILER_AST_H
#define TW_COMPILER_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

#define TW_AST_MAX_DEPTH 1000

typedef struct TwExpr TwExpr;
typedef struct TwStmt TwStmt;
typedef struct TwArg TwArg;
typedef struct TwArguments TwArguments;
typedef struct TwKeyword TwKeyword;
typedef struct TwComprehension TwComprehension;
typedef struct TwExceptHandler TwExceptHandler;
typedef struct TwWithItem TwWithItem;
typedef struct TwAlias TwAlias;

/* A sequence is an arena array of `count` pointers (`items` may be NULL
   when count is 0).  Only where noted may an item be NULL. */
#define TW_AST_SEQ(T) struct { int count; T **items; }

typedef TW_AST_SEQ(TwExpr) TwExprSeq;
typedef TW_AST_SEQ(TwStmt) TwStmtSeq;
typedef TW_AST_SEQ(TwArg) TwArgSeq;
typedef TW_AST_SEQ(TwKeyword) TwKeywordSeq;
typedef TW_AST_SEQ(TwComprehension) TwComprehensionSeq;
typedef TW_AST_SEQ(TwExceptHandler) TwExceptHandlerSeq;
typedef TW_AST_SEQ(TwWithItem) TwWithItemSeq;
typedef TW_AST_SEQ(TwAlias) TwAliasSeq;
typedef TW_AST_SEQ(const char) TwIdentifierSeq;

/* ------------------------------------------------------------------ */
/* Operators and contexts (CPython's order)                            */
/* ------------------------------------------------------------------ */

typedef enum TwBoolOp { TW_AND, TW_OR } TwBoolOp;

typedef enum TwOperator {
    TW_ADD, TW_SUB, TW_MULT, TW_MATMULT, TW_DIV, TW_MOD, TW_POW,
    TW_LSHIFT, TW_RSHIFT, TW_BITOR, TW_BITXOR, TW_BITAND, TW_FLOORDIV
} TwOperator;

typedef enum TwUnaryOp { TW_INVERT, TW_NOT, TW_UADD, TW_USUB } TwUnaryOp;

typedef enum TwCmpOp {
    TW_EQ, TW_NOTEQ, TW_LT, TW_LTE, TW_GT, TW_GTE,
    TW_IS, TW_ISNOT, TW_IN, TW_NOTIN
} TwCmpOp;

/* How a Name, Attribute, Subscript, Starred, List or Tuple is used: read,
   assigned (assignment, for, with, except ... as, comprehension targets,
   augmented assignment), or deleted. */
typedef enum TwExprContext { TW_LOAD, TW_STORE, TW_DEL } TwExprContext;

/* ------------------------------------------------------------------ */
/* Constants                                                           */
/* ------------------------------------------------------------------ */

typedef enum TwConstantKind {
    TW_CONST_NONE,
    TW_CONST_TRUE,
    TW_CONST_FALSE,
    TW_CONST_ELLIPSIS,
    TW_CONST_INT,
    TW_CONST_FLOAT,
    TW_CONST_STR
} TwConstantKind;

/*
 * A literal's value.
 *  INT:   `int_value`, unless `int_big` is set: the literal does not fit in
 *         int64_t and `str`/`str_len` hold its value as decimal digits
 *         (hex, octal and binary literals are converted).  Literals are
 *         never negative: `-5` is UnaryOp(USub, Constant 5).
 *  FLOAT: `float_value` (correctly rounded, as strtod does).
 *  STR:   `str`/`str_len`: the decoded value in UTF-8, NUL-terminated (it
 *         may also contain NUL bytes from "\0" escapes).  Lone surrogates
 *         from "\ud800" escapes are encoded as 3-byte sequences.
 *         Adjacent literals are already concatenated.  `u_prefix` records
 *         a u'' literal (ast.dump shows kind='u').
 */
typedef struct TwConstant {
    TwConstantKind kind;
    bool int_big;
    bool u_prefix;
    int64_t int_value;
    double float_value;
    const char *str;
    size_t str_len;
} TwConstant;

/* ------------------------------------------------------------------ */
/* Expressions                                                         */
/* ------------------------------------------------------------------ */

typedef enum TwExprKind {
    TW_EXPR_BOOLOP,       /* a and b and c */
    TW_EXPR_NAMEDEXPR,    /* (x := v) */
    TW_EXPR_BINOP,        /* a + b */
    TW_EXPR_UNARYOP,      /* -a, not a */
    TW_EXPR_LAMBDA,       /* lambda args: body */
    TW_EXPR_IFEXP,        /* body if test else orelse */
    TW_EXPR_DICT,         /* {k: v, **m} */
    TW_EXPR_SET,          /* {a, *b} */
    TW_EXPR_LISTCOMP,     /* [elt for ...] */
    TW_EXPR_SETCOMP,      /* {elt for ...} */
    TW_EXPR_DICTCOMP,     /* {key: value for ...} */
    TW_EXPR_GENERATOREXP, /* (elt for ...) */
    TW_EXPR_YIELD,        /* yield [value] */
    TW_EXPR_YIELDFROM,    /* yield from value */
    TW_EXPR_COMPARE,      /* a < b <= c */
    TW_EXPR_CALL,         /* f(a, *b, k=c, **d) */
    TW_EXPR_FORMATTEDVALUE, /* one {field} of an f-string */
    TW_EXPR_JOINEDSTR,    /* an f-string */
    TW_EXPR_CONSTANT,     /* 1, 'a', None, ... */
    TW_EXPR_ATTRIBUTE,    /* value.attr */
    TW_EXPR_SUBSCRIPT,    /* value[slice] */
    TW_EXPR_STARRED,      /* *value, in displays, calls and targets */
    TW_EXPR_NAME,         /* id */
    TW_EXPR_LIST,         /* [a, b] */
    TW_EXPR_TUPLE,        /* (a, b) or a, b */
    TW_EXPR_SLICE         /* lower:upper:step, only as a Subscript's slice
                             or an element of a Tuple that is one */
} TwExprKind;

/* Shared by ListComp, SetComp and GeneratorExp. */
typedef struct TwCompExpr {
    TwExpr *elt;
    TwComprehensionSeq generators;   /* at least one */
} TwCompExpr;

struct TwExpr {
    TwExprKind kind;
    int line, col, end_line, end_col;
    union {
        /* `values` has two or more items; `a or b or c` is one BoolOp. */
        struct { TwBoolOp op; TwExprSeq values; } BoolOp;
        /* target is a Name (Store). */
        struct { TwExpr *target; TwExpr *value; } NamedExpr;
        struct { TwExpr *left; TwOperator op; TwExpr *right; } BinOp;
        struct { TwUnaryOp op; TwExpr *operand; } UnaryOp;
        struct { TwArguments *args; TwExpr *body; } Lambda;
        struct { TwExpr *test; TwExpr *body; TwExpr *orelse; } IfExp;
        /* keys.items[i] is NULL for `**values.items[i]`. */
        struct { TwExprSeq keys; TwExprSeq values; } Dict;
        struct { TwExprSeq elts; } Set;     /* never empty */
        TwCompExpr ListComp;
        TwCompExpr SetComp;
        TwCompExpr GeneratorExp;
        struct { TwExpr *key; TwExpr *value;
                 TwComprehensionSeq generators; } DictComp;
        struct { TwExpr *value; } Yield;    /* value may be NULL */
        struct { TwExpr *value; } YieldFrom;
        /* ops.count == comparators.count >= 1 */
        struct { TwExpr *left; int nops; TwCmpOp *ops;
                 TwExprSeq comparators; } Compare;
        /* args may contain Starred; keywords with arg NULL are **kwargs */
        struct { TwExpr *func; TwExprSeq args;
                 TwKeywordSeq keywords; } Call;
        /* conversion: -1 (none), 's', 'r' or 'a'.  format_spec is a
           JoinedStr or NULL. */
        struct { TwExpr *value; int conversion;
                 TwExpr *format_spec; } FormattedValue;
        /* values: Constant (STR) and FormattedValue items, in order, no
           empty strings, no two adjacent Constants. */
        struct { TwExprSeq values; } JoinedStr;
        TwConstant Constant;
        struct { TwExpr *value; const char *attr;
                 TwExprContext ctx; } Attribute;
        /* slice: any expression, a Slice, or a Tuple holding Slices */
        struct { TwExpr *value; TwExpr *slice;
                 TwExprContext ctx; } Subscript;
        struct { TwExpr *value; TwExprContext ctx; } Starred;
        struct { const char *id; TwExprContext ctx; } Name;
        struct { TwExprSeq elts; TwExprContext ctx; } List;
        struct { TwExprSeq elts; TwExprContext ctx; } Tuple;
        /* each part may be NULL */
        struct { TwExpr *lower; TwExpr *upper; TwExpr *step; } Slice;
    } v;
};

/* ------------------------------------------------------------------ */
/* Statements                                                          */
/* ------------------------------------------------------------------ */

typedef enum TwStmtKind {
    TW_STMT_FUNCTIONDEF,
    TW_STMT_CLASSDEF,
    TW_STMT_RETURN,
    TW_STMT_DELETE,
    TW_STMT_ASSIGN,
    TW_STMT_AUGASSIGN,
    TW_STMT_ANNASSIGN,
    TW_STMT_FOR,
    TW_STMT_WHILE,
    TW_STMT_IF,
    TW_STMT_WITH,
    TW_STMT_RAISE,
    TW_STMT_TRY,
    TW_STMT_ASSERT,
    TW_STMT_IMPORT,
    TW_STMT_IMPORTFROM,
    TW_STMT_GLOBAL,
    TW_STMT_NONLOCAL,
    TW_STMT_EXPR,
    TW_STMT_PASS,
    TW_STMT_BREAK,
    TW_STMT_CONTINUE
} TwStmtKind;

struct TwStmt {
    TwStmtKind kind;
    /* A statement's location starts at its first token (after the
       decorators for def/class: `line` is the `def` line) and ends at its
       last. */
    int line, col, end_line, end_col;
    union {
        /* decorator_list in source order (applied last to first).
           returns: the `-> X` annotation or NULL. */
        struct { const char *name; TwArguments *args; TwStmtSeq body;
                 TwExprSeq decorator_list; TwExpr *returns; } FunctionDef;
        struct { const char *name; TwExprSeq bases; TwKeywordSeq keywords;
                 TwStmtSeq body; TwExprSeq decorator_list; } ClassDef;
        struct { TwExpr *value; } Return;           /* value may be NULL */
        struct { TwExprSeq targets; } Delete;       /* ctx Del */
        /* `a = b = v`: targets [a, b] (ctx Store), assigned left to
           right after evaluating value once */
        struct { TwExprSeq targets; TwExpr *value; } Assign;
        /* target: Name, Attribute or Subscript with ctx Store */
        struct { TwExpr *target; TwOperator op; TwExpr *value; } AugAssign;
        /* Only `target: annotation` with no value.  simple is true for a
           plain name, not parenthesised. */
        struct { TwExpr *target; TwExpr *annotation; bool simple; } AnnAssign;
        struct { TwExpr *target; TwExpr *iter; TwStmtSeq body;
                 TwStmtSeq orelse; } For;
        struct { TwExpr *test; TwStmtSeq body; TwStmtSeq orelse; } While;
        /* elif is an If alone in orelse */
        struct { TwExpr *test; TwStmtSeq body; TwStmtSeq orelse; } If;
        struct { TwWithItemSeq items; TwStmtSeq body; } With;
        struct { TwExpr *exc; TwExpr *cause; } Raise; /* both may be NULL */
        /* handlers may be empty only when finalbody is not */
        struct { TwStmtSeq body; TwExceptHandlerSeq handlers;
                 TwStmtSeq orelse; TwStmtSeq finalbody; } Try;
        struct { TwExpr *test; TwExpr *msg; } Assert;  /* msg may be NULL */
        struct { TwAliasSeq names; } Import;
        /* module may be NULL (`from . import x`); level counts the dots;
           names is a single alias "*" for `from m import *` */
        struct { const char *module; TwAliasSeq names; int level; } ImportFrom;
        struct { TwIdentifierSeq names; } Global;
        struct { TwIdentifierSeq names; } Nonlocal;
        struct { TwExpr *value; } Expr;
    } v;
};

/* ------------------------------------------------------------------ */
/* Other nodes                                                         */
/* ------------------------------------------------------------------ */

struct TwArg {
    const char *arg;
    TwExpr *annotation;         /* may be NULL */
    int line, col, end_line, end_col;
};

/*
 * A parameter list.  Positional-only parameters (before `/`) come first,
 * then ordinary ones.  `defaults` belong to the LAST parameters of
 * posonlyargs+args.  kw_defaults has one item per kwonlyarg, NULL when that
 * one has no default.  vararg/kwarg may be NULL.
 */
struct TwArguments {
    TwArgSeq posonlyargs;
    TwArgSeq args;
    TwArg *vararg;
    TwArgSeq kwonlyargs;
    TwExprSeq kw_defaults;
    TwArg *kwarg;
    TwExprSeq defaults;
};

struct TwKeyword {
    const char *arg;            /* NULL for **value */
    TwExpr *value;
    int line, col, end_line, end_col;
};

/* One `for target in iter if ...` clause. */
struct TwComprehension {
    TwExpr *target;             /* ctx Store */
    TwExpr *iter;
    TwExprSeq ifs;
    bool is_async;              /* always false */
};

struct TwExceptHandler {
    TwExpr *type;               /* NULL for a bare except */
    const char *name;           /* the `as` name or NULL */
    TwStmtSeq body;
    int line, col, end_line, end_col;
};

struct TwWithItem {
    TwExpr *context_expr;
    TwExpr *optional_vars;      /* the `as` target (ctx Store) or NULL */
};

struct TwAlias {
    const char *name;           /* dotted for `import a.b` */
    const char *asname;         /* may be NULL */
    int line, col, end_line, end_col;
};

/* A parsed file (`body`), or, in eval mode, one expression (`expr`). */
typedef struct TwModule {
    TwStmtSeq body;
    TwExpr *expr;
} TwModule;

/* ------------------------------------------------------------------ */
/* Functions                                                           */
/* ------------------------------------------------------------------ */

/* Allocate a zeroed node of the given kind; NULL when out of memory. */
TwExpr *tw_expr_new(TwArena *arena, TwExprKind kind);
TwStmt *tw_stmt_new(TwArena *arena, TwStmtKind kind);

/* CPython class names: "BinOp", "For", "Add", "NotIn", ... */
const char *tw_expr_kind_name(TwExprKind kind);
const char *tw_stmt_kind_name(TwStmtKind kind);
const char *tw_operator_name(TwOperator op);
const char *tw_unaryop_name(TwUnaryOp op);
const char *tw_cmpop_name(TwCmpOp op);

/*
 * Text of the tree in the format of CPython 3.11's ast.dump(tree) with its
 * default arguments: "Module(body=[Expr(value=Constant(value=1))],
 * type_ignores=[])".  Returns a malloc'd string (NULL when out of memory).
 * For a tree from eval mode the text is "Expression(body=...)".  Parts of
 * the tree nested deeper than 3000 levels are printed as "...".
 */
char *tw_ast_dump_module(const TwModule *module);
/* With `attributes`, every node with a location also shows lineno,
   col_offset, end_lineno and end_col_offset, as
   ast.dump(tree, include_attributes=True) does. */
char *tw_ast_dump_module_ex(const TwModule *module, bool attributes);
char *tw_ast_dump_expr(const TwExpr *expr);
char *tw_ast_dump_stmt(const TwStmt *stmt);

#endif /* TW_COMPILER_AST_H */
