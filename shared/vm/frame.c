/*
 * frame.c — frames: where they live, how arguments are bound into them,
 * and the traceback entries an exception collects as it leaves them.
 *
 * Frames of ordinary calls come from a per-thread stack of memory chunks:
 * a call bumps a pointer, a return moves it back.  Calls nest, so frames
 * are freed in the reverse order of their allocation.  A generator's frame
 * outlives the call that made it and is allocated on its own instead.
 * The chunks are raw process memory, kept for the thread's lifetime and
 * reused; they hold no objects once the frames on them are gone.
 *
 * Layout of a frame: the TwFrame header, then `localsplus`: the fast
 * locals (parameters first), the cells of captured locals, the cells of
 * free variables, the value stack, and finally the block stack.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "vm/frame_inline.h"

/* ---------------- the per-thread frame stack ------------------------ */

#define FRAME_CHUNK_SIZE (256 * 1024)

TW_TLS TwFrameChunk *tw_frame_tls_chunk;
static _Thread_local TwFrameChunk *tls_spare;

/* A thread's chunks are freed when it exits, through the destructor of a
 * thread-specific key (set when the thread makes its first chunk):
 * otherwise every thread a program starts would leave its chunks behind. */
static pthread_key_t frame_stack_key;
static pthread_once_t frame_stack_key_once = PTHREAD_ONCE_INIT;

static void frame_stack_release(void *unused)
{
    TwFrameChunk *c = tw_frame_tls_chunk;
    while (c != NULL) {
        TwFrameChunk *prev = c->prev;
        free(c);
        c = prev;
    }
    tw_frame_tls_chunk = NULL;
    free(tls_spare);
    tls_spare = NULL;
}

static void frame_stack_key_create(void)
{
    pthread_key_create(&frame_stack_key, frame_stack_release);
}

static void *frame_stack_alloc(size_t size)
{
    size = (size + 15) & ~(size_t)15;
    TwFrameChunk *c = tw_frame_tls_chunk;
    if (c == NULL || (size_t)(c->data + c->size - c->top) < size) {
        TwFrameChunk *n = tls_spare;
        if (c == NULL) {
            pthread_once(&frame_stack_key_once, frame_stack_key_create);
            pthread_setspecific(frame_stack_key, &tw_frame_tls_chunk);
        }
        if (n != NULL && n->size >= size) {
            tls_spare = NULL;
        } else {
            size_t cs = size > FRAME_CHUNK_SIZE ? size : FRAME_CHUNK_SIZE;
            n = malloc(sizeof(TwFrameChunk) + cs);
            if (n == NULL)
                return NULL;
            n->size = cs;
        }
        n->prev = c;
        n->top = n->data;
        tw_frame_tls_chunk = n;
        c = n;
    }
    void *p = c->top;
    c->top += size;
    return p;
}

static void frame_stack_free(void *p)
{
    TwFrameChunk *c = tw_frame_tls_chunk;
    c->top = p;
    if (c->top == c->data && c->prev != NULL) {
        tw_frame_tls_chunk = c->prev;
        if (tls_spare == NULL) {
            tls_spare = c;
        } else if (tls_spare->size < c->size) {
            free(tls_spare);
            tls_spare = c;
        } else {
            free(c);
        }
    }
}

/* ---------------- frames ------------------------------------------- */

