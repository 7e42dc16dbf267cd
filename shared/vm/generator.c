/*
 * generator.c — generator objects.
 *
 * Calling a function whose code contains `yield` makes a generator that
 * owns the function's frame.  Each send()/next() runs the frame in the
 * interpreter loop until it yields (the frame is kept, its instruction
 * and stack pointers saved) or returns (the frame is freed and the
 * generator is finished).  throw() resumes the frame with an exception
 * raised at the suspended yield; close() throws GeneratorExit.
 */
#include "twinpy/interp.h"
#include "vm/vm_internal.h"

TwObject *tw_gen_new(TwFrame *f, TwObject *name, TwObject *qualname)
{
    TwGenObject *g = (TwGenObject *)tw_gc_alloc(&TwGen_Type, sizeof(TwGenObject));
    if (g == NULL) {
        tw_frame_release(f);
        return tw_err_no_memory();
    }
    g->frame = f;
    f->gen = g;
    g->name = tw_newref(name);
    g->qualname = tw_newref(qualname);
    g->running = 0;
    g->exc_state = NULL;
    /* generators have a finalizer (gen_finalize): the collectors look for
     * them from now on */
    if (!__atomic_load_n(&tw_finalizers_seen, __ATOMIC_RELAXED))
        __atomic_store_n(&tw_finalizers_seen, true, __ATOMIC_RELAXED);
    tw_gc_track((TwObject *)g);
    return (TwObject *)g;
}

/*
 * One thread at a time.  Every operation that reads or changes a live
 * generator's frame or exc_state (next, send, throw, close) first claims
 * it: `running` goes from 0 to 1 inside the generator's critical section
 * (empty in the GIL build; in the free-threaded one the section's lock,
 * or the owner's bias, orders one claimant's changes before the next
 * one's claim), and back to 0 when the operation is done with them.  A
 * claim that finds `running` set fails with "generator already
 * executing", whether the generator is running in another thread or is
 * resuming itself.  The collectors and the deallocation read the state
 * unclaimed: they look only at generators no running code can reach.
 * `running` is also read without the lock (gi_running): relaxed atomics.
 */
static bool gen_claim(TwGenObject *g)
{
    bool ok;
    TW_BEGIN_CRITICAL_SECTION((TwObject *)g);
    ok = __atomic_load_n(&g->running, __ATOMIC_RELAXED) == 0;
    if (ok)
        __atomic_store_n(&g->running, 1, __ATOMIC_RELAXED);
    TW_END_CRITICAL_SECTION();
    if (!ok)
        tw_err_set_string(TwExc_ValueError, "generator already executing");
    return ok;
}

static void gen_unclaim(TwGenObject *g)
{
    TW_BEGIN_CRITICAL_SECTION((TwObject *)g);
    __atomic_store_n(&g->running, 0, __ATOMIC_RELAXED);
    TW_END_CRITICAL_SECTION();
}

/* Runs g, claimed by the caller, which it unclaims. */
static TwObject *gen_resume_claimed(TwGenObject *g, TwObject *value, int throwflag, TwObject **retval)
{
    *retval = NULL;
    TwFrame *f = g->frame;
    if (f == NULL) {
        gen_unclaim(g);
        /* exhausted: no exception, no value (or the one thrown stands) */
        return NULL;
    }
    bool started = f->ip != f->code->code;
    if (!started && value != NULL && value != Tw_None && !throwflag) {
        gen_unclaim(g);
        tw_err_set_string(TwExc_TypeError, "can't send non-None value to a just-started generator");
        return NULL;
    }
    if (started && !throwflag)
        *f->sp++ = tw_newref(value ? value : Tw_None);
    /* The generator handles exceptions in its own state: the caller's
     * handled exception is put aside while it runs and restored after. */
    TwThreadState *ts = tw_tstate();
    TwObject *caller_exc = ts->handled_exc;
    if (g->exc_state != NULL) {
        ts->handled_exc = g->exc_state;
        g->exc_state = NULL;
    } else {
        TW_XINCREF(caller_exc);
    }
    TwObject *res = tw_eval_frame_ex(ts, f, throwflag);
    if (ts->handled_exc != caller_exc && f->yielded)
        g->exc_state = ts->handled_exc;
    else
        TW_XDECREF(ts->handled_exc);
    ts->handled_exc = caller_exc;
    if (f->yielded) {
        gen_unclaim(g);
        return res;
    }
    /* finished: returned (res) or raised (NULL) */
    g->frame = NULL;
    gen_unclaim(g);
    tw_frame_release(f);
    if (res != NULL) {
        *retval = res;
        return NULL;
    }
    return NULL;
}

