/*
 * exceptions.c — the built-in exception classes and the error indicator.
 *
 * Every class in TW_EXCEPTION_TYPES is a static type with the
 * TwBaseExceptionObject layout; user exception classes are heap types that
 * extend it (their instance __dict__ is the `dict` field, so no extra slot).
 *
 * The current exception is TwThreadState.exc: always an instance.  Raising
 * from C (tw_err_set_*, tw_err_format) builds the instance at once, and sets
 * its __context__ to the exception being handled, as CPython does, cutting
 * any cycle that would create.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "twinpy/types.h"
#include "typeobject_internal.h"

/* ------------------------------------------------------------------ */
/* instances                                                          */
/* ------------------------------------------------------------------ */

#define EXC(op) ((TwBaseExceptionObject *)(op))

static TwObject *args_tuple(TwObject *const *args, size_t nargs)
{
    if (nargs == 0)
        return tw_tuple_empty();
    return tw_tuple_from_array(args, (TwSsize)nargs);
}

/* StopIteration.value and SystemExit.code follow the arguments. */
static void exc_set_value_from_args(TwObject *self)
{
    TwObject *args = tw_field_get_ref(&EXC(self)->args);
    TwSsize n = args ? TW_TUPLE_SIZE(args) : 0;
    TwObject *v = NULL;
    if (tw_type_is_subtype(TW_TYPE(self), (TwTypeObject *)TwExc_StopIteration))
        v = n > 0 ? tw_newref(TW_TUPLE_GET(args, 0)) : tw_newref(Tw_None);
    else if (tw_type_is_subtype(TW_TYPE(self), (TwTypeObject *)TwExc_SystemExit))
        v = n == 0 ? tw_newref(Tw_None) : n == 1 ? tw_newref(TW_TUPLE_GET(args, 0)) : tw_newref(args);
    TW_XDECREF(args);
    if (v != NULL)
        tw_field_set(self, &EXC(self)->value, v);
}

static TwObject *exc_new(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (kwnames && TW_TUPLE_SIZE(kwnames) > 0 && !(type->tp_flags & TW_TPFLAGS_HEAPTYPE))
        return tw_err_format(TwExc_TypeError, "%s() takes no keyword arguments", tw_type_name(type));
    TwObject *self = tw_type_alloc_instance(type, 0);
    if (!self)
        return NULL;
    EXC(self)->args = args_tuple(args, nargs);
    if (!EXC(self)->args) {
        tw_decref(self);
        return NULL;
    }
    exc_set_value_from_args(self);
    tw_gc_track(self);
    return self;
}

static int exc_init(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (kwnames && TW_TUPLE_SIZE(kwnames) > 0) {
        tw_err_format(TwExc_TypeError, "%s() takes no keyword arguments", tw_type_name(TW_TYPE(self)));
        return -1;
    }
    TwObject *t = args_tuple(args, nargs);
    if (!t)
        return -1;
    tw_field_set(self, &EXC(self)->args, t);
    exc_set_value_from_args(self);
    return 0;
}

static int exc_traverse(TwObject *op, TwVisitFn visit, void *arg)
{
    TwBaseExceptionObject *e = EXC(op);
    TwObject *fields[] = {e->dict, e->args, e->traceback, e->cause, e->context, e->value};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (fields[i]) {
            int r = visit(fields[i], arg);
            if (r)
                return r;
        }
    return 0;
}

static int exc_clear(TwObject *op)
{
    TwBaseExceptionObject *e = EXC(op);
    TW_CLEAR(e->dict);
    TW_CLEAR(e->args);
    TW_CLEAR(e->traceback);
    TW_CLEAR(e->cause);
    TW_CLEAR(e->context);
    TW_CLEAR(e->value);
    return 0;
}

static void exc_dealloc(TwObject *op)
{
    if (tw_gc_is_tracked(op))
        tw_gc_untrack(op);
    exc_clear(op);
    tw_type_free_instance(op, 0);
}

/* str(e): "" with no arguments, str(arg) with one, str(args) otherwise. */
static TwObject *exc_str_args(TwObject *args)
{
    TwSsize n = args ? TW_TUPLE_SIZE(args) : 0;
    if (n == 0)
        return tw_str_from_cstr("");
    if (n == 1)
        return tw_object_str(TW_TUPLE_GET(args, 0));
    return tw_object_str(args);
}

