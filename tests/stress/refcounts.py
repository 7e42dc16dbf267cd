"""Stress: sys.getrefcount(x) is exact while other threads hold references
and returns to its baseline once they drop them and exit.

    twinpy refcounts.py N ITER [SWITCH_INTERVAL]

Objects made by the main thread are referenced, copied around and released
by N threads (on nogil, every one of those references is a non-owner one);
an object made by a thread that then exits is held and released by others.
Each phase checks the exact count (exit 1 on any difference).
"""
import sys
import threading
import gc

N = int(sys.argv[1])
ITER = int(sys.argv[2])
if len(sys.argv) > 3 and sys._is_gil_enabled():
    sys.setswitchinterval(float(sys.argv[3]))
HOLD = 10

errors = []


def fail(msg):
    # The workers are daemon threads: exiting here never waits for the
    # ones still parked at a barrier.
    print(f"refcounts N={N} ITER={ITER}: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


class Thing:
    pass


X = [1, 2, 3]
Y = Thing()
Z = {"k": "v"}
holding = threading.Barrier(N + 1)
release = threading.Event()
done = threading.Barrier(N + 1)


def churn_then_hold(tid):
    try:
        shared = []
        for i in range(ITER):
            a = X
            b = [Y, Z, X]
            c = {i: Y}
            shared.append(Z)
            if len(shared) > 16:
                shared.clear()
            del a, b, c
        shared = None
        hold = [X] * HOLD
        hold2 = (Y, Y, Y)
        holding.wait()
        release.wait()
        hold = None
        hold2 = None
        done.wait()
    except BaseException as e:
        errors.append(f"thread {tid}: {type(e).__name__}: {e}")


base_x = sys.getrefcount(X)
base_y = sys.getrefcount(Y)
base_z = sys.getrefcount(Z)

for rnd in range(3):
    ts = [threading.Thread(target=churn_then_hold, args=(t,), daemon=True) for t in range(N)]
    for t in ts:
        t.start()
    holding.wait()
    if errors:
        release.set()
        done.wait()
        fail("; ".join(errors[:5]))
    rx = sys.getrefcount(X)
    ry = sys.getrefcount(Y)
    if rx != base_x + N * HOLD:
        fail(f"round {rnd}: refcount(X) while held {rx}, expected {base_x + N * HOLD}")
    if ry != base_y + N * 3:
        fail(f"round {rnd}: refcount(Y) while held {ry}, expected {base_y + N * 3}")
    release.set()
    done.wait()
    # every holder has dropped its references but is still alive
    if sys.getrefcount(X) != base_x or sys.getrefcount(Y) != base_y or sys.getrefcount(Z) != base_z:
        fail(f"round {rnd}: after release, before exit: X {sys.getrefcount(X)}/{base_x} "
             f"Y {sys.getrefcount(Y)}/{base_y} Z {sys.getrefcount(Z)}/{base_z}")
    for t in ts:
        t.join()
    release.clear()
    if errors:
        fail("; ".join(errors[:5]))
    if sys.getrefcount(X) != base_x or sys.getrefcount(Y) != base_y or sys.getrefcount(Z) != base_z:
        fail(f"round {rnd}: after exit: X {sys.getrefcount(X)}/{base_x} "
             f"Y {sys.getrefcount(Y)}/{base_y} Z {sys.getrefcount(Z)}/{base_z}")

# An object made by a thread that exits, held by others, then dropped.
made = []


def maker():
    made.append(Thing())


t = threading.Thread(target=maker)
t.start()
t.join()
orphan = made.pop()
base_o = sys.getrefcount(orphan)
got = threading.Barrier(N + 1)
go = threading.Event()


def holder(tid):
    try:
        mine = [orphan] * HOLD
        for i in range(ITER):
            mine.append(orphan)
            mine.pop()
        got.wait()
        go.wait()
        mine = None
    except BaseException as e:
        errors.append(f"holder {tid}: {type(e).__name__}: {e}")


ts = [threading.Thread(target=holder, args=(t,), daemon=True) for t in range(N)]
for t in ts:
    t.start()
got.wait()
held = sys.getrefcount(orphan)
go.set()
for t in ts:
    t.join()
if errors:
    fail("; ".join(errors[:5]))
if held != base_o + N * HOLD:
    fail(f"orphan held: refcount {held}, expected {base_o + N * HOLD}")
if sys.getrefcount(orphan) != base_o:
    fail(f"orphan after holders exit: refcount {sys.getrefcount(orphan)}, expected {base_o}")
gc.collect()
if sys.getrefcount(X) != base_x or sys.getrefcount(orphan) != base_o:
    fail("refcounts changed by gc.collect()")
print(f"refcounts N={N} ITER={ITER}: ok")
