/*
 * test_parser.c - specification tests for the front end (tokenizer,
 * parser, AST).
 *
 * Every case is a snippet and what CPython 3.11 makes of it: the text of
 * ast.dump(ast.parse(snippet)), or the SyntaxError's type, message and
 * position.  The expected values were produced by CPython 3.11; twinpy must
 * give the same.
 *
 * Usage:
 *   test_parser                 run the cases; exit status 1 if any fails
 *   test_parser --dump FILE     print the dump or the error of FILE
 *   test_parser --dump-loc FILE the same, with node locations
 *   test_parser --format FILE   print the error as CPython would show it
 */
#include "../../shared/compiler/parser.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed;
static int failed;

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static TwParseResult parse_text(const char *src)
{
    return tw_parse(src, strlen(src), "<test>", TW_PARSE_FILE);
}

static void report_failure(const char *name, const char *src,
                           const char *expected, const char *got)
{
    failed++;
    printf("FAIL %s\n  source:   ", name);
    for (const char *s = src; *s; s++) {
        if (*s == '\n') {
            printf("\\n");
        } else {
            putchar(*s);
        }
    }
    printf("\n  expected: %s\n  got:      %s\n", expected, got ? got : "(null)");
}

/* The source parses and dumps as `expected` (ast.dump output). */
static void check_dump(const char *name, const char *src, const char *expected)
{
    TwParseResult r = parse_text(src);
    if (r.module == NULL) {
        char got[512];
        snprintf(got, sizeof got, "%s: %s (line %d offset %d)",
                 tw_syntax_error_type_name(&r.error), r.error.message,
                 r.error.line, r.error.offset);
        report_failure(name, src, expected, got);
    } else {
        char *dump = tw_ast_dump_module(r.module);
        if (dump != NULL && strcmp(dump, expected) == 0) {
            passed++;
        } else {
            report_failure(name, src, expected, dump);
        }
        free(dump);
    }
    tw_parse_result_free(&r);
}

/* The source gives the error `type: message` at line/offset/end. */
static void check_error(const char *name, const char *src, const char *type,
                        const char *message, int line, int offset,
                        int end_line, int end_offset)
{
    TwParseResult r = parse_text(src);
    char expected[512];
    char got[512];
    snprintf(expected, sizeof expected, "%s: %s @ %d:%d-%d:%d", type, message,
             line, offset, end_line, end_offset);
    if (r.module != NULL) {
        snprintf(got, sizeof got, "no error");
    } else {
        snprintf(got, sizeof got, "%s: %s @ %d:%d-%d:%d",
                 r.error.kind == TW_SYNERR_UNSUPPORTED
                     ? "Unsupported" : tw_syntax_error_type_name(&r.error),
                 r.error.message, r.error.line, r.error.offset,
                 r.error.end_line, r.error.end_offset);
    }
    if (strcmp(expected, got) == 0) {
        passed++;
    } else {
        report_failure(name, src, expected, got);
    }
    tw_parse_result_free(&r);
}

/* ------------------------------------------------------------------ */
/* Command-line modes                                                  */
/* ------------------------------------------------------------------ */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    size_t cap = 1 << 16;
    size_t n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
        size_t k = fread(buf + n, 1, cap - n, f);
        if (k == 0) {
            break;
        }
        n += k;
    }
    if (f != stdin) {
        fclose(f);
    }
    *len = n;
    return buf;
}

static void print_escaped(const char *s)
{
    if (s == NULL) {
        printf("None");
        return;
    }
    for (; *s; s++) {
        if (*s == '\n') {
            printf("\\n");
        } else if (*s == '\t') {
            printf("\\t");
        } else if (*s == '\\') {
            printf("\\\\");
        } else {
            putchar(*s);
        }
    }
}

static int run_tool(const char *mode, const char *path)
{
    size_t len;
    char *src = read_file(path, &len);
    if (src == NULL) {
        fprintf(stderr, "cannot read %s\n", path);
        return 2;
    }
    TwParseResult r = tw_parse(src, len, path, TW_PARSE_FILE);
    for (int i = 0; i < r.nwarnings; i++) {
        printf("WARN|%d|%s|%s\n", r.warnings[i].line, r.warnings[i].category,
               r.warnings[i].message);
    }
    if (strcmp(mode, "--format") == 0) {
        if (r.module == NULL) {
            size_t n = tw_syntax_error_format(&r.error, path, NULL, 0);
            char *text = malloc(n + 1);
            tw_syntax_error_format(&r.error, path, text, n + 1);
            fputs(text, stdout);
            free(text);
        }
    } else if (r.module != NULL) {
        char *dump = tw_ast_dump_module_ex(r.module,
                                           strcmp(mode, "--dump-loc") == 0);
        printf("%s\n", dump);
        free(dump);
    } else {
        printf("ERR|%s|%s|%d|%d|%d|%d|",
               r.error.kind == TW_SYNERR_UNSUPPORTED
                   ? "Unsupported" : tw_syntax_error_type_name(&r.error),
               r.error.message, r.error.line, r.error.offset, r.error.end_line,
               r.error.end_offset);
        print_escaped(r.error.text);
        printf("\n");
    }
    tw_parse_result_free(&r);
    free(src);
    return 0;
}

static void run_cases(void);

int main(int argc, char **argv)
{
    if (argc == 3 && (strcmp(argv[1], "--dump") == 0 ||
                      strcmp(argv[1], "--dump-loc") == 0 ||
                      strcmp(argv[1], "--format") == 0)) {
        return run_tool(argv[1], argv[2]);
    }
    run_cases();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

/* ------------------------------------------------------------------ */
/* The cases                                                           */
/* ------------------------------------------------------------------ */

static void run_cases(void)
{
    check_dump("constant", "1", "Module(body=[Expr(value=Constant(value=1))], type_ignores=[])");
    check_dump("binop", "a + 2",
               "Module(body=[Expr(value=BinOp(left=Name(id='a', ctx=Load()), op=Add(), "
               "right=Constant(value=2)))], type_ignores=[])");
    /* The full grammar is checked against CPython by parser.differential;
     * these pin the error record's fields (type, message, span). */
    check_error("double equals", "x = = 1\n", "SyntaxError", "invalid syntax", 1, 5, 1, 6);
    check_error("unexpected indent", "  x = 1\n", "IndentationError", "unexpected indent",
                1, 2, 1, -1);  /* CPython 3.11 gives the same span */
}