/* The exception's args, held while they are used: another thread (or the
 * __str__ of an item) may assign e.args meanwhile (object.h, fields). */
#define WITH_ARGS(op, call)                                        \
    do {                                                           \
        TwObject *args_ = tw_field_get_ref(&EXC(op)->args);        \
        TwObject *r_ = call;                                       \
        TW_XDECREF(args_);                                         \
        return r_;                                                 \
    } while (0)

static TwObject *exc_str(TwObject *op) { WITH_ARGS(op, exc_str_args(args_)); }

/* KeyError('k') prints as 'k': the key's repr, so that '' shows. */
static TwObject *keyerror_str_args(TwObject *args)
{
    if (args && TW_TUPLE_SIZE(args) == 1)
        return tw_object_repr(TW_TUPLE_GET(args, 0));
    return exc_str_args(args);
}

static TwObject *keyerror_str(TwObject *op) { WITH_ARGS(op, keyerror_str_args(args_)); }

/* OSError(errno, strerror) prints "[Errno 2] No such file or directory". */
static TwObject *oserror_str_args(TwObject *args)
{
    if (args && TW_TUPLE_SIZE(args) >= 2 && TW_INT_CHECK(TW_TUPLE_GET(args, 0))) {
        if (TW_TUPLE_SIZE(args) >= 3)
            return tw_str_from_format("[Errno %S] %S: %R", TW_TUPLE_GET(args, 0),
                                      TW_TUPLE_GET(args, 1), TW_TUPLE_GET(args, 2));
        return tw_str_from_format("[Errno %S] %S", TW_TUPLE_GET(args, 0), TW_TUPLE_GET(args, 1));
    }
    return exc_str_args(args);
}

static TwObject *oserror_str(TwObject *op) { WITH_ARGS(op, oserror_str_args(args_)); }

/* SyntaxError's args are (msg, (filename, lineno, offset, text, end_lineno,
 * end_offset)); str() is "msg (file.py, line 3)". */
static TwObject *syntax_detail(TwObject *args, TwSsize i)
{
    if (!args || TW_TUPLE_SIZE(args) < 2)
        return NULL;
    TwObject *info = TW_TUPLE_GET(args, 1);
    if (!TW_TUPLE_CHECK(info) || TW_TUPLE_SIZE(info) <= i)
        return NULL;
    return TW_TUPLE_GET(info, i);
}

static TwObject *syntaxerror_str_args(TwObject *args)
{
    if (!args || TW_TUPLE_SIZE(args) < 1)
        return tw_str_from_cstr("");
    TwObject *msg = TW_TUPLE_GET(args, 0);
    TwObject *filename = syntax_detail(args, 0), *lineno = syntax_detail(args, 1);
    bool have_file = filename && TW_STR_CHECK(filename);
    bool have_line = lineno && TW_INT_CHECK(lineno);
    if (have_file) {
        const char *f = TW_STR_DATA(filename);
        const char *slash = strrchr(f, '/');
        const char *base = slash ? slash + 1 : f;
        if (have_line)
            return tw_str_from_format("%S (%s, line %lld)", msg, base, (long long)TW_INT_VALUE(lineno));
        return tw_str_from_format("%S (%s)", msg, base);
    }
    if (have_line)
        return tw_str_from_format("%S (line %lld)", msg, (long long)TW_INT_VALUE(lineno));
    return tw_object_str(msg);
}

static TwObject *syntaxerror_str(TwObject *op) { WITH_ARGS(op, syntaxerror_str_args(args_)); }

/* repr(e): ValueError('x'), ValueError(), ValueError(1, 2). */
static TwObject *exc_repr_args(TwObject *op, TwObject *args)
{
    const char *name = tw_type_name(TW_TYPE(op));
    if (!args || TW_TUPLE_SIZE(args) == 0)
        return tw_str_from_format("%s()", name);
    if (TW_TUPLE_SIZE(args) == 1)
        return tw_str_from_format("%s(%R)", name, TW_TUPLE_GET(args, 0));
    return tw_str_from_format("%s%R", name, args);
}

