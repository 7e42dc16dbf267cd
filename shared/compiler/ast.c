/*
 * ast.c - node allocation, names, and the ast.dump-style printer.
 *
 * The printer reproduces CPython 3.11's ast.dump(tree) byte for byte (for
 * trees inside twinpy's subset), so tests can compare twinpy's parser with
 * CPython's on any source: fields in CPython's order, optional fields that
 * are None left out, lists always shown, values in Python repr().
 */
#include "ast.h"
#include "tokenizer.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TwExpr *tw_expr_new(TwArena *arena, TwExprKind kind)
{
    TwExpr *e = tw_arena_calloc(arena, sizeof *e);
    if (e != NULL) {
        e->kind = kind;
    }
    return e;
}

TwStmt *tw_stmt_new(TwArena *arena, TwStmtKind kind)
{
    TwStmt *s = tw_arena_calloc(arena, sizeof *s);
    if (s != NULL) {
        s->kind = kind;
    }
    return s;
}

static const char *const tw_expr_names[] = {
    "BoolOp", "NamedExpr", "BinOp", "UnaryOp", "Lambda", "IfExp", "Dict",
    "Set", "ListComp", "SetComp", "DictComp", "GeneratorExp", "Yield",
    "YieldFrom", "Compare", "Call", "FormattedValue", "JoinedStr",
    "Constant", "Attribute", "Subscript", "Starred", "Name", "List",
    "Tuple", "Slice",
};

static const char *const tw_stmt_names[] = {
    "FunctionDef", "ClassDef", "Return", "Delete", "Assign", "AugAssign",
    "AnnAssign", "For", "While", "If", "With", "Raise", "Try", "Assert",
    "Import", "ImportFrom", "Global", "Nonlocal", "Expr", "Pass", "Break",
    "Continue",
};

static const char *const tw_operator_names[] = {
    "Add", "Sub", "Mult", "MatMult", "Div", "Mod", "Pow", "LShift",
    "RShift", "BitOr", "BitXor", "BitAnd", "FloorDiv",
};

static const char *const tw_unaryop_names[] = {
    "Invert", "Not", "UAdd", "USub",
};

static const char *const tw_cmpop_names[] = {
    "Eq", "NotEq", "Lt", "LtE", "Gt", "GtE", "Is", "IsNot", "In", "NotIn",
};

const char *tw_expr_kind_name(TwExprKind kind)
{
    return (unsigned)kind < sizeof tw_expr_names / sizeof *tw_expr_names
               ? tw_expr_names[kind] : "?";
}

const char *tw_stmt_kind_name(TwStmtKind kind)
{
    return (unsigned)kind < sizeof tw_stmt_names / sizeof *tw_stmt_names
               ? tw_stmt_names[kind] : "?";
}

const char *tw_operator_name(TwOperator op)
{
    return (unsigned)op < sizeof tw_operator_names / sizeof *tw_operator_names
               ? tw_operator_names[op] : "?";
}

const char *tw_unaryop_name(TwUnaryOp op)
{
    return (unsigned)op < sizeof tw_unaryop_names / sizeof *tw_unaryop_names
               ? tw_unaryop_names[op] : "?";
}

const char *tw_cmpop_name(TwCmpOp op)
{
    return (unsigned)op < sizeof tw_cmpop_names / sizeof *tw_cmpop_names
               ? tw_cmpop_names[op] : "?";
}

/* ------------------------------------------------------------------ */
/* Output buffer                                                       */
/* ------------------------------------------------------------------ */

typedef struct TwDumpBuf {
    char *data;
    size_t len;
    size_t cap;
    bool failed;
    bool attributes;        /* append lineno=..., like include_attributes */
    int depth;              /* current nesting of dump_expr/dump_stmt */
} TwDumpBuf;

/* The printer recurses once per level of the tree; past this depth it
   prints "..." instead (trees from long operator chains can be deeper
   than any stack). */
#define TW_DUMP_MAX_DEPTH 3000

