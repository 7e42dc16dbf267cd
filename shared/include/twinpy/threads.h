/*
 * threads.h — the thread-facing modules (_thread, threading, queue) and
 * what the interpreter calls of them.
 *
 * Implemented in shared/modules/threadmodule.c, threading.c and
 * queuemodule.c against the object API only, so they run unchanged on both
 * runtimes.  The primitives (locks, thread start) are C; threading and
 * queue are Python source compiled when they are first imported, as most
 * of CPython's are.
 */
#ifndef TWINPY_THREADS_H
#define TWINPY_THREADS_H

#include "twinpy/types.h"

/* Register _thread, threading and queue with tw_register_builtin_module.
 * Called once by the interpreter's start-up. */
void tw_threads_register_modules(void);

/* At interpreter exit, with the main thread attached: wait for every
 * non-daemon threading.Thread to finish (CPython's threading._shutdown).
 * Does nothing if threading was never imported. */
void tw_threading_wait_for_threads(void);

/* Module constructors (run at first import). */
TwObject *tw_thread_module_init(void);
TwObject *tw_threading_module_init(void);
TwObject *tw_queue_module_init(void);

/* Private to the three thread modules: build module `name` by running
 * Python source `src` (shown in tracebacks as "<frozen NAME>") in a fresh
 * module whose globals already hold `dep` under `dep_name` (if dep is not
 * NULL) and the C functions of `functions` (if not NULL).  New reference,
 * or NULL with an exception set. */
TwObject *tw_threads_module_from_source(const char *name, const char *src,
                                        const char *dep_name, TwObject *dep,
                                        const TwMethodDef *functions);

/* Private to queue's C paths (queuemodule.c): take `lock`, a _thread.lock
 * exactly, as `with lock:` does (waiting as long as it takes), and give it
 * back.  tw_thread_lock_enter returns false, and takes nothing, for any
 * other object; tw_thread_lock_exit returns -1 with RuntimeError set if
 * the lock was not held, as lock.__exit__ does. */
bool tw_thread_lock_enter(TwObject *lock);
int tw_thread_lock_exit(TwObject *lock);

#endif /* TWINPY_THREADS_H */