static TwObject *exc_repr(TwObject *op) { WITH_ARGS(op, exc_repr_args(op, args_)); }

/* ---------------- attributes ---------------------------------------- */

/* A field's value (object.h: another thread may assign it), or None. */
static TwObject *field_or_none(TwObject **slot)
{
    TwObject *v = tw_field_get_ref(slot);
    return v ? v : tw_newref(Tw_None);
}

static TwObject *exc_get_args(TwObject *self) { return field_or_none(&EXC(self)->args); }
static int exc_set_args(TwObject *self, TwObject *value)
{
    if (!value) {
        tw_err_set_string(TwExc_TypeError, "args may not be deleted");
        return -1;
    }
    TwObject *t;
    if (TW_TUPLE_CHECK(value)) {
        t = tw_newref(value);
    } else {
        TwObject *l = tw_list_from_iterable(value);
        if (!l)
            return -1;
        t = tw_list_as_tuple(l);
        tw_decref(l);
        if (!t)
            return -1;
    }
    tw_field_set(self, &EXC(self)->args, t);
    return 0;
}

static TwObject *exc_get_traceback(TwObject *self) { return field_or_none(&EXC(self)->traceback); }
static int exc_set_traceback(TwObject *self, TwObject *value)
{
    if (!value) {
        tw_err_set_string(TwExc_TypeError, "__traceback__ may not be deleted");
        return -1;
    }
    tw_field_set(self, &EXC(self)->traceback, value == Tw_None ? NULL : tw_newref(value));
    return 0;
}

static int check_exc_or_none(TwObject *value, const char *what)
{
    if (!value) {
        tw_err_format(TwExc_TypeError, "%s may not be deleted", what);
        return -1;
    }
    if (value != Tw_None && !TW_HAS_TPFLAG(value, TW_TPFLAGS_EXC_SUBCLASS)) {
        tw_err_format(TwExc_TypeError, "exception %s must be None or derive from BaseException",
                      strcmp(what, "__cause__") == 0 ? "cause" : "context");
        return -1;
    }
    return 0;
}

static TwObject *exc_get_cause(TwObject *self) { return field_or_none(&EXC(self)->cause); }
static int exc_set_cause(TwObject *self, TwObject *value)
{
    if (check_exc_or_none(value, "__cause__") < 0)
        return -1;
    tw_field_set(self, &EXC(self)->cause, value == Tw_None ? NULL : tw_newref(value));
    EXC(self)->suppress_context = true;
    return 0;
}

static TwObject *exc_get_context(TwObject *self) { return field_or_none(&EXC(self)->context); }
static int exc_set_context(TwObject *self, TwObject *value)
{
    if (check_exc_or_none(value, "__context__") < 0)
        return -1;
    tw_field_set(self, &EXC(self)->context, value == Tw_None ? NULL : tw_newref(value));
    return 0;
}

static TwObject *exc_get_suppress(TwObject *self) { return tw_bool_from(EXC(self)->suppress_context); }
static int exc_set_suppress(TwObject *self, TwObject *value)
{
    if (!value) {
        tw_err_set_string(TwExc_TypeError, "__suppress_context__ may not be deleted");
        return -1;
    }
    int t = tw_object_is_true(value);
    if (t < 0)
        return -1;
    EXC(self)->suppress_context = t;
    return 0;
}

static TwObject *exc_get_value(TwObject *self) { return field_or_none(&EXC(self)->value); }
static int exc_set_value(TwObject *self, TwObject *value)
{
    tw_field_set(self, &EXC(self)->value, value ? tw_newref(value) : NULL);
    return 0;
}

static const TwGetSetDef exc_getset[] = {
    {"args", exc_get_args, exc_set_args},
    {"__traceback__", exc_get_traceback, exc_set_traceback},
    {"__cause__", exc_get_cause, exc_set_cause},
    {"__context__", exc_get_context, exc_set_context},
    {"__suppress_context__", exc_get_suppress, exc_set_suppress},
    {"__dict__", tw_object_generic_get_dict, tw_object_generic_set_dict},
    {NULL, NULL, NULL},
};

static const TwGetSetDef stopiteration_getset[] = {
    {"value", exc_get_value, exc_set_value},
    {NULL, NULL, NULL},
};

