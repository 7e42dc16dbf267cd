/*
 * parser.c - recursive-descent parser for twinpy's Python (see parser.h).
 *
 * Shape.  One function per grammar rule of CPython 3.11's python.gram,
 * named after the rule (p_star_expressions, p_named_expression, ...).  A
 * function either returns its node or fails; failing longjmps out to the
 * top (like Lua's luaD_throw), so no function checks for errors after a
 * call.  All memory is in the arena, so an abandoned parse leaks nothing.
 *
 * Tokens are fetched lazily into a buffer.  The parser looks ahead at most
 * two tokens, except where it speculates (below); the buffer is compacted
 * at each statement, so memory stays small for large files.
 *
 * Errors, and why they are not simply "unexpected token".  CPython parses
 * twice: a fast pass, and on failure a second pass with extra "invalid_*"
 * rules that name the mistake ("expected ':'", "cannot assign to literal",
 * "Perhaps you forgot a comma?").  Its message and caret positions are part
 * of what twinpy must reproduce.  This parser runs once and applies those
 * rules at the point where it notices the input cannot be valid:
 *
 *  - "invalid syntax" points at the last token the parser fetched, as in
 *    CPython (tokens fetched while speculating do not count);
 *  - a specific diagnosis sometimes needs to look at the input again: the
 *    parser then "speculates", i.e. parses from a saved position with
 *    errors caught instead of raised (p_try);
 *  - a tokenizer error raised while parsing wins immediately;
 *  - after a parser error, the rest of the file is tokenized: a hard
 *    tokenizer error there (unterminated string, bad character, ...)
 *    replaces the parser's error, and an unclosed bracket replaces it when
 *    it was opened on an earlier line (CPython's
 *    _PyPegen_tokenize_full_source_to_check_for_errors).
 *
 * Positions.  CPython builds SyntaxError offsets in two ways, and both are
 * needed:
 *  - "at the last token" (RAISE_SYNTAX_ERROR): offset is the token's
 *    column + 1, or for tokens without text (INDENT, DEDENT, ENDMARKER)
 *    where the tokenizer stood; end offset -1 for those;
 *  - "at a known location" (RAISE_SYNTAX_ERROR_KNOWN_LOCATION/RANGE): a
 *    node's or token's col + 1 and end_col + 1, with -1 mapping to 0.
 * Columns are converted from bytes to characters on the error's line.
 *
 * f-strings are single STRING tokens (as in 3.11).  Their literal parts are
 * decoded here; each {expression} is parsed by a nested parser over the
 * text "(expression)", sharing the arena, as CPython's fstring_compile_expr
 * does, and errors inside it get the "f-string: " prefix.
 */
#include "parser.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* State                                                               */
/* ------------------------------------------------------------------ */

/* What all parsers of one parse share (f-string parsers are nested). */
typedef struct TwParseShared {
    TwArena *arena;
    /* The first error; `from_tokenizer` marks errors the tokenizer found,
       which are never replaced and end speculation. */
    TwSyntaxError error;
    bool has_error;
    bool from_tokenizer;
    bool no_recheck;            /* skip the rest-of-file tokenizer check */
    /* First unsupported feature seen; reported if nothing worse turns up. */
    TwSyntaxError unsupported;
    bool has_unsupported;
    /* Identifier interning (open addressing, power-of-two size). */
    const char **names;
    size_t names_cap;
    size_t names_count;
    /* Warnings collected from all tokenizers. */
    TwParseWarning *warnings;
    int nwarnings;
    int warnings_cap;
} TwParseShared;

typedef struct TwParser {
    TwParseShared *sh;
    TwTokenizer *tok;
    TwToken *tokens;            /* fetched tokens, tokens[0 .. fill) */
    int fill;
    int cap;
    int pos;                    /* next token to consume */
    int generic_fill;           /* tokens fetched outside speculation */
    int last_end_line;          /* end of the last consumed real token */
    int last_end_col;
    jmp_buf *on_error;
    int speculating;            /* parsing to see whether it works */
    int diagnosing;             /* reparsing like CPython's second pass:
                                   specific errors count, "invalid syntax"
                                   does not */
    int depth;                  /* nesting, against TW_AST_MAX_DEPTH */
    int assign_diag;            /* inside p_diag_assign_in_expression's
                                   reparses: a nested one adds nothing */
    TwParseMode mode;
    TwExpr *last_bare_tuple;    /* the last tuple built without brackets */
    /* f-string expression parsers: the tokens come from "(expr)";
       columns on its first line are shifted to the real source for the
       tree, but errors keep them relative to "(expr)", as CPython 3.11. */
    bool fstring;
    int fstring_line;
    int fstring_shift;
} TwParser;

/*
 * Recursion passes through a chain of rule functions once per bracket;
 * keeping work that needs big locals (vectors, token copies) out of line
 * keeps that chain's frames small.  (A compiler hint only.)
 */
#if defined(__GNUC__)
#define TW_NOINLINE __attribute__((noinline))
#else
#define TW_NOINLINE
#endif

#define TW_SOFT_KEYWORD(t) \
    ((t)->kind == TW_TOK_NAME && (tok_is(t, "match") || tok_is(t, "case") || \
                                  tok_is(t, "_")))

static bool tok_is(const TwToken *t, const char *s)
{
    size_t n = strlen(s);
    return (size_t)(t->end - t->start) == n && memcmp(t->start, s, n) == 0;
}

/* ------------------------------------------------------------------ */
/* Memory                                                              */
/* ------------------------------------------------------------------ */

static void p_no_memory(TwParser *p)
{
    TwParseShared *sh = p->sh;
    if (!sh->has_error || sh->error.kind != TW_SYNERR_MEMORY) {
        tw_syntax_error_clear(&sh->error);
        sh->error.kind = TW_SYNERR_MEMORY;
        snprintf(sh->error.message, sizeof sh->error.message, "out of memory");
        sh->has_error = true;
        sh->from_tokenizer = true;
        sh->no_recheck = true;
    }
    longjmp(*p->on_error, 1);
}

static void *p_alloc(TwParser *p, size_t size)
{
    void *mem = tw_arena_calloc(p->sh->arena, size);
    if (mem == NULL) {
        p_no_memory(p);
    }
    return mem;
}

/* A growable array of pointers, first on the C stack, then in the arena
   (a doubling array wastes at most as much as it keeps). */
typedef struct TwVec {
    void **items;
    int count;
    int cap;
    void *local[8];
} TwVec;

static void vec_init(TwVec *v)
{
    v->items = v->local;
    v->count = 0;
    v->cap = 8;
}

static void vec_push(TwParser *p, TwVec *v, void *item)
{
    if (v->count == v->cap) {
        if (v->cap > INT_MAX / 2) {
            p_no_memory(p);
        }
        void **items = p_alloc(p, sizeof(void *) * (size_t)v->cap * 2);
        memcpy(items, v->items, sizeof(void *) * (size_t)v->count);
        v->items = items;
        v->cap *= 2;
    }
    v->items[v->count++] = item;
}

/* Typed copies of a TwVec into its final sequence. */
#define TW_DEFINE_SEQ(fn, SeqType, ItemType) \
    static SeqType fn(TwParser *p, const TwVec *v) \
    { \
        SeqType seq; \
        seq.count = v->count; \
        seq.items = NULL; \
        if (v->count > 0) { \
            seq.items = p_alloc(p, sizeof(ItemType *) * (size_t)v->count); \
            for (int i = 0; i < v->count; i++) { \
                seq.items[i] = (ItemType *)v->items[i]; \
            } \
        } \
        return seq; \
    }

TW_DEFINE_SEQ(seq_expr, TwExprSeq, TwExpr)
TW_DEFINE_SEQ(seq_stmt, TwStmtSeq, TwStmt)
TW_DEFINE_SEQ(seq_arg, TwArgSeq, TwArg)
TW_DEFINE_SEQ(seq_keyword, TwKeywordSeq, TwKeyword)
TW_DEFINE_SEQ(seq_comp, TwComprehensionSeq, TwComprehension)
TW_DEFINE_SEQ(seq_handler, TwExceptHandlerSeq, TwExceptHandler)
TW_DEFINE_SEQ(seq_withitem, TwWithItemSeq, TwWithItem)
TW_DEFINE_SEQ(seq_alias, TwAliasSeq, TwAlias)

static TwIdentifierSeq seq_ident(TwParser *p, const TwVec *v)
{
    TwIdentifierSeq seq;
    seq.count = v->count;
    seq.items = NULL;
    if (v->count > 0) {
        seq.items = p_alloc(p, sizeof(const char *) * (size_t)v->count);
        for (int i = 0; i < v->count; i++) {
            seq.items[i] = (const char *)v->items[i];
        }
    }
    return seq;
}

/* A sequence of one expression. */
static TwExprSeq seq_expr1(TwParser *p, TwExpr *e)
{
    TwExprSeq seq;
    seq.count = 1;
    seq.items = p_alloc(p, sizeof(TwExpr *));
    seq.items[0] = e;
    return seq;
}

/* ------------------------------------------------------------------ */
/* Identifiers                                                         */
/* ------------------------------------------------------------------ */

static size_t name_hash(const char *s, size_t n)
{
    size_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    }
    return h;
}

/* Returns the interned copy of s[0..n). */
static const char *p_intern(TwParser *p, const char *s, size_t n)
{
    TwParseShared *sh = p->sh;
    if (sh->names_count * 2 >= sh->names_cap) {
        size_t cap = sh->names_cap ? sh->names_cap * 2 : 256;
        const char **names = p_alloc(p, cap * sizeof *names);
        for (size_t i = 0; i < sh->names_cap; i++) {
            const char *old = sh->names[i];
            if (old != NULL) {
                size_t j = name_hash(old, strlen(old)) & (cap - 1);
                while (names[j] != NULL) {
                    j = (j + 1) & (cap - 1);
                }
                names[j] = old;
            }
        }
        sh->names = names;
        sh->names_cap = cap;
    }
    size_t j = name_hash(s, n) & (sh->names_cap - 1);
    while (sh->names[j] != NULL) {
        const char *cand = sh->names[j];
        if (strncmp(cand, s, n) == 0 && cand[n] == '\0') {
            return cand;
        }
        j = (j + 1) & (sh->names_cap - 1);
    }
    char *copy = tw_arena_strndup(sh->arena, s, n);
    if (copy == NULL) {
        p_no_memory(p);
    }
    sh->names[j] = copy;
    sh->names_count++;
    return copy;
}

static const char *p_intern_token(TwParser *p, const TwToken *t)
{
    return p_intern(p, t->start, (size_t)(t->end - t->start));
}

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

/*
 * SyntaxError's offset for a 1-based byte offset into the line `text`, as
 * CPython's parser computes it: unchanged when the source declares no
 * encoding; otherwise the characters in the first `nbytes` bytes
 * (_PyPegen_byte_offset_to_character_offset, which may read the text's
 * NUL terminator as one more character).
 */
static int p_char_offset_in(const TwTokenizer *tok, const char *text, int nbytes)
{
    if (!tok->has_encoding || text == NULL || nbytes <= 0) {
        return nbytes;
    }
    int len = (int)strlen(text);
    if (nbytes > len + 1) {
        nbytes = len + 1;
    }
    if (nbytes <= len) {
        return tw_utf8_char_count(text, (size_t)nbytes);
    }
    return tw_utf8_char_count(text, (size_t)len) + 1;
}

#define p_char_offset(text, nbytes) p_char_offset_in(p->tok, (text), (nbytes))

static void p_throw(TwParser *p)
{
    longjmp(*p->on_error, 1);
}

/*
 * Records an error of the parser (unless one is recorded already) and
 * unwinds.  Lines are real source lines; offsets are already final.
 * While speculating nothing is recorded.
 */
static void p_raise_v(TwParser *p, TwSyntaxErrorKind kind, int line,
                      int offset, int end_line, int end_offset,
                      const char *fmt, va_list ap)
{
    TwParseShared *sh = p->sh;
    if (p->speculating == 0 && !sh->has_error) {
        sh->has_error = true;
        sh->from_tokenizer = false;
        sh->error.kind = kind;
        size_t prefix = 0;
        if (p->fstring) {
            prefix = (size_t)snprintf(sh->error.message,
                                      sizeof sh->error.message, "f-string: ");
        }
        vsnprintf(sh->error.message + prefix,
                  sizeof sh->error.message - prefix, fmt, ap);
        sh->error.line = line;
        sh->error.offset = offset;
        sh->error.end_line = end_line;
        sh->error.end_offset = end_offset;
        sh->error.text = tw_tokenizer_line_text(p->tok, line, true);
    }
    p_throw(p);
}

static void p_raise(TwParser *p, TwSyntaxErrorKind kind, int line, int offset,
                    int end_line, int end_offset, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    p_raise_v(p, kind, line, offset, end_line, end_offset, fmt, ap);
    va_end(ap);
}

/* The byte column CPython would see for a location: f-string expression
   columns are relative to "(expr)". */
static int p_raw_col(const TwParser *p, int line, int col)
{
    if (p->fstring && line == p->fstring_line && col >= 0) {
        return col - p->fstring_shift;
    }
    return col;
}

/*
 * CPython's RAISE_ERROR_KNOWN_LOCATION: columns are 0-based bytes (-1 for
 * "none"); both are converted on the text of the start line.
 */
static void p_raise_known(TwParser *p, TwSyntaxErrorKind kind, int line,
                          int col, int end_line, int end_col,
                          const char *fmt, ...)
{
    char *text = tw_tokenizer_line_text(p->tok, line, true);
    col = p_raw_col(p, line, col);
    end_col = p_raw_col(p, end_line, end_col);
    int offset = p_char_offset(text, col + 1);
    int end_offset = end_col + 1 > 0 ? p_char_offset(text, end_col + 1)
                                     : end_col + 1;
    free(text);
    va_list ap;
    va_start(ap, fmt);
    p_raise_v(p, kind, line, offset, end_line, end_offset, fmt, ap);
    va_end(ap);
}

/* The same, from an expression's range. */
#define P_RAISE_AT_EXPR(p, e, ...) \
    p_raise_known((p), TW_SYNERR_SYNTAX, (e)->line, (e)->col, \
                  (e)->end_line, (e)->end_col, __VA_ARGS__)

/* A range from the start of `a` to the end of `b`. */
#define P_RAISE_RANGE(p, a, b, ...) \
    p_raise_known((p), TW_SYNERR_SYNTAX, (a)->line, (a)->col, \
                  (b)->end_line, (b)->end_col, __VA_ARGS__)

/* At a token (RAISE_SYNTAX_ERROR_KNOWN_LOCATION(token)). */
static void p_raise_at_token(TwParser *p, const TwToken *t, const char *fmt,
                             ...)
{
    char *text = tw_tokenizer_line_text(p->tok, t->line, true);
    int col = p_raw_col(p, t->line, t->col);
    int end_col = p_raw_col(p, t->end_line, t->end_col);
    int offset = col >= 0 ? p_char_offset(text, col + 1) : 0;
    int end_offset = end_col >= 0 ? p_char_offset(text, end_col + 1) : 0;
    free(text);
    va_list ap;
    va_start(ap, fmt);
    p_raise_v(p, TW_SYNERR_SYNTAX, t->line, offset, t->end_line, end_offset,
              fmt, ap);
    va_end(ap);
}

/* The last token fetched outside speculation. */
static const TwToken *p_last_token(const TwParser *p)
{
    int i = p->generic_fill > 0 ? p->generic_fill - 1 : 0;
    return &p->tokens[i];
}

/*
 * CPython's RAISE_SYNTAX_ERROR / RAISE_INDENTATION_ERROR: at the last token
 * fetched; a token without text places the error where the tokenizer
 * stood, with no end.
 */
static void p_raise_last_v(TwParser *p, TwSyntaxErrorKind kind,
                           const char *fmt, va_list ap)
{
    const TwToken *t = p_last_token(p);
    char *text = tw_tokenizer_line_text(p->tok, t->line, true);
    int offset;
    int end_offset;
    if (t->col < 0) {
        offset = p_char_offset(text, t->cur_col);
        end_offset = -1;
    } else {
        offset = p_char_offset(text, p_raw_col(p, t->line, t->col) + 1);
        end_offset = p_char_offset(text,
                                   p_raw_col(p, t->end_line, t->end_col) + 1);
    }
    free(text);
    p_raise_v(p, kind, t->line, offset, t->end_line, end_offset, fmt, ap);
}

static void p_raise_last(TwParser *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    p_raise_last_v(p, TW_SYNERR_SYNTAX, fmt, ap);
    va_end(ap);
}

static void p_raise_last_indent(TwParser *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    p_raise_last_v(p, TW_SYNERR_INDENTATION, fmt, ap);
    va_end(ap);
}

/* Input nested deeper than the parser goes: RecursionError, as CPython's
 * compiler gives for a chain like a.b.b.b... or 1+1+1+... thousands long. */
static void p_raise_last_recursion(TwParser *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    p_raise_last_v(p, TW_SYNERR_RECURSION, fmt, ap);
    va_end(ap);
}

/*
 * The generic error, when no rule names the mistake: "invalid syntax" at
 * the last token fetched, or an indentation error when that token is an
 * INDENT or DEDENT (CPython's _PyPegen_set_syntax_error).
 */
static void p_fail(TwParser *p)
{
    if (p->diagnosing > 0) {
        p_throw(p);
    }
    const TwToken *t = p_last_token(p);
    if (t->kind == TW_TOK_INDENT || t->kind == TW_TOK_DEDENT) {
        if (p->speculating == 0 && !p->sh->has_error) {
            p->sh->no_recheck = true;
        }
        p_raise_last_indent(p, t->kind == TW_TOK_INDENT ? "unexpected indent"
                                                        : "unexpected unindent");
    }
    p_raise_known(p, TW_SYNERR_SYNTAX, t->line, t->col, t->end_line,
                  t->end_col, "invalid syntax");
}

/*
 * Notes valid Python that twinpy does not run.  Parsing goes on, so that a
 * real syntax error later in the file is still reported as CPython would.
 */
