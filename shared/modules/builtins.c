/*
 * builtins.c — the builtins module: the functions every program sees, the
 * lazy iterator types (enumerate, zip, map, filter, reversed and iter's
 * callable iterator), and the names of the built-in types and exceptions.
 *
 * The built-in types themselves (int, str, list, ...) live in
 * shared/objects/; calling them runs their tp_new.  What is here is only
 * what has no object of its own.  Error messages are CPython 3.11's, since
 * programs and tests compare them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/stdmodules.h"
#include "objects/containers.h"
#include "twinpy/interp.h"
#include "twinpy/types.h"
#include "twinpy/vm.h"

/* ---------------- argument helpers ---------------------------------- */

int tw_args_keywords(const char *fname, TwObject *const *args, size_t nargs,
                     TwObject *kwnames, const char *const *names, size_t nnames,
                     TwObject **out)
{
    if (!kwnames)
        return 0;
    TwSsize nk = TW_TUPLE_SIZE(kwnames);
    for (TwSsize k = 0; k < nk; k++) {
        TwObject *key = TW_TUPLE_GET(kwnames, k);
        size_t i = 0;
        while (i < nnames && !tw_str_eq_cstr(key, names[i]))
            i++;
        if (i == nnames) {
            tw_err_format(TwExc_TypeError, "%s() got an unexpected keyword argument '%S'", fname, key);
            return -1;
        }
        out[i] = args[nargs + (size_t)k];
    }
    return 0;
}

int tw_arg_as_i64(TwObject *o, int64_t *out)
{
    if (TW_INT_CHECK(o)) {
        *out = TW_INT_VALUE(o);
        return 0;
    }
    TwSsize v;
    if (tw_number_as_ssize(o, &v) < 0)
        return -1;
    *out = (int64_t)v;
    return 0;
}

static int check_args(const char *name, size_t nargs, TwObject *kwnames, size_t min, size_t max)
{
    if (tw_arg_check_no_kwargs(name, kwnames) < 0 || tw_arg_check_count(name, nargs, min, max) < 0)
        return -1;
    return 0;
}

static TwObject *self_iter(TwObject *o) { return tw_newref(o); }

/* The innermost running Python frame: the caller of a builtin. */
static TwFrame *caller_frame(void)
{
    TwThreadState *ts = tw_tstate();
    return ts ? ts->frame : NULL;
}

/* ---------------- print ---------------------------------------------- */

/* The stream sys.stdout names now (a new reference), so that reassigning
 * sys.stdout redirects print as in CPython.  Held for the whole print: a
 * write() may reassign sys.stdout (in this thread or another), which
 * would otherwise free the stream between two pieces. */
static TwObject *current_stdout(void)
{
    TwObject *sys = tw_interp_sys_module();
    TwObject *out = NULL;
    if (sys && tw_dict_get_ref(tw_module_get_dict(sys), tw_str_intern_cstr("stdout"), &out) < 0)
        tw_err_clear();
    return out ? out : tw_newref(tw_stdio_object(1));
}

static int check_sep(const char *what, TwObject *v)
{
    if (v && v != Tw_None && !TW_STR_CHECK(v)) {
        tw_err_format(TwExc_TypeError, "%s must be None or a string, not %T", what, v);
        return -1;
    }
    return 0;
}

/* file.write(s) for print's pieces. */
static int write_to(TwObject *file, TwObject *s)
{
    TwObject *r = tw_call_method(file, "write", &s, 1);
    if (!r)
        return -1;
    TW_DECREF(r);
    return 0;
}

/* print to an object of the program's own: write() once per piece, as
 * CPython does (str(obj), sep, str(obj), ..., end). */
static int print_to_object(TwObject *file, TwObject *const *args, size_t nargs, TwObject *sep, TwObject *end)
{
    TwObject *space = NULL, *newline = NULL;
    int rc = -1;
    if (!sep && !(sep = space = tw_str_from_cstr(" ")))
        goto done;
    if (!end && !(end = newline = tw_str_from_cstr("\n")))
        goto done;
    for (size_t i = 0; i < nargs; i++) {
        if (i > 0 && write_to(file, sep) < 0)
            goto done;
        TwObject *s = tw_object_str(args[i]);
        if (!s)
            goto done;
        int w = write_to(file, s);
        TW_DECREF(s);
        if (w < 0)
            goto done;
    }
    rc = write_to(file, end);
done:
    TW_XDECREF(space);
    TW_XDECREF(newline);
    return rc;
}

/* print(*objects, sep=' ', end='\n', file=None, flush=False).  To the
 * standard streams the line is composed first and written with one call,
 * so that lines printed by different threads never interleave within a
 * line. */
static TwObject *print_to(TwObject *file, TwObject *const *args, size_t nargs, TwObject *sep, TwObject *end,
                          TwObject *flush);

static TwObject *builtin_print(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    static const char *const kw[] = {"sep", "end", "file", "flush"};
    TwObject *opt[4] = {NULL, NULL, NULL, NULL};
    if (tw_args_keywords("print", args, nargs, kwnames, kw, 4, opt) < 0)
        return NULL;
    TwObject *sep = opt[0], *end = opt[1], *file = opt[2], *flush = opt[3];
    if (check_sep("sep", sep) < 0 || check_sep("end", end) < 0)
        return NULL;
    if (sep == Tw_None)
        sep = NULL;
    if (end == Tw_None)
        end = NULL;
    file = !file || file == Tw_None ? current_stdout() : tw_newref(file);
    TwObject *r = print_to(file, args, nargs, sep, end, flush);
    TW_DECREF(file);
    return r;
}

static TwObject *print_to(TwObject *file, TwObject *const *args, size_t nargs, TwObject *sep, TwObject *end,
                          TwObject *flush)
{
    int which = tw_stdio_which(file);
    if (!which) {
        if (print_to_object(file, args, nargs, sep, end) < 0)
            return NULL;
    } else {
        TwStrBuilder sb;
        tw_sb_init(&sb);
        for (size_t i = 0; i < nargs; i++) {
            int rc = 0;
            if (i > 0)
                rc = sep ? tw_sb_append(&sb, TW_STR_DATA(sep), (size_t)TW_STR_SIZE(sep)) : tw_sb_append(&sb, " ", 1);
            if (rc < 0 || tw_sb_append_obj_str(&sb, args[i]) < 0) {
                tw_sb_discard(&sb);
                return NULL;
            }
        }
        int rc = end ? tw_sb_append(&sb, TW_STR_DATA(end), (size_t)TW_STR_SIZE(end)) : tw_sb_append(&sb, "\n", 1);
        if (rc < 0) {
            tw_sb_discard(&sb);
            return NULL;
        }
        TwObject *line = tw_sb_finish(&sb);
        if (!line)
            return NULL;
        tw_stdio_write(which, TW_STR_DATA(line), (size_t)TW_STR_SIZE(line));
        TW_DECREF(line);
    }
    if (flush) {
        int t = tw_object_is_true(flush);
        if (t < 0)
            return NULL;
        if (t) {
            if (which) {
                tw_stdio_flush(which);
            } else {
                TwObject *r = tw_call_method(file, "flush", NULL, 0);
                if (!r)
                    return NULL;
                TW_DECREF(r);
            }
        }
    }
    TW_RETURN_NONE;
}

/* ---------------- simple functions ---------------------------------- */

static TwObject *builtin_len(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (check_args("len", nargs, kwnames, 1, 1) < 0)
        return NULL;
    TwSsize n = tw_object_len(args[0]);
    return n < 0 ? NULL : tw_int_from_i64(n);
}

static TwObject *builtin_abs(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (check_args("abs", nargs, kwnames, 1, 1) < 0)
        return NULL;
    return tw_number_absolute(args[0]);
}

static TwObject *builtin_repr(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (check_args("repr", nargs, kwnames, 1, 1) < 0)
        return NULL;
    return tw_object_repr(args[0]);
}

