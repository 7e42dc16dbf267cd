/*
 * threadmodule.c — the _thread module: locks, reentrant locks, starting
 * OS threads; the primitives threading and queue are built on.
 *
 * Locks.  A _thread.lock is one 32-bit word, `state`: 0 clear, 1 set, 2
 * set and a thread may be waiting (a futex word, as in Drepper's "Futexes
 * Are Tricky", mutex 2).  It is not owned: any thread may release it
 * (threading.Condition relies on that).  Protocol of acquire:
 *   1. compare-and-swap 0 -> 1: acquired (no blocking, no runtime call);
 *   2. without a GIL, if a wait is allowed, retry step 1 a few dozen times
 *      over some microseconds, only when the word reads 0 (still attached,
 *      touching no object);
 *   3. otherwise, if a wait is allowed: leave the runtime
 *      (tw_begin_blocking: drops the GIL / detaches), then loop: exchange
 *      the word with 2; if it was 0 the lock is ours; else sleep on the
 *      futex while it reads 2 (until the deadline); re-enter the runtime
 *      (tw_end_blocking).  Under a GIL, a thread woken within its first
 *      TW_LOCK_GIL_PATIENCE_NS of waiting re-enters the runtime before
 *      its next exchange, and if that exchange fails leaves it again and
 *      sleeps without another.
 * Release exchanges the word with 0 and wakes one sleeper if it was 2.
 * Invariants:
 *   - nothing is held while entering the runtime (a thread waiting for the
 *     GIL cannot block the GIL holder's release());
 *   - a sleeper only sleeps while the word is 2, and whoever sets it to 2
 *     either owns the lock or sleeps: a release that sees 2 always wakes
 *     one, so no wake-up is lost (a spurious one only costs a retry);
 *   - acquire is an acquire operation and release a release operation on
 *     the word: what the holder wrote is seen by the next holder;
 *   - inside the blocking section no object is touched (the lock object is
 *     kept alive by the caller's reference to it);
 *   - release of a clear flag raises RuntimeError("release unlocked lock").
 * An RLock adds an owner (thread ident) and a recursion count, both written
 * only by the owner while it holds the underlying flag; other threads read
 * them (relaxed atomics) only to learn that they are not the owner.
 *
 * Threads.  start_new_thread(f, args[, kwargs]) packs its arguments (new
 * references), asks the runtime for an attached OS thread, and that thread
 * calls f(*args, **kwargs).  An exception other than SystemExit is printed
 * as CPython does ("Exception ignored in thread started by: ...").
 * _start_joinable_thread(f) does the same with no arguments and returns a
 * handle whose join() waits for the thread's very end: its thread state
 * gone (nogil: the counts other threads queued to it merged, so the
 * finalizers that merge runs are over), as CPython's join waits for the
 * thread state's deletion.  The handle's state is plain memory shared by
 * the handle object and the exiting thread, which sets its futex word as
 * its last act, outside the runtime (tw_thread_spawn_ex), and frees it if
 * the handle is gone; invariants: `exited` goes 0 -> 1 once, a waiter
 * sleeps only while it reads 0 and the setter wakes all after the store,
 * and the memory lives while either side holds its reference.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "modules/stdmodules.h"
#include "twinpy/interp.h"
#include "twinpy/threads.h"
#include "twinpy/types.h"

/* CPython's _thread.TIMEOUT_MAX on 64-bit Linux. */
#define TW_TIMEOUT_MAX 9223372036.0

typedef struct {
    TwObject ob_base;
    uint32_t state;             /* 0 clear, 1 set, 2 set with sleepers */
    /* RLock only */
    uint64_t owner;
    int64_t count;
} TwLockObject;

extern TwTypeObject TwLock_Type, TwRLock_Type;

static uint64_t current_ident(void)
{
    TwThreadState *ts = tw_tstate();
    return ts ? ts->ident : 0;
}

/* ---------------- the flag: a futex word --------------------------- */

static int lock_try_flag(TwLockObject *lk)
{
    uint32_t expected = 0;
    return __atomic_compare_exchange_n(&lk->state, &expected, 1, false, __ATOMIC_ACQUIRE,
                                       __ATOMIC_RELAXED);
}

