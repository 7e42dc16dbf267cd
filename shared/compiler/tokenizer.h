/*
 * tokenizer.h - Python's tokenizer, one token at a time.
 *
 * The tokenizer follows CPython 3.11's C tokenizer (Parser/tokenizer.c) in
 * what it accepts and in where it reports errors, because twinpy must print
 * the same SyntaxError as CPython, caret included:
 *
 *  - INDENT/DEDENT come from a stack of indentation columns.  Tabs advance
 *    to the next multiple of 8; a second column with tabs counted as 1 detects
 *    indentation whose meaning depends on the tab size (TabError).  Blank and
 *    comment-only lines do not count.  At most 100 levels.
 *  - Inside (), [] and {} newlines and indentation are ignored.  At most 200
 *    brackets may be open ("too many nested parentheses").
 *  - A backslash at the end of a line joins it with the next one.
 *  - Strings are single tokens, prefix and quotes included; the parser
 *    decodes escapes and splits f-strings (see parser.c).
 *  - Keywords are recognised here: the token kind of `if` is TW_TOK_IF.
 *  - The source is decoded as UTF-8.  "\r\n" and "\r" are read as "\n", a
 *    missing final newline is supplied, a UTF-8 byte order mark is skipped.
 *
 * Errors.  A token of kind TW_TOK_ERRORTOKEN means the tokenizer failed; the
 * details are in tok->error.  After an error the tokenizer keeps returning
 * TW_TOK_ERRORTOKEN.  Errors come in two classes, as in CPython: "hard"
 * errors (bad strings, numbers, characters, brackets) and "state" errors
 * (indentation, line continuation, end of file inside brackets).  The
 * difference matters once the parser has found an error of its own: it then
 * reads the rest of the file, and only a hard error found there replaces the
 * parser's error (see tw_tokenizer_check_rest in parser.c).
 *
 * Positions: lines are 1-based, columns are 0-based byte offsets (CPython's
 * col_offset).  Error offsets are SyntaxError's 1-based offsets: in
 * characters for errors of the tokenizer, and for the others in bytes or
 * characters depending on `has_encoding` (see there), as in CPython.
 */
#ifndef TW_COMPILER_TOKENIZER_H
#define TW_COMPILER_TOKENIZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * All token kinds, listed once: X(NAME, "text").  Operators carry their
 * spelling; keywords carry the keyword.  The list of keywords must stay
 * between TW_TOK_FALSE and TW_TOK_YIELD (tokenizer.c looks them up there).
 */
#define TW_TOKEN_LIST(X) \
    X(ENDMARKER, "end of file") \
    X(NAME, "name") \
    X(NUMBER, "number") \
    X(STRING, "string") \
    X(NEWLINE, "newline") \
    X(INDENT, "indent") \
    X(DEDENT, "dedent") \
    X(LPAR, "(") \
    X(RPAR, ")") \
    X(LSQB, "[") \
    X(RSQB, "]") \
    X(COLON, ":") \
    X(COMMA, ",") \
    X(SEMI, ";") \
    X(PLUS, "+") \
    X(MINUS, "-") \
    X(STAR, "*") \
    X(SLASH, "/") \
    X(VBAR, "|") \
    X(AMPER, "&") \
    X(LESS, "<") \
    X(GREATER, ">") \
    X(EQUAL, "=") \
    X(DOT, ".") \
    X(PERCENT, "%") \
    X(LBRACE, "{") \
    X(RBRACE, "}") \
    X(EQEQUAL, "==") \
    X(NOTEQUAL, "!=") \
    X(LESSEQUAL, "<=") \
    X(GREATEREQUAL, ">=") \
    X(TILDE, "~") \
    X(CIRCUMFLEX, "^") \
    X(LEFTSHIFT, "<<") \
    X(RIGHTSHIFT, ">>") \
    X(DOUBLESTAR, "**") \
    X(PLUSEQUAL, "+=") \
    X(MINEQUAL, "-=") \
    X(STAREQUAL, "*=") \
    X(SLASHEQUAL, "/=") \
    X(PERCENTEQUAL, "%=") \
    X(AMPEREQUAL, "&=") \
    X(VBAREQUAL, "|=") \
    X(CIRCUMFLEXEQUAL, "^=") \
    X(LEFTSHIFTEQUAL, "<<=") \
    X(RIGHTSHIFTEQUAL, ">>=") \
    X(DOUBLESTAREQUAL, "**=") \
    X(DOUBLESLASH, "//") \
    X(DOUBLESLASHEQUAL, "//=") \
    X(AT, "@") \
    X(ATEQUAL, "@=") \
    X(RARROW, "->") \
    X(ELLIPSIS, "...") \
    X(COLONEQUAL, ":=") \
    X(OP, "operator") /* a character Python gives no meaning ($ ? ! `) */ \
    X(FALSE, "False") \
    X(NONE, "None") \
    X(TRUE, "True") \
    X(AND, "and") \
    X(AS, "as") \
    X(ASSERT, "assert") \
    X(ASYNC, "async") \
    X(AWAIT, "await") \
    X(BREAK, "break") \
    X(CLASS, "class") \
    X(CONTINUE, "continue") \
    X(DEF, "def") \
    X(DEL, "del") \
    X(ELIF, "elif") \
    X(ELSE, "else") \
    X(EXCEPT, "except") \
    X(FINALLY, "finally") \
    X(FOR, "for") \
    X(FROM, "from") \
    X(GLOBAL, "global") \
    X(IF, "if") \
    X(IMPORT, "import") \
    X(IN, "in") \
    X(IS, "is") \
    X(LAMBDA, "lambda") \
    X(NONLOCAL, "nonlocal") \
    X(NOT, "not") \
    X(OR, "or") \
    X(PASS, "pass") \
    X(RAISE, "raise") \
    X(RETURN, "return") \
    X(TRY, "try") \
    X(WHILE, "while") \
    X(WITH, "with") \
    X(YIELD, "yield") \
    X(ERRORTOKEN, "error")