static const TwGetSetDef systemexit_getset[] = {
    {"code", exc_get_value, exc_set_value},
    {NULL, NULL, NULL},
};

/* args[i] when args has at least `need` items, else None. */
static TwObject *arg_or_none(TwObject *self, TwSsize i, TwSsize need)
{
    TwObject *args = tw_field_get_ref(&EXC(self)->args);
    TwObject *r = args && TW_TUPLE_SIZE(args) >= need ? TW_TUPLE_GET(args, i) : Tw_None;
    tw_incref(r);
    TW_XDECREF(args);
    return r;
}

static TwObject *oserror_get_errno(TwObject *self) { return arg_or_none(self, 0, 2); }
static TwObject *oserror_get_strerror(TwObject *self) { return arg_or_none(self, 1, 2); }
static TwObject *oserror_get_filename(TwObject *self) { return arg_or_none(self, 2, 3); }

static const TwGetSetDef oserror_getset[] = {
    {"errno", oserror_get_errno, NULL},
    {"strerror", oserror_get_strerror, NULL},
    {"filename", oserror_get_filename, NULL},
    {NULL, NULL, NULL},
};

static TwObject *syntax_get_msg(TwObject *self) { return arg_or_none(self, 0, 1); }
static TwObject *syntax_detail_or_none(TwObject *self, TwSsize i)
{
    TwObject *args = tw_field_get_ref(&EXC(self)->args);
    TwObject *r = syntax_detail(args, i);
    r = tw_newref(r ? r : Tw_None);
    TW_XDECREF(args);
    return r;
}
#define SYNTAX_GETTER(fname, idx) \
    static TwObject *syntax_get_##fname(TwObject *self) { return syntax_detail_or_none(self, idx); }
SYNTAX_GETTER(filename, 0)
SYNTAX_GETTER(lineno, 1)
SYNTAX_GETTER(offset, 2)
SYNTAX_GETTER(text, 3)
SYNTAX_GETTER(end_lineno, 4)
SYNTAX_GETTER(end_offset, 5)

static const TwGetSetDef syntaxerror_getset[] = {
    {"msg", syntax_get_msg, NULL},
    {"filename", syntax_get_filename, NULL},
    {"lineno", syntax_get_lineno, NULL},
    {"offset", syntax_get_offset, NULL},
    {"text", syntax_get_text, NULL},
    {"end_lineno", syntax_get_end_lineno, NULL},
    {"end_offset", syntax_get_end_offset, NULL},
    {NULL, NULL, NULL},
};

static TwObject *exc_with_traceback(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("with_traceback", kwnames) < 0 ||
        tw_arg_check_count("with_traceback", nargs, 1, 1) < 0)
        return NULL;
    if (exc_set_traceback(self, args[0]) < 0)
        return NULL;
    return tw_newref(self);
}

static const TwMethodDef exc_methods[] = {
    {"with_traceback", exc_with_traceback, 0},
    {NULL, NULL, 0},
};

/* ------------------------------------------------------------------ */
/* the classes                                                        */
/* ------------------------------------------------------------------ */

#define TW_EXC_FLAGS (TW_TPFLAGS_BASETYPE | TW_TPFLAGS_HAVE_GC | TW_TPFLAGS_EXC_SUBCLASS)

static TwTypeObject exc_type_BaseException = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "BaseException",
    .tp_basicsize = sizeof(TwBaseExceptionObject),
    .tp_flags = TW_EXC_FLAGS,
    .tp_dealloc = exc_dealloc,
    .tp_repr = exc_repr,
    .tp_str = exc_str,
    .tp_getattro = tw_object_generic_getattr,
    .tp_setattro = tw_object_generic_setattr,
    .tp_new = exc_new,
    .tp_init = exc_init,
    .tp_traverse = exc_traverse,
    .tp_clear = exc_clear,
    .tp_dictoffset = offsetof(TwBaseExceptionObject, dict),
    .tp_methods = exc_methods,
    .tp_getset = exc_getset,
};
TwObject *TwExc_BaseException = (TwObject *)&exc_type_BaseException;

/* Subclasses inherit every slot through tw_type_ready; only name and base
 * are given here. */
