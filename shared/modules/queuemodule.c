/*
 * queuemodule.c — the queue module: Queue (FIFO), LifoQueue,
 * PriorityQueue (a binary heap kept as CPython's heapq keeps one:
 * smallest first, and equal items in the order CPython's would give),
 * SimpleQueue, Empty, Full.
 *
 * Python source over threading (CPython's queue.py: a collections.deque
 * holds a Queue's items, a list a LifoQueue's and a PriorityQueue's),
 * compiled at first import in a module whose globals already hold
 * `threading`.
 *
 * Protocol: one mutex guards the items and unfinished_tasks; three
 * conditions share it: not_empty (get waits), not_full (put waits on a
 * bounded queue), all_tasks_done (join waits).  A put notifies not_empty
 * and a get not_full when a thread waits on it, task_done notifies all
 * joiners when the count reaches zero.  put and get take the mutex
 * itself (`with self.mutex`, not through the Condition's __enter__) and
 * look at the waiters list before calling notify: the same lock and the
 * same effect (notify with no waiter does nothing), without two Python
 * calls per item inside the critical section, the part two threads
 * handing items over one queue cannot overlap.
 *
 * For the same reason, a queue whose class keeps Queue's own _qsize, _put
 * and _get (_plain, set by __init__: Queue and SimpleQueue) and whose
 * mutex is a _thread.lock has put and get without a timeout done in C
 * when they need not wait (_put_fast, _get_fast below): the mutex taken
 * as `with` takes it, the item appended to / popped from the deque,
 * unfinished_tasks counted, the condition notified if it has waiters, the
 * mutex released: the section shrinks from some thirty bytecodes to a few
 * C calls.  Without a GIL the attributes those steps use are looked up
 * before the mutex is taken and confirmed unchanged once it is held
 * (attrs_prefetch below), and a blocking put that finds the queue full (a
 * get that finds it empty) first spins a few microseconds, the mutex
 * released, for the thread on the other side to make room (bring an
 * item), before it takes the general path's wait (spin_for_change).
 * Every attribute is looked up as Python code would look it up (a
 * property or a reassigned attribute is honoured); storage or counts of
 * other types, a subclass that overrides a storage method (LifoQueue,
 * PriorityQueue, user classes), a timeout, a `block` that is not a bool,
 * and a put or get that must wait take the general path in Python, which
 * keeps every wait and error of CPython's queue.py.
 * unfinished_tasks is a property over `_unfinished`, a one-item deque:
 * put changes the count for every item, and kept in the instance
 * __dict__ (as CPython's queue.py keeps it) it made every put write the
 * dict that every get reads, so that its lines moved between the
 * producer's and the consumer's cores on every item.  A deque rather
 * than a list because a deque is read under its lock, never
 * optimistically: the count a put replaces is freed at once, where out of
 * a list (whose items are published to lock-free readers) every put's
 * old count waited out a QSBR grace period in the free-threaded build
 * (1.6M deferred frees in a 4-pair producer_consumer run).  Reading and
 * assigning the attribute work as in CPython; it is not in vars(q).  A
 * subclass that redefines unfinished_tasks takes the general path.
 * Invariants: 0 <= len(items) <= maxsize when maxsize > 0;
 * unfinished_tasks >= 0 (task_done past zero raises ValueError).
 */
#include "modules/stdmodules.h"
#include "twinpy/interp.h"
#include "twinpy/threads.h"
#include "twinpy/types.h"