/* Without a GIL the holder of a busy lock is usually running on another
 * core and hands it over within microseconds (queue and condition
 * hand-offs): a short spin saves the detach and re-attach around the wait,
 * and the futex round trip.  Under a GIL the holder cannot run while we
 * spin, so we block at once.  Short: a lock its holder takes again at once
 * (`with lock:` in a loop) is rarely seen free by a spinner, whose loads
 * only pull the lock's line away from the holder; sleeping instead lets
 * the holder run uncontended for a while.  On 2 cores 8 rounds of 16
 * pauses against 64: shared_dict_lock at 2 threads 1.07 -> 0.61 s, at 4
 * 0.52 -> 0.26 s, producer_consumer at 2 and 4 pairs 0.58 -> 0.47 and
 * 0.42 s, one pair 0.30 -> 0.31 s (-DTW_LOCK_SPIN_ROUNDS=N to try
 * others). */
#ifndef TW_LOCK_SPIN_ROUNDS
#define TW_LOCK_SPIN_ROUNDS 8
#endif
#define TW_LOCK_SPIN_PAUSES 16

static int lock_spin_flag(TwLockObject *lk)
{
    if (tw_runtime_gil_enabled())
        return 0;
    for (int round = 0; round < TW_LOCK_SPIN_ROUNDS; round++) {
        for (int i = 0; i < TW_LOCK_SPIN_PAUSES; i++)
            tw_cpu_relax();
        if (__atomic_load_n(&lk->state, __ATOMIC_RELAXED) == 0 && lock_try_flag(lk))
            return 1;
    }
    return 0;
}

/* Under a GIL a thread woken by a release takes the GIL before it tries
 * the lock again, for its first TW_LOCK_GIL_PATIENCE_NS of waiting.
 * Woken outside the runtime, it would otherwise win the lock in the
 * moment between its holder's release and next acquire (`with lock:` in
 * a loop), then wait for the GIL that holder has, which stops the holder
 * at its next acquire: the GIL and the lock then changed hands together
 * tens of thousands of times a second (shared_dict_lock at 2 threads:
 * 62,000 switches in 0.79 s, against 0.08 s for the same work on one
 * thread).  Holding the GIL, it tries only when the holder has stopped at
 * an eval-breaker check, so the lock changes hands at most once a switch
 * interval.  Past the patience it retries the moment it wakes, as
 * before, so a holder whose checks all fall inside its critical section
 * cannot keep it waiting for ever. */
#define TW_LOCK_GIL_PATIENCE_NS 50000000

static int64_t monotonic_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Sleep while *word reads val, until deadline (monotonic_ns; 0: none):
 * false if the deadline had passed, else true after a wake-up, a signal,
 * the timeout or a changed word (the caller looks again). */
static bool futex_wait_until(uint32_t *word, uint32_t val, int64_t deadline)
{
    struct timespec rel, *relp = NULL;
    if (deadline) {
        int64_t left = deadline - monotonic_ns();
        if (left <= 0)
            return false;
        rel.tv_sec = (time_t)(left / 1000000000);
        rel.tv_nsec = (long)(left % 1000000000);
        relp = &rel;
    }
    syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, relp, NULL, 0);
    return true;
}

/* Try to set the flag, waiting at most timeout seconds (< 0: forever,
 * 0: not at all).  Returns 1 if acquired, 0 if not. */
static int lock_acquire_flag(TwLockObject *lk, double timeout)
{
    if (lock_try_flag(lk))
        return 1;
    if (timeout == 0)
        return 0;
    TwThreadState *ts = tw_tstate();
    /* The spin is 128 pause instructions (1.4 us on the development
     * machine, up to about 5 us where a pause takes 140 cycles): not for
     * timeouts under a millisecond. */
    if ((timeout < 0 || timeout >= 1e-3) && lock_spin_flag(lk)) {
        if (ts)
            tw_mem_count(&ts->lock_spun, 1);
        return 1;
    }
    int64_t start = monotonic_ns();
    int64_t deadline = timeout > 0 ? start + (int64_t)(timeout * 1e9) : 0;
    int got = 0;
    bool gil = tw_runtime_gil_enabled(), attached = false, try_now = true;
    tw_begin_blocking();
    for (;;) {
        if (try_now && __atomic_exchange_n(&lk->state, 2, __ATOMIC_ACQUIRE) == 0) {
            got = 1;
            break;
        }
        /* Returns at once unless the word still reads 2 (EAGAIN), on a
         * wake-up, a signal (EINTR) or the timeout: all retry. */
        if (!futex_wait_until(&lk->state, 2u, deadline))
            break;
        try_now = true;
        if (gil && monotonic_ns() - start < TW_LOCK_GIL_PATIENCE_NS) {
            /* Under a GIL, retry holding it (see above); on failure sleep
             * again (the exchange left 2 for the holder's release). */
            tw_end_blocking();
            if (__atomic_exchange_n(&lk->state, 2, __ATOMIC_ACQUIRE) == 0) {
                got = 1;
                attached = true;
                break;
            }
            tw_begin_blocking();
            try_now = false;
        }
    }
    if (!attached)
        tw_end_blocking();
    if (ts) {
        tw_mem_count(&ts->lock_slept, 1);
        tw_mem_count(&ts->lock_wait_ns, (uint64_t)(monotonic_ns() - start));
    }
    return got;
}

