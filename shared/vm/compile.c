/*
 * compile.c — from the syntax tree to code objects.
 *
 * Two passes, as in CPython:
 *
 *  1. The symbol table.  One scope per module, class, function, lambda and
 *     comprehension records which names each binds, uses, and declares
 *     global or nonlocal.  Analysis then decides, for every name in every
 *     scope, where it lives: a fast local, a cell (a local that an inner
 *     function captures), a free variable (captured from outside), a global,
 *     or (in module and class bodies) a name looked up in a dict.  A
 *     function nested in a class that mentions `super` or `__class__`
 *     captures an implicit `__class__` cell of the class body, which the
 *     class statement fills once the class exists.
 *
 *  2. Code generation walks the tree once per scope, emitting fixed-width
 *     instructions (opcodes.h) with jumps to labels patched at the end.
 *     Loops and try/with statements push "frame blocks" at compile time, so
 *     that `break`, `continue` and `return` emit the clean-up each enclosing
 *     block needs (pop an iterator, call __exit__, run a finally body).
 *     Finally the maximum value-stack depth is found by walking every path
 *     through the code.
 *
 * Comprehensions and generator expressions are nested functions called
 * with the iterator of their first `for`, as in CPython 3.11.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ast.h's comparison operators share names with object.h's rich
 * comparison constants: rename the AST's while including it. */
#define TW_EQ TW_AST_EQ
#define TW_LT TW_AST_LT
#define TW_GT TW_AST_GT
#include "compiler/ast.h"
#include "compiler/parser.h"
#include "compiler/tokenizer.h"
#undef TW_EQ
#undef TW_LT
#undef TW_GT

#include "twinpy/vm.h"
#include "vm/opcodes.h"
#include "vm/vm_internal.h"

/* ================================================================== */
/* A small string-keyed hash map (name -> int)                          */
/* ================================================================== */

typedef struct {
    const char **keys;
    int *vals;
    int cap, count;
} NameMap;

static unsigned name_hash(const char *s)
{
    unsigned h = 2166136261u;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

static int namemap_get(const NameMap *m, const char *k)
{
    if (m->cap == 0)
        return -1;
    unsigned i = name_hash(k) & (unsigned)(m->cap - 1);
    while (m->keys[i]) {
        if (m->keys[i] == k || strcmp(m->keys[i], k) == 0)
            return m->vals[i];
        i = (i + 1) & (unsigned)(m->cap - 1);
    }
    return -1;
}

static int namemap_put(NameMap *m, const char *k, int v)
{
    if ((m->count + 1) * 2 > m->cap) {
        int ncap = m->cap ? m->cap * 2 : 16;
        const char **nk = calloc((size_t)ncap, sizeof(char *));
        int *nv = calloc((size_t)ncap, sizeof(int));
        if (!nk || !nv) {
            free(nk);
            free(nv);
            return -1;
        }
        for (int j = 0; j < m->cap; j++) {
            if (m->keys[j]) {
                unsigned i = name_hash(m->keys[j]) & (unsigned)(ncap - 1);
                while (nk[i])
                    i = (i + 1) & (unsigned)(ncap - 1);
                nk[i] = m->keys[j];
                nv[i] = m->vals[j];
            }
        }
        free(m->keys);
        free(m->vals);
        m->keys = nk;
        m->vals = nv;
        m->cap = ncap;
    }
    unsigned i = name_hash(k) & (unsigned)(m->cap - 1);
    while (m->keys[i]) {
        if (m->keys[i] == k || strcmp(m->keys[i], k) == 0) {
            m->vals[i] = v;
            return 0;
        }
        i = (i + 1) & (unsigned)(m->cap - 1);
    }
    m->keys[i] = k;
    m->vals[i] = v;
    m->count++;
    return 0;
}

static void namemap_free(NameMap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* ================================================================== */
/* Symbol table                                                         */
/* ================================================================== */

enum {
    DEF_LOCAL = 1 << 0,      /* bound in this scope                      */
    DEF_PARAM = 1 << 1,
    DEF_GLOBAL = 1 << 2,     /* `global` statement                       */
    DEF_NONLOCAL = 1 << 3,
    USE = 1 << 4,
    DEF_FREE_CLASS = 1 << 5, /* class scope: also passes a free var on   */
    DEF_IMPORT = 1 << 6,
};

typedef enum { SC_UNKNOWN, SC_LOCAL, SC_GLOBAL_EXPLICIT, SC_GLOBAL_IMPLICIT, SC_FREE, SC_CELL } SymScope;
typedef enum { ST_MODULE, ST_CLASS, ST_FUNCTION } ScopeKind;

typedef struct {
    const char *name;
    int flags;
    SymScope scope;
    int line, col;           /* first global/nonlocal declaration, for errors */
} Symbol;

typedef struct Scope {
    ScopeKind kind;
    const void *node;        /* the AST node that opened it              */
    const char *name;
    struct Scope *parent;
    struct Scope **children;
    int nchildren, capchildren;
    Symbol *syms;
    int nsyms, capsyms;
    NameMap index;           /* name -> syms index                        */
    const char **params;     /* parameter names in order                  */
    int nparams, capparams;
    bool is_generator;
    bool is_comprehension;
    bool is_lambda;
    bool needs_class_cell;   /* class: some method uses __class__/super   */
    bool uses_class_cell;    /* function: references __class__            */
} Scope;

typedef struct Compiler Compiler;

static Symbol *scope_sym(Scope *s, const char *name, bool create)
{
    int i = namemap_get(&s->index, name);
    if (i >= 0)
        return &s->syms[i];
    if (!create)
        return NULL;
    if (s->nsyms == s->capsyms) {
        int nc = s->capsyms ? s->capsyms * 2 : 16;
        Symbol *n = realloc(s->syms, (size_t)nc * sizeof(Symbol));
        if (!n)
            return NULL;
        s->syms = n;
        s->capsyms = nc;
    }
    Symbol *sym = &s->syms[s->nsyms];
    memset(sym, 0, sizeof *sym);
    sym->name = name;
    if (namemap_put(&s->index, name, s->nsyms) < 0)
        return NULL;
    s->nsyms++;
    return sym;
}

static void scope_free(Scope *s)
{
    if (s == NULL)
        return;
    for (int i = 0; i < s->nchildren; i++)
        scope_free(s->children[i]);
    free(s->children);
    free(s->syms);
    free(s->params);
    namemap_free(&s->index);
    free(s);
}

/* ================================================================== */
/* The compiler state                                                   */
/* ================================================================== */

typedef enum { FB_WHILE, FB_FOR, FB_TRY_EXCEPT, FB_FINALLY_TRY, FB_FINALLY_END, FB_WITH,
               FB_HANDLER_CLEANUP, FB_POP_VALUE } FBlockKind;

typedef struct {
    FBlockKind kind;
    int label_continue;      /* loops: where `continue` goes              */
    int label_break;         /* loops: where `break` goes                 */
    const TwStmtSeq *finalbody; /* FINALLY_TRY                            */
    const char *name;        /* HANDLER_CLEANUP: the `as` name or NULL    */
} FBlock;

/* CPython's CO_MAXBLOCKS: a 21st nested loop, with or finally block is
 * "too many statically nested blocks". */
#define MAX_FBLOCKS 20

typedef struct Unit {
    struct Unit *parent;
    Scope *scope;
    uint32_t *code;
    TwCodePosition *pos;
    int ncode, capcode;
    TwObject *consts;        /* list                                      */
    TwObject *const_index;   /* dict: (value, type) -> index              */
    TwObject *names;         /* list of str                               */
    NameMap names_map;
    const char **varnames;
    int nvarnames, capvarnames;
    NameMap varnames_map;
    const char **cellvars;
    int ncellvars, capcellvars;
    const char **freevars;
    int nfreevars, capfreevars;
    int *labels;
    int nlabels, caplabels;
    FBlock fblocks[MAX_FBLOCKS];
    int nfblocks;
    int depth_blocks, max_blocks;  /* runtime block-stack nesting        */
    TwObject *qualname;
    const char *name;
    int firstlineno;
    int argcount, posonlyargcount, kwonlyargcount;
    int flags;
    TwCodePosition cur;
} Unit;

struct Compiler {
    const char *filename;
    const char *src;
    size_t srclen;
    TwObject *filename_obj;
    Scope *top;
    Unit *u;
    bool failed;
    int depth;               /* recursion depth of the walkers            */
};

/* ---------------- errors -------------------------------------------- */

static char *source_line(Compiler *c, int lineno)
{
    const char *p = c->src, *end = c->src + c->srclen;
    for (int l = 1; l < lineno && p < end; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return NULL;
        p = nl + 1;
    }
    if (p >= end)
        return NULL;
    const char *e = memchr(p, '\n', (size_t)(end - p));
    if (!e)
        e = end;
    size_t n = (size_t)(e - p);
    if (n && p[n - 1] == '\r')
        n--;
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, p, n);
        s[n] = 0;
    }
    return s;
}

/* SyntaxError(msg, (filename, lineno, offset, text, end_lineno, end_offset)) */
static void raise_syntax_error_at(TwObject *type, const char *filename, const char *msg, int line,
                                  int offset, const char *text, int end_line, int end_offset)
{
    if (line == 0) {
        /* No location (undecodable source): CPython prints the message alone. */
        tw_err_set_string(type, msg);
        return;
    }
    TwObject *m = tw_str_from_cstr(msg);
    TwObject *fn = tw_str_from_cstr(filename);
    TwObject *ln = tw_int_from_i64(line);
    TwObject *off = tw_int_from_i64(offset);
    TwObject *tx = text ? tw_str_from_cstr(text) : tw_newref(Tw_None);
    TwObject *eln = tw_int_from_i64(end_line);
    TwObject *eoff = tw_int_from_i64(end_offset);
    TwObject *loc = NULL, *args = NULL;
    if (m && fn && ln && off && tx && eln && eoff)
        loc = tw_tuple_pack(6, fn, ln, off, tx, eln, eoff);
    if (loc)
        args = tw_tuple_pack(2, m, loc);
    TW_XDECREF(m);
    TW_XDECREF(fn);
    TW_XDECREF(ln);
    TW_XDECREF(off);
    TW_XDECREF(tx);
    TW_XDECREF(eln);
    TW_XDECREF(eoff);
    TW_XDECREF(loc);
    if (args == NULL)
        return;
    TwObject *exc = tw_call_tuple_dict(type, args, NULL);
    TW_DECREF(args);
    if (exc)
        tw_err_raise(exc);
}

static int compiler_error(Compiler *c, int line, int col, int end_line, int end_col, const char *fmt, ...)
{
    if (c->failed)
        return -1;
    c->failed = true;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char *text = source_line(c, line);
    int offset = col + 1, end_offset = end_col + 1;
    if (text) {
        size_t tl = strlen(text);
        offset = tw_utf8_char_count(text, (size_t)col < tl ? (size_t)col : tl) + 1;
        if (end_line == line && end_col >= 0)
            end_offset = tw_utf8_char_count(text, (size_t)end_col < tl ? (size_t)end_col : tl) + 1;
    }
    raise_syntax_error_at(TwExc_SyntaxError, c->filename, msg, line, offset, text, end_line,
                          end_offset);
    free(text);
    return -1;
}

#define ERR_EXPR(c, e, ...) compiler_error((c), (e)->line, (e)->col, (e)->end_line, (e)->end_col, __VA_ARGS__)
#define ERR_STMT(c, s, ...) compiler_error((c), (s)->line, (s)->col, (s)->end_line, (s)->end_col, __VA_ARGS__)

/* A SyntaxWarning, printed as the warnings module prints it. */
static void compiler_warn(Compiler *c, int line, const char *msg)
{
    fprintf(stderr, "%s:%d: SyntaxWarning: %s\n", c->filename, line, msg);
    char *text = source_line(c, line);
    if (text) {
        char *p = text;
        while (*p == ' ' || *p == '\t')
            p++;
        size_t n = strlen(p);
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        fprintf(stderr, "  %.*s\n", (int)n, p);
        free(text);
    }
}

/* A tree too deep to compile (a chain like 1+1+1+... thousands long):
 * RecursionError, as CPython's compiler raises. */
static int too_deep(Compiler *c)
{
    if (!c->failed) {
        c->failed = true;
        tw_err_set_string(TwExc_RecursionError, "maximum recursion depth exceeded during compilation");
    }
    return -1;
}

static int no_memory(Compiler *c)
{
    if (!c->failed) {
        c->failed = true;
        if (!tw_err_occurred())
            tw_err_no_memory();
    }
    return -1;
}

/* ================================================================== */
/* Symbol table: building                                               */
/* ================================================================== */

typedef struct {
    Compiler *c;
    Scope *cur;
} SymBuilder;

static Scope *scope_new(SymBuilder *b, ScopeKind kind, const void *node, const char *name)
{
    Scope *s = calloc(1, sizeof(Scope));
    if (!s)
        return NULL;
    s->kind = kind;
    s->node = node;
    s->name = name;
    s->parent = b->cur;
    if (b->cur) {
        Scope *p = b->cur;
        if (p->nchildren == p->capchildren) {
            int nc = p->capchildren ? p->capchildren * 2 : 4;
            Scope **n = realloc(p->children, (size_t)nc * sizeof(Scope *));
            if (!n) {
                free(s);
                return NULL;
            }
            p->children = n;
            p->capchildren = nc;
        }
        p->children[p->nchildren++] = s;
    }
    return s;
}

static int sym_add(SymBuilder *b, const char *name, int flag, int line, int col)
{
    Scope *s = b->cur;
    Symbol *sym = scope_sym(s, name, true);
    if (!sym)
        return no_memory(b->c);
    if (flag == DEF_PARAM) {
        if (sym->flags & DEF_PARAM)
            return compiler_error(b->c, line, col, line, col, "duplicate argument '%s' in function definition", name);
        if (s->nparams == s->capparams) {
            int nc = s->capparams ? s->capparams * 2 : 8;
            const char **n = realloc(s->params, (size_t)nc * sizeof(char *));
            if (!n)
                return no_memory(b->c);
            s->params = n;
            s->capparams = nc;
        }
        s->params[s->nparams++] = name;
    }
    sym->flags |= flag;
    return 0;
}

static int sym_expr(SymBuilder *b, const TwExpr *e);
static int sym_stmts(SymBuilder *b, const TwStmtSeq *seq);

static int sym_exprs(SymBuilder *b, const TwExprSeq *seq)
{
    for (int i = 0; i < seq->count; i++)
        if (seq->items[i] && sym_expr(b, seq->items[i]) < 0)
            return -1;
    return 0;
}

static int sym_args_defaults(SymBuilder *b, const TwArguments *a)
{
    if (sym_exprs(b, &a->defaults) < 0)
        return -1;
    for (int i = 0; i < a->kw_defaults.count; i++)
        if (a->kw_defaults.items[i] && sym_expr(b, a->kw_defaults.items[i]) < 0)
            return -1;
    return 0;
}

static int sym_params(SymBuilder *b, const TwArguments *a)
{
    for (int i = 0; i < a->posonlyargs.count; i++)
        if (sym_add(b, a->posonlyargs.items[i]->arg, DEF_PARAM, a->posonlyargs.items[i]->line, a->posonlyargs.items[i]->col) < 0)
            return -1;
    for (int i = 0; i < a->args.count; i++)
        if (sym_add(b, a->args.items[i]->arg, DEF_PARAM, a->args.items[i]->line, a->args.items[i]->col) < 0)
            return -1;
    for (int i = 0; i < a->kwonlyargs.count; i++)
        if (sym_add(b, a->kwonlyargs.items[i]->arg, DEF_PARAM, a->kwonlyargs.items[i]->line, a->kwonlyargs.items[i]->col) < 0)
            return -1;
    if (a->vararg && sym_add(b, a->vararg->arg, DEF_PARAM, a->vararg->line, a->vararg->col) < 0)
        return -1;
    if (a->kwarg && sym_add(b, a->kwarg->arg, DEF_PARAM, a->kwarg->line, a->kwarg->col) < 0)
        return -1;
    return 0;
}

/* A comprehension: the first iterable is evaluated outside; everything
 * else in a new function scope whose one parameter is ".0". */
static int sym_comprehension(SymBuilder *b, const TwExpr *e, const TwComprehensionSeq *gens,
                             const TwExpr *elt, const TwExpr *value, bool is_gen)
{
    if (sym_expr(b, gens->items[0]->iter) < 0)
        return -1;
    const char *names[] = {"<listcomp>", "<setcomp>", "<dictcomp>", "<genexpr>"};
    const char *name = e->kind == TW_EXPR_LISTCOMP ? names[0] : e->kind == TW_EXPR_SETCOMP ? names[1]
                       : e->kind == TW_EXPR_DICTCOMP ? names[2] : names[3];
    Scope *s = scope_new(b, ST_FUNCTION, e, name);
    if (!s)
        return no_memory(b->c);
    s->is_comprehension = true;
    s->is_generator = is_gen;
    Scope *saved = b->cur;
    b->cur = s;
    if (sym_add(b, ".0", DEF_PARAM, e->line, e->col) < 0)
        return -1;
    for (int i = 0; i < gens->count; i++) {
        const TwComprehension *g = gens->items[i];
        if (i > 0 && sym_expr(b, g->iter) < 0)
            return -1;
        if (sym_expr(b, g->target) < 0)
            return -1;
        if (sym_exprs(b, &g->ifs) < 0)
            return -1;
    }
    if (elt && sym_expr(b, elt) < 0)
        return -1;
    if (value && sym_expr(b, value) < 0)
        return -1;
    b->cur = saved;
    return 0;
}

static int sym_name(SymBuilder *b, const char *id, TwExprContext ctx, int line, int col)
{
    if (ctx == TW_LOAD) {
        if (sym_add(b, id, USE, line, col) < 0)
            return -1;
        /* super() and __class__ in a method need the class cell */
        if (b->cur->kind == ST_FUNCTION && (strcmp(id, "super") == 0 || strcmp(id, "__class__") == 0)) {
            b->cur->uses_class_cell = true;
            if (sym_add(b, "__class__", USE, line, col) < 0)
                return -1;
        }
        return 0;
    }
    return sym_add(b, id, DEF_LOCAL, line, col);
}

/* `(x := v)` inside a comprehension binds x in the scope that contains
 * the comprehension (PEP 572): local there, and reached from each
 * comprehension in between as a free variable (or a global at module
 * level). */
