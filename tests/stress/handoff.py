"""Stress: objects made by one thread and dropped by another.

    twinpy handoff.py N ITER [SWITCH_INTERVAL]

N // 2 + 1 producers each make ITER items (a tuple holding SENTINEL) and
hand them to N // 2 + 1 consumers over one deque: the reference moves
with the item, so on nogil each consumer's drop is the non-owner
decrement that queues the item to its maker (biased reference counting;
a consumer collects such items in batches before it sends them).  Some
producers exit while their items are still in the deque or waiting in a
consumer's batch, consumers hold items across a gc.collect() and a
blocking wait, and one consumer drops its last items just before it
exits.  Checked (exit 1 on any failure): every item arrives once; once
all threads are joined sys.getrefcount(SENTINEL) comes back to its
baseline (within a bounded wait for owners still exiting), so every item
was freed exactly once; and items the main thread made are all merged
back to it, exactly, once the consumers that dropped them are blocked,
or as soon as they are joined.
"""
import sys
import threading
import time
import gc
from collections import deque

N = int(sys.argv[1])
ITER = int(sys.argv[2])
if len(sys.argv) > 3 and sys._is_gil_enabled():
    sys.setswitchinterval(float(sys.argv[3]))

PRODUCERS = N // 2 + 1
CONSUMERS = N // 2 + 1


class Sentinel:
    pass


SENTINEL = Sentinel()
base = sys.getrefcount(SENTINEL)
items = deque()
errors = []
seen = [0] * CONSUMERS
producers_done = threading.Event()
paused = threading.Event()


def fail(msg):
    print(f"handoff N={N} ITER={ITER}: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def produce(p):
    try:
        for i in range(ITER):
            # a new tuple each time, made (and owned) by this thread
            items.append((SENTINEL, p, i, [i]))
    except BaseException as e:
        errors.append(f"producer {p}: {type(e).__name__}: {e}")


def consume(c):
    try:
        held = []
        n = 0
        idle = 0
        while True:
            try:
                item = items.popleft()
            except IndexError:
                if producers_done.is_set() and not items:
                    break
                idle += 1
                if idle % 64 == 0:
                    # let a producer run (under a GIL: give it up)
                    time.sleep(0)
                continue
            if item[0] is not SENTINEL or item[3][0] != item[2]:
                errors.append(f"consumer {c}: corrupt item {item!r}")
                break
            n += 1
            if n % 97 == 0:
                # keep a few for a while: dropped later, after other events
                held.append(item)
            if n % 1009 == 0:
                gc.collect()
                held.clear()
            if n % 2003 == 0:
                # a blocking wait while holding items and having dropped some
                paused.wait(0.0001)
            item = None
        seen[c] = n + 0
        held.clear()
    except BaseException as e:
        errors.append(f"consumer {c}: {type(e).__name__}: {e}")


for rnd in range(2):
    cs = [threading.Thread(target=consume, args=(c,)) for c in range(CONSUMERS)]
    ps = [threading.Thread(target=produce, args=(p,)) for p in range(PRODUCERS)]
    for t in cs + ps:
        t.start()
    # producers exit as soon as they are done, while consumers still drop
    # their items
    for t in ps:
        t.join()
    producers_done.set()
    for t in cs:
        t.join()
    producers_done.clear()
    if errors:
        fail("; ".join(errors[:5]))
    if sum(seen) != PRODUCERS * ITER:
        fail(f"round {rnd}: {sum(seen)} items arrived, {PRODUCERS * ITER} made")
    # A joined thread may still be finishing its exit, where an owner
    # merges what was queued to it: wait for that (bounded), so that only
    # an item never freed (or freed twice) fails.
    for _ in range(400):
        now = sys.getrefcount(SENTINEL)
        if now == base:
            break
        time.sleep(0.005)
    if now != base:
        fail(f"round {rnd}: refcount(SENTINEL) {now} after all threads exit, baseline {base}")

# The main thread as the owner: items it made, dropped by consumers that
# stay alive (blocked on an event) while the main thread checks the count.
for i in range(ITER):
    items.append((SENTINEL, -1, i, [i]))
producers_done.set()
seen = [0] * CONSUMERS
gate = threading.Event()
finished = threading.Barrier(CONSUMERS + 1)


def consume_and_wait(c):
    consume(c)
    finished.wait()
    gate.wait()


cs = [threading.Thread(target=consume_and_wait, args=(c,)) for c in range(CONSUMERS)]
for t in cs:
    t.start()
finished.wait()
if errors:
    gate.set()
    fail("; ".join(errors[:5]))
# every consumer is blocked: each sent its batch before it blocked, and the
# main thread merges what it was sent at its next check
for _ in range(200):
    if sys.getrefcount(SENTINEL) == base:
        break
    x = [0] * 10
now = sys.getrefcount(SENTINEL)
gate.set()
for t in cs:
    t.join()
if sum(seen) != ITER:
    fail(f"main's items: {sum(seen)} arrived, {ITER} made")
if now != base:
    fail(f"refcount(SENTINEL) {now} while consumers wait, baseline {base}")
# Again, but the consumer just finishes: a thread hands what it queued to
# the owners before its join returns, so the count is exact at once.  A
# few items each time (fewer than a batch) and nothing else in between.
def drop_all(n):
    for _ in range(n):
        items.popleft()


for rnd in range(max(ITER // 20, 5)):
    for i in range(20):
        items.append((SENTINEL, -2, i, [i]))
    t = threading.Thread(target=drop_all, args=(20,))
    t.start()
    t.join()
    now = sys.getrefcount(SENTINEL)
    if now != base:
        fail(f"refcount(SENTINEL) {now} right after the consumer is joined, baseline {base}")
print(f"handoff N={N} ITER={ITER}: ok")