/* Returns 0, or -1 if the flag was clear. */
static int lock_release_flag(TwLockObject *lk)
{
    uint32_t prev = __atomic_exchange_n(&lk->state, 0, __ATOMIC_RELEASE);
    if (prev == 0)
        return -1;
    if (prev == 2)
        syscall(SYS_futex, &lk->state, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    return 0;
}

static int lock_is_locked(TwLockObject *lk)
{
    return __atomic_load_n(&lk->state, __ATOMIC_ACQUIRE) != 0;
}

/* ---------------- argument parsing --------------------------------- */

/* acquire(blocking=True, timeout=-1) with CPython's checks.  *timeout_out
 * is < 0 for "forever", 0 for "don't wait", else seconds. */
static int parse_acquire_args(TwObject *const *args, size_t nargs, TwObject *kwnames,
                              double *timeout_out)
{
    static const char *const kw[] = { "blocking", "timeout" };
    TwObject *vals[2] = { NULL, NULL };
    if (tw_arg_check_count("acquire", nargs, 0, 2) < 0)
        return -1;
    for (size_t i = 0; i < nargs; i++)
        vals[i] = args[i];
    if (kwnames && tw_args_keywords("acquire", args, nargs, kwnames, kw, 2, vals) < 0)
        return -1;
    int blocking = 1;
    if (vals[0]) {
        blocking = tw_object_is_true(vals[0]);
        if (blocking < 0)
            return -1;
    }
    double timeout = -1;
    if (vals[1]) {
        timeout = tw_float_as_double(vals[1]);
        if (timeout == -1.0 && tw_err_occurred())
            return -1;
    }
    if (!blocking && timeout != -1) {
        tw_err_set_string(TwExc_ValueError, "can't specify a timeout for a non-blocking call");
        return -1;
    }
    if (timeout < 0 && timeout != -1) {
        tw_err_set_string(TwExc_ValueError, "timeout value must be positive");
        return -1;
    }
    if (timeout > TW_TIMEOUT_MAX) {
        tw_err_set_string(TwExc_OverflowError, "timeout value is too large");
        return -1;
    }
    if (!blocking)
        *timeout_out = 0;
    else
        *timeout_out = timeout == -1 ? -1 : timeout;
    return 0;
}

/* ---------------- _thread.lock ------------------------------------- */

static TwObject *lock_new_object(TwTypeObject *tp)
{
    TwLockObject *lk = (TwLockObject *)tw_object_alloc(tp, sizeof(TwLockObject));
    if (lk == NULL)
        return NULL;
    lk->state = 0;
    return (TwObject *)lk;
}

static void lock_dealloc(TwObject *op)
{
    tw_object_free(op, sizeof(TwLockObject));
}

static TwObject *lock_acquire(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    double timeout;
    if (parse_acquire_args(args, nargs, kwnames, &timeout) < 0)
        return NULL;
    return tw_bool_from(lock_acquire_flag((TwLockObject *)self, timeout));
}

static TwObject *lock_enter(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    lock_acquire_flag((TwLockObject *)self, -1);
    TW_RETURN_TRUE;
}

static TwObject *lock_release(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("release", kwnames) < 0 ||
        tw_arg_check_count("release", nargs, 0, 0) < 0)
        return NULL;
    if (lock_release_flag((TwLockObject *)self) < 0) {
        tw_err_set_string(TwExc_RuntimeError, "release unlocked lock");
        return NULL;
    }
    TW_RETURN_NONE;
}

static TwObject *lock_exit(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (lock_release_flag((TwLockObject *)self) < 0) {
        tw_err_set_string(TwExc_RuntimeError, "release unlocked lock");
        return NULL;
    }
    TW_RETURN_NONE;
}

bool tw_thread_lock_enter(TwObject *lock)
{
    if (TW_TYPE(lock) != &TwLock_Type)
        return false;
    lock_acquire_flag((TwLockObject *)lock, -1);
    return true;
}

int tw_thread_lock_exit(TwObject *lock)
{
    if (lock_release_flag((TwLockObject *)lock) < 0) {
        tw_err_set_string(TwExc_RuntimeError, "release unlocked lock");
        return -1;
    }
    return 0;
}