static int sym_comprehension_walrus(SymBuilder *b, const TwExpr *e)
{
    const char *name = e->v.NamedExpr.target->v.Name.id;
    Scope *target = b->cur;
    while (target->is_comprehension)
        target = target->parent;
    if (target->kind == ST_CLASS)
        return ERR_EXPR(b->c, e, "assignment expression within a comprehension cannot be used in a class body");
    int through = target->kind == ST_MODULE ? DEF_GLOBAL : DEF_NONLOCAL;
    for (Scope *s = b->cur; s != target; s = s->parent) {
        Symbol *sym = scope_sym(s, name, true);
        if (!sym)
            return no_memory(b->c);
        sym->flags |= through;
        if (sym->line == 0) {
            sym->line = e->line;
            sym->col = e->col;
        }
    }
    Symbol *sym = scope_sym(target, name, true);
    if (!sym)
        return no_memory(b->c);
    sym->flags |= DEF_LOCAL;
    return 0;
}

static int sym_expr(SymBuilder *b, const TwExpr *e)
{
    if (++b->c->depth > TW_AST_MAX_DEPTH + 100) {
        b->c->depth--;
        return too_deep(b->c);
    }
    int r = 0;
    switch (e->kind) {
    case TW_EXPR_BOOLOP: r = sym_exprs(b, &e->v.BoolOp.values); break;
    case TW_EXPR_NAMEDEXPR:
        r = sym_expr(b, e->v.NamedExpr.value);
        if (r == 0 && b->cur->is_comprehension && e->v.NamedExpr.target->kind == TW_EXPR_NAME)
            r = sym_comprehension_walrus(b, e);
        else if (r == 0)
            r = sym_expr(b, e->v.NamedExpr.target);
        break;
    case TW_EXPR_BINOP:
        r = sym_expr(b, e->v.BinOp.left);
        if (r == 0)
            r = sym_expr(b, e->v.BinOp.right);
        break;
    case TW_EXPR_UNARYOP: r = sym_expr(b, e->v.UnaryOp.operand); break;
    case TW_EXPR_LAMBDA: {
        if (sym_args_defaults(b, e->v.Lambda.args) < 0)
            return -1;
        Scope *s = scope_new(b, ST_FUNCTION, e, "<lambda>");
        if (!s)
            return no_memory(b->c);
        s->is_lambda = true;
        Scope *saved = b->cur;
        b->cur = s;
        r = sym_params(b, e->v.Lambda.args);
        if (r == 0)
            r = sym_expr(b, e->v.Lambda.body);
        b->cur = saved;
        break;
    }
    case TW_EXPR_IFEXP:
        r = sym_expr(b, e->v.IfExp.test);
        if (r == 0)
            r = sym_expr(b, e->v.IfExp.body);
        if (r == 0)
            r = sym_expr(b, e->v.IfExp.orelse);
        break;
    case TW_EXPR_DICT:
        r = sym_exprs(b, &e->v.Dict.keys);
        if (r == 0)
            r = sym_exprs(b, &e->v.Dict.values);
        break;
    case TW_EXPR_SET: r = sym_exprs(b, &e->v.Set.elts); break;
    case TW_EXPR_LISTCOMP:
        r = sym_comprehension(b, e, &e->v.ListComp.generators, e->v.ListComp.elt, NULL, false);
        break;
    case TW_EXPR_SETCOMP:
        r = sym_comprehension(b, e, &e->v.SetComp.generators, e->v.SetComp.elt, NULL, false);
        break;
    case TW_EXPR_GENERATOREXP:
        r = sym_comprehension(b, e, &e->v.GeneratorExp.generators, e->v.GeneratorExp.elt, NULL, true);
        break;
    case TW_EXPR_DICTCOMP:
        r = sym_comprehension(b, e, &e->v.DictComp.generators, e->v.DictComp.key,
                              e->v.DictComp.value, false);
        break;
    case TW_EXPR_YIELD:
    case TW_EXPR_YIELDFROM: {
        if (b->cur->kind != ST_FUNCTION) {
            r = ERR_EXPR(b->c, e, "'yield' outside function");
            break;
        }
        if (b->cur->is_comprehension) {
            r = ERR_EXPR(b->c, e, "'yield' inside %s",
                         strcmp(b->cur->name, "<genexpr>") == 0 ? "generator expression"
                         : strcmp(b->cur->name, "<listcomp>") == 0 ? "list comprehension"
                         : strcmp(b->cur->name, "<setcomp>") == 0 ? "set comprehension"
                                                                   : "dict comprehension");
            break;
        }
        b->cur->is_generator = true;
        const TwExpr *v = e->kind == TW_EXPR_YIELD ? e->v.Yield.value : e->v.YieldFrom.value;
        if (v)
            r = sym_expr(b, v);
        break;
    }
    case TW_EXPR_COMPARE:
        r = sym_expr(b, e->v.Compare.left);
        if (r == 0)
            r = sym_exprs(b, &e->v.Compare.comparators);
        break;
    case TW_EXPR_CALL:
        r = sym_expr(b, e->v.Call.func);
        if (r == 0)
            r = sym_exprs(b, &e->v.Call.args);
        for (int i = 0; r == 0 && i < e->v.Call.keywords.count; i++)
            r = sym_expr(b, e->v.Call.keywords.items[i]->value);
        break;
    case TW_EXPR_FORMATTEDVALUE:
        r = sym_expr(b, e->v.FormattedValue.value);
        if (r == 0 && e->v.FormattedValue.format_spec)
            r = sym_expr(b, e->v.FormattedValue.format_spec);
        break;
    case TW_EXPR_JOINEDSTR: r = sym_exprs(b, &e->v.JoinedStr.values); break;
    case TW_EXPR_CONSTANT: break;
    case TW_EXPR_ATTRIBUTE: r = sym_expr(b, e->v.Attribute.value); break;
    case TW_EXPR_SUBSCRIPT:
        r = sym_expr(b, e->v.Subscript.value);
        if (r == 0)
            r = sym_expr(b, e->v.Subscript.slice);
        break;
    case TW_EXPR_STARRED: r = sym_expr(b, e->v.Starred.value); break;
    case TW_EXPR_NAME: r = sym_name(b, e->v.Name.id, e->v.Name.ctx, e->line, e->col); break;
    case TW_EXPR_LIST: r = sym_exprs(b, &e->v.List.elts); break;
    case TW_EXPR_TUPLE: r = sym_exprs(b, &e->v.Tuple.elts); break;
    case TW_EXPR_SLICE:
        if (e->v.Slice.lower)
            r = sym_expr(b, e->v.Slice.lower);
        if (r == 0 && e->v.Slice.upper)
            r = sym_expr(b, e->v.Slice.upper);
        if (r == 0 && e->v.Slice.step)
            r = sym_expr(b, e->v.Slice.step);
        break;
    }
    b->c->depth--;
    return r;
}

static int sym_declare(SymBuilder *b, const TwStmt *s, const char *name, bool global)
{
    Scope *sc = b->cur;
    Symbol *sym = scope_sym(sc, name, false);
    if (sym) {
        int other = global ? DEF_NONLOCAL : DEF_GLOBAL;
        if (sym->flags & other)
            return ERR_STMT(b->c, s, "name '%s' is nonlocal and global", name);
        if (sym->flags & DEF_PARAM)
            return ERR_STMT(b->c, s, "name '%s' is parameter and %s", name, global ? "global" : "nonlocal");
        if (sym->flags & DEF_LOCAL)
            return ERR_STMT(b->c, s, "name '%s' is assigned to before %s declaration", name,
                            global ? "global" : "nonlocal");
        if (sym->flags & USE)
            return ERR_STMT(b->c, s, "name '%s' is used prior to %s declaration", name,
                            global ? "global" : "nonlocal");
    }
    if (!global && sc->kind == ST_MODULE)
        return ERR_STMT(b->c, s, "nonlocal declaration not allowed at module level");
    if (sym_add(b, name, global ? DEF_GLOBAL : DEF_NONLOCAL, s->line, s->col) < 0)
        return -1;
    sym = scope_sym(sc, name, false);
    if (sym->line == 0) {
        sym->line = s->line;
        sym->col = s->col;
    }
    return 0;
}

static int sym_stmt(SymBuilder *b, const TwStmt *s)
{
    int r = 0;
    switch (s->kind) {
    case TW_STMT_FUNCTIONDEF: {
        const TwArguments *a = s->v.FunctionDef.args;
        if (sym_exprs(b, &s->v.FunctionDef.decorator_list) < 0 || sym_args_defaults(b, a) < 0)
            return -1;
        if (sym_add(b, s->v.FunctionDef.name, DEF_LOCAL, s->line, s->col) < 0)
            return -1;
        Scope *fs = scope_new(b, ST_FUNCTION, s, s->v.FunctionDef.name);
        if (!fs)
            return no_memory(b->c);
        Scope *saved = b->cur;
        b->cur = fs;
        r = sym_params(b, a);
        if (r == 0)
            r = sym_stmts(b, &s->v.FunctionDef.body);
        b->cur = saved;
        break;
    }
    case TW_STMT_CLASSDEF: {
        if (sym_exprs(b, &s->v.ClassDef.decorator_list) < 0 || sym_exprs(b, &s->v.ClassDef.bases) < 0)
            return -1;
        for (int i = 0; i < s->v.ClassDef.keywords.count; i++)
            if (sym_expr(b, s->v.ClassDef.keywords.items[i]->value) < 0)
                return -1;
        if (sym_add(b, s->v.ClassDef.name, DEF_LOCAL, s->line, s->col) < 0)
            return -1;
        Scope *cs = scope_new(b, ST_CLASS, s, s->v.ClassDef.name);
        if (!cs)
            return no_memory(b->c);
        Scope *saved = b->cur;
        b->cur = cs;
        r = sym_stmts(b, &s->v.ClassDef.body);
        b->cur = saved;
        break;
    }
    case TW_STMT_RETURN:
        if (s->v.Return.value)
            r = sym_expr(b, s->v.Return.value);
        break;
    case TW_STMT_DELETE: r = sym_exprs(b, &s->v.Delete.targets); break;
    case TW_STMT_ASSIGN:
        r = sym_expr(b, s->v.Assign.value);
        if (r == 0)
            r = sym_exprs(b, &s->v.Assign.targets);
        break;
    case TW_STMT_AUGASSIGN: {
        const TwExpr *t = s->v.AugAssign.target;
        if (t->kind == TW_EXPR_NAME) {
            r = sym_add(b, t->v.Name.id, USE | DEF_LOCAL, t->line, t->col);
        } else {
            r = sym_expr(b, t);
        }
        if (r == 0)
            r = sym_expr(b, s->v.AugAssign.value);
        break;
    }
    case TW_STMT_ANNASSIGN:
        if (s->v.AnnAssign.target->kind == TW_EXPR_NAME)
            r = sym_add(b, s->v.AnnAssign.target->v.Name.id, DEF_LOCAL, s->line, s->col);
        else
            r = sym_expr(b, s->v.AnnAssign.target);
        break;
    case TW_STMT_FOR:
        r = sym_expr(b, s->v.For.target);
        if (r == 0)
            r = sym_expr(b, s->v.For.iter);
        if (r == 0)
            r = sym_stmts(b, &s->v.For.body);
        if (r == 0)
            r = sym_stmts(b, &s->v.For.orelse);
        break;
    case TW_STMT_WHILE:
        r = sym_expr(b, s->v.While.test);
        if (r == 0)
            r = sym_stmts(b, &s->v.While.body);
        if (r == 0)
            r = sym_stmts(b, &s->v.While.orelse);
        break;
    case TW_STMT_IF:
        r = sym_expr(b, s->v.If.test);
        if (r == 0)
            r = sym_stmts(b, &s->v.If.body);
        if (r == 0)
            r = sym_stmts(b, &s->v.If.orelse);
        break;
    case TW_STMT_WITH:
        for (int i = 0; r == 0 && i < s->v.With.items.count; i++) {
            const TwWithItem *it = s->v.With.items.items[i];
            r = sym_expr(b, it->context_expr);
            if (r == 0 && it->optional_vars)
                r = sym_expr(b, it->optional_vars);
        }
        if (r == 0)
            r = sym_stmts(b, &s->v.With.body);
        break;
    case TW_STMT_RAISE:
        if (s->v.Raise.exc)
            r = sym_expr(b, s->v.Raise.exc);
        if (r == 0 && s->v.Raise.cause)
            r = sym_expr(b, s->v.Raise.cause);
        break;
    case TW_STMT_TRY:
        r = sym_stmts(b, &s->v.Try.body);
        for (int i = 0; r == 0 && i < s->v.Try.handlers.count; i++) {
            const TwExceptHandler *h = s->v.Try.handlers.items[i];
            if (h->type)
                r = sym_expr(b, h->type);
            if (r == 0 && h->name)
                r = sym_add(b, h->name, DEF_LOCAL, h->line, h->col);
            if (r == 0)
                r = sym_stmts(b, &h->body);
        }
        if (r == 0)
            r = sym_stmts(b, &s->v.Try.orelse);
        if (r == 0)
            r = sym_stmts(b, &s->v.Try.finalbody);
        break;
    case TW_STMT_ASSERT:
        r = sym_expr(b, s->v.Assert.test);
        if (r == 0 && s->v.Assert.msg)
            r = sym_expr(b, s->v.Assert.msg);
        break;
    case TW_STMT_IMPORT:
        for (int i = 0; r == 0 && i < s->v.Import.names.count; i++) {
            const TwAlias *a = s->v.Import.names.items[i];
            const char *bind = a->asname;
            char *top = NULL;
            if (!bind) {
                const char *dot = strchr(a->name, '.');
                if (dot) {
                    /* binds the top-level package name: keep it in the arena-free heap */
                    top = strndup(a->name, (size_t)(dot - a->name));
                    if (!top)
                        return no_memory(b->c);
                    bind = NULL;
                } else {
                    bind = a->name;
                }
            }
            if (top) {
                /* find an interned twin among existing symbols, else keep top alive */
                Symbol *existing = scope_sym(b->cur, top, false);
                if (existing) {
                    existing->flags |= DEF_LOCAL | DEF_IMPORT;
                    free(top);
                } else {
                    const char *interned = tw_str_intern_cstr(top) ? TW_STR_DATA(tw_str_intern_cstr(top)) : NULL;
                    free(top);
                    if (!interned)
                        return no_memory(b->c);
                    r = sym_add(b, interned, DEF_LOCAL | DEF_IMPORT, a->line, a->col);
                }
            } else {
                r = sym_add(b, bind, DEF_LOCAL | DEF_IMPORT, a->line, a->col);
            }
        }
        break;
    case TW_STMT_IMPORTFROM:
        for (int i = 0; r == 0 && i < s->v.ImportFrom.names.count; i++) {
            const TwAlias *a = s->v.ImportFrom.names.items[i];
            if (strcmp(a->name, "*") == 0) {
                if (b->cur->kind != ST_MODULE)
                    return ERR_STMT(b->c, s, "import * only allowed at module level");
                continue;
            }
            r = sym_add(b, a->asname ? a->asname : a->name, DEF_LOCAL | DEF_IMPORT, a->line, a->col);
        }
        break;
    case TW_STMT_GLOBAL:
        for (int i = 0; r == 0 && i < s->v.Global.names.count; i++)
            r = sym_declare(b, s, s->v.Global.names.items[i], true);
        break;
    case TW_STMT_NONLOCAL:
        for (int i = 0; r == 0 && i < s->v.Nonlocal.names.count; i++)
            r = sym_declare(b, s, s->v.Nonlocal.names.items[i], false);
        break;
    case TW_STMT_EXPR: r = sym_expr(b, s->v.Expr.value); break;
    case TW_STMT_PASS:
    case TW_STMT_BREAK:
    case TW_STMT_CONTINUE:
        break;
    }
    return r;
}

static int sym_stmts(SymBuilder *b, const TwStmtSeq *seq)
{
    for (int i = 0; i < seq->count; i++)
        if (sym_stmt(b, seq->items[i]) < 0)
            return -1;
    return 0;
}

/* ================================================================== */
/* Symbol table: analysis                                               */
/* ================================================================== */

/* A set of names as a NameMap with value 1. */
static bool nameset_has(const NameMap *m, const char *k) { return namemap_get(m, k) >= 0; }

static int nameset_copy(NameMap *dst, const NameMap *src)
{
    for (int i = 0; i < src->cap; i++)
        if (src->keys[i] && src->vals[i] >= 0 && namemap_put(dst, src->keys[i], src->vals[i]) < 0)
            return -1;
    return 0;
}

/*
 * Resolve every name of scope s.  `bound` holds the names bound by the
 * enclosing function scopes (visible to closures).  Names free in s — its
 * own and those its children pass through it — are added to `free_out`.
 */
