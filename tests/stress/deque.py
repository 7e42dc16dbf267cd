"""Stress: N threads share collections.deque objects, then the invariants
are checked.

    twinpy deque.py N ITER [SWITCH_INTERVAL]

Every deque operation is atomic, so nothing may be lost or duplicated:
items appended to one deque by everyone are all there at the end, each
thread's in order; items passed through a FIFO deque (producers append,
consumers popleft) arrive exactly once, each producer's in order at each
consumer; a ring of 64 ints that everyone rotates and pops-and-puts-back
keeps the same 64 values.  A deque(maxlen=64) that everyone grows and
shrinks never holds more than 64 items.  Reading a deque another thread
changes (iteration, `in`, count, indexing) either works or raises
RuntimeError (or IndexError for an index that just went away); any other
exception, a wrong value or a lost item fails the run (exit 1).
"""
import sys
import threading
from collections import deque

N = int(sys.argv[1])
ITER = int(sys.argv[2])
if len(sys.argv) > 3 and sys._is_gil_enabled():
    sys.setswitchinterval(float(sys.argv[3]))

log = deque()                 # append-only: every item must survive, in order
fifo = deque()                # even threads append, odd threads popleft
PRODUCERS = [t for t in range(N) if t % 2 == 0]
bounded = deque(maxlen=64)    # everyone grows and shrinks it: never over 64
ring = deque(range(64))       # rotated and popped-and-put-back: values conserved
finished = []                 # producers that appended all their items
producers_done = threading.Event()
consumed = [[] for _ in range(N)]
errors = []
read_errors = [0] * N
barrier = threading.Barrier(N)


def check_item(item, where):
    # An item read from a shared deque must be a whole, valid object.
    if type(item) is not tuple or len(item) != 2 or type(item[0]) is not int or type(item[1]) is not int:
        raise AssertionError(f"{where}: corrupt item {item!r}")
    if item[0] < 0 or item[0] >= N or item[1] < 0 or item[1] >= ITER:
        raise AssertionError(f"{where}: item out of range {item!r}")


def check_ring_value(v, where):
    if type(v) is not int or v < 0 or v >= 64:
        raise AssertionError(f"{where}: bad ring value {v!r}")


def take(tid, item, last):
    # One FIFO: one producer's items reach one consumer in increasing order.
    check_item(item, "fifo.popleft()")
    if item[1] <= last[item[0]]:
        raise AssertionError(f"fifo reordered producer {item[0]}: {item[1]} after {last[item[0]]}")
    last[item[0]] = item[1]
    consumed[tid].append(item)


def read_all(tid, i):
    # Readers while everyone mutates: only RuntimeError / IndexError allowed.
    try:
        snap = list(bounded)
        if len(snap) > 64:
            raise AssertionError(f"list(bounded) has {len(snap)} items")
        for x in snap:
            check_item(x, "list(bounded)")
        for x in reversed(bounded):
            check_item(x, "reversed(bounded)")
        probe = (i % N, i)
        if type(probe in bounded) is not bool or type(bounded.count(probe)) is not int:
            raise AssertionError("bounded: `in` or count() gave a wrong type")
        if (N, 0) in bounded or bounded.count((N, 0)) != 0:
            raise AssertionError("bounded holds an item never put there")
        if (-1) in ring or 64 in ring or ring.count(-1) != 0:
            raise AssertionError("ring holds a value never put there")
        for v in ring:
            check_ring_value(v, "ring iteration")
        for d, where in ((log, "log iteration"), (fifo, "fifo iteration")):
            for cnt, x in enumerate(d):
                check_item(x, where)
                if cnt >= 200:
                    break
    except (RuntimeError, IndexError):
        read_errors[tid] += 1