/* ascii(): repr with every non-ASCII character escaped. */
static TwObject *builtin_ascii(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (check_args("ascii", nargs, kwnames, 1, 1) < 0)
        return NULL;
    TwObject *r = tw_object_repr(args[0]);
    if (!r || ((TwStrObject *)r)->is_ascii)
        return r;
    TwStrBuilder sb;
    tw_sb_init(&sb);
    const unsigned char *p = (const unsigned char *)TW_STR_DATA(r);
    const unsigned char *e = p + TW_STR_SIZE(r);
    while (p < e) {
        uint32_t c = *p;
        int n = 1;
        if (c >= 0xf0) {
            c &= 0x07;
            n = 4;
        } else if (c >= 0xe0) {
            c &= 0x0f;
            n = 3;
        } else if (c >= 0xc0) {
            c &= 0x1f;
            n = 2;
        }
        for (int i = 1; i < n && p + i < e; i++)
            c = (c << 6) | (p[i] & 0x3f);
        p += n;
        char buf[16];
        if (c < 0x80)
            buf[0] = (char)c, buf[1] = 0;
        else if (c <= 0xff)
            snprintf(buf, sizeof buf, "\\x%02x", c);
        else if (c <= 0xffff)
            snprintf(buf, sizeof buf, "\\u%04x", c);
        else
            snprintf(buf, sizeof buf, "\\U%08x", c);
        if (tw_sb_append_cstr(&sb, buf) < 0) {
            tw_sb_discard(&sb);
            TW_DECREF(r);
            return NULL;
        }
    }
    TW_DECREF(r);
    return tw_sb_finish(&sb);
}

static TwObject *builtin_hash(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (check_args("hash", nargs, kwnames, 1, 1) < 0)
        return NULL;
    TwHash h = tw_object_hash(args[0]);
    return h == -1 && tw_err_occurred() ? NULL : tw_int_from_i64(h);
}

static TwObject *builtin_id(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (check_args("id", nargs, kwnames, 1, 1) < 0)
        return NULL;
    return tw_int_from_i64((int64_t)(intptr_t)args[0]);
}

static TwObject *builtin_callable(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (check_args("callable", nargs, kwnames, 1, 1) < 0)
        return NULL;
    return tw_bool_from(tw_callable(args[0]));
}

static TwObject *builtin_isinstance(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (check_args("isinstance", nargs, kwnames, 2, 2) < 0)
        return NULL;
    int r = tw_object_isinstance(args[0], args[1]);
    return r < 0 ? NULL : tw_bool_from(r);
}

static TwObject *builtin_issubclass(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (check_args("issubclass", nargs, kwnames, 2, 2) < 0)
        return NULL;
    if (!TW_TYPE_CHECK(args[0], &TwType_Type))
        return tw_err_format(TwExc_TypeError, "issubclass() arg 1 must be a class");
    int r = tw_object_issubclass(args[0], args[1]);
    return r < 0 ? NULL : tw_bool_from(r);
}

static TwObject *builtin_format(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (check_args("format", nargs, kwnames, 1, 2) < 0)
        return NULL;
    if (nargs == 2 && !TW_STR_CHECK(args[1]))
        return tw_err_format(TwExc_TypeError, "format() argument 2 must be str, not %T", args[1]);
    TwObject *spec = nargs == 2 ? tw_newref(args[1]) : tw_str_from_cstr("");
    if (!spec)
        return NULL;
    TwObject *r = tw_object_format(args[0], spec);
    TW_DECREF(spec);
    return r;
}

/* bin/hex/oct: sign, prefix, digits of the magnitude. */
static TwObject *int_to_base(TwObject *o, int base, const char *prefix)
{
    int64_t v;
    if (TW_FLOAT_CHECK(o))
        return tw_err_format(TwExc_TypeError, "'float' object cannot be interpreted as an integer");
    if (tw_arg_as_i64(o, &v) < 0)
        return NULL;
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char digits[80];
    int n = 0;
    do {
        digits[n++] = "0123456789abcdef"[m % (uint64_t)base];
        m /= (uint64_t)base;
    } while (m);
    char buf[96];
    int k = 0;
    if (v < 0)
        buf[k++] = '-';
    for (const char *p = prefix; *p; p++)
        buf[k++] = *p;
    while (n > 0)
        buf[k++] = digits[--n];
    buf[k] = '\0';
    return tw_str_from_cstr(buf);
}

static TwObject *builtin_bin(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return check_args("bin", nargs, kwnames, 1, 1) < 0 ? NULL : int_to_base(args[0], 2, "0b");
}

static TwObject *builtin_oct(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return check_args("oct", nargs, kwnames, 1, 1) < 0 ? NULL : int_to_base(args[0], 8, "0o");
}

static TwObject *builtin_hex(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return check_args("hex", nargs, kwnames, 1, 1) < 0 ? NULL : int_to_base(args[0], 16, "0x");
}