static const char queue_source[] =
    "from collections import deque\n"
    "_time = threading._time\n"
    "_MISS = object()\n"
    "\n"
    "class Empty(Exception):\n"
    "    __module__ = '_queue'\n"
    "\n"
    "class Full(Exception):\n"
    "    pass\n"
    "\n"
    "class Queue:\n"
    "    def __init__(self, maxsize=0):\n"
    "        self.maxsize = maxsize\n"
    "        self._init(maxsize)\n"
    "        self.mutex = threading.Lock()\n"
    "        self.not_empty = threading.Condition(self.mutex)\n"
    "        self.not_full = threading.Condition(self.mutex)\n"
    "        self.all_tasks_done = threading.Condition(self.mutex)\n"
    "        self._unfinished = deque((0,))\n"
    "        self.unfinished_tasks = 0\n"
    "        cls = type(self)\n"
    "        self._plain = (cls._qsize is Queue._qsize and cls._put is Queue._put\n"
    "                       and cls._get is Queue._get\n"
    "                       and cls.unfinished_tasks is Queue.unfinished_tasks)\n"
    "\n"
    "    # put changes this count for every item: it lives in a deque of its\n"
    "    # own, so that the instance __dict__, which get reads, is not written\n"
    "    # for every item (see the top of queuemodule.c)\n"
    "    @property\n"
    "    def unfinished_tasks(self):\n"
    "        return self._unfinished[0]\n"
    "\n"
    "    @unfinished_tasks.setter\n"
    "    def unfinished_tasks(self, n):\n"
    "        self._unfinished[0] = n\n"
    "\n"
    "    def task_done(self):\n"
    "        with self.all_tasks_done:\n"
    "            unfinished = self.unfinished_tasks - 1\n"
    "            if unfinished <= 0:\n"
    "                if unfinished < 0:\n"
    "                    raise ValueError('task_done() called too many times')\n"
    "                self.all_tasks_done.notify_all()\n"
    "            self.unfinished_tasks = unfinished\n"
    "\n"
    "    def join(self):\n"
    "        with self.all_tasks_done:\n"
    "            while self.unfinished_tasks:\n"
    "                self.all_tasks_done.wait()\n"
    "\n"
    "    def qsize(self):\n"
    "        with self.mutex:\n"
    "            return self._qsize()\n"
    "\n"
    "    def empty(self):\n"
    "        with self.mutex:\n"
    "            return not self._qsize()\n"
    "\n"
    "    def full(self):\n"
    "        with self.mutex:\n"
    "            return 0 < self.maxsize and self.maxsize <= self._qsize()\n"
    "\n"
    "    def put(self, item, block=True, timeout=None):\n"
    "        if timeout is None and _put_fast(self, item, block):\n"
    "            return\n"
    "        with self.mutex:\n"
    "            if self.maxsize > 0:\n"
    "                if not block:\n"
    "                    if self._qsize() >= self.maxsize:\n"
    "                        raise Full\n"
    "                elif timeout is None:\n"
    "                    while self._qsize() >= self.maxsize:\n"
    "                        self.not_full.wait()\n"
    "                elif timeout < 0:\n"
    "                    raise ValueError(\"'timeout' must be a non-negative number\")\n"
    "                else:\n"
    "                    endtime = _time() + timeout\n"
    "                    while self._qsize() >= self.maxsize:\n"
    "                        remaining = endtime - _time()\n"
    "                        if remaining <= 0.0:\n"
    "                            raise Full\n"
    "                        self.not_full.wait(remaining)\n"
    "            self._put(item)\n"
    "            self.unfinished_tasks += 1\n"
    "            if self.not_empty._waiters:\n"
    "                self.not_empty.notify()\n"
    "\n"
    "    def get(self, block=True, timeout=None):\n"
    "        if timeout is None:\n"
    "            item = _get_fast(self, _MISS, block)\n"
    "            if item is not _MISS:\n"
    "                return item\n"
    "        with self.mutex:\n"
    "            if not block:\n"
    "                if not self._qsize():\n"
    "                    raise Empty\n"
    "            elif timeout is None:\n"
    "                while not self._qsize():\n"
    "                    self.not_empty.wait()\n"
    "            elif timeout < 0:\n"
    "                raise ValueError(\"'timeout' must be a non-negative number\")\n"
    "            else:\n"
    "                endtime = _time() + timeout\n"
    "                while not self._qsize():\n"
    "                    remaining = endtime - _time()\n"
    "                    if remaining <= 0.0:\n"
    "                        raise Empty\n"
    "                    self.not_empty.wait(remaining)\n"
    "            item = self._get()\n"
    "            if self.not_full._waiters:\n"
    "                self.not_full.notify()\n"
    "            return item\n"
    "\n"
    "    def put_nowait(self, item):\n"
    "        return self.put(item, False)\n"
    "\n"
    "    def get_nowait(self):\n"
    "        return self.get(False)\n"
    "\n"
    "    def _init(self, maxsize):\n"
    "        self.queue = deque()\n"
    "\n"
    "    def _qsize(self):\n"
    "        return len(self.queue)\n"
    "\n"
    "    def _put(self, item):\n"
    "        self.queue.append(item)\n"
    "\n"
    "    def _get(self):\n"
    "        return self.queue.popleft()\n"
    "\n"
    "class LifoQueue(Queue):\n"
    "    def _init(self, maxsize):\n"
    "        self.queue = []\n"
    "\n"
    "    def _get(self):\n"
    "        return self.queue.pop()\n"
    "\n"
    "class PriorityQueue(Queue):\n"
    "    def _init(self, maxsize):\n"
    "        self.queue = []\n"
    "\n"
    "    def _put(self, item):\n"
    "        h = self.queue\n"
    "        h.append(item)\n"
    "        _rise(h, 0, len(h) - 1)\n"
    "\n"
    "    def _get(self):\n"
    "        h = self.queue\n"
    "        last = h.pop()\n"
    "        if not h:\n"
    "            return last\n"
    "        top = h[0]\n"
    "        h[0] = last\n"
    "        _sink(h, 0)\n"
    "        return top\n"
    "\n"
    "# A binary min-heap in a list, kept as heapq keeps it (heappush, heappop),\n"
    "# so the same puts and gets compare the same items and come out in the\n"
    "# same order as with CPython's queue.PriorityQueue, equal items included.\n"
    "def _rise(h, top, pos):\n"
    "    item = h[pos]\n"
    "    while pos > top:\n"
    "        up = (pos - 1) >> 1\n"
    "        if item < h[up]:\n"
    "            h[pos] = h[up]\n"
    "            pos = up\n"
    "        else:\n"
    "            break\n"
    "    h[pos] = item\n"
    "\n"
    "def _sink(h, pos):\n"
    "    # the hole goes down to a leaf along the smaller children, then the\n"
    "    # item rises back from there\n"
    "    n = len(h)\n"
    "    top = pos\n"
    "    item = h[pos]\n"
    "    child = 2 * pos + 1\n"
    "    while child < n:\n"
    "        right = child + 1\n"
    "        if right < n and not h[child] < h[right]:\n"
    "            child = right\n"
    "        h[pos] = h[child]\n"
    "        pos = child\n"
    "        child = 2 * pos + 1\n"
    "    h[pos] = item\n"
    "    _rise(h, top, pos)\n"
    "\n"
    "class SimpleQueue(Queue):\n"
    "    pass\n";