TwFrame *tw_frame_new(TwCodeObject *co, TwObject *func, TwObject *globals,
                      TwObject *builtins, TwObject *locals, bool heap)
{
    size_t nslots = (size_t)(co->nlocals + co->ncells + co->nfrees);
    size_t size = sizeof(TwFrame) + (nslots + (size_t)co->stacksize) * sizeof(TwObject *)
                  + (size_t)co->maxblocks * sizeof(TwTryBlock);
    TwFrame *f = heap ? tw_mem_alloc(size) : frame_stack_alloc(size);
    if (f == NULL) {
        tw_err_no_memory();
        return NULL;
    }
    f->back = NULL;
    f->code = co;
    f->func = func;
    f->globals = globals;
    f->builtins = builtins;
    f->locals = tw_xnewref(locals);
    /* A function's frame borrows code, globals and builtins from the
     * function it holds; other frames own them. */
    if (func != NULL) {
        tw_incref(func);
        f->owns_env = 0;
    } else {
        tw_incref((TwObject *)co);
        tw_incref(globals);
        TW_XINCREF(builtins);
        f->owns_env = 1;
    }
    f->ip = co->code;
    f->stack = f->localsplus + nslots;
    f->sp = f->stack;
    f->blocks = (TwTryBlock *)(f->stack + co->stacksize);
    f->nblocks = 0;
    f->is_entry = 0;
    f->owned_by_gen = heap;
    f->on_stack = !heap;
    f->yielded = 0;
    f->func_borrowed = 0;
    f->gen = NULL;
    f->alloc_size = size;
    memset(f->localsplus, 0, nslots * sizeof(TwObject *));
    return f;
}

void tw_frame_clear(TwFrame *f)
{
    TwCodeObject *co = f->code;
    int nslots = co->nlocals + co->ncells + co->nfrees;
    for (int i = 0; i < nslots; i++)
        TW_CLEAR(f->localsplus[i]);
    while (f->sp > f->stack)
        tw_stack_drop(--f->sp);
    f->nblocks = 0;
}

void tw_frame_release(TwFrame *f)
{
    tw_frame_clear(f);
    TW_XDECREF(f->locals);
    if (f->owns_env) {
        TW_DECREF(f->globals);
        TW_XDECREF(f->builtins);
        TW_DECREF(f->code);
    } else if (!tw_frames_borrow() || !f->func_borrowed) {
        TW_DECREF(f->func);
    }
    if (f->on_stack)
        frame_stack_free(f);
    else
        tw_mem_free(f, f->alloc_size);
}

int tw_frame_traverse(TwFrame *f, TwVisitFn visit, void *arg)
{
    TwCodeObject *co = f->code;
    int nslots = co->nlocals + co->ncells + co->nfrees;
    int r;
    for (int i = 0; i < nslots; i++)
        if (f->localsplus[i] && (r = visit(f->localsplus[i], arg)))
            return r;
    for (TwObject **p = f->stack; p < f->sp; p++)
        if (*p && (r = visit(*p, arg)))
            return r;
    if (f->locals && (r = visit(f->locals, arg)))
        return r;
    if (!f->owns_env)
        return visit(f->func, arg);
    return visit(f->globals, arg);
}

void tw_frames_visit_borrowed(TwFrame *innermost, void (*visit)(void *maybe_obj, void *arg),
                              void *arg)
{
    for (TwFrame *f = innermost; f != NULL; f = f->back) {
        if (f->func_borrowed)
            visit(f->func, arg);
        if (f->code->flags & TW_CO_GENERATOR)
            continue;                    /* never borrows (compile.c) */
        TwObject **end = f->stack + f->code->stacksize;
        for (TwObject **p = f->stack; p < end; p++) {
            TwObject *w = __atomic_load_n(p, __ATOMIC_RELAXED);
            if (tw_stack_is_borrowed(w))
                visit(tw_stack_untag(w), arg);
        }
    }
}

int tw_frame_lineno(TwFrame *f)
{
    TwCodeObject *co = f->code;
    TwSsize i = f->ip - co->code - 1;
    if (i < 0)
        i = 0;
    if (i >= co->ncode)
        return co->firstlineno;
    return co->positions[i].lineno;
}

/* ---------------- argument binding ---------------------------------- */

/* "'a', 'b', and 'c'" as CPython lists missing arguments. */
static TwObject *format_name_list(TwObject **names, int n)
{
    TwStrBuilder sb;
    tw_sb_init(&sb);
    for (int i = 0; i < n; i++) {
        if (i > 0)
            tw_sb_append_cstr(&sb, n == 2 ? " and " : (i == n - 1 ? ", and " : ", "));
        tw_sb_append_obj_repr(&sb, names[i]);
    }
    return tw_sb_finish(&sb);
}