static void p_unsupported(TwParser *p, const TwToken *t, const char *feature)
{
    TwParseShared *sh = p->sh;
    if (sh->has_unsupported || p->speculating > 0) {
        return;
    }
    sh->has_unsupported = true;
    sh->unsupported.kind = TW_SYNERR_UNSUPPORTED;
    sh->unsupported.feature = feature;
    snprintf(sh->unsupported.message, sizeof sh->unsupported.message,
             "%s %s not supported by twinpy", feature,
             feature[strlen(feature) - 1] == 's' ? "are" : "is");
    sh->unsupported.line = t->line;
    char *text = tw_tokenizer_line_text(p->tok, t->line, true);
    sh->unsupported.offset = t->col >= 0 ? p_char_offset(text, t->col + 1) : 0;
    sh->unsupported.end_line = t->end_line;
    sh->unsupported.end_offset =
        t->end_col >= 0 ? p_char_offset(text, t->end_col + 1) : 0;
    sh->unsupported.text = text;
}

/* Copies the tokenizer's error (it is the final word). */
static void p_raise_tokenizer_error(TwParser *p)
{
    TwParseShared *sh = p->sh;
    TwTokenizer *tok = p->tok;
    if (!sh->has_error) {
        sh->has_error = true;
        sh->from_tokenizer = true;
        if (tok->error_class == TW_TOKERR_EOF_IN_BRACKETS) {
            int i = tok->level - 1;
            int line = tok->parenlinenostack[i] + tok->line_offset;
            sh->error.kind = TW_SYNERR_SYNTAX;
            snprintf(sh->error.message, sizeof sh->error.message,
                     "'%c' was never closed", tok->parenstack[i]);
            sh->error.text = tw_tokenizer_line_text(tok, line, true);
            sh->error.line = sh->error.end_line = line;
            sh->error.offset = p_char_offset_in(tok, sh->error.text,
                                                tok->parencolstack[i] + 1);
            sh->error.end_offset = 0;
        } else {
            sh->error = tok->error;
            tok->error.text = NULL;     /* moved */
            if (p->fstring && tok->error.kind != TW_SYNERR_NONE) {
                /* already relative to "(expr)", as in CPython */
            }
        }
    }
    p_throw(p);
}

/* ------------------------------------------------------------------ */
/* Tokens                                                              */
/* ------------------------------------------------------------------ */

static void p_fetch(TwParser *p)
{
    if (p->fill == p->cap) {
        int cap = p->cap ? p->cap * 2 : 256;
        TwToken *tokens = realloc(p->tokens, (size_t)cap * sizeof *tokens);
        if (tokens == NULL) {
            p_no_memory(p);
        }
        p->tokens = tokens;
        p->cap = cap;
    }
    TwToken *t = &p->tokens[p->fill];
    tw_tokenizer_next(p->tok, t);
    if (p->fstring) {
        if (t->line == p->fstring_line && t->col >= 0) {
            t->col += p->fstring_shift;
        }
        if (t->end_line == p->fstring_line && t->end_col >= 0) {
            t->end_col += p->fstring_shift;
        }
    }
    p->fill++;
    if (t->kind == TW_TOK_ERRORTOKEN) {
        if (p->speculating == 0 && p->diagnosing == 0) {
            p->generic_fill = p->fill;
        }
        p_raise_tokenizer_error(p);
    }
}

/* The token k places ahead of the current one. */
static TwToken *p_peek(TwParser *p, int k)
{
    while (p->pos + k >= p->fill) {
        p_fetch(p);
    }
    if (p->speculating == 0 && p->diagnosing == 0 &&
        p->pos + k + 1 > p->generic_fill) {
        p->generic_fill = p->pos + k + 1;
    }
    return &p->tokens[p->pos + k];
}

static TwTokenKind p_kind(TwParser *p)
{
    return p_peek(p, 0)->kind;
}

static TwTokenKind p_kind_at(TwParser *p, int k)
{
    return p_peek(p, k)->kind;
}

static bool p_at(TwParser *p, TwTokenKind kind)
{
    return p_kind(p) == kind;
}

/* Consumes the current token and returns a copy of it. */
static TwToken p_next(TwParser *p)
{
    TwToken t = *p_peek(p, 0);
    p->pos++;
    if (t.kind != TW_TOK_NEWLINE && t.kind != TW_TOK_INDENT &&
        t.kind != TW_TOK_DEDENT && t.kind != TW_TOK_ENDMARKER) {
        p->last_end_line = t.end_line;
        p->last_end_col = t.end_col;
    }
    return t;
}

static bool p_accept(TwParser *p, TwTokenKind kind)
{
    if (p_kind(p) == kind) {
        p_next(p);
        return true;
    }
    return false;
}

/* Consumes a token of the given kind or fails with "invalid syntax". */
static TwToken p_expect(TwParser *p, TwTokenKind kind)
{
    if (p_kind(p) != kind) {
        p_fail(p);
    }
    return p_next(p);
}

/* CPython's forced tokens (&&':' in the grammar): "expected ':'" at the
   token found instead. */
static TwToken p_expect_forced(TwParser *p, TwTokenKind kind)
{
    TwToken *t = p_peek(p, 0);
    if (t->kind != kind) {
        p_raise_at_token(p, t, "expected '%s'", tw_token_kind_text(kind));
    }
    return p_next(p);
}

/*
 * Drops consumed tokens.  Called between statements, where nothing refers
 * to earlier tokens by index.
 */
static void p_compact(TwParser *p)
{
    if (p->pos < 1024) {
        return;
    }
    int keep = p->fill - p->pos;
    memmove(p->tokens, p->tokens + p->pos, (size_t)keep * sizeof *p->tokens);
    p->generic_fill -= p->pos;
    if (p->generic_fill < 0) {
        p->generic_fill = 0;
    }
    p->fill = keep;
    p->pos = 0;
}

/* ------------------------------------------------------------------ */
/* Nesting                                                             */
/* ------------------------------------------------------------------ */

static void p_enter(TwParser *p)
{
    if (++p->depth > TW_AST_MAX_DEPTH) {
        p->sh->no_recheck = true;
        p_raise_last_recursion(p, "maximum recursion depth exceeded during compilation");
    }
}

static void p_leave(TwParser *p)
{
    p->depth--;
}

/* ------------------------------------------------------------------ */
/* Speculation                                                         */
/* ------------------------------------------------------------------ */

typedef TwExpr *(*TwExprRule)(TwParser *p);

/*
 * Runs fn(p, arg) from the current position; on failure restores the
 * position and returns false instead of raising.  Tokenizer errors (and
 * running out of memory) still propagate: the input is broken whatever
 * the parser thinks.
 */
static bool p_attempt_mode(TwParser *p, void (*fn)(TwParser *, void *),
                           void *arg, bool diagnose)
{
    jmp_buf jb;
    jmp_buf *saved = p->on_error;
    int pos = p->pos;
    int depth = p->depth;
    int assign_diag = p->assign_diag;
    int end_line = p->last_end_line;
    int end_col = p->last_end_col;
    volatile bool ok = false;
    if (diagnose) {
        p->diagnosing++;
    } else {
        p->speculating++;
    }
    p->on_error = &jb;
    if (setjmp(jb) == 0) {
        fn(p, arg);
        ok = true;
    }
    p->on_error = saved;
    if (diagnose) {
        p->diagnosing--;
    } else {
        p->speculating--;
    }
    if (!ok) {
        p->pos = pos;
        p->depth = depth;
        p->assign_diag = assign_diag;
        p->last_end_line = end_line;
        p->last_end_col = end_col;
        if (p->sh->has_error && (p->sh->from_tokenizer || diagnose)) {
            p_throw(p);
        }
    }
    return ok;
}

static bool p_attempt(TwParser *p, void (*fn)(TwParser *, void *), void *arg)
{
    return p_attempt_mode(p, fn, arg, false);
}

typedef struct TwTryExpr {
    TwExprRule rule;
    TwExpr *result;
} TwTryExpr;

static void p_try_call(TwParser *p, void *arg)
{
    TwTryExpr *t = arg;
    t->result = t->rule(p);
}

/* Speculatively parses one expression rule: the node, or NULL. */
static TwExpr *p_try(TwParser *p, TwExprRule rule)
{
    TwTryExpr t = {rule, NULL};
    if (!p_attempt(p, p_try_call, &t)) {
        return NULL;
    }
    return t.result;
}

/* Reparses like CPython's second pass: the node, or NULL when the rule
   does not match; a specific error found on the way is raised. */
static TwExpr *p_diagnose(TwParser *p, TwExprRule rule)
{
    TwTryExpr t = {rule, NULL};
    if (!p_attempt_mode(p, p_try_call, &t, true)) {
        return NULL;
    }
    return t.result;
}

/* ------------------------------------------------------------------ */
/* Nodes                                                               */
/* ------------------------------------------------------------------ */

static TwExpr *new_expr(TwParser *p, TwExprKind kind, int line, int col)
{
    TwExpr *e = p_alloc(p, sizeof *e);
    e->kind = kind;
    e->line = line;
    e->col = col;
    e->end_line = p->last_end_line;
    e->end_col = p->last_end_col;
    return e;
}

/* An expression starting at token t and ending at the last token. */
static TwExpr *new_expr_at(TwParser *p, TwExprKind kind, const TwToken *t)
{
    return new_expr(p, kind, t->line, t->col);
}

/*
 * Where the current token starts.  A node starts where the text of its
 * rule starts (so `(a) + 1` starts at the parenthesis, not at `a`) and ends
 * at the last token consumed, like CPython's EXTRA.
 */
typedef struct TwPos {
    int line;
    int col;
} TwPos;

static TwPos p_pos(TwParser *p)
{
    TwToken *t = p_peek(p, 0);
    TwPos pos = {t->line, t->col};
    return pos;
}

static TwExpr *new_expr_pos(TwParser *p, TwExprKind kind, TwPos pos)
{
    return new_expr(p, kind, pos.line, pos.col);
}

static TwStmt *new_stmt(TwParser *p, TwStmtKind kind, const TwToken *t)
{
    TwStmt *s = p_alloc(p, sizeof *s);
    s->kind = kind;
    s->line = t->line;
    s->col = t->col;
    s->end_line = p->last_end_line;
    s->end_col = p->last_end_col;
    return s;
}

static void set_end(TwParser *p, int *end_line, int *end_col)
{
    *end_line = p->last_end_line;
    *end_col = p->last_end_col;
}

#define SET_END(p, node) set_end((p), &(node)->end_line, &(node)->end_col)

static TwExpr *new_name(TwParser *p, const TwToken *t, TwExprContext ctx)
{
    TwExpr *e = p_alloc(p, sizeof *e);
    e->kind = TW_EXPR_NAME;
    e->line = t->line;
    e->col = t->col;
    e->end_line = t->end_line;
    e->end_col = t->end_col;
    e->v.Name.id = p_intern_token(p, t);
    e->v.Name.ctx = ctx;
    return e;
}

static TwExpr *new_constant(TwParser *p, const TwToken *t, TwConstantKind kind)
{
    TwExpr *e = new_expr_at(p, TW_EXPR_CONSTANT, t);
    e->end_line = t->end_line;
    e->end_col = t->end_col;
    e->v.Constant.kind = kind;
    return e;
}

/* ------------------------------------------------------------------ */
/* Targets                                                             */
/* ------------------------------------------------------------------ */

typedef enum TwTargets { TW_TARGETS_STAR, TW_TARGETS_DEL, TW_TARGETS_FOR } TwTargets;

/* The words CPython uses for an expression in its error messages
   (_PyPegen_get_expr_name). */
static const char *expr_name(const TwExpr *e)
{
    switch (e->kind) {
    case TW_EXPR_ATTRIBUTE: return "attribute";
    case TW_EXPR_SUBSCRIPT: return "subscript";
    case TW_EXPR_STARRED: return "starred";
    case TW_EXPR_NAME: return "name";
    case TW_EXPR_LIST: return "list";
    case TW_EXPR_TUPLE: return "tuple";
    case TW_EXPR_LAMBDA: return "lambda";
    case TW_EXPR_CALL: return "function call";
    case TW_EXPR_BOOLOP:
    case TW_EXPR_BINOP:
    case TW_EXPR_UNARYOP: return "expression";
    case TW_EXPR_GENERATOREXP: return "generator expression";
    case TW_EXPR_YIELD:
    case TW_EXPR_YIELDFROM: return "yield expression";
    case TW_EXPR_LISTCOMP: return "list comprehension";
    case TW_EXPR_SETCOMP: return "set comprehension";
    case TW_EXPR_DICTCOMP: return "dict comprehension";
    case TW_EXPR_DICT: return "dict literal";
    case TW_EXPR_SET: return "set display";
    case TW_EXPR_JOINEDSTR:
    case TW_EXPR_FORMATTEDVALUE: return "f-string expression";
    case TW_EXPR_CONSTANT:
        switch (e->v.Constant.kind) {
        case TW_CONST_NONE: return "None";
        case TW_CONST_FALSE: return "False";
        case TW_CONST_TRUE: return "True";
        case TW_CONST_ELLIPSIS: return "ellipsis";
        default: return "literal";
        }
    case TW_EXPR_COMPARE: return "comparison";
    case TW_EXPR_IFEXP: return "conditional expression";
    case TW_EXPR_NAMEDEXPR: return "named expression";
    case TW_EXPR_SLICE: return "slice";
    }
    return "expression";
}

/*
 * The first part of `e` that cannot be assigned (or deleted), or NULL when
 * e is a valid target (CPython's _PyPegen_get_invalid_target).  Only lists
 * and tuples are searched: any other container is wrong as a whole.
 */
static TwExpr *invalid_target(TwExpr *e, TwTargets type)
{
    switch (e->kind) {
    case TW_EXPR_LIST:
    case TW_EXPR_TUPLE:
        for (int i = 0; i < e->v.List.elts.count; i++) {
            TwExpr *bad = invalid_target(e->v.List.elts.items[i], type);
            if (bad != NULL) {
                return bad;
            }
        }
        return NULL;
    case TW_EXPR_STARRED:
        if (type == TW_TARGETS_DEL) {
            return e;
        }
        return invalid_target(e->v.Starred.value, type);
    case TW_EXPR_COMPARE:
        /* `for 1 in x` arrives here as the comparison `1 in x` */
        if (type == TW_TARGETS_FOR) {
            if (e->v.Compare.ops[0] == TW_IN) {
                return invalid_target(e->v.Compare.left, type);
            }
            return NULL;
        }
        return e;
    case TW_EXPR_NAME:
    case TW_EXPR_SUBSCRIPT:
    case TW_EXPR_ATTRIBUTE:
        return NULL;
    default:
        return e;
    }
}

/* Marks a valid target (and its parts) as assigned or deleted. */
static void set_context(TwExpr *e, TwExprContext ctx)
{
    switch (e->kind) {
    case TW_EXPR_NAME: e->v.Name.ctx = ctx; break;
    case TW_EXPR_ATTRIBUTE: e->v.Attribute.ctx = ctx; break;
    case TW_EXPR_SUBSCRIPT: e->v.Subscript.ctx = ctx; break;
    case TW_EXPR_STARRED:
        e->v.Starred.ctx = ctx;
        set_context(e->v.Starred.value, ctx);
        break;
    case TW_EXPR_LIST:
    case TW_EXPR_TUPLE:
        e->v.List.ctx = ctx;
        for (int i = 0; i < e->v.List.elts.count; i++) {
            set_context(e->v.List.elts.items[i], ctx);
        }
        break;
    default:
        break;
    }
}

/* Checks an assignment (or for/with/comprehension) target and marks it
   Store; "cannot assign to ..." otherwise. */
static void p_store_target(TwParser *p, TwExpr *e, TwTargets type)
{
    TwExpr *bad = invalid_target(e, type);
    if (bad != NULL) {
        if (type == TW_TARGETS_DEL) {
            P_RAISE_AT_EXPR(p, bad, "cannot delete %s", expr_name(bad));
        }
        P_RAISE_AT_EXPR(p, bad, "cannot assign to %s", expr_name(bad));
    }
    set_context(e, type == TW_TARGETS_DEL ? TW_DEL : TW_STORE);
}

/* ------------------------------------------------------------------ */
/* Expressions                                                         */
/* ------------------------------------------------------------------ */

static TwExpr *p_expression(TwParser *p);
static TwExpr *p_named_expression(TwParser *p);
static TwExpr *p_star_expressions(TwParser *p);
static TwExpr *p_star_named_expression(TwParser *p);
static TwExpr *p_disjunction(TwParser *p);
static TwExpr *p_bitwise_or(TwParser *p);
static TwExpr *p_factor(TwParser *p);
static TwExpr *p_primary(TwParser *p);
static TwExpr *p_atom(TwParser *p);
static TwExpr *p_strings(TwParser *p);
static TwArguments *p_params(TwParser *p, bool lambda);
static TwComprehensionSeq p_for_if_clauses(TwParser *p);

/* Tokens an expression can start with (a starred one included). */
static bool starts_expression(TwTokenKind k)
{
    switch (k) {
    case TW_TOK_NAME: case TW_TOK_NUMBER: case TW_TOK_STRING:
    case TW_TOK_LPAR: case TW_TOK_LSQB: case TW_TOK_LBRACE:
    case TW_TOK_MINUS: case TW_TOK_PLUS: case TW_TOK_TILDE:
    case TW_TOK_NOT: case TW_TOK_LAMBDA: case TW_TOK_AWAIT:
    case TW_TOK_ELLIPSIS: case TW_TOK_NONE: case TW_TOK_TRUE:
    case TW_TOK_FALSE: case TW_TOK_STAR:
        return true;
    default:
        return false;
    }
}

/* Tokens that start an expression but cannot continue one: seeing one
   right after a complete expression means two expressions are
   juxtaposed. */
static bool starts_only_expression(TwTokenKind k)
{
    switch (k) {
    case TW_TOK_NAME: case TW_TOK_NUMBER: case TW_TOK_STRING:
    case TW_TOK_LBRACE: case TW_TOK_TILDE: case TW_TOK_NOT:
    case TW_TOK_LAMBDA: case TW_TOK_AWAIT: case TW_TOK_ELLIPSIS:
    case TW_TOK_NONE: case TW_TOK_TRUE: case TW_TOK_FALSE:
        return true;
    default:
        return false;
    }
}

/*
 * Two expressions side by side: CPython's invalid_expression ("Perhaps you
 * forgot a comma?", only inside brackets) and invalid_legacy_expression
 * ("Missing parentheses in call to 'print'").  `a` was parsed from token
 * index `start`.  Nothing is consumed when no rule applies.
 */