static int analyze_scope(Compiler *c, Scope *s, const NameMap *bound, NameMap *free_out)
{
    for (int i = 0; i < s->nsyms; i++) {
        Symbol *sym = &s->syms[i];
        if (sym->flags & DEF_GLOBAL) {
            sym->scope = SC_GLOBAL_EXPLICIT;
        } else if (sym->flags & DEF_NONLOCAL) {
            if (!bound || !nameset_has(bound, sym->name))
                return compiler_error(c, sym->line, sym->col, sym->line, sym->col,
                                      "no binding for nonlocal '%s' found", sym->name);
            sym->scope = SC_FREE;
        } else if (sym->flags & (DEF_LOCAL | DEF_PARAM)) {
            sym->scope = SC_LOCAL;
        } else if (bound && nameset_has(bound, sym->name)) {
            sym->scope = SC_FREE;
        } else {
            sym->scope = SC_GLOBAL_IMPLICIT;
        }
    }

    NameMap newbound = {0};
    if (bound && s->kind != ST_MODULE && nameset_copy(&newbound, bound) < 0)
        return no_memory(c);
    if (s->kind == ST_FUNCTION) {
        for (int i = 0; i < s->nsyms; i++) {
            Symbol *sym = &s->syms[i];
            if (sym->scope == SC_LOCAL || sym->scope == SC_FREE) {
                if (namemap_put(&newbound, sym->name, 1) < 0)
                    return no_memory(c);
            } else if (sym->scope == SC_GLOBAL_EXPLICIT) {
                if (namemap_put(&newbound, sym->name, -1) < 0)
                    return no_memory(c);
            }
        }
    } else if (s->kind == ST_CLASS) {
        if (namemap_put(&newbound, "__class__", 1) < 0)
            return no_memory(c);
    }

    for (int k = 0; k < s->nchildren; k++) {
        NameMap child_free = {0};
        if (analyze_scope(c, s->children[k], &newbound, &child_free) < 0) {
            namemap_free(&child_free);
            namemap_free(&newbound);
            return -1;
        }
        for (int j = 0; j < child_free.cap; j++) {
            const char *name = child_free.keys[j];
            if (!name)
                continue;
            if (s->kind == ST_CLASS && strcmp(name, "__class__") == 0) {
                s->needs_class_cell = true;
                continue;
            }
            Symbol *sym = scope_sym(s, name, false);
            if (s->kind == ST_FUNCTION && sym && (sym->scope == SC_LOCAL || sym->scope == SC_CELL)) {
                sym->scope = SC_CELL;
                continue;
            }
            if (sym && sym->scope == SC_FREE)
                continue;
            /* passes through s to an outer function */
            if (!sym) {
                sym = scope_sym(s, name, true);
                if (!sym) {
                    namemap_free(&child_free);
                    namemap_free(&newbound);
                    return no_memory(c);
                }
                sym->scope = SC_FREE;
            } else if (s->kind == ST_CLASS) {
                sym->flags |= DEF_FREE_CLASS;
            } else {
                sym->scope = SC_FREE;
            }
        }
        namemap_free(&child_free);
    }
    namemap_free(&newbound);

    for (int i = 0; i < s->nsyms; i++) {
        Symbol *sym = &s->syms[i];
        if (sym->scope == SC_FREE || (sym->flags & DEF_FREE_CLASS))
            if (namemap_put(free_out, sym->name, 1) < 0)
                return no_memory(c);
    }
    return 0;
}

static Scope *scope_child_for(Scope *s, const void *node)
{
    for (int i = 0; i < s->nchildren; i++)
        if (s->children[i]->node == node)
            return s->children[i];
    return NULL;
}

/* ================================================================== */
/* Emitting code                                                        */
/* ================================================================== */

static int emit(Compiler *c, int op, int arg)
{
    Unit *u = c->u;
    if (arg < 0 || arg > TW_INSTR_ARG_MAX)
        return compiler_error(c, u->cur.lineno, u->cur.col, u->cur.end_lineno, u->cur.end_col,
                              "too many constants, names or instructions");
    if (u->ncode == u->capcode) {
        int nc = u->capcode ? u->capcode * 2 : 64;
        uint32_t *ncode = realloc(u->code, (size_t)nc * sizeof(uint32_t));
        if (!ncode)
            return no_memory(c);
        u->code = ncode;
        TwCodePosition *npos = realloc(u->pos, (size_t)nc * sizeof(TwCodePosition));
        if (!npos)
            return no_memory(c);
        u->pos = npos;
        u->capcode = nc;
    }
    u->code[u->ncode] = TW_INSTR(op, arg);
    u->pos[u->ncode] = u->cur;
    u->ncode++;
    return 0;
}

static int new_label(Compiler *c)
{
    Unit *u = c->u;
    if (u->nlabels == u->caplabels) {
        int nc = u->caplabels ? u->caplabels * 2 : 16;
        int *n = realloc(u->labels, (size_t)nc * sizeof(int));
        if (!n) {
            no_memory(c);
            return 0;
        }
        u->labels = n;
        u->caplabels = nc;
    }
    u->labels[u->nlabels] = -1;
    return u->nlabels++;
}

static void bind_label(Compiler *c, int label) { c->u->labels[label] = c->u->ncode; }

/* Jumps carry a label number until assembly patches in the address. */
static int emit_jump(Compiler *c, int op, int label)
{
    if (op == TW_OP_JUMP_FORWARD && c->u->labels[label] >= 0)
        op = TW_OP_JUMP_BACKWARD;
    return emit(c, op, label);
}

static inline bool is_jump_op(int op)
{
    return op < TW_OP__COUNT && tw_opcode_argkind[op] == TW_ARG_JUMP;
}

/* Constants are shared per code object; (value, type) keys keep 1, 1.0
 * and True apart. */
static int add_const(Compiler *c, TwObject *v)
{
    Unit *u = c->u;
    TwObject *key;
    if (TW_TYPE(v) == &TwFloat_Type) {
        /* by bit pattern: 0.0 and -0.0 are equal but different constants */
        double d = TW_FLOAT_VALUE(v);
        int64_t bits;
        memcpy(&bits, &d, sizeof bits);
        TwObject *b = tw_int_from_i64(bits);
        key = b ? tw_tuple_pack(2, b, (TwObject *)TW_TYPE(v)) : NULL;
        TW_XDECREF(b);
    } else {
        key = tw_tuple_pack(2, v, (TwObject *)TW_TYPE(v));
    }
    if (!key)
        return no_memory(c);
    TwObject *idx = NULL;
    if (!TW_CODE_CHECK(v) && !TW_TUPLE_CHECK(v)) {
        idx = tw_dict_get_borrowed(u->const_index, key);
        if (idx == NULL && tw_err_occurred()) {
            tw_err_clear();
        }
    }
    if (idx) {
        TW_DECREF(key);
        return (int)TW_INT_VALUE(idx);
    }
    int n = (int)TW_LIST_SIZE(u->consts);
    if (tw_list_append(u->consts, v) < 0) {
        TW_DECREF(key);
        return no_memory(c);
    }
    if (!TW_CODE_CHECK(v) && !TW_TUPLE_CHECK(v)) {
        TwObject *ni = tw_int_from_i64(n);
        if (!ni || tw_dict_set(u->const_index, key, ni) < 0) {
            TW_XDECREF(ni);
            TW_DECREF(key);
            return no_memory(c);
        }
        TW_DECREF(ni);
    }
    TW_DECREF(key);
    return n;
}

static int emit_const(Compiler *c, TwObject *v)
{
    int i = add_const(c, v);
    if (i < 0)
        return -1;
    return emit(c, TW_OP_LOAD_CONST, i);
}

/* Emit LOAD_CONST for a new reference and drop it. */
static int emit_const_steal(Compiler *c, TwObject *v)
{
    if (v == NULL)
        return no_memory(c);
    int r = emit_const(c, v);
    TW_DECREF(v);
    return r;
}

static int add_name(Compiler *c, const char *name)
{
    Unit *u = c->u;
    int i = namemap_get(&u->names_map, name);
    if (i >= 0)
        return i;
    TwObject *s = tw_str_intern_cstr(name);
    if (!s)
        return no_memory(c);
    i = (int)TW_LIST_SIZE(u->names);
    if (tw_list_append(u->names, s) < 0 || namemap_put(&u->names_map, name, i) < 0)
        return no_memory(c);
    return i;
}

static int emit_name_op(Compiler *c, int op, const char *name)
{
    int i = add_name(c, name);
    if (i < 0)
        return -1;
    return emit(c, op, i);
}

static int add_str_list(Compiler *c, const char ***arr, int *n, int *cap, const char *name)
{
    if (*n == *cap) {
        int nc = *cap ? *cap * 2 : 8;
        const char **na = realloc(*arr, (size_t)nc * sizeof(char *));
        if (!na)
            return no_memory(c);
        *arr = na;
        *cap = nc;
    }
    (*arr)[(*n)++] = name;
    return *n - 1;
}

static int varname_index(Compiler *c, const char *name)
{
    Unit *u = c->u;
    int i = namemap_get(&u->varnames_map, name);
    if (i >= 0)
        return i;
    i = add_str_list(c, &u->varnames, &u->nvarnames, &u->capvarnames, name);
    if (i < 0 || namemap_put(&u->varnames_map, name, i) < 0)
        return no_memory(c);
    return i;
}

static int deref_index(Compiler *c, const char *name)
{
    Unit *u = c->u;
    for (int i = 0; i < u->ncellvars; i++)
        if (strcmp(u->cellvars[i], name) == 0)
            return i;
    for (int i = 0; i < u->nfreevars; i++)
        if (strcmp(u->freevars[i], name) == 0)
            return u->ncellvars + i;
    return -1;
}

/* ================================================================== */
/* Units                                                                */
/* ================================================================== */

static int unit_enter(Compiler *c, Scope *s, const char *name, TwObject *qualname, int firstlineno)
{
    Unit *u = calloc(1, sizeof(Unit));
    if (!u)
        return no_memory(c);
    u->parent = c->u;
    u->scope = s;
    u->name = name;
    u->qualname = qualname;      /* steals */
    u->firstlineno = firstlineno;
    u->consts = tw_list_new(0);
    u->const_index = tw_dict_new();
    u->names = tw_list_new(0);
    u->cur.lineno = firstlineno;
    u->cur.end_lineno = firstlineno;
    u->cur.col = u->cur.end_col = -1;
    c->u = u;
    if (!u->consts || !u->const_index || !u->names)
        return no_memory(c);
    /* parameters first, then cells (sorted as declared), then frees */
    if (s->kind == ST_FUNCTION) {
        for (int i = 0; i < s->nparams; i++)
            if (varname_index(c, s->params[i]) < 0)
                return -1;
    }
    for (int i = 0; i < s->nsyms; i++) {
        Symbol *sym = &s->syms[i];
        if (sym->scope == SC_CELL && add_str_list(c, &u->cellvars, &u->ncellvars, &u->capcellvars, sym->name) < 0)
            return -1;
    }
    if (s->kind == ST_CLASS && s->needs_class_cell
        && add_str_list(c, &u->cellvars, &u->ncellvars, &u->capcellvars, "__class__") < 0)
        return -1;
    for (int i = 0; i < s->nsyms; i++) {
        Symbol *sym = &s->syms[i];
        if ((sym->scope == SC_FREE || (sym->flags & DEF_FREE_CLASS))
            && add_str_list(c, &u->freevars, &u->nfreevars, &u->capfreevars, sym->name) < 0)
            return -1;
    }
    if (s->kind == ST_FUNCTION) {
        for (int i = 0; i < s->nsyms; i++) {
            Symbol *sym = &s->syms[i];
            if (sym->scope == SC_LOCAL && varname_index(c, sym->name) < 0)
                return -1;
        }
    }
    return 0;
}

static void unit_free(Unit *u)
{
    free(u->code);
    free(u->pos);
    TW_XDECREF(u->consts);
    TW_XDECREF(u->const_index);
    TW_XDECREF(u->names);
    namemap_free(&u->names_map);
    free(u->varnames);
    namemap_free(&u->varnames_map);
    free(u->cellvars);
    free(u->freevars);
    free(u->labels);
    TW_XDECREF(u->qualname);
    free(u);
}

static void unit_leave(Compiler *c)
{
    Unit *u = c->u;
    c->u = u->parent;
    unit_free(u);
}

static TwObject *str_tuple(const char **names, int n)
{
    TwObject *t = tw_tuple_new(n);
    if (!t)
        return NULL;
    for (int i = 0; i < n; i++) {
        TwObject *s = tw_str_intern_cstr(names[i]);
        if (!s) {
            TW_DECREF(t);
            return NULL;
        }
        TW_TUPLE_SET(t, i, tw_newref(s));
    }
    return t;
}

/*
 * The deepest value stack any path through the code reaches: a walk over
 * the control-flow graph with the depth at each instruction, using the
 * stack effect of every opcode (both for falling through and for
 * jumping).  Handlers of SETUP_FINALLY/SETUP_WITH are reached with the
 * depth their block records plus the two exception slots.
 */
static int compute_stacksize(Compiler *c, Unit *u)
{
    int n = u->ncode;
    int *depth = malloc((size_t)(n + 1) * sizeof(int));
    int *work = malloc((size_t)(n + 1) * sizeof(int));
    if (!depth || !work) {
        free(depth);
        free(work);
        return no_memory(c);
    }
    for (int i = 0; i <= n; i++)
        depth[i] = -1;
    bool *queued = calloc((size_t)n + 1, sizeof(bool));
    if (!queued) {
        free(depth);
        free(work);
        return no_memory(c);
    }
    int nwork = 0, maxd = 0;
    depth[0] = 0;
    work[nwork++] = 0;
    queued[0] = true;
    while (nwork > 0) {
        int i = work[--nwork];
        queued[i] = false;
        int d = depth[i];
        while (i < n) {
            uint32_t w = u->code[i];
            int op = (int)TW_INSTR_OP(w), arg = (int)TW_INSTR_ARG(w);
            if (is_jump_op(op)) {
                int jd = d + tw_opcode_stack_effect(op, arg, 1);
                if (jd > maxd)
                    maxd = jd;
                if (arg <= n && depth[arg] < jd) {
                    depth[arg] = jd;
                    if (!queued[arg]) {
                        queued[arg] = true;
                        work[nwork++] = arg;
                    }
                }
            }
            d += tw_opcode_stack_effect(op, arg, 0);
            if (d > maxd)
                maxd = d;
            if (op == TW_OP_JUMP_FORWARD || op == TW_OP_JUMP_BACKWARD || op == TW_OP_RETURN_VALUE
                || op == TW_OP_RERAISE || op == TW_OP_RAISE_VARARGS)
                break;
            i++;
            if (i < n && depth[i] >= d)
                break;
            if (i < n)
                depth[i] = d;
        }
    }
    free(depth);
    free(work);
    free(queued);
    return maxd + 1;
}

/* Mark each LOAD_FAST whose value goes straight into a binary operation
 * or a subscript store whose other operand is a LOAD_FAST or LOAD_CONST,
 * into `return`, or into an attribute load or store: LOAD_FAST_FUSED does
 * the instructions at once when it can (eval.c); one whose value and the
 * next LOAD_FAST's or LOAD_CONST's go into IS_OP becomes LOAD_FAST_IS,
 * which does the three; with a LOAD_GLOBAL's, LOAD_FAST_IS_GLOBAL (the
 * same, a global missing from its cache aside).  Only the first
 * instruction changes, so jumps to the others still find them.  After a
 * binary operation or an identity test the interpreter may look at one
 * more instruction (a STORE_FAST of the result, a conditional jump);
 * every unit ends with RETURN_VALUE, so there is one. */
static void fuse_operand_loads(uint32_t *code, int n)
{
    for (int i = 0; i + 1 < n; i++) {
        if (TW_INSTR_OP(code[i]) != TW_OP_LOAD_FAST)
            continue;
        uint32_t op1 = TW_INSTR_OP(code[i + 1]);
        uint32_t op2 = i + 3 < n ? TW_INSTR_OP(code[i + 2]) : TW_OP_NOP;
        if (op1 == TW_OP_RETURN_VALUE || op1 == TW_OP_LOAD_ATTR || op1 == TW_OP_STORE_ATTR
            || ((op1 == TW_OP_LOAD_FAST || op1 == TW_OP_LOAD_CONST)
                && (op2 == TW_OP_BINARY_OP || op2 == TW_OP_INPLACE_OP || op2 == TW_OP_COMPARE_OP
                    || op2 == TW_OP_BINARY_SUBSCR || op2 == TW_OP_STORE_SUBSCR)))
            code[i] = TW_INSTR(TW_OP_LOAD_FAST_FUSED, TW_INSTR_ARG(code[i]));
        else if ((op1 == TW_OP_LOAD_FAST || op1 == TW_OP_LOAD_CONST) && op2 == TW_OP_IS_OP)
            code[i] = TW_INSTR(TW_OP_LOAD_FAST_IS, TW_INSTR_ARG(code[i]));
        else if (op1 == TW_OP_LOAD_GLOBAL && op2 == TW_OP_IS_OP)
            code[i] = TW_INSTR(TW_OP_LOAD_FAST_IS_GLOBAL, TW_INSTR_ARG(code[i]));
    }
    /* Then each LOAD_CONST or LOAD_FAST that is the right operand of the
     * next instruction, whose left operand is already on the stack: the
     * *_RIGHT forms do the operation with it.  Not the second load of a
     * pair just fused, which LOAD_FAST_FUSED reads (and skips) itself. */
    for (int i = 0; i + 1 < n; i++) {
        uint32_t op = TW_INSTR_OP(code[i]), op1 = TW_INSTR_OP(code[i + 1]);
        if (op != TW_OP_LOAD_CONST && op != TW_OP_LOAD_FAST)
            continue;
        if (i > 0 && (TW_INSTR_OP(code[i - 1]) == TW_OP_LOAD_FAST_FUSED
                      || TW_INSTR_OP(code[i - 1]) == TW_OP_LOAD_FAST_IS))
            continue;
        if (op == TW_OP_LOAD_CONST && op1 == TW_OP_IS_OP) {
            code[i] = TW_INSTR(TW_OP_LOAD_CONST_IS, TW_INSTR_ARG(code[i]));
            continue;
        }
        if (op1 == TW_OP_COMPARE_OP || op1 == TW_OP_BINARY_OP || op1 == TW_OP_INPLACE_OP
            || (op == TW_OP_LOAD_CONST && op1 == TW_OP_BINARY_SUBSCR))
            code[i] = TW_INSTR(op == TW_OP_LOAD_CONST ? TW_OP_LOAD_CONST_RIGHT : TW_OP_LOAD_FAST_RIGHT,
                               TW_INSTR_ARG(code[i]));
    }
    /* Last, a fused `x[k]` whose item is an operand of the very next
     * operation (`x[k] OP y`, `x[k] OP z[m]`, `x[k] OP (y OP2 z)`,
     * `x[k] OP (y OP2 z[m])`, `a OP x[k]`) becomes LOAD_FAST_ITEM, which
     * looks for that operation (eval.c, SUBSCR_OPERAND) and is
     * LOAD_FAST_FUSED otherwise: the other fused loads never look and
     * fail.  Its BINARY_SUBSCR gets the argument TW_SUBSCR_STORE_BACK when
     * the operation's result is stored back into x[k] by the next three
     * instructions (`x[k] OP= ...`: the same fused load of x and load of
     * k, then STORE_SUBSCR). */
    for (int i = 0; i + 3 < n; i++) {
        if (TW_INSTR_OP(code[i]) != TW_OP_LOAD_FAST_FUSED
            || TW_INSTR_OP(code[i + 2]) != TW_OP_BINARY_SUBSCR)
            continue;
        uint32_t op3 = TW_INSTR_OP(code[i + 3]);
        int at = -1;                /* the operation using the item */
        bool left = true;           /* the item its left operand */
        if (op3 == TW_OP_BINARY_OP || op3 == TW_OP_INPLACE_OP) {
            at = i + 3;
            left = false;
        } else if (op3 == TW_OP_LOAD_FAST_RIGHT || op3 == TW_OP_LOAD_CONST_RIGHT) {
            at = i + 4;
        } else if ((op3 == TW_OP_LOAD_FAST_FUSED || op3 == TW_OP_LOAD_FAST_ITEM) && i + 6 < n) {
            uint32_t op5 = TW_INSTR_OP(code[i + 5]);
            if (op5 == TW_OP_BINARY_SUBSCR || op5 == TW_OP_BINARY_OP)
                at = i + 6;
        } else if ((op3 == TW_OP_LOAD_FAST || op3 == TW_OP_LOAD_CONST) && i + 8 < n) {
            /* `x[k] OP (z OP2 y[m])`: y's fused load, m's load, the subscript */
            uint32_t op4 = TW_INSTR_OP(code[i + 4]);
            if ((op4 == TW_OP_LOAD_FAST_FUSED || op4 == TW_OP_LOAD_FAST_ITEM)
                && TW_INSTR_OP(code[i + 6]) == TW_OP_BINARY_SUBSCR
                && TW_INSTR_OP(code[i + 7]) == TW_OP_BINARY_OP)
                at = i + 8;
        }
        if (at < 0 || at >= n
            || (TW_INSTR_OP(code[at]) != TW_OP_BINARY_OP && TW_INSTR_OP(code[at]) != TW_OP_INPLACE_OP))
            continue;
        if (left && at + 3 < n && code[at + 1] == code[i] && code[at + 2] == code[i + 1]
            && TW_INSTR_OP(code[at + 3]) == TW_OP_STORE_SUBSCR)
            code[i + 2] = TW_INSTR(TW_OP_BINARY_SUBSCR, TW_SUBSCR_STORE_BACK);
        code[i] = TW_INSTR(TW_OP_LOAD_FAST_ITEM, TW_INSTR_ARG(code[i]));
    }
}