typedef enum TwTokenKind {
#define TW_TOKEN_ENUM(name, text) TW_TOK_##name,
    TW_TOKEN_LIST(TW_TOKEN_ENUM)
#undef TW_TOKEN_ENUM
    TW_TOK__COUNT
} TwTokenKind;

/* The spelling of a token kind ("(" for TW_TOK_LPAR, "if" for TW_TOK_IF). */
const char *tw_token_kind_text(TwTokenKind kind);

/* True for the keyword kinds (TW_TOK_FALSE .. TW_TOK_YIELD). */
bool tw_token_is_keyword(TwTokenKind kind);

typedef struct TwToken {
    TwTokenKind kind;
    const char *start;  /* the token's bytes in the tokenizer's buffer */
    const char *end;    /* one past its last byte */
    int line;           /* 1-based line of start */
    int col;            /* 0-based byte column of start; -1 for INDENT,
                           DEDENT, ENDMARKER and state errors, as in CPython */
    int end_line;
    int end_col;        /* byte column one past the end; -1 as for col */
    int cur_col;        /* where the tokenizer stood, as a byte column of
                           line, when it produced this token; CPython places
                           errors at tokens with col -1 there */
    int level;          /* bracket nesting depth after this token */
} TwToken;

/* Kinds of error, as the caller raises them. */
typedef enum TwSyntaxErrorKind {
    TW_SYNERR_NONE = 0,
    TW_SYNERR_SYNTAX,        /* SyntaxError */
    TW_SYNERR_INDENTATION,   /* IndentationError */
    TW_SYNERR_TAB,           /* TabError */
    TW_SYNERR_UNSUPPORTED,   /* valid Python outside twinpy's subset: raise
                                SyntaxError or NotImplementedError naming
                                `feature` */
    TW_SYNERR_MEMORY,        /* out of memory: raise MemoryError */
    TW_SYNERR_RECURSION      /* nested too deep to compile: RecursionError
                                ("maximum recursion depth exceeded during
                                compilation", as CPython 3.11 says) */
} TwSyntaxErrorKind;

/*
 * One error, with the fields of CPython's SyntaxError.  `text` is the
 * offending source line without its newline (NULL when there is none);
 * `offset` and `end_offset` are what SyntaxError.offset and .end_offset
 * would be in CPython 3.11, including its quirks (0 or -1 where CPython has
 * no end).  `message` is the text after "SyntaxError: ".  `text` ends with
 * a newline exactly when CPython's SyntaxError.text would.  `line` 0 means
 * the error has no location (only the message is printed).
 */
typedef struct TwSyntaxError {
    TwSyntaxErrorKind kind;
    char message[256];
    const char *feature;    /* TW_SYNERR_UNSUPPORTED: e.g. "async def" */
    int line;
    int offset;
    int end_line;
    int end_offset;
    char *text;             /* malloc'd; freed by tw_syntax_error_clear;
                               may be NULL */
} TwSyntaxError;