static TwObject *builtin_chr(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    int64_t c;
    if (check_args("chr", nargs, kwnames, 1, 1) < 0)
        return NULL;
    if (TW_FLOAT_CHECK(args[0]))
        return tw_err_format(TwExc_TypeError, "'float' object cannot be interpreted as an integer");
    if (tw_arg_as_i64(args[0], &c) < 0)
        return NULL;
    if (c < 0 || c > 0x10ffff)
        return tw_err_format(TwExc_ValueError, "chr() arg not in range(0x110000)");
    char buf[4];
    size_t n;
    if (c < 0x80) {
        buf[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        buf[0] = (char)(0xc0 | (c >> 6));
        buf[1] = (char)(0x80 | (c & 0x3f));
        n = 2;
    } else if (c < 0x10000) {
        buf[0] = (char)(0xe0 | (c >> 12));
        buf[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        buf[2] = (char)(0x80 | (c & 0x3f));
        n = 3;
    } else {
        buf[0] = (char)(0xf0 | (c >> 18));
        buf[1] = (char)(0x80 | ((c >> 12) & 0x3f));
        buf[2] = (char)(0x80 | ((c >> 6) & 0x3f));
        buf[3] = (char)(0x80 | (c & 0x3f));
        n = 4;
    }
    return tw_str_from_utf8(buf, n);
}

static TwObject *builtin_ord(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (check_args("ord", nargs, kwnames, 1, 1) < 0)
        return NULL;
    TwObject *s = args[0];
    if (!TW_STR_CHECK(s))
        return tw_err_format(TwExc_TypeError, "ord() expected string of length 1, but %T found", s);
    if (TW_STR_LEN(s) != 1)
        return tw_err_format(TwExc_TypeError, "ord() expected a character, but string of length %zd found",
                             (TwSsize)TW_STR_LEN(s));
    const unsigned char *p = (const unsigned char *)TW_STR_DATA(s);
    uint32_t c = p[0];
    int n = 1;
    if (c >= 0xf0) {
        c &= 0x07;
        n = 4;
    } else if (c >= 0xe0) {
        c &= 0x0f;
        n = 3;
    } else if (c >= 0xc0) {
        c &= 0x1f;
        n = 2;
    }
    for (int i = 1; i < n; i++)
        c = (c << 6) | (p[i] & 0x3f);
    return tw_int_from_i64(c);
}

/* ---------------- attributes ---------------------------------------- */

static int check_attr_name(TwObject *name)
{
    if (!TW_STR_CHECK(name)) {
        tw_err_format(TwExc_TypeError, "attribute name must be string, not '%T'", name);
        return -1;
    }
    return 0;
}

static TwObject *builtin_getattr(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (check_args("getattr", nargs, kwnames, 2, 3) < 0 || check_attr_name(args[1]) < 0)
        return NULL;
    if (nargs == 2)
        return tw_object_getattr(args[0], args[1]);
    TwObject *r;
    int found = tw_object_lookup_attr(args[0], args[1], &r);
    if (found < 0)
        return NULL;
    return found ? r : tw_newref(args[2]);
}

static TwObject *builtin_hasattr(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (check_args("hasattr", nargs, kwnames, 2, 2) < 0 || check_attr_name(args[1]) < 0)
        return NULL;
    TwObject *r;
    int found = tw_object_lookup_attr(args[0], args[1], &r);
    if (found < 0)
        return NULL;
    TW_XDECREF(r);
    return tw_bool_from(found);
}

static TwObject *builtin_setattr(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (check_args("setattr", nargs, kwnames, 3, 3) < 0 || check_attr_name(args[1]) < 0)
        return NULL;
    if (tw_object_setattr(args[0], args[1], args[2]) < 0)
        return NULL;
    TW_RETURN_NONE;
}

static TwObject *builtin_delattr(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (check_args("delattr", nargs, kwnames, 2, 2) < 0 || check_attr_name(args[1]) < 0)
        return NULL;
    if (tw_object_delattr(args[0], args[1]) < 0)
        return NULL;
    TW_RETURN_NONE;
}

/* ---------------- namespaces: globals, locals, vars, dir ------------- */

static TwObject *builtin_globals(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (check_args("globals", nargs, kwnames, 0, 0) < 0)
        return NULL;
    TwFrame *f = caller_frame();
    if (!f)
        return tw_err_format(TwExc_RuntimeError, "globals(): no current frame");
    return tw_newref(f->globals);
}

/* A snapshot of a function frame's fast locals and cells, as CPython's
 * locals() gives inside functions. */
static TwObject *frame_locals(TwFrame *f)
{
    if (f->locals)
        return tw_newref(f->locals);
    TwCodeObject *co = f->code;
    TwObject *d = tw_dict_new();
    if (!d)
        return NULL;
    for (int i = 0; i < co->nlocals && i < TW_TUPLE_SIZE(co->varnames); i++) {
        TwObject *v = f->localsplus[i];
        if (v && tw_dict_set(d, TW_TUPLE_GET(co->varnames, i), v) < 0)
            goto fail;
    }
    for (int i = 0; i < co->ncells; i++) {
        TwObject *cell = f->localsplus[co->nlocals + i];
        TwObject *v = cell ? tw_cell_get_ref(cell) : NULL;
        int rc = v ? tw_dict_set(d, TW_TUPLE_GET(co->cellvars, i), v) : 0;
        TW_XDECREF(v);
        if (rc < 0)
            goto fail;
    }
    for (int i = 0; i < co->nfrees; i++) {
        TwObject *cell = f->localsplus[co->nlocals + co->ncells + i];
        TwObject *v = cell ? tw_cell_get_ref(cell) : NULL;
        int rc = v ? tw_dict_set(d, TW_TUPLE_GET(co->freevars, i), v) : 0;
        TW_XDECREF(v);
        if (rc < 0)
            goto fail;
    }
    return d;
fail:
    TW_DECREF(d);
    return NULL;
}

static TwObject *builtin_locals(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (check_args("locals", nargs, kwnames, 0, 0) < 0)
        return NULL;
    TwFrame *f = caller_frame();
    if (!f)
        return tw_err_format(TwExc_RuntimeError, "locals(): no current frame");
    return frame_locals(f);
}

static TwObject *builtin_vars(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (check_args("vars", nargs, kwnames, 0, 1) < 0)
        return NULL;
    if (nargs == 0)
        return builtin_locals(self, args, 0, NULL);
    TwObject *d;
    int found = tw_object_lookup_attr(args[0], tw_str_intern_cstr("__dict__"), &d);
    if (found < 0)
        return NULL;
    if (!found)
        return tw_err_format(TwExc_TypeError, "vars() argument must have __dict__ attribute");
    return d;
}

static int add_keys(TwObject *set, TwObject *dict)
{
    if (!dict || !TW_DICT_CHECK(dict))
        return 0;
    TwObject *keys = tw_dict_keys_list(dict);
    if (!keys)
        return -1;
    int rc = 0;
    for (TwSsize i = 0; i < TW_LIST_SIZE(keys) && rc == 0; i++) {
        TwObject *k = tw_list_get(keys, i);
        rc = k ? tw_set_add(set, k) : -1;
        TW_XDECREF(k);
    }
    TW_DECREF(keys);
    return rc;
}

/* dir(o): the instance's attributes and those of its class and bases;
 * for a module, its globals; for a class, its attributes and its bases'. */
static TwObject *builtin_dir(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (check_args("dir", nargs, kwnames, 0, 1) < 0)
        return NULL;
    TwObject *names = tw_set_new(NULL);
    if (!names)
        return NULL;
    if (nargs == 0) {
        TwFrame *f = caller_frame();
        TwObject *loc = f ? frame_locals(f) : NULL;
        if (!loc || add_keys(names, loc) < 0) {
            TW_XDECREF(loc);
            goto fail;
        }
        TW_DECREF(loc);
    } else {
        TwObject *o = args[0];
        if (TW_TYPE_CHECK(o, &TwModule_Type)) {
            if (add_keys(names, tw_module_get_dict(o)) < 0)
                goto fail;
        } else {
            TwObject *d;
            int found = tw_object_lookup_attr(o, tw_str_intern_cstr("__dict__"), &d);
            if (found < 0)
                goto fail;
            if (found && !TW_TYPE_CHECK(o, &TwType_Type)) {
                int rc = add_keys(names, d);
                TW_DECREF(d);
                if (rc < 0)
                    goto fail;
            } else {
                TW_XDECREF(d);
            }
            TwTypeObject *tp = TW_TYPE_CHECK(o, &TwType_Type) ? (TwTypeObject *)o : TW_TYPE(o);
            TwObject *mro = tp->tp_mro;
            if (mro && TW_TUPLE_CHECK(mro)) {
                for (TwSsize i = 0; i < TW_TUPLE_SIZE(mro); i++)
                    if (add_keys(names, ((TwTypeObject *)TW_TUPLE_GET(mro, i))->tp_dict) < 0)
                        goto fail;
            } else if (add_keys(names, tp->tp_dict) < 0) {
                goto fail;
            }
        }
    }
    TwObject *list = tw_list_from_iterable(names);
    TW_DECREF(names);
    if (list && tw_list_sort(list, NULL, false) < 0)
        TW_CLEAR(list);
    return list;
fail:
    TW_DECREF(names);
    return NULL;
}

/* ---------------- iteration helpers --------------------------------- */

static TwObject *builtin_iter(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames);
static TwObject *builtin_next(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (check_args("next", nargs, kwnames, 1, 2) < 0)
        return NULL;
    TwObject *it = args[0];
    if (!TW_TYPE(it)->tp_iternext)
        return tw_err_format(TwExc_TypeError, "'%T' object is not an iterator", it);
    TwObject *r = TW_TYPE(it)->tp_iternext(it);
    if (r || tw_err_occurred()) {
        if (!r && nargs == 2 && tw_err_matches(TwExc_StopIteration)) {
            tw_err_clear();
            return tw_newref(args[1]);
        }
        return r;
    }
    if (nargs == 2)
        return tw_newref(args[1]);
    tw_err_set_object(TwExc_StopIteration, NULL);
    return NULL;
}

static TwObject *builtin_any_all(const char *name, bool want, TwObject *const *args, size_t nargs,
                                 TwObject *kwnames)
{
    if (check_args(name, nargs, kwnames, 1, 1) < 0)
        return NULL;
    TwObject *it = tw_object_iter(args[0]);
    if (!it)
        return NULL;
    TwObject *item;
    while ((item = tw_iter_next(it)) != NULL) {
        int t = tw_object_is_true(item);
        TW_DECREF(item);
        if (t < 0) {
            TW_DECREF(it);
            return NULL;
        }
        if ((bool)t == want) {
            TW_DECREF(it);
            return tw_bool_from(want);
        }
    }
    TW_DECREF(it);
    if (tw_err_occurred())
        return NULL;
    return tw_bool_from(!want);
}

static TwObject *builtin_any(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return builtin_any_all("any", true, args, nargs, kwnames);
}

static TwObject *builtin_all(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return builtin_any_all("all", false, args, nargs, kwnames);
}

/* min() and max(): one iterable or several arguments; key= and default=. */
static TwObject *min_max(const char *name, int op, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    static const char *const kw[] = {"key", "default"};
    TwObject *opt[2] = {NULL, NULL};
    for (TwSsize k = 0; kwnames && k < TW_TUPLE_SIZE(kwnames); k++) {
        TwObject *kn = TW_TUPLE_GET(kwnames, k);
        if (!tw_str_eq_cstr(kn, "key") && !tw_str_eq_cstr(kn, "default"))
            return tw_err_format(TwExc_TypeError, "'%S' is an invalid keyword argument for %s()", kn, name);
    }
    if (tw_args_keywords(name, args, nargs, kwnames, kw, 2, opt) < 0)
        return NULL;
    TwObject *key = opt[0] == Tw_None ? NULL : opt[0], *dflt = opt[1];
    if (nargs == 0)
        return tw_err_format(TwExc_TypeError, "%s expected at least 1 argument, got 0", name);
    if (nargs > 1 && dflt)
        return tw_err_format(TwExc_TypeError,
                             "Cannot specify a default for %s() with multiple positional arguments", name);
    TwObject *it = nargs == 1 ? tw_object_iter(args[0]) : NULL;
    if (nargs == 1 && !it)
        return NULL;
    TwObject *best = NULL, *bestkey = NULL;
    size_t i = 0;
    for (;;) {
        TwObject *item;
        if (it) {
            item = tw_iter_next(it);
            if (!item)
                break;
        } else {
            if (i == nargs)
                break;
            item = tw_newref(args[i++]);
        }
        TwObject *k = key ? tw_call1(key, item) : tw_newref(item);
        if (!k) {
            TW_DECREF(item);
            goto fail;
        }
        if (!best) {
            best = item;
            bestkey = k;
            continue;
        }
        int better = tw_object_richcompare_bool(k, bestkey, op);
        if (better < 0) {
            TW_DECREF(item);
            TW_DECREF(k);
            goto fail;
        }
        if (better) {
            TW_SETREF(best, item);
            TW_SETREF(bestkey, k);
        } else {
            TW_DECREF(item);
            TW_DECREF(k);
        }
    }
    if (tw_err_occurred())
        goto fail;
    TW_XDECREF(it);
    TW_XDECREF(bestkey);
    if (!best) {
        if (dflt)
            return tw_newref(dflt);
        return tw_err_format(TwExc_ValueError, "%s() arg is an empty sequence", name);
    }
    return best;
fail:
    TW_XDECREF(it);
    TW_XDECREF(best);
    TW_XDECREF(bestkey);
    return NULL;
}

static TwObject *builtin_min(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return min_max("min", TW_LT, args, nargs, kwnames);
}

static TwObject *builtin_max(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return min_max("max", TW_GT, args, nargs, kwnames);
}

static TwObject *builtin_sum(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    static const char *const kw[] = {"start"};
    TwObject *start = nargs > 1 ? args[1] : NULL;
    if (nargs == 0)
        return tw_err_format(TwExc_TypeError, "sum() takes at least 1 positional argument (0 given)");
    if (tw_arg_check_count("sum", nargs, 1, 2) < 0 ||
        tw_args_keywords("sum", args, nargs, kwnames, kw, 1, &start) < 0)
        return NULL;
    if (start && TW_STR_CHECK(start))
        return tw_err_format(TwExc_TypeError, "sum() can't sum strings [use ''.join(seq) instead]");
    TwObject *acc = start ? tw_newref(start) : tw_int_from_i64(0);
    TwObject *it = tw_object_iter(args[0]);
    if (!it) {
        TW_DECREF(acc);
        return NULL;
    }
    TwObject *item;
    while ((item = tw_iter_next(it)) != NULL) {
        TwObject *r = tw_number_binop(acc, item, TW_BINOP_ADD);
        TW_DECREF(item);
        TW_DECREF(acc);
        acc = r;
        if (!acc)
            break;
    }
    TW_DECREF(it);
    if (acc && tw_err_occurred())
        TW_CLEAR(acc);
    return acc;
}

static TwObject *builtin_sorted(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    static const char *const kw[] = {"key", "reverse"};
    TwObject *opt[2] = {NULL, NULL};
    if (nargs != 1)
        return tw_err_format(TwExc_TypeError, "sorted expected 1 argument, got %zd", (TwSsize)nargs);
    if (tw_args_keywords("sorted", args, nargs, kwnames, kw, 2, opt) < 0)
        return NULL;
    int reverse = 0;
    if (opt[1] && (reverse = tw_object_is_true(opt[1])) < 0)
        return NULL;
    TwObject *list = tw_list_from_iterable(args[0]);
    if (!list)
        return NULL;
    if (tw_list_sort(list, opt[0] == Tw_None ? NULL : opt[0], reverse) < 0) {
        TW_DECREF(list);
        return NULL;
    }
    return list;
}

/* ---------------- arithmetic ---------------------------------------- */

static TwObject *builtin_divmod(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (check_args("divmod", nargs, kwnames, 2, 2) < 0)
        return NULL;
    TwObject *a = args[0], *b = args[1];
    if (!TW_INT_CHECK(a) && !TW_FLOAT_CHECK(a) && tw_type_lookup_str(TW_TYPE(a), "__divmod__"))
        return tw_call_method(a, "__divmod__", &b, 1);
    bool numbers = (TW_INT_CHECK(a) || TW_FLOAT_CHECK(a)) && (TW_INT_CHECK(b) || TW_FLOAT_CHECK(b));
    if (numbers && (TW_FLOAT_CHECK(a) || TW_FLOAT_CHECK(b)) &&
        (TW_FLOAT_CHECK(b) ? TW_FLOAT_VALUE(b) == 0.0 : TW_INT_VALUE(b) == 0))
        return tw_err_format(TwExc_ZeroDivisionError, "float divmod()");
    TwObject *q = tw_number_binop(a, b, TW_BINOP_FLOORDIV);
    if (!q)
        return NULL;
    TwObject *r = tw_number_binop(a, b, TW_BINOP_MOD);
    if (!r) {
        TW_DECREF(q);
        return NULL;
    }
    TwObject *t = tw_tuple_pack(2, q, r);
    TW_DECREF(q);
    TW_DECREF(r);
    return t;
}

static TwObject *builtin_pow(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    static const char *const kw[] = {"base", "exp", "mod"};
    TwObject *v[3] = {nargs > 0 ? args[0] : NULL, nargs > 1 ? args[1] : NULL, nargs > 2 ? args[2] : NULL};
    if (tw_arg_check_count("pow", nargs, 0, 3) < 0 || tw_args_keywords("pow", args, nargs, kwnames, kw, 3, v) < 0)
        return NULL;
    if (!v[0] || !v[1])
        return tw_err_format(TwExc_TypeError, "pow() missing required argument '%s' (pos %d)",
                             v[0] ? "exp" : "base", v[0] ? 2 : 1);
    if (v[2] && v[2] != Tw_None)
        return tw_number_power3(v[0], v[1], v[2]);
    return tw_number_binop(v[0], v[1], TW_BINOP_POW);
}

/* Round half to even at 10**-ndigits for an int (ndigits < 0). */
static TwObject *round_int(int64_t v, int64_t ndigits)
{
    if (ndigits >= 0)
        return tw_int_from_i64(v);
    if (ndigits < -18)
        return tw_int_from_i64(0);
    int64_t p = 1;
    for (int64_t i = 0; i < -ndigits; i++)
        p *= 10;
    int64_t q = v / p, r = v % p;
    if (r < 0) {
        r += p;
        q -= 1;
    }
    if (2 * (unsigned __int128)r > (unsigned __int128)p || (2 * (unsigned __int128)r == (unsigned __int128)p && (q & 1)))
        q += 1;
    __int128 res = (__int128)q * p;
    if (res > INT64_MAX || res < INT64_MIN)
        return tw_err_format(TwExc_OverflowError, "int too large: twinpy ints are 64-bit");
    return tw_int_from_i64((int64_t)res);
}

/* round(float, n): the correctly rounded decimal (half to even on exact
 * ties), read back as a double: what CPython's dtoa-based round gives. */
static TwObject *round_float(double x, int64_t ndigits)
{
    if (!isfinite(x) || x == 0.0)
        return tw_float_from_double(x);
    if (ndigits > 323)
        return tw_float_from_double(x);
    if (ndigits < -308)
        return tw_float_from_double(copysign(0.0, x));
    double r;
    if (ndigits >= 0) {
        char buf[400];
        snprintf(buf, sizeof buf, "%.*f", (int)ndigits, x);
        r = strtod(buf, NULL);
    } else {
        double p = pow(10.0, (double)-ndigits);
        double y = x / p;
        r = nearbyint(y) * p;
        if (isinf(r))
            return tw_err_format(TwExc_OverflowError, "rounded value too large to represent");
    }
    if (r == 0.0)
        r = copysign(0.0, x);
    return tw_float_from_double(r);
}

static TwObject *builtin_round(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    static const char *const kw[] = {"number", "ndigits"};
    TwObject *v[2] = {nargs > 0 ? args[0] : NULL, nargs > 1 ? args[1] : NULL};
    if (tw_arg_check_count("round", nargs, 0, 2) < 0 || tw_args_keywords("round", args, nargs, kwnames, kw, 2, v) < 0)
        return NULL;
    if (!v[0])
        return tw_err_format(TwExc_TypeError, "round() missing required argument 'number' (pos 1)");
    TwObject *x = v[0], *nd = v[1] == Tw_None ? NULL : v[1];
    int64_t ndigits = 0;
    if (nd) {
        if (TW_FLOAT_CHECK(nd))
            return tw_err_format(TwExc_TypeError, "'float' object cannot be interpreted as an integer");
        if (tw_arg_as_i64(nd, &ndigits) < 0)
            return NULL;
    }
    if (TW_INT_CHECK(x))
        return round_int(TW_INT_VALUE(x), nd ? ndigits : 0);
    if (TW_FLOAT_CHECK(x)) {
        double d = TW_FLOAT_VALUE(x);
        if (nd)
            return round_float(d, ndigits);
        if (isnan(d))
            return tw_err_format(TwExc_ValueError, "cannot convert float NaN to integer");
        if (isinf(d))
            return tw_err_format(TwExc_OverflowError, "cannot convert float infinity to integer");
        double r = nearbyint(d);
        if (r >= 9223372036854775808.0 || r < -9223372036854775808.0)
            return tw_err_format(TwExc_OverflowError, "int too large: twinpy ints are 64-bit");
        return tw_int_from_i64((int64_t)r);
    }
    if (tw_type_lookup_str(TW_TYPE(x), "__round__"))
        return tw_call_method(x, "__round__", nd ? &nd : NULL, nd ? 1 : 0);
    return tw_err_format(TwExc_TypeError, "type %s doesn't define __round__ method", tw_type_name(TW_TYPE(x)));
}

/* ---------------- exec, eval, import -------------------------------- */

/* globals/locals for exec and eval: the caller's when not given. */
static int exec_namespaces(const char *fname, TwObject *g, TwObject *l, TwObject **gout, TwObject **lout)
{
    if (g == Tw_None)
        g = NULL;
    if (l == Tw_None)
        l = NULL;
    if (g && !TW_DICT_CHECK(g)) {
        tw_err_format(TwExc_TypeError, "%s() globals must be a dict, not %T", fname, g);
        return -1;
    }
    if (!g) {
        TwFrame *f = caller_frame();
        if (!f) {
            tw_err_format(TwExc_SystemError, "%s(): no current frame", fname);
            return -1;
        }
        *gout = tw_newref(f->globals);
        *lout = l ? tw_newref(l) : frame_locals(f);
        if (!*lout) {
            TW_DECREF(*gout);
            return -1;
        }
    } else {
        *gout = tw_newref(g);
        *lout = tw_newref(l ? l : g);
    }
    if (tw_dict_contains(*gout, tw_str_intern_cstr("__builtins__")) == 0) {
        TwObject *b = tw_dict_get_borrowed(tw_interp_modules_dict(), tw_str_intern_cstr("builtins"));
        if (b)
            (void)tw_dict_set_str(*gout, "__builtins__", b);
    }
    return 0;
}

static TwObject *exec_eval(const char *fname, TwCompileMode mode, TwObject *const *args, size_t nargs,
                           TwObject *kwnames)
{
    static const char *const kw[] = {"source", "globals", "locals"};
    TwObject *v[3] = {nargs > 0 ? args[0] : NULL, nargs > 1 ? args[1] : NULL, nargs > 2 ? args[2] : NULL};
    if (tw_arg_check_count(fname, nargs, 1, 3) < 0 || tw_args_keywords(fname, args, nargs, kwnames, kw, 3, v) < 0)
        return NULL;
    TwObject *code;
    if (TW_CODE_CHECK(v[0])) {
        code = tw_newref(v[0]);
    } else if (TW_STR_CHECK(v[0])) {
        const char *src = TW_STR_DATA(v[0]);
        size_t len = (size_t)TW_STR_SIZE(v[0]);
        if (mode == TW_COMPILE_EVAL) {
            while (len > 0 && (*src == ' ' || *src == '\t')) {
                src++;
                len--;
            }
        }
        code = tw_compile_source(src, len, "<string>", mode);
    } else {
        return tw_err_format(TwExc_TypeError, "%s() arg 1 must be a string, bytes or code object", fname);
    }
    if (!code)
        return NULL;
    TwObject *g, *l;
    if (exec_namespaces(fname, v[1], v[2], &g, &l) < 0) {
        TW_DECREF(code);
        return NULL;
    }
    TwObject *r = tw_eval_code(code, g, l);
    TW_DECREF(code);
    TW_DECREF(g);
    TW_DECREF(l);
    if (r && mode == TW_COMPILE_EXEC) {
        TW_DECREF(r);
        TW_RETURN_NONE;
    }
    return r;
}

static TwObject *builtin_exec(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return exec_eval("exec", TW_COMPILE_EXEC, args, nargs, kwnames);
}

static TwObject *builtin_eval(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return exec_eval("eval", TW_COMPILE_EVAL, args, nargs, kwnames);
}

static TwObject *builtin_import(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    static const char *const kw[] = {"name", "globals", "locals", "fromlist", "level"};
    TwObject *v[5] = {nargs > 0 ? args[0] : NULL, NULL, NULL, NULL, NULL};
    if (tw_arg_check_count("__import__", nargs, 1, 5) < 0 ||
        tw_args_keywords("__import__", args, nargs, kwnames, kw, 5, v) < 0)
        return NULL;
    return tw_import_module(v[0]);
}

/* exit() and quit(), which CPython's site module adds. */
static TwObject *builtin_exit(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (check_args("exit", nargs, kwnames, 0, 1) < 0)
        return NULL;
    TwObject *exc = tw_call(TwExc_SystemExit, args, nargs, NULL);
    if (exc)
        tw_err_raise(exc);
    return NULL;
}

/* ---------------- the lazy iterator types --------------------------- */

/* Each is GC-tracked (a map's function may refer back to the map) and
 * reprs as CPython's: "<map object at 0x...>". */

#define TW_ITER_TYPE(var, pyname, ctype, newfn, deallocfn, nextfn, travfn)     \
    static TwTypeObject var = {                                               \
        .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),                         \
        .tp_name = pyname,                                                    \
        .tp_basicsize = sizeof(ctype),                                        \
        .tp_flags = TW_TPFLAGS_HAVE_GC,                                       \
        .tp_dealloc = deallocfn,                                              \
        .tp_hash = tw_object_hash_identity,                                   \
        .tp_iter = self_iter,                                                 \
        .tp_iternext = nextfn,                                                \
        .tp_new = newfn,                                                      \
        .tp_traverse = travfn,                                                \
    }

#define TW_VISIT(o)                                \
    do {                                           \
        if (o) {                                   \
            int _r = visit((TwObject *)(o), arg);  \
            if (_r)                                \
                return _r;                         \
        }                                          \
    } while (0)

/* enumerate(iterable, start=0) */
typedef struct {
    TwObject ob_base;
    TwObject *it;
    int64_t index;
} TwEnumerateObject;

static TwTypeObject TwEnumerate_Type;

static TwObject *enumerate_new(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    static const char *const kw[] = {"iterable", "start"};
    TwObject *v[2] = {nargs > 0 ? args[0] : NULL, nargs > 1 ? args[1] : NULL};
    if (tw_arg_check_count("enumerate", nargs, 0, 2) < 0 ||
        tw_args_keywords("enumerate", args, nargs, kwnames, kw, 2, v) < 0)
        return NULL;
    if (!v[0])
        return tw_err_format(TwExc_TypeError, "enumerate() missing required argument 'iterable'");
    int64_t start = 0;
    if (v[1]) {
        if (TW_FLOAT_CHECK(v[1]))
            return tw_err_format(TwExc_TypeError, "'float' object cannot be interpreted as an integer");
        if (tw_arg_as_i64(v[1], &start) < 0)
            return NULL;
    }
    TwObject *it = tw_object_iter(v[0]);
    if (!it)
        return NULL;
    TwEnumerateObject *e = (TwEnumerateObject *)tw_gc_alloc(&TwEnumerate_Type, sizeof *e);
    if (!e) {
        TW_DECREF(it);
        return tw_err_no_memory();
    }
    e->it = it;
    e->index = start;
    tw_gc_track((TwObject *)e);
    return (TwObject *)e;
}

static void enumerate_dealloc(TwObject *o)
{
    TwEnumerateObject *e = (TwEnumerateObject *)o;
    tw_gc_untrack(o);
    TW_CLEAR(e->it);
    tw_gc_free(o, sizeof *e);
}

static int enumerate_traverse(TwObject *o, TwVisitFn visit, void *arg)
{
    TW_VISIT(((TwEnumerateObject *)o)->it);
    return 0;
}

static TwObject *enumerate_next(TwObject *o)
{
    TwEnumerateObject *e = (TwEnumerateObject *)o;
    TwObject *item = tw_iter_next(e->it);
    if (!item)
        return NULL;
    /* a shared enumerate: relaxed, so racing threads may repeat a count
     * (shared/objects/containers.h, I1) */
    int64_t n = __atomic_load_n(&e->index, __ATOMIC_RELAXED);
    __atomic_store_n(&e->index, n + 1, __ATOMIC_RELAXED);
    TwObject *i = tw_int_from_i64(n);
    if (!i) {
        TW_DECREF(item);
        return NULL;
    }
    TwObject *t = tw_tuple_new(2);
    if (!t) {
        TW_DECREF(i);
        TW_DECREF(item);
        return NULL;
    }
    TW_TUPLE_SET(t, 0, i);
    TW_TUPLE_SET(t, 1, item);
    return t;
}

TW_ITER_TYPE(TwEnumerate_Type, "enumerate", TwEnumerateObject, enumerate_new, enumerate_dealloc,
             enumerate_next, enumerate_traverse);

/* zip(*iterables, strict=False) and map(function, *iterables) share a
 * tuple of iterators. */
typedef struct {
    TwObject ob_base;
    TwObject *iters;            /* tuple of iterators                     */
    TwObject *func;             /* map: the function; zip: NULL           */
    bool strict;
} TwZipObject;

static TwTypeObject TwZip_Type, TwMap_Type;

static TwObject *iters_tuple(TwObject *const *args, size_t n, const char *fname)
{
    TwObject *t = tw_tuple_new((TwSsize)n);
    if (!t)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        TwObject *it = tw_object_iter(args[i]);
        if (!it) {
            for (size_t j = i; j < n; j++)
                TW_TUPLE_SET(t, j, tw_newref(Tw_None));
            TW_DECREF(t);
            return NULL;
        }
        TW_TUPLE_SET(t, i, it);
    }
    return t;
}

