/*
 * runtime.h — the seam between shared code and a runtime.
 *
 * Everything in shared/ (object model, compiler, interpreter, modules) reaches
 * the runtime through this header and nothing else.  CMake compiles exactly one
 * runtime in: gil_runtime/ or nogil_runtime/.  Each provides
 * "twinpy/runtime_inline.h", which defines the object header layout and the
 * fast paths (reference counts, critical sections) as static inline functions,
 * so the choice of runtime costs nothing at run time.
 *
 * What a runtime_inline.h must define (checked by tests/unit/test_runtime.c):
 *
 *   struct TwObject              the object header; always has `ob_type`
 *   TW_OBJECT_HEAD_INIT(tp)      designated initialisers for a static,
 *                                immortal object of type tp
 *   tw_incref(op), tw_decref(op) reference counting (decref may free)
 *   tw_refcnt(op)                the current count, as sys.getrefcount sees it
 *   tw_is_immortal(op), tw_set_immortal(op)
 *   tw_object_init_header(op, tp)  fresh object: one reference, owned by caller
 *   TW_BEGIN_CRITICAL_SECTION(op) / TW_BEGIN_CRITICAL_SECTION2(a, b) /
 *   TW_END_CRITICAL_SECTION()    lock one / two objects for a mutation
 *                                (no-ops under the GIL)
 *   tw_atomic_load_ptr(pp), tw_atomic_store_ptr(pp, v), tw_atomic_load_ssize,
 *   tw_atomic_store_ssize        publication of container internals that are
 *                                read without a lock (plain under the GIL)
 *   tw_try_incref_item(slot)     load *slot and return a new reference, or
 *                                NULL if none could be taken (the object died
 *                                or the slot changed under the reader: the
 *                                caller retries under the critical section)
 *   tw_object_publish(op)        op is about to be stored in a slot that
 *                                tw_try_incref_item reads; every such store
 *                                calls it first (nogil: such an object's
 *                                memory is reclaimed only after a grace period)
 *   tw_object_publish_into(c, op)  the same for a slot of container c, in
 *                                c's critical section (nogil: nothing while
 *                                c is private to its thread, see bias.c)
 *   tw_object_share_into(c, op)  op is stored in container c whose readers
 *                                all take its lock (nothing to publish; nogil:
 *                                op leaves its bias if c is shared)
 *   tw_bias_check_read(c)        before reading c's slots without a lock
 *                                (nogil: makes c shared if another thread
 *                                had it private; no-op under the GIL)
 *   tw_bias_read_needs_revoke(c) whether tw_bias_check_read(c) would stop
 *                                the world (never under the GIL)
 *   tw_object_is_private(c)      no other thread can look into c before the
 *                                caller checks its eval breaker or blocks:
 *                                a short mutation may skip the critical
 *                                section and publication (always under the
 *                                GIL; nogil: c is biased to the caller)
 *
 * The rest of the seam is ordinary functions, declared below and implemented
 * in each runtime's .c files.
 */
#ifndef TWINPY_RUNTIME_H
#define TWINPY_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct TwObject TwObject;
typedef struct TwTypeObject TwTypeObject;
typedef struct TwThreadState TwThreadState;
typedef intptr_t TwSsize;

/* Called by tw_decref when the last reference goes: runs tp_dealloc. */
void tw_dealloc(TwObject *op);

/* ------------------------------------------------------------------ */
/* Thread state: the shared part.  A runtime embeds this as the first  */
/* member of its own per-thread structure.                             */
/* ------------------------------------------------------------------ */

struct TwFrame;

/* Bits of TwThreadState.eval_breaker.  Any non-zero value sends the
 * interpreter into tw_eval_breaker_handle() at its next check (backward
 * jumps and calls). */
enum {
    TW_EB_GIL_DROP_REQUEST = 1u << 0,  /* gil: another thread waits        */
    TW_EB_STOP_THE_WORLD   = 1u << 1,  /* nogil: park for a collection      */
    TW_EB_MERGE_REFCOUNTS  = 1u << 2,  /* nogil: merge the BRC queue        */
    TW_EB_QUIESCENT        = 1u << 3,  /* nogil: report a quiescent state   */
    TW_EB_GC_SCHEDULED     = 1u << 4,  /* a collection is due               */
    TW_EB_PENDING_CALLS    = 1u << 5,  /* asynchronous exception / calls    */
};