/* ---------------- put and get without waiting, in C ------------------ */

static TwObject *s_plain, *s_mutex, *s_queue, *s_maxsize, *s_tasks, *s_not_empty,
    *s_not_full, *s_waiters;
/* No GIL (tw_runtime_gil_enabled(), read once at import). */
static bool s_free_threaded;

/* What put and get use under the mutex: the deque, and for put maxsize
 * and the one-item count deque; the condition to notify (not_empty for
 * put, not_full for get) and its _waiters.  New references, or NULL. */
typedef struct {
    TwObject *items, *maxsize, *tasks, *cond, *waiters;
} QueueAttrs;

static inline void attrs_drop(QueueAttrs *a)
{
    TW_XDECREF(a->items);
    TW_XDECREF(a->maxsize);
    TW_XDECREF(a->tasks);
    TW_XDECREF(a->cond);
    TW_XDECREF(a->waiters);
}

static void attrs_clear(QueueAttrs *a)
{
    attrs_drop(a);
    *a = (QueueAttrs){ NULL, NULL, NULL, NULL, NULL };
}

/* The storage attributes as queue.py reads them, with the mutex held
 * (the condition and its waiters come later, after the deque step:
 * notify_if_waiting): 0, or -1 with the exception those reads raise. */
static int attrs_get(TwObject *q, bool put, QueueAttrs *a)
{
    if ((a->items = tw_object_getattr(q, s_queue)) == NULL)
        return -1;
    if (put && ((a->maxsize = tw_object_getattr(q, s_maxsize)) == NULL ||
                (a->tasks = tw_object_getattr(q, s_tasks)) == NULL))
        return -1;
    return 0;
}