static TwObject *zip_alloc(TwTypeObject *tp, TwObject *iters, TwObject *func, bool strict)
{
    TwZipObject *z = (TwZipObject *)tw_gc_alloc(tp, sizeof *z);
    if (!z) {
        TW_DECREF(iters);
        TW_XDECREF(func);
        return tw_err_no_memory();
    }
    z->iters = iters;
    z->func = func;
    z->strict = strict;
    tw_gc_track((TwObject *)z);
    return (TwObject *)z;
}

static TwObject *zip_new(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    static const char *const kw[] = {"strict"};
    TwObject *strict_obj = NULL;
    if (tw_args_keywords("zip", args, nargs, kwnames, kw, 1, &strict_obj) < 0)
        return NULL;
    int strict = 0;
    if (strict_obj && (strict = tw_object_is_true(strict_obj)) < 0)
        return NULL;
    TwObject *iters = iters_tuple(args, nargs, "zip");
    return iters ? zip_alloc(&TwZip_Type, iters, NULL, strict) : NULL;
}

static TwObject *map_new(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("map", kwnames) < 0)
        return NULL;
    if (nargs < 2)
        return tw_err_format(TwExc_TypeError, "map() must have at least two arguments.");
    TwObject *iters = iters_tuple(args + 1, nargs - 1, "map");
    return iters ? zip_alloc(&TwMap_Type, iters, tw_newref(args[0]), false) : NULL;
}

