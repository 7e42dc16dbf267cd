/*
 * kernels.c — the measured loops of the micro suite, written in C so they
 * use the same static inline fast paths (tw_incref, critical sections) as
 * the interpreter.  Each returns something derived from its work so the
 * compiler cannot drop it.
 */
#include <pthread.h>
#include <time.h>

#include "kernels.h"
#include "twinpy/types.h"

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

void twb_init(void)
{
    tw_runtime_init();
    tw_objects_init();
}

const char *twb_runtime(void) { return tw_runtime_name(); }
void twb_attach(void) { tw_thread_attach_current(); }
void twb_detach(void) { tw_thread_detach_current(); }
void twb_enter(void) { tw_end_blocking(); }
void twb_leave(void) { tw_begin_blocking(); }

TwObject *twb_new_object(void) { return tw_float_from_double(1.5); }
TwObject *twb_none(void) { return Tw_None; }
void twb_drop(TwObject *op) { tw_decref(op); }

TwObject *twb_new_list(int64_t n)
{
    TwObject *l = tw_list_new(0);
    for (int64_t i = 0; i < n; i++) {
        TwObject *v = tw_int_from_i64(i);
        tw_list_append(l, v);
        tw_decref(v);
    }
    return l;
}

TwObject *twb_new_dict(int64_t n)
{
    TwObject *d = tw_dict_new();
    for (int64_t i = 0; i < n; i++) {
        TwObject *v = tw_int_from_i64(i);
        tw_dict_set(d, v, v);
        tw_decref(v);
    }
    return d;
}

void twb_incref_decref(TwObject *op, int64_t iters)
{
    for (int64_t i = 0; i < iters; i++) {
        tw_incref(op);
        __asm__ volatile("" ::: "memory");
        tw_decref(op);
    }
}

void twb_critical_section(TwObject *op, int64_t iters)
{
    for (int64_t i = 0; i < iters; i++) {
        TW_BEGIN_CRITICAL_SECTION(op);
        __asm__ volatile("" ::: "memory");
        TW_END_CRITICAL_SECTION();
    }
}

int64_t twb_list_append(TwObject *list, int64_t iters)
{
    TwObject *v = tw_int_from_i64(7);
    for (int64_t i = 0; i < iters; i++) {
        tw_list_append(list, v);
        if ((i & 4095) == 4095) {
            TwObject *empty = tw_list_new(0);
            TwObject *sl = tw_slice_new(NULL, NULL, NULL);
            tw_object_setitem(list, sl, empty);    /* list[:] = [] */
            tw_decref(sl);
            tw_decref(empty);
        }
    }
    tw_decref(v);
    return TW_LIST_SIZE(list);
}

int64_t twb_list_read(TwObject *list, int64_t iters)
{
    int64_t n = TW_LIST_SIZE(list), acc = 0;
    for (int64_t i = 0; i < iters; i++) {
        TwObject *v = tw_list_get(list, i % n);
        acc += TW_INT_VALUE(v);
        tw_decref(v);
    }
    return acc;
}

int64_t twb_dict_get(TwObject *dict, int64_t iters)
{
    int64_t n = tw_dict_size(dict), acc = 0;
    TwObject *keys[64];
    for (int k = 0; k < 64; k++)
        keys[k] = tw_int_from_i64(k % n);
    for (int64_t i = 0; i < iters; i++) {
        TwObject *v = NULL;
        if (tw_dict_get_ref(dict, keys[i & 63], &v) > 0) {
            acc += TW_INT_VALUE(v);
            tw_decref(v);
        }
    }
    for (int k = 0; k < 64; k++)
        tw_decref(keys[k]);
    return acc;
}

int64_t twb_dict_set(TwObject *dict, int64_t iters)
{
    TwObject *keys[64];
    for (int k = 0; k < 64; k++)
        keys[k] = tw_int_from_i64(k);
    for (int64_t i = 0; i < iters; i++)
        tw_dict_set(dict, keys[i & 63], keys[(i + 1) & 63]);
    for (int k = 0; k < 64; k++)
        tw_decref(keys[k]);
    return tw_dict_size(dict);
}

void twb_alloc_free(int64_t iters)
{
    for (int64_t i = 0; i < iters; i++) {
        TwObject *f = tw_float_from_double((double)i);
        tw_decref(f);
    }
}

typedef struct {
    TwObject **objs;
    TwObject *op;
    int64_t n;
    double ns;
} WorkerArg;

static void *free_worker(void *p)
{
    WorkerArg *a = p;
    tw_thread_attach_current();
    double t0 = now_ns();
    for (int64_t i = 0; i < a->n; i++)
        tw_decref(a->objs[i]);
    a->ns = now_ns() - t0;
    tw_thread_detach_current();
    return NULL;
}

double twb_cross_thread_free(int64_t n)
{
    WorkerArg a = { .objs = tw_mem_alloc(sizeof(TwObject *) * (size_t)n), .n = n };
    for (int64_t i = 0; i < n; i++)
        a.objs[i] = tw_float_from_double((double)i);
    pthread_t t;
    tw_begin_blocking();
    pthread_create(&t, NULL, free_worker, &a);
    pthread_join(t, NULL);
    tw_end_blocking();
    tw_mem_free(a.objs, sizeof(TwObject *) * (size_t)n);
    return a.ns / (double)n;
}

static void *incref_worker(void *p)
{
    WorkerArg *a = p;
    tw_thread_attach_current();
    double t0 = now_ns();
    twb_incref_decref(a->op, a->n);
    a->ns = now_ns() - t0;
    tw_thread_detach_current();
    return NULL;
}

double twb_nonowner_incref_decref(TwObject *op, int64_t iters)
{
    WorkerArg a = { .op = op, .n = iters };
    pthread_t t;
    tw_begin_blocking();
    pthread_create(&t, NULL, incref_worker, &a);
    pthread_join(t, NULL);
    tw_end_blocking();
    return a.ns / (double)iters;
}

void twb_blocking_pair(int64_t iters)
{
    for (int64_t i = 0; i < iters; i++) {
        tw_begin_blocking();
        tw_end_blocking();
    }
}

double twb_gc_pause(int64_t n)
{
    TwObject *holder = tw_list_new(0);
    for (int64_t i = 0; i < n; i++) {
        TwObject *l = tw_list_new(0);
        tw_list_append(holder, l);
        tw_decref(l);
    }
    double t0 = now_ns();
    tw_gc_collect(2);
    double dt = (now_ns() - t0) / 1e9;
    tw_decref(holder);
    return dt;
}
