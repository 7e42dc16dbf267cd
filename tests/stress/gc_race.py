"""Stress: gc.collect() racing threads that allocate reference cycles.

    twinpy gc_race.py N ITER [SWITCH_INTERVAL]

N threads build cycles (self-referencing lists, instance pairs, dict
cycles); some become garbage at once, some stay reachable from a shared
list while collector threads call gc.collect() over and over.  Reachable
cycles must come through every collection intact; after the threads are
done, dropping the survivors and collecting must reclaim them, and every
garbage cycle must have been freed: each holds a reference to SENTINEL,
whose count must come back to its baseline (exit 1 otherwise).  On nogil
the threads outnumber the cores, so some wait for a collection another
started, which hands them their own garbage to free when it ends.
"""
import sys
import threading
import gc

N = int(sys.argv[1])
ITER = int(sys.argv[2])
if len(sys.argv) > 3 and sys._is_gil_enabled():
    sys.setswitchinterval(float(sys.argv[3]))

class Sentinel:
    pass


SENTINEL = Sentinel()
base = sys.getrefcount(SENTINEL)
errors = []
keep = []                  # cycles that must survive
keep_lock = threading.Lock()
stop = threading.Event()
collections = [0]


class Node:
    def __init__(self, tag):
        self.tag = tag
        self.peer = None
        self.data = [tag, tag + 1]


def make_cycle(tag):
    a = Node(tag)
    b = Node(tag + 1000000)
    a.peer = b
    b.peer = a
    lst = [a, b]
    lst.append(lst)
    d = {"self": None, "nodes": lst}
    d["self"] = d
    return d


def check_cycle(d):
    lst = d["nodes"]
    a, b = lst[0], lst[1]
    if d["self"] is not d or lst[2] is not lst or a.peer is not b or b.peer is not a:
        raise AssertionError(f"cycle {a.tag} broken")
    if a.data != [a.tag, a.tag + 1] or b.tag != a.tag + 1000000:
        raise AssertionError(f"cycle {a.tag} data corrupt: {a.data!r}")


def allocator(tid):
    try:
        mine = []
        for i in range(ITER):
            tag = tid * ITER + i
            d = make_cycle(tag)
            if i % 4 == 0:
                mine.append(d)
            # garbage cycles, dropped straight away
            g = Node(-1)
            g.peer = g
            g.mark = SENTINEL
            g2 = [SENTINEL]
            g2.append(g2)
            del g, g2, d
            if i % 64 == 0:
                for k in mine[-8:]:
                    check_cycle(k)
        with keep_lock:
            keep.extend(mine)
    except BaseException as e:
        errors.append(f"allocator {tid}: {type(e).__name__}: {e}")


def collector():
    try:
        while not stop.is_set():
            n = gc.collect()
            if n < 0:
                raise AssertionError(f"gc.collect() returned {n}")
            collections[0] += 1
            with keep_lock:
                snapshot = list(keep)
            for d in snapshot:
                check_cycle(d)
    except BaseException as e:
        errors.append(f"collector: {type(e).__name__}: {e}")


def fail(msg):
    print(f"gc_race N={N} ITER={ITER}: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


gc.collect()
collectors = [threading.Thread(target=collector) for _ in range(2)]
for c in collectors:
    c.start()
threads = [threading.Thread(target=allocator, args=(t,)) for t in range(N)]
for t in threads:
    t.start()
for t in threads:
    t.join()
stop.set()
for c in collectors:
    c.join()
if errors:
    fail("; ".join(errors[:5]))
expected = N * ((ITER + 3) // 4)
if len(keep) != expected:
    fail(f"{len(keep)} kept cycles, expected {expected}")
gc.collect()
tags = sorted(d["nodes"][0].tag for d in keep)
want = sorted(tid * ITER + i for tid in range(N) for i in range(0, ITER, 4))
if tags != want:
    fail("kept cycles lost or duplicated")
for d in keep:
    check_cycle(d)
if collections[0] == 0:
    fail("the collectors never ran")
# Every kept cycle is 5 tracked objects (dict, list, two nodes, and their
# attribute dicts or equivalent); dropping them must free at least the
# dict, list and two nodes of each.
n_kept = len(keep)
del d
keep.clear()
found = gc.collect()
if found < 4 * n_kept:
    fail(f"gc.collect() found {found} objects after dropping {n_kept} cycles, expected >= {4 * n_kept}")
gc.collect()
left = sys.getrefcount(SENTINEL) - base
if left != 0:
    fail(f"{left} references to SENTINEL left: garbage cycles not freed")
print(f"gc_race N={N} ITER={ITER}: ok")