static void zip_dealloc(TwObject *o)
{
    TwZipObject *z = (TwZipObject *)o;
    tw_gc_untrack(o);
    TW_CLEAR(z->iters);
    TW_CLEAR(z->func);
    tw_gc_free(o, sizeof *z);
}

static int zip_traverse(TwObject *o, TwVisitFn visit, void *arg)
{
    TW_VISIT(((TwZipObject *)o)->iters);
    TW_VISIT(((TwZipObject *)o)->func);
    return 0;
}

/* Next item of every iterator into items[]; 1 all produced, 0 one was
 * exhausted (strict: the others must be too), -1 error. */
static int zip_fill(TwZipObject *z, TwObject **items)
{
    TwSsize n = TW_TUPLE_SIZE(z->iters);
    for (TwSsize i = 0; i < n; i++) {
        items[i] = tw_iter_next(TW_TUPLE_GET(z->iters, i));
        if (items[i])
            continue;
        for (TwSsize j = 0; j < i; j++)
            TW_DECREF(items[j]);
        if (tw_err_occurred())
            return -1;
        if (!z->strict)
            return 0;
        if (i > 0) {
            tw_err_format(TwExc_ValueError, "zip() argument %zd is shorter than argument%s%zd", i + 1,
                          i == 1 ? " " : "s 1-", i);
            return -1;
        }
        for (TwSsize j = 1; j < n; j++) {
            TwObject *extra = tw_iter_next(TW_TUPLE_GET(z->iters, j));
            if (extra) {
                TW_DECREF(extra);
                tw_err_format(TwExc_ValueError, "zip() argument %zd is longer than argument%s%zd", j + 1,
                              j == 1 ? " " : "s 1-", j);
                return -1;
            }
            if (tw_err_occurred())
                return -1;
        }
        return 0;
    }
    return 1;
}