static TwObject *gen_resume(TwGenObject *g, TwObject *value, int throwflag, TwObject **retval)
{
    *retval = NULL;
    if (!gen_claim(g))
        return NULL;
    return gen_resume_claimed(g, value, throwflag, retval);
}

TwObject *tw_gen_send_ex(TwObject *gen, TwObject *value, TwObject **retval)
{
    return gen_resume((TwGenObject *)gen, value, 0, retval);
}



/* The value of a finished generator becomes StopIteration(value). */
static TwObject *stop_iteration(TwObject *rv)
{
    if (rv == NULL || rv == Tw_None) {
        TW_XDECREF(rv);
        tw_err_set_object(TwExc_StopIteration, NULL);
        return NULL;
    }
    TwObject *args = tw_tuple_pack(1, rv);
    TW_DECREF(rv);
    if (args == NULL)
        return NULL;
    TwObject *e = tw_call_tuple_dict(TwExc_StopIteration, args, NULL);
    TW_DECREF(args);
    if (e == NULL)
        return NULL;
    tw_err_raise(e);
    return NULL;
}

/* next(gen): a return value other than None travels in StopIteration. */
static TwObject *gen_iternext(TwObject *self)
{
    TwObject *rv = NULL;
    TwObject *r = gen_resume((TwGenObject *)self, Tw_None, 0, &rv);
    if (r != NULL || rv == NULL)
        return r;
    if (rv == Tw_None) {
        TW_DECREF(rv);
        return NULL;
    }
    return stop_iteration(rv);
}

static TwObject *gen_send(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("send", kwnames) < 0 || tw_arg_check_count("send", nargs, 1, 1) < 0)
        return NULL;
    TwObject *rv = NULL;
    TwObject *r = gen_resume((TwGenObject *)self, args[0], 0, &rv);
    if (r != NULL || tw_err_occurred())
        return r;
    return stop_iteration(rv);
}

static TwObject *gen_throw_exc(TwGenObject *g, TwObject *exc)
{
    /* exc: a class or an instance, raised at the suspension point */
    TwObject *inst;
    if (TW_HAS_TPFLAG(exc, TW_TPFLAGS_TYPE_SUBCLASS)
        && (((TwTypeObject *)exc)->tp_flags & TW_TPFLAGS_EXC_SUBCLASS)) {
        inst = tw_call0(exc);
        if (inst == NULL)
            return NULL;
    } else if (TW_HAS_TPFLAG(exc, TW_TPFLAGS_EXC_SUBCLASS)) {
        inst = tw_newref(exc);
    } else {
        tw_err_set_string(TwExc_TypeError, "exceptions must be classes or instances deriving from BaseException");
        return NULL;
    }
    if (!gen_claim(g)) {
        TW_DECREF(inst);
        return NULL;
    }
    tw_err_raise(inst);
    if (g->frame == NULL || g->frame->ip == g->frame->code->code) {
        /* not started or finished: the exception just propagates */
        TwFrame *f = g->frame;
        g->frame = NULL;
        gen_unclaim(g);
        if (f != NULL)
            tw_frame_release(f);
        return NULL;
    }
    TwObject *rv = NULL;
    TwObject *r = gen_resume_claimed(g, NULL, 1, &rv);
    if (r != NULL || tw_err_occurred())
        return r;
    return stop_iteration(rv);
}

static TwObject *gen_throw(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("throw", kwnames) < 0 || tw_arg_check_count("throw", nargs, 1, 3) < 0)
        return NULL;
    if (nargs >= 2 && args[1] != Tw_None && TW_HAS_TPFLAG(args[1], TW_TPFLAGS_EXC_SUBCLASS))
        return gen_throw_exc((TwGenObject *)self, args[1]);
    return gen_throw_exc((TwGenObject *)self, args[0]);
}

static int gen_close_impl(TwGenObject *g)
{
    if (!gen_claim(g))
        return -1;
    TwFrame *f = g->frame;
    bool suspended = f != NULL && f->ip != f->code->code;
    if (!suspended)
        g->frame = NULL;
    gen_unclaim(g);
    if (!suspended) {
        if (f != NULL)
            tw_frame_release(f);
        return 0;
    }
    TwObject *r = gen_throw_exc(g, TwExc_GeneratorExit);
    if (r != NULL) {
        TW_DECREF(r);
        tw_err_set_string(TwExc_RuntimeError, "generator ignored GeneratorExit");
        return -1;
    }
    if (tw_err_matches(TwExc_GeneratorExit) || tw_err_matches(TwExc_StopIteration)) {
        tw_err_clear();
        return 0;
    }
    return tw_err_occurred() ? -1 : 0;
}

