/*
 * tokenizer.c - Python's tokenizer (see tokenizer.h for the contract).
 *
 * The structure is CPython 3.11's tok_get(): one function reads characters
 * with tok_nextc()/tok_backup() and decides on the token by its first
 * character.  Keeping that structure is what makes the error positions agree
 * with CPython's: most errors are reported "where the tokenizer stands", so
 * the exact characters consumed before an error matter.
 *
 * The whole source is held in one buffer, normalised first ("\r\n" and "\r"
 * become "\n", a final "\n" is added).  tok_nextc() moves through it a line
 * at a time; entering a line is where NUL bytes and invalid UTF-8 are
 * reported, as CPython does when it reads a line from a file.
 */
#include "tokenizer.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TW_EOF (-1)
#define TW_TABSIZE 8

static const char *const tw_token_texts[] = {
#define TW_TOKEN_TEXT(name, text) text,
    TW_TOKEN_LIST(TW_TOKEN_TEXT)
#undef TW_TOKEN_TEXT
};

const char *tw_token_kind_text(TwTokenKind kind)
{
    if ((unsigned)kind >= TW_TOK__COUNT) {
        return "?";
    }
    return tw_token_texts[kind];
}

bool tw_token_is_keyword(TwTokenKind kind)
{
    return kind >= TW_TOK_FALSE && kind <= TW_TOK_YIELD;
}

void tw_syntax_error_clear(TwSyntaxError *err)
{
    free(err->text);
    memset(err, 0, sizeof *err);
}

/* ------------------------------------------------------------------ */
/* UTF-8 helpers                                                       */
/* ------------------------------------------------------------------ */

int tw_utf8_char_count(const char *s, size_t nbytes)
{
    int n = 0;
    for (size_t i = 0; i < nbytes; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            n++;
        }
    }
    return n;
}

/*
 * Decodes one UTF-8 sequence at s (at most `avail` bytes).  Returns its
 * length and stores the code point, or returns 0 for an invalid sequence
 * (overlong forms, surrogates and values past U+10FFFF included).
 */
int tw_utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    int len;
    uint32_t v;
    uint32_t min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2; v = c & 0x1F; min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3; v = c & 0x0F; min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4; v = c & 0x07; min = 0x10000;
    } else {
        return 0;
    }
    if ((size_t)len > avail) {
        return 0;
    }
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        return 0;
    }
    *cp = v;
    return len;
}

/*
 * Characters Python does not print (str.isprintable() is False): controls,
 * format characters, separators other than the ASCII space, surrogates,
 * private use and noncharacters.  A table of the common ranges; code points
 * outside them are treated as printable.
 */
bool tw_unicode_is_printable(uint32_t c)
{
    if (c < 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0xAD) {
        return false;
    }
    if (c == 0x34F || c == 0x61C || c == 0x1680 || c == 0x180E) {
        return c == 0x34F;
    }
    if ((c >= 0x2000 && c <= 0x200F) || (c >= 0x2028 && c <= 0x202F) ||
        (c >= 0x205F && c <= 0x206F) || c == 0x3000 || c == 0xFEFF ||
        (c >= 0xFFF0 && c <= 0xFFFB) || (c >= 0xD800 && c <= 0xF8FF) ||
        (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE ||
        c >= 0xF0000 || (c >= 0xE0000 && c <= 0xE0FFF)) {
        return false;
    }
    return true;
}

/*
 * Whether a non-ASCII code point may appear in an identifier.  CPython uses
 * the XID_Start/XID_Continue properties; twinpy approximates them by
 * excluding the blocks of symbols, punctuation and spaces, which catches
 * the characters people actually mistype (curly quotes, dashes, currency,
 * arrows, maths, emoji, no-break spaces).
 */
static bool tw_unicode_is_identifier_char(uint32_t c)
{
    if (c < 0x80) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               (c >= '0' && c <= '9') || c == '_';
    }
    if (!tw_unicode_is_printable(c)) {
        return false;
    }
    if (c <= 0xBF) {
        return c == 0xAA || c == 0xB5 || c == 0xBA;
    }
    if (c == 0xD7 || c == 0xF7) {
        return false;
    }
    static const uint32_t excluded[][2] = {
        {0x2010, 0x203E}, {0x2041, 0x2053}, {0x2055, 0x205E},
        {0x20A0, 0x20CF}, {0x2100, 0x2101}, {0x2103, 0x2106},
        {0x2108, 0x2109}, {0x2114, 0x2114}, {0x2116, 0x2117},
        {0x211E, 0x2123}, {0x2125, 0x2125}, {0x2127, 0x2127},
        {0x2129, 0x2129}, {0x2190, 0x2BFF}, {0x2E00, 0x2E7F},
        {0x3001, 0x3004}, {0x3008, 0x3020}, {0x3030, 0x3030},
        {0xFE10, 0xFE1F}, {0xFE30, 0xFE4C}, {0xFE50, 0xFE6F},
        {0xFF01, 0xFF0F}, {0xFF1A, 0xFF20}, {0xFF3B, 0xFF3E},
        {0xFF40, 0xFF40}, {0xFF5B, 0xFF65}, {0xFFE0, 0xFFEF},
        {0x1F000, 0x1FAFF},
    };
    for (size_t i = 0; i < sizeof excluded / sizeof excluded[0]; i++) {
        if (c >= excluded[i][0] && c <= excluded[i][1]) {
            return false;
        }
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Setup                                                               */
/* ------------------------------------------------------------------ */

/*
 * Copies the source translating "\r\n" and "\r" to "\n" and making sure it
 * ends with "\n" (CPython's translate_newlines and universal newlines).
 */
/*
 * Whether one of the first two lines is a PEP 263 coding comment:
 * "#" ... "coding" (":" | "=") spaces name.
 */
static bool tok_find_coding_comment(const char *s, size_t len)
{
    const char *end = s + len;
    for (int line = 0; line < 2 && s < end; line++) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *eol = nl ? nl : end;
        const char *q = s;
        while (q < eol && (*q == ' ' || *q == '\t' || *q == '\f')) {
            q++;
        }
        if (q < eol && *q == '#') {
            for (const char *c = q; c + 7 < eol; c++) {
                if (memcmp(c, "coding", 6) == 0 && (c[6] == ':' || c[6] == '=')) {
                    const char *n = c + 7;
                    while (n < eol && (*n == ' ' || *n == '\t')) {
                        n++;
                    }
                    if (n < eol && (isalnum((unsigned char)*n) || *n == '-' ||
                                    *n == '_' || *n == '.')) {
                        return true;
                    }
                }
            }
        } else if (q < eol && *q != '\r') {
            return false;   /* a code line: no declaration after it */
        }
        s = eol + 1;
    }
    return false;
}

bool tw_tokenizer_init(TwTokenizer *tok, const char *source, size_t len)
{
    memset(tok, 0, sizeof *tok);
    if (len >= 3 && memcmp(source, "\xEF\xBB\xBF", 3) == 0) {
        source += 3;
        len -= 3;
        tok->has_encoding = true;
        tok->has_bom = true;
    }
    if (tok_find_coding_comment(source, len)) {
        tok->has_encoding = true;
    }
    char *buf = malloc(len + 2);
    if (buf == NULL) {
        return false;
    }
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = source[i];
        if (c == '\r') {
            buf[n++] = '\n';
            if (i + 1 < len && source[i + 1] == '\n') {
                i++;
            }
        } else {
            buf[n++] = c;
        }
    }
    if (n == 0 || buf[n - 1] != '\n') {
        buf[n++] = '\n';
        tok->added_newline = true;
    }
    buf[n] = '\0';
    tok->buf = buf;
    tok->end = buf + n;
    tok->cur = buf;
    tok->line_start = buf;
    tok->line_end = buf;      /* no line entered yet */
    tok->first_nul = memchr(buf, '\0', n);
    tok->lineno = 0;
    tok->atbol = true;
    return true;
}