static TwObject *zip_next(TwObject *o)
{
    TwZipObject *z = (TwZipObject *)o;
    TwSsize n = TW_TUPLE_SIZE(z->iters);
    if (n == 0)
        return NULL;
    TwObject *t = tw_tuple_new(n);
    if (!t)
        return NULL;
    int r = zip_fill(z, TW_TUPLE_ITEMS(t));
    if (r <= 0) {
        for (TwSsize i = 0; i < n; i++)
            TW_TUPLE_SET(t, i, tw_newref(Tw_None));
        TW_DECREF(t);
        return NULL;
    }
    return t;
}

static TwObject *map_next(TwObject *o)
{
    TwZipObject *z = (TwZipObject *)o;
    TwSsize n = TW_TUPLE_SIZE(z->iters);
    TwObject *small[8], **items = n <= 8 ? small : malloc(sizeof(TwObject *) * (size_t)n);
    if (!items)
        return tw_err_no_memory();
    TwObject *r = NULL;
    if (zip_fill(z, items) > 0) {
        r = tw_call(z->func, items, (size_t)n, NULL);
        for (TwSsize i = 0; i < n; i++)
            TW_DECREF(items[i]);
    }
    if (items != small)
        free(items);
    return r;
}

TW_ITER_TYPE(TwZip_Type, "zip", TwZipObject, zip_new, zip_dealloc, zip_next, zip_traverse);
TW_ITER_TYPE(TwMap_Type, "map", TwZipObject, map_new, zip_dealloc, map_next, zip_traverse);

