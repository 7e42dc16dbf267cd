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
    jmp_buf *oom;               /* out of memory: straight to the top */
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
    int speculating;
    int depth;                  /* nesting, against TW_AST_MAX_DEPTH */
    TwParseMode mode;
    /* f-string expression parsers: the tokens come from "(expr)";
       columns on its first line are shifted to the real source for the
       tree, but errors keep them relative to "(expr)", as CPython 3.11. */
    bool fstring;
    int fstring_line;
    int fstring_shift;
} TwParser;

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
    longjmp(*sh->oom, 1);
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

/* Characters in the first `nbytes` bytes of `text` followed by '\n' and
   NUL, as CPython's _PyPegen_byte_offset_to_character_offset counts them
   (it may count the newline and the terminator). */
static int p_char_offset(const char *text, int nbytes)
{
    if (text == NULL || nbytes <= 0) {
        return nbytes < 0 ? nbytes : 0;
    }
    int len = (int)strlen(text);
    if (nbytes > len + 2) {
        nbytes = len + 2;
    }
    if (nbytes <= len) {
        return tw_utf8_char_count(text, (size_t)nbytes);
    }
    return tw_utf8_char_count(text, (size_t)len) + (nbytes - len);
}

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
        sh->error.text = tw_tokenizer_line_text(p->tok, line);
    }
    p_throw(p);
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
    char *text = tw_tokenizer_line_text(p->tok, line);
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
    char *text = tw_tokenizer_line_text(p->tok, t->line);
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
    char *text = tw_tokenizer_line_text(p->tok, t->line);
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

/*
 * The generic error, when no rule names the mistake: "invalid syntax" at
 * the last token fetched, or an indentation error when that token is an
 * INDENT or DEDENT (CPython's _PyPegen_set_syntax_error).
 */
static void p_fail(TwParser *p)
{
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
    char *text = tw_tokenizer_line_text(p->tok, t->line);
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
            sh->error.text = tw_tokenizer_line_text(tok, line);
            sh->error.line = sh->error.end_line = line;
            sh->error.offset =
                p_char_offset(sh->error.text, tok->parencolstack[i] + 1);
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
        if (p->speculating == 0) {
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
    if (p->speculating == 0 && p->pos + k + 1 > p->generic_fill) {
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
        p_raise_last(p, "too many nested expressions");
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
 * Runs `rule` from the current position; on failure restores the position
 * and returns NULL instead of raising.  Tokenizer errors still propagate:
 * the input is broken whatever the parser thinks.
 */
static TwExpr *p_try(TwParser *p, TwExprRule rule)
{
    jmp_buf jb;
    jmp_buf *saved = p->on_error;
    int pos = p->pos;
    int depth = p->depth;
    int end_line = p->last_end_line;
    int end_col = p->last_end_col;
    TwExpr *volatile result = NULL;
    p->speculating++;
    p->on_error = &jb;
    if (setjmp(jb) == 0) {
        result = rule(p);
    } else {
        result = NULL;
    }
    p->on_error = saved;
    p->speculating--;
    if (result == NULL) {
        p->pos = pos;
        p->depth = depth;
        p->last_end_line = end_line;
        p->last_end_col = end_col;
        if (p->sh->has_error && p->sh->from_tokenizer) {
            p_throw(p);
        }
    }
    return result;
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

/* An expression spanning from `first` to `last`. */
static TwExpr *new_expr_span(TwParser *p, TwExprKind kind, const TwExpr *first,
                             const TwExpr *last)
{
    TwExpr *e = new_expr(p, kind, first->line, first->col);
    e->end_line = last->end_line;
    e->end_col = last->end_col;
    return e;
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