#define TW_X(name, base) TW_X_##base(name, base)
#define TW_X_NULL(name, base)
#define TW_EXC_DEFINE(name, base)                                     \
    static TwTypeObject exc_type_##name = {                            \
        .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),                  \
        .tp_name = #name,                                              \
        .tp_basicsize = sizeof(TwBaseExceptionObject),                 \
        .tp_flags = TW_EXC_FLAGS,                                      \
        .tp_base = &exc_type_##base,                                   \
        .tp_dictoffset = offsetof(TwBaseExceptionObject, dict),        \
    };                                                                 \
    TwObject *TwExc_##name = (TwObject *)&exc_type_##name;
#define TW_X_BaseException TW_EXC_DEFINE
#define TW_X_Exception TW_EXC_DEFINE
#define TW_X_ArithmeticError TW_EXC_DEFINE
#define TW_X_ImportError TW_EXC_DEFINE
#define TW_X_LookupError TW_EXC_DEFINE
#define TW_X_NameError TW_EXC_DEFINE
#define TW_X_OSError TW_EXC_DEFINE
#define TW_X_RuntimeError TW_EXC_DEFINE
#define TW_X_SyntaxError TW_EXC_DEFINE
#define TW_X_IndentationError TW_EXC_DEFINE
#define TW_X_ValueError TW_EXC_DEFINE
#define TW_X_Warning TW_EXC_DEFINE
TW_EXCEPTION_TYPES(TW_X)
#undef TW_X

/* Give the few classes with their own behaviour their slots. */
void tw_exceptions_prepare(void)
{
    exc_type_KeyError.tp_str = keyerror_str;
    exc_type_StopIteration.tp_getset = stopiteration_getset;
    exc_type_SystemExit.tp_getset = systemexit_getset;
    exc_type_OSError.tp_str = oserror_str;
    exc_type_OSError.tp_getset = oserror_getset;
    exc_type_SyntaxError.tp_str = syntaxerror_str;
    exc_type_SyntaxError.tp_getset = syntaxerror_getset;
}

/* ------------------------------------------------------------------ */
/* the error indicator                                                */
/* ------------------------------------------------------------------ */

static TwThreadState *tstate(void)
{
    return tw_tstate();
}

/* Chain exc to the exception being handled (its __context__), unless that
 * would make a cycle: then the link back to exc is cut, as CPython does. */
static void set_context_from_handled(TwObject *exc)
{
    TwThreadState *ts = tstate();
    TwObject *handled = ts->handled_exc;
    if (!handled || handled == Tw_None || handled == exc)
        return;
    if (!TW_HAS_TPFLAG(handled, TW_TPFLAGS_EXC_SUBCLASS))
        return;
    /* the chain may be changed by another thread meanwhile: walked with
     * references (object.h, fields) */
    TwObject *o = tw_newref(handled);
    while (o) {
        TwObject *ctx = tw_field_get_ref(&EXC(o)->context);
        if (ctx == exc) {
            TW_XDECREF(tw_field_exchange(o, &EXC(o)->context, NULL));
            tw_decref(ctx);
            tw_decref(o);
            break;
        }
        tw_decref(o);
        o = ctx;
    }
    tw_field_set(exc, &EXC(exc)->context, tw_newref(handled));
}

void tw_err_raise(TwObject *exc)
{
    TwThreadState *ts = tstate();
    if (!TW_HAS_TPFLAG(exc, TW_TPFLAGS_EXC_SUBCLASS)) {
        tw_decref(exc);
        tw_err_set_string(TwExc_TypeError, "exceptions must derive from BaseException");
        return;
    }
    set_context_from_handled(exc);
    TwObject *old = ts->exc;
    ts->exc = exc;
    tw_xdecref(old);
}

void tw_err_set_object(TwObject *type, TwObject *value)
{
    if (value && TW_HAS_TPFLAG(value, TW_TPFLAGS_EXC_SUBCLASS) &&
        (!TW_HAS_TPFLAG(type, TW_TPFLAGS_TYPE_SUBCLASS) ||
         tw_type_is_subtype(TW_TYPE(value), (TwTypeObject *)type))) {
        tw_err_raise(tw_newref(value));
        return;
    }
    TwObject *exc;
    if (!value || value == Tw_None)
        exc = tw_call0(type);
    else if (TW_TUPLE_CHECK(value))
        exc = tw_call(type, TW_TUPLE_ITEMS(value), (size_t)TW_TUPLE_SIZE(value), NULL);
    else
        exc = tw_call1(type, value);
    if (exc)
        tw_err_raise(exc);
}