/* filter(function or None, iterable) */
typedef struct {
    TwObject ob_base;
    TwObject *func;             /* NULL for None: truth of the item */
    TwObject *it;
} TwFilterObject;

static TwTypeObject TwFilter_Type;

static TwObject *filter_new(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("filter", kwnames) < 0)
        return NULL;
    if (nargs != 2)
        return tw_err_format(TwExc_TypeError, "filter expected 2 arguments, got %zd", (TwSsize)nargs);
    TwObject *it = tw_object_iter(args[1]);
    if (!it)
        return NULL;
    TwFilterObject *f = (TwFilterObject *)tw_gc_alloc(&TwFilter_Type, sizeof *f);
    if (!f) {
        TW_DECREF(it);
        return tw_err_no_memory();
    }
    f->func = args[0] == Tw_None ? NULL : tw_newref(args[0]);
    f->it = it;
    tw_gc_track((TwObject *)f);
    return (TwObject *)f;
}

static void filter_dealloc(TwObject *o)
{
    TwFilterObject *f = (TwFilterObject *)o;
    tw_gc_untrack(o);
    TW_CLEAR(f->func);
    TW_CLEAR(f->it);
    tw_gc_free(o, sizeof *f);
}

static int filter_traverse(TwObject *o, TwVisitFn visit, void *arg)
{
    TW_VISIT(((TwFilterObject *)o)->func);
    TW_VISIT(((TwFilterObject *)o)->it);
    return 0;
}

static TwObject *filter_next(TwObject *o)
{
    TwFilterObject *f = (TwFilterObject *)o;
    TwObject *item;
    while ((item = tw_iter_next(f->it)) != NULL) {
        int keep;
        if (f->func) {
            TwObject *r = tw_call1(f->func, item);
            if (!r) {
                TW_DECREF(item);
                return NULL;
            }
            keep = tw_object_is_true(r);
            TW_DECREF(r);
        } else {
            keep = tw_object_is_true(item);
        }
        if (keep > 0)
            return item;
        TW_DECREF(item);
        if (keep < 0)
            return NULL;
    }
    return NULL;
}

TW_ITER_TYPE(TwFilter_Type, "filter", TwFilterObject, filter_new, filter_dealloc, filter_next,
             filter_traverse);

/* reversed(seq): __reversed__ if the type has one, else the sequence
 * protocol (__len__ and __getitem__) walked from the end. */
typedef struct {
    TwObject ob_base;
    TwObject *seq;              /* NULL when exhausted */
    TwSsize index;
} TwReversedObject;

static TwTypeObject TwReversed_Type;

static TwObject *reversed_new(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("reversed", kwnames) < 0)
        return NULL;
    if (nargs != 1)
        return tw_err_format(TwExc_TypeError, "reversed expected 1 argument, got %zd", (TwSsize)nargs);
    TwObject *seq = args[0];
    if (tw_type_lookup_str(TW_TYPE(seq), "__reversed__"))
        return tw_call_method(seq, "__reversed__", NULL, 0);
    if (!TW_TYPE(seq)->tp_getitem || !TW_TYPE(seq)->tp_len || TW_DICT_CHECK(seq) || TW_SET_CHECK(seq))
        return tw_err_format(TwExc_TypeError, "'%T' object is not reversible", seq);
    TwSsize n = tw_object_len(seq);
    if (n < 0)
        return NULL;
    TwReversedObject *r = (TwReversedObject *)tw_gc_alloc(&TwReversed_Type, sizeof *r);
    if (!r)
        return tw_err_no_memory();
    r->seq = tw_newref(seq);
    r->index = n - 1;
    tw_gc_track((TwObject *)r);
    return (TwObject *)r;
}

static void reversed_dealloc(TwObject *o)
{
    TwReversedObject *r = (TwReversedObject *)o;
    tw_gc_untrack(o);
    TW_CLEAR(r->seq);
    tw_gc_free(o, sizeof *r);
}

static int reversed_traverse(TwObject *o, TwVisitFn visit, void *arg)
{
    TW_VISIT(((TwReversedObject *)o)->seq);
    return 0;
}

/* Shared iterators: shared/objects/containers.h, I1-I3 (__getitem__ may
 * be Python code). */
static TwObject *reversed_next(TwObject *o)
{
    TwReversedObject *r = (TwReversedObject *)o;
    tw_bias_check_read(o);
    TwObject *seq = tw_atomic_load_ptr(&r->seq);
    if (!seq)
        return NULL;
    TwSsize index = tw_atomic_load_ssize(&r->index);
    TwObject *item = NULL;
    tw_incref(seq);
    if (index >= 0) {
        if (TW_LIST_CHECK(seq) && TW_TYPE(seq) == &TwList_Type) {
            if (index < TW_LIST_SIZE(seq))
                item = tw_list_get(seq, index);
        } else {
            TwObject *i = tw_int_from_i64(index);
            if (!i) {
                TW_DECREF(seq);
                return NULL;
            }
            item = tw_object_getitem(seq, i);
            TW_DECREF(i);
        }
        if (item) {
            tw_atomic_store_ssize(&r->index, index - 1);
            TW_DECREF(seq);
            return item;
        }
        if (tw_err_occurred()) {
            if (!tw_err_matches(TwExc_IndexError) && !tw_err_matches(TwExc_StopIteration)) {
                TW_DECREF(seq);
                return NULL;
            }
            tw_err_clear();
        }
    }
    tw_atomic_store_ssize(&r->index, -1);
    tw_iter_release(o, &r->seq, seq);
    TW_DECREF(seq);
    return NULL;
}

TW_ITER_TYPE(TwReversed_Type, "reversed", TwReversedObject, reversed_new, reversed_dealloc, reversed_next,
             reversed_traverse);

/* reversed(seq).__length_hint__(), as CPython's: len(seq) asked again,
 * and what is left from the position (0 once exhausted, or if the
 * sequence shrank below it). */
static TwObject *reversed_length_hint(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("__length_hint__", kwnames) < 0 ||
        tw_arg_check_count("__length_hint__", nargs, 0, 0) < 0)
        return NULL;
    TwReversedObject *r = (TwReversedObject *)self;
    tw_bias_check_read(self);
    TwObject *seq = tw_try_incref_item(&r->seq);
    if (seq == NULL)
        return tw_int_from_i64(0);
    TwSsize position = tw_atomic_load_ssize(&r->index) + 1;
    TwSsize n = tw_object_len(seq);
    TW_DECREF(seq);
    if (n < 0)
        return NULL;
    return tw_int_from_i64(n < position ? 0 : position);
}

static const TwMethodDef reversed_methods[] = {
    {"__length_hint__", reversed_length_hint, 0},
    {NULL, NULL, 0},
};

/* iter(callable, sentinel): call until the result equals the sentinel. */
typedef struct {
    TwObject ob_base;
    TwObject *func;             /* NULL when exhausted */
    TwObject *sentinel;
    uint8_t done;               /* exhausted, func kept (shared) */
} TwCallIterObject;

static TwTypeObject TwCallIter_Type;

