"""Stress: an instance's __dict__ assigned whole while other threads use
the instance's attributes.

    twinpy instance_dicts.py N ITER [SWITCH_INTERVAL]

One writer (two from N = 4) keeps giving one shared object a fresh
__dict__ ({"gen": i, "a": i, "b": -i}, made by the writer, so the
replaced one dies unless a reader holds it), gives fresh objects their
first attribute while readers look at them too, and deletes, assigns and
refills a second object's __dict__.  The other threads read the
attributes (plain, getattr with a default, hasattr), call a method the
instance dict could shadow, set and delete attributes of their own, and
read __dict__, vars() and dir().  Every dict read must be one a writer
made (its gen, a and b agree); nothing may crash.  Exit 1 with a message
otherwise.
"""
import sys
import threading

N = max(2, int(sys.argv[1]))
WRITERS = 1 if N < 4 else 2
ITER = int(sys.argv[2])
if len(sys.argv) > 3 and sys._is_gil_enabled():
    sys.setswitchinterval(float(sys.argv[3]))

errors = []
done = threading.Event()
start = threading.Barrier(N)


class Obj:
    def method(self):
        return "method"


SHARED = Obj()
SHARED.__dict__ = {"gen": 0, "a": 0, "b": 0}
fresh = [Obj()]
DROPPED = Obj()       # its __dict__ deleted, assigned and refilled


def writer(wid):
    try:
        start.wait()
        for i in range(ITER):
            SHARED.__dict__ = {"gen": i, "a": i, "b": -i}
            if i % 50 == wid:
                fresh[0] = Obj()
            elif i % 50 == wid + 2:
                fresh[0].first = i
            if i % 3 == 0:
                del DROPPED.__dict__
            elif i % 3 == 1:
                DROPPED.__dict__ = {"a": i}
            else:
                DROPPED.a = i
    except BaseException as e:
        errors.append(f"writer {wid}: {type(e).__name__}: {e}")
    finally:
        done.set()


def check_dict(d, what):
    if type(d) is not dict:
        raise AssertionError(f"{what}: not a dict: {type(d).__name__}")
    g, a, b = d["gen"], d["a"], d["b"]
    if not (type(g) is int and a == g and b == -g):
        raise AssertionError(f"{what}: gen {g!r} a {a!r} b {b!r}")


def reader(tid):
    mine = "t%d" % tid
    try:
        start.wait()
        while not done.is_set():
            a = SHARED.a
            b = getattr(SHARED, "b", None)
            if type(a) is not int or type(b) is not int or a < 0 or b > 0:
                raise AssertionError(f"attributes {a!r} {b!r}")
            if not hasattr(SHARED, "gen") or hasattr(SHARED, "nothing"):
                raise AssertionError("hasattr")
            if SHARED.method() != "method":
                raise AssertionError("method")
            setattr(SHARED, mine, tid)
            try:
                delattr(SHARED, mine)
            except AttributeError:
                pass   # the writer replaced the dict in between
            check_dict(SHARED.__dict__, "__dict__")
            check_dict(vars(SHARED), "vars")
            names = dir(SHARED)
            if "gen" not in names or "method" not in names:
                raise AssertionError(f"dir: {names[:5]}")
            a = getattr(DROPPED, "a", 0)
            DROPPED.b = tid
            if type(a) is not int or type(DROPPED.__dict__) is not dict:
                raise AssertionError(f"dropped dict: {a!r}")
            f = fresh[0]
            f.seen = tid
            first = getattr(f, "first", 0)
            if type(first) is not int or getattr(f, "seen", None) is None:
                raise AssertionError(f"fresh object: {f.__dict__!r}")
    except BaseException as e:
        errors.append(f"reader {tid}: {type(e).__name__}: {e}")


threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
threads += [threading.Thread(target=reader, args=(t,)) for t in range(N - WRITERS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
check_dict(SHARED.__dict__, "final __dict__")
if errors:
    print(f"instance_dicts N={N} ITER={ITER}: FAIL: " + "; ".join(errors[:5]), file=sys.stderr)
    sys.exit(1)
print(f"instance_dicts N={N} ITER={ITER}: ok")