static TwObject *lock_locked(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_count("locked", nargs, 0, 0) < 0)
        return NULL;
    return tw_bool_from(lock_is_locked((TwLockObject *)self));
}

static TwObject *lock_repr(TwObject *self)
{
    char buf[128];
    snprintf(buf, sizeof buf, "<%s _thread.lock object at %p>",
             lock_is_locked((TwLockObject *)self) ? "locked" : "unlocked", (void *)self);
    return tw_str_from_cstr(buf);
}

static const TwMethodDef lock_methods[] = {
    { "acquire", lock_acquire, 0 },
    { "acquire_lock", lock_acquire, 0 },
    { "release", lock_release, 0 },
    { "release_lock", lock_release, 0 },
    { "locked", lock_locked, 0 },
    { "locked_lock", lock_locked, 0 },
    { "__enter__", lock_enter, 0 },
    { "__exit__", lock_exit, 0 },
    { NULL, NULL, 0 },
};

TwTypeObject TwLock_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "_thread.lock",
    .tp_basicsize = sizeof(TwLockObject),
    .tp_flags = TW_TPFLAGS_SHARE_HOT,
    .tp_dealloc = lock_dealloc,
    .tp_repr = lock_repr,
    .tp_hash = tw_object_hash_identity,
    .tp_methods = lock_methods,
};

/* ---------------- _thread.RLock ------------------------------------ */

static TwObject *rlock_tp_new(TwTypeObject *type, TwObject *const *args, size_t nargs,
                              TwObject *kwnames)
{
    return lock_new_object(&TwRLock_Type);
}

static bool rlock_owned_by(TwLockObject *lk, uint64_t ident)
{
    return __atomic_load_n(&lk->owner, __ATOMIC_RELAXED) == ident &&
           __atomic_load_n(&lk->count, __ATOMIC_RELAXED) > 0;
}

static void rlock_set_owner(TwLockObject *lk, uint64_t ident, int64_t count)
{
    __atomic_store_n(&lk->count, count, __ATOMIC_RELAXED);
    __atomic_store_n(&lk->owner, ident, __ATOMIC_RELAXED);
}

static TwObject *rlock_acquire(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    TwLockObject *lk = (TwLockObject *)self;
    double timeout;
    if (parse_acquire_args(args, nargs, kwnames, &timeout) < 0)
        return NULL;
    uint64_t me = current_ident();
    if (rlock_owned_by(lk, me)) {
        __atomic_store_n(&lk->count, lk->count + 1, __ATOMIC_RELAXED);
        TW_RETURN_TRUE;
    }
    if (!lock_acquire_flag(lk, timeout))
        TW_RETURN_FALSE;
    rlock_set_owner(lk, me, 1);
    TW_RETURN_TRUE;
}

static int rlock_release_one(TwLockObject *lk)
{
    if (!rlock_owned_by(lk, current_ident())) {
        tw_err_set_string(TwExc_RuntimeError, "cannot release un-acquired lock");
        return -1;
    }
    if (lk->count == 1) {
        rlock_set_owner(lk, 0, 0);
        lock_release_flag(lk);
    } else {
        __atomic_store_n(&lk->count, lk->count - 1, __ATOMIC_RELAXED);
    }
    return 0;
}

static TwObject *rlock_release(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_count("release", nargs, 0, 0) < 0)
        return NULL;
    if (rlock_release_one((TwLockObject *)self) < 0)
        return NULL;
    TW_RETURN_NONE;
}

static TwObject *rlock_enter(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return rlock_acquire(self, NULL, 0, NULL);
}

static TwObject *rlock_exit(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (rlock_release_one((TwLockObject *)self) < 0)
        return NULL;
    TW_RETURN_NONE;
}

static TwObject *rlock_is_owned(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return tw_bool_from(rlock_owned_by((TwLockObject *)self, current_ident()));
}

/* For threading.Condition.wait: release completely, remembering the
 * recursion count and owner, and later restore them. */
static TwObject *rlock_release_save(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    TwLockObject *lk = (TwLockObject *)self;
    if (!rlock_owned_by(lk, current_ident())) {
        tw_err_set_string(TwExc_RuntimeError, "cannot release un-acquired lock");
        return NULL;
    }
    TwObject *count = tw_int_from_i64(lk->count);
    TwObject *owner = count ? tw_int_from_i64((int64_t)lk->owner) : NULL;
    TwObject *state = owner ? tw_tuple_pack(2, count, owner) : NULL;
    TW_XDECREF(count);
    TW_XDECREF(owner);
    if (state == NULL)
        return NULL;
    rlock_set_owner(lk, 0, 0);
    lock_release_flag(lk);
    return state;
}