static TW_NOINLINE void p_check_juxtaposed(TwParser *p, TwExpr *a, int start)
{
    if (p->speculating > 0 || !starts_only_expression(p_kind(p))) {
        return;
    }
    const TwToken *first = &p->tokens[start];
    int save = p->pos;
    if (a->kind == TW_EXPR_NAME && first->kind == TW_TOK_NAME &&
        (strcmp(a->v.Name.id, "print") == 0 ||
         strcmp(a->v.Name.id, "exec") == 0)) {
        if (p->pos == start + 1) {
            TwExpr *b = p_try(p, p_star_expressions);
            if (b != NULL) {
                P_RAISE_RANGE(p, a, b,
                              "Missing parentheses in call to '%s'. Did you "
                              "mean %s(...)?", a->v.Name.id, a->v.Name.id);
            }
        }
        p->pos = save;
        return;
    }
    if ((first->kind == TW_TOK_NAME &&
         p->tokens[start + 1].kind == TW_TOK_STRING) ||
        TW_SOFT_KEYWORD(first)) {
        return;
    }
    TwExpr *b = p_try(p, p_expression);
    if (b != NULL && p->tokens[p->pos - 1].level > 0) {
        P_RAISE_RANGE(p, a, b, "invalid syntax. Perhaps you forgot a comma?");
    }
    p->pos = save;
}

/*
 * `x = 1` where a comparison was meant (CPython's invalid_named_expression,
 * its '=' alternatives), judged from token index `start`.  Returns when
 * neither rule applies; the caller then reports its own error.
 */
static void p_diag_assign_in_expression(TwParser *p, int start)
{
    /* Its reparses of the rest meet every '=' nested in it again, and
     * each would reparse its own rest twice more: `[1, a = [1, a = ...`
     * 22 deep took 2.3 s and 860 MB.  The outermost one decides the
     * message; the nested ones just fail. */
    if (p->assign_diag > 0)
        return;
    p->assign_diag++;
    int save = p->pos;
    const TwToken first = p->tokens[start];
    if (first.kind == TW_TOK_NAME && p->tokens[start + 1].kind == TW_TOK_EQUAL) {
        p->pos = start + 2;
        TwExpr *b = p_try(p, p_bitwise_or);
        if (b != NULL && !p_at(p, TW_TOK_EQUAL) && !p_at(p, TW_TOK_COLONEQUAL)) {
            p_raise_known(p, TW_SYNERR_SYNTAX, first.line, first.col,
                          b->end_line, b->end_col,
                          "invalid syntax. Maybe you meant '==' or ':=' "
                          "instead of '='?");
        }
    }
    bool excluded = first.kind == TW_TOK_TRUE || first.kind == TW_TOK_NONE ||
                    first.kind == TW_TOK_FALSE;
    if (first.kind == TW_TOK_LSQB || first.kind == TW_TOK_LPAR) {
        p->pos = start;
        TwExpr *atom = p_try(p, p_atom);
        excluded = atom != NULL && atom->col == first.col &&
                   atom->line == first.line &&
                   (atom->kind == TW_EXPR_LIST || atom->kind == TW_EXPR_TUPLE ||
                    atom->kind == TW_EXPR_GENERATOREXP);
    }
    if (!excluded) {
        p->pos = start;
        TwExpr *a = p_try(p, p_bitwise_or);
        if (a != NULL && p_at(p, TW_TOK_EQUAL)) {
            p_next(p);
            TwExpr *b = p_try(p, p_bitwise_or);
            if (b != NULL && !p_at(p, TW_TOK_EQUAL) &&
                !p_at(p, TW_TOK_COLONEQUAL)) {
                P_RAISE_AT_EXPR(p, a, "cannot assign to %s here. Maybe you "
                                "meant '==' instead of '='?", expr_name(a));
            }
        }
    }
    p->pos = save;
    p->assign_diag--;
}

/* A named_expression followed by '=' where no assignment can be. */
static void p_fail_assign_in_expression(TwParser *p, int start)
{
    p_diag_assign_in_expression(p, start);
    p_fail(p);
}

static TW_NOINLINE TwExpr *p_lambdef(TwParser *p)
{
    TwToken lt = p_next(p);
    TwArguments *args = p_params(p, true);
    p_expect(p, TW_TOK_COLON);
    TwExpr *body = p_expression(p);
    TwExpr *e = new_expr_at(p, TW_EXPR_LAMBDA, &lt);
    e->v.Lambda.args = args;
    e->v.Lambda.body = body;
    return e;
}

/* The rest of `a if b else c`, from the 'if'. */
static TW_NOINLINE TwExpr *p_ifexp_rest(TwParser *p, TwPos pos, TwExpr *a)
{
    int if_pos = p->pos;
    p_next(p);
    TwExpr *b = p_disjunction(p);
    if (!p_at(p, TW_TOK_ELSE)) {
        if (p->speculating > 0) {
            p->pos = if_pos;        /* as if 'if' were not there */
            return a;
        }
        if (!p_at(p, TW_TOK_COLON)) {
            P_RAISE_RANGE(p, a, b, "expected 'else' after 'if' expression");
        }
        p_fail(p);
    }
    p_next(p);
    TwExpr *c = p_expression(p);
    TwExpr *e = new_expr_pos(p, TW_EXPR_IFEXP, pos);
    e->v.IfExp.test = b;
    e->v.IfExp.body = a;
    e->v.IfExp.orelse = c;
    return e;
}

/* expression: disjunction ['if' disjunction 'else' expression] | lambdef */
static TwExpr *p_expression(TwParser *p)
{
    p_enter(p);
    TwExpr *result;
    if (p_at(p, TW_TOK_LAMBDA)) {
        result = p_lambdef(p);
    } else {
        int start = p->pos;
        TwPos pos = p_pos(p);
        TwExpr *a = p_disjunction(p);
        if (p_at(p, TW_TOK_IF)) {
            result = p_ifexp_rest(p, pos, a);
        } else {
            if (starts_only_expression(p_kind(p))) {
                p_check_juxtaposed(p, a, start);
            }
            result = a;
        }
    }
    p_leave(p);
    return result;
}

static TW_NOINLINE TwExpr *p_walrus(TwParser *p)
{
    TwToken name = p_next(p);
    p_next(p);
    TwExpr *value = p_expression(p);
    TwExpr *e = new_expr_at(p, TW_EXPR_NAMEDEXPR, &name);
    e->v.NamedExpr.target = new_name(p, &name, TW_STORE);
    e->v.NamedExpr.value = value;
    return e;
}

static TW_NOINLINE void p_fail_walrus_target(TwParser *p, TwExpr *e)
{
    P_RAISE_AT_EXPR(p, e, "cannot use assignment expressions with %s",
                    expr_name(e));
}

/* named_expression: NAME ':=' expression | expression */
static TwExpr *p_named_expression(TwParser *p)
{
    if (p_at(p, TW_TOK_NAME) && p_kind_at(p, 1) == TW_TOK_COLONEQUAL) {
        return p_walrus(p);
    }
    TwExpr *e = p_expression(p);
    if (p_at(p, TW_TOK_COLONEQUAL)) {
        p_fail_walrus_target(p, e);
    }
    return e;
}

static TwExpr *p_starred(TwParser *p, TwExpr *(*operand)(TwParser *))
{
    TwToken star = p_next(p);
    TwExpr *value = operand(p);
    TwExpr *e = new_expr_at(p, TW_EXPR_STARRED, &star);
    e->v.Starred.value = value;
    e->v.Starred.ctx = TW_LOAD;
    return e;
}

/* star_expression: '*' bitwise_or | expression */
static TwExpr *p_star_expression(TwParser *p)
{
    if (p_at(p, TW_TOK_STAR)) {
        return p_starred(p, p_bitwise_or);
    }
    return p_expression(p);
}

/* star_named_expression: '*' bitwise_or | named_expression */
static TwExpr *p_star_named_expression(TwParser *p)
{
    if (p_at(p, TW_TOK_STAR)) {
        return p_starred(p, p_bitwise_or);
    }
    return p_named_expression(p);
}

/* A comma-separated list of `elem`, as a Tuple when there is a comma. */
static TwExpr *p_maybe_tuple(TwParser *p, TwExprRule elem)
{
    TwPos pos = p_pos(p);
    TwExpr *first = elem(p);
    if (!p_at(p, TW_TOK_COMMA)) {
        return first;
    }
    TwVec v;
    vec_init(&v);
    vec_push(p, &v, first);
    while (p_accept(p, TW_TOK_COMMA)) {
        if (!starts_expression(p_kind(p))) {
            break;
        }
        vec_push(p, &v, elem(p));
    }
    TwExpr *t = new_expr_pos(p, TW_EXPR_TUPLE, pos);
    t->v.Tuple.elts = seq_expr(p, &v);
    t->v.Tuple.ctx = TW_LOAD;
    p->last_bare_tuple = t;
    return t;
}

/* star_expressions: star_expression (',' star_expression)* [','] */
static TwExpr *p_star_expressions(TwParser *p)
{
    return p_maybe_tuple(p, p_star_expression);
}

/* yield_expr: 'yield' 'from' expression | 'yield' [star_expressions] */
static TW_NOINLINE TwExpr *p_yield_expr(TwParser *p)
{
    TwToken yt = p_next(p);
    if (p_accept(p, TW_TOK_FROM)) {
        TwExpr *value = p_expression(p);
        TwExpr *e = new_expr_at(p, TW_EXPR_YIELDFROM, &yt);
        e->v.YieldFrom.value = value;
        return e;
    }
    TwExpr *value = NULL;
    if (starts_expression(p_kind(p))) {
        value = p_star_expressions(p);
    }
    TwExpr *e = new_expr_at(p, TW_EXPR_YIELD, &yt);
    e->v.Yield.value = value;
    return e;
}

static TwExpr *p_conjunction(TwParser *p);
static TwExpr *p_inversion(TwParser *p);

static TW_NOINLINE TwExpr *p_boolop_rest(TwParser *p, TwPos pos,
                                          TwExpr *first, TwTokenKind kw,
                                          TwBoolOp op, TwExprRule operand)
{
    TwVec v;
    vec_init(&v);
    vec_push(p, &v, first);
    while (p_accept(p, kw)) {
        vec_push(p, &v, operand(p));
    }
    TwExpr *e = new_expr_pos(p, TW_EXPR_BOOLOP, pos);
    e->v.BoolOp.op = op;
    e->v.BoolOp.values = seq_expr(p, &v);
    return e;
}

static TwExpr *p_boolop(TwParser *p, TwTokenKind kw, TwBoolOp op,
                        TwExprRule operand)
{
    TwPos pos = p_pos(p);
    TwExpr *first = operand(p);
    if (!p_at(p, kw)) {
        return first;
    }
    return p_boolop_rest(p, pos, first, kw, op, operand);
}

static TwExpr *p_disjunction(TwParser *p)
{
    return p_boolop(p, TW_TOK_OR, TW_OR, p_conjunction);
}

static TwExpr *p_conjunction(TwParser *p)
{
    return p_boolop(p, TW_TOK_AND, TW_AND, p_inversion);
}

static TwExpr *p_comparison(TwParser *p);

/*
 * Prefix operators (`not`, `-`, `+`, `~`) are collected in a loop rather
 * than by recursion; each still counts as one level of nesting.
 */
static TW_NOINLINE TwExpr *p_prefix_ops(TwParser *p, bool is_not, TwExprRule operand)
{
    TwVec ops;
    vec_init(&ops);
    for (;;) {
        TwTokenKind k = p_kind(p);
        bool match = is_not ? k == TW_TOK_NOT
                            : (k == TW_TOK_MINUS || k == TW_TOK_PLUS ||
                               k == TW_TOK_TILDE);
        if (!match) {
            break;
        }
        TwToken *copy = p_alloc(p, sizeof *copy);
        *copy = p_next(p);
        vec_push(p, &ops, copy);
        p_enter(p);
    }
    TwExpr *e = operand(p);
    for (int i = ops.count - 1; i >= 0; i--) {
        const TwToken *t = ops.items[i];
        TwExpr *u = new_expr_at(p, TW_EXPR_UNARYOP, t);
        u->v.UnaryOp.op = t->kind == TW_TOK_NOT ? TW_NOT :
                          t->kind == TW_TOK_MINUS ? TW_USUB :
                          t->kind == TW_TOK_PLUS ? TW_UADD : TW_INVERT;
        u->v.UnaryOp.operand = e;
        e = u;
        p_leave(p);
    }
    return e;
}

/* inversion: 'not' inversion | comparison */
static TwExpr *p_inversion(TwParser *p)
{
    if (!p_at(p, TW_TOK_NOT)) {
        return p_comparison(p);
    }
    return p_prefix_ops(p, true, p_comparison);
}

/* The comparison operator at the current token, or false. */
static bool p_compare_op(TwParser *p, TwCmpOp *op, int *ntokens)
{
    *ntokens = 1;
    switch (p_kind(p)) {
    case TW_TOK_EQEQUAL: *op = TW_EQ; return true;
    case TW_TOK_NOTEQUAL: *op = TW_NOTEQ; return true;
    case TW_TOK_LESS: *op = TW_LT; return true;
    case TW_TOK_LESSEQUAL: *op = TW_LTE; return true;
    case TW_TOK_GREATER: *op = TW_GT; return true;
    case TW_TOK_GREATEREQUAL: *op = TW_GTE; return true;
    case TW_TOK_IN: *op = TW_IN; return true;
    case TW_TOK_NOT:
        if (p_kind_at(p, 1) == TW_TOK_IN) {
            *op = TW_NOTIN;
            *ntokens = 2;
            return true;
        }
        return false;
    case TW_TOK_IS:
        if (p_kind_at(p, 1) == TW_TOK_NOT) {
            *op = TW_ISNOT;
            *ntokens = 2;
        } else {
            *op = TW_IS;
        }
        return true;
    default:
        return false;
    }
}

static TW_NOINLINE TwExpr *p_comparison_rest(TwParser *p, TwPos pos,
                                              TwExpr *left)
{
    TwCmpOp op;
    int n;
    TwVec ops;
    TwVec comparators;
    vec_init(&ops);
    vec_init(&comparators);
    while (p_compare_op(p, &op, &n)) {
        while (n-- > 0) {
            p_next(p);
        }
        TwCmpOp *slot = p_alloc(p, sizeof *slot);
        *slot = op;
        vec_push(p, &ops, slot);
        vec_push(p, &comparators, p_bitwise_or(p));
    }
    TwExpr *e = new_expr_pos(p, TW_EXPR_COMPARE, pos);
    e->v.Compare.left = left;
    e->v.Compare.nops = ops.count;
    e->v.Compare.ops = p_alloc(p, sizeof(TwCmpOp) * (size_t)ops.count);
    for (int i = 0; i < ops.count; i++) {
        e->v.Compare.ops[i] = *(TwCmpOp *)ops.items[i];
    }
    e->v.Compare.comparators = seq_expr(p, &comparators);
    return e;
}

/* comparison: bitwise_or (compare_op bitwise_or)* */
static TwExpr *p_comparison(TwParser *p)
{
    TwPos pos = p_pos(p);
    TwExpr *left = p_bitwise_or(p);
    TwCmpOp op;
    int n;
    if (!p_compare_op(p, &op, &n)) {
        return left;
    }
    return p_comparison_rest(p, pos, left);
}

/* Binding power of a binary operator token (0: not one). */
static int binop_prec(TwTokenKind k, TwOperator *op)
{
    switch (k) {
    case TW_TOK_VBAR: *op = TW_BITOR; return 1;
    case TW_TOK_CIRCUMFLEX: *op = TW_BITXOR; return 2;
    case TW_TOK_AMPER: *op = TW_BITAND; return 3;
    case TW_TOK_LEFTSHIFT: *op = TW_LSHIFT; return 4;
    case TW_TOK_RIGHTSHIFT: *op = TW_RSHIFT; return 4;
    case TW_TOK_PLUS: *op = TW_ADD; return 5;
    case TW_TOK_MINUS: *op = TW_SUB; return 5;
    case TW_TOK_STAR: *op = TW_MULT; return 6;
    case TW_TOK_SLASH: *op = TW_DIV; return 6;
    case TW_TOK_DOUBLESLASH: *op = TW_FLOORDIV; return 6;
    case TW_TOK_PERCENT: *op = TW_MOD; return 6;
    case TW_TOK_AT: *op = TW_MATMULT; return 6;
    default: return 0;
    }
}

/*
 * bitwise_or down to term by precedence climbing: all left-associative.
 * A chain a+b+c+... is a loop here, however deep the tree it builds.
 */
static TwExpr *p_binary(TwParser *p, int min_prec)
{
    TwPos pos = p_pos(p);
    TwExpr *left = p_factor(p);
    for (;;) {
        TwOperator op;
        int prec = binop_prec(p_kind(p), &op);
        if (prec == 0 || prec < min_prec) {
            break;
        }
        p_next(p);
        TwExpr *right = p_binary(p, prec + 1);
        TwExpr *e = new_expr_pos(p, TW_EXPR_BINOP, pos);
        e->v.BinOp.left = left;
        e->v.BinOp.op = op;
        e->v.BinOp.right = right;
        left = e;
    }
    return left;
}

static TwExpr *p_bitwise_or(TwParser *p)
{
    return p_binary(p, 1);
}

/* power: await_primary ['**' factor] */
static TwExpr *p_power(TwParser *p)
{
    TwPos pos = p_pos(p);
    TwExpr *base;
    if (p_at(p, TW_TOK_AWAIT)) {
        p_unsupported(p, p_peek(p, 0), "await expressions");
        p_next(p);
        base = p_primary(p);
    } else {
        base = p_primary(p);
    }
    if (!p_at(p, TW_TOK_DOUBLESTAR)) {
        return base;
    }
    p_next(p);
    p_enter(p);
    TwExpr *exp = p_factor(p);
    p_leave(p);
    TwExpr *e = new_expr_pos(p, TW_EXPR_BINOP, pos);
    e->v.BinOp.left = base;
    e->v.BinOp.op = TW_POW;
    e->v.BinOp.right = exp;
    return e;
}

/* factor: ('+' | '-' | '~') factor | power */
static TwExpr *p_factor(TwParser *p)
{
    TwTokenKind k = p_kind(p);
    if (k != TW_TOK_MINUS && k != TW_TOK_PLUS && k != TW_TOK_TILDE) {
        return p_power(p);
    }
    return p_prefix_ops(p, false, p_power);
}

/* ------------------------------------------------------------------ */
/* Calls and subscripts                                                */
/* ------------------------------------------------------------------ */

static TwKeyword *new_keyword(TwParser *p, const char *arg, TwExpr *value,
                              const TwToken *start)
{
    TwKeyword *k = p_alloc(p, sizeof *k);
    k->arg = arg;
    k->value = value;
    k->line = start->line;
    k->col = start->col;
    set_end(p, &k->end_line, &k->end_col);
    return k;
}