struct TwThreadState {
    uint32_t eval_breaker;        /* written by other threads: atomic access */
    int recursion_depth;          /* Python-level call depth                */
    TwObject *exc;                /* raised, not yet caught (NULL if none)  */
    TwObject *handled_exc;        /* being handled: what bare `raise` uses  */
    struct TwFrame *frame;        /* innermost executing frame              */
    uint64_t ident;               /* threading.get_ident()                  */
    TwObject *thread_obj;         /* the threading.Thread, if any (borrowed) */
    /* allocation counters, owner-written only (summed by tw_mem_stats) */
    uint64_t alloc_count, free_count;
    uint64_t alloc_bytes, free_bytes;
    /* _thread lock acquisitions that found the lock held and got it by
     * spinning / by sleeping, and the time slept (ns): owner-written,
     * summed by tw_thread_lock_stats_dump */
    uint64_t lock_spun, lock_slept, lock_wait_ns;
    TwThreadState *next_all;      /* runtime's list of live threads         */
};

/* Add d to one of ts's counters (allocation, lock waits).  Only ts's own
 * thread writes them; tw_mem_stats and tw_thread_lock_stats_dump read them from
 * other threads (--stats at exit may
 * run while a thread is still exiting): a relaxed store, no lock.  The
 * block pools' inline fast paths (twinpy/pool.h) use plain adds instead. */
static inline void tw_mem_count(uint64_t *counter, uint64_t d)
{
    __atomic_store_n(counter, *counter + d, __ATOMIC_RELAXED);
}

/* Thread-locals of the runtime and the interpreter.  twinpy links its
 * library only into executables, so every access may use the local-exec
 * model: one %fs-relative load, not a GOT load first. */
#define TW_TLS _Thread_local __attribute__((tls_model("local-exec")))

/* The calling thread's state; NULL if the thread is not attached/created.  */
extern TW_TLS TwThreadState *tw_tstate_tls;
static inline TwThreadState *tw_tstate(void) { return tw_tstate_tls; }

#include "twinpy/pool.h"
#include "twinpy/runtime_inline.h"

/* tw_object_alloc for a small object whose every byte past the header the
 * caller writes at once (an int's or a float's value): a block from the
 * thread's pool is not cleared first. */
static inline __attribute__((always_inline)) TwObject *tw_object_alloc_small_uninit(
    TwTypeObject *tp, size_t size)
{
    TwObject *op = (TwObject *)tw_pool_pop_uninit(size);
    if (op == NULL)
        return tw_object_alloc(tp, size);
    tw_object_init_header(op, tp);
    return op;
}

/* ---------------- runtime identity and lifecycle ------------------- */

const char *tw_runtime_name(void);        /* "gil" or "nogil"            */
bool tw_runtime_gil_enabled(void);        /* sys._is_gil_enabled()       */
/* Start the runtime and attach the calling (main) thread.  Idempotent.  */
void tw_runtime_init(void);
/* Wait for nothing; detach and tear down what can be (end of main).     */
void tw_runtime_fini(void);

/* ---------------- threads ------------------------------------------ */

/* A spin-wait hint to the processor (a busy-wait loop's body). */
static inline void tw_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* Create an OS thread that attaches, runs fn(arg), detaches and exits.
 * Returns 0 and the new thread's ident, or -1 with errno-like code. */
int tw_thread_spawn(void (*fn)(void *), void *arg, uint64_t *ident_out);
/* The same, and the thread's last act, once its thread state is gone
 * (nogil: its queued counts merged, so its objects' finalizers have run),
 * is exited(exited_arg), which may not use the runtime (plain memory and
 * system calls only).  Not called if the spawn fails. */
int tw_thread_spawn_ex(void (*fn)(void *), void *arg, void (*exited)(void *), void *exited_arg,
                       uint64_t *ident_out);
/* Give a thread the runtime did not create (a benchmark's or an embedder's
 * pthread) a thread state and attach it; pair with tw_thread_detach_current
 * before the thread exits.  The main thread uses tw_runtime_init instead. */
TwThreadState *tw_thread_attach_current(void);
void tw_thread_detach_current(void);
/* Around anything that may block (sleep, join, lock wait, I/O):
 * gil: release / re-take the GIL; nogil: detach / attach. Nestable: no. */