static TwObject *gen_close(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (gen_close_impl((TwGenObject *)self) < 0)
        return NULL;
    TW_RETURN_NONE;
}

static TwObject *gen_iter(TwObject *self) { return tw_newref(self); }

static TwObject *gen_repr(TwObject *self)
{
    TwGenObject *g = (TwGenObject *)self;
    return tw_str_from_format("<generator object %s at %p>", TW_STR_DATA(g->qualname), (void *)self);
}

static int gen_traverse(TwObject *self, TwVisitFn visit, void *arg)
{
    TwGenObject *g = (TwGenObject *)self;
    if (g->exc_state) {
        int r = visit(g->exc_state, arg);
        if (r)
            return r;
    }
    if (g->frame)
        return tw_frame_traverse(g->frame, visit, arg);
    return 0;
}

static int gen_clear(TwObject *self)
{
    TwGenObject *g = (TwGenObject *)self;
    if (g->frame && !__atomic_load_n(&g->running, __ATOMIC_RELAXED))
        tw_frame_clear(g->frame);
    TW_CLEAR(g->exc_state);
    return 0;
}

/* Started, not finished, not running: stopped at a yield. */
static bool gen_suspended(const TwGenObject *g)
{
    return g->frame != NULL && g->frame->ip != g->frame->code->code &&
           !__atomic_load_n(&g->running, __ATOMIC_RELAXED);
}

/* The finalizer (tp_finalize, run by tw_object_call_finalizer, which
 * reports what it raises as CPython does and ignores it): a suspended
 * generator is closed, so that its finally blocks run, when its last
 * reference goes or when the collector finds it in a cycle (before it
 * clears any of the cycle). */
static void gen_finalize(TwObject *self)
{
    TwGenObject *g = (TwGenObject *)self;
    if (gen_suspended(g))
        (void)gen_close_impl(g);
}

bool tw_gen_is_suspended(TwObject *self)
{
    return gen_suspended((const TwGenObject *)self);
}

static void gen_dealloc(TwObject *self)
{
    TwGenObject *g = (TwGenObject *)self;
    if (tw_gc_is_tracked(self))
        tw_gc_untrack(self);
    /* a suspended one is closed (unless a collection did that); nothing
     * can refer to a generator whose count reached zero, so its finally
     * blocks cannot bring it back */
    if (gen_suspended(g) && !tw_gc_is_finalized(self))
        tw_object_call_finalizer(self);
    if (g->frame != NULL) {
        TwFrame *f = g->frame;
        g->frame = NULL;
        tw_frame_release(f);
    }
    TW_XDECREF(g->name);
    TW_XDECREF(g->qualname);
    TW_XDECREF(g->exc_state);
    tw_gc_free(self, sizeof(TwGenObject));
}

static TwObject *gen_get_name(TwObject *self) { return tw_newref(((TwGenObject *)self)->name); }
static TwObject *gen_get_qualname(TwObject *self) { return tw_newref(((TwGenObject *)self)->qualname); }
static TwObject *gen_get_running(TwObject *self)
{
    return tw_bool_from(__atomic_load_n(&((TwGenObject *)self)->running, __ATOMIC_RELAXED));
}

static const TwGetSetDef gen_getset[] = {
    {"__name__", gen_get_name, NULL},
    {"__qualname__", gen_get_qualname, NULL},
    {"gi_running", gen_get_running, NULL},
    {NULL, NULL, NULL},
};

static const TwMethodDef gen_methods[] = {
    {"send", gen_send, 0},
    {"throw", gen_throw, 0},
    {"close", gen_close, 0},
    {NULL, NULL, 0},
};

TwTypeObject TwGen_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "generator",
    .tp_basicsize = sizeof(TwGenObject),
    .tp_flags = TW_TPFLAGS_HAVE_GC,
    .tp_dealloc = gen_dealloc,
    .tp_finalize = gen_finalize,
    .tp_repr = gen_repr,
    .tp_hash = tw_object_hash_identity,
    .tp_getattro = tw_object_generic_getattr,
    .tp_iter = gen_iter,
    .tp_iternext = gen_iternext,
    .tp_traverse = gen_traverse,
    .tp_clear = gen_clear,
    .tp_methods = gen_methods,
    .tp_getset = gen_getset,
};

int tw_vm_types_init(void)
{
    TwTypeObject *types[] = {&TwCode_Type, &TwFunction_Type, &TwCell_Type, &TwGen_Type};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (!(types[i]->tp_flags & TW_TPFLAGS_READY) && tw_type_ready(types[i]) < 0)
            return -1;
    return 0;
}
