/*
 * gil_internal.h — what the files of the gil runtime share with each other
 * and with nobody else: the full per-thread structure, the GC prefix, and
 * the functions one mechanism calls in another.
 *
 * Files (one mechanism each):
 *   tstate.c          thread states, the thread list, spawn, init/fini
 *   gil.c             the GIL: take/drop, drop requests, forced switching,
 *                     the eval breaker, blocking sections
 *   object_alloc.c    allocation of untracked objects, tw_dealloc
 *   gc_generational.c the cycle collector and its prefix
 *   trashcan.c        deallocation of deep structures without deep recursion
 *   stats.c           the --stats counters
 *   trace.c           the --trace Chrome trace-event recorder
 */
#ifndef TWINPY_GIL_INTERNAL_H
#define TWINPY_GIL_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "twinpy/object.h"

/* ---------------- trace events (trace.c) --------------------------- */

typedef enum {
    TW_TRACE_RUNNING = 0,      /* held the GIL and ran                    */
    TW_TRACE_GIL_WAIT = 1,     /* waited to take the GIL                  */
    TW_TRACE_GC = 2,           /* ran the cycle collector                 */
} TwTraceKind;

typedef struct {
    uint64_t begin_ns, end_ns;
    uint32_t kind;
    uint32_t arg;              /* GC: generation                          */
} TwTraceEvent;

/* ---------------- the per-thread structure ------------------------- */

typedef struct TwGilThread {
    TwThreadState base;        /* first: TwThreadState * <-> TwGilThread * */
    uint32_t serial;           /* 0 for the main thread, then 1, 2, ...   */
    bool holds_gil;            /* written by the owner only               */
    bool is_main;

    /* trashcan.c: nesting depth of trashcan-guarded deallocations and the
     * objects deferred until the outermost one ends (linked through
     * ob_refcnt, which is free once the count reached zero). */
    int trash_depth;
    bool trash_draining;
    TwObject *trash_queue;

    /* gil.c accounting, owner-written */
    uint64_t gil_acquisitions;
    uint64_t gil_wait_ns;
    uint64_t run_begin_ns;     /* when this thread last took the GIL      */

    /* trace.c: events appended by the owner while it holds the GIL */
    TwTraceEvent *trace_events;
    size_t trace_len, trace_cap;

    /* object_alloc.c: the thread's tw_pool_tls while it has one (read by
     * tw_mem_stats from other threads) */
    TwPoolTls *pool;

    /* tstate.c: what a spawned thread runs */
    void (*start_fn)(void *);
    void *start_arg;
    void (*exited_fn)(void *);     /* tw_thread_spawn_ex: after the detach */
    void *exited_arg;
} TwGilThread;

static inline TwGilThread *tw_gil_thread(TwThreadState *ts) { return (TwGilThread *)ts; }

/* ---------------- cross-file functions ---------------------------- */

uint64_t tw_monotonic_ns(void);

/* gil.c */
void tw_gil_init(void);
void tw_gil_take(TwGilThread *t);
/* forced_ok: honour a pending drop request by waiting until another
 * thread has taken the GIL (forced switching). */
void tw_gil_drop(TwGilThread *t, bool forced_ok);
void tw_gil_counters(uint64_t *acquisitions, uint64_t *drop_requests,
                     uint64_t *forced_switches, uint64_t *forced_switch_waits,
                     uint64_t *switches);

/* gc_generational.c */
void tw_gc_run_scheduled(void);
/* Finalizers the collector or a dealloc has run (gc_generational.c). */
uint64_t tw_gc_finalizers_run(void);
void tw_gc_counters(uint64_t runs[3], uint64_t *collected, uint64_t *pause_ns_total,
                    uint64_t *pause_ns_max);

/* trace.c: all called with the GIL held */
bool tw_trace_enabled(void);
void tw_trace_record(TwGilThread *t, TwTraceKind kind, uint64_t begin_ns, uint64_t end_ns,
                     uint32_t arg);
void tw_trace_retire_thread(TwGilThread *t);

/* stats.c: fold an exiting thread's counters into the process record */
void tw_stats_retire_thread(TwGilThread *t);

/* tstate.c */
TwGilThread *tw_gil_main_thread(void);

#endif /* TWINPY_GIL_INTERNAL_H */