/* Build the code object of the current unit. */
static TwObject *unit_assemble(Compiler *c)
{
    Unit *u = c->u;
    for (int i = 0; i < u->ncode; i++) {
        uint32_t w = u->code[i];
        int op = (int)TW_INSTR_OP(w);
        if (is_jump_op(op)) {
            int target = u->labels[TW_INSTR_ARG(w)];
            if (target < 0) {
                tw_err_set_string(TwExc_SystemError, "compiler: unbound label");
                return NULL;
            }
            u->code[i] = TW_INSTR(op, target);
        }
    }
    int stacksize = compute_stacksize(c, u);
    if (stacksize < 0)
        return NULL;
    fuse_operand_loads(u->code, u->ncode);
    TwCodeObject *co = (TwCodeObject *)tw_object_alloc(&TwCode_Type, sizeof(TwCodeObject));
    if (!co)
        return tw_err_no_memory();
    memset((char *)co + sizeof(TwObject), 0, sizeof(TwCodeObject) - sizeof(TwObject));
    co->ncode = u->ncode;
    co->code = tw_mem_alloc((size_t)(u->ncode ? u->ncode : 1) * sizeof(uint32_t));
    co->positions = tw_mem_alloc((size_t)(u->ncode ? u->ncode : 1) * sizeof(TwCodePosition));
    co->consts = tw_list_as_tuple(u->consts);
    co->names = tw_list_as_tuple(u->names);
    co->varnames = str_tuple(u->varnames, u->nvarnames);
    co->cellvars = str_tuple(u->cellvars, u->ncellvars);
    co->freevars = str_tuple(u->freevars, u->nfreevars);
    co->name = tw_str_from_cstr(u->name);
    co->qualname = tw_newref(u->qualname ? u->qualname : co->name);
    co->filename = tw_newref(c->filename_obj);
    if (!co->code || !co->positions || !co->consts || !co->names || !co->varnames || !co->cellvars
        || !co->freevars || !co->name) {
        TW_DECREF(co);
        return NULL;
    }
    memcpy(co->code, u->code, (size_t)u->ncode * sizeof(uint32_t));
    memcpy(co->positions, u->pos, (size_t)u->ncode * sizeof(TwCodePosition));
    co->argcount = u->argcount;
    co->posonlyargcount = u->posonlyargcount;
    co->kwonlyargcount = u->kwonlyargcount;
    co->nlocals = u->nvarnames;
    co->ncells = u->ncellvars;
    co->nfrees = u->nfreevars;
    co->stacksize = stacksize;
    co->maxblocks = u->max_blocks + 1;
    co->firstlineno = u->firstlineno;
    co->flags = u->flags;
    if (u->scope->kind == ST_FUNCTION) {
        co->flags |= TW_CO_OPTIMIZED | TW_CO_NEWLOCALS;
        if (u->scope->is_generator)
            co->flags |= TW_CO_GENERATOR;
    }
    /* parameters captured by closures start in their cells */
    int nparams = u->argcount + u->kwonlyargcount + ((u->flags & TW_CO_VARARGS) ? 1 : 0)
                  + ((u->flags & TW_CO_VARKEYWORDS) ? 1 : 0);
    bool any = false;
    for (int i = 0; i < u->ncellvars; i++) {
        int j = namemap_get(&u->varnames_map, u->cellvars[i]);
        if (j >= 0 && j < nparams)
            any = true;
    }
    if (any) {
        co->cell2arg = tw_mem_alloc((size_t)u->ncellvars * sizeof(int));
        if (!co->cell2arg) {
            TW_DECREF(co);
            return tw_err_no_memory();
        }
        for (int i = 0; i < u->ncellvars; i++) {
            int j = namemap_get(&u->varnames_map, u->cellvars[i]);
            co->cell2arg[i] = (j >= 0 && j < nparams) ? j : -1;
        }
    }
    if (u->scope->kind == ST_FUNCTION && !(co->flags & (TW_CO_VARARGS | TW_CO_VARKEYWORDS))
        && u->kwonlyargcount == 0 && u->posonlyargcount == 0 && !any)
        co->flags |= TW_CO_SIMPLE_ARGS;
    return (TwObject *)co;
}

/* ================================================================== */
/* Name access                                                          */
/* ================================================================== */

typedef enum { NAME_LOAD, NAME_STORE, NAME_DEL } NameCtx;

static int compile_name(Compiler *c, const char *name, NameCtx ctx)
{
    Unit *u = c->u;
    Scope *s = u->scope;
    Symbol *sym = scope_sym(s, name, false);
    SymScope sc = sym ? sym->scope : SC_GLOBAL_IMPLICIT;
    if (s->kind == ST_CLASS && strcmp(name, "__class__") == 0 && ctx == NAME_LOAD && sym == NULL)
        sc = SC_GLOBAL_IMPLICIT;
    int op;
    switch (sc) {
    case SC_FREE:
    case SC_CELL: {
        int i = deref_index(c, name);
        if (i < 0)
            goto by_name;
        if (s->kind == ST_CLASS && ctx == NAME_LOAD)
            op = TW_OP_LOAD_CLASSDEREF;
        else
            op = ctx == NAME_LOAD ? TW_OP_LOAD_DEREF : ctx == NAME_STORE ? TW_OP_STORE_DEREF : TW_OP_DELETE_DEREF;
        return emit(c, op, i);
    }
    case SC_LOCAL:
        if (s->kind == ST_FUNCTION) {
            int i = varname_index(c, name);
            if (i < 0)
                return -1;
            op = ctx == NAME_LOAD ? TW_OP_LOAD_FAST : ctx == NAME_STORE ? TW_OP_STORE_FAST : TW_OP_DELETE_FAST;
            return emit(c, op, i);
        }
        goto by_name;
    case SC_GLOBAL_EXPLICIT:
        op = ctx == NAME_LOAD ? TW_OP_LOAD_GLOBAL : ctx == NAME_STORE ? TW_OP_STORE_GLOBAL : TW_OP_DELETE_GLOBAL;
        return emit_name_op(c, op, name);
    case SC_GLOBAL_IMPLICIT:
        if (s->kind == ST_FUNCTION) {
            op = ctx == NAME_LOAD ? TW_OP_LOAD_GLOBAL : ctx == NAME_STORE ? TW_OP_STORE_GLOBAL : TW_OP_DELETE_GLOBAL;
            return emit_name_op(c, op, name);
        }
        goto by_name;
    default:
        break;
    }
by_name:
    op = ctx == NAME_LOAD ? TW_OP_LOAD_NAME : ctx == NAME_STORE ? TW_OP_STORE_NAME : TW_OP_DELETE_NAME;
    return emit_name_op(c, op, name);
}

/* ================================================================== */
/* Expressions                                                          */
/* ================================================================== */

static int compile_expr(Compiler *c, const TwExpr *e);
static int compile_stmts(Compiler *c, const TwStmtSeq *seq);
static int compile_store(Compiler *c, const TwExpr *t);

static void set_pos_expr(Compiler *c, const TwExpr *e)
{
    c->u->cur.lineno = e->line;
    c->u->cur.end_lineno = e->end_line;
    c->u->cur.col = e->col;
    c->u->cur.end_col = e->end_col;
}

static TwObject *constant_object(Compiler *c, const TwConstant *k)
{
    switch (k->kind) {
    case TW_CONST_NONE: return tw_newref(Tw_None);
    case TW_CONST_TRUE: return tw_newref(Tw_True);
    case TW_CONST_FALSE: return tw_newref(Tw_False);
    case TW_CONST_ELLIPSIS: return tw_newref(Tw_Ellipsis);
    case TW_CONST_INT:
        if (k->int_big)
            return tw_int_from_string(k->str, k->str_len, 10);
        return tw_int_from_i64(k->int_value);
    case TW_CONST_FLOAT: return tw_float_from_double(k->float_value);
    case TW_CONST_STR: return tw_str_from_utf8(k->str, k->str_len);
    }
    return NULL;
}

static TwBinOp binop_of(TwOperator op)
{
    switch (op) {
    case TW_ADD: return TW_BINOP_ADD;
    case TW_SUB: return TW_BINOP_SUB;
    case TW_MULT: return TW_BINOP_MUL;
    case TW_MATMULT: return TW_BINOP_MATMUL;
    case TW_DIV: return TW_BINOP_TRUEDIV;
    case TW_MOD: return TW_BINOP_MOD;
    case TW_POW: return TW_BINOP_POW;
    case TW_LSHIFT: return TW_BINOP_LSHIFT;
    case TW_RSHIFT: return TW_BINOP_RSHIFT;
    case TW_BITOR: return TW_BINOP_OR;
    case TW_BITXOR: return TW_BINOP_XOR;
    case TW_BITAND: return TW_BINOP_AND;
    case TW_FLOORDIV: return TW_BINOP_FLOORDIV;
    }
    return TW_BINOP_ADD;
}

static int compile_compare_op(Compiler *c, TwCmpOp op)
{
    switch (op) {
    case TW_AST_EQ: return emit(c, TW_OP_COMPARE_OP, TW_EQ);
    case TW_NOTEQ: return emit(c, TW_OP_COMPARE_OP, TW_NE);
    case TW_AST_LT: return emit(c, TW_OP_COMPARE_OP, TW_LT);
    case TW_LTE: return emit(c, TW_OP_COMPARE_OP, TW_LE);
    case TW_AST_GT: return emit(c, TW_OP_COMPARE_OP, TW_GT);
    case TW_GTE: return emit(c, TW_OP_COMPARE_OP, TW_GE);
    case TW_IS: return emit(c, TW_OP_IS_OP, 0);
    case TW_ISNOT: return emit(c, TW_OP_IS_OP, 1);
    case TW_IN: return emit(c, TW_OP_CONTAINS_OP, 0);
    case TW_NOTIN: return emit(c, TW_OP_CONTAINS_OP, 1);
    }
    return -1;
}

/* A literal whose identity means nothing (not None/True/False/...). */
static bool is_literal_for_is(const TwExpr *e)
{
    if (e->kind == TW_EXPR_CONSTANT) {
        TwConstantKind k = e->v.Constant.kind;
        return k == TW_CONST_INT || k == TW_CONST_FLOAT || k == TW_CONST_STR;
    }
    if (e->kind == TW_EXPR_TUPLE) {
        for (int i = 0; i < e->v.Tuple.elts.count; i++)
            if (e->v.Tuple.elts.items[i]->kind != TW_EXPR_CONSTANT)
                return false;
        return true;
    }
    return false;
}

/* CPython's compile-time warning for `x is 1`. */
static void check_is_literal(Compiler *c, const TwExpr *e)
{
    const TwExpr *left = e->v.Compare.left;
    for (int i = 0; i < e->v.Compare.nops; i++) {
        TwCmpOp op = e->v.Compare.ops[i];
        const TwExpr *right = e->v.Compare.comparators.items[i];
        if ((op == TW_IS || op == TW_ISNOT) && (is_literal_for_is(left) || is_literal_for_is(right)))
            compiler_warn(c, e->line, op == TW_IS ? "\"is\" with a literal. Did you mean \"==\"?"
                                                  : "\"is not\" with a literal. Did you mean \"!=\"?");
        left = right;
    }
}

static int compile_compare(Compiler *c, const TwExpr *e)
{
    check_is_literal(c, e);
    if (compile_expr(c, e->v.Compare.left) < 0)
        return -1;
    int n = e->v.Compare.nops;
    if (n == 1) {
        if (compile_expr(c, e->v.Compare.comparators.items[0]) < 0)
            return -1;
        set_pos_expr(c, e);
        return compile_compare_op(c, e->v.Compare.ops[0]);
    }
    int cleanup = new_label(c), end = new_label(c);
    for (int i = 0; i < n - 1; i++) {
        if (compile_expr(c, e->v.Compare.comparators.items[i]) < 0)
            return -1;
        set_pos_expr(c, e);
        if (emit(c, TW_OP_DUP_TOP, 0) < 0 || emit(c, TW_OP_ROT_THREE, 0) < 0
            || compile_compare_op(c, e->v.Compare.ops[i]) < 0
            || emit_jump(c, TW_OP_JUMP_IF_FALSE_OR_POP, cleanup) < 0)
            return -1;
    }
    if (compile_expr(c, e->v.Compare.comparators.items[n - 1]) < 0)
        return -1;
    set_pos_expr(c, e);
    if (compile_compare_op(c, e->v.Compare.ops[n - 1]) < 0 || emit_jump(c, TW_OP_JUMP_FORWARD, end) < 0)
        return -1;
    bind_label(c, cleanup);
    if (emit(c, TW_OP_ROT_TWO, 0) < 0 || emit(c, TW_OP_POP_TOP, 0) < 0)
        return -1;
    bind_label(c, end);
    return 0;
}

/* Jump to `label` if the truth of e equals `cond`, without building bools
 * for `not`, `and`, `or` and single comparisons. */
static int compile_jump_if(Compiler *c, const TwExpr *e, int label, bool cond)
{
    if (e->kind == TW_EXPR_UNARYOP && e->v.UnaryOp.op == TW_NOT)
        return compile_jump_if(c, e->v.UnaryOp.operand, label, !cond);
    if (e->kind == TW_EXPR_BOOLOP) {
        bool is_or = e->v.BoolOp.op == TW_OR;
        int n = e->v.BoolOp.values.count;
        int next = label;
        if (is_or != cond) {
            next = new_label(c);
        }
        for (int i = 0; i < n - 1; i++)
            if (compile_jump_if(c, e->v.BoolOp.values.items[i], next, is_or) < 0)
                return -1;
        if (compile_jump_if(c, e->v.BoolOp.values.items[n - 1], label, cond) < 0)
            return -1;
        if (next != label)
            bind_label(c, next);
        return 0;
    }
    if (compile_expr(c, e) < 0)
        return -1;
    return emit_jump(c, cond ? TW_OP_POP_JUMP_IF_TRUE : TW_OP_POP_JUMP_IF_FALSE, label);
}

static bool has_starred(const TwExprSeq *seq)
{
    for (int i = 0; i < seq->count; i++)
        if (seq->items[i]->kind == TW_EXPR_STARRED)
            return true;
    return false;
}

/* A list of elements with possible *starred items, built as a list
 * (then a tuple or set if asked). */
static int compile_sequence_build(Compiler *c, const TwExprSeq *elts, int build_op, bool to_tuple)
{
    int n = elts->count;
    if (!has_starred(elts)) {
        for (int i = 0; i < n; i++)
            if (compile_expr(c, elts->items[i]) < 0)
                return -1;
        return emit(c, build_op, n);
    }
    bool is_set = build_op == TW_OP_BUILD_SET;
    if (emit(c, is_set ? TW_OP_BUILD_SET : TW_OP_BUILD_LIST, 0) < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        const TwExpr *x = elts->items[i];
        if (x->kind == TW_EXPR_STARRED) {
            if (compile_expr(c, x->v.Starred.value) < 0
                || emit(c, is_set ? TW_OP_SET_UPDATE : TW_OP_LIST_EXTEND, 1) < 0)
                return -1;
        } else {
            if (compile_expr(c, x) < 0 || emit(c, is_set ? TW_OP_SET_ADD : TW_OP_LIST_APPEND, 1) < 0)
                return -1;
        }
    }
    if (to_tuple)
        return emit(c, TW_OP_LIST_TO_TUPLE, 0);
    return 0;
}

static int compile_dict(Compiler *c, const TwExpr *e)
{
    int n = e->v.Dict.keys.count;
    int pending = 0;
    bool built = false;
    for (int i = 0; i < n; i++) {
        const TwExpr *k = e->v.Dict.keys.items[i];
        if (k == NULL) {
            if (!built) {
                if (emit(c, TW_OP_BUILD_MAP, pending) < 0)
                    return -1;
                built = true;
            } else if (pending) {
                if (emit(c, TW_OP_BUILD_MAP, pending) < 0 || emit(c, TW_OP_DICT_UPDATE, 1) < 0)
                    return -1;
            }
            pending = 0;
            if (compile_expr(c, e->v.Dict.values.items[i]) < 0 || emit(c, TW_OP_DICT_UPDATE, 1) < 0)
                return -1;
            continue;
        }
        if (compile_expr(c, k) < 0 || compile_expr(c, e->v.Dict.values.items[i]) < 0)
            return -1;
        pending++;
    }
    if (!built)
        return emit(c, TW_OP_BUILD_MAP, pending);
    if (pending)
        return emit(c, TW_OP_BUILD_MAP, pending) < 0 ? -1 : emit(c, TW_OP_DICT_UPDATE, 1);
    return 0;
}