/* The end of a comprehension's last part (its last `if`, or its iterable). */
static const TwExpr *last_comprehension_item(const TwComprehensionSeq *gens)
{
    const TwComprehension *c = gens->items[gens->count - 1];
    if (c->ifs.count > 0) {
        return c->ifs.items[c->ifs.count - 1];
    }
    return c->iter;
}

/*
 * The arguments of a call or a class statement, after the '('; consumes
 * the ')'.  In a call, a lone generator expression argument
 * (`f(x for x in y)`) is a GeneratorExp spanning the parentheses.
 */
static TW_NOINLINE void p_call_args(TwParser *p, const TwToken *lpar, TwExprSeq *args_out,
                        TwKeywordSeq *keywords_out, bool allow_genexp)
{
    TwVec args;
    TwVec keywords;
    vec_init(&args);
    vec_init(&keywords);
    bool seen_keyword = false;
    bool seen_unpacking = false;
    const char *positional_error = NULL;
    while (!p_at(p, TW_TOK_RPAR)) {
        TwTokenKind k = p_kind(p);
        TwTokenKind next = TW_TOK_ERRORTOKEN;
        if (k == TW_TOK_NAME || k == TW_TOK_TRUE || k == TW_TOK_FALSE ||
            k == TW_TOK_NONE) {
            next = p_kind_at(p, 1);
        }
        TwToken *t = p_peek(p, 0);
        if (t->kind == TW_TOK_STAR) {
            TwToken star = *t;
            if (seen_unpacking) {
                p_raise_at_token(p, &star, "iterable argument unpacking "
                                 "follows keyword argument unpacking");
            }
            TwExpr *starred = p_starred(p, p_expression);
            if (p_at(p, TW_TOK_FOR) || p_at(p, TW_TOK_ASYNC)) {
                /* CPython's invalid_comprehension / invalid_arguments */
                if (args.count == 0 && keywords.count == 0) {
                    P_RAISE_AT_EXPR(p, starred, "iterable unpacking cannot be used in comprehension");
                }
                TwComprehensionSeq gens = p_for_if_clauses(p);
                P_RAISE_RANGE(p, starred, last_comprehension_item(&gens),
                              "Generator expression must be parenthesized");
            }
            vec_push(p, &args, starred);
        } else if (t->kind == TW_TOK_DOUBLESTAR) {
            TwToken dstar = p_next(p);
            TwExpr *value = p_expression(p);
            vec_push(p, &keywords, new_keyword(p, NULL, value, &dstar));
            seen_unpacking = true;
        } else if (t->kind == TW_TOK_NAME && next == TW_TOK_EQUAL) {
            TwToken name = p_next(p);
            TwToken eq = p_next(p);
            TwExpr *value = p_expression(p);
            if (p_at(p, TW_TOK_FOR) || p_at(p, TW_TOK_ASYNC)) {
                p_raise_known(p, TW_SYNERR_SYNTAX, name.line, name.col,
                              eq.end_line, eq.end_col,
                              "invalid syntax. Maybe you meant '==' or ':=' "
                              "instead of '='?");
            }
            vec_push(p, &keywords,
                     new_keyword(p, p_intern_token(p, &name), value, &name));
            seen_keyword = true;
        } else if ((t->kind == TW_TOK_TRUE || t->kind == TW_TOK_FALSE ||
                    t->kind == TW_TOK_NONE) && next == TW_TOK_EQUAL) {
            TwToken kw = *t;
            TwToken eq = *p_peek(p, 1);
            p_raise_known(p, TW_SYNERR_SYNTAX, kw.line, kw.col, eq.end_line,
                          eq.end_col, "cannot assign to %s",
                          tw_token_kind_text(kw.kind));
        } else {
            TwExpr *value = p_named_expression(p);
            if (p_at(p, TW_TOK_EQUAL)) {
                TwToken eq = *p_peek(p, 0);
                p_raise_known(p, TW_SYNERR_SYNTAX, value->line, value->col,
                              eq.end_line, eq.end_col,
                              "expression cannot contain assignment, perhaps "
                              "you meant \"==\"?");
            }
            if (p_at(p, TW_TOK_FOR) || p_at(p, TW_TOK_ASYNC)) {
                if (!allow_genexp) {
                    p_fail(p);      /* class bases take no generator */
                }
                TwComprehensionSeq gens = p_for_if_clauses(p);
                if (args.count == 0 && keywords.count == 0 &&
                    p_at(p, TW_TOK_RPAR)) {
                    p_next(p);
                    TwExpr *g = new_expr_at(p, TW_EXPR_GENERATOREXP, lpar);
                    g->v.GeneratorExp.elt = value;
                    g->v.GeneratorExp.generators = gens;
                    vec_push(p, &args, g);
                    *args_out = seq_expr(p, &args);
                    *keywords_out = seq_keyword(p, &keywords);
                    return;
                }
                P_RAISE_RANGE(p, value, last_comprehension_item(&gens),
                              "Generator expression must be parenthesized");
            }
            if ((seen_keyword || seen_unpacking) && positional_error == NULL) {
                positional_error =
                    seen_unpacking
                        ? "positional argument follows keyword argument unpacking"
                        : "positional argument follows keyword argument";
            }
            vec_push(p, &args, value);
        }
        if (!p_accept(p, TW_TOK_COMMA)) {
            break;
        }
    }
    if (positional_error != NULL) {
        p_peek(p, 0);
        p_raise_last(p, "%s", positional_error);
    }
    p_expect(p, TW_TOK_RPAR);
    *args_out = seq_expr(p, &args);
    *keywords_out = seq_keyword(p, &keywords);
}

/* slice: [expression] ':' [expression] [':' [expression]] | named_expression
   | starred_expression (inside a tuple of slices) */
static TwExpr *p_slice(TwParser *p)
{
    TwToken *t = p_peek(p, 0);
    if (t->kind == TW_TOK_STAR) {
        return p_starred(p, p_expression);
    }
    TwToken start = *t;
    TwExpr *lower = NULL;
    if (!p_at(p, TW_TOK_COLON)) {
        int expr_start = p->pos;
        lower = p_named_expression(p);
        if (!p_at(p, TW_TOK_COLON)) {
            if (p_at(p, TW_TOK_EQUAL)) {
                p_fail_assign_in_expression(p, expr_start);
            }
            return lower;
        }
    }
    p_next(p);      /* ':' */
    TwExpr *upper = NULL;
    TwExpr *step = NULL;
    TwTokenKind k = p_kind(p);
    if (k != TW_TOK_COLON && k != TW_TOK_COMMA && k != TW_TOK_RSQB) {
        upper = p_expression(p);
    }
    if (p_accept(p, TW_TOK_COLON)) {
        k = p_kind(p);
        if (k != TW_TOK_COMMA && k != TW_TOK_RSQB) {
            step = p_expression(p);
        }
    }
    TwExpr *e = new_expr_at(p, TW_EXPR_SLICE, &start);
    e->v.Slice.lower = lower;
    e->v.Slice.upper = upper;
    e->v.Slice.step = step;
    return e;
}

/* slices: slice !',' | ','.(slice | starred_expression)+ [','] */
static TW_NOINLINE TwExpr *p_slices(TwParser *p)
{
    TwPos pos = p_pos(p);
    TwExpr *first = p_slice(p);
    if (!p_at(p, TW_TOK_COMMA) && first->kind != TW_EXPR_STARRED) {
        return first;
    }
    TwVec v;
    vec_init(&v);
    vec_push(p, &v, first);
    while (p_accept(p, TW_TOK_COMMA)) {
        if (p_at(p, TW_TOK_RSQB)) {
            break;
        }
        vec_push(p, &v, p_slice(p));
    }
    TwExpr *t = new_expr_pos(p, TW_EXPR_TUPLE, pos);
    t->v.Tuple.elts = seq_expr(p, &v);
    t->v.Tuple.ctx = TW_LOAD;
    return t;
}

/* One trailer of a primary (`.name`, `(args)`, `[slices]`) applied to
   e, or NULL when the next token starts none. */
static TW_NOINLINE TwExpr *p_trailer(TwParser *p, TwPos pos, TwExpr *e)
{
    TwTokenKind k = p_kind(p);
    TwExpr *n;
    if (k == TW_TOK_DOT) {
        p_next(p);
        TwToken name = p_expect(p, TW_TOK_NAME);
        n = new_expr_pos(p, TW_EXPR_ATTRIBUTE, pos);
        n->v.Attribute.value = e;
        n->v.Attribute.attr = p_intern_token(p, &name);
        n->v.Attribute.ctx = TW_LOAD;
    } else if (k == TW_TOK_LPAR) {
        TwToken lpar = p_next(p);
        TwExprSeq args;
        TwKeywordSeq keywords;
        p_call_args(p, &lpar, &args, &keywords, true);
        n = new_expr_pos(p, TW_EXPR_CALL, pos);
        n->v.Call.func = e;
        n->v.Call.args = args;
        n->v.Call.keywords = keywords;
    } else {
        p_next(p);
        TwExpr *slice = p_slices(p);
        p_expect(p, TW_TOK_RSQB);
        n = new_expr_pos(p, TW_EXPR_SUBSCRIPT, pos);
        n->v.Subscript.value = e;
        n->v.Subscript.slice = slice;
        n->v.Subscript.ctx = TW_LOAD;
    }
    return n;
}

/* primary: atom ('.' NAME | '(' arguments ')' | '[' slices ']')* */
static TwExpr *p_primary(TwParser *p)
{
    TwPos pos = p_pos(p);
    TwExpr *e = p_atom(p);
    for (;;) {
        TwTokenKind k = p_kind(p);
        if (k != TW_TOK_DOT && k != TW_TOK_LPAR && k != TW_TOK_LSQB) {
            break;
        }
        e = p_trailer(p, pos, e);
    }
    return e;
}

/* ------------------------------------------------------------------ */
/* Displays and comprehensions                                         */
/* ------------------------------------------------------------------ */

/* A comprehension target list: star_targets, parsed as expressions at
   bitwise_or level so that `in` ends them. */
static TwExpr *p_target_elem(TwParser *p)
{
    if (p_at(p, TW_TOK_STAR)) {
        return p_starred(p, p_bitwise_or);
    }
    return p_bitwise_or(p);
}

static TwExpr *p_for_targets(TwParser *p)
{
    TwPos pos = p_pos(p);
    TwExpr *first = p_target_elem(p);
    if (!p_at(p, TW_TOK_COMMA)) {
        return first;
    }
    TwVec v;
    vec_init(&v);
    vec_push(p, &v, first);
    while (p_accept(p, TW_TOK_COMMA)) {
        if (!starts_expression(p_kind(p))) {
            break;
        }
        vec_push(p, &v, p_target_elem(p));
    }
    TwExpr *t = new_expr_pos(p, TW_EXPR_TUPLE, pos);
    t->v.Tuple.elts = seq_expr(p, &v);
    t->v.Tuple.ctx = TW_LOAD;
    return t;
}

/*
 * The target of a `for` (statement or comprehension), up to and including
 * `in`.  CPython's invalid_for_target: when the targets are not followed
 * by `in`, the whole thing is reread as expressions to name a bad target.
 */
static TwExpr *p_for_target_in(TwParser *p)
{
    int start = p->pos;
    TwExpr *target = p_for_targets(p);
    if (p_at(p, TW_TOK_IN)) {
        p_store_target(p, target, TW_TARGETS_FOR);
        p_next(p);
        return target;
    }
    int save = p->pos;
    p->pos = start;
    TwExpr *all = p_diagnose(p, p_star_expressions);
    if (all != NULL) {
        TwExpr *bad = invalid_target(all, TW_TARGETS_FOR);
        if (bad != NULL) {
            P_RAISE_AT_EXPR(p, bad, "cannot assign to %s", expr_name(bad));
        }
    }
    p->pos = save;
    p_fail(p);
    return NULL;
}

/* for_if_clauses: ('for' star_targets 'in' disjunction ('if' disjunction)*)+ */
static TwComprehensionSeq p_for_if_clauses(TwParser *p)
{
    TwVec gens;
    vec_init(&gens);
    while (p_at(p, TW_TOK_FOR) || p_at(p, TW_TOK_ASYNC)) {
        bool is_async = false;
        if (p_at(p, TW_TOK_ASYNC)) {
            p_unsupported(p, p_peek(p, 0), "asynchronous comprehensions");
            p_next(p);
            is_async = true;
        }
        p_expect(p, TW_TOK_FOR);
        TwComprehension *c = p_alloc(p, sizeof *c);
        c->is_async = is_async;
        c->target = p_for_target_in(p);
        c->iter = p_disjunction(p);
        TwVec ifs;
        vec_init(&ifs);
        while (p_accept(p, TW_TOK_IF)) {
            vec_push(p, &ifs, p_disjunction(p));
        }
        c->ifs = seq_expr(p, &ifs);
        vec_push(p, &gens, c);
    }
    return seq_comp(p, &gens);
}

/* A comprehension's element must not be starred. */
static void p_check_comprehension_elt(TwParser *p, TwExpr *elt)
{
    if (elt->kind == TW_EXPR_STARRED) {
        P_RAISE_AT_EXPR(p, elt, "iterable unpacking cannot be used in "
                        "comprehension");
    }
}

/* The elements of a list, tuple or set display after the first one. */
static void p_display_rest(TwParser *p, TwVec *v, TwTokenKind close)
{
    while (p_accept(p, TW_TOK_COMMA)) {
        if (p_at(p, close)) {
            break;
        }
        int start = p->pos;
        vec_push(p, v, p_star_named_expression(p));
        if (p_at(p, TW_TOK_EQUAL)) {
            p_fail_assign_in_expression(p, start);
        }
    }
}

/* A display's elements after the first one, as a List, Tuple or Set
   spanning from `pos` to the closing bracket. */
static TW_NOINLINE TwExpr *p_display_after_first(TwParser *p, TwPos pos,
                                                 TwExpr *first,
                                                 TwExprKind kind,
                                                 TwTokenKind close)
{
    TwVec v;
    vec_init(&v);
    if (first != NULL) {
        vec_push(p, &v, first);
        p_display_rest(p, &v, close);
    }
    p_expect(p, close);
    TwExpr *e = new_expr_pos(p, kind, pos);
    if (kind == TW_EXPR_SET) {
        e->v.Set.elts = seq_expr(p, &v);
    } else {
        e->v.List.elts = seq_expr(p, &v);
        e->v.List.ctx = TW_LOAD;
    }
    return e;
}

/* A comprehension after its element: ListComp, SetComp or GeneratorExp. */
static TW_NOINLINE TwExpr *p_comprehension_after_elt(TwParser *p, TwPos pos,
                                                     TwExpr *elt,
                                                     TwExprKind kind,
                                                     TwTokenKind close)
{
    p_check_comprehension_elt(p, elt);
    TwComprehensionSeq gens = p_for_if_clauses(p);
    p_expect(p, close);
    TwExpr *c = new_expr_pos(p, kind, pos);
    c->v.ListComp.elt = elt;
    c->v.ListComp.generators = gens;
    return c;
}

/* '(' ... ')': tuple, parenthesised expression, or generator expression */
static TwExpr *p_paren(TwParser *p)
{
    TwPos pos = p_pos(p);
    p_next(p);
    TwTokenKind k = p_kind(p);
    if (k == TW_TOK_RPAR) {
        return p_display_after_first(p, pos, NULL, TW_EXPR_TUPLE, TW_TOK_RPAR);
    }
    if (k == TW_TOK_YIELD) {
        TwExpr *y = p_yield_expr(p);
        p_expect(p, TW_TOK_RPAR);
        return y;
    }
    if (k == TW_TOK_DOUBLESTAR) {
        p_raise_at_token(p, p_peek(p, 0),
                         "cannot use double starred expression here");
    }
    int start = p->pos;
    TwExpr *first = p_star_named_expression(p);
    k = p_kind(p);
    if (k == TW_TOK_FOR || k == TW_TOK_ASYNC) {
        return p_comprehension_after_elt(p, pos, first, TW_EXPR_GENERATOREXP,
                                         TW_TOK_RPAR);
    }
    if (k == TW_TOK_COMMA) {
        return p_display_after_first(p, pos, first, TW_EXPR_TUPLE, TW_TOK_RPAR);
    }
    if (k == TW_TOK_RPAR) {
        if (first->kind == TW_EXPR_STARRED) {
            P_RAISE_AT_EXPR(p, first, "cannot use starred expression here");
        }
        p_next(p);
        return first;
    }
    if (k == TW_TOK_EQUAL) {
        p_fail_assign_in_expression(p, start);
    }
    p_fail(p);
    return NULL;
}

/* '[' ... ']': list display or list comprehension */
static TwExpr *p_list(TwParser *p)
{
    TwPos pos = p_pos(p);
    p_next(p);
    if (p_at(p, TW_TOK_RSQB)) {
        return p_display_after_first(p, pos, NULL, TW_EXPR_LIST, TW_TOK_RSQB);
    }
    int start = p->pos;
    TwExpr *first = p_star_named_expression(p);
    TwTokenKind k = p_kind(p);
    if (k == TW_TOK_FOR || k == TW_TOK_ASYNC) {
        return p_comprehension_after_elt(p, pos, first, TW_EXPR_LISTCOMP,
                                         TW_TOK_RSQB);
    }
    if (k == TW_TOK_EQUAL) {
        p_fail_assign_in_expression(p, start);
    }
    return p_display_after_first(p, pos, first, TW_EXPR_LIST, TW_TOK_RSQB);
}

/* key ':' value, the ':' already seen by the caller */
static TwExpr *p_dict_value(TwParser *p)
{
    TwToken colon = p_next(p);
    if (p_at(p, TW_TOK_RBRACE) || p_at(p, TW_TOK_COMMA)) {
        p_raise_at_token(p, &colon,
                         "expression expected after dictionary key and ':'");
    }
    if (p_at(p, TW_TOK_STAR)) {
        TwToken star = *p_peek(p, 0);
        p_raise_known(p, TW_SYNERR_SYNTAX, star.line, star.col, star.end_line,
                      star.end_col,
                      "cannot use a starred expression in a dictionary value");
    }
    return p_expression(p);
}

