"""Stress: every finalizer (__del__) runs exactly once, whichever thread
drops the last reference or collects the cycle, and resurrection holds.

    twinpy finalizers.py N ITER [SWITCH_INTERVAL]

N worker threads each make ITER objects of a class with a __del__ that
records the object's id (list.append: atomic in both builds) and of these
kinds, by i % 5:
  0  dropped by the thread that made it;
  1  handed through a queue to the next worker, which drops it (on nogil
     the last reference goes in a thread that does not own the object);
  2  a pair in a reference cycle, both with finalizers: freed by a
     collection, which other threads run meanwhile (gc.collect());
  3  a finalizer that stores its object in REVIVED (resurrection): the
     object must survive, and must not be finalized again when it finally
     goes (the main thread empties REVIVED at the end);
  4  stored in a list other threads read without locks, then removed:
     the death of an object lock-free readers may still be looking at.
Every object holds SENTINEL; at the end every id must have been recorded
exactly once, REVIVED must have held exactly the kind-3 objects, and
SENTINEL's count must be back at its baseline (every object freed).
Exit 1 with a message otherwise.
"""
import sys
import threading
import gc
import queue

N = int(sys.argv[1])
ITER = int(sys.argv[2])
if len(sys.argv) > 3 and sys._is_gil_enabled():
    sys.setswitchinterval(float(sys.argv[3]))


class Sentinel:
    pass


SENTINEL = Sentinel()
base = sys.getrefcount(SENTINEL)
DONE = []          # ids whose finalizer ran
REVIVED = []       # resurrected objects
SHARED = [None] * 64
stop = threading.Event()
errors = []


class Fin:
    def __init__(self, ident, kind):
        self.ident = ident
        self.kind = kind
        self.mark = SENTINEL
        self.peer = None

    def __del__(self):
        DONE.append(self.ident)
        if self.kind == 3:
            REVIVED.append(self)
        if self.peer is not None and self.peer.mark is not SENTINEL:
            # a cycle's finalizers run before any of it is cleared
            errors.append(f"finalizer of {self.ident} saw a cleared peer")


queues = [queue.Queue() for _ in range(N)]


def worker(tid):
    try:
        inbox, outbox = queues[tid], queues[(tid + 1) % N]
        prev_done = False          # the previous worker sent its last object
        for i in range(ITER):
            ident = (tid * ITER + i) * 2
            kind = i % 5
            o = Fin(ident, kind)
            if kind == 1:
                outbox.put(o)
            elif kind == 2:
                p = Fin(ident + 1, kind)
                o.peer = p
                p.peer = o
                del p
            elif kind == 4:
                SHARED[(tid * 7 + i) % len(SHARED)] = o
            del o
            while not prev_done:
                try:
                    x = inbox.get_nowait()
                except queue.Empty:
                    break
                prev_done = x is None
                del x
        outbox.put(None)
        while not prev_done:
            x = inbox.get()
            prev_done = x is None
            del x
    except BaseException as e:
        errors.append(f"worker {tid}: {e!r}")


def reader():
    while not stop.is_set():
        for x in SHARED:
            if x is not None and x.mark is not SENTINEL:
                errors.append("a shared object read after it was cleared")


def collector():
    while not stop.is_set():
        gc.collect()


workers = [threading.Thread(target=worker, args=(t,)) for t in range(N)]
others = [threading.Thread(target=reader), threading.Thread(target=collector)]
for t in workers + others:
    t.start()
for t in workers:
    t.join()
stop.set()
for t in others:
    t.join()

for k in range(len(SHARED)):
    SHARED[k] = None
gc.collect()

expected = []
for tid in range(N):
    for i in range(ITER):
        ident = (tid * ITER + i) * 2
        expected.append(ident)
        if i % 5 == 2:
            expected.append(ident + 1)

# On nogil, an object whose last reference another thread dropped is
# finalized by the thread that made it: at its next eval-breaker check, or
# as it exits (a worker's objects dropped by the next worker after it
# finished), and join() waits for that exit; what the main thread dropped
# above on objects of exited workers it finalizes itself at its next
# eval-breaker check (the gc.collect() call).  So every finalizer has run.
revived = sorted(o.ident for o in REVIVED)
REVIVED.clear()
gc.collect()

done = sorted(DONE)
if done != sorted(expected):
    dup = len(done) - len(set(done))
    missing = len(set(expected) - set(done))
    errors.append(f"finalizers: {len(done)} ran for {len(expected)} objects "
                  f"({dup} twice, {missing} never)")
want_revived = sorted((tid * ITER + i) * 2 for tid in range(N) for i in range(ITER) if i % 5 == 3)
if revived != want_revived:
    errors.append(f"resurrected {len(revived)} objects, expected {len(want_revived)}")
if sys.getrefcount(SENTINEL) != base:
    errors.append(f"SENTINEL count {sys.getrefcount(SENTINEL)}, baseline {base}: "
                  "objects not freed")
if errors:
    for e in errors[:10]:
        print("FAIL:", e)
    sys.exit(1)
print(f"ok: {len(done)} finalizers, {len(revived)} resurrected")