static void buf_put(TwDumpBuf *b, const char *s, size_t n)
{
    if (b->failed) {
        return;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (b->len + n + 1 > cap) {
            cap *= 2;
        }
        char *data = realloc(b->data, cap);
        if (data == NULL) {
            b->failed = true;
            return;
        }
        b->data = data;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void buf_puts(TwDumpBuf *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

static void buf_printf(TwDumpBuf *b, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0) {
        buf_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
    }
}

static char *buf_finish(TwDumpBuf *b)
{
    if (b->failed) {
        free(b->data);
        return NULL;
    }
    if (b->data == NULL) {
        buf_put(b, "", 0);
    }
    return b->data;
}

/* ------------------------------------------------------------------ */
/* Python repr() of values                                             */
/* ------------------------------------------------------------------ */

/* Like tw_utf8_decode, but also accepts the 3-byte surrogate encoding
   twinpy uses for "\udXXX" escapes. */
static int dump_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
    if (avail >= 3 && s[0] == 0xED && (s[1] & 0xE0) == 0xA0 &&
        (s[2] & 0xC0) == 0x80) {
        *cp = 0xD000u | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        return 3;
    }
    return tw_utf8_decode(s, avail, cp);
}

/* repr() of a str: quotes chosen and characters escaped as CPython does. */
static void dump_str_repr(TwDumpBuf *b, const char *s, size_t n)
{
    bool has_single = memchr(s, '\'', n) != NULL;
    bool has_double = memchr(s, '"', n) != NULL;
    char quote = (has_single && !has_double) ? '"' : '\'';
    buf_put(b, &quote, 1);
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *e = p + n;
    while (p < e) {
        uint32_t c;
        int len = dump_decode(p, (size_t)(e - p), &c);
        if (len == 0) {
            c = *p;
            len = 1;
        }
        if (c == (uint32_t)quote || c == '\\') {
            char esc[2] = {'\\', (char)c};
            buf_put(b, esc, 2);
        } else if (c == '\t') {
            buf_puts(b, "\\t");
        } else if (c == '\n') {
            buf_puts(b, "\\n");
        } else if (c == '\r') {
            buf_puts(b, "\\r");
        } else if (c < 0x20 || c == 0x7F) {
            buf_printf(b, "\\x%02x", (unsigned)c);
        } else if (c < 0x7F) {
            char ch = (char)c;
            buf_put(b, &ch, 1);
        } else if (!tw_unicode_is_printable(c)) {
            if (c <= 0xFF) {
                buf_printf(b, "\\x%02x", (unsigned)c);
            } else if (c <= 0xFFFF) {
                buf_printf(b, "\\u%04x", (unsigned)c);
            } else {
                buf_printf(b, "\\U%08x", (unsigned)c);
            }
        } else {
            buf_put(b, (const char *)p, (size_t)len);
        }
        p += len;
    }
    buf_put(b, &quote, 1);
}

/*
 * repr() of a float: the shortest digits that read back as the same double,
 * laid out as Python does (fixed notation for exponents -4..15, otherwise
 * "1.5e+300" style; ".0" added to integral values).
 */
static void dump_float_repr(TwDumpBuf *b, double x)
{
    if (isnan(x)) {
        buf_puts(b, "nan");
        return;
    }
    if (isinf(x)) {
        buf_puts(b, x < 0 ? "-inf" : "inf");
        return;
    }
    char tmp[64];
    int prec;
    for (prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec - 1, x);
        if (strtod(tmp, NULL) == x) {
            break;
        }
    }
    /* tmp is "[-]d.ddde[+-]xx": collect digits and the exponent. */
    char digits[32];
    int nd = 0;
    const char *p = tmp;
    bool negative = false;
    if (*p == '-') {
        negative = true;
        p++;
    }
    while (*p && *p != 'e') {
        if (*p >= '0' && *p <= '9' && nd < 30) {
            digits[nd++] = *p;
        }
        p++;
    }
    int exp10 = atoi(p + 1);
    while (nd > 1 && digits[nd - 1] == '0') {
        nd--;
    }
    digits[nd] = '\0';
    int decpt = exp10 + 1;      /* digits d1 d2 ... with point after decpt */
    if (negative) {
        buf_puts(b, "-");
    }
    if (decpt > -4 && decpt <= 16) {
        if (decpt <= 0) {
            buf_puts(b, "0.");
            for (int i = 0; i < -decpt; i++) {
                buf_puts(b, "0");
            }
            buf_puts(b, digits);
        } else if (decpt >= nd) {
            buf_puts(b, digits);
            for (int i = nd; i < decpt; i++) {
                buf_puts(b, "0");
            }
            buf_puts(b, ".0");
        } else {
            buf_put(b, digits, (size_t)decpt);
            buf_puts(b, ".");
            buf_puts(b, digits + decpt);
        }
    } else {
        buf_put(b, digits, 1);
        if (nd > 1) {
            buf_puts(b, ".");
            buf_puts(b, digits + 1);
        }
        buf_printf(b, "e%c%02d", exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
    }
}

/* ------------------------------------------------------------------ */
/* The tree                                                            */
/* ------------------------------------------------------------------ */

/* ", lineno=.., col_offset=.., end_lineno=.., end_col_offset=.." when
   locations were asked for; `first` when the node printed no field. */
static void dump_loc(TwDumpBuf *b, bool first, int line, int col, int end_line,
                     int end_col)
{
    if (b->attributes) {
        buf_printf(b, "%slineno=%d, col_offset=%d, end_lineno=%d, "
                   "end_col_offset=%d", first ? "" : ", ", line, col, end_line,
                   end_col);
    }
}

#define DUMP_LOC(b, first, n) \
    dump_loc((b), (first), (n)->line, (n)->col, (n)->end_line, (n)->end_col)

static void dump_expr(TwDumpBuf *b, const TwExpr *e);
static void dump_stmts(TwDumpBuf *b, const TwStmtSeq *seq);

static void dump_ident(TwDumpBuf *b, const char *s)
{
    dump_str_repr(b, s, strlen(s));
}

static void dump_exprs(TwDumpBuf *b, const TwExprSeq *seq)
{
    buf_puts(b, "[");
    for (int i = 0; i < seq->count; i++) {
        if (i > 0) {
            buf_puts(b, ", ");
        }
        if (seq->items[i] == NULL) {
            buf_puts(b, "None");
        } else {
            dump_expr(b, seq->items[i]);
        }
    }
    buf_puts(b, "]");
}

/* ", name=<expr>" when e is not NULL (optional fields). */
static void dump_opt_expr(TwDumpBuf *b, const char *name, const TwExpr *e)
{
    if (e != NULL) {
        buf_printf(b, ", %s=", name);
        dump_expr(b, e);
    }
}

static void dump_ctx(TwDumpBuf *b, TwExprContext ctx)
{
    buf_puts(b, ctx == TW_LOAD ? ", ctx=Load()" :
                ctx == TW_STORE ? ", ctx=Store()" : ", ctx=Del()");
}

static void dump_arg(TwDumpBuf *b, const TwArg *a)
{
    buf_puts(b, "arg(arg=");
    dump_ident(b, a->arg);
    dump_opt_expr(b, "annotation", a->annotation);
    DUMP_LOC(b, false, a);
    buf_puts(b, ")");
}

static void dump_args_seq(TwDumpBuf *b, const TwArgSeq *seq)
{
    buf_puts(b, "[");
    for (int i = 0; i < seq->count; i++) {
        if (i > 0) {
            buf_puts(b, ", ");
        }
        dump_arg(b, seq->items[i]);
    }
    buf_puts(b, "]");
}

static void dump_arguments(TwDumpBuf *b, const TwArguments *a)
{
    buf_puts(b, "arguments(posonlyargs=");
    dump_args_seq(b, &a->posonlyargs);
    buf_puts(b, ", args=");
    dump_args_seq(b, &a->args);
    if (a->vararg != NULL) {
        buf_puts(b, ", vararg=");
        dump_arg(b, a->vararg);
    }
    buf_puts(b, ", kwonlyargs=");
    dump_args_seq(b, &a->kwonlyargs);
    buf_puts(b, ", kw_defaults=");
    dump_exprs(b, &a->kw_defaults);
    if (a->kwarg != NULL) {
        buf_puts(b, ", kwarg=");
        dump_arg(b, a->kwarg);
    }
    buf_puts(b, ", defaults=");
    dump_exprs(b, &a->defaults);
    buf_puts(b, ")");
}

static void dump_keywords(TwDumpBuf *b, const TwKeywordSeq *seq)
{
    buf_puts(b, "[");
    for (int i = 0; i < seq->count; i++) {
        const TwKeyword *k = seq->items[i];
        if (i > 0) {
            buf_puts(b, ", ");
        }
        buf_puts(b, "keyword(");
        if (k->arg != NULL) {
            buf_puts(b, "arg=");
            dump_ident(b, k->arg);
            buf_puts(b, ", ");
        }
        buf_puts(b, "value=");
        dump_expr(b, k->value);
        DUMP_LOC(b, false, k);
        buf_puts(b, ")");
    }
    buf_puts(b, "]");
}

static void dump_generators(TwDumpBuf *b, const TwComprehensionSeq *seq)
{
    buf_puts(b, "[");
    for (int i = 0; i < seq->count; i++) {
        const TwComprehension *c = seq->items[i];
        if (i > 0) {
            buf_puts(b, ", ");
        }
        buf_puts(b, "comprehension(target=");
        dump_expr(b, c->target);
        buf_puts(b, ", iter=");
        dump_expr(b, c->iter);
        buf_puts(b, ", ifs=");
        dump_exprs(b, &c->ifs);
        buf_printf(b, ", is_async=%d)", c->is_async ? 1 : 0);
    }
    buf_puts(b, "]");
}

static void dump_constant(TwDumpBuf *b, const TwExpr *e)
{
    const TwConstant *c = &e->v.Constant;
    buf_puts(b, "Constant(value=");
    switch (c->kind) {
    case TW_CONST_NONE: buf_puts(b, "None"); break;
    case TW_CONST_TRUE: buf_puts(b, "True"); break;
    case TW_CONST_FALSE: buf_puts(b, "False"); break;
    case TW_CONST_ELLIPSIS: buf_puts(b, "Ellipsis"); break;
    case TW_CONST_INT:
        if (c->int_big) {
            buf_put(b, c->str, c->str_len);
        } else {
            buf_printf(b, "%" PRId64, c->int_value);
        }
        break;
    case TW_CONST_FLOAT: dump_float_repr(b, c->float_value); break;
    case TW_CONST_STR: dump_str_repr(b, c->str, c->str_len); break;
    }
    if (c->u_prefix) {
        buf_puts(b, ", kind='u'");
    }
    DUMP_LOC(b, false, e);
    buf_puts(b, ")");
}

static void dump_expr_body(TwDumpBuf *b, const TwExpr *e);

static void dump_expr(TwDumpBuf *b, const TwExpr *e)
{
    if (b->depth >= TW_DUMP_MAX_DEPTH) {
        buf_puts(b, "...");
        return;
    }
    b->depth++;
    dump_expr_body(b, e);
    b->depth--;
}

static void dump_expr_body(TwDumpBuf *b, const TwExpr *e)
{
    if (e->kind == TW_EXPR_CONSTANT) {
        dump_constant(b, e);
        return;
    }
    buf_puts(b, tw_expr_kind_name(e->kind));
    buf_puts(b, "(");
    switch (e->kind) {
    case TW_EXPR_BOOLOP:
        buf_puts(b, e->v.BoolOp.op == TW_AND ? "op=And(), values="
                                             : "op=Or(), values=");
        dump_exprs(b, &e->v.BoolOp.values);
        break;
    case TW_EXPR_NAMEDEXPR:
        buf_puts(b, "target=");
        dump_expr(b, e->v.NamedExpr.target);
        buf_puts(b, ", value=");
        dump_expr(b, e->v.NamedExpr.value);
        break;
    case TW_EXPR_BINOP:
        buf_puts(b, "left=");
        dump_expr(b, e->v.BinOp.left);
        buf_printf(b, ", op=%s(), right=", tw_operator_name(e->v.BinOp.op));
        dump_expr(b, e->v.BinOp.right);
        break;
    case TW_EXPR_UNARYOP:
        buf_printf(b, "op=%s(), operand=", tw_unaryop_name(e->v.UnaryOp.op));
        dump_expr(b, e->v.UnaryOp.operand);
        break;
    case TW_EXPR_LAMBDA:
        buf_puts(b, "args=");
        dump_arguments(b, e->v.Lambda.args);
        buf_puts(b, ", body=");
        dump_expr(b, e->v.Lambda.body);
        break;
    case TW_EXPR_IFEXP:
        buf_puts(b, "test=");
        dump_expr(b, e->v.IfExp.test);
        buf_puts(b, ", body=");
        dump_expr(b, e->v.IfExp.body);
        buf_puts(b, ", orelse=");
        dump_expr(b, e->v.IfExp.orelse);
        break;
    case TW_EXPR_DICT:
        buf_puts(b, "keys=");
        dump_exprs(b, &e->v.Dict.keys);
        buf_puts(b, ", values=");
        dump_exprs(b, &e->v.Dict.values);
        break;
    case TW_EXPR_SET:
        buf_puts(b, "elts=");
        dump_exprs(b, &e->v.Set.elts);
        break;
    case TW_EXPR_LISTCOMP:
    case TW_EXPR_SETCOMP:
    case TW_EXPR_GENERATOREXP:
        buf_puts(b, "elt=");
        dump_expr(b, e->v.ListComp.elt);
        buf_puts(b, ", generators=");
        dump_generators(b, &e->v.ListComp.generators);
        break;
    case TW_EXPR_DICTCOMP:
        buf_puts(b, "key=");
        dump_expr(b, e->v.DictComp.key);
        buf_puts(b, ", value=");
        dump_expr(b, e->v.DictComp.value);
        buf_puts(b, ", generators=");
        dump_generators(b, &e->v.DictComp.generators);
        break;
    case TW_EXPR_YIELD:
        if (e->v.Yield.value != NULL) {
            buf_puts(b, "value=");
            dump_expr(b, e->v.Yield.value);
        }
        break;
    case TW_EXPR_YIELDFROM:
        buf_puts(b, "value=");
        dump_expr(b, e->v.YieldFrom.value);
        break;
    case TW_EXPR_COMPARE:
        buf_puts(b, "left=");
        dump_expr(b, e->v.Compare.left);
        buf_puts(b, ", ops=[");
        for (int i = 0; i < e->v.Compare.nops; i++) {
            buf_printf(b, "%s%s()", i ? ", " : "",
                       tw_cmpop_name(e->v.Compare.ops[i]));
        }
        buf_puts(b, "], comparators=");
        dump_exprs(b, &e->v.Compare.comparators);
        break;
    case TW_EXPR_CALL:
        buf_puts(b, "func=");
        dump_expr(b, e->v.Call.func);
        buf_puts(b, ", args=");
        dump_exprs(b, &e->v.Call.args);
        buf_puts(b, ", keywords=");
        dump_keywords(b, &e->v.Call.keywords);
        break;
    case TW_EXPR_FORMATTEDVALUE:
        buf_puts(b, "value=");
        dump_expr(b, e->v.FormattedValue.value);
        buf_printf(b, ", conversion=%d", e->v.FormattedValue.conversion);
        dump_opt_expr(b, "format_spec", e->v.FormattedValue.format_spec);
        break;
    case TW_EXPR_JOINEDSTR:
        buf_puts(b, "values=");
        dump_exprs(b, &e->v.JoinedStr.values);
        break;
    case TW_EXPR_CONSTANT:
        break;      /* handled above */
    case TW_EXPR_ATTRIBUTE:
        buf_puts(b, "value=");
        dump_expr(b, e->v.Attribute.value);
        buf_puts(b, ", attr=");
        dump_ident(b, e->v.Attribute.attr);
        dump_ctx(b, e->v.Attribute.ctx);
        break;
    case TW_EXPR_SUBSCRIPT:
        buf_puts(b, "value=");
        dump_expr(b, e->v.Subscript.value);
        buf_puts(b, ", slice=");
        dump_expr(b, e->v.Subscript.slice);
        dump_ctx(b, e->v.Subscript.ctx);
        break;
    case TW_EXPR_STARRED:
        buf_puts(b, "value=");
        dump_expr(b, e->v.Starred.value);
        dump_ctx(b, e->v.Starred.ctx);
        break;
    case TW_EXPR_NAME:
        buf_puts(b, "id=");
        dump_ident(b, e->v.Name.id);
        dump_ctx(b, e->v.Name.ctx);
        break;
    case TW_EXPR_LIST:
    case TW_EXPR_TUPLE:
        buf_puts(b, "elts=");
        dump_exprs(b, &e->v.List.elts);
        dump_ctx(b, e->v.List.ctx);
        break;
    case TW_EXPR_SLICE: {
        bool first = true;
        const char *names[3] = {"lower", "upper", "step"};
        const TwExpr *parts[3] = {e->v.Slice.lower, e->v.Slice.upper,
                                  e->v.Slice.step};
        for (int i = 0; i < 3; i++) {
            if (parts[i] != NULL) {
                buf_printf(b, "%s%s=", first ? "" : ", ", names[i]);
                dump_expr(b, parts[i]);
                first = false;
            }
        }
        break;
    }
    }
    bool nofields = (e->kind == TW_EXPR_YIELD && e->v.Yield.value == NULL) ||
                    (e->kind == TW_EXPR_SLICE && e->v.Slice.lower == NULL &&
                     e->v.Slice.upper == NULL && e->v.Slice.step == NULL);
    DUMP_LOC(b, nofields, e);
    buf_puts(b, ")");
}

static void dump_handlers(TwDumpBuf *b, const TwExceptHandlerSeq *seq)
{
    buf_puts(b, "[");
    for (int i = 0; i < seq->count; i++) {
        const TwExceptHandler *h = seq->items[i];
        if (i > 0) {
            buf_puts(b, ", ");
        }
        buf_puts(b, "ExceptHandler(");
        if (h->type != NULL) {
            buf_puts(b, "type=");
            dump_expr(b, h->type);
            buf_puts(b, ", ");
        }
        if (h->name != NULL) {
            buf_puts(b, "name=");
            dump_ident(b, h->name);
            buf_puts(b, ", ");
        }
        buf_puts(b, "body=");
        dump_stmts(b, &h->body);
        DUMP_LOC(b, false, h);
        buf_puts(b, ")");
    }
    buf_puts(b, "]");
}

static void dump_aliases(TwDumpBuf *b, const TwAliasSeq *seq)
{
    buf_puts(b, "[");
    for (int i = 0; i < seq->count; i++) {
        const TwAlias *a = seq->items[i];
        if (i > 0) {
            buf_puts(b, ", ");
        }
        buf_puts(b, "alias(name=");
        dump_ident(b, a->name);
        if (a->asname != NULL) {
            buf_puts(b, ", asname=");
            dump_ident(b, a->asname);
        }
        DUMP_LOC(b, false, a);
        buf_puts(b, ")");
    }
    buf_puts(b, "]");
}

static void dump_identifiers(TwDumpBuf *b, const TwIdentifierSeq *seq)
{
    buf_puts(b, "[");
    for (int i = 0; i < seq->count; i++) {
        if (i > 0) {
            buf_puts(b, ", ");
        }
        dump_ident(b, seq->items[i]);
    }
    buf_puts(b, "]");
}

static void dump_stmt_body(TwDumpBuf *b, const TwStmt *s);

static void dump_stmt(TwDumpBuf *b, const TwStmt *s)
{
    if (b->depth >= TW_DUMP_MAX_DEPTH) {
        buf_puts(b, "...");
        return;
    }
    b->depth++;
    dump_stmt_body(b, s);
    b->depth--;
}

static void dump_stmt_body(TwDumpBuf *b, const TwStmt *s)
{
    buf_puts(b, tw_stmt_kind_name(s->kind));
    buf_puts(b, "(");
    switch (s->kind) {
    case TW_STMT_FUNCTIONDEF:
        buf_puts(b, "name=");
        dump_ident(b, s->v.FunctionDef.name);
        buf_puts(b, ", args=");
        dump_arguments(b, s->v.FunctionDef.args);
        buf_puts(b, ", body=");
        dump_stmts(b, &s->v.FunctionDef.body);
        buf_puts(b, ", decorator_list=");
        dump_exprs(b, &s->v.FunctionDef.decorator_list);
        dump_opt_expr(b, "returns", s->v.FunctionDef.returns);
        break;
    case TW_STMT_CLASSDEF:
        buf_puts(b, "name=");
        dump_ident(b, s->v.ClassDef.name);
        buf_puts(b, ", bases=");
        dump_exprs(b, &s->v.ClassDef.bases);
        buf_puts(b, ", keywords=");
        dump_keywords(b, &s->v.ClassDef.keywords);
        buf_puts(b, ", body=");
        dump_stmts(b, &s->v.ClassDef.body);
        buf_puts(b, ", decorator_list=");
        dump_exprs(b, &s->v.ClassDef.decorator_list);
        break;
    case TW_STMT_RETURN:
        if (s->v.Return.value != NULL) {
            buf_puts(b, "value=");
            dump_expr(b, s->v.Return.value);
        }
        break;
    case TW_STMT_DELETE:
        buf_puts(b, "targets=");
        dump_exprs(b, &s->v.Delete.targets);
        break;
    case TW_STMT_ASSIGN:
        buf_puts(b, "targets=");
        dump_exprs(b, &s->v.Assign.targets);
        buf_puts(b, ", value=");
        dump_expr(b, s->v.Assign.value);
        break;
    case TW_STMT_AUGASSIGN:
        buf_puts(b, "target=");
        dump_expr(b, s->v.AugAssign.target);
        buf_printf(b, ", op=%s(), value=", tw_operator_name(s->v.AugAssign.op));
        dump_expr(b, s->v.AugAssign.value);
        break;
    case TW_STMT_ANNASSIGN:
        buf_puts(b, "target=");
        dump_expr(b, s->v.AnnAssign.target);
        buf_puts(b, ", annotation=");
        dump_expr(b, s->v.AnnAssign.annotation);
        buf_printf(b, ", simple=%d", s->v.AnnAssign.simple ? 1 : 0);
        break;
    case TW_STMT_FOR:
        buf_puts(b, "target=");
        dump_expr(b, s->v.For.target);
        buf_puts(b, ", iter=");
        dump_expr(b, s->v.For.iter);
        buf_puts(b, ", body=");
        dump_stmts(b, &s->v.For.body);
        buf_puts(b, ", orelse=");
        dump_stmts(b, &s->v.For.orelse);
        break;
    case TW_STMT_WHILE:
    case TW_STMT_IF:
        buf_puts(b, "test=");
        dump_expr(b, s->v.If.test);
        buf_puts(b, ", body=");
        dump_stmts(b, &s->v.If.body);
        buf_puts(b, ", orelse=");
        dump_stmts(b, &s->v.If.orelse);
        break;
    case TW_STMT_WITH:
        buf_puts(b, "items=[");
        for (int i = 0; i < s->v.With.items.count; i++) {
            const TwWithItem *w = s->v.With.items.items[i];
            buf_puts(b, i ? ", withitem(context_expr=" : "withitem(context_expr=");
            dump_expr(b, w->context_expr);
            dump_opt_expr(b, "optional_vars", w->optional_vars);
            buf_puts(b, ")");
        }
        buf_puts(b, "], body=");
        dump_stmts(b, &s->v.With.body);
        break;
    case TW_STMT_RAISE:
        if (s->v.Raise.exc != NULL) {
            buf_puts(b, "exc=");
            dump_expr(b, s->v.Raise.exc);
            dump_opt_expr(b, "cause", s->v.Raise.cause);
        } else if (s->v.Raise.cause != NULL) {
            buf_puts(b, "cause=");
            dump_expr(b, s->v.Raise.cause);
        }
        break;
    case TW_STMT_TRY:
        buf_puts(b, "body=");
        dump_stmts(b, &s->v.Try.body);
        buf_puts(b, ", handlers=");
        dump_handlers(b, &s->v.Try.handlers);
        buf_puts(b, ", orelse=");
        dump_stmts(b, &s->v.Try.orelse);
        buf_puts(b, ", finalbody=");
        dump_stmts(b, &s->v.Try.finalbody);
        break;
    case TW_STMT_ASSERT:
        buf_puts(b, "test=");
        dump_expr(b, s->v.Assert.test);
        dump_opt_expr(b, "msg", s->v.Assert.msg);
        break;
    case TW_STMT_IMPORT:
        buf_puts(b, "names=");
        dump_aliases(b, &s->v.Import.names);
        break;
    case TW_STMT_IMPORTFROM:
        if (s->v.ImportFrom.module != NULL) {
            buf_puts(b, "module=");
            dump_ident(b, s->v.ImportFrom.module);
            buf_puts(b, ", ");
        }
        buf_puts(b, "names=");
        dump_aliases(b, &s->v.ImportFrom.names);
        buf_printf(b, ", level=%d", s->v.ImportFrom.level);
        break;
    case TW_STMT_GLOBAL:
        buf_puts(b, "names=");
        dump_identifiers(b, &s->v.Global.names);
        break;
    case TW_STMT_NONLOCAL:
        buf_puts(b, "names=");
        dump_identifiers(b, &s->v.Nonlocal.names);
        break;
    case TW_STMT_EXPR:
        buf_puts(b, "value=");
        dump_expr(b, s->v.Expr.value);
        break;
    case TW_STMT_PASS:
    case TW_STMT_BREAK:
    case TW_STMT_CONTINUE:
        break;
    }
    bool nofields = s->kind == TW_STMT_PASS || s->kind == TW_STMT_BREAK ||
                    s->kind == TW_STMT_CONTINUE ||
                    (s->kind == TW_STMT_RETURN && s->v.Return.value == NULL) ||
                    (s->kind == TW_STMT_RAISE && s->v.Raise.exc == NULL &&
                     s->v.Raise.cause == NULL);
    DUMP_LOC(b, nofields, s);
    buf_puts(b, ")");
}

static void dump_stmts(TwDumpBuf *b, const TwStmtSeq *seq)
{
    buf_puts(b, "[");
    for (int i = 0; i < seq->count; i++) {
        if (i > 0) {
            buf_puts(b, ", ");
        }
        dump_stmt(b, seq->items[i]);
    }
    buf_puts(b, "]");
}

char *tw_ast_dump_module(const TwModule *module)
{
    return tw_ast_dump_module_ex(module, false);
}

char *tw_ast_dump_module_ex(const TwModule *module, bool attributes)
{
    TwDumpBuf b = {0};
    b.attributes = attributes;
    if (module->expr != NULL) {
        buf_puts(&b, "Expression(body=");
        dump_expr(&b, module->expr);
        buf_puts(&b, ")");
    } else {
        buf_puts(&b, "Module(body=");
        dump_stmts(&b, &module->body);
        buf_puts(&b, ", type_ignores=[])");
    }
    return buf_finish(&b);
}

char *tw_ast_dump_expr(const TwExpr *expr)
{
    TwDumpBuf b = {0};
    dump_expr(&b, expr);
    return buf_finish(&b);
}

char *tw_ast_dump_stmt(const TwStmt *stmt)
{
    TwDumpBuf b = {0};
    dump_stmt(&b, stmt);
    return buf_finish(&b);
}
