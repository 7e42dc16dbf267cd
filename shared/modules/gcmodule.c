/*
 * gcmodule.c — the gc module: the Python face of the runtime's cycle
 * collector (tw_gc_* in runtime.h).  Both runtimes answer the same calls:
 * the gil runtime with its three generations, the nogil runtime with its
 * stop-the-world collector (generations are accepted and all collect all).
 */
#include "modules/gcmodule.h"
#include "modules/stdmodules.h"
#include "twinpy/types.h"

/* ---------------- what a collection reports (gcmodule.h) ------------ */

bool tw_gc_tuple_is_atomic(TwObject *t)
{
    for (TwSsize i = 0; i < TW_TUPLE_SIZE(t); i++) {
        TwObject *item = TW_TUPLE_GET(t, i);
        if (item == NULL || tw_gc_may_be_tracked(item))
            return false;
    }
    return true;
}

bool tw_gc_cpython_tracks_dict(TwObject *d)
{
    TwSsize pos = 0;
    TwObject *k, *v;
    while (tw_dict_next(d, &pos, &k, &v)) {
        if (tw_gc_may_be_tracked(k) || tw_gc_may_be_tracked(v))
            return true;
    }
    return false;
}

#define TW_CPYTHON_SHARED_KEYS_MAX 30

TwObject *tw_gc_inline_dict(TwObject *op)
{
    TwTypeObject *tp = TW_TYPE(op);
    if (!(tp->tp_flags & TW_TPFLAGS_HEAPTYPE) || tp->tp_dictoffset <= 0)
        return NULL;
    TwTypeObject *sb = tp;
    while (sb && (sb->tp_flags & TW_TPFLAGS_HEAPTYPE))
        sb = sb->tp_base;
    if (sb == NULL || sb->tp_dictoffset == tp->tp_dictoffset)
        return NULL;
    TwObject *d = *(TwObject **)((char *)op + tp->tp_dictoffset);
    if (d == NULL || TW_TYPE(d) != &TwDict_Type || tw_refcnt(d) != 1 ||
        tw_dict_size(d) > TW_CPYTHON_SHARED_KEYS_MAX)
        return NULL;
    return d;
}

/* gc.get_stats(): per generation, the collections and what they found:
 * those requested through gc.collect(), counted here, plus the automatic
 * ones a runtime reports with tw_gc_note_automatic_collection (both
 * collectors do; `twinpy --stats` shows the runtime's own counters). */
static int64_t stat_collections[3], stat_collected[3];

void tw_gc_note_automatic_collection(int generation, TwSsize reported)
{
    if (generation < 0 || generation > 2)
        return;
    __atomic_fetch_add(&stat_collections[generation], 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&stat_collected[generation], (int64_t)reported, __ATOMIC_RELAXED);
}

static TwObject *gc_collect(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    static const char *const kw[] = {"generation"};
    TwObject *gen_obj = nargs > 0 ? args[0] : NULL;
    if (nargs > 1)
        return tw_err_format(TwExc_TypeError, "collect() takes at most 1 argument (%zu given)", nargs);
    if (kwnames && tw_args_keywords("collect", args, nargs, kwnames, kw, 1, &gen_obj) < 0)
        return NULL;
    int64_t gen = 2;
    if (gen_obj && tw_arg_as_i64(gen_obj, &gen) < 0)
        return NULL;
    if (gen < 0 || gen > 2)
        return tw_err_format(TwExc_ValueError, "invalid generation");
    TwSsize n = tw_gc_collect((int)gen);
    if (n < 0)
        return NULL;
    __atomic_fetch_add(&stat_collections[gen], 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&stat_collected[gen], (int64_t)n, __ATOMIC_RELAXED);
    return tw_int_from_i64((int64_t)n);
}

static TwObject *gc_enable(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("gc.enable", kwnames) < 0 || tw_arg_check_count("gc.enable", nargs, 0, 0) < 0)
        return NULL;
    tw_gc_enable();
    TW_RETURN_NONE;
}

static TwObject *gc_disable(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("gc.disable", kwnames) < 0 || tw_arg_check_count("gc.disable", nargs, 0, 0) < 0)
        return NULL;
    tw_gc_disable();
    TW_RETURN_NONE;
}

static TwObject *gc_isenabled(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("gc.isenabled", kwnames) < 0 || tw_arg_check_count("gc.isenabled", nargs, 0, 0) < 0)
        return NULL;
    return tw_bool_from(tw_gc_isenabled());
}

