"""Stress: queue.Queue's put and get while another thread, holding the
queue's mutex, rebinds the attributes they use.

    twinpy queue_rebind.py N ITER [SWITCH_INTERVAL]

Producers put ITER numbered items each (blocking puts on an unbounded
queue, and non-blocking ones); consumers take them with non-blocking
gets.  A rebinder, holding q.mutex as queue.py's own methods do, keeps
replacing q.queue with a copy of the deque (the old one emptied), swaps
q.not_empty and q.not_full for fresh Conditions on the same mutex, and
reassigns q.maxsize.  Without a GIL, put and get look these attributes
up before taking the mutex and must find out, once they hold it, that
they changed: a put into a replaced deque, or a get from one, would
lose or duplicate an item.  Every item must be received exactly once
(exit 1 otherwise; a lost item shows as three seconds with the queue empty
and the count still short).
"""
import sys
import threading
import queue
import time
from collections import deque

N = max(3, int(sys.argv[1]))
ITER = int(sys.argv[2])
if len(sys.argv) > 3 and sys._is_gil_enabled():
    sys.setswitchinterval(float(sys.argv[3]))

PRODUCERS = max(1, (N - 1) // 2)
CONSUMERS = max(1, N - 1 - PRODUCERS)
TOTAL = PRODUCERS * ITER
q = queue.Queue()
errors = []
received = [[] for _ in range(CONSUMERS)]
count = [0]
count_lock = threading.Lock()
done = threading.Event()
start = threading.Barrier(PRODUCERS + CONSUMERS + 1)


def producer(tid):
    try:
        start.wait()
        for i in range(ITER):
            if i % 3:
                q.put((tid, i))
            else:
                q.put((tid, i), False)
    except BaseException as e:
        errors.append(f"producer {tid}: {type(e).__name__}: {e}")


def consumer(cid):
    got = received[cid]
    try:
        start.wait()
        while not done.is_set():
            try:
                item = q.get(False)
            except queue.Empty:
                continue
            got.append(item)
            with count_lock:
                count[0] += 1
                if count[0] == TOTAL:
                    done.set()
    except BaseException as e:
        errors.append(f"consumer {cid}: {type(e).__name__}: {e}")
        done.set()


def rebinder():
    rounds = 0
    try:
        start.wait()
        while not done.is_set():
            with q.mutex:
                old = q.queue
                q.queue = deque(old)
                old.clear()
                if rounds % 4 == 1:
                    q.not_empty = threading.Condition(q.mutex)
                    q.not_full = threading.Condition(q.mutex)
                if rounds % 4 == 2:
                    q.maxsize = 0 if q.maxsize else -1
            rounds += 1
            if rounds % 8 == 0:
                time.sleep(0)
    except BaseException as e:
        errors.append(f"rebinder: {type(e).__name__}: {e}")
        done.set()


def fail(msg):
    print(f"queue_rebind N={N} ITER={ITER}: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


producers = [threading.Thread(target=producer, args=(t,)) for t in range(PRODUCERS)]
others = [threading.Thread(target=consumer, args=(c,)) for c in range(CONSUMERS)]
others.append(threading.Thread(target=rebinder))
for t in producers + others:
    t.start()
for t in producers:
    t.join()
# Every item is in the queue or received by now, unless one was lost: wait
# until all are received, or until the queue has stayed empty with the
# count unchanged for three seconds.
last, still_since = -1, time.monotonic()
while not done.wait(0.02):
    with q.mutex:
        n = len(q.queue)
    if n or count[0] != last:
        last, still_since = count[0], time.monotonic()
    elif time.monotonic() - still_since > 3.0:
        break
timed_out = not done.is_set()
done.set()
for t in others:
    t.join()
if errors:
    fail("; ".join(errors[:5]))
seen = {}
for got in received:
    for item in got:
        seen[item] = seen.get(item, 0) + 1
dups = [k for k, v in seen.items() if v > 1]
if dups:
    fail(f"{len(dups)} items received more than once, e.g. {dups[0]!r}")
if len(seen) != TOTAL:
    left = [item for item in q.queue]
    fail(f"received {len(seen)} of {TOTAL} items"
         f"{' (the queue stayed empty)' if timed_out else ''}; {len(left)} still in q.queue")
print(f"queue_rebind N={N} ITER={ITER}: ok")