TwObject *tw_exc_new_msg(TwObject *type, const char *msg)
{
    TwObject *s = tw_str_from_cstr(msg);
    if (!s)
        return NULL;
    TwObject *exc = tw_call1(type, s);
    tw_decref(s);
    return exc;
}

void tw_err_set_string(TwObject *type, const char *msg)
{
    TwObject *exc = tw_exc_new_msg(type, msg);
    if (exc)
        tw_err_raise(exc);
}

/* One MemoryError made at start-up and raised (shared) whenever memory
 * runs out: making a fresh instance then could fail in turn. */
static TwObject *prealloc_memory_error;

int tw_exceptions_preallocate(void)
{
    if (!prealloc_memory_error)
        prealloc_memory_error = tw_call0(TwExc_MemoryError);
    return prealloc_memory_error ? 0 : -1;
}

TwObject *tw_err_no_memory(void)
{
    if (prealloc_memory_error) {
        /* a stale traceback from an earlier raise must not show */
        tw_field_set(prealloc_memory_error, &EXC(prealloc_memory_error)->traceback, NULL);
        tw_field_set(prealloc_memory_error, &EXC(prealloc_memory_error)->context, NULL);
        tw_err_raise(tw_newref(prealloc_memory_error));
    }
    return NULL;
}

TwObject *tw_err_occurred(void)
{
    TwThreadState *ts = tstate();
    return ts && ts->exc ? (TwObject *)TW_TYPE(ts->exc) : NULL;
}

bool tw_err_given_matches(TwObject *exc, TwObject *type)
{
    if (!exc || !type)
        return false;
    if (TW_TUPLE_CHECK(type)) {
        for (TwSsize i = 0; i < TW_TUPLE_SIZE(type); i++)
            if (tw_err_given_matches(exc, TW_TUPLE_GET(type, i)))
                return true;
        return false;
    }
    if (!TW_HAS_TPFLAG(type, TW_TPFLAGS_TYPE_SUBCLASS))
        return exc == type;
    TwTypeObject *etype = TW_HAS_TPFLAG(exc, TW_TPFLAGS_TYPE_SUBCLASS) ? (TwTypeObject *)exc : TW_TYPE(exc);
    return etype == (TwTypeObject *)type || tw_type_is_subtype(etype, (TwTypeObject *)type);
}

bool tw_err_matches(TwObject *type)
{
    TwThreadState *ts = tstate();
    return ts && ts->exc && tw_err_given_matches(ts->exc, type);
}

void tw_err_clear(void)
{
    TwThreadState *ts = tstate();
    TwObject *old = ts->exc;
    ts->exc = NULL;
    tw_xdecref(old);
}

TwObject *tw_err_fetch(void)
{
    TwThreadState *ts = tstate();
    TwObject *exc = ts->exc;
    ts->exc = NULL;
    return exc;
}

void tw_err_restore(TwObject *exc)
{
    TwThreadState *ts = tstate();
    TwObject *old = ts->exc;
    ts->exc = exc;
    tw_xdecref(old);
}

TwObject *tw_err_bad_internal_call(const char *where)
{
    return tw_err_format(TwExc_SystemError, "%s: bad internal call", where ? where : "?");
}

/* ------------------------------------------------------------------ */
/* formatting                                                         */
/* ------------------------------------------------------------------ */

typedef struct {
    char *buf;
    size_t len, cap;
    char small[256];
    bool failed;
} FmtBuf;