static void missing_arguments(TwFunctionObject *fn, TwObject **localsplus, int start, int end,
                              bool kwonly)
{
    TwCodeObject *co = (TwCodeObject *)fn->code;
    TwObject *names[64];
    int n = 0;
    for (int i = start; i < end && n < 64; i++)
        if (localsplus[i] == NULL)
            names[n++] = TW_TUPLE_GET(co->varnames, i);
    TwObject *list = format_name_list(names, n);
    if (list == NULL)
        return;
    tw_err_format(TwExc_TypeError, "%s() missing %d required %s argument%s: %s",
                  TW_STR_DATA(fn->qualname), n, kwonly ? "keyword-only" : "positional",
                  n == 1 ? "" : "s", TW_STR_DATA(list));
    TW_DECREF(list);
}

static void too_many_positional(TwFunctionObject *fn, TwObject **localsplus, size_t given)
{
    TwCodeObject *co = (TwCodeObject *)fn->code;
    int co_args = co->argcount;
    TwObject *defaults = tw_field_get_ref(&fn->defaults);
    int ndefs = defaults ? (int)TW_TUPLE_SIZE(defaults) : 0;
    TW_XDECREF(defaults);
    int kwonly_given = 0;
    for (int i = co_args; i < co_args + co->kwonlyargcount; i++)
        if (localsplus[i] != NULL)
            kwonly_given++;
    char sig[64];
    if (ndefs > 0)
        snprintf(sig, sizeof sig, "from %d to %d positional arguments", co_args - ndefs, co_args);
    else
        snprintf(sig, sizeof sig, "%d positional argument%s", co_args, co_args == 1 ? "" : "s");
    if (kwonly_given) {
        tw_err_format(TwExc_TypeError,
                      "%s() takes %s but %zd positional argument%s (and %d keyword-only argument%s) were given",
                      TW_STR_DATA(fn->qualname), sig, (TwSsize)given, given == 1 ? "" : "s",
                      kwonly_given, kwonly_given == 1 ? "" : "s");
    } else {
        tw_err_format(TwExc_TypeError, "%s() takes %s but %zd %s given",
                      TW_STR_DATA(fn->qualname), sig, (TwSsize)given,
                      given == 1 ? "was" : "were");
    }
}

/*
 * Python's argument binding: positional arguments fill the parameters in
 * order (the rest go to *args or are an error), keyword arguments go to
 * the parameter of that name (or to **kwargs), then defaults fill what is
 * still empty; anything left empty is "missing".  The messages are
 * CPython 3.11's, naming the function by its qualified name.
 */
