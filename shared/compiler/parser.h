/*
 * parser.h - source text to AST (see ast.h for the tree).
 *
 * A hand-written recursive-descent parser for the grammar of CPython 3.11,
 * restricted to what twinpy runs.  It reports errors the way CPython 3.11
 * does - same exception type, message, line, offsets and source line - for
 * the errors people commonly make, because twinpy prints them exactly as
 * CPython would.  Where CPython's diagnosis comes from its compiler rather
 * than its parser ("'return' outside function", "duplicate argument",
 * "keyword argument repeated", "'break' outside loop", starred-assignment
 * rules, "default 'except:' must be last"), the parser accepts the input
 * and leaves the error to the compiler.
 *
 * Valid Python that twinpy does not support (async/await, match, bytes and
 * complex literals, except*, "\N{...}" escapes) gives an error of kind
 * TW_SYNERR_UNSUPPORTED naming the feature - unless the source also holds
 * a real syntax error, which is then reported instead, as CPython would.
 *
 * The parser never overflows the C stack: brackets nest at most 200 deep
 * (CPython's "too many nested parentheses"), blocks at most 100 deep
 * ("too many levels of indentation"), and other recursion is cut at
 * TW_AST_MAX_DEPTH levels with RecursionError "maximum recursion depth
 * exceeded during compilation" (kind TW_SYNERR_RECURSION: what CPython
 * 3.11's compiler says around 3000 levels; its parser may run out of
 * memory first on prefix operators).  The worst
 * case, measured, fits in 512 KiB of C stack (384 KiB with -O2): parsing
 * is safe on any thread with a stack of 1 MiB or more.
 */
#ifndef TW_COMPILER_PARSER_H
#define TW_COMPILER_PARSER_H

#include <stddef.h>

#include "arena.h"
#include "ast.h"
#include "tokenizer.h"

typedef enum TwParseMode {
    TW_PARSE_FILE,      /* a module: statements (CPython's 'exec' mode) */
    TW_PARSE_EVAL       /* one expression (CPython's 'eval' mode) */
} TwParseMode;

/* A warning CPython would print while compiling (SyntaxWarning). */
typedef struct TwParseWarning {
    int line;
    const char *category;   /* "SyntaxWarning" */
    const char *message;    /* e.g. "invalid decimal literal" */
} TwParseWarning;

/*
 * The outcome of a parse.  On success `module` is the tree and
 * error.kind is TW_SYNERR_NONE; on failure `module` is NULL and `error`
 * describes the first error.  Everything except error.text lives in
 * `arena`; release it all with tw_parse_result_free().
 */
typedef struct TwParseResult {
    TwArena *arena;
    TwModule *module;
    TwSyntaxError error;
    TwParseWarning *warnings;   /* arena array, in source order */
    int nwarnings;
} TwParseResult;

/*
 * Parses `len` bytes of UTF-8 `source`.  `filename` is only used in the
 * message for invalid UTF-8 (NULL reads as "<string>").  Never fails
 * without a result: when memory runs out, error.kind is TW_SYNERR_MEMORY.
 */
TwParseResult tw_parse(const char *source, size_t len, const char *filename,
                       TwParseMode mode);

/* Frees the arena (the tree with it) and the error text. */
void tw_parse_result_free(TwParseResult *result);

/* "SyntaxError", "IndentationError", "TabError" or "MemoryError"; an
   unsupported feature reads as "SyntaxError". */
const char *tw_syntax_error_type_name(const TwSyntaxError *err);

/*
 * Writes the lines CPython 3.11 prints for an uncaught SyntaxError, e.g.
 *
 *     File "prog.py", line 1
 *       x = = 1
 *           ^
 *     SyntaxError: invalid syntax
 *
 * into buf (snprintf conventions: returns the length the full text needs).
 * Works for errors the compiler creates too, given line, offsets and text.
 */
size_t tw_syntax_error_format(const TwSyntaxError *err, const char *filename,
                              char *buf, size_t size);

#endif /* TW_COMPILER_PARSER_H */