/* Looking the attributes up before the mutex is taken keeps the section
 * to the deque and count steps: some ten dict lookups and reference
 * counts fewer inside it, where the other side of a producer/consumer
 * pair waits for every one of them (nogil: a pair's lock spins per item
 * fell by about half).  Done only where it cannot differ from a lookup
 * under the mutex: each name is in the object's instance __dict__ and its
 * class has no attribute of that name (so no descriptor runs, inside or
 * outside the section), and, once the mutex is held, the object still has
 * that class and that dict, the dict the version it had before the
 * lookups, and the class the version it had (a dict's version changes
 * with every store or deletion, published with a release: stamp_holds
 * under the mutex sees any rebinding done under it, as `q.queue = ...` in
 * a `with q.mutex:` block).  Otherwise the attributes are looked up again
 * with the mutex held, as queue.py does.  Under a GIL no other thread
 * runs while the section does, so there is nothing to shorten: the GIL
 * build looks them up with the mutex held. */
typedef struct {
    TwObject *owner;        /* q or its condition (held by the caller)  */
    TwTypeObject *tp;       /* owner's class then                       */
    TwObject *dict;         /* owner's instance __dict__ (a reference)  */
    uint64_t version, tp_version;
} Stamp;

static bool stamp_take(Stamp *st, TwObject *owner)
{
    TwTypeObject *tp = TW_TYPE(owner);
    st->owner = owner;
    st->tp = tp;
    st->dict = NULL;
    if (tp->tp_getattro != tw_object_generic_getattr || tp->tp_dictoffset <= 0)
        return false;
    st->tp_version = __atomic_load_n(&tp->tp_version, __ATOMIC_ACQUIRE);
    st->dict = tw_field_get_ref((TwObject **)((char *)owner + tp->tp_dictoffset));
    if (st->dict == NULL || TW_TYPE(st->dict) != &TwDict_Type)
        return false;
    st->version = __atomic_load_n(&((TwDictObject *)st->dict)->version, __ATOMIC_ACQUIRE);
    return true;
}

static bool stamp_holds(const Stamp *st)
{
    TwTypeObject *tp = st->tp;
    return TW_TYPE(st->owner) == tp
        && tw_atomic_load_ptr((TwObject **)((char *)st->owner + tp->tp_dictoffset)) == st->dict
        && __atomic_load_n(&((TwDictObject *)st->dict)->version, __ATOMIC_ACQUIRE) == st->version
        && __atomic_load_n(&tp->tp_version, __ATOMIC_ACQUIRE) == st->tp_version;
}

/* owner.name from st's dict, where the class has no such attribute: 1
 * with *out a new reference; 0 (nothing set) when the name is not plain
 * so; -1 with an exception set. */
static int plain_get(const Stamp *st, TwObject *name, TwObject **out)
{
    if (tw_type_lookup(TW_TYPE(st->owner), name) != NULL)
        return 0;
    return tw_dict_get_ref(st->dict, name, out);
}

/* attrs_get's attributes and the condition's before the mutex is taken,
 * with stamps[0] for q and stamps[1] for the condition (their dicts set
 * to NULL by the caller; to drop with stamps_clear, also after 0): 1, 0
 * when they must be looked up under the mutex, -1 with an exception set. */
static int attrs_prefetch(TwObject *q, bool put, QueueAttrs *a, Stamp stamps[2])
{
    int rc;
    if (!stamp_take(&stamps[0], q) ||
        (rc = plain_get(&stamps[0], s_queue, &a->items)) <= 0 ||
        (put && ((rc = plain_get(&stamps[0], s_maxsize, &a->maxsize)) <= 0 ||
                 (rc = plain_get(&stamps[0], s_tasks, &a->tasks)) <= 0)) ||
        (rc = plain_get(&stamps[0], put ? s_not_empty : s_not_full, &a->cond)) <= 0 ||
        !stamp_take(&stamps[1], a->cond) ||
        (rc = plain_get(&stamps[1], s_waiters, &a->waiters)) <= 0) {
        attrs_clear(a);
        return tw_err_occurred() ? -1 : 0;
    }
    return 1;
}

