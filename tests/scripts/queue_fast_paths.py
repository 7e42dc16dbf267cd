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

# A blocking put that finds the queue full and a get that finds it empty:
# without a GIL they first spin for the other side (the mutex released),
# then wait as the general path waits.  Either way every item arrives once,
# in order, and the counts stay right.
import time

hq = queue.Queue(maxsize=2)
got = []


def drain(n, delay):
    for _ in range(n):
        if delay:
            time.sleep(delay)
        got.append(hq.get())


# a consumer that keeps up (the spin usually sees room) ...
t = threading.Thread(target=drain, args=(200, 0))
t.start()
for i in range(200):
    hq.put(i)
t.join()
print(got == list(range(200)), hq.qsize(), hq.unfinished_tasks)

# ... and one that is too slow for any spin (the put waits on not_full)
got.clear()
t = threading.Thread(target=drain, args=(4, 0.02))
t.start()
for i in range(4):
    hq.put(i)
t.join()
print(got, hq.qsize(), hq.unfinished_tasks)


# a get that finds the queue empty: a producer that keeps up, then one
# that is too slow (the get waits on not_empty)
def fill(n, delay):
    for i in range(n):
        if delay:
            time.sleep(delay)
        hq.put(i)


for n, delay in ((200, 0), (3, 0.02)):
    t = threading.Thread(target=fill, args=(n, delay))
    t.start()
    out = [hq.get() for _ in range(n)]
    t.join()
    print(out == list(range(n)), hq.qsize())


# block is evaluated as CPython's queue.py evaluates it: a put to a
# bounded queue and every get call its __bool__ once (a block that is not a
# bool takes the general path)
class Loud:
    def __bool__(self):
        print("bool(block)")
        return False


hq.put("x", block=Loud())
print(hq.get(block=Loud()))
hq.put("y")
hq.put("z")
try:
    hq.put("w", block=Loud())
except queue.Full:
    print("Full")
print(hq.get(block=1), hq.get(block=1))
try:
    hq.get(block=Loud())
except queue.Empty:
    print("Empty")

# unfinished_tasks counted by the fast path, read and assigned as an
# attribute, and shadowed by a subclass's class attribute
tq = queue.Queue()
for i in range(5):
    tq.put(i)
print(tq.unfinished_tasks)
tq.unfinished_tasks = 10
tq.put("x")
print(tq.unfinished_tasks, tq.get(), tq.unfinished_tasks)
tq.task_done()
tq.unfinished_tasks -= 3
print(tq.unfinished_tasks)
tq.unfinished_tasks = 1
tq.task_done()
tq.join()
print("joined", tq.unfinished_tasks, tq.qsize())
try:
    tq.task_done()
except ValueError as e:
    print("ValueError:", e)


class Shadowed(queue.Queue):
    unfinished_tasks = 100


sq = Shadowed()
sq.put(1)
sq.put(2)
print(sq.unfinished_tasks, Shadowed.unfinished_tasks, sq.get())
sq.task_done()
print(sq.unfinished_tasks)