static TwObject *triple(const int v[3])
{
    TwObject *a = tw_int_from_i64(v[0]), *b = tw_int_from_i64(v[1]), *c = tw_int_from_i64(v[2]);
    TwObject *t = (a && b && c) ? tw_tuple_pack(3, a, b, c) : NULL;
    TW_XDECREF(a);
    TW_XDECREF(b);
    TW_XDECREF(c);
    return t;
}

static TwObject *gc_get_count(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("gc.get_count", kwnames) < 0 || tw_arg_check_count("gc.get_count", nargs, 0, 0) < 0)
        return NULL;
    int v[3];
    tw_gc_get_count(v);
    return triple(v);
}

static TwObject *gc_get_threshold(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("gc.get_threshold", kwnames) < 0 ||
        tw_arg_check_count("gc.get_threshold", nargs, 0, 0) < 0)
        return NULL;
    int v[3];
    tw_gc_get_threshold(v);
    return triple(v);
}

static TwObject *gc_set_threshold(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("set_threshold", kwnames) < 0)
        return NULL;
    if (nargs < 1)
        return tw_err_format(TwExc_TypeError, "set_threshold() takes at least 1 argument (0 given)");
    if (nargs > 3)
        return tw_err_format(TwExc_TypeError, "set_threshold() takes at most 3 arguments (%zu given)", nargs);
    int v[3];
    tw_gc_get_threshold(v);
    for (size_t i = 0; i < nargs; i++) {
        int64_t x;
        if (TW_FLOAT_CHECK(args[i]))
            return tw_err_format(TwExc_TypeError, "'float' object cannot be interpreted as an integer");
        if (tw_arg_as_i64(args[i], &x) < 0)
            return NULL;
        if (x < INT32_MIN || x > INT32_MAX)
            return tw_err_format(TwExc_OverflowError, "signed integer is greater than maximum");
        v[i] = (int)x;
    }
    tw_gc_set_threshold(v);
    TW_RETURN_NONE;
}

static TwObject *gc_is_tracked(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("gc.is_tracked", kwnames) < 0 || tw_arg_check_count("gc.is_tracked", nargs, 1, 1) < 0)
        return NULL;
    if (!TW_HAS_TPFLAG(args[0], TW_TPFLAGS_HAVE_GC))
        TW_RETURN_FALSE;
    return tw_bool_from(tw_gc_is_tracked(args[0]));
}

/* [{'collections': c, 'collected': n, 'uncollectable': 0}, ...] as CPython. */
static TwObject *gc_get_stats(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("gc.get_stats", kwnames) < 0 || tw_arg_check_count("gc.get_stats", nargs, 0, 0) < 0)
        return NULL;
    TwObject *list = tw_list_new(0);
    if (!list)
        return NULL;
    for (int g = 0; g < 3; g++) {
        TwObject *d = tw_dict_new();
        TwObject *c = tw_int_from_i64(__atomic_load_n(&stat_collections[g], __ATOMIC_RELAXED));
        TwObject *n = tw_int_from_i64(__atomic_load_n(&stat_collected[g], __ATOMIC_RELAXED));
        TwObject *z = tw_int_from_i64(0);
        int bad = !d || !c || !n || !z || tw_dict_set_str(d, "collections", c) < 0 ||
                  tw_dict_set_str(d, "collected", n) < 0 || tw_dict_set_str(d, "uncollectable", z) < 0 ||
                  tw_list_append(list, d) < 0;
        TW_XDECREF(c);
        TW_XDECREF(n);
        TW_XDECREF(z);
        TW_XDECREF(d);
        if (bad) {
            TW_DECREF(list);
            return NULL;
        }
    }
    return list;
}

static const TwMethodDef gc_functions[] = {
    {"collect", gc_collect, 0},
    {"enable", gc_enable, 0},
    {"disable", gc_disable, 0},
    {"isenabled", gc_isenabled, 0},
    {"get_count", gc_get_count, 0},
    {"get_threshold", gc_get_threshold, 0},
    {"set_threshold", gc_set_threshold, 0},
    {"is_tracked", gc_is_tracked, 0},
    {"get_stats", gc_get_stats, 0},
    {NULL, NULL, 0},
};

TwObject *tw_gc_module_init(void)
{
    TwObject *m = tw_module_new("gc");
    if (!m)
        return NULL;
    TwObject *garbage = tw_list_new(0);
    if (!garbage || tw_module_add_functions(m, gc_functions) < 0 ||
        tw_module_add_object(m, "garbage", garbage) < 0) {
        TW_XDECREF(garbage);
        TW_DECREF(m);
        return NULL;
    }
    TW_DECREF(garbage);
    return m;
}