static inline void stamps_clear(Stamp stamps[2])
{
    TW_XDECREF(stamps[0].dict);
    TW_XDECREF(stamps[1].dict);
}

/* With the mutex held: the attributes as a lookup now would give them (the
 * prefetched ones if their stamps hold, else looked up again): 0, or -1
 * with an exception set. */
static inline int attrs_confirm(TwObject *q, bool put, bool prefetched, QueueAttrs *a,
                                Stamp stamps[2])
{
    if (prefetched) {
        if (stamp_holds(&stamps[0]) && stamp_holds(&stamps[1]))
            return 0;
        attrs_clear(a);
    }
    return attrs_get(q, put, a);
}

/* cond.notify() if cond._waiters is not empty, cond being q's not_empty
 * (put) or not_full (get), prefetched in a or looked up now: 0, or -1
 * with an exception set. */
static int notify_if_waiting(TwObject *q, bool put, QueueAttrs *a)
{
    if (a->cond == NULL && (a->cond = tw_object_getattr(q, put ? s_not_empty : s_not_full)) == NULL)
        return -1;
    if (a->waiters == NULL && (a->waiters = tw_object_getattr(a->cond, s_waiters)) == NULL)
        return -1;
    int waiting = tw_object_is_true(a->waiters);
    if (waiting > 0) {
        TwObject *r = tw_call_method(a->cond, "notify", NULL, 0);
        waiting = r ? 0 : -1;
        TW_XDECREF(r);
    }
    return waiting < 0 ? -1 : 0;
}

/* The arguments of fname(q, x, block) checked: 1, with *spin set when a
 * full (put) or empty (get) queue is worth a short spin first (below); 0
 * when block is not a bool (the general path evaluates it as CPython's
 * queue.py does, __bool__ and all); -1 with an exception set. */
static int check_fast_args(const char *fname, TwObject *const *args, size_t nargs,
                           TwObject *kwnames, bool *spin)
{
    if (tw_arg_check_no_kwargs(fname, kwnames) < 0 || tw_arg_check_count(fname, nargs, 3, 3) < 0)
        return -1;
    if (args[2] != Tw_True && args[2] != Tw_False)
        return 0;
    *spin = args[2] == Tw_True && s_free_threaded;
    return 1;
}

/* The queue's mutex taken as `with q.mutex:` takes it; or NULL: an error
 * (set), or (none set) a queue that is not plain or a mutex other than a
 * _thread.lock. */
static TwObject *enter_plain(TwObject *q)
{
    TwObject *plain = tw_object_getattr(q, s_plain);
    if (plain == NULL)
        return NULL;
    bool is_plain = plain == Tw_True;
    TW_DECREF(plain);
    if (!is_plain)
        return NULL;
    TwObject *mutex = tw_object_getattr(q, s_mutex);
    if (mutex != NULL && !tw_thread_lock_enter(mutex)) {
        TW_DECREF(mutex);
        return NULL;
    }
    return mutex;
}

/* Release the mutex taken by enter_plain: rc, or -1 if that fails. */
static int exit_plain(TwObject *mutex, int rc)
{
    if (tw_thread_lock_exit(mutex) < 0)
        rc = -1;
    TW_DECREF(mutex);
    return rc;
}

/* enter_plain, with the attributes put (get) uses prefetched first where
 * they can be (without a GIL: attrs_prefetch), *prefetched telling which:
 * the mutex, or NULL (a and stamps empty) as enter_plain's. */
static TwObject *enter_prefetched(TwObject *q, bool put, QueueAttrs *a, Stamp stamps[2],
                                  bool *prefetched)
{
    stamps[0].dict = stamps[1].dict = NULL;
    int pre = s_free_threaded ? attrs_prefetch(q, put, a, stamps) : 0;
    TwObject *mutex = pre < 0 ? NULL : enter_plain(q);
    if (mutex == NULL) {
        attrs_clear(a);
        stamps_clear(stamps);
    }
    *prefetched = pre > 0;
    return mutex;
}