/* A dict display after its first item (key NULL for `**value`). */
static TW_NOINLINE TwExpr *p_dict_after_first(TwParser *p, TwPos pos,
                                              TwExpr *key, TwExpr *value)
{
    TwVec keys;
    TwVec values;
    vec_init(&keys);
    vec_init(&values);
    vec_push(p, &keys, key);
    vec_push(p, &values, value);
    while (p_accept(p, TW_TOK_COMMA)) {
        if (p_at(p, TW_TOK_RBRACE)) {
            break;
        }
        if (p_accept(p, TW_TOK_DOUBLESTAR)) {
            vec_push(p, &keys, NULL);
            vec_push(p, &values, p_bitwise_or(p));
            continue;
        }
        TwExpr *k = p_expression(p);
        if (!p_at(p, TW_TOK_COLON)) {
            p_raise_known(p, TW_SYNERR_SYNTAX, k->line, k->end_col - 1,
                          k->end_line, -1, "':' expected after dictionary key");
        }
        vec_push(p, &keys, k);
        vec_push(p, &values, p_dict_value(p));
    }
    p_expect(p, TW_TOK_RBRACE);
    TwExpr *d = new_expr_pos(p, TW_EXPR_DICT, pos);
    d->v.Dict.keys = seq_expr(p, &keys);
    d->v.Dict.values = seq_expr(p, &values);
    return d;
}

/* '{' ... '}': dict, set, or their comprehensions */
static TwExpr *p_brace(TwParser *p)
{
    TwPos pos = p_pos(p);
    p_next(p);
    if (p_accept(p, TW_TOK_RBRACE)) {
        return new_expr_pos(p, TW_EXPR_DICT, pos);
    }
    if (p_accept(p, TW_TOK_DOUBLESTAR)) {
        TwExpr *value = p_bitwise_or(p);
        return p_dict_after_first(p, pos, NULL, value);
    }
    int start = p->pos;
    TwExpr *first = p_star_named_expression(p);
    TwTokenKind k = p_kind(p);
    if (k == TW_TOK_COLON && first->kind != TW_EXPR_STARRED &&
        first->kind != TW_EXPR_NAMEDEXPR) {
        TwExpr *value = p_dict_value(p);
        k = p_kind(p);
        if (k == TW_TOK_FOR || k == TW_TOK_ASYNC) {
            TwComprehensionSeq gens = p_for_if_clauses(p);
            p_expect(p, TW_TOK_RBRACE);
            TwExpr *c = new_expr_pos(p, TW_EXPR_DICTCOMP, pos);
            c->v.DictComp.key = first;
            c->v.DictComp.value = value;
            c->v.DictComp.generators = gens;
            return c;
        }
        return p_dict_after_first(p, pos, first, value);
    }
    if (k == TW_TOK_FOR || k == TW_TOK_ASYNC) {
        return p_comprehension_after_elt(p, pos, first, TW_EXPR_SETCOMP,
                                         TW_TOK_RBRACE);
    }
    if (k == TW_TOK_EQUAL) {
        p_fail_assign_in_expression(p, start);
    }
    return p_display_after_first(p, pos, first, TW_EXPR_SET, TW_TOK_RBRACE);
}

static TwExpr *p_number(TwParser *p);

/* atom: NAME | True | False | None | strings | NUMBER | ( ) | [ ] | { } | ... */
static TwExpr *p_atom(TwParser *p)
{
    TwToken *t = p_peek(p, 0);
    switch (t->kind) {
    case TW_TOK_NAME: {
        TwToken name = p_next(p);
        return new_name(p, &name, TW_LOAD);
    }
    case TW_TOK_TRUE:
    case TW_TOK_FALSE:
    case TW_TOK_NONE:
    case TW_TOK_ELLIPSIS: {
        TwToken c = p_next(p);
        return new_constant(p, &c,
                            c.kind == TW_TOK_TRUE ? TW_CONST_TRUE :
                            c.kind == TW_TOK_FALSE ? TW_CONST_FALSE :
                            c.kind == TW_TOK_NONE ? TW_CONST_NONE :
                                                    TW_CONST_ELLIPSIS);
    }
    case TW_TOK_STRING:
        return p_strings(p);
    case TW_TOK_NUMBER:
        return p_number(p);
    case TW_TOK_LPAR:
        return p_paren(p);
    case TW_TOK_LSQB:
        return p_list(p);
    case TW_TOK_LBRACE:
        return p_brace(p);
    default:
        p_fail(p);
        return NULL;
    }
}

/* ------------------------------------------------------------------ */
/* Parameters                                                          */
/* ------------------------------------------------------------------ */

/* NAME [':' expression] (no annotation in a lambda) */
static TwArg *p_param(TwParser *p, bool lambda)
{
    TwToken name = p_expect(p, TW_TOK_NAME);
    TwArg *a = p_alloc(p, sizeof *a);
    a->arg = p_intern_token(p, &name);
    a->line = name.line;
    a->col = name.col;
    if (!lambda && p_accept(p, TW_TOK_COLON)) {
        a->annotation = p_expression(p);
    }
    set_end(p, &a->end_line, &a->end_col);
    return a;
}

/*
 * A parameter list, up to (not including) ')' or, for a lambda, ':'.
 * Misplaced '/', '*', '**' and defaults get CPython's messages at the
 * offending token.
 */
static TwArguments *p_params(TwParser *p, bool lambda)
{
    TwTokenKind end = lambda ? TW_TOK_COLON : TW_TOK_RPAR;
    TwVec posonly, args, defaults, kwonly, kwdefaults;
    vec_init(&posonly);
    vec_init(&args);
    vec_init(&defaults);
    vec_init(&kwonly);
    vec_init(&kwdefaults);
    TwArg *vararg = NULL;
    TwArg *kwarg = NULL;
    bool seen_slash = false;
    bool seen_star = false;
    bool seen_default = false;
    TwToken star_tok;
    memset(&star_tok, 0, sizeof star_tok);

    while (!p_at(p, end)) {
        TwToken t = *p_peek(p, 0);
        if (kwarg != NULL) {
            p_raise_at_token(p, &t, "arguments cannot follow var-keyword "
                             "argument");
        }
        if (t.kind == TW_TOK_SLASH) {
            if (seen_star) {
                p_raise_at_token(p, &t, "/ must be ahead of *");
            }
            if (seen_slash) {
                p_raise_at_token(p, &t, "/ may appear only once");
            }
            if (args.count == 0) {
                p_raise_at_token(p, &t, "at least one argument must precede /");
            }
            p_next(p);
            posonly = args;
            if (args.items == args.local) {
                posonly.items = posonly.local;
            }
            vec_init(&args);
            seen_slash = true;
        } else if (t.kind == TW_TOK_STAR) {
            if (seen_star) {
                p_raise_at_token(p, &t, "* argument may appear only once");
            }
            p_next(p);
            seen_star = true;
            if (p_at(p, TW_TOK_COMMA) || p_at(p, end)) {
                star_tok = t;
                if (p_at(p, end) ||
                    (p_kind_at(p, 1) == end) ||
                    p_kind_at(p, 1) == TW_TOK_DOUBLESTAR) {
                    p_raise_at_token(p, &star_tok,
                                     "named arguments must follow bare *");
                }
            } else {
                vararg = p_param(p, lambda);
                if (p_at(p, TW_TOK_EQUAL)) {
                    p_raise_at_token(p, p_peek(p, 0), "var-positional argument "
                                     "cannot have default value");
                }
            }
        } else if (t.kind == TW_TOK_DOUBLESTAR) {
            p_next(p);
            kwarg = p_param(p, lambda);
            if (p_at(p, TW_TOK_EQUAL)) {
                p_raise_at_token(p, p_peek(p, 0), "var-keyword argument cannot "
                                 "have default value");
            }
        } else if (t.kind == TW_TOK_NAME) {
            TwArg *a = p_param(p, lambda);
            TwExpr *dflt = NULL;
            if (p_accept(p, TW_TOK_EQUAL)) {
                dflt = p_expression(p);
            }
            if (seen_star) {
                vec_push(p, &kwonly, a);
                vec_push(p, &kwdefaults, dflt);
            } else {
                if (dflt != NULL) {
                    vec_push(p, &defaults, dflt);
                    seen_default = true;
                } else if (seen_default) {
                    p_raise_known(p, TW_SYNERR_SYNTAX, a->line, a->col,
                                  a->end_line, a->end_col,
                                  "non-default argument follows default "
                                  "argument");
                }
                vec_push(p, &args, a);
            }
        } else {
            p_fail(p);
        }
        if (!p_accept(p, TW_TOK_COMMA)) {
            break;
        }
    }
    TwArguments *r = p_alloc(p, sizeof *r);
    r->posonlyargs = seq_arg(p, &posonly);
    r->args = seq_arg(p, &args);
    r->vararg = vararg;
    r->kwonlyargs = seq_arg(p, &kwonly);
    r->kw_defaults = seq_expr(p, &kwdefaults);
    r->kwarg = kwarg;
    r->defaults = seq_expr(p, &defaults);
    return r;
}

/* ------------------------------------------------------------------ */
/* Numbers                                                             */
/* ------------------------------------------------------------------ */

/*
 * Converts digits in base `radix` to decimal text (for integer literals
 * beyond int64).  Schoolbook: literals are short.
 */
static char *p_radix_to_decimal(TwParser *p, const char *digits, size_t n,
                                int radix)
{
    size_t cap = n * 2 + 2;     /* base <= 16 needs fewer decimal digits */
    unsigned char *dec = p_alloc(p, cap);   /* little-endian */
    size_t len = 1;
    dec[0] = 0;
    for (size_t i = 0; i < n; i++) {
        char c = digits[i];
        int d = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
        int carry = d;
        for (size_t j = 0; j < len; j++) {
            int v = dec[j] * radix + carry;
            dec[j] = (unsigned char)(v % 10);
            carry = v / 10;
        }
        while (carry > 0) {
            dec[len++] = (unsigned char)(carry % 10);
            carry /= 10;
        }
    }
    char *out = p_alloc(p, len + 1);
    for (size_t j = 0; j < len; j++) {
        out[j] = (char)('0' + dec[len - 1 - j]);
    }
    out[len] = '\0';
    return out;
}

/* NUMBER: ints (any base, underscores), floats; imaginary is unsupported */
static TW_NOINLINE TwExpr *p_number(TwParser *p)
{
    TwToken t = p_next(p);
    size_t n = (size_t)(t.end - t.start);
    char *text = p_alloc(p, n + 1);
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        if (t.start[i] != '_') {
            text[len++] = t.start[i];
        }
    }
    text[len] = '\0';
    TwExpr *e = new_constant(p, &t, TW_CONST_INT);
    TwConstant *c = &e->v.Constant;
    if (text[len - 1] == 'j' || text[len - 1] == 'J') {
        p_unsupported(p, &t, "complex numbers");
        text[--len] = '\0';
        c->kind = TW_CONST_FLOAT;
        c->float_value = strtod(text, NULL);
        return e;
    }
    int radix = 10;
    const char *digits = text;
    if (len > 1 && text[0] == '0') {
        char x = (char)(text[1] | 0x20);
        radix = x == 'x' ? 16 : x == 'o' ? 8 : x == 'b' ? 2 : 10;
        if (radix != 10) {
            digits = text + 2;
        }
    }
    if (radix == 10 && strpbrk(text, ".eE") != NULL) {
        c->kind = TW_CONST_FLOAT;
        c->float_value = strtod(text, NULL);
        return e;
    }
    size_t nd = strlen(digits);
    uint64_t v = 0;
    bool big = false;
    for (size_t i = 0; i < nd; i++) {
        char ch = digits[i];
        uint64_t d = (uint64_t)(ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10);
        if (v > (UINT64_MAX - d) / (uint64_t)radix) {
            big = true;
            break;
        }
        v = v * (uint64_t)radix + d;
    }
    if (!big && v > (uint64_t)INT64_MAX) {
        big = true;
    }
    if (!big) {
        c->int_value = (int64_t)v;
        return e;
    }
    c->int_big = true;
    if (radix == 10) {
        while (digits[0] == '0' && digits[1] != '\0') {
            digits++;
        }
        c->str = digits;
    } else {
        c->str = p_radix_to_decimal(p, digits, nd, radix);
    }
    c->str_len = strlen(c->str);
    return e;
}

/* ------------------------------------------------------------------ */
/* String literals                                                     */
/* ------------------------------------------------------------------ */

/* A byte buffer in the arena. */
typedef struct TwBytes {
    char *data;
    size_t len;
    size_t cap;
} TwBytes;