static TwObject *rlock_acquire_restore(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    TwLockObject *lk = (TwLockObject *)self;
    if (tw_arg_check_count("_acquire_restore", nargs, 1, 1) < 0)
        return NULL;
    TwObject *state = args[0];
    if (!TW_TUPLE_CHECK(state) || TW_TUPLE_SIZE(state) != 2)
        return tw_err_format(TwExc_TypeError, "_acquire_restore() argument must be a 2-tuple");
    int64_t count = tw_int_as_i64(TW_TUPLE_GET(state, 0));
    if (count == -1 && tw_err_occurred())
        return NULL;
    int64_t owner = tw_int_as_i64(TW_TUPLE_GET(state, 1));
    if (owner == -1 && tw_err_occurred())
        return NULL;
    lock_acquire_flag(lk, -1);
    rlock_set_owner(lk, (uint64_t)owner, count);
    TW_RETURN_NONE;
}

static TwObject *rlock_repr(TwObject *self)
{
    TwLockObject *lk = (TwLockObject *)self;
    char buf[192];
    snprintf(buf, sizeof buf, "<%s _thread.RLock object owner=%llu count=%lld at %p>",
             __atomic_load_n(&lk->count, __ATOMIC_RELAXED) ? "locked" : "unlocked",
             (unsigned long long)__atomic_load_n(&lk->owner, __ATOMIC_RELAXED),
             (long long)__atomic_load_n(&lk->count, __ATOMIC_RELAXED), (void *)self);
    return tw_str_from_cstr(buf);
}

static const TwMethodDef rlock_methods[] = {
    { "acquire", rlock_acquire, 0 },
    { "release", rlock_release, 0 },
    { "__enter__", rlock_enter, 0 },
    { "__exit__", rlock_exit, 0 },
    { "_is_owned", rlock_is_owned, 0 },
    { "_release_save", rlock_release_save, 0 },
    { "_acquire_restore", rlock_acquire_restore, 0 },
    { NULL, NULL, 0 },
};

TwTypeObject TwRLock_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "_thread.RLock",
    .tp_basicsize = sizeof(TwLockObject),
    .tp_flags = TW_TPFLAGS_SHARE_HOT,
    .tp_dealloc = lock_dealloc,
    .tp_repr = rlock_repr,
    .tp_hash = tw_object_hash_identity,
    .tp_new = rlock_tp_new,
    .tp_methods = rlock_methods,
};

/* ---------------- starting threads --------------------------------- */

typedef struct {
    TwObject *func, *args, *kwargs;
} TwThreadBoot;

static int64_t g_thread_count;     /* threads started here, still running */

static void write_stderr(const char *s)
{
    tw_stdio_write(2, s, strlen(s));
}

/* Runs in the new thread, attached (holding the GIL under the gil runtime). */
static void thread_boot(void *arg)
{
    TwThreadBoot *boot = arg;
    void *altstack = tw_fatal_signal_thread_enter();
    TwObject *res = tw_call_tuple_dict(boot->func, boot->args, boot->kwargs);
    if (res != NULL) {
        TW_DECREF(res);
    } else {
        TwObject *exc = tw_err_fetch();
        if (exc && !tw_err_given_matches(exc, TwExc_SystemExit)) {
            TwObject *r = tw_object_repr(boot->func);
            write_stderr("Exception ignored in thread started by: ");
            if (r) {
                tw_stdio_write(2, TW_STR_DATA(r), (size_t)TW_STR_SIZE(r));
                TW_DECREF(r);
            } else {
                tw_err_clear();
            }
            write_stderr("\n");
            tw_print_exception(exc);
        }
        TW_XDECREF(exc);
    }
    TW_DECREF(boot->func);
    TW_DECREF(boot->args);
    TW_XDECREF(boot->kwargs);
    tw_mem_free(boot, sizeof *boot);
    tw_fatal_signal_thread_exit(altstack);
    __atomic_fetch_sub(&g_thread_count, 1, __ATOMIC_RELAXED);
}

/* Start func(*args, **kwargs) (kwargs may be NULL) in a new thread, with
 * exited(exited_arg) as its last act if exited is set
 * (tw_thread_spawn_ex).  0, or -1 with an exception set. */
