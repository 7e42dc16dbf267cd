# queue.Queue's put and get: the paths that need not wait, and what must
# still go through the class's own _qsize/_put/_get and CPython's checks.
import queue


class Recording(queue.Queue):
    # a subclass overriding the storage methods: they are called
    def _init(self, maxsize):
        self.queue = []
        self.calls = []

    def _qsize(self):
        self.calls.append("qsize")
        return len(self.queue)

    def _put(self, item):
        self.calls.append(("put", item))
        self.queue.append(item)

    def _get(self):
        self.calls.append("get")
        return self.queue.pop(0)


r = Recording(maxsize=3)
r.put(1)
r.put(2, block=False)
print(r.get(), r.get(block=False))
print(r.calls)


class Doubling(queue.Queue):
    # only _put overridden: put must use it, get the inherited _get
    def _put(self, item):
        self.queue.append(item * 2)


d = Doubling()
d.put(5)
d.put(6)
print(d.get(), d.get(), d.qsize(), d.empty())

# LifoQueue and PriorityQueue keep their order
lq = queue.LifoQueue()
pq = queue.PriorityQueue()
for x in (3, 1, 2):
    lq.put(x)
    pq.put(x)
print([lq.get() for _ in range(3)], [pq.get() for _ in range(3)])

# plain Queue: FIFO, task accounting, Empty and Full
q = queue.Queue(maxsize=2)
q.put("a")
q.put("b")
print(q.full(), q.qsize(), q.unfinished_tasks)
try:
    q.put("c", block=False)
except queue.Full:
    print("Full")
print(q.get(), q.get(block=False))
try:
    q.get(block=False)
except queue.Empty:
    print("Empty")
q.task_done()
q.task_done()
print(q.unfinished_tasks)

# a negative timeout is refused even when no wait is needed (as CPython)
for call in (lambda: q.put("x", timeout=-1), lambda: (q.put_nowait("y"), q.get(timeout=-1))):
    try:
        call()
    except ValueError as e:
        print("ValueError:", e)
print(q.get(), q.qsize())

# timeouts that need no wait still put and get
q.put("t", timeout=0.5)
print(q.get(timeout=0.5))

# SimpleQueue is a Queue without overrides
s = queue.SimpleQueue()
s.put(1)
s.put(2)
print(s.get(), s.get(), s.empty())

# put and get without a wait look attributes up as Python code does: a
# float maxsize, a property count and an RLock mutex are all honoured
import threading


class Counted(queue.Queue):
    @property
    def unfinished_tasks(self):
        return self._count

    @unfinished_tasks.setter
    def unfinished_tasks(self, n):
        print("count", n)
        self._count = n


c = Counted(maxsize=1.5)
c.put("u")
c.put("v", block=False)
print(c.full(), c.qsize())
try:
    c.put("w", block=False)
except queue.Full:
    print("Full at", c.qsize())
print(c.get(), c.get(), c.unfinished_tasks)

rq = queue.Queue()
rq.mutex = threading.RLock()
rq.not_empty = threading.Condition(rq.mutex)
rq.not_full = threading.Condition(rq.mutex)
rq.put("r1")
with rq.mutex:
    rq.put("r2")   # an RLock may be taken again by its owner
print(rq.get(), rq.get(), rq.mutex._is_owned())