static int make_closure(Compiler *c, TwObject *code, TwObject *qualname, int flags);

static TwObject *make_qualname(Compiler *c, const char *name)
{
    Unit *u = c->u;
    Scope *s = u->scope;
    if (s->kind == ST_MODULE)
        return tw_str_from_cstr(name);
    /* a name declared global in the enclosing function is top-level */
    if (s->kind == ST_FUNCTION) {
        TwObject *base = u->qualname;
        return tw_str_from_format("%s.<locals>.%s", TW_STR_DATA(base), name);
    }
    return tw_str_from_format("%s.%s", TW_STR_DATA(u->qualname), name);
}

static int compile_function_body(Compiler *c, Scope *fs, const TwArguments *a, const char *name,
                                 const TwStmtSeq *body, const TwExpr *lambda_body, int firstlineno,
                                 TwObject **code_out, TwObject **qualname_out);

/* Defaults, keyword-only defaults, then MAKE_FUNCTION's closure. */
static int compile_defaults(Compiler *c, const TwArguments *a, int *flags)
{
    *flags = 0;
    if (a->defaults.count > 0) {
        for (int i = 0; i < a->defaults.count; i++)
            if (compile_expr(c, a->defaults.items[i]) < 0)
                return -1;
        if (emit(c, TW_OP_BUILD_TUPLE, a->defaults.count) < 0)
            return -1;
        *flags |= TW_MF_DEFAULTS;
    }
    int nkw = 0;
    for (int i = 0; i < a->kwonlyargs.count; i++) {
        if (a->kw_defaults.items[i]) {
            if (emit_const(c, tw_str_intern_cstr(a->kwonlyargs.items[i]->arg)) < 0
                || compile_expr(c, a->kw_defaults.items[i]) < 0)
                return -1;
            nkw++;
        }
    }
    if (nkw) {
        if (emit(c, TW_OP_BUILD_MAP, nkw) < 0)
            return -1;
        *flags |= TW_MF_KWDEFAULTS;
    }
    return 0;
}

static int make_closure(Compiler *c, TwObject *code, TwObject *qualname, int flags)
{
    TwCodeObject *co = (TwCodeObject *)code;
    if (co->nfrees > 0) {
        for (int i = 0; i < co->nfrees; i++) {
            const char *name = TW_STR_DATA(TW_TUPLE_GET(co->freevars, i));
            int idx = deref_index(c, name);
            if (idx < 0) {
                tw_err_format(TwExc_SystemError, "compiler: no cell for free variable '%s'", name);
                c->failed = true;
                return -1;
            }
            if (emit(c, TW_OP_LOAD_CLOSURE, idx) < 0)
                return -1;
        }
        if (emit(c, TW_OP_BUILD_TUPLE, co->nfrees) < 0)
            return -1;
        flags |= TW_MF_CLOSURE;
    }
    if (emit_const(c, code) < 0 || emit_const(c, qualname) < 0)
        return -1;
    return emit(c, TW_OP_MAKE_FUNCTION, flags);
}

static int compile_lambda(Compiler *c, const TwExpr *e)
{
    Scope *fs = scope_child_for(c->u->scope, e);
    if (!fs)
        return ERR_EXPR(c, e, "internal error: lambda scope");
    int flags;
    if (compile_defaults(c, e->v.Lambda.args, &flags) < 0)
        return -1;
    TwObject *code = NULL, *qualname = NULL;
    if (compile_function_body(c, fs, e->v.Lambda.args, "<lambda>", NULL, e->v.Lambda.body, e->line,
                              &code, &qualname) < 0)
        return -1;
    set_pos_expr(c, e);
    int r = make_closure(c, code, qualname, flags);
    TW_DECREF(code);
    TW_DECREF(qualname);
    return r;
}

/* One `for ... if ...` level of a comprehension inside its function. */
static int compile_comprehension_gen(Compiler *c, const TwExpr *e, const TwComprehensionSeq *gens, int gi,
                                     const TwExpr *elt, const TwExpr *value, int depth)
{
    const TwComprehension *g = gens->items[gi];
    int start = new_label(c), anchor = new_label(c), if_cleanup = new_label(c);
    if (gi == 0) {
        /* the iterator was passed in as .0 */
        if (emit(c, TW_OP_LOAD_FAST, 0) < 0)
            return -1;
    } else {
        if (compile_expr(c, g->iter) < 0 || emit(c, TW_OP_GET_ITER, 0) < 0)
            return -1;
    }
    bind_label(c, start);
    if (emit_jump(c, TW_OP_FOR_ITER, anchor) < 0 || compile_store(c, g->target) < 0)
        return -1;
    for (int i = 0; i < g->ifs.count; i++)
        if (compile_jump_if(c, g->ifs.items[i], if_cleanup, false) < 0)
            return -1;
    if (gi + 1 < gens->count) {
        if (compile_comprehension_gen(c, e, gens, gi + 1, elt, value, depth + 1) < 0)
            return -1;
    } else {
        switch (e->kind) {
        case TW_EXPR_GENERATOREXP:
            if (compile_expr(c, elt) < 0 || emit(c, TW_OP_YIELD_VALUE, 0) < 0 || emit(c, TW_OP_POP_TOP, 0) < 0)
                return -1;
            break;
        case TW_EXPR_LISTCOMP:
            if (compile_expr(c, elt) < 0 || emit(c, TW_OP_LIST_APPEND, depth + 2) < 0)
                return -1;
            break;
        case TW_EXPR_SETCOMP:
            if (compile_expr(c, elt) < 0 || emit(c, TW_OP_SET_ADD, depth + 2) < 0)
                return -1;
            break;
        default:
            if (compile_expr(c, elt) < 0 || compile_expr(c, value) < 0 || emit(c, TW_OP_MAP_ADD, depth + 2) < 0)
                return -1;
            break;
        }
    }
    bind_label(c, if_cleanup);
    if (emit_jump(c, TW_OP_JUMP_BACKWARD, start) < 0)
        return -1;
    bind_label(c, anchor);
    return 0;
}

static int compile_comprehension(Compiler *c, const TwExpr *e, const TwComprehensionSeq *gens,
                                 const TwExpr *elt, const TwExpr *value)
{
    Scope *fs = scope_child_for(c->u->scope, e);
    if (!fs)
        return ERR_EXPR(c, e, "internal error: comprehension scope");
    TwObject *qualname = make_qualname(c, fs->name);
    if (!qualname)
        return no_memory(c);
    if (unit_enter(c, fs, fs->name, qualname, e->line) < 0)
        return -1;
    Unit *u = c->u;
    u->argcount = 1;
    set_pos_expr(c, e);
    int r = 0;
    if (e->kind != TW_EXPR_GENERATOREXP) {
        int op = e->kind == TW_EXPR_LISTCOMP ? TW_OP_BUILD_LIST : e->kind == TW_EXPR_SETCOMP ? TW_OP_BUILD_SET
                                                                                               : TW_OP_BUILD_MAP;
        r = emit(c, op, 0);
    }
    if (r == 0)
        r = compile_comprehension_gen(c, e, gens, 0, elt, value, 0);
    if (r == 0 && e->kind == TW_EXPR_GENERATOREXP)
        r = emit_const(c, Tw_None);
    if (r == 0)
        r = emit(c, TW_OP_RETURN_VALUE, 0);
    TwObject *code = r == 0 ? unit_assemble(c) : NULL;
    TwObject *qn = tw_newref(u->qualname);
    unit_leave(c);
    if (!code) {
        TW_DECREF(qn);
        return no_memory(c);
    }
    set_pos_expr(c, e);
    r = make_closure(c, code, qn, 0);
    TW_DECREF(code);
    TW_DECREF(qn);
    if (r < 0)
        return -1;
    if (compile_expr(c, gens->items[0]->iter) < 0)
        return -1;
    set_pos_expr(c, e);
    if (emit(c, TW_OP_GET_ITER, 0) < 0 || emit(c, TW_OP_CALL_FUNCTION, 1) < 0)
        return -1;
    return 0;
}

/* Is `super` here the builtin, called with no arguments in a method? */
static bool is_zero_arg_super(Compiler *c, const TwExpr *e)
{
    const TwExpr *f = e->v.Call.func;
    if (f->kind != TW_EXPR_NAME || strcmp(f->v.Name.id, "super") != 0)
        return false;
    if (e->v.Call.args.count || e->v.Call.keywords.count)
        return false;
    Scope *s = c->u->scope;
    if (s->kind != ST_FUNCTION)
        return false;
    Symbol *sym = scope_sym(s, "super", false);
    if (sym && sym->scope != SC_GLOBAL_IMPLICIT)
        return false;
    return deref_index(c, "__class__") >= 0;
}

static int compile_call_args(Compiler *c, const TwExpr *e, int extra_op_plain, int extra_op_kw)
{
    const TwExprSeq *args = &e->v.Call.args;
    const TwKeywordSeq *kws = &e->v.Call.keywords;
    bool dstar = false;
    for (int i = 0; i < kws->count; i++)
        if (kws->items[i]->arg == NULL)
            dstar = true;
    if (!has_starred(args) && !dstar) {
        for (int i = 0; i < args->count; i++)
            if (compile_expr(c, args->items[i]) < 0)
                return -1;
        if (kws->count == 0) {
            set_pos_expr(c, e);
            return emit(c, extra_op_plain, args->count);
        }
        TwObject *names = tw_tuple_new(kws->count);
        if (!names)
            return no_memory(c);
        for (int i = 0; i < kws->count; i++) {
            if (compile_expr(c, kws->items[i]->value) < 0) {
                TW_DECREF(names);
                return -1;
            }
            TW_TUPLE_SET(names, i, tw_newref(tw_str_intern_cstr(kws->items[i]->arg)));
        }
        set_pos_expr(c, e);
        if (emit_const_steal(c, names) < 0)
            return -1;
        return emit(c, extra_op_kw, args->count + kws->count);
    }
    return 1;   /* needs CALL_FUNCTION_EX */
}

static int compile_call_ex_args(Compiler *c, const TwExpr *e)
{
    const TwExprSeq *args = &e->v.Call.args;
    const TwKeywordSeq *kws = &e->v.Call.keywords;
    if (compile_sequence_build(c, args, TW_OP_BUILD_TUPLE, true) < 0)
        return -1;
    if (!has_starred(args) && 0)
        return -1;
    if (kws->count == 0) {
        set_pos_expr(c, e);
        return emit(c, TW_OP_CALL_FUNCTION_EX, 0);
    }
    if (emit(c, TW_OP_BUILD_MAP, 0) < 0)
        return -1;
    int i = 0;
    while (i < kws->count) {
        if (kws->items[i]->arg == NULL) {
            if (compile_expr(c, kws->items[i]->value) < 0 || emit(c, TW_OP_DICT_MERGE, 1) < 0)
                return -1;
            i++;
            continue;
        }
        int n = 0;
        while (i < kws->count && kws->items[i]->arg != NULL) {
            if (emit_const(c, tw_str_intern_cstr(kws->items[i]->arg)) < 0
                || compile_expr(c, kws->items[i]->value) < 0)
                return -1;
            n++;
            i++;
        }
        if (emit(c, TW_OP_BUILD_MAP, n) < 0 || emit(c, TW_OP_DICT_MERGE, 1) < 0)
            return -1;
    }
    set_pos_expr(c, e);
    return emit(c, TW_OP_CALL_FUNCTION_EX, 1);
}

/* CPython rejects `f(x=1, x=2)` when it compiles the call, pointing at
 * the repeated keyword. */
static int check_repeated_keywords(Compiler *c, const TwKeywordSeq *kws)
{
    for (int i = 1; i < kws->count; i++) {
        const TwKeyword *k = kws->items[i];
        if (k->arg == NULL)
            continue;
        for (int j = 0; j < i; j++) {
            const char *other = kws->items[j]->arg;
            if (other != NULL && strcmp(other, k->arg) == 0)
                return compiler_error(c, k->line, k->col, k->end_line, k->end_col,
                                      "keyword argument repeated: %s", k->arg);
        }
    }
    return 0;
}

/* The instruction just emitted for e, a global name that is a call's
 * callee or the owner of its LOAD_METHOD, becomes LOAD_GLOBAL_CALLEE: the
 * runtime may borrow the value (twinpy/vm.h).  Not in a generator, whose
 * frame the collector does not see while it is suspended. */
static void borrow_global_callee(Compiler *c, const TwExpr *e)
{
    Unit *u = c->u;
    if (e->kind == TW_EXPR_NAME && u->ncode > 0 && !u->scope->is_generator
        && TW_INSTR_OP(u->code[u->ncode - 1]) == TW_OP_LOAD_GLOBAL)
        u->code[u->ncode - 1] = TW_INSTR(TW_OP_LOAD_GLOBAL_CALLEE, TW_INSTR_ARG(u->code[u->ncode - 1]));
}

static int compile_call(Compiler *c, const TwExpr *e)
{
    const TwExpr *f = e->v.Call.func;
    if (check_repeated_keywords(c, &e->v.Call.keywords) < 0)
        return -1;
    if (is_zero_arg_super(c, e)) {
        set_pos_expr(c, e);
        if (compile_name(c, "super", NAME_LOAD) < 0)
            return -1;
        return emit(c, TW_OP_SUPER_ZERO, deref_index(c, "__class__"));
    }
    bool simple = !has_starred(&e->v.Call.args);
    for (int i = 0; i < e->v.Call.keywords.count; i++)
        if (e->v.Call.keywords.items[i]->arg == NULL)
            simple = false;
    if (f->kind == TW_EXPR_ATTRIBUTE && simple) {
        if (compile_expr(c, f->v.Attribute.value) < 0)
            return -1;
        borrow_global_callee(c, f->v.Attribute.value);  /* `math.sqrt(x)` */
        set_pos_expr(c, f);
        if (emit_name_op(c, TW_OP_LOAD_METHOD, f->v.Attribute.attr) < 0)
            return -1;
        return compile_call_args(c, e, TW_OP_CALL_METHOD, TW_OP_CALL_METHOD_KW) < 0 ? -1 : 0;
    }
    if (compile_expr(c, f) < 0)
        return -1;
    if (simple) {
        borrow_global_callee(c, f);
        return compile_call_args(c, e, TW_OP_CALL_FUNCTION, TW_OP_CALL_FUNCTION_KW) < 0 ? -1 : 0;
    }
    return compile_call_ex_args(c, e);
}

static int compile_joined_str(Compiler *c, const TwExpr *e)
{
    int n = e->v.JoinedStr.values.count;
    if (n == 0)
        return emit_const_steal(c, tw_str_from_utf8("", 0));
    for (int i = 0; i < n; i++)
        if (compile_expr(c, e->v.JoinedStr.values.items[i]) < 0)
            return -1;
    if (n == 1 && e->v.JoinedStr.values.items[0]->kind == TW_EXPR_FORMATTEDVALUE)
        return 0;
    return emit(c, TW_OP_BUILD_STRING, n);
}

static int compile_formatted_value(Compiler *c, const TwExpr *e)
{
    if (compile_expr(c, e->v.FormattedValue.value) < 0)
        return -1;
    int flags = 0;
    switch (e->v.FormattedValue.conversion) {
    case 's': flags = TW_FVC_STR; break;
    case 'r': flags = TW_FVC_REPR; break;
    case 'a': flags = TW_FVC_ASCII; break;
    default: break;
    }
    if (e->v.FormattedValue.format_spec) {
        const TwExpr *spec = e->v.FormattedValue.format_spec;
        if (spec->kind == TW_EXPR_JOINEDSTR && spec->v.JoinedStr.values.count == 1
            && spec->v.JoinedStr.values.items[0]->kind == TW_EXPR_FORMATTEDVALUE) {
            /* a spec that is one replacement field still has to be a str */
            if (compile_expr(c, spec) < 0)
                return -1;
        } else if (compile_expr(c, spec) < 0) {
            return -1;
        }
        flags |= TW_FVS_HAVE_SPEC;
    }
    set_pos_expr(c, e);
    return emit(c, TW_OP_FORMAT_VALUE, flags);
}

static int compile_subscript_slice(Compiler *c, const TwExpr *s)
{
    if (s->kind == TW_EXPR_SLICE) {
        int n = 2;
        if (s->v.Slice.lower ? compile_expr(c, s->v.Slice.lower) : emit_const(c, Tw_None))
            return -1;
        if (s->v.Slice.upper ? compile_expr(c, s->v.Slice.upper) : emit_const(c, Tw_None))
            return -1;
        if (s->v.Slice.step) {
            if (compile_expr(c, s->v.Slice.step) < 0)
                return -1;
            n = 3;
        }
        return emit(c, TW_OP_BUILD_SLICE, n);
    }
    return compile_expr(c, s);
}