static int start_thread(TwObject *func, TwObject *args, TwObject *kwargs,
                        void (*exited)(void *), void *exited_arg, uint64_t *ident)
{
    TwThreadBoot *boot = tw_mem_alloc(sizeof *boot);
    if (boot == NULL) {
        tw_err_no_memory();
        return -1;
    }
    /* The new thread calls func with kwargs' items borrowed
     * (tw_call_tuple_dict): a copy of their own, since the caller's dict
     * may be changed by another thread meanwhile (a value it drops would
     * die under the call).  f(**kw) gets a dict of its own either way. */
    TwObject *kwcopy = NULL;
    if (kwargs != NULL && (kwcopy = tw_dict_copy(kwargs)) == NULL) {
        tw_mem_free(boot, sizeof *boot);
        return -1;
    }
    boot->func = tw_newref(func);
    boot->args = tw_newref(args);
    boot->kwargs = kwcopy;
    __atomic_fetch_add(&g_thread_count, 1, __ATOMIC_RELAXED);
    if (tw_thread_spawn_ex(thread_boot, boot, exited, exited_arg, ident) < 0) {
        __atomic_fetch_sub(&g_thread_count, 1, __ATOMIC_RELAXED);
        TW_DECREF(boot->func);
        TW_DECREF(boot->args);
        TW_XDECREF(boot->kwargs);
        tw_mem_free(boot, sizeof *boot);
        tw_err_format(TwExc_RuntimeError, "can't start new thread");
        return -1;
    }
    return 0;
}

static TwObject *thread_start_new_thread(TwObject *self, TwObject *const *args, size_t nargs,
                                         TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("start_new_thread", kwnames) < 0 ||
        tw_arg_check_count("start_new_thread", nargs, 2, 3) < 0)
        return NULL;
    TwObject *func = args[0], *fargs = args[1], *fkwargs = nargs > 2 ? args[2] : NULL;
    if (!tw_callable(func))
        return tw_err_format(TwExc_TypeError, "first arg must be callable");
    if (!TW_TUPLE_CHECK(fargs))
        return tw_err_format(TwExc_TypeError, "2nd arg must be a tuple");
    if (fkwargs && !TW_DICT_CHECK(fkwargs))
        return tw_err_format(TwExc_TypeError, "optional 3rd arg must be a dictionary");
    uint64_t ident = 0;
    if (start_thread(func, fargs, fkwargs, NULL, NULL, &ident) < 0)
        return NULL;
    return tw_int_from_i64((int64_t)ident);
}

/* ---------------- joinable threads (see the header) ----------------- */

typedef struct {
    uint32_t exited;            /* futex word: 0 running, 1 gone */
    uint32_t refs;              /* the handle object's and the thread's */
} TwThreadExit;

typedef struct {
    TwObject ob_base;
    TwThreadExit *x;
} TwThreadHandleObject;

static TwTypeObject TwThreadHandle_Type;

static void thread_exit_release(TwThreadExit *x)
{
    if (__atomic_sub_fetch(&x->refs, 1, __ATOMIC_ACQ_REL) == 0)
        free(x);
}

/* The thread's last act (tw_thread_spawn_ex): no runtime here. */
static void thread_exited(void *p)
{
    TwThreadExit *x = p;
    __atomic_store_n(&x->exited, 1, __ATOMIC_RELEASE);
    syscall(SYS_futex, &x->exited, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0);
    thread_exit_release(x);
}

static void thread_handle_dealloc(TwObject *op)
{
    thread_exit_release(((TwThreadHandleObject *)op)->x);
    tw_object_free(op, sizeof(TwThreadHandleObject));
}

/* handle.join(timeout=None): True once the thread is gone, False if the
 * timeout (seconds; None: none) passed first. */
static TwObject *thread_handle_join(TwObject *self, TwObject *const *args, size_t nargs,
                                    TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("join", kwnames) < 0 || tw_arg_check_count("join", nargs, 0, 1) < 0)
        return NULL;
    double timeout = -1;
    if (nargs == 1 && args[0] != Tw_None) {
        timeout = tw_float_as_double(args[0]);
        if (timeout == -1 && tw_err_occurred())
            return NULL;
        if (timeout < 0)
            timeout = 0;
    }
    TwThreadExit *x = ((TwThreadHandleObject *)self)->x;
    if (__atomic_load_n(&x->exited, __ATOMIC_ACQUIRE))
        TW_RETURN_TRUE;
    if (timeout == 0)
        TW_RETURN_FALSE;
    int64_t deadline = timeout > 0 ? monotonic_ns() + (int64_t)(timeout * 1e9) : 0;
    bool gone = false;
    tw_begin_blocking();
    for (;;) {
        if (__atomic_load_n(&x->exited, __ATOMIC_ACQUIRE)) {
            gone = true;
            break;
        }
        if (!futex_wait_until(&x->exited, 0u, deadline))
            break;
    }
    tw_end_blocking();
    return tw_bool_from(gone);
}