void tw_begin_blocking(void);
void tw_end_blocking(void);
/* Slow path of the eval-breaker check.  Returns 0, or -1 with an
 * exception set (e.g. an asynchronous exception was delivered). */
int tw_eval_breaker_handle(TwThreadState *ts);
/* The one cheap test the interpreter makes at backward jumps and calls. */
static inline bool tw_eval_breaker_pending(TwThreadState *ts)
{
    return __atomic_load_n(&ts->eval_breaker, __ATOMIC_RELAXED) != 0;
}
void tw_eval_breaker_set(TwThreadState *ts, uint32_t bits);
void tw_eval_breaker_clear(TwThreadState *ts, uint32_t bits);

/* Hand the references the calling thread dropped on objects other threads
 * own, which the runtime may still hold back, to those owners now (nogil:
 * the BRC outbox, brc.c; the GIL build holds nothing back).  threading
 * calls it (as _thread._flush_queued) before a thread's join returns, so
 * that the joiner sees every count the thread dropped. */
void tw_thread_flush_queued(void);

/* Make a short change that other threads read with plain loads (a
 * class's special-method slots, typeobject.c) with no other thread
 * running: nogil stops every other thread at its next eval-breaker check
 * or holds it where it is detached (neither point is inside a slot read);
 * under the GIL no other thread runs anyway.  True if the caller must call
 * tw_runtime_start_world once done; false when there is nothing to stop
 * (the GIL build, or the world is already stopped by this thread).  No
 * Python code may run in between, nor anything that waits for another
 * thread. */
bool tw_runtime_stop_world(void);
void tw_runtime_start_world(void);

/* sys.setswitchinterval / getswitchinterval (seconds). The nogil runtime
 * stores the value and uses it for nothing, as CPython 3.13t does. */
void tw_set_switch_interval(double seconds);
double tw_get_switch_interval(void);

/* ---------------- memory ------------------------------------------- */

/* Raw memory through the build's allocator (jemalloc mallocx/sdallocx, or
 * the system's).  Counted per thread for leak tests and --stats.
 * tw_mem_alloc returns NULL without setting an exception. */
void *tw_mem_alloc(size_t size);
void *tw_mem_calloc(size_t size);
void *tw_mem_realloc(void *p, size_t old_size, size_t new_size);
void tw_mem_free(void *p, size_t size);
/* Free memory that lock-free readers may still be looking at (replaced
 * list item arrays, dict key tables): immediate under the GIL, after a
 * grace period (QSBR) in the nogil runtime. */
void tw_mem_free_delayed(void *p, size_t size);
/* Free memory that held container c's internals and that c no longer
 * points to: at once when c is private to the caller (then no other
 * thread ever read it, tw_object_is_private; a block of a pooled size goes
 * to the thread's pool, twinpy/pool.h), else tw_mem_free_delayed.  size is
 * the block's size as allocated (tw_pool_block_size of what was asked). */
static inline void tw_mem_free_unlinked(TwObject *c, void *p, size_t size)
{
    if (tw_object_is_private(c))
        tw_pool_free(p, size);
    else
        tw_mem_free_delayed(p, size);
}
/* Live allocation count and bytes over all threads (for leak tests).   */
void tw_mem_stats(uint64_t *live_blocks, uint64_t *live_bytes);
/* Print the lock_* counters of TwThreadState summed over all threads,
 * live and exited, as --stats lines of both runtimes: thread_lock_spun,
 * thread_lock_slept, thread_lock_wait_ms.  Takes the threads lock. */
void tw_thread_lock_stats_dump(FILE *out);
/* shared/vm/memory.c needs from the runtime: its list of live thread states
 * (linked through next_all) and the lock that guards the list's shape.
 * A runtime calls tw_mem_retire_thread before freeing an exiting thread's
 * state: it folds the thread's counters (memory, lock waits) into the
 * process totals. */
TwThreadState *tw_runtime_threads_head(void);
void tw_runtime_threads_lock(void);
void tw_runtime_threads_unlock(void);
void tw_mem_retire_thread(TwThreadState *ts);
/* Blocks the runtime keeps for reuse on ts's thread (nogil: its block
 * pools): allocated as far as the counters above know, but not live, so
 * tw_mem_stats subtracts them.  Called under the threads lock. */
void tw_runtime_pooled(const TwThreadState *ts, uint64_t *blocks, uint64_t *bytes);

