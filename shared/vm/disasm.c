/*
 * disasm.c — `twinpy --dis`: a readable listing of bytecode.
 *
 * The layout follows CPython's dis module: the source line where it
 * changes, the instruction index (">>" marks jump targets), the opcode
 * name, its argument and, in parentheses, what the argument means.
 * Nested code objects (functions, classes, comprehensions) follow their
 * parent.  The opcode names and argument kinds come from opcodes.h.
 */
#include <stdlib.h>
#include <string.h>

#include "twinpy/vm.h"
#include "vm/opcodes.h"

static const char *const cmp_names[] = {"<", "<=", "==", "!=", ">", ">="};

static const char *binop_name(int op)
{
    static const char *const names[] = {
#define TW_X(NAME, slot, sym, d, r, i) sym,
        TW_BINARY_OPS(TW_X)
#undef TW_X
    };
    return op >= 0 && op < TW_BINOP__COUNT ? names[op] : "?";
}

static void print_repr(TwObject *o, FILE *out)
{
    TwObject *r = tw_object_repr(o);
    if (r == NULL) {
        tw_err_clear();
        fputs("?", out);
        return;
    }
    const char *s = TW_STR_DATA(r);
    size_t n = (size_t)TW_STR_SIZE(r);
    if (n > 60) {
        fwrite(s, 1, 57, out);
        fputs("...", out);
    } else {
        fwrite(s, 1, n, out);
    }
    TW_DECREF(r);
}

static void disassemble_one(TwCodeObject *co, FILE *out)
{
    bool *target = calloc((size_t)co->ncode + 1, sizeof(bool));
    for (TwSsize i = 0; target && i < co->ncode; i++) {
        uint32_t w = co->code[i];
        if (TW_INSTR_OP(w) < TW_OP__COUNT && tw_opcode_argkind[TW_INSTR_OP(w)] == TW_ARG_JUMP
            && TW_INSTR_ARG(w) <= (uint32_t)co->ncode)
            target[TW_INSTR_ARG(w)] = true;
    }
    int last_line = -1;
    for (TwSsize i = 0; i < co->ncode; i++) {
        uint32_t w = co->code[i];
        unsigned op = TW_INSTR_OP(w);
        int arg = (int)TW_INSTR_ARG(w);
        int line = co->positions[i].lineno;
        if (line != last_line) {
            if (i > 0)
                fputc('\n', out);
            fprintf(out, "%4d ", line);
            last_line = line;
        } else {
            fputs("     ", out);
        }
        fprintf(out, "%s %6zd ", target && target[i] ? ">>" : "  ", (TwSsize)i);
        if (op >= TW_OP__COUNT) {
            fprintf(out, "<%u>\n", op);
            continue;
        }
        int kind = tw_opcode_argkind[op];
        if (kind == TW_ARG_NONE && arg == 0) {
            fprintf(out, "%s\n", tw_opcode_names[op]);
            continue;
        }
        if (kind == TW_ARG_NONE) {
            /* a mark the assembler left (BINARY_SUBSCR: TW_SUBSCR_STORE_BACK) */
            fprintf(out, "%-24s %5d %s\n", tw_opcode_names[op], arg,
                    op == TW_OP_BINARY_SUBSCR && arg == TW_SUBSCR_STORE_BACK ? "(stored back)" : "");
            continue;
        }
        fprintf(out, "%-24s %5d ", tw_opcode_names[op], arg);
        switch (kind) {
        case TW_ARG_JUMP:
            fprintf(out, "(to %d)", arg);
            break;
        case TW_ARG_CONST:
            if (arg < TW_TUPLE_SIZE(co->consts)) {
                fputc('(', out);
                print_repr(TW_TUPLE_GET(co->consts, arg), out);
                fputc(')', out);
            }
            break;
        case TW_ARG_NAME:
            if (arg < TW_TUPLE_SIZE(co->names))
                fprintf(out, "(%s)", TW_STR_DATA(TW_TUPLE_GET(co->names, arg)));
            break;
        case TW_ARG_LOCAL:
            if (arg < TW_TUPLE_SIZE(co->varnames))
                fprintf(out, "(%s)", TW_STR_DATA(TW_TUPLE_GET(co->varnames, arg)));
            break;
        case TW_ARG_DEREF:
            if (arg < co->ncells)
                fprintf(out, "(%s)", TW_STR_DATA(TW_TUPLE_GET(co->cellvars, arg)));
            else if (arg - co->ncells < co->nfrees)
                fprintf(out, "(%s)", TW_STR_DATA(TW_TUPLE_GET(co->freevars, arg - co->ncells)));
            break;
        case TW_ARG_CMP:
            if (arg >= 0 && arg < 6)
                fprintf(out, "(%s)", cmp_names[arg]);
            break;
        case TW_ARG_BINOP:
            fprintf(out, "(%s%s)", binop_name(arg), op == TW_OP_INPLACE_OP ? "=" : "");
            break;
        default:
            break;
        }
        fputc('\n', out);
    }
    free(target);
}

void tw_code_disassemble(TwObject *code, FILE *out)
{
    if (code == NULL || !TW_CODE_CHECK(code))
        return;
    TwCodeObject *co = (TwCodeObject *)code;
    disassemble_one(co, out);
    for (TwSsize i = 0; i < TW_TUPLE_SIZE(co->consts); i++) {
        TwObject *k = TW_TUPLE_GET(co->consts, i);
        if (TW_CODE_CHECK(k)) {
            TwCodeObject *sub = (TwCodeObject *)k;
            fprintf(out, "\nDisassembly of <code object %s at %p, file \"%s\", line %d>:\n",
                    TW_STR_DATA(sub->name), (void *)sub, TW_STR_DATA(sub->filename), sub->firstlineno);
            tw_code_disassemble(k, out);
        }
    }
}
