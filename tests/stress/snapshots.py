"""Stress: whole-container operations on a dict, a set and a list that
other threads change at the same time.

    twinpy snapshots.py N ITER [SWITCH_INTERVAL]

One thread keeps a dict and a set at K or K + 1 items, adding a new key
and then dropping the oldest, over and over.  Another appends unique
strs to two lists (10 * ITER at most) while a third sorts them: one
without a key (strs compare without running code), the other
(free-threaded build only) with a key function.  The others copy the
dict and the set whole: list(d), list of its items, tuple of its values,
sorted(s), set(d), frozenset of the items, str.join, [*d],
dict.fromkeys(s), list.extend(d).  Each copy must be one state of its
container (K or K + 1 items, every value its key's), never a "changed
size during iteration" error; the sort must never fail with "list
modified during sort", readers must never see the list sorted without a
key empty, and no append may be lost (other threads' changes wait for a
sort, as in CPython's free-threaded build; a sort with a key under the
GIL drops what other threads add meanwhile, as python3 does, so it is not
run there).  Exit 1 with a message otherwise.
"""
import sys
import threading

N = max(4, int(sys.argv[1]))
ITER = int(sys.argv[2])
if len(sys.argv) > 3 and sys._is_gil_enabled():
    sys.setswitchinterval(float(sys.argv[3]))

K = 64
# The appender stops after CAP appends: the sorts and copies grow with the
# lists, and an appender left to run while many threads starve the rotator
# makes the lists (and so each sort, and the rotator's wait) grow without
# bound.
CAP = 10 * ITER
D = {"k%d" % i: i for i in range(K)}
S = set("k%d" % i for i in range(K))
L = ["base%d" % i for i in range(500)]
KL = ["base%d" % i for i in range(300)]     # sorted with a key
KEYED = not getattr(sys, "_is_gil_enabled", lambda: True)()
errors = []
done = threading.Event()
start = threading.Barrier(N)
appended = [0]


def rotator():
    try:
        start.wait()
        for i in range(K, K + ITER):
            key = "k%d" % i
            D[key] = i
            S.add(key)
            del D["k%d" % (i - K)]
            S.discard("k%d" % (i - K))
    except BaseException as e:
        errors.append(f"rotator: {type(e).__name__}: {e}")
    finally:
        done.set()


def appender():
    try:
        start.wait()
        i = 0
        while not done.is_set() and i < CAP:
            L.append("app%d" % i)
            KL.append("app%d" % i)
            i += 1
            if len(L) < 500:
                raise AssertionError(f"list seen with {len(L)} items")
        appended[0] = i
    except BaseException as e:
        errors.append(f"appender: {type(e).__name__}: {e}")


def sorter():
    try:
        start.wait()
        i = 0
        while not done.is_set():
            L.sort(reverse=i % 2 == 1)
            if KEYED and i % 4 == 0:
                KL.sort(key=lambda x: x[::-1])
            i += 1
    except BaseException as e:
        errors.append(f"sorter: {type(e).__name__}: {e}")


def check_keys(keys, what):
    n = len(keys)
    if n != K and n != K + 1:
        raise AssertionError(f"{what}: {n} keys, not one state of the dict")
    for k in keys:
        if type(k) is not str or k[0] != "k":
            raise AssertionError(f"{what}: key {k!r}")


def copier(tid):
    try:
        start.wait()
        while not done.is_set():
            check_keys(list(D), "list(d)")
            items = list(D.items())
            check_keys([k for k, v in items], "list(d.items())")
            for k, v in items:
                if "k%d" % v != k:
                    raise AssertionError(f"item {k!r}: {v!r}")
            if len(tuple(D.values())) not in (K, K + 1):
                raise AssertionError("tuple(d.values())")
            check_keys(sorted(S), "sorted(s)")
            check_keys(set(D), "set(d)")
            check_keys([k for k, v in frozenset(D.items())], "frozenset(d.items())")
            check_keys(",".join(D).split(","), "join(d)")
            check_keys([*D.keys()], "[*d.keys()]")
            check_keys(dict.fromkeys(S), "dict.fromkeys(s)")
            out = []
            out.extend(D)
            check_keys(out, "list.extend(d)")
            if len(L) < 500:
                raise AssertionError(f"list seen with {len(L)} items while sorted")
    except BaseException as e:
        errors.append(f"copier {tid}: {type(e).__name__}: {e}")


threads = [threading.Thread(target=rotator), threading.Thread(target=appender),
           threading.Thread(target=sorter)]
threads += [threading.Thread(target=copier, args=(t,)) for t in range(N - 3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
got = sum(1 for x in L if x.startswith("app"))
if not errors and got != appended[0]:
    errors.append(f"{appended[0]} appended, {got} in the list")
got = sum(1 for x in KL if x.startswith("app"))
if not errors and got != appended[0]:
    errors.append(f"{appended[0]} appended, {got} in the list sorted with a key")
if errors:
    print(f"snapshots N={N} ITER={ITER}: FAIL: " + "; ".join(errors[:5]), file=sys.stderr)
    sys.exit(1)
print(f"snapshots N={N} ITER={ITER}: ok")
