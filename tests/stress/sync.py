"""Stress: locks, conditions and queues make shared updates exact.

    twinpy sync.py N ITER [SWITCH_INTERVAL]

N threads increment shared counters (a global, a list slot, a dict value,
an instance attribute) under a Lock, an RLock taken twice, and a Condition;
producers and consumers pass numbered items through a queue.Queue.  Every
total must be exact and every item delivered once (exit 1 otherwise).
Unlocked increments of the same counters are also run: they may lose
updates, but the containers must stay valid and no total may exceed the
number of increments.
"""
import sys
import threading
import queue

N = int(sys.argv[1])
ITER = int(sys.argv[2])
if len(sys.argv) > 3 and sys._is_gil_enabled():
    sys.setswitchinterval(float(sys.argv[3]))


class Counter:
    def __init__(self):
        self.value = 0


counter = 0
slots = [0]
table = {"n": 0}
obj = Counter()
lock = threading.Lock()
rlock = threading.RLock()
cond = threading.Condition()
loose = {"n": 0}
loose_obj = Counter()
errors = []
start = threading.Barrier(N)


def bump(tid):
    global counter
    try:
        start.wait()
        for i in range(ITER):
            with lock:
                counter += 1
                slots[0] += 1
            with rlock:
                with rlock:
                    table["n"] += 1
            with cond:
                obj.value += 1
                cond.notify()
            loose["n"] += 1
            loose_obj.value += 1
    except BaseException as e:
        errors.append(f"bump {tid}: {type(e).__name__}: {e}")


q = queue.Queue(maxsize=64)
received = [[] for _ in range(N)]
SENTINEL = None


def producer(tid):
    try:
        for i in range(ITER):
            q.put((tid, i, [tid, i]))
    except BaseException as e:
        errors.append(f"producer {tid}: {type(e).__name__}: {e}")


def consumer(tid):
    try:
        while True:
            item = q.get()
            if item is SENTINEL:
                q.task_done()
                return
            if item[2] != [item[0], item[1]]:
                raise AssertionError(f"corrupt queue item {item!r}")
            received[tid].append((item[0], item[1]))
            q.task_done()
    except BaseException as e:
        errors.append(f"consumer {tid}: {type(e).__name__}: {e}")


def fail(msg):
    print(f"sync N={N} ITER={ITER}: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


ts = [threading.Thread(target=bump, args=(t,)) for t in range(N)]
for t in ts:
    t.start()
for t in ts:
    t.join()
if errors:
    fail("; ".join(errors[:5]))
total = N * ITER
for name, v in (("global", counter), ("list slot", slots[0]), ("dict value", table["n"]),
                ("attribute", obj.value)):
    if v != total:
        fail(f"locked {name} counter is {v}, expected {total}")
for name, v in (("dict value", loose["n"]), ("attribute", loose_obj.value)):
    if type(v) is not int or v < 1 or v > total:
        fail(f"unlocked {name} counter is {v!r}: outside 1..{total}")

consumers = [threading.Thread(target=consumer, args=(t,)) for t in range(N)]
producers = [threading.Thread(target=producer, args=(t,)) for t in range(N)]
for t in consumers + producers:
    t.start()
for t in producers:
    t.join()
for _ in range(N):
    q.put(SENTINEL)
q.join()
for t in consumers:
    t.join()
if errors:
    fail("; ".join(errors[:5]))
got = [x for r in received for x in r]
if len(got) != total:
    fail(f"queue delivered {len(got)} items, expected {total}")
if sorted(got) != sorted((t, i) for t in range(N) for i in range(ITER)):
    fail("queue lost or duplicated items")
for r in received:
    # one producer's items reach one consumer in the order they were put
    last = {}
    for (t, i) in r:
        if last.get(t, -1) >= i:
            fail(f"queue reordered producer {t}'s items")
        last[t] = i
print(f"sync N={N} ITER={ITER}: ok")
