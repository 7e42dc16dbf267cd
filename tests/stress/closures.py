"""Stress: closures whose variables threads read and rebind at once.

    twinpy closures.py N ITER [SWITCH_INTERVAL]

Half the threads rebind a `nonlocal` variable to fresh objects (new strs
and lists, so a replaced value dies unless someone holds it) and now and
then delete it; the others read it.  Every value read must be one a
writer stored (right type and shape), or the variable unbound (NameError);
never a freed or foreign object.  A second nonlocal counter is bumped
under a lock by every thread and must end exact; a third is bumped with
no lock and must end at most the total (increments may be lost, never
invented).  Exit 1 with a message otherwise.
"""
import sys
import threading

N = max(2, int(sys.argv[1]))
ITER = int(sys.argv[2])
if len(sys.argv) > 3 and sys._is_gil_enabled():
    sys.setswitchinterval(float(sys.argv[3]))

errors = []


def make():
    value = "v0-0"
    counted = 0
    loose = 0
    lock = threading.Lock()

    def writer(k):
        nonlocal value, counted, loose
        for i in range(ITER):
            if i % 3 == 0:
                value = ["v%d" % k, i]
            else:
                value = "v%d-%d" % (k, i)
            if i % 50 == 49:
                try:
                    del value
                except NameError:
                    pass        # the other writer deleted it first
                value = "v%d-back" % k
            with lock:
                counted += 1
            loose += 1

    def reader(k):
        nonlocal counted, loose
        for i in range(ITER):
            with lock:
                counted += 1
            loose += 1
            try:
                v = value
            except NameError:
                continue
            if type(v) is str:
                if not v.startswith("v"):
                    raise AssertionError(f"str value {v!r}")
            elif type(v) is list:
                if len(v) != 2 or type(v[1]) is not int or not v[0].startswith("v"):
                    raise AssertionError(f"list value {v!r}")
            else:
                raise AssertionError(f"foreign value {v!r}")

    def totals():
        return counted, loose
    return writer, reader, totals


def run(fn, k):
    try:
        fn(k)
    except BaseException as e:
        errors.append(f"{fn.__name__} {k}: {type(e).__name__}: {e}")


writer, reader, totals = make()
threads = [threading.Thread(target=run, args=(writer if k % 2 == 0 else reader, k)) for k in range(N)]
for t in threads:
    t.start()
for t in threads:
    t.join()
counted, loose = totals()
if not errors and counted != N * ITER:
    errors.append(f"locked counter {counted}, expected {N * ITER}")
if not errors and not 0 < loose <= N * ITER:
    errors.append(f"unlocked counter {loose}, expected at most {N * ITER}")
if errors:
    print(f"closures N={N} ITER={ITER}: FAIL: " + "; ".join(errors[:5]), file=sys.stderr)
    sys.exit(1)
print(f"closures N={N} ITER={ITER}: ok")
