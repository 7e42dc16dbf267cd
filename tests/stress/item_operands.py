"""Stress: list items used at once as number operands (`x[k] + y[m]`,
`x[k] * y`, `a - x[k]`), which the interpreter reads without counting them
while the list is its thread's own, on lists that other threads reach,
replace items of and read at the same time.

    twinpy item_operands.py N ITER [SWITCH_INTERVAL]

Each thread makes its own list of two floats and two ints and computes with
its items; every 64 iterations it also publishes the list in a shared
table, from which the next thread replaces its items with fresh objects of
the same values and reads them the same way.  Every result must be the one
those values give.  Exit 1 with a message otherwise.
"""
import sys
import threading

N = max(2, int(sys.argv[1]))
ITER = int(sys.argv[2])
if len(sys.argv) > 3 and sys._is_gil_enabled():
    sys.setswitchinterval(float(sys.argv[3]))

TABLE = [None] * N
errors = []
start = threading.Barrier(N)


def fresh(x):
    # a new object of x's value (never a cached one)
    return x + 0.0 if type(x) is float else (x + 1000) - 1000


def work(t):
    mine = [1.5, 2.5, 1000, 3000]
    two = 2.0
    start.wait()
    for i in range(ITER):
        a = mine[0] + mine[1]
        b = mine[1] * two
        c = 10.0 - mine[0]
        d = mine[3] - mine[2]
        e = mine[2] + 24
        if a != 4.0 or b != 5.0 or c != 8.5 or d != 2000 or e != 1024:
            errors.append("own list: %r %r %r %r %r" % (a, b, c, d, e))
            return
        if i % 64 == 0:
            TABLE[t] = mine
            other = TABLE[(t + 1) % N]
            if other is not None:
                k = i % 4
                other[k] = fresh(other[k])
                f = other[0] + other[1]
                g = other[3] - other[2]
                if f != 4.0 or g != 2000:
                    errors.append("other's list: %r %r" % (f, g))
                    return
        if i % 97 == 0:
            mine[i % 4] = fresh(mine[i % 4])


threads = [threading.Thread(target=work, args=(t,)) for t in range(N)]
for th in threads:
    th.start()
for th in threads:
    th.join()
if errors:
    print("FAIL:", errors[0])
    sys.exit(1)
print("ok")