static void fb_put(FmtBuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap * 2;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *nb = b->buf == b->small ? malloc(cap) : realloc(b->buf, cap);
        if (!nb) {
            b->failed = true;
            return;
        }
        if (b->buf == b->small)
            memcpy(nb, b->small, b->len);
        b->buf = nb;
        b->cap = cap;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

static void fb_puts(FmtBuf *b, const char *s) { fb_put(b, s, strlen(s)); }

/* Append a str object, honouring a precision ("%.200S") in code points
 * (approximated as bytes, cut back to a UTF-8 boundary). */
static void fb_put_str(FmtBuf *b, TwObject *s, long prec)
{
    size_t n = (size_t)TW_STR_SIZE(s);
    const char *d = TW_STR_DATA(s);
    if (prec >= 0 && (size_t)prec < n) {
        n = (size_t)prec;
        while (n > 0 && ((unsigned char)d[n] & 0xC0) == 0x80)
            n--;
    }
    fb_put(b, d, n);
}

/* A printf conversion spec from its parsed parts (widths are clamped so
 * that the result fits the caller's 128-byte buffer). */
static void build_spec(char *out, size_t size, const char *flags, long width, long prec,
                       const char *lenmod, char conv)
{
    size_t n = (size_t)snprintf(out, size, "%%%s", flags);
    if (width >= 0)
        n += (size_t)snprintf(out + n, size - n, "%ld", width > 100 ? 100L : width);
    if (prec >= 0)
        n += (size_t)snprintf(out + n, size - n, ".%ld", prec > 60 ? 60L : prec);
    snprintf(out + n, size - n, "%s%c", lenmod, conv);
}

/* The formatter behind tw_err_format (and usable for messages generally):
 * returns a new str, or NULL with an exception set (e.g. a failing %R). */
static TwObject *tw_format_va(const char *fmt, va_list ap)
{
    FmtBuf b = {.buf = NULL, .len = 0, .cap = sizeof b.small, .failed = false};
    b.buf = b.small;
    b.small[0] = '\0';
    TwObject *result = NULL;
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            const char *q = p;
            while (*q && *q != '%')
                q++;
            fb_put(&b, p, (size_t)(q - p));
            p = q - 1;
            continue;
        }
        const char *spec_start = p;
        p++;
        char flags[8];
        size_t nflags = 0;
        while (*p == '-' || *p == '0' || *p == '+' || *p == ' ' || *p == '#') {
            if (nflags < sizeof flags - 1)
                flags[nflags++] = *p;
            p++;
        }
        flags[nflags] = '\0';
        long width = -1, prec = -1;
        if (*p >= '0' && *p <= '9') {
            width = 0;
            while (*p >= '0' && *p <= '9')
                width = width * 10 + (*p++ - '0');
        }
        if (*p == '.') {
            p++;
            prec = 0;
            while (*p >= '0' && *p <= '9')
                prec = prec * 10 + (*p++ - '0');
        }
        int lcount = 0, zflag = 0;
        while (*p == 'l') {
            lcount++;
            p++;
        }
        if (*p == 'z') {
            zflag = 1;
            p++;
        }
        char tmp[128];
        char spec[48];
        switch (*p) {
        case '%':
            fb_put(&b, "%", 1);
            break;
        case 'c': {
            int c = va_arg(ap, int);
            if (c < 0x80) {
                char ch = (char)c;
                fb_put(&b, &ch, 1);
            } else {
                /* encode a code point as UTF-8 */
                char u[4];
                size_t n;
                if (c < 0x800) {
                    u[0] = (char)(0xC0 | (c >> 6)); u[1] = (char)(0x80 | (c & 0x3F)); n = 2;
                } else if (c < 0x10000) {
                    u[0] = (char)(0xE0 | (c >> 12)); u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
                    u[2] = (char)(0x80 | (c & 0x3F)); n = 3;
                } else {
                    u[0] = (char)(0xF0 | (c >> 18)); u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
                    u[2] = (char)(0x80 | ((c >> 6) & 0x3F)); u[3] = (char)(0x80 | (c & 0x3F)); n = 4;
                }
                fb_put(&b, u, n);
            }
            break;
        }
        case 'd':
        case 'i':
        case 'u':
        case 'x':
        case 'X': {
            bool is_signed = *p == 'd' || *p == 'i';
            const char *lm = (zflag || lcount >= 2) ? "ll" : lcount == 1 ? "l" : "";
            build_spec(spec, sizeof spec, flags, width, prec, lm, *p);
            if (zflag) {
                if (is_signed)
                    snprintf(tmp, sizeof tmp, spec, (long long)va_arg(ap, TwSsize));
                else
                    snprintf(tmp, sizeof tmp, spec, (unsigned long long)va_arg(ap, size_t));
            } else if (lcount >= 2) {
                if (is_signed)
                    snprintf(tmp, sizeof tmp, spec, va_arg(ap, long long));
                else
                    snprintf(tmp, sizeof tmp, spec, va_arg(ap, unsigned long long));
            } else if (lcount == 1) {
                if (is_signed)
                    snprintf(tmp, sizeof tmp, spec, va_arg(ap, long));
                else
                    snprintf(tmp, sizeof tmp, spec, va_arg(ap, unsigned long));
            } else {
                if (is_signed)
                    snprintf(tmp, sizeof tmp, spec, va_arg(ap, int));
                else
                    snprintf(tmp, sizeof tmp, spec, va_arg(ap, unsigned int));
            }
            fb_puts(&b, tmp);
            break;
        }
        case 'f':
        case 'g':
        case 'e':
            build_spec(spec, sizeof spec, flags, width, prec, "", *p);
            snprintf(tmp, sizeof tmp, spec, va_arg(ap, double));
            fb_puts(&b, tmp);
            break;
        case 'p':
            snprintf(tmp, sizeof tmp, "%p", va_arg(ap, void *));
            fb_puts(&b, tmp);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            size_t n = strlen(s);
            if (prec >= 0 && (size_t)prec < n)
                n = (size_t)prec;
            fb_put(&b, s, n);
            break;
        }
        case 'R':
        case 'S': {
            TwObject *o = va_arg(ap, TwObject *);
            TwObject *s = *p == 'R' ? tw_object_repr(o) : tw_object_str(o);
            if (!s)
                goto fail;
            fb_put_str(&b, s, prec);
            tw_decref(s);
            break;
        }
        case 'U': {
            TwObject *o = va_arg(ap, TwObject *);
            if (o && TW_STR_CHECK(o))
                fb_put_str(&b, o, prec);
            break;
        }
        case 'T': {
            TwObject *o = va_arg(ap, TwObject *);
            fb_puts(&b, tw_type_name(TW_TYPE(o)));
            break;
        }
        case 'N': {
            TwObject *o = va_arg(ap, TwObject *);
            fb_puts(&b, tw_type_name((TwTypeObject *)o));
            break;
        }
        default:
            /* unknown code: copy it through */
            fb_put(&b, spec_start, (size_t)(p - spec_start) + (*p ? 1 : 0));
            if (!*p)
                p--;
            break;
        }
    }
    if (b.failed) {
        tw_err_no_memory();
        goto fail;
    }
    result = tw_str_from_utf8(b.buf, b.len);