static int compile_expr_inner(Compiler *c, const TwExpr *e)
{
    switch (e->kind) {
    case TW_EXPR_BOOLOP: {
        int end = new_label(c);
        int op = e->v.BoolOp.op == TW_AND ? TW_OP_JUMP_IF_FALSE_OR_POP : TW_OP_JUMP_IF_TRUE_OR_POP;
        int n = e->v.BoolOp.values.count;
        for (int i = 0; i < n - 1; i++)
            if (compile_expr(c, e->v.BoolOp.values.items[i]) < 0 || emit_jump(c, op, end) < 0)
                return -1;
        if (compile_expr(c, e->v.BoolOp.values.items[n - 1]) < 0)
            return -1;
        bind_label(c, end);
        return 0;
    }
    case TW_EXPR_NAMEDEXPR:
        if (compile_expr(c, e->v.NamedExpr.value) < 0 || emit(c, TW_OP_DUP_TOP, 0) < 0)
            return -1;
        return compile_store(c, e->v.NamedExpr.target);
    case TW_EXPR_BINOP:
        if (compile_expr(c, e->v.BinOp.left) < 0 || compile_expr(c, e->v.BinOp.right) < 0)
            return -1;
        set_pos_expr(c, e);
        return emit(c, TW_OP_BINARY_OP, binop_of(e->v.BinOp.op));
    case TW_EXPR_UNARYOP: {
        const TwExpr *o = e->v.UnaryOp.operand;
        /* fold -<number> into a constant */
        if (e->v.UnaryOp.op == TW_USUB && o->kind == TW_EXPR_CONSTANT && !o->v.Constant.int_big) {
            if (o->v.Constant.kind == TW_CONST_INT && o->v.Constant.int_value != INT64_MIN)
                return emit_const_steal(c, tw_int_from_i64(-o->v.Constant.int_value));
            if (o->v.Constant.kind == TW_CONST_FLOAT)
                return emit_const_steal(c, tw_float_from_double(-o->v.Constant.float_value));
        }
        if (compile_expr(c, o) < 0)
            return -1;
        set_pos_expr(c, e);
        switch (e->v.UnaryOp.op) {
        case TW_INVERT: return emit(c, TW_OP_UNARY_INVERT, 0);
        case TW_NOT: return emit(c, TW_OP_UNARY_NOT, 0);
        case TW_UADD: return emit(c, TW_OP_UNARY_POSITIVE, 0);
        case TW_USUB: return emit(c, TW_OP_UNARY_NEGATIVE, 0);
        }
        return -1;
    }
    case TW_EXPR_LAMBDA: return compile_lambda(c, e);
    case TW_EXPR_IFEXP: {
        int orelse = new_label(c), end = new_label(c);
        if (compile_jump_if(c, e->v.IfExp.test, orelse, false) < 0 || compile_expr(c, e->v.IfExp.body) < 0
            || emit_jump(c, TW_OP_JUMP_FORWARD, end) < 0)
            return -1;
        bind_label(c, orelse);
        if (compile_expr(c, e->v.IfExp.orelse) < 0)
            return -1;
        bind_label(c, end);
        return 0;
    }
    case TW_EXPR_DICT: return compile_dict(c, e);
    case TW_EXPR_SET: return compile_sequence_build(c, &e->v.Set.elts, TW_OP_BUILD_SET, false);
    case TW_EXPR_LISTCOMP:
        return compile_comprehension(c, e, &e->v.ListComp.generators, e->v.ListComp.elt, NULL);
    case TW_EXPR_SETCOMP:
        return compile_comprehension(c, e, &e->v.SetComp.generators, e->v.SetComp.elt, NULL);
    case TW_EXPR_GENERATOREXP:
        return compile_comprehension(c, e, &e->v.GeneratorExp.generators, e->v.GeneratorExp.elt, NULL);
    case TW_EXPR_DICTCOMP:
        return compile_comprehension(c, e, &e->v.DictComp.generators, e->v.DictComp.key, e->v.DictComp.value);
    case TW_EXPR_YIELD:
        if (e->v.Yield.value ? compile_expr(c, e->v.Yield.value) : emit_const(c, Tw_None))
            return -1;
        set_pos_expr(c, e);
        return emit(c, TW_OP_YIELD_VALUE, 0);
    case TW_EXPR_YIELDFROM:
        if (compile_expr(c, e->v.YieldFrom.value) < 0)
            return -1;
        set_pos_expr(c, e);
        if (emit(c, TW_OP_GET_YIELD_FROM_ITER, 0) < 0 || emit_const(c, Tw_None) < 0)
            return -1;
        return emit(c, TW_OP_YIELD_FROM, 0);
    case TW_EXPR_COMPARE: return compile_compare(c, e);
    case TW_EXPR_CALL: return compile_call(c, e);
    case TW_EXPR_FORMATTEDVALUE: return compile_formatted_value(c, e);
    case TW_EXPR_JOINEDSTR: return compile_joined_str(c, e);
    case TW_EXPR_CONSTANT: {
        TwObject *v = constant_object(c, &e->v.Constant);
        if (!v) {
            c->failed = true;
            return -1;
        }
        return emit_const_steal(c, v);
    }
    case TW_EXPR_ATTRIBUTE:
        if (compile_expr(c, e->v.Attribute.value) < 0)
            return -1;
        set_pos_expr(c, e);
        return emit_name_op(c, TW_OP_LOAD_ATTR, e->v.Attribute.attr);
    case TW_EXPR_SUBSCRIPT:
        if (compile_expr(c, e->v.Subscript.value) < 0 || compile_subscript_slice(c, e->v.Subscript.slice) < 0)
            return -1;
        set_pos_expr(c, e);
        return emit(c, TW_OP_BINARY_SUBSCR, 0);
    case TW_EXPR_STARRED:
        return ERR_EXPR(c, e, "can't use starred expression here");
    case TW_EXPR_NAME: return compile_name(c, e->v.Name.id, NAME_LOAD);
    case TW_EXPR_LIST: return compile_sequence_build(c, &e->v.List.elts, TW_OP_BUILD_LIST, false);
    case TW_EXPR_TUPLE: {
        /* a tuple of constants is one constant */
        const TwExprSeq *elts = &e->v.Tuple.elts;
        bool all_const = true;
        for (int i = 0; i < elts->count; i++)
            if (elts->items[i]->kind != TW_EXPR_CONSTANT || elts->items[i]->v.Constant.int_big)
                all_const = false;
        if (all_const) {
            TwObject *t = tw_tuple_new(elts->count);
            if (!t)
                return no_memory(c);
            for (int i = 0; i < elts->count; i++) {
                TwObject *v = constant_object(c, &elts->items[i]->v.Constant);
                if (!v) {
                    TW_DECREF(t);
                    return no_memory(c);
                }
                TW_TUPLE_SET(t, i, v);
            }
            return emit_const_steal(c, t);
        }
        return compile_sequence_build(c, elts, TW_OP_BUILD_TUPLE, true);
    }
    case TW_EXPR_SLICE:
        return compile_subscript_slice(c, e);
    }
    return ERR_EXPR(c, e, "unsupported expression");
}

static int compile_expr(Compiler *c, const TwExpr *e)
{
    if (c->failed)
        return -1;
    if (++c->depth > TW_AST_MAX_DEPTH + 100) {
        c->depth--;
        return too_deep(c);
    }
    TwCodePosition saved = c->u->cur;
    set_pos_expr(c, e);
    int r = compile_expr_inner(c, e);
    c->u->cur = saved;
    c->depth--;
    return r;
}

/* ---------------- assignment targets -------------------------------- */

static int compile_unpack(Compiler *c, const TwExpr *t, const TwExprSeq *elts)
{
    int n = elts->count, star = -1;
    for (int i = 0; i < n; i++) {
        if (elts->items[i]->kind == TW_EXPR_STARRED) {
            if (star >= 0)
                return ERR_EXPR(c, elts->items[i], "multiple starred expressions in assignment");
            star = i;
        }
    }
    set_pos_expr(c, t);
    if (star < 0) {
        if (emit(c, TW_OP_UNPACK_SEQUENCE, n) < 0)
            return -1;
    } else {
        int before = star, after = n - star - 1;
        if (before > 255 || after > 65535)
            return ERR_EXPR(c, t, "too many expressions in star-unpacking assignment");
        if (emit(c, TW_OP_UNPACK_EX, before | (after << 8)) < 0)
            return -1;
    }
    for (int i = 0; i < n; i++) {
        const TwExpr *x = elts->items[i];
        if (x->kind == TW_EXPR_STARRED)
            x = x->v.Starred.value;
        if (compile_store(c, x) < 0)
            return -1;
    }
    return 0;
}

/* `a, b = x, y` (and three of each): the values evaluated in order, then
 * rotated so that the first is on top, then stored in order: what
 * building the tuple and unpacking it does, without the tuple.  1 done,
 * 0 not this form (the caller compiles the general one), -1 error. */
static int compile_swap_assign(Compiler *c, const TwExpr *t, const TwExpr *v)
{
    if ((t->kind != TW_EXPR_TUPLE && t->kind != TW_EXPR_LIST) || v->kind != TW_EXPR_TUPLE)
        return 0;
    const TwExprSeq *targets = t->kind == TW_EXPR_TUPLE ? &t->v.Tuple.elts : &t->v.List.elts;
    const TwExprSeq *values = &v->v.Tuple.elts;
    int n = targets->count;
    if (n < 2 || n > 3 || values->count != n)
        return 0;
    for (int i = 0; i < n; i++)
        if (targets->items[i]->kind == TW_EXPR_STARRED || values->items[i]->kind == TW_EXPR_STARRED)
            return 0;
    for (int i = 0; i < n; i++)
        if (compile_expr(c, values->items[i]) < 0)
            return -1;
    set_pos_expr(c, t);
    if ((n == 3 && emit(c, TW_OP_ROT_THREE, 0) < 0) || emit(c, TW_OP_ROT_TWO, 0) < 0)
        return -1;
    for (int i = 0; i < n; i++)
        if (compile_store(c, targets->items[i]) < 0)
            return -1;
    return 1;
}

static int compile_store(Compiler *c, const TwExpr *t)
{
    if (c->failed)
        return -1;
    switch (t->kind) {
    case TW_EXPR_NAME:
        return compile_name(c, t->v.Name.id, NAME_STORE);
    case TW_EXPR_ATTRIBUTE:
        if (compile_expr(c, t->v.Attribute.value) < 0)
            return -1;
        set_pos_expr(c, t);
        return emit_name_op(c, TW_OP_STORE_ATTR, t->v.Attribute.attr);
    case TW_EXPR_SUBSCRIPT:
        if (compile_expr(c, t->v.Subscript.value) < 0 || compile_subscript_slice(c, t->v.Subscript.slice) < 0)
            return -1;
        set_pos_expr(c, t);
        return emit(c, TW_OP_STORE_SUBSCR, 0);
    case TW_EXPR_TUPLE: return compile_unpack(c, t, &t->v.Tuple.elts);
    case TW_EXPR_LIST: return compile_unpack(c, t, &t->v.List.elts);
    case TW_EXPR_STARRED:
        return ERR_EXPR(c, t, "starred assignment target must be in a list or tuple");
    default:
        return ERR_EXPR(c, t, "cannot assign to %s", "expression");
    }
}

static int compile_delete(Compiler *c, const TwExpr *t)
{
    switch (t->kind) {
    case TW_EXPR_NAME:
        set_pos_expr(c, t);
        return compile_name(c, t->v.Name.id, NAME_DEL);
    case TW_EXPR_ATTRIBUTE:
        if (compile_expr(c, t->v.Attribute.value) < 0)
            return -1;
        set_pos_expr(c, t);
        return emit_name_op(c, TW_OP_DELETE_ATTR, t->v.Attribute.attr);
    case TW_EXPR_SUBSCRIPT:
        if (compile_expr(c, t->v.Subscript.value) < 0 || compile_subscript_slice(c, t->v.Subscript.slice) < 0)
            return -1;
        set_pos_expr(c, t);
        return emit(c, TW_OP_DELETE_SUBSCR, 0);
    case TW_EXPR_TUPLE:
    case TW_EXPR_LIST: {
        const TwExprSeq *elts = t->kind == TW_EXPR_TUPLE ? &t->v.Tuple.elts : &t->v.List.elts;
        for (int i = 0; i < elts->count; i++)
            if (compile_delete(c, elts->items[i]) < 0)
                return -1;
        return 0;
    }
    default:
        return ERR_EXPR(c, t, "cannot delete expression");
    }
}

/* ================================================================== */
/* Statements                                                           */
/* ================================================================== */

static void set_pos_stmt(Compiler *c, const TwStmt *s)
{
    c->u->cur.lineno = s->line;
    c->u->cur.end_lineno = s->end_line;
    c->u->cur.col = s->col;
    c->u->cur.end_col = s->end_col;
}

