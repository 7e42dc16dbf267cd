/* kernels.h — C loops the micro suite times (see kernels.c). */
#ifndef TWB_KERNELS_H
#define TWB_KERNELS_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

typedef struct TwObject TwObject;

void twb_init(void);
const char *twb_runtime(void);
void twb_attach(void);                 /* a benchmark thread joins the runtime */
void twb_detach(void);
void twb_enter(void);                  /* attach (gil: take the GIL)  */
void twb_leave(void);                  /* detach (gil: drop the GIL)  */

TwObject *twb_new_object(void);        /* a float, owned by the caller's thread */
TwObject *twb_new_list(int64_t n);     /* [0, 1, ..., n-1] */
TwObject *twb_new_dict(int64_t n);     /* {i: i} */
void twb_drop(TwObject *op);
TwObject *twb_none(void);

void twb_incref_decref(TwObject *op, int64_t iters);
void twb_critical_section(TwObject *op, int64_t iters);
int64_t twb_list_append(TwObject *list, int64_t iters);   /* clears every 4096 */
int64_t twb_list_read(TwObject *list, int64_t iters);
int64_t twb_dict_get(TwObject *dict, int64_t iters);
int64_t twb_dict_set(TwObject *dict, int64_t iters);
void twb_alloc_free(int64_t iters);
/* Allocate n objects here, free them on another thread: ns per free. */
double twb_cross_thread_free(int64_t n);
/* Run twb_incref_decref(op, iters) on a fresh thread: ns per pair. */
double twb_nonowner_incref_decref(TwObject *op, int64_t iters);
void twb_blocking_pair(int64_t iters);  /* begin/end blocking (detach/attach) */
/* Build n tracked container objects, time one full collection: seconds. */
double twb_gc_pause(int64_t n);

/* Runtime-specific kernels (kernels_gil.c / kernels_nogil.c).  Where the
 * build's runtime has nothing of the kind they return a negative value
 * (and twb_mutex_new returns NULL). */
void *twb_mutex_new(void);             /* a per-object mutex (nogil)      */
void twb_mutex_free(void *m);
int64_t twb_mutex_lock_unlock(void *m, int64_t iters);
/* gil: mean ns from the holder dropping the GIL to a sleeping waiter
 * running.  Called attached. */
double twb_gil_handoff(int64_t rounds);
/* nogil: mean ns from a stop-the-world request to `helpers` attached,
 * spinning threads all parked.  Called attached. */
double twb_stop_the_world(int helpers, int64_t rounds);

#ifdef __cplusplus
}
#endif
#endif