/* Objects that are not tracked by the cycle collector.  The header is
 * initialised (one reference, type set).  Declared (or defined inline) by
 * the runtime's runtime_inline.h:
 *   TwObject *tw_object_alloc(TwTypeObject *tp, size_t size);
 *   void tw_object_free(TwObject *op, size_t size);
 *   bool tw_object_may_move(const TwObject *op);
 * tw_object_alloc clears the block past the header; tw_object_alloc_uninit
 * does not (for objects whose every byte the caller writes: strings), so a
 * large block comes from the allocator's recently freed memory instead of
 * freshly zeroed pages, which fault in one by one.
 * tw_object_resize moves op to a block of new_size bytes, keeping the first
 * min(old_size, new_size) bytes (header included): the new address, or
 * NULL (op unchanged, no exception) when memory is short.  Only for an
 * untracked object the caller holds the only reference to and for which
 * tw_object_may_move is true (nogil: never published, so no lock-free
 * reader can be looking at its old block). */
TwObject *tw_object_alloc_uninit(TwTypeObject *tp, size_t size);
TwObject *tw_object_resize(TwObject *op, size_t old_size, size_t new_size);

/* ---------------- cycle collector ---------------------------------- */

/* Objects that may take part in cycles carry a runtime-defined prefix.
 * The header is initialised; the object is NOT tracked yet: fill its
 * fields, then tw_gc_track it.  tw_gc_free untracks if needed. */
TwObject *tw_gc_alloc(TwTypeObject *tp, size_t size);
void tw_gc_free(TwObject *op, size_t size);
void tw_gc_track(TwObject *op);
void tw_gc_untrack(TwObject *op);
bool tw_gc_is_tracked(TwObject *op);
/* The collector prefix's "finalizer has run" mark (object.h,
 * tw_object_call_finalizer); kept whether op is tracked or not.  Set by
 * the thread running the finalizer, which holds a reference, while no
 * other thread can reach op (a dying object, or a collection's garbage
 * while the world is stopped). */
bool tw_gc_is_finalized(TwObject *op);
/* op is garbage a running collection has found and will clear (until it
 * clears it): a weak list that can still reach it (a class's list of
 * subclasses) must not hand it out. */
bool tw_gc_is_garbage(TwObject *op);
void tw_gc_set_finalized(TwObject *op);
/* A dealloc that runs a finalizer first gives the dying op one reference,
 * owned by the calling thread (tw_resurrect_begin), and drops it after
 * (tw_resurrect_end): true if op is dead again and the dealloc goes on;
 * false if the finalizer stored op somewhere (op lives on; when its count
 * reaches zero again it is deallocated again, and the mark keeps its
 * finalizer from running twice). */
void tw_resurrect_begin(TwObject *op);
bool tw_resurrect_end(TwObject *op);
/* Full or generational collection; returns unreachable objects found,
 * or -1 with an exception set. */
TwSsize tw_gc_collect(int generation);
void tw_gc_enable(void);
void tw_gc_disable(void);
bool tw_gc_isenabled(void);
void tw_gc_get_count(int out[3]);
void tw_gc_get_threshold(int out[3]);
void tw_gc_set_threshold(const int in[3]);
/* Deallocation of deeply nested structures without deep C recursion:
 * tp_dealloc of containers wraps its body in these (see CPython's
 * "trashcan").  Returns false if the object was queued for later.   */
bool tw_trashcan_begin(TwObject *op);
void tw_trashcan_end(void);

/* ---------------- observability ------------------------------------ */

/* `twinpy --stats`: print the runtime's counters, one `name value` line each. */
void tw_stats_dump(FILE *out);
/* `twinpy --trace FILE`: start recording trace events (Chrome JSON). */
int tw_trace_start(const char *path);
void tw_trace_stop(void);

/* ---------------- hot shared objects -------------------------------- */

/* Hint that op (GC-tracked, just made by the caller and not yet visible to
 * other threads) will be referenced by many threads at once: module-level
 * functions, classes, modules and their dicts.  nogil: count its references
 * per thread (deferred reference counting), so that threads using it do not
 * fight over one cache line; it is then freed only by the cycle collector.
 * gil: does nothing. */
void tw_object_set_deferred_rc(TwObject *op);

#endif /* TWINPY_RUNTIME_H */