/* Without a GIL, the thread that will empty a full queue (or fill an
 * empty one) is usually running on another core and does so within
 * microseconds.  A blocking put or get that finds the queue full (empty)
 * first spins for that, the mutex released, watching the deque's length
 * (an atomic load): the general path would wait on a condition, which
 * makes a lock, appends it to the waiters, releases and takes the mutex
 * again and has the other thread notify it, all in Python, and a producer
 * that keeps a bounded queue full pays that for every item.  32 rounds of
 * 16 pauses (about 6 us on the development machine); then the general
 * path, which waits as CPython's queue.py does.  Under a GIL the other
 * thread cannot run while we spin, so the GIL build never spins. */
#define QUEUE_SPIN_ROUNDS 32
#define QUEUE_SPIN_PAUSES 16

/* True once items holds fewer than maxsize items (maxsize > 0), or any
 * (maxsize 0), within the spin. */
static bool spin_for_change(TwObject *items, int64_t maxsize)
{
    for (int round = 0; round < QUEUE_SPIN_ROUNDS; round++) {
        for (int i = 0; i < QUEUE_SPIN_PAUSES; i++)
            tw_cpu_relax();
        TwSsize n = tw_deque_size(items);
        if (maxsize > 0 ? n < maxsize : n > 0)
            return true;
    }
    return false;
}

/* One try of put(item) under the mutex: 1 put, 0 the general path must
 * run, -1 an error; *full (a new reference) is the deque when it was full
 * (maxsize in *maxsize_out), for the caller to spin on. */
static int put_once(TwObject *q, TwObject *item, TwObject **full, int64_t *maxsize_out)
{
    QueueAttrs a = { NULL, NULL, NULL, NULL, NULL };
    Stamp stamps[2];
    bool pre;
    TwObject *mutex = enter_prefetched(q, true, &a, stamps, &pre);
    if (mutex == NULL)
        return tw_err_occurred() ? -1 : 0;
    int rc = 0;
    TwObject *unfinished = NULL, *next = NULL;
    if (attrs_confirm(q, true, pre, &a, stamps) < 0) {
        rc = -1;
        goto out;
    }
    int64_t count;
    /* unfinished_tasks is Queue's property (_plain) over tasks[0] */
    if (TW_TYPE(a.items) != &TwDeque_Type || !TW_INT_CHECK_EXACT(a.maxsize) ||
        TW_TYPE(a.tasks) != &TwDeque_Type || tw_deque_size(a.tasks) != 1)
        goto out;
    if ((unfinished = tw_deque_item(a.tasks, 0)) == NULL) {
        rc = -1;
        goto out;
    }
    if (!TW_INT_CHECK_EXACT(unfinished) ||
        __builtin_add_overflow(TW_INT_VALUE(unfinished), 1, &count))
        goto out;
    if (TW_INT_VALUE(a.maxsize) > 0 && tw_deque_size(a.items) >= TW_INT_VALUE(a.maxsize)) {
        *full = tw_newref(a.items);
        *maxsize_out = TW_INT_VALUE(a.maxsize);
        goto out;
    }
    if ((next = tw_int_from_i64(count)) == NULL || tw_deque_append(a.items, item) < 0) {
        rc = -1;
        goto out;
    }
    rc = tw_deque_set_item(a.tasks, 0, next) < 0 || notify_if_waiting(q, true, &a) < 0 ? -1 : 1;
out:
    rc = exit_plain(mutex, rc);
    TW_XDECREF(unfinished);
    TW_XDECREF(next);
    attrs_drop(&a);
    stamps_clear(stamps);
    return rc;
}

/* _put_fast(q, item, block): put(item) when it need not wait, with the
 * mutex held for a few C steps (the top of the file): True once item is
 * in; False, nothing done, when put's general path must run (not a plain
 * queue, a full one, storage or counts of other types). */