static int push_fblock(Compiler *c, const TwStmt *s, FBlockKind kind, int lcontinue, int lbreak)
{
    Unit *u = c->u;
    if (u->nfblocks >= MAX_FBLOCKS)
        return ERR_STMT(c, s, "too many statically nested blocks");
    FBlock *b = &u->fblocks[u->nfblocks++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->label_continue = lcontinue;
    b->label_break = lbreak;
    return 0;
}

static void pop_fblock(Compiler *c) { c->u->nfblocks--; }

/* Runtime block-stack depth, for sizing frames. */
static void blocks_enter(Compiler *c)
{
    if (++c->u->depth_blocks > c->u->max_blocks)
        c->u->max_blocks = c->u->depth_blocks;
}
static void blocks_leave(Compiler *c) { c->u->depth_blocks--; }

/* [exit mgr] -> []: the with statement's normal exit. */
static int emit_exit_call_none(Compiler *c)
{
    return emit(c, TW_OP_WITH_EXIT, 0);
}

/* Clean-up of one frame block on the way out of it by break, continue
 * or return; preserve_tos keeps a return value on top of the stack. */
static int unwind_fblock(Compiler *c, FBlock *b, bool preserve_tos)
{
    switch (b->kind) {
    case FB_WHILE:
        return 0;
    case FB_POP_VALUE:
        if (preserve_tos && emit(c, TW_OP_ROT_TWO, 0) < 0)
            return -1;
        return emit(c, TW_OP_POP_TOP, 0);
    case FB_FOR:
        if (preserve_tos && emit(c, TW_OP_ROT_TWO, 0) < 0)
            return -1;
        return emit(c, TW_OP_POP_TOP, 0);
    case FB_TRY_EXCEPT:
        return emit(c, TW_OP_POP_BLOCK, 0);
    case FB_FINALLY_TRY: {
        if (emit(c, TW_OP_POP_BLOCK, 0) < 0)
            return -1;
        /* the finally body runs outside its own block */
        Unit *u = c->u;
        FBlock saved = *b;
        int idx = (int)(b - u->fblocks);
        int saved_n = u->nfblocks;
        FBlock tail[MAX_FBLOCKS];
        int ntail = saved_n - idx;
        memcpy(tail, &u->fblocks[idx], (size_t)ntail * sizeof(FBlock));
        u->nfblocks = idx;
        /* a return value waits on the stack while the finally body runs:
         * a break or continue there must drop it */
        if (preserve_tos) {
            FBlock *pv = &u->fblocks[u->nfblocks++];
            memset(pv, 0, sizeof *pv);
            pv->kind = FB_POP_VALUE;
        }
        int r = compile_stmts(c, saved.finalbody);
        memcpy(&u->fblocks[idx], tail, (size_t)ntail * sizeof(FBlock));
        u->nfblocks = saved_n;
        return r;
    }
    case FB_FINALLY_END:
        /* [prev exc (value)] */
        if (preserve_tos && emit(c, TW_OP_ROT_THREE, 0) < 0)
            return -1;
        if (emit(c, TW_OP_POP_TOP, 0) < 0)
            return -1;
        return emit(c, TW_OP_POP_EXCEPT, 0);
    case FB_WITH:
        /* [exit mgr (value)] */
        if (emit(c, TW_OP_POP_BLOCK, 0) < 0)
            return -1;
        if (preserve_tos && emit(c, TW_OP_ROT_THREE, 0) < 0)
            return -1;
        return emit_exit_call_none(c);
    case FB_HANDLER_CLEANUP:
        if (b->name && emit(c, TW_OP_POP_BLOCK, 0) < 0)
            return -1;
        if (preserve_tos && emit(c, TW_OP_ROT_TWO, 0) < 0)
            return -1;
        if (emit(c, TW_OP_POP_EXCEPT, 0) < 0)
            return -1;
        if (b->name) {
            if (emit_const(c, Tw_None) < 0 || compile_name(c, b->name, NAME_STORE) < 0
                || compile_name(c, b->name, NAME_DEL) < 0)
                return -1;
        }
        return 0;
    }
    return 0;
}

static int compile_return(Compiler *c, const TwStmt *s)
{
    Unit *u = c->u;
    if (u->scope->kind != ST_FUNCTION)
        return ERR_STMT(c, s, "'return' outside function");
    bool has_value = s->v.Return.value != NULL;
    if (has_value) {
        if (compile_expr(c, s->v.Return.value) < 0)
            return -1;
    }
    set_pos_stmt(c, s);
    bool preserve = has_value;
    if (!has_value && u->nfblocks == 0)
        return emit_const(c, Tw_None) < 0 ? -1 : emit(c, TW_OP_RETURN_VALUE, 0);
    for (int i = u->nfblocks - 1; i >= 0; i--) {
        if (unwind_fblock(c, &u->fblocks[i], preserve) < 0)
            return -1;
    }
    if (!has_value && emit_const(c, Tw_None) < 0)
        return -1;
    return emit(c, TW_OP_RETURN_VALUE, 0);
}

static int compile_break_continue(Compiler *c, const TwStmt *s, bool is_break)
{
    Unit *u = c->u;
    int loop = -1;
    for (int i = u->nfblocks - 1; i >= 0; i--) {
        if (u->fblocks[i].kind == FB_WHILE || u->fblocks[i].kind == FB_FOR) {
            loop = i;
            break;
        }
    }
    if (loop < 0)
        return ERR_STMT(c, s, is_break ? "'break' outside loop" : "'continue' not properly in loop");
    set_pos_stmt(c, s);
    for (int i = u->nfblocks - 1; i > loop; i--)
        if (unwind_fblock(c, &u->fblocks[i], false) < 0)
            return -1;
    FBlock *lb = &u->fblocks[loop];
    if (is_break) {
        if (unwind_fblock(c, lb, false) < 0)
            return -1;
        return emit_jump(c, TW_OP_JUMP_FORWARD, lb->label_break);
    }
    return emit_jump(c, TW_OP_JUMP_FORWARD, lb->label_continue);
}

static int compile_for(Compiler *c, const TwStmt *s)
{
    int start = new_label(c), cleanup = new_label(c), end = new_label(c);
    if (compile_expr(c, s->v.For.iter) < 0)
        return -1;
    set_pos_stmt(c, s);
    if (emit(c, TW_OP_GET_ITER, 0) < 0)
        return -1;
    bind_label(c, start);
    if (push_fblock(c, s, FB_FOR, start, end) < 0)
        return -1;
    set_pos_stmt(c, s);
    if (emit_jump(c, TW_OP_FOR_ITER, cleanup) < 0 || compile_store(c, s->v.For.target) < 0
        || compile_stmts(c, &s->v.For.body) < 0)
        return -1;
    set_pos_stmt(c, s);
    if (emit_jump(c, TW_OP_JUMP_BACKWARD, start) < 0)
        return -1;
    pop_fblock(c);
    bind_label(c, cleanup);
    if (compile_stmts(c, &s->v.For.orelse) < 0)
        return -1;
    bind_label(c, end);
    return 0;
}

static bool expr_is_true_constant(const TwExpr *e)
{
    if (e->kind != TW_EXPR_CONSTANT)
        return false;
    switch (e->v.Constant.kind) {
    case TW_CONST_TRUE: return true;
    case TW_CONST_INT: return e->v.Constant.int_big || e->v.Constant.int_value != 0;
    default: return false;
    }
}

static int compile_while(Compiler *c, const TwStmt *s)
{
    int start = new_label(c), orelse = new_label(c), end = new_label(c);
    bind_label(c, start);
    if (push_fblock(c, s, FB_WHILE, start, end) < 0)
        return -1;
    if (!expr_is_true_constant(s->v.While.test))
        if (compile_jump_if(c, s->v.While.test, orelse, false) < 0)
            return -1;
    if (compile_stmts(c, &s->v.While.body) < 0)
        return -1;
    set_pos_stmt(c, s);
    if (emit_jump(c, TW_OP_JUMP_BACKWARD, start) < 0)
        return -1;
    pop_fblock(c);
    bind_label(c, orelse);
    if (compile_stmts(c, &s->v.While.orelse) < 0)
        return -1;
    bind_label(c, end);
    return 0;
}

static int compile_if(Compiler *c, const TwStmt *s)
{
    int orelse = new_label(c), end = new_label(c);
    if (compile_jump_if(c, s->v.If.test, orelse, false) < 0 || compile_stmts(c, &s->v.If.body) < 0)
        return -1;
    if (s->v.If.orelse.count) {
        if (emit_jump(c, TW_OP_JUMP_FORWARD, end) < 0)
            return -1;
        bind_label(c, orelse);
        if (compile_stmts(c, &s->v.If.orelse) < 0)
            return -1;
    } else {
        bind_label(c, orelse);
    }
    bind_label(c, end);
    return 0;
}

static int compile_with_item(Compiler *c, const TwStmt *s, int i)
{
    const TwWithItem *item = s->v.With.items.items[i];
    int handler = new_label(c), end = new_label(c), suppress = new_label(c);
    if (compile_expr(c, item->context_expr) < 0)
        return -1;
    set_pos_expr(c, item->context_expr);
    if (emit_jump(c, TW_OP_SETUP_WITH, handler) < 0)
        return -1;
    blocks_enter(c);
    if (push_fblock(c, s, FB_WITH, -1, -1) < 0)
        return -1;
    if (item->optional_vars) {
        if (compile_store(c, item->optional_vars) < 0)
            return -1;
    } else if (emit(c, TW_OP_POP_TOP, 0) < 0) {
        return -1;
    }
    if (i + 1 < s->v.With.items.count) {
        if (compile_with_item(c, s, i + 1) < 0)
            return -1;
    } else if (compile_stmts(c, &s->v.With.body) < 0) {
        return -1;
    }
    pop_fblock(c);
    set_pos_stmt(c, s);
    if (emit(c, TW_OP_POP_BLOCK, 0) < 0 || emit_exit_call_none(c) < 0 || emit_jump(c, TW_OP_JUMP_FORWARD, end) < 0)
        return -1;
    /* exceptional exit: [exit mgr prev exc] */
    bind_label(c, handler);
    if (emit(c, TW_OP_WITH_EXCEPT_START, 0) < 0 || emit_jump(c, TW_OP_POP_JUMP_IF_TRUE, suppress) < 0
        || emit(c, TW_OP_RERAISE, 0) < 0)
        return -1;
    bind_label(c, suppress);
    if (emit(c, TW_OP_POP_TOP, 0) < 0 || emit(c, TW_OP_POP_EXCEPT, 0) < 0 || emit(c, TW_OP_POP_TOP, 0) < 0
        || emit(c, TW_OP_POP_TOP, 0) < 0)
        return -1;
    blocks_leave(c);
    bind_label(c, end);
    return 0;
}

static int compile_try_except(Compiler *c, const TwStmt *s)
{
    int handlers = new_label(c), orelse = new_label(c), end = new_label(c);
    if (emit_jump(c, TW_OP_SETUP_FINALLY, handlers) < 0)
        return -1;
    blocks_enter(c);
    if (push_fblock(c, s, FB_TRY_EXCEPT, -1, -1) < 0 || compile_stmts(c, &s->v.Try.body) < 0)
        return -1;
    pop_fblock(c);
    if (emit(c, TW_OP_POP_BLOCK, 0) < 0 || emit_jump(c, TW_OP_JUMP_FORWARD, orelse) < 0)
        return -1;
    /* [prev exc], inside an EXCEPT_HANDLER block */
    bind_label(c, handlers);
    int n = s->v.Try.handlers.count;
    for (int i = 0; i < n; i++) {
        const TwExceptHandler *h = s->v.Try.handlers.items[i];
        c->u->cur.lineno = h->line;
        c->u->cur.end_lineno = h->end_line;
        c->u->cur.col = h->col;
        c->u->cur.end_col = h->end_col;
        if (!h->type && i + 1 < n)
            return compiler_error(c, h->line, h->col, h->end_line, h->end_col, "default 'except:' must be last");
        int next = new_label(c);
        if (h->type) {
            if (emit(c, TW_OP_DUP_TOP, 0) < 0 || compile_expr(c, h->type) < 0
                || emit_jump(c, TW_OP_JUMP_IF_NOT_EXC_MATCH, next) < 0)
                return -1;
        }
        if (h->name) {
            int cleanup = new_label(c);
            if (compile_name(c, h->name, NAME_STORE) < 0 || emit_jump(c, TW_OP_SETUP_FINALLY, cleanup) < 0)
                return -1;
            blocks_enter(c);
            if (push_fblock(c, s, FB_HANDLER_CLEANUP, -1, -1) < 0)
                return -1;
            c->u->fblocks[c->u->nfblocks - 1].name = h->name;
            if (compile_stmts(c, &h->body) < 0)
                return -1;
            pop_fblock(c);
            if (emit(c, TW_OP_POP_BLOCK, 0) < 0 || emit(c, TW_OP_POP_EXCEPT, 0) < 0 || emit_const(c, Tw_None) < 0
                || compile_name(c, h->name, NAME_STORE) < 0 || compile_name(c, h->name, NAME_DEL) < 0
                || emit_jump(c, TW_OP_JUMP_FORWARD, end) < 0)
                return -1;
            /* the handler body raised: drop the name, re-raise */
            bind_label(c, cleanup);
            if (emit_const(c, Tw_None) < 0 || compile_name(c, h->name, NAME_STORE) < 0
                || compile_name(c, h->name, NAME_DEL) < 0 || emit(c, TW_OP_RERAISE, 0) < 0)
                return -1;
            blocks_leave(c);
        } else {
            if (emit(c, TW_OP_POP_TOP, 0) < 0)
                return -1;
            if (push_fblock(c, s, FB_HANDLER_CLEANUP, -1, -1) < 0 || compile_stmts(c, &h->body) < 0)
                return -1;
            pop_fblock(c);
            if (emit(c, TW_OP_POP_EXCEPT, 0) < 0 || emit_jump(c, TW_OP_JUMP_FORWARD, end) < 0)
                return -1;
        }
        bind_label(c, next);
    }
    if (emit(c, TW_OP_RERAISE, 0) < 0)
        return -1;
    blocks_leave(c);
    bind_label(c, orelse);
    if (compile_stmts(c, &s->v.Try.orelse) < 0)
        return -1;
    bind_label(c, end);
    return 0;
}

static int compile_try(Compiler *c, const TwStmt *s)
{
    if (s->v.Try.finalbody.count == 0)
        return compile_try_except(c, s);
    int final = new_label(c), end = new_label(c);
    set_pos_stmt(c, s);
    if (emit_jump(c, TW_OP_SETUP_FINALLY, final) < 0)
        return -1;
    blocks_enter(c);
    if (push_fblock(c, s, FB_FINALLY_TRY, -1, -1) < 0)
        return -1;
    c->u->fblocks[c->u->nfblocks - 1].finalbody = &s->v.Try.finalbody;
    int r = s->v.Try.handlers.count ? compile_try_except(c, s) : compile_stmts(c, &s->v.Try.body);
    if (r < 0)
        return -1;
    pop_fblock(c);
    if (emit(c, TW_OP_POP_BLOCK, 0) < 0 || compile_stmts(c, &s->v.Try.finalbody) < 0
        || emit_jump(c, TW_OP_JUMP_FORWARD, end) < 0)
        return -1;
    /* exceptional path: [prev exc] */
    bind_label(c, final);
    if (push_fblock(c, s, FB_FINALLY_END, -1, -1) < 0 || compile_stmts(c, &s->v.Try.finalbody) < 0)
        return -1;
    pop_fblock(c);
    if (emit(c, TW_OP_RERAISE, 0) < 0)
        return -1;
    blocks_leave(c);
    bind_label(c, end);
    return 0;
}

/* The Compare whose position CPython 3.11 gives the instructions that
 * follow a conditional jump on `e` (its compiler_jump_if leaves the last
 * Compare's location in place): the last Compare met walking through
 * `not`, `and`/`or` and conditional expressions in compilation order. */
static const TwExpr *last_jump_compare(const TwExpr *e)
{
    const TwExpr *found = NULL, *r;
    switch (e->kind) {
    case TW_EXPR_COMPARE:
        return e;
    case TW_EXPR_UNARYOP:
        return e->v.UnaryOp.op == TW_NOT ? last_jump_compare(e->v.UnaryOp.operand) : NULL;
    case TW_EXPR_BOOLOP:
        for (int i = 0; i < e->v.BoolOp.values.count; i++)
            if ((r = last_jump_compare(e->v.BoolOp.values.items[i])) != NULL)
                found = r;
        return found;
    case TW_EXPR_IFEXP:
        if ((r = last_jump_compare(e->v.IfExp.test)) != NULL)
            found = r;
        if ((r = last_jump_compare(e->v.IfExp.body)) != NULL)
            found = r;
        if ((r = last_jump_compare(e->v.IfExp.orelse)) != NULL)
            found = r;
        return found;
    default:
        return NULL;
    }
}

/* The AssertionError is raised at the statement's position, or at the
 * test's last comparison (see last_jump_compare), as in CPython 3.11. */
static void set_pos_assert_raise(Compiler *c, const TwStmt *s)
{
    const TwExpr *cmp = last_jump_compare(s->v.Assert.test);
    if (cmp != NULL)
        set_pos_expr(c, cmp);
    else
        set_pos_stmt(c, s);
}

static int compile_assert(Compiler *c, const TwStmt *s)
{
    if (s->v.Assert.test->kind == TW_EXPR_TUPLE && s->v.Assert.test->v.Tuple.elts.count > 0)
        compiler_warn(c, s->line, "assertion is always true, perhaps remove parentheses?");
    int end = new_label(c);
    if (compile_jump_if(c, s->v.Assert.test, end, true) < 0)
        return -1;
    set_pos_assert_raise(c, s);
    if (emit(c, TW_OP_LOAD_ASSERTION_ERROR, 0) < 0)
        return -1;
    if (s->v.Assert.msg) {
        if (compile_expr(c, s->v.Assert.msg) < 0)
            return -1;
        set_pos_assert_raise(c, s);
        if (emit(c, TW_OP_CALL_FUNCTION, 1) < 0)
            return -1;
    }
    if (emit(c, TW_OP_RAISE_VARARGS, 1) < 0)
        return -1;
    bind_label(c, end);
    return 0;
}

static int compile_import(Compiler *c, const TwStmt *s)
{
    for (int i = 0; i < s->v.Import.names.count; i++) {
        const TwAlias *a = s->v.Import.names.items[i];
        if (emit_name_op(c, TW_OP_IMPORT_NAME, a->name) < 0)
            return -1;
        if (a->asname) {
            if (compile_name(c, a->asname, NAME_STORE) < 0)
                return -1;
            continue;
        }
        const char *dot = strchr(a->name, '.');
        if (!dot) {
            if (compile_name(c, a->name, NAME_STORE) < 0)
                return -1;
            continue;
        }
        TwObject *top = tw_str_from_utf8(a->name, (size_t)(dot - a->name));
        if (!top)
            return no_memory(c);
        tw_str_intern_inplace(&top);
        const char *tname = TW_STR_DATA(top);
        int r = emit(c, TW_OP_POP_TOP, 0) < 0 || emit_name_op(c, TW_OP_IMPORT_NAME, tname) < 0
                || compile_name(c, tname, NAME_STORE) < 0;
        TW_DECREF(top);
        if (r)
            return -1;
    }
    return 0;
}

static int compile_import_from(Compiler *c, const TwStmt *s)
{
    if (s->v.ImportFrom.level > 0 || s->v.ImportFrom.module == NULL)
        return ERR_STMT(c, s, "relative imports are not supported by twinpy");
    if (emit_name_op(c, TW_OP_IMPORT_NAME, s->v.ImportFrom.module) < 0)
        return -1;
    for (int i = 0; i < s->v.ImportFrom.names.count; i++) {
        const TwAlias *a = s->v.ImportFrom.names.items[i];
        if (strcmp(a->name, "*") == 0)
            return emit(c, TW_OP_IMPORT_STAR, 0);
        if (emit_name_op(c, TW_OP_IMPORT_FROM, a->name) < 0
            || compile_name(c, a->asname ? a->asname : a->name, NAME_STORE) < 0)
            return -1;
    }
    return emit(c, TW_OP_POP_TOP, 0);
}

static const TwConstant *docstring_of(const TwStmtSeq *body)
{
    if (body->count == 0)
        return NULL;
    const TwStmt *s = body->items[0];
    if (s->kind != TW_STMT_EXPR || s->v.Expr.value->kind != TW_EXPR_CONSTANT
        || s->v.Expr.value->v.Constant.kind != TW_CONST_STR)
        return NULL;
    return &s->v.Expr.value->v.Constant;
}

/* Compile a function's (or lambda's) body into a code object. */
static int compile_function_body(Compiler *c, Scope *fs, const TwArguments *a, const char *name,
                                 const TwStmtSeq *body, const TwExpr *lambda_body, int firstlineno,
                                 TwObject **code_out, TwObject **qualname_out)
{
    TwObject *qualname = make_qualname(c, name);
    if (!qualname)
        return no_memory(c);
    if (unit_enter(c, fs, name, qualname, firstlineno) < 0)
        return -1;
    Unit *u = c->u;
    u->argcount = a->posonlyargs.count + a->args.count;
    u->posonlyargcount = a->posonlyargs.count;
    u->kwonlyargcount = a->kwonlyargs.count;
    if (a->vararg)
        u->flags |= TW_CO_VARARGS;
    if (a->kwarg)
        u->flags |= TW_CO_VARKEYWORDS;
    int r = 0;
    if (lambda_body) {
        r = compile_expr(c, lambda_body);
        if (r == 0)
            r = emit(c, TW_OP_RETURN_VALUE, 0);
    } else {
        const TwConstant *doc = docstring_of(body);
        /* a docstring is constant 0 (MAKE_FUNCTION reads it from there) */
        if (doc) {
            TwObject *d = tw_str_from_utf8(doc->str, doc->str_len);
            r = d ? add_const(c, d) : no_memory(c);
            TW_XDECREF(d);
            u->flags |= TW_CO_DOCSTRING;
        }
        if (r >= 0)
            r = 0;
        if (r == 0)
            r = compile_stmts(c, body);
        if (r == 0 && (u->ncode == 0 || TW_INSTR_OP(u->code[u->ncode - 1]) != TW_OP_RETURN_VALUE)) {
            if (body->count)
                set_pos_stmt(c, body->items[body->count - 1]);
            r = emit_const(c, Tw_None);
            if (r == 0)
                r = emit(c, TW_OP_RETURN_VALUE, 0);
        }
    }
    TwObject *code = r == 0 ? unit_assemble(c) : NULL;
    *qualname_out = tw_newref(u->qualname);
    unit_leave(c);
    if (!code) {
        TW_DECREF(*qualname_out);
        *qualname_out = NULL;
        return no_memory(c);
    }
    *code_out = code;
    return 0;
}

static int compile_decorators(Compiler *c, const TwExprSeq *decos)
{
    for (int i = 0; i < decos->count; i++)
        if (compile_expr(c, decos->items[i]) < 0)
            return -1;
    return 0;
}

static int apply_decorators(Compiler *c, const TwExprSeq *decos)
{
    for (int i = decos->count - 1; i >= 0; i--) {
        set_pos_expr(c, decos->items[i]);
        if (emit(c, TW_OP_CALL_FUNCTION, 1) < 0)
            return -1;
    }
    return 0;
}

static int compile_functiondef(Compiler *c, const TwStmt *s)
{
    Scope *fs = scope_child_for(c->u->scope, s);
    if (!fs)
        return ERR_STMT(c, s, "internal error: function scope");
    if (compile_decorators(c, &s->v.FunctionDef.decorator_list) < 0)
        return -1;
    int flags;
    if (compile_defaults(c, s->v.FunctionDef.args, &flags) < 0)
        return -1;
    int firstline = s->v.FunctionDef.decorator_list.count ? s->v.FunctionDef.decorator_list.items[0]->line : s->line;
    TwObject *code = NULL, *qualname = NULL;
    if (compile_function_body(c, fs, s->v.FunctionDef.args, s->v.FunctionDef.name, &s->v.FunctionDef.body,
                              NULL, firstline, &code, &qualname) < 0)
        return -1;
    set_pos_stmt(c, s);
    int r = make_closure(c, code, qualname, flags);
    TW_DECREF(code);
    TW_DECREF(qualname);
    if (r < 0 || apply_decorators(c, &s->v.FunctionDef.decorator_list) < 0)
        return -1;
    return compile_name(c, s->v.FunctionDef.name, NAME_STORE);
}

static int compile_classdef(Compiler *c, const TwStmt *s)
{
    Scope *cs = scope_child_for(c->u->scope, s);
    if (!cs)
        return ERR_STMT(c, s, "internal error: class scope");
    for (int i = 0; i < s->v.ClassDef.keywords.count; i++) {
        const TwKeyword *k = s->v.ClassDef.keywords.items[i];
        if (!k->arg || strcmp(k->arg, "metaclass") != 0)
            return compiler_error(c, k->line, k->col, k->end_line, k->end_col,
                                  "class keyword arguments are not supported by twinpy");
        return compiler_error(c, k->line, k->col, k->end_line, k->end_col,
                              "metaclass= is not supported by twinpy");
    }
    if (compile_decorators(c, &s->v.ClassDef.decorator_list) < 0)
        return -1;
    int firstline = s->v.ClassDef.decorator_list.count ? s->v.ClassDef.decorator_list.items[0]->line : s->line;
    TwObject *qualname = make_qualname(c, s->v.ClassDef.name);
    if (!qualname)
        return no_memory(c);
    if (unit_enter(c, cs, s->v.ClassDef.name, qualname, firstline) < 0)
        return -1;
    Unit *u = c->u;
    set_pos_stmt(c, s);
    int r = compile_name(c, "__name__", NAME_LOAD);
    if (r == 0)
        r = compile_name(c, "__module__", NAME_STORE);
    if (r == 0)
        r = emit_const(c, u->qualname);
    if (r == 0)
        r = compile_name(c, "__qualname__", NAME_STORE);
    const TwConstant *doc = docstring_of(&s->v.ClassDef.body);
    if (r == 0 && doc) {
        r = emit_const_steal(c, tw_str_from_utf8(doc->str, doc->str_len));
        if (r == 0)
            r = compile_name(c, "__doc__", NAME_STORE);
    }
    if (r == 0)
        r = compile_stmts(c, &s->v.ClassDef.body);
    if (r == 0 && cs->needs_class_cell) {
        r = emit(c, TW_OP_LOAD_CLOSURE, deref_index(c, "__class__"));
        if (r == 0)
            r = emit_name_op(c, TW_OP_STORE_NAME, "__classcell__");
    }
    if (r == 0)
        r = emit_const(c, Tw_None);
    if (r == 0)
        r = emit(c, TW_OP_RETURN_VALUE, 0);
    TwObject *code = r == 0 ? unit_assemble(c) : NULL;
    TwObject *qn = tw_newref(u->qualname);
    unit_leave(c);
    if (!code) {
        TW_DECREF(qn);
        return no_memory(c);
    }
    set_pos_stmt(c, s);
    r = make_closure(c, code, qn, 0);
    TW_DECREF(code);
    TW_DECREF(qn);
    if (r < 0)
        return -1;
    TwObject *name = tw_str_intern_cstr(s->v.ClassDef.name);
    if (!name || emit_const(c, name) < 0)
        return -1;
    for (int i = 0; i < s->v.ClassDef.bases.count; i++) {
        if (s->v.ClassDef.bases.items[i]->kind == TW_EXPR_STARRED)
            return ERR_EXPR(c, s->v.ClassDef.bases.items[i], "starred base classes are not supported by twinpy");
        if (compile_expr(c, s->v.ClassDef.bases.items[i]) < 0)
            return -1;
    }
    set_pos_stmt(c, s);
    if (emit(c, TW_OP_BUILD_CLASS, s->v.ClassDef.bases.count) < 0
        || apply_decorators(c, &s->v.ClassDef.decorator_list) < 0)
        return -1;
    return compile_name(c, s->v.ClassDef.name, NAME_STORE);
}

/* True when compiling e emits no store to a local of this frame (a
 * walrus), no jump out of it (yield) and no nested code (lambdas,
 * comprehensions): what a LOAD_FAST or LOAD_CONST emitted before e still
 * loads the same object after it.  A whitelist: kinds not named here may
 * do any of those. */
static bool expr_keeps_locals(const TwExpr *e);

static bool seq_keeps_locals(const TwExprSeq *seq)
{
    for (int i = 0; i < seq->count; i++)
        if (!expr_keeps_locals(seq->items[i]))
            return false;
    return true;
}

static bool expr_keeps_locals(const TwExpr *e)
{
    if (e == NULL)
        return true;
    switch (e->kind) {
    case TW_EXPR_NAME:
    case TW_EXPR_CONSTANT:
        return true;
    case TW_EXPR_BINOP:
        return expr_keeps_locals(e->v.BinOp.left) && expr_keeps_locals(e->v.BinOp.right);
    case TW_EXPR_UNARYOP:
        return expr_keeps_locals(e->v.UnaryOp.operand);
    case TW_EXPR_ATTRIBUTE:
        return expr_keeps_locals(e->v.Attribute.value);
    case TW_EXPR_SUBSCRIPT:
        return expr_keeps_locals(e->v.Subscript.value) && expr_keeps_locals(e->v.Subscript.slice);
    case TW_EXPR_SLICE:
        return expr_keeps_locals(e->v.Slice.lower) && expr_keeps_locals(e->v.Slice.upper)
            && expr_keeps_locals(e->v.Slice.step);
    case TW_EXPR_IFEXP:
        return expr_keeps_locals(e->v.IfExp.test) && expr_keeps_locals(e->v.IfExp.body)
            && expr_keeps_locals(e->v.IfExp.orelse);
    case TW_EXPR_STARRED:
        return expr_keeps_locals(e->v.Starred.value);
    case TW_EXPR_BOOLOP:
        return seq_keeps_locals(&e->v.BoolOp.values);
    case TW_EXPR_TUPLE:
        return seq_keeps_locals(&e->v.Tuple.elts);
    case TW_EXPR_LIST:
        return seq_keeps_locals(&e->v.List.elts);
    case TW_EXPR_COMPARE:
        return expr_keeps_locals(e->v.Compare.left) && seq_keeps_locals(&e->v.Compare.comparators);
    case TW_EXPR_CALL:
        if (!expr_keeps_locals(e->v.Call.func) || !seq_keeps_locals(&e->v.Call.args))
            return false;
        for (int i = 0; i < e->v.Call.keywords.count; i++)
            if (!expr_keeps_locals(e->v.Call.keywords.items[i]->value))
                return false;
        return true;
    default:
        return false;
    }
}

/* The instruction compile_expr just emitted for an operand, when it was
 * one LOAD_FAST or LOAD_CONST (from `start`, where the operand began),
 * else 0: an operand compile_augassign may load again instead of keeping
 * it on the stack. */
static uint32_t reloadable_load(Compiler *c, int start)
{
    Unit *u = c->u;
    if (u->ncode != start + 1)
        return 0;
    uint32_t w = u->code[start];
    return TW_INSTR_OP(w) == TW_OP_LOAD_FAST || TW_INSTR_OP(w) == TW_OP_LOAD_CONST ? w : 0;
}

/* `x.a op= v` and `x[k] op= v`.  When x (and k) are each one LOAD_FAST or
 * LOAD_CONST and v cannot rebind a local (expr_keeps_locals), the target's
 * operands are loaded again for the store instead of being kept under v
 * with DUP_TOP / DUP_TOP_TWO and rotated back: the same objects, in
 * Python's order (x, k, x[k], v, the operation, the store), and both loads
 * become LOAD_FAST_FUSED pairs that count neither operand. */
static int compile_augassign(Compiler *c, const TwStmt *s)
{
    const TwExpr *t = s->v.AugAssign.target;
    int op = binop_of(s->v.AugAssign.op);
    switch (t->kind) {
    case TW_EXPR_NAME:
        if (compile_name(c, t->v.Name.id, NAME_LOAD) < 0 || compile_expr(c, s->v.AugAssign.value) < 0)
            return -1;
        set_pos_stmt(c, s);
        if (emit(c, TW_OP_INPLACE_OP, op) < 0)
            return -1;
        return compile_name(c, t->v.Name.id, NAME_STORE);
    case TW_EXPR_ATTRIBUTE: {
        int start = c->u->ncode;
        if (compile_expr(c, t->v.Attribute.value) < 0)
            return -1;
        uint32_t x = expr_keeps_locals(s->v.AugAssign.value) ? reloadable_load(c, start) : 0;
        if (!x && emit(c, TW_OP_DUP_TOP, 0) < 0)
            return -1;
        set_pos_expr(c, t);
        if (emit_name_op(c, TW_OP_LOAD_ATTR, t->v.Attribute.attr) < 0 || compile_expr(c, s->v.AugAssign.value) < 0)
            return -1;
        set_pos_stmt(c, s);
        if (emit(c, TW_OP_INPLACE_OP, op) < 0)
            return -1;
        if (x ? emit(c, (int)TW_INSTR_OP(x), (int)TW_INSTR_ARG(x)) < 0 : emit(c, TW_OP_ROT_TWO, 0) < 0)
            return -1;
        return emit_name_op(c, TW_OP_STORE_ATTR, t->v.Attribute.attr);
    }
    case TW_EXPR_SUBSCRIPT: {
        int start = c->u->ncode;
        uint32_t x = 0, k = 0;
        if (compile_expr(c, t->v.Subscript.value) < 0)
            return -1;
        if (expr_keeps_locals(s->v.AugAssign.value))
            x = reloadable_load(c, start);
        start = c->u->ncode;
        if (compile_subscript_slice(c, t->v.Subscript.slice) < 0)
            return -1;
        if (x)
            k = reloadable_load(c, start);
        if (!k && emit(c, TW_OP_DUP_TOP_TWO, 0) < 0)
            return -1;
        set_pos_expr(c, t);
        if (emit(c, TW_OP_BINARY_SUBSCR, 0) < 0 || compile_expr(c, s->v.AugAssign.value) < 0)
            return -1;
        set_pos_stmt(c, s);
        if (emit(c, TW_OP_INPLACE_OP, op) < 0)
            return -1;
        if (k) {
            if (emit(c, (int)TW_INSTR_OP(x), (int)TW_INSTR_ARG(x)) < 0
                || emit(c, (int)TW_INSTR_OP(k), (int)TW_INSTR_ARG(k)) < 0)
                return -1;
        } else if (emit(c, TW_OP_ROT_THREE, 0) < 0) {
            return -1;
        }
        return emit(c, TW_OP_STORE_SUBSCR, 0);
    }
    default:
        return ERR_EXPR(c, t, "'%s' is an illegal expression for augmented assignment", "expression");
    }
}

static int compile_stmt(Compiler *c, const TwStmt *s)
{
    if (c->failed)
        return -1;
    set_pos_stmt(c, s);
    switch (s->kind) {
    case TW_STMT_FUNCTIONDEF: return compile_functiondef(c, s);
    case TW_STMT_CLASSDEF: return compile_classdef(c, s);
    case TW_STMT_RETURN: return compile_return(c, s);
    case TW_STMT_DELETE:
        for (int i = 0; i < s->v.Delete.targets.count; i++)
            if (compile_delete(c, s->v.Delete.targets.items[i]) < 0)
                return -1;
        return 0;
    case TW_STMT_ASSIGN: {
        if (s->v.Assign.targets.count == 1) {
            int r = compile_swap_assign(c, s->v.Assign.targets.items[0], s->v.Assign.value);
            if (r != 0)
                return r < 0 ? -1 : 0;
        }
        if (compile_expr(c, s->v.Assign.value) < 0)
            return -1;
        int n = s->v.Assign.targets.count;
        for (int i = 0; i < n; i++) {
            if (i < n - 1 && emit(c, TW_OP_DUP_TOP, 0) < 0)
                return -1;
            if (compile_store(c, s->v.Assign.targets.items[i]) < 0)
                return -1;
        }
        return 0;
    }
    case TW_STMT_AUGASSIGN: return compile_augassign(c, s);
    case TW_STMT_ANNASSIGN: {
        const TwExpr *t = s->v.AnnAssign.target;
        /* without a value only the target's sub-expressions run */
        if (t->kind == TW_EXPR_ATTRIBUTE) {
            if (compile_expr(c, t->v.Attribute.value) < 0)
                return -1;
            return emit(c, TW_OP_POP_TOP, 0);
        }
        return 0;
    }
    case TW_STMT_FOR: return compile_for(c, s);
    case TW_STMT_WHILE: return compile_while(c, s);
    case TW_STMT_IF: return compile_if(c, s);
    case TW_STMT_WITH: return compile_with_item(c, s, 0);
    case TW_STMT_RAISE: {
        int n = 0;
        if (s->v.Raise.exc) {
            if (compile_expr(c, s->v.Raise.exc) < 0)
                return -1;
            n = 1;
            if (s->v.Raise.cause) {
                if (compile_expr(c, s->v.Raise.cause) < 0)
                    return -1;
                n = 2;
            }
        }
        set_pos_stmt(c, s);
        return emit(c, TW_OP_RAISE_VARARGS, n);
    }
    case TW_STMT_TRY: return compile_try(c, s);
    case TW_STMT_ASSERT: return compile_assert(c, s);
    case TW_STMT_IMPORT: return compile_import(c, s);
    case TW_STMT_IMPORTFROM: return compile_import_from(c, s);
    case TW_STMT_GLOBAL:
    case TW_STMT_NONLOCAL:
    case TW_STMT_PASS:
        return 0;
    case TW_STMT_EXPR: {
        const TwExpr *v = s->v.Expr.value;
        if (v->kind == TW_EXPR_CONSTANT)
            return 0;
        if (compile_expr(c, v) < 0)
            return -1;
        return emit(c, TW_OP_POP_TOP, 0);
    }
    case TW_STMT_BREAK: return compile_break_continue(c, s, true);
    case TW_STMT_CONTINUE: return compile_break_continue(c, s, false);
    }
    return ERR_STMT(c, s, "unsupported statement");
}

static int compile_stmts(Compiler *c, const TwStmtSeq *seq)
{
    for (int i = 0; i < seq->count; i++)
        if (compile_stmt(c, seq->items[i]) < 0)
            return -1;
    return 0;
}

/* ================================================================== */
/* Entry point                                                          */
/* ================================================================== */

static TwObject *compile_module(Compiler *c, const TwModule *mod, TwCompileMode mode)
{
    SymBuilder b = {c, NULL};
    Scope *top = scope_new(&b, ST_MODULE, mod, "<module>");
    if (!top) {
        no_memory(c);
        return NULL;
    }
    c->top = top;
    b.cur = top;
    int r = mode == TW_COMPILE_EVAL ? sym_expr(&b, mod->expr) : sym_stmts(&b, &mod->body);
    if (r < 0)
        return NULL;
    NameMap free_top = {0};
    r = analyze_scope(c, top, NULL, &free_top);
    namemap_free(&free_top);
    if (r < 0)
        return NULL;
    if (unit_enter(c, top, "<module>", NULL, 1) < 0) {
        if (c->u)
            unit_leave(c);
        return NULL;
    }
    if (mode == TW_COMPILE_EVAL) {
        r = compile_expr(c, mod->expr);
        if (r == 0)
            r = emit(c, TW_OP_RETURN_VALUE, 0);
    } else {
        r = compile_stmts(c, &mod->body);
        if (r == 0) {
            c->u->cur.col = c->u->cur.end_col = -1;
            r = emit_const(c, Tw_None);
        }
        if (r == 0)
            r = emit(c, TW_OP_RETURN_VALUE, 0);
    }
    TwObject *code = r == 0 ? unit_assemble(c) : NULL;
    while (c->u)
        unit_leave(c);
    return code;
}

/* Turn the parser's error into the exception CPython would raise. */
static void raise_parse_error(const TwSyntaxError *err, const char *filename)
{
    switch (err->kind) {
    case TW_SYNERR_MEMORY:
        tw_err_no_memory();
        return;
    case TW_SYNERR_RECURSION:
        tw_err_set_string(TwExc_RecursionError, err->message);
        return;
    case TW_SYNERR_INDENTATION:
        raise_syntax_error_at(TwExc_IndentationError, filename, err->message, err->line, err->offset,
                              err->text, err->end_line, err->end_offset);
        return;
    case TW_SYNERR_TAB:
        raise_syntax_error_at(TwExc_TabError, filename, err->message, err->line, err->offset, err->text,
                              err->end_line, err->end_offset);
        return;
    case TW_SYNERR_UNSUPPORTED:
    case TW_SYNERR_SYNTAX:
    default:
        raise_syntax_error_at(TwExc_SyntaxError, filename, err->message, err->line, err->offset, err->text,
                              err->end_line, err->end_offset);
        return;
    }
}

/* Compile a parsed tree; src is the text it came from (for the source
 * line of compile-time SyntaxErrors). */
TwObject *tw_compile_ast(const TwModule *mod, const char *src, size_t len, const char *filename,
                         TwCompileMode mode)
{
    Compiler c;
    memset(&c, 0, sizeof c);
    c.filename = filename;
    c.src = src;
    c.srclen = len;
    c.filename_obj = tw_str_from_cstr(filename);
    TwObject *code = NULL;
    if (c.filename_obj) {
        code = compile_module(&c, mod, mode);
        if (!code && !tw_err_occurred())
            tw_err_set_string(TwExc_SystemError, "compiler failed without an exception");
    }
    TW_XDECREF(c.filename_obj);
    scope_free(c.top);
    return code;
}

/* SyntaxWarnings go to stderr as the warnings module prints them. */
static void print_parse_warnings(const TwParseResult *pr, const char *filename, const char *src, size_t len)
{
    for (int i = 0; i < pr->nwarnings; i++) {
        const TwParseWarning *w = &pr->warnings[i];
        fprintf(stderr, "%s:%d: %s: %s\n", filename, w->line, w->category, w->message);
        Compiler tmp;
        memset(&tmp, 0, sizeof tmp);
        tmp.src = src;
        tmp.srclen = len;
        char *line = source_line(&tmp, w->line);
        if (line) {
            char *p = line;
            while (*p == ' ' || *p == '\t')
                p++;
            size_t n = strlen(p);
            while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
                n--;
            fprintf(stderr, "  %.*s\n", (int)n, p);
            free(line);
        }
    }
}

TwObject *tw_compile_source(const char *src, size_t len, const char *filename, TwCompileMode mode)
{
    TwParseResult pr = tw_parse(src, len, filename, mode == TW_COMPILE_EVAL ? TW_PARSE_EVAL : TW_PARSE_FILE);
    if (pr.module == NULL) {
        raise_parse_error(&pr.error, filename);
        tw_parse_result_free(&pr);
        return NULL;
    }
    if (pr.nwarnings)
        print_parse_warnings(&pr, filename, src, len);
    TwObject *code = tw_compile_ast(pr.module, src, len, filename, mode);
    tw_parse_result_free(&pr);
    return code;
}