static const TwMethodDef thread_handle_methods[] = {
    { "join", thread_handle_join, 0 },
    { NULL, NULL, 0 },
};

static TwTypeObject TwThreadHandle_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "_thread._ThreadHandle",
    .tp_basicsize = sizeof(TwThreadHandleObject),
    .tp_dealloc = thread_handle_dealloc,
    .tp_hash = tw_object_hash_identity,
    .tp_methods = thread_handle_methods,
};

/* _thread._start_joinable_thread(f): start f() in a new thread; the
 * handle's join() waits for the thread's very end. */
static TwObject *thread_start_joinable(TwObject *self, TwObject *const *args, size_t nargs,
                                       TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("_start_joinable_thread", kwnames) < 0 ||
        tw_arg_check_count("_start_joinable_thread", nargs, 1, 1) < 0)
        return NULL;
    if (!tw_callable(args[0]))
        return tw_err_format(TwExc_TypeError, "first arg must be callable");
    TwThreadExit *x = malloc(sizeof *x);
    TwThreadHandleObject *h = x ? (TwThreadHandleObject *)tw_object_alloc(&TwThreadHandle_Type,
                                                                          sizeof *h)
                                : NULL;
    TwObject *noargs = h ? tw_tuple_new(0) : NULL;
    if (noargs == NULL) {
        if (h)
            tw_object_free((TwObject *)h, sizeof *h);
        free(x);
        return tw_err_no_memory();
    }
    x->exited = 0;
    x->refs = 2;
    h->x = x;
    int r = start_thread(args[0], noargs, NULL, thread_exited, x, NULL);
    TW_DECREF(noargs);
    if (r < 0) {
        x->refs = 1;           /* the thread never took its reference */
        TW_DECREF(h);
        return NULL;
    }
    return (TwObject *)h;
}

static TwObject *thread_allocate_lock(TwObject *self, TwObject *const *args, size_t nargs,
                                      TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("allocate_lock", kwnames) < 0 ||
        tw_arg_check_count("allocate_lock", nargs, 0, 0) < 0)
        return NULL;
    return lock_new_object(&TwLock_Type);
}

/* _thread._flush_queued(): tw_thread_flush_queued (threading calls it as a
 * thread's Python work ends, before join can return). */
static TwObject *thread_flush_queued(TwObject *self, TwObject *const *args, size_t nargs,
                                     TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("_flush_queued", kwnames) < 0 ||
        tw_arg_check_count("_flush_queued", nargs, 0, 0) < 0)
        return NULL;
    tw_thread_flush_queued();
    return tw_newref(Tw_None);
}

static TwObject *thread_get_ident(TwObject *self, TwObject *const *args, size_t nargs,
                                  TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("get_ident", kwnames) < 0 ||
        tw_arg_check_count("get_ident", nargs, 0, 0) < 0)
        return NULL;
    return tw_int_from_i64((int64_t)current_ident());
}

static TwObject *thread_exit(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    if (tw_arg_check_no_kwargs("exit", kwnames) < 0 || tw_arg_check_count("exit", nargs, 0, 0) < 0)
        return NULL;
    tw_err_set_object(TwExc_SystemExit, Tw_None);
    return NULL;
}

static TwObject *thread_count(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return tw_int_from_i64(__atomic_load_n(&g_thread_count, __ATOMIC_RELAXED));
}

/* threading's excepthook: "Exception in thread NAME:" and the traceback,
 * on stderr.  _print_thread_exception(name, exc, True) prints "NAME:"
 * alone (for "Exception in threading.excepthook:"). */
static TwObject *thread_print_thread_exception(TwObject *self, TwObject *const *args, size_t nargs,
                                               TwObject *kwnames)
{
    if (tw_arg_check_count("_print_thread_exception", nargs, 2, 3) < 0)
        return NULL;
    int bare = 0;
    if (nargs == 3 && (bare = tw_object_is_true(args[2])) < 0)
        return NULL;
    TwObject *name = tw_object_str(args[0]);
    if (name == NULL)
        return NULL;
    TwStrBuilder sb;
    tw_sb_init(&sb);
    if (tw_sb_append_cstr(&sb, bare ? "" : "Exception in thread ") < 0 ||
        tw_sb_append(&sb, TW_STR_DATA(name), (size_t)TW_STR_SIZE(name)) < 0 ||
        tw_sb_append_cstr(&sb, ":\n") < 0) {
        tw_sb_discard(&sb);
        TW_DECREF(name);
        return NULL;
    }
    TW_DECREF(name);
    TwObject *line = tw_sb_finish(&sb);
    if (line == NULL)
        return NULL;
    tw_stdio_flush(1);
    tw_stdio_write(2, TW_STR_DATA(line), (size_t)TW_STR_SIZE(line));
    TW_DECREF(line);
    tw_print_exception(args[1]);
    TW_RETURN_NONE;
}