def worker(tid):
    producer = tid % 2 == 0
    last = [-1] * N
    try:
        barrier.wait()
        for i in range(ITER):
            item = (tid, i)
            if i % 4 == 3:
                log.extend([item])
            else:
                log.append(item)
            if producer:
                fifo.append(item)
            else:
                try:
                    take(tid, fifo.popleft(), last)
                except IndexError:
                    pass
            # bounded: grow at both ends, shrink at both ends, rotate
            bounded.append(item)
            bounded.appendleft(item)
            if i % 3 == 0:
                bounded.extend([item, item])
            n = len(bounded)    # observed when fullest: evictions keep it at 64
            if n > 64:
                raise AssertionError(f"len(bounded) = {n} > maxlen 64")
            try:
                check_item(bounded.pop(), "bounded.pop()")
                check_item(bounded.popleft(), "bounded.popleft()")
            except IndexError:
                pass
            bounded.rotate(i % 7 - 3)
            try:
                check_item(bounded[(i * 7919) % 64 - 32], "bounded[j]")
            except IndexError:
                pass
            # ring: the values are conserved
            ring.rotate((i * 31 + tid) % 129 - 64)
            try:
                v = ring.pop()
                check_ring_value(v, "ring.pop()")
                ring.append(v)
                v = ring.popleft()
                check_ring_value(v, "ring.popleft()")
                ring.appendleft(v)
            except IndexError:
                pass  # only when N > 64 threads hold values at once
            # reads of everyone's data
            check_item(log[(i * 7919) % len(log)], "log[j]")  # append-only: no IndexError
            check_item(log[-1], "log[-1]")
            try:
                check_ring_value(ring[i % 64], "ring[j]")
            except IndexError:
                pass
            if i % 50 == tid % 50:
                read_all(tid, i)
    except BaseException as e:
        errors.append(f"thread {tid}: {type(e).__name__}: {e}")
    finally:
        if producer:
            finished.append(tid)
            if len(finished) == len(PRODUCERS):
                producers_done.set()
    if producer:
        return
    try:
        # drain: empty after every producer finished means empty for good
        while True:
            done = producers_done.is_set()
            try:
                item = fifo.popleft()
            except IndexError:
                if done:
                    break
                producers_done.wait()   # no spinning: it starves producers
                continue
            take(tid, item, last)
    except BaseException as e:
        errors.append(f"consumer {tid}: {type(e).__name__}: {e}")


threads = [threading.Thread(target=worker, args=(t,)) for t in range(N)]
for t in threads:
    t.start()
for t in threads:
    t.join()


def fail(msg):
    print(f"deque N={N} ITER={ITER}: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


if errors:
    fail("; ".join(errors[:5]))
if len(log) != N * ITER:
    fail(f"log lost items: len {len(log)}, expected {N * ITER}")
if len(set(log)) != N * ITER:
    fail(f"log holds duplicates: {len(set(log))} distinct of {N * ITER}")
for tid in range(N):
    if [x[1] for x in log if x[0] == tid] != list(range(ITER)):
        fail(f"thread {tid}'s log appends out of order or lost")
got = [x for c in consumed for x in c] + list(fifo)
if len(PRODUCERS) < N and len(fifo):
    fail(f"fifo not drained: {len(fifo)} items left")
if len(got) != len(PRODUCERS) * ITER:
    fail(f"fifo delivered {len(got)} items, expected {len(PRODUCERS) * ITER}")
for p in PRODUCERS:
    ks = [x[1] for x in got if x[0] == p]
    if len(ks) != ITER or sum(ks) != ITER * (ITER - 1) // 2:
        fail(f"producer {p}: {len(ks)} items, sum {sum(ks)}: lost or duplicated")
if sorted(got) != [(p, k) for p in PRODUCERS for k in range(ITER)]:
    fail("fifo lost or duplicated items")
if len(bounded) > 64 or bounded.maxlen != 64:
    fail(f"bounded: len {len(bounded)}, maxlen {bounded.maxlen!r}")
try:
    for x in bounded:
        check_item(x, "final bounded")
except AssertionError as e:
    fail(str(e))
if len(ring) != 64 or sum(ring) != 64 * 63 // 2 or sorted(ring) != list(range(64)):
    fail(f"ring not conserved: len {len(ring)}, sum {sum(ring)}")
print(f"deque N={N} ITER={ITER}: ok ({sum(read_errors)} reads saw a concurrent change)")