static TwObject *queue_put_fast(TwObject *self, TwObject *const *args, size_t nargs,
                                TwObject *kwnames)
{
    bool spin;
    int ok = check_fast_args("_put_fast", args, nargs, kwnames, &spin);
    if (ok <= 0)
        return ok < 0 ? NULL : tw_bool_from(false);
    TwObject *full = NULL;
    int64_t maxsize = 0;
    int rc = put_once(args[0], args[1], &full, &maxsize);
    if (full != NULL) {
        if (rc == 0 && spin && spin_for_change(full, maxsize)) {
            TW_CLEAR(full);
            rc = put_once(args[0], args[1], &full, &maxsize);
        }
        TW_XDECREF(full);
    }
    return rc < 0 ? NULL : tw_bool_from(rc > 0);
}

/* One try of get() under the mutex: the item, miss (a new reference) when
 * the general path must run, or NULL with an exception set; *empty (a new
 * reference) is the deque when it was empty, for the caller to spin on. */
static TwObject *get_once(TwObject *q, TwObject *miss, TwObject **empty)
{
    QueueAttrs a = { NULL, NULL, NULL, NULL, NULL };
    Stamp stamps[2];
    bool pre;
    TwObject *mutex = enter_prefetched(q, false, &a, stamps, &pre);
    if (mutex == NULL)
        return tw_err_occurred() ? NULL : tw_newref(miss);
    TwObject *item = NULL;
    if (attrs_confirm(q, false, pre, &a, stamps) < 0) {
        /* the exception of q.queue's lookup */
    } else if (TW_TYPE(a.items) != &TwDeque_Type) {
        item = tw_newref(miss);
    } else if (tw_deque_size(a.items) == 0) {
        item = tw_newref(miss);
        *empty = tw_newref(a.items);
    } else if ((item = tw_deque_popleft(a.items)) != NULL && notify_if_waiting(q, false, &a) < 0) {
        TW_CLEAR(item);
    }
    if (exit_plain(mutex, 0) < 0)
        TW_CLEAR(item);
    attrs_drop(&a);
    stamps_clear(stamps);
    return item;
}

/* _get_fast(q, miss, block): get() when it need not wait: the item, or
 * miss (nothing done) when get's general path must run (not a plain
 * queue, an empty one, storage of another type). */
static TwObject *queue_get_fast(TwObject *self, TwObject *const *args, size_t nargs,
                                TwObject *kwnames)
{
    bool spin;
    int ok = check_fast_args("_get_fast", args, nargs, kwnames, &spin);
    if (ok <= 0)
        return ok < 0 ? NULL : tw_newref(args[1]);
    TwObject *empty = NULL;
    TwObject *item = get_once(args[0], args[1], &empty);
    if (empty != NULL) {
        if (item == args[1] && spin && spin_for_change(empty, 0)) {
            TW_CLEAR(empty);
            TW_DECREF(item);
            item = get_once(args[0], args[1], &empty);
        }
        TW_XDECREF(empty);
    }
    return item;
}

static const TwMethodDef queue_c_functions[] = {
    { "_put_fast", queue_put_fast, 0 },
    { "_get_fast", queue_get_fast, 0 },
    { NULL, NULL, 0 },
};

TwObject *tw_queue_module_init(void)
{
    s_free_threaded = !tw_runtime_gil_enabled();
    struct { TwObject **p; const char *s; } names[] = {
        { &s_plain, "_plain" }, { &s_mutex, "mutex" }, { &s_queue, "queue" },
        { &s_maxsize, "maxsize" }, { &s_tasks, "_unfinished" },
        { &s_not_empty, "not_empty" }, { &s_not_full, "not_full" }, { &s_waiters, "_waiters" },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if ((*names[i].p = tw_str_intern_cstr(names[i].s)) == NULL)
            return NULL;
    TwObject *name = tw_str_from_cstr("threading");
    if (name == NULL)
        return NULL;
    TwObject *threading = tw_import_module(name);
    TW_DECREF(name);
    if (threading == NULL)
        return NULL;
    TwObject *m = tw_threads_module_from_source("queue", queue_source, "threading", threading,
                                                 queue_c_functions);
    TW_DECREF(threading);
    return m;
}