void tw_tokenizer_fini(TwTokenizer *tok)
{
    free(tok->buf);
    tok->buf = NULL;
    free(tok->warnings);
    tok->warnings = NULL;
    tok->nwarnings = tok->warnings_cap = 0;
    tw_syntax_error_clear(&tok->error);
}

char *tw_tokenizer_line_text(const TwTokenizer *tok, int lineno, bool newline)
{
    lineno -= tok->line_offset;
    if (lineno < 1 || tok->buf == NULL) {
        return NULL;
    }
    const char *p = tok->buf;
    for (int i = 1; i < lineno; i++) {
        const char *nl = memchr(p, '\n', (size_t)(tok->end - p));
        if (nl == NULL || nl + 1 >= tok->end) {
            return NULL;
        }
        p = nl + 1;
    }
    const char *nl = memchr(p, '\n', (size_t)(tok->end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(tok->end - p);
    bool bom = false;
    if (newline) {
        if (nl != NULL && !(tok->added_newline && nl + 1 == tok->end)) {
            n++;
        }
        /* CPython's parser rereads the line from the file with fgets()
           into a 1000-byte buffer and keeps the last piece it read; the
           first line keeps a byte order mark. */
        size_t skip = n > 0 ? (n - 1) / 999 * 999 : 0;
        p += skip;
        n -= skip;
        bom = tok->has_bom && lineno == 1 && skip == 0;
    }
    /* Like a C string in CPython, the text stops at a NUL byte. */
    const char *nul = memchr(p, '\0', n);
    if (nul != NULL) {
        n = (size_t)(nul - p);
    }
    size_t extra = bom ? 3 : 0;
    char *text = malloc(n + extra + 1);
    if (text != NULL) {
        memcpy(text, "\xEF\xBB\xBF", extra);
        memcpy(text + extra, p, n);
        text[n + extra] = '\0';
    }
    return text;
}

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

static void tok_set_error_v(TwTokenizer *tok, TwTokErrorClass cls,
                            TwSyntaxErrorKind kind, int line, int offset,
                            int end_line, int end_offset, const char *fmt,
                            va_list ap)
{
    if (tok->error_class != TW_TOKERR_NONE) {
        return;
    }
    tok->error_class = cls;
    tok->error.kind = kind;
    vsnprintf(tok->error.message, sizeof tok->error.message, fmt, ap);
    tok->error.line = line;
    tok->error.offset = offset;
    tok->error.end_line = end_line;
    tok->error.end_offset = end_offset;
    tok->error.text = line > 0 ? tw_tokenizer_line_text(tok, line,
                                                         cls == TW_TOKERR_STATE)
                               : NULL;
    tok->done = true;
}

static void tok_set_error(TwTokenizer *tok, TwTokErrorClass cls,
                          TwSyntaxErrorKind kind, int line, int offset,
                          int end_line, int end_offset, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tok_set_error_v(tok, cls, kind, line, offset, end_line, end_offset, fmt, ap);
    va_end(ap);
}

/* Characters from the start of the current line to the read position. */
static int tok_cur_offset(const TwTokenizer *tok)
{
    return tw_utf8_char_count(tok->line_start,
                              (size_t)(tok->cur - tok->line_start));
}

/* The same position for the errors CPython's parser reports on the
   tokenizer's behalf (indentation, line continuation): bytes unless the
   source declares its encoding. */
static int tok_cur_offset_state(const TwTokenizer *tok)
{
    if (!tok->has_encoding) {
        return (int)(tok->cur - tok->line_start);
    }
    return tok_cur_offset(tok);
}

/*
 * CPython's syntaxerror(): a hard error on the current line whose offset is
 * where the tokenizer stands (the character just read, 1-based).
 */
static TwTokenKind tok_syntaxerror(TwTokenizer *tok, const char *fmt, ...)
{
    int offset = tok_cur_offset(tok);
    va_list ap;
    va_start(ap, fmt);
    tok_set_error_v(tok, TW_TOKERR_HARD, TW_SYNERR_SYNTAX,
                    tok->lineno + tok->line_offset, offset,
                    tok->lineno + tok->line_offset, offset, fmt, ap);
    va_end(ap);
    return TW_TOK_ERRORTOKEN;
}

/* CPython's syntaxerror_known_range(): offsets given by the caller. */
static TwTokenKind tok_syntaxerror_range(TwTokenizer *tok, int offset,
                                         int end_offset, const char *msg)
{
    tok_set_error(tok, TW_TOKERR_HARD, TW_SYNERR_SYNTAX,
                  tok->lineno + tok->line_offset, offset,
                  tok->lineno + tok->line_offset, end_offset, "%s", msg);
    return TW_TOK_ERRORTOKEN;
}

/* ------------------------------------------------------------------ */
/* Reading characters                                                  */
/* ------------------------------------------------------------------ */

/*
 * Enters the next line.  Returns false at the end of the source or when the
 * line cannot be read (a NUL byte or invalid UTF-8: CPython rejects such a
 * line as soon as it reads it from the file, before tokenizing it).
 */
static bool tok_enter_line(TwTokenizer *tok)
{
    if (tok->done || tok->line_end >= tok->end) {
        return false;
    }
    tok->line_start = tok->line_end;
    const char *nl = memchr(tok->line_start, '\n',
                            (size_t)(tok->end - tok->line_start));
    tok->line_end = nl ? nl + 1 : tok->end;
    tok->cur = tok->line_start;
    tok->lineno++;
    if (tok->first_nul != NULL && tok->first_nul < tok->line_end) {
        tok_set_error(tok, TW_TOKERR_HARD, TW_SYNERR_SYNTAX,
                      tok->lineno + tok->line_offset, 0,
                      tok->lineno + tok->line_offset, 0,
                      "source code cannot contain null bytes");
        tok->cur = tok->line_end;
        return false;
    }
    const unsigned char *p = (const unsigned char *)tok->line_start;
    const unsigned char *e = (const unsigned char *)tok->line_end;
    while (p < e) {
        if (*p < 0x80) {
            p++;
            continue;
        }
        uint32_t cp;
        int n = tw_utf8_decode(p, (size_t)(e - p), &cp);
        if (n == 0) {
            tok_set_error(tok, TW_TOKERR_HARD, TW_SYNERR_SYNTAX, 0, 0, 0, 0,
                          "Non-UTF-8 code starting with '\\x%.2x' in file %s "
                          "on line %d, but no encoding declared; see "
                          "https://peps.python.org/pep-0263/ for details",
                          *p, tok->filename ? tok->filename : "<string>",
                          tok->lineno + tok->line_offset);
            tok->cur = tok->line_end;
            return false;
        }
        p += n;
    }
    return true;
}

static int tok_nextc(TwTokenizer *tok)
{
    if (tok->cur < tok->line_end) {
        return (unsigned char)*tok->cur++;
    }
    if (!tok_enter_line(tok)) {
        return TW_EOF;
    }
    return (unsigned char)*tok->cur++;
}

static void tok_backup(TwTokenizer *tok, int c)
{
    if (c != TW_EOF) {
        tok->cur--;
    }
}

static bool tok_at_eof(const TwTokenizer *tok)
{
    return tok->cur >= tok->end;
}

/* ------------------------------------------------------------------ */
/* Character classes                                                   */
/* ------------------------------------------------------------------ */

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static bool is_xdigit(int c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_potential_identifier_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           c >= 128;
}

static bool is_potential_identifier_char(int c)
{
    return is_potential_identifier_start(c) || is_digit(c);
}

/* ------------------------------------------------------------------ */
/* Identifiers and keywords                                            */
/* ------------------------------------------------------------------ */

static TwTokenKind tok_keyword_kind(const char *s, size_t n)
{
    /* Keywords are 2..8 ASCII letters; a linear scan over 35 entries
       filtered by length and first letter is cheap enough. */
    if (n < 2 || n > 8) {
        return TW_TOK_NAME;
    }
    for (int k = TW_TOK_FALSE; k <= TW_TOK_YIELD; k++) {
        const char *kw = tw_token_texts[k];
        if (kw[0] == s[0] && strlen(kw) == n && memcmp(kw, s, n) == 0) {
            return (TwTokenKind)k;
        }
    }
    return TW_TOK_NAME;
}

/*
 * Checks a name containing non-ASCII bytes, reporting the first character
 * that cannot be part of an identifier (CPython's verify_identifier): the
 * tokenizer is moved just past that character, which is where the caret
 * goes.
 */
static bool tok_verify_identifier(TwTokenizer *tok, const char *start)
{
    const unsigned char *p = (const unsigned char *)start;
    const unsigned char *e = (const unsigned char *)tok->cur;
    while (p < e) {
        uint32_t cp;
        int n = tw_utf8_decode(p, (size_t)(e - p), &cp);
        if (n == 0) {
            n = 1;
            cp = 0xFFFD;
        }
        if (!tw_unicode_is_identifier_char(cp) ||
            (p == (const unsigned char *)start && cp >= '0' && cp <= '9')) {
            tok->cur = (const char *)p + n;
            if (tw_unicode_is_printable(cp)) {
                char ch[5];
                memcpy(ch, p, (size_t)n);
                ch[n] = '\0';
                tok_syntaxerror(tok, "invalid character '%s' (U+%04X)", ch,
                                (unsigned)cp);
            } else {
                tok_syntaxerror(tok, "invalid non-printable character U+%04X",
                                (unsigned)cp);
            }
            return false;
        }
        p += n;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Numbers                                                             */
/* ------------------------------------------------------------------ */

/* Whether the next characters are `s` (nothing is consumed). */
static bool tok_lookahead(TwTokenizer *tok, const char *s)
{
    size_t n = strlen(s);
    return (size_t)(tok->line_end - tok->cur) >= n &&
           memcmp(tok->cur, s, n) == 0;
}

/*
 * Number literals must not run into a name: "1abc" is "invalid decimal
 * literal".  A keyword that may legally follow a number ("1if x else y",
 * "0or 1") is allowed (CPython only warns).  `c` is the character after the
 * number, already read.
 */
static bool tok_verify_end_of_number(TwTokenizer *tok, int c, const char *kind)
{
    bool keyword = false;
    switch (c) {
    case 'a': keyword = tok_lookahead(tok, "nd"); break;
    case 'e': keyword = tok_lookahead(tok, "lse"); break;
    case 'f': keyword = tok_lookahead(tok, "or"); break;
    case 'i':
        keyword = tok_lookahead(tok, "f") || tok_lookahead(tok, "n") ||
                  tok_lookahead(tok, "s");
        break;
    case 'o': keyword = tok_lookahead(tok, "r"); break;
    case 'n': keyword = tok_lookahead(tok, "ot"); break;
    default: break;
    }
    if (keyword) {
        /* CPython 3.11 accepts this with a SyntaxWarning. */
        if (tok->nwarnings == tok->warnings_cap) {
            int cap = tok->warnings_cap ? tok->warnings_cap * 2 : 4;
            struct TwTokWarning *w = realloc(tok->warnings, (size_t)cap * sizeof *w);
            if (w == NULL) {
                return true;    /* losing a warning is harmless */
            }
            tok->warnings = w;
            tok->warnings_cap = cap;
        }
        struct TwTokWarning *w = &tok->warnings[tok->nwarnings++];
        w->line = tok->lineno + tok->line_offset;
        snprintf(w->message, sizeof w->message, "invalid %s literal", kind);
        return true;
    }
    if (c < 128 && is_potential_identifier_char(c)) {
        tok_backup(tok, c);
        tok_syntaxerror(tok, "invalid %s literal", kind);
        return false;
    }
    return true;
}

/* Digits with single underscores between them; returns the first
   character after them, or 0 after reporting an error. */
static int tok_decimal_tail(TwTokenizer *tok)
{
    int c;
    for (;;) {
        do {
            c = tok_nextc(tok);
        } while (is_digit(c));
        if (c != '_') {
            break;
        }
        c = tok_nextc(tok);
        if (!is_digit(c)) {
            tok_backup(tok, c);
            tok_syntaxerror(tok, "invalid decimal literal");
            return 0;
        }
    }
    return c;
}

/* Hex, octal or binary digits after the prefix. */
static TwTokenKind tok_radix_number(TwTokenizer *tok, int radix)
{
    const char *kind = radix == 16 ? "hexadecimal" :
                       radix == 8 ? "octal" : "binary";
    int c = tok_nextc(tok);
    do {
        if (c == '_') {
            c = tok_nextc(tok);
        }
        bool ok = radix == 16 ? is_xdigit(c) :
                  radix == 8 ? (c >= '0' && c <= '7') : (c == '0' || c == '1');
        if (!ok) {
            if (radix != 16 && is_digit(c)) {
                return tok_syntaxerror(tok, "invalid digit '%c' in %s literal",
                                       c, kind);
            }
            tok_backup(tok, c);
            return tok_syntaxerror(tok, "invalid %s literal", kind);
        }
        do {
            c = tok_nextc(tok);
        } while (radix == 16 ? is_xdigit(c) :
                 radix == 8 ? (c >= '0' && c <= '7') : (c == '0' || c == '1'));
    } while (c == '_');
    if (radix != 16 && is_digit(c)) {
        return tok_syntaxerror(tok, "invalid digit '%c' in %s literal", c, kind);
    }
    if (!tok_verify_end_of_number(tok, c, kind)) {
        return TW_TOK_ERRORTOKEN;
    }
    tok_backup(tok, c);
    return TW_TOK_NUMBER;
}

/*
 * A number whose first character `c` has been read: a digit, or, when
 * `after_dot` is set, the first digit after a leading '.'.  Mirrors the
 * layout of CPython's decimal, fraction, exponent and imaginary parts.
 * Imaginary literals are tokenized; the parser reports them as unsupported.
 */
static TwTokenKind tok_number(TwTokenizer *tok, int c, bool after_dot)
{
    const char *start = tok->cur - 1;
    if (after_dot) {
        goto fraction;
    }
    if (c == '0') {
        c = tok_nextc(tok);
        if (c == 'x' || c == 'X') {
            return tok_radix_number(tok, 16);
        }
        if (c == 'o' || c == 'O') {
            return tok_radix_number(tok, 8);
        }
        if (c == 'b' || c == 'B') {
            return tok_radix_number(tok, 2);
        }
        bool nonzero = false;
        for (;;) {
            if (c == '_') {
                c = tok_nextc(tok);
                if (!is_digit(c)) {
                    tok_backup(tok, c);
                    return tok_syntaxerror(tok, "invalid decimal literal");
                }
            }
            if (c != '0') {
                break;
            }
            c = tok_nextc(tok);
        }
        const char *zeros_end = tok->cur;
        if (is_digit(c)) {
            nonzero = true;
            c = tok_decimal_tail(tok);
            if (c == 0) {
                return TW_TOK_ERRORTOKEN;
            }
        }
        if (c == '.') {
            c = tok_nextc(tok);
            goto fraction;
        } else if (c == 'e' || c == 'E') {
            goto exponent;
        } else if (c == 'j' || c == 'J') {
            goto imaginary;
        } else if (nonzero) {
            tok_backup(tok, c);
            return tok_syntaxerror_range(
                tok, (int)(start + 1 - tok->line_start),
                (int)(zeros_end - tok->line_start),
                "leading zeros in decimal integer literals are not permitted; "
                "use an 0o prefix for octal integers");
        }
        if (!tok_verify_end_of_number(tok, c, "decimal")) {
            return TW_TOK_ERRORTOKEN;
        }
        tok_backup(tok, c);
        return TW_TOK_NUMBER;
    }
    c = tok_decimal_tail(tok);
    if (c == 0) {
        return TW_TOK_ERRORTOKEN;
    }
    if (c == '.') {
        c = tok_nextc(tok);
fraction:
        if (is_digit(c)) {
            c = tok_decimal_tail(tok);
            if (c == 0) {
                return TW_TOK_ERRORTOKEN;
            }
        }
    }
    if (c == 'e' || c == 'E') {
        int e;
exponent:
        e = c;
        c = tok_nextc(tok);
        if (c == '+' || c == '-') {
            c = tok_nextc(tok);
            if (!is_digit(c)) {
                tok_backup(tok, c);
                return tok_syntaxerror(tok, "invalid decimal literal");
            }
        } else if (!is_digit(c)) {
            tok_backup(tok, c);
            if (!tok_verify_end_of_number(tok, e, "decimal")) {
                return TW_TOK_ERRORTOKEN;
            }
            tok_backup(tok, e);
            return TW_TOK_NUMBER;
        }
        c = tok_decimal_tail(tok);
        if (c == 0) {
            return TW_TOK_ERRORTOKEN;
        }
    }
    if (c == 'j' || c == 'J') {
imaginary:
        c = tok_nextc(tok);
        if (!tok_verify_end_of_number(tok, c, "imaginary")) {
            return TW_TOK_ERRORTOKEN;
        }
    } else if (!tok_verify_end_of_number(tok, c, "decimal")) {
        return TW_TOK_ERRORTOKEN;
    }
    tok_backup(tok, c);
    return TW_TOK_NUMBER;
}

/* ------------------------------------------------------------------ */
/* Strings                                                             */
/* ------------------------------------------------------------------ */

/*
 * The body of a string whose opening quote `quote` was just read.  The
 * token spans prefix and quotes; decoding is the parser's business.  An
 * unterminated string is reported at its start, naming the line where the
 * tokenizer noticed.
 */
static TwTokenKind tok_string(TwTokenizer *tok, int quote,
                              const char *tok_start, int first_lineno,
                              const char *first_line_start)
{
    int quote_size = 1;
    int end_quote_size = 0;
    int c = tok_nextc(tok);
    if (c == quote) {
        c = tok_nextc(tok);
        if (c == quote) {
            quote_size = 3;
        } else {
            end_quote_size = 1;     /* the empty string */
        }
    }
    if (c != quote) {
        tok_backup(tok, c);
    }
    while (end_quote_size != quote_size) {
        c = tok_nextc(tok);
        if (c == TW_EOF || (quote_size == 1 && c == '\n')) {
            if (tok->error_class != TW_TOKERR_NONE) {
                return TW_TOK_ERRORTOKEN;   /* NUL byte or bad UTF-8 */
            }
            int detected = tok->lineno + tok->line_offset;
            int offset = tw_utf8_char_count(first_line_start,
                                            (size_t)(tok_start + 1 -
                                                     first_line_start));
            tok_set_error(tok, TW_TOKERR_HARD, TW_SYNERR_SYNTAX,
                          first_lineno + tok->line_offset, offset,
                          first_lineno + tok->line_offset, offset,
                          quote_size == 3
                              ? "unterminated triple-quoted string literal "
                                "(detected at line %d)"
                              : "unterminated string literal (detected at "
                                "line %d)",
                          detected);
            return TW_TOK_ERRORTOKEN;
        }
        if (c == quote) {
            end_quote_size++;
        } else {
            end_quote_size = 0;
            if (c == '\\') {
                tok_nextc(tok);
            }
        }
    }
    return TW_TOK_STRING;
}

/* ------------------------------------------------------------------ */
/* Operators                                                           */
/* ------------------------------------------------------------------ */

static TwTokenKind tok_one_char(int c)
{
    switch (c) {
    case '%': return TW_TOK_PERCENT;
    case '&': return TW_TOK_AMPER;
    case '(': return TW_TOK_LPAR;
    case ')': return TW_TOK_RPAR;
    case '*': return TW_TOK_STAR;
    case '+': return TW_TOK_PLUS;
    case ',': return TW_TOK_COMMA;
    case '-': return TW_TOK_MINUS;
    case '.': return TW_TOK_DOT;
    case '/': return TW_TOK_SLASH;
    case ':': return TW_TOK_COLON;
    case ';': return TW_TOK_SEMI;
    case '<': return TW_TOK_LESS;
    case '=': return TW_TOK_EQUAL;
    case '>': return TW_TOK_GREATER;
    case '@': return TW_TOK_AT;
    case '[': return TW_TOK_LSQB;
    case ']': return TW_TOK_RSQB;
    case '^': return TW_TOK_CIRCUMFLEX;
    case '{': return TW_TOK_LBRACE;
    case '|': return TW_TOK_VBAR;
    case '}': return TW_TOK_RBRACE;
    case '~': return TW_TOK_TILDE;
    default: return TW_TOK_OP;
    }
}

static TwTokenKind tok_two_chars(int c1, int c2)
{
    switch (c1) {
    case '!': if (c2 == '=') return TW_TOK_NOTEQUAL; break;
    case '%': if (c2 == '=') return TW_TOK_PERCENTEQUAL; break;
    case '&': if (c2 == '=') return TW_TOK_AMPEREQUAL; break;
    case '*':
        if (c2 == '*') return TW_TOK_DOUBLESTAR;
        if (c2 == '=') return TW_TOK_STAREQUAL;
        break;
    case '+': if (c2 == '=') return TW_TOK_PLUSEQUAL; break;
    case '-':
        if (c2 == '=') return TW_TOK_MINEQUAL;
        if (c2 == '>') return TW_TOK_RARROW;
        break;
    case '/':
        if (c2 == '/') return TW_TOK_DOUBLESLASH;
        if (c2 == '=') return TW_TOK_SLASHEQUAL;
        break;
    case ':': if (c2 == '=') return TW_TOK_COLONEQUAL; break;
    case '<':
        if (c2 == '<') return TW_TOK_LEFTSHIFT;
        if (c2 == '=') return TW_TOK_LESSEQUAL;
        if (c2 == '>') return TW_TOK_OP;   /* "<>": only with barry_as_FLUFL */
        break;
    case '=': if (c2 == '=') return TW_TOK_EQEQUAL; break;
    case '>':
        if (c2 == '=') return TW_TOK_GREATEREQUAL;
        if (c2 == '>') return TW_TOK_RIGHTSHIFT;
        break;
    case '@': if (c2 == '=') return TW_TOK_ATEQUAL; break;
    case '^': if (c2 == '=') return TW_TOK_CIRCUMFLEXEQUAL; break;
    case '|': if (c2 == '=') return TW_TOK_VBAREQUAL; break;
    default: break;
    }
    return TW_TOK__COUNT;   /* not a two-character operator */
}

static TwTokenKind tok_three_chars(int c1, int c2, int c3)
{
    if (c3 != '=') {
        if (c1 == '.' && c2 == '.' && c3 == '.') return TW_TOK_ELLIPSIS;
        return TW_TOK__COUNT;
    }
    if (c1 == '*' && c2 == '*') return TW_TOK_DOUBLESTAREQUAL;
    if (c1 == '/' && c2 == '/') return TW_TOK_DOUBLESLASHEQUAL;
    if (c1 == '<' && c2 == '<') return TW_TOK_LEFTSHIFTEQUAL;
    if (c1 == '>' && c2 == '>') return TW_TOK_RIGHTSHIFTEQUAL;
    return TW_TOK__COUNT;
}

/* ------------------------------------------------------------------ */
/* The token loop                                                      */
/* ------------------------------------------------------------------ */

/*
 * Measures the indentation of a new line and queues INDENT/DEDENT tokens
 * (CPython's "Get indentation level" block).  Returns false after an error.
 */
static bool tok_indentation(TwTokenizer *tok)
{
    int col = 0;
    int altcol = 0;
    int c;
    for (;;) {
        c = tok_nextc(tok);
        if (c == ' ') {
            col++;
            altcol++;
        } else if (c == '\t') {
            col = (col / TW_TABSIZE + 1) * TW_TABSIZE;
            altcol = altcol + 1;
        } else if (c == '\014') {
            col = altcol = 0;
        } else {
            break;
        }
    }
    tok_backup(tok, c);
    if (c == TW_EOF && tok->error_class != TW_TOKERR_NONE) {
        return false;
    }
    if (c == '#' || c == '\n') {
        tok->blankline = true;  /* comment-only and blank lines don't count */
    }
    if (tok->blankline || tok->level != 0) {
        return true;
    }
    int line = tok->lineno + tok->line_offset;
    if (col == tok->indstack[tok->indent]) {
        if (altcol != tok->altindstack[tok->indent]) {
            goto tabspace;
        }
    } else if (col > tok->indstack[tok->indent]) {
        if (tok->indent + 1 >= TW_TOK_MAX_INDENT) {
            tok_set_error(tok, TW_TOKERR_STATE, TW_SYNERR_INDENTATION,
                          line, 1, line, 0, "too many levels of indentation");
            return false;
        }
        if (altcol <= tok->altindstack[tok->indent]) {
            goto tabspace;
        }
        tok->pendin++;
        tok->indent++;
        tok->indstack[tok->indent] = col;
        tok->altindstack[tok->indent] = altcol;
    } else {
        while (tok->indent > 0 && col < tok->indstack[tok->indent]) {
            tok->pendin--;
            tok->indent--;
        }
        if (col != tok->indstack[tok->indent]) {
            /* CPython moves to the end of the line before reporting. */
            tok->cur = tok->line_end;
            tok_set_error(tok, TW_TOKERR_STATE, TW_SYNERR_INDENTATION,
                          line, tok_cur_offset_state(tok), line, -1,
                          "unindent does not match any outer indentation "
                          "level");
            return false;
        }
        if (altcol != tok->altindstack[tok->indent]) {
            goto tabspace;
        }
    }
    return true;

tabspace:
    tok_set_error(tok, TW_TOKERR_STATE, TW_SYNERR_TAB, line, 1, line, 0,
                  "inconsistent use of tabs and spaces in indentation");
    return false;
}

/*
 * Produces the next token; `start` and `end` delimit its text (NULL for
 * tokens without text).  `str_line` and `str_line_start` give the line on
 * which a string token starts (it may span lines).
 */
static TwTokenKind tok_get(TwTokenizer *tok, const char **start,
                           const char **end, int *str_line,
                           const char **str_line_start)
{
    int c;
    *start = *end = NULL;
    if (tok->done) {
        return tok->error_class != TW_TOKERR_NONE ? TW_TOK_ERRORTOKEN
                                                  : TW_TOK_ENDMARKER;
    }

nextline:
    tok->blankline = false;
    if (tok->atbol) {
        tok->atbol = false;
        if (!tok_indentation(tok)) {
            return TW_TOK_ERRORTOKEN;
        }
    }
    if (tok->pendin != 0) {
        if (tok->pendin < 0) {
            tok->pendin++;
            return TW_TOK_DEDENT;
        }
        tok->pendin--;
        return TW_TOK_INDENT;
    }

again:
    do {
        c = tok_nextc(tok);
    } while (c == ' ' || c == '\t' || c == '\014');
    const char *tstart = tok->cur - 1;

    if (c == '#') {
        while (c != TW_EOF && c != '\n') {
            c = tok_nextc(tok);
        }
    }

    if (c == TW_EOF) {
        if (tok->error_class != TW_TOKERR_NONE) {
            return TW_TOK_ERRORTOKEN;
        }
        tok->cur = tok->end;
        if (tok->level > 0) {
            tok->error_class = TW_TOKERR_EOF_IN_BRACKETS;
            tok->done = true;
            return TW_TOK_ERRORTOKEN;
        }
        tok->done = true;
        return TW_TOK_ENDMARKER;
    }

    /* Identifier, keyword, or string with a prefix. */
    if (is_potential_identifier_start(c)) {
        bool saw_b = false, saw_r = false, saw_u = false, saw_f = false;
        for (;;) {
            if (!(saw_b || saw_u || saw_f) && (c == 'b' || c == 'B')) {
                saw_b = true;
            } else if (!(saw_b || saw_u || saw_r || saw_f) &&
                       (c == 'u' || c == 'U')) {
                saw_u = true;
            } else if (!(saw_r || saw_u) && (c == 'r' || c == 'R')) {
                saw_r = true;
            } else if (!(saw_f || saw_b || saw_u) && (c == 'f' || c == 'F')) {
                saw_f = true;
            } else {
                break;
            }
            c = tok_nextc(tok);
            if (c == '"' || c == '\'') {
                goto letter_quote;
            }
        }
        bool nonascii = false;
        while (is_potential_identifier_char(c)) {
            if (c >= 128) {
                nonascii = true;
            }
            c = tok_nextc(tok);
        }
        tok_backup(tok, c);
        if (nonascii && !tok_verify_identifier(tok, tstart)) {
            return TW_TOK_ERRORTOKEN;
        }
        *start = tstart;
        *end = tok->cur;
        return tok_keyword_kind(tstart, (size_t)(tok->cur - tstart));
    }

    if (c == '\n') {
        tok->atbol = true;
        if (tok->blankline || tok->level > 0) {
            goto nextline;
        }
        *start = tstart;
        *end = tok->cur - 1;    /* the newline itself is left out */
        return TW_TOK_NEWLINE;
    }

    if (c == '.') {
        c = tok_nextc(tok);
        if (is_digit(c)) {
            TwTokenKind k = tok_number(tok, c, true);
            *start = tstart;
            *end = tok->cur;
            return k;
        }
        if (c == '.') {
            c = tok_nextc(tok);
            if (c == '.') {
                *start = tstart;
                *end = tok->cur;
                return TW_TOK_ELLIPSIS;
            }
            tok_backup(tok, c);
            tok->cur--;
        } else {
            tok_backup(tok, c);
        }
        *start = tstart;
        *end = tok->cur;
        return TW_TOK_DOT;
    }

    if (is_digit(c)) {
        TwTokenKind k = tok_number(tok, c, false);
        *start = tstart;
        *end = tok->cur;
        return k;
    }

letter_quote:
    if (c == '\'' || c == '"') {
        *str_line = tok->lineno;
        *str_line_start = tok->line_start;
        TwTokenKind k = tok_string(tok, c, tstart, tok->lineno,
                                   tok->line_start);
        *start = tstart;
        *end = tok->cur;
        return k;
    }

    if (c == '\\') {
        c = tok_nextc(tok);
        if (c != '\n') {
            int line = tok->lineno + tok->line_offset;
            tok_set_error(tok, TW_TOKERR_STATE, TW_SYNERR_SYNTAX, line,
                          tok_cur_offset_state(tok), line, 0,
                          "unexpected character after line continuation "
                          "character");
            return TW_TOK_ERRORTOKEN;
        }
        c = tok_nextc(tok);
        if (c == TW_EOF) {
            if (tok->error_class != TW_TOKERR_NONE) {
                return TW_TOK_ERRORTOKEN;
            }
            tok->cur = tok->end;
            int line = tok->lineno + tok->line_offset;
            tok_set_error(tok, TW_TOKERR_STATE, TW_SYNERR_SYNTAX, line,
                          tok_cur_offset_state(tok), line, -1,
                          "unexpected EOF while parsing");
            return TW_TOK_ERRORTOKEN;
        }
        tok_backup(tok, c);
        goto again;
    }

    /* Operators: try three, then two characters. */
    {
        int c2 = tok_nextc(tok);
        TwTokenKind k2 = tok_two_chars(c, c2);
        if (k2 != TW_TOK__COUNT) {
            int c3 = tok_nextc(tok);
            TwTokenKind k3 = tok_three_chars(c, c2, c3);
            if (k3 != TW_TOK__COUNT) {
                k2 = k3;
            } else {
                tok_backup(tok, c3);
            }
            *start = tstart;
            *end = tok->cur;
            return k2;
        }
        tok_backup(tok, c2);
    }

    switch (c) {
    case '(':
    case '[':
    case '{':
        if (tok->level >= TW_TOK_MAX_LEVEL) {
            return tok_syntaxerror(tok, "too many nested parentheses");
        }
        tok->parenstack[tok->level] = (char)c;
        tok->parenlinenostack[tok->level] = tok->lineno;
        tok->parencolstack[tok->level] = (int)(tstart - tok->line_start);
        tok->level++;
        break;
    case ')':
    case ']':
    case '}': {
        if (tok->level == 0) {
            return tok_syntaxerror(tok, "unmatched '%c'", c);
        }
        tok->level--;
        int opening = tok->parenstack[tok->level];
        if (!((opening == '(' && c == ')') || (opening == '[' && c == ']') ||
              (opening == '{' && c == '}'))) {
            if (tok->parenlinenostack[tok->level] != tok->lineno) {
                return tok_syntaxerror(
                    tok,
                    "closing parenthesis '%c' does not match opening "
                    "parenthesis '%c' on line %d",
                    c, opening,
                    tok->parenlinenostack[tok->level] + tok->line_offset);
            }
            return tok_syntaxerror(tok,
                                   "closing parenthesis '%c' does not match "
                                   "opening parenthesis '%c'",
                                   c, opening);
        }
        break;
    }
    default:
        break;
    }

    if (!tw_unicode_is_printable((uint32_t)c)) {
        return tok_syntaxerror(tok, "invalid non-printable character U+%04X",
                               (unsigned)c);
    }
    *start = tstart;
    *end = tok->cur;
    return tok_one_char(c);
}

TwTokenKind tw_tokenizer_next(TwTokenizer *tok, TwToken *t)
{
    const char *start = NULL;
    const char *end = NULL;
    int str_line = 0;
    const char *str_line_start = NULL;
    TwTokenKind kind = tok_get(tok, &start, &end, &str_line, &str_line_start);

    t->kind = kind;
    t->level = tok->level;
    if (start == NULL) {
        /* INDENT, DEDENT, ENDMARKER, errors: no text of their own. */
        t->start = t->end = tok->cur;
        t->line = t->end_line = tok->lineno;
        t->col = t->end_col = -1;
    } else {
        const char *ls = tok->line_start;
        t->start = start;
        t->end = end;
        t->line = tok->lineno;
        if (kind == TW_TOK_STRING) {
            t->line = str_line;
            ls = str_line_start;
        }
        t->col = (int)(start - ls);
        t->end_line = tok->lineno;
        t->end_col = (int)(end - tok->line_start);
    }
    /* At the end of the source CPython has no current line left and
       places errors at column 0. */
    t->cur_col = tok_at_eof(tok) ? 0 : (int)(tok->cur - tok->line_start);
    if (t->line < 1) {
        t->line = t->end_line = 1;
    }
    if (tok->line_offset != 0) {
        t->line += tok->line_offset;
        t->end_line += tok->line_offset;
    }
    return kind;
}