TwFrame *tw_frame_for_call(TwFunctionObject *fn, TwObject *self, TwObject *const *args,
                           size_t nargs, TwObject *kwnames, int hold)
{
    TwCodeObject *co = (TwCodeObject *)fn->code;
    TwFrame *f = (co->flags & TW_CO_GENERATOR)
                     ? tw_frame_new(co, (TwObject *)fn, fn->globals, fn->builtins, NULL, true)
                     : tw_frame_new_for_function(co, fn, hold);
    if (f == NULL)
        return NULL;
    TwObject **lp = f->localsplus;
    size_t total = nargs + (self != NULL);
    int co_args = co->argcount;
    int kwonly = co->kwonlyargcount;
    int nkw = kwnames ? (int)TW_TUPLE_SIZE(kwnames) : 0;

    if ((co->flags & TW_CO_SIMPLE_ARGS) && nkw == 0 && total == (size_t)co_args) {
        size_t j = 0;
        if (self)
            lp[j++] = tw_newref(self);
        for (size_t i = 0; i < nargs; i++)
            lp[j++] = tw_newref(args[i]);
        return f;
    }

    int slot_varargs = co_args + kwonly;
    int slot_varkw = slot_varargs + ((co->flags & TW_CO_VARARGS) ? 1 : 0);
    TwObject *kwdict = NULL;
    if (co->flags & TW_CO_VARKEYWORDS) {
        kwdict = tw_dict_new();
        if (kwdict == NULL)
            goto fail;
        lp[slot_varkw] = kwdict;
    }

    size_t npos = total < (size_t)co_args ? total : (size_t)co_args;
    for (size_t i = 0; i < npos; i++) {
        TwObject *v = (self && i == 0) ? self : args[i - (self != NULL)];
        lp[i] = tw_newref(v);
    }
    if (co->flags & TW_CO_VARARGS) {
        TwSsize nextra = total > (size_t)co_args ? (TwSsize)(total - co_args) : 0;
        TwObject *t = tw_tuple_new(nextra);
        if (t == NULL)
            goto fail;
        for (TwSsize k = 0; k < nextra; k++) {
            size_t i = (size_t)co_args + (size_t)k;
            TwObject *v = (self && i == 0) ? self : args[i - (self != NULL)];
            TW_TUPLE_SET(t, k, tw_newref(v));
        }
        lp[slot_varargs] = t;
    }

    /* keyword arguments */
    for (int k = 0; k < nkw; k++) {
        TwObject *key = TW_TUPLE_GET(kwnames, k);
        TwObject *value = args[nargs + k];
        int j;
        int found = -1;
        for (j = co->posonlyargcount; j < co_args + kwonly; j++) {
            if (TW_TUPLE_GET(co->varnames, j) == key) {
                found = j;
                break;
            }
        }
        if (found < 0) {
            for (j = co->posonlyargcount; j < co_args + kwonly; j++) {
                if (tw_str_eq(TW_TUPLE_GET(co->varnames, j), key)) {
                    found = j;
                    break;
                }
            }
        }
        if (found < 0) {
            if (kwdict != NULL) {
                if (tw_dict_set(kwdict, key, value) < 0)
                    goto fail;
                continue;
            }
            bool posonly = false;
            for (j = 0; j < co->posonlyargcount; j++)
                if (tw_str_eq(TW_TUPLE_GET(co->varnames, j), key))
                    posonly = true;
            if (posonly)
                tw_err_format(TwExc_TypeError,
                              "%s() got some positional-only arguments passed as keyword arguments: '%s'",
                              TW_STR_DATA(fn->qualname), TW_STR_DATA(key));
            else
                tw_err_format(TwExc_TypeError, "%s() got an unexpected keyword argument '%s'",
                              TW_STR_DATA(fn->qualname), TW_STR_DATA(key));
            goto fail;
        }
        if (lp[found] != NULL) {
            tw_err_format(TwExc_TypeError, "%s() got multiple values for argument '%s'",
                          TW_STR_DATA(fn->qualname), TW_STR_DATA(key));
            goto fail;
        }
        lp[found] = tw_newref(value);
    }
    /* the positional count is checked after keywords, as CPython does */
    if (total > (size_t)co_args && !(co->flags & TW_CO_VARARGS)) {
        too_many_positional(fn, lp, total);
        goto fail;
    }

    /* defaults for positional parameters */
    if (total < (size_t)co_args) {
        /* __defaults__ may be reassigned by another thread meanwhile */
        TwObject *defaults = tw_field_get_ref(&fn->defaults);
        int ndefs = defaults ? (int)TW_TUPLE_SIZE(defaults) : 0;
        int first_default = co_args - ndefs;
        int missing = 0;
        for (int i = (int)total; i < co_args; i++) {
            if (lp[i] != NULL)
                continue;
            if (i >= first_default)
                lp[i] = tw_newref(TW_TUPLE_GET(defaults, i - first_default));
            else
                missing++;
        }
        TW_XDECREF(defaults);
        if (missing) {
            missing_arguments(fn, lp, (int)total, co_args, false);
            goto fail;
        }
    }
    /* keyword-only parameters */
    if (kwonly > 0) {
        int missing = 0;
        TwObject *kwdefaults = tw_field_get_ref(&fn->kwdefaults);
        for (int i = co_args; i < co_args + kwonly; i++) {
            if (lp[i] != NULL)
                continue;
            TwObject *d = NULL;
            if (kwdefaults && tw_dict_get_ref(kwdefaults, TW_TUPLE_GET(co->varnames, i), &d) < 0) {
                TW_DECREF(kwdefaults);
                goto fail;
            }
            if (d)
                lp[i] = d;
            else
                missing++;
        }
        TW_XDECREF(kwdefaults);
        if (missing) {
            missing_arguments(fn, lp, co_args, co_args + kwonly, true);
            goto fail;
        }
    }
    return f;

fail:
    tw_frame_release(f);
    return NULL;
}