fail:
    if (b.buf != b.small)
        free(b.buf);
    return result;
}

TwObject *tw_err_format(TwObject *type, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    TwObject *msg = tw_format_va(fmt, ap);
    va_end(ap);
    if (!msg)
        return NULL;
    TwObject *exc = tw_call1(type, msg);
    tw_decref(msg);
    if (exc)
        tw_err_raise(exc);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* argument checks                                                    */
/* ------------------------------------------------------------------ */

int tw_arg_check_count(const char *fname, size_t nargs, size_t min, size_t max)
{
    if (nargs >= min && nargs <= max)
        return 0;
    if (max == 0)
        tw_err_format(TwExc_TypeError, "%s() takes no arguments (%zu given)", fname, nargs);
    else if (min == 1 && max == 1)
        tw_err_format(TwExc_TypeError, "%s() takes exactly one argument (%zu given)", fname, nargs);
    else if (min == max)
        tw_err_format(TwExc_TypeError, "%s expected %zu argument%s, got %zu", fname, min,
                      min == 1 ? "" : "s", nargs);
    else if (nargs < min)
        tw_err_format(TwExc_TypeError, "%s expected at least %zu argument%s, got %zu", fname, min,
                      min == 1 ? "" : "s", nargs);
    else
        tw_err_format(TwExc_TypeError, "%s expected at most %zu argument%s, got %zu", fname, max,
                      max == 1 ? "" : "s", nargs);
    return -1;
}

int tw_arg_check_no_kwargs(const char *fname, TwObject *kwnames)
{
    if (!kwnames || TW_TUPLE_SIZE(kwnames) == 0)
        return 0;
    tw_err_format(TwExc_TypeError, "%s() takes no keyword arguments", fname);
    return -1;
}