static void calliter_dealloc(TwObject *o)
{
    TwCallIterObject *c = (TwCallIterObject *)o;
    tw_gc_untrack(o);
    TW_CLEAR(c->func);
    TW_CLEAR(c->sentinel);
    tw_gc_free(o, sizeof *c);
}

static int calliter_traverse(TwObject *o, TwVisitFn visit, void *arg)
{
    TW_VISIT(((TwCallIterObject *)o)->func);
    TW_VISIT(((TwCallIterObject *)o)->sentinel);
    return 0;
}

/* Shared iterators: shared/objects/containers.h, I2-I3. */
static void calliter_finish(TwCallIterObject *c, TwObject *func)
{
    if (!tw_iter_release((TwObject *)c, &c->func, func))
        __atomic_store_n(&c->done, 1, __ATOMIC_RELAXED);
}

static TwObject *calliter_next(TwObject *o)
{
    TwCallIterObject *c = (TwCallIterObject *)o;
    tw_bias_check_read(o);
    TwObject *func = tw_atomic_load_ptr(&c->func);
    if (!func || __atomic_load_n(&c->done, __ATOMIC_RELAXED))
        return NULL;
    tw_incref(func);
    TwObject *r = tw_call0(func);
    if (!r) {
        if (tw_err_matches(TwExc_StopIteration)) {
            tw_err_clear();
            calliter_finish(c, func);
        }
        TW_DECREF(func);
        return NULL;
    }
    int eq = tw_object_richcompare_bool(r, c->sentinel, TW_EQ);
    if (eq == 0) {
        TW_DECREF(func);
        return r;
    }
    TW_DECREF(r);
    if (eq > 0)
        calliter_finish(c, func);
    TW_DECREF(func);
    return NULL;
}

TW_ITER_TYPE(TwCallIter_Type, "callable_iterator", TwCallIterObject, NULL, calliter_dealloc, calliter_next,
             calliter_traverse);

static TwObject *builtin_iter(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (check_args("iter", nargs, kwnames, 1, 2) < 0)
        return NULL;
    if (nargs == 1)
        return tw_object_iter(args[0]);
    if (!tw_callable(args[0]))
        return tw_err_format(TwExc_TypeError, "iter(v, w): v must be callable");
    TwCallIterObject *c = (TwCallIterObject *)tw_gc_alloc(&TwCallIter_Type, sizeof *c);
    if (!c)
        return tw_err_no_memory();
    c->func = tw_newref(args[0]);
    c->sentinel = tw_newref(args[1]);
    c->done = 0;
    tw_gc_track((TwObject *)c);
    return (TwObject *)c;
}

/* ---------------- builtins outside the subset ------------------------ */

/* twinpy programs do no file or console input (LANGUAGE.md: "input-free
 * I/O").  The names exist so that a program using them fails with an
 * error that says so, instead of a NameError that looks like a typo. */
static TwObject *builtin_open(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    tw_err_set_string(TwExc_NotImplementedError, "open() is not supported by twinpy");
    return NULL;
}

static TwObject *builtin_input(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    tw_err_set_string(TwExc_NotImplementedError, "input() is not supported by twinpy");
    return NULL;
}

/* ---------------- the module ---------------------------------------- */

static const TwMethodDef builtin_functions[] = {
    {"print", builtin_print, 0},
    {"len", builtin_len, 0},
    {"abs", builtin_abs, 0},
    {"repr", builtin_repr, 0},
    {"ascii", builtin_ascii, 0},
    {"hash", builtin_hash, 0},
    {"id", builtin_id, 0},
    {"callable", builtin_callable, 0},
    {"isinstance", builtin_isinstance, 0},
    {"issubclass", builtin_issubclass, 0},
    {"format", builtin_format, 0},
    {"bin", builtin_bin, 0},
    {"oct", builtin_oct, 0},
    {"hex", builtin_hex, 0},
    {"chr", builtin_chr, 0},
    {"ord", builtin_ord, 0},
    {"getattr", builtin_getattr, 0},
    {"hasattr", builtin_hasattr, 0},
    {"setattr", builtin_setattr, 0},
    {"delattr", builtin_delattr, 0},
    {"globals", builtin_globals, 0},
    {"locals", builtin_locals, 0},
    {"vars", builtin_vars, 0},
    {"dir", builtin_dir, 0},
    {"iter", builtin_iter, 0},
    {"next", builtin_next, 0},
    {"any", builtin_any, 0},
    {"all", builtin_all, 0},
    {"min", builtin_min, 0},
    {"max", builtin_max, 0},
    {"sum", builtin_sum, 0},
    {"sorted", builtin_sorted, 0},
    {"divmod", builtin_divmod, 0},
    {"pow", builtin_pow, 0},
    {"round", builtin_round, 0},
    {"exec", builtin_exec, 0},
    {"eval", builtin_eval, 0},
    {"__import__", builtin_import, 0},
    {"exit", builtin_exit, 0},
    {"quit", builtin_exit, 0},
    {"open", builtin_open, 0},
    {"input", builtin_input, 0},
    {NULL, NULL, 0},
};

static TwTypeObject *const builtin_iterator_types[] = {
    &TwEnumerate_Type, &TwZip_Type, &TwMap_Type, &TwFilter_Type, &TwReversed_Type, &TwCallIter_Type,
};

TwObject *tw_builtins_module_init(void)
{
    TwReversed_Type.tp_methods = reversed_methods;
    for (size_t i = 0; i < sizeof builtin_iterator_types / sizeof builtin_iterator_types[0]; i++) {
        TwTypeObject *tp = builtin_iterator_types[i];
        if (!(tp->tp_flags & TW_TPFLAGS_READY) && tw_type_ready(tp) < 0)
            return NULL;
    }
    TwObject *m = tw_module_new("builtins");
    if (!m)
        return NULL;
    if (tw_module_add_functions(m, builtin_functions) < 0)
        goto fail;
    static const struct {
        const char *name;
        TwObject *value;
    } names[] = {
        {"object", (TwObject *)&TwBaseObject_Type},
        {"type", (TwObject *)&TwType_Type},
        {"int", (TwObject *)&TwInt_Type},
        {"bool", (TwObject *)&TwBool_Type},
        {"float", (TwObject *)&TwFloat_Type},
        {"str", (TwObject *)&TwStr_Type},
        {"tuple", (TwObject *)&TwTuple_Type},
        {"list", (TwObject *)&TwList_Type},
        {"dict", (TwObject *)&TwDict_Type},
        {"set", (TwObject *)&TwSet_Type},
        {"frozenset", (TwObject *)&TwFrozenSet_Type},
        {"range", (TwObject *)&TwRange_Type},
        {"slice", (TwObject *)&TwSlice_Type},
        {"property", (TwObject *)&TwProperty_Type},
        {"classmethod", (TwObject *)&TwClassMethod_Type},
        {"staticmethod", (TwObject *)&TwStaticMethod_Type},
        {"super", (TwObject *)&TwSuper_Type},
        {"enumerate", (TwObject *)&TwEnumerate_Type},
        {"zip", (TwObject *)&TwZip_Type},
        {"map", (TwObject *)&TwMap_Type},
        {"filter", (TwObject *)&TwFilter_Type},
        {"reversed", (TwObject *)&TwReversed_Type},
        {"None", Tw_None},
        {"NotImplemented", Tw_NotImplemented},
        {"Ellipsis", Tw_Ellipsis},
        {"True", Tw_True},
        {"False", Tw_False},
        {"__debug__", Tw_True},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (tw_module_add_object(m, names[i].name, names[i].value) < 0)
            goto fail;
#define TW_X(name, base)                                     \
    if (tw_module_add_object(m, #name, TwExc_##name) < 0)   \
        goto fail;
    TW_EXCEPTION_TYPES(TW_X)
#undef TW_X
    if (tw_module_add_object(m, "EnvironmentError", TwExc_OSError) < 0 ||
        tw_module_add_object(m, "IOError", TwExc_OSError) < 0)
        goto fail;
    return m;
fail:
    TW_DECREF(m);
    return NULL;
}
