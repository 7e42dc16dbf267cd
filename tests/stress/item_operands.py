"""Stress: list items used at once as number operands (`x[k] + y[m]`,
`x[k] * y`, `a - x[k]`, `x[k] OP= a * b`), which the interpreter reads
without counting them, or updates in place, while the list is its
thread's own, on lists and items that other threads reach at the same
time.

    twinpy item_operands.py N ITER [SWITCH_INTERVAL]

Each thread computes with the items of two lists of its own.  One it
publishes every 64 iterations in a shared table, from which the next
thread replaces its items with fresh objects of the same values and reads
them; the other it never shares, but it puts that list's changing item in
a shared mailbox, from which the next thread takes it and holds it until
its next visit.  The owner keeps switching that item between two values
with `own[1] += one * two` / `own[1] -= one * two`, which may update it in
place only while nobody else refers to it: a held item must keep its
value, and every result must be the one the values give.  Exit 1 with a
message otherwise.
"""
import sys
import threading

N = max(2, int(sys.argv[1]))
ITER = int(sys.argv[2])
if len(sys.argv) > 3 and sys._is_gil_enabled():
    sys.setswitchinterval(float(sys.argv[3]))

TABLE = [None] * N
BOX = [None] * N
errors = []
start = threading.Barrier(N)


def fresh(x):
    # a new object of x's value (never a cached one)
    return x + 0.0 if type(x) is float else (x + 1000) - 1000


def work(t):
    mine = [1.5, 2.5, 1000, 3000]
    own = [1.5, 2.5]
    one, two = 1.0, 2.0
    held = before = 0.0
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
        odd = i % 2
        h = own[0] + own[1]
        if h != (6.0 if odd else 4.0):
            errors.append("unshared list: %r at %d" % (h, i))
            return
        if odd:
            own[1] -= one * two
        else:
            own[1] += one * two
        if i % 64 == 0:
            BOX[t] = own[1]
            TABLE[t] = mine
            if held != before:
                errors.append("a held item changed: %r, was %r" % (held, before))
                return
            held = BOX[(t + 1) % N]     # kept until the next visit
            before = held + 0.0 if held is not None else None
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
