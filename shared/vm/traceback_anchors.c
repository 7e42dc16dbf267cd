/*
 * traceback_anchors.c — where the ~ and ^ go under a traceback line.
 *
 * CPython 3.11 marks the failing part of a binary operation or subscript
 * with ~ around ^ (`~~^~~`, `~~~~^^^`).  It finds the operator by parsing
 * the instruction's source segment on its own; so does this file.  It is
 * separate from interp.c because the AST's names (ast.h) and the object
 * model's (object.h) cannot meet in one translation unit.
 */
#include <stdbool.h>
#include <stddef.h>

#include "compiler/parser.h"

bool tw_traceback_caret_anchors(const char *seg, size_t n, long *left, long *right);

static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\r' || c == '\n' || c == '\v'; }

/* For a segment that is one BinOp, [*left, *right) are the operator's byte
 * offsets (CPython skips a closing parenthesis of the left operand); for a
 * Subscript, the brackets and what is inside them.  False otherwise. */
bool tw_traceback_caret_anchors(const char *seg, size_t n, long *left, long *right)
{
    TwParseResult pr = tw_parse(seg, n, "<string>", TW_PARSE_FILE);
    bool found = false;
    if (pr.module && pr.module->body.count == 1 && pr.module->body.items[0]->kind == TW_STMT_EXPR) {
        TwExpr *e = pr.module->body.items[0]->v.Expr.value;
        if (e->kind == TW_EXPR_BINOP) {
            TwExpr *l = e->v.BinOp.left, *r = e->v.BinOp.right;
            for (long i = l->end_col; i < r->col && (size_t)i < n; i++) {
                if (is_ws(seg[i]))
                    continue;
                *left = i;
                *right = i + 1;
                if (i + 1 < r->col && !is_ws(seg[i + 1]))
                    ++*right;
                if (i + 1 < r->col && seg[i] == ')')
                    continue;
                found = true;
                break;
            }
        } else if (e->kind == TW_EXPR_SUBSCRIPT) {
            *left = e->v.Subscript.value->end_col;
            *right = e->v.Subscript.slice->end_col + 1;
            found = true;
        }
    }
    tw_parse_result_free(&pr);
    return found;
}
