/*
 * queuemodule.c — the queue module: Queue (FIFO), LifoQueue,
 * PriorityQueue (kept sorted: smallest first, equal items in arrival
 * order), SimpleQueue, Empty, Full.
 *
 * Python source over threading (CPython's queue.py, with a list for the
 * items), compiled at first import in a module whose globals already hold
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
 * handing items over one queue cannot overlap.  For the same reason, a
 * queue whose class keeps Queue's own _qsize, _put and _get (_plain, set
 * by __init__: Queue and SimpleQueue) has put and get without a timeout
 * work on the list directly when they need not wait, two or three Python
 * calls fewer inside the section; a subclass that overrides one of them
 * (LifoQueue, PriorityQueue, user classes), a timeout, and a put or get
 * that must wait take the general path, which keeps every wait and error
 * of CPython's queue.py.
 * Invariants: 0 <= len(items) <= maxsize when maxsize > 0;
 * unfinished_tasks >= 0 (task_done past zero raises ValueError).
 */
#include "modules/stdmodules.h"
#include "twinpy/interp.h"
#include "twinpy/threads.h"
#include "twinpy/types.h"

static const char queue_source[] =
    "_time = threading._time\n"
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
    "        self.unfinished_tasks = 0\n"
    "        cls = type(self)\n"
    "        self._plain = (cls._qsize is Queue._qsize and cls._put is Queue._put\n"
    "                       and cls._get is Queue._get)\n"
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
    "        with self.mutex:\n"
    "            if self._plain and timeout is None:\n"
    "                q = self.queue\n"
    "                maxsize = self.maxsize\n"
    "                if maxsize <= 0 or len(q) < maxsize:\n"
    "                    q.append(item)\n"
    "                    self.unfinished_tasks += 1\n"
    "                    if self.not_empty._waiters:\n"
    "                        self.not_empty.notify()\n"
    "                    return\n"
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
    "        with self.mutex:\n"
    "            if self._plain and timeout is None:\n"
    "                q = self.queue\n"
    "                if len(q):\n"
    "                    item = q.pop(0)\n"
    "                    if self.not_full._waiters:\n"
    "                        self.not_full.notify()\n"
    "                    return item\n"
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
    "        self.queue = []\n"
    "\n"
    "    def _qsize(self):\n"
    "        return len(self.queue)\n"
    "\n"
    "    def _put(self, item):\n"
    "        self.queue.append(item)\n"
    "\n"
    "    def _get(self):\n"
    "        return self.queue.pop(0)\n"
    "\n"
    "class LifoQueue(Queue):\n"
    "    def _get(self):\n"
    "        return self.queue.pop()\n"
    "\n"
    "class PriorityQueue(Queue):\n"
    "    def _put(self, item):\n"
    "        q = self.queue\n"
    "        i = len(q)\n"
    "        while i > 0 and item < q[i - 1]:\n"
    "            i -= 1\n"
    "        q.insert(i, item)\n"
    "\n"
    "class SimpleQueue(Queue):\n"
    "    pass\n";

TwObject *tw_queue_module_init(void)
{
    TwObject *name = tw_str_from_cstr("threading");
    if (name == NULL)
        return NULL;
    TwObject *threading = tw_import_module(name);
    TW_DECREF(name);
    if (threading == NULL)
        return NULL;
    TwObject *m = tw_threads_module_from_source("queue", queue_source, "threading", threading);
    TW_DECREF(threading);
    return m;
}