/* A monotonic clock for threading's and queue's timeouts (time.monotonic
 * without importing time). */
static TwObject *thread_monotonic(TwObject *self, TwObject *const *args, size_t nargs,
                                  TwObject *kwnames)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return tw_float_from_double((double)t.tv_sec + (double)t.tv_nsec * 1e-9);
}

static const TwMethodDef thread_functions[] = {
    { "start_new_thread", thread_start_new_thread, 0 },
    { "start_new", thread_start_new_thread, 0 },
    { "allocate_lock", thread_allocate_lock, 0 },
    { "allocate", thread_allocate_lock, 0 },
    { "get_ident", thread_get_ident, 0 },
    { "exit", thread_exit, 0 },
    { "_count", thread_count, 0 },
    { "_print_thread_exception", thread_print_thread_exception, 0 },
    { "_monotonic", thread_monotonic, 0 },
    { "_flush_queued", thread_flush_queued, 0 },
    { "_start_joinable_thread", thread_start_joinable, 0 },
    { NULL, NULL, 0 },
};

TwObject *tw_thread_module_init(void)
{
    if (!(TwLock_Type.tp_flags & TW_TPFLAGS_READY) && tw_type_ready(&TwLock_Type) < 0)
        return NULL;
    if (!(TwRLock_Type.tp_flags & TW_TPFLAGS_READY) && tw_type_ready(&TwRLock_Type) < 0)
        return NULL;
    if (!(TwThreadHandle_Type.tp_flags & TW_TPFLAGS_READY) && tw_type_ready(&TwThreadHandle_Type) < 0)
        return NULL;
    TwObject *m = tw_module_new("_thread");
    if (m == NULL)
        return NULL;
    TwObject *tmax = tw_float_from_double(TW_TIMEOUT_MAX);
    if (tmax == NULL || tw_module_add_functions(m, thread_functions) < 0 ||
        tw_module_add_object(m, "LockType", (TwObject *)&TwLock_Type) < 0 ||
        tw_module_add_object(m, "lock", (TwObject *)&TwLock_Type) < 0 ||
        tw_module_add_object(m, "RLock", (TwObject *)&TwRLock_Type) < 0 ||
        tw_module_add_object(m, "error", TwExc_RuntimeError) < 0 ||
        tw_module_add_object(m, "TIMEOUT_MAX", tmax) < 0) {
        TW_XDECREF(tmax);
        TW_DECREF(m);
        return NULL;
    }
    TW_DECREF(tmax);
    return m;
}

/* ---------------- modules from Python source ----------------------- */

TwObject *tw_threads_module_from_source(const char *name, const char *src,
                                        const char *dep_name, TwObject *dep,
                                        const TwMethodDef *functions)
{
    TwObject *m = tw_module_new(name);
    if (m == NULL)
        return NULL;
    TwObject *d = tw_module_get_dict(m);
    TwObject *bname = tw_str_from_cstr("builtins");
    TwObject *builtins = bname ? tw_import_module(bname) : NULL;
    TW_XDECREF(bname);
    TwObject *modname = tw_str_from_cstr(name);
    if (builtins == NULL || modname == NULL ||
        tw_dict_set_str(d, "__builtins__", builtins) < 0 ||
        tw_dict_set_str(d, "__name__", modname) < 0 ||
        (dep && tw_dict_set_str(d, dep_name, dep) < 0) ||
        (functions && tw_module_add_functions(m, functions) < 0)) {
        TW_XDECREF(builtins);
        TW_XDECREF(modname);
        TW_DECREF(m);
        return NULL;
    }
    TW_DECREF(builtins);
    TW_DECREF(modname);
    char filename[96];
    snprintf(filename, sizeof filename, "<frozen %s>", name);
    TwObject *code = tw_compile_source(src, strlen(src), filename, TW_COMPILE_EXEC);
    if (code == NULL) {
        TW_DECREF(m);
        return NULL;
    }
    TwObject *res = tw_eval_code(code, d, NULL);
    TW_DECREF(code);
    if (res == NULL) {
        TW_DECREF(m);
        return NULL;
    }
    TW_DECREF(res);
    return m;
}

void tw_threads_register_modules(void)
{
    tw_register_builtin_module("_thread", tw_thread_module_init);
    tw_register_builtin_module("threading", tw_threading_module_init);
    tw_register_builtin_module("queue", tw_queue_module_init);
}