/* ---------------- tracebacks ---------------------------------------- */

int tw_traceback_add(TwObject *exc, TwObject *filename, TwObject *name,
                     int lineno, int end_lineno, int col, int end_col)
{
    /* the exception may be raised in several threads at once (one made
     * in advance), and __traceback__ assigned meanwhile: its fields'
     * protocol (object.h) */
    TwBaseExceptionObject *e = (TwBaseExceptionObject *)exc;
    TwObject *tb = tw_field_get_ref(&e->traceback);
    if (tb == NULL || tb == Tw_None || !TW_LIST_CHECK(tb)) {
        TW_XDECREF(tb);
        tb = tw_list_new(0);
        if (tb == NULL)
            return -1;
        tw_field_set(exc, &e->traceback, tw_newref(tb));
    }
    TwObject *l = tw_int_from_i64(lineno);
    TwObject *el = tw_int_from_i64(end_lineno);
    TwObject *c = tw_int_from_i64(col);
    TwObject *ec = tw_int_from_i64(end_col);
    if (!l || !el || !c || !ec) {
        TW_XDECREF(l);
        TW_XDECREF(el);
        TW_XDECREF(c);
        TW_XDECREF(ec);
        return -1;
    }
    TwObject *t = tw_tuple_pack(6, filename, name, l, el, c, ec);
    TW_DECREF(l);
    TW_DECREF(el);
    TW_DECREF(c);
    TW_DECREF(ec);
    if (t == NULL) {
        TW_DECREF(tb);
        return -1;
    }
    int r = tw_list_append(tb, t);
    TW_DECREF(t);
    TW_DECREF(tb);
    return r;
}

TwSsize tw_traceback_count(TwObject *exc)
{
    TwObject *tb = tw_field_get_ref(&((TwBaseExceptionObject *)exc)->traceback);
    TwSsize n = tb != NULL && TW_LIST_CHECK(tb) ? TW_LIST_SIZE(tb) : 0;
    TW_XDECREF(tb);
    return n;
}

static int tuple_int(TwObject *t, TwSsize i, int dflt)
{
    if (TW_TUPLE_SIZE(t) <= i || !TW_INT_CHECK(TW_TUPLE_GET(t, i)))
        return dflt;
    return (int)TW_INT_VALUE(TW_TUPLE_GET(t, i));
}

int tw_traceback_entry(TwObject *exc, TwSsize i, TwObject **filename, TwObject **name,
                       int *lineno, int *end_lineno, int *col, int *end_col)
{
    TwSsize n = tw_traceback_count(exc);
    if (i < 0 || i >= n)
        return -1;
    TwObject *tb = tw_field_get_ref(&((TwBaseExceptionObject *)exc)->traceback);
    TwObject *t = tb != NULL && TW_LIST_CHECK(tb) ? tw_list_get(tb, n - 1 - i) : NULL;
    TW_XDECREF(tb);
    if (t == NULL) {
        tw_err_clear();
        return -1;
    }
    /* the list keeps the tuple alive: hand out borrowed parts */
    if (filename)
        *filename = TW_TUPLE_GET(t, 0);
    if (name)
        *name = TW_TUPLE_GET(t, 1);
    if (lineno)
        *lineno = tuple_int(t, 2, 0);
    if (end_lineno)
        *end_lineno = tuple_int(t, 3, -1);
    if (col)
        *col = tuple_int(t, 4, -1);
    if (end_col)
        *end_col = tuple_int(t, 5, -1);
    TW_DECREF(t);
    return 0;
}