static void bytes_put(TwParser *p, TwBytes *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 32;
        while (cap < b->len + n + 1) {
            cap *= 2;
        }
        char *data = p_alloc(p, cap);
        if (b->len > 0) {
            memcpy(data, b->data, b->len);
        }
        b->data = data;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

/* Appends a code point as UTF-8 (surrogates as plain 3-byte sequences). */
static void bytes_put_code_point(TwParser *p, TwBytes *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    bytes_put(p, b, u, n);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/*
 * Decodes backslash escapes of a (non-raw) literal into `out`.  Errors are
 * CPython's "(unicode error) 'unicodeescape' codec can't decode bytes ..."
 * whose positions count each non-ASCII character as 10 (CPython rewrites
 * them as \UXXXXXXXX before decoding) and a backslash before one as 6.
 * Like every error about a string, it points at the token after the
 * string.  `str_tok` is the literal's token, for unsupported escapes.
 */
static void p_decode_escapes(TwParser *p, const char *s, size_t n, TwBytes *out,
                             const TwToken *str_tok)
{
    const char *end = s + n;
    size_t vpos = 0;            /* position in CPython's rewritten text */
    while (s < end) {
        const char *run = s;
        while (s < end && *s != '\\') {
            s++;
        }
        if (s > run) {
            bytes_put(p, out, run, (size_t)(s - run));
            for (const char *q = run; q < s; q++) {
                unsigned char c = (unsigned char)*q;
                if (c < 0x80) {
                    vpos++;
                } else if ((c & 0xC0) != 0x80) {
                    vpos += 10;
                }
            }
        }
        if (s >= end) {
            break;
        }
        size_t start = vpos;
        s++;                    /* the backslash */
        if (s >= end) {
            break;
        }
        unsigned char c = (unsigned char)*s;
        if (c >= 0x80) {
            /* an invalid escape of a non-ASCII character: kept as is */
            bytes_put(p, out, "\\", 1);
            vpos += 6;
            continue;
        }
        s++;
        vpos += 2;
        switch (c) {
        case '\n': break;
        case '\\': bytes_put(p, out, "\\", 1); break;
        case '\'': bytes_put(p, out, "'", 1); break;
        case '"': bytes_put(p, out, "\"", 1); break;
        case 'a': bytes_put(p, out, "\a", 1); break;
        case 'b': bytes_put(p, out, "\b", 1); break;
        case 'f': bytes_put(p, out, "\f", 1); break;
        case 'n': bytes_put(p, out, "\n", 1); break;
        case 'r': bytes_put(p, out, "\r", 1); break;
        case 't': bytes_put(p, out, "\t", 1); break;
        case 'v': bytes_put(p, out, "\v", 1); break;
        case '0': case '1': case '2': case '3':
        case '4': case '5': case '6': case '7': {
            uint32_t v = c - '0';
            for (int i = 0; i < 2 && s < end && *s >= '0' && *s <= '7'; i++) {
                v = v * 8 + (uint32_t)(*s++ - '0');
                vpos++;
            }
            bytes_put_code_point(p, out, v);
            break;
        }
        case 'x': case 'u': case 'U': {
            int want = c == 'x' ? 2 : c == 'u' ? 4 : 8;
            uint32_t v = 0;
            int got = 0;
            while (got < want && s < end && hex_value(*s) >= 0) {
                v = v * 16 + (uint32_t)hex_value(*s++);
                got++;
                vpos++;
            }
            if (got < want) {
                p_raise_last(p, "(unicode error) 'unicodeescape' codec can't "
                             "decode bytes in position %zu-%zu: truncated "
                             "\\%c%s escape", start, vpos - 1, c,
                             c == 'x' ? "XX" : c == 'u' ? "XXXX" : "XXXXXXXX");
            }
            if (v > 0x10FFFF) {
                p_raise_last(p, "(unicode error) 'unicodeescape' codec can't "
                             "decode bytes in position %zu-%zu: illegal "
                             "Unicode character", start, vpos - 1);
            }
            bytes_put_code_point(p, out, v);
            break;
        }
        case 'N':
            p_unsupported(p, str_tok, "\\N{...} escapes");
            if (s < end && *s == '{') {
                while (s < end && *s != '}') {
                    s++;
                }
                if (s < end) {
                    s++;
                }
            }
            bytes_put(p, out, "?", 1);
            break;
        default:
            /* not an escape (CPython warns with a DeprecationWarning,
               which is not shown by default) */
            bytes_put(p, out, "\\", 1);
            bytes_put(p, out, (const char *)&c, 1);
            break;
        }
    }
}

/* The parts of one string token. */
typedef struct TwStrToken {
    bool raw;
    bool fmt;
    bool bytes;
    bool u;
    const char *body;       /* between the quotes */
    size_t len;
} TwStrToken;

static TwStrToken str_token_parts(const TwToken *t)
{
    TwStrToken st = {false, false, false, false, NULL, 0};
    const char *s = t->start;
    while (*s != '\'' && *s != '"') {
        char c = (char)(*s | 0x20);
        st.raw |= c == 'r';
        st.fmt |= c == 'f';
        st.bytes |= c == 'b';
        st.u |= c == 'u';
        s++;
    }
    size_t quote = 1;
    if (t->end - s >= 6 && s[1] == s[0] && s[2] == s[0]) {
        quote = 3;
    }
    st.body = s + quote;
    st.len = (size_t)(t->end - s) - 2 * quote;
    return st;
}

/* JoinedStr under construction: values plus the pending literal text. */
typedef struct TwFstrBuilder {
    TwVec values;
    TwBytes literal;
    bool u_prefix;          /* the first literal had a u prefix */
    TwPos pos;              /* location of the parts: the whole literal */
    int end_line;
    int end_col;
    /* Where the result and its last literal part go: the whole literal
       for an f-string, but only the current string token for a format
       spec (a quirk of CPython 3.11 that shows in node positions). */
    TwPos finish_pos;
    int finish_end_line;
    int finish_end_col;
} TwFstrBuilder;

static TwExpr *fstr_constant(TwParser *p, TwFstrBuilder *fb, const char *s,
                             size_t n, bool last)
{
    TwExpr *c = new_expr_pos(p, TW_EXPR_CONSTANT, last ? fb->finish_pos : fb->pos);
    c->end_line = last ? fb->finish_end_line : fb->end_line;
    c->end_col = last ? fb->finish_end_col : fb->end_col;
    c->v.Constant.kind = TW_CONST_STR;
    c->v.Constant.u_prefix = fb->u_prefix;
    char *copy = p_alloc(p, n + 1);
    if (n > 0) {
        memcpy(copy, s, n);
    }
    c->v.Constant.str = copy;
    c->v.Constant.str_len = n;
    return c;
}

static void fstr_flush(TwParser *p, TwFstrBuilder *fb, bool last)
{
    if (fb->literal.len > 0) {
        vec_push(p, &fb->values,
                 fstr_constant(p, fb, fb->literal.data, fb->literal.len, last));
        fb->literal.len = 0;
    }
}

static TwExpr *fstr_finish(TwParser *p, TwFstrBuilder *fb)
{
    fstr_flush(p, fb, true);
    TwExpr *j = new_expr_pos(p, TW_EXPR_JOINEDSTR, fb->finish_pos);
    j->end_line = fb->finish_end_line;
    j->end_col = fb->finish_end_col;
    j->v.JoinedStr.values = seq_expr(p, &fb->values);
    return j;
}

static void fstr_parse(TwParser *p, TwFstrBuilder *fb, const TwToken *t,
                       const char **str, const char *end, bool raw,
                       int level);

/* Where a character of a string token lies in the source. */
static void p_source_position(TwParser *p, const TwToken *t, const char *at,
                              int *line, int *col)
{
    *line = t->line;
    const char *line_start = t->start - (t->col - (p->fstring && t->line ==
                                                   p->fstring_line
                                                   ? p->fstring_shift : 0));
    for (const char *q = t->start; q < at; q++) {
        if (*q == '\n') {
            (*line)++;
            line_start = q + 1;
        }
    }
    *col = (int)(at - line_start);
    if (p->fstring && *line == p->fstring_line) {
        *col += p->fstring_shift;
    }
}

/*
 * Parses the text of one f-string expression with a nested parser over
 * "(text)", as CPython 3.11's fstring_compile_expr does; errors inside get
 * the "f-string: " prefix and positions relative to that text.
 */
static TwExpr *fstr_compile_expr(TwParser *p, const TwToken *t,
                                 const char *start, const char *end)
{
    const char *q = start;
    while (q < end && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\f')) {
        q++;
    }
    if (q == end) {
        if (*end == '!' || *end == ':' || *end == '=') {
            p_raise_last(p, "f-string: expression required before '%c'", *end);
        }
        p_raise_last(p, "f-string: empty expression not allowed");
    }
    size_t n = (size_t)(end - start);
    char *text = malloc(n + 3);
    if (text == NULL) {
        p_no_memory(p);
    }
    text[0] = '(';
    memcpy(text + 1, start, n);
    text[n + 1] = ')';
    text[n + 2] = '\0';
    int line;
    int col;
    p_source_position(p, t, start - 1, &line, &col);

    TwTokenizer tok;
    bool ok = tw_tokenizer_init(&tok, text, n + 2);
    free(text);
    if (!ok) {
        p_no_memory(p);
    }
    tok.line_offset = line - 1;
    tok.filename = p->tok->filename;
    tok.added_newline = false;      /* CPython shows "(expr)\n" */

    TwParser sub;
    memset(&sub, 0, sizeof sub);
    sub.sh = p->sh;
    sub.tok = &tok;
    sub.speculating = p->speculating;
    sub.assign_diag = p->assign_diag;
    sub.depth = p->depth + 1;
    sub.mode = TW_PARSE_EVAL;
    sub.fstring = true;
    sub.fstring_line = line;
    sub.fstring_shift = col;
    jmp_buf jb;
    sub.on_error = &jb;
    TwExpr *volatile result = NULL;
    if (setjmp(jb) == 0) {
        p_enter(&sub);
        result = p_star_expressions(&sub);
    }
    /* Keep the warnings of the nested tokenizer. */
    for (int i = 0; i < tok.nwarnings; i++) {
        TwParseShared *sh = p->sh;
        if (sh->nwarnings == sh->warnings_cap) {
            int cap = sh->warnings_cap ? sh->warnings_cap * 2 : 8;
            TwParseWarning *w = tw_arena_alloc(sh->arena, (size_t)cap * sizeof *w);
            if (w == NULL) {
                break;
            }
            if (sh->nwarnings > 0) {
                memcpy(w, sh->warnings, (size_t)sh->nwarnings * sizeof *w);
            }
            sh->warnings = w;
            sh->warnings_cap = cap;
        }
        TwParseWarning *w = &sh->warnings[sh->nwarnings++];
        w->line = tok.warnings[i].line;
        w->category = "SyntaxWarning";
        w->message = tw_arena_strndup(sh->arena, tok.warnings[i].message,
                                      strlen(tok.warnings[i].message));
    }
    free(sub.tokens);
    tw_tokenizer_fini(&tok);
    if (result == NULL) {
        TwParseShared *sh = p->sh;
        if (sh->has_error && sh->error.kind != TW_SYNERR_MEMORY) {
            if (p->speculating > 0) {
                tw_syntax_error_clear(&sh->error);
                sh->has_error = false;
            }
            /* For the enclosing parser this is an error of the parser. */
            sh->from_tokenizer = false;
        }
        p_throw(p);
    }
    return result;
}

/*
 * One replacement field, *str at its '{' (CPython's fstring_find_expr):
 * find where the expression ends (tracking brackets and quotes), compile
 * it, then the optional '=', '!conversion' and ':format_spec'.
 */
static void fstr_field(TwParser *p, TwFstrBuilder *fb, const TwToken *t,
                       const char **str, const char *end, bool raw, int level)
{
    if (level >= 2) {
        p_raise_last(p, "f-string: expressions nested too deeply");
    }
    (*str)++;
    const char *expr_start = *str;
    char quote = 0;
    int string_type = 0;
    int depth = 0;
    char parens[TW_TOK_MAX_LEVEL];
    for (; *str < end; (*str)++) {
        char ch = **str;
        if (ch == '\\') {
            p_raise_last(p, "f-string expression part cannot include a "
                         "backslash");
        }
        if (quote) {
            if (ch == quote) {
                if (string_type == 3) {
                    if (*str + 2 < end && (*str)[1] == ch && (*str)[2] == ch) {
                        *str += 2;
                        string_type = 0;
                        quote = 0;
                    }
                } else {
                    string_type = 0;
                    quote = 0;
                }
            }
            continue;
        }
        if (ch == '\'' || ch == '"') {
            if (*str + 2 < end && (*str)[1] == ch && (*str)[2] == ch) {
                string_type = 3;
                *str += 2;
            } else {
                string_type = 1;
            }
            quote = ch;
        } else if (ch == '[' || ch == '{' || ch == '(') {
            if (depth >= TW_TOK_MAX_LEVEL) {
                p_raise_last(p, "f-string: too many nested parenthesis");
            }
            parens[depth++] = ch;
        } else if (ch == '#') {
            p_raise_last(p, "f-string expression part cannot include '#'");
        } else if (depth == 0 && (ch == '!' || ch == ':' || ch == '}' ||
                                  ch == '=' || ch == '>' || ch == '<')) {
            if (*str + 1 < end) {
                char next = (*str)[1];
                if ((ch == '!' && next == '=') || (ch == '=' && next == '=') ||
                    (ch == '<' && next == '=') || (ch == '>' && next == '=')) {
                    (*str)++;
                    continue;
                }
            }
            if (ch == '>' || ch == '<') {
                continue;
            }
            break;
        } else if (ch == ']' || ch == '}' || ch == ')') {
            if (depth == 0) {
                p_raise_last(p, "f-string: unmatched '%c'", ch);
            }
            char opening = parens[--depth];
            if (!((opening == '(' && ch == ')') || (opening == '[' && ch == ']') ||
                  (opening == '{' && ch == '}'))) {
                p_raise_last(p, "f-string: closing parenthesis '%c' does not "
                             "match opening parenthesis '%c'", ch, opening);
            }
        }
    }
    const char *expr_end = *str;
    if (quote) {
        p_raise_last(p, "f-string: unterminated string");
    }
    if (depth > 0) {
        p_raise_last(p, "f-string: unmatched '%c'", parens[depth - 1]);
    }
    if (*str >= end) {
        p_raise_last(p, "f-string: expecting '}'");
    }
    TwExpr *value = fstr_compile_expr(p, t, expr_start, expr_end);

    bool debug = false;
    if (**str == '=') {
        (*str)++;
        while (*str < end && (**str == ' ' || **str == '\t' || **str == '\n' ||
                              **str == '\r' || **str == '\f' || **str == '\v')) {
            (*str)++;
        }
        if (*str >= end) {
            p_raise_last(p, "f-string: expecting '}'");
        }
        bytes_put(p, &fb->literal, expr_start, (size_t)(*str - expr_start));
        debug = true;
    }
    int conversion = -1;
    if (**str == '!') {
        (*str)++;
        if (*str >= end) {
            p_raise_last(p, "f-string: expecting '}'");
        }
        conversion = (unsigned char)**str;
        (*str)++;
        if (conversion != 's' && conversion != 'r' && conversion != 'a') {
            p_raise_last(p, "f-string: invalid conversion character: "
                         "expected 's', 'r', or 'a'");
        }
    }
    TwExpr *spec = NULL;
    if (*str < end && **str == ':') {
        (*str)++;
        if (*str >= end) {
            p_raise_last(p, "f-string: expecting '}'");
        }
        TwFstrBuilder sb;
        vec_init(&sb.values);
        memset(&sb.literal, 0, sizeof sb.literal);
        sb.pos = fb->pos;
        sb.u_prefix = fb->u_prefix;
        sb.end_line = fb->end_line;
        sb.end_col = fb->end_col;
        sb.finish_pos.line = t->line;
        sb.finish_pos.col = t->col;
        sb.finish_end_line = t->end_line;
        sb.finish_end_col = t->end_col;
        fstr_parse(p, &sb, t, str, end, raw, level + 1);
        spec = fstr_finish(p, &sb);
    }
    if (*str >= end || **str != '}') {
        p_raise_last(p, "f-string: expecting '}'");
    }
    (*str)++;
    if (debug && spec == NULL && conversion == -1) {
        conversion = 'r';
    }
    TwExpr *fv = new_expr_pos(p, TW_EXPR_FORMATTEDVALUE, fb->pos);
    fv->end_line = fb->end_line;
    fv->end_col = fb->end_col;
    fv->v.FormattedValue.value = value;
    fv->v.FormattedValue.conversion = conversion;
    fv->v.FormattedValue.format_spec = spec;
    fstr_flush(p, fb, false);
    vec_push(p, &fb->values, fv);
}

/*
 * The literal text and fields of an f-string body (level 0) or of a
 * format spec (level 1, which ends at its '}').  {{ and }} are escapes
 * only at level 0.
 */
static void fstr_parse(TwParser *p, TwFstrBuilder *fb, const TwToken *t,
                       const char **str, const char *end, bool raw, int level)
{
    for (;;) {
        const char *s = *str;
        const char *lit = s;
        bool doubled = false;
        while (s < end) {
            char ch = *s++;
            if (!raw && ch == '\\' && s < end) {
                ch = *s++;
                if (ch == 'N') {
                    if (s < end && *s++ == '{') {
                        while (s < end && *s++ != '}') {
                        }
                    }
                    continue;
                }
            }
            if (ch == '{' || ch == '}') {
                if (level == 0) {
                    if (s < end && *s == ch) {
                        doubled = true;
                        break;
                    }
                    if (ch == '}') {
                        p_raise_last(p, "f-string: single '}' is not allowed");
                    }
                }
                s--;
                break;
            }
        }
        /* the literal is lit..s (with one brace of a doubled pair) */
        if (s > lit) {
            if (raw) {
                bytes_put(p, &fb->literal, lit, (size_t)(s - lit));
            } else {
                p_decode_escapes(p, lit, (size_t)(s - lit), &fb->literal, t);
            }
        }
        if (doubled) {
            *str = s + 1;
            continue;
        }
        *str = s;
        if (*str >= end || **str == '}') {
            break;
        }
        fstr_field(p, fb, t, str, end, raw, level);
    }
    if (level != 0 && (*str >= end || **str != '}')) {
        p_raise_last(p, "f-string: expecting '}'");
    }
}

/*
 * strings: STRING+, concatenated.  Plain literals give a Constant; any
 * f-string makes the whole a JoinedStr whose parts all carry the location
 * of the whole literal (as in 3.11).
 */
static TW_NOINLINE TwExpr *p_strings(TwParser *p)
{
    TwPos pos = p_pos(p);
    TwVec toks;
    vec_init(&toks);
    while (p_at(p, TW_TOK_STRING)) {
        TwToken *copy = p_alloc(p, sizeof *copy);
        *copy = p_next(p);
        vec_push(p, &toks, copy);
    }
    p_peek(p, 0);       /* CPython has looked at the next token here */
    bool any_bytes = false;
    bool any_str = false;
    bool any_f = false;
    for (int i = 0; i < toks.count; i++) {
        TwStrToken st = str_token_parts(toks.items[i]);
        any_bytes |= st.bytes;
        any_str |= !st.bytes;
        any_f |= st.fmt;
    }
    if (any_bytes && any_str) {
        p_raise_last(p, "cannot mix bytes and nonbytes literals");
    }
    if (any_bytes) {
        p_unsupported(p, toks.items[0], "bytes literals");
    }
    TwFstrBuilder fb;
    vec_init(&fb.values);
    memset(&fb.literal, 0, sizeof fb.literal);
    fb.pos = pos;
    fb.u_prefix = str_token_parts(toks.items[0]).u;
    fb.end_line = p->last_end_line;
    fb.end_col = p->last_end_col;
    fb.finish_pos = fb.pos;
    fb.finish_end_line = fb.end_line;
    fb.finish_end_col = fb.end_col;
    for (int i = 0; i < toks.count; i++) {
        const TwToken *t = toks.items[i];
        TwStrToken st = str_token_parts(t);
        if (st.fmt) {
            const char *s = st.body;
            fstr_parse(p, &fb, t, &s, st.body + st.len, st.raw, 0);
        } else if (st.raw) {
            bytes_put(p, &fb.literal, st.body, st.len);
        } else {
            p_decode_escapes(p, st.body, st.len, &fb.literal, t);
        }
    }
    if (any_f) {
        return fstr_finish(p, &fb);
    }
    TwExpr *c = new_expr_pos(p, TW_EXPR_CONSTANT, pos);
    c->v.Constant.kind = TW_CONST_STR;
    c->v.Constant.u_prefix = str_token_parts(toks.items[0]).u;
    if (fb.literal.data == NULL) {
        bytes_put(p, &fb.literal, "", 0);
    }
    c->v.Constant.str = fb.literal.data;
    c->v.Constant.str_len = fb.literal.len;
    return c;
}

/* ------------------------------------------------------------------ */
/* Simple statements                                                   */
/* ------------------------------------------------------------------ */

static void p_statement(TwParser *p, TwVec *out);

/* star_expressions, telling whether the result is a tuple without
   brackets (`a, b` rather than `(a, b)`). */
static TwExpr *p_star_expressions_bare(TwParser *p, bool *bare)
{
    TwExpr *e = p_star_expressions(p);
    *bare = e->kind == TW_EXPR_TUPLE && e == p->last_bare_tuple;
    return e;
}

/* The right-hand side of an assignment: yield_expr | star_expressions */
static TwExpr *p_assignment_value(TwParser *p)
{
    if (p_at(p, TW_TOK_YIELD)) {
        return p_yield_expr(p);
    }
    return p_star_expressions(p);
}

/*
 * `t1 = t2 = ... = value` with a target that cannot be assigned: CPython's
 * invalid_assignment, whose first matching alternative names the problem.
 */
static void p_fail_assignment(TwParser *p, int start, const TwVec *targets,
                              bool bare_tuple)
{
    if (p->tokens[start].kind != TW_TOK_STAR) {
        p_diag_assign_in_expression(p, start);
    }
    /* CPython's second alternative reads a first target `a, b, c` element
       by element, each with the rule above. */
    const TwExpr *first = targets->items[0];
    if (bare_tuple) {
        for (int i = 1; i < first->v.Tuple.elts.count; i++) {
            const TwExpr *elt = first->v.Tuple.elts.items[i];
            if (elt->kind == TW_EXPR_STARRED) {
                continue;
            }
            for (int k = start; k < p->pos; k++) {
                if (p->tokens[k].line == elt->line && p->tokens[k].col == elt->col) {
                    p_diag_assign_in_expression(p, k);
                    break;
                }
            }
        }
    }
    for (int i = 0; i < targets->count; i++) {
        TwExpr *t = targets->items[i];
        if (t->kind == TW_EXPR_YIELD || t->kind == TW_EXPR_YIELDFROM) {
            P_RAISE_AT_EXPR(p, t, "assignment to yield expression not possible");
        }
        TwExpr *bad = invalid_target(t, TW_TARGETS_STAR);
        if (bad != NULL) {
            P_RAISE_AT_EXPR(p, bad, "cannot assign to %s", expr_name(bad));
        }
    }
    p_fail(p);
}

static bool augassign_op(TwTokenKind k, TwOperator *op)
{
    switch (k) {
    case TW_TOK_PLUSEQUAL: *op = TW_ADD; return true;
    case TW_TOK_MINEQUAL: *op = TW_SUB; return true;
    case TW_TOK_STAREQUAL: *op = TW_MULT; return true;
    case TW_TOK_ATEQUAL: *op = TW_MATMULT; return true;
    case TW_TOK_SLASHEQUAL: *op = TW_DIV; return true;
    case TW_TOK_PERCENTEQUAL: *op = TW_MOD; return true;
    case TW_TOK_AMPEREQUAL: *op = TW_BITAND; return true;
    case TW_TOK_VBAREQUAL: *op = TW_BITOR; return true;
    case TW_TOK_CIRCUMFLEXEQUAL: *op = TW_BITXOR; return true;
    case TW_TOK_LEFTSHIFTEQUAL: *op = TW_LSHIFT; return true;
    case TW_TOK_RIGHTSHIFTEQUAL: *op = TW_RSHIFT; return true;
    case TW_TOK_DOUBLESTAREQUAL: *op = TW_POW; return true;
    case TW_TOK_DOUBLESLASHEQUAL: *op = TW_FLOORDIV; return true;
    default: return false;
    }
}

/*
 * A statement that starts with an expression: expression statement,
 * assignment (chained), augmented assignment, annotated assignment.
 */
static TwStmt *p_expr_stmt(TwParser *p)
{
    TwToken first = *p_peek(p, 0);
    int start = p->pos;
    bool bare = false;
    TwExpr *e;
    if (first.kind == TW_TOK_YIELD) {
        e = p_yield_expr(p);
    } else {
        e = p_star_expressions_bare(p, &bare);
    }
    TwOperator op;
    TwTokenKind k = p_kind(p);
    if (k == TW_TOK_COLON) {
        bool simple = false;
        if (e->kind == TW_EXPR_NAME) {
            simple = first.kind == TW_TOK_NAME;
        } else if (e->kind == TW_EXPR_ATTRIBUTE || e->kind == TW_EXPR_SUBSCRIPT) {
            simple = false;
        } else if (e->kind == TW_EXPR_TUPLE && bare) {
            P_RAISE_AT_EXPR(p, e->v.Tuple.elts.items[0],
                            "only single target (not tuple) can be annotated");
        } else if (e->kind == TW_EXPR_LIST || e->kind == TW_EXPR_TUPLE) {
            P_RAISE_AT_EXPR(p, e, "only single target (not %s) can be annotated",
                            e->kind == TW_EXPR_LIST ? "list" : "tuple");
        } else {
            P_RAISE_AT_EXPR(p, e, "illegal target for annotation");
        }
        p_next(p);
        TwExpr *annotation = p_expression(p);
        set_context(e, TW_STORE);
        if (p_accept(p, TW_TOK_EQUAL)) {
            TwExpr *value = p_assignment_value(p);
            TwStmt *s = new_stmt(p, TW_STMT_ASSIGN, &first);
            s->v.Assign.targets = seq_expr1(p, e);
            s->v.Assign.value = value;
            return s;
        }
        TwStmt *s = new_stmt(p, TW_STMT_ANNASSIGN, &first);
        s->v.AnnAssign.target = e;
        s->v.AnnAssign.annotation = annotation;
        s->v.AnnAssign.simple = simple;
        return s;
    }
    if (k == TW_TOK_EQUAL) {
        TwVec targets;
        vec_init(&targets);
        vec_push(p, &targets, e);
        TwExpr *value;
        for (;;) {
            p_next(p);
            TwExpr *rhs = p_assignment_value(p);
            if (!p_at(p, TW_TOK_EQUAL)) {
                value = rhs;
                break;
            }
            vec_push(p, &targets, rhs);
        }
        for (int i = 0; i < targets.count; i++) {
            TwExpr *t = targets.items[i];
            if (t->kind == TW_EXPR_YIELD || t->kind == TW_EXPR_YIELDFROM ||
                invalid_target(t, TW_TARGETS_STAR) != NULL) {
                p_fail_assignment(p, start, &targets, bare);
            }
        }
        for (int i = 0; i < targets.count; i++) {
            set_context(targets.items[i], TW_STORE);
        }
        TwStmt *s = new_stmt(p, TW_STMT_ASSIGN, &first);
        s->v.Assign.targets = seq_expr(p, &targets);
        s->v.Assign.value = value;
        return s;
    }
    if (augassign_op(k, &op)) {
        if (e->kind != TW_EXPR_NAME && e->kind != TW_EXPR_ATTRIBUTE &&
            e->kind != TW_EXPR_SUBSCRIPT) {
            P_RAISE_AT_EXPR(p, e, "'%s' is an illegal expression for augmented "
                            "assignment", expr_name(e));
        }
        set_context(e, TW_STORE);
        p_next(p);
        TwExpr *value = p_assignment_value(p);
        TwStmt *s = new_stmt(p, TW_STMT_AUGASSIGN, &first);
        s->v.AugAssign.target = e;
        s->v.AugAssign.op = op;
        s->v.AugAssign.value = value;
        return s;
    }
    TwStmt *s = new_stmt(p, TW_STMT_EXPR, &first);
    s->v.Expr.value = e;
    return s;
}

/* dotted_name: NAME ('.' NAME)*, as one interned identifier */
static const char *p_dotted_name(TwParser *p)
{
    TwToken first = p_expect(p, TW_TOK_NAME);
    if (!p_at(p, TW_TOK_DOT)) {
        return p_intern_token(p, &first);
    }
    TwBytes b;
    memset(&b, 0, sizeof b);
    bytes_put(p, &b, first.start, (size_t)(first.end - first.start));
    while (p_accept(p, TW_TOK_DOT)) {
        TwToken part = p_expect(p, TW_TOK_NAME);
        bytes_put(p, &b, ".", 1);
        bytes_put(p, &b, part.start, (size_t)(part.end - part.start));
    }
    return p_intern(p, b.data, b.len);
}

static TwAlias *new_alias(TwParser *p, const TwToken *start, const char *name)
{
    TwAlias *a = p_alloc(p, sizeof *a);
    a->name = name;
    a->line = start->line;
    a->col = start->col;
    if (p_accept(p, TW_TOK_AS)) {
        TwToken as = p_expect(p, TW_TOK_NAME);
        a->asname = p_intern_token(p, &as);
    }
    set_end(p, &a->end_line, &a->end_col);
    return a;
}

/* 'import' dotted_name ['as' NAME] (',' ...)* */
static TwStmt *p_import(TwParser *p)
{
    TwToken it = p_next(p);
    TwVec names;
    vec_init(&names);
    do {
        TwToken start = *p_peek(p, 0);
        const char *name = p_dotted_name(p);
        vec_push(p, &names, new_alias(p, &start, name));
    } while (p_accept(p, TW_TOK_COMMA));
    TwStmt *s = new_stmt(p, TW_STMT_IMPORT, &it);
    s->v.Import.names = seq_alias(p, &names);
    return s;
}

/* 'from' ('.' | '...')* [dotted_name] 'import' ('*' | names | '(' names ')') */
static TwStmt *p_from_import(TwParser *p)
{
    TwToken ft = p_next(p);
    int level = 0;
    for (;;) {
        if (p_accept(p, TW_TOK_DOT)) {
            level++;
        } else if (p_accept(p, TW_TOK_ELLIPSIS)) {
            level += 3;
        } else {
            break;
        }
    }
    const char *module = NULL;
    if (level == 0 || !p_at(p, TW_TOK_IMPORT)) {
        module = p_dotted_name(p);
    }
    p_expect(p, TW_TOK_IMPORT);
    TwVec names;
    vec_init(&names);
    if (p_at(p, TW_TOK_STAR)) {
        TwToken star = p_next(p);
        TwAlias *a = p_alloc(p, sizeof *a);
        a->name = p_intern(p, "*", 1);
        a->line = star.line;
        a->col = star.col;
        a->end_line = star.end_line;
        a->end_col = star.end_col;
        vec_push(p, &names, a);
    } else {
        bool paren = p_accept(p, TW_TOK_LPAR);
        for (;;) {
            TwToken name = p_expect(p, TW_TOK_NAME);
            vec_push(p, &names, new_alias(p, &name, p_intern_token(p, &name)));
            if (!p_accept(p, TW_TOK_COMMA)) {
                break;
            }
            if (paren && p_at(p, TW_TOK_RPAR)) {
                break;
            }
            if (!paren && p_at(p, TW_TOK_NEWLINE)) {
                p_raise_last(p, "trailing comma not allowed without "
                             "surrounding parentheses");
            }
        }
        if (paren) {
            p_expect(p, TW_TOK_RPAR);
        }
    }
    TwStmt *s = new_stmt(p, TW_STMT_IMPORTFROM, &ft);
    s->v.ImportFrom.module = module;
    s->v.ImportFrom.names = seq_alias(p, &names);
    s->v.ImportFrom.level = level;
    return s;
}

/* 'del' targets */
static TwStmt *p_del(TwParser *p)
{
    TwToken dt = p_next(p);
    bool bare = false;
    TwExpr *e = p_star_expressions_bare(p, &bare);
    TwVec targets;
    vec_init(&targets);
    if (bare) {
        for (int i = 0; i < e->v.Tuple.elts.count; i++) {
            vec_push(p, &targets, e->v.Tuple.elts.items[i]);
        }
    } else {
        vec_push(p, &targets, e);
    }
    for (int i = 0; i < targets.count; i++) {
        p_store_target(p, targets.items[i], TW_TARGETS_DEL);
    }
    if (!p_at(p, TW_TOK_SEMI) && !p_at(p, TW_TOK_NEWLINE)) {
        p_fail(p);
    }
    TwStmt *s = new_stmt(p, TW_STMT_DELETE, &dt);
    s->v.Delete.targets = seq_expr(p, &targets);
    return s;
}

static TwStmt *p_simple_stmt(TwParser *p)
{
    TwToken *t = p_peek(p, 0);
    TwToken first = *t;
    switch (first.kind) {
    case TW_TOK_PASS:
    case TW_TOK_BREAK:
    case TW_TOK_CONTINUE:
        p_next(p);
        return new_stmt(p, first.kind == TW_TOK_PASS ? TW_STMT_PASS :
                           first.kind == TW_TOK_BREAK ? TW_STMT_BREAK
                                                      : TW_STMT_CONTINUE,
                        &first);
    case TW_TOK_RETURN: {
        p_next(p);
        TwExpr *value = NULL;
        if (starts_expression(p_kind(p))) {
            value = p_star_expressions(p);
        }
        TwStmt *s = new_stmt(p, TW_STMT_RETURN, &first);
        s->v.Return.value = value;
        return s;
    }
    case TW_TOK_RAISE: {
        p_next(p);
        TwExpr *exc = NULL;
        TwExpr *cause = NULL;
        if (starts_expression(p_kind(p))) {
            exc = p_expression(p);
            if (p_accept(p, TW_TOK_FROM)) {
                cause = p_expression(p);
            }
        }
        TwStmt *s = new_stmt(p, TW_STMT_RAISE, &first);
        s->v.Raise.exc = exc;
        s->v.Raise.cause = cause;
        return s;
    }
    case TW_TOK_GLOBAL:
    case TW_TOK_NONLOCAL: {
        p_next(p);
        TwVec names;
        vec_init(&names);
        do {
            TwToken name = p_expect(p, TW_TOK_NAME);
            vec_push(p, &names, (void *)p_intern_token(p, &name));
        } while (p_accept(p, TW_TOK_COMMA));
        TwStmt *s = new_stmt(p, first.kind == TW_TOK_GLOBAL ? TW_STMT_GLOBAL
                                                            : TW_STMT_NONLOCAL,
                             &first);
        s->v.Global.names = seq_ident(p, &names);
        return s;
    }
    case TW_TOK_DEL:
        return p_del(p);
    case TW_TOK_ASSERT: {
        p_next(p);
        TwExpr *test = p_expression(p);
        TwExpr *msg = NULL;
        if (p_accept(p, TW_TOK_COMMA)) {
            msg = p_expression(p);
        }
        TwStmt *s = new_stmt(p, TW_STMT_ASSERT, &first);
        s->v.Assert.test = test;
        s->v.Assert.msg = msg;
        return s;
    }
    case TW_TOK_IMPORT:
        return p_import(p);
    case TW_TOK_FROM:
        return p_from_import(p);
    default:
        return p_expr_stmt(p);
    }
}

/* simple_stmts: simple_stmt (';' simple_stmt)* [';'] NEWLINE */
static void p_simple_stmts(TwParser *p, TwVec *out)
{
    for (;;) {
        vec_push(p, out, p_simple_stmt(p));
        if (!p_accept(p, TW_TOK_SEMI) || p_at(p, TW_TOK_NEWLINE)) {
            break;
        }
    }
    p_expect(p, TW_TOK_NEWLINE);
}

/* ------------------------------------------------------------------ */
/* Compound statements                                                 */
/* ------------------------------------------------------------------ */

/*
 * block: NEWLINE INDENT statements DEDENT | simple_stmts.  `what` and
 * `line` name the statement that owns the block, for CPython's
 * "expected an indented block after ... on line N".
 */
static TwStmtSeq p_block(TwParser *p, const char *what, int line)
{
    TwVec body;
    vec_init(&body);
    if (!p_at(p, TW_TOK_NEWLINE)) {
        p_simple_stmts(p, &body);
        return seq_stmt(p, &body);
    }
    p_next(p);
    if (!p_at(p, TW_TOK_INDENT)) {
        p_raise_last_indent(p, "expected an indented block after %s on line %d",
                            what, line);
    }
    p_next(p);
    p_enter(p);
    do {
        p_compact(p);
        p_statement(p, &body);
    } while (!p_at(p, TW_TOK_DEDENT));
    p_next(p);
    p_leave(p);
    return seq_stmt(p, &body);
}

/* The ':' ending a compound statement's header: "expected ':'" when the
   line ends instead, else "invalid syntax" (or the '=' diagnosis for a
   condition starting at token `cond_start`, when >= 0). */
static void p_header_colon(TwParser *p, int cond_start)
{
    if (p_at(p, TW_TOK_COLON)) {
        p_next(p);
        return;
    }
    if (p_at(p, TW_TOK_NEWLINE)) {
        p_raise_last(p, "expected ':'");
    }
    if (cond_start >= 0 && p_at(p, TW_TOK_EQUAL)) {
        p_fail_assign_in_expression(p, cond_start);
    }
    p_fail(p);
}

/* 'else' &&':' block */
static TwStmtSeq p_else_block(TwParser *p)
{
    TwToken et = p_next(p);
    p_expect_forced(p, TW_TOK_COLON);
    return p_block(p, "'else' statement", et.line);
}

/*
 * if/elif/else.  The elif chain is read in a loop (a long chain must not
 * use C stack) and then linked into nested If statements.
 */
static TwStmt *p_if(TwParser *p)
{
    TwVec heads;
    vec_init(&heads);
    do {
        TwToken kw = p_next(p);
        int cond = p->pos;
        TwExpr *test = p_named_expression(p);
        p_header_colon(p, cond);
        TwStmtSeq body = p_block(p, kw.kind == TW_TOK_IF ? "'if' statement"
                                                         : "'elif' statement",
                                 kw.line);
        TwStmt *s = p_alloc(p, sizeof *s);
        s->kind = TW_STMT_IF;
        s->line = kw.line;
        s->col = kw.col;
        s->v.If.test = test;
        s->v.If.body = body;
        vec_push(p, &heads, s);
    } while (p_at(p, TW_TOK_ELIF));
    TwStmtSeq orelse = {0, NULL};
    if (p_at(p, TW_TOK_ELSE)) {
        orelse = p_else_block(p);
    }
    for (int i = heads.count - 1; i >= 0; i--) {
        TwStmt *s = heads.items[i];
        SET_END(p, s);
        s->v.If.orelse = orelse;
        orelse.count = 1;
        orelse.items = p_alloc(p, sizeof(TwStmt *));
        orelse.items[0] = s;
    }
    return heads.items[0];
}

static TwStmt *p_while(TwParser *p)
{
    TwToken wt = p_next(p);
    int cond = p->pos;
    TwExpr *test = p_named_expression(p);
    p_header_colon(p, cond);
    TwStmtSeq body = p_block(p, "'while' statement", wt.line);
    TwStmtSeq orelse = {0, NULL};
    if (p_at(p, TW_TOK_ELSE)) {
        orelse = p_else_block(p);
    }
    TwStmt *s = new_stmt(p, TW_STMT_WHILE, &wt);
    s->v.While.test = test;
    s->v.While.body = body;
    s->v.While.orelse = orelse;
    return s;
}

static TwStmt *p_for(TwParser *p, const TwToken *start)
{
    TwToken ft = p_next(p);
    TwExpr *target = p_for_target_in(p);
    TwExpr *iter = p_star_expressions(p);
    p_header_colon(p, -1);
    TwStmtSeq body = p_block(p, "'for' statement", ft.line);
    TwStmtSeq orelse = {0, NULL};
    if (p_at(p, TW_TOK_ELSE)) {
        orelse = p_else_block(p);
    }
    TwStmt *s = new_stmt(p, TW_STMT_FOR, start);
    s->v.For.target = target;
    s->v.For.iter = iter;
    s->v.For.body = body;
    s->v.For.orelse = orelse;
    return s;
}

/* with_item: expression ['as' star_target] */
static TwWithItem *p_with_item(TwParser *p)
{
    TwWithItem *w = p_alloc(p, sizeof *w);
    w->context_expr = p_expression(p);
    if (p_accept(p, TW_TOK_AS)) {
        TwExpr *target = p_at(p, TW_TOK_STAR) ? p_starred(p, p_bitwise_or)
                                              : p_expression(p);
        TwTokenKind k = p_kind(p);
        if (k != TW_TOK_COMMA && k != TW_TOK_RPAR && k != TW_TOK_COLON &&
            k != TW_TOK_NEWLINE) {
            if (p->speculating > 0 || invalid_target(target, TW_TARGETS_STAR) == NULL) {
                p_fail(p);
            }
        }
        p_store_target(p, target, TW_TARGETS_STAR);
        w->optional_vars = target;
    }
    return w;
}

/* The parenthesised form: 'with' '(' with_item (',' with_item)* [','] ')' ':' */
static void p_with_paren_items(TwParser *p, void *arg)
{
    TwVec *items = arg;
    p_expect(p, TW_TOK_LPAR);
    for (;;) {
        vec_push(p, items, p_with_item(p));
        if (!p_accept(p, TW_TOK_COMMA) || p_at(p, TW_TOK_RPAR)) {
            break;
        }
    }
    p_expect(p, TW_TOK_RPAR);
    if (!p_at(p, TW_TOK_COLON)) {
        p_fail(p);
    }
}

static TwStmt *p_with(TwParser *p, const TwToken *start)
{
    TwToken wt = p_next(p);
    TwVec items;
    vec_init(&items);
    bool done = false;
    if (p_at(p, TW_TOK_LPAR)) {
        done = p_attempt(p, p_with_paren_items, &items);
        if (!done) {
            vec_init(&items);
        }
    }
    if (!done) {
        do {
            vec_push(p, &items, p_with_item(p));
        } while (p_accept(p, TW_TOK_COMMA));
    }
    p_header_colon(p, -1);
    TwStmtSeq body = p_block(p, "'with' statement", wt.line);
    TwStmt *s = new_stmt(p, TW_STMT_WITH, start);
    s->v.With.items = seq_withitem(p, &items);
    s->v.With.body = body;
    return s;
}

/*
 * `except A, B:` (Python 2 syntax).  CPython names it only when the rest of
 * the clause fits (expressions, optional 'as' NAME, ':'), with a range from
 * A to where the tokenizer stands, just past the ':'.
 */
static void p_diag_except_tuple(TwParser *p, const TwExpr *type)
{
    int save = p->pos;
    p_next(p);
    TwExpr *rest = p_try(p, p_expression);
    while (rest != NULL && p_accept(p, TW_TOK_COMMA)) {
        rest = p_try(p, p_expression);
    }
    if (rest != NULL) {
        if (p_accept(p, TW_TOK_AS)) {
            p_accept(p, TW_TOK_NAME);
        }
        if (p_at(p, TW_TOK_COLON)) {
            TwToken colon = *p_peek(p, 0);
            char *text = tw_tokenizer_line_text(p->tok, type->line, true);
            int offset = p_char_offset(text, p_raw_col(p, type->line, type->col) + 1);
            int end_offset = p_char_offset(text, p_raw_col(p, colon.end_line,
                                                           colon.end_col));
            free(text);
            p_raise(p, TW_SYNERR_SYNTAX, type->line, offset, colon.end_line,
                    end_offset, "multiple exception types must be parenthesized");
        }
    }
    p->pos = save;
    p_fail(p);
}

static TwExceptHandler *p_except(TwParser *p)
{
    TwToken et = p_next(p);
    if (p_at(p, TW_TOK_STAR)) {
        p_unsupported(p, p_peek(p, 0), "except* clauses");
        p_next(p);
    }
    TwExceptHandler *h = p_alloc(p, sizeof *h);
    h->line = et.line;
    h->col = et.col;
    if (!p_at(p, TW_TOK_COLON)) {
        h->type = p_expression(p);
        if (p_at(p, TW_TOK_COMMA)) {
            p_diag_except_tuple(p, h->type);
        }
        if (p_accept(p, TW_TOK_AS)) {
            TwToken name = p_expect(p, TW_TOK_NAME);
            h->name = p_intern_token(p, &name);
        }
    }
    p_header_colon(p, -1);
    h->body = p_block(p, "'except' statement", et.line);
    set_end(p, &h->end_line, &h->end_col);
    return h;
}

static TwStmt *p_try_stmt(TwParser *p)
{
    TwToken tt = p_next(p);
    p_expect_forced(p, TW_TOK_COLON);
    TwStmtSeq body = p_block(p, "'try' statement", tt.line);
    TwVec handlers;
    vec_init(&handlers);
    while (p_at(p, TW_TOK_EXCEPT)) {
        vec_push(p, &handlers, p_except(p));
    }
    TwStmtSeq orelse = {0, NULL};
    TwStmtSeq finalbody = {0, NULL};
    if (handlers.count == 0 && !p_at(p, TW_TOK_FINALLY)) {
        p_raise_last(p, "expected 'except' or 'finally' block");
    }
    if (handlers.count > 0 && p_at(p, TW_TOK_ELSE)) {
        orelse = p_else_block(p);
    }
    if (p_at(p, TW_TOK_FINALLY)) {
        TwToken ft = p_next(p);
        p_expect_forced(p, TW_TOK_COLON);
        finalbody = p_block(p, "'finally' statement", ft.line);
    }
    TwStmt *s = new_stmt(p, TW_STMT_TRY, &tt);
    s->v.Try.body = body;
    s->v.Try.handlers = seq_handler(p, &handlers);
    s->v.Try.orelse = orelse;
    s->v.Try.finalbody = finalbody;
    return s;
}

static TwStmt *p_funcdef(TwParser *p, const TwToken *start, TwExprSeq decorators)
{
    TwToken dt = p_next(p);
    TwToken name = p_expect(p, TW_TOK_NAME);
    p_expect_forced(p, TW_TOK_LPAR);
    TwArguments *args = p_params(p, false);
    p_expect(p, TW_TOK_RPAR);
    TwExpr *returns = NULL;
    if (p_accept(p, TW_TOK_RARROW)) {
        returns = p_expression(p);
    }
    p_expect_forced(p, TW_TOK_COLON);
    TwStmtSeq body = p_block(p, "function definition", dt.line);
    TwStmt *s = new_stmt(p, TW_STMT_FUNCTIONDEF, start);
    s->v.FunctionDef.name = p_intern_token(p, &name);
    s->v.FunctionDef.args = args;
    s->v.FunctionDef.body = body;
    s->v.FunctionDef.decorator_list = decorators;
    s->v.FunctionDef.returns = returns;
    return s;
}

static TwStmt *p_classdef(TwParser *p, TwExprSeq decorators)
{
    TwToken ct = p_next(p);
    TwToken name = p_expect(p, TW_TOK_NAME);
    TwExprSeq bases = {0, NULL};
    TwKeywordSeq keywords = {0, NULL};
    if (p_at(p, TW_TOK_LPAR)) {
        TwToken lpar = p_next(p);
        p_call_args(p, &lpar, &bases, &keywords, false);
    }
    p_header_colon(p, -1);
    TwStmtSeq body = p_block(p, "class definition", ct.line);
    TwStmt *s = new_stmt(p, TW_STMT_CLASSDEF, &ct);
    s->v.ClassDef.name = p_intern_token(p, &name);
    s->v.ClassDef.bases = bases;
    s->v.ClassDef.keywords = keywords;
    s->v.ClassDef.body = body;
    s->v.ClassDef.decorator_list = decorators;
    return s;
}

/* decorators: ('@' named_expression NEWLINE)+, then a def or class */
static TwStmt *p_decorated(TwParser *p)
{
    TwVec decorators;
    vec_init(&decorators);
    while (p_at(p, TW_TOK_AT)) {
        p_next(p);
        int start = p->pos;
        vec_push(p, &decorators, p_named_expression(p));
        if (!p_at(p, TW_TOK_NEWLINE)) {
            if (p_at(p, TW_TOK_EQUAL)) {
                p_fail_assign_in_expression(p, start);
            }
            p_fail(p);
        }
        p_next(p);
    }
    TwExprSeq decos = seq_expr(p, &decorators);
    TwToken *t = p_peek(p, 0);
    if (t->kind == TW_TOK_DEF) {
        TwToken start = *t;
        return p_funcdef(p, &start, decos);
    }
    if (t->kind == TW_TOK_CLASS) {
        return p_classdef(p, decos);
    }
    if (t->kind == TW_TOK_ASYNC && p_kind_at(p, 1) == TW_TOK_DEF) {
        TwToken start = *p_peek(p, 0);
        p_unsupported(p, &start, "async functions");
        p_next(p);
        return p_funcdef(p, &start, decos);
    }
    p_fail(p);
    return NULL;
}

/*
 * Whether the statement at the current token is a `match` statement:
 * `match <subject>:` NEWLINE INDENT `case`.  `match` is a soft keyword, so
 * only the shape of the whole statement tells.
 */
static bool p_is_match_statement(TwParser *p)
{
    TwToken *t = p_peek(p, 0);
    if (t->kind != TW_TOK_NAME || !tok_is(t, "match")) {
        return false;
    }
    p->speculating++;
    int i = 1;
    TwTokenKind prev = TW_TOK_NAME;
    while (p_kind_at(p, i) != TW_TOK_NEWLINE && p_kind_at(p, i) != TW_TOK_ENDMARKER) {
        prev = p_kind_at(p, i);
        i++;
    }
    bool match = prev == TW_TOK_COLON && p_kind_at(p, i) == TW_TOK_NEWLINE &&
                 p_kind_at(p, i + 1) == TW_TOK_INDENT &&
                 p_kind_at(p, i + 2) == TW_TOK_NAME && tok_is(p_peek(p, i + 2), "case");
    p->speculating--;
    return match;
}

static void p_statement(TwParser *p, TwVec *out)
{
    TwToken *t = p_peek(p, 0);
    switch (t->kind) {
    case TW_TOK_DEF: {
        TwToken start = *t;
        TwExprSeq none = {0, NULL};
        vec_push(p, out, p_funcdef(p, &start, none));
        return;
    }
    case TW_TOK_AT:
        vec_push(p, out, p_decorated(p));
        return;
    case TW_TOK_CLASS: {
        TwExprSeq none = {0, NULL};
        vec_push(p, out, p_classdef(p, none));
        return;
    }
    case TW_TOK_IF:
        vec_push(p, out, p_if(p));
        return;
    case TW_TOK_WHILE:
        vec_push(p, out, p_while(p));
        return;
    case TW_TOK_FOR: {
        TwToken start = *t;
        vec_push(p, out, p_for(p, &start));
        return;
    }
    case TW_TOK_TRY:
        vec_push(p, out, p_try_stmt(p));
        return;
    case TW_TOK_WITH: {
        TwToken start = *t;
        vec_push(p, out, p_with(p, &start));
        return;
    }
    case TW_TOK_ASYNC: {
        TwToken start = *t;
        TwTokenKind k = p_kind_at(p, 1);
        if (k == TW_TOK_DEF) {
            p_unsupported(p, &start, "async functions");
            p_next(p);
            TwExprSeq none = {0, NULL};
            vec_push(p, out, p_funcdef(p, &start, none));
            return;
        }
        if (k == TW_TOK_FOR || k == TW_TOK_WITH) {
            p_unsupported(p, &start, k == TW_TOK_FOR ? "async for loops"
                                                     : "async with statements");
            p_next(p);
            vec_push(p, out, k == TW_TOK_FOR ? p_for(p, &start)
                                             : p_with(p, &start));
            return;
        }
        p_next(p);
        p_fail(p);
        return;
    }
    case TW_TOK_NAME:
        if (p_is_match_statement(p)) {
            TwToken start = *p_peek(p, 0);
            p_unsupported(p, &start, "match statements");
            TwParseShared *sh = p->sh;
            if (p->speculating == 0 && !sh->has_error) {
                sh->has_error = true;
                sh->from_tokenizer = false;
                sh->no_recheck = true;
                sh->error = sh->unsupported;
                sh->unsupported.text = NULL;
                sh->has_unsupported = false;
            }
            p_throw(p);
        }
        p_simple_stmts(p, out);
        return;
    default:
        p_simple_stmts(p, out);
        return;
    }
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */
/* ------------------------------------------------------------------ */

/* file: statements ENDMARKER */
static TwStmtSeq p_file_input(TwParser *p)
{
    TwVec body;
    vec_init(&body);
    while (!p_at(p, TW_TOK_ENDMARKER)) {
        p_compact(p);
        p_statement(p, &body);
    }
    return seq_stmt(p, &body);
}

/* eval: expressions NEWLINE* ENDMARKER */
static TwExpr *p_eval_input(TwParser *p)
{
    TwExpr *e = p_maybe_tuple(p, p_expression);
    while (p_accept(p, TW_TOK_NEWLINE)) {
    }
    p_expect(p, TW_TOK_ENDMARKER);
    return e;
}

/*
 * After an error of the parser, CPython tokenizes the rest of the source:
 * a hard tokenizer error found there is reported instead, and so is a
 * bracket left open on a line before that of the last token the parser
 * fetched (speculation included).
 */
static void p_recheck_rest(TwParser *p)
{
    TwTokenizer *tok = p->tok;
    TwParseShared *sh = p->sh;
    TwToken t;
    for (;;) {
        TwTokenKind kind = tw_tokenizer_next(tok, &t);
        if (kind == TW_TOK_ENDMARKER) {
            return;
        }
        if (kind != TW_TOK_ERRORTOKEN) {
            continue;
        }
        if (tok->error_class == TW_TOKERR_HARD) {
            tw_syntax_error_clear(&sh->error);
            sh->error = tok->error;
            tok->error.text = NULL;
        } else if (tok->error_class == TW_TOKERR_EOF_IN_BRACKETS &&
                   p->fill > 0 &&
                   p->tokens[p->fill - 1].line >
                       tok->parenlinenostack[tok->level - 1]) {
            tw_syntax_error_clear(&sh->error);
            sh->has_error = false;
            jmp_buf jb;
            p->on_error = &jb;
            if (setjmp(jb) == 0) {
                p_raise_tokenizer_error(p);
            }
        }
        return;
    }
}

static void p_add_warning(TwParseShared *sh, int line, const char *message)
{
    if (sh->nwarnings == sh->warnings_cap) {
        int cap = sh->warnings_cap ? sh->warnings_cap * 2 : 8;
        TwParseWarning *w = tw_arena_alloc(sh->arena, (size_t)cap * sizeof *w);
        if (w == NULL) {
            return;
        }
        if (sh->nwarnings > 0) {
            memcpy(w, sh->warnings, (size_t)sh->nwarnings * sizeof *w);
        }
        sh->warnings = w;
        sh->warnings_cap = cap;
    }
    TwParseWarning *w = &sh->warnings[sh->nwarnings++];
    w->line = line;
    w->category = "SyntaxWarning";
    w->message = tw_arena_strndup(sh->arena, message, strlen(message));
    if (w->message == NULL) {
        sh->nwarnings--;
    }
}

TwParseResult tw_parse(const char *source, size_t len, const char *filename,
                       TwParseMode mode)
{
    TwParseResult r;
    memset(&r, 0, sizeof r);
    r.arena = tw_arena_new();
    TwTokenizer tok;
    if (r.arena == NULL || !tw_tokenizer_init(&tok, source, len)) {
        r.error.kind = TW_SYNERR_MEMORY;
        snprintf(r.error.message, sizeof r.error.message, "out of memory");
        return r;
    }
    tok.filename = filename;

    TwParseShared sh;
    memset(&sh, 0, sizeof sh);
    sh.arena = r.arena;
    TwParser p;
    memset(&p, 0, sizeof p);
    p.sh = &sh;
    p.tok = &tok;
    p.mode = mode;
    jmp_buf jb;
    p.on_error = &jb;
    TwModule *volatile module = NULL;
    if (setjmp(jb) == 0) {
        TwModule *m = p_alloc(&p, sizeof *m);
        if (mode == TW_PARSE_EVAL) {
            m->expr = p_eval_input(&p);
        } else {
            m->body = p_file_input(&p);
        }
        module = m;
    } else {
        module = NULL;
        if (!sh.from_tokenizer && !sh.no_recheck) {
            p_recheck_rest(&p);
        }
    }

    /* Warnings of the main tokenizer join those of f-string parsers; keep
       them in line order. */
    int nested = sh.nwarnings;
    for (int i = 0; i < tok.nwarnings; i++) {
        p_add_warning(&sh, tok.warnings[i].line, tok.warnings[i].message);
    }
    if (nested > 0) {
        for (int i = 1; i < sh.nwarnings; i++) {
            TwParseWarning w = sh.warnings[i];
            int j = i - 1;
            while (j >= 0 && sh.warnings[j].line > w.line) {
                sh.warnings[j + 1] = sh.warnings[j];
                j--;
            }
            sh.warnings[j + 1] = w;
        }
    }
    r.warnings = sh.warnings;
    r.nwarnings = sh.nwarnings;

    if (module != NULL && sh.has_unsupported) {
        r.error = sh.unsupported;
        module = NULL;
    } else {
        tw_syntax_error_clear(&sh.unsupported);
        if (module == NULL) {
            r.error = sh.error;
        } else {
            tw_syntax_error_clear(&sh.error);
        }
    }
    r.module = module;
    free(p.tokens);
    tw_tokenizer_fini(&tok);
    return r;
}

void tw_parse_result_free(TwParseResult *result)
{
    tw_arena_free(result->arena);
    tw_syntax_error_clear(&result->error);
    memset(result, 0, sizeof *result);
}

const char *tw_syntax_error_type_name(const TwSyntaxError *err)
{
    switch (err->kind) {
    case TW_SYNERR_INDENTATION: return "IndentationError";
    case TW_SYNERR_TAB: return "TabError";
    case TW_SYNERR_MEMORY: return "MemoryError";
    case TW_SYNERR_RECURSION: return "RecursionError";
    default: return "SyntaxError";
    }
}

/* snprintf-style appending */
typedef struct TwOut {
    char *buf;
    size_t size;
    size_t len;
} TwOut;

static void out_put(TwOut *o, const char *s, size_t n)
{
    if (o->len < o->size) {
        size_t room = o->size - o->len - 1;
        size_t k = n < room ? n : room;
        memcpy(o->buf + o->len, s, k);
        o->buf[o->len + k] = '\0';
    }
    o->len += n;
}

static void out_printf(TwOut *o, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0) {
        out_put(o, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
    }
}

/*
 * CPython 3.11's print_exception_file_and_line + print_error_text: the
 * source line without its indentation, then carets from offset to
 * end_offset (one caret when there is no usable end).
 */
size_t tw_syntax_error_format(const TwSyntaxError *err, const char *filename,
                              char *buf, size_t size)
{
    TwOut o = {buf, size, 0};
    if (size > 0) {
        buf[0] = '\0';
    }
    if (err->line > 0) {
        out_printf(&o, "  File \"%s\", line %d\n",
                   filename ? filename : "<string>", err->line);
        if (err->text != NULL) {
            long offset = err->offset;
            long end_offset = err->end_offset;
            long line_size = (long)strlen(err->text);
            if (err->end_line > err->line) {
                end_offset = line_size;
            }
            if (end_offset > line_size + 1) {
                end_offset = line_size + 1;
            }
            long carets = (end_offset > 0 && end_offset > offset)
                              ? end_offset - offset : 1;
            if (err->kind == TW_SYNERR_INDENTATION || err->kind == TW_SYNERR_TAB) {
                carets = 1;     /* CPython does not widen these */
            }
            const char *text = err->text;
            offset--;
            while (*text == ' ' || *text == '\t' || *text == '\f') {
                text++;
                offset--;
            }
            long len = (long)strlen(text);
            if (len > 0 && text[len - 1] == '\n') {
                len--;
            }
            if (offset > len) {
                offset = len;
            }
            for (;;) {
                const char *nl = strchr(text, '\n');
                if (nl == NULL) {
                    break;
                }
                long inl = (long)(nl - text);
                if (inl >= offset) {
                    break;
                }
                inl += 1;
                text += inl;
                len -= inl;
                offset -= inl;
            }
            out_put(&o, "    ", 4);
            out_put(&o, text, strlen(text));
            if (text[len] != '\n') {
                out_put(&o, "\n", 1);
            }
            if (offset >= 0) {
                out_put(&o, "    ", 4);
                for (long i = 0; i < offset; i++) {
                    out_put(&o, " ", 1);
                }
                for (long i = 0; i < carets; i++) {
                    out_put(&o, "^", 1);
                }
                out_put(&o, "\n", 1);
            }
        }
    }
    out_printf(&o, "%s: %s\n", tw_syntax_error_type_name(err), err->message);
    return o.len;
}
