"""Stress: list items used at once as number operands (`x[k] + y[m]`,
`x[k] * y`, `a - x[k]`, `x[k] OP= a * b`, `x[k] OP= a * y[m]`), which
the interpreter reads without counting them, or updates in place, while
the list is its thread's own, on lists and items that other threads
reach at the same time.

    twinpy item_operands.py N ITER [SWITCH_INTERVAL]

Each thread computes with the items of two lists of its own.  One it
publishes every 64 iterations in a shared table, from which the next
thread replaces its items with fresh objects of the same values and reads
them; the other it never shares, but it puts that list's changing item in
a shared mailbox, from which the next thread takes it and holds it until
its next visit.  The owner keeps switching that item between two values
with `own[1] += one * two` / `own[1] -= one * two` (or `one * pair[1]`),
which may update it in place only while nobody else refers to it: a held
item must keep its value, and every result must be the one the values
give.  Then writers replace the numbers of a shared list and dict with
fresh ones and change the ones they took out, while readers compute with
the items: no reader may see a changed number.  Exit 1 with a message
otherwise.
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
    pair = [one, two]
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
            if i & 2:
                own[1] -= one * two
            else:
                own[1] -= one * pair[1]
        elif i & 2:
            own[1] += one * two
        else:
            own[1] += one * pair[1]
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


# Shared list SL and dict SD hold numbers of two values each; writers keep
# replacing them with fresh objects, and each writer then changes the
# number it took out (`v += 100.0`, `w += 1000`): that must make a new
# object, never change the one that readers may still be reading (a
# number once in a shared container never changes in place).  Readers
# compute with the items at once (the uncounted path) and check the sums.
SL = [1.0, 2.0]
SD = {0: 10, 1: 20}
OK_SL = (2.0, 3.0, 4.0)
OK_MIX = (11.0, 12.0, 21.0, 22.0)
stop = [False]


def writer(t):
    k = t % 2
    base = SL[k] + 0.0
    basei = SD[k] + 0
    for i in range(ITER // 8):
        v = base + 0.0
        w = basei + 1000 - 1000
        SL[k] = v
        SD[k] = w
        SL[k] = base + 0.0
        SD[k] = basei + 1000 - 1000
        for _ in range(4):
            v += 100.0
            w += 1000
    stop[0] = True


def reader(t):
    table = SL
    index = SD
    n = 0
    while not stop[0] or n < 1000:
        n += 1
        a = table[0] + table[1]
        b = table[1] + index[1] + 0.0
        c = table[0] - index[0]
        if a not in OK_SL or b not in OK_MIX or c not in (-9.0, -8.0, -19.0, -18.0):
            errors.append("shared items: %r %r %r" % (a, b, c))
            return


threads = [threading.Thread(target=work, args=(t,)) for t in range(N)]
for th in threads:
    th.start()
for th in threads:
    th.join()
start = threading.Barrier(1)
threads = [threading.Thread(target=writer, args=(t,)) for t in range(max(1, N // 2))]
threads += [threading.Thread(target=reader, args=(t,)) for t in range(max(1, N - N // 2))]
for th in threads:
    th.start()
for th in threads:
    th.join()
if errors:
    print("FAIL:", errors[0])
    sys.exit(1)
print("ok")