void tw_syntax_error_clear(TwSyntaxError *err);

/* Error classes of the tokenizer (see the comment at the top). */
typedef enum TwTokErrorClass {
    TW_TOKERR_NONE = 0,
    TW_TOKERR_HARD,         /* replaces a parser error found earlier */
    TW_TOKERR_STATE,        /* does not */
    TW_TOKERR_EOF_IN_BRACKETS /* end of file with brackets open */
} TwTokErrorClass;

#define TW_TOK_MAX_INDENT 100
#define TW_TOK_MAX_LEVEL 200

typedef struct TwTokenizer {
    char *buf;              /* the normalised source (malloc'd), ends '\n' */
    const char *end;        /* one past the last byte of buf */
    const char *cur;        /* next byte to read */
    const char *line_start; /* first byte of the current line */
    const char *line_end;   /* one past the '\n' ending the current line */
    const char *first_nul;  /* first NUL byte of the source, or NULL */
    bool added_newline;     /* the source did not end with a newline */
    /* The source declares its encoding (a PEP 263 coding comment or a
       BOM).  Only then does CPython convert the offsets of errors raised
       by its parser to characters; without it they are byte offsets.
       (Errors of the tokenizer itself always count characters.) */
    bool has_encoding;
    bool has_bom;           /* the source started with a UTF-8 BOM */
    int lineno;             /* current line, 1-based */

    bool atbol;             /* at the beginning of a line */
    bool blankline;         /* the current line holds no tokens */
    bool done;              /* ENDMARKER or an error was returned */
    int pendin;             /* INDENTs (>0) or DEDENTs (<0) still owed */
    int indent;             /* index of the current level in indstack */
    int indstack[TW_TOK_MAX_INDENT];
    int altindstack[TW_TOK_MAX_INDENT];

    int level;              /* bracket depth */
    char parenstack[TW_TOK_MAX_LEVEL];
    int parenlinenostack[TW_TOK_MAX_LEVEL];
    int parencolstack[TW_TOK_MAX_LEVEL];

    /* f-string expressions are tokenized from a synthesised buffer; their
       positions are mapped back to the real source (see parser.c). */
    int line_offset;        /* added to every line number */
    int col_offset;         /* added to columns on the first line */

    const char *filename;   /* named in the invalid-UTF-8 message */

    /* SyntaxWarnings ("invalid decimal literal" for "1if x else y"), in
       the order found; malloc'd. */
    struct TwTokWarning { int line; char message[48]; } *warnings;
    int nwarnings;
    int warnings_cap;

    TwTokErrorClass error_class;
    TwSyntaxError error;    /* valid when error_class != TW_TOKERR_NONE */
} TwTokenizer;

/*
 * Prepares `tok` to read `len` bytes of `source` (which may contain NUL
 * bytes: they are reported when reached).  The tokenizer keeps its own copy.
 * Returns false when out of memory.
 */
bool tw_tokenizer_init(TwTokenizer *tok, const char *source, size_t len);

/* Releases the buffer and any error text. */
void tw_tokenizer_fini(TwTokenizer *tok);

/* Reads the next token into *t.  Returns t->kind. */
TwTokenKind tw_tokenizer_next(TwTokenizer *tok, TwToken *t);

/*
 * Returns a malloc'd copy of line `lineno` (1-based) of the tokenizer's
 * buffer, or NULL when there is no such line.  With `newline`, the line
 * keeps its '\n' when the source had one there (CPython's parser errors
 * carry it, its tokenizer errors do not) - and, as CPython rereads such a
 * line with a 1000-byte buffer, a line over 998 bytes is cut to its last
 * 999-byte piece.  A NUL byte ends the text.
 */
char *tw_tokenizer_line_text(const TwTokenizer *tok, int lineno, bool newline);

/* Number of UTF-8 characters in the first `nbytes` bytes of `s` (a
   partial trailing character counts as one, like CPython's "replace"). */
int tw_utf8_char_count(const char *s, size_t nbytes);

/* Decodes one UTF-8 sequence of at most `avail` bytes: returns its length
   and stores the code point, or returns 0 when the bytes are not valid
   UTF-8 (overlong forms and surrogates included). */
int tw_utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp);

/* Python's str.isprintable() for one code point (approximated by a table
   of the non-printable ranges). */
bool tw_unicode_is_printable(uint32_t c);

#endif /* TW_COMPILER_TOKENIZER_H */
